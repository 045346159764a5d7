"""What a notification says: an alert explained in plain text (chat) and HTML (email)."""

# The message explains itself like the Alerts page: the brand, the measure against its usual
# level, since when, the new words, the first posts and a link to the view in the app.
# Collected text (titles, authors, words) is escaped in the HTML version: it is never markup.

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlencode

from i18n.catalog import gettext
from i18n.formats import day, moment, number, percent
from store.deliveries import AlertEvent, PageChange

ALERTS_PATH = "spikes"  # the Alerts view's address in the app
SOURCES_PATH = "health"  # the Sources view's
MENTIONS_PATH = "items"  # the Mentions view's
FIRST_POSTS = 3
SNIPPET = 120  # characters of a post's title shown
DIFF_LINES = 8  # changed lines of a page quoted in its message


@dataclass(frozen=True)
class Message:
    """A notification ready to send."""

    title: str
    text: str
    html: str


def view_link(event: AlertEvent, base_url: str, last: datetime | None = None) -> str:
    """The Alerts view of the app filtered to the alert's brand and days (to ``last``, when
    the message covers several alerts)."""
    until = (last or event.ended_at).date()
    query = urlencode({"period": "custom", "from": event.started_at.date().isoformat(),
                       "to": until.isoformat(), "brand": event.brand})
    return f"{base_url.rstrip('/')}/{ALERTS_PATH}?{query}"


def incidents(events: list[AlertEvent]) -> list[list[AlertEvent]]:
    """The alerts grouped by incident, oldest first: those of one brand (and source) whose
    days overlap or follow each other. A bad buzz raises a volume spike and a negative-share
    spike at once; they make one message, not two."""
    groups: list[list[AlertEvent]] = []
    for event in sorted(events, key=lambda e: (e.started_at, e.id)):
        for group in groups:
            if ((group[0].brand, group[0].source) == (event.brand, event.source)
                    and event.started_at <= max(e.ended_at for e in group) + timedelta(days=1)):
                group.append(event)
                break
        else:
            groups.append([event])
    return groups


def _measure(event: AlertEvent, lang: str) -> str:
    facts = event.explanation
    if event.kind == "negative_share":
        return gettext("negative share {now} of mentions, against {usual} usually", lang).format(
            now=percent(facts.get("negative_share", 0.0), lang, 0),
            usual=percent(facts.get("baseline_negative_share", 0.0), lang, 0))
    ratio = event.ratio or (event.peak / event.baseline if event.baseline else None)
    times = f"×{number(ratio, lang, 1)}" if ratio else "×∞"
    return gettext("{peak} mentions a day at the peak, against {usual} usually ({times})",
                   lang).format(peak=number(event.peak, lang),
                                usual=number(event.baseline, lang, 1), times=times)


def _posts(events: list[AlertEvent]) -> list[dict]:
    """The first posts of the alerts, earliest first, each once."""
    seen: dict = {}
    for event in events:
        for post in event.explanation.get("first_posts") or []:
            seen.setdefault(post.get("item_id") or (post.get("url"), post.get("title")), post)
    return sorted(seen.values(), key=lambda p: str(p.get("published_at") or ""))[:FIRST_POSTS]


def _post_line(post: dict, lang: str) -> str:
    when = post.get("published_at")
    try:
        stamp = moment(datetime.fromisoformat(when), lang) if when else ""
    except ValueError:
        stamp = ""
    title = " ".join(str(post.get("title") or post.get("snippet") or "").split())[:SNIPPET]
    parts = [p for p in (stamp, post.get("source"), post.get("author"), title) if p]
    return " · ".join(str(p) for p in parts)


def _kind(kinds: list[str], lang: str) -> str:
    if len(kinds) > 1:
        # In the French title this follows "pic de": "pic de volume et de part négative".
        return gettext("volume and negative share", lang)
    return gettext("negative share", lang) if kinds[0] == "negative_share" \
        else gettext("volume", lang)


def alert_message(events: list[AlertEvent], lang: str, base_url: str) -> Message:
    """The notification of one incident (see :func:`incidents`), in ``lang``: each alert's
    measure, the new words and the first posts of them all, one link to their days."""
    first = events[0]
    source = f" ({first.source})" if first.source else ""
    kinds = sorted({e.kind for e in events}, key=lambda k: k != "volume")
    since = day(first.started_at, lang)
    last = max(e.ended_at for e in events)
    title = gettext("Veille: {brand}{source}, {kind} spike since {since}", lang).format(
        brand=first.brand, source=source, kind=_kind(kinds, lang), since=since)
    measures = [
        gettext("{brand}{source}: {measure}, from {start} to {end}.", lang).format(
            brand=e.brand, source=source, measure=_measure(e, lang),
            start=day(e.started_at, lang), end=day(e.ended_at, lang))
        for e in sorted(events, key=lambda e: (e.kind != "volume", e.started_at))]
    words = list(dict.fromkeys(
        t.get("shown") or t.get("term") for e in events
        for t in e.explanation.get("terms") or [] if t.get("term")))[:8]
    posts = _posts(events)
    link = view_link(first, base_url, last)
    lines = list(measures)
    if words:
        lines.append(gettext("New words: {words}", lang).format(words=", ".join(words)))
    if posts:
        lines.append(gettext("First posts:", lang))
        lines.extend(f"- {_post_line(p, lang)}" + (f" {p['url']}" if p.get("url") else "")
                     for p in posts)
    lines.append(gettext("Open in Veille: {link}", lang).format(link=link))
    text = "\n".join(lines)

    esc = html.escape
    items = "".join(
        f"<li>{esc(_post_line(p, lang))}"
        + (f' <a href="{esc(p["url"])}">{esc(p["url"])}</a>' if p.get("url") else "") + "</li>"
        for p in posts)
    body = [f"<p>{esc(line)}</p>" for line in measures]
    if words:
        body.append(f"<p>{esc(gettext('New words: {words}', lang).format(words=', '.join(words)))}"
                    "</p>")
    if posts:
        body.append(f"<p>{esc(gettext('First posts:', lang))}</p><ul>{items}</ul>")
    body.append(f'<p><a href="{esc(link)}">{esc(gettext("Open in Veille", lang))}</a></p>')
    return Message(title, text, "\n".join(body))


def digest_message(name: str, period: str, scope: str, tiles: list[tuple[str, str, str | None]],
                   link: str, lang: str) -> Message:
    """A digest: its headline numbers against the previous period, the report attached.

    ``tiles`` are ``(label, value, change)`` as the Overview shows them; ``period`` and
    ``scope`` say what the numbers cover.
    """
    title = gettext("Veille digest {name}: {period}", lang).format(name=name, period=period)
    lines = [scope] if scope else []
    lines.extend(f"{label}: {value}" + (f" ({change})" if change else "")
                 for label, value, change in tiles)
    lines.append(gettext("The full report is attached (PDF).", lang))
    lines.append(gettext("Open in Veille: {link}", lang).format(link=link))
    esc = html.escape
    rows = "".join(f"<tr><td>{esc(label)}</td><td><b>{esc(value)}</b></td>"
                   f"<td>{esc(change or '')}</td></tr>" for label, value, change in tiles)
    body = [f"<p>{esc(scope)}</p>" if scope else "", f"<table>{rows}</table>",
            f"<p>{esc(gettext('The full report is attached (PDF).', lang))}</p>",
            f'<p><a href="{esc(link)}">{esc(gettext("Open in Veille", lang))}</a></p>']
    return Message(title, "\n".join(lines), "\n".join(b for b in body if b))


def source_message(name: str, status: str, reason: str, last_success: datetime | None,
                   error: str | None, lang: str, base_url: str) -> Message:
    """A source that fails or has gone silent: what is wrong and since when."""
    state = gettext("failing", lang) if status == "failing" else gettext("silent", lang)
    title = gettext("Veille: source {name} is {state}", lang).format(name=name, state=state)
    lines = [f"{name}: {reason}."]
    lines.append(gettext("Last successful run: {when}", lang).format(
        when=moment(last_success, lang) if last_success else gettext("never", lang)))
    if error:
        lines.append(gettext("Last error: {error}", lang).format(error=error[:300]))
    link = f"{base_url.rstrip('/')}/{SOURCES_PATH}"
    lines.append(gettext("Open in Veille: {link}", lang).format(link=link))
    esc = html.escape
    body = "".join(f"<p>{esc(line)}</p>" for line in lines[:-1])
    body += f'<p><a href="{esc(link)}">{esc(gettext("Open in Veille", lang))}</a></p>'
    return Message(title, "\n".join(lines), body)


def page_message(change: PageChange, lang: str) -> Message:
    """A watched page changed: which, how much, and the first lines that changed."""
    page = change.title or change.url or "?"
    title = gettext("Veille: a watched page changed: {page}", lang).format(page=page)
    lines = [gettext("{added} line(s) added, {removed} removed", lang).format(
        added=change.added, removed=change.removed)]
    diff = [line for line in change.diff.splitlines() if line.strip()][:DIFF_LINES]
    lines.extend(diff)
    if change.url:
        lines.append(change.url)
    esc = html.escape
    body = f"<p>{esc(lines[0])}</p><pre>{esc(chr(10).join(diff))}</pre>"
    if change.url:
        body += f'<p><a href="{esc(change.url)}">{esc(change.url)}</a></p>'
    return Message(title, "\n".join(lines), body)


def unanswered_message(brand: str, posts: list[dict], hours: float, lang: str,
                       base_url: str) -> Message:
    """Questions and complaints about ``brand`` that wait for an answer for ``hours`` or more.

    ``posts`` are dicts with published_at, reason (question or complaint), source, author,
    title, text and url.
    """
    title = gettext("Veille: {count} post(s) about {brand} wait for an answer", lang).format(
        count=len(posts), brand=brand)
    lines = [gettext("Waiting for more than {hours} h, not answered nor marked answered:",
                     lang).format(hours=number(hours, lang))]
    for post in posts:
        reason = (gettext("question", lang) if post["reason"] == "question"
                  else gettext("complaint", lang))
        when = moment(post["published_at"], lang) if post.get("published_at") else ""
        words = " ".join(str(post.get("title") or post.get("text") or "").split())[:SNIPPET]
        parts = [p for p in (when, reason, post.get("source"), post.get("author"), words) if p]
        lines.append("- " + " · ".join(str(p) for p in parts)
                     + (f" {post['url']}" if post.get("url") else ""))
    link = f"{base_url.rstrip('/')}/{MENTIONS_PATH}?brand={brand}"
    lines.append(gettext("Open in Veille: {link}", lang).format(link=link))
    esc = html.escape
    items = "".join(f"<li>{esc(line[2:])}</li>" for line in lines[1:-1])
    body = (f"<p>{esc(lines[0])}</p><ul>{items}</ul>"
            f'<p><a href="{esc(link)}">{esc(gettext("Open in Veille", lang))}</a></p>')
    return Message(title, "\n".join(lines), body)


def trial_message(target: str, lang: str, base_url: str) -> Message:
    """A short message that only proves ``target`` receives what Veille sends."""
    title = gettext("Veille: test notification", lang)
    text = gettext("This is a test from Veille: notifications reach {target}.", lang).format(
        target=target)
    link = f"{base_url.rstrip('/')}/{SOURCES_PATH}"
    lines = [text, gettext("Open in Veille: {link}", lang).format(link=link)]
    esc = html.escape
    body = (f"<p>{esc(text)}</p>"
            f'<p><a href="{esc(link)}">{esc(gettext("Open in Veille", lang))}</a></p>')
    return Message(title, "\n".join(lines), body)
