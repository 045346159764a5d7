"""Hashed word and character n-grams plus lexicon valences: what the sentiment model reads."""

# One function turns a batch of texts into a sparse matrix (CSR arrays) of feature indexes and
# values, for training and for scoring alike, so the two can never disagree. Character n-grams
# are hashed for the whole batch at once with numpy (a Python loop over every n-gram was the
# slowest step of the ingest); words go through a short Python loop that also marks negation
# scope ("not good" reads "good_NEG") and sums lexicon valences.

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from analysis import lexicon_social as social
from analysis import sentiment_cues
from analysis.lexicon import valences
from analysis.text import normalize

_URL = re.compile(r"https?://\S+|www\.\S+")
_HANDLE = re.compile(r"@\w+")
_REPEAT = re.compile(r"(.)\1{2,}")
_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")
_TOKEN = re.compile(r"[#@]?\w+(?:['’]\w+)*|[^\w\s]", re.UNICODE)
_CLAUSE_END = frozenset(".,!?;:")
_NEGATORS_EN = frozenset({"not", "no", "never", "nothing", "nobody", "none", "cannot", "nor",
                          "without", "isnt", "dont", "doesnt", "didnt", "cant", "wont", "aint"})
_NEGATORS_FR = frozenset({"ne", "n'", "pas", "jamais", "rien", "aucun", "aucune", "sans",
                          "personne", "ni"})
_SEPARATOR = 0  # code point put between texts of a batch: no n-gram spans two texts
_WORD_SEED, _BIGRAM_SEED = 0x5EED, 0xB16
_MIX = np.uint64(0x9E3779B97F4A7C15)
LEXICON_FEATURES = 4  # positive sum, negative sum, their balance, and "any opinion word"
# With ``FeatureSpec.extras``: an elongated word ("sooo"), ALL-CAPS words, "!" and "?" counts,
# service-failure and service-success cues (analysis.sentiment_cues).
EXTRA_FEATURES = 6
_EMOTICON = re.compile(r"(?<![\w:/])(?:[:;=]-?[()\[\]dp/|]|:'\(|<3|\bxd\b)(?![\w)(])")
_ELONGATED = re.compile(r"([^\W\d_])\1{2,}")
_CAPS = re.compile(r"\b[A-Z]{3,}\b")
_CUE_FAIL, _CUE_SUCCESS = "__service_failure__", "__service_success__"


@dataclass(frozen=True)
class FeatureSpec:
    """How texts become features; stored with each trained model so scoring matches training."""

    bits: int = 19
    char_min: int = 2
    char_max: int = 5
    lexicon_scale: float = 0.3
    extras: bool = False  # models trained before these columns existed read without them
    cue_valence: float = 0.0  # valence a service cue adds to the lexicon sums
    trigrams: bool = False

    @property
    def hashed(self) -> int:
        """Number of hashed columns; the lexicon columns come after them."""
        return 1 << self.bits

    @property
    def width(self) -> int:
        """Total number of columns."""
        return self.hashed + self.dense

    @property
    def dense(self) -> int:
        """Number of dense columns after the hashed ones (lexicon sums, then extras)."""
        return LEXICON_FEATURES + (EXTRA_FEATURES if self.extras else 0)


def clean(text: str) -> str:
    r"""Fold ``text`` for features: lower case, links and @handles generic, long runs cut to two.

    Literal ``\uXXXX`` escapes (left in some exported tweets) are decoded first.
    """
    if "\\u" in text:
        text = _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)
    text = text.lower()
    text = _URL.sub(" http ", text)
    text = _HANDLE.sub("@user", text)
    return _REPEAT.sub(r"\1\1", text)


@lru_cache(maxsize=2)
def _lexicon(lang: str) -> dict[str, float]:
    """Word valences and emoji valences: an emoji alone ("😡") is an opinion too."""
    return {**valences(lang), **social.EMOJI}


def _word_features(text: str, lang: str, mask: int, spec: FeatureSpec | None = None
                   ) -> tuple[list[int], list[float], tuple[int, int]]:
    """Hashed words and word pairs with negation marked, the lexicon sums of ``text``, and its
    service-failure and service-success cue counts (0, 0 unless ``spec.extras``)."""
    negators = _NEGATORS_FR if lang == "fr" else _NEGATORS_EN
    lexicon = _lexicon(lang)
    words: list[str] = []
    positive = negative = 0.0
    negated = False
    for tok in _TOKEN.findall(text):
        if tok in _CLAUSE_END:
            negated = False
            words.append(tok)
            continue
        key = tok.replace("’", "'")
        if key[0] == "#" and len(key) > 1:  # "#fail" says what "fail" says, and a bit more
            words.append(key)
            key = key[1:]
        if lang == "fr" and "'" in key:  # "n'est", "j'adore": the elided head is its own word
            head, _, key = key.partition("'")
            if head + "'" in negators:
                negated = True
        value = lexicon.get(key)
        if value is None and not key.isascii():
            value = lexicon.get(normalize(key))
        if value:
            if negated:
                value *= -0.74
            if value > 0:
                positive += value
            else:
                negative -= value
        words.append(key + "_NEG" if negated else key)
        if key in negators or key.endswith("n't"):
            negated = True
    cues = (0, 0)
    if spec is not None and spec.extras:
        # Emoticons are split apart by the tokenizer (":" and ")"): read them whole too.
        for face in _EMOTICON.findall(text):
            words.append(face)
            value = social.EMOJI.get(face, 0.0)
            positive += max(value, 0.0)
            negative += max(-value, 0.0)
        cues = sentiment_cues.counts(normalize(text) if not text.isascii() else text, lang)
        if cues[0]:
            words.append(_CUE_FAIL)
            negative += spec.cue_valence * cues[0]
        if cues[1]:
            words.append(_CUE_SUCCESS)
            positive += spec.cue_valence * cues[1]
    indexes = [zlib.crc32(w.encode("utf-8", "surrogatepass"), _WORD_SEED) & mask for w in words]
    indexes += [zlib.crc32(f"{a} {b}".encode("utf-8", "surrogatepass"), _BIGRAM_SEED) & mask
                for a, b in zip(words, words[1:], strict=False)]
    if spec is not None and spec.trigrams:
        indexes += [zlib.crc32(f"{a} {b} {c}".encode("utf-8", "surrogatepass"), _BIGRAM_SEED)
                    & mask for a, b, c in zip(words, words[1:], words[2:], strict=False)]
    lex = [positive, negative, positive - negative, 1.0 if positive or negative else 0.0]
    return indexes, lex, cues


def _extras(raw: str, cues: tuple[int, int]) -> list[float]:
    """Emphasis of the raw text (elongation, capitals, "!" and "?") and its service cues."""
    return [1.0 if _ELONGATED.search(raw) else 0.0, min(len(_CAPS.findall(raw)), 3) / 3,
            min(raw.count("!"), 3) / 3, min(raw.count("?"), 3) / 3,
            float(min(cues[0], 2)), float(min(cues[1], 2))]


def _char_hashes(texts: list[str], spec: FeatureSpec) -> tuple[np.ndarray, np.ndarray]:
    """Row number and hashed column of every character n-gram of every text, in one pass."""
    joined = "\x00".join(f" {t} " for t in texts)
    # Lone surrogates (a broken emoji escape in some JSON) pass as the code points they are.
    codes = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"),
                          dtype=np.uint32).astype(np.uint64)
    size = len(codes)
    is_sep = codes == _SEPARATOR
    row = np.cumsum(is_sep) - is_sep  # the text each position belongs to
    # Distance from each position to the next separator (or the end): a window fits if shorter.
    sep_at = np.flatnonzero(is_sep)
    nxt = np.searchsorted(sep_at, np.arange(size))
    bound = np.append(sep_at, size)[nxt]
    room = bound - np.arange(size)
    rows, cols = [], []
    shift = np.uint64(64 - spec.bits)
    h = np.zeros(size, dtype=np.uint64)
    for n in range(1, spec.char_max + 1):
        span = size - n + 1
        if span <= 0:
            break
        h = h[:span] * np.uint64(1_000_003) + codes[n - 1:n - 1 + span] + np.uint64(n)
        if n < spec.char_min:
            continue
        ok = room[:span] >= n
        mixed = (h[ok] ^ (h[ok] >> np.uint64(31))) * _MIX
        rows.append(row[:span][ok])
        cols.append((mixed >> shift).astype(np.int64))
    if not rows:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    return np.concatenate(rows), np.concatenate(cols)


def featurize(texts: list[str], langs: list[str], spec: FeatureSpec
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """CSR arrays ``(indptr, indices, values)`` of ``texts``, one row each.

    Each block (words and word pairs, character n-grams, lexicon sums) is scaled so its row
    has unit length, which keeps a long text from weighing more than a short one.
    """
    cleaned = [clean(t or "") for t in texts]
    mask = spec.hashed - 1
    n = len(cleaned)
    char_rows, char_cols = _char_hashes(cleaned, spec)
    char_count = np.bincount(char_rows, minlength=n).astype(np.float64)
    char_value = 1.0 / np.sqrt(np.maximum(char_count, 1.0))
    order = np.argsort(char_rows, kind="stable")
    char_cols = char_cols[order]
    char_starts = np.concatenate([[0], np.cumsum(char_count.astype(np.int64))])
    indices: list[np.ndarray] = []
    values: list[np.ndarray] = []
    indptr = np.zeros(n + 1, dtype=np.int64)
    lex_cols = np.arange(spec.hashed, spec.width, dtype=np.int64)
    for i, text in enumerate(cleaned):
        words, lex, cues = _word_features(text, "fr" if langs[i] == "fr" else "en", mask, spec)
        if spec.extras:
            lex += _extras(texts[i] or "", cues)
        word_value = 1.0 / np.sqrt(max(len(words), 1))
        row_chars = char_cols[char_starts[i]:char_starts[i + 1]]
        indices.append(np.asarray(words, dtype=np.int64))
        values.append(np.full(len(words), word_value))
        indices.append(row_chars)
        values.append(np.full(len(row_chars), char_value[i]))
        indices.append(lex_cols)
        values.append(np.asarray(lex) * spec.lexicon_scale)
        indptr[i + 1] = indptr[i] + len(words) + len(row_chars) + spec.dense
    if not indices:
        return indptr, np.zeros(0, np.int64), np.zeros(0)
    return indptr, np.concatenate(indices), np.concatenate(values)



def word_columns(texts: list[str], langs: list[str], spec: FeatureSpec) -> np.ndarray:
    """The hashed columns of the words and word pairs of ``texts`` (no character n-grams)."""
    mask = spec.hashed - 1
    cols: set[int] = set()
    for text, lang in zip(texts, langs, strict=True):
        cols.update(_word_features(clean(text or ""), "fr" if lang == "fr" else "en", mask,
                                   spec)[0])
    return np.array(sorted(cols), dtype=np.int64)
