"""Google Play reviews of chosen apps, per country, through the store's own review RPC.

The request body and the positional layout of a review (which changes without notice) come
from google-play-scraper, pinned; the request itself goes through Veille's polite fetcher,
because the library's own fetching ignores the address policy and turns every failure into an
empty list (and its envelope pattern misses answers without a blank line after ``)]}'``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from google_play_scraper import Sort
from google_play_scraper.constants.element import ElementSpecs
from google_play_scraper.constants.request import Formats

from collectors.appstore import each_app
from collectors.base import Collector, Context, Item, ParseError
from config.options import Option

PLAY = "https://play.google.com"
APP_URL = "https://play.google.com/store/apps/details?id={}&gl={}"
PAGE_SIZE = 100
_PREFIX = ")]}'"


def rpc_answers(body: str) -> list[Any]:
    """The decoded payloads of a ``batchexecute`` answer: each ``["wrb.fr", rpc, "<JSON>"]``
    row's JSON string, parsed. Reads both the length-prefixed chunks the service sends and
    a plain JSON envelope; :class:`ParseError` when there is none."""
    text = body.lstrip()
    text = text[len(_PREFIX):] if text.startswith(_PREFIX) else text
    decoder, rows, at = json.JSONDecoder(), [], 0
    while at < len(text):
        at = len(text) - len(text[at:].lstrip())
        if at >= len(text):
            break
        if text[at].isdigit():  # a chunk length: the chunk follows
            at += len(text[at:]) - len(text[at:].lstrip("0123456789"))
            continue
        try:
            value, at = decoder.raw_decode(text, at)
        except ValueError as exc:
            raise ParseError(f"not a Google Play answer: {exc}") from None
        if isinstance(value, list):
            rows += [r for r in value if isinstance(r, list)]
    payloads = []
    for row in rows:
        if len(row) > 2 and row[0] == "wrb.fr" and isinstance(row[2], str):
            try:
                payloads.append(json.loads(row[2]))
            except ValueError as exc:
                raise ParseError(f"a Google Play answer holds bad JSON: {exc}") from None
    if not payloads:
        raise ParseError("not a Google Play review answer (no 'wrb.fr' payload)")
    return payloads


def reviews_page(body: str) -> tuple[list[list], str | None]:
    """The review arrays of one answer and the token of the next page (None on the last)."""
    payload = rpc_answers(body)[0]
    if not isinstance(payload, list) or not payload:
        return [], None
    reviews = payload[0] if isinstance(payload[0], list) else []
    token = None
    if len(payload) > 1 and isinstance(payload[-1], list) and payload[-1] \
            and isinstance(payload[-1][-1], str):
        token = payload[-1][-1]
    return [r for r in reviews if isinstance(r, list)], token


def review_item(review: list, app: str, country: str) -> Item | None:
    """Turn one positional review into an Item of ``kind="googleplay"`` (id
    ``googleplay:<review id>``), or None without an id or a text. The star rating goes in
    ``extra["rating"]``; the developer's reply, if any, in ``extra["reply"]``."""
    fields = {k: spec.extract_content(review) for k, spec in ElementSpecs.Review.items()}
    ident, text, score = fields.get("reviewId"), fields.get("content"), fields.get("score")
    if not isinstance(ident, str) or not isinstance(text, str) or not text.strip():
        return None
    # The library reads the epoch as local time; the store wants UTC.
    stamp = review[5][0] if len(review) > 5 and isinstance(review[5], list) and review[5] \
        else None
    published = datetime.fromtimestamp(stamp, UTC) if isinstance(stamp, int) else None
    extra = {"rating": score if isinstance(score, int) and 1 <= score <= 5 else None,
             "app": app, "country": country, "app_version": fields.get("appVersion"),
             "reply": fields.get("replyContent")}
    thumbs = fields.get("thumbsUpCount")
    return Item(source="", kind="googleplay", text=text.strip(), url=APP_URL.format(app, country),
                author=fields.get("userName") or None, published_at=published,
                id=f"googleplay:{ident}", score=thumbs if isinstance(thumbs, int) else None,
                extra={k: v for k, v in extra.items() if v not in (None, "")})


class GooglePlayCollector(Collector):
    """Reviews of chosen Android apps on Google Play, newest first, per country."""

    kind = "googleplay"
    description = "Google Play reviews through the store's review RPC, per country."
    options = {
        "apps": Option("list", [], required=True, help="Package names (com.example.app)."),
        "countries": Option("list", ["fr"], help="Two-letter store countries."),
        "lang": Option("str", "fr", help="The language of the reviews asked for (hl)."),
        "api_url": Option("str", PLAY, help="The store's base URL."),
        "max_pages": Option("int", 3, help=f"Pages of {PAGE_SIZE} reviews read per app, "
                                           "country and run."),
    }

    def collect(self, ctx: Context) -> Iterator[Item]:
        """Yield the reviews newer than the last run's newest, app by app and country by
        country; a failure is warned about and the others go on."""
        apps = [a.strip() for a in self.settings.get("apps") or [] if a.strip()]
        countries = [c.strip().lower() for c in self.settings.get("countries") or [] if c.strip()]
        yield from each_app(self.name, ctx, apps, countries,
                            lambda app, country: self._read(ctx, app, country))

    def _read(self, ctx: Context, app: str, country: str) -> list[Item]:
        key = f"{app}:{country}"
        since = ctx.state.get(key)
        base = (self.settings.get("api_url") or PLAY).rstrip("/")
        url = Formats.Reviews.build(lang=self.settings.get("lang") or "fr", country=country)
        url = base + url[len(PLAY):] if url.startswith(PLAY) else url
        pages = max(1, int(self.settings.get("max_pages") or 3))
        found: list[Item] = []
        token = None
        for _page in range(pages):
            body = Formats.Reviews.build_body(app, Sort.NEWEST.value, PAGE_SIZE, "null", "null",
                                              token)
            response = ctx.http.post(url, content=body, accept="*/*",
                                     content_type="application/x-www-form-urlencoded")
            reviews, token = reviews_page(response.text)
            batch = [i for i in (review_item(r, app, country) for r in reviews) if i]
            stamps = [i.published_at.isoformat() for i in batch if i.published_at]
            found += [i for i in batch if not since or not i.published_at
                      or i.published_at.isoformat() > since]
            if not token or not batch or (since and stamps and min(stamps) <= since):
                break
        stamps = [i.published_at.isoformat() for i in found if i.published_at]
        if stamps:
            ctx.state[key] = max([since or "", *stamps])
        return found
