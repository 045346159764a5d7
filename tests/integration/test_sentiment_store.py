"""The labels stored by a collection are the model's, and a new model reaches the whole history."""

from __future__ import annotations

import shutil
import subprocess
import sys

import duckdb

from analysis.sentiment_model import fingerprint, score_batch
from collectors.retrain import MODEL_KEY
from store.rematch import full_text
from tests.conftest import ROOT, collect, db_rows


def stored(db, limit: int = 300) -> list[tuple]:
    return db_rows(db, "SELECT item_id, title, text, lang, sentiment, sentiment_label FROM items "
                       "ORDER BY item_id LIMIT ?", [limit])


def test_collected_labels_are_the_models(demo_db):
    rows = stored(demo_db)
    verdicts = score_batch([full_text(r[1], r[2]) for r in rows], [r[3] for r in rows])
    assert [(round(r[4], 6), r[5]) for r in rows] == [(round(s, 6), n) for s, n in verdicts]
    assert db_rows(demo_db, "SELECT value FROM meta WHERE key = ?", [MODEL_KEY]) == \
        [(fingerprint(),)]
    # A post naming one brand gives that brand the post's own label.
    single = db_rows(demo_db, """
        SELECT count(*), count(*) FILTER (WHERE m.sentiment_label = i.sentiment_label)
        FROM mentions m JOIN items i USING (item_id)
        WHERE item_id IN (SELECT item_id FROM mentions GROUP BY item_id HAVING count(*) = 1)""")
    assert single[0][0] > 1000 and single[0][0] == single[0][1]


def test_labels_from_another_model_are_scored_again_at_the_next_run(demo_db, demo_config,
                                                                     tmp_path):
    db = tmp_path / "veille.duckdb"
    shutil.copy(demo_db, db)
    expected = stored(db)
    con = duckdb.connect(str(db))
    con.execute("UPDATE items SET sentiment = 0, sentiment_label = 'neutral'")
    con.execute("UPDATE mentions SET sentiment = 0, sentiment_label = 'neutral'")
    con.execute("UPDATE meta SET value = 'older-model' WHERE key = ?", [MODEL_KEY])
    con.close()

    proc = collect(demo_config, db)

    assert "sentiment models changed: scoring the stored history again" in proc.stderr
    assert stored(db) == expected
    negative = db_rows(db, "SELECT count(*) FROM mentions WHERE sentiment_label = 'negative'")
    assert negative[0][0] > 100
    again = collect(demo_config, db)
    assert "scoring the stored history again" not in again.stderr


def test_reanalyse_says_how_many_items_it_scored(demo_db, demo_config, tmp_path):
    db = tmp_path / "veille.duckdb"
    shutil.copy(demo_db, db)
    total = db_rows(db, "SELECT count(*) FROM items")[0][0]
    proc = subprocess.run([sys.executable, "-m", "collectors", "reanalyse", "--config",
                           str(demo_config), "--db", str(db)], cwd=ROOT, capture_output=True,
                          text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert f"reanalyse: {total:,} items scored again with the current models" in proc.stdout
    assert "reanalyse" in proc.stderr  # the progress bar names what it does
    assert stored(db) == stored(demo_db)
