"""``python -m reports pdf``: the meeting report (or chosen views) as a PDF, for cron or by hand."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from contextlib import nullcontext
from datetime import date
from pathlib import Path

from config import ConfigError, default_config_path, default_db_path, load_watch, store_target
from i18n.catalog import LANGUAGES, gettext, resolve_language, translator
from reports import images, pdf
from store import StoreError, lake, queries, store_exists
from views import filters as flt
from views import format as fmt
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
             config: Path | str | None = None, base_url: str = pdf.DEFAULT_BASE_URL,
             lang: str = "en") -> tuple[bytes, View]:
    """Build the PDF for URL-style filter ``params`` in language ``lang``: a snapshot for one
    view, else a report.

    Raises :class:`ViewError` for bad filters or an empty database and
    :class:`images.RendererMissing` when Chromium or the fonts are missing.
    """
    images.check()
    pdf.font_dir()
    choices, options = parse_choices(db, params, lang)
    view = make_view(db, choices, options, lang=lang)
    prov = pdf.provenance(view, flt.to_params(choices), brand_queries(config, db), base_url)
    sections = [registry.get(name).build(view) for name in views]
    if len(sections) == 1:
        return pdf.snapshot(view, sections[0], prov), view
    return pdf.report(view, sections, prov), view


def _day_in(lang: str):
    """An argparse type reading a day, its error in ``lang``."""
    def read(text: str) -> str:
        try:
            return date.fromisoformat(text).isoformat()
        except ValueError:
            raise argparse.ArgumentTypeError(gettext(
                "{text!r} is not a day like 2026-06-30", lang).format(text=text)) from None
    return read


def _language_of(argv: Sequence[str], config: Path | str | None = None) -> str:
    """The language of the CLI's messages and reports: ``--lang``, then VEILLE_LANG, then
    ``[ui] language`` of the watch, then English."""
    for i, arg in enumerate(argv):
        asked = arg.split("=", 1)[1] if arg.startswith("--lang=") else \
            argv[i + 1] if arg == "--lang" and i + 1 < len(argv) else None
        if asked in LANGUAGES:
            return asked
    try:
        configured = load_watch(config).ui.language
    except (ConfigError, OSError):
        configured = None
    return resolve_language(configured)


def parser(lang: str = "en") -> argparse.ArgumentParser:
    """The command-line interface of ``python -m reports``, its help in ``lang``."""
    _ = translator(lang)
    top = argparse.ArgumentParser(prog="python -m reports",
                                  description=_("Veille reports: PDF snapshots and exports."))
    commands = top.add_subparsers(dest="command", required=True)
    cmd = commands.add_parser(
        "pdf", help=_("write the meeting report (every view) or the chosen views as a PDF"),
        description=_("Write a PDF of Veille's views under the given filters. With one --view "
                      "it is that view's snapshot; otherwise a report with a cover and "
                      "contents."))
    cmd.add_argument("--out", required=True, type=Path, help=_("the PDF file to write"))
    cmd.add_argument("--period", choices=[p for p in flt.PERIODS if p != "custom"],
                     help=_("a preset period counted back from the newest day (default "
                            "{default}; --since/--until set custom days)").format(
                         default=flt.DEFAULT_PERIOD))
    cmd.add_argument("--since", type=_day_in(lang), help=_("first day shown (YYYY-MM-DD)"))
    cmd.add_argument("--until", type=_day_in(lang), help=_("last day shown (YYYY-MM-DD)"))
    cmd.add_argument("--brand", action="append", default=[],
                     help=_("keep this brand (repeat)"))
    cmd.add_argument("--kind", action="append", default=[], help=_("keep this source kind"))
    cmd.add_argument("--source", action="append", default=[], help=_("keep this source"))
    cmd.add_argument("--item-lang", dest="item_lang", action="append", default=[],
                     help=_("keep items in this language code (repeat)"))
    cmd.add_argument("--view", action="append", default=[], choices=list(registry.KEYS),
                     help=_("views to include, in order (default: all)"))
    cmd.add_argument("--db", type=store_target, default=None,
                     help=_("database (default: VEILLE_DB or data/veille.duckdb)"))
    cmd.add_argument("--config", type=Path, default=None,
                     help=_("watch.toml for the brand queries (default: VEILLE_CONFIG or "
                            "watch.toml)"))
    cmd.add_argument("--snapshot", type=int, default=None,
                     help=_("on a lake, read the data as it was at this snapshot (the number "
                            "a report made from a lake gives)"))
    cmd.add_argument("--base-url", default=pdf.DEFAULT_BASE_URL,
                     help=_("the app's address, for the links in the PDF (default "
                            "{default})").format(default=pdf.DEFAULT_BASE_URL))
    send = commands.add_parser(
        "send", help=_("send a digest now: its headline numbers and the report as a PDF"),
        description=_("Build the digest's report and send it to the [[notify]] targets the "
                      "[[digests]] entry names."))
    send.add_argument("--digest", required=True, help=_("the digest's name in watch.toml"))
    send.add_argument("--slot", default=None, help=argparse.SUPPRESS)  # the scheduler's turn
    send.add_argument("--db", type=store_target, default=None,
                      help=_("database (default: VEILLE_DB or data/veille.duckdb)"))
    send.add_argument("--config", type=Path, default=None,
                      help=_("watch.toml (default: VEILLE_CONFIG or watch.toml)"))
    for command in (cmd, send):
        command.add_argument("--lang", choices=list(LANGUAGES), default=lang,
                             help=_("language of the report and messages (default: "
                                    "VEILLE_LANG, else [ui] language, else en)"))
    return top


def _error(message: str, lang: str) -> None:
    print(gettext("error: {message}", lang).format(message=message), file=sys.stderr)


def _send(args: argparse.Namespace) -> int:
    """``send --digest NAME``: one line per target, exit 1 when one could not be reached."""
    from datetime import datetime

    from reports.digest import send_digest

    _ = translator(args.lang)
    db = args.db or default_db_path()
    if not store_exists(db):
        _error(_("no database at {db} (collect first: python -m collectors run)").format(
            db=db), args.lang)
        return 1
    try:
        watch = load_watch(args.config or default_config_path())
        slot = datetime.fromisoformat(args.slot) if args.slot else None
        results = send_digest(watch, db, args.digest, slot, lang=args.lang)
    except ConfigError as exc:
        _error(_("the watch configuration is invalid:\n{problems}").format(problems=exc),
               args.lang)
        return 2
    except KeyError as exc:
        _error(str(exc.args[0]), args.lang)
        return 2
    except (images.RendererMissing, ViewError, StoreError) as exc:
        _error(str(exc), args.lang)
        return 1
    for result in results:
        if result.skipped:
            print(_("digest {digest}: {target}: already sent for this turn").format(
                digest=args.digest, target=result.target))
        elif result.error:
            print(_("digest {digest}: {target}: could not send ({error})").format(
                digest=args.digest, target=result.target, error=result.error),
                file=sys.stderr)
        else:
            print(_("digest {digest}: sent to {target}").format(digest=args.digest,
                                                               target=result.target))
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
    for name, field in (("brand", "brand"), ("kind", "kind"), ("source", "source"),
                        ("lang", "item_lang")):
        if getattr(args, field, None):
            params[name] = list(getattr(args, field))
    return params


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; return the exit code (0 written, 1 could not, 2 bad arguments)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    config_asked = next((argv[i + 1] for i, a in enumerate(argv[:-1]) if a == "--config"), None)
    args = parser(_language_of(argv, config_asked or default_config_path())).parse_args(argv)
    lang = args.lang
    _ = translator(lang)
    if args.command == "send":
        return _send(args)
    db = args.db or default_db_path()
    config = args.config or default_config_path()
    views = args.view or list(registry.KEYS)
    if not store_exists(db):
        _error(_("no database at {db} (collect first: python -m collectors run, or pass "
                 "--db)").format(db=db), lang)
        return 1
    if args.snapshot is not None and not lake.is_lake(db):
        _error(_("--snapshot reads a lake as it was; the database {db} is a file, which "
                 "keeps no snapshots").format(db=db), lang)
        return 2
    try:
        # On a lake every read of the report sees one snapshot, whatever collectors commit
        # meanwhile: the one asked for, else the latest.
        with (lake.at_snapshot(db, args.snapshot) if lake.is_lake(db) else nullcontext()):
            return _write_pdf(args, db, config, views, lang)
    except lake.LakeError as exc:
        _error(str(exc), lang)
        return 1


def _write_pdf(args: argparse.Namespace, db: Path | str, config: Path, views: list[str],
               lang: str) -> int:
    """Build the PDF ``args`` ask for from ``db`` and write it; print what was written."""
    _ = translator(lang)
    try:
        info = queries.data_info(db)
        params = params_from(args, info.last_day)
        if "from" in params:
            # A day outside the data is clamped by the app; for a report say it plainly.
            first, last = info.first_day, info.last_day
            if first and last and (params["to"][0] < first.isoformat()
                                   or params["from"][0] > last.isoformat()):
                raise ReportError(_("no data between {since} and {until}; the database "
                                    "covers {first} to {last}").format(
                    since=params["from"][0], until=params["to"][0], first=first, last=last))
            params["from"] = [max(params["from"][0], first.isoformat())] if first else []
            params["to"] = [min(params["to"][0], last.isoformat())] if last else []
        content, view = make_pdf(db, params, views, config, args.base_url, lang)
    except (images.RendererMissing, ViewError, StoreError) as exc:
        _error(str(exc), lang)
        return 1
    out = Path(args.out)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = out.with_name(out.name + ".part")
        tmp.write_bytes(content)
        tmp.replace(out)  # a reader (mail job, web server) never sees half a file
    except OSError as exc:
        _error(_("cannot write {out}: {problem}").format(out=out, problem=exc), lang)
        return 1
    names = ", ".join(_(registry.get(v).title) for v in views)
    size = f"{len(content) / 1024:,.0f}" if lang == "en" else fmt.count(len(content) // 1024,
                                                                            lang)
    print(_("wrote {out} ({size} KB): {views} · {period} · {filters}").format(
        out=out, size=size, views=names, period=view.period_text,
        filters=view.dimensions_text))
    return 0
