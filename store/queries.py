"""Named read queries for the pages and reports; each takes the database path and one Filters."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import pandas as pd

from store.connection import reading
from store.filters import Filters
from store.schema import current_version


@dataclass(frozen=True)
class DataInfo:
    """What the database holds, for the frame: empty or not, demo or not, time span."""

    items: int
    mentions: int
    first_day: date | None
    last_day: date | None
    newest_collected: datetime | None
    is_demo: bool
    watch_name: str | None


@dataclass(frozen=True)
class Tiles:
    """The overview numbers for one period."""

    mentions: int
    own_mentions: int
    own_share: float | None
    net_sentiment: float | None
    positive: int
    negative: int


def data_info(db: Path | str) -> DataInfo:
    """Summarise the database; an unmigrated file counts as empty."""
    with reading(db) as con:
        if current_version(con) == 0:
            return DataInfo(0, 0, None, None, None, False, None)
        items, newest = con.execute("SELECT count(*), max(collected_at) FROM items").fetchone()
        mentions, first, last = con.execute(
            "SELECT coalesce(sum(mentions), 0), min(day), max(day) FROM daily_mentions"
        ).fetchone()
        meta = dict(con.execute("SELECT key, value FROM meta").fetchall())
        demo = con.execute(
            "SELECT count(*) FROM sources WHERE kind = 'demo' AND items_total > 0").fetchone()[0]
    return DataInfo(int(items), int(mentions), first, last, newest, bool(demo),
                    meta.get("watch_name"))


def brands(db: Path | str) -> pd.DataFrame:
    """The watched brands in config order: name, query, own, color."""
    with reading(db) as con:
        return con.execute(
            "SELECT name, query, own, color FROM brands ORDER BY position").df()


def filter_options(db: Path | str) -> dict[str, list[str]]:
    """The values each filter can take, read from the rollup (cheap at any size)."""
    with reading(db) as con:
        out = {}
        for column in ("kind", "source", "lang"):
            rows = con.execute(
                f"SELECT DISTINCT {column} FROM daily_mentions WHERE {column} IS NOT NULL "
                f"ORDER BY 1").fetchall()
            out[column] = [r[0] for r in rows]
    return out


def tiles(db: Path | str, filters: Filters) -> Tiles:
    """Mentions, our share of voice and net sentiment over the filtered period.

    Net sentiment is (positive − negative) / all mentions, in [-1, 1].
    """
    where, params = filters.where(sentiment_column="sentiment_label")
    with reading(db) as con:
        row = con.execute(f"""
            SELECT coalesce(sum(d.mentions), 0),
                   coalesce(sum(d.mentions) FILTER (b.own), 0),
                   coalesce(sum(d.mentions) FILTER (d.sentiment_label = 'positive'), 0),
                   coalesce(sum(d.mentions) FILTER (d.sentiment_label = 'negative'), 0)
            FROM (SELECT * FROM daily_mentions {where}) d
            LEFT JOIN brands b ON b.name = d.brand
        """, params).fetchone()
    total, own, pos, neg = (int(v) for v in row)
    return Tiles(
        mentions=total,
        own_mentions=own,
        own_share=own / total if total else None,
        net_sentiment=(pos - neg) / total if total else None,
        positive=pos,
        negative=neg,
    )


def share_of_voice(db: Path | str, filters: Filters, grain: str = "week") -> pd.DataFrame:
    """Mentions and share per brand per period (``day``, ``week`` or ``month``).

    Columns: ``period`` (date the period starts), ``brand``, ``mentions``, ``share`` (0–1 of
    the period's mentions across the filtered brands).
    """
    if grain not in ("day", "week", "month"):
        raise ValueError(f"grain must be day, week or month, not {grain!r}")
    where, params = filters.where(sentiment_column="sentiment_label")
    with reading(db) as con:
        return con.execute(f"""
            SELECT period, brand, mentions,
                   mentions / sum(mentions) OVER (PARTITION BY period) AS share
            FROM (
                SELECT CAST(date_trunc('{grain}', day) AS DATE) AS period, brand,
                       sum(mentions) AS mentions
                FROM daily_mentions {where}
                GROUP BY ALL
            )
            ORDER BY period, brand
        """, params).df()


def volume_by_brand(db: Path | str, filters: Filters) -> pd.DataFrame:
    """Total mentions and mean sentiment per brand over the filtered period."""
    where, params = filters.where(sentiment_column="sentiment_label")
    with reading(db) as con:
        return con.execute(f"""
            SELECT brand, sum(mentions) AS mentions,
                   sum(sentiment_sum) / sum(mentions) AS sentiment
            FROM daily_mentions {where}
            GROUP BY brand ORDER BY mentions DESC
        """, params).df()
