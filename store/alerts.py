"""Spike alerts (found after each run, read under the filters) and the health of every source."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import pandas as pd

from analysis.trends import (
    NEGATIVE_SHARE,
    Spike,
    complete,
    mentions_terms,
    negative_share_spikes,
    new_terms,
    volume_spikes,
)
from store.connection import reading
from store.edits import get_states, set_state
from store.filters import Filters
from store.schema import current_version
from store.writes import now as utc_now

STATES = ("new", "seen", "handled")
ALERT_COLUMNS = ["id", "brand", "source", "kind", "started_at", "ended_at", "peak", "baseline",
                 "ratio", "explanation", "state", "created_at"]
HEALTH_COLUMNS = ["name", "kind", "last_run_at", "last_success", "last_new_items", "last_error",
                  "last_error_kind", "consecutive_failures", "every_seconds", "status", "reason"]
# How much text the explanation reads: enough for stable top words, bounded at any volume.
SAMPLE = 2000
BASELINE_DAYS = 28
FIRST_POSTS = 5
# Hourly detection reads this many weeks of hourly counts for its baseline and reports the
# spikes reaching the last RECENT_HOURS of data (older hours are the daily detection's).
HOURLY_WEEKS = 6
RECENT_HOURS = 48
SNIPPET = 200  # characters of a first post kept with the alert, for messages that quote it
# Kinds that bring nothing new by design once read (generated data, one-off file imports):
# quiet there is not a sign of a blocked collector.
STATIC_KINDS = frozenset({"demo", "file"})
SILENT_AFTER = 3  # `every` intervals without a new item before a source counts as silent


# --- detection (runs inside the collector's writer connection) --------------------------------


def alert_id(brand: str, source: str | None, kind: str, start: datetime) -> str:
    """The stable id of an alert: md5 of its brand, source, kind and first day."""
    key = "\x1f".join([brand, source or "", kind, pd.Timestamp(start).date().isoformat()])
    return hashlib.md5(key.encode("utf-8"), usedforsecurity=False).hexdigest()


def detect(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str | None, Spike]]:
    """Find every spike: per brand and per (brand, source) by day, then per brand by hour.

    Per-source spikes are looked for only when a brand is heard through more than one source,
    and kept only when no spike of the same kind covers the brand as a whole at that time
    (that one already lists its sources). Then the recent hours are searched
    (:func:`detect_hourly`) for a spike the day's total does not show yet. Returns
    ``(brand, source or None, spike)`` triples; an hourly spike's start and end are hours.
    """
    return [(brand, source, spike) for brand, source, spike, _ in _detect(con)]


def _detect(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str | None, Spike, str]]:
    """:func:`detect`'s spikes, each with the grain it was found at (``day`` or ``hour``)."""
    daily = _detect_daily(con)
    whole = [(brand, spike) for brand, source, spike in daily if source is None]
    return ([(*found, "day") for found in daily]
            + [(*found, "hour") for found in detect_hourly(con, whole)])


def _detect_daily(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str | None, Spike]]:
    """The spikes of the daily rollup, per brand and per (brand, source)."""
    daily = con.execute("""
        SELECT day, brand, source, sum(mentions) AS n,
               coalesce(sum(mentions) FILTER (sentiment_label = 'negative'), 0) AS neg
        FROM daily_mentions GROUP BY ALL
    """).df()
    if daily.empty:
        return []
    daily["day"] = pd.to_datetime(daily["day"])
    first, last = daily["day"].min(), daily["day"].max()
    found: list[tuple[str, str | None, Spike]] = []

    def spikes_of(rows: pd.DataFrame) -> list[Spike]:
        counts = complete(rows.groupby("day")["n"].sum(), "day", first, last)
        negatives = complete(rows.groupby("day")["neg"].sum(), "day", first, last)
        return volume_spikes(counts) + negative_share_spikes(counts, negatives)

    for brand, rows in daily.groupby("brand", sort=True):
        whole = spikes_of(rows)
        found.extend((str(brand), None, s) for s in whole)
        if rows["source"].nunique() < 2:
            continue
        for source, part in rows.groupby("source", sort=True):
            for spike in spikes_of(part):
                covered = any(w.kind == spike.kind and w.start <= spike.end + timedelta(days=1)
                              and spike.start <= w.end + timedelta(days=1) for w in whole)
                if not covered:
                    found.append((str(brand), str(source), spike))
    return found


def detect_hourly(con: duckdb.DuckDBPyConnection,
                  daily: Sequence[tuple[str, Spike]] = ()) -> list[tuple[str, None, Spike]]:
    """Spikes per brand and hour in the last ``RECENT_HOURS`` of data, against the same hour
    of the weeks before (``SEASON["hour"]``), that no daily spike of the same kind covers.

    A bad buzz that starts at 9:00 stands out within the hour, long before the day's total
    does. Its alert has the id of the day it started on (:func:`alert_id`), so when the daily
    detection sees the same incident later the two are one alert, not two. ``daily`` holds
    the brand-wide daily spikes already found.
    """
    newest = con.execute("SELECT max(published_at) FROM mentions").fetchone()[0]
    if newest is None:
        return []
    last = pd.Timestamp(newest).floor("h")
    first = last - pd.Timedelta(weeks=HOURLY_WEEKS + 1)
    hourly = con.execute("""
        SELECT date_trunc('hour', published_at) AS hour, brand, count(*) AS n,
               count(*) FILTER (sentiment_label = 'negative') AS neg
        FROM mentions WHERE published_at >= ? GROUP BY ALL
    """, [first.to_pydatetime()]).df()
    found: list[tuple[str, None, Spike]] = []
    recent = last - pd.Timedelta(hours=RECENT_HOURS)
    for brand, rows in hourly.groupby("brand", sort=True):
        counts = complete(rows.set_index("hour")["n"], "hour", first, last)
        negatives = complete(rows.set_index("hour")["neg"], "hour", first, last)
        for spike in (volume_spikes(counts, "hour", weeks=HOURLY_WEEKS)
                      + negative_share_spikes(counts, negatives, "hour")):
            if spike.end < recent:
                continue
            covered = any(b == brand and d.kind == spike.kind
                          and d.start <= spike.end.floor("D") <= d.end + timedelta(days=1)
                          for b, d in daily)
            if not covered:
                found.append((str(brand), None, spike))
    return found


def refresh_alerts(con: duckdb.DuckDBPyConnection) -> None:
    """Bring the ``alerts`` table up to date with the data (a :data:`store.derived` refresher).

    Idempotent: an alert keeps its id (brand, source, kind, first day), its ``created_at`` and
    its ``state`` across refreshes; its end, peak and explanation follow the data. Explanations
    are only recomputed for alerts that are new or grew. Alerts the data no longer supports
    (items corrected or removed) are deleted, except those found hour by hour whose hours are
    now older than the hourly search reaches; states set in the app live in the edits store,
    keyed by id, and come back if the alert does.
    """
    found = _detect(con)
    known = {row[0]: (row[1], row[2]) for row in con.execute(
        "SELECT id, ended_at, peak FROM alerts").fetchall()}
    created = utc_now()
    keep = set()
    for brand, source, spike, grain in found:
        aid = alert_id(brand, source, spike.kind, spike.start)
        keep.add(aid)
        ended = spike.end.to_pydatetime()
        if aid in known and known[aid] == (ended, spike.peak):
            continue
        explanation = explain(con, brand, source, spike, grain)
        con.execute("""
            INSERT INTO alerts (id, brand, source, kind, started_at, ended_at, peak, baseline,
                                ratio, explanation, state, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'new', ?)
            ON CONFLICT (id) DO UPDATE SET ended_at = excluded.ended_at, peak = excluded.peak,
                baseline = excluded.baseline, ratio = excluded.ratio,
                explanation = excluded.explanation
        """, [aid, brand, source, spike.kind, spike.start.to_pydatetime(), ended, spike.peak,
              spike.baseline, spike.ratio if spike.ratio != float("inf") else None,
              json.dumps(explanation, ensure_ascii=False, default=str), created])
    newest = con.execute("SELECT max(published_at) FROM mentions").fetchone()[0]
    reach = (pd.Timestamp(newest).floor("h") - pd.Timedelta(hours=RECENT_HOURS)
             ).to_pydatetime() if newest else None
    stale = [aid for aid in known if aid not in keep]
    if stale and reach is not None:
        # An hourly alert whose hours the search no longer reaches stands as it was found.
        hourly = {row[0] for row in con.execute(
            "SELECT id FROM alerts WHERE json_extract_string(explanation, '$.grain') = 'hour' "
            "AND ended_at < ?", [reach]).fetchall()}
        stale = [aid for aid in stale if aid not in hourly]
    if stale:
        con.execute(f"DELETE FROM alerts WHERE id IN ({', '.join('?' for _ in stale)})", stale)


def explain(con: duckdb.DuckDBPyConnection, brand: str, source: str | None,
            spike: Spike, grain: str = "day") -> dict:
    """Why ``spike`` is an alert, from the posts themselves.

    Returns a JSON-ready dict: ``grain``, ``z``, ``ratio``, ``periods``, ``mentions`` (in the
    spike), ``negative_share`` and ``baseline_negative_share`` (the 4 weeks before),
    ``terms`` (words new in the spike, see :func:`analysis.trends.new_terms`), ``first_posts``
    (the earliest posts carrying those words, else the earliest posts: item_id, published_at,
    source, author, title, url, and the start of the title and text as ``snippet``),
    ``authors`` and ``sources`` (the most active, with counts).
    For a negative-share alert the posts and words are the negative ones.
    """
    start = spike.start.to_pydatetime()
    stop = (spike.end + (timedelta(hours=1) if grain == "hour" else timedelta(days=1))
            ).to_pydatetime()
    before = start - timedelta(days=BASELINE_DAYS)
    scope = "m.brand = ?" + (" AND m.source = ?" if source else "")
    scope_params: list = [brand] + ([source] if source else [])
    tone = " AND m.sentiment_label = 'negative'" if spike.kind == NEGATIVE_SHARE else ""

    def window(lo: datetime, hi: datetime) -> tuple[str, list]:
        # Both tables are kept in time order, so the range on each prunes row groups.
        return (f"{scope} AND m.published_at >= ? AND m.published_at < ? "
                f"AND i.published_at >= ? AND i.published_at < ?",
                [*scope_params, lo, hi, lo, hi])

    now_sql, now_params = window(start, stop)
    posts = con.execute(f"""
        SELECT m.item_id, m.published_at, m.source, i.author, i.title, i.url,
               left(coalesce(i.title, '') || ' ' || coalesce(i.text, ''), 3000) AS body
        FROM mentions m JOIN items i USING (item_id)
        WHERE {now_sql}{tone}
        ORDER BY m.published_at, m.item_id LIMIT {SAMPLE}
    """, now_params).fetchall()
    base_sql, base_params = window(before, start)
    baseline = con.execute(f"""
        SELECT left(coalesce(i.title, '') || ' ' || coalesce(i.text, ''), 3000)
        FROM mentions m JOIN items i USING (item_id)
        WHERE {base_sql}
        ORDER BY md5(m.item_id) LIMIT {SAMPLE}
    """, base_params).fetchall()
    terms = new_terms((p[6] for p in posts), (b[0] for b in baseline))
    lead = [t["term"] for t in terms[:3]]
    first = [p for p in posts if mentions_terms(p[6], lead)][:FIRST_POSTS] or posts[:FIRST_POSTS]
    tone_now, tone_before = (con.execute(f"""
        SELECT count(*) FILTER (m.sentiment_label = 'negative') / greatest(count(*), 1)
        FROM mentions m JOIN items i USING (item_id) WHERE {sql}
    """, params).fetchone()[0] for sql, params in ((now_sql, now_params),
                                                   (base_sql, base_params)))
    authors = con.execute(f"""
        SELECT i.author, count(*) AS mentions FROM mentions m JOIN items i USING (item_id)
        WHERE {now_sql}{tone} AND i.author IS NOT NULL AND i.author <> ''
        GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 5
    """, now_params).fetchall()
    sources = con.execute(f"""
        SELECT m.source, count(*) AS mentions FROM mentions m JOIN items i USING (item_id)
        WHERE {now_sql}{tone} GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 5
    """, now_params).fetchall()
    return {
        "grain": grain, "z": round(spike.z, 1), "ratio": round(spike.ratio, 2),
        "periods": spike.periods, "mentions": int(spike.total),
        "negative_share": round(float(tone_now), 3),
        "baseline_negative_share": round(float(tone_before), 3),
        "terms": terms,
        "first_posts": [{"item_id": p[0], "published_at": p[1].isoformat(), "source": p[2],
                         "author": p[3], "title": p[4], "url": p[5],
                         "snippet": " ".join(p[6].split())[:SNIPPET]} for p in first],
        "authors": [{"author": a, "mentions": int(n)} for a, n in authors],
        "sources": [{"source": s, "mentions": int(n)} for s, n in sources],
    }


# --- reads for the app ----------------------------------------------------------------------


def _overlap(filters: Filters) -> tuple[str, list]:
    """WHERE clause keeping the alerts that overlap the filtered period, brands and sources."""
    clauses, params = [], []
    if filters.start is not None:
        clauses.append("ended_at >= ?")
        params.append(filters.start)
    if filters.end is not None:
        clauses.append("started_at < ?")
        params.append(filters.end + timedelta(days=1))
    if filters.brands:
        clauses.append(f"brand IN ({', '.join('?' for _ in filters.brands)})")
        params.extend(filters.brands)
    if filters.sources:
        # A brand-wide alert (no source) concerns every source, the chosen ones included.
        clauses.append(f"(source IS NULL OR source IN ({', '.join('?' for _ in filters.sources)}))")
        params.extend(filters.sources)
    return ("WHERE " + " AND ".join(clauses)) if clauses else "", params


def list_alerts(db: Path | str, filters: Filters,
                overrides: Iterable[tuple[str, str]] = ()) -> pd.DataFrame:
    """The alerts overlapping the filtered period, newest first.

    Columns: ``id``, ``brand``, ``source`` (None: the brand as a whole), ``kind``
    (``volume`` | ``negative_share``), ``started_at``, ``ended_at`` (starts of the first and
    last days above normal), ``peak``, ``baseline``, ``ratio``, ``explanation`` (a dict, see
    :func:`explain`), ``state``, ``created_at`` and ``incident`` (see :func:`incidents`).
    ``overrides`` are ``(id, state)`` pairs from the edits store (see :func:`alert_states`);
    they win over the stored state. Language and kind filters do not apply: an alert is about
    a brand (and a source).
    """
    with reading(db) as con:
        if current_version(con) < 3:
            return pd.DataFrame(columns=[*ALERT_COLUMNS, "incident"])
        where, params = _overlap(filters)
        df = con.execute(f"SELECT {', '.join(ALERT_COLUMNS)} FROM alerts {where} "
                         f"ORDER BY started_at DESC, brand, source NULLS FIRST, kind",
                         params).df()
    df["explanation"] = [json.loads(e or "{}") for e in df["explanation"]]
    df["source"] = df["source"].astype(object).where(df["source"].notna(), None)
    states = dict(overrides)
    if states:
        df["state"] = [states.get(i, s) for i, s in zip(df["id"], df["state"], strict=True)]
    df["incident"] = incidents(df)
    return df


def incidents(found: pd.DataFrame) -> list[str]:
    """The incident of each alert (a row of :func:`list_alerts`): the id of its group's first.

    One bad buzz raises a volume alert and a negative-share alert for the same brand and
    source on the same days: alerts of one brand and source whose days overlap or follow each
    other are one incident, so "2 open alerts" is never one outage counted twice.
    """
    if found.empty:
        return []
    order = found.assign(first=pd.to_datetime(found["started_at"]),
                         last=pd.to_datetime(found["ended_at"]),
                         where=found["source"].fillna(""),
                         # The volume alert leads its incident: it is the headline.
                         rank=found["kind"] != "volume").sort_values(
        ["brand", "where", "first", "rank"])
    out: dict[int, str] = {}
    current, key, until = None, None, None
    for row in order.itertuples():
        if (row.brand, row.where) != key or row.first > until + pd.Timedelta(days=1):
            current, key, until = row.id, (row.brand, row.where), row.last
        until = max(until, row.last)
        out[row.Index] = current
    return [out[i] for i in found.index]


def open_incidents(found: pd.DataFrame) -> int:
    """How many incidents of :func:`list_alerts` rows still have an alert not handled."""
    if found.empty:
        return 0
    return int(found.loc[found["state"] != "handled", "incident"].nunique())


def alert_count(db: Path | str, filters: Filters,
                overrides: Iterable[tuple[str, str]] = ()) -> int:
    """How many incidents under the filters are still open (an alert ``new`` or ``seen``).

    For the Overview's "alerts" tile; ``overrides`` as in :func:`list_alerts`; incidents as
    :func:`incidents` groups them.
    """
    return open_incidents(list_alerts(db, filters, overrides))


def alert_states(db: Path | str) -> dict[str, str]:
    """The states users gave alerts in the app (id → state), read from the edits store."""
    return dict(get_states(db, "alert"))


def set_alert_state(db: Path | str, alert: str, state: str) -> None:
    """Record that a user moved ``alert`` to ``state`` (``new``, ``seen`` or ``handled``).

    Written to the edits store beside the database, never to the database itself.
    """
    if state not in STATES:
        raise ValueError(f"state must be one of {STATES}, not {state!r}")
    set_state(db, "alert", alert, state)


def next_state(state: str) -> str | None:
    """The state after ``state`` in new → seen → handled (None after handled)."""
    at = STATES.index(state) if state in STATES else 0
    return STATES[at + 1] if at + 1 < len(STATES) else None


# --- source health --------------------------------------------------------------------------


def source_health(db: Path | str, now: datetime | None = None) -> pd.DataFrame:
    """Every source with its status: ``ok``, ``warnings``, ``failing``, ``silent`` or
    ``never run``.

    A source is ``failing`` when its last run failed, ``silent`` when no new item came from it
    for longer than three of its ``every`` intervals (counted from its last new item, or from
    its first run if it never brought one) — so a blocked scraper is never read as a calm day.
    A source whose last run succeeded with warnings (rows skipped or repaired, a search left
    out for want of a token…) shows ``warnings``, not ``ok``.
    Demo and file sources bring nothing new by design and are never silent. ``now`` (naive
    UTC) defaults to the current time. Columns: see :data:`HEALTH_COLUMNS`; ``reason`` says
    the status in words. Unhealthy sources come first.
    """
    now = now or utc_now()
    with reading(db) as con:
        if current_version(con) == 0:
            return pd.DataFrame(columns=HEALTH_COLUMNS)
        rows = con.execute("""
            SELECT s.name, s.kind, s.last_run_at, s.last_success,
                   r.last_new, r.first_run, s.last_error, s.last_error_kind,
                   coalesce(s.consecutive_failures, 0), s.every_seconds,
                   coalesce(w.last_warnings, 0)
            FROM sources s
            LEFT JOIN (SELECT source, max(finished_at) FILTER (items_new > 0) AS last_new,
                              min(started_at) AS first_run
                       FROM runs GROUP BY source) r ON r.source = s.name
            LEFT JOIN (SELECT source, arg_max(warnings, started_at) AS last_warnings
                       FROM runs WHERE finished_at IS NOT NULL GROUP BY source) w
                   ON w.source = s.name
            ORDER BY s.name
        """).fetchall()
    out = []
    for (name, kind, last_run, last_success, last_new, first_run, error, error_kind, failures,
         every, warnings) in rows:
        every = float(every or 3600.0)
        since = last_new or first_run or last_run
        if last_run is None:
            status, reason = "never run", "never collected"
        elif failures > 0:
            status = "failing"
            reason = f"last {failures} run(s) failed: {error_kind or 'error'}"
        elif (kind not in STATIC_KINDS and since is not None
              and (now - since).total_seconds() > SILENT_AFTER * every):
            status = "silent"
            hours = (now - since).total_seconds() / 3600
            reason = (f"no new item for {hours:,.0f} h (runs every {every / 3600:g} h)"
                      if last_new else f"no item ever, first run {hours:,.0f} h ago")
        elif warnings > 0:
            status, reason = "warnings", f"last run: {warnings} warning(s)"
        else:
            status, reason = "ok", "collecting"
        out.append([name, kind, last_run, last_success, last_new, error, error_kind,
                    int(failures), every, status, reason])
    df = pd.DataFrame(out, columns=HEALTH_COLUMNS)
    order = {"failing": 0, "silent": 1, "warnings": 2, "never run": 3, "ok": 4}
    return df.sort_values(["status", "name"], key=lambda c: c.map(order) if c.name == "status"
                          else c).reset_index(drop=True)
