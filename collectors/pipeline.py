"""From collected Items to stored rows: language, sentiment and brand mentions for each item."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from datetime import datetime

from analysis.language import detect_language
from analysis.query import BrandMatcher
from analysis.sentiment import label, score_about, score_text
from analysis.text import Doc
from collectors.base import Item, parent_item_id, utc
from collectors.urls import redact_url
from config import Brand


def content_hash(item: Item) -> str:
    """Fingerprint of what the item says; a different hash on re-collection updates the row."""
    published = item.published_at.isoformat() if item.published_at else ""
    parts = (item.title or "", item.text or "", item.author or "", item.url or "", published)
    return hashlib.md5("\x00".join(parts).encode("utf-8", "replace"),
                       usedforsecurity=False).hexdigest()


class Analyser:
    """Turns items into item rows and mention rows for :func:`store.writes.write_batch`."""

    def __init__(self, brands: Sequence[Brand]):
        """Compile the brand matcher once for the whole run."""
        self.queries = {b.name: b.compiled for b in brands if b.compiled is not None}
        self.matcher = BrandMatcher(self.queries)

    def rows(self, items: Iterable[Item], source: str, collected_at: datetime
             ) -> tuple[list[tuple], list[tuple]]:
        """Analyse ``items`` (already stamped with their ids) and return (items, mentions) rows."""
        item_rows: list[tuple] = []
        mention_rows: list[tuple] = []
        for item in items:
            full = f"{item.title}\n{item.text}" if item.title else (item.text or "")
            lang = item.lang or detect_language(full)
            published = utc(item.published_at) or collected_at
            sentiment = score_text(full, lang)
            item_id = item.item_id
            item_rows.append((
                item_id, source, item.kind, redact_url(item.url) if item.url else None, item.title,
                item.text, item.author,
                published, collected_at, lang, sentiment, label(sentiment), item.score,
                item.comments, parent_item_id(item.parent_id), content_hash(item),
            ))
            doc = Doc(full)  # tokenised once for every brand's match and spans
            for brand in self.matcher.match_doc(doc):
                about = score_about(full, lang, self.queries[brand].spans_doc(doc))
                mention_rows.append((item_id, brand, about, label(about), published, source,
                                     item.kind, lang))
        return item_rows, mention_rows
