"""Mastodon statuses through instances' REST API: hashtag timelines, accounts and searches."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from functools import partial
from typing import Any
from urllib.parse import quote, urlsplit

from collectors.base import (
    Collector,
    CollectorError,
    ConfigurationMissing,
    Context,
    Item,
    ParseError,
)
from collectors.bluesky import (
    Job,
    Reader,
    gather,
    quota_exhausted,
    warn_max_pages,
    warn_quota,
)
from collectors.forum import html_to_text, parse_timestamp, search_terms
from collectors.http import HttpStatusError, Response
from config.options import Option

PAGE_SIZE = 40  # the most Mastodon gives per page
# Replies whose parent was not read in the same run: each costs one request to the instance.
MAX_PARENT_LOOKUPS = 40
ENV_PREFIX = "VEILLE_MASTODON_TOKEN"
_NEXT = re.compile(r"<([^>]+)>\s*;\s*rel=\"?next\"?")


def token_variable(instance: str) -> str:
    """The environment variable holding the token for one instance:
    ``VEILLE_MASTODON_TOKEN_MASTODON_SOCIAL`` for https://mastodon.social."""
    host = urlsplit(instance).hostname or instance
    return f"{ENV_PREFIX}_{re.sub(r'[^A-Z0-9]+', '_', host.upper()).strip('_')}"


def instance_token(instance: str) -> str | None:
    """The access token for ``instance`` from the environment: its own variable
    (:func:`token_variable`), else ``VEILLE_MASTODON_TOKEN``; None when neither is set."""
    return (os.environ.get(token_variable(instance)) or os.environ.get(ENV_PREFIX)
            or "").strip() or None


def next_link(response: Response) -> str | None:
    """The ``rel="next"`` URL of a response's ``Link`` header, or None on the last page."""
    match = _NEXT.search(" ".join(response.headers.get_list("link")))
    return match.group(1) if match else None


def _id_key(value: Any) -> tuple[int, str]:
    """Sort key of a status id: Mastodon's are numbers in strings, other servers' may not be."""
    text = str(value or "")
    return (len(text), text) if text.isdigit() else (0, text)


def status_item(status: Any, instance: str = "") -> Item | None:
    """Turn one Mastodon status into an Item of ``kind="mastodon"``, or None when it is not one.

    The id is the status ``uri`` (its ActivityPub identity), so a post read on several
    instances is stored once. Text is the HTML content as plain text (a content warning
    becomes the title); the author is the full ``user@host``; boosts are skipped (the booster
    did not write them). Media descriptions, the link card, tags, mentions, a quoted post and
    the instance it was read on go in ``extra``.
    """
    if not isinstance(status, dict) or status.get("reblog") or not isinstance(
            status.get("uri"), str):
        return None
    content = status.get("content") if isinstance(status.get("content"), str) else ""
    text = html_to_text(content) if content else ""
    extra: dict[str, Any] = {"instance": instance or None}
    media = [m.get("description") for m in status.get("media_attachments") or []
             if isinstance(m, dict) and isinstance(m.get("description"), str)
             and m["description"].strip()]
    if media:
        extra["image_alt"] = media
    card = status.get("card") if isinstance(status.get("card"), dict) else {}
    if isinstance(card.get("url"), str):
        extra["link"], extra["link_title"] = card["url"], card.get("title") or None
    extra["tags"] = [t["name"] for t in status.get("tags") or []
                     if isinstance(t, dict) and isinstance(t.get("name"), str)]
    extra["mentions"] = [m["acct"] for m in status.get("mentions") or []
                         if isinstance(m, dict) and isinstance(m.get("acct"), str)]
    quoted = status.get("quote") if isinstance(status.get("quote"), dict) else {}
    quoted = quoted.get("quoted_status") if isinstance(quoted.get("quoted_status"), dict) \
        else {}
    if isinstance(quoted.get("uri"), str):
        extra["quote_uri"] = quoted["uri"]
        extra["quote_text"] = html_to_text(quoted.get("content") or "") or None
    if status.get("in_reply_to_id"):
        extra["in_reply_to_id"] = str(status["in_reply_to_id"])
    if not text:
        text = " ".join(media) or extra.get("link") or ""
    if not text:
        return None
    account = status.get("account") if isinstance(status.get("account"), dict) else {}
    acct = account.get("acct") if isinstance(account.get("acct"), str) else None
    # The author's audience (reach): Mastodon gives it with every status.
    extra["followers"] = _count(account.get("followers_count"))
    if acct and "@" not in acct:
        # A local account's acct has no host: add the one its profile lives on.
        host = urlsplit(account.get("url") or instance).hostname
        acct = f"{acct}@{host}" if host else acct
    lang = status.get("language") if isinstance(status.get("language"), str) else None
    spoiler = status.get("spoiler_text")
    created = status.get("created_at")
    return Item(
        source="", kind="mastodon", text=text,
        url=status.get("url") if isinstance(status.get("url"), str) else status["uri"],
        title=spoiler.strip() if isinstance(spoiler, str) and spoiler.strip() else None,
        author=acct, published_at=parse_timestamp(created) if isinstance(created, str) else None,
        id=status["uri"], lang=lang.split("-")[0].lower() if lang else None,
        score=_count(status.get("favourites_count")),
        comments=_count(status.get("replies_count")),
        extra={k: v for k, v in extra.items() if v not in (None, "", [])},
    )


def _count(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


class _Parents:
    """Links each reply to its parent's stored item.

    A status names its parent by the id the instance gave it (``in_reply_to_id``), which is
    that instance's own; stored items are known by their ``uri``. The parent's uri comes from
    the statuses read this run on the same instance (replies are newer, so they often come
    first: every job's statuses are remembered before any is turned into an item), else from
    one request to the instance (at most ``MAX_PARENT_LOOKUPS`` per instance and run). A brand
    answering on Mastodon is then seen answering: the post leaves "waiting for an answer". A
    reply whose parent stays unknown (deleted, private, past the lookups) gets a parent id of
    its own making: it is still a reply, never a question of its own.
    """

    def __init__(self, collector: MastodonCollector, ctx: Context):
        self._collector, self._ctx = collector, ctx
        self._uris: dict[tuple[str, str], str | None] = {}
        self._asked: dict[str, int] = {}

    def reading(self, instance: str, read: Reader) -> Reader:
        """``read``, remembering the uri of every status it returns."""
        def remembered(since: Any) -> tuple[list[dict], Any]:
            statuses, cursor = read(since)
            for one in statuses:
                if one.get("id") and isinstance(one.get("uri"), str):
                    self._uris[(instance, str(one["id"]))] = one["uri"]
            return statuses, cursor
        return remembered

    def status_item(self, instance: str, status: Any) -> Item | None:
        """:func:`status_item`, with ``parent_id`` the parent's uri when it can be known."""
        item = status_item(status, instance)
        local = item.extra.get("in_reply_to_id") if item else None
        if local:
            # An unknown parent still makes it a reply, not a post opening a conversation.
            item.parent_id = self._uri(instance, local) or f"mastodon:{instance}:{local}"
        return item

    def _uri(self, instance: str, local: str) -> str | None:
        key = (instance, local)
        if key in self._uris:
            return self._uris[key]
        asked = self._asked.get(instance, 0)
        if asked >= MAX_PARENT_LOOKUPS:
            if asked == MAX_PARENT_LOOKUPS:
                self._ctx.warn(f"{instance}: more than {MAX_PARENT_LOOKUPS} replies to posts "
                               f"not read this run; the others are stored without their parent")
                self._asked[instance] = asked + 1
            return None
        self._asked[instance] = asked + 1
        url = f"{instance}/api/v1/statuses/{quote(local, safe='')}"
        try:
            found = self._collector._get(self._ctx, url).json()
        except HttpStatusError as exc:
            if exc.status not in (401, 403, 404, 410):
                return self._give_up(instance, exc)
            found = None  # deleted or private: the reply stands alone
        except CollectorError as exc:
            return self._give_up(instance, exc)
        uri = found.get("uri") if isinstance(found, dict) else None
        self._uris[key] = uri if isinstance(uri, str) else None
        return self._uris[key]

    def _give_up(self, instance: str, exc: CollectorError) -> None:
        """Stop asking ``instance`` for parents this run: the statuses themselves matter more."""
        self._ctx.warn(f"{instance}: could not look up the post a reply answers "
                       f"({exc.category}: {exc}); this run's other replies there are stored "
                       f"without their parent")
        self._asked[instance] = MAX_PARENT_LOOKUPS + 1


def statuses_of(data: Any, key: str | None = None) -> list[dict]:
    """The statuses of a timeline answer (a list) or of a search answer (``key="statuses"``);
    :class:`ParseError` when the answer is neither."""
    if key and isinstance(data, dict):
        data = data.get(key)
    if not isinstance(data, list):
        found = ", ".join(list(data)[:6]) if isinstance(data, dict) else type(data).__name__
        raise ParseError(f"not a Mastodon list of statuses (found {found})")
    return [s for s in data if isinstance(s, dict)]


class MastodonCollector(Collector):
    """Statuses under hashtags, by accounts and matching searches, on Mastodon instances."""

    kind = "mastodon"
    description = "Mastodon statuses via instances' REST API: tag timelines, accounts, search."
    options = {
        "instances": Option("list", ["https://mastodon.social"],
                            help="Instances to ask (each sees the fediverse it knows)."),
        "hashtags": Option("list", [], help="Hashtags (without #) whose timelines to read."),
        "accounts": Option("list", [], help="Accounts (user@host) whose statuses to read."),
        "search": Option("list", [], help="Searches (/api/v2/search); need a token per instance "
                                          f"in {ENV_PREFIX}_<HOST> or {ENV_PREFIX}."),
        "max_pages": Option("int", 5, help=f"Pages of {PAGE_SIZE} statuses read per hashtag, "
                                           "account or search and run."),
    }

    def collect(self, ctx: Context) -> Iterator[Item]:
        """Yield the statuses new since the last run, instance by instance; each timeline
        remembers the newest status id it saw and asks only for newer ones (``since_id``)."""
        hashtags = [h.strip().lstrip("#") for h in self.settings.get("hashtags") or []
                    if h.strip()]
        accounts = [a.strip().lstrip("@") for a in self.settings.get("accounts") or []
                    if a.strip()]
        searches = [s.strip() for s in self.settings.get("search") or [] if s.strip()]
        if not (hashtags or accounts or searches):
            searches = search_terms(ctx.brands)
        instances = [i.strip().rstrip("/") for i in self.settings.get("instances") or []
                     if i.strip()]
        if not instances or not (hashtags or accounts or searches):
            raise ConfigurationMissing("nothing to read: set 'instances' and 'hashtags', "
                                       "'accounts' or 'search'")
        parents = _Parents(self, ctx)
        jobs: list[Job] = []
        for instance in instances:
            token = instance_token(instance)
            if searches and not token:
                ctx.warn(f"{instance}: searches skipped without an access token (set "
                         f"{token_variable(instance)} or {ENV_PREFIX})")
            todo = [("tag", h) for h in hashtags] + [("account", a) for a in accounts]
            todo += [("search", q) for q in searches] if token else []
            jobs += [Job(f"{instance} {what} {name!r}", ctx.state.setdefault(instance, {}),
                         f"{what}:{name}",
                         parents.reading(instance, self._reader(ctx, instance, what, name,
                                                                token)),
                         partial(parents.status_item, instance)) for what, name in todo]
        if not jobs:
            first = instances[0]
            raise ConfigurationMissing(f"searching {first} needs an access token: set "
                                       f"{token_variable(first)} or {ENV_PREFIX}")
        yield from gather(self.name, ctx, jobs)

    def _reader(self, ctx: Context, instance: str, what: str, name: str,
                token: str | None) -> Reader:
        max_pages = max(1, int(self.settings.get("max_pages") or 5))
        label = f"{instance} {what} {name!r}"
        return lambda since: self._read(ctx, instance, what, name, token, max_pages, since,
                                        label)

    def _first_url(self, ctx: Context, instance: str, what: str, name: str,
                   token: str | None) -> tuple[str, dict, str | None]:
        """The first page's URL, its parameters and the key of the statuses in the answer."""
        api = f"{instance}/api"
        if what == "tag":
            return f"{api}/v1/timelines/tag/{quote(name, safe='')}", {}, None
        if what == "search":
            # The token goes as a bearer header (see _get), never in the URL, which is logged.
            return f"{api}/v2/search", {"q": name, "type": "statuses", "resolve": "false"}, \
                "statuses"
        account = self._get(ctx, f"{api}/v1/accounts/lookup", {"acct": name}).json()
        if not isinstance(account, dict) or not account.get("id"):
            raise ParseError(f"{instance} gave no account id for {name!r}")
        return (f"{api}/v1/accounts/{quote(str(account['id']), safe='')}/statuses",
                {"exclude_reblogs": "true"}, None)

    def _get(self, ctx: Context, url: str, params: dict | None = None,
             token: str | None = None) -> Response:
        headers = {"Authorization": f"Bearer {token}"} if token else None
        return ctx.http.get(url, params=params, accept="application/json", headers=headers)

    def _read(self, ctx: Context, instance: str, what: str, name: str, token: str | None,
              max_pages: int, since: str | None, label: str) -> tuple[list[dict], str | None]:
        """Read newest-first pages (following ``Link: rel=next``) down to ``since``."""
        url, params, key = self._first_url(ctx, instance, what, name, token)
        # Search takes min_id where timelines take since_id (both: only statuses newer than it).
        after = "min_id" if key == "statuses" else "since_id"
        params = {**params, "limit": PAGE_SIZE, **({after: since} if since else {})}
        newest, statuses = since, []
        for page in range(max_pages):
            try:
                response = self._get(ctx, url, params, token if key == "statuses" else None)
                batch = statuses_of(response.json(), key)
            except CollectorError as exc:
                if page == 0:
                    raise
                ctx.warn(f"{label}, page {page + 1}: {exc.category}: {exc}")
                return statuses, since  # older pages are asked again next run
            # The next link drops since_id: the statuses already seen end the reading.
            fresh = [s for s in batch if not since or _id_key(s.get("id")) > _id_key(since)]
            statuses += fresh
            newest = max([newest, *(str(s["id"]) for s in fresh if s.get("id"))],
                         key=_id_key, default=None) if fresh else newest
            # Searches have no Link header: one page of the newest matches per run.
            url, params = next_link(response), None
            if not url or len(fresh) < len(batch) or not batch:
                break
            wait = quota_exhausted(response)
            if wait is not None:
                warn_quota(ctx, label, wait)
                return statuses, since  # since_id stays: next run reads down to it again
        else:
            warn_max_pages(ctx, label, max_pages)
        return statuses, newest

