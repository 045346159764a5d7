"""A 15,000-row tweet export imported through the real CLI into DuckDB: twice, then changed."""

from __future__ import annotations

import csv
import hashlib
import random
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import pytest

ROOT = Path(__file__).resolve().parents[2]
ROWS = 15_000
SOURCE = "tweets-2015"
BRAND = "Acme Air"
HEADER = ["tweet_id", "airline_sentiment", "airline", "name", "text", "tweet_created"]
# Two rows the import must refuse, appended after the good ones (their file lines are known).
BAD_ROWS = [
    ["1", "negative", "United", "bad_date", "@united lost my bag", "sometime in February"],
    ["2", "neutral", "Delta", "no_text", "", "2015-02-24 11:35:52 -0800"],
]

WATCH = f"""\
name = "Airline history"

[[brands]]
name = "{BRAND}"
query = '@acmeair OR "acme air"'
own = true

[[brands]]
name = "United"
query = "@united"

[[sources]]
name = "{SOURCE}"
kind = "file"
path = "imports/tweets.csv"
columns = {{ id = "tweet_id", text = "text", author = "name", published_at = "tweet_created" }}
item_kind = "twitter"
"""

HANDLE = ["@acmeair thanks for the quick rebooking, crew was lovely",
          "@acmeair flight 212 delayed 3 hours, no update at the gate",
          "@acmeair can I change my seat online?\nThe app says “error 500”"]
PHRASE = ["Flying Acme Air to Denver today, wish me luck",
          "Never again with Acme Air: \"lost\" my suitcase, twice",
          "Acme Air lounge in Lyon is très agréable ☕"]
BOTH = ["@acmeair is Acme Air really cancelling the Boston route?"]
NEITHER = ["@united where is my bag? 2 days now",
           "@SouthwestAir thanks for the upgrade!",
           "@VirginAmerica \"best\" crew ever, seriously",
           "Delayed again at JFK, three hours on the tarmac",
           "@USAirways on hold for 45 minutes…\nstill waiting",
           "@JetBlue wifi worked the whole flight, impressive",
           "@united fix your app, it logs me out every time"]


def tweet_rows() -> tuple[list[list[str]], set[str]]:
    """The export's rows (tweet-like, deterministic) and the ids whose text names the brand."""
    rng = random.Random(2015)
    start = datetime(2015, 2, 16, 6, 0, 0)
    rows, naming = [], set()
    for n in range(ROWS):
        tweet_id = str(570306133677760513 - n * 7919)
        pick = rng.random()
        if pick < 0.12:
            text, names = rng.choice(HANDLE), True
        elif pick < 0.20:
            text, names = rng.choice(PHRASE), True
        elif pick < 0.22:
            text, names = rng.choice(BOTH), True
        else:
            text, names = rng.choice(NEITHER), False
        text = f"{text} #{n}"
        if names:
            naming.add(tweet_id)
        when = start + timedelta(seconds=rng.randrange(8 * 86400))
        rows.append([tweet_id, rng.choice(["negative", "neutral", "positive"]),
                     BRAND if names else rng.choice(["United", "Delta", "US Airways"]),
                     f"traveller_{rng.randrange(4000)}", text,
                     when.strftime("%Y-%m-%d %H:%M:%S -0800")])
    return rows, naming


def write_export(path: Path, rows: list[list[str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)  # quotes commas, quotes and line breaks as exports do
        writer.writerow(HEADER)
        writer.writerows(rows)
        writer.writerows(BAD_ROWS)


def run_cli(config: Path, db: Path) -> subprocess.CompletedProcess:
    proc = subprocess.run(
        [sys.executable, "-m", "collectors", "run", "--config", str(config), "--db", str(db),
         "--quiet"], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, f"collectors run failed:\n{proc.stdout}\n{proc.stderr}"
    return proc


def item_id(tweet_id: str) -> str:
    return hashlib.md5(f"file:{SOURCE}:{tweet_id}".encode()).hexdigest()


def query(db: Path, sql: str, *params):
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, list(params)).fetchall()


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    """The export, its watch and the database after two identical runs of the CLI."""
    folder = tmp_path_factory.mktemp("file_import")
    rows, naming = tweet_rows()
    write_export(folder / "imports" / "tweets.csv", rows)
    config = folder / "watch.toml"
    config.write_text(WATCH, encoding="utf-8")
    db = folder / "veille.duckdb"
    first = run_cli(config, db)
    second = run_cli(config, db)
    return {"folder": folder, "config": config, "db": db, "rows": rows, "naming": naming,
            "runs": (first, second)}


@pytest.mark.slow
def test_every_row_stored_once_after_two_runs(imported):
    db = imported["db"]
    expected = {item_id(row[0]) for row in imported["rows"]}
    assert len(expected) == ROWS
    assert query(db, "SELECT count(*), count(DISTINCT item_id) FROM items") == [(ROWS, ROWS)]
    stored = {r[0] for r in query(db, "SELECT item_id FROM items WHERE source = ?", SOURCE)}
    assert stored == expected
    assert query(db, "SELECT DISTINCT kind FROM items") == [("twitter",)]


@pytest.mark.slow
def test_brand_mentions_are_exactly_the_rows_naming_it(imported):
    db = imported["db"]
    naming = {item_id(t) for t in imported["naming"]}
    assert 2000 < len(naming) < 4500  # the mix is realistic: most tweets name someone else
    rows = query(db, "SELECT item_id FROM mentions WHERE brand = ?", BRAND)
    assert len(rows) == len(naming)
    assert {r[0] for r in rows} == naming


@pytest.mark.slow
def test_texts_authors_and_dates_survive_the_trip(imported):
    db = imported["db"]
    for row in imported["rows"][:: ROWS // 50]:
        tweet_id, _, _, name, text, created = row
        stored = query(db, "SELECT text, author, published_at FROM items WHERE item_id = ?",
                       item_id(tweet_id))
        local = datetime.strptime(created, "%Y-%m-%d %H:%M:%S -0800")
        assert stored == [(text, name, local + timedelta(hours=8))]
    multiline = next(r for r in imported["rows"] if "\n" in r[4])
    assert query(db, "SELECT text FROM items WHERE item_id = ?",
                 item_id(multiline[0])) == [(multiline[4],)]


@pytest.mark.slow
def test_bad_rows_are_reported_with_their_lines_on_both_runs(imported):
    # Header on line 1, then one line per row plus one per line break inside a text.
    extra = sum(r[4].count("\n") for r in imported["rows"])
    first_bad = 2 + ROWS + extra
    for proc in imported["runs"]:
        assert f"line {first_bad}:" in proc.stderr and "cannot be read" in proc.stderr
        assert f"line {first_bad + 1}:" in proc.stderr and "text is empty" in proc.stderr
    assert query(imported["db"], "SELECT count(*) FROM items WHERE author IN "
                 "('bad_date', 'no_text')") == [(0,)]


@pytest.mark.slow
def test_second_run_changes_nothing_and_a_changed_text_updates_its_row(imported):
    db, rows = imported["db"], imported["rows"]
    runs = query(db, "SELECT items_seen, items_new, items_updated FROM runs "
                     "ORDER BY started_at")
    assert runs == [(ROWS, ROWS, 0), (ROWS, 0, 0)]

    # Re-export with one text rewritten: it now names the brand, where it named nobody before.
    changed = next(r for r in rows if r[0] not in imported["naming"])
    new_text = "Switching to Acme Air after this mess, honestly"
    edited = [[*r[:4], new_text, r[5]] if r is changed else r for r in rows]
    write_export(imported["folder"] / "imports" / "tweets.csv", edited)
    run_cli(imported["config"], db)

    assert query(db, "SELECT count(*), count(DISTINCT item_id) FROM items") == [(ROWS, ROWS)]
    assert query(db, "SELECT text FROM items WHERE item_id = ?",
                 item_id(changed[0])) == [(new_text,)]
    naming = {item_id(t) for t in imported["naming"] | {changed[0]}}
    mentions = query(db, "SELECT item_id FROM mentions WHERE brand = ?", BRAND)
    assert len(mentions) == len(naming) and {r[0] for r in mentions} == naming
    last = query(db, "SELECT items_seen, items_new, items_updated FROM runs "
                     "ORDER BY started_at DESC LIMIT 1")
    assert last == [(ROWS, 0, 1)]
