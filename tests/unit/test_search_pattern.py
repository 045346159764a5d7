"""The Mentions search pattern: DuckDB's regexp_matches with it agrees with folded contains."""

from __future__ import annotations

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.text import normalize, search_pattern

# Letters with and without accents, in both cases, and characters that mean something in a
# regex or a LIKE pattern. No white space (the pattern lets a space match any run of it) and
# no ligatures (a needle "o" does not find "œ", though normalize("œ") contains it).
ALPHABET = "aàâäeéèêëiîïoôöuùûücçnñAÀÉÈÊÔÇsS.*+?()[]{}|^$\\%_-'’0123456789"

_con = duckdb.connect()


def _matches(text: str, needle: str) -> bool:
    return _con.execute("SELECT regexp_matches(?, ?)", [text, search_pattern(needle)]
                        ).fetchone()[0]


@settings(max_examples=300, deadline=None)
@given(text=st.text(ALPHABET, max_size=30), needle=st.text(ALPHABET, min_size=1, max_size=5))
def test_pattern_agrees_with_folded_substring(text, needle):
    assert _matches(text, needle) == (normalize(needle) in normalize(text))


@settings(max_examples=100, deadline=None)
@given(text=st.text(ALPHABET, max_size=30), start=st.integers(0, 30), length=st.integers(1, 6))
def test_any_piece_of_a_text_finds_it(text, start, length):
    piece = text[start:start + length]
    if piece:
        assert _matches(text, piece)


@pytest.mark.parametrize(("needle", "text", "found"), [
    ("reseau", "Le RÉSEAU est tombé", True),
    ("Réseau", "reseau", True),
    ("réseau mobile", "réseau\n   mobile", True),
    ("oeuvre", "une Œuvre", True),
    ("strasse", "Straße", True),
    ("a.b", "axb", False),
    ("50%", "50 %", False),
    ("(?i)x", "(?i)x", True),
    ("(?i)x", "x", False),
])
def test_examples(needle, text, found):
    assert _matches(text, needle) is found
