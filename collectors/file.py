"""The ``file`` source kind: import CSV and JSON Lines exports row by row, naming every bad row."""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import itertools
import json
import os
import re
import warnings
import zlib
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, BinaryIO

from dateutil import parser as dateparser

from collectors.base import Collector, Context, Item, ParseError, utc
from config.options import Option

#: Our fields, which ``columns`` maps to the file's own column names or JSON keys.
FIELDS = ("id", "text", "title", "url", "author", "published_at", "lang")
FORMATS = ("auto", "csv", "jsonl")
DELIMITERS = (",", ";", "\t", "|")
CSV_SUFFIXES = {".csv", ".tsv", ".txt"}
JSONL_SUFFIXES = {".jsonl", ".ndjson", ".json"}

MAX_LINE_BYTES = 1_000_000
# A CSV record spanning several lines gets the same budget; past it, the usual cause is a quote
# that was never closed, and the lines it swallowed are read again as records of their own.
MAX_RECORD_BYTES = 1_000_000
# How much of the file's start is looked at to choose the delimiter and estimate the row count.
SAMPLE_BYTES = 64 * 1024
SAMPLE_ROWS = 50
# Rows looked through for the header (exports may start with lines about the report).
HEADER_SEARCH = 30
# JSON Lines has no header to check the mapping against: after this many objects without the
# text key and none with it, the mapping is wrong rather than the rows.
TEXT_KEY_PATIENCE = 100

_EPOCH = datetime(1970, 1, 1)
_FUTURE_SLACK = timedelta(days=1)
_UTF8_BOM = codecs.BOM_UTF8
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_UTF32_BOMS = (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)
# A Unicode noncharacter never found in real text: it stands in for undecodable bytes in files
# read through a text decoder, so that the record holding them can be reported and skipped.
_MARK = "\ufdd0"
_MARK_HANDLER = "veille-file-undecodable"
codecs.register_error(_MARK_HANDLER, lambda exc: (_MARK, exc.end))

# States of the CSV quote scanner (the same rules as Python's csv module with its defaults).
_START, _PLAIN, _QUOTED, _QUOTE_IN_QUOTED = range(4)
_QUOTE = ord('"')


class FileCollector(Collector):
    """Import every row of a CSV or JSON Lines file as an :class:`Item`.

    The file is read one record at a time, so exports of any size stream through. Rows that
    cannot be imported are reported with ``ctx.warn`` (file and line) and skipped; every other
    row is yielded. A row holding bytes its encoding cannot read (a Windows-1252 line in a
    UTF-8 file, an undefined byte such as 0x9D) is kept, decoded as well as possible, marked
    (``extra["repaired"]``) and reported, never silently lost. Problems with the file as a
    whole (missing, no header, a mapped column absent) raise :class:`ParseError` before any
    row is imported.
    """

    kind = "file"
    description = "CSV or JSON Lines exports from other listening tools, spreadsheets, datasets."
    options = {
        "path": Option("str", required=True,
                       help="The file to import: relative to watch.toml's folder, or absolute "
                            "(.gz files are read compressed)."),
        "format": Option("str", "auto",
                         help="csv, jsonl, or auto: by extension (.csv/.tsv/.txt, "
                              ".jsonl/.ndjson/.json), else by the first character."),
        "columns": Option("table", {},
                          help="Our field -> the file's column or JSON key (dots reach into "
                               "nested objects); fields: " + ", ".join(FIELDS) + ". "
                               "Unmapped fields use a column of the same name if there is one."),
        "encoding": Option("str", "auto",
                           help="auto (UTF-8 with or without BOM, UTF-16 with BOM, else "
                                "Windows-1252) or a Python codec name such as latin-1."),
        "delimiter": Option("str", "auto",
                            help="CSV delimiter: auto (chosen among , ; tab |) or the character "
                                 "(\"tab\" for a tab)."),
        "item_kind": Option("str", "file",
                            help="The kind stored on each item, e.g. twitter for a tweet export."),
    }

    def __init__(self, name: str, settings: dict[str, Any]):
        """Fill defaults and check the settings; raise :class:`ParseError` naming a bad one."""
        merged = {key: (dict(opt.default) if isinstance(opt.default, dict) else opt.default)
                  for key, opt in self.options.items()}
        merged.update({key: value for key, value in settings.items() if value is not None})
        super().__init__(name, merged)
        where = f"source {name!r}"
        if not isinstance(merged.get("path"), str) or not merged["path"].strip():
            raise ParseError(f"{where}: 'path' must name the file to import")
        self.columns: dict[str, str] = dict(merged.get("columns") or {})
        for key, value in self.columns.items():
            if key not in FIELDS:
                raise ParseError(f"{where}, field 'columns': unknown key {key!r}; the fields "
                                 f"that can be mapped are {', '.join(FIELDS)}")
            if not isinstance(value, str) or not value.strip():
                raise ParseError(f"{where}, field 'columns': {key} must name a column of the "
                                 "file")
        self.format = str(merged.get("format") or "auto").lower()
        if self.format not in FORMATS:
            raise ParseError(f"{where}, field 'format': {merged['format']!r} is not one of "
                             f"{', '.join(FORMATS)}")
        self.delimiter = _delimiter_setting(merged.get("delimiter"), where)
        self.encoding = _encoding_setting(merged.get("encoding"), where)
        self.item_kind = str(merged.get("item_kind") or "file")

    # -- reading -------------------------------------------------------------------------------

    def collect(self, ctx: Context) -> Iterator[Item]:
        """Yield one :class:`Item` per good row of the file; warn about and skip the bad ones.

        Raises :class:`ParseError` when the file is missing or unreadable, has no header, or
        lacks a column that ``columns`` maps.
        """
        path = Path(self.settings["path"]).expanduser()
        if not path.is_absolute():
            path = Path(ctx.base_dir) / path
        shown = str(path)

        def report(line: int, reason: str) -> None:
            ctx.warn(f"{shown}, line {line}: {reason}")

        raw = _open(path)
        try:
            yield from self._read(raw, path, ctx, report)
        except (OSError, EOFError, zlib.error) as exc:
            # A damaged .gz or a disk error midway: the rows already yielded are kept.
            raise ParseError(f"{shown}: reading stopped: {exc}") from exc
        finally:
            raw.close()

    def _read(self, raw: BinaryIO, path: Path, ctx: Context,
              report: Callable[[int, str], None]) -> Iterator[Item]:
        shown = str(path)
        try:
            head = raw.read(SAMPLE_BYTES)
            raw.seek(0)
        except OSError as exc:
            raise ParseError(f"{shown}: cannot be read: {exc}") from exc
        head_text = _head_text(head, self.encoding)
        fmt = self._format(path, head_text)
        source, decoder, ends = self._line_source(raw, head)
        ctx.set_total(_estimate(raw, source, head, header=fmt == "csv"))
        now = utc(datetime.now(UTC))
        if fmt == "jsonl":
            if head_text.lstrip().startswith("["):
                raise ParseError(f"{shown}: holds a JSON array, not JSON Lines (one object per "
                                 "line); convert it first, for example with jq -c '.[]'")
            yield from self._jsonl(_lines(source, ends, None), decoder, now, shown, report)
            return
        delimiter = self.delimiter or _sniff_delimiter(head_text, path)
        lines = _lines(source, ends, delimiter.encode())
        yield from self._csv(lines, decoder, delimiter, now, shown, report)

    def _format(self, path: Path, head_text: str) -> str:
        if self.format != "auto":
            return self.format
        name = path.name.lower().removesuffix(".gz")
        suffix = Path(name).suffix
        if suffix in CSV_SUFFIXES:
            return "csv"
        if suffix in JSONL_SUFFIXES:
            return "jsonl"
        return "jsonl" if head_text.lstrip().startswith("{") else "csv"

    def _line_source(self, raw: BinaryIO, head: bytes
                     ) -> tuple[Any, _Decoder, tuple[bytes, ...]]:
        """Choose how bytes become lines and lines become text, from the setting and the BOM.

        UTF-8 and Windows-1252 are split into lines as bytes (their newline, quote and
        delimiter bytes never occur inside a character) and decoded record by record, which
        lets the encoding be decided on the first non-ASCII record. Every other encoding goes
        through a text decoder and is re-encoded as UTF-8 lines.
        """
        enc = self.encoding
        if enc in (None, "utf-8") and head.startswith(_UTF8_BOM):
            raw.read(len(_UTF8_BOM))
            return raw, _Decoder("utf-8"), (b"\n",)
        if enc is None and head.startswith(_UTF32_BOMS):
            enc = "utf-32"
        elif enc is None and head.startswith(_UTF16_BOMS):
            enc = "utf-16"
        if enc is None and b"\r" in head and b"\n" not in head:
            # Old Mac line endings (CR only): only a text decoder splits those.
            enc = "utf-8" if _is_utf8_prefix(head) else "cp1252"
        if enc in (None, "utf-8"):
            return raw, _Decoder(enc), (b"\n",)
        return _Transcoder(raw, enc), _Decoder("utf-8", shown_as=enc), (b"\n", b"\r")

    # -- CSV -----------------------------------------------------------------------------------

    def _csv(self, lines: Iterable[_Line], decoder: _Decoder, delimiter: str, now: datetime,
             shown: str, report: Callable[[int, str], None]) -> Iterator[Item]:
        if csv.field_size_limit() < MAX_RECORD_BYTES + MAX_LINE_BYTES:
            # The csv module's default (128 kB) is below our own record limit (a record may
            # pass it by its last line); raising a process-wide limit never breaks a reader.
            csv.field_size_limit(MAX_RECORD_BYTES + MAX_LINE_BYTES)
        records = _records(lines, delimiter.encode())
        header, index = self._find_header(records, decoder, delimiter, shown, report)
        for record in records:
            try:
                row = _csv_row(record, decoder, delimiter)
                if not any(cell.strip() for cell in row):
                    continue  # blank lines and rows of empty cells carry nothing
                if len(row) != len(header):
                    raise _BadRow(f"{len(row)} fields where the header has {len(header)} (a "
                                  "delimiter or quote out of place?)")
                values = {name: row[i] for name, i in index.items()}
                item = self._item(values, now, record.start, report)
            except _BadRow as exc:
                report(record.start, str(exc))
                continue
            yield _mark(item, decoder, record.start, report)

    def _find_header(self, records: Iterator[_Record], decoder: _Decoder, delimiter: str,
                     shown: str, report: Callable[[int, str], None]
                     ) -> tuple[list[str], dict[str, int]]:
        """Read up to the header row and map our fields to its columns.

        The header is the first row holding every column the mapping needs. Some tools write
        a few lines about the report above it (Brandwatch does); those are skipped with one
        warning. When no row among the first :data:`HEADER_SEARCH` fits, the first row's
        problem is the error.
        """
        first_error: ParseError | None = None
        first_line = None
        for count, record in enumerate(records):
            if count >= HEADER_SEARCH:
                break
            try:
                row = _csv_row(record, decoder, delimiter)
            except _BadRow as exc:
                first_error = first_error or ParseError(
                    f"{shown}, line {record.start}: the header row cannot be read: {exc}")
                first_line = first_line or record.start
                continue
            if not any(cell.strip() for cell in row):
                continue
            row[0] = row[0].lstrip("\ufeff")
            try:
                index = self._header_index(row, record.start, shown)
            except ParseError as exc:
                first_error = first_error or exc
                first_line = first_line or record.start
                continue
            if first_line is not None:
                report(first_line, f"lines {first_line} to {record.start - 1} come before the "
                                   f"header row on line {record.start} and were skipped")
            return row, index
        raise first_error or ParseError(f"{shown}: the file is empty; a CSV import needs a "
                                        "header row naming its columns")

    def _header_index(self, header: list[str], line: int, shown: str) -> dict[str, int]:
        """Map each of our fields to its column index; raise ParseError for a missing column."""
        exact: dict[str, int] = {}
        loose: dict[str, list[int]] = {}
        for i, name in enumerate(header):
            exact.setdefault(name, i)
            loose.setdefault(_loose(name), []).append(i)
        index: dict[str, int] = {}
        missing: list[str] = []
        for name in FIELDS:
            wanted = self.columns.get(name, name)
            i = exact.get(wanted)
            if i is None and len(loose.get(_loose(wanted), [])) == 1:
                i = loose[_loose(wanted)][0]
            if i is not None:
                index[name] = i
            elif name in self.columns:
                missing.append(wanted)
        found = ", ".join(repr(h) for h in header[:60]) + (", …" if len(header) > 60 else "")
        if missing:
            which = ", ".join(repr(m) for m in missing)
            raise ParseError(f"{shown}: column {which} (set in 'columns') is not in the header "
                             f"on line {line}; the columns found are: {found}")
        if "text" not in index:
            raise ParseError(f"{shown}: no 'text' column in the header on line {line}; name the "
                             "column holding the text with columns = { text = \"...\" }. The "
                             f"columns found are: {found}")
        return index

    # -- JSON Lines ----------------------------------------------------------------------------

    def _jsonl(self, lines: Iterable[_Line], decoder: _Decoder, now: datetime, shown: str,
               report: Callable[[int, str], None]) -> Iterator[Item]:
        keys = {name: self.columns.get(name, name) for name in FIELDS}
        with_text = without_text = 0
        first_keys: list[str] | None = None
        for line in lines:
            try:
                if line.too_long:
                    raise _BadRow(f"the line is longer than {MAX_LINE_BYTES:,} bytes")
                if b"\x00" in line.data:
                    raise _BadRow("the line contains NUL bytes")
                text = decoder(line.data).strip()
                if not text:
                    continue
                try:
                    obj = json.loads(text)
                except json.JSONDecodeError as exc:
                    raise _BadRow(f"not valid JSON ({exc.msg} at column {exc.colno})") from None
                if not isinstance(obj, dict):
                    raise _BadRow(f"a JSON {_json_type(obj)}, not an object")
                if first_keys is None:
                    first_keys = list(obj)
                values: dict[str, Any] = {}
                for name, key in keys.items():
                    found, value = _lookup(obj, key)
                    if found:
                        values[name] = _json_scalar(value, key, keep_numbers=name == "published_at")
                if "text" in values:
                    with_text += 1
                else:
                    without_text += 1
                    if with_text == 0 and without_text >= TEXT_KEY_PATIENCE:
                        raise ParseError(self._no_text_key(shown, keys["text"], without_text,
                                                           first_keys))
                    raise _BadRow(f"no key {keys['text']!r} for the text")
                item = self._item(values, now, line.number, report)
            except _BadRow as exc:
                report(line.number, str(exc))
                continue
            yield _mark(item, decoder, line.number, report)
        if with_text == 0 and without_text:
            raise ParseError(self._no_text_key(shown, keys["text"], without_text, first_keys))

    @staticmethod
    def _no_text_key(shown: str, key: str, count: int, first_keys: list[str] | None) -> str:
        keys = ", ".join(repr(k) for k in (first_keys or [])[:60])
        return (f"{shown}: none of the first {count:,} objects has the key {key!r} for the text; "
                f"map the right key with columns = {{ text = \"...\" }} (dots reach into nested "
                f"objects). The first object's keys are: {keys}")

    # -- one row -------------------------------------------------------------------------------

    def _item(self, values: dict[str, Any], now: datetime, line: int,
              report: Callable[[int, str], None]) -> Item:
        """Build the item of one row from our fields' raw values; raise _BadRow if unfit."""
        for name, value in values.items():
            if isinstance(value, str) and "\x00" in value:
                raise _BadRow(f"the {name} contains NUL characters")
        text = _newlines(values.get("text") or "").strip()
        if not text:
            raise _BadRow("the text is empty")
        published = None
        if "published_at" in values:
            published = _checked_date(values["published_at"], now)
            if published is None:
                report(line, "no date; the item is stored with the time of collection")
        ident = _clean(values.get("id"))
        return Item(
            source=self.name,
            kind=self.item_kind,
            text=text,
            url=_clean(values.get("url")),
            title=_clean(_newlines(values.get("title"))),
            author=_clean(values.get("author")),
            published_at=published,
            id=f"file:{self.name}:{ident}" if ident else None,
            lang=(_clean(values.get("lang")) or "").lower() or None,
        )


# -- settings ----------------------------------------------------------------------------------

def _delimiter_setting(value: Any, where: str) -> str | None:
    """None for auto, else the single delimiter character."""
    if value is None or value == "auto":
        return None
    if isinstance(value, str) and value.lower() in ("tab", "\\t"):
        return "\t"
    if not isinstance(value, str) or len(value) != 1 or value in '"\r\n' or not value.isascii():
        raise ParseError(f"{where}, field 'delimiter': expected auto, tab or one ASCII character "
                         f"other than a quote or newline, got {value!r}")
    return value


def _encoding_setting(value: Any, where: str) -> str | None:
    """None for auto, "utf-8" for any UTF-8 spelling, else the codec's canonical name."""
    if value is None or value == "auto":
        return None
    try:
        name = codecs.lookup(str(value)).name
    except LookupError:
        raise ParseError(f"{where}, field 'encoding': {value!r} is not an encoding Python knows "
                         "(try auto, utf-8, cp1252, latin-1 or utf-16)") from None
    return "utf-8" if name in ("utf-8", "utf-8-sig") else name


# -- bytes to lines to records -----------------------------------------------------------------

class _BadRow(Exception):
    """One record cannot be imported; the message says why, for the user."""


@dataclass(slots=True)
class _Line:
    """One physical line of the file, numbered from 1.

    A line over :data:`MAX_LINE_BYTES` keeps no data; ``open_after`` then tells, for a line
    starting outside and inside a quoted field, whether a quoted field is open at its end.
    """

    number: int
    data: bytes
    too_long: bool = False
    open_after: tuple[bool, bool] = (False, False)


@dataclass(slots=True)
class _Record:
    """The lines of one CSV record (several when a quoted field spans lines)."""

    start: int
    lines: list[_Line] = field(default_factory=list)
    problem: str | None = None


class _Transcoder:
    """A file in any encoding, read as UTF-8 lines (undecodable bytes become :data:`_MARK`)."""

    def __init__(self, raw: BinaryIO, encoding: str):
        self._text = io.TextIOWrapper(raw, encoding=encoding, errors=_MARK_HANDLER, newline="")

    def readline(self, limit: int) -> bytes:
        """Return the next line (at most ``limit`` characters) as UTF-8 bytes."""
        return self._text.readline(limit).encode("utf-8", "surrogatepass")


class _Decoder:
    """Turns one record's bytes into text, deciding ``auto`` on the first non-ASCII record."""

    _NAMES = {"utf-8": "UTF-8", "cp1252": "Windows-1252"}

    def __init__(self, encoding: str | None, shown_as: str | None = None):
        self.auto = encoding is None
        self.encoding = encoding
        self.shown_as = shown_as
        # Why the last record had to be repaired (bytes no encoding reads), or None: the row
        # is kept, decoded as well as possible, and marked (see FileCollector._mark).
        self.repaired: str | None = None

    def __call__(self, data: bytes) -> str:
        self.repaired = None
        if data.isascii():
            return data.decode("ascii")
        if self.encoding is None:
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError:
                self.encoding = "cp1252"
            else:
                self.encoding = "utf-8"
                return text
        if self.auto and self.encoding == "cp1252":
            # Multi-byte UTF-8 is practically never Windows-1252 text, so a UTF-8 record in a
            # Windows-1252 file is read as UTF-8 rather than turned into "Ã©".
            try:
                return data.decode("utf-8")
            except UnicodeDecodeError:
                pass
        name = self._NAMES.get(self.shown_as or self.encoding, self.shown_as or self.encoding)
        try:
            text = data.decode(self.encoding)
        except UnicodeDecodeError as exc:
            before = data[max(0, exc.start - 24):exc.start].decode("utf-8", "replace")
            hint = " like the rest of the file" if self.auto else ""
            self.repaired = (f"undecodable byte 0x{data[exc.start]:02X} after {before!r}: not "
                             f"{name}{hint} (a file with mixed encodings?)")
            return _best_effort(data)
        if _MARK in text:
            before = text[:text.index(_MARK)][-24:]
            self.repaired = f"undecodable bytes after {before!r}: not {name}"
            return text.replace(_MARK, "\ufffd")
        return text


def _mark(item: Item, decoder: _Decoder, line: int, report: Callable[[int, str], None]
          ) -> Item:
    """``item`` marked (``extra["repaired"]``) and reported when its record's bytes had to be
    repaired: the row is kept, never silently, and the source's run shows a warning."""
    if decoder.repaired:
        item.extra["repaired"] = decoder.repaired
        report(line, f"{decoder.repaired}; kept, unreadable bytes shown as \ufffd")
    return item


def _best_effort(data: bytes) -> str:
    """``data`` read as UTF-8 where it is UTF-8 and byte by byte as Windows-1252 elsewhere; a
    byte neither reads (0x81, 0x8D, 0x8F, 0x90, 0x9D) becomes U+FFFD."""
    out: list[str] = []
    while data:
        try:
            out.append(data.decode("utf-8"))
            break
        except UnicodeDecodeError as exc:
            out.append(data[:exc.start].decode("utf-8"))
            out.append(data[exc.start:exc.start + 1].decode("cp1252", errors="replace"))
            data = data[exc.start + 1:]
    return "".join(out)


def _open(path: Path) -> BinaryIO:
    """Open ``path`` for reading bytes (decompressing .gz); raise ParseError saying why not."""
    try:
        if path.name.lower().endswith(".gz"):
            return gzip.open(path, "rb")  # type: ignore[return-value]
        return open(path, "rb")  # noqa: SIM115 - closed by the caller's finally
    except FileNotFoundError:
        raise ParseError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise ParseError(f"{path}: is a folder, not a file") from None
    except PermissionError:
        raise ParseError(f"{path}: cannot be read (permission denied)") from None
    except OSError as exc:
        raise ParseError(f"{path}: cannot be read: {exc.strerror or exc}") from None


def _lines(source: Any, ends: tuple[bytes, ...], delimiter: bytes | None) -> Iterator[_Line]:
    """Yield the physical lines of ``source``; a line over the limit is drained, not kept.

    ``delimiter`` is the CSV delimiter (None for JSON Lines, whose lines stand alone).
    """
    number = 0
    while True:
        data = source.readline(MAX_LINE_BYTES + 1)
        if not data:
            return
        number += 1
        if len(data) <= MAX_LINE_BYTES:
            yield _Line(number, data)
            continue
        # Follow the quotes through the dropped line from both possible starting states, so
        # the records after it are still found wherever the line sat in its record.
        states = [_START, _QUOTED]
        while data:
            if delimiter is not None:
                states = [_scan(state, data, delimiter) for state in states]
            if data.endswith(ends):
                break
            data = source.readline(MAX_LINE_BYTES)
        yield _Line(number, b"", too_long=True,
                    open_after=(states[0] == _QUOTED, states[1] == _QUOTED))


def _scan(state: int, data: bytes, delimiter: bytes) -> int:
    """Advance the CSV quote state over ``data`` (csv module rules: a quote opens a field only
    at its start, ``""`` inside quotes is a quote)."""
    i, n = 0, len(data)
    if state == _START and _QUOTE not in data:
        return _PLAIN
    while i < n:
        if state == _QUOTED:
            j = data.find(b'"', i)
            if j < 0:
                return _QUOTED
            state, i = _QUOTE_IN_QUOTED, j + 1
        elif state == _QUOTE_IN_QUOTED:
            c = data[i:i + 1]
            state = _QUOTED if c == b'"' else _START if c == delimiter else _PLAIN
            i += 1
        elif state == _START:
            if data[i] == _QUOTE:
                state, i = _QUOTED, i + 1
            else:
                state = _PLAIN
        else:
            j = data.find(delimiter, i)
            if j < 0:
                return _PLAIN
            state, i = _START, j + 1
    return state


def _records(lines: Iterable[_Line], delimiter: bytes) -> Iterator[_Record]:
    """Group lines into CSV records; a quoted field left open is reported, not followed forever.

    When a quoted field is still open after :data:`MAX_RECORD_BYTES` or at the end of the file,
    the record's first line is reported bad and the lines after it are read again as records,
    so one missing quote costs one row, and a file cut short loses only its last record.
    """
    source = iter(lines)
    replay: deque[_Line] = deque()

    def next_line() -> _Line | None:
        return replay.popleft() if replay else next(source, None)

    while True:
        first = next_line()
        if first is None:
            return
        record = _Record(first.number, [first])
        size = len(first.data)
        state = _state_after(first, _START, delimiter)
        while state == _QUOTED:
            line = next_line() if size <= MAX_RECORD_BYTES else None
            if line is None:
                record.problem = (
                    "a quoted field opened on this line is never closed (the file is cut "
                    "short, or a closing quote is missing)" if size <= MAX_RECORD_BYTES else
                    f"a quoted field opened on this line is still open after "
                    f"{MAX_RECORD_BYTES:,} bytes (a closing quote is missing?)")
                replay.extendleft(reversed(record.lines[1:]))
                record.lines = record.lines[:1]
                break
            record.lines.append(line)
            size += len(line.data)  # a dropped line holds nothing, so costs nothing
            state = _state_after(line, _QUOTED, delimiter)
        yield record


def _state_after(line: _Line, state: int, delimiter: bytes) -> int:
    """The quote state at the end of ``line`` when it starts in ``state``."""
    if line.too_long:
        return _QUOTED if line.open_after[state == _QUOTED] else _PLAIN
    return _scan(state, line.data, delimiter)


def _csv_row(record: _Record, decoder: _Decoder, delimiter: str) -> list[str]:
    """Decode and parse one record into its fields; raise _BadRow saying what is wrong."""
    if record.problem:
        raise _BadRow(record.problem)
    for line in record.lines:
        if line.too_long:
            where = "the line" if line.number == record.start else f"line {line.number}"
            raise _BadRow(f"{where} is longer than {MAX_LINE_BYTES:,} bytes")
    data = b"".join(line.data for line in record.lines)
    if b"\x00" in data:
        raise _BadRow("the row contains NUL bytes")
    text = decoder(data)
    try:
        rows = list(csv.reader([text], delimiter=delimiter))
    except csv.Error as exc:
        raise _BadRow(f"cannot be read as CSV: {exc}") from None
    if len(rows) > 1:
        raise _BadRow("holds a line break outside quotes (a lone carriage return?)")
    return rows[0] if rows else []


def _head_text(head: bytes, encoding: str | None) -> str:
    """The file's first bytes as text, for choosing the delimiter (a cut last line dropped)."""
    if encoding is None:
        if head.startswith(_UTF32_BOMS):
            encoding = "utf-32"
        elif head.startswith(_UTF16_BOMS):
            encoding = "utf-16"
        else:
            # Delimiters and quotes are ASCII: how other bytes decode does not matter here.
            encoding = "utf-8"
    text = codecs.getincrementaldecoder(encoding)(errors="replace").decode(head, final=False)
    text = text.lstrip("\ufeff")
    if len(head) >= SAMPLE_BYTES:
        cut = max(text.rfind("\n"), text.rfind("\r"))
        text = text[:cut + 1] if cut > 0 else text
    return text


def _sniff_delimiter(text: str, path: Path) -> str:
    """Choose the delimiter that splits the first rows into one same number of columns.

    Each candidate is scored by how many sample rows share its most common width (two
    fields or more), then by that width; the file's extension breaks ties (.tsv and .txt
    prefer tab). The most common width rather than the first row's keeps a few lines about the
    report above the header from misleading the choice.
    """
    suffix = Path(path.name.lower().removesuffix(".gz")).suffix
    order = ("\t", ",", ";", "|") if suffix in (".tsv", ".txt") else DELIMITERS
    best, best_score = order[0], (0, 0)
    for candidate in order:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=candidate)
        try:
            rows = [r for r in itertools.islice(reader, SAMPLE_ROWS) if any(c.strip() for c in r)]
        except csv.Error:
            continue
        widths = Counter(len(r) for r in rows if len(r) >= 2)
        if not widths:
            continue
        width, count = widths.most_common(1)[0]
        score = (count, width)
        if score > best_score:
            best, best_score = candidate, score
    return best


def _estimate(raw: BinaryIO, source: Any, head: bytes, header: bool) -> int | None:
    """Rows in the file, estimated from its size and the lines in its first bytes."""
    if source is not raw or isinstance(raw, gzip.GzipFile) or not head:
        return None
    try:
        size = os.fstat(raw.fileno()).st_size
    except (OSError, AttributeError, io.UnsupportedOperation):
        return None
    lines = head.count(b"\n") + (0 if head.endswith(b"\n") else 1)
    return max(0, round(size * lines / len(head)) - (1 if header else 0))


def _is_utf8_prefix(data: bytes) -> bool:
    """Whether ``data`` is UTF-8, allowing a character cut at its end."""
    try:
        codecs.getincrementaldecoder("utf-8")().decode(data, final=False)
    except UnicodeDecodeError:
        return False
    return True


# -- values ------------------------------------------------------------------------------------

def _loose(name: str) -> str:
    return name.strip().lstrip("\ufeff").strip().casefold()


def _clean(value: Any) -> str | None:
    if value is None:
        return None
    value = str(value).strip()
    return value or None


def _newlines(value: Any) -> Any:
    """Windows and old Mac line breaks inside a text as plain ``\\n``."""
    if isinstance(value, str) and "\r" in value:
        return value.replace("\r\n", "\n").replace("\r", "\n")
    return value


def _json_type(value: Any) -> str:
    if isinstance(value, list):
        return "list"
    if isinstance(value, str):
        return "string"
    if isinstance(value, bool):
        return "true/false"
    if value is None:
        return "null"
    if isinstance(value, dict):
        return "object"
    return "number"


def _lookup(obj: dict[str, Any], key: str) -> tuple[bool, Any]:
    """Find ``key`` in ``obj``: a key of its own, else a dotted path (``user.screen_name``,
    ``entities.urls.0.url``). Returns (found, value)."""
    if key in obj:
        return True, obj[key]
    current: Any = obj
    for part in key.split("."):
        if isinstance(current, dict) and part in current:
            current = current[part]
        elif isinstance(current, list) and part.isdigit() and int(part) < len(current):
            current = current[int(part)]
        else:
            return False, None
    return True, current


def _json_scalar(value: Any, key: str, keep_numbers: bool = False) -> Any:
    """A JSON value as one of our fields: text, or a number for a date; objects are bad."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        if keep_numbers:
            return value
        return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
    raise _BadRow(f"{key!r} holds a JSON {_json_type(value)}, not a single value (a dotted key "
                  "such as 'user.name' reaches inside it)")


# -- dates -------------------------------------------------------------------------------------

_NUMBER = re.compile(r"^[+-]?\d+(?:\.\d+)?$")
_TWITTER = re.compile(r"^[A-Za-z]{3} ([A-Za-z]{3}) +(\d{1,2}) (\d{1,2}):(\d{2}):(\d{2}) "
                      r"([+-]\d{2}):?(\d{2}) (\d{4})$")
_DAY_FIRST = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})"
                        r"(?:[ T,]+(\d{1,2})[:hH](\d{2})(?::(\d{2})(?:\.\d+)?)?)?$")
_SPACED_OFFSET = re.compile(r"^(\d{4}-\d{2}-\d{2}[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)\s*"
                            r"(Z|UTC|GMT|[+-]\d{2}:?\d{2})$", re.IGNORECASE)
_MONTHS = {name: i for i, name in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}
# Past this, an epoch number can only be milliseconds (as seconds it would be after year 5000).
_EPOCH_MS_FROM = 100_000_000_000


def parse_date(value: str | float) -> datetime:
    """Read a date as exports write it and return it as a naive UTC datetime.

    Accepted: ISO 8601 with or without offset (``2015-02-24T11:35:52Z``,
    ``2015-02-24 11:35:52``), a space before the offset (``2015-02-24 11:35:52 -0800``),
    Twitter's ``Tue Oct 18 21:53:25 +0000 2011``, day-first dates as French exports write them
    (``24/02/2015 11:35``, ``24/02/2015``; ``02/24/2015`` is read month-first because 24 cannot
    be a month), epoch seconds (or milliseconds, when the number is too large for seconds), and
    what python-dateutil reads as a full date. Without an offset the time is taken as UTC.

    Raises ValueError when ``value`` is not a complete date.
    """
    if isinstance(value, bool):
        raise ValueError("not a date")
    if isinstance(value, (int, float)):
        return _from_epoch(float(value))
    text = value.strip()
    if _NUMBER.match(text):
        return _from_epoch(float(text))
    try:
        return utc(datetime.fromisoformat(text))  # type: ignore[return-value]
    except ValueError:
        pass
    match = _SPACED_OFFSET.match(text)
    if match:
        stamp, offset = match.groups()
        offset = "+00:00" if offset.upper() in ("Z", "UTC", "GMT") else offset
        return utc(datetime.fromisoformat(f"{stamp}{offset}"))  # type: ignore[return-value]
    match = _TWITTER.match(text)
    if match and match.group(1).lower() in _MONTHS:
        month = _MONTHS[match.group(1).lower()]
        day, hour, minute, second, off_h, off_m, year = match.group(2, 3, 4, 5, 6, 7, 8)
        stamp = (f"{year}-{month:02d}-{int(day):02d}T{int(hour):02d}:{minute}:{second}"
                 f"{off_h}:{off_m}")
        return utc(datetime.fromisoformat(stamp))  # type: ignore[return-value]
    match = _DAY_FIRST.match(text)
    if match:
        day, month, year = (int(g) for g in match.group(1, 2, 3))
        if month > 12 >= day:
            day, month = month, day
        hour, minute, second = (int(g or 0) for g in match.group(4, 5, 6))
        return datetime(year, month, day, hour, minute, second)
    return _dateutil(text)


def _from_epoch(seconds: float) -> datetime:
    if abs(seconds) >= _EPOCH_MS_FROM:
        seconds /= 1000
    try:
        return _EPOCH + timedelta(seconds=seconds)
    except OverflowError:
        raise ValueError("out of range") from None


def _dateutil(text: str) -> datetime:
    """Parse with dateutil, refusing a date it would complete from today (``"Monday"``)."""
    results = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # unknown zone names: read as UTC, no console noise
        for default in (datetime(2001, 1, 1), datetime(2002, 2, 2)):
            try:
                results.append(dateparser.parse(text, dayfirst=True, default=default))
            except (ValueError, OverflowError) as exc:
                raise ValueError(str(exc)) from None
    if results[0].date() != results[1].date():
        raise ValueError("not a complete date")
    return utc(results[0])  # type: ignore[return-value]


def _checked_date(value: Any, now: datetime) -> datetime | None:
    """The row's date as naive UTC, None when blank; _BadRow when unreadable or out of range."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    shown = value.strip() if isinstance(value, str) else value
    try:
        when = parse_date(value)
    except (ValueError, OverflowError):
        raise _BadRow(f"the date {shown!r} cannot be read") from None
    if when < _EPOCH:
        raise _BadRow(f"the date {shown!r} is before 1970")
    if when > now + _FUTURE_SLACK:
        raise _BadRow(f"the date {shown!r} is in the future")
    return when
