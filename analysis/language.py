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
_LOWER_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
MIN_WORDS = 2
MIN_CONFIDENCE = 0.6
# Below MIN_CONFIDENCE, the guess is kept only if function words back it (see below).
MIN_BACKED_CONFIDENCE = 0.3

# Short function words that each belong to one of the two languages a watch mostly reads and to
# none of the other five detected: a post using two of one and none of the other is settled
# without the statistical model, which is both faster and surer on a six-word tweet. Single
# letters after an apostrophe ("j'", "c'", "l'") are French elisions; "s", "t" and "m" are not
# counted, being English too ("what's", "can't", "I'm"), nor "on".
_FUNCTION = {
    "fr": frozenset("""les est et des une je pas pour avec ce cette dans qui sur mon ma mes
        vous nous au aux du très ça il elle c j l d n qu mais ou sont été être
        chez depuis encore toujours rien tout trop leur leurs quoi comment pourquoi quel quelle
        ai as avez avons ont fait suis sommes êtes ne plus aussi bien déjà après avant ici
        votre vos notre nos ton ta tes son sa ses moi toi lui eux cet ces aujourd hui""".split()),
    "en": frozenset("""the and is are was were to of my you it this that for with not have
        has had i on at be been no so just what why how your they from still don can't
        don't it's i'm i've again will would could should our their there here about into
        than then them these those we he she his her its do does did any anyone very much
        new all up out get got thanks thank""".split()),
}
# Function words of the other detected languages: one of them vetoes the shortcut.
_OTHERS = frozenset("""el los las y es por con muy pero está una lo del al il di che non della
    sono è per gli der die das und ist nicht ich mit ein eine não é os com em para uma het een
    niet ik van zijn""".split()) - _FUNCTION["fr"] - _FUNCTION["en"]


@lru_cache(maxsize=1)
def _detector():
    return LanguageDetectorBuilder.from_languages(*LANGUAGES).build()


def _function_words(cleaned: str) -> tuple[int, int, int]:
    """How many French, English and other-language function words ``cleaned`` holds."""
    fr = en = other = 0
    for word in _LOWER_WORD.findall(cleaned.lower().replace("’", "'")):
        if word in _FUNCTION["fr"]:
            fr += 1
        if word in _FUNCTION["en"]:
            en += 1
        if word in _OTHERS:
            other += 1
    return fr, en, other


def detect_language(text: str | None) -> str:
    """Return the ISO 639-1 code of ``text`` (``fr``, ``en``…) or ``"unknown"``.

    URLs, @handles and #hashtags are ignored; fewer than two words gives ``"unknown"``. Two
    French (or English) function words and none of another language settle it directly.
    Otherwise the lingua model decides when its confidence is at least 0.6, or at least 0.3
    when the text's function words are of its guess and of no other language; anything less
    sure gives ``"unknown"``.
    """
    if not text:
        return UNKNOWN
    cleaned = _NOISE.sub(" ", text[:2000])
    if len(_WORD.findall(cleaned)) < MIN_WORDS:
        return UNKNOWN
    fr, en, other = _function_words(cleaned)
    if not other:
        if fr >= 2 and not en:
            return "fr"
        if en >= 2 and not fr:
            return "en"
    values = _detector().compute_language_confidence_values(cleaned)
    if not values:
        return UNKNOWN
    best = values[0]
    code = LANGUAGES[best.language]
    if best.value >= MIN_CONFIDENCE:
        return code
    backed = {"fr": fr and not en, "en": en and not fr}.get(code, False) and not other
    if backed and best.value >= MIN_BACKED_CONFIDENCE:
        return code
    return UNKNOWN
