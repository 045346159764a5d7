"""SQL text for names and literals that cannot be bound as parameters (tables, paths)."""

from __future__ import annotations

import re

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def identifier(name: str) -> str:
    """``name`` as a quoted SQL identifier, refusing anything but letters, digits and ``_``.

    For the names a store reads from its own catalog (tables and columns when copying a
    store): a file someone hands over could hold a table named to break out of the quotes.
    """
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise ValueError(f"not a table or column name Veille writes: {name!r}")
    return f'"{name}"'


def literal(text: str) -> str:
    """``text`` as a single-quoted SQL string literal (quotes doubled, NUL refused).

    For statements DuckDB takes no parameter in (``LOAD``, ``ATTACH``): a path or a catalog
    connection string from the environment.
    """
    if "\x00" in text:
        raise ValueError("a NUL character cannot be written in an SQL string")
    return "'" + text.replace("'", "''") + "'"
