"""``python -m reports pdf``: the meeting report (or chosen views) as a PDF, for cron or by hand."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from config import ConfigError, default_config_path, default_db_path, load_watch
from reports import images, pdf
from store import StoreError, queries
from views import filters as flt
from views import registry
from views.context import View, ViewError, make_view, parse_choices


class ReportError(ViewError):
    """A report cannot be made for what was asked (days outside the data…)."""


def brand_queries(config: Path | str | None, db: Path | str) -> list[tuple[str, str]]:
    """Each brand's query as the config states it (with its exclusions and products).

    Falls back to the queries stored with the data when the config cannot be read, so a report
    made on another machine still says how the mentions were matched.
    """
    try:
        watch = load_watch(config)
    except (ConfigError, OSError):
        stored = queries.brands(db)
        return [(str(n), str(q)) for n, q in zip(stored["name"], stored["query"], strict=True)]
    out = []
    for brand in watch.brands:
        text = brand.query
        products = getattr(brand, "products", None)
        if products:
            text += f" · products: {', '.join(products)}"
        if brand.exclude:
            text += f" · excluding: {brand.exclude}"
        out.append((brand.name, text))
    return out


def make_pdf(db: Path | str, params: dict[str, list[str]], views: Sequence[str],
             config: Path | str | None = None, base_url: str = pdf.DEFAULT_BASE_URL
             ) -> tuple[bytes, View]:
    """Build the PDF for URL-style filter ``params``: a snapshot for one view, else a report.

    Raises :class:`ViewError` for bad filters or an empty database and
    :class:`images.RendererMissing` when Chromium or the fonts are missing.
    """
    images.check()
    pdf.font_dir()
    choices, options = parse_choices(db, params)
    view = make_view(db, choices, options)
    prov = pdf.provenance(view, flt.to_params(choices), brand_queries(config, db), base_url)
    sections = [registry.get(name).build(view) for name in views]
    if len(sections) == 1:
        return pdf.snapshot(view, sections[0], prov), view
    return pdf.report(view, sections, prov), view


def _day(text: str) -> str:
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a day like 2026-06-30") from None


def parser() -> argparse.ArgumentParser:
    """The command-line interface of ``python -m reports``."""
    top = argparse.ArgumentParser(prog="python -m reports",
                                  description="Veille reports: PDF snapshots and exports.")
    commands = top.add_subparsers(dest="command", required=True)
    cmd = commands.add_parser(
        "pdf", help="write the meeting report (every view) or the chosen views as a PDF",
        description="Write a PDF of Veille's views under the given filters. With one --view it "
                    "is that view's snapshot; otherwise a report with a cover and contents.")
    cmd.add_argument("--out", required=True, type=Path, help="the PDF file to write")
    cmd.add_argument("--period", choices=[p for p in flt.PERIODS if p != "custom"],
                     help=f"a preset period counted back from the newest day "
                          f"(default {flt.DEFAULT_PERIOD}; --since/--until set custom days)")
    cmd.add_argument("--since", type=_day, help="first day shown (YYYY-MM-DD)")
    cmd.add_argument("--until", type=_day, help="last day shown (YYYY-MM-DD)")
    cmd.add_argument("--brand", action="append", default=[], help="keep this brand (repeat)")
    cmd.add_argument("--kind", action="append", default=[], help="keep this source kind")
    cmd.add_argument("--source", action="append", default=[], help="keep this source")
    cmd.add_argument("--lang", action="append", default=[], help="keep this language code")
    cmd.add_argument("--view", action="append", default=[], choices=list(registry.KEYS),
                     help="views to include, in order (default: all)")
    cmd.add_argument("--db", type=Path, default=None, help="database (default: VEILLE_DB or "
                     "data/veille.duckdb)")
    cmd.add_argument("--config", type=Path, default=None, help="watch.toml for the brand "
                     "queries (default: VEILLE_CONFIG or watch.toml)")
    cmd.add_argument("--base-url", default=pdf.DEFAULT_BASE_URL,
                     help="the app's address, for the links in the PDF "
                          f"(default {pdf.DEFAULT_BASE_URL})")
    send = commands.add_parser(
        "send", help="send a digest now: its headline numbers and the report as a PDF",
        description="Build the digest's report and send it to the [[notify]] targets the "
                    "[[digests]] entry names.")
    send.add_argument("--digest", required=True, help="the digest's name in watch.toml")
    send.add_argument("--slot", default=None, help=argparse.SUPPRESS)  # the scheduler's turn
    send.add_argument("--db", type=Path, default=None, help="database (default: VEILLE_DB or "
                      "data/veille.duckdb)")
    send.add_argument("--config", type=Path, default=None,
                      help="watch.toml (default: VEILLE_CONFIG or watch.toml)")
    return top


def _send(args: argparse.Namespace) -> int:
    """``send --digest NAME``: one line per target, exit 1 when one could not be reached."""
    from datetime import datetime

    from reports.digest import send_digest

    db = args.db or default_db_path()
    if not Path(db).is_file():
        print(f"error: no database at {db} (collect first: python -m collectors run)",
              file=sys.stderr)
        return 1
    try:
        watch = load_watch(args.config or default_config_path())
        slot = datetime.fromisoformat(args.slot) if args.slot else None
        results = send_digest(watch, db, args.digest, slot)
    except ConfigError as exc:
        print(f"error: the watch configuration is invalid:\n{exc}", file=sys.stderr)
        return 2
    except KeyError as exc:
        print(f"error: {exc.args[0]}", file=sys.stderr)
        return 2
    except (images.RendererMissing, ViewError, StoreError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for result in results:
        if result.skipped:
            print(f"digest {args.digest}: {result.target}: already sent for this turn")
        elif result.error:
            print(f"digest {args.digest}: {result.target}: could not send ({result.error})",
                  file=sys.stderr)
        else:
            print(f"digest {args.digest}: sent to {result.target}")
    return 1 if any(r.error for r in results) else 0


def params_from(args: argparse.Namespace, last_day: date | None = None) -> dict[str, list[str]]:
    """The app's URL parameters for the command-line filters."""
    params: dict[str, list[str]] = {}
    if args.since or args.until:
        params["period"] = ["custom"]
        params["from"] = [args.since or "0001-01-01"]
        params["to"] = [args.until or (last_day.isoformat() if last_day else "9999-12-31")]
    elif args.period:
        params["period"] = [args.period]
    for name in ("brand", "kind", "source", "lang"):
        if getattr(args, name):
            params[name] = list(getattr(args, name))
    return params


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; return the exit code (0 written, 1 could not, 2 bad arguments)."""
    args = parser().parse_args(argv)
    if args.command == "send":
        return _send(args)
    db = args.db or default_db_path()
    config = args.config or default_config_path()
    views = args.view or list(registry.KEYS)
    if not Path(db).is_file():
        print(f"error: no database at {db} (collect first: python -m collectors run, or pass "
              f"--db)", file=sys.stderr)
        return 1
    try:
        info = queries.data_info(db)
        params = params_from(args, info.last_day)
        if "from" in params:
            # A day outside the data is clamped by the app; for a report say it plainly.
            first, last = info.first_day, info.last_day
            if first and last and (params["to"][0] < first.isoformat()
                                   or params["from"][0] > last.isoformat()):
                raise ReportError(f"no data between {params['from'][0]} and {params['to'][0]}; "
                                  f"the database covers {first} to {last}")
            params["from"] = [max(params["from"][0], first.isoformat())] if first else []
            params["to"] = [min(params["to"][0], last.isoformat())] if last else []
        content, view = make_pdf(db, params, views, config, args.base_url)
    except images.RendererMissing as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except (ViewError, StoreError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    out = Path(args.out)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = out.with_name(out.name + ".part")
        tmp.write_bytes(content)
        tmp.replace(out)  # a reader (mail job, web server) never sees half a file
    except OSError as exc:
        print(f"error: cannot write {out}: {exc}", file=sys.stderr)
        return 1
    names = ", ".join(registry.get(v).title for v in views)
    print(f"wrote {out} ({len(content) / 1024:,.0f} KB): {names} · {view.period_text} · "
          f"{view.dimensions_text}")
    return 0
