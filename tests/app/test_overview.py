"""The app frame and the Overview page, run by Streamlit's AppTest against real DuckDB files."""

from __future__ import annotations

import hashlib
import random
from collections import namedtuple
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from store import writing
from store.writes import now, save_brands, set_meta, write_batch
from tests.conftest import figure_of

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "app.py"
TIMEOUT = 30

Brand = namedtuple("Brand", "name query own color")
SEED_BRANDS = [Brand("Acme", "acme", True, "#1f77b4"), Brand("Globex", "globex", False, "#d62728"),
               Brand("Initech", "initech", False, "#2ca02c")]


# --- databases -------------------------------------------------------------------------------


def seed(path: Path, kind: str = "feed", days: int = 150, end: date = date(2026, 6, 30),
         watch: str = "Seeded watch") -> Path:
    """Write a small watch with the store's own write path: 3 brands, ~20 items a day."""
    rng = random.Random(11)
    items, mentions = [], []
    for back in range(days):
        day = datetime.combine(end - timedelta(days=back), datetime.min.time())
        for i in range(rng.randint(8, 30)):
            item_id = hashlib.md5(f"{back}/{i}".encode()).hexdigest()
            published = day + timedelta(hours=rng.randint(0, 23))
            source, lang = rng.choice(["news", "forum"]), rng.choice(["en", "fr", "de"])
            score = rng.uniform(-1, 1)
            label = "positive" if score > 0.2 else "negative" if score < -0.2 else "neutral"
            items.append((item_id, source, kind, f"https://example.test/{item_id}", "title",
                          "text", "author", published, now(), lang, score, label, None, None,
                          None, item_id))
            for brand in rng.sample([b.name for b in SEED_BRANDS], rng.choice([1, 1, 1, 2])):
                mentions.append((item_id, brand, score, label, published, source, kind, lang))
    with writing(path) as con:
        save_brands(con, SEED_BRANDS)
        set_meta(con, "watch_name", watch)
        write_batch(con, items, mentions, source="news", kind=kind, state={})
    return path


@pytest.fixture(scope="module")
def app_db(demo_db) -> Path:
    """The database the Overview is checked against: the shared demo watch."""
    return demo_db


@pytest.fixture(scope="module")
def plain_db(tmp_path_factory) -> Path:
    """A watch collected from ordinary (non-demo) sources."""
    return seed(tmp_path_factory.mktemp("plain") / "plain.duckdb", kind="feed")


def db_query(db: Path, sql: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def db_brands(db: Path) -> tuple[list[str], str | None]:
    rows = db_query(db, "SELECT name, own FROM brands ORDER BY position")
    return [r[0] for r in rows], next((r[0] for r in rows if r[1]), None)


def last_day(db: Path) -> date:
    return db_query(db, "SELECT max(CAST(published_at AS DATE)) FROM mentions")[0][0]


def expected_tiles(db: Path, start: date, end: date, brands: list[str] | None = None) -> dict:
    """The overview numbers, counted straight from the mentions table (not from the rollup)."""
    _, own = db_brands(db)
    brand_sql = f" AND brand IN ({', '.join('?' * len(brands))})" if brands else ""
    total, ours, pos, neg = db_query(db, f"""
        SELECT count(*), count(*) FILTER (brand = ?),
               count(*) FILTER (sentiment_label = 'positive'),
               count(*) FILTER (sentiment_label = 'negative')
        FROM mentions WHERE CAST(published_at AS DATE) BETWEEN ? AND ? {brand_sql}
    """, [own, start, end, *(brands or [])])[0]
    return {"mentions": total, "share": ours / total if total else None,
            "net": (pos - neg) / total if total else None}


# --- running the app -------------------------------------------------------------------------


def run_app(monkeypatch, db: Path, params: dict | None = None) -> AppTest:
    monkeypatch.setenv("VEILLE_DB", str(db))
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    for key, value in (params or {}).items():
        at.query_params[key] = value
    at.run(timeout=TIMEOUT)
    assert_clean(at)
    return at


def assert_clean(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def tiles(at: AppTest) -> dict[str, str]:
    return {m.label.split(" · ")[0]: m.value for m in at.metric}


def deltas(at: AppTest) -> dict[str, str]:
    return {m.label.split(" · ")[0]: m.proto.delta for m in at.metric}


def header(at: AppTest) -> str:
    """The line under the title that says which days are shown and compared."""
    return next(m.value for m in at.main.markdown if m.value.startswith("**"))


def number(text: str) -> float:
    return float(text.replace(",", "").replace("%", "").strip())




def figures(at: AppTest) -> list[dict]:
    return [figure_of(chart) for chart in at.get("plotly_chart")]


def traces(at: AppTest, index: int = 0) -> dict[str, dict]:
    return {t["name"]: t for t in figures(at)[index]["data"]}


def texts(at: AppTest) -> str:
    parts = [e.value for kind in ("title", "subheader", "markdown", "caption", "warning", "info",
                                  "code", "error")
             for e in getattr(at, kind)]
    parts += [f"{m.label} {m.value} {m.proto.delta}" for m in at.metric]
    return "\n".join(str(p) for p in parts)


# --- the Overview on the demo watch ----------------------------------------------------------


def test_overview_shows_the_tiles_the_database_holds_for_the_last_30_days(monkeypatch, app_db):
    at = run_app(monkeypatch, app_db)
    end = last_day(app_db)
    start = end - timedelta(days=29)
    want = expected_tiles(app_db, start, end)
    before = expected_tiles(app_db, start - timedelta(days=30), start - timedelta(days=1))
    shown = tiles(at)
    assert want["mentions"] > 0
    assert int(number(shown["Mentions"])) == want["mentions"]
    assert number(shown["Share of voice"]) == pytest.approx(want["share"] * 100, abs=0.051)
    assert number(shown["Net sentiment"]) == pytest.approx(want["net"] * 100, abs=0.051)
    # Each tile compares with the 30 days before.
    change = deltas(at)
    assert change["Mentions"].startswith(f"{want['mentions'] - before['mentions']:+,}")
    assert number(change["Share of voice"].removesuffix("pts")) == pytest.approx(
        (want["share"] - before["share"]) * 100, abs=0.051)
    assert at.query_params["period"] == "30d"


def test_the_header_names_the_watch_the_period_and_its_comparison(monkeypatch, app_db):
    at = run_app(monkeypatch, app_db)
    watch = db_query(app_db, "SELECT value FROM meta WHERE key = 'watch_name'")[0][0]
    assert at.title[0].value == watch
    end = last_day(app_db)
    line = header(at)
    assert "Last 30 days" in line
    assert f"{end.day} {end:%b %Y}" in line
    previous_end = end - timedelta(days=30)
    assert "compared with the previous 30 days" in line
    assert f"{previous_end.day} {previous_end:%b}" in line
    assert "all brands" in at.caption[0].value


def test_demo_data_carries_a_banner_that_says_how_to_watch_your_own_brands(monkeypatch, app_db):
    at = run_app(monkeypatch, app_db)
    banner = " ".join(i.value for i in at.info)
    assert "Demo data" in banner
    assert "watch.toml" in banner and "python -m collectors run" in banner


def test_real_data_has_no_demo_banner(monkeypatch, plain_db):
    at = run_app(monkeypatch, plain_db)
    assert at.title[0].value == "Seeded watch"
    assert not any("Demo data" in i.value for i in at.info)
    assert len(at.metric) == 4


def test_the_charts_draw_every_brand_in_its_configured_colour(monkeypatch, app_db):
    at = run_app(monkeypatch, app_db)
    colours = dict(db_query(app_db, "SELECT name, color FROM brands"))
    sov, volume = figures(at)
    assert sov["data"] and volume["data"]
    for trace in sov["data"]:
        assert trace["line"]["color"] == colours[trace["name"]]
    for trace in volume["data"]:
        assert trace["marker"]["color"] == colours[trace["name"]]
    # Volume bars hold the same numbers as the database.
    end = last_day(app_db)
    counts = dict(db_query(app_db, """
        SELECT brand, count(*) FROM mentions
        WHERE CAST(published_at AS DATE) BETWEEN ? AND ? GROUP BY brand""",
                           [end - timedelta(days=29), end]))
    assert {t["name"]: t["x"][0] for t in volume["data"]} == counts


def test_choosing_a_brand_narrows_tiles_charts_and_link(monkeypatch, app_db):
    at = run_app(monkeypatch, app_db)
    names, own = db_brands(app_db)
    other = next(n for n in names if n != own)
    assert set(traces(at)) == set(names)

    at.multiselect(key="flt_brands").set_value([other]).run(timeout=TIMEOUT)
    assert_clean(at)
    assert list(traces(at)) == [other]
    assert [t["name"] for t in figures(at)[1]["data"]] == [other]
    end = last_day(app_db)
    want = expected_tiles(app_db, end - timedelta(days=29), end, [other])
    assert int(number(tiles(at)["Mentions"])) == want["mentions"]
    # Our brand is filtered out: its share is not shown as a misleading 0 %.
    assert tiles(at)["Share of voice"] == "—"
    assert at.query_params["brand"] == other
    # The frame is still around the page after a rerun.
    assert at.title and at.sidebar.multiselect


def test_a_shorter_preset_changes_the_chart_to_those_days(monkeypatch, app_db):
    at = run_app(monkeypatch, app_db)
    weekly = figures(at)[0]["data"][0]["x"]
    at.segmented_control(key="flt_period").set_value("7d").run(timeout=TIMEOUT)
    assert_clean(at)
    daily = figures(at)[0]["data"][0]["x"]
    assert daily != weekly
    end = last_day(app_db)
    days = {date.fromisoformat(x[:10]) for x in daily}
    assert max(days) == end and min(days) >= end - timedelta(days=6)
    want = expected_tiles(app_db, end - timedelta(days=6), end)
    assert int(number(tiles(at)["Mentions"])) == want["mentions"]
    assert at.query_params["period"] == "7d"
    assert "Last 7 days" in header(at)


def test_all_dates_show_no_comparison(monkeypatch, app_db):
    at = run_app(monkeypatch, app_db, {"period": "all"})
    total = db_query(app_db, "SELECT count(*) FROM mentions")[0][0]
    assert int(number(tiles(at)["Mentions"])) == total
    assert all(not d for d in deltas(at).values())
    assert "compared with" not in header(at)


def test_a_custom_range_from_the_sidebar_lands_in_the_link(monkeypatch, app_db):
    at = run_app(monkeypatch, app_db)
    end = last_day(app_db)
    at.segmented_control(key="flt_period").set_value("custom").run(timeout=TIMEOUT)
    assert_clean(at)
    start = end - timedelta(days=13)
    at.date_input(key="flt_dates").set_value((start, end - timedelta(days=4))).run(
        timeout=TIMEOUT)
    assert_clean(at)
    assert (at.query_params["from"], at.query_params["to"]) == (
        start.isoformat(), (end - timedelta(days=4)).isoformat())
    want = expected_tiles(app_db, start, end - timedelta(days=4))
    assert int(number(tiles(at)["Mentions"])) == want["mentions"]


def test_a_copied_link_reproduces_the_view(monkeypatch, app_db):
    first = run_app(monkeypatch, app_db)
    names, own = db_brands(app_db)
    first.segmented_control(key="flt_period").set_value("90d").run(timeout=TIMEOUT)
    first.multiselect(key="flt_brands").set_value(names[:2]).run(timeout=TIMEOUT)
    assert_clean(first)
    link = dict(first.query_params)
    assert link["period"] == "90d" and link["brand"] == names[:2]

    second = run_app(monkeypatch, app_db, link)
    assert tiles(second) == tiles(first)
    assert [f["data"] for f in figures(second)] == [f["data"] for f in figures(first)]
    assert second.multiselect(key="flt_brands").value == names[:2]
    assert second.segmented_control(key="flt_period").value == "90d"
    assert not second.warning


def test_reset_returns_to_the_default_view(monkeypatch, app_db):
    names, _ = db_brands(app_db)
    at = run_app(monkeypatch, app_db, {"period": "7d", "brand": names[0]})
    at.button[0].click().run(timeout=TIMEOUT)
    assert_clean(at)
    assert dict(at.query_params) == {"period": "30d"}
    assert set(traces(at)) == set(names)


HOSTILE = [
    {"period": "<script>alert(1)</script>"},
    {"brand": "' OR 1=1; DROP TABLE mentions; --"},
    {"brand": ["<img src=x onerror=alert(1)>", "A" * 100_000]},
    {"period": "custom", "from": "9" * 100_000, "to": "2026-06-01"},
    {"period": "custom", "from": "2026-06-30", "to": "1999-01-01"},
    {"period": "custom", "from": "2026-02-31", "to": "2026-13-01"},
    {"period": ["7d", "all", "<b>x</b>"], "lang": "'; SELECT 1; --"},
    {"kind": "![x](http://example.invalid/pixel.png)", "source": "[click](javascript:alert(1))"},
]


@pytest.mark.parametrize("params", HOSTILE)
def test_hostile_links_are_ignored_with_a_notice_and_never_rendered(monkeypatch, app_db, params):
    at = run_app(monkeypatch, app_db, params)
    assert len(at.metric) == 4
    assert len(at.get("plotly_chart")) == 2
    assert at.sidebar.warning, "the user is told part of the link was ignored"
    shown = texts(at) + "\n".join(w.value for w in at.sidebar.warning)
    for bad in ("<script", "<img", "DROP TABLE", "SELECT 1", "javascript:", "example.invalid",
                "AAAAAAAAAA", "99999999"):
        assert bad not in shown
    # The link is rewritten to what is actually shown.
    for key in ("brand", "kind", "source", "lang"):
        assert key not in at.query_params or at.query_params[key] in db_brands(app_db)[0]
    assert db_query(app_db, "SELECT count(*) FROM mentions")[0][0] > 0


def test_reversed_link_dates_are_swapped(monkeypatch, app_db):
    end = last_day(app_db)
    start = end - timedelta(days=9)
    at = run_app(monkeypatch, app_db, {"period": "custom", "from": end.isoformat(),
                                       "to": start.isoformat()})
    assert "reverse" in at.sidebar.warning[0].value
    assert (at.query_params["from"], at.query_params["to"]) == (start.isoformat(),
                                                                end.isoformat())
    assert int(number(tiles(at)["Mentions"])) == expected_tiles(app_db, start, end)["mentions"]


def test_unknown_parameters_of_other_pages_are_left_alone(monkeypatch, app_db):
    at = run_app(monkeypatch, app_db, {"utm_source": "newsletter"})
    assert at.query_params["utm_source"] == "newsletter"
    assert not at.sidebar.warning


def test_newly_collected_data_shows_at_the_next_rerun(monkeypatch, tmp_path):
    db = seed(tmp_path / "growing.duckdb", days=40)
    at = run_app(monkeypatch, db)
    before = int(number(tiles(at)["Mentions"]))
    published = datetime.combine(last_day(db), datetime.min.time()) + timedelta(hours=23)
    items = [(f"late{i}", "news", "feed", None, "t", "acme", None, published, now(), "en", 0.5,
              "positive", None, None, None, f"late{i}") for i in range(7)]
    mentions = [(f"late{i}", "Acme", 0.5, "positive", published, "news", "feed", "en")
                for i in range(7)]
    with writing(db) as con:
        write_batch(con, items, mentions, source="news", kind="feed", state={})
    at.run(timeout=TIMEOUT)
    assert_clean(at)
    assert int(number(tiles(at)["Mentions"])) == before + 7


# --- nothing to show yet ---------------------------------------------------------------------


def test_missing_database_explains_what_to_do(monkeypatch, tmp_path):
    db = tmp_path / "nowhere" / "veille.duckdb"
    monkeypatch.setenv("VEILLE_CONFIG", str(tmp_path / "my-watch.toml"))
    at = run_app(monkeypatch, db)
    shown = texts(at)
    assert "No data yet" in shown
    assert str(db) in shown and str(tmp_path / "my-watch.toml") in shown
    assert "python -m collectors run" in shown and "make run" in shown
    assert not at.metric and not at.get("plotly_chart")
    assert not db.exists(), "reading never creates the database"


def test_empty_database_explains_what_to_do(monkeypatch, tmp_path):
    db = tmp_path / "empty.duckdb"
    with writing(db):
        pass
    at = run_app(monkeypatch, db)
    assert "holds no items" in texts(at)
    assert "python -m collectors run" in texts(at)
    assert not at.metric


def test_database_without_mentions_points_at_the_brand_queries(monkeypatch, tmp_path):
    db = tmp_path / "quiet.duckdb"
    published = datetime(2026, 6, 1, 12)
    items = [(f"id{i}", "news", "feed", None, "t", "nothing relevant", None, published, now(),
              "en", 0.0, "neutral", None, None, None, f"h{i}") for i in range(5)]
    with writing(db) as con:
        save_brands(con, SEED_BRANDS)
        write_batch(con, items, [], source="news", kind="feed", state={})
    at = run_app(monkeypatch, db)
    shown = texts(at)
    assert "none mentions a watched brand" in shown
    assert "query" in shown and "5 items" in shown
    assert not at.metric


def test_a_file_that_is_not_a_database_is_reported_not_raised(monkeypatch, tmp_path):
    db = tmp_path / "notes.duckdb"
    db.write_text("this is not a DuckDB file\n" * 100)
    at = run_app(monkeypatch, db)
    assert "cannot be read" in texts(at)


def test_every_rerun_draws_the_frame_around_the_page(monkeypatch, app_db):
    """AppTest reruns go through the pages/-folder discovery, as a fresh server's first run."""
    at = run_app(monkeypatch, app_db, {"period": "90d"})
    for _ in range(3):
        at.run(timeout=TIMEOUT)
        assert_clean(at)
        assert len(at.title) == 1 and len(at.metric) == 4
        assert at.sidebar.segmented_control(key="flt_period").value == "90d"
        assert dict(at.query_params) == {"period": "90d"}


def test_a_page_started_without_the_frame_says_how_to_start_veille():
    at = AppTest.from_file(str(ROOT / "pages" / "overview.py"), default_timeout=TIMEOUT)
    at.run(timeout=TIMEOUT)
    assert not at.exception
    assert "streamlit run app.py" in at.error[0].value


def test_the_sentiment_filter_narrows_the_tiles_and_travels_in_the_link(monkeypatch, app_db):
    end = last_day(app_db)
    start = end - timedelta(days=29)
    at = run_app(monkeypatch, app_db)
    every = number(tiles(at)["Mentions"])
    at.multiselect(key="flt_sentiments").set_value(["negative"]).run()
    assert_clean(at)
    negative = db_query(app_db, """SELECT count(*) FROM mentions WHERE sentiment_label = 'negative'
        AND CAST(published_at AS DATE) BETWEEN ? AND ?""", [start, end])[0][0]
    assert 0 < negative < every
    assert number(tiles(at)["Mentions"]) == negative
    # Only negative mentions are left: the net sentiment says so.
    assert tiles(at)["Net sentiment"].startswith("−100") or tiles(at)["Net sentiment"].startswith(
        "-100")
    assert at.query_params["sentiment"] in ("negative", ["negative"])
    # The same link in another browser shows the same view.
    again = run_app(monkeypatch, app_db, {"period": "30d", "sentiment": "negative"})
    assert tiles(again) == tiles(at)
    assert "Negative" in header(again) or "Negative" in texts(again)
