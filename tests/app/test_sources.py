"""The Sources page under AppTest: source health, collect now (the real CLI), brand edits."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from config.watch import brand_query
from tests.conftest import collect, db_rows, write_demo_watch

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "app.py"
TIMEOUT = 60


def open_sources(monkeypatch, db: Path, config: Path) -> AppTest:
    monkeypatch.setenv("VEILLE_DB", str(db))
    monkeypatch.setenv("VEILLE_CONFIG", str(config))
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.run()
    at.switch_page("pages/sources.py").run()
    assert_clean(at)
    return at


def assert_clean(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def tiles(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def tile(at: AppTest, state: str) -> str:
    """The count of a health tile, whose label is its icon (shipped with the app) and state."""
    found = [v for label, v in tiles(at).items() if label.endswith(f":] {state}")]
    assert len(found) == 1 and ":material/" in next(
        label for label in tiles(at) if label.endswith(f":] {state}")), tiles(at)
    return found[0]


def health_table(at: AppTest):
    return next(d.value for d in at.dataframe if "Status" in d.value.columns)


def shown_text(at: AppTest) -> str:
    parts = [e.value for kind in ("markdown", "caption", "warning", "info", "success", "text")
             for e in getattr(at, kind)]
    return "\n".join(str(p) for p in parts)




def wait_for_job(at: AppTest, seconds: float = 240) -> None:
    """Rerun the page (as its one-second fragment would) until the job's result is shown."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        at.run()
        assert_clean(at)
        if any("finished" in s.value or "ended with code" in s.value
               for s in [*at.success, *at.warning]):
            return
        time.sleep(0.5)
    raise AssertionError("the job never finished:\n" + shown_text(at))


@pytest.fixture
def small(tmp_path) -> tuple[Path, Path]:
    """A writable demo watch of 300 items, collected."""
    config = write_demo_watch(tmp_path, items=300)
    db = tmp_path / "veille.duckdb"
    collect(config, db)
    return config, db


def test_health_of_the_demo_source_is_shown(monkeypatch, demo_db, demo_config):
    at = open_sources(monkeypatch, demo_db, demo_config)
    assert tile(at, "ok") == "1" and tile(at, "failing") == "0"
    table = health_table(at)
    row = table[table["Source"] == "demo"].iloc[0]
    assert row["Status"] == "ok"
    new = db_rows(demo_db, "SELECT items_new FROM runs WHERE source = 'demo' "
                           "ORDER BY started_at")
    assert list(row["New items per run"]) == [n for (n,) in new]
    assert row["Last run new"] == new[-1][0]
    assert row["Last success"] != "never"
    assert not at.warning


def test_a_failing_source_shows_its_error_and_a_source_never_run_is_listed(monkeypatch,
                                                                          tmp_path):
    config = write_demo_watch(tmp_path, items=200)
    config.write_text(config.read_text(encoding="utf-8") + """
[[sources]]
name = "export"
kind = "file"
path = "missing-export.csv"

[[sources]]
name = "later"
kind = "file"
path = "later.csv"
enabled = false
""", encoding="utf-8")
    db = tmp_path / "veille.duckdb"
    proc = collect(config, db, check=False)
    assert proc.returncode == 1
    at = open_sources(monkeypatch, db, config)
    assert tile(at, "failing") == "1"
    assert tile(at, "never run") == "1"
    assert tile(at, "ok") == "1"
    table = health_table(at)
    failing = table[table["Source"] == "export"].iloc[0]
    assert failing["Status"] == "failing"
    assert "missing-export.csv" in failing["Last error"]
    assert table[table["Source"] == "later"].iloc[0]["Status"] == "never run"
    # Failing sources come first, then the ones never run, then the healthy ones.
    assert list(table["Source"]) == ["export", "later", "demo"]
    warning = at.warning[0].value
    assert "export" in warning and "failing" in warning
    assert any("missing-export.csv" in t.value for t in at.text)


def preview_for(at: AppTest, brand: str, query: str, exclude: str = "") -> AppTest:
    at.selectbox(key="src_brand").set_value(brand).run()
    at.text_area(key=f"src_query_{brand}").input(query)
    at.text_input(key=f"src_exclude_{brand}").input(exclude)
    next(b for b in at.button if b.label == "Preview changes").click().run()
    assert_clean(at)
    return at


def test_a_brand_preview_counts_gains_and_losses_with_examples(monkeypatch, demo_db,
                                                              demo_config):
    at = open_sources(monkeypatch, demo_db, demo_config)
    new_query = '"Orbis" OR @orbistelecom OR réseau'
    at = preview_for(at, "Orbis", new_query, exclude="panne")
    proposed = brand_query(new_query, [], "panne")
    # A brand's own posts are its voice, never mentions: the preview leaves them out.
    items = db_rows(demo_db, "SELECT item_id, title, text FROM items WHERE own_brand IS NULL")
    assert len(items) <= 20_000, "the preview window covers the whole demo database"
    stored = {i for (i,) in db_rows(demo_db, "SELECT item_id FROM mentions "
                                             "WHERE brand = 'Orbis'")}
    matched = {i for i, title, text in items
               if proposed.matches(f"{title}\n{text}" if title else text)}
    gained, lost = len(matched - stored), len(stored - matched)
    assert gained > 0 and lost > 0
    assert tiles(at)["Orbis: mentions that would change"] == f"+{gained:,} / −{lost:,}"
    examples = [d.value for d in at.dataframe if "snippet" in d.value.columns]
    assert len(examples) == 2 and all(len(e) == 5 for e in examples)
    added, removed = examples
    assert all("réseau" in s.lower() or "reseau" in s.lower() for s in added["snippet"])
    assert all("orbis" in s.lower() for s in removed["snippet"])
    # Nothing was written: the preview only reads.
    assert db_rows(demo_db, "SELECT query FROM brands WHERE name = 'Orbis'")[0][0] != new_query


def test_a_query_that_cannot_be_read_is_explained(monkeypatch, demo_db, demo_config):
    at = open_sources(monkeypatch, demo_db, demo_config)
    at = preview_for(at, "Tilia", '"Tilia" OR (tarif')
    assert "query cannot be read" in at.warning[0].value
    assert not [m for m in at.metric if "would change" in m.label]


def test_collect_now_runs_the_collectors_and_shows_their_summary(monkeypatch, small):
    config, db = small
    # The next collection brings more: the demo source now makes 600 items.
    config.write_text(config.read_text(encoding="utf-8").replace("items = 300", "items = 600"),
                      encoding="utf-8")
    at = open_sources(monkeypatch, db, config)
    at.selectbox(key="src_collect_choice").set_value("demo")
    at.button(key="src_collect").click().run()
    assert_clean(at)
    assert at.button(key="src_collect").disabled, "one collection at a time"
    assert (db.parent / "veille.duckdb.collect.lock").exists()
    wait_for_job(at)
    summary = "\n".join(t.value for t in at.text)
    assert "demo: ok — 600 seen" in summary
    assert any("finished" in s.value for s in at.success)
    assert not (db.parent / "veille.duckdb.collect.lock").exists()
    assert not at.button(key="src_collect").disabled
    runs = db_rows(db, "SELECT items_seen FROM runs ORDER BY started_at")
    assert [r[0] for r in runs] == [300, 600]
    table = health_table(at)
    assert list(table.iloc[0]["New items per run"])[0] == 300


def test_saving_a_brand_edits_the_file_and_rematches_the_history(monkeypatch, small, tmp_path):
    config, db = small
    before = db_rows(db, "SELECT count(*) FROM mentions WHERE brand = 'Zephir'")[0][0]
    at = open_sources(monkeypatch, db, config)
    at.selectbox(key="src_brand").set_value("Zephir").run()
    at.text_area(key="src_query_Zephir").input('"Zephir" OR @zephirmobile OR forfait*')
    next(b for b in at.button if b.label == "Save and re-match").click().run()
    assert_clean(at)
    text = config.read_text(encoding="utf-8")
    assert "query = '\"Zephir\" OR @zephirmobile OR forfait*'" in text
    assert "# Veille — the demo watch." in text, "the file's comments are kept"
    wait_for_job(at)
    assert "rematch:" in "\n".join(t.value for t in at.text)
    after = db_rows(db, "SELECT count(*) FROM mentions WHERE brand = 'Zephir'")[0][0]
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    shutil.copy(config, fresh / "watch.toml")
    collect(fresh / "watch.toml", fresh / "veille.duckdb")
    expected = db_rows(fresh / "veille.duckdb",
                       "SELECT count(*) FROM mentions WHERE brand = 'Zephir'")[0][0]
    assert after == expected > before
    assert "forfait*" in next(d.value for d in at.dataframe if "Query" in d.value.columns
                              ).set_index("Brand").loc["Zephir", "Query"]


def test_a_saved_view_restores_its_link_and_live_mode_travels_in_it(monkeypatch, small):
    config, db = small
    monkeypatch.setenv("VEILLE_DB", str(db))
    monkeypatch.setenv("VEILLE_CONFIG", str(config))
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.query_params["period"] = "7d"
    at.run()
    at.toggle(key="live_on").set_value(True).run()
    assert_clean(at)
    assert at.query_params["live"] == "1"
    at.text_input(key="sv_name").input("Monday <b>meeting</b>")
    at.button(key="sv_save").click().run()
    assert_clean(at)
    assert [b.label for b in at.button if b.key and b.key.startswith("sv_open_")] == [
        "Monday \\<b\\>meeting\\</b\\>"]
    # Elsewhere: another period, live mode off; then the saved view brings both back.
    at.toggle(key="live_on").set_value(False).run()
    at.segmented_control(key="flt_period").set_value("90d").run()
    assert at.query_params["period"] == "90d" and "live" not in at.query_params
    at.button(key="sv_open_Monday <b>meeting</b>").click().run()
    assert_clean(at)
    assert at.query_params["period"] == "7d" and at.query_params["live"] == "1"
    assert at.segmented_control(key="flt_period").value == "7d"
    assert at.toggle(key="live_on").value is True
    at.button(key="sv_delete_Monday <b>meeting</b>").click().run()
    assert not [b for b in at.button if b.key and b.key.startswith("sv_open_")]
    assert (db.parent / "veille.edits.duckdb").exists()
