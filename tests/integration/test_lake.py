"""The store on a DuckLake (a real PostgreSQL catalog, Parquet files in a folder): the same
watch collected into a lake holds what it holds in a file, and the app reads it."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from reports import images
from store import lake
from store.connection import reading
from tests.conftest import ROOT, collect, db_rows
from views import registry

APP = ROOT / "app.py"
TIMEOUT = 60
# What a user sees of a watch: its items, and each mention with its brand and tone.
ITEMS = "SELECT item_id, source, kind, published_at, content_hash FROM items ORDER BY item_id"
MENTIONS = ("SELECT item_id, brand, sentiment_label, published_at FROM mentions "
            "ORDER BY item_id, brand")
# The tables the pages read, counted.
COUNTED = ("items", "mentions", "sources", "brands", "meta", "daily_mentions", "daily_items",
           "alerts", "stories", "authors", "item_facts", "mention_facts", "author_days",
           "daily_terms", "topics")


@pytest.fixture(scope="module")
def collected_lake(postgres_server, demo_config, tmp_path_factory):
    """The shared demo watch collected into a new lake by the real CLI: its store target."""
    data = tmp_path_factory.mktemp("lake-data")
    target = lake.PREFIX + "postgres:" + postgres_server.new_database()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(lake.DATA_PATH_ENV, str(data))
        collect(demo_config, target)
    return target


def lake_rows(target: str, sql: str, params: list | None = None) -> list[tuple]:
    with reading(target) as con:
        return con.execute(sql, params or []).fetchall()


def store_info(target: Path | str) -> dict:
    done = subprocess.run([sys.executable, "-m", "store", "info", "--db", str(target), "--json"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_a_lake_holds_the_items_and_mentions_a_file_holds(collected_lake, demo_db):
    assert lake_rows(collected_lake, ITEMS) == db_rows(demo_db, ITEMS)
    assert lake_rows(collected_lake, MENTIONS) == db_rows(demo_db, MENTIONS)
    for table in COUNTED:
        sql = f"SELECT count(*) FROM {table}"
        assert lake_rows(collected_lake, sql) == db_rows(demo_db, sql), table


def test_store_info_counts_a_lake_as_it_counts_the_file(collected_lake, demo_db):
    in_lake, in_file = store_info(collected_lake), store_info(demo_db)
    assert in_lake["shape"] == "lake" and in_file["shape"] == "file"
    for key in ("items", "mentions", "own_posts", "sources", "brands", "newest_item", "watch",
                "schema_version"):
        assert in_lake[key] == in_file[key], key
    assert in_lake["items"] > 0 and in_lake["bytes"] > 0


def test_collecting_again_into_a_lake_doubles_nothing(postgres_server, demo_config, demo_db,
                                                      tmp_path, monkeypatch):
    monkeypatch.setenv(lake.DATA_PATH_ENV, str(tmp_path / "data"))
    target = lake.PREFIX + "postgres:" + postgres_server.new_database()
    collect(demo_config, target)
    collect(demo_config, target)
    # Each key the file's constraints keep unique stays unique in the lake, whose upserts
    # are MERGEs: a second run finds every item and source already there.
    assert lake_rows(target, "SELECT count(*), count(DISTINCT item_id) FROM items") == \
        db_rows(demo_db, "SELECT count(*), count(DISTINCT item_id) FROM items")
    for table, key in (("sources", "name"), ("meta", "key"), ("alerts", "id"),
                       ("authors", "source, author"), ("schema_migrations", "version")):
        total, distinct = lake_rows(target, f"SELECT count(*), count(DISTINCT ({key})) "
                                            f"FROM {table}")[0]
        assert total == distinct > 0, table
    assert lake_rows(target, "SELECT count(*) FROM runs") == [(2,)]


def test_a_lake_without_veille_data_says_to_collect_first(lake_target):
    done = subprocess.run([sys.executable, "-m", "store", "info", "--db", lake_target],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode != 0
    assert "collectors run" in done.stderr


def overview(monkeypatch, target: Path | str) -> dict[str, str]:
    monkeypatch.setenv("VEILLE_DB", str(target))
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.run(timeout=TIMEOUT)
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    return {m.label: m.value for m in at.metric}


def test_the_overview_over_a_lake_shows_what_it_shows_over_the_file(monkeypatch, collected_lake,
                                                                  demo_db):
    over_lake = overview(monkeypatch, collected_lake)
    assert over_lake, "the overview shows no tiles over the lake"
    assert over_lake == overview(monkeypatch, demo_db)


def page(monkeypatch, target: Path | str, key: str) -> tuple[list[str], int]:
    """What the page of view ``key`` shows under the default filters: its numbers, and how
    many charts."""
    monkeypatch.setenv("VEILLE_DB", str(target))
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.run(timeout=TIMEOUT)
    at.switch_page(registry.get(key).page).run(timeout=TIMEOUT)
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    return [f"{m.label} {m.value}" for m in at.metric], len(at.get("plotly_chart"))


@pytest.mark.parametrize("key", registry.KEYS)
def test_every_page_renders_over_a_lake_as_over_the_file(monkeypatch, collected_lake, demo_db,
                                                         key):
    over_lake = page(monkeypatch, collected_lake, key)
    over_file = page(monkeypatch, demo_db, key)
    assert over_lake == over_file


def store_copy(source: Path | str, target: Path | str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "store", "copy", "--from", str(source),
                           "--to", str(target)], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)


def test_a_store_copied_to_a_lake_and_back_holds_the_same_watch(lake_target, demo_db,
                                                                tmp_path):
    there = store_copy(demo_db, lake_target)
    assert there.returncode == 0, there.stderr
    items = db_rows(demo_db, "SELECT count(*) FROM items")[0][0]
    assert f"{items:,} items" in there.stdout
    assert "copy" in there.stderr  # the progress bar, drawn on standard error
    assert lake_rows(lake_target, ITEMS) == db_rows(demo_db, ITEMS)
    assert lake_rows(lake_target, MENTIONS) == db_rows(demo_db, MENTIONS)

    back = tmp_path / "back.duckdb"
    done = store_copy(lake_target, back)
    assert done.returncode == 0, done.stderr
    assert db_rows(back, ITEMS) == db_rows(demo_db, ITEMS)
    assert db_rows(back, MENTIONS) == db_rows(demo_db, MENTIONS)
    for table in COUNTED:
        sql = f"SELECT count(*) FROM {table}"
        assert db_rows(back, sql) == db_rows(demo_db, sql), table
    assert store_info(back)["items"] == store_info(lake_target)["items"] == items


def test_a_copy_never_lands_on_a_store_that_holds_data(lake_target, demo_db):
    assert store_copy(demo_db, lake_target).returncode == 0
    again = store_copy(demo_db, lake_target)
    assert again.returncode != 0
    assert "already holds data" in again.stderr
    assert lake_rows(lake_target, "SELECT count(*) FROM items") == \
        db_rows(demo_db, "SELECT count(*) FROM items")


def write_two_source_watch(folder: Path, items: int, names: tuple[str, ...] = ("a", "b")
                           ) -> Path:
    """A watch of file sources (two, ``a`` and ``b``, unless ``names`` says otherwise), each a
    different demo draw of ``items`` with ids of its own (so no source's items can replace
    another's)."""
    from datetime import date

    from collectors.demo import generate

    head = (ROOT / "watch.toml").read_text(encoding="utf-8").split("[[sources]]", 1)[0]
    sources = ""
    for seed, name in enumerate(names, start=1):
        with open(folder / f"{name}.jsonl", "w", encoding="utf-8") as out:
            for item in generate(items, seed=seed, end=date(2026, 6, 30), source=name):
                out.write(json.dumps({
                    "id": f"{name}:{item.id}", "text": item.text, "title": item.title,
                    "url": item.url, "author": item.author, "lang": item.lang,
                    "published_at": item.published_at.isoformat()}) + "\n")
        sources += f'[[sources]]\nname = "{name}"\nkind = "file"\npath = "{name}.jsonl"\n\n'
    path = folder / "watch.toml"
    path.write_text(head + sources, encoding="utf-8")
    return path


def test_two_collectors_writing_one_lake_at_once_lose_and_double_nothing(lake_target, tmp_path):
    config = write_two_source_watch(tmp_path, items=2000)
    runs = [subprocess.Popen([sys.executable, "-m", "collectors", "run", "--config", str(config),
                              "--db", lake_target, "--source", name, "--quiet"], cwd=ROOT,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for name in ("a", "b")]
    file_db = tmp_path / "one.duckdb"
    collect(config, file_db)
    for run in runs:
        out, err = run.communicate(timeout=600)
        assert run.returncode == 0, err
        assert "2000 new" in out
        assert "could not" not in err  # no derived table given up on a clashing commit
    assert lake_rows(lake_target, ITEMS) == db_rows(file_db, ITEMS)
    assert lake_rows(lake_target, MENTIONS) == db_rows(file_db, MENTIONS)
    # The tables whose rows do not depend on which writer came first (near-duplicate stories
    # and the rollups built on them are matched in arrival order).
    for table in ("sources", "brands", "daily_mentions", "daily_items", "authors"):
        sql = f"SELECT count(*) FROM {table}"
        assert lake_rows(lake_target, sql) == db_rows(file_db, sql), table
    # The file rewrote itself in time order and dropped its count of late rows; a lake never
    # does (see test_a_lake_is_never_rewritten_in_time_order).
    sql = "SELECT key FROM meta WHERE key <> 'rows_out_of_order' ORDER BY key"
    assert lake_rows(lake_target, sql) == db_rows(file_db, sql)


def test_a_lake_is_never_rewritten_in_time_order(lake_target):
    # Rewriting every row in one commit clashed with the other writer's appends (CI saw a
    # collector die on it); a lake relies on its files' min/max instead.
    from store import writing
    from store.meta import set_meta
    from store.writes import reorder_if_needed

    with writing(lake_target) as con:
        set_meta(con, "rows_out_of_order", "1000000")
    before = lake.snapshot(lake_target)
    with writing(lake_target) as con:
        assert not reorder_if_needed(con, force=True)
    assert lake.snapshot(lake_target) == before


def test_edits_made_over_a_lake_live_in_the_lake_and_reach_the_next_run(lake_target, tmp_path,
                                                                        demo_config):
    from store import edits

    target = lake_target
    collect(demo_config, target)
    item_id, brand, label = lake_rows(
        target, "SELECT item_id, brand, sentiment_label FROM mentions "
                "WHERE sentiment_label = 'positive' ORDER BY item_id LIMIT 1")[0]
    edits.add_tag(target, item_id, "  à  suivre ")
    edits.add_tag(target, item_id, "à suivre")  # the same tag twice is kept once
    edits.correct_sentiment(target, item_id, brand, "negative", analysed_label=label)
    edits.save_view(target, "Négatifs", "?tone=negative")
    # Another app server reads them from the same catalog: a connection of its own process.
    seen = subprocess.run(
        [sys.executable, "-c", "import sys; from store import edits; "
         "print(edits.item_edits(sys.argv[1], [sys.argv[2]])); "
         "print([v.name for v in edits.saved_views(sys.argv[1])])", target, item_id],
        cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert seen.returncode == 0, seen.stderr
    assert "'tags': ['à suivre']" in seen.stdout and f"'{brand}': 'negative'" in seen.stdout
    assert "['Négatifs']" in seen.stdout
    collect(demo_config, target)  # the next run copies the correction into the mentions
    assert lake_rows(target, "SELECT sentiment_label FROM mentions WHERE item_id = ? AND "
                             "brand = ?", [item_id, brand]) == [("negative",)]
    assert not list(Path.cwd().glob("ducklake:*")) and not list(ROOT.glob("ducklake:*"))
    # A lake copied to a file leaves the edits behind and copies the rest.
    done = store_copy(target, tmp_path / "copy.duckdb")
    assert done.returncode == 0, done.stderr


def test_the_pages_cache_key_of_a_lake_moves_with_each_commit(lake_target):
    from store import writing
    from store.meta import set_meta
    from ui.state import db_stamp

    with writing(lake_target):
        pass  # a new lake gets Veille's tables
    before = db_stamp(lake_target)
    assert db_stamp(lake_target) == before  # nothing written, the cached pages stay
    with writing(lake_target) as con:
        set_meta(con, "watch_name", "Lac")
    assert db_stamp(lake_target) != before  # new data: the pages read again


def test_a_collector_killed_mid_write_leaves_whole_batches_and_the_next_run_resumes(
        lake_target, tmp_path):
    from store import StoreError
    from tests.conftest import write_demo_watch

    # Three batches (the runner writes 5,000 items at a time): the kill lands after the first.
    config = write_demo_watch(tmp_path, items=12_000)
    demo_db = tmp_path / "one.duckdb"
    proc = subprocess.Popen([sys.executable, "-m", "collectors", "run", "--config",
                             str(config), "--db", lake_target, "--quiet"], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    stored = 0
    while not stored and proc.poll() is None and time.monotonic() < deadline:
        try:
            stored = lake_rows(lake_target, "SELECT count(*) FROM items")[0][0]
        except StoreError:
            pass  # the lake has no tables yet
        time.sleep(0.2)
    proc.kill()  # as kill -9: no clean-up of any kind
    proc.wait(timeout=60)
    # What is visible is whole batches: each stored item with all its mentions, no more.
    ids = [row[0] for row in lake_rows(lake_target, "SELECT item_id FROM items")]
    assert 0 < len(ids) < 12_000, "the collector was not killed in the middle of its run"
    collect(config, demo_db)
    in_file = {row for row in db_rows(demo_db, MENTIONS) if row[0] in set(ids)}
    assert set(lake_rows(lake_target, MENTIONS)) == in_file
    collect(config, lake_target)
    assert lake_rows(lake_target, ITEMS) == db_rows(demo_db, ITEMS)
    assert lake_rows(lake_target, MENTIONS) == db_rows(demo_db, MENTIONS)


@pytest.mark.skipif(images.browser_path() is None, reason="needs chromium (make os-deps)")
def test_a_report_is_written_from_a_lake(collected_lake, demo_config, tmp_path):
    out = tmp_path / "report.pdf"
    done = subprocess.run([sys.executable, "-m", "reports", "pdf", "--db", collected_lake,
                           "--config", str(demo_config), "--view", "overview", "--out", str(out)],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert out.read_bytes().startswith(b"%PDF") and "Overview" in done.stdout


def test_a_lake_keeps_its_data_files_on_s3_compatible_storage(s3_lake_target, demo_config,
                                                               demo_db, tmp_path):
    target, s3 = s3_lake_target
    done = collect(demo_config, target)
    assert lake_rows(target, ITEMS) == db_rows(demo_db, ITEMS)
    assert lake_rows(target, MENTIONS) == db_rows(demo_db, MENTIONS)
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket="veille-lake")["Contents"]]
    assert keys and all(k.startswith("watch/") for k in keys)
    assert any(k.endswith(".parquet") for k in keys)
    info = store_info(target)
    assert info["items"] == len(db_rows(demo_db, ITEMS))
    # The keys reach DuckDB's secret manager only: never a message or a log line.
    assert "veille-test-secret-0123" not in done.stdout + done.stderr + json.dumps(info)


def test_a_source_another_process_is_collecting_is_left_to_it(lake_target, tmp_path):
    from store import leases, writing

    config = write_two_source_watch(tmp_path, items=200)
    with writing(lake_target) as con:
        held = leases.acquire(con, "source:a")  # as a collector on another machine would
    assert held.held
    done = collect(config, lake_target)
    assert "a: skipped" in done.stdout and f"held by {leases.holder()}" in done.stdout
    assert "b: ok — 200 seen, 200 new" in done.stdout
    assert lake_rows(lake_target, "SELECT source, count(*) FROM items GROUP BY source") == [
        ("b", 200)]
    with writing(lake_target) as con:
        leases.release(con, held)
    assert "a: ok — 200 seen, 200 new" in collect(config, lake_target).stdout


def test_a_lease_left_by_a_killed_collector_is_taken_over(lake_target, tmp_path):
    config = write_two_source_watch(tmp_path, items=200)
    # A process of this machine that took the lease and died without giving it back.
    script = ("import sys; from store import leases, writing\n"
              "with writing(sys.argv[1]) as con: assert leases.acquire(con, 'source:a').held")
    dead = subprocess.run([sys.executable, "-c", script, lake_target], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert dead.returncode == 0, dead.stderr
    assert lake_rows(lake_target, f"SELECT count(*) FROM {lake.LEASES_TABLE}") == [(1,)]
    assert "a: ok — 200 seen, 200 new" in collect(config, lake_target).stdout


def test_the_derived_tables_are_refreshed_by_one_process_at_a_time(lake_target, tmp_path):
    from store import leases, writing

    config = write_two_source_watch(tmp_path, items=200)
    with writing(lake_target) as con:
        refreshing = leases.acquire(con, "derived")  # another process's refresh under way
    proc = subprocess.Popen([sys.executable, "-m", "collectors", "run", "--config", str(config),
                             "--db", lake_target, "--quiet"], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 300
    while proc.poll() is None and time.monotonic() < deadline:
        if lake_rows(lake_target, "SELECT count(*) FROM items") == [(400,)]:
            break
        time.sleep(0.5)
    time.sleep(3)
    # Every item is stored, and the collector waits for the other refresh to end first.
    assert proc.poll() is None
    assert lake_rows(lake_target, "SELECT count(*) FROM daily_terms") == [(0,)]
    with writing(lake_target) as con:
        leases.release(con, refreshing)
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    assert lake_rows(lake_target, "SELECT count(*) FROM daily_terms")[0][0] > 0
    assert lake_rows(lake_target, f"SELECT count(*) FROM {lake.LEASES_TABLE}") == [(0,)]


def report(target: str, config: Path, out: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "reports", "pdf", "--db", target, "--config",
                           str(config), "--view", "overview", "--out", str(out), *extra],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)


def report_text(path: Path) -> str:
    """The PDF's text without the moment it was generated."""
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout
    return re.sub(r"Generated .*", "", text)


@pytest.mark.skipif(images.browser_path() is None or shutil.which("pdftotext") is None,
                    reason="needs chromium and poppler-utils (make os-deps)")
def test_a_report_from_a_lake_names_its_snapshot_and_renders_again_from_it(lake_target,
                                                                           tmp_path):
    config = write_two_source_watch(tmp_path, items=300)
    collect(config, lake_target, "--source", "a")
    first = report(lake_target, config, tmp_path / "first.pdf")
    assert first.returncode == 0, first.stderr
    text = report_text(tmp_path / "first.pdf")
    snapshot = re.search(r"lake snapshot (\d+)", text).group(1)
    assert f"--snapshot {snapshot}" in text.replace("\n", " ")
    collect(config, lake_target, "--source", "b")  # twice the items since
    now = report(lake_target, config, tmp_path / "now.pdf")
    assert now.returncode == 0, now.stderr
    assert report_text(tmp_path / "now.pdf") != text
    again = report(lake_target, config, tmp_path / "again.pdf", "--snapshot", snapshot)
    assert again.returncode == 0, again.stderr
    assert report_text(tmp_path / "again.pdf") == text
    gone = report(lake_target, config, tmp_path / "x.pdf", "--snapshot", "999999")
    assert gone.returncode == 1 and "has no snapshot 999999" in gone.stderr
    assert not (tmp_path / "x.pdf").exists()


def test_a_file_has_no_snapshots_to_report_from(demo_db, demo_config, tmp_path):
    done = report(str(demo_db), demo_config, tmp_path / "x.pdf", "--snapshot", "3")
    assert done.returncode == 2 and "keeps no snapshots" in done.stderr


def store_maintain(target: str, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "store", "maintain", "--db", target, *extra],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)


def test_maintaining_a_lake_merges_its_files_and_forgets_old_snapshots_only(lake_target,
                                                                            tmp_path):
    # Each batch of 5,000 items writes its own files: three per source.
    config = write_two_source_watch(tmp_path, items=12_000)
    collect(config, lake_target, "--source", "a")
    collect(config, lake_target, "--source", "b")
    before = lake_rows(lake_target, ITEMS), lake_rows(lake_target, MENTIONS)
    files_of_items = (f"SELECT count(*) FROM __ducklake_metadata_{lake.ALIAS}.ducklake_data_file "
                      f"f JOIN __ducklake_metadata_{lake.ALIAS}.ducklake_table t USING (table_id) "
                      "WHERE t.table_name = 'items' AND f.end_snapshot IS NULL "
                      "AND t.end_snapshot IS NULL")
    scattered = lake_rows(lake_target, files_of_items)[0][0]
    first = lake.snapshot(lake_target)
    kept = store_maintain(lake_target)  # a week of snapshots kept: all of these
    assert kept.returncode == 0, kept.stderr
    assert "data files:" in kept.stdout and "snapshots kept:" in kept.stdout
    assert scattered >= 6 and lake_rows(lake_target, files_of_items)[0][0] < scattered
    assert (lake_rows(lake_target, ITEMS), lake_rows(lake_target, MENTIONS)) == before
    with lake.at_snapshot(lake_target, first):  # still readable as it was
        assert lake_rows(lake_target, "SELECT count(*) FROM items") == [(len(before[0]),)]
    forgot = store_maintain(lake_target, "--keep-days", "0")
    assert forgot.returncode == 0, forgot.stderr
    snapshots = re.search(r"snapshots kept: ([\d,]+) -> ([\d,]+)", forgot.stdout).groups()
    assert snapshots[1] == "1" and snapshots[0] != "1"
    assert (lake_rows(lake_target, ITEMS), lake_rows(lake_target, MENTIONS)) == before
    with pytest.raises(lake.LakeError, match=f"no snapshot {first}"):
        with lake.at_snapshot(lake_target, first):
            pass
    assert "needs no maintenance" in store_maintain(str(tmp_path / "x.duckdb")).stderr


def test_a_lake_catalog_can_be_named_by_a_postgresql_url(postgres_server, demo_config,
                                                         demo_db, tmp_path, monkeypatch):
    settings = dict(part.split("=", 1) for part in postgres_server.new_database().split())
    url = (f"postgresql://{settings['user']}@{settings['host']}:{settings['port']}/"
           f"{settings['dbname']}")
    monkeypatch.setenv(lake.DATA_PATH_ENV, str(tmp_path / "data"))
    target = lake.PREFIX + "postgres:" + url
    collect(demo_config, target)
    assert lake_rows(target, ITEMS) == db_rows(demo_db, ITEMS)
    assert store_info(target)["path"] == target
