"""Text folding (case, accents) and word tokenising shared by brand matching and text analysis."""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left

# Letters that carry no accent in Unicode but that readers treat as plain Latin letters.
_LETTERS = {"œ": "oe", "æ": "ae", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i",
            "ħ": "h", "ŀ": "l", "ŧ": "t",
            # The modifier apostrophe is a letter for Unicode but an apostrophe for writers.
            "\u02bc": "'",
            # Invisible characters (soft hyphen, zero-width space and joiners, word joiner, BOM)
            # must not split a word: "Ac\u00adme" and "Ac\u200bme" are the word acme.
            "\u00ad": "", "\u200b": "", "\u200c": "", "\u200d": "", "\u2060": "", "\ufeff": ""}
_DROPPED = {"Mn", "Me"}  # accents and other combining marks
# Scripts written without spaces between words: each character becomes its own token, so a
# term written in them matches as a run of characters anywhere in the text.
_UNSPACED = ((0x0E00, 0x0EFF), (0x1000, 0x109F), (0x1780, 0x17FF), (0x3040, 0x30FF),
             (0x31F0, 0x31FF), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF),
             (0x20000, 0x3FFFF))
# Past this many distinct characters the fold tables stop memoising, so hostile text cannot
# grow them without bound; such characters are simply folded again each time.
_CACHE_LIMIT = 20_000


def _fold_once(text: str) -> str:
    out = []
    for ch in unicodedata.normalize("NFKD", text.casefold()):
        if unicodedata.category(ch) not in _DROPPED:
            out.append(_LETTERS.get(ch, ch))
    return "".join(out)


def _fold_char(ch: str) -> str:
    # Folding is repeated until stable so that folding already-folded text changes nothing
    # (a few compatibility characters need two rounds).
    out = ch
    for _ in range(4):
        again = "".join(_fold_once(c) for c in out)
        if again == out:
            break
        out = again
    return out


def _is_unspaced(ch: str) -> bool:
    code = ord(ch)
    return ch.isalnum() and any(lo <= code <= hi for lo, hi in _UNSPACED)


class _FoldTable(dict):
    """A ``str.translate`` table that folds each character on first sight and remembers it."""

    def __init__(self, spaced: bool):
        super().__init__()
        self.spaced = spaced

    def __missing__(self, code: int) -> str:
        value = _fold_char(chr(code))
        if self.spaced:
            value = "".join(f" {c} " if _is_unspaced(c) else c for c in value)
        if len(self) < _CACHE_LIMIT:
            self[code] = value
        return value


_FOLD = _FoldTable(spaced=False)
_TOKEN_FOLD = _FoldTable(spaced=True)


class _ResizeTable(dict):
    """Deletes every character the tokeniser folds to exactly one character, keeps the others.

    ``text.translate(_RESIZE) == ""`` proves the folded text is aligned with ``text``
    character for character, so token offsets need no mapping back.
    """

    def __missing__(self, code: int) -> str:
        value = "" if len(_TOKEN_FOLD[code]) == 1 else chr(code)
        if len(self) < _CACHE_LIMIT:
            self[code] = value
        return value


_RESIZE = _ResizeTable()


def _class_of(category: str) -> str:
    """A regex character class body holding the BMP characters of one Unicode category."""
    parts, start, prev = [], None, None
    for code in range(0x10000):
        if unicodedata.category(chr(code)) != category:
            continue
        if start is not None and code == prev + 1:
            prev = code
            continue
        if start is not None:
            parts.append((start, prev))
        start = prev = code
    if start is not None:
        parts.append((start, prev))
    return "".join(re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}"
                   for a, b in parts)


# Spacing vowel signs (Devanagari, Bengali, Tamil…) are part of words but not \w for Python.
# The regex that knows them is 3x slower, so it only runs on text that contains one.
_MC = _class_of("Mc")
_HAS_MC = re.compile(f"[{_MC}]")
_TOKEN_FAST = re.compile(r"(?<!\w)@\w+(?:\.\w+)*|(?<!\w)#\w+|[^\W_]+")
_TOKEN_FULL = re.compile(
    rf"(?<![\w{_MC}])@[\w{_MC}]+(?:\.[\w{_MC}]+)*|(?<![\w{_MC}])#[\w{_MC}]+|(?:[^\W_]|[{_MC}])+")


def normalize(text: str) -> str:
    """Fold ``text`` for comparison: lower-case, accents and other combining marks removed.

    Case folding is Unicode's (``"Straße"`` gives ``"strasse"``), compatibility forms are
    unified (``"ｆｕｌｌ"`` gives ``"full"``, ``"ﬁ"`` gives ``"fi"``) and a few letters without
    a decomposition are spelled out (``"œ"`` gives ``"oe"``, ``"ø"`` gives ``"o"``). Each
    character is folded on its own, so ``normalize(a + b) == normalize(a) + normalize(b)``.
    """
    if text.isascii():
        return text.lower()
    return text.translate(_FOLD)


# Latin letters with accents, the ones a French or English text carries: searched as variants
# of the letter they fold to (see search_pattern).
_LATIN_RANGES = ((0x00C0, 0x017F),)
_variants: tuple[dict[str, str], dict[str, str]] | None = None


def _letter_variants() -> tuple[dict[str, str], dict[str, str]]:
    """Latin characters by what they fold to: ``({letter: chars}, {letters: chars})``.

    The first holds the characters folding to one letter (the letter itself first), the
    second those folding to several (``"oe"`` from ``"œ"``, ``"ss"`` from ``"ß"``).
    """
    global _variants
    if _variants is None:
        single: dict[str, list[str]] = {}
        multi: dict[str, list[str]] = {}
        for lo, hi in _LATIN_RANGES:
            for code in range(lo, hi + 1):
                folded = normalize(chr(code))
                # Upper-case letters are left to the pattern's (?i): shorter classes scan faster.
                if chr(code).lower() != chr(code):
                    continue
                if len(folded) == 1 and folded != chr(code):
                    single.setdefault(folded, [folded]).append(chr(code))
                elif 1 < len(folded) <= 3 and folded.isalpha():
                    multi.setdefault(folded, []).append(chr(code))
        _variants = ({k: "".join(dict.fromkeys(v)) for k, v in single.items()},
                     {k: "".join(v) for k, v in multi.items()})
    return _variants


def _re2_literal(ch: str) -> str:
    return ch if ch.isascii() and ch.isalnum() else f"\\x{{{ord(ch):x}}}"


def search_pattern(needle: str) -> str:
    """A case-insensitive RE2 pattern that finds ``needle`` in a text whatever its accents.

    ``"reseau"`` and ``"Réseau"`` both find ``"RÉSEAU"`` and ``"réseau"``: each letter of the
    folded needle (:func:`normalize`) matches any Latin letter that folds to it, and a run of
    spaces matches any run of white space. Every other character matches itself only (written
    as ``\\x{..}``, so nothing typed is read as regex syntax). Meant for DuckDB's
    ``regexp_matches``, which scans far faster than folding every stored text per query.
    """
    single, multi = _letter_variants()

    def letter(ch: str) -> str:
        options = single.get(ch)
        return f"[{''.join(_re2_literal(c) for c in options)}]" if options else _re2_literal(ch)

    parts: list[str] = []
    for word in normalize(needle).split():
        pieces, i = [], 0
        while i < len(word):
            # "oeuvre" also finds "œuvre": a letter pair may stand for one ligature.
            seq = next((k for k in multi if word.startswith(k, i)), None)
            if seq is None:
                pieces.append(letter(word[i]))
                i += 1
                continue
            chars = "".join(_re2_literal(c) for c in multi[seq])
            pieces.append(f"(?:{''.join(letter(c) for c in seq)}|[{chars}])")
            i += len(seq)
        parts.append("".join(pieces))
    return "(?i)" + r"\s+".join(parts)


def _token_text(text: str) -> str:
    """The folded text the tokeniser reads (unspaced scripts get a space around each letter)."""
    if text.isascii():
        return text.lower()
    return text.translate(_TOKEN_FOLD)


def _pattern(folded: str) -> re.Pattern[str]:
    if folded.isascii() or not _HAS_MC.search(folded):
        return _TOKEN_FAST
    return _TOKEN_FULL


def tokenize(text: str) -> list[str]:
    """Split ``text`` into folded word tokens, in order.

    A word is a run of letters and digits; everything else separates words, hyphens,
    apostrophes and underscores included (``"l'Acme-Phone"`` gives ``l``, ``acme``,
    ``phone``). ``@name`` and ``#name`` are kept whole, sigil included, when the sigil does
    not follow a letter or digit: ``"@acme_fr"`` gives ``@acme_fr``, ``"#Café"`` gives
    ``#cafe``, but ``"bob@acme.com"`` gives ``bob``, ``acme``, ``com``. Handles may hold
    ``_`` and inner dots (``@acme.fr``), hashtags ``_``. Chinese, Japanese, Thai, Lao,
    Khmer and Burmese letters, written without spaces, are one token each.
    """
    folded = _token_text(text)
    return _pattern(folded).findall(folded)


def token_spans(text: str) -> list[tuple[str, int, int]]:
    """Return ``(token, start, end)`` for each token of :func:`tokenize`, offsets in ``text``.

    The span covers the token as written, accents and sigil included; a combining accent
    written after the last letter belongs to the word.
    """
    if text.isascii() or not text.translate(_RESIZE):
        folded = _token_text(text)
        return [(m.group(), m.start(), m.end()) for m in _pattern(folded).finditer(folded)]
    pieces = [_TOKEN_FOLD[ord(ch)] for ch in text]
    owner: list[int] = []  # index in the folded text -> index of the character it came from
    for index, piece in enumerate(pieces):
        owner.extend([index] * len(piece))
    folded = "".join(pieces)
    size = len(text)
    out = []
    for m in _pattern(folded).finditer(folded):
        start, end = owner[m.start()], owner[m.end() - 1] + 1
        while end < size and not pieces[end]:
            end += 1
        out.append((m.group(), start, end))
    return out


class Doc:
    """A text tokenised once, so that many brand queries can be evaluated against it cheaply.

    ``tokens`` is :func:`tokenize` of the text and ``tokset`` the same as a set; the
    positions index, the sorted vocabulary and the character offsets are built only when a
    query needs them (phrases and NEAR, wildcards, spans).
    """

    __slots__ = ("text", "tokens", "tokset", "_positions", "_sorted", "_offsets")

    def __init__(self, text: str):
        """Tokenise ``text``; raise TypeError if it is not a string."""
        if not isinstance(text, str):
            raise TypeError(f"Doc expects the text as a str, got {type(text).__name__}")
        self.text = text
        self.tokens = tokenize(text)
        self.tokset = set(self.tokens)
        self._positions: dict[str, list[int]] | None = None
        self._sorted: list[str] | None = None
        self._offsets: list[tuple[int, int]] | None = None

    def __repr__(self) -> str:
        return f"Doc({self.text[:40]!r}, {len(self.tokens)} tokens)"

    def positions(self, token: str) -> list[int]:
        """Sorted token indexes where ``token`` (folded, sigil included) occurs."""
        if self._positions is None:
            index: dict[str, list[int]] = {}
            for i, tok in enumerate(self.tokens):
                index.setdefault(tok, []).append(i)
            self._positions = index
        return self._positions.get(token, [])

    def has_prefix(self, prefixes: tuple[str, ...]) -> bool:
        """True if some token starts with one of ``prefixes``."""
        if self._sorted is None:
            self._sorted = sorted(self.tokset)
        vocab = self._sorted
        for prefix in prefixes:
            i = bisect_left(vocab, prefix)
            if i < len(vocab) and vocab[i].startswith(prefix):
                return True
        return False

    @property
    def offsets(self) -> list[tuple[int, int]]:
        """``(start, end)`` in the original text of each token, parallel to ``tokens``."""
        if self._offsets is None:
            self._offsets = [(start, end) for _, start, end in token_spans(self.text)]
        return self._offsets
