"""User edits in the sidecar: round-trips, corrections counted after real runs, no main lock."""

from __future__ import annotations

import csv
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from store import edits
from tests.conftest import collect
from tests.conftest import db_rows as rows

ROOT = Path(__file__).resolve().parents[2]

WATCH = """\
name = "Corrections"

[[brands]]
name = "Acme"
query = "acme"
own = true

[[brands]]
name = "Globex"
query = "globex"

[[sources]]
name = "posts"
kind = "file"
path = "posts.csv"
columns = { id = "id", text = "text", author = "author", published_at = "date" }
item_kind = "forum"
"""

POSTS = [
    ("p1", "Acme support was wonderful, thank you so much!", "ann", "2026-05-01 10:00:00"),
    ("p2", "Globex lost my order again, terrible service.", "bob", "2026-05-01 12:00:00"),
    ("p3", "Acme and Globex both raised prices today.", "cat", "2026-05-02 09:00:00"),
    ("p4", "I love Acme's new plan, great value.", "dan", "2026-05-03 18:30:00"),
]


def write_posts(folder: Path, posts) -> None:
    with open(folder / "posts.csv", "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["id", "text", "author", "date"])
        writer.writerows(posts)


@pytest.fixture
def watch(tmp_path) -> tuple[Path, Path]:
    """A collected watch of four forum posts; returns (watch.toml, database)."""
    (tmp_path / "watch.toml").write_text(WATCH, encoding="utf-8")
    write_posts(tmp_path, POSTS)
    db = tmp_path / "veille.duckdb"
    collect(tmp_path / "watch.toml", db)
    return tmp_path / "watch.toml", db




def mention(db: Path, text_start: str, brand: str) -> tuple[str, str, float]:
    """(item_id, sentiment_label, sentiment) of ``brand`` in the item whose text starts so."""
    return rows(db, """SELECT m.item_id, m.sentiment_label, m.sentiment FROM mentions m
                       JOIN items i USING (item_id) WHERE i.text LIKE ? AND m.brand = ?""",
                [text_start + "%", brand])[0]


def rollup(db: Path, brand: str) -> dict[str, int]:
    return dict(rows(db, "SELECT sentiment_label, sum(mentions)::INT FROM daily_mentions "
                         "WHERE brand = ? GROUP BY 1", [brand]))


def test_edits_round_trip_in_a_sidecar_beside_the_database(tmp_path):
    db = tmp_path / "data" / "veille.duckdb"
    assert edits.edits_path(db) == tmp_path / "data" / "veille.edits.duckdb"
    # Reading before any edit creates nothing.
    assert edits.correction_stats(db).total == 0
    assert edits.saved_views(db) == [] and edits.get_states(db, "alert") == {}
    assert not edits.edits_path(db).exists()

    edits.correct_sentiment(db, "i1", "Acme", "negative", note="sarcasm",
                            analysed_label="positive")
    edits.correct_sentiment(db, "i1", "Acme", "neutral")  # a second opinion replaces the first
    edits.correct_sentiment(db, "i2", "Acme", "positive")
    with pytest.raises(edits.EditError):
        edits.correct_sentiment(db, "i3", "Acme", "furious")
    stats = edits.correction_stats(db)
    assert stats.total == 2 and stats.by_label == {"negative": 0, "neutral": 1, "positive": 1}
    first = next(c for c in edits.corrections(db) if c["item_id"] == "i1")
    assert first["label"] == "neutral" and first["analysed_label"] == "positive"

    assert edits.add_tag(db, "i1", "  to   answer ") == "to answer"
    edits.add_tag(db, "i1", "to answer")
    edits.add_tag(db, "i1", "press")
    edits.set_answered(db, "i1")
    edits.set_answered(db, "i2")
    edits.set_answered(db, "i2", False)
    with pytest.raises(edits.EditError):
        edits.add_tag(db, "i1", "   ")
    got = edits.item_edits(db, ["i1", "i2", "nobody"])
    assert got["i1"] == {"tags": ["to answer", "press"], "answered": True,
                         "corrections": {"Acme": "neutral"}}
    assert got["i2"]["answered"] is False and "nobody" not in got
    edits.remove_tag(db, "i1", "press")
    assert edits.item_edits(db, ["i1"])["i1"]["tags"] == ["to answer"]

    edits.set_state(db, "alert", "a1", "seen")
    edits.set_state(db, "alert", "a1", "dismissed")
    edits.set_state(db, "story", "a1", "pinned")
    assert edits.get_states(db, "alert") == {"a1": "dismissed"}

    edits.save_view(db, "Orbis bad buzz", "?period=30d&brand=Orbis")
    edits.save_view(db, "Orbis bad buzz", "period=7d&brand=Orbis")
    assert [(v.name, v.query_string) for v in edits.saved_views(db)] == [
        ("Orbis bad buzz", "period=7d&brand=Orbis")]
    edits.delete_view(db, "Orbis bad buzz")
    assert edits.saved_views(db) == []
    # The main database was never created by any of this.
    assert not db.exists()


def test_correction_reaches_mentions_and_rollup_after_the_next_run(watch):
    config, db = watch
    item_id, label, _ = mention(db, "Globex lost", "Globex")
    assert label == "negative"
    before = rollup(db, "Globex")
    edits.correct_sentiment(db, item_id, "Globex", "positive", analysed_label=label)
    # The main database is only written by the collector: unchanged until it runs.
    assert mention(db, "Globex lost", "Globex")[1] == "negative"

    collect(config, db)  # nothing new to store: the correction still has to be counted
    assert mention(db, "Globex lost", "Globex")[1:] == ("positive", edits.LABEL_SCORES["positive"])
    after = rollup(db, "Globex")
    assert after.get("negative", 0) == before.get("negative", 0) - 1
    assert after.get("positive", 0) == before.get("positive", 0) + 1
    assert sum(after.values()) == sum(before.values())
    # The other brand in the same item is untouched, and so is every other item.
    assert rows(db, "SELECT count(*) FROM mentions WHERE sentiment_label = 'positive' "
                    "AND brand = 'Globex'")[0][0] == after["positive"]


def test_correction_survives_re_analysis_of_a_changed_text(watch):
    config, db = watch
    item_id, label, _ = mention(db, "I love Acme", "Acme")
    assert label == "positive"
    edits.correct_sentiment(db, item_id, "Acme", "negative", note="it's sarcasm")
    collect(config, db)
    assert mention(db, "I love Acme", "Acme")[1] == "negative"

    changed = [p if p[0] != "p4" else ("p4", "I love Acme's new plan, great value!! Best ever.",
                                       p[2], p[3]) for p in POSTS]
    write_posts(config.parent, changed)
    proc = collect(config, db)
    assert rows(db, "SELECT text FROM items WHERE item_id = ?", [item_id])[0][0].endswith(
        "Best ever."), proc.stderr
    assert mention(db, "I love Acme", "Acme")[1] == "negative"
    assert rollup(db, "Acme").get("negative", 0) >= 1
    assert edits.correction_stats(db).by_label["negative"] == 1


READER = textwrap.dedent("""
    import sys, time, duckdb
    db, n = sys.argv[1], 0
    deadline = time.monotonic() + 20
    with open(sys.argv[2]) as go:
        pass
    while time.monotonic() < deadline and n < 40:
        con = duckdb.connect(db, read_only=True)
        con.execute("SELECT count(*) FROM items").fetchone()
        con.close()
        n += 1
    print(n)
""")

HOLDER = textwrap.dedent("""
    import sys, time, duckdb
    con = duckdb.connect(sys.argv[1])
    print("holding", flush=True)
    sys.stdin.readline()
    con.close()
""")


def test_edits_never_open_the_main_database(watch, tmp_path):
    _, db = watch
    item_id = mention(db, "Acme support", "Acme")[0]
    # Another process holds the main file read-write, which locks every other opener out:
    # edits still work, because they never touch it.
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(db)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "holding"
        edits.correct_sentiment(db, item_id, "Acme", "neutral")
        edits.add_tag(db, item_id, "vip")
        edits.set_answered(db, item_id)
        edits.set_state(db, "alert", "x", "seen")
        edits.save_view(db, "mine", "period=7d")
        assert edits.correction_stats(db).total == 1
        assert edits.item_edits(db, [item_id])[item_id]["tags"] == ["vip"]
    finally:
        holder.communicate("\n", timeout=30)
    # And a reader in another process keeps reading the main file while edits are written.
    go = tmp_path / "go"
    go.write_text("")
    reader = subprocess.Popen([sys.executable, "-c", READER, str(db), str(go)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    for n in range(20):
        edits.add_tag(db, item_id, f"tag {n}")
    out, err = reader.communicate(timeout=60)
    assert reader.returncode == 0, err
    assert int(out) == 40
