"""Each notification target's state for the app: masked address, last deliveries, failures."""

# The Sources page shows where notifications go and whether they get there. It reads the
# delivery log (store.deliveries.delivery_log) and the configured targets; nothing here writes
# or sends. Addresses are shown masked: a URL from watch.toml carries no secret (config refuses
# one), but its path and query may still say more than the page needs to.

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import pandas as pd

from config.watch import NotifyTarget
from store.deliveries import FAILED, FRESH_DAYS, SENT

TEST = "test"  # the event name a test notification is logged under
RECENT = 5  # deliveries listed per target


@dataclass(frozen=True)
class TargetState:
    """One target as the Sources page shows it.

    ``state`` is ``ok`` (its last attempt went), ``failing`` (its last attempt failed) or
    ``unused`` (nothing sent yet). ``retrying`` counts events that failed and are tried again
    at the next run; ``given_up`` those no longer fresh enough to be retried.
    """

    name: str
    address: str
    events: tuple[str, ...]
    state: str
    last_sent: datetime | None = None
    last_error: str | None = None
    failed_attempts: int = 0
    retrying: int = 0
    given_up: int = 0
    recent: pd.DataFrame = field(default_factory=pd.DataFrame)


def masked(url: str) -> str:
    """``url`` without anything that could be a secret: ``env:NAME`` as it is, else only the
    scheme and host (``json://127.0.0.1:8080/…``)."""
    url = url.strip()
    if url.startswith("env:") or "://" not in url:
        return url if url.startswith("env:") else "…"
    parts = urlsplit(url)
    try:
        host = parts.hostname or ""
        port = f":{parts.port}" if parts.port else ""
    except ValueError:  # an unreadable port: show no more than the scheme
        host, port = "", ""
    if host and "." not in host and ":" not in host and host != "localhost":
        # Not a host name: some schemes carry a token there (slack://TokenA/TokenB/TokenC).
        host, port = "…", ""
    rest = "/…" if (parts.path.strip("/") or parts.query or parts.username) else ""
    return f"{parts.scheme}://{host}{port}{rest}"


def target_states(targets: list[NotifyTarget], log: pd.DataFrame,
                  now: datetime | None = None) -> list[TargetState]:
    """The state of each configured target from the delivery ``log`` (newest rows first, as
    :func:`store.deliveries.delivery_log` returns it); ``now`` is naive UTC."""
    now = now or datetime.now(UTC).replace(tzinfo=None)  # the log's times are naive UTC
    fresh_from = now - timedelta(days=FRESH_DAYS)
    out = []
    for target in targets:
        rows = log[log["target"] == target.name].sort_values("last_at", ascending=False)
        if rows.empty:
            out.append(TargetState(target.name, masked(target.url), target.events, "unused",
                                   recent=rows))
            continue
        last = rows.iloc[0]
        sent = rows[rows["status"] == SENT]
        failed = rows[(rows["status"] == FAILED) & (rows["event"] != TEST)]
        out.append(TargetState(
            name=target.name, address=masked(target.url), events=target.events,
            state="ok" if last["status"] == SENT else "failing",
            last_sent=sent["last_at"].max() if not sent.empty else None,
            last_error=None if last["status"] == SENT else str(last["error"] or ""),
            failed_attempts=int(rows.loc[rows["status"] == FAILED, "attempts"].sum()),
            retrying=int((failed["last_at"] >= fresh_from).sum()),
            given_up=int((failed["last_at"] < fresh_from).sum()),
            recent=rows.head(RECENT)))
    return out
