"""Names and literals spliced into SQL where DuckDB takes no parameter."""

from __future__ import annotations

import duckdb
import pytest

from store.sqltext import identifier, literal


def test_a_table_name_of_ours_is_quoted():
    assert identifier("story_bands") == '"story_bands"'


@pytest.mark.parametrize("name", ['items"; DROP TABLE items; --', "a b", "", "élan", "x\x00"])
def test_a_name_no_veille_table_has_is_refused(name):
    with pytest.raises(ValueError, match="not a table or column name"):
        identifier(name)


def test_a_literal_with_quotes_reads_back_as_written():
    text = "host=127.0.0.1 password='it''s' dbname=veille"
    assert duckdb.connect().execute(f"SELECT {literal(text)}").fetchone()[0] == text


def test_a_literal_with_a_nul_is_refused():
    with pytest.raises(ValueError, match="NUL"):
        literal("a\x00b")
