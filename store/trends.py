"""Named reads for the Trends view: volume and tone per brand over time, two periods compared."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from store.connection import reading
from store.filters import Filters

GRAINS = ("hour", "day", "week", "month")
TREND_COLUMNS = ["period", "brand", "mentions", "positive", "negative", "net_sentiment",
                 "negative_share"]
# Hours come from the mentions table itself; past this many days the chart would be unreadable
# and the scan needlessly long, so the page offers days instead.
MAX_HOUR_DAYS = 31


def volume_over_time(db: Path | str, filters: Filters, grain: str = "day") -> pd.DataFrame:
    """Mentions and tone per brand per period (``hour``, ``day``, ``week`` or ``month``).

    Columns: ``period`` (timestamp the period starts), ``brand``, ``mentions``, ``positive``,
    ``negative``, ``net_sentiment`` ((positive − negative) / mentions, in [-1, 1]) and
    ``negative_share`` (0–1). Days, weeks and months are read from the daily rollup; hours
    from ``mentions`` over the filtered time range (kept in time order, so this stays cheap).
    Periods with no mention of a brand are absent.
    """
    if grain not in GRAINS:
        raise ValueError(f"grain must be one of {GRAINS}, not {grain!r}")
    if grain == "hour":
        where, params = filters.where("published_at", timestamp=True,
                                      sentiment_column="sentiment_label")
        source = f"""SELECT date_trunc('hour', published_at) AS period, brand,
                            count(*) AS mentions,
                            count(*) FILTER (sentiment_label = 'positive') AS positive,
                            count(*) FILTER (sentiment_label = 'negative') AS negative
                     FROM mentions {where} GROUP BY ALL"""
    else:
        where, params = filters.where(sentiment_column="sentiment_label")
        source = f"""SELECT CAST(date_trunc('{grain}', day) AS TIMESTAMP) AS period, brand,
                            sum(mentions) AS mentions,
                            coalesce(sum(mentions) FILTER (sentiment_label = 'positive'), 0)
                                AS positive,
                            coalesce(sum(mentions) FILTER (sentiment_label = 'negative'), 0)
                                AS negative
                     FROM daily_mentions {where} GROUP BY ALL"""
    with reading(db) as con:
        df = con.execute(f"""
            SELECT period, brand, mentions, positive, negative,
                   (positive - negative) / mentions AS net_sentiment,
                   negative / mentions AS negative_share
            FROM ({source}) WHERE mentions > 0
            ORDER BY period, brand
        """, params).df()
    for column in ("mentions", "positive", "negative"):
        df[column] = df[column].astype("int64")
    return df[TREND_COLUMNS]


def compare_periods(db: Path | str, current: Filters, previous: Filters) -> pd.DataFrame:
    """Each brand in two periods: mentions, net sentiment and negative share, side by side.

    Columns: ``brand``, ``mentions``, ``mentions_before``, ``change`` (relative, None when the
    brand had no mention before), ``net_sentiment``, ``net_sentiment_before``,
    ``negative_share``, ``negative_share_before``. Brands heard in either period are listed,
    busiest now first.
    """
    frames = []
    for label, filters in (("now", current), ("before", previous)):
        where, params = filters.where(sentiment_column="sentiment_label")
        with reading(db) as con:
            part = con.execute(f"""
                SELECT brand, sum(mentions) AS mentions,
                       (coalesce(sum(mentions) FILTER (sentiment_label = 'positive'), 0)
                        - coalesce(sum(mentions) FILTER (sentiment_label = 'negative'), 0))
                        / sum(mentions) AS net_sentiment,
                       coalesce(sum(mentions) FILTER (sentiment_label = 'negative'), 0)
                        / sum(mentions) AS negative_share
                FROM daily_mentions {where} GROUP BY brand
            """, params).df().set_index("brand")
        frames.append(part.add_suffix("" if label == "now" else "_before"))
    out = frames[0].join(frames[1], how="outer")
    out["mentions"] = out["mentions"].fillna(0).astype("int64")
    out["mentions_before"] = out["mentions_before"].fillna(0).astype("int64")
    out["change"] = [(n - b) / b if b else None
                     for n, b in zip(out["mentions"], out["mentions_before"], strict=True)]
    out = out.reset_index().sort_values(["mentions", "brand"], ascending=[False, True])
    return out[["brand", "mentions", "mentions_before", "change", "net_sentiment",
                "net_sentiment_before", "negative_share", "negative_share_before"]
               ].reset_index(drop=True)
