"""How many hours after a demo event starts it is alerted: daily detection against hourly.

Run: .venv/bin/python benchmarks/bench_alert_latency.py --db data/veille.duckdb [--end DAY]

The database must hold the demo watch (``make demo``); ``--end`` is its last day (default: the
newest item's day). For each event of ``collectors.demo.events`` that people talk about (the
outage, the launch, the price change), its start is the first post on its first day that
carries one of its words (the outage has a set hour: its first post from then). The data is
then cut at that start plus 1, 2, … 48 hours (to the minute: the last hour is partial) and both
detections run on what was there: the daily one on the days (the last one partial), the
hourly one on the hours, with the parameters the store uses. The first cut at which a spike
of the event's brand covers the event is its alert delay.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from analysis.trends import complete, negative_share_spikes, volume_spikes  # noqa: E402
from collectors.demo import events  # noqa: E402
from store.alerts import HOURLY_WEEKS  # noqa: E402

HORIZON = 48


def first_post(con, brand: str, day: date, terms: list[str],
               since: datetime | None = None) -> datetime | None:
    """When the event's first post appeared: the earliest on its day (from ``since``, for an
    event with a set hour) naming one of its words."""
    since = since.replace(tzinfo=None) if since else datetime.combine(day, datetime.min.time())
    rows = con.execute("""
        SELECT i.published_at, lower(coalesce(i.title, '') || ' ' || coalesce(i.text, ''))
        FROM mentions m JOIN items i USING (item_id)
        WHERE m.brand = ? AND m.published_at >= ? AND m.published_at < ?
        ORDER BY i.published_at""", [brand, since, day + timedelta(days=1)]).fetchall()
    for when, text in rows:
        if not terms or any(t.lower() in text for t in terms):
            return when
    return None


def delays(hourly: pd.DataFrame, start: datetime) -> tuple[int | None, int | None]:
    """Hours from ``start`` until the daily and the hourly detection see the event."""
    found: dict[str, int | None] = {"day": None, "hour": None}
    first = start - timedelta(weeks=HOURLY_WEEKS + 1)
    for h in range(1, HORIZON + 1):
        cut = start + timedelta(hours=h)
        # Only what was published before the cut: its hour is partial, as it would be live.
        seen = hourly[(hourly.index >= first) & (hourly.index < cut)]
        for grain in ("day", "hour"):
            if found[grain] is not None:
                continue
            counts = complete(seen["n"], grain, first, cut - timedelta(seconds=1))
            negatives = complete(seen["neg"], grain, first, cut - timedelta(seconds=1))
            spikes = volume_spikes(counts, grain, **({"weeks": HOURLY_WEEKS}
                                                     if grain == "hour" else {}))
            spikes += negative_share_spikes(counts, negatives, grain)
            edge = pd.Timestamp(start).floor("D" if grain == "day" else "h")
            if any(s.end >= edge for s in spikes):
                found[grain] = h
    return found["day"], found["hour"]


def false_alerts(con, end: date) -> dict[str, int]:
    """Spikes found away from every demo event, over the whole period, by each detection.

    A period's flag depends only on the weeks before it and itself, so one pass over the
    whole series finds what every cut would have found for its completed hours.
    """
    evs = events(end)
    busy = [(e["brand"], e["start"] - timedelta(days=1), e["end"] + timedelta(days=1))
            for e in evs if e["kind"] in ("spike", "launch", "syndication", "page_change")]
    found = {"day": 0, "hour": 0}
    rows = con.execute("""
        SELECT brand, date_trunc('hour', published_at) AS hour, count(*) AS n,
               count(*) FILTER (sentiment_label = 'negative') AS neg
        FROM mentions GROUP BY ALL""").df()
    for brand, part in rows.groupby("brand"):
        part = part.set_index("hour")
        for grain in ("day", "hour"):
            counts = complete(part["n"], grain)
            negatives = complete(part["neg"], grain, counts.index[0], counts.index[-1])
            spikes = volume_spikes(counts, grain, **({"weeks": HOURLY_WEEKS}
                                                     if grain == "hour" else {}))
            spikes += negative_share_spikes(counts, negatives, grain)
            for spike in spikes:
                if not any(b == brand and lo <= spike.end.date() and spike.start.date() <= hi
                           for b, lo, hi in busy):
                    found[grain] += 1
                    print(f"  false {grain} alert: {brand} {spike.kind} {spike.start} "
                          f"({spike.periods} period(s), peak {spike.peak:.2f})", file=sys.stderr)
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--end", type=date.fromisoformat, default=None)
    args = parser.parse_args()
    con = duckdb.connect(str(args.db), read_only=True)
    end = args.end or con.execute("SELECT max(published_at) FROM items").fetchone()[0].date()
    print("| event | brand | first post | daily alert after | hourly alert after |")
    print("|---|---|---|---|---|")
    for event in events(end):
        talked = event["kind"] in ("spike", "launch") or (
            event["kind"] == "page_change" and event["sentiment"] != "neutral")
        if not talked:
            continue
        start = first_post(con, event["brand"], event["start"], event.get("terms") or [],
                           event.get("start_at"))
        if start is None:
            continue
        hourly = con.execute("""
            SELECT date_trunc('minute', published_at) AS hour, count(*) AS n,
                   count(*) FILTER (sentiment_label = 'negative') AS neg
            FROM mentions WHERE brand = ? GROUP BY 1 ORDER BY 1""", [event["brand"]]).df()
        hourly = hourly.set_index("hour")
        day, hour = delays(hourly, start)
        text = {None: f"not within {HORIZON} h"}
        print(f"| {event['name']} | {event['brand']} | {start:%Y-%m-%d %H:%M} | "
              f"{text.get(day, f'{day} h')} | {text.get(hour, f'{hour} h')} |", flush=True)
    first = con.execute("SELECT min(published_at) FROM items").fetchone()[0].date()
    false = false_alerts(con, end)
    print(f"\nSpikes away from every event, {first} to {end} ({(end - first).days // 7} weeks): "
          f"daily {false['day']}, hourly {false['hour']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
