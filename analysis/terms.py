"""Key terms and phrases of a text, their distinctiveness per brand, and terms on the rise."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from functools import lru_cache

import numpy as np
import pandas as pd

from analysis.stopwords import ALL as STOPWORDS
from analysis.text import normalize

# Clauses end at punctuation: a phrase never spans "réseau. Service".
_CLAUSE = re.compile(r"[.,;:!?()\[\]{}\"«»“”„…|/\\\n\r\t•·–—]+|\s-\s")
_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
# A word may hold inner apostrophes and hyphens ("aujourd'hui", "sous-coté"); handles and
# hashtags keep their sigil so they can be told apart (handles are dropped, hashtags kept).
_WORD = re.compile(r"(?<![\w@#])[@#]?[^\W_]+(?:['\u2019\-][^\W_]+)*")
_ELISION = re.compile(r"^(?:l|d|j|n|s|c|m|t|qu|jusqu|lorsqu|puisqu|quoiqu)['\u2019](?=\w)",
                      re.IGNORECASE)
MAX_PHRASE = 3


def words(text: str) -> list[list[str]]:
    """Split ``text`` into clauses of cleaned words, lower-cased with their accents kept.

    URLs and @handles are removed; French elisions are stripped (``"l'appli"`` gives
    ``appli``, ``"qu’il"`` gives ``il``); an English possessive loses its ``'s``. A word
    without any letter (``"2026"``, ``"9,99"``) becomes ``None``, so that a phrase never
    runs across it. Stopwords are kept here; :func:`terms` decides what to do with them.
    """
    text = _URL.sub(" . ", text)
    out: list[list[str]] = []
    for clause in _CLAUSE.split(text):
        row = [_clean(raw) for raw in _WORD.findall(clause)]
        if row:
            out.append(row)
    return out


# Words repeat (Zipf): cleaning and folding each distinct one once is most of the speed of a
# refresh over millions of items. The caches are bounded; a miss only costs the work.
@lru_cache(maxsize=1 << 17)
def _clean(raw: str) -> str | None:
    """A word as :func:`words` gives it, or None for a handle or a word with no letter."""
    if raw[0] == "@":
        return None
    word = _ELISION.sub("", raw.lower().replace("\u2019", "'"))
    if word.endswith("'s"):
        word = word[:-2]
    if not any(c.isalpha() for c in word):
        return None
    return word


@lru_cache(maxsize=1 << 17)
def _folded(word: str) -> tuple[str, bool]:
    """The folded form of a cleaned word, and whether it is too short or a stopword."""
    folded = normalize(word)
    return folded, len(word) < 2 or folded in STOPWORDS


def terms(text: str, exclude: Iterable[str] = ()) -> set[str]:
    """The distinct key terms and key phrases of ``text``.

    A term is a word that is not a stopword (French or English), not a number, at least two
    letters long, and not in ``exclude`` (folded words, e.g. the brands' names). A phrase is
    two or three consecutive words of one clause whose first and last words are kept words
    (stopwords may sit inside: ``"coupure de réseau"``) and which holds no excluded word.
    Phrases are joined by single spaces; everything keeps its accents, in lower case.
    """
    banned = exclude if isinstance(exclude, (set, frozenset)) else set(exclude)
    found: set[str] = set()
    for clause in words(text):
        size = len(clause)
        keep = [False] * size
        blocked = [True] * size
        for i, word in enumerate(clause):
            if word is None:
                continue
            folded, stop = _folded(word)
            # A hashtag of a name ("#opalia") is the name.
            named = folded in banned or folded.lstrip("#") in banned
            keep[i] = not stop and not named
            blocked[i] = named
        for i in range(size):
            if not keep[i]:
                continue
            found.add(clause[i])
            for n in range(2, MAX_PHRASE + 1):
                j = i + n - 1
                if j >= size or any(blocked[i:j + 1]):
                    break
                if keep[j]:
                    found.add(" ".join(clause[i:j + 1]))
    return found


def brand_words(name: str, query_terms: Iterable[str]) -> set[str]:
    """Folded words that name a brand: its name's words and its query's names.

    ``query_terms`` are the query's positive terms as written (``Query.terms``). Quoted
    phrases, handles and hashtags are names; a bare word such as ``forfait`` in a query only
    narrows the match and stays a possible key term.
    """
    out = {normalize(w) for w in re.findall(r"[^\W_]+", name)}
    for term in query_terms:
        if term.startswith('"') or term[:1] in "@#":
            out.update(normalize(w) for w in re.findall(r"[^\W_]+", term))
            if term[:1] == "#":
                out.add(normalize(term))
    return out


def distinctive(counts: pd.DataFrame, prior: float = 500.0) -> pd.DataFrame:
    """Score how much each brand's terms belong to it rather than to the other brands.

    ``counts`` has columns ``brand``, ``term``, ``n`` (mentions holding the term). The score
    is the z-score of the log-odds ratio of the term for the brand against all the other
    brands together, with an informative Dirichlet prior taken from every brand's counts
    (``prior`` pseudo-counts in all), so rare terms are not over-rated. Returns ``counts``
    with a ``score`` column; positive scores mark terms the brand uses more than others.
    With a single brand, the reference is the prior alone and scores follow raw frequency.
    """
    if counts.empty:
        return counts.assign(score=pd.Series(dtype="float64"))
    df = counts[["brand", "term", "n"]].copy()
    df["n"] = df["n"].astype("float64")
    total_term = df.groupby("term")["n"].transform("sum")
    grand = float(df["n"].sum())
    brand_total = df.groupby("brand")["n"].transform("sum")
    alpha = prior * total_term / grand
    alpha0 = prior
    rest = total_term - df["n"]
    rest_total = grand - brand_total
    own_odds = np.log((df["n"] + alpha) / (brand_total + alpha0 - df["n"] - alpha))
    rest_odds = np.log((rest + alpha) / (rest_total + alpha0 - rest - alpha))
    variance = 1.0 / (df["n"] + alpha) + 1.0 / (rest + alpha)
    out = counts.copy()
    out["score"] = ((own_odds - rest_odds) / np.sqrt(variance)).to_numpy()
    return out


def emerging(recent: pd.DataFrame, recent_total: float, baseline_total: float,
             min_count: int = 4, min_lift: float = 2.0, smoothing: float = 1.0) -> pd.DataFrame:
    """Terms that rise in a recent window against their own baseline window.

    ``recent`` has columns ``term``, ``recent`` (count in the recent window) and ``baseline``
    (count in the baseline window); ``recent_total`` and ``baseline_total`` are the brand's
    mentions in each window, so a busier week does not make every term look new. A term is
    kept when it was seen at least ``min_count`` times recently and its smoothed rate rose
    ``min_lift`` times or more. Columns added: ``expected`` (the recent count the baseline
    rate predicts), ``lift`` ((recent + s) ÷ (expected + s)) and ``score`` (the excess over
    the expectation in Poisson standard deviations); sorted by score, highest first.
    """
    if recent.empty or recent_total <= 0:
        return recent.assign(expected=pd.Series(dtype="float64"),
                             lift=pd.Series(dtype="float64"),
                             score=pd.Series(dtype="float64")).iloc[0:0]
    df = recent.copy()
    scale = recent_total / baseline_total if baseline_total > 0 else math.inf
    # With no baseline at all every recent term is new; the expectation is then taken as 0.
    df["expected"] = df["baseline"] * scale if math.isfinite(scale) else 0.0
    df["lift"] = (df["recent"] + smoothing) / (df["expected"] + smoothing)
    df["score"] = (df["recent"] - df["expected"]) / np.sqrt(df["expected"] + smoothing)
    kept = df[(df["recent"] >= min_count) & (df["lift"] >= min_lift)]
    return kept.sort_values(["score", "term"], ascending=[False, True]).reset_index(drop=True)
