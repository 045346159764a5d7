"""Volume baselines that know the weekly rhythm, spike detection, and the words a spike brings."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.text import token_spans, tokenize

# Periods in one week, per grain: the baseline compares a period with the same weekday (and
# hour) of the weeks before, because Monday is never as quiet as Sunday.
SEASON = {"day": 7, "hour": 168}
FREQ = {"day": "D", "hour": "h"}
# Median absolute deviation × 1.4826 estimates a standard deviation for normal noise.
MAD_TO_SD = 1.4826

VOLUME, NEGATIVE_SHARE = "volume", "negative_share"


@dataclass(frozen=True)
class Spike:
    """One run of periods well above normal.

    ``start`` and ``end`` are the starts of the first and last periods above normal; ``peak``
    is the highest value in the run (a count for ``volume``, a 0–1 share for
    ``negative_share``), ``baseline`` what was expected at that peak, ``ratio`` their quotient,
    ``z`` the largest distance from normal in standard deviations, ``total`` the sum of the
    counts over the run (mentions), ``periods`` its length.
    """

    kind: str
    start: pd.Timestamp
    end: pd.Timestamp
    peak: float
    baseline: float
    ratio: float
    z: float
    total: float
    periods: int


def complete(series: pd.Series, grain: str = "day", start=None, end=None) -> pd.Series:
    """Return ``series`` (counts indexed by period start) with every missing period as 0.

    The index runs from ``start`` (default: the first period) to ``end`` (default: the last)
    at the grain's frequency, so a quiet day is a 0 rather than a hole that would shift the
    weekly comparison.
    """
    if grain not in FREQ:
        raise ValueError(f"grain must be one of {sorted(FREQ)}, not {grain!r}")
    series = series.copy()
    series.index = pd.DatetimeIndex(series.index).floor(FREQ[grain])
    series = series.groupby(level=0).sum()
    if series.empty and (start is None or end is None):
        return series.astype(float)
    lo = pd.Timestamp(start) if start is not None else series.index.min()
    hi = pd.Timestamp(end) if end is not None else series.index.max()
    index = pd.date_range(lo.floor(FREQ[grain]), hi.floor(FREQ[grain]), freq=FREQ[grain])
    return series.reindex(index, fill_value=0).astype(float)


def weekly_baseline(counts: pd.Series, grain: str = "day", weeks: int = 6,
                    min_weeks: int = 3, rel_floor: float = 0.1,
                    count_floor: float = 1.5) -> pd.DataFrame:
    """The normal level of each period, from the same weekday/hour of the weeks before it.

    ``counts`` must be complete (see :func:`complete`). For each period, the values one, two, …
    ``weeks`` weeks earlier give ``expected`` (their median) and ``scale`` (their median
    absolute deviation as a standard deviation, never below ``count_floor`` × √expected —
    counting noise, widened because posts come in threads and bursts — nor ``rel_floor`` ×
    expected). Both are NaN while fewer than ``min_weeks`` earlier weeks exist. Medians keep
    one past spike from raising the baseline of the weeks after it.
    """
    season = SEASON[grain]
    values = counts.to_numpy(dtype=float)
    n = len(values)
    past = np.full((n, weeks), np.nan)
    for k in range(1, weeks + 1):
        lag = k * season
        if lag < n:
            past[lag:, k - 1] = values[:n - lag]
    enough = np.sum(~np.isnan(past), axis=1) >= min_weeks
    expected = np.full(n, np.nan)
    scale = np.full(n, np.nan)
    if enough.any():
        rows = past[enough]
        med = np.nanmedian(rows, axis=1)
        mad = np.nanmedian(np.abs(rows - med[:, None]), axis=1) * MAD_TO_SD
        expected[enough] = med
        scale[enough] = np.maximum.reduce([mad, count_floor * np.sqrt(np.maximum(med, 1.0)),
                                           rel_floor * med])
    return pd.DataFrame({"count": values, "expected": expected, "scale": scale},
                        index=counts.index)


def _runs(flags: np.ndarray, gap: int) -> list[tuple[int, int]]:
    """Index ranges ``(first, last)`` of flagged periods, joining runs split by ≤ gap periods."""
    out: list[tuple[int, int]] = []
    for i in np.flatnonzero(flags):
        if out and i - out[-1][1] <= gap + 1:
            out[-1] = (out[-1][0], int(i))
        else:
            out.append((int(i), int(i)))
    return out


def _sustained(strong: np.ndarray, weak: np.ndarray, periods: int) -> np.ndarray:
    """Flags: every strong period, and every weak one in a run of ``periods`` weak ones or more.

    A jump that lasts is evidence even when no single period is extreme on its own.
    """
    flags = strong.copy()
    for lo, hi in _runs(weak, gap=0):
        if hi - lo + 1 >= periods:
            flags[lo:hi + 1] = True
    return flags


def volume_spikes(counts: pd.Series, grain: str = "day", *, weeks: int = 6, min_weeks: int = 3,
                  min_ratio: float = 2.0, min_z: float = 4.0, min_count: float = 10,
                  gap: int = 1) -> list[Spike]:
    """Find the runs of periods whose volume jumps far above its weekly baseline.

    ``counts`` holds mentions per period (see :func:`complete`). A period is above normal when
    it has at least ``min_count`` mentions, at least ``min_ratio`` × the expected volume and
    sits ``min_z`` standard deviations above it; runs separated by at most ``gap`` normal
    periods are one spike. A slow rise or fall moves the baseline with it and never fires.
    """
    base = weekly_baseline(counts, grain, weeks, min_weeks)
    expected = base["expected"].to_numpy()
    scale = base["scale"].to_numpy()
    values = base["count"].to_numpy()
    known = ~np.isnan(expected)
    z = np.where(known, (values - np.nan_to_num(expected)) / np.where(known, scale, 1.0), 0.0)
    ratio = values / np.maximum(np.nan_to_num(expected), 1.0)
    flags = known & (values >= min_count) & (ratio >= min_ratio) & (z >= min_z)
    spikes = []
    for lo, hi in _runs(flags, gap):
        window = slice(lo, hi + 1)
        peak_at = lo + int(np.argmax(values[window]))
        spikes.append(Spike(
            kind=VOLUME, start=base.index[lo], end=base.index[hi],
            peak=float(values[peak_at]), baseline=float(expected[peak_at]),
            ratio=float(ratio[peak_at]), z=float(np.max(z[window])),
            total=float(values[window].sum()), periods=hi - lo + 1))
    return spikes


def negative_share_spikes(counts: pd.Series, negatives: pd.Series, grain: str = "day", *,
                          window: int | None = None, min_history: int | None = None,
                          min_jump: float = 0.15, min_z: float = 5.0, sustained_z: float = 3.0,
                          sustained: int = 2, min_count: float = 20, min_base_count: float = 5,
                          gap: int = 1) -> list[Spike]:
    """Find the runs of periods where the negative share of mentions jumps, whatever the volume.

    ``counts`` and ``negatives`` are mentions and negative mentions per period on the same
    complete index. The normal share is the median of the daily shares over the ``window``
    periods before (4 weeks by default; periods with fewer than ``min_base_count`` mentions are
    left out, and at least ``min_history`` must remain). A period is above normal when it has
    ``min_count`` mentions or more, its share is ``min_jump`` (0–1) above normal, and the jump
    is ``min_z`` binomial standard errors wide — or ``sustained_z`` wide in each of at least
    ``sustained`` periods in a row (tone varies more from day to day than counting alone says,
    so one day needs a wide margin, while a jump that lasts is believed sooner).
    """
    season = SEASON[grain]
    window = window or 4 * season
    min_history = min_history or season
    n_values = counts.to_numpy(dtype=float)
    neg_values = negatives.reindex(counts.index, fill_value=0).to_numpy(dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(n_values > 0, neg_values / np.maximum(n_values, 1), np.nan)
    usable = pd.Series(np.where(n_values >= min_base_count, share, np.nan))
    # Shifted by one: a period's normal never includes itself.
    normal = usable.shift(1).rolling(window, min_periods=min_history).median().to_numpy()
    known = ~np.isnan(normal) & ~np.isnan(share)
    p0 = np.nan_to_num(normal)
    p = np.nan_to_num(share)
    se = np.sqrt(np.maximum(p0 * (1 - p0), 0.01) / np.maximum(n_values, 1))
    z = np.where(known, (p - p0) / se, 0.0)
    candidate = known & (n_values >= min_count) & (p - p0 >= min_jump)
    flags = _sustained(candidate & (z >= min_z), candidate & (z >= sustained_z), sustained)
    spikes = []
    for lo, hi in _runs(flags, gap):
        span = slice(lo, hi + 1)
        peak_at = lo + int(np.argmax(np.where(flags[span], p[span], -1.0)))
        spikes.append(Spike(
            kind=NEGATIVE_SHARE, start=counts.index[lo], end=counts.index[hi],
            peak=float(p[peak_at]), baseline=float(p0[peak_at]),
            ratio=float(p[peak_at] / p0[peak_at]) if p0[peak_at] > 0 else math.inf,
            z=float(np.max(z[span])), total=float(n_values[span].sum()),
            periods=hi - lo + 1))
    return spikes


# Words that say nothing about what happened, French and English, written folded (no accents,
# lower case) the way analysis.text.tokenize returns them.
STOPWORDS = frozenset("""
a ai aie aient aies ait as au aucun aussi autre aux avec avoir avons avez ayant bien c ca car ce
ceci cela celle celles celui ces cet cette chez comme comment d dans de des deja depuis donc dont
du elle elles en encore entre est et etaient etait ete etre eu eux fait faire fois font hui ici
il ils j je jusqu l la le les leur leurs lui m ma mais me meme mes moi mon n ne ni non nos notre
nous on ont ou par pas peu peut plus pour pourquoi qu quand que quel quelle quelles quels qui
quoi s sa sans se ses si son sont sous suis sur t ta te tes toi ton tous tout toute toutes tres
tu un une vers via voila vos votre vous y
about above after again against all also am an and any are aren as at be because been before
being below between both but by can could did didn do does doesn doing don down during each few
for from further had has have having he her here hers herself him himself his how i if in into is
isn it its itself just ll me more most my myself no nor not now of off on once only or other our
ours out over own re same she should so some such than that the their theirs them then there these
they this those through to too under until up ve very was wasn we were what when where which while
who whom why will with would you your yours yourself
""".split())


def _doc_terms(text: str) -> set[str]:
    words = set()
    for token in tokenize(text or ""):
        bare = token.lstrip("#@")
        if token in STOPWORDS or bare.isdigit() or (len(bare) < 3 and token[0] not in "#@"):
            continue
        words.add(token)
    return words


def new_terms(spike_texts: Iterable[str], baseline_texts: Iterable[str], top: int = 10,
              min_docs: int = 3, min_ratio: float = 2.0) -> list[dict]:
    """The words much more frequent during a spike than before it, strongest first.

    Each text counts a word once (document frequency), so one long post cannot make a trend.
    The ratio is the word's share of spike texts over its share of baseline texts (each
    smoothed by ½ a document); words are ranked by log(ratio) × √docs, so a word that is both
    new and common comes before a rare one. Returns up to ``top`` dicts with ``term`` (folded),
    ``shown`` (as most posts wrote it, accents kept), ``docs`` (spike texts holding it),
    ``share`` (of spike texts) and ``ratio``; only words in
    at least ``min_docs`` spike texts and ``min_ratio`` times more frequent are kept.
    """
    spike = Counter()
    n_spike = 0
    # How each folded word was written in the spike's posts, to show it with its accents
    # ("dédommagement", not the folded "dedommagement" the counting uses).
    written: dict[str, Counter] = {}
    for text in spike_texts:
        n_spike += 1
        words = _doc_terms(text)
        spike.update(words)
        for token, start, end in token_spans(text or ""):
            if token in words:
                written.setdefault(token, Counter())[(text or "")[start:end].lower()] += 1
    before = Counter()
    n_before = 0
    for text in baseline_texts:
        n_before += 1
        before.update(_doc_terms(text))
    if not n_spike:
        return []
    n_before = max(n_before, 1)
    scored = []
    for term, docs in spike.items():
        if docs < min_docs:
            continue
        ratio = ((docs + 0.5) / n_spike) / ((before.get(term, 0) + 0.5) / n_before)
        if ratio >= min_ratio:
            scored.append((math.log(ratio) * math.sqrt(docs), term, docs, ratio))
    scored.sort(key=lambda row: (-row[0], row[1]))
    return [{"term": term, "shown": _most_written(written.get(term), term), "docs": docs,
             "share": docs / n_spike, "ratio": round(ratio, 2)}
            for _, term, docs, ratio in scored[:top]]


def _most_written(forms: Counter | None, term: str) -> str:
    """The spelling most posts used for ``term`` (ties: the one with accents, then A–Z)."""
    if not forms:
        return term
    return min(forms, key=lambda f: (-forms[f], f.isascii(), f))


def mentions_terms(text: str, terms: Iterable[str]) -> bool:
    """Whether ``text`` holds one of ``terms`` (folded tokens as :func:`new_terms` gives)."""
    wanted = set(terms)
    return bool(wanted) and not wanted.isdisjoint(tokenize(text or ""))
