"""The public labelled corpora the sentiment models learn from, read where they lie."""

# ../shared/labelled holds human-labelled sentiment sets in one CSV layout (split, text, label,
# lang); ../shared/realdata holds real French feeds and news pages, read here as neutral French
# text because no public French 3-class corpus could be had (see their SOURCES.md).

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
LABELLED = Path(os.environ.get("VEILLE_LABELLED", ROOT.parent / "shared" / "labelled"))
REALDATA = Path(os.environ.get("VEILLE_REALDATA", ROOT.parent / "shared" / "realdata"))

EN_TWEETS = "en_tweets_tweeteval_sentiment.csv"
EN_REVIEWS = ("en_reviews_uci_labelled_sentences.csv", "en_reviews_finegrained_sentences.csv")
FR_REVIEWS = ("fr_reviews_allocine_sample.csv", "fr_reviews_allocine_tvseries_dongdemelo.csv")
FR_EXTRA_TEST = "fr_reviews_amazon_books_pattern.csv"
# Neutral French text: news and blog feeds, and French news pages. The first is kept for
# validation, so the neutral class is tuned on a source it was not trained on.
FR_NEUTRAL_VAL = ("feeds/baywatch_fr_feeds/lemonde.xml",)
FR_NEUTRAL_FEEDS = ("feeds/baywatch_fr_feeds/journal_du_hacker.xml",
                    "feeds/baywatch_fr_feeds/librealire-dc.xml",
                    "feeds/baywatch_fr_feeds/debian_io.xml",
                    "feeds/rss_parser_kotlin_trimmed_real_feeds/feed-test-source.xml",
                    "feeds/rss_parser_kotlin_trimmed_real_feeds/feed-dcdate.xml")
FR_NEUTRAL_PAGES = "html_extraction/trafilatura_eval"
_SENTENCE = re.compile(r"(?<=[.!?…])\s+")


class CorpusError(Exception):
    """The labelled folder is missing or a file in it is not in the common layout."""


@dataclass(frozen=True)
class Split:
    """Texts and their labels."""

    texts: list[str]
    labels: list[str]

    def __add__(self, other: Split) -> Split:
        """Both splits, one after the other."""
        return Split(self.texts + other.texts, self.labels + other.labels)

    def __len__(self) -> int:
        """Number of texts."""
        return len(self.texts)


def read(name: str, folder: Path = LABELLED) -> pd.DataFrame:
    """One labelled file as a DataFrame with at least split, text, label and lang."""
    path = folder / name
    if not path.exists():
        raise CorpusError(f"{path} not found: the labelled corpora are read from {folder} "
                          "(set VEILLE_LABELLED to another folder)")
    frame = pd.read_csv(path, keep_default_na=False)
    missing = {"split", "text", "label", "lang"} - set(frame.columns)
    if missing:
        raise CorpusError(f"{path}: missing column(s) {', '.join(sorted(missing))}")
    return frame


def split(name: str, which: str, folder: Path = LABELLED) -> Split:
    """The rows of file ``name`` in split ``which`` (train, val or test)."""
    frame = read(name, folder)
    frame = frame[frame["split"] == which]
    return Split(frame["text"].tolist(), frame["label"].tolist())


def _feed_texts(path: Path) -> list[str]:
    import feedparser  # only training reads feeds this way; collectors have their own parser

    parsed = feedparser.parse(path.read_bytes())
    out = []
    for entry in parsed.entries:
        out.append(entry.get("title", ""))
        summary = re.sub(r"<[^>]+>", " ", entry.get("summary", ""))
        out.extend(_SENTENCE.split(summary))
    return out


def _page_texts(folder: Path) -> list[str]:
    import gzip
    import json

    import trafilatura

    gold = json.loads((folder / "gold-with-without.json").read_text(encoding="utf-8"))
    out = []
    for entry in gold.values():
        if entry.get("lang") != "fr":
            continue
        page = folder / "html" / f"{entry['file']}.gz"
        if not page.exists():
            continue
        text = trafilatura.extract(gzip.decompress(page.read_bytes()).decode("utf-8", "replace"))
        out.extend(_SENTENCE.split(text or ""))
    return out


def french_neutral(which: str, folder: Path = REALDATA) -> Split:
    """Sentences of French news and announcements, labelled neutral (``train`` or ``val``).

    Only sentences detected as French, 30 to 300 characters long, and seen once are kept.
    """
    from analysis.language import detect_language

    if not folder.exists():
        raise CorpusError(f"{folder} not found: neutral French text is read from it "
                          "(set VEILLE_REALDATA to another folder)")
    if which == "val":
        raw = [t for f in FR_NEUTRAL_VAL for t in _feed_texts(folder / f)]
    else:
        raw = [t for f in FR_NEUTRAL_FEEDS for t in _feed_texts(folder / f)]
        raw += _page_texts(folder / FR_NEUTRAL_PAGES)
    seen: set[str] = set()
    texts = []
    for text in (" ".join(t.split()) for t in raw):
        if 30 <= len(text) <= 300 and text not in seen and detect_language(text) == "fr":
            seen.add(text)
            texts.append(text)
    return Split(texts, ["neutral"] * len(texts))


def sentences_of(data: Split, min_words: int = 3, max_words: int = 30) -> Split:
    """Each text's sentences as texts of their own, with the text's label.

    Reviews are long and posts short: a model that only ever saw long opinions and short
    news reads every short text as neutral. A review's sentences mostly share its polarity.
    """
    texts, labels = [], []
    for text, label in zip(data.texts, data.labels, strict=True):
        parts = [p for p in _SENTENCE.split(text) if min_words <= len(p.split()) <= max_words]
        if len(parts) > 1:
            texts.extend(parts)
            labels.extend([label] * len(parts))
    return Split(texts, labels)
