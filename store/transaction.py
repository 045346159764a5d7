"""One transaction around a block of writes: all of it committed, or none of it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import duckdb


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """Run the ``with`` block in one transaction on ``con``: committed when the block ends,
    rolled back when it raises (Ctrl-C included), the block's error raised again.

    A COMMIT that fails (a full disk) is raised as it is: DuckDB has ended the transaction
    already, so the ROLLBACK tried after it would only fail in turn and hide the cause.
    """
    con.execute("BEGIN TRANSACTION")
    try:
        yield con
    except BaseException:
        _rollback(con)
        raise
    try:
        con.execute("COMMIT")
    except BaseException:
        _rollback(con)
        raise


def _rollback(con: duckdb.DuckDBPyConnection) -> None:
    try:
        con.execute("ROLLBACK")
    except duckdb.Error:
        pass  # no transaction left to end: the error being raised is the one that matters
