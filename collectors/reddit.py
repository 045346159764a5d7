"""The ``reddit`` source kind: new posts and comments of subreddits and brand searches, via praw."""

from __future__ import annotations

import configparser
import ipaddress
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import praw
import prawcore
import requests
from praw.exceptions import MissingRequiredAttributeException, PRAWException, RedditAPIException

from collectors.base import (
    Collector,
    CollectorError,
    ConfigurationMissing,
    Context,
    Item,
    ParseError,
    utc,
)
from collectors.urls import canonical_url
from config.options import Option

STATE_VERSION = 1
PAGE_SIZE = 100  # the most Reddit returns in one listing request
MAX_LIMIT = 1000  # Reddit's listings stop after about 1000 items anyway
# Fullnames remembered per listing, so that overlapping pages never yield an item twice.
SEEN_KEPT = 1000
# Reddit's search index lags behind new posts; each search run looks this far behind its
# newest result so that late-indexed posts are still found (the seen set drops repeats).
SEARCH_OVERLAP_SECONDS = 3600
SEARCH_QUERY_MAX = 512  # Reddit rejects longer search queries
GONE = frozenset({"[removed]", "[deleted]"})
_SUBREDDIT_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_]{1,20}$")
_USER_PREFIX = re.compile(r"^/?u(ser)?/", re.IGNORECASE)
_USER_NAME = re.compile(r"^[A-Za-z0-9_-]{3,20}$")
_SUBREDDIT_PREFIX = re.compile(r"^(?:https?://[^/]*reddit\.com)?/?(?:r/)?", re.IGNORECASE)
CREDENTIALS_HELP = "set praw_client_id and praw_client_secret in the environment or praw.ini"


class RedditConfigError(CollectorError):
    """The source's settings cannot work (nothing to collect, a bad name or endpoint)."""

    category = "config"


class RedditAuthFailed(CollectorError):
    """Reddit refused the application's credentials or its token."""

    category = "auth_failed"


class RedditRateLimited(CollectorError):
    """Reddit answered 429: the run stops rather than hammer it; the next run resumes."""

    category = "rate_limited"


class RedditForbidden(CollectorError):
    """Reddit refuses a listing: a quarantined, private or otherwise closed subreddit."""

    category = "forbidden"


class RedditNotFound(CollectorError):
    """The subreddit does not exist or was banned."""

    category = "not_found"


class RedditServerError(CollectorError):
    """Reddit kept answering 5xx after praw's retries."""

    category = "server_error"


class RedditHttpError(CollectorError):
    """Any other unexpected HTTP answer from Reddit."""

    category = "http_error"


class RedditTimeout(CollectorError):
    """Reddit did not answer within the configured timeout."""

    category = "timeout"


class RedditConnectionFailed(CollectorError):
    """Reddit's API could not be reached at all."""

    category = "connection"


# Failures that concern one listing only: warned, and the other listings still run.
LISTING_FAILURES = (RedditForbidden, RedditNotFound, RedditServerError, RedditHttpError,
                    ParseError)


@dataclass
class Listing:
    """One thing this source follows: a subreddit's posts or comments, or one search."""

    key: str  # its cursor's name in the source state
    path: str  # API path, relative to oauth_url as praw wants it
    label: str  # how messages name it
    kind: str  # "posts", "comments" or "search"
    params: dict[str, str] = field(default_factory=dict)


@dataclass
class PayloadItems:
    """What :func:`items_from_payload` found in one API answer."""

    items: list[Item]
    skipped: int  # removed or deleted things, left out on purpose


class RedditCollector(Collector):
    """Collect Reddit posts and comments through Reddit's API with praw, read-only.

    Follows the ``new`` posts and the comment stream of each configured subreddit, and with
    ``search = true`` searches Reddit for each brand's terms (newest first, with the comments of
    every post found). Each listing keeps its own cursor in the source state, so a run fetches
    only what appeared since the previous one. Credentials come from praw's own configuration
    (``praw_client_id``, ``praw_client_secret``, ``praw_user_agent`` in the environment, or a
    ``praw.ini`` site), never from watch.toml.
    """

    kind = "reddit"
    description = "Reddit posts and comments: subreddits followed, and brand searches."
    options = {
        "subreddits": Option("list", [],
                             help="Subreddits to follow (names such as python, or r/python): "
                                  "their new posts and, with comments, their new comments."),
        "users": Option("list", [],
                        help="Accounts (names such as acme or u/acme) whose posts and, with "
                             "comments, comments to read: a brand's own account."),
        "search": Option("bool", False,
                         help="true to search all of Reddit for each brand's query terms "
                              "(or its name when the query has no plain terms)."),
        "comments": Option("bool", True,
                           help="Also collect comments: each followed subreddit's new "
                                "comments, and the comments of posts found by search."),
        "limit": Option("int", 100,
                        help="Most items read per listing per run (1-1000); the rest is read "
                             "by the next runs."),
        "site": Option("str", "",
                       help="praw.ini section holding the credentials (default: $praw_site, "
                            "else DEFAULT)."),
        "oauth_url": Option("str", "https://oauth.reddit.com",
                            help="Reddit's API address (change only for a test server)."),
        "reddit_url": Option("str", "https://www.reddit.com",
                             help="Reddit's site address: token requests and item links."),
    }

    def __init__(self, name: str, settings: dict[str, Any]):
        """Keep the settings; they are checked when the run starts, with the brands at hand."""
        super().__init__(name, settings)
        defaults = {key: opt.default for key, opt in self.options.items()}
        merged = defaults | dict(settings)
        self.subreddits = list(merged["subreddits"] or [])
        self.users = list(merged.get("users") or [])
        self.search = bool(merged["search"])
        self.comments = bool(merged["comments"])
        self.limit = merged["limit"]
        self.site = merged["site"] or ""
        self.oauth_url = str(merged["oauth_url"]).rstrip("/")
        self.reddit_url = str(merged["reddit_url"]).rstrip("/")

    # -- the run -------------------------------------------------------------------------------
    def collect(self, ctx: Context) -> Iterator[Item]:
        """Yield the posts and comments that appeared since the last run.

        Raises :class:`RedditConfigError` or :class:`ConfigurationMissing` before any request
        when the settings or credentials cannot work; :class:`RedditRateLimited`,
        :class:`RedditAuthFailed`, :class:`RedditConnectionFailed` or :class:`RedditTimeout`
        stop the run; a listing Reddit refuses (quarantined, private, banned, unknown) is
        warned about and the others go on, and the source fails only when every one did.
        """
        groups = self._plan(ctx)
        session = requests.Session()
        try:
            reddit = self._connect(ctx, session)
            state = ctx.state
            cursors = state.get("listings") if state.get("v") == STATE_VERSION else None
            if not isinstance(cursors, dict):
                cursors = {}
            wanted = {listing.key for group in groups for listing in group}
            # Cursors of listings no longer configured would only grow the state.
            state["listings"] = {k: v for k, v in cursors.items() if k in wanted}
            state["v"] = STATE_VERSION
            failures: list[CollectorError] = []
            succeeded = 0
            for group in groups:
                try:
                    for listing in group:
                        yield from self._follow(reddit, listing, ctx)
                        succeeded += 1
                except LISTING_FAILURES as exc:
                    # The rest of this subreddit would fail the same way: one warning.
                    ctx.warn(str(exc))
                    failures.append(exc)
            if failures and not succeeded:
                first = failures[0]
                what = "the only listing" if len(groups) == 1 else f"all {len(groups)} listings"
                raise type(first)(f"{what} failed: {first}")
        finally:
            session.close()

    def _plan(self, ctx: Context) -> list[list[Listing]]:
        """Check the settings and list what to follow, grouped by subreddit or brand."""
        where = f"reddit source {self.name!r}"
        if isinstance(self.limit, bool) or not isinstance(self.limit, int) \
                or not 1 <= self.limit <= MAX_LIMIT:
            raise RedditConfigError(f"{where}, field 'limit': expected 1 to {MAX_LIMIT}, got "
                                    f"{self.limit!r}")
        collect = ctx.collect
        networks = list(getattr(collect, "allow_networks", None) or [])
        for key, url in (("oauth_url", self.oauth_url), ("reddit_url", self.reddit_url)):
            _check_endpoint(where, key, url, networks)
        names, bad, seen = [], [], set()
        for raw in self.subreddits:
            name = _SUBREDDIT_PREFIX.sub("", raw.strip()).strip("/")
            if not _SUBREDDIT_NAME.match(name):
                bad.append(raw)
            elif name.lower() not in seen:
                seen.add(name.lower())
                names.append(name)
        if bad:
            raise RedditConfigError(
                f"{where}, field 'subreddits': {', '.join(map(repr, bad))} "
                f"{'is not a subreddit name' if len(bad) == 1 else 'are not subreddit names'}"
                " (expected names such as python or r/python: 2-21 letters, digits or _)")
        users, bad = [], []
        for raw in self.users:
            user = _USER_PREFIX.sub("", str(raw).strip()).strip("/")
            if not _USER_NAME.match(user):
                bad.append(raw)
            elif user.lower() not in {u.lower() for u in users}:
                users.append(user)
        if bad:
            raise RedditConfigError(
                f"{where}, field 'users': {', '.join(map(repr, bad))} is not a Reddit account "
                "name (expected names such as acme or u/acme: 3-20 letters, digits, _ or -)")
        if not names and not users and not self.search:
            raise RedditConfigError(f"{where}: nothing to collect; set subreddits = [...], "
                                    "users = [...] or search = true")
        groups: list[list[Listing]] = []
        for name in names:
            low = name.lower()
            group = [Listing(f"r/{low}/new", f"r/{name}/new", f"r/{name}", "posts")]
            if self.comments:
                group.append(Listing(f"r/{low}/comments", f"r/{name}/comments",
                                     f"r/{name} comments", "comments"))
            groups.append(group)
        for user in users:
            low = user.lower()
            group = [Listing(f"u/{low}/submitted", f"user/{user}/submitted", f"u/{user}",
                             "posts")]
            if self.comments:
                group.append(Listing(f"u/{low}/comments", f"user/{user}/comments",
                                     f"u/{user} comments", "comments"))
            groups.append(group)
        if self.search:
            brands = list(ctx.brands or [])
            if not brands:
                raise RedditConfigError(f"{where}: search = true needs at least one [[brands]] "
                                        "entry to search for")
            done: set[str] = set()
            for brand in brands:
                queries = search_queries(brand)
                for i, query in enumerate(queries):
                    if query in done:
                        continue
                    done.add(query)
                    part = f" ({i + 1}/{len(queries)})" if len(queries) > 1 else ""
                    params = {"q": query, "sort": "new", "t": "all", "type": "link"}
                    groups.append([Listing(f"search:{query}", "search",
                                           f"search for {brand.name}{part}", "search",
                                           params)])
        return groups

    def _connect(self, ctx: Context, session: requests.Session) -> praw.Reddit:
        """Build a read-only praw client from praw's own configuration."""
        collect = ctx.collect
        timeout = getattr(collect, "timeout", None) or 20.0
        settings: dict[str, Any] = {
            "oauth_url": self.oauth_url, "reddit_url": self.reddit_url,
            # Without this praw asks PyPI for a newer version on start-up.
            "check_for_updates": False, "check_for_async": False,
            "timeout": max(1, round(timeout)),
        }
        site = self.site or None
        for attempt in range(2):
            try:
                reddit = praw.Reddit(site_name=site, requestor_kwargs={"session": session},
                                     **settings)
                break
            except configparser.NoSectionError as exc:
                raise RedditConfigError(
                    f"reddit source {self.name!r}, field 'site': praw.ini has no section "
                    f"[{exc.section}]") from None
            except configparser.Error as exc:
                # configparser quotes the bad line, which may hold the secret: name the
                # line number only.
                lines = re.findall(r"\bline:?\s+(\d+)", str(exc))
                where = f" (line {', '.join(lines)})" if lines else ""
                raise RedditConfigError(
                    f"reddit source {self.name!r}: praw.ini cannot be read{where}; each "
                    "setting must be written key = value under a [section]") from None
            except ValueError as exc:
                raise RedditConfigError(f"reddit source {self.name!r}: praw's settings are "
                                        f"invalid: {exc}") from None
            except MissingRequiredAttributeException as exc:
                if "'user_agent'" in str(exc) and attempt == 0:
                    # Reddit asks for a descriptive agent; Veille's own is one.
                    settings["user_agent"] = _user_agent(collect)
                    continue
                missing = re.search(r"'(\w+)'", str(exc))
                detail = f" (missing: {missing.group(1)})" if missing else ""
                raise ConfigurationMissing(
                    f"reddit source {self.name!r}: {CREDENTIALS_HELP}{detail}") from None
        # Application-only OAuth even if praw.ini also holds a username and password.
        reddit.read_only = True
        return reddit

    # -- following one listing -----------------------------------------------------------------
    def _follow(self, reddit: praw.Reddit, listing: Listing, ctx: Context) -> Iterator[Item]:
        cursors = ctx.state["listings"]
        cursor = cursors.get(listing.key)
        if not isinstance(cursor, dict):
            cursor = None
        if listing.kind == "search":
            cursor = cursor or {}
            cursors[listing.key] = cursor
            newest = cursor.get("newest_utc")
            stop = newest - SEARCH_OVERLAP_SECONDS if isinstance(newest, (int, float)) else None
            yield from self._walk(reddit, listing, ctx, cursor, stop)
        elif cursor is None or not cursor.get("newest"):
            cursor = {}
            cursors[listing.key] = cursor
            yield from self._walk(reddit, listing, ctx, cursor, None)
        else:
            yield from self._since(reddit, listing, ctx, cursor)

    def _since(self, reddit: praw.Reddit, listing: Listing, ctx: Context,
               cursor: dict) -> Iterator[Item]:
        """Page towards newer items with ``before=<newest seen>``, oldest page first."""
        fetched = 0
        while fetched < self.limit:
            size = min(PAGE_SIZE, self.limit - fetched)
            data = self._get(reddit, listing,
                             {**listing.params, "limit": size, "before": cursor["newest"]})
            children, _after, before = _listing_children(data, listing.label)
            if not children:
                if fetched == 0:
                    yield from self._recheck(reddit, listing, ctx, cursor)
                return
            fetched += len(children)
            yield from self._take(reddit, listing, ctx, cursor, children, children[0])
            if before is None and len(children) < size:
                return

    def _recheck(self, reddit: praw.Reddit, listing: Listing, ctx: Context,
                 cursor: dict) -> Iterator[Item]:
        """An empty ``before`` page means nothing new, or an anchor Reddit no longer lists
        (deleted, removed): then Reddit would answer empty forever, so look at the top."""
        data = self._get(reddit, listing, {**listing.params, "limit": 1})
        children, _after, _before = _listing_children(data, listing.label)
        if not children or _name(children[0]) == cursor.get("newest"):
            return
        newest = cursor.get("newest_utc")
        yield from self._walk(reddit, listing, ctx, cursor,
                              newest if isinstance(newest, (int, float)) else None)

    def _walk(self, reddit: praw.Reddit, listing: Listing, ctx: Context, cursor: dict,
              stop_utc: float | None) -> Iterator[Item]:
        """Page from the newest item down (``after=``) until ``stop_utc`` or the limit."""
        fetched, after = 0, None
        while fetched < self.limit:
            size = min(PAGE_SIZE, self.limit - fetched)
            params: dict[str, Any] = {**listing.params, "limit": size}
            if after:
                params["after"] = after
            data = self._get(reddit, listing, params)
            children, after, _before = _listing_children(data, listing.label)
            if not children:
                return
            # The first page's top is the listing's newest item: the anchor from now on,
            # even when it is older than a previous anchor Reddit no longer lists.
            anchor = children[0] if fetched == 0 else None
            fetched += len(children)
            fresh = [c for c in children
                     if stop_utc is None or (_created(c) or stop_utc) >= stop_utc]
            yield from self._take(reddit, listing, ctx, cursor, fresh, anchor)
            if len(fresh) < len(children) or not after:
                return

    def _take(self, reddit: praw.Reddit, listing: Listing, ctx: Context, cursor: dict,
              children: list[dict], anchor: dict | None) -> Iterator[Item]:
        """Convert a page, move the cursor (to ``anchor`` if given), then yield its items."""
        seen = cursor.get("seen")
        seen = list(seen) if isinstance(seen, list) else []
        known = set(seen)
        items: list[Item] = []
        for child in children:
            name = _name(child)
            if not name or name in known:
                continue
            known.add(name)
            seen.append(name)
            data = child.get("data") if isinstance(child, dict) else None
            if not isinstance(data, dict):
                continue
            if child.get("kind") == "t3":
                item = post_item(data, self.reddit_url, self.name)
                if item is None:
                    continue
                items.append(item)
                if listing.kind == "search" and self.comments and data.get("num_comments"):
                    items.extend(self._thread(reddit, listing, ctx, data))
            elif child.get("kind") == "t1":
                item = comment_item(data, self.reddit_url, self.name)
                if item is not None:
                    items.append(item)
        if anchor is not None and _name(anchor):
            cursor["newest"] = _name(anchor)
            created = _created(anchor)
            if created is not None:
                cursor["newest_utc"] = created
        cursor["seen"] = seen[-SEEN_KEPT:]
        # The cursor now covers these items: the runner stores both together.
        yield from items

    def _thread(self, reddit: praw.Reddit, listing: Listing, ctx: Context,
                post: dict) -> list[Item]:
        """The comments of one post found by search (a failure here only costs that post)."""
        fullname = post.get("name") or f"t3_{post.get('id')}"
        where = Listing(listing.key, f"comments/{post.get('id')}",
                        f"{listing.label}: comments of {fullname}", "thread")
        try:
            data = self._get(reddit, where, {"limit": min(self.limit, 500), "sort": "new"})
        except LISTING_FAILURES as exc:
            ctx.warn(str(exc))
            return []
        if not (isinstance(data, list) and len(data) == 2):
            ctx.warn(f"{where.label}: Reddit's answer is not a [post, comments] pair")
            return []
        return items_from_payload(data[1], self.reddit_url, self.name).items

    # -- one request ---------------------------------------------------------------------------
    def _get(self, reddit: praw.Reddit, listing: Listing, params: dict[str, Any]) -> Any:
        """GET through praw (auth, pacing, retries), with every failure classified."""
        label, host = listing.label, urlsplit(self.oauth_url).netloc
        try:
            return reddit.request(method="GET", path=listing.path, params=params)
        except prawcore.TooManyRequests as exc:
            wait = f"; Reddit asks to wait {exc.retry_after} s" if exc.retry_after else ""
            raise RedditRateLimited(f"{label}: Reddit answered 429 Too Many Requests{wait}; "
                                    "the next run resumes from here") from None
        except prawcore.Forbidden as exc:
            reason = _reason(exc.response)
            raise RedditForbidden(f"{label}: Reddit refuses access (403"
                                  f"{', ' + reason if reason else ''})") from None
        except (prawcore.InvalidToken, prawcore.InsufficientScope) as exc:
            raise RedditAuthFailed(f"{label}: Reddit rejected the access token "
                                   f"({exc.response.status_code})") from None
        except prawcore.NotFound as exc:
            reason = _reason(exc.response)
            raise RedditNotFound(f"{label}: not found (404"
                                 f"{', ' + reason if reason else ''})") from None
        except prawcore.Redirect as exc:
            if exc.path.startswith("/subreddits/search"):
                raise RedditNotFound(f"{label}: no such subreddit (Reddit redirects to its "
                                     "subreddit search)") from None
            raise RedditHttpError(f"{label}: unexpected redirect to {exc.path}") from None
        except prawcore.ServerError as exc:
            raise RedditServerError(f"{label}: Reddit answered {exc.response.status_code} "
                                    "(server error) after retries") from None
        except prawcore.BadJSON:
            raise ParseError(f"{label}: Reddit's answer is not JSON") from None
        except prawcore.ResponseException as exc:
            status = exc.response.status_code
            if status == 401 or "/api/v1/access_token" in (exc.response.url or ""):
                raise RedditAuthFailed(
                    f"Reddit refused the application credentials (HTTP {status} on the "
                    "token request): check praw_client_id and praw_client_secret") from None
            raise RedditHttpError(f"{label}: Reddit answered HTTP {status}") from None
        except prawcore.OAuthException as exc:
            raise RedditAuthFailed(f"Reddit refused the application credentials "
                                   f"({exc.error})") from None
        except prawcore.RequestException as exc:
            original = exc.original_exception
            if isinstance(original, requests.Timeout):
                raise RedditTimeout(f"{label}: no answer from {host} in time") from None
            raise RedditConnectionFailed(f"cannot reach Reddit at {host} "
                                         f"({type(original).__name__})") from None
        except RedditAPIException as exc:
            error = exc.items[0].error_type if exc.items else "error"
            raise RedditHttpError(f"{label}: Reddit rejected the request ({error})") from None
        except (prawcore.PrawcoreException, PRAWException) as exc:
            raise RedditHttpError(f"{label}: {type(exc).__name__}") from None


# -- turning Reddit's JSON into items ------------------------------------------------------------
def post_item(data: dict[str, Any], reddit_url: str = "https://www.reddit.com",
              source: str = "") -> Item | None:
    """Turn a ``t3`` thing's ``data`` into an :class:`Item`; None for removed or deleted posts.

    The id is ``reddit:<fullname>``, the URL the permalink on ``reddit_url``, the text the
    self text (or the linked URL for a link post), and the author None once the account is gone.
    """
    post_id = data.get("id")
    name = data.get("name") or (f"t3_{post_id}" if post_id else None)
    if not isinstance(name, str) or not name.startswith("t3_"):
        return None
    selftext = data.get("selftext")
    if data.get("removed_by_category") or selftext in GONE:
        return None
    is_self = data.get("is_self", not data.get("url"))
    text = selftext if isinstance(selftext, str) and selftext else ""
    if not text and not is_self and isinstance(data.get("url"), str):
        text = data["url"]
    permalink = data.get("permalink")
    if not isinstance(permalink, str) or not permalink:
        sub = data.get("subreddit")
        permalink = f"/r/{sub}/comments/{name[3:]}/" if sub else f"/comments/{name[3:]}/"
    title = data.get("title")
    return Item(
        source=source, kind="reddit", text=text, url=_link(reddit_url, permalink),
        title=title if isinstance(title, str) else None, author=_author(data),
        published_at=_when(data), id=f"reddit:{name}", score=_int(data.get("score")),
        comments=_int(data.get("num_comments")),
        extra={"subreddit": data.get("subreddit"),
               **({"link": data.get("url")} if not is_self else {})},
    )


def comment_item(data: dict[str, Any], reddit_url: str = "https://www.reddit.com",
                 source: str = "") -> Item | None:
    """Turn a ``t1`` thing's ``data`` into an :class:`Item`; None for removed or deleted ones.

    ``parent_id`` is ``reddit:<parent fullname>`` (a post or a comment); comments have no title.
    """
    comment_id = data.get("id")
    name = data.get("name") or (f"t1_{comment_id}" if comment_id else None)
    body = data.get("body")
    if not isinstance(name, str) or not name.startswith("t1_") or not isinstance(body, str):
        return None
    if body in GONE:
        return None
    permalink = data.get("permalink")
    if not isinstance(permalink, str) or not permalink:
        link_id = data.get("link_id")
        post = link_id[3:] if isinstance(link_id, str) and link_id.startswith("t3_") else None
        permalink = f"/comments/{post}/_/{name[3:]}/" if post else None
    parent = data.get("parent_id")
    return Item(
        source=source, kind="reddit", text=body,
        url=_link(reddit_url, permalink) if permalink else None, author=_author(data),
        published_at=_when(data), id=f"reddit:{name}", score=_int(data.get("score")),
        parent_id=f"reddit:{parent}" if isinstance(parent, str) and parent else None,
        extra={"subreddit": data.get("subreddit"), "link_id": data.get("link_id")},
    )


def items_from_payload(payload: Any, reddit_url: str = "https://www.reddit.com",
                       source: str = "") -> PayloadItems:
    """Every post and comment in an API answer: a ``Listing``, a ``[post, comments]`` pair,
    a comment tree with nested ``replies``, or an ``api/morechildren`` answer.

    ``more`` placeholders are left alone; removed and deleted things are counted in
    ``skipped``.
    """
    items: list[Item] = []
    skipped = 0

    def visit(node: Any) -> None:
        nonlocal skipped
        if isinstance(node, list):
            for child in node:
                visit(child)
            return
        if not isinstance(node, dict):
            return
        kind, data = node.get("kind"), node.get("data")
        if kind in ("t3", "t1") and isinstance(data, dict):
            make = post_item if kind == "t3" else comment_item
            item = make(data, reddit_url, source)
            if item is None:
                skipped += 1
            else:
                items.append(item)
            if kind == "t1":
                visit(data.get("replies"))
        elif kind == "Listing" and isinstance(data, dict):
            visit(data.get("children"))
        elif "json" in node and isinstance(node["json"], dict):
            visit((node["json"].get("data") or {}).get("things"))

    visit(payload)
    return PayloadItems(items, skipped)


def search_queries(brand: Any) -> list[str]:
    """Reddit search queries for a brand: its positive terms joined with OR, in as many
    queries as Reddit's 512-character limit needs; the brand name when it has no terms."""
    compiled = getattr(brand, "compiled", None)
    terms = list(getattr(compiled, "terms", None) or []) or [f'"{brand.name}"']
    words: list[str] = []
    for term in terms:
        # Reddit's search has no @handles or #tags: search the word itself.
        word = term if term.startswith('"') else term.lstrip("@#")
        if word and word not in words:
            words.append(word[:SEARCH_QUERY_MAX])
    queries, current = [], ""
    for word in words:
        joined = f"{current} OR {word}" if current else word
        if len(joined) > SEARCH_QUERY_MAX and current:
            queries.append(current)
            current = word
        else:
            current = joined
    if current:
        queries.append(current)
    return queries


# -- small helpers -------------------------------------------------------------------------------
def _check_endpoint(where: str, key: str, url: str, networks: list) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise RedditConfigError(f"{where}, field {key!r}: expected an https:// URL, got {url!r}")
    if parts.username or parts.password or parts.query or parts.fragment:
        raise RedditConfigError(f"{where}, field {key!r}: expected a bare address such as "
                                "https://oauth.reddit.com, without user, query or fragment")
    if parts.scheme == "http":
        host = "127.0.0.1" if parts.hostname == "localhost" else parts.hostname
        try:
            address = ipaddress.ip_address(host)
        except ValueError:
            address = None
        if address is None or not any(address in net for net in networks):
            # The client secret and the token would cross the network in clear.
            raise RedditConfigError(
                f"{where}, field {key!r}: plain http is only accepted for an address listed "
                f"in [collect] allow_networks (a local test server); use https, got {url!r}")


def _user_agent(collect: Any) -> str:
    agent = getattr(collect, "user_agent", None) or "Veille/0.1"
    contact = getattr(collect, "contact", None)
    return f"{agent} (contact: {contact})" if contact else agent


def _listing_children(data: Any, label: str) -> tuple[list[dict], str | None, str | None]:
    if not (isinstance(data, dict) and data.get("kind") == "Listing"
            and isinstance(data.get("data"), dict)):
        raise ParseError(f"{label}: Reddit's answer is not a Listing")
    body = data["data"]
    children = body.get("children")
    if not isinstance(children, list):
        raise ParseError(f"{label}: Reddit's Listing has no children list")
    children = [c for c in children if isinstance(c, dict) and c.get("kind") in ("t1", "t3")]
    after, before = body.get("after"), body.get("before")
    return (children, after if isinstance(after, str) else None,
            before if isinstance(before, str) else None)


def _name(child: dict) -> str | None:
    data = child.get("data") if isinstance(child, dict) else None
    if not isinstance(data, dict):
        return None
    name = data.get("name")
    if isinstance(name, str) and name:
        return name
    thing_id = data.get("id")
    return f"{child.get('kind')}_{thing_id}" if isinstance(thing_id, str) and thing_id else None


def _created(child: dict) -> float | None:
    data = child.get("data") if isinstance(child, dict) else None
    value = data.get("created_utc") if isinstance(data, dict) else None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


def _when(data: dict) -> datetime | None:
    value = data.get("created_utc")
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    try:
        return utc(datetime.fromtimestamp(value, UTC))
    except (OverflowError, OSError, ValueError):
        return None


def _author(data: dict) -> str | None:
    author = data.get("author")
    if not isinstance(author, str) or not author or author == "[deleted]":
        return None
    return author


def _int(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return int(value)


def _link(reddit_url: str, permalink: str) -> str:
    if permalink.startswith(("http://", "https://")):
        return canonical_url(permalink)
    return canonical_url(reddit_url.rstrip("/") + "/" + permalink.lstrip("/"))


def _reason(response: Any) -> str:
    """Reddit's short reason for a refusal ("quarantined", "private", "banned"), if given."""
    try:
        body = response.json()
    except ValueError:
        return ""
    reason = body.get("reason") if isinstance(body, dict) else None
    return str(reason)[:80] if reason else ""
