"""Page change detection: normalise extracted text, mask meaningless churn, diff what is left."""

from __future__ import annotations

import base64
import difflib
import gzip
import hashlib
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

# The sign a removed line carries in a readable diff (a true minus, distinct from a hyphen
# that could start a list item in the page itself).
MINUS = "\u2212"
ADDED_PREFIX = "+ "
REMOVED_PREFIX = f"{MINUS} "

# A page's last text is kept (in the source's state) to diff the next visit against. Legal
# pages can be long; past this many UTF-8 bytes only their start is kept and compared.
MAX_SNAPSHOT_BYTES = 200_000

# Placeholders are written with brackets no page text uses, so a placeholder can never be
# confused with the words around it.
DATE, TIME, AGO, COUNT, TOKEN, YEAR = "⟨date⟩", "⟨time⟩", "⟨ago⟩", "⟨count⟩", "⟨id⟩", "⟨year⟩"
_PLACEHOLDER = re.compile("|".join(re.escape(p) for p in (DATE, TIME, AGO, COUNT, TOKEN, YEAR)))
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))
_SPACES = re.compile(r"\s+")

_I = re.IGNORECASE
_MONTHS = (
    r"janvier|f[ée]vrier|mars|avril|mai|juin|juillet|ao[uû]t|septembre|octobre|novembre|"
    r"d[ée]cembre|janv|f[ée]vr?|avr|juil|sept|oct|nov|d[ée]c|"
    r"january|february|march|april|may|june|july|august|september|october|november|december|"
    r"jan|feb|mar|apr|jun|jul|aug|sep"
)
_WEEKDAYS = (
    r"lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|"
    r"monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|tues|wed|thu|thur|"
    r"thurs|fri|sat|sun"
)
_ORDINAL = r"(?:er|re|st|nd|rd|th)"
_WEEKDAY_PREFIX = rf"(?:(?:{_WEEKDAYS})\.?,?\s+(?:the\s+|le\s+)?)?"
# Written dates: "12 mars 2026", "1er mars", "March 12, 2026", "Thu 5 Mar 2026", "mars 2026".
_TEXT_DATE = re.compile(
    rf"\b{_WEEKDAY_PREFIX}(?:"
    rf"\d{{1,2}}{_ORDINAL}?\s+(?:of\s+)?(?:{_MONTHS})\b\.?(?:,?\s+\d{{4}})?"
    rf"|(?:{_MONTHS})\b\.?\s+\d{{1,2}}{_ORDINAL}?\b(?:,?\s+\d{{4}})?"
    rf"|(?:{_MONTHS})\b\.?,?\s+\d{{4}}"
    rf")\b",
    _I,
)
_ISO_DATETIME = re.compile(
    r"\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?(?!\d)"
)
# Numeric dates; two-digit years only with slashes, so version numbers like 2.3.10 survive.
_NUMERIC_DATE = re.compile(
    r"(?<![\w./-])(?:"
    r"\d{1,2}([./-])\d{1,2}\1\d{4}"
    r"|\d{1,2}/\d{1,2}/\d{2}"
    r"|\d{4}/\d{1,2}/\d{1,2}"
    r")(?![\w/-]|\.\d)"
)
_TIME = re.compile(
    r"(?<![\w:.])(?:"
    r"\d{1,2}:\d{2}(?::\d{2})?(?:\s*[ap]\.?\s?m\b\.?)?"
    r"|\d{1,2}\s?h\s?\d{2}(?:\s?min)?"
    r"|\d{1,2}\s?[ap]\.?m\b\.?"
    r")(?:\s*(?:UTC|GMT|CEST|CET|[EPCM][SD]T)\b)?(?![\w:])",
    _I,
)
_RELATIVE = re.compile(
    r"\b(?:"
    # English: "3 hours ago", "about an hour ago", "5d ago", "moments ago".
    r"(?:(?:about|around|over|almost|nearly|less\s+than)\s+)?"
    r"(?:\d+|an?|one|a\s+few|few)\s*"
    r"(?:seconds?|secs?|s|minutes?|mins?|m|hours?|hrs?|h|days?|d|weeks?|wks?|w|months?|mos?|"
    r"years?|yrs?|y)\s+ago"
    r"|moments?\s+ago|just\s+now|yesterday|today"
    # French: "il y a 3 heures", "il y a environ une heure", "à l'instant".
    r"|il\s+y\s+a\s+(?:(?:environ|plus\s+de|moins\s+de|pr[èe]s\s+de)\s+)?"
    r"(?:\d+|une?|quelques)\s*"
    r"(?:secondes?|sec|s|minutes?|mins?|min|mn|heures?|h|jours?|j|semaines?|sem|mois|ans?|"
    r"ann[ée]es?)"
    r"|aujourd['’]hui|avant-hier|hier"
    r")\b"
    r"|\b[àa]\s+l['’]instant\b",
    _I,
)
_NUMBER = r"\d{1,3}(?:[\u00a0\u202f ,.’']\d{3})+|\d+(?:[.,]\d+)?\s?[kKmM]?"
_COUNTER_WORDS = (
    r"views?|vues?|pages?\s+vues|page\s+views|visites?|visits?|visitors?|visiteurs?|lectures?|"
    r"reads|hits|likes?|j['’]aime|shares?|partages?|comments?|commentaires?|followers?|"
    r"abonn[ée]e?s|subscribers?|r[ée]actions?|reactions?|votes?|reviews?|avis|ratings?|"
    r"[ée]valuations?"
)
_COUNTERS = re.compile(
    rf"(?<![\w.,])(?:{_NUMBER})\s*(?:{_COUNTER_WORDS})\b"
    rf"|\b(?:viewed|read|seen|vue?s?|lue?s?|consult[ée]e?s?)\s+(?:{_NUMBER})\s*(?:times|fois)\b"
    rf"|\b(?:{_COUNTER_WORDS}|compteur|counter|nombre\s+de\s+visites)\s*[:(]?\s*(?:{_NUMBER})"
    r"\)?(?![\w.,]\d)",
    _I,
)
# A counter preceded by one of these is a plan limit ("up to 1,000 subscribers"), which is
# exactly what a pricing watcher wants to see change.
_LIMIT_BEFORE = re.compile(
    r"(?:up\s+to|jusqu['’]?\s*[àa]|max(?:imum)?|limit[ée]?e?|unlimited|illimit[ée]e?s?|"
    r"per|par|\+|≤|<)\s*$",
    _I,
)
_LIMIT_AFTER = re.compile(r"^\s*(?:/|par\b|per\b|a\s+month|inclu)", _I)
_UUID = re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b", _I)
_HEX = re.compile(r"\b[0-9a-f]{12,}\b", _I)
_LONG_TOKEN = re.compile(r"(?<![\w/.-])[A-Za-z0-9_-]{20,}={0,2}(?![\w/.-])")
_KEYED_TOKEN = re.compile(
    r"\b(?:session(?:[ _-]?id)?|sid|token|csrf(?:[ _-]?token)?|nonce|jsessionid|phpsessid|"
    r"request[ _-]?id|trace[ _-]?id|ray[ _-]?id|correlation[ _-]?id)\b"
    r"(?:\s*[=:#]\s*|\s+)([\w.+/=-]{6,})",
    _I,
)
_COPYRIGHT_LINE = re.compile(
    r"©|\(c\)|copyright|tous\s+droits\s+r[ée]serv[ée]s|all\s+rights\s+reserved", _I)
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?:\s*[-–—]\s*(?:19|20)?\d{2,4})?(?!\d)")


def clean_lines(text: str) -> list[str]:
    """Split extracted text into its non-empty lines, each with whitespace collapsed.

    Unicode is composed (NFC), invisible characters (zero-width spaces, BOM) are dropped and
    every run of whitespace, non-breaking spaces included, becomes one space, so a page that
    only re-indents or swaps a space for a non-breaking space reads the same.
    """
    text = unicodedata.normalize("NFC", text or "").translate(_INVISIBLE)
    lines = (_SPACES.sub(" ", line).strip() for line in text.splitlines())
    return [line for line in lines if line]


def _is_token(word: str, min_digits: int = 1, min_letters: int = 1) -> bool:
    digits = sum(c.isdigit() for c in word)
    letters = sum(c.isalpha() for c in word)
    return digits >= min_digits and letters >= min_letters


def _is_random(word: str) -> bool:
    # Generated ids flip between letters and digits all the time; a slug such as
    # "summer-sale-2026" has its digits in one block.
    flips = sum(1 for x, y in zip(word, word[1:], strict=False)
                if (x.isdigit() and y.isalpha()) or (x.isalpha() and y.isdigit()))
    return flips >= 3


def _mask_keyed_token(match: re.Match[str]) -> str:
    # "Session timeout" is prose; "session: a81f9c…" is a token, and tokens carry digits.
    value = match.group(1)
    if not any(c.isdigit() for c in value):
        return match.group(0)
    return match.group(0)[:match.start(1) - match.start()] + TOKEN


def _mask_counter(match: re.Match[str]) -> str:
    before = match.string[max(0, match.start() - 20):match.start()]
    after = match.string[match.end():match.end() + 20]
    if _LIMIT_BEFORE.search(before) or _LIMIT_AFTER.search(after):
        return match.group(0)
    return COUNT


def mask_boilerplate(line: str) -> str:
    """Replace the parts of one line that change without meaning by fixed placeholders.

    Masked: session tokens and ids (UUIDs, long hex strings, ``token=…``, long mixed
    letter-and-digit strings), dates (ISO, numeric such as ``12/03/2026``, written such as
    ``12 mars 2026`` or ``March 12, 2026``, with their weekday), times (``14:32``,
    ``14h30``, ``3 pm``), relative times (``il y a 3 heures``, ``3 hours ago``, ``hier``,
    ``yesterday``), audience counters (``1 234 vues``, ``Views: 1,234``, ``vu 12 fois``, but
    not limits such as ``up to 1,000 subscribers``) and the years of a copyright line.
    Prices, quantities and version numbers are left as they are: they are what a watcher
    wants to see change.
    """
    line = _KEYED_TOKEN.sub(_mask_keyed_token, line)
    line = _UUID.sub(TOKEN, line)
    line = _HEX.sub(lambda m: TOKEN if _is_token(m.group(0)) else m.group(0), line)
    line = _LONG_TOKEN.sub(
        lambda m: TOKEN if _is_random(m.group(0)) else m.group(0), line)
    line = _ISO_DATETIME.sub(DATE, line)
    line = _TEXT_DATE.sub(DATE, line)
    line = _NUMERIC_DATE.sub(DATE, line)
    line = _TIME.sub(TIME, line)
    line = _RELATIVE.sub(AGO, line)
    line = _COUNTERS.sub(_mask_counter, line)
    if _COPYRIGHT_LINE.search(line):
        line = _YEAR.sub(YEAR, line)
    return line


def _is_only_boilerplate(masked: str) -> bool:
    """True when nothing but placeholders and punctuation is left on a masked line."""
    rest = _PLACEHOLDER.sub("", masked)
    return not any(c.isalnum() for c in rest)


def meaningful_lines(text: str) -> list[tuple[str, str]]:
    """Return ``(line, masked)`` pairs for the lines of ``text`` that carry meaning.

    ``line`` is the cleaned line as the page shows it (see :func:`clean_lines`), ``masked``
    the same line after :func:`mask_boilerplate`. Lines left with nothing but placeholders and
    punctuation (a lone date, "3 hours ago", a view counter) are dropped: they appear and
    disappear without the page saying anything new.
    """
    out = []
    for line in clean_lines(text):
        masked = mask_boilerplate(line)
        if not _is_only_boilerplate(masked):
            out.append((line, masked))
    return out


def fingerprint(text: str) -> str:
    """A short stable hash of what ``text`` says, blind to boilerplate churn and line wrapping.

    Two texts whose meaningful lines (see :func:`meaningful_lines`) read the same once joined
    with single spaces have the same fingerprint, so re-wrapping a paragraph, a new date or a
    new view count leave it unchanged. Returns 16 hex digits.
    """
    joined = " ".join(masked for _, masked in meaningful_lines(text))
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class PageDiff:
    """What changed between two versions of a page, line by line.

    ``added`` and ``removed`` hold the lines as the page shows them (cleaned, not masked);
    ``lines`` is the readable diff in page order, each line prefixed ``"+ "`` or ``"− "``.
    """

    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        """True when at least one meaningful line was added or removed."""
        return bool(self.added or self.removed)

    @property
    def summary(self) -> str:
        """The counts as a person reads them: ``"+3 / −1 lines"``."""
        return f"+{len(self.added)} / {MINUS}{len(self.removed)} lines"

    @property
    def text(self) -> str:
        """The readable diff, one line per added or removed line."""
        return "\n".join(self.lines)


def diff_pages(old: str, new: str) -> PageDiff:
    """Compare two extracted texts of one page and return their meaningful differences.

    Boilerplate churn (see :func:`mask_boilerplate`) and whitespace never count. Blocks of
    lines that only re-wrap the same words, and lines that only moved (removed in one place,
    added unchanged in another), are not reported either. An empty :class:`PageDiff`
    (``changed`` false) means nothing the reader would notice has changed.
    """
    before, after = meaningful_lines(old), meaningful_lines(new)
    a = [masked for _, masked in before]
    b = [masked for _, masked in after]
    blocks: list[tuple[list[int], list[int]]] = []
    # autojunk stays on: it stops very frequent lines ("Oui" in a long comparison table) from
    # anchoring the alignment, which is what otherwise makes long repetitive pages quadratic;
    # such lines then fall into changed blocks and are cancelled as moves below.
    matcher = difflib.SequenceMatcher(None, a, b)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        # The same words split over other lines: a layout change, not a content change.
        if " ".join(a[i1:i2]) == " ".join(b[j1:j2]):
            continue
        blocks.append((list(range(i1, i2)), list(range(j1, j2))))
    # A line that left one place and reappears unchanged in another only moved.
    gone = Counter(a[i] for old_ix, _ in blocks for i in old_ix)
    came = Counter(b[j] for _, new_ix in blocks for j in new_ix)
    moved = gone & came
    skip_old, skip_new = Counter(moved), Counter(moved)
    added: list[str] = []
    removed: list[str] = []
    lines: list[str] = []
    for old_ix, new_ix in blocks:
        for i in old_ix:
            if skip_old[a[i]] > 0:
                skip_old[a[i]] -= 1
                continue
            removed.append(before[i][0])
            lines.append(REMOVED_PREFIX + before[i][0])
        for j in new_ix:
            if skip_new[b[j]] > 0:
                skip_new[b[j]] -= 1
                continue
            added.append(after[j][0])
            lines.append(ADDED_PREFIX + after[j][0])
    return PageDiff(added=added, removed=removed, lines=lines)


def pack_snapshot(text: str) -> str:
    """Return ``text`` gzipped and base64-encoded, cut to the size cap, for a JSON state.

    At most :data:`MAX_SNAPSHOT_BYTES` of UTF-8 are kept, cut at a line end, so the state of
    a source stays small whatever its pages weigh.
    """
    data = text.encode("utf-8")
    if len(data) > MAX_SNAPSHOT_BYTES:
        data = data[:MAX_SNAPSHOT_BYTES]
        cut = data.rfind(b"\n")
        data = data[:cut] if cut > 0 else data.decode("utf-8", "ignore").encode("utf-8")
    return base64.b64encode(gzip.compress(data, mtime=0)).decode("ascii")


def unpack_snapshot(packed: str) -> str | None:
    """Return the text :func:`pack_snapshot` stored, or None if ``packed`` cannot be read."""
    try:
        return gzip.decompress(base64.b64decode(packed, validate=True)).decode("utf-8")
    except (ValueError, OSError, EOFError):
        return None

