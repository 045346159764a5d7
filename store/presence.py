"""Who is present where: each brand's own posts per channel, its share there, and its answers."""

# A brand's own posts are items with ``own_brand`` set (their source reads the brand's own
# account, see config.watch.own_sources); they make no mentions. "Channel" is the item kind
# (bluesky, mastodon, youtube, rss…). Reads stay small at millions of items: own posts are
# few and found by the time range first, others' mentions come from the daily rollup, and the
# questions and complaints from ``mention_facts`` (flags computed once per refresh).

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis import community as C
from analysis.kinds import CHANNEL_KINDS
from store import facts
from store.connection import reading
from store.filters import Filters

PRESENCE_COLUMNS = ["brand", "channel", "account", "posts", "per_week", "last_post",
                    "followers", "engagement", "mentions", "channel_share"]
ANSWER_COLUMNS = ["brand", "channel", "asked", "answered", "answered_share", "median_hours"]
# What responsiveness() groups by.
_GROUPS = ("channel", "week", "brand")
# A brand with at least this many own posts in the period on a channel where another brand
# has none makes a gap (a handful of posts is a presence; one could be an accident).
GAP_POSTS = 3


@dataclass(frozen=True)
class Gap:
    """A channel where one brand is present and another is not."""

    channel: str
    present: str
    per_week: float
    absent: str


def _weeks(con, filters: Filters) -> float:
    """How many weeks the period spans (the data's span for "all dates"), at least one day."""
    start, end = filters.start, filters.end
    if start is None or end is None:
        first, last = con.execute("SELECT CAST(min(published_at) AS DATE), "
                                  "CAST(max(published_at) AS DATE) FROM items").fetchone()
        start, end = start or first, end or last
    if start is None or end is None:
        return 1.0
    return max(((end - start).days + 1) / 7, 1 / 7)


def _accounts(con) -> dict[str, dict[str, str]]:
    """Each brand's configured accounts by channel, as the last run stored them."""
    out = {}
    for name, accounts in con.execute("SELECT name, accounts FROM brands ORDER BY position"
                                      ).fetchall():
        try:
            out[name] = json.loads(accounts or "{}")
        except ValueError:
            out[name] = {}
    return out


def presence(db: Path | str, filters: Filters) -> pd.DataFrame:
    """Brand × channel over the period: the brand's own posts and what others say there.

    Columns (:data:`PRESENCE_COLUMNS`): ``posts`` the brand's own posts, ``per_week`` their
    rate, ``last_post`` its latest own post up to the period's end, ``followers`` the largest
    audience its account showed, ``engagement`` the mean of score + comments per own post,
    ``mentions`` what others said about the brand on that channel and ``channel_share`` the
    brand's part of all brands' mentions there. One row per brand and per channel where any
    brand posts or has an account; brands and channels follow the filters.
    """
    where, params = filters.where("published_at", brand_column="own_brand", timestamp=True)
    own_where = (where + " AND" if where else "WHERE") + " own_brand IS NOT NULL"
    upto, upto_params = Filters(end=filters.end, brands=filters.brands,
                                kinds=filters.kinds).where("published_at",
                                                           brand_column="own_brand",
                                                           timestamp=True)
    upto = (upto + " AND" if upto else "WHERE") + " own_brand IS NOT NULL"
    mwhere, mparams = filters.where("day", brand_column=None)
    with reading(db) as con:
        weeks = _weeks(con, filters)
        accounts = _accounts(con)
        own = con.execute(f"""
            SELECT own_brand AS brand, kind AS channel, count(*) AS posts,
                   max(followers) AS followers,
                   avg(coalesce(score, 0) + coalesce(comments, 0)) AS engagement
            FROM items {own_where} GROUP BY ALL
        """, params).df()
        last = con.execute(f"""
            SELECT own_brand AS brand, kind AS channel, max(published_at) AS last_post,
                   arg_max(followers, published_at) FILTER (followers IS NOT NULL)
                       AS latest_followers
            FROM items {upto} GROUP BY ALL
        """, upto_params).df()
        said = con.execute(f"""
            SELECT brand, kind AS channel, sum(mentions) AS mentions
            FROM daily_mentions {mwhere} GROUP BY ALL
        """, mparams).df()
    # Channels: every one where a brand posts, plus every configured account's channel.
    configured = {(brand, CHANNEL_KINDS.get(channel, channel)): handle
                  for brand, chans in accounts.items() for channel, handle in chans.items()}
    channels = sorted(set(last["channel"]) | {c for _, c in configured})
    if filters.kinds:
        channels = [c for c in channels if c in filters.kinds]
    brands = [b for b in accounts if not filters.brands or b in filters.brands]
    grid = pd.DataFrame([(b, c) for b in brands for c in channels],
                        columns=["brand", "channel"])
    if grid.empty:
        return pd.DataFrame(columns=PRESENCE_COLUMNS)
    out = (grid.merge(own, on=["brand", "channel"], how="left")
           .merge(last, on=["brand", "channel"], how="left")
           .merge(said, on=["brand", "channel"], how="left"))
    out["posts"] = out["posts"].fillna(0).astype(int)
    out["per_week"] = out["posts"] / weeks
    out["followers"] = out["followers"].fillna(out["latest_followers"])
    out["mentions"] = out["mentions"].fillna(0).astype(int)
    totals = out.groupby("channel")["mentions"].transform("sum")
    out["channel_share"] = (out["mentions"] / totals.mask(totals == 0)).astype(float)
    out["account"] = [configured.get((b, c)) for b, c in zip(out["brand"], out["channel"],
                                                              strict=True)]
    return out[PRESENCE_COLUMNS]


def gaps(table: pd.DataFrame, own: str | None = None) -> list[Gap]:
    """Channels where a brand made :data:`GAP_POSTS` own posts or more and another is absent.

    With ``own`` (our brand), only the gaps of our brand; otherwise every brand's. Most
    active first.
    """
    found: list[Gap] = []
    for channel, rows in table.groupby("channel"):
        active = rows[rows["posts"] >= GAP_POSTS].sort_values("per_week", ascending=False)
        if active.empty:
            continue
        leader = active.iloc[0]
        for absent in rows[rows["posts"] == 0]["brand"]:
            if own is None or absent == own:
                found.append(Gap(str(channel), str(leader["brand"]), float(leader["per_week"]),
                                 str(absent)))
    return sorted(found, key=lambda g: -g.per_week)


def responsiveness(db: Path | str, filters: Filters, by: str = "channel") -> pd.DataFrame:
    """How brands answer on the channels where they post: questions and complaints about
    each brand (opening posts by others), the share its own account answered, and the median
    hours to its first answer.

    Counted only on channels where the brand posted itself. One row per brand and ``by``:
    ``"channel"`` (column ``channel``), ``"week"`` (column ``week``) or ``"brand"`` (all
    channels together). Empty before the mention facts are built.
    """
    return summarise(asks(db, filters), by)


def asks(db: Path | str, filters: Filters) -> pd.DataFrame:
    """Each question or complaint about a brand on a channel where the brand posts itself.

    One row per (opening post by someone else, brand): ``brand``, ``channel``, ``week`` (the
    Monday of its week) and ``hours`` to the brand's first answer (missing when unanswered).
    Read once, it gives :func:`summarise` every grouping a view needs. Empty before the
    mention facts are built.
    """
    where, params = filters.where("published_at", brand_column="brand", timestamp=True)
    where = (where + " AND" if where else "WHERE") + (
        " NOT is_reply AND (is_question OR sentiment_label = 'negative')"
        f" AND kind NOT IN ({', '.join('?' for _ in C.PUBLICATION_KINDS)})")
    params += list(C.PUBLICATION_KINDS)
    with reading(db) as con:
        if not facts.built(con):
            return pd.DataFrame(columns=["brand", "channel", "week", "hours"])
        return con.execute(f"""
            WITH present AS (
                SELECT DISTINCT own_brand AS brand, kind FROM items WHERE own_brand IS NOT NULL
            ), asked AS (
                SELECT m.* FROM (SELECT item_id, published_at, brand, kind
                                 FROM mention_facts {where}) m
                SEMI JOIN present p ON p.brand = m.brand AND p.kind = m.kind
            ), answers AS (
                SELECT own_brand AS brand, parent_id, min(published_at) AS first_answer
                FROM items WHERE own_brand IS NOT NULL AND parent_id IS NOT NULL
                GROUP BY ALL
            )
            SELECT a.brand, a.kind AS channel,
                   date_trunc('week', a.published_at)::DATE AS week,
                   epoch(r.first_answer - a.published_at) / 3600.0 AS hours
            FROM asked a LEFT JOIN answers r
              ON r.brand = a.brand AND r.parent_id = a.item_id
             AND r.first_answer >= a.published_at
        """, params).df()


def summarise(asked: pd.DataFrame, by: str = "channel") -> pd.DataFrame:
    """Group :func:`asks` rows per brand and ``by`` (``"channel"``, ``"week"`` or
    ``"brand"``): ``asked``, ``answered``, ``answered_share`` and ``median_hours`` (of the
    answered ones), sorted by brand then ``by``."""
    if by not in _GROUPS:
        raise ValueError(f"responsiveness by {by!r}: choose one of {', '.join(_GROUPS)}")
    keys = ["brand", *([by] if by != "brand" else [])]
    if asked.empty:
        return pd.DataFrame(columns=[*keys, *ANSWER_COLUMNS[2:]])
    out = asked.groupby(keys, sort=True).agg(
        asked=("hours", "size"), answered=("hours", "count"), median_hours=("hours", "median"))
    out["answered_share"] = out["answered"] / out["asked"]
    return out[ANSWER_COLUMNS[2:]].reset_index()


def voices(db: Path | str, filters: Filters, per_brand: int = 5) -> pd.DataFrame:
    """The most influential voices: per brand, the authors with the largest audience who
    spoke about it in the period (where the service gives an author's followers).

    Columns: ``brand``, ``author``, ``channel``, ``followers`` (the largest seen),
    ``mentions`` (their posts about the brand), ``tone`` (their mean sentiment about it).
    """
    where, params = filters.where("m.published_at", brand_column="m.brand", timestamp=True)
    iwhere, iparams = Filters(start=filters.start, end=filters.end).where(
        "published_at", brand_column=None, timestamp=True)
    iwhere = (iwhere + " AND" if iwhere else "WHERE") + \
        " followers IS NOT NULL AND author IS NOT NULL AND own_brand IS NULL"
    with reading(db) as con:
        return con.execute(f"""
            WITH heard AS (
                SELECT item_id, author, kind AS channel, followers FROM items {iwhere}
            ), said AS (
                SELECT m.brand, h.author, h.channel, max(h.followers) AS followers,
                       count(*) AS mentions, avg(m.sentiment) AS tone
                FROM mentions m JOIN heard h USING (item_id) {where}
                GROUP BY ALL
            )
            SELECT brand, author, channel, followers, mentions, tone FROM said
            QUALIFY row_number() OVER (PARTITION BY brand
                                       ORDER BY followers DESC, author) <= ?
            ORDER BY brand, followers DESC, author
        """, iparams + params + [per_brand]).df()
