"""Hacker News stories and comments through the Algolia HN Search API, newest first."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from collectors.base import (
    Collector,
    CollectorError,
    ConfigurationMissing,
    Context,
    Item,
    ParseError,
)
from collectors.forum import html_to_text, parse_timestamp, search_terms
from config.options import Option

HN_ITEM_URL = "https://news.ycombinator.com/item?id={}"
HITS_PER_PAGE = 100


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    return None


def _created(hit: dict) -> tuple[int | None, datetime | None]:
    seconds = _int(hit.get("created_at_i"))
    if seconds is not None:
        try:
            return seconds, datetime.fromtimestamp(seconds, UTC)
        except (OverflowError, OSError, ValueError):
            return None, None
    when = parse_timestamp(hit.get("created_at")) if isinstance(hit.get("created_at"), str) \
        else None
    return (int(when.timestamp()) if when else None), when


def hit_item(hit: Any) -> Item | None:
    """Turn one Algolia hit into an Item of ``kind="hackernews"``, or None if it has no id.

    Stories keep their title, points and comment count, with the linked page's URL in
    ``extra["link"]`` (and as the text when the story has none); comments carry their
    plain-text body, the story's title in ``extra`` and ``parent_id`` ``hn:<parent>``. The URL
    is always the discussion on news.ycombinator.com. Fields that are null stay None.
    """
    if not isinstance(hit, dict):
        return None
    object_id = hit.get("objectID")
    if object_id is None or str(object_id).strip() == "":
        return None
    object_id = str(object_id).strip()
    tags = [t for t in hit.get("_tags") or [] if isinstance(t, str)]
    body = hit.get("comment_text") or hit.get("story_text") or hit.get("text")
    text = html_to_text(body) if isinstance(body, str) else ""
    link = hit.get("url") if isinstance(hit.get("url"), str) and hit.get("url") else None
    is_comment = "comment" in tags or (hit.get("comment_text") is not None
                                       and hit.get("title") is None)
    title = None if is_comment else (hit.get("title") or None)
    if not text:
        text = link or ""
    if not text and not title:
        return None
    _, published = _created(hit)
    parent = _int(hit.get("parent_id"))
    author = hit.get("author")
    extra = {"tags": tags, "link": link, "story_id": _int(hit.get("story_id")),
             "story_title": hit.get("story_title"), "story_url": hit.get("story_url")}
    return Item(
        source="", kind="hackernews", text=text, url=HN_ITEM_URL.format(object_id), title=title,
        author=author if isinstance(author, str) and author else None, published_at=published,
        id=f"hn:{object_id}", score=_int(hit.get("points")),
        comments=_int(hit.get("num_comments")),
        parent_id=f"hn:{parent}" if parent is not None and is_comment else None,
        extra={k: v for k, v in extra.items() if v not in (None, [], "")},
    )


def parse_results(data: Any) -> tuple[list[dict], int]:
    """The hits of one Algolia answer and its ``nbPages``; :class:`ParseError` otherwise."""
    if not isinstance(data, dict) or not isinstance(data.get("hits"), list):
        keys = ", ".join(list(data)[:6]) if isinstance(data, dict) else type(data).__name__
        raise ParseError(f"not an Algolia search answer (no 'hits' list; found {keys})")
    pages = _int(data.get("nbPages"))
    return [h for h in data["hits"] if isinstance(h, dict)], pages if pages is not None else 1


class HackerNewsCollector(Collector):
    """Stories and comments matching the brands (or one query) on Hacker News."""

    kind = "hackernews"
    description = "Hacker News stories and comments via the Algolia HN Search API."
    options = {
        "query": Option("str", None, help="One search instead of one per brand term."),
        "api_url": Option("str", "https://hn.algolia.com/api/v1",
                          help="Algolia HN Search API base URL."),
        "tags": Option("str", "(story,comment)",
                       help="Algolia tags filter: story, comment, (story,comment), ask_hn…"),
        "max_pages": Option("int", 5, help=f"Pages of {HITS_PER_PAGE} hits read per search and "
                                           "run."),
    }

    def collect(self, ctx: Context) -> Iterator[Item]:
        """Yield what was posted since the last run, search by search.

        Each search remembers the newest ``created_at_i`` it saw (and the ids posted at that
        second); the next run asks only for ``created_at_i>=`` that time.
        """
        query = (self.settings.get("query") or "").strip()
        queries = [query] if query else search_terms(ctx.brands)
        if not queries:
            raise ConfigurationMissing("nothing to search: set 'query' or define [[brands]]")
        api = (self.settings.get("api_url") or "https://hn.algolia.com/api/v1").rstrip("/")
        tags = self.settings.get("tags") or "(story,comment)"
        max_pages = max(1, int(self.settings.get("max_pages") or 5))
        known: dict[str, dict] = ctx.state.setdefault("queries", {})
        failures: list[CollectorError] = []
        for q in queries:
            try:
                items, entry = self._search(ctx, api, q, tags, max_pages, known.get(q) or {})
            except CollectorError as exc:
                if exc.category == "rate_limited":
                    raise
                failures.append(exc)
                ctx.warn(f"search {q!r}: {exc.category}: {exc}")
                continue
            known[q] = entry
            for item in items:
                item.source = self.name
                yield item
        if failures and len(failures) == len(queries):
            raise failures[0]

    def _search(self, ctx: Context, api: str, q: str, tags: str, max_pages: int,
                entry: dict) -> tuple[list[Item], dict]:
        since = _int(entry.get("since"))
        seen_at_since = set(entry.get("ids") or [])
        newest, newest_ids = since, set(seen_at_since)
        items: list[Item] = []
        complete = True
        for page in range(max_pages):
            params: dict[str, Any] = {"query": q, "tags": tags, "hitsPerPage": HITS_PER_PAGE,
                                      "page": page}
            if since is not None:
                # >= rather than >: items posted in the same second as the last run's newest
                # would otherwise be lost; the ids already seen at that second are skipped.
                params["numericFilters"] = f"created_at_i>={since}"
            try:
                hits, pages = parse_results(ctx.http.get(f"{api}/search_by_date", params=params,
                                                         accept="application/json").json())
            except CollectorError as exc:
                if page == 0:
                    raise
                # Later pages hold older hits: keep the cursor where it was so they are
                # asked again next run, and keep what was read.
                ctx.warn(f"search {q!r}, page {page + 1}: {exc.category}: {exc}")
                return items, entry
            for hit in hits:
                item = hit_item(hit)
                if item is None:
                    continue
                seconds, _ = _created(hit)
                object_id = item.id.split(":", 1)[1]
                if since is not None and seconds is not None and (
                        seconds < since or (seconds == since and object_id in seen_at_since)):
                    continue
                if seconds is not None:
                    if newest is None or seconds > newest:
                        newest, newest_ids = seconds, {object_id}
                    elif seconds == newest:
                        newest_ids.add(object_id)
                items.append(item)
            if not hits or page + 1 >= pages:
                break
        else:
            complete = False
        if not complete:
            ctx.warn(f"search {q!r}: more than {max_pages} pages of new hits; the older ones "
                     "are skipped (raise max_pages or run more often)")
        return items, {"since": newest, "ids": sorted(newest_ids)}
