"""The run log per source, for the Sources page: items brought by each recent run."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from store.connection import reading
from store.schema import current_version

RUN_COLUMNS = ["source", "started_at", "finished_at", "status", "items_seen", "items_new",
               "error"]


def run_history(db: Path | str, runs: int = 12) -> pd.DataFrame:
    """The last ``runs`` runs of every source, oldest first within each source.

    Columns: see :data:`RUN_COLUMNS`. The run log is small (one row per run), so this stays
    cheap however many items the database holds. Source health itself (status, last error)
    is :func:`store.alerts.source_health`.
    """
    with reading(db) as con:
        if current_version(con) == 0:
            return pd.DataFrame(columns=RUN_COLUMNS)
        return con.execute(f"""
            SELECT {', '.join(RUN_COLUMNS)} FROM (
                SELECT *, row_number() OVER (PARTITION BY source ORDER BY started_at DESC) AS n
                FROM runs)
            WHERE n <= ? ORDER BY source, started_at
        """, [runs]).df()
