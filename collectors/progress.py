"""Progress of long work: a bar for people at a terminal, or JSON lines for a program reading it."""

# The app's "Collect now" runs the CLI in a subprocess and shows its progress. Parsing tqdm's
# redrawn bar text broke whenever a source name held a colon or tqdm changed its layout; with
# `--progress json` the CLI writes one JSON object per line instead, a contract of its own:
#   {"event": "progress", "task": "demo", "done": 1800, "total": 4000, "unit": "items"}
#   {"event": "progress", "task": "analysis tables", ..., "step": "alerts"}
#   {"event": "message", "task": "demo", "text": "warning: demo: ..."}
#   {"event": "finished", "task": "demo", "done": 4000, "total": 4000, "unit": "items"}
# "total" is null while unknown. Lines are throttled (one progress line per task every half
# second at most); "finished" is always written.

from __future__ import annotations

import json
import sys
import time
from typing import TextIO

from tqdm import tqdm

JSON = "json"
INTERVAL = 0.5

# What every long task accepts as its ``progress`` argument: True (a bar), False (nothing) or
# "json" (JSON lines).
Progress = bool | str


class JsonProgress:
    """The part of tqdm's interface Veille's long tasks use, written as JSON lines."""

    def __init__(self, desc: str, total: int | None, unit: str, stream: TextIO):
        self.desc, self.total, self.unit, self.n = desc, total, unit.strip(), 0
        self._stream = stream
        self._step: str | None = None
        self._last = 0.0
        self._closed = False
        self._emit("progress")

    def _emit(self, event: str, **extra: object) -> None:
        record = {"event": event, "task": self.desc, "done": self.n, "total": self.total,
                  "unit": self.unit}
        if self._step is not None:
            record["step"] = self._step
        record.update(extra)
        self._stream.write(json.dumps(record, ensure_ascii=False) + "\n")
        self._stream.flush()
        self._last = time.monotonic()

    def update(self, n: int = 1) -> None:
        """Count ``n`` more units done; write a line when the last one is old enough."""
        self.n += n
        if time.monotonic() - self._last >= INTERVAL:
            self._emit("progress")

    def refresh(self) -> None:
        """Write the current state now (after the total became known)."""
        self._emit("progress")

    def set_postfix_str(self, text: str) -> None:
        """Name the step in progress (the table being refreshed…)."""
        self._step = text
        self._emit("progress")

    def write(self, text: str, file: TextIO | None = None) -> None:
        """A message that goes with this task (a warning…), as its own line."""
        record = {"event": "message", "task": self.desc, "text": text}
        self._stream.write(json.dumps(record, ensure_ascii=False) + "\n")
        self._stream.flush()

    def close(self) -> None:
        """Write the final state once."""
        if not self._closed:
            self._closed = True
            self._emit("finished")

    def __enter__(self) -> JsonProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def progress_bar(desc: str, progress: Progress, stream: TextIO | None = None,
                 total: int | None = None, unit: str = " items"):
    """A tqdm bar (``progress`` true), a silent one (false) or JSON lines (``"json"``).

    Args:
        desc: what is being done, shown before the bar and as the JSON ``task``.
        progress: the task's ``progress`` argument (:data:`Progress`).
        stream: where to write (default standard error).
        total: how many units in all, when known.
        unit: the unit counted, with its leading space as tqdm wants it.
    """
    stream = stream or sys.stderr
    if progress == JSON:
        return JsonProgress(desc, total, unit, stream)
    return tqdm(desc=desc, total=total, unit=unit, file=stream, disable=not progress,
                mininterval=INTERVAL, dynamic_ncols=True, leave=False)
