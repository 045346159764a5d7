"""Sending: each target gets each event once through Apprise; every attempt is logged."""

# Events: fresh alerts, page changes, unhealthy sources, posts waiting for an answer (and the
# digests, sent by reports.digest through send_logged). A target that is down is tried again
# at the next run until the event is no longer fresh (store.deliveries.FRESH_DAYS); the
# failure is in the delivery log meanwhile. Target URLs may carry secrets: they are read from
# the environment at send time and never printed or stored.

from __future__ import annotations

import logging
import sys
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TextIO

import pandas as pd

from config import Watch
from config.watch import NotifyTarget
from i18n.catalog import resolve_language
from notify.messages import (
    Message,
    alert_message,
    incidents,
    page_message,
    source_message,
    unanswered_message,
)
from store import reading, writing
from store.alerts import source_health
from store.community import needs_answer
from store.deliveries import (
    FRESH_DAYS,
    AlertEvent,
    pending_alerts,
    pending_page_changes,
    record,
    was_sent,
)
from store.filters import Filters

EMAIL_SCHEMES = ("mailto", "mailtos")


@dataclass(frozen=True)
class Delivery:
    """One attempt to tell one target about one incident: its alerts, in one message."""

    target: str
    events: tuple[AlertEvent, ...]
    error: str | None

    def line(self) -> str:
        """One line for the terminal, naming the target but never its URL."""
        first = self.events[0]
        kinds = " and ".join(dict.fromkeys(e.kind for e in self.events))
        what = (f"{first.brand} {kinds} alert{'s' if len(self.events) > 1 else ''} of "
                f"{first.started_at:%Y-%m-%d}")
        if self.error is None:
            return f"notify: {self.target}: sent the {what}"
        return f"notify: {self.target}: could not send the {what} ({self.error}); will retry"


def send(url: str, message: Message, attachment: Path | None = None) -> str | None:
    """Send ``message`` to one Apprise URL (with a file); None when it went, else why not.

    The reason given never contains the URL or a part of it that could be a secret.
    """
    import apprise

    target = apprise.Apprise()
    if not target.add(url):
        return "not an Apprise URL this version understands"
    email = url.split(":", 1)[0].lower() in EMAIL_SCHEMES
    fmt = apprise.NotifyFormat.HTML if email else apprise.NotifyFormat.TEXT
    attach = apprise.AppriseAttachment(str(attachment)) if attachment else None
    with apprise.LogCapture(level=logging.WARNING, fmt="%(message)s") as logs:
        ok = target.notify(title=message.title, body=message.html if email else message.text,
                           body_format=fmt, attach=attach)
        seen = logs.getvalue()
    if ok:
        return None
    reason = next((line.strip() for line in seen.splitlines() if line.strip()), "")
    for part in {url, *url.replace("/", " ").replace("?", " ").replace("&", " ").split()}:
        if len(part) >= 6:
            reason = reason.replace(part, "***")
    return (reason or "the target did not accept the message")[:300]


def send_logged(db: Path | str, target: NotifyTarget, event: str, refs: list[str],
                message: Message, attachment: Path | None = None) -> str | None:
    """Send ``message`` to ``target`` and log it under each of ``refs``; the error or None.

    A URL that cannot be read from the environment is a failure like any other: logged, and
    tried again at the next run.
    """
    try:
        error = send(target.resolve_url(), message, attachment)
    except ValueError as exc:
        error = str(exc)
    with writing(db) as con:
        for ref in refs:
            record(con, target.name, event, ref, error)
    return error


def outcome(error: str | None) -> str:
    """How a send went, for the terminal."""
    return "sent" if error is None else f"could not send ({error}); will retry"


def _notify_target(db: Path | str, target: NotifyTarget, lang: str,
                   base_url: str) -> list[Delivery]:
    with reading(db) as con:
        events = pending_alerts(con, target.name, target.brands, target.min_ratio)
    if not events:
        return []
    out = []
    for incident in incidents(events):
        error = send_logged(db, target, "alert", [e.id for e in incident],
                            alert_message(incident, lang, base_url))
        out.append(Delivery(target.name, tuple(incident), error))
    return out


def deliver(watch: Watch, db: Path | str, stream: TextIO | None = None) -> list[Delivery]:
    """Tell every configured target about the events it asked for and has not had yet.

    Returns the alert deliveries, one per incident (:func:`notify.messages.incidents`);
    prints one line per attempt on ``stream``. A target's failure never stops the others. A
    target in its quiet hours gets nothing now and its events at the first run after.
    """
    stream = stream or sys.stderr
    lang = resolve_language(watch.ui.language)
    done: list[Delivery] = []
    local = datetime.now().astimezone()
    health = None
    for target in watch.notify:
        if target.is_quiet(local.hour * 60 + local.minute):
            # Nothing is recorded: the events stay pending and go at the first run after.
            print(f"notify: {target.name}: quiet hours, messages held back", file=stream,
                  flush=True)
            continue
        if "alert" in target.events:
            for delivery in _notify_target(db, target, lang, watch.ui.base_url):
                print(delivery.line(), file=stream, flush=True)
                done.append(delivery)
        if "page_change" in target.events:
            for line in _notify_pages(db, target, lang):
                print(line, file=stream, flush=True)
        if "unanswered" in target.events:
            line = _notify_unanswered(db, watch, target, lang)
            if line:
                print(line, file=stream, flush=True)
        if "source_unhealthy" in target.events:
            health = source_health(db) if health is None else health
            for line in _notify_sources(db, target, health, lang, watch.ui.base_url):
                print(line, file=stream, flush=True)
    return done


def _notify_unanswered(db: Path | str, watch: Watch, target: NotifyTarget,
                       lang: str) -> str | None:
    """Tell ``target`` about the posts waiting for an answer longer than it allows, in one
    message, each post once."""
    own = next((b.name for b in watch.brands if b.own), None)
    if own is None or (target.brands and own not in target.brands):
        return None
    now = datetime.now(UTC).replace(tzinfo=None)
    window = Filters(start=(now - timedelta(days=FRESH_DAYS)).date(), end=now.date())
    waiting = needs_answer(db, window, own)
    cutoff = now - timedelta(seconds=target.unanswered_after)
    posts = [row for row in waiting.to_dict("records") if row["published_at"] <= cutoff]
    with reading(db) as con:
        posts = [p for p in posts if not was_sent(con, target.name, "unanswered", p["item_id"])]
    if not posts:
        return None
    posts.sort(key=lambda p: p["published_at"])
    message = unanswered_message(own, posts, target.unanswered_after / 3600, lang,
                                 watch.ui.base_url)
    error = send_logged(db, target, "unanswered", [p["item_id"] for p in posts], message)
    return (f"notify: {target.name}: {len(posts)} post(s) waiting for an answer: "
            f"{outcome(error)}")


def _notify_pages(db: Path | str, target: NotifyTarget, lang: str) -> list[str]:
    """Tell ``target`` about each watched page that changed, once per change."""
    with reading(db) as con:
        changes = pending_page_changes(con, target.name, target.brands)
    lines = []
    for change in changes:
        error = send_logged(db, target, "page_change", [change.item_id],
                            page_message(change, lang))
        lines.append(f"notify: {target.name}: page change on {change.url}: {outcome(error)}")
    return lines


def _notify_sources(db: Path | str, target: NotifyTarget, health, lang: str,
                    base_url: str) -> list[str]:
    """Tell ``target`` about each source failing or gone silent, once per episode.

    An episode is known by the source, its state and its last success: a source that comes
    back and fails again is a new one.
    """
    lines = []
    for row in health.itertuples():
        if row.status not in ("failing", "silent"):
            continue
        last = row.last_success if pd.notna(row.last_success) else None
        ref = f"{row.name}:{row.status}:{last.isoformat() if last is not None else 'never'}"
        with reading(db) as con:
            if was_sent(con, target.name, "source_unhealthy", ref):
                continue
        message = source_message(row.name, row.status, row.reason, last, row.last_error, lang,
                                 base_url)
        error = send_logged(db, target, "source_unhealthy", [ref], message)
        lines.append(f"notify: {target.name}: source {row.name} {row.status}: {outcome(error)}")
    return lines
