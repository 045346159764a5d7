"""App Store customer reviews of chosen apps, per country, through Apple's customer-reviews feed."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import quote

from collectors.base import (
    Collector,
    CollectorError,
    ConfigurationMissing,
    Context,
    Item,
    ParseError,
)
from collectors.forum import parse_timestamp
from config.options import Option

ITUNES = "https://itunes.apple.com"
APP_URL = "https://apps.apple.com/{}/app/id{}"
MAX_PAGE = 10  # Apple serves pages 1 to 10; page 11 answers plain text, not JSON
KEEP_IDS = 500  # review ids remembered per app and country, to stop paging at the known ones


def _label(node: Any) -> str | None:
    """The ``label`` Apple wraps every value in, as a string, or None."""
    value = node.get("label") if isinstance(node, dict) else None
    return str(value) if isinstance(value, (str, int)) and str(value).strip() else None


def entries(data: Any) -> list[dict]:
    """The review entries of one feed answer (``entry`` may be a list, one object, or absent
    for an app without reviews); :class:`ParseError` when the answer is not a feed."""
    feed = data.get("feed") if isinstance(data, dict) else None
    if not isinstance(feed, dict):
        raise ParseError("not an App Store customer-reviews feed (no 'feed')")
    entry = feed.get("entry") or []
    return [e for e in ([entry] if isinstance(entry, dict) else entry) if isinstance(e, dict)]


def review_item(entry: dict, app: str, country: str) -> Item | None:
    """Turn one feed entry into an Item of ``kind="appstore"`` (id ``appstore:<review id>``),
    or None when it is not a review (old feeds put the app itself first).

    The star rating (1–5) goes in ``extra["rating"]``, with the app version and votes; the
    URL is the app's page on that country's store (reviews have no address of their own).
    """
    rating = _label(entry.get("im:rating"))
    ident, text = _label(entry.get("id")), _label(entry.get("content"))
    if not rating or not rating.isdigit() or not ident or not text:
        return None
    author = entry.get("author") if isinstance(entry.get("author"), dict) else {}
    updated = _label(entry.get("updated"))
    extra = {"rating": int(rating), "app": app, "country": country,
             "app_version": _label(entry.get("im:version")),
             "votes": int(_label(entry.get("im:voteCount")) or 0)}
    return Item(source="", kind="appstore", text=text.strip(),
                title=(_label(entry.get("title")) or "").strip() or None,
                url=APP_URL.format(country, app), author=_label(author.get("name")),
                published_at=parse_timestamp(updated) if updated else None,
                id=f"appstore:{ident}",
                extra={k: v for k, v in extra.items() if v not in (None, "")})


def each_app(source: str, ctx: Context, apps: list[str], countries: list[str],
             read: Callable[[str, str], list[Item]]) -> Iterator[Item]:
    """Yield what ``read(app, country)`` finds for every app in every country, each id once.

    A failure is warned about and the others go on; a rate limit stops the run (every later
    request would meet it too); when every pair failed, the first failure is raised.
    """
    if not apps or not countries:
        raise ConfigurationMissing("nothing to read: set 'apps' and 'countries'")
    failures: list[CollectorError] = []
    seen: set[str] = set()
    for app in apps:
        for country in countries:
            try:
                found = read(app, country)
            except CollectorError as exc:
                if exc.category == "rate_limited":
                    raise
                failures.append(exc)
                ctx.warn(f"app {app} in {country}: {exc.category}: {exc}")
                continue
            for item in found:
                if item.id not in seen:  # a Google Play review's edit history repeats its id
                    seen.add(item.id)
                    item.source = source
                    yield item
    if failures and len(failures) == len(apps) * len(countries):
        raise failures[0]


class AppStoreCollector(Collector):
    """Customer reviews of chosen iOS apps on chosen countries' App Stores, newest first."""

    kind = "appstore"
    description = "App Store customer reviews (Apple's customer-reviews JSON feed), per country."
    options = {
        "apps": Option("list", [], required=True, help="App ids (the digits of id123456789)."),
        "countries": Option("list", ["fr"], help="Two-letter store countries."),
        "api_url": Option("str", ITUNES, help="The feed's base URL."),
        "max_pages": Option("int", MAX_PAGE, help="Pages of 50 reviews read per app, country "
                                                  f"and run (Apple serves {MAX_PAGE})."),
    }

    def collect(self, ctx: Context) -> Iterator[Item]:
        """Yield the reviews not seen before, app by app and country by country, reading
        newest-first pages until one holds a review already seen."""
        apps = [str(a).strip().removeprefix("id") for a in self.settings.get("apps") or []
                if str(a).strip()]
        countries = [c.strip().lower() for c in self.settings.get("countries") or [] if c.strip()]
        base = (self.settings.get("api_url") or ITUNES).rstrip("/")
        pages = min(MAX_PAGE, max(1, int(self.settings.get("max_pages") or MAX_PAGE)))
        yield from each_app(self.name, ctx, apps, countries,
                            lambda app, country: self._read(ctx, base, app, country, pages))

    def _read(self, ctx: Context, base: str, app: str, country: str, pages: int
              ) -> list[Item]:
        key = f"{app}:{country}"
        known = set(ctx.state.get(key) or [])
        found: list[Item] = []
        for page in range(1, pages + 1):
            url = (f"{base}/{quote(country)}/rss/customerreviews/page={page}/"
                   f"id={quote(app)}/sortby=mostrecent/json")
            response = ctx.http.get(url, accept="application/json")
            if page > 1 and not response.text.lstrip().startswith("{"):
                break  # past the last page Apple answers a sentence, not a feed
            batch = [i for i in (review_item(e, app, country)
                                 for e in entries(response.json())) if i is not None]
            fresh = [i for i in batch if i.id not in known]
            found += fresh
            if not batch or len(fresh) < len(batch):
                break
        ids = [i.id for i in found] + list(ctx.state.get(key) or [])
        ctx.state[key] = list(dict.fromkeys(ids))[:KEEP_IDS]
        return found
