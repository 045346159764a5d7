"""The collector scheduler's heartbeat: is `collectors watch` running, when is each source due."""

# `collectors watch` rewrites a small JSON file beside the database every few seconds; the app
# reads it to say whether collection is running and when each source runs next. A file, not a
# table: a write to the database every few seconds would lock the app's readers out each time.

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from config.watch import local_twin

STALE = timedelta(seconds=30)  # a heartbeat older than this: the scheduler has stopped


@dataclass(frozen=True)
class SchedulerStatus:
    """What the app says about collection: running or not, since when, each source's next run."""

    running: bool
    started_at: datetime | None = None
    beat_at: datetime | None = None
    next_runs: dict[str, datetime] = field(default_factory=dict)


def heartbeat_path(db: Path | str) -> Path:
    """The heartbeat file beside the database: ``veille.duckdb`` → ``veille.scheduler.json``."""
    db = local_twin(db)
    db.parent.mkdir(parents=True, exist_ok=True)
    return db.with_name(f"{db.stem}.scheduler.json")


def beat(db: Path | str, started_at: datetime, next_runs: dict[str, datetime]) -> None:
    """Record that the scheduler is alive now, and when each source runs next (UTC times)."""
    path = heartbeat_path(db)
    data = {"pid": os.getpid(), "started_at": started_at.isoformat(),
            "beat_at": datetime.now(UTC).isoformat(),
            "next_runs": {name: when.isoformat() for name, when in next_runs.items()}}
    tmp = path.with_name(path.name + ".part")
    try:
        tmp.write_text(json.dumps(data), encoding="utf-8")
        tmp.replace(path)  # readers never see half a file
    except OSError:
        pass  # a full or read-only disk must not stop collection; the app says "not running"


def stopped(db: Path | str) -> None:
    """Remove the heartbeat: the scheduler has stopped on purpose."""
    try:
        heartbeat_path(db).unlink()
    except OSError:
        pass


def status(db: Path | str, now: datetime | None = None) -> SchedulerStatus:
    """The scheduler's state as its heartbeat tells it (not running when there is none)."""
    try:
        data = json.loads(heartbeat_path(db).read_text(encoding="utf-8"))
        beat_at = datetime.fromisoformat(data["beat_at"])
        started = datetime.fromisoformat(data["started_at"])
        runs = {str(k): datetime.fromisoformat(v) for k, v in data["next_runs"].items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return SchedulerStatus(False)
    now = now or datetime.now(UTC)
    return SchedulerStatus(now - beat_at <= STALE, started, beat_at, runs)
