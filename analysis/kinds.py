"""Item kinds: every code ``items.kind`` holds, its display name and what it stands for."""

# The one place kinds are described: the pages, the reports, the filters and the community
# rules all read this table (through views.labels for the names). Adding a source kind whose
# items get a new code means one line here.

from __future__ import annotations

from dataclasses import dataclass


def _(message: str) -> str:
    """Mark ``message`` for the catalog; it is translated where shown (views.labels.name)."""
    return message


@dataclass(frozen=True)
class ItemKind:
    """One code of ``items.kind``.

    ``name`` is its English display name: a catalog message, or a service's own name (Reddit)
    that every language writes the same. ``publication`` marks articles and pages, which are
    published rather than said in a conversation, so nobody waits for them to be answered.
    """

    code: str
    name: str
    publication: bool = False


ITEM_KINDS: tuple[ItemKind, ...] = (
    ItemKind("reddit", "Reddit"),
    ItemKind("forum", _("Forums")),
    # The `feeds` source kind stores its items as `rss`; `feeds` is listed too, as the same
    # kind, for sources and any row that names the source kind instead.
    ItemKind("rss", _("News feeds"), publication=True),
    ItemKind("feeds", _("News feeds"), publication=True),
    ItemKind("web", _("Web pages"), publication=True),
    ItemKind("discourse", "Discourse"),
    ItemKind("hackernews", "Hacker News"),
    ItemKind("file", _("Imports")),
    ItemKind("demo", _("Demo")),
    ItemKind("bluesky", "Bluesky"),
    ItemKind("mastodon", "Mastodon"),
    ItemKind("youtube", "YouTube"),
    ItemKind("appstore", "App Store"),
    ItemKind("googleplay", "Google Play"),
)

# Code -> English display name (views.labels.name translates it).
KIND_NAMES: dict[str, str] = {k.code: k.name for k in ITEM_KINDS}
# Kinds that publish rather than converse: an article or a page change is not answered.
PUBLICATION_KINDS: tuple[str, ...] = tuple(k.code for k in ITEM_KINDS if k.publication)
# The kind a brand's channel's items are stored as, where the two differ: a brand's web feed
# is read by the feeds source kind, whose items are stored as rss.
CHANNEL_KINDS: dict[str, str] = {"web": "rss"}
