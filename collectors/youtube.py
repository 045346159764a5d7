"""YouTube videos and their comment threads through the Data API v3: searches, channels, videos."""

from __future__ import annotations

import html
import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
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
from collectors.http import HttpStatusError
from config.options import Option

DATA_API = "https://www.googleapis.com/youtube/v3"
KEY_VARIABLE = "VEILLE_YOUTUBE_KEY"
WATCH_URL = "https://www.youtube.com/watch?v={}"
PAGE_SIZE = 50  # the most search, playlistItems and videos give per page
COMMENT_PAGE_SIZE = 100  # the most commentThreads gives per page
MAX_RECENT = 200  # videos whose new comments are looked for at each run, at the most
# The error reasons (errors[].reason) that mean the project's quota is used up: asking again
# spends nothing useful and can get the key blocked, so the run stops and waits for the reset.
QUOTA_REASONS = frozenset({"quotaExceeded", "dailyLimitExceeded", "rateLimitExceeded",
                           "userRateLimitExceeded", "dailyLimitExceededUnreg"})
KEY_REASONS = frozenset({"keyInvalid", "keyExpired", "accessNotConfigured", "forbidden",
                         "ipRefererBlocked", "API_KEY_INVALID", "API_KEY_SERVICE_BLOCKED"})


class QuotaExceeded(CollectorError):
    """The Data API says the key's daily quota (or its rate) is used up."""

    category = "quota"


class CommentsDisabled(CollectorError):
    """The video's owner turned its comments off (reason ``commentsDisabled``): a note, not a
    failure of the source."""

    category = "comments_disabled"


class KeyRefused(CollectorError):
    """The Data API refuses the key (invalid, expired, or the API not enabled for it)."""

    category = "auth_failed"


def error_reasons(exc: HttpStatusError) -> list[str]:
    """The ``errors[].reason`` values (and ``status``) of a Google API error answer."""
    body = exc.json()
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict):
        return []
    reasons = [e.get("reason") for e in error.get("errors") or [] if isinstance(e, dict)]
    reasons += [d.get("reason") for d in error.get("details") or [] if isinstance(d, dict)]
    if isinstance(error.get("status"), str):
        reasons.append(error["status"])
    return [r for r in reasons if isinstance(r, str) and r]


def classify(exc: HttpStatusError) -> CollectorError:
    """The error a Data API refusal stands for: :class:`QuotaExceeded` for a used-up quota,
    :class:`KeyRefused` for a refused key, else ``exc`` itself (with its reason named)."""
    reasons = error_reasons(exc)
    said = ", ".join(reasons) or f"HTTP {exc.status}"
    if "commentsDisabled" in reasons:
        return CommentsDisabled("the video's comments are turned off")
    if QUOTA_REASONS.intersection(reasons):
        return QuotaExceeded(f"the YouTube Data API quota is used up ({said}); it resets at "
                             "midnight Pacific time, and the next run goes on from here")
    if KEY_REASONS.intersection(reasons) or (exc.status == 400 and "badRequest" in reasons
                                             and "API key" in exc.body.decode("utf-8", "replace")):
        return KeyRefused(f"the YouTube Data API refuses the key ({said}); check "
                          f"{KEY_VARIABLE}")
    if reasons:
        exc.args = (f"{exc.args[0]} ({said})",)
    return exc


def _count(value: Any) -> int | None:
    """A statistic as an int: the API writes counts as strings."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    return int(value) if isinstance(value, str) and value.isdigit() else None


def _lang(*values: Any) -> str | None:
    for value in values:
        if isinstance(value, str) and value.strip() and value.lower() != "zxx":
            return value.split("-")[0].lower()
    return None


def video_item(video: Any) -> Item | None:
    """Turn a ``search#result``, ``playlistItem`` or ``video`` resource into an Item of
    ``kind="youtube"`` (id ``youtube:video:<id>``), or None when it is not a video.

    The title (HTML entities decoded: search answers escape them) is the item's title and the
    description its text (the title when there is none); the author is the channel's title;
    ``lang`` comes from the video's declared languages when it has some. Views, likes and
    comments counts, tags and the channel id go where the platform gives them.
    """
    if not isinstance(video, dict) or not isinstance(video.get("snippet"), dict):
        return None
    snippet = video["snippet"]
    ident = video.get("id")
    if isinstance(ident, dict):  # a search result: {"kind": "youtube#video", "videoId": …}
        ident = ident.get("videoId")
    if isinstance(snippet.get("resourceId"), dict):  # a playlist item
        ident = snippet["resourceId"].get("videoId")
    if not isinstance(ident, str) or not ident:
        return None
    title = html.unescape(str(snippet.get("title") or "")).strip()
    text = html.unescape(str(snippet.get("description") or "")).strip() or title
    # A playlist keeps the place of a deleted or private video, without its owner.
    if not text or ("resourceId" in snippet and not snippet.get("videoOwnerChannelId")):
        return None
    published = snippet.get("publishedAt")
    stats = video.get("statistics") if isinstance(video.get("statistics"), dict) else {}
    extra = {"channel_id": snippet.get("videoOwnerChannelId") or snippet.get("channelId"),
             "views": _count(stats.get("viewCount")),
             "tags": [t for t in snippet.get("tags") or [] if isinstance(t, str)]}
    return Item(
        source="", kind="youtube", text=text, title=title or None, url=WATCH_URL.format(ident),
        author=snippet.get("videoOwnerChannelTitle") or snippet.get("channelTitle") or None,
        published_at=parse_timestamp(published) if isinstance(published, str) else None,
        id=f"youtube:video:{ident}",
        lang=_lang(snippet.get("defaultLanguage"), snippet.get("defaultAudioLanguage")),
        score=_count(stats.get("likeCount")), comments=_count(stats.get("commentCount")),
        extra={k: v for k, v in extra.items() if v not in (None, "", [])},
    )


def comment_item(comment: Any, video_id: str, parent: str | None = None) -> Item | None:
    """Turn one ``comment`` resource into an Item of ``kind="youtube"`` (id
    ``youtube:comment:<id>``), a reply of the video or, for a reply, of its thread's comment.

    The text is ``textOriginal`` (plain), else ``textDisplay`` (HTML) as text; the URL is the
    video's: YouTube's link to one comment (``&lc=<id>``) carries an id the store would mask as
    a token (it looks random), so the comment id is kept in ``extra`` instead.
    """
    if not isinstance(comment, dict) or not isinstance(comment.get("snippet"), dict):
        return None
    snippet, ident = comment["snippet"], comment.get("id")
    if not isinstance(ident, str) or not ident:
        return None
    text = snippet.get("textOriginal")
    if not isinstance(text, str) or not text.strip():
        shown = snippet.get("textDisplay")
        text = html_to_text(shown) if isinstance(shown, str) else ""
    if not text.strip():
        return None
    published = snippet.get("publishedAt")
    channel = snippet.get("authorChannelId")
    return Item(
        source="", kind="youtube", text=text.strip(),
        url=WATCH_URL.format(video_id),
        author=snippet.get("authorDisplayName") or None,
        published_at=parse_timestamp(published) if isinstance(published, str) else None,
        id=f"youtube:comment:{ident}", score=_count(snippet.get("likeCount")),
        parent_id=parent or f"youtube:video:{video_id}",
        extra={k: v for k, v in {"video_id": video_id, "comment_id": ident,
                                 "author_channel_id": channel.get("value")
                                 if isinstance(channel, dict) else None}.items() if v},
    )


def thread_items(thread: Any) -> list[Item]:
    """The top comment of a ``commentThread`` and the replies it carries."""
    snippet = thread.get("snippet") if isinstance(thread, dict) else None
    if not isinstance(snippet, dict):
        return []
    first = snippet.get("topLevelComment")
    inner = first.get("snippet") if isinstance(first, dict) else None
    video_id = str(snippet.get("videoId") or (inner or {}).get("videoId") or "")
    top = comment_item(first, video_id)
    if top is None:
        return []
    top.comments = _count(snippet.get("totalReplyCount"))
    replies = thread.get("replies") if isinstance(thread.get("replies"), dict) else {}
    return [top] + [r for r in (comment_item(c, video_id, top.id)
                                for c in replies.get("comments") or []) if r is not None]


def _items_of(data: Any, what: str) -> tuple[list[dict], str | None]:
    """The ``items`` of a list answer and its ``nextPageToken``; ParseError when not one."""
    if not isinstance(data, dict) or not isinstance(data.get("items"), list):
        found = ", ".join(list(data)[:6]) if isinstance(data, dict) else type(data).__name__
        raise ParseError(f"not a YouTube {what} answer (no 'items' list; found {found})")
    token = data.get("nextPageToken")
    return ([i for i in data["items"] if isinstance(i, dict)],
            token if isinstance(token, str) and token else None)


def _stamp(item: Item) -> str | None:
    return item.published_at.strftime("%Y-%m-%dT%H:%M:%SZ") if item.published_at else None


class YoutubeCollector(Collector):
    """Videos matching searches, a channel's uploads, chosen videos, and their comments."""

    kind = "youtube"
    description = "YouTube videos and comment threads via the Data API v3 (an API key)."
    options = {
        "search": Option("list", [], help="Searches (search.list, 100 quota units a page); "
                                          "default: one per brand term."),
        "channels": Option("list", [], help="Channel ids (UC…) or handles (@name) whose "
                                            "uploads to read."),
        "videos": Option("list", [], help="Video ids whose comments to follow at every run."),
        "comments": Option("bool", True, help="Read the comment threads of the videos found."),
        "comment_days": Option("int", 14, help="Days after its publication during which a "
                                               "video's new comments are looked for."),
        "api_url": Option("str", DATA_API, help="The Data API's base URL."),
        "max_pages": Option("int", 2, help=f"Pages of {PAGE_SIZE} videos (or "
                                           f"{COMMENT_PAGE_SIZE} comment threads) per search, "
                                           "channel or video and run."),
    }

    def collect(self, ctx: Context) -> Iterator[Item]:
        """Yield the videos new since the last run (searches, then channels), then the new
        comment threads of those videos, of the configured ``videos`` and of the videos seen
        in the last ``comment_days``. A used-up quota stops the run where it is (the cursors
        of what was read are kept); another failure is warned about and the rest goes on."""
        key = (os.environ.get(KEY_VARIABLE) or "").strip()
        if not key:
            raise ConfigurationMissing(f"the YouTube Data API needs a key: set {KEY_VARIABLE} "
                                       "(Google Cloud console, YouTube Data API v3)")
        searches = [s.strip() for s in self.settings.get("search") or [] if s.strip()]
        channels = [c.strip() for c in self.settings.get("channels") or [] if c.strip()]
        videos = [v.strip() for v in self.settings.get("videos") or [] if v.strip()]
        if not (searches or channels or videos):
            searches = search_terms(ctx.brands)
        if not (searches or channels or videos):
            raise ConfigurationMissing("nothing to read: set 'search', 'channels' or 'videos', "
                                       "or define [[brands]]")
        self._ctx, self._key = ctx, key
        self._api = (self.settings.get("api_url") or DATA_API).rstrip("/")
        self._pages = max(1, int(self.settings.get("max_pages") or 2))
        self._failures: list[CollectorError] = []
        self._jobs = 0
        seen: set[str] = set()
        found: list[Item] = []
        for name, read in ([(f"search {q!r}", lambda q=q: self._search(q)) for q in searches]
                           + [(f"channel {c!r}", lambda c=c: self._channel(c))
                              for c in channels]):
            for item in self._job(name, read):
                if item.id not in seen:
                    seen.add(item.id)
                    found.append(item)
                    yield item
        # The configured videos themselves, once (then only their new comments).
        known = ctx.state.setdefault("videos", [])
        unknown = [v for v in videos if v not in known]
        if unknown:
            details = self._details(unknown)
            known += unknown
            for item in details.values():
                if item.id not in seen:
                    seen.add(item.id)
                    found.append(item)
                    yield item
        if self.settings.get("comments", True):
            yield from self._comments(found, videos, seen)
        if self._failures and len(self._failures) == self._jobs:
            raise self._failures[0]

    # -- requests --

    def _get(self, path: str, params: dict[str, Any]) -> Any:
        """GET one Data API list as JSON, the key in a header (never in a logged URL)."""
        try:
            response = self._ctx.http.get(f"{self._api}/{path}", params=params,
                                          accept="application/json",
                                          headers={"X-Goog-Api-Key": self._key})
        except HttpStatusError as exc:
            raise classify(exc) from None
        return response.json()

    def _job(self, name: str, read) -> list[Item]:
        """Run one reader; a failure other than the quota is warned about and counted."""
        self._jobs += 1
        try:
            return read()
        except (QuotaExceeded, CommentsDisabled):
            raise
        except CollectorError as exc:
            self._failures.append(exc)
            self._ctx.warn(f"{name}: {exc.category}: {exc}")
            return []

    def _pages_of(self, path: str, params: dict[str, Any], since: str | None,
                  what: str) -> list[dict]:
        """Newest-first pages of a list, down to ``since`` (an RFC 3339 time) or max_pages."""
        records: list[dict] = []
        token = None
        for _page in range(self._pages):
            data = self._get(path, {**params, **({"pageToken": token} if token else {})})
            batch, token = _items_of(data, what)
            records += batch
            stamps = [str((r.get("snippet") or {}).get("publishedAt") or "") for r in batch]
            if not token or not batch or (since and min(stamps) <= since):
                break
        return records

    # -- videos --

    def _search(self, query: str) -> list[Item]:
        state = self._ctx.state.setdefault("search", {})
        since = state.get(query)
        params = {"part": "snippet", "q": query, "type": "video", "order": "date",
                  "maxResults": PAGE_SIZE, **({"publishedAfter": since} if since else {})}
        return self._new_videos(self._pages_of("search", params, since, "search"), state,
                                query)

    def _channel(self, channel: str) -> list[Item]:
        state = self._ctx.state.setdefault("channels", {})
        uploads = state.get(f"uploads:{channel}") or self._uploads(channel)
        state[f"uploads:{channel}"] = uploads
        records = self._pages_of("playlistItems", {"part": "snippet", "playlistId": uploads,
                                                   "maxResults": PAGE_SIZE},
                                 state.get(channel), "playlistItems")
        return self._new_videos(records, state, channel)

    def _uploads(self, channel: str) -> str:
        """The id of a channel's uploads playlist (``UU…`` for ``UC…``; a handle is looked up)."""
        if channel.startswith("UC") and len(channel) == 24:
            return "UU" + channel[2:]
        asked = {"forHandle": channel} if channel.startswith("@") else {"forUsername": channel}
        items, _ = _items_of(self._get("channels", {"part": "contentDetails", **asked}),
                             "channels")
        playlists = (items[0].get("contentDetails") or {}).get("relatedPlaylists") \
            if items else None
        if not isinstance(playlists, dict) or not playlists.get("uploads"):
            raise ParseError(f"YouTube knows no channel {channel!r}")
        return str(playlists["uploads"])

    def _new_videos(self, records: list[dict], state: dict, key: str) -> list[Item]:
        """The videos of ``records`` published after the last run's newest, completed by
        ``videos.list`` (full description, statistics, languages) where it answers."""
        since = state.get(key)
        items = [i for i in (video_item(r) for r in records) if i is not None]
        items = [i for i in items if not since or (_stamp(i) or "") > since]
        details = self._details([i.id.rsplit(":", 1)[1] for i in items])
        items = [details.get(i.id) or i for i in items]
        stamps = [s for s in (_stamp(i) for i in items) if s]
        if stamps:
            state[key] = max([since or "", *stamps])
        return items

    def _details(self, ids: list[str]) -> dict[str, Item]:
        """The ``videos.list`` view of each id (50 a request); what it lacks is left out."""
        found: dict[str, Item] = {}
        for start in range(0, len(ids), PAGE_SIZE):
            chunk = ids[start:start + PAGE_SIZE]
            try:
                data = self._get("videos", {"part": "snippet,statistics",
                                            "id": ",".join(chunk), "maxResults": PAGE_SIZE})
                records, _ = _items_of(data, "videos")
            except QuotaExceeded:
                raise
            except CollectorError as exc:
                self._ctx.warn(f"video details: {exc.category}: {exc}")
                continue
            for item in (video_item(r) for r in records):
                if item is not None:
                    found[item.id] = item
        return found

    # -- comments --

    def _comments(self, found: list[Item], videos: list[str], seen: set[str]
                  ) -> Iterator[Item]:
        """The new comment threads of the videos found now, the configured ones, and the
        recent ones of earlier runs (``comment_days``); a video without comments is noted."""
        state = self._ctx.state.setdefault("comments", {})
        recent = self._ctx.state.setdefault("recent", {})
        days = max(0, int(self.settings.get("comment_days") or 0))
        horizon = (datetime.now(UTC) - timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")
        for item in found:
            recent[item.id.rsplit(":", 1)[1]] = _stamp(item) or horizon
        for video, published in list(recent.items()):
            if published < horizon:
                del recent[video]
                state.pop(video, None)
        if len(recent) > MAX_RECENT:
            for video in sorted(recent, key=recent.get)[:len(recent) - MAX_RECENT]:
                del recent[video]
        fresh = {i.id.rsplit(":", 1)[1] for i in found}
        todo = list(dict.fromkeys([*videos, *(i.id.rsplit(":", 1)[1] for i in found),
                                   *sorted(recent, key=recent.get, reverse=True)]))
        # Videos whose owner turned comments off: not a failure (the owner chose it), and not
        # asked again, which would spend quota for the same answer.
        disabled = self._ctx.state.setdefault("disabled", [])
        for video in todo:
            if video in disabled:
                continue
            # A video new this run is read whole; one seen before, down to its newest comment.
            since = None if video in fresh else state.get(video)
            try:
                threads = self._job(f"comments of {video}", lambda v=video, s=since:
                                    self._pages_of("commentThreads", {
                                        "part": "snippet,replies", "videoId": v,
                                        "order": "time", "textFormat": "plainText",
                                        "maxResults": COMMENT_PAGE_SIZE}, s, "commentThreads"))
            except CommentsDisabled:
                disabled.append(video)
                continue
            items = [i for t in threads for i in thread_items(t)
                     if not since or (_stamp(i) or "") > since]
            stamps = [s for s in (_stamp(i) for i in items) if s]
            if stamps:
                state[video] = max([state.get(video) or "", *stamps])
            for item in items:
                if item.id not in seen:
                    seen.add(item.id)
                    yield item
