"""The Topics page, run by Streamlit's AppTest against the session's demo database."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from charts.drill import meaning_of
from store import writing
from tests.conftest import figure_of

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 60


def run_topics(monkeypatch, db: Path, params: dict | None = None) -> AppTest:
    monkeypatch.setenv("VEILLE_DB", str(db))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    for key, value in (params or {}).items():
        at.query_params[key] = value
    # The frame registers the pages with st.navigation on the first run; then the page is
    # found by its file (see AppTest.switch_page).
    at.run(timeout=TIMEOUT)
    at.switch_page("pages/topics.py").run(timeout=TIMEOUT)
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    return at


def table(at: AppTest, index: int = 0):
    return at.dataframe[index].value


def db_brands(db: Path) -> list[str]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return [r[0] for r in con.execute("SELECT name FROM brands ORDER BY position").fetchall()]
    finally:
        con.close()


def test_topics_page_shows_a_cloud_and_key_terms_per_brand(monkeypatch, demo_db):
    at = run_topics(monkeypatch, demo_db)
    assert [s.value for s in at.subheader][:2] == ["Word clouds", "Key terms and phrases"]
    names = db_brands(demo_db)
    key = table(at, 0)
    assert list(key["Brand"]) == names
    assert all(key["Key terms"].str.len() > 0)
    clouds = [c for c in at.get("plotly_chart") if "topics_cloud" in c.proto.id]
    assert len(clouds) == len(names)
    # No brand name, stopword or handle among the key terms.
    every = ", ".join(key["Key terms"]).lower().split(", ")
    for banned in ("opalia", "orbis", "tilia", "zephir", "le", "the", "de", "and"):
        assert banned not in every
    assert not any(w.startswith("@") for w in every)


def test_every_word_and_theme_names_what_a_click_opens(monkeypatch, demo_db):
    at = run_topics(monkeypatch, demo_db)
    shown = {c.proto.id.rsplit("-", 1)[-1]: c for c in at.get("plotly_chart")}
    assert all(list(c.proto.selection_mode) for c in shown.values())
    for brand in db_brands(demo_db):
        cloud = figure_of(shown[f"topics_cloud_{brand}"])
        said = [meaning_of(cd) for cd in cloud["data"][1]["customdata"]]
        # A click on a word opens that brand's mentions searched for the word.
        assert {m["brand"] for m in said} == {brand}
        assert {m["term"] for m in said} == set(cloud["layout"]["meta"]["terms"])
    con = duckdb.connect(str(demo_db), read_only=True)
    try:
        first = {r[0][0] for r in con.execute("SELECT top_terms FROM topics").fetchall()}
    finally:
        con.close()
    themes = figure_of(shown["topics_shares"])
    assert {meaning_of(cd)["term"] for t in themes["data"] for cd in t["customdata"]} == first


def test_the_charts_stay_the_same_elements_on_the_next_run(monkeypatch, demo_db):
    # A chart that differs on the run a click starts is a new element to Streamlit, which
    # then drops the click: the first click on a freshly drawn word cloud would do nothing.
    at = run_topics(monkeypatch, demo_db)
    first = [(c.proto.id, c.proto.spec) for c in at.get("plotly_chart")]
    at.run(timeout=TIMEOUT)
    assert [(c.proto.id, c.proto.spec) for c in at.get("plotly_chart")] == first


def test_the_brand_filter_changes_the_terms(monkeypatch, demo_db):
    at = run_topics(monkeypatch, demo_db)
    before = table(at, 0)
    other = db_brands(demo_db)[1]
    at.multiselect(key="flt_brands").set_value([other]).run(timeout=TIMEOUT)
    assert not at.exception
    after = table(at, 0)
    assert list(after["Brand"]) == [other]
    assert after["Key terms"].iloc[0] == before.set_index("Brand").loc[other, "Key terms"]
    clouds = [c for c in at.get("plotly_chart") if "topics_cloud" in c.proto.id]
    assert len(clouds) == 1


def test_the_outage_week_shows_its_words_as_emerging_for_orbis(monkeypatch, demo_db):
    con = duckdb.connect(str(demo_db), read_only=True)
    try:
        spike = con.execute("""SELECT day FROM daily_mentions WHERE brand = 'Orbis'
                               GROUP BY day ORDER BY sum(mentions) DESC LIMIT 1""").fetchone()[0]
    finally:
        con.close()
    end = spike + timedelta(days=1)
    at = run_topics(monkeypatch, demo_db, {"period": "custom",
                                           "from": (end - timedelta(days=29)).isoformat(),
                                           "to": end.isoformat()})
    rising = next(d.value for d in at.dataframe if "Last 7 days" in d.value.columns)
    orbis = set(rising[rising["Brand"] == "Orbis"]["Term"])
    assert orbis & {"panne", "outage"}, orbis


def test_a_database_without_terms_says_how_to_get_them(monkeypatch, tmp_path, demo_db):
    db = tmp_path / "copy.duckdb"
    db.write_bytes(demo_db.read_bytes())
    with writing(db) as con:
        con.execute("DELETE FROM daily_terms")
    at = run_topics(monkeypatch, db)
    assert any("python -m collectors run" in i.value for i in at.info)
    assert not at.get("plotly_chart")


@pytest.mark.parametrize("params", [{"brand": "<script>alert(1)</script>"}])
def test_hostile_links_leave_the_page_standing(monkeypatch, demo_db, params):
    at = run_topics(monkeypatch, demo_db, params)
    assert at.subheader
