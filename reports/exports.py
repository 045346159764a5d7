"""Data exports: the filtered mentions as CSV or Excel (streamed, capped) and charts as images."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import IO

import pandas as pd

from i18n.catalog import gettext, translator
from reports import images
from store import mentions, queries
from store.filters import Filters
from views.sections import Section

# Excel stops at 1,048,576 rows; a round cap leaves room for the header and says so plainly.
MAX_ROWS = 1_000_000
# Rows are read a few days at a time, newest first, so memory holds one chunk, not the export.
CHUNK_DAYS = 7
COLUMNS = ["published_at", "brands", "source", "kind", "author", "title", "text", "url",
           "engagement", "tags", "answered"]

def _(message: str) -> str:
    """Mark ``message`` for the catalog; translated where written (:func:`headers`)."""
    return message


# The header of each column as a reader of another language gets it (English keeps the
# column names, which our own file importer and existing spreadsheets read).
HEADERS = {"published_at": _("published at"), "brands": _("brands"), "source": _("source"),
           "kind": _("kind"), "author": _("author"), "title": _("title"), "text": _("text"),
           "url": _("url"), "engagement": _("engagement"), "tags": _("tags"),
           "answered": _("answered")}


def headers(lang: str = "en") -> list[str]:
    """The export's header row in ``lang``: :data:`COLUMNS` in English."""
    return list(COLUMNS) if lang == "en" else [gettext(HEADERS[c], lang) for c in COLUMNS]


# A cell starting with one of these is run as a formula by spreadsheets (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_ILLEGAL_XLSX = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def safe_cell(value: object) -> object:
    """``value`` fit for a spreadsheet cell: text that would start a formula gets a ``'``.

    Every cell of every CSV and Excel file Veille writes goes through here. Leading blanks do
    not make a formula inert: spreadsheets trim them when they import a CSV ("Trim spaces"),
    and our own file importer trims them, so ``" =1+1"`` is neutralised like ``"=1+1"``.
    """
    if isinstance(value, str) and (value.startswith(_FORMULA_START)
                                   or value.lstrip().startswith(_FORMULA_START)):
        return "'" + value
    return value


def _days(db: Path | str, filters: Filters) -> tuple[date, date] | None:
    if filters.start is not None and filters.end is not None:
        return filters.start, filters.end
    info = queries.data_info(db)
    if info.first_day is None or info.last_day is None:
        return None
    return filters.start or info.first_day, filters.end or info.last_day


def iter_mentions(db: Path | str, filters: Filters, cap: int = MAX_ROWS
                  ) -> Iterator[pd.DataFrame]:
    """Yield the items behind the filtered mentions, newest first, in chunks of a few days.

    Each chunk is a DataFrame with :data:`COLUMNS` (see :func:`store.mentions.export`); at
    most ``cap`` rows are yielded in all.
    """
    span = _days(db, filters)
    if span is None:
        return
    first, end = span
    left = cap
    query = mentions.MentionQuery(sort="newest")
    while end >= first and left > 0:
        start = max(first, end - timedelta(days=CHUNK_DAYS - 1))
        rows = mentions.export(db, replace(filters, start=start, end=end), query, left)
        if len(rows):
            left -= len(rows)
            yield rows[COLUMNS]
        end = start - timedelta(days=1)


def _text(value: object) -> object:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime().replace(microsecond=0)
    return value


def write_csv(db: Path | str, filters: Filters, out: IO[str], cap: int = MAX_ROWS,
              lang: str = "en") -> tuple[int, bool]:
    """Write the filtered mentions as CSV to ``out``; return (rows written, cut at ``cap``).

    Times are UTC (ISO 8601). When the cap cuts the export, a last line says so. The header
    and that line are in ``lang``.
    """
    return _write_rows(out, iter_mentions(db, filters, cap + 1), cap, lang)


def _cut_note(cap: int, lang: str) -> str:
    return gettext("cut at {cap} rows: narrow the filters for the rest", lang).format(
        cap=f"{cap:,}" if lang == "en" else f"{cap:,}".replace(",", "\u202f"))


def _write_rows(out: IO[str], chunks: Iterable[pd.DataFrame], cap: int,
                lang: str = "en") -> tuple[int, bool]:
    """Write the header and the rows of ``chunks`` (with :data:`COLUMNS`) as CSV, at most
    ``cap`` rows; a last line says when the cap cut them. Return (rows written, cut)."""
    writer = csv.writer(out)
    writer.writerow(headers(lang))
    written = 0
    for chunk in chunks:
        for record in chunk.itertuples(index=False):
            if written == cap:
                writer.writerow([f"# {_cut_note(cap, lang)}"])
                return written, True
            writer.writerow([safe_cell(_iso(_text(v))) for v in record])
            written += 1
    return written, False


def _iso(value: object) -> object:
    return value.isoformat(sep=" ") if isinstance(value, datetime) else value


def write_xlsx(db: Path | str, filters: Filters, out: IO[bytes] | Path | str,
               cap: int = MAX_ROWS, lang: str = "en") -> tuple[int, bool]:
    """Write the filtered mentions as an Excel workbook; return (rows written, cut at ``cap``).

    Written in openpyxl's streaming mode, so memory stays flat however many rows there are; a
    second sheet ``About`` holds the filters and, when cut, says so. Headers, sheet names and
    the About sheet are in ``lang``.
    """
    from openpyxl import Workbook

    t = translator(lang)
    book = Workbook(write_only=True)
    sheet = book.create_sheet(t("Mentions"))
    sheet.append(headers(lang))
    written, cut = 0, False
    for chunk in iter_mentions(db, filters, cap + 1):
        for record in chunk.itertuples(index=False):
            if written == cap:
                cut = True
                break
            sheet.append([_xlsx_value(v) for v in record])
            written += 1
        if cut:
            break
    about = book.create_sheet(t("About"))
    about.append([t("Veille export of mentions")])
    about.append([t("Period"), t("{start} to {end}").format(
        start=filters.start or t("first day"), end=filters.end or t("last day"))])
    for name, title in ABOUT_FIELDS.items():
        about.append([t(title), safe_cell(", ".join(getattr(filters, name)) or t("all"))])
    about.append([t("Rows"), written])
    if cut:
        about.append([t("Note"), _cut_note(cap, lang)])
    book.save(out)
    return written, cut


# The filters the About sheet lists, as it names them.
ABOUT_FIELDS = {"brands": _("Brands"), "kinds": _("Kinds"), "sources": _("Sources"),
                "langs": _("Langs")}


def _xlsx_value(value: object) -> object:
    value = _text(value)
    if isinstance(value, str):
        # Control characters make the file unreadable to Excel; they carry no meaning here.
        return safe_cell(_ILLEGAL_XLSX.sub(" ", value))
    if isinstance(value, bool | int | float | datetime):
        return value
    return str(value)


def csv_bytes(db: Path | str, filters: Filters, cap: int = MAX_ROWS, lang: str = "en") -> bytes:
    """The CSV export as UTF-8 bytes with a BOM (so Excel reads accents right)."""
    buffer = io.StringIO()
    write_csv(db, filters, buffer, cap, lang)
    return _with_bom(buffer)


def list_csv_bytes(db: Path | str, filters: Filters, query: mentions.MentionQuery,
                   lang: str = "en") -> bytes:
    """The Mentions page's list as CSV bytes: its search, tags and order, same cells as
    :func:`csv_bytes` (at most :data:`store.mentions.MAX_EXPORT_ROWS` rows)."""
    buffer = io.StringIO()
    rows = mentions.export(db, filters, query, mentions.MAX_EXPORT_ROWS + 1)
    _write_rows(buffer, [rows[COLUMNS]], mentions.MAX_EXPORT_ROWS, lang)
    return _with_bom(buffer)


def _with_bom(buffer: io.StringIO) -> bytes:
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def xlsx_bytes(db: Path | str, filters: Filters, cap: int = MAX_ROWS,
               lang: str = "en") -> bytes:
    """The Excel export as bytes, in ``lang``."""
    buffer = io.BytesIO()
    write_xlsx(db, filters, buffer, cap, lang)
    return buffer.getvalue()


def charts_zip(section: Section) -> bytes:
    """Every chart of ``section`` as PNG and SVG, in one zip (``<view>_<chart>.png|svg``)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, fig in section.figures:
            safe = re.sub(r"[^\w-]+", "_", name, flags=re.UNICODE).strip("_") or "chart"
            for fmt in ("png", "svg"):
                archive.writestr(f"{section.key}_{safe}.{fmt}", images.render(fig, fmt))
    return buffer.getvalue()
