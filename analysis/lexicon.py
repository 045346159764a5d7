"""Word valences for French and English: VADER's lexicons with this project's social-media words."""

# Read from the installed vaderSentiment and vaderSentiment_fr packages' data files, then
# overridden and extended by analysis.lexicon_social (slang, idioms, customer-service words,
# emoji). The rules analyser and the learned model's lexicon features both read them here.

from __future__ import annotations

from functools import lru_cache
from importlib.util import find_spec
from pathlib import Path

from analysis import lexicon_social as social
from analysis.text import normalize


@lru_cache(maxsize=1)
def _data_dirs() -> tuple[Path, Path]:
    en = Path(find_spec("vaderSentiment").origin).parent
    fr = Path(find_spec("vaderSentiment_fr").origin).parent
    return en, fr


@lru_cache(maxsize=2)
def valences(lang: str) -> dict[str, float]:
    """Folded word → valence: the package lexicon, then this project's overrides."""
    en_dir, fr_dir = _data_dirs()
    table: dict[str, float] = {}
    if lang == "fr":
        for line in (fr_dir / "fr_lexicon.txt").read_text(encoding="utf-8").splitlines():
            word, _, rest = line.partition("->")
            if word and rest:
                table[normalize(word.strip())] = float(rest.split("->")[0])
    else:
        for line in (en_dir / "vader_lexicon.txt").read_text(encoding="utf-8").splitlines():
            parts = line.split("\t")
            if len(parts) >= 2:
                table[normalize(parts[0].strip())] = float(parts[1])
    table.update({normalize(k): v for k, v in social.WORDS[lang].items()})
    return table
