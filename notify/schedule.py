"""When a digest is due: the latest scheduled time that has passed, within a grace period."""

from __future__ import annotations

from datetime import datetime, timedelta

from config.watch import Digest

# A scheduler that was stopped at the scheduled time still sends within this delay; later, the
# digest waits for its next turn rather than arriving at an odd hour.
GRACE = timedelta(hours=1)


def last_slot(digest: Digest, now: datetime) -> datetime:
    """The latest scheduled time at or before ``now`` (same time zone as ``now``)."""
    slot = now.replace(hour=digest.hour, minute=digest.minute, second=0, microsecond=0)
    if slot > now:
        slot -= timedelta(days=1)
    if digest.weekday is not None:
        slot -= timedelta(days=(slot.weekday() - digest.weekday) % 7)
    return slot


def due_slot(digest: Digest, now: datetime) -> datetime | None:
    """The scheduled time to send for now, or None when the last one is past its grace."""
    slot = last_slot(digest, now)
    return slot if now - slot <= GRACE else None
