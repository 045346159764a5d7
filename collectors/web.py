"""The ``web`` source kind: competitor pages, extracted to text, with their meaningful changes."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import trafilatura

from analysis.pagediff import (
    PageDiff,
    diff_pages,
    fingerprint,
    pack_snapshot,
    unpack_snapshot,
)
from collectors.base import (
    Collector,
    CollectorError,
    Context,
    Item,
    ParseError,
    utc,
    without_secrets,
)
from collectors.http import Fetcher, Response, safe_url
from collectors.urls import canonical_url, redact_url, state_key, url_secrets
from config.options import Option

# Under this many characters the precise extraction probably missed the page: pricing grids
# built from bare <div>s are exactly what it drops, so the recall-oriented one is tried too.
MIN_PRECISE_CHARS = 250
# Pages of different sites are fetched this many at a time (the fetcher keeps each site's own
# requests per_host_delay apart); extraction runs in the collector's thread, in config order.
FETCH_THREADS = 4
ACCEPT = "text/html,application/xhtml+xml;q=0.9,text/plain;q=0.5"
# htmldate's "extensive" search takes the copyright year for a date ("© 2026" -> 1 January):
# better no date than a false one. The original (publication) date rather than the latest
# update agreed with the reference metadata of 96 real pages out of 113, against 80.
DATE_PARAMS = {"extensive_search": False, "original_date": True}
_HTML_TYPES = ("text/html", "application/xhtml+xml")
_QUOTES = re.compile(r'^["“«]\s*|\s*["”»]$')


class WebConfigError(CollectorError):
    """The source's own options cannot work: no URLs, a URL that is not http(s), an unknown
    brand."""

    category = "config_error"


class NotAPage(ParseError):
    """The URL answered with something that is not an HTML page (a PDF, an image…)."""

    category = "not_a_page"


class EmptyPage(ParseError):
    """The page was read but no text could be extracted from it."""

    category = "empty_page"


@dataclass
class Page:
    """What :func:`extract_page` reads from an HTML page."""

    text: str
    title: str | None = None
    author: str | None = None
    date: datetime | None = None
    sitename: str | None = None


def extract_page(html: str | bytes, url: str | None = None) -> Page:
    """Extract the main text and metadata (title, author, date, site name) of an HTML page.

    The text comes from trafilatura in precision mode (comments, navigation, cookie banners
    and footers left out) with one line per paragraph, heading, list item or table row. When
    that finds almost nothing, as on pricing grids made of bare ``<div>`` elements, the
    recall-oriented mode is used instead, and as a last resort all of the page's visible
    text. ``date`` is the page's own publication or update date (UTC midnight) when it states
    one, never a copyright year. Returns a :class:`Page` whose ``text`` is empty when the page
    has no readable text at all; never raises on malformed HTML.
    """
    common = {"url": url, "include_comments": False, "with_metadata": True,
              "date_extraction_params": DATE_PARAMS}
    doc = trafilatura.bare_extraction(html, favor_precision=True, **common)
    text = (doc.text if doc else "") or ""
    if len(text) < MIN_PRECISE_CHARS:
        wide = trafilatura.bare_extraction(html, favor_recall=True, **common)
        if wide is not None and len(wide.text or "") > len(text):
            doc, text = wide, wide.text or ""
    if not text.strip():
        text = trafilatura.html2txt(html) or ""
    if doc is None:
        doc = trafilatura.extract_metadata(html, default_url=url,
                                           date_config={**DATE_PARAMS, "url": url})
    return Page(text=text.strip(), title=_clean(doc.title) if doc else None,
                author=_clean(doc.author) if doc else None,
                date=_parse_date(doc.date) if doc else None,
                sitename=_clean(doc.sitename) if doc else None)


def _clean(value: str | None) -> str | None:
    value = " ".join(value.split()) if value else ""
    return value or None


def _parse_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value).replace(tzinfo=UTC)
    except ValueError:
        return None


class WebCollector(Collector):
    """Visit each configured page, yield it once, then yield a change item when it changes.

    A first visit yields the page (``kind="web"``, identity its canonical URL). Later visits
    ask with the stored ETag/Last-Modified (a 304 costs nothing) and compare the new text with
    the snapshot kept in the source's state, after :mod:`analysis.pagediff` has masked dates,
    counters, tokens and relative times: when a meaningful line was added or removed, a change
    item is yielded (``parent_id`` the page's item id, text the readable diff) and the page item
    is yielded again with its new text. A page that fails is reported with ``ctx.warn`` and
    the others go on; when every page fails, the first failure is raised.
    """

    kind = "web"
    description = "Competitor pages (pricing, product, terms, careers, press) with change alerts."
    options = {
        "urls": Option("list", required=True,
                       help="The pages to watch: absolute http(s) URLs, visited once per run."),
        "brand": Option("str", None,
                        help="The configured brand these pages belong to (its name in "
                             "[[brands]]); when absent, guessed from each page by brand "
                             "matching."),
    }

    def collect(self, ctx: Context) -> Iterator[Item]:
        """Visit every configured page once and yield new pages, changed pages and changes."""
        urls = self._urls()
        brand = self._configured_brand(ctx.brands)
        pages = ctx.state.get("pages")
        if not isinstance(pages, dict):
            pages = ctx.state["pages"] = {}
        # Pages no longer configured take their snapshots with them.
        keys = {state_key(u) for u in urls}  # secrets in a URL never reach the stored state
        for stale in [u for u in pages if u not in keys]:
            del pages[stale]
        ctx.set_total(len(urls))
        own_fetcher = None
        http = ctx.http
        if http is None:
            http = own_fetcher = Fetcher(ctx.collect)
        failures: list[CollectorError] = []
        try:
            for url, fetched in self._fetch_all(http, urls, pages):
                try:
                    items = self._visit(ctx, url, fetched, pages, brand)
                except CollectorError as exc:
                    failures.append(exc)
                    shown = safe_url(url)
                    message = str(exc)
                    ctx.warn(f"{exc.category}: {message}" if shown in message
                             else f"{shown}: {exc.category}: {message}")
                    continue
                secrets = url_secrets(url)  # the configured URL's own, kept out of items
                yield from (without_secrets(item, secrets) for item in items)
        finally:
            if own_fetcher is not None:
                own_fetcher.close()
        if failures and len(failures) == len(urls):
            raise failures[0]

    def _fetch_all(self, http: Any, urls: list[str], pages: dict[str, Any]
                   ) -> Iterator[tuple[str, Response | CollectorError]]:
        """Fetch every page (conditional GET), several sites at once; yield in config order."""
        def fetch(url: str) -> Response:
            entry = pages.get(state_key(url))
            entry = entry if isinstance(entry, dict) else {}
            return http.get(url, etag=entry.get("etag"),
                            last_modified=entry.get("last_modified"), accept=ACCEPT)

        # Submitted round-robin by site, so the pool's threads are not all queued on one site.
        by_host: dict[str, list[str]] = {}
        for url in urls:
            by_host.setdefault(urlsplit(url).netloc, []).append(url)
        groups = list(by_host.values())
        order: list[str] = []
        for rank in range(max((len(g) for g in groups), default=0)):
            order.extend(g[rank] for g in groups if rank < len(g))
        with ThreadPoolExecutor(max_workers=min(FETCH_THREADS, len(urls)) or 1,
                                thread_name_prefix="web") as pool:
            futures: dict[str, Future] = {}
            for url in order:
                if self._check_url(url) is None:
                    futures[url] = pool.submit(fetch, url)
            try:
                for url in urls:
                    refused = self._check_url(url)
                    if refused is not None:
                        yield url, refused
                        continue
                    try:
                        yield url, futures[url].result()
                    except CollectorError as exc:
                        yield url, exc
            finally:
                for future in futures.values():
                    future.cancel()

    def _check_url(self, url: str) -> WebConfigError | None:
        parts = urlsplit(url)
        if parts.scheme in ("http", "https") and parts.hostname:
            return None
        return WebConfigError(f"source {self.name!r}, option 'urls': {safe_url(url)!r} is not "
                              "an absolute http(s) URL such as https://example.com/pricing")

    def _urls(self) -> list[str]:
        """The configured URLs, canonical, each once, in the configured order."""
        raw = self.settings.get("urls") or []
        if not raw:
            raise WebConfigError(f"source {self.name!r}, option 'urls': the list is empty; "
                                 "give at least one page")
        out: list[str] = []
        for url in raw:
            url = canonical_url(url)
            if url not in out:
                out.append(url)
        return out

    def _configured_brand(self, brands: Sequence[Any]) -> Any | None:
        name = self.settings.get("brand")
        if not name:
            return None
        for brand in brands:
            if brand.name == name:
                return brand
        known = ", ".join(repr(b.name) for b in brands) or "none"
        raise WebConfigError(f"source {self.name!r}, option 'brand': {name!r} is not a "
                             f"configured brand (configured: {known})")

    def _visit(self, ctx: Context, url: str, fetched: Response | CollectorError,
               pages: dict[str, Any], brand: Any | None) -> list[Item]:
        """Compare one fetched page with its snapshot; update its state; return its items."""
        if isinstance(fetched, CollectorError):
            raise fetched
        resp = fetched
        if resp.not_modified:
            return []
        entry = pages.get(state_key(url))
        entry = entry if isinstance(entry, dict) else {}
        shown = safe_url(url)
        ctype = resp.content_type
        if ctype and ctype != "text/plain" and ctype not in _HTML_TYPES:
            raise NotAPage(f"{shown} is not an HTML page (it answered {ctype})")
        try:
            page = Page(text=resp.text.strip()) if ctype == "text/plain" else \
                extract_page(resp.text, url=resp.url)
        except Exception as exc:  # noqa: BLE001 - a parser crash is this page's problem only
            raise ParseError(f"{shown}: the page could not be read: {type(exc).__name__}: "
                             f"{exc}") from exc
        if not page.text:
            raise EmptyPage(f"{shown}: no readable text in the page "
                            f"({len(resp.content):,} bytes)")

        now = datetime.now(UTC)
        first_seen = _parse_stamp(entry.get("first_seen")) or now
        new_print = fingerprint(page.text)
        snapshot = pack_snapshot(page.text)
        old_text = unpack_snapshot(entry["snapshot"]) if entry.get("snapshot") else None
        title = page.title or page.sitename or redact_url(url, url_secrets(url))
        page_item = Item(source=self.name, kind="web", url=url, title=title, text=page.text,
                         author=page.author, published_at=utc(page.date or first_seen))
        items: list[Item] = []
        if old_text is None:
            items.append(page_item)
        elif entry.get("fingerprint") != new_print:
            # The words changed; the diff says whether any line a reader would notice did.
            items.append(page_item)
            # Both sides as the snapshot keeps them, so a long page is cut the same way.
            diff = diff_pages(old_text, unpack_snapshot(snapshot) or "")
            if diff.changed:
                owner = brand or guess_brand(ctx.brands, url, title, page.text)
                items.append(self._change_item(url, new_print, title, diff, owner, page_item,
                                               now))
        pages[state_key(url)] = {
            "etag": resp.etag, "last_modified": resp.last_modified,
            "fingerprint": new_print, "snapshot": snapshot, "title": title,
            "first_seen": entry.get("first_seen") or now.isoformat(),
            "changed_at": now.isoformat() if len(items) > 1 else entry.get("changed_at"),
        }
        return items

    def _change_item(self, url: str, new_print: str, title: str, diff: PageDiff,
                     brand: Any | None, page_item: Item, now: datetime) -> Item:
        """The item announcing one change: readable diff as text, the page as parent."""
        label = title
        if brand is not None:
            label = _with_brand(title, brand)
        return Item(
            source=self.name, kind="web", url=url, id=f"change:{url}:{new_print}",
            title=f"Change on {label}: {diff.summary}", text=diff.text,
            published_at=utc(now), parent_id=page_item.item_id,
            extra={"change": True, "added": list(diff.added), "removed": list(diff.removed),
                   "brand": brand.name if brand is not None else None},
        )


def _parse_stamp(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        stamp = datetime.fromisoformat(value)
    except ValueError:
        return None
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)


def _with_brand(title: str, brand: Any) -> str:
    """``title`` with words that make ``brand``'s query match it, added only when needed.

    The change item's brand comes from brand matching like every other item's, and a diff of
    two price lines rarely names the brand, so the title carries it: the brand's name when
    that matches its own query, else its first positive term, else all of them.
    """
    query = getattr(brand, "compiled", None)
    if query is None or query.matches(title):
        return title if query is not None else f"{title} — {brand.name}"
    terms = [_QUOTES.sub("", t).rstrip("*") for t in getattr(query, "terms", [])]
    for words in (brand.name, *terms[:1], " ".join(terms)):
        candidate = f"{title} — {words}"
        if words and query.matches(candidate):
            return candidate
    return f"{title} — {brand.name}"


def guess_brand(brands: Sequence[Any], url: str, title: str, text: str) -> Any | None:
    """Return the configured brand a page most likely belongs to, or None.

    Preference goes to a brand named in the page's host name, then in its title, then to the
    one mentioned most often in its text; a brand the page never mentions is never chosen.
    """
    host = " ".join(re.split(r"[.\-]", urlsplit(url).hostname or ""))
    best, best_key = None, None
    for brand in brands:
        query = getattr(brand, "compiled", None)
        if query is None:
            continue
        hits = len(query.spans(f"{title}\n{text}"))
        in_host = query.matches(host)
        if not hits and not in_host:
            continue
        key = (in_host, query.matches(title), hits)
        if best_key is None or key > best_key:
            best, best_key = brand, key
    return best
