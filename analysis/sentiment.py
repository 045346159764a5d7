"""Lexicon-and-rules sentiment (the analyser before the learned model), kept as its baseline."""

# The word valences come from VADER's English lexicon and vaderSentiment_fr's French one, read
# from the installed packages' data files, overridden and extended by
# :mod:`analysis.lexicon_social` (slang, idioms, customer-service words, emoji). On top of them:
# negation ("pas terrible", "never had a problem"), intensifiers before and after a word ("trop
# bien", "j'kiffe grave"), elongations and capitals ("nuuuul", "NULS"), exclamation marks, the
# contrast that makes the part after "mais"/"but" weigh more, dampened information questions and
# press-release news. For one brand, only the clauses that talk about it count (see
# :func:`score_about`).

from __future__ import annotations

import math
import re
from bisect import bisect_right
from collections.abc import Sequence
from functools import lru_cache

from analysis import lexicon_social as social
from analysis.lexicon import valences
from analysis.text import normalize

POSITIVE, NEUTRAL, NEGATIVE = "positive", "neutral", "negative"
# VADER's own recommended cut-offs on the compound score.
THRESHOLD = 0.05
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+|\n+")
MAX_CHARS = 5000  # longer texts are scored on their start: posts put their point early

NEGATION_SCALAR = -0.74  # VADER's: "not good" is about three quarters as bad as "good" is good
CAPS_BOOST = 0.733  # VADER's, for a word in capitals among lower-case ones
LENGTHENED_BOOST = 0.3  # "sooo", "nuuuul"
EXCLAMATION_BOOST = 0.292  # VADER's, per "!" up to four
BEFORE_TURN, AFTER_TURN = 0.5, 1.5  # VADER's weights around "but"
QUESTION_DAMP = 0.2  # a question asked for information carries little opinion
NEWS_DAMP = 0.3  # nor does a company's announcement reported as news
DEAD_ZONE = 0.45  # summed valences this small are noise (a stray "merci", a lone "lol")
OPPOSITE_SHARE = 0.8  # "unlike X, Y is great": X gets most of Y's praise, reversed
_MEMO_LIMIT = 100_000  # distinct words remembered; past it, new words are worked out each time
ALPHA = 15  # VADER's normalisation constant: compound = s / sqrt(s² + 15)

_TOKEN = re.compile(
    r"(?P<url>https?://\S+|www\.\S+)"
    r"|(?P<emo>(?<![\w:])(?:[:;=][-']?[()dDpP/\\|*]|<3|[xX][dD])(?![\w/]))"
    r"|(?P<word>[@#]?[^\W\d_]+(?:['’][^\W\d_]+)*['’]?)"
    r"|(?P<num>\d+(?:[.,]\d+)*)"
    r"|(?P<excl>!+)|(?P<quest>\?+)|(?P<nl>\n+)"
    r"|(?P<stop>[,;:.…—–()\[\]«»\"/|=+*&]+)"
    r"|(?P<other>[^\s\ufe0f\U0001F3FB-\U0001F3FF])",
    re.UNICODE,
)
_LENGTHENED = re.compile(r"([^\W\d_])\1{2,}", re.UNICODE)
_KEEP_ELISION = {"aujourd'hui", "quelqu'un", "presqu'ile"}
# Capitalised words that are not names of anything a brand competes with.
_NOT_NAMES = {"i", "i'm", "i've", "i'd", "i'll", "je", "j'", "ok", "lol", "wtf", "mdr"}


def _phrase_keys(phrase: str, lang: str) -> tuple[str, ...]:
    return tuple(t.key for t in _tokens(phrase, lang))


@lru_cache(maxsize=2)
def _rules(lang: str) -> dict:
    """Every rule table of ``lang`` with its phrases pre-tokenised the way texts are."""
    def index(phrases):
        out: dict[str, list[tuple[tuple[str, ...], object]]] = {}
        for phrase, value in phrases:
            keys = _phrase_keys(phrase, lang)
            out.setdefault(keys[0], []).append((keys, value))
        for options in out.values():
            options.sort(key=lambda o: -len(o[0]))
        return out

    boosters = {normalize(k): v for k, v in social.BOOSTERS[lang].items()}
    return {
        "lexicon": valences(lang),
        "phrases": index(social.PHRASES[lang].items()),
        "post": index(social.POST_BOOSTERS[lang].items()),
        "contrast": index((p, True) for p in social.CONTRAST[lang]),
        "opposite": {_phrase_keys(p, lang) for p in social.OPPOSITE[lang]},
        "boosters": {k: v for k, v in boosters.items() if " " not in k},
        "negators": social.NEGATORS[lang],
        "news": social.NEWS_VERBS[lang],
        "questions": social.QUESTION_WORDS[lang],
        "emoji": {normalize(k): v for k, v in social.EMOJI.items()},
    }


class _Tok:
    __slots__ = ("kind", "key", "start", "end", "caps", "long")

    def __init__(self, kind: str, key: str, start: int, end: int, caps: bool, long: bool):
        self.kind, self.key, self.start, self.end = kind, key, start, end
        self.caps, self.long = caps, long


def _word(raw: str, lang: str) -> tuple[str | None, str, bool, bool]:
    """(elided head or None, key, in capitals, lengthened) of one word as written."""
    key = normalize(raw.replace("’", "'"))
    if raw.lower() in social.ACCENTED.get(lang, ()):
        key = raw.lower()  # "marché" (market) is not "marche" (it works)
    caps = len(raw) > 1 and raw.isupper()
    head = None
    # French elision: "j'kiffe", "n'a", "qu'Orbis" are two words each.
    if lang == "fr" and "'" in key.rstrip("'") and key not in _KEEP_ELISION:
        first, _, tail = key.partition("'")
        if len(first) <= 5:
            head, key = first + "'", tail
    return head, key, caps, len(key) > 2 and bool(_LENGTHENED.search(key))


_WORDS: dict[tuple[str, str], tuple[str | None, str, bool, bool]] = {}


def _tokens(text: str, lang: str) -> list[_Tok]:
    out: list[_Tok] = []
    words = _WORDS
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup
        if kind == "url":
            continue
        raw = m.group()
        if kind != "word":
            out.append(_Tok(kind, normalize(raw), m.start(), m.end(), False, False))
            continue
        found = words.get((lang, raw))
        if found is None:
            found = _word(raw, lang)
            if len(words) < _MEMO_LIMIT:  # bounded: hostile text cannot grow it forever
                words[(lang, raw)] = found
        head, key, caps, long = found
        start = m.start()
        if head is not None:
            out.append(_Tok("word", head, start, start + len(head), caps, False))
            start += len(head)
        out.append(_Tok("word", key, start, m.end(), caps, long))
    return out


_MEMO: dict[tuple[str, str], float] = {}


def _lookup(key: str, lang: str, lexicon: dict[str, float]) -> float:
    value = lexicon.get(key)
    if value is not None:
        return value
    memo = _MEMO.get((lang, key))
    if memo is None:
        memo = _derived(key, lang, lexicon)
        if len(_MEMO) < _MEMO_LIMIT:
            _MEMO[(lang, key)] = memo
    return memo


def _derived(key: str, lang: str, lexicon: dict[str, float]) -> float:
    """Valence of a word the lexicon lacks, through its lengthened or inflected form."""
    if _LENGTHENED.search(key):
        for squeezed in (_LENGTHENED.sub(r"\1\1", key), _LENGTHENED.sub(r"\1", key)):
            if squeezed in lexicon:
                return lexicon[squeezed]
    # Inflections the lexicons do not list: plural, feminine, third person, past, -ing.
    endings = ("es", "s", "e") if lang == "fr" else ("s", "es", "ed", "d", "ing", "er", "est")
    if lang == "en" and key.endswith("ed") and len(key) > 5 and key[-3] == key[-4]:
        value = lexicon.get(key[:-3])  # "dropped", "stopped"
        if value is not None:
            return value
    for ending in endings:
        if key.endswith(ending) and len(key) - len(ending) >= 3:
            value = lexicon.get(key[: -len(ending)])
            if value is not None:
                return value
    return 0.0


def _match(options, keys: list[str], i: int) -> int:
    """Length of the longest pre-tokenised phrase in ``options`` starting at ``keys[i]``."""
    for phrase, _ in options.get(keys[i], ()):
        if tuple(keys[i:i + len(phrase)]) == phrase:
            return len(phrase)
    return 0


def _valences(toks: list[_Tok], lang: str, skip: set[int]) -> list[float]:
    """One valence per token (0 for most), negation, boosters, capitals and lengthening applied.

    Tokens in ``skip`` (the brand's own name) carry no sentiment: "Ciel" is not the sky.
    """
    rules = _rules(lang)
    lexicon, boosters, negators = rules["lexicon"], rules["boosters"], rules["negators"]
    keys = [t.key for t in toks]
    n = len(toks)
    shouting = sum(t.caps for t in toks) < sum(t.kind == "word" for t in toks)
    values = [0.0] * n
    role = [""] * n  # "neg", "boost", "phrase" (inside a phrase), "stop"
    i = 0
    while i < n:
        tok = toks[i]
        if i in skip:
            i += 1
            continue
        if tok.kind in ("stop", "excl", "quest"):
            role[i] = "stop"
        elif tok.kind in ("emo", "other"):
            values[i] = rules["emoji"].get(tok.key, 0.0)
        elif tok.kind == "word":
            size = _match(rules["phrases"], keys, i)
            if size:
                phrase = tuple(keys[i:i + size])
                values[i] = next(v for p, v in rules["phrases"][keys[i]] if p == phrase)
                for j in range(i + 1, i + size):
                    role[j] = "phrase"
                role[i] = "phrase-head"
                i += size
                continue
            key = tok.key
            squeezed = _LENGTHENED.sub(r"\1", key) if tok.long else key
            if key in negators or (lang == "en" and key.endswith("n't")):
                role[i] = "neg"
            elif lang == "fr" and key == "plus" and any(k in social.FR_NE for k in
                                                         keys[max(0, i - 4):i]):
                role[i] = "neg"
            elif (key in boosters or squeezed in boosters) and i + 1 < n and (
                    _lookup(keys[i + 1], lang, lexicon) or keys[i + 1] in boosters
                    or _match(rules["phrases"], keys, i + 1)):
                role[i] = "boost"
            else:
                values[i] = _lookup(key, lang, lexicon)
        i += 1

    # Modifiers, applied to each sentiment-bearing token.
    for i in range(n):
        v = values[i]
        if not v:
            continue
        scale = 0.0
        for back in (1, 2, 3):
            j = i - back
            if j < 0 or role[j] == "stop":
                break
            if role[j] == "boost":
                b = boosters.get(keys[j]) or boosters.get(_LENGTHENED.sub(r"\1", keys[j]), 0.0)
                scale += b * (1.0 - 0.05 * (back - 1))
                if toks[j].long:
                    scale += LENGTHENED_BOOST
        size = _match(rules["post"], keys, i + 1) if i + 1 < n else 0
        if size:
            phrase = tuple(keys[i + 1:i + 1 + size])
            scale += next(b for p, b in rules["post"][keys[i + 1]] if p == phrase)
            if not values[i + 1] or keys[i + 1] in ("grave",):
                values[i + 1] = 0.0
        if toks[i].caps and shouting:
            scale += CAPS_BOOST / max(abs(v), 1.0)
        if toks[i].long:
            scale += LENGTHENED_BOOST
        v = v * (1.0 + scale)
        if toks[i].kind == "word" and (role[i] != "phrase-head"
                                       or not any(k in negators for k in keys[i:i + 2])):
            if _negated(toks, keys, role, i, lang):
                v *= NEGATION_SCALAR
        values[i] = v
    return values


def _negated(toks, keys, role, i: int, lang: str) -> bool:
    for back in (1, 2, 3):
        j = i - back
        if j < 0 or role[j] == "stop":
            break
        if role[j] == "neg":
            return True
    if lang == "fr" and i + 1 < len(toks):
        # "ça capte pas", "ne répond jamais": spoken and written French put the negation after
        # the verb. "pas de X" negates X, not the word before it.
        nxt = keys[i + 1]
        after = keys[i + 2] if i + 2 < len(keys) else ""
        if role[i + 1] == "neg" and nxt in ("pas", "jamais", "plus", "rien") and \
                after not in ("de", "d'", "du", "des"):
            return True
    return False


# ---------------------------------------------------------------------------------------------
# Clauses: a sentence is cut at punctuation and at contrast words, and each piece is scored.

class _Clause:
    __slots__ = ("lo", "hi", "turn", "question", "sentence")

    def __init__(self, lo: int, hi: int, turn: bool, question: bool, sentence: int):
        self.lo, self.hi, self.turn, self.question = lo, hi, turn, question
        self.sentence = sentence


def _clauses(toks: list[_Tok], lang: str) -> list[_Clause]:
    """Cut tokens into clauses at punctuation, line breaks and contrast words.

    ``turn`` counts the "mais"/"but"-like words met so far in the sentence (0 before any).
    In a sentence ending with "?", the last clause and those holding a question word are
    questions; "Orbis est en panne, quelqu'un sait si Tilia est touché ?" asserts its start.
    """
    rules = _rules(lang)
    keys = [t.key for t in toks]
    out: list[_Clause] = []
    pending: list[_Clause] = []
    state = {"start": 0, "turn": 0, "sentence": 0}

    def close(end: int) -> None:
        if end > state["start"]:
            pending.append(_Clause(state["start"], end, state["turn"], False,
                                   state["sentence"]))
        state["start"] = end

    i, n = 0, len(toks)
    while i < n:
        tok = toks[i]
        if tok.kind in ("stop", "excl", "quest", "nl"):
            close(i + 1)
            if tok.kind in ("excl", "quest", "nl") or any(c in tok.key for c in ".…"):
                if tok.kind == "quest" and pending:
                    for c in pending:
                        # Questions open with their question word: "does anyone…".
                        c.question = keys[c.lo] in rules["questions"]
                    pending[-1].question = True
                out.extend(pending)
                pending = []
                state["sentence"] += 1
                state["turn"] = 0
            i += 1
            continue
        size = _match(rules["contrast"], keys, i) if tok.kind == "word" else 0
        if size:
            close(i)
            state["turn"] += 1
            i += size
            continue
        i += 1
    close(n)
    out.extend(pending)
    return out


def _clause_score(toks, values, clause: _Clause) -> float:
    total = sum(values[clause.lo:clause.hi])
    if not total:
        return 0.0
    bangs = sum(len(t.key) for t in toks[clause.lo:clause.hi + 1] if t.kind == "excl")
    if bangs:
        total += math.copysign(EXCLAMATION_BOOST * min(bangs, 4), total)
    if clause.question:
        total *= QUESTION_DAMP
    return total


def _compound(total: float) -> float:
    if abs(total) < DEAD_ZONE:
        return 0.0
    return max(-1.0, min(1.0, total / math.sqrt(total * total + ALPHA)))


def _weighted(parts: list[tuple[float, int]]) -> float:
    """Sum clause scores in order; at each turn what came before halves, what follows is 1.5×."""
    total, level = 0.0, 0
    for score, turn in parts:
        if turn > level:
            total *= BEFORE_TURN
        level = turn
        total += score * (AFTER_TURN if turn else 1.0)
    return total


def _news(toks, keys, lang: str, mention_end: int) -> bool:
    """True when a company verb of announcements follows the brand (or the text's start)."""
    rules = _rules(lang)
    first_person = {"je", "j'", "moi", "me", "m'", "ma", "mon", "mes", "nous", "notre", "on", "i",
                    "my", "i'm", "i've", "we", "our"}
    if first_person & set(keys) or any(t.kind == "excl" for t in toks):
        return False
    window = keys[mention_end:mention_end + 3]
    return any(k in rules["news"] for k in window)


# ---------------------------------------------------------------------------------------------
# Public API


def label(score: float | None) -> str:
    """Name a score: ``negative`` below -0.05, ``positive`` above 0.05, ``neutral`` between."""
    if score is None or -THRESHOLD <= score <= THRESHOLD:
        return NEUTRAL
    return POSITIVE if score > 0 else NEGATIVE


@lru_cache(maxsize=256)
def _analysed(text: str, lang: str) -> tuple[list[_Tok], list[str], list[float], list[_Clause]]:
    """Tokens, their keys, valences and clauses of ``text``, kept for the next few calls.

    The ingest pipeline scores each item whole and then once per brand it names: the text is
    read once for all of them. Callers must not modify what they get.
    """
    toks = _tokens(text, lang)
    return toks, [t.key for t in toks], _valences(toks, lang, set()), _clauses(toks, lang)


def score_text(text: str | None, lang: str | None) -> float:
    """Return the sentiment of the whole of ``text`` in [-1, 1]; French rules for ``fr``.

    Other languages use the English lexicon, whose emoji and punctuation rules still carry
    signal. An empty text, or one whose words carry almost no sentiment, scores 0.
    """
    if not text or not text.strip():
        return 0.0
    lang = "fr" if lang == "fr" else "en"
    text = text[:MAX_CHARS]
    toks, keys, values, clauses = _analysed(text, lang)
    if not toks:
        return 0.0
    parts = [(_clause_score(toks, values, c), c.turn) for c in clauses]
    total = _weighted(parts)
    if total and _news(toks, keys, lang, 1):
        total *= NEWS_DAMP
    return _compound(total)


def sentences(text: str) -> list[tuple[int, int]]:
    """Split ``text`` into sentence spans ``(start, end)`` on end punctuation and line breaks."""
    spans, start = [], 0
    for match in _SENTENCE_END.finditer(text):
        if match.start() > start:
            spans.append((start, match.start()))
        start = match.end()
    if start < len(text):
        spans.append((start, len(text)))
    return spans


def score_about(text: str, lang: str | None, term_spans: Sequence[tuple[int, int]]) -> float:
    """Sentiment of ``text`` about one brand, in [-1, 1]: the clauses that talk about it.

    ``term_spans`` are the character spans where the brand's query matched. A sentence is cut
    into clauses at punctuation and contrast words ("mais", "alors que", "but", "whereas",
    "contrairement à", "unlike"…); a clause that names the brand is its own, and so are the
    clauses that follow it until another name (a capitalised word, @handle or #hashtag) comes
    up, then the sentences after it that name nobody else. Inside a clause naming two brands,
    the brand keeps what follows its name. A brand placed after "unlike"/"contrairement à"/
    "than"/"que" with no opinion of its own gets the reverse of the rest of the sentence.
    Without any span the whole text is scored (:func:`score_text`); when the brand's clauses
    say nothing, the sentences that contain it are scored whole.
    """
    if not term_spans:
        return score_text(text, lang)
    if not text or not text.strip():
        return 0.0
    lang = "fr" if lang == "fr" else "en"
    text = text[:MAX_CHARS]
    toks, keys, values, clauses = _analysed(text, lang)
    if not toks:
        return 0.0
    starts = [t.start for t in toks]
    own: set[int] = set()
    for ts, te in term_spans:  # the tokens each span overlaps, found by bisection
        i = max(bisect_right(starts, ts) - 1, 0)
        while i < len(toks) and toks[i].start < te:
            if ts < toks[i].end:
                own.add(i)
            i += 1
    if not own:
        return score_text(text, lang)
    values = [0.0 if i in own else v for i, v in enumerate(values)]  # "Ciel" is not the sky
    firsts = {c.lo for k, c in enumerate(clauses)
              if k == 0 or clauses[k - 1].sentence != c.sentence}
    others = _other_names(text, toks, own, firsts, lang)
    opposite = _rules(lang)["opposite"]

    parts: list[tuple[float, int]] = []
    ours_sentences: set[int] = set()
    owner = None  # who the latest name belongs to: "us", "them" or None (nobody yet)
    waiting: list[_Clause] = []  # clauses before the sentence's first name
    sentence = -1
    for c in clauses:
        if c.sentence != sentence:
            sentence, waiting = c.sentence, []
            # A sentence naming nobody goes on about the previous one's subject.
            if any(c2.sentence == sentence and (_names_in(c2, others) or _names_in(c2, own))
                   for c2 in clauses):
                owner = None
        mine = [i for i in range(c.lo, c.hi) if i in own]
        theirs = [i for i in range(c.lo, c.hi) if i in others]
        if not mine and not theirs:
            if owner is None:
                waiting.append(c)
            elif owner == "us":
                parts.append((_clause_score(toks, values, c), c.turn))
            continue
        if not mine:
            owner, waiting = "them", []
            continue
        ours_sentences.add(c.sentence)
        first = mine[0]
        earlier = [i for i in theirs if i < first]
        later = [i for i in theirs if i > first]
        if later and _coordinated(keys, toks, own, first, later[0]):
            later = []  # "Novabank et Zephir, mes deux meilleurs choix": both share it
        hi = later[0] if later else c.hi
        if owner is None and not earlier:
            parts.extend((_clause_score(toks, values, w), w.turn) for w in waiting)
        waiting = []
        score = _clause_score(toks, values, _Clause(first, hi, c.turn, c.question, c.sentence))
        if not score and _after_opposite(keys, first, opposite):
            # "unlike Orbis", "plus fiable que Tilia": the reverse of what the rest says.
            rest = sum(_clause_score(toks, values, o) for o in clauses
                       if o.sentence == c.sentence and o is not c)
            score = -OPPOSITE_SHARE * (rest + sum(values[c.lo:first]))
        elif not score and first > c.lo and not earlier:
            # "Franchement déçu par Opalia": the opinion came before the name.
            score = _clause_score(toks, values, _Clause(c.lo, hi, c.turn, c.question,
                                                        c.sentence))
        if not score and any(o.turn != c.turn for o in clauses if o.sentence == c.sentence):
            # "Tilia installed it in 3 days while Orbis made me wait": the other side of a
            # contrast, when this side says nothing itself.
            rest = sum(_clause_score(toks, values, o) for o in clauses
                       if o.sentence == c.sentence and o.turn != c.turn)
            score = -OPPOSITE_SHARE * rest
        parts.append((score, c.turn))
        owner = "them" if later else "us"
    total = _weighted(parts)
    if not total:
        # Nothing in the brand's own clauses: score its sentences whole, unless they name others.
        if not any(c.lo <= o < c.hi for o in others for c in clauses
                   if c.sentence in ours_sentences):
            total = _weighted([(_clause_score(toks, values, c), c.turn)
                               for c in clauses if c.sentence in ours_sentences])
    first_own = min(own)
    if total and _news(toks, keys, lang, max(i for i in own if i - first_own < 4) + 1):
        total *= NEWS_DAMP
    return _compound(total)


def _names_in(clause: _Clause, names: set[int]) -> bool:
    return any(clause.lo <= i < clause.hi for i in names)


_CONNECTORS = {"et", "and", "ou", "or", "&", "+", "/", "vs", "ni", "nor"}


def _coordinated(keys: list[str], toks: list[_Tok], own: set[int], first: int,
                 other: int) -> bool:
    """True when only "et"/"and"/"ou"… stand between our name and the next one."""
    between = [k for j, k in enumerate(keys[first + 1:other], first + 1) if j not in own]
    return bool(between) and all(k in _CONNECTORS for k in between)


def _after_opposite(keys: list[str], first: int, opposite: set[tuple[str, ...]]) -> bool:
    for size in (1, 2, 3):
        if first - size >= 0 and tuple(keys[first - size:first]) in opposite:
            return True
    return False


def _other_names(text: str, toks: list[_Tok], own: set[int], firsts: set[int],
                 lang: str) -> set[int]:
    """Token indexes that look like another brand: capitalised words, @handles, #hashtags.

    Words written all in capitals or right after a number ("30 Go") are not names; at the
    start of a sentence a capitalised word is a name only when it is not a known word. A
    capitalised word right after the brand's own name is its product ("Opalia One") and
    joins ``own``.
    """
    rules = _rules(lang)
    known = social.COMMON[lang]
    names: set[int] = set()
    for i, t in enumerate(toks):
        if t.kind != "word" or i in own or t.caps or t.key in _NOT_NAMES:
            continue
        if t.key[0] not in "@#" and not text[t.start:t.start + 1].isupper():
            continue
        if i > 0 and toks[i - 1].kind == "num":
            continue
        if i in firsts and (t.key in known or t.key in rules["boosters"]
                            or t.key in rules["negators"]
                            or _lookup(t.key, lang, rules["lexicon"])):
            continue
        names.add(i)
    for i in sorted(own):
        j = i + 1
        while j in names and j not in firsts:
            names.discard(j)
            own.add(j)
            j += 1
    return names
