"""The contract every source kind implements: the Item it yields and the Collector it subclasses."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar

from collectors.urls import canonical_url, redact_url
from config.options import Option


@dataclass(slots=True)
class Item:
    """One collected document, before analysis.

    Collectors fill what the platform gives; the runner adds language, sentiment and brand
    mentions, and the store writes it. ``id`` is the platform's own identifier, namespaced by
    the collector (``"reddit:t3_abc"``, ``"file:history:42"``) so that two sources cannot
    collide; without it the identity is the canonical URL, and without a URL the source and text.
    """

    source: str
    kind: str
    text: str
    url: str | None = None
    title: str | None = None
    author: str | None = None
    published_at: datetime | None = None
    id: str | None = None
    lang: str | None = None
    score: int | None = None
    comments: int | None = None
    parent_id: str | None = None  # the parent's `id` as its collector sets it, or its item_id
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def item_id(self) -> str:
        """Stable identity: md5 of the platform id, else the canonical URL, else source+text."""
        if self.id:
            key = self.id
        elif self.url:
            key = canonical_url(self.url)
        else:
            key = f"{self.source}\n{self.text}"
        return hashlib.md5(key.encode("utf-8"), usedforsecurity=False).hexdigest()


def without_secrets(item: Item, secrets: tuple[str, ...]) -> Item:
    """``item`` with ``secrets`` (a configured URL's own, :func:`collectors.urls.url_secrets`)
    masked in its URL and title; its identity, made from the URL as collected, stays the same.
    """
    if not secrets:
        return item
    if item.url:
        masked = redact_url(item.url, secrets)
        if masked != item.url:
            # item_id is the md5 of the canonical URL: keep it as the id, never stored itself.
            item.id = item.id or canonical_url(item.url)
            item.url = masked
    if item.title:
        for secret in secrets:
            item.title = item.title.replace(secret, "***")
    return item


_ITEM_ID = re.compile(r"^[0-9a-f]{32}$")


def parent_item_id(parent_id: str | None) -> str | None:
    """The stored ``item_id`` of a parent given as a platform id (``"reddit:t3_x"``) or an
    item id already (web page changes); so replies join their parent on ``item_id``."""
    if not parent_id:
        return None
    if _ITEM_ID.match(parent_id):
        return parent_id
    return hashlib.md5(parent_id.encode("utf-8"), usedforsecurity=False).hexdigest()


def utc(dt: datetime | None) -> datetime | None:
    """Return ``dt`` as a naive UTC datetime (DuckDB TIMESTAMP); naive input is taken as UTC."""
    if dt is None:
        return None
    if dt.tzinfo is not None:
        dt = dt.astimezone(UTC).replace(tzinfo=None)
    return dt


class CollectorError(Exception):
    """Base of every classified collection failure; ``category`` is stored on the source."""

    category: ClassVar[str] = "error"


class ConfigurationMissing(CollectorError):
    """A credential or setting the source needs is absent (never names the secret's value)."""

    category = "auth_missing"


class ParseError(CollectorError):
    """The source answered, but what it gave could not be read."""

    category = "parse_error"


@dataclass
class Context:
    """What the runner lends a collector for one run.

    ``state`` is the source's persisted state (cursor, ETag, …): a collector updates it *before*
    yielding the items it covers, and the runner stores it together with those items, so a run
    that is interrupted resumes exactly where its last stored batch ended.
    """

    state: dict[str, Any] = field(default_factory=dict)
    brands: list[Any] = field(default_factory=list)
    collect: Any = None
    warn: Callable[[str], None] = print
    set_total: Callable[[int | None], None] = lambda n: None
    http: Any = None
    base_dir: Path = field(default_factory=Path.cwd)


class Collector:
    """Base class of a source kind.

    Subclasses set ``kind`` and ``options`` (their own config keys, validated up front by the
    config loader) and implement :meth:`collect` as a generator of :class:`Item`.
    """

    kind: ClassVar[str] = ""
    options: ClassVar[dict[str, Option]] = {}
    description: ClassVar[str] = ""

    def __init__(self, name: str, settings: dict[str, Any]):
        """Keep the source's name and its validated kind-specific settings."""
        self.name = name
        self.settings = settings

    def collect(self, ctx: Context) -> Iterator[Item]:  # pragma: no cover - interface
        """Yield the items this source has now; raise a :class:`CollectorError` on failure."""
        raise NotImplementedError
