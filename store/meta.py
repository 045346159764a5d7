"""The watch's key/value notes in table ``meta``: its name, and each refresher's watermark."""

from __future__ import annotations

from datetime import datetime

import duckdb

# Written by the collectors when they label the stored items, read by the Mentions page.
MODEL_KEY = "sentiment_model"  # fingerprint of the models that gave the stored labels
MODELS_IN_USE = "sentiment_models_in_use"  # JSON: per language, what that model is
RETRAINED_KEY = "corrections_at_retrain"  # how many corrections the last retrain saw


def get_meta(con: duckdb.DuckDBPyConnection, key: str) -> str | None:
    """The value stored under ``key``, or None when there is none."""
    row = con.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
    return row[0] if row else None


def set_meta(con: duckdb.DuckDBPyConnection, key: str, value: str) -> None:
    """Store one key/value about the watch (its name, whether it holds demo data…)."""
    con.execute("INSERT INTO meta VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = "
                "excluded.value", [key, value])


def get_time(con: duckdb.DuckDBPyConnection, key: str) -> datetime | None:
    """The time stored under ``key`` (a refresher's watermark), or None when there is none or
    it cannot be read (the refresher then starts over, which is always safe)."""
    value = get_meta(con, key)
    try:
        return datetime.fromisoformat(value) if value else None
    except ValueError:
        return None
