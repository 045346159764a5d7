"""From collected Items to stored rows: language, sentiment and brand mentions for each item."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from datetime import datetime
from functools import partial

from analysis import workers
from analysis.language import detect_language
from analysis.query import BrandMatcher
from analysis.sentiment_model import LinearModel, score_batch
from analysis.sentiment_targets import brand_verdicts
from collectors.base import Item, parent_item_id, utc
from collectors.urls import redact_url
from config import Brand


def content_hash(item: Item) -> str:
    """Fingerprint of what the item says; a different hash on re-collection updates the row."""
    published = item.published_at.isoformat() if item.published_at else ""
    parts = (item.title or "", item.text or "", item.author or "", item.url or "", published)
    if item.extra.get("own_brand"):
        # Met first by a search, then in the brand's own feed: the row is updated to own voice.
        parts += (str(item.extra["own_brand"]),)
    return hashlib.md5("\x00".join(parts).encode("utf-8", "replace"),
                       usedforsecurity=False).hexdigest()


class Analyser:
    """Turns items into item rows and mention rows for :func:`store.writes.write_batch`."""

    def __init__(self, brands: Sequence[Brand], models: dict[str, LinearModel] | None = None):
        """Compile the brand matcher once for the whole run.

        ``models`` are the watch's own sentiment models (adapted from its corrections), by
        language; the shipped ones serve the languages it lacks.
        """
        self.brands = list(brands)
        self.queries = {b.name: b.compiled for b in brands if b.compiled is not None}
        self.matcher = BrandMatcher(self.queries)
        self.models = models
        self.own_authors = own_authors(brands)

    def __reduce__(self):
        # Sent to worker processes as what it is made of: the matcher's closures are rebuilt.
        return (Analyser, (self.brands, self.models))

    def mark_own(self, item: Item) -> None:
        """Mark ``item`` as a brand's own voice when a brand's own account wrote it.

        Whichever source met it (a subreddit followed, a search), a post by an account listed
        in ``[[brands]] accounts`` is the brand speaking; marked before its content hash is
        taken, so the next run finds it unchanged.
        """
        if not item.extra.get("own_brand") and item.author:
            brand = self.own_authors.get((item.kind, _author_key(item.author)))
            if brand:
                item.extra["own_brand"] = brand

    def rows(self, items: Iterable[Item], source: str, collected_at: datetime
             ) -> tuple[list[tuple], list[tuple]]:
        """Analyse ``items`` (already stamped with their ids) and return (items, mentions) rows.

        A long batch is shared with worker processes when the run allows them
        (:mod:`analysis.workers`); the rows are the same, in the same order, either way.
        """
        return _joined(workers.split_map(
            partial(_analyse, source=source, collected_at=collected_at), list(items), self))

    def submit(self, items: list[Item], source: str, collected_at: datetime) -> Analysis:
        """Start analysing ``items`` in the worker processes and return at once.

        :meth:`Analysis.rows` waits and gives what :meth:`rows` would. With no workers, or
        a short batch, the analysis is done here before returning (``ready`` is then true).
        """
        return Analysis(workers.submit_map(
            partial(_analyse, source=source, collected_at=collected_at), items, self))

    def analyse(self, items: list[Item], source: str, collected_at: datetime
                ) -> tuple[list[tuple], list[tuple]]:
        """Like :meth:`rows`, all in this process (what each worker runs on its part)."""
        texts = [f"{item.title}\n{item.text}" if item.title else (item.text or "")
                 for item in items]
        langs = [item.lang or detect_language(full) for item, full in zip(items, texts,
                                                                           strict=True)]
        verdicts = score_batch(texts, langs, self.models)
        named = brand_verdicts(texts, langs, verdicts, self.matcher, self.queries, self.models)
        item_rows: list[tuple] = []
        mention_rows: list[tuple] = []
        for item, lang, (sentiment, label), brands in zip(items, langs, verdicts, named,
                                                          strict=True):
            published = utc(item.published_at) or collected_at
            item_id = item.item_id
            item_rows.append((
                item_id, source, item.kind, redact_url(item.url) if item.url else None, item.title,
                item.text, item.author,
                published, collected_at, lang, sentiment, label, item.score,
                item.comments, parent_item_id(item.parent_id), content_hash(item),
                *_extras(item),
            ))
            if item.extra.get("own_brand"):
                # A brand's own post is its voice, not a mention: share of voice counts what
                # others say (the presence view reads own posts from items.own_brand).
                continue
            mention_rows.extend((item_id, brand, about, name, published, source, item.kind, lang)
                                for brand, about, name in brands)
        return item_rows, mention_rows


class Analysis:
    """A batch being analysed by worker processes (see :meth:`Analyser.submit`)."""

    def __init__(self, pending: workers.Pending):
        """Wrap the workers' pending parts."""
        self._pending = pending
        self._rows: tuple[list[tuple], list[tuple]] | None = None

    @property
    def ready(self) -> bool:
        """True when the rows are already here, with nothing to wait for."""
        return self._pending.ready

    def rows(self) -> tuple[list[tuple], list[tuple]]:
        """Wait for the workers and return (items, mentions) rows in the batch's order."""
        if self._rows is None:
            self._rows = _joined(self._pending.result())
        return self._rows


def _joined(parts: list[tuple[list[tuple], list[tuple]]]) -> tuple[list[tuple], list[tuple]]:
    return [row for part in parts for row in part[0]], [row for part in parts for row in part[1]]


def _analyse(analyser: Analyser, items: list[Item], source: str, collected_at: datetime
             ) -> tuple[list[tuple], list[tuple]]:
    """The rows of one part of a batch: module-level, so a worker process can run it."""
    return analyser.analyse(items, source, collected_at)


def _extras(item: Item) -> tuple:
    """The optional columns some kinds fill: own brand, the author's followers, a rating."""
    extra = item.extra
    if not extra:
        return (None, None, None)
    followers, rating = extra.get("followers"), extra.get("rating")
    return (extra.get("own_brand") or None,
            int(followers) if isinstance(followers, (int, float)) and followers >= 0 else None,
            int(rating) if isinstance(rating, (int, float)) and 0 <= rating <= 10 else None)


def _author_key(author: str) -> str:
    """An account name as compared with the configured ones: no @ or u/ prefix, any case."""
    key = author.strip().lower()
    return key[2:] if key.startswith("u/") else key.lstrip("@")


def own_authors(brands: Sequence[Brand]) -> dict[tuple[str, str], str]:
    """``(item kind, author)`` → brand, for the accounts of ``[[brands]] accounts`` whose
    posts carry the account's name as their author (Bluesky, Mastodon, Reddit)."""
    out: dict[tuple[str, str], str] = {}
    for brand in brands:
        for channel, handle in (getattr(brand, "accounts", None) or {}).items():
            if channel in ("bluesky", "mastodon", "reddit"):
                out[(channel, _author_key(handle))] = brand.name
    return out
