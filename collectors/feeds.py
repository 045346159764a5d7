"""The ``feeds`` source kind: RSS 0.9x/1.0/2.0, Atom and JSON Feed, or a page linking to one."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import parse_qs, urljoin, urlsplit

import feedparser
import lxml.html
from lxml import etree

from collectors.base import (
    Collector,
    CollectorError,
    Context,
    Item,
    ParseError,
    utc,
    without_secrets,
)
from collectors.http import (
    Fetcher,
    FetchError,
    HttpStatusError,
    NotAFeed,
    Response,
    detect_encoding,
    safe_url,
)
from collectors.urls import canonical_url, state_key, url_secrets
from config.options import Option
from config.watch import CollectSettings

FEED_ACCEPT = ("application/rss+xml, application/atom+xml, application/feed+json, "
               "application/rdf+xml;q=0.9, application/xml;q=0.9, text/xml;q=0.9, "
               "application/json;q=0.8, text/html;q=0.5, */*;q=0.3")
FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/feed+json",
              "application/rdf+xml", "application/rss+json", "application/json+feed")
SEEN_MIN = 500  # entry keys remembered per feed (more when max_entries asks for more)
FULL_TEXT_CHUNK = 25  # articles fetched between two yields, so progress is saved as we go
FEED_WORKERS = 8

_BLOCK_TAGS = frozenset({
    "address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "figcaption",
    "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "ol",
    "p", "pre", "section", "table", "td", "th", "tr", "ul"})
_DROP_TAGS = ("script", "style", "noscript", "template", "iframe", "object")


@dataclass
class ParsedFeed:
    """A feed read from bytes: its format, title, link and its entries as Items."""

    format: str
    title: str | None = None
    link: str | None = None
    items: list[Item] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


# --- text helpers ----------------------------------------------------------------------------


def html_to_text(html: str | None) -> str:
    """Plain text of an HTML fragment: scripts dropped, one line per block, spaces collapsed."""
    if not html:
        return ""
    if "<" not in html and "&" not in html:
        return _tidy(html)
    try:
        root = lxml.html.fragment_fromstring(html, create_parent="div")
    except ValueError:  # lxml refuses str input that carries an encoding declaration
        root = lxml.html.fragment_fromstring(html.encode("utf-8"), create_parent="div")
    except etree.ParserError:
        return _tidy(html)
    for bad in root.iter(*_DROP_TAGS):
        bad.drop_tree() if bad.getparent() is not None else None
    for element in root.iter():
        if isinstance(element.tag, str) and element.tag.lower() in _BLOCK_TAGS:
            element.text = "\n" + (element.text or "")
            element.tail = "\n" + (element.tail or "")
    return _tidy(root.text_content())


def _tidy(text: str) -> str:
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def unwrap_link(url: str) -> str:
    """The real target of a Google redirect link (Google Alerts: ``google.com/url?url=…``)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    host = (parts.hostname or "").lower()
    is_google = host == "google.com" or re.fullmatch(r"(www\.)?google\.[a-z.]{2,8}", host)
    if is_google and parts.path == "/url":
        query = parse_qs(parts.query)
        for key in ("url", "q"):
            target = (query.get(key) or [""])[0]
            if target.lower().startswith(("http://", "https://")):
                return target
    return url


def _web_link(link: Any, base: str) -> str | None:
    """``link`` made absolute, unwrapped and canonical; None unless it is an http(s) URL."""
    if not isinstance(link, str) or not link.strip():
        return None
    try:
        absolute = urljoin(base, link.strip())
    except ValueError:
        return None
    absolute = unwrap_link(absolute)
    if urlsplit(absolute).scheme.lower() not in ("http", "https"):
        return None
    return canonical_url(absolute)


def _parse_date(value: Any) -> datetime | None:
    """A feed date (RFC 3339, RFC 822 or something close) as naive UTC, or None."""
    if not isinstance(value, str) or not value.strip():
        return None
    value = value.strip()
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        try:
            parsed = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            from dateutil import parser as dateparser

            try:
                parsed = dateparser.parse(value)
            except (ValueError, OverflowError):
                return None
    return utc(parsed) if parsed.tzinfo else parsed


def _struct_date(entry: Mapping[str, Any]) -> datetime | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = entry.get(key)
        if value:
            try:
                return datetime(*value[:6])  # feedparser gives these in UTC
            except (TypeError, ValueError):
                continue
    return None


def _entry_id(feed_url: str, guid: Any, title: str | None, text: str,
              published: datetime | None) -> str:
    """Identity of an entry without a link: its guid within this feed, else a content digest."""
    feed = canonical_url(feed_url)
    if isinstance(guid, str) and guid.strip():
        return f"rss:{feed}#{guid.strip()}"
    digest = hashlib.md5(f"{title}\n{published}\n{text[:500]}".encode(),
                         usedforsecurity=False).hexdigest()
    return f"rss:{feed}#md5:{digest}"


def _make_item(source: str, feed_url: str, *, link: Any, guid: Any, title: str | None,
               text: str, author: str | None, published: datetime | None,
               feed_title: str | None) -> Item:
    url = _web_link(link, feed_url)
    title = " ".join((title or "").split()) or None  # titles often carry newlines and indents
    return Item(source=source, kind="rss", text=text, url=url, title=title,
                author=(author or "").strip() or None, published_at=published,
                id=None if url else _entry_id(feed_url, guid, title, text, published),
                extra={"feed": feed_url, "feed_title": feed_title})


# --- parsing ---------------------------------------------------------------------------------

_XML_START = re.compile(rb"<\?xml|<(rss|feed|rdf:RDF|RDF)[\s>]", re.I)


def _strip_junk(content: bytes) -> bytes:
    """Drop blank lines, stray markup or a BOM before the XML declaration / feed root."""
    match = _XML_START.search(content, 0, 8192)
    if match and match.start() > 0:
        head = content[:match.start()]
        # A UTF-16 document's "<?xml" never matches these ASCII bytes, so cutting is safe.
        if not head.startswith((b"\xff\xfe", b"\xfe\xff")):
            return content[match.start():]
    return content


def _sniff_kind(content: bytes, content_type: str) -> str:
    """``"json"``, ``"html"``, ``"opml"``, ``"xml"`` or ``"other"`` from the first bytes."""
    head = content[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"{", b"[")):
        return "json"
    if b"<opml" in head:
        return "opml"
    if (re.search(rb"<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]", head)
            and not re.search(rb"<(rss|feed|rdf:rdf)[\s>]", head)):
        return "html"
    if head.startswith(b"<"):
        return "xml"
    if "html" in content_type:
        return "html"
    return "other"


def find_feed_links(html: str | bytes, base_url: str) -> list[str]:
    """The feeds an HTML page announces with ``<link rel="alternate" type="…rss/atom/feed+json">``,
    absolute, in page order, without duplicates."""
    try:
        root = lxml.html.fromstring(html)
    except (etree.ParserError, ValueError):
        return []
    base = base_url
    for href in root.xpath("//base/@href")[:1]:
        base = urljoin(base_url, href)
    found: list[str] = []
    for link in root.xpath("//link[@href]"):
        rel = (link.get("rel") or "").lower().split()
        kind = (link.get("type") or "").lower().split(";")[0].strip()
        if "alternate" in rel and kind in FEED_TYPES:
            url = urljoin(base, link.get("href").strip())
            if urlsplit(url).scheme in ("http", "https") and url not in found:
                found.append(url)
    return found


def _repair_utf8(content: bytes, content_type: str) -> bytes:
    """UTF-8 with a few broken bytes: keep its good characters, mark the broken ones U+FFFD.

    On a single invalid byte feedparser falls back to windows-1252 for the whole document,
    which turns every accent of a French feed into mojibake ("rÃ©seau"). A body with fewer
    well-formed multi-byte characters than broken bytes is left as it is: that is a
    single-byte charset mislabelled as UTF-8, which feedparser's fallback reads right.
    """
    if detect_encoding(content, content_type) != "utf-8":
        return content
    try:
        content.decode("utf-8")
        return content
    except UnicodeDecodeError:
        pass
    text = content.decode("utf-8", errors="replace")
    broken = text.count("\ufffd")
    good = sum(1 for ch in text if ch > "\x7f") - broken
    return text.encode("utf-8") if good >= broken else content


def parse_feed(content: bytes, url: str, content_type: str | None = None,
               source: str = "") -> ParsedFeed:
    """Read a feed document into a :class:`ParsedFeed` whose items are ready to yield.

    ``url`` is where the bytes came from (relative links are resolved against it). Accepts RSS
    0.9x/1.0/2.0, Atom, JSON Feed and RSS-in-JSON, with junk before the XML declaration, a
    BOM or a wrong declared encoding. Raises :class:`NotAFeed` (``feed_links`` filled when an
    HTML page announces feeds) or :class:`ParseError`, both naming ``url``.
    """
    content_type = (content_type or "").lower()
    shown = safe_url(url)
    kind = _sniff_kind(content, content_type)
    if kind == "json":
        return _parse_json(content, url, source)
    if kind == "opml":
        links = re.findall(rb'xmlUrl\s*=\s*["\']([^"\']+)', content)
        raise NotAFeed(f"{shown} is an OPML subscription list of {len(links)} feeds, not a feed: "
                       "put the feed URLs themselves in `urls`", url=url)
    if kind == "html":
        raise _not_a_feed(content, url, content_type)
    try:
        parsed = feedparser.parse(_strip_junk(_repair_utf8(content, content_type)),
                                  response_headers={
            "content-type": content_type or "application/xml", "content-location": url})
    except Exception as exc:  # noqa: BLE001 - feedparser's loose parser can fail in odd ways
        raise ParseError(f"{shown} could not be read as a feed: {type(exc).__name__}: "
                         f"{exc}") from None
    if not parsed.entries and not parsed.version:
        if kind == "xml":
            problem = parsed.get("bozo_exception") or "no feed element found"
            raise ParseError(f"{shown} is XML but not a readable feed: {problem}")
        raise _not_a_feed(content, url, content_type)
    feed = parsed.feed
    feed_title = html_to_text(feed.get("title")) or None
    out = ParsedFeed(format=parsed.version or "unknown", title=feed_title,
                     link=feed.get("link"))
    problem = parsed.get("bozo_exception")
    # A feed served as text/html or decoded with another charset than declared reads fine:
    # only real XML errors (entries recovered by the lenient parser) are worth a warning.
    harmless = (feedparser.NonXMLContentType, feedparser.CharacterEncodingOverride)
    if parsed.bozo and parsed.entries and not isinstance(problem, harmless):
        count = len(parsed.entries)
        out.warnings.append(f"{shown} is not well-formed XML ({problem}); {count} "
                            f"{'entry was' if count == 1 else 'entries were'} recovered anyway")
    for entry in parsed.entries:
        out.items.append(_feedparser_item(entry, url, source, feed_title))
    return out


def _not_a_feed(content: bytes, url: str, content_type: str) -> NotAFeed:
    shown = safe_url(url)
    if _sniff_kind(content, content_type) == "html":
        links = find_feed_links(content, url)
        if links:
            error = NotAFeed(f"{shown} is an HTML page; it links to the feed "
                             f"{safe_url(links[0])}", url=url)
            error.feed_links = tuple(links)
            return error
        return NotAFeed(f"{shown} is an HTML page without a feed link "
                        '(<link rel="alternate" type="application/rss+xml">): give the feed URL '
                        "instead", url=url)
    start = content[:40].decode("utf-8", "replace").strip()
    return NotAFeed(f"{shown} is neither a feed nor an HTML page (it starts with {start!r})",
                    url=url)


def _feedparser_item(entry: Mapping[str, Any], feed_url: str, source: str,
                     feed_title: str | None) -> Item:
    title = entry.get("title")
    if title and (entry.get("title_detail") or {}).get("type") in ("text/html",
                                                                   "application/xhtml+xml"):
        title = html_to_text(title)
    bodies = [c for c in entry.get("content") or [] if (c.get("value") or "").strip()]
    if bodies:
        body, body_type = bodies[0].get("value"), bodies[0].get("type")
    else:
        detail = entry.get("summary_detail") or {}
        body, body_type = entry.get("summary") or "", detail.get("type", "text/html")
    text = _tidy(body) if body_type == "text/plain" else html_to_text(body)
    author = (entry.get("author_detail") or {}).get("name") or entry.get("author")
    link = entry.get("feedburner_origlink") or entry.get("link")
    return _make_item(source, feed_url, link=link, guid=entry.get("id"), title=title, text=text,
                      author=author, published=_struct_date(entry), feed_title=feed_title)


def _parse_json(content: bytes, url: str, source: str) -> ParsedFeed:
    shown = safe_url(url)
    try:
        doc = json.loads(content.decode("utf-8-sig", errors="replace"))
    except ValueError as exc:
        raise ParseError(f"{shown} is not valid JSON (truncated?): {exc}") from None
    if not isinstance(doc, dict):
        raise NotAFeed(f"{shown} is JSON but not a JSON Feed (a list at the top)", url=url)
    version = str(doc.get("version", ""))
    if "jsonfeed.org" in version or (isinstance(doc.get("items"), list)
                                     and ("home_page_url" in doc or "feed_url" in doc)):
        return _json_feed(doc, url, source)
    if isinstance(doc.get("rss"), dict) and isinstance(doc["rss"].get("channel"), dict):
        return _rss_in_json(doc["rss"]["channel"], url, source)
    raise NotAFeed(f"{shown} is JSON but not a JSON Feed (no version https://jsonfeed.org/…)",
                   url=url)


def _json_feed(doc: dict[str, Any], url: str, source: str) -> ParsedFeed:
    title = doc.get("title") if isinstance(doc.get("title"), str) else None
    out = ParsedFeed(format="json" + str(doc.get("version", "")).rsplit("/", 1)[-1],
                     title=title, link=doc.get("home_page_url"))
    feed_authors = _json_authors(doc)
    for entry in doc.get("items") or []:
        if not isinstance(entry, dict):
            continue
        if isinstance(entry.get("content_html"), str):
            text = html_to_text(entry["content_html"])
        else:
            text = _tidy(str(entry.get("content_text") or entry.get("summary") or ""))
        authors = _json_authors(entry) or feed_authors
        published = (_parse_date(entry.get("date_published"))
                     or _parse_date(entry.get("date_modified")))
        entry_title = entry.get("title") if isinstance(entry.get("title"), str) else None
        out.items.append(_make_item(
            source, url, link=entry.get("url") or entry.get("external_url"),
            guid=str(entry["id"]) if entry.get("id") is not None else None, title=entry_title,
            text=text, author=authors[0] if authors else None, published=published,
            feed_title=title))
    return out


def _json_authors(obj: dict[str, Any]) -> list[str]:
    found = obj.get("authors") if isinstance(obj.get("authors"), list) else [obj.get("author")]
    return [a["name"] for a in found if isinstance(a, dict) and isinstance(a.get("name"), str)]


def _rss_in_json(channel: dict[str, Any], url: str, source: str) -> ParsedFeed:
    title = channel.get("title") if isinstance(channel.get("title"), str) else None
    out = ParsedFeed(format="rss-in-json", title=title, link=channel.get("link"))
    entries = channel.get("item") or []
    for entry in entries if isinstance(entries, list) else [entries]:
        if not isinstance(entry, dict):
            continue
        guid = entry.get("guid")
        guid = guid.get("#value") or guid.get("value") if isinstance(guid, dict) else guid
        out.items.append(_make_item(
            source, url, link=entry.get("link"), guid=guid if isinstance(guid, str) else None,
            title=entry.get("title") if isinstance(entry.get("title"), str) else None,
            text=html_to_text(str(entry.get("description") or "")),
            author=entry.get("author") if isinstance(entry.get("author"), str) else None,
            published=_parse_date(entry.get("pubDate")), feed_title=title))
    return out


# --- the collector ---------------------------------------------------------------------------


class FeedsCollector(Collector):
    """RSS, Atom and JSON feeds (or home pages that link to one), polled with conditional GETs."""

    kind = "feeds"
    description = "RSS / Atom / JSON Feed, or a site's home page that links to its feed."
    options = {
        "urls": Option("list", required=True,
                       help="Feed URLs, or home pages whose <link rel=alternate> names a feed."),
        "full_text": Option("bool", False,
                            help="Fetch each new entry's article and keep its main text."),
        "max_entries": Option("int", 200, help="Most entries taken from one feed in one run."),
    }

    def collect(self, ctx: Context) -> Iterator[Item]:
        """Yield the entries of every configured feed that were not seen on an earlier run.

        A feed that fails is reported with ``ctx.warn`` and the others go on; when every feed
        fails, the first failure is raised so the source is recorded as failed.
        """
        urls = list(dict.fromkeys(u.strip() for u in self.settings.get("urls") or [] if u.strip()))
        if not urls:
            raise ParseError("the source has no feed URLs (set `urls`)")
        max_entries = max(1, int(self.settings.get("max_entries") or 200))
        states: dict[str, Any] = ctx.state.setdefault("feeds", {})
        keys = {state_key(u) for u in urls}  # secrets in a URL never reach the stored state
        for gone in [u for u in states if u not in keys]:
            del states[gone]  # forget feeds no longer configured, so state stays small
        own_http = ctx.http is None
        http = ctx.http or Fetcher(ctx.collect or CollectSettings())
        errors: list[CollectorError] = []
        pool = ThreadPoolExecutor(max_workers=min(FEED_WORKERS, len(urls)),
                                  thread_name_prefix="feeds")
        try:
            # Feeds are fetched in parallel (the Fetcher keeps each host polite) but the workers
            # only read a copy of the state: it is changed here, between yields, where the
            # runner may be saving it.
            fetch = http.get  # resolved here: a lazy fetcher is then built once, not per thread
            futures = [(url, pool.submit(self._fetch, fetch, url,
                                                    _copy(states.get(state_key(url)))))
                       for url in urls]
            announced = 0
            for url, future in futures:
                state = states.setdefault(state_key(url), {})
                try:
                    fetched = future.result()
                    if fetched.parsed is None:
                        continue  # 304: nothing new, and it cost one request
                    for warning in fetched.parsed.warnings:
                        ctx.warn(warning)
                    if fetched.feed_url:
                        state["feed_url"] = fetched.feed_url
                    else:
                        state.pop("feed_url", None)
                    new = self._new_items(fetched.parsed, state, max_entries)
                    announced += len(new)
                    ctx.set_total(announced)
                    yield from self._deliver(ctx, http, url, state, fetched.validators, new,
                                             max_entries)
                except CollectorError as exc:
                    errors.append(exc)
                    ctx.warn(f"feed {safe_url(url)} failed ({exc.category}): {exc}")
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
            if own_http:
                http.close()
        if errors and len(errors) == len(urls):
            raise errors[0]

    def _fetch(self, fetch: Callable[..., Response], url: str,
               state: dict[str, Any]) -> _Fetched:
        """Fetch and parse one configured URL, discovering its feed from HTML when needed."""
        remembered = state.get("feed_url")
        if remembered:
            try:
                return self._fetch_feed(fetch, remembered, state, remembered)
            except (HttpStatusError, NotAFeed) as exc:
                if isinstance(exc, HttpStatusError) and exc.status not in (404, 410):
                    raise
                # The feed found on an earlier run is gone: look for it again from the page.
        try:
            return self._fetch_feed(fetch, url, state, None)
        except NotAFeed as exc:
            if not exc.feed_links:
                raise
            discovered = exc.feed_links[0]
            try:
                return self._fetch_feed(fetch, discovered, state, discovered)
            except NotAFeed as again:
                raise NotAFeed(f"{safe_url(url)} links to {safe_url(discovered)}, which is not "
                               f"a feed either: {again}", url=url) from None

    def _fetch_feed(self, fetch: Callable[..., Response], target: str, state: dict[str, Any],
                    feed_url: str | None) -> _Fetched:
        validators = state.get("validators") or {}
        same = validators.get("url") == state_key(target)
        response = fetch(target, accept=FEED_ACCEPT,
                         etag=validators.get("etag") if same else None,
                         last_modified=validators.get("last_modified") if same else None)
        if response.not_modified:
            return _Fetched(None, feed_url, validators)
        parsed = parse_feed(response.content, response.url, response.headers.get("content-type"),
                            source=self.name)
        return _Fetched(parsed, feed_url, {"url": state_key(target), "etag": response.etag,
                                           "last_modified": response.last_modified})

    def _new_items(self, parsed: ParsedFeed, state: dict[str, Any],
                   max_entries: int) -> list[Item]:
        seen = set(state.get("seen") or [])
        new: list[Item] = []
        keys: set[str] = set()
        for item in parsed.items[:max_entries]:
            key = item.item_id
            if key in seen or key in keys:
                continue
            keys.add(key)
            new.append(item)
        return new

    def _deliver(self, ctx: Context, http: Fetcher, url: str, state: dict[str, Any],
                 validators: dict[str, Any], new: list[Item],
                 max_entries: int) -> Iterator[Item]:
        """Yield ``new`` in chunks, recording each chunk's keys (and, before the last chunk, the
        feed's ETag/Last-Modified) in state before yielding it, so an interrupted run neither
        loses entries nor fetches them twice."""
        full_text = bool(self.settings.get("full_text"))
        size = FULL_TEXT_CHUNK if full_text else max(1, len(new))
        chunks = [new[i:i + size] for i in range(0, len(new), size)] or [[]]
        window = max(SEEN_MIN, 2 * max_entries)
        secrets = url_secrets(url)  # the configured URL's own, kept out of items
        for n, chunk in enumerate(chunks):
            if full_text and chunk:
                self._fill_full_text(ctx, http, url, chunk)
            seen = list(state.get("seen") or [])
            seen.extend(item.item_id for item in chunk)
            state["seen"] = seen[-window:]
            if n == len(chunks) - 1:
                state["validators"] = validators
            yield from (without_secrets(item, secrets) for item in chunk)

    def _fill_full_text(self, ctx: Context, http: Fetcher, url: str, items: list[Item]) -> None:
        """Replace each item's summary by its article's main text (kept when extraction fails)."""
        import trafilatura  # heavy import, only needed with full_text

        by_url: dict[str, list[Item]] = {}
        for item in items:
            if item.url:
                by_url.setdefault(item.url, []).append(item)
        failures: list[FetchError] = []
        for article_url, result in http.get_many(list(by_url)):
            if isinstance(result, FetchError):
                failures.append(result)
                continue
            text = trafilatura.extract(result.text, url=result.url, include_comments=False,
                                       include_tables=False, deduplicate=True)
            if text and text.strip():
                for item in by_url[article_url]:
                    item.text = text.strip()
        if failures:
            first = failures[0]
            ctx.warn(f"feed {safe_url(url)}: {len(failures)} of {len(by_url)} articles could not "
                     f"be fetched, their summaries are kept (first: {first.category}: {first})")


@dataclass
class _Fetched:
    """What a worker brings back for one feed; ``parsed`` is None on 304 Not Modified."""

    parsed: ParsedFeed | None
    feed_url: str | None
    validators: dict[str, Any]


def _copy(state: dict[str, Any] | None) -> dict[str, Any]:
    """The parts of a feed's state a worker reads, copied so the worker never shares it."""
    state = state or {}
    return {"feed_url": state.get("feed_url"), "validators": dict(state.get("validators") or {})}
