"""Baseline sentiment: VADER for English, its French adaptation for French, per text or brand."""

from __future__ import annotations

import re
import warnings
from collections.abc import Sequence
from functools import lru_cache

POSITIVE, NEUTRAL, NEGATIVE = "positive", "neutral", "negative"
# VADER's own recommended cut-offs on the compound score.
THRESHOLD = 0.05
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+|\n+")


@lru_cache(maxsize=1)
def _english():
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


@lru_cache(maxsize=1)
def _french():
    with warnings.catch_warnings():
        # fuzzywuzzy warns once that python-Levenshtein is absent; the pure-Python path is fine.
        warnings.simplefilter("ignore")
        from vaderSentiment_fr.vaderSentiment import SentimentIntensityAnalyzer

        return SentimentIntensityAnalyzer()


def label(score: float | None) -> str:
    """Name a score: ``negative`` below -0.05, ``positive`` above 0.05, ``neutral`` between."""
    if score is None or -THRESHOLD <= score <= THRESHOLD:
        return NEUTRAL
    return POSITIVE if score > 0 else NEGATIVE


def score_text(text: str | None, lang: str | None) -> float:
    """Return the compound sentiment of ``text`` in [-1, 1]; French analyser for ``fr``.

    Languages other than French use the English analyser, whose emoji and punctuation rules
    still carry signal; a later analyser may refine this.
    """
    if not text or not text.strip():
        return 0.0
    analyser = _french() if lang == "fr" else _english()
    return float(analyser.polarity_scores(text[:5000])["compound"])


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
    """Sentiment of ``text`` about one brand: the sentences that contain its terms.

    ``term_spans`` are the character spans where the brand's query matched. Without any, or
    when they fall outside every sentence, the whole text is scored.
    """
    if not term_spans:
        return score_text(text, lang)
    chosen = [
        text[s:e] for s, e in sentences(text)
        if any(s <= ts < e or s < te <= e for ts, te in term_spans)
    ]
    return score_text(" ".join(chosen) if chosen else text, lang)
