"""The Trends and Alerts pages, run by Streamlit's AppTest against real DuckDB files."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from charts.drill import meaning_of
from store import writing
from store.edits import edits_path
from store.writes import finish_run, start_run
from tests.conftest import db_rows, figure_of

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "app.py"
TIMEOUT = 30
TRENDS, ALERTS = "pages/trends.py", "pages/alerts.py"


@pytest.fixture
def own_db(demo_db, tmp_path) -> Path:
    """A copy of the demo database that a test may write beside (edits) or into."""
    path = tmp_path / "veille.duckdb"
    shutil.copy(demo_db, path)
    return path


def open_page(monkeypatch, db: Path, page: str, params: dict | None = None) -> AppTest:
    """Run the app on ``db`` and switch to ``page``, with ``params`` in the URL."""
    monkeypatch.setenv("VEILLE_DB", str(db))
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    for key, value in (params or {}).items():
        at.query_params[key] = value
    at.run()
    at.switch_page(page).run()
    assert_clean(at)
    return at


def assert_clean(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]






def figure(at: AppTest, key: str) -> dict:
    chart = next(c for c in at.get("plotly_chart") if c.proto.id.endswith(key)
                 or key in c.proto.id)
    return figure_of(chart)


def traces(at: AppTest, key: str = "trends_timeline") -> dict[str, dict]:
    return {t["name"]: t for t in figure(at, key)["data"]}


def texts(at: AppTest) -> str:
    parts = [e.value for kind in ("subheader", "markdown", "caption", "warning", "info", "text")
             for e in getattr(at, kind)]
    parts += [f"{m.label} {m.value}" for m in at.metric]
    return "\n".join(str(p) for p in parts)


# --- Trends --------------------------------------------------------------------------------


def test_trends_draws_every_brand_the_spike_and_the_page_changes(monkeypatch, demo_db):
    at = open_page(monkeypatch, demo_db, TRENDS)
    lines = traces(at)
    assert {"Opalia", "Orbis", "Ciel Mobile", "Tilia", "Zephir"} <= set(lines)
    # The Orbis outage of the demo (10–12 June) lies in the default last 30 days.
    spikes = lines["Spikes"]
    assert any("Orbis" in t and "volume" in t for t in spikes["text"])
    assert any(x.startswith("2026-06-10") for x in spikes["x"])
    assert "Page changes" in lines
    assert figure(at, "trends_timeline")["layout"]["title"]["text"] == "Mentions per day"
    # Per day, every day of the period is on the line, quiet ones as 0.
    assert len(lines["Orbis"]["y"]) == 30
    assert "vs the previous 30 days" in figure(at, "trends_compare")["layout"]["title"]["text"]


def test_the_spike_and_the_page_changes_name_what_a_click_opens(monkeypatch, demo_db):
    at = open_page(monkeypatch, demo_db, TRENDS)
    shown = [c for c in at.get("plotly_chart")]
    assert len(shown) == 2 and all(list(c.proto.selection_mode) for c in shown)
    lines = traces(at)
    spikes = [meaning_of(cd) for cd in lines["Spikes"]["customdata"]]
    assert {"brand": "Orbis", "start": "2026-06-10"}.items() <= spikes[0].items()
    changes = db_rows(demo_db, """SELECT CAST(published_at AS DATE), source FROM page_changes
                                  WHERE published_at >= '2026-06-01'""")
    said = [meaning_of(cd) for cd in lines["Page changes"]["customdata"]]
    assert {(m["start"], m["kind"], m["source"]) for m in said} == {
        (day.isoformat(), "web", source) for day, source in changes}
    # The comparison's pale bars open the previous 30 days, the solid ones these.
    before, now = (figure(at, "trends_compare")["data"][i]["customdata"][0] for i in (0, 1))
    assert (before["start"], before["end"]) == ("2026-05-02", "2026-05-31")
    assert (now["start"], now["end"]) == ("2026-06-01", "2026-06-30")


def test_choosing_a_brand_leaves_only_its_line(monkeypatch, demo_db):
    at = open_page(monkeypatch, demo_db, TRENDS, {"brand": "Tilia"})
    lines = traces(at)
    assert "Tilia" in lines and not {"Orbis", "Opalia", "Zephir"} & set(lines)
    assert "Spikes" not in lines  # the only spike of the period is Orbis's
    compared = figure(at, "trends_compare")["data"]
    bars = [t for t in compared if t.get("type") == "bar"]
    assert len(bars) == 2 and all(list(t["x"]) == ["Tilia"] for t in bars)
    # The legend names the two periods with neutral swatches, not the first brand's colour.
    legend = [t for t in compared if t.get("showlegend") is not False]
    assert [t["name"] for t in legend] == [t["name"] for t in bars]
    assert len({t["marker"]["color"] for t in legend}) == 1
    assert [t["marker"]["opacity"] for t in legend] == [0.35, 1.0]


def test_hours_and_tone_can_be_chosen(monkeypatch, demo_db):
    at = open_page(monkeypatch, demo_db, TRENDS, {"period": "7d"})
    at.segmented_control(key="trends_grain").set_value("hour").run()
    assert_clean(at)
    assert figure(at, "trends_timeline")["layout"]["title"]["text"] == "Mentions per hour"
    assert len(traces(at)["Orbis"]["y"]) > 7 * 20
    at.segmented_control(key="trends_measure").set_value("negative_share").run()
    assert_clean(at)
    lines = traces(at)
    assert figure(at, "trends_timeline")["layout"]["title"]["text"] == "Negative share per hour"
    assert all(0 <= y <= 1 for y in lines["Orbis"]["y"])


def test_the_comparison_table_writes_percentages_as_the_report_does(monkeypatch, demo_db):
    for lang, mark in (("en", "."), ("fr", ",")):
        at = open_page(monkeypatch, demo_db, TRENDS, {"period": "30d", "ui_lang": lang})
        table = next(d.value for d in at.dataframe if d.value.columns[0] in ("Brand", "Marque"))
        assert len(table) == 5
        shares = [v for v in table.iloc[:, 3] if v != "—"]
        # One format for every page and the PDF (Babel): "56.1 %" / "56,1 %", never "56.14%".
        assert shares and all(re.fullmatch(rf"[-+−]?\d[\d\u202f\u00a0 ,.]*{re.escape(mark)}\d"
                                           r"[\u202f\u00a0 ]%", v) for v in shares), shares


def test_all_dates_offer_no_hours_and_no_comparison(monkeypatch, demo_db):
    at = open_page(monkeypatch, demo_db, TRENDS, {"period": "all"})
    assert "hour" not in at.segmented_control(key="trends_grain").options
    assert "All dates are shown" in texts(at)
    assert not [c for c in at.get("plotly_chart") if "trends_compare" in c.proto.id]


def test_an_empty_database_gets_guidance_not_a_broken_page(monkeypatch, tmp_path):
    db = tmp_path / "empty.duckdb"
    with writing(db):
        pass
    monkeypatch.setenv("VEILLE_DB", str(db))
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.run()
    assert_clean(at)
    assert "holds no items" in "\n".join(m.value for m in at.subheader)
    assert not at.get("plotly_chart")


# --- Alerts --------------------------------------------------------------------------------


def test_alerts_explain_the_bad_buzz_with_its_posts_and_words(monkeypatch, demo_db):
    at = open_page(monkeypatch, demo_db, ALERTS)
    shown = texts(at)
    assert "Orbis: mentions ×" in shown.replace("\\", "")
    assert "panne" in shown or "outage" in shown
    # Said in plain words: the new words keep their accents, sizes read without statistics.
    shown = shown.replace("\\", "")
    assert "dédommagement" in shown and "dedommagement" not in shown
    assert "standard deviations" not in shown and "× the usual day-to-day swing" in shown
    assert "hardly used before" in shown
    assert not re.search(r"×\d{3,}", shown.replace(",", "")), "a ×1459 left unexplained"
    posts = [t.value for t in at.text if "·" in t.value]
    assert posts and any("Orbis" in p for p in posts)
    links = at.get("link_button")
    assert links and all(b.proto.url.startswith("https://") for b in links)
    # One incident, one card: the outage's volume and negative share are one bad buzz, counted
    # once in "Open alerts".
    in_period = db_rows(demo_db, "SELECT brand, kind FROM alerts "
                                 "WHERE ended_at >= DATE '2026-06-01'")
    assert ("Orbis", "volume") in in_period and ("Orbis", "negative_share") in in_period
    cards = [b for b in at.button if (b.key or "").endswith("_seen")]
    assert 0 < len(cards) < len(in_period)
    assert {m.label: m.value for m in at.metric}["Open alerts"] == str(len(cards))
    assert "Same incident: negative share up to" in shown
    # The demo source brings nothing new by design: it is never shown as silent.
    assert {m.label: m.value for m in at.metric}["Unhealthy sources"] == "0"


def test_marking_an_alert_seen_then_handled_writes_only_the_edits_file(monkeypatch, own_db):
    stamp = own_db.stat().st_mtime_ns
    at = open_page(monkeypatch, own_db, ALERTS)
    opened = int({m.label: m.value for m in at.metric}["Open alerts"])
    assert opened >= 1
    at.button(key=next(b.key for b in at.button if (b.key or "").endswith("_seen"))).click().run()
    assert_clean(at)
    assert "Seen" in texts(at)
    handled = next(b.key for b in at.button if (b.key or "").endswith("_handled"))
    at.button(key=handled).click().run()
    assert_clean(at)
    # Handled alerts leave the default list, and the open count drops.
    assert int({m.label: m.value for m in at.metric}["Open alerts"]) == opened - 1
    assert len([b for b in at.button if (b.key or "").endswith("_seen")]) == opened - 1
    assert edits_path(own_db).exists()
    assert own_db.stat().st_mtime_ns == stamp
    at.pills(key="alerts_states").set_value(["handled"]).run()
    assert_clean(at)
    assert [b.label for b in at.button if (b.key or "").startswith("alert_")] == ["Reopen"]


def test_a_brand_without_spikes_says_so(monkeypatch, demo_db):
    at = open_page(monkeypatch, demo_db, ALERTS, {"brand": "Tilia"})
    assert "No spike in this period" in texts(at)


def test_a_failing_source_is_shown_as_unhealthy(monkeypatch, own_db):
    with writing(own_db) as con:
        start_run(con, "run-x", "forum-x", "forum", 3600.0)
        finish_run(con, "run-x", "forum-x", status="error", seen=0, new=0, updated=0,
                   warnings=0, error="HTTP 403 <b>blocked</b>", error_kind="blocked")
    at = open_page(monkeypatch, own_db, ALERTS)
    assert {m.label: m.value for m in at.metric}["Unhealthy sources"] == "1"
    warning = at.warning[0].value
    assert "forum" in warning and "failing" in warning and "blocked" in warning
    table = at.dataframe[0].value
    assert list(table["name"])[0] == "forum-x" and list(table["status"])[0] == "failing"
