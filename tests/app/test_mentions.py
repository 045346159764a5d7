"""The Mentions view run by AppTest on real DuckDB files: search, pages, hostile text, edits."""

from __future__ import annotations

import shutil
import unicodedata
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from store import edits, writing
from store.filters import Filters
from store.writes import now, write_batch
from tests.conftest import db_rows as rows
from ui import drilldown

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "app.py"
TIMEOUT = 60
HOSTILE_TEXT = ("Orbis <script>alert('x')</script> **not bold** [link](javascript:alert(1)) "
                "'; DROP TABLE items; --")




@pytest.fixture
def own_db(demo_db, tmp_path) -> Path:
    """A copy of the demo database (edits land beside it), plus one item with hostile text."""
    db = tmp_path / "veille.duckdb"
    shutil.copy(demo_db, db)
    published = datetime(2026, 6, 30, 23, 59)
    item = ("hostile-1", "demo", "forum", "javascript:alert(1)", "<b>Title</b>", HOSTILE_TEXT,
            "<img src=x>", published, now(), "en", 0.0, "neutral", 1, 0, None, "h")
    with writing(db) as con:
        write_batch(con, [item], [("hostile-1", "Orbis", 0.0, "neutral", published, "demo",
                                   "forum", "en")], source="demo", kind="demo", state={})
    return db


def open_mentions(monkeypatch, db: Path, params: dict | None = None) -> AppTest:
    monkeypatch.setenv("VEILLE_DB", str(db))
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    for key, value in (params or {}).items():
        at.query_params[key] = value
    at.run()
    at.switch_page("pages/mentions.py").run()
    assert_clean(at)
    return at


def assert_clean(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def table(at: AppTest):
    return at.dataframe[0].value


def _pick_ids(at: AppTest) -> list[str]:
    """The item ids of the rows on screen, in order (a column the table keeps hidden)."""
    return list(table(at)["id"])


def count_caption(at: AppTest) -> str:
    return next(c.value for c in at.caption if c.value.startswith("Items "))


def fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text.lower())
                   if not unicodedata.combining(c))


def expected_items(db: Path, start: date, end: date) -> int:
    return rows(db, """SELECT count(DISTINCT item_id) FROM mentions
                       WHERE CAST(published_at AS DATE) BETWEEN ? AND ?""", [start, end])[0][0]


def test_page_lists_the_items_behind_the_mentions(monkeypatch, demo_db):
    at = open_mentions(monkeypatch, demo_db)
    end = rows(demo_db, "SELECT max(CAST(published_at AS DATE)) FROM mentions")[0][0]
    total = expected_items(demo_db, end - timedelta(days=29), end)
    assert f"of {total:,} " in count_caption(at)
    shown = table(at)
    assert len(shown) == 25
    assert list(shown["Date"]) == sorted(shown["Date"], reverse=True)
    assert all(":" in b for b in shown["Brands"])  # every row names its brands and sentiment
    assert all(u is None or u.startswith(("http://", "https://")) for u in shown["Link"])


def test_search_narrows_ignoring_case_and_accents(monkeypatch, demo_db):
    at = open_mentions(monkeypatch, demo_db, {"period": "all"})
    before = count_caption(at)
    at.text_input(key="m_search").input("ZEPHIR").run()
    assert_clean(at)
    after = count_caption(at)
    assert after != before
    total_after = int(after.split(" of ")[1].split(" ")[0].replace(",", ""))
    with_accents = rows(demo_db, """SELECT count(*) FROM items i WHERE
        strip_accents(lower(coalesce(title, '') || ' ' || coalesce(text, ''))) LIKE '%zephir%'
        AND item_id IN (SELECT item_id FROM mentions)""")[0][0]
    assert total_after == with_accents > 0
    for title, text in zip(table(at)["Title"], table(at)["Text"], strict=True):
        # The table cuts long texts; the word may sit past the cut, so check the full rows.
        assert title is not None or text is not None
    full = rows(demo_db, "SELECT title, text FROM items WHERE item_id IN ({})".format(
        ", ".join("?" * len(_pick_ids(at)))), _pick_ids(at))
    assert all("zephir" in fold(f"{t or ''} {x or ''}") for t, x in full)


def test_pages_move_forward_and_back_without_repeats(monkeypatch, demo_db):
    at = open_mentions(monkeypatch, demo_db, {"period": "all"})
    first = _pick_ids(at)
    at.button[[b.label for b in at.button].index("Next page")].click().run()
    second = _pick_ids(at)
    at.button[[b.label for b in at.button].index("Next page")].click().run()
    third = _pick_ids(at)
    assert_clean(at)
    assert len(set(first + second + third)) == 75
    at.button[[b.label for b in at.button].index("Previous page")].click().run()
    assert _pick_ids(at) == second
    assert "page 2" in count_caption(at)
    at.button[[b.label for b in at.button].index("Previous page")].click().run()
    assert _pick_ids(at) == first
    # The first page of everything, newest first, is what the database says it is.
    expected = [r[0] for r in rows(demo_db, """
        SELECT item_id FROM items WHERE item_id IN (SELECT item_id FROM mentions)
        ORDER BY published_at DESC, item_id DESC LIMIT 25""")]
    assert first == expected


@pytest.mark.parametrize("needle", [
    "'; DROP TABLE items; --", "%", "_", "\\", "<script>alert(1)</script>", "' OR 1=1 --",
    "x" * 100_000, "\x00", "éàü 😀"])
def test_hostile_searches_are_only_text(monkeypatch, demo_db, needle):
    at = open_mentions(monkeypatch, demo_db, {"period": "all"})
    at.text_input(key="m_search").input(needle[:200]).run()
    assert_clean(at)
    assert rows(demo_db, "SELECT count(*) FROM items")[0][0] > 0


def test_hostile_text_is_shown_literally(monkeypatch, own_db):
    at = open_mentions(monkeypatch, own_db, {"period": "all"})
    at.text_input(key="m_search").input("<script>").run()
    assert_clean(at)
    shown = table(at)
    assert list(shown["Text"]) == [HOSTILE_TEXT]
    assert list(shown["Link"]) == [None]  # a javascript: URL is never offered as a link
    texts = [t.value for t in at.text]
    assert HOSTILE_TEXT in texts and "<b>Title</b>" in texts
    assert not at.get("link_button")


def test_correcting_a_sentiment_shows_the_corrected_label(monkeypatch, own_db):
    at = open_mentions(monkeypatch, own_db, {"period": "all", "brand": "Orbis"})
    pick = _pick_ids(at)[0]
    box = next(s for s in at.selectbox if s.label.startswith("Sentiment about Orbis"))
    was = box.value
    new = "negative" if was != "negative" else "positive"
    box.set_value(new).run()
    assert_clean(at)
    first_row = table(at).iloc[0]
    assert f"Orbis: {new} (corrected)" in first_row["Brands"]
    box = next(s for s in at.selectbox if s.label.startswith("Sentiment about Orbis"))
    assert f"the analysis said {was}" in box.label
    assert edits.correction_stats(own_db).by_label[new] == 1
    assert edits.item_edits(own_db, [pick])[pick]["corrections"] == {"Orbis": new}
    # The sentiment filter (global, in the sidebar) follows the corrected label.
    at.multiselect(key="flt_sentiments").set_value([new]).run()
    assert pick in _pick_ids(at)


def sentiment_caption(at: AppTest, start: str) -> str:
    return next(c.value for c in at.caption if c.value.startswith(start))


@pytest.mark.parametrize("lang, models, waiting", [
    ("en", "Sentiment read by the standard model for posts in English and other languages "
           "(as shipped) and the standard model for French posts (as shipped).",
     "1 correction not learnt yet: `python -m collectors retrain` teaches it to the model "
     "(a running `collectors watch` does so once there are enough)."),
    ("fr", "Sentiment lu par le modèle standard pour les publications en anglais et autres "
           "langues (tel que livré) et le modèle standard pour les publications en français "
           "(tel que livré).",
     "1 correction pas encore apprise : `python -m collectors retrain` l'apprend au modèle "
     "(un `collectors watch` en cours le fait seul quand il y en a assez)."),
])
def test_the_page_says_which_model_gave_the_sentiment_and_what_waits(
        monkeypatch, own_db, lang, models, waiting):
    monkeypatch.setenv("VEILLE_LANG", lang)
    at = open_mentions(monkeypatch, own_db, {"period": "all", "brand": "Orbis"})
    start = models.split(" ")[0]
    assert sentiment_caption(at, start) == models  # the demo is read by the shipped models
    key = next(s.key for s in at.selectbox if s.key and s.key.startswith("m_fix_"))
    box = at.selectbox(key=key)
    box.set_value("negative" if box.value != "negative" else "positive").run()
    assert_clean(at)
    assert sentiment_caption(at, start) == f"{models} {waiting}"


def test_tags_and_answered_filter_the_list(monkeypatch, own_db):
    at = open_mentions(monkeypatch, own_db, {"period": "all"})
    pick = _pick_ids(at)[1]
    at.selectbox(key="m_pick").set_value(pick).run()
    at.multiselect(key=f"m_tagsel_{pick}").set_value(["call back"]).run()
    at.toggle(key=f"m_answer_{pick}").set_value(True).run()
    assert_clean(at)
    at.multiselect(key="m_tags").set_value(["call back"]).run()
    assert _pick_ids(at) == [pick]
    at.multiselect(key="m_tags").set_value([]).run()
    at.segmented_control(key="m_answered").set_value("answered").run()
    assert _pick_ids(at) == [pick]
    at.segmented_control(key="m_answered").set_value("unanswered").run()
    assert pick not in _pick_ids(at)
    assert_clean(at)


def test_a_drill_down_link_filters_the_list(monkeypatch, demo_db):
    at = open_mentions(monkeypatch, demo_db, {"period": "custom", "from": "2026-06-01",
                                              "to": "2026-06-07", "brand": "Orbis",
                                              "sentiment": "negative"})
    assert at.multiselect(key="flt_sentiments").value == ["negative"]
    expected = rows(demo_db, """SELECT count(DISTINCT item_id) FROM mentions WHERE brand = 'Orbis'
        AND sentiment_label = 'negative' AND published_at >= '2026-06-01'
        AND published_at < '2026-06-08'""")[0][0]
    assert f"of {expected:,} " in count_caption(at)
    assert all("Orbis: negative" in b for b in table(at)["Brands"])


def test_a_clicked_point_becomes_the_mentions_filters():
    traces = [{"name": "Opalia"}, {"name": "Orbis"}]
    point = {"curve_number": 1, "x": "2026-06-10", "y": 34.0}
    target = drilldown.target_of(point, traces, "week", ["Opalia", "Orbis"],
                                 sentiment="negative")
    assert target == drilldown.Target(brand="Orbis", start=date(2026, 6, 8),
                                      end=date(2026, 6, 14), sentiment="negative")
    current = Filters(start=date(2026, 6, 1), end=date(2026, 6, 30), kinds=("reddit",))
    assert drilldown.params_for(target, current) == {
        "period": ["custom"], "from": ["2026-06-08"], "to": ["2026-06-14"],
        "brand": ["Orbis"], "kind": ["reddit"], "sentiment": ["negative"]}
    # A horizontal bar names its brand on the y axis and has no date: the period stays.
    bar = drilldown.target_of({"curve_number": 0, "x": 120, "y": "Orbis"}, [{"name": "x"}],
                              None, ["Orbis"])
    assert drilldown.params_for(bar, current)["from"] == ["2026-06-01"]
    assert drilldown.params_for(bar, current, "30d") == {"period": ["30d"], "brand": ["Orbis"],
                                                         "kind": ["reddit"]}
    assert drilldown.target_of({"x": "nothing"}, [], None, ["Orbis"]) is None
    assert drilldown.period_of(date(2026, 2, 11), "month") == (date(2026, 2, 1),
                                                               date(2026, 2, 28))


def older_copy(demo_db: Path, tmp_path: Path, drop: bool) -> Path:
    """A copy of the demo database with migration 9 unrecorded, its table dropped or (to make
    the upgrade fail) left in place."""
    db = tmp_path / "veille.duckdb"
    shutil.copy(demo_db, db)
    with writing(db) as con:
        if drop:
            con.execute("DROP TABLE daily_items")
        con.execute("DELETE FROM schema_migrations WHERE version = 9")
    return db


def test_a_database_left_by_an_older_version_is_upgraded_when_the_app_opens_it(
        monkeypatch, demo_db, tmp_path):
    # As an earlier Veille left it: without the items rollup that counts the list.
    db = older_copy(demo_db, tmp_path, drop=True)
    end = rows(db, "SELECT max(CAST(published_at AS DATE)) FROM mentions")[0][0]
    at = open_mentions(monkeypatch, db)
    expected = expected_items(db, end - timedelta(days=29), end)
    assert count_caption(at).startswith(f"Items 1–25 of {expected:,}")
    # Why the list's count is below Overview's mentions, said where the count is.
    assert "counts as two mentions elsewhere" in count_caption(at)
    assert rows(db, "SELECT count(*) FROM schema_migrations WHERE version = 9")[0][0] == 1


def test_a_database_that_cannot_be_upgraded_is_explained_not_a_traceback(
        monkeypatch, demo_db, tmp_path):
    # The upgrade will fail: the table it creates is already there, unrecorded.
    db = older_copy(demo_db, tmp_path, drop=False)
    monkeypatch.setenv("VEILLE_DB", str(db))
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()
    assert not at.exception, [e.value for e in at.exception]
    shown = " ".join(str(e.value) for e in (*at.markdown, *at.error, *at.warning, *at.code))
    assert "written by an older Veille and could not be brought up to date" in shown
    assert rows(db, "SELECT count(*) FROM items")[0][0] > 0
