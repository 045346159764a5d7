"""The store's command line: ``python -m store info [--db PATH] [--json]``,
``python -m store copy --from STORE --to STORE`` and ``python -m store maintain --db LAKE``."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from config import default_db_path
from i18n.catalog import gettext, resolve_language
from i18n.formats import number
from store import StoreError, lake
from store.connection import reading
from store.schema import LATEST, current_version

EXIT_USAGE = 2


def info(db: Path | str) -> dict:
    """What the store at ``db`` holds: its shape, schema version and counts.

    Keys: ``shape`` ("file" or "lake"), ``path`` (a lake's with any password masked),
    ``bytes`` (a file's size; a lake's current data files), ``schema_version`` (and
    ``schema_latest``, what this Veille writes), ``items``, ``mentions``, ``own_posts``,
    ``sources``, ``brands``, ``newest_item`` (ISO time of the latest item published, or None)
    and ``watch``.
    """
    with reading(db) as con:
        version = current_version(con)
        shaped = ({"shape": "lake", "path": lake.describe(db),
                   "bytes": lake.footprint(con)["bytes"]}
                  if lake.is_lake(db) else
                  {"shape": "file", "path": str(db), "bytes": Path(db).stat().st_size})
        out = shaped | {"schema_version": version, "schema_latest": LATEST}
        if version == 0:
            return out | {"items": 0, "mentions": 0, "own_posts": 0, "sources": 0,
                          "brands": 0, "newest_item": None, "watch": None}
        items, newest = con.execute("SELECT count(*), max(published_at) FROM items").fetchone()
        own = con.execute("SELECT count(*) FROM items WHERE own_brand IS NOT NULL").fetchone()[0] \
            if version >= 11 else 0
        mentions = con.execute("SELECT count(*) FROM mentions").fetchone()[0]
        sources = con.execute("SELECT count(*) FROM sources").fetchone()[0]
        brands = con.execute("SELECT count(*) FROM brands").fetchone()[0]
        watch = con.execute("SELECT value FROM meta WHERE key = 'watch_name'").fetchone()
    return out | {"items": int(items), "mentions": int(mentions), "own_posts": int(own),
                  "sources": int(sources), "brands": int(brands),
                  "newest_item": newest.isoformat() if newest else None,
                  "watch": watch[0] if watch else None}


def _lines(found: dict) -> list[str]:
    newer = (" (older than this Veille's; the next collection upgrades it)"
             if found["schema_version"] < found["schema_latest"] else "")
    shape = ("a DuckLake" if found["shape"] == "lake" else "one DuckDB file")
    return [
        f"store: {shape}, {found['path']} ({found['bytes'] / 1e6:,.1f} MB)",
        f"schema version: {found['schema_version']}{newer}",
        f"watch: {found['watch'] or '—'}",
        f"items: {found['items']:,} (of which the brands' own posts: {found['own_posts']:,})",
        f"mentions: {found['mentions']:,}",
        f"sources: {found['sources']:,} · brands: {found['brands']:,}",
        f"newest item: {found['newest_item'] or '—'}",
    ]


def copy(source: str, target: str, progress: bool) -> int:
    """Copy the store ``source`` into the empty store ``target`` with a progress bar; print
    what was copied and return the exit code."""
    from tqdm import tqdm

    from store.copy import copy_store, plan

    try:
        total = sum(plan(source).values())
        with tqdm(desc="copy", total=total, unit=" rows", disable=not progress,
                  file=sys.stderr, dynamic_ncols=True, leave=False, mininterval=0.5) as bar:
            def on_rows(table: str, n: int) -> None:
                bar.set_postfix_str(table, refresh=False)
                bar.update(n)
            copied = copy_store(source, target, on_rows)
    except StoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    lang = resolve_language()
    print(gettext("copied {rows} rows in {tables} tables ({items} items, {mentions} mentions) "
                  "to {target}", lang).format(
        rows=number(sum(copied.values()), lang), tables=number(len(copied), lang),
        items=number(copied.get("items", 0), lang),
        mentions=number(copied.get("mentions", 0), lang), target=lake.describe(target)))
    return 0


def maintain(db: str, keep_days: float) -> int:
    """Compact the lake ``db``; print its files and snapshots before and after."""
    if not lake.is_lake(db):
        print(f"error: {db} is a DuckDB file, which needs no maintenance; `store maintain` "
              "compacts a lake (ducklake:postgres:<conninfo>)", file=sys.stderr)
        return EXIT_USAGE
    try:
        before, after = lake.maintain(db, keep_days)
    except (StoreError, lake.LakeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    print(f"data files: {before['files']:,} -> {after['files']:,} "
          f"({before['bytes'] / 1e6:,.1f} MB -> {after['bytes'] / 1e6:,.1f} MB)")
    print(f"snapshots kept: {before['snapshots']:,} -> {after['snapshots']:,}")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Parse ``argv`` and run the command; return the exit code."""
    parser = argparse.ArgumentParser(prog="python -m store",
                                     description="Look at Veille's store.")
    sub = parser.add_subparsers(dest="command", required=True)
    cmd = sub.add_parser("info", help="the store's shape, schema version and counts")
    cmd.add_argument("--db", default=None,
                     help="database file or ducklake:postgres:<conninfo> lake "
                          "(default: $VEILLE_DB or data/veille.duckdb)")
    cmd.add_argument("--json", action="store_true", help="one JSON object instead of lines")
    cmd = sub.add_parser("copy", help="copy a whole store into a new file or an empty lake")
    cmd.add_argument("--from", dest="source", default=None,
                     help="the store copied (default: $VEILLE_DB or data/veille.duckdb)")
    cmd.add_argument("--to", dest="target", required=True,
                     help="a new DuckDB file or an empty ducklake:postgres:<conninfo> lake")
    cmd.add_argument("--quiet", action="store_true", help="no progress bar")
    cmd = sub.add_parser("maintain", help="compact a lake: merge small files, forget old "
                                          "snapshots, delete the files nobody needs")
    cmd.add_argument("--db", default=None, help="the lake (default: $VEILLE_DB)")
    cmd.add_argument("--keep-days", type=float, default=lake.KEEP_DAYS,
                     help="keep the snapshots of the last N days readable, for reports "
                          f"rendered again with --snapshot (default {lake.KEEP_DAYS:g})")
    args = parser.parse_args(argv)
    if args.command == "maintain":
        return maintain(str(args.db or default_db_path()), args.keep_days)
    if args.command == "copy":
        return copy(args.source or str(default_db_path()), args.target, not args.quiet)
    db = args.db or default_db_path()
    try:
        found = info(db)
    except StoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    print(json.dumps(found) if args.json else "\n".join(_lines(found)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
