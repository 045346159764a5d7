"""The only code that talks to DuckDB: schema, idempotent writes, rollups and named reads."""

from store.connection import (
    DatabaseBusy,
    DatabaseMissing,
    StoreError,
    open_connection,
    reading,
    store_exists,
    upgrade,
    writing,
)
from store.filters import Filters

__all__ = [
    "DatabaseBusy",
    "DatabaseMissing",
    "Filters",
    "StoreError",
    "open_connection",
    "reading",
    "store_exists",
    "upgrade",
    "writing",
]
