"""Alerts on a real 50,000-item demo database: the written-in events found, quiet weeks silent."""

from __future__ import annotations

import shutil
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from collectors.demo import events
from store import Filters, writing
from store.alerts import (
    alert_count,
    alert_states,
    list_alerts,
    refresh_alerts,
    set_alert_state,
    source_health,
)
from store.derived import refresh_all
from store.writes import finish_run, now, start_run
from tests.conftest import DEMO_END, collect, write_demo_watch
from tests.conftest import db_rows as rows

END = date.fromisoformat(DEMO_END)
# Events an alert may rightly point at; the slow decline is a trend, not a spike.
SPIKY = {"spike", "launch", "syndication", "page_change"}


@pytest.fixture(scope="module")
def big_db(tmp_path_factory) -> Path:
    """A 50,000-item demo watch collected by the real CLI (alerts refreshed after the run)."""
    folder = tmp_path_factory.mktemp("alerts50k")
    db = folder / "veille.duckdb"
    collect(write_demo_watch(folder, items=50_000), db)
    return db


@pytest.fixture
def own_copy(big_db, tmp_path) -> Path:
    """A copy of the big database a test may write to."""
    path = tmp_path / "veille.duckdb"
    shutil.copy(big_db, path)
    return path




def matches(alert, event) -> bool:
    """An alert points at an event: same brand, starting within a day of the event's days."""
    start = alert.started_at.date()
    return (alert.brand == event["brand"]
            and event["start"] - timedelta(days=1) <= start <= event["end"] + timedelta(days=1))


def test_the_bad_buzz_is_found_on_the_right_brand_and_day_with_its_reasons(big_db):
    outage = next(e for e in events(END) if e["kind"] == "spike")
    found = list_alerts(big_db, Filters())
    volume = [a for a in found.itertuples() if a.kind == "volume" and matches(a, outage)]
    assert len(volume) == 1
    alert = volume[0]
    assert alert.brand == "Orbis" and alert.source is None
    assert abs((alert.started_at.date() - outage["start"]).days) <= 1
    assert alert.ratio > 4 and alert.state == "new"
    why = alert.explanation
    words = {t["term"] for t in why["terms"]}
    assert {"panne", "outage", "#orbisdown"} <= words
    assert why["first_posts"] and all(p["url"].startswith("https://") for p in why["first_posts"])
    first = datetime.fromisoformat(why["first_posts"][0]["published_at"]).date()
    assert first == alert.started_at.date()
    assert why["authors"] and why["sources"][0]["source"] == "demo"
    assert why["negative_share"] > why["baseline_negative_share"]
    # The outage also turns the conversation negative: a second, negative-share alert.
    assert any(a.kind == "negative_share" and matches(a, outage) for a in found.itertuples())


def test_detection_against_the_demo_events_precision_and_recall(big_db, capsys):
    found = list(list_alerts(big_db, Filters()).itertuples())
    expected = [e for e in events(END) if e["kind"] in SPIKY]
    true = [a for a in found if any(matches(a, e) for e in expected)]
    must = [e for e in expected if e["kind"] in ("spike", "launch")]
    recalled = [e for e in must if any(matches(a, e) for a in found)]
    discussed = [e for e in expected if e["kind"] != "page_change" or e["sentiment"] != "neutral"]
    any_recalled = [e for e in discussed if any(matches(a, e) for a in found)]
    precision = len(true) / len(found)
    with capsys.disabled():
        print(f"\nalerts {len(found)}, precision {precision:.2f}, recall of spike+launch "
              f"{len(recalled)}/{len(must)}, of every discussed event "
              f"{len(any_recalled)}/{len(discussed)} "
              f"({', '.join(e['name'] for e in any_recalled)})")
    assert len(recalled) == len(must)
    assert precision >= 0.75
    decline = next(e for e in events(END) if e["kind"] == "decline")
    # The slow decline itself never looks like a spike; the same brand's price rise, discussed
    # for three days, may (its own event).
    assert not [a for a in found if a.brand == decline["brand"] and a.kind == "volume"
                and not any(matches(a, e) for e in expected)]


def test_quiet_weeks_raise_no_alert(big_db):
    busy = [(e["start"] - timedelta(days=1), e["end"] + timedelta(days=1))
            for e in events(END) if e["kind"] in SPIKY]
    quiet = 0
    for back in range(1, 26):
        start = END - timedelta(days=7 * back - 1)
        end = start + timedelta(days=6)
        if any(lo <= end and start <= hi for lo, hi in busy):
            continue
        quiet += 1
        assert list_alerts(big_db, Filters(start, end)).empty, (start, end)
    assert quiet >= 10


def test_refreshing_again_neither_duplicates_alerts_nor_resets_their_state(own_copy):
    before = rows(own_copy, "SELECT id, created_at, started_at, ended_at, peak, explanation "
                            "FROM alerts ORDER BY id")
    assert before
    chosen = before[0][0]
    with writing(own_copy) as con:
        con.execute("UPDATE alerts SET state = 'handled' WHERE id = ?", [chosen])
        refresh_all(con)
        refresh_alerts(con)
    after = rows(own_copy, "SELECT id, created_at, started_at, ended_at, peak, explanation "
                           "FROM alerts ORDER BY id")
    assert after == before
    assert rows(own_copy, "SELECT state FROM alerts WHERE id = ?", [chosen]) == [("handled",)]


def test_collecting_the_same_watch_again_keeps_alerts_and_the_states_people_gave(own_copy):
    ids = [r[0] for r in rows(own_copy, "SELECT id FROM alerts ORDER BY started_at")]
    set_alert_state(own_copy, ids[0], "seen")
    set_alert_state(own_copy, ids[1], "handled")
    # The app never writes the main database: states live in the edits file beside it.
    assert rows(own_copy, "SELECT count(*) FROM alerts WHERE state <> 'new'") == [(0,)]
    collect(write_demo_watch(own_copy.parent, items=50_000), own_copy)
    states = alert_states(own_copy)
    shown = list_alerts(own_copy, Filters(), tuple(states.items())).set_index("id")["state"]
    assert sorted(shown.index) == sorted(ids)
    assert (shown[ids[0]], shown[ids[1]]) == ("seen", "handled")
    listed = list_alerts(own_copy, Filters(), tuple(states.items()))
    still_open = listed.loc[listed["state"] != "handled", "incident"].nunique()
    assert alert_count(own_copy, Filters(), tuple(states.items())) == still_open
    with pytest.raises(ValueError):
        set_alert_state(own_copy, ids[0], "archived")


def test_alerts_follow_the_filters(big_db):
    everything = list_alerts(big_db, Filters())
    orbis = list_alerts(big_db, Filters(brands=("Orbis",)))
    assert set(orbis["brand"]) == {"Orbis"} and len(orbis) < len(everything)
    outage = next(e for e in events(END) if e["kind"] == "spike")
    # A period that only touches the last day of an alert still shows it.
    touching = list_alerts(big_db, Filters(outage["end"], outage["end"] + timedelta(days=3)))
    assert "Orbis" in set(touching["brand"])
    assert list_alerts(big_db, Filters(END + timedelta(days=1), END + timedelta(days=5))).empty
    # The outage's volume and negative-share alerts are one incident, counted once.
    assert alert_count(big_db, Filters(brands=("Orbis",))) == orbis["incident"].nunique()
    assert orbis["incident"].nunique() < len(orbis)
    # A brand-wide alert concerns every source, whichever one is chosen.
    assert len(list_alerts(big_db, Filters(sources=("demo",)))) == len(everything)


def test_one_incident_groups_the_measures_of_one_brand_on_overlapping_days(big_db):
    found = list_alerts(big_db, Filters())
    outage = next(e for e in events(END) if e["kind"] == "spike")
    both = found[found.apply(lambda a: matches(a, outage), axis=1)]
    assert set(both["kind"]) == {"volume", "negative_share"}
    assert both["incident"].nunique() == 1
    # Its id is the volume alert's: the headline of the incident.
    assert both["incident"].iloc[0] == both.loc[both["kind"] == "volume", "id"].iloc[0]
    # Two brands are never one incident, nor one brand's spikes weeks apart.
    for _, group in found.groupby("incident"):
        assert group["brand"].nunique() == 1
        days = group.sort_values("started_at")
        assert all((b - a).days <= 1 for a, b in zip(days["ended_at"].cummax()[:-1],
                                                     days["started_at"][1:], strict=True))


def test_an_unmigrated_database_has_no_alerts(tmp_path):
    db = tmp_path / "old.duckdb"
    duckdb.connect(str(db)).close()
    assert list_alerts(db, Filters()).empty
    assert alert_count(db, Filters()) == 0
    assert source_health(db).empty


def test_source_health_tells_failing_silent_never_run_and_ok_apart(tmp_path):
    db = tmp_path / "health.duckdb"
    with writing(db) as con:
        for name, kind, outcome in (("feeds", "rss", "ok"), ("forum", "forum", "error"),
                                    ("quiet", "web", "empty"), ("import", "file", "empty"),
                                    ("demo", "demo", "ok")):
            start_run(con, f"run-{name}", name, kind, 3600.0)
            finish_run(con, f"run-{name}", name, status="error" if outcome == "error" else "ok",
                       seen=5, new=0 if outcome == "empty" else 5, updated=0, warnings=0,
                       error="HTTP 403 from forum.example" if outcome == "error" else None,
                       error_kind="blocked" if outcome == "error" else None)
        con.execute("INSERT INTO sources (name, kind, every_seconds) VALUES ('new', 'reddit', 60)")
    soon = now() + timedelta(minutes=5)
    health = source_health(db, now=soon).set_index("name")
    assert health.loc["feeds", "status"] == "ok"
    assert health.loc["forum", "status"] == "failing"
    assert health.loc["forum", "last_error_kind"] == "blocked"
    assert "blocked" in health.loc["forum", "reason"]
    assert health.loc["new", "status"] == "never run"
    assert health.loc["quiet", "status"] == "ok"  # not yet three intervals
    later = source_health(db, now=soon + timedelta(hours=4)).set_index("name")
    # Four hours without a new item from an hourly source: silent, not calm.
    assert later.loc["quiet", "status"] == "silent"
    assert later.loc["feeds", "status"] == "silent"
    # Generated and imported data bring nothing new by design.
    assert later.loc["import", "status"] == "ok" and later.loc["demo", "status"] == "ok"
    assert list(later["status"])[:3] == ["failing", "silent", "silent"]


def test_a_run_that_skipped_or_repaired_rows_shows_warnings_not_ok(tmp_path):
    db = tmp_path / "health.duckdb"
    with writing(db) as con:
        for n, (name, warnings) in enumerate((("clean", 0), ("import", 3), ("import", 0),
                                              ("posts", 2))):
            start_run(con, f"run-{n}", name, "file", 3600.0)
            finish_run(con, f"run-{n}", name, status="ok", seen=5, new=5, updated=0,
                       warnings=warnings)
    health = source_health(db).set_index("name")
    assert health.loc["posts", "status"] == "warnings"
    assert health.loc["posts", "reason"] == "last run: 2 warning(s)"
    # A later clean run clears it: the state is the last run's.
    assert health.loc["import", "status"] == "ok" and health.loc["clean", "status"] == "ok"
    assert list(health.index)[0] == "posts"  # shown before the healthy ones
