"""The collectors' command line: run every source once, watch on each source's interval, check."""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from analysis import workers
from collectors import REGISTRY, kind_options
from collectors.progress import JSON, Progress
from collectors.retrain import due as retraining_due
from collectors.runner import (
    Analyser,
    SourceResult,
    UnknownSource,
    models_up_to_date,
    notify,
    refresh_derived,
    run,
    run_source,
)
from config import (
    ConfigError,
    Watch,
    default_config_path,
    default_db_path,
    load_watch,
    store_target,
)
from i18n.catalog import gettext, resolve_language
from i18n.formats import number
from store import StoreError, interrupts, scheduler, store_exists, writing
from store.writes import reorder_if_needed, save_brands, set_meta

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
STOPPED = "stopped: what was collected so far is stored; the next run resumes."


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m collectors",
        description="Collect what is said about your brands into Veille's database.")
    sub = parser.add_subparsers(dest="command", required=True)
    for name, help_text in (
        ("run", "collect every configured source once, then exit"),
        ("watch", "keep collecting, each source on its own `every` interval, until stopped"),
        ("check", "validate watch.toml and list its brands and sources; collect nothing"),
        ("rematch", "re-match every stored item against the current brand queries"),
        ("retrain", "adapt the sentiment models to this watch from the corrections made in "
                    "the app, then score the history again"),
        ("reanalyse", "score the sentiment of every stored item again with the current models"),
    ):
        cmd = sub.add_parser(name, help=help_text, description=help_text)
        cmd.add_argument("--config", type=Path, default=None,
                         help="watch file (default: $VEILLE_CONFIG or ./watch.toml)")
        if name != "check":
            cmd.add_argument("--db", type=store_target, default=None,
                             help="database file (default: $VEILLE_DB or data/veille.duckdb)")
        if name in ("retrain", "reanalyse"):
            pass
        elif name == "rematch":
            cmd.add_argument("--brand", action="append", default=None, metavar="NAME",
                             help="only this brand's mentions (repeat for several)")
        elif name != "check":
            cmd.add_argument("--source", action="append", default=None, metavar="NAME",
                             help="only this source (repeat for several)")
        if name != "check":
            cmd.add_argument("--quiet", action="store_true", help="no progress bar")
            cmd.add_argument("--progress", choices=("bar", JSON), default="bar",
                             help="how progress is written on standard error: a bar for "
                                  "people (default) or one JSON object per line for a "
                                  "program (the app's Collect now reads these)")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Parse ``argv`` and run the command; return the process exit code."""
    args = _parser().parse_args(argv)
    try:
        processes = workers.cores()
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    workers.allow(processes)
    try:
        return _command(args)
    finally:
        workers.close()
        workers.allow(1)


def _command(args: argparse.Namespace) -> int:
    """Run the parsed command; the worker processes of a long run are allowed meanwhile."""
    # SIGTERM (cron, systemd, a parent process) stops as politely as Ctrl-C does.
    interrupts.install()
    try:
        watch = load_watch(args.config or default_config_path(), kinds=kind_options())
    except ConfigError as exc:
        print(f"error: the watch configuration is invalid, nothing was collected:\n{exc}",
              file=sys.stderr)
        return EXIT_USAGE
    if args.command == "check":
        return _check(watch)
    db = args.db or default_db_path()
    # JSON lines are asked for by a program, which wants them even with --quiet.
    progress: Progress = JSON if args.progress == JSON else not args.quiet
    if args.command == "rematch":
        return _rematch(watch, db, args.brand, progress)
    if args.command in ("retrain", "reanalyse"):
        return _retrain(watch, db, args.command == "retrain", progress)
    if args.command == "watch":
        return _guarded(lambda: _watch(watch, db, args.source, progress), UnknownSource,
                        STOPPED)
    return _guarded(lambda: _report(run(watch, db, only=args.source, progress=progress)),
                    UnknownSource, STOPPED)


def _guarded(action: Callable[[], int], usage_error: type[Exception], stopped: str) -> int:
    """Run ``action`` and turn the failures a user can meet into a message and an exit code."""
    try:
        return action()
    except (KeyboardInterrupt, Exception) as exc:
        # Ctrl-C landing in a DuckDB query comes back as an error: it is still a stop.
        if isinstance(exc, KeyboardInterrupt) or interrupts.requested():
            print(stopped, file=sys.stderr)
            return EXIT_INTERRUPTED
        if isinstance(exc, usage_error):
            print(f"error: {exc}", file=sys.stderr)
            return EXIT_USAGE
        if isinstance(exc, StoreError):
            print(f"error: {exc}", file=sys.stderr)
            return EXIT_FAILED
        raise


def _report(results: list[SourceResult]) -> int:
    for result in results:
        print(result.summary(), flush=True)
    if not results:
        print("no source to run: add [[sources]] to the watch file", file=sys.stderr)
    return EXIT_OK if all(r.status in ("ok", "skipped") for r in results) else EXIT_FAILED


def _rematch(watch: Watch, db: Path, only: list[str] | None, progress: Progress) -> int:
    """Re-match the history; print one line per brand whose mentions changed."""
    from collectors.rematch import UnknownBrand, rematch_watch

    if not store_exists(db):
        print(f"error: no database at {db}: nothing to re-match", file=sys.stderr)
        return EXIT_USAGE

    def rematch() -> int:
        result = rematch_watch(watch, db, only, progress=progress)
        print(f"rematch: {result.items:,} items re-matched", flush=True)
        print(result.summary(), flush=True)
        return EXIT_OK

    return _guarded(rematch, UnknownBrand,
                    "stopped: the days re-matched so far are stored; run rematch again to finish.")


def _retrain(watch: Watch, db: Path, learn: bool, progress: Progress) -> int:
    """Retrain from corrections (when ``learn``), then score the history again if needed."""
    from collectors.rematch import rematch_watch
    from collectors.retrain import retrain, stale, watch_models

    if not store_exists(db):
        print(f"error: no database at {db}: nothing to {'retrain on' if learn else 'analyse'}",
              file=sys.stderr)
        return EXIT_USAGE

    lang = resolve_language(watch.ui.language)

    def act() -> int:
        if learn:
            for outcome in retrain(db, watch):
                print(f"retrain: {outcome.line(lang)}", flush=True)
            if not stale(db, watch_models(db, precise=watch.collect.precise)):
                print("retrain: " + gettext("no model changed; stored labels are current", lang),
                      flush=True)
                return EXIT_OK
        result = rematch_watch(watch, db, progress=progress, label="reanalyse")
        print("reanalyse: " + gettext("{count} items scored again with the current models",
                                      lang).format(count=number(result.items, lang)),
              flush=True)
        return EXIT_OK

    return _guarded(act, ValueError, "stopped: the days scored so far are stored; run "
                    "reanalyse again to finish.")


def _check(watch: Watch) -> int:
    print(f"{watch.path}: valid — watch {watch.name!r}")
    for brand in watch.brands:
        own = " (own)" if brand.own else ""
        print(f"  brand  {brand.name}{own}: {brand.query}")
    for source in watch.sources:
        state = "" if source.enabled else " (disabled)"
        print(f"  source {source.name} [{source.kind}] every {source.every:.0f} s{state}")
    for target in watch.notify:
        where = "from the environment" if target.url.startswith("env:") else "in watch.toml"
        brands = ", ".join(target.brands) or "every brand"
        print(f"  notify {target.name}: {', '.join(target.events)} for {brands} "
              f"(URL {where})")
    print(f"  kinds available: {', '.join(sorted(REGISTRY))}")
    return EXIT_OK


def _watch(watch: Watch, db: Path, only: list[str] | None, progress: Progress) -> int:
    """Run sources whenever they are due, until interrupted; each run stores as it goes.

    When the watch file changes (brands edited in the app's Sources page, a source added),
    it is read again between runs: a valid file replaces brands and sources from then on, an
    invalid one is reported once and the running configuration kept. Once enough sentiment
    corrections were made in the app meanwhile, the models are retrained between runs.
    """
    sources = _watched_sources(watch, only)
    _save_watch(db, watch)
    analyser = Analyser(watch.brands, models_up_to_date(watch, db, progress))
    due = {s.name: 0.0 for s in sources}
    seen = _file_stamp(watch.path)
    tried: dict[tuple[str, str], float] = {}
    started = datetime.now(UTC)
    print(f"watching {len(sources)} source(s); Ctrl-C to stop", file=sys.stderr)
    try:
        while True:
            interrupts.check()  # a Ctrl-C that a source's or refresher's handler took for a failure
            stamp = _file_stamp(watch.path)
            if stamp != seen:
                seen = stamp
                reloaded = _reload(watch, only)
                if reloaded is not None:
                    watch, sources = reloaded
                    _save_watch(db, watch)
                    analyser = Analyser(watch.brands, models_up_to_date(watch, db, progress))
                    due = {s.name: due.get(s.name, 0.0) for s in sources}
            _send_due_digests(watch, db, tried)
            if retraining_due(db):  # corrections made in the app while watching
                analyser = Analyser(watch.brands, models_up_to_date(watch, db, progress))
            for source in sources:
                if time.monotonic() >= due[source.name]:
                    due[source.name] = time.monotonic() + source.every
                    _beat(db, started, due)
                    result = run_source(watch, source, db, analyser, progress)
                    print(result.summary(), flush=True)
                    with writing(db) as con:
                        reorder_if_needed(con)
                        refresh_derived(con, bool(result.new or result.updated), sys.stderr,
                                        corrections=False, progress=progress)
                    notify(watch, db, sys.stderr)
            _beat(db, started, due)
            time.sleep(max(0.2, min(min(due.values(), default=5.0) - time.monotonic(), 5.0)))
    finally:
        scheduler.stopped(db)


def _beat(db: Path, started: datetime, due: dict[str, float]) -> None:
    """Tell the app the scheduler is alive and when each source runs next."""
    wall, mono = datetime.now(UTC), time.monotonic()
    scheduler.beat(db, started, {name: wall + timedelta(seconds=max(0.0, at - mono))
                                 for name, at in due.items()})


DIGEST_RETRY = 600.0  # seconds between two tries of a digest whose target was unreachable


def _send_due_digests(watch: Watch, db: Path, tried: dict[tuple[str, str], float]) -> None:
    """Send each digest whose scheduled time has come, once per turn, as a separate process.

    ``reports send`` renders the PDF with Chromium; running it apart keeps the collector's
    memory flat, and it skips the targets that already had this turn's digest.
    """
    from notify.schedule import due_slot

    now = datetime.now().astimezone()
    for digest in watch.digests:
        slot = due_slot(digest, now)
        if slot is None:
            continue
        key = (digest.name, slot.isoformat())
        if time.monotonic() - tried.get(key, -DIGEST_RETRY) < DIGEST_RETRY:
            continue
        tried[key] = time.monotonic()
        proc = subprocess.run(
            [sys.executable, "-m", "reports", "send", "--digest", digest.name, "--slot",
             slot.isoformat(), "--config", str(watch.path), "--db", str(db)],
            capture_output=True, text=True, timeout=600)
        for line in (proc.stdout + proc.stderr).splitlines():
            print(line, file=sys.stderr, flush=True)
        if proc.returncode == 0:
            tried[key] = float("inf")  # done for this turn


def _watched_sources(watch: Watch, only: list[str] | None) -> list:
    """The sources ``watch`` runs: those named in ``only``, or every enabled one."""
    if only:
        missing = set(only) - {s.name for s in watch.sources}
        if missing:
            raise UnknownSource(f"no source named {', '.join(sorted(missing))} in {watch.path}")
    return [s for s in watch.sources if (s.name in only if only else s.enabled)]


def _save_watch(db: Path, watch: Watch) -> None:
    with writing(db) as con:
        save_brands(con, watch.brands)
        set_meta(con, "watch_name", watch.name)


def _file_stamp(path: Path) -> tuple[float, int] | None:
    try:
        stat = Path(path).stat()
    except OSError:
        return None
    return stat.st_mtime, stat.st_size


def _reload(watch: Watch, only: list[str] | None) -> tuple[Watch, list] | None:
    """The watch file read again with the sources to run, or None (said why) to keep going."""
    try:
        fresh = load_watch(watch.path, kinds=kind_options())
        sources = _watched_sources(fresh, only)
    except (ConfigError, UnknownSource) as exc:
        print(f"warning: {watch.path} changed but cannot be used, still watching with the "
              f"previous version:\n{exc}", file=sys.stderr, flush=True)
        return None
    print(f"reloaded {watch.path}: {len(fresh.brands)} brand(s), {len(sources)} source(s)",
          file=sys.stderr, flush=True)
    return fresh, sources
