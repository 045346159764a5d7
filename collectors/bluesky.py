"""Bluesky posts through an AppView's XRPC API: searches, accounts' feeds and reply threads."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from collectors.base import (
    Collector,
    CollectorError,
    ConfigurationMissing,
    Context,
    Item,
    ParseError,
)
from collectors.forum import parse_timestamp, search_terms
from collectors.http import HttpStatusError, RateLimited, Response
from config.options import Option

PUBLIC_APPVIEW = "https://public.api.bsky.app"
SIGN_IN_SERVICE = "https://bsky.social"
HANDLE_VARIABLE = "VEILLE_BLUESKY_HANDLE"
PASSWORD_VARIABLE = "VEILLE_BLUESKY_APP_PASSWORD"  # noqa: S105 - a variable name, not a secret
WEB_POST_URL = "https://bsky.app/profile/{}/post/{}"
PAGE_SIZE = 100
QUOTE_TYPES = ("app.bsky.embed.record#view", "app.bsky.embed.recordWithMedia#view")


def quota_exhausted(response: Response) -> float | None:
    """Seconds until the quota resets when a response says none is left, else None.

    Reads ``RateLimit-Remaining``/``RateLimit-Reset`` (Bluesky) and their ``x-ratelimit-``
    forms (Mastodon); the reset is a Unix time or an ISO date. Stopping on these before the
    server answers 429 keeps the next run's requests within the service's quota.
    """
    headers = response.headers
    remaining = headers.get("ratelimit-remaining") or headers.get("x-ratelimit-remaining")
    if remaining is None or not remaining.strip().isdigit() or int(remaining) > 0:
        return None
    reset = (headers.get("ratelimit-reset") or headers.get("x-ratelimit-reset") or "").strip()
    if reset.isdigit():
        return max(0.0, int(reset) - time.time())
    when = parse_timestamp(reset) if reset else None
    return max(0.0, when.timestamp() - time.time()) if when else 0.0


def warn_quota(ctx: Context, label: str, wait: float) -> None:
    """Say that paging stopped on a used-up quota (the caller keeps its old cursor)."""
    ctx.warn(f"{label}: the service's request quota is used up (resets in {wait:.0f} s); "
             "older pages are read next run")


def warn_max_pages(ctx: Context, label: str, max_pages: int) -> None:
    """Say that more than ``max_pages`` pages were new, so the oldest were skipped."""
    ctx.warn(f"{label}: more than {max_pages} pages of new posts; the older ones are skipped "
             "(raise max_pages or run more often)")


def fetch_json(ctx: Context, url: str, params: dict[str, Any] | None = None,
               session: Session | None = None) -> tuple[Any, float | None]:
    """GET ``url`` as JSON through the shared fetcher (signed in when a ``session`` is given):
    the parsed body and :func:`quota_exhausted`'s answer for it."""
    if session is not None:
        response = session.get(url, params)
    else:
        response = ctx.http.get(url, params=params, accept="application/json")
    return response.json(), quota_exhausted(response)


class SignInFailed(CollectorError):
    """The service refused the handle and app password (or the session could not be renewed)."""

    category = "auth_failed"


def credentials() -> tuple[str, str] | None:
    """The handle and app password from the environment (:data:`HANDLE_VARIABLE`,
    :data:`PASSWORD_VARIABLE`), or None unless both are set."""
    handle = (os.environ.get(HANDLE_VARIABLE) or "").strip().lstrip("@")
    password = (os.environ.get(PASSWORD_VARIABLE) or "").strip()
    return (handle, password) if handle and password else None


def _expired(exc: HttpStatusError) -> bool:
    """Whether an error answer says the access token is no longer good (XRPC answers 400
    ``ExpiredToken``, or 401)."""
    body = exc.json()
    error = body.get("error") if isinstance(body, dict) else None
    return exc.status == 401 or (exc.status == 400 and error in ("ExpiredToken",
                                                                 "InvalidToken"))


class Session:
    """A signed-in XRPC session on a Bluesky service (a PDS such as bsky.social), opened with
    an app password through ``com.atproto.server.createSession`` on first use.

    Requests carry ``Authorization: Bearer <accessJwt>``; when the service says the token has
    expired, it is renewed once with ``refreshSession`` (or by signing in again) and the
    request repeated. The password and tokens are only ever sent in request bodies and
    headers, never in a URL or a message.
    """

    def __init__(self, ctx: Context, service: str, handle: str, password: str):
        self._ctx = ctx
        self._xrpc = service.rstrip("/") + "/xrpc"
        self._handle = handle
        self._password = password
        self._access: str | None = None
        self._refresh: str | None = None
        self.sign_ins = 0

    def get(self, url: str, params: dict[str, Any] | None = None) -> Response:
        """GET ``url`` signed in; renew the session once when its token has expired."""
        if self._access is None:
            self._sign_in()
        try:
            return self._get(url, params)
        except HttpStatusError as exc:
            if not _expired(exc):
                raise
        self._renew()
        return self._get(url, params)

    def _get(self, url: str, params: dict[str, Any] | None) -> Response:
        return self._ctx.http.get(url, params=params, accept="application/json",
                                  headers={"Authorization": f"Bearer {self._access}"})

    def _sign_in(self) -> None:
        self.sign_ins += 1
        try:
            response = self._ctx.http.post(
                f"{self._xrpc}/com.atproto.server.createSession",
                json_body={"identifier": self._handle, "password": self._password})
        except HttpStatusError as exc:
            if exc.status in (400, 401):
                body = exc.json()
                said = body.get("message") if isinstance(body, dict) else None
                raise SignInFailed(f"Bluesky refused the sign-in of {self._handle!r} (HTTP "
                                   f"{exc.status}{': ' + str(said)[:200] if said else ''}); "
                                   f"check {HANDLE_VARIABLE} and {PASSWORD_VARIABLE}") from None
            raise
        self._keep(response)

    def _renew(self) -> None:
        if self._refresh:
            try:
                response = self._ctx.http.post(
                    f"{self._xrpc}/com.atproto.server.refreshSession",
                    headers={"Authorization": f"Bearer {self._refresh}"})
                self._keep(response)
                return
            except HttpStatusError as exc:
                if exc.status not in (400, 401):
                    raise
        self._sign_in()  # the refresh token too has expired: sign in afresh

    def _keep(self, response: Response) -> None:
        data = response.json()
        access = data.get("accessJwt") if isinstance(data, dict) else None
        if not isinstance(access, str) or not access:
            raise SignInFailed(f"{self._xrpc} gave no access token to {self._handle!r}")
        self._access = access
        refresh = data.get("refreshJwt")
        self._refresh = refresh if isinstance(refresh, str) and refresh else None


def _text(record: dict) -> str:
    """The post's text with each link facet's shortened label replaced by its full URI.

    Facet indexes count UTF-8 bytes, so the replacement works on the encoded text.
    """
    text = record.get("text") if isinstance(record.get("text"), str) else ""
    raw = text.encode("utf-8")
    spans = []
    for facet in record.get("facets") or []:
        if not isinstance(facet, dict) or not isinstance(facet.get("index"), dict):
            continue
        start, end = facet["index"].get("byteStart"), facet["index"].get("byteEnd")
        uris = [f.get("uri") for f in facet.get("features") or [] if isinstance(f, dict)
                and f.get("$type") == "app.bsky.richtext.facet#link"
                and isinstance(f.get("uri"), str)]
        if uris and isinstance(start, int) and isinstance(end, int) and 0 <= start < end \
                <= len(raw):
            spans.append((start, end, uris[0]))
    for start, end, uri in sorted(spans, reverse=True):
        label = raw[start:end].decode("utf-8", "replace").rstrip(".…")
        # Only a shortened label is replaced: a link written out in full, or a word made a
        # link, stays as the author wrote it.
        if uri.split("://", 1)[-1].startswith(label.split("://", 1)[-1]) and label != uri:
            raw = raw[:start] + uri.encode("utf-8") + raw[end:]
    return raw.decode("utf-8", "replace")


def _facets(record: dict) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {"links": [], "tags": [], "mentions": []}
    for facet in record.get("facets") or []:
        for feature in (facet.get("features") or []) if isinstance(facet, dict) else []:
            if not isinstance(feature, dict):
                continue
            kind = str(feature.get("$type", "")).rsplit("#", 1)[-1]
            value = {"link": feature.get("uri"), "tag": feature.get("tag"),
                     "mention": feature.get("did")}.get(kind)
            if isinstance(value, str) and value not in found[kind + "s"]:
                found[kind + "s"].append(value)
    # Tags the post carries outside its text ("tags" on the record) count as its tags too.
    found["tags"] += [t for t in record.get("tags") or [] if isinstance(t, str)
                      and t not in found["tags"]]
    return {k: v for k, v in found.items() if v}


def _embed(embed: Any) -> dict[str, Any]:
    """What a reader sees of an embed view: link card, image descriptions, quoted post."""
    if not isinstance(embed, dict):
        return {}
    kind = str(embed.get("$type", ""))
    out: dict[str, Any] = {"embed": kind.removeprefix("app.bsky.embed.").removesuffix("#view")}
    media = embed.get("media") if isinstance(embed.get("media"), dict) else embed
    external = media.get("external")
    if isinstance(external, dict) and isinstance(external.get("uri"), str):
        out["link"] = external["uri"]
        out["link_title"] = external.get("title") or None
    alts = [i.get("alt") for i in media.get("images") or [] if isinstance(i, dict)
            and isinstance(i.get("alt"), str) and i.get("alt").strip()]
    if alts:
        out["image_alt"] = alts
    if kind in QUOTE_TYPES:
        record = embed.get("record")
        # recordWithMedia nests the quoted record's view one level deeper.
        if isinstance(record, dict) and isinstance(record.get("record"), dict) \
                and kind.endswith("recordWithMedia#view"):
            record = record["record"]
        if isinstance(record, dict) and isinstance(record.get("uri"), str):
            out["quote_uri"] = record["uri"]
            value = record.get("value")
            if isinstance(value, dict) and isinstance(value.get("text"), str):
                out["quote_text"] = value["text"]
    return {k: v for k, v in out.items() if v not in (None, "", [])}


def post_url(uri: str, handle: str | None, did: str | None) -> str | None:
    """The bsky.app web address of an ``at://`` post URI (by handle, else by DID)."""
    parts = uri.removeprefix("at://").split("/")
    if len(parts) != 3 or parts[1] != "app.bsky.feed.post" or not parts[2]:
        return None
    who = handle if handle and handle != "handle.invalid" else (did or parts[0])
    return WEB_POST_URL.format(who, parts[2])


def post_item(post: Any) -> Item | None:
    """Turn one ``postView`` into an Item of ``kind="bluesky"``, or None when it is not a post.

    The text has link facets expanded; ``lang`` is the first declared language (the runner
    detects one when absent); the id is ``bluesky:<at-uri>``, so a post met in a search, a
    feed and a thread is stored once. Links, tags, mentions, the embed (link card, image
    descriptions, quoted post) and all declared languages go in ``extra``.
    """
    if not isinstance(post, dict) or not isinstance(post.get("uri"), str):
        return None
    record = post.get("record")
    # Some clients write "app.bsky.feed.post#main"; the record is a post all the same.
    if not isinstance(record, dict) or not str(record.get("$type", "app.bsky.feed.post")) \
            .startswith("app.bsky.feed.post"):
        return None
    author = post.get("author") if isinstance(post.get("author"), dict) else {}
    handle, did = author.get("handle"), author.get("did")
    text = _text(record)
    extra: dict[str, Any] = {**_facets(record), **_embed(post.get("embed"))}
    if not text:
        text = extra.get("quote_text") or extra.get("link") or " ".join(extra.get("image_alt",
                                                                                 []))
    if not text:
        return None
    langs = [lang for lang in record.get("langs") or [] if isinstance(lang, str) and lang]
    if langs:
        extra["langs"] = langs
    if author.get("displayName"):
        extra["display_name"] = author["displayName"]
    reply = record.get("reply") if isinstance(record.get("reply"), dict) else {}
    parent = reply.get("parent") if isinstance(reply.get("parent"), dict) else {}
    published = _when(record.get("createdAt"))
    # A bogus client clock (year 0, or the far future) is worth less than the AppView's time.
    indexed = _when(post.get("indexedAt"))
    if published is None or published.year < 2000 or (indexed and published > indexed
                                                       and published.year > indexed.year):
        published = indexed
    return Item(
        source="", kind="bluesky", text=text, url=post_url(post["uri"], handle, did),
        author=handle if handle and handle != "handle.invalid" else did,
        published_at=published, id=f"bluesky:{post['uri']}",
        lang=langs[0].split("-")[0].lower() if langs else None,
        score=_count(post.get("likeCount")), comments=_count(post.get("replyCount")),
        parent_id=f"bluesky:{parent['uri']}" if isinstance(parent.get("uri"), str) else None,
        extra=extra,
    )


def _count(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _when(value: Any) -> datetime | None:
    return parse_timestamp(value) if isinstance(value, str) and value else None


def thread_posts(thread: Any) -> Iterator[dict]:
    """Every ``postView`` of a ``getPostThread`` answer's thread, the post first, then its
    replies depth first (blocked and missing posts skipped)."""
    stack = [thread]
    while stack:
        node = stack.pop()
        if not isinstance(node, dict) or not isinstance(node.get("post"), dict):
            continue
        yield node["post"]
        stack.extend(reversed([r for r in node.get("replies") or [] if isinstance(r, dict)]))


def page_posts(data: Any, key: str) -> tuple[list[dict], str | None]:
    """The posts of one ``searchPosts`` (``key="posts"``) or ``getAuthorFeed`` (``"feed"``)
    answer and its next ``cursor``; reposts and pinned posts of a feed are left out (the
    account did not write them now). :class:`ParseError` when the answer is not one."""
    if not isinstance(data, dict) or not isinstance(data.get(key), list):
        found = ", ".join(list(data)[:6]) if isinstance(data, dict) else type(data).__name__
        raise ParseError(f"not a Bluesky {key} answer (no '{key}' list; found {found})")
    posts = []
    for entry in data[key]:
        if key == "feed":
            if not isinstance(entry, dict) or isinstance(entry.get("reason"), dict):
                continue
            entry = entry.get("post")
        if isinstance(entry, dict):
            posts.append(entry)
    cursor = data.get("cursor")
    return posts, cursor if isinstance(cursor, str) and cursor else None


Reader = Callable[[Any], tuple[list[dict], Any]]


@dataclass
class Job:
    """One thing a source reads per run (a search, a feed, a tag on one instance…).

    ``read`` takes the cursor ``state[key]`` kept from the last run and returns the records it
    read and the cursor to keep; ``convert`` turns a record into an Item (or None).
    """

    label: str
    state: dict
    key: str
    read: Reader
    convert: Callable[[dict], Item | None]


def gather(source: str, ctx: Context, jobs: list[Job]) -> Iterator[Item]:
    """Run ``jobs`` in turn and yield their items, each platform id once.

    A job that fails is warned about and the others go on (their data is not lost to it); a
    rate limit stops the run, since every later request would meet it too; when every job
    failed, the first failure is raised so the source shows it. Each job's cursor is stored
    before its items are yielded (see :class:`collectors.base.Context`).
    """
    failures: list[CollectorError] = []
    seen: set[str] = set()
    for job in jobs:
        try:
            records, cursor = job.read(job.state.get(job.key))
        except CollectorError as exc:
            if exc.category == "rate_limited":
                raise
            failures.append(exc)
            ctx.warn(f"{job.label}: {exc.category}: {exc}")
            continue
        job.state[job.key] = cursor
        for record in records:
            item = job.convert(record)
            if item is not None and item.id not in seen:
                seen.add(item.id)
                item.source = source
                yield item
    if failures and len(failures) == len(jobs):
        raise failures[0]


class BlueskyCollector(Collector):
    """Posts matching searches (or the brands), and posts by chosen accounts, on Bluesky."""

    kind = "bluesky"
    description = "Bluesky posts via an AppView: searchPosts, getAuthorFeed, getPostThread."
    options = {
        "search": Option("list", [], help="Searches to run; default: one per brand term."),
        "accounts": Option("list", [], help="Handles (or DIDs) whose posts and replies to read."),
        "replies": Option("bool", False, help="Also read the reply thread of each new post that "
                                              "has replies (one getPostThread each)."),
        "api_url": Option("str", PUBLIC_APPVIEW, help="The AppView's base URL (read without "
                                                      "signing in)."),
        "service_url": Option("str", SIGN_IN_SERVICE, help=(
            f"Where to sign in when {HANDLE_VARIABLE} and {PASSWORD_VARIABLE} are set; "
            "signed-in reads go there too (the service forwards them to its AppView).")),
        "max_pages": Option("int", 5, help=f"Pages of {PAGE_SIZE} posts read per search or "
                                           "account and run."),
    }

    def collect(self, ctx: Context) -> Iterator[Item]:
        """Yield the posts that are new since the last run, search by search, then account by
        account; each remembers the newest ``indexedAt`` it saw (and the posts seen at it)."""
        searches = [s.strip() for s in self.settings.get("search") or [] if s.strip()]
        accounts = [a.strip().lstrip("@") for a in self.settings.get("accounts") or []
                    if a.strip()]
        if not searches and not accounts:
            searches = search_terms(ctx.brands)
        if not searches and not accounts:
            raise ConfigurationMissing("nothing to read: set 'search' or 'accounts', or define "
                                       "[[brands]]")
        api = (self.settings.get("api_url") or PUBLIC_APPVIEW).rstrip("/") + "/xrpc"
        session = None
        signed = credentials()
        if signed:
            service = self.settings.get("service_url") or SIGN_IN_SERVICE
            session = Session(ctx, service, *signed)
            api = service.rstrip("/") + "/xrpc"
        max_pages = max(1, int(self.settings.get("max_pages") or 5))
        jobs = [("search", q, f"{api}/app.bsky.feed.searchPosts",
                 {"q": q, "sort": "latest"}, "posts") for q in searches]
        jobs += [("account", a, f"{api}/app.bsky.feed.getAuthorFeed",
                  {"actor": a, "filter": "posts_with_replies"}, "feed") for a in accounts]
        replies = bool(self.settings.get("replies"))

        def reader(url: str, params: dict, key: str, label: str) -> Reader:
            def read(entry: Any) -> tuple[list[dict], Any]:
                posts, entry = self._read(ctx, url, params, key, max_pages, entry or {}, label,
                                          session)
                return posts + (self._replies(ctx, api, posts, session) if replies else []), \
                    entry
            return read

        yield from gather(self.name, ctx, [
            Job(f"{what} {name!r}", ctx.state.setdefault(what, {}), name,
                reader(url, params, key, f"{what} {name!r}"), post_item)
            for what, name, url, params, key in jobs])

    def _read(self, ctx: Context, url: str, params: dict, key: str, max_pages: int,
              entry: dict, label: str, session: Session | None = None
              ) -> tuple[list[dict], dict]:
        """Read newest-first pages until the posts get older than the last run's newest."""
        since = entry.get("since")
        seen_at_since = set(entry.get("ids") or [])
        newest, newest_ids = since, set(seen_at_since)
        posts: list[dict] = []
        cursor = None
        for page in range(max_pages):
            asked = {**params, "limit": PAGE_SIZE, **({"cursor": cursor} if cursor else {})}
            try:
                data, wait = fetch_json(ctx, url, asked, session)
                batch, cursor = page_posts(data, key)
            except CollectorError as exc:
                if page == 0:
                    raise
                # Older pages are asked again next run: the cursor stays where it was.
                ctx.warn(f"{label}, page {page + 1}: {exc.category}: {exc}")
                return posts, entry
            reached_old = False
            for post in batch:
                stamp = post.get("indexedAt") if isinstance(post.get("indexedAt"), str) else None
                uri = post.get("uri")
                if since and stamp and (stamp < since or (stamp == since
                                                          and uri in seen_at_since)):
                    reached_old = True
                    continue
                if stamp and (newest is None or stamp > newest):
                    newest, newest_ids = stamp, {uri}
                elif stamp and stamp == newest:
                    newest_ids.add(uri)
                posts.append(post)
            if not cursor or not batch or reached_old:
                break
            if wait is not None:
                warn_quota(ctx, label, wait)
                return posts, entry  # the cursor stays: next run reads down to it again
        else:
            warn_max_pages(ctx, label, max_pages)
        return posts, {"since": newest, "ids": sorted(i for i in newest_ids if i)}

    def _replies(self, ctx: Context, api: str, posts: list[dict],
                 session: Session | None = None) -> list[dict]:
        """The replies of each post that has some, one ``getPostThread`` per post."""
        found: list[dict] = []
        for post in list(posts):
            if not (_count(post.get("replyCount")) or 0):
                continue
            try:
                data, _ = fetch_json(ctx, f"{api}/app.bsky.feed.getPostThread",
                                     {"uri": post["uri"], "depth": 10, "parentHeight": 0},
                                     session)
            except RateLimited:
                raise
            except CollectorError as exc:
                ctx.warn(f"thread {post['uri']}: {exc.category}: {exc}")
                continue
            thread = data.get("thread") if isinstance(data, dict) else None
            found += [p for p in thread_posts(thread) if p.get("uri") != post.get("uri")]
        return found
