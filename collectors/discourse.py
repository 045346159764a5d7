"""Discourse forums through their public JSON API: latest topics, categories, search; per post."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

from collectors.base import Collector, CollectorError, Context, Item, ParseError
from collectors.forum import html_to_text, parse_timestamp, search_terms
from collectors.http import safe_url
from config.options import Option

# Discourse serves a topic's posts 20 at a time; asking for more ids at once is refused.
POSTS_PER_REQUEST = 20
# A long topic seen for the first time is read over several runs rather than in one go.
MAX_POST_REQUESTS_PER_TOPIC = 10
MAX_LISTING_PAGES = 20
# Bound on the per-topic memory kept in the source's state; the least recently active go first.
MAX_TOPICS_IN_STATE = 5000
# post_type 1 is an ordinary post; 2-4 are moderator notices, small actions and whispers.
REGULAR_POST = 1
LIKE_ACTION = 2


@dataclass
class TopicSummary:
    """A topic as a listing or a search names it: enough to decide whether to fetch it."""

    id: int
    slug: str | None = None
    title: str | None = None
    last_posted_at: str | None = None
    highest_post_number: int | None = None
    pinned: bool = False


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return None


def _summary(topic: Any) -> TopicSummary | None:
    if not isinstance(topic, dict):
        return None
    topic_id = _int(topic.get("id"))
    if topic_id is None:
        return None
    last = topic.get("last_posted_at") or topic.get("bumped_at")
    return TopicSummary(id=topic_id, slug=topic.get("slug") or None,
                        title=topic.get("title") or None,
                        last_posted_at=last if isinstance(last, str) else None,
                        highest_post_number=_int(topic.get("highest_post_number")),
                        pinned=bool(topic.get("pinned") or topic.get("pinned_globally")))


def parse_topic_list(data: Any) -> tuple[list[TopicSummary], str | None]:
    """Read a topic list (``/latest.json``, ``/c/<category>.json``, ``/top.json``…).

    Returns the topics in the listing's order and the ``more_topics_url`` (relative, without
    ``.json``) or None on the last page. Raises :class:`ParseError` when ``data`` is not a
    Discourse topic list.
    """
    if not isinstance(data, dict) or not isinstance(data.get("topic_list"), dict):
        keys = ", ".join(list(data)[:6]) if isinstance(data, dict) else type(data).__name__
        raise ParseError(f"not a Discourse topic list (no 'topic_list'; found {keys})")
    listing = data["topic_list"]
    topics = listing.get("topics", [])
    if not isinstance(topics, list):
        raise ParseError("not a Discourse topic list ('topic_list.topics' is not a list)")
    summaries = [s for s in map(_summary, topics) if s is not None]
    more = listing.get("more_topics_url")
    return summaries, more if isinstance(more, str) and more else None


def parse_search(data: Any) -> list[TopicSummary]:
    """Read ``/search.json``: the topics it found, newest first as asked, without repeats.

    Understands today's shape (``topics`` and ``posts`` lists) and the old one (a list of
    result groups whose results link ``/t/<slug>/<id>``). Raises :class:`ParseError` otherwise.
    """
    found: dict[int, TopicSummary] = {}
    if isinstance(data, list):
        for group in data:
            for result in (group.get("results") or []) if isinstance(group, dict) else []:
                summary = _summary(result)
                if summary is not None:
                    found.setdefault(summary.id, summary)
        return list(found.values())
    if not isinstance(data, dict) or not ("topics" in data or "posts" in data
                                          or "grouped_search_result" in data):
        raise ParseError("not a Discourse search result (no 'topics' or 'posts')")
    for topic in data.get("topics") or []:
        summary = _summary(topic)
        if summary is not None:
            found.setdefault(summary.id, summary)
    for post in data.get("posts") or []:
        topic_id = _int(post.get("topic_id")) if isinstance(post, dict) else None
        if topic_id is not None and topic_id not in found:
            found[topic_id] = TopicSummary(id=topic_id, slug=post.get("topic_slug"))
    return list(found.values())


def post_score(post: dict) -> int | None:
    """Likes on a post: ``like_count``, else the reactions plugin's count, else the like
    action in ``actions_summary`` (0 when the list is there without likes), else None."""
    likes = _int(post.get("like_count"))
    if likes is not None:
        return likes
    reactions = _int(post.get("reaction_users_count"))
    if reactions is not None:
        return reactions
    if isinstance(post.get("reactions"), list):
        return sum(_int(r.get("count")) or 0 for r in post["reactions"] if isinstance(r, dict))
    actions = post.get("actions_summary")
    if isinstance(actions, list):
        for action in actions:
            if isinstance(action, dict) and action.get("id") == LIKE_ACTION:
                return _int(action.get("count")) or 0
        return 0
    return None


def is_visible(post: dict) -> bool:
    """False for what a visitor would not read as someone's words: hidden (flagged) posts,
    deleted ones, posts withdrawn by their author, and non-regular posts (notices, whispers)."""
    if post.get("hidden") or post.get("cooked_hidden") or post.get("deleted_at"):
        return False
    if post.get("user_deleted"):
        return False
    post_type = post.get("post_type")
    return post_type is None or post_type == REGULAR_POST


def post_item(post: Any, base: str, *, topic: dict | None = None,
              first_post_id: int | None = None,
              id_by_number: dict[int, int] | None = None) -> Item | None:
    """Turn one Discourse post into an Item of ``kind="forum"``, or None if it is not shown.

    ``base`` is the forum's URL (``https://forum.example.org``); ``topic`` the topic JSON it
    comes from (for title, slug and reply count; without it the post's own ``topic_*`` fields
    are used). Replies point at the post they answer (``reply_to_post_number`` when that post
    is in ``id_by_number``) or else at the topic's first post ``first_post_id``.
    Raises :class:`ParseError` when ``post`` lacks its id, topic id or post number.
    """
    if not isinstance(post, dict):
        raise ParseError(f"a post is not a JSON object but {type(post).__name__}")
    post_id, topic_id = _int(post.get("id")), _int(post.get("topic_id"))
    number = _int(post.get("post_number"))
    if post_id is None or topic_id is None or number is None:
        missing = [k for k, v in (("id", post_id), ("topic_id", topic_id),
                                  ("post_number", number)) if v is None]
        raise ParseError(f"a post lacks {', '.join(missing)}")
    if not is_visible(post):
        return None
    cooked = post.get("cooked")
    text = html_to_text(cooked) if isinstance(cooked, str) and cooked else ""
    if not text and isinstance(post.get("raw"), str):
        text = post["raw"].strip()
    if not text and isinstance(cooked, str):
        # A post that is only an embedded video or link still says "look at this".
        text = "\n".join(dict.fromkeys(re.findall(r'href="(https?://[^"]+)"', cooked)))
    if not text:
        return None
    topic = topic or {}
    host = urlsplit(base).hostname or base
    slug = topic.get("slug") or post.get("topic_slug") or "-"
    title = None
    comments = None
    if number == 1:
        title = topic.get("title") or post.get("topic_title") or None
        count = _int(topic.get("posts_count")) or _int(post.get("posts_count"))
        # What Discourse shows as "replies" is posts_count - 1; reply_count only counts posts
        # that answer another post, so it is the fallback.
        comments = count - 1 if count else _int(topic.get("reply_count"))
    parent = None
    if number > 1:
        reply_to = _int(post.get("reply_to_post_number"))
        target = (id_by_number or {}).get(reply_to) if reply_to else None
        target = target or first_post_id
        if target is not None and target != post_id:
            parent = f"discourse:{host}:{target}"
    username = post.get("username")
    return Item(
        source="", kind="forum", text=text, url=f"{base}/t/{slug}/{topic_id}/{number}",
        title=title, author=username if isinstance(username, str) and username else None,
        published_at=parse_timestamp(post.get("created_at")), id=f"discourse:{host}:{post_id}",
        score=post_score(post), comments=comments, parent_id=parent,
        extra={"forum": base, "topic_id": topic_id, "post_number": number,
               "reply_to_post_number": _int(post.get("reply_to_post_number")),
               "category_id": topic.get("category_id", post.get("category_id")),
               "updated_at": post.get("updated_at")},
    )


def topic_posts(data: Any) -> tuple[list[dict], list[int]]:
    """The posts a topic JSON carries and its full post-id stream (``post_stream.stream``,
    empty when the answer has none).

    Raises :class:`ParseError` when ``data`` is not a topic (or ``/t/<id>/posts.json``) answer.
    """
    if not isinstance(data, dict) or not isinstance(data.get("post_stream"), dict):
        keys = ", ".join(list(data)[:6]) if isinstance(data, dict) else type(data).__name__
        raise ParseError(f"not a Discourse topic (no 'post_stream'; found {keys})")
    posts = data["post_stream"].get("posts")
    if not isinstance(posts, list):
        raise ParseError("not a Discourse topic ('post_stream.posts' is not a list)")
    posts = [p for p in posts if isinstance(p, dict)]
    stream = data["post_stream"].get("stream")
    # Only a topic answer has the stream; /t/<id>/posts.json answers give the posts alone.
    ids = [i for i in map(_int, stream) if i is not None] if isinstance(stream, list) else []
    return posts, ids


def topic_items(data: Any, base: str, extra_posts: list[dict] | None = None,
                after_id: int = 0) -> list[Item]:
    """Items for every visible post of a topic JSON (plus ``extra_posts`` fetched separately)
    whose id is above ``after_id``, in post-number order. Raises :class:`ParseError` when the
    topic is not readable; a single malformed post is left out."""
    posts, stream = topic_posts(data)
    posts = posts + list(extra_posts or [])
    by_id = {p["id"]: p for p in posts if _int(p.get("id")) is not None}
    first = next((p for p in by_id.values() if p.get("post_number") == 1), None)
    # The stream starts with the first post's id, which is not loaded past the first chunk.
    first_id = first["id"] if first else (stream[0] if stream else None)
    id_by_number = {p["post_number"]: i for i, p in by_id.items()
                    if _int(p.get("post_number")) is not None}
    items = []
    for post in sorted(by_id.values(), key=lambda p: _int(p.get("post_number")) or 0):
        if post["id"] <= after_id:
            continue
        try:
            item = post_item(post, base, topic=data, first_post_id=first_id,
                             id_by_number=id_by_number)
        except ParseError:
            continue
        if item is not None:
            items.append(item)
    return items


class DiscourseCollector(Collector):
    """A Discourse forum's recent topics (site-wide or chosen categories) and brand searches."""

    kind = "discourse"
    description = "A Discourse forum through its public JSON API, one item per post."
    options = {
        "url": Option("str", required=True, help="The forum's base URL, e.g. https://forum.example.org."),
        "search": Option("bool", True, help="Also search the forum for each brand's terms."),
        "categories": Option("list", [], help="Category slugs (or slug/id) to follow instead of "
                                              "the whole forum's latest topics."),
        "max_topics": Option("int", 50, help="Most recently active topics looked at per listing "
                                             "and per search term, each run."),
    }

    def _base(self) -> str:
        url = (self.settings.get("url") or "").strip().rstrip("/")
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ParseError(f"'url' must be the forum's http(s) address, got {safe_url(url)!r}")
        return urlunsplit((parts.scheme, parts.netloc, parts.path.rstrip("/"), "", ""))

    def collect(self, ctx: Context) -> Iterator[Item]:
        """Yield the posts of every topic bumped since the last run.

        The state remembers, per topic, its ``last_posted_at``, highest post number and the
        highest post id read, so an unchanged topic is not fetched again and a changed one only
        has its new posts fetched.
        """
        base = self._base()
        max_topics = max(1, int(self.settings.get("max_topics") or 50))
        known: dict[str, dict] = ctx.state.setdefault("topics", {})
        candidates: dict[int, TopicSummary] = {}
        self._listings(ctx, base, max_topics, known, candidates)
        if self.settings.get("search", True):
            self._searches(ctx, base, max_topics, candidates)
        todo = [t for t in candidates.values() if not _unchanged(t, known.get(str(t.id)))]
        for summary in todo:
            try:
                items, entry = self._topic(ctx, base, summary, known.get(str(summary.id)))
            except CollectorError as exc:
                if exc.category == "rate_limited":
                    raise
                ctx.warn(f"topic {summary.id} ({summary.title or summary.slug or '?'}): "
                         f"{exc.category}: {exc}")
                continue
            known[str(summary.id)] = entry
            for item in items:
                item.source = self.name
                yield item
        _prune(known)

    def _get_json(self, ctx: Context, url: str, params: dict | None = None) -> Any:
        resp = ctx.http.get(url, params=params, accept="application/json")
        try:
            return resp.json()
        except ParseError as exc:
            raise ParseError(f"{exc} (is {safe_url(self.settings.get('url'))} a Discourse "
                             "forum?)") from None

    def _listings(self, ctx: Context, base: str, max_topics: int, known: dict,
                  candidates: dict[int, TopicSummary]) -> None:
        starts = [f"{base}/c/{c.strip('/')}.json" for c in self.settings.get("categories") or []
                  if c.strip("/")] or [f"{base}/latest.json"]
        failures: list[CollectorError] = []
        for start in starts:
            try:
                self._listing(ctx, base, start, max_topics, known, candidates)
            except CollectorError as exc:
                if exc.category == "rate_limited" or len(starts) == 1:
                    raise
                failures.append(exc)
                ctx.warn(f"{safe_url(start)}: {exc.category}: {exc}")
        if failures and len(failures) == len(starts):
            raise failures[0]

    def _listing(self, ctx: Context, base: str, url: str, max_topics: int, known: dict,
                 candidates: dict[int, TopicSummary]) -> None:
        seen_urls: set[str] = set()
        count = 0
        for _ in range(MAX_LISTING_PAGES):
            seen_urls.add(url)
            topics, more = parse_topic_list(self._get_json(ctx, url))
            fresh = 0
            for topic in topics:
                if count >= max_topics:
                    return
                count += 1
                candidates.setdefault(topic.id, topic)
                if not topic.pinned and not _unchanged(topic, known.get(str(topic.id))):
                    fresh += 1
            # Listings are ordered by activity: a page with nothing new means older pages
            # hold nothing new either (pinned topics stay on top whatever their age).
            if not topics or not more or fresh == 0:
                return
            url = _json_url(base, more)
            if url in seen_urls:
                return

    def _searches(self, ctx: Context, base: str, max_topics: int,
                  candidates: dict[int, TopicSummary]) -> None:
        for term in search_terms(ctx.brands):
            try:
                data = self._get_json(ctx, f"{base}/search.json",
                                      params={"q": f"{term} order:latest"})
                found = parse_search(data)
            except CollectorError as exc:
                ctx.warn(f"search for {term!r}: {exc.category}: {exc}")
                if exc.category == "rate_limited":
                    # Discourse limits anonymous searches hard; the listings still run.
                    return
                continue
            for topic in found[:max_topics]:
                candidates.setdefault(topic.id, topic)

    def _topic(self, ctx: Context, base: str, summary: TopicSummary,
               entry: dict | None) -> tuple[list[Item], dict]:
        data = self._get_json(ctx, f"{base}/t/{summary.id}.json")
        posts, stream = topic_posts(data)
        after = int((entry or {}).get("max_id") or 0)
        loaded = {p.get("id") for p in posts}
        wanted = [i for i in stream or sorted(i for i in loaded if isinstance(i, int))
                  if i > after]
        missing = [i for i in wanted if i not in loaded]
        extra: list[dict] = []
        fetched_upto = None  # highest id read without a gap, when not every post could be read
        for start in range(0, len(missing), POSTS_PER_REQUEST):
            chunk = missing[start:start + POSTS_PER_REQUEST]
            if start // POSTS_PER_REQUEST >= MAX_POST_REQUESTS_PER_TOPIC:
                fetched_upto = chunk[0] - 1
                break
            query = urlencode([("post_ids[]", i) for i in chunk])
            try:
                more, _ = topic_posts(self._get_json(ctx, f"{base}/t/{summary.id}/posts.json?"
                                                          f"{query}"))
            except CollectorError as exc:
                if exc.category == "rate_limited" and not extra:
                    raise
                ctx.warn(f"topic {summary.id}: posts from id {chunk[0]}: {exc.category}: {exc};"
                         " the rest is read next run")
                fetched_upto = chunk[0] - 1
                break
            extra.extend(more)
        complete = fetched_upto is None
        items = topic_items(data, base, extra, after_id=after)
        if not complete:
            items = [i for i in items if int(i.id.rsplit(":", 1)[1]) <= fetched_upto]
        read = [i for i in wanted if complete or i <= fetched_upto]
        new_entry = {
            "last": (data.get("last_posted_at") or summary.last_posted_at) if complete else None,
            "n": _int(data.get("highest_post_number")) or summary.highest_post_number,
            "max_id": max(read + [after]),
        }
        return items, new_entry


def _unchanged(topic: TopicSummary, entry: dict | None) -> bool:
    """True when the listing shows no activity in ``topic`` since the state's ``entry``."""
    if not entry or not entry.get("last"):
        return False
    if topic.last_posted_at and topic.last_posted_at != entry["last"]:
        return False
    if topic.highest_post_number is not None and entry.get("n") is not None:
        return topic.highest_post_number <= entry["n"]
    return bool(topic.last_posted_at)


def _json_url(base: str, more: str) -> str:
    """``/latest?page=1`` (as ``more_topics_url`` gives it) → the JSON URL of that page."""
    parts = urlsplit(more)
    path = parts.path
    base_parts = urlsplit(base)
    root = urlunsplit((base_parts.scheme, base_parts.netloc, "", "", ""))
    if base_parts.path and not path.startswith(base_parts.path + "/"):
        path = base_parts.path + path  # a forum in a sub-folder may leave its prefix out
    if not path.endswith(".json"):
        path += ".json"
    return f"{root}{path}" + (f"?{parts.query}" if parts.query else "")


def _prune(known: dict[str, dict]) -> None:
    if len(known) <= MAX_TOPICS_IN_STATE:
        return
    ordered = sorted(known, key=lambda k: known[k].get("last") or "")
    for key in ordered[:len(known) - MAX_TOPICS_IN_STATE]:
        del known[key]
