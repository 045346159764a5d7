"""A bad buzz is alerted within the hour it starts, and stays one alert when the day confirms it."""

from __future__ import annotations

import json
from datetime import date, timedelta

from tests.conftest import acme_file_watch, collect, db_rows

LAST = date(2026, 11, 25)  # a Wednesday
WATCH = acme_file_watch()


def write_posts(folder, burst_hours: list[int], per_hour: int = 12):
    """Six weeks of a few posts a day at 10–12 h, then a burst on the last day."""
    rows = ["id,text,date"]
    n = 0
    for back in range(42, 0, -1):
        day = LAST - timedelta(days=back)
        for k in range(3 + back % 2):
            rows.append(f'{n},"Acme shop visit {k}, bought a charger",{day}T1{k}:15:00')
            n += 1
    for hour in burst_hours:
        for k in range(per_hour):
            rows.append(f'{n},"Acme network down again, no signal at all",'
                        f"{LAST}T{hour:02d}:{k * 4:02d}:00")
            n += 1
    (folder / "posts.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")


def alerts(db):
    return db_rows(db, "SELECT id, kind, started_at, explanation FROM alerts "
                       "WHERE brand = 'Acme' AND kind = 'volume' ORDER BY started_at")


def test_a_burst_is_alerted_within_its_first_hour(tmp_path):
    write_posts(tmp_path, [9])
    config = tmp_path / "watch.toml"
    config.write_text(WATCH, encoding="utf-8")
    db = tmp_path / "veille.duckdb"

    collect(config, db)

    found = alerts(db)
    assert len(found) == 1, found
    _, _, started, explanation = found[0]
    assert started.date() == LAST and started.hour == 9
    facts = json.loads(explanation)
    assert facts["grain"] == "hour" and facts["mentions"] == 12
    assert all(p["snippet"].startswith("Acme network down") for p in facts["first_posts"])


def test_the_day_confirming_the_burst_keeps_one_alert(tmp_path):
    write_posts(tmp_path, [9])
    config = tmp_path / "watch.toml"
    config.write_text(WATCH, encoding="utf-8")
    db = tmp_path / "veille.duckdb"
    collect(config, db)
    (first_id, _, started, _), = alerts(db)

    write_posts(tmp_path, [9, 10, 11, 12, 13, 14])  # the day goes on: the day's total stands out
    collect(config, db)

    found = alerts(db)
    assert [(a[0], a[2]) for a in found] == [(first_id, started)]
    assert json.loads(found[0][3])["grain"] == "day"
