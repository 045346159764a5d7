"""Run configured sources once: collect, analyse, store in batches; failures stay contained."""

from __future__ import annotations

import copy
import sys
import threading
import time
import uuid
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from analysis import workers
from collectors import REGISTRY
from collectors import retrain as retraining
from collectors.base import CollectorError, Context, Item
from collectors.pipeline import Analyser, Analysis, content_hash
from collectors.progress import Progress, progress_bar
from config import Source, Watch
from i18n.catalog import resolve_language
from store import interrupts, leases, writing
from store.derived import REFRESHERS, refresh_all
from store.edits import apply_corrections
from store.writes import (
    clear_derived_stale,
    derived_stale,
    existing_hashes,
    finish_run,
    now,
    reorder_if_needed,
    save_brands,
    set_meta,
    source_state,
    start_run,
    write_batch,
)

BATCH_ITEMS = 5000
# How long a collector waits for another process's refresh of the derived tables on a lake
# before it leaves them to the next run (they stay marked stale until then).
REFRESH_WAIT = 600.0
# Flush at least this often so a slow source's items show up in the app while it runs.
BATCH_SECONDS = 5.0
MAX_WARNINGS_SHOWN = 20


@dataclass
class SourceResult:
    """The outcome of one source's run, as printed in its summary line."""

    name: str
    kind: str
    status: str = "ok"
    seen: int = 0
    new: int = 0
    updated: int = 0
    warnings: int = 0
    error: str | None = None
    error_kind: str | None = None
    seconds: float = 0.0

    def summary(self) -> str:
        """One line for the terminal: what the source did, or why it failed."""
        rate = self.seen / self.seconds if self.seconds > 0 else 0.0
        line = (f"{self.name}: {self.status} — {self.seen} seen, {self.new} new, "
                f"{self.updated} updated, {self.warnings} warnings, {self.seconds:.1f} s "
                f"({rate:,.0f} items/s)")
        if self.error:
            line += f" — {self.error_kind}: {self.error}"
        return line


class UnknownSource(ValueError):
    """``--source`` named a source that watch.toml does not have."""


def run(watch: Watch, db_path: Path | str, only: list[str] | None = None,
        progress: Progress = True, stream: TextIO | None = None) -> list[SourceResult]:
    """Collect every enabled source of ``watch`` once (or only the named ones) into ``db_path``.

    Each source runs to its end or its failure; failures are recorded on the source and in the
    run log and the next source runs. Raises :class:`UnknownSource` before collecting anything
    when ``only`` names a source that is not configured. Before collecting, the sentiment
    models are retrained when enough corrections were made since the last time, and stored
    labels given by other models than those in use are scored again (with a progress bar).
    """
    stream = stream or sys.stderr
    names = {s.name for s in watch.sources}
    missing = [n for n in only or [] if n not in names]
    if missing:
        raise UnknownSource(f"no source named {', '.join(map(repr, missing))} in {watch.path} "
                            f"(configured: {', '.join(sorted(names)) or 'none'})")
    chosen = [s for s in watch.sources if (s.name in only if only else s.enabled)]
    with writing(db_path) as con:
        save_brands(con, watch.brands)
        set_meta(con, "watch_name", watch.name)
    analyser = Analyser(watch.brands, models_up_to_date(watch, db_path, progress, stream))
    results = []
    try:
        for source in chosen:
            results.append(run_source(watch, source, db_path, analyser, progress, stream))
    finally:
        with writing(db_path) as con:
            reorder_if_needed(con)
            refresh_derived(con, any(r.new or r.updated for r in results), stream,
                            progress=progress)
        # Between the rounds of `collectors watch`, idle workers would only hold memory.
        workers.close()
    notify(watch, db_path, stream)
    return results


def notify(watch: Watch, db_path: Path | str, stream: TextIO) -> None:
    """Send the fresh alerts to the watch's notification targets; a failure is only reported.

    Nothing collected depends on a notification: whatever goes wrong here is printed and the
    run's outcome stands (undelivered alerts are tried again at the next run).
    """
    if not watch.notify:
        return
    from notify.send import deliver

    try:
        deliver(watch, db_path, stream)
    except Exception as exc:  # noqa: BLE001 - retried on the next run
        interrupts.check(exc)
        print(f"warning: could not send notifications: {type(exc).__name__}: {exc}",
              file=stream, flush=True)


def models_up_to_date(watch: Watch, db_path: Path | str, progress: Progress = True,
                      stream: TextIO | None = None) -> dict:
    """The watch's sentiment models, retrained and applied to history first where needed.

    Retrains when ``RETRAIN_AFTER`` corrections were made since the last retrain; scores the
    history again when the stored labels came from other models (a new release, a retrain
    interrupted before it finished). A database without items just records the models.
    """
    from collectors.rematch import rematch_watch

    stream = stream or sys.stderr
    if retraining.due(db_path):
        for outcome in retraining.retrain(db_path, watch, stream):
            print(f"retrain: {outcome.line(resolve_language(watch.ui.language))}",
                  file=stream, flush=True)
    models = retraining.watch_models(db_path, stream, watch.collect.precise)
    if retraining.stale(db_path, models):
        print("sentiment models changed: scoring the stored history again", file=stream,
              flush=True)
        rematch_watch(watch, db_path, progress=progress, stream=stream, label="reanalyse")
    else:
        retraining.mark_current(db_path, models)
    return models


def refresh_derived(con, changed: bool, stream: TextIO, corrections: bool = True,
                    progress: Progress = True) -> None:
    """Rebuild the derived tables (alerts, terms…) when items changed.

    Items changed in this run (``changed``) or in an earlier run killed before it got here (the
    stale mark its batches left): either way every refresher runs, and the mark is cleared only
    when all of them succeeded. Otherwise, with ``corrections``, only the sentiment corrections
    made in the app are applied. With ``progress``, a bar on ``stream`` names the table being
    refreshed: the first run on a database of millions of items spends minutes here.
    """
    if changed or derived_stale(con):
        with leases.leased(con, "derived", wait=REFRESH_WAIT) as lease:
            if not lease.held:
                print(f"warning: analysis tables not refreshed: another process's refresh "
                      f"({lease.describe()}) took too long; the next run refreshes them",
                      file=stream, flush=True)
                return
            _refresh_every_table(con, stream, progress)
    elif corrections:
        # Corrections made in the app reach the rollups even when nothing new came.
        try:
            apply_corrections(con)
        except Exception as exc:  # noqa: BLE001 - retried on the next run
            interrupts.check(exc)
            print(f"warning: could not apply sentiment corrections: {exc}", file=stream)


def _refresh_every_table(con, stream: TextIO, progress: Progress) -> None:
    """Run every refresher with a bar; clear the stale mark only when all of them succeeded."""
    failures: list[str] = []

    def warn(message: str) -> None:
        failures.append(message)
        bar.write(f"warning: {message}", file=stream)

    bar = progress_bar("analysis tables", progress, stream, total=len(REFRESHERS),
                       unit=" tables")

    started: list[str] = []

    def step(name: str) -> None:
        if started:
            bar.update()
        started.append(name)
        bar.set_postfix_str(name)

    with bar:
        refresh_all(con, warn=warn, step=step)
        bar.update(1)
    if not failures:
        clear_derived_stale(con)


def run_source(watch: Watch, source: Source, db_path: Path | str, analyser: Analyser,
               progress: Progress = True, stream: TextIO | None = None) -> SourceResult:
    """Run one source to completion, storing its items batch by batch; never raises for its
    own failures (they are in the result), only for KeyboardInterrupt after saving its work."""
    stream = stream or sys.stderr
    result = SourceResult(name=source.name, kind=source.kind)
    run_id = uuid.uuid4().hex

    def warn(message: str) -> None:
        result.warnings += 1
        if result.warnings <= MAX_WARNINGS_SHOWN:
            bar.write(f"warning: {source.name}: {message}", file=stream)
        elif result.warnings == MAX_WARNINGS_SHOWN + 1:
            bar.write(f"warning: {source.name}: more warnings follow, counted in the summary",
                      file=stream)

    def set_total(total: int | None) -> None:
        bar.total = total
        bar.refresh()

    batch: dict[str, Item] = {}
    started = last_flush = time.monotonic()
    # Long batches are analysed by worker processes while the next one is collected. A batch
    # is written, with the state the collector had when it was cut, once the next one has been
    # handed to the workers: they always have one to work on while this process collects and
    # writes. Until then its items count as stored, with their new content.
    analysing: deque[tuple[Analysis, dict, dict[str, str]]] = deque()

    def write_oldest() -> None:
        analysis, state, _ = analysing[0]
        rows = analysis.rows()  # wait for the workers before locking readers out
        with writing(db_path) as con:
            # Ctrl-C waits for the batch to be stored and counted: the run's counts stay true.
            with interrupts.held():
                res = write_batch(con, *rows, source=source.name, kind=source.kind,
                                  state=state)
                # Dropped only once written: a failure before leaves it for the salvage.
                analysing.popleft()
                result.new += res.new
                result.updated += res.updated
            lease.renew(con)

    def flush(last: bool = False) -> None:
        if batch or ctx.state:
            with writing(db_path) as con:
                known = existing_hashes(con, list(batch))
            for _, _, pending in analysing:
                known.update((key, h) for key, h in pending.items() if key in batch)
            hashes = {key: content_hash(item) for key, item in batch.items()}
            fresh = [item for key, item in batch.items() if known.get(key) != hashes[key]]
            analysing.append((analyser.submit(fresh, source.name, now()),
                              copy.deepcopy(ctx.state), hashes))
            batch.clear()
        keep = 0 if last or (analysing and analysing[-1][0].ready) else 1
        while len(analysing) > keep:
            write_oldest()

    interrupted = opened = False
    try:
        # Ctrl-C during the opening waits for its end: once the run is recorded, the handlers
        # below close it and give the lease back, wherever the stop then lands.
        with interrupts.held(then_stop=False), writing(db_path) as con:
            # On a lake another collector may be running this source: leave it to that one.
            lease = leases.acquire(con, f"source:{source.name}")
            if not lease.held:
                result.status, result.error_kind = "skipped", "leased"
                result.error = f"being collected by another process ({lease.describe()})"
                return result
            state = source_state(con, source.name)
            start_run(con, run_id, source.name, source.kind, source.every)
            bar = progress_bar(source.name, progress, stream)
            ctx = Context(state=state, brands=watch.brands, collect=watch.collect, warn=warn,
                          set_total=set_total, base_dir=watch.path.parent,
                          http=_LazyFetcher(watch))
            opened = True
        interrupts.check()
        collector = REGISTRY[source.kind](source.name, source.settings)
        for item in collector.collect(ctx):
            item.source = source.name
            if source.own:
                item.extra["own_brand"] = source.own
            analyser.mark_own(item)
            batch[item.item_id] = item
            result.seen += 1
            bar.update(1)
            if len(batch) >= BATCH_ITEMS or time.monotonic() - last_flush > BATCH_SECONDS:
                flush()
                last_flush = time.monotonic()
        flush(last=True)
    except (KeyboardInterrupt, Exception) as exc:  # a crashing collector must not stop the others
        if not opened:
            raise  # the store failed before the run began: nothing of it to close
        # Ctrl-C landing in a DuckDB write comes back as an error: it is still a stop.
        interrupted = isinstance(exc, KeyboardInterrupt) or interrupts.requested()
        if interrupted:
            result.status, result.error_kind = "interrupted", "interrupted"
            result.error = "stopped by the user"
        elif isinstance(exc, CollectorError):
            result.status, result.error, result.error_kind = "failed", str(exc), exc.category
        else:
            result.status, result.error_kind = "failed", "crash"
            result.error = f"{type(exc).__name__}: {exc}"
        _salvage(flush, result)
    finally:
        if opened:
            # A Ctrl-C landing while the run is closed stops the program once it is closed.
            with interrupts.held():
                bar.close()
                ctx.http.close()
                result.seconds = time.monotonic() - started
                with writing(db_path) as con:
                    finish_run(con, run_id, source.name, status=result.status,
                               seen=result.seen, new=result.new, updated=result.updated,
                               warnings=result.warnings, error=result.error,
                               error_kind=result.error_kind)
                    leases.release(con, lease)
    if interrupted:
        raise KeyboardInterrupt
    return result


class _LazyFetcher:
    """Creates the HTTP fetcher on first use, so offline kinds (demo, file) never build one."""

    def __init__(self, watch: Watch):
        self._watch = watch
        self._fetcher = None
        self._lock = threading.Lock()

    def __getattr__(self, name: str):
        with self._lock:  # collectors may first touch it from worker threads
            if self._fetcher is None:
                from collectors.http import Fetcher

                self._fetcher = Fetcher(self._watch.collect)
        return getattr(self._fetcher, name)

    def close(self) -> None:
        """Close the underlying client if one was made."""
        if self._fetcher is not None:
            self._fetcher.close()


def _salvage(flush, result: SourceResult) -> None:
    """Store what was collected before a failure; a storage error then joins the message."""
    try:
        flush(last=True)
    except Exception as exc:  # noqa: BLE001 - the original failure is the one to report
        result.error = f"{result.error}; and the last batch could not be stored: {exc}"
