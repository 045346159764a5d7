"""Language detection that says "unknown" rather than guess on text too short or too mixed."""

from __future__ import annotations

import re
from functools import lru_cache

from lingua import Language, LanguageDetectorBuilder

UNKNOWN = "unknown"
# Languages a French/English watch meets; a small set keeps short texts from drifting to rare ones.
LANGUAGES = {
    Language.FRENCH: "fr", Language.ENGLISH: "en", Language.GERMAN: "de",
    Language.SPANISH: "es", Language.ITALIAN: "it", Language.PORTUGUESE: "pt",
    Language.DUTCH: "nl",
}
_NOISE = re.compile(r"https?://\S+|www\.\S+|[@#]\w+", re.UNICODE)
_WORD = re.compile(r"[^\W\d_]{2,}", re.UNICODE)
MIN_WORDS = 2
MIN_CONFIDENCE = 0.6


@lru_cache(maxsize=1)
def _detector():
    return LanguageDetectorBuilder.from_languages(*LANGUAGES).build()


def detect_language(text: str | None) -> str:
    """Return the ISO 639-1 code of ``text`` (``fr``, ``en``…) or ``"unknown"``.

    URLs, @handles and #hashtags are ignored; fewer than two words, or a best guess with
    confidence under 0.6, gives ``"unknown"``.
    """
    if not text:
        return UNKNOWN
    cleaned = _NOISE.sub(" ", text[:2000])
    if len(_WORD.findall(cleaned)) < MIN_WORDS:
        return UNKNOWN
    values = _detector().compute_language_confidence_values(cleaned)
    if not values or values[0].value < MIN_CONFIDENCE:
        return UNKNOWN
    return LANGUAGES[values[0].language]
