"""Source kinds: one module each, listed in one explicit registry."""

from __future__ import annotations

from collectors.appstore import AppStoreCollector
from collectors.base import Collector
from collectors.bluesky import BlueskyCollector
from collectors.demo import DemoCollector
from collectors.discourse import DiscourseCollector
from collectors.feeds import FeedsCollector
from collectors.file import FileCollector
from collectors.forum import ForumCollector
from collectors.googleplay import GooglePlayCollector
from collectors.hackernews import HackerNewsCollector
from collectors.mastodon import MastodonCollector
from collectors.reddit import RedditCollector
from collectors.web import WebCollector
from collectors.youtube import YoutubeCollector

# Adding a source kind: write its module, then add one line here.
REGISTRY: dict[str, type[Collector]] = {
    "demo": DemoCollector,
    "file": FileCollector,
    "web": WebCollector,
    "feeds": FeedsCollector,
    "reddit": RedditCollector,
    "discourse": DiscourseCollector,
    "hackernews": HackerNewsCollector,
    "forum": ForumCollector,
    "bluesky": BlueskyCollector,
    "mastodon": MastodonCollector,
    "youtube": YoutubeCollector,
    "appstore": AppStoreCollector,
    "googleplay": GooglePlayCollector,
}


def kind_options() -> dict[str, dict]:
    """Each kind's own config keys, for validating watch.toml."""
    return {kind: dict(cls.options) for kind, cls in REGISTRY.items()}
