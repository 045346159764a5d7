"""[collect] sentiment = "precise" through the real CLI: the stored labels come from the
precise English model, switching modes scores the history again, a wrong value is refused."""

from __future__ import annotations

import hashlib
from pathlib import Path

from analysis.sentiment_model import LinearModel, score_batch, shipped
from collectors.retrain import model_path
from store.edits import correct_sentiment
from store.mentions import SentimentModel, sentiment_status
from tests.conftest import acme_file_watch, collect, db_rows
from tests.integration.test_retrain import cli

POSTS = [
    ("1", "Acme lost my parcel again and support never answers", "2026-05-01"),
    ("2", "Acme opens a new shop in Lyon next week", "2026-05-02"),
    ("3", "Love the new Acme app, checkout takes seconds now", "2026-05-03"),
    ("4", "Acme: what a week, third delay in a row, well done", "2026-05-04"),
    ("5", "Is the Acme outlet open on Sundays?", "2026-05-05"),
    ("6", "acme keeps charging me twice for the same order", "2026-05-06"),
]


def write_watch(folder: Path, mode: str | None) -> Path:
    with (folder / "posts.csv").open("w", encoding="utf-8") as fh:
        fh.write("id,text,date\n")
        for row in POSTS:
            fh.write(",".join(f'"{v}"' for v in row) + "\n")
    config = folder / "watch.toml"
    extra = f'[collect]\nsentiment = "{mode}"\n' if mode else ""
    config.write_text(acme_file_watch(extra), encoding="utf-8")
    return config


def stored(db: Path) -> dict[str, float]:
    rows = db_rows(db, "SELECT i.text, m.sentiment FROM mentions m JOIN items i "
                       "USING (item_id) WHERE m.brand = 'Acme'")
    return dict(rows)


def expected(precise: bool) -> dict[str, float]:
    texts = [text for _, text, _ in POSTS]
    models = {"en": shipped("en", precise=True)} if precise else None
    return {t: s for t, (s, _) in zip(texts, score_batch(texts, ["en"] * len(texts), models),
                                      strict=True)}


def close(a: dict[str, float], b: dict[str, float]) -> bool:
    return a.keys() == b.keys() and all(abs(a[k] - b[k]) < 1e-3 for k in a)


def test_the_precise_setting_labels_the_posts_and_switching_back_rescores_them(tmp_path):
    db = tmp_path / "veille.duckdb"
    collect(write_watch(tmp_path, "precise"), db)
    assert close(stored(db), expected(precise=True))
    assert sentiment_status(db).models == (SentimentModel("en", True, 0),
                                           SentimentModel("fr", False, 0))
    assert not close(stored(db), expected(precise=False))  # the setting made a difference

    # Back to the fast model: the next run scores the stored history again, and says so.
    again = collect(write_watch(tmp_path, None), db)
    assert "sentiment models changed" in again.stderr
    assert close(stored(db), expected(precise=False))
    assert sentiment_status(db).models[0] == SentimentModel("en", False, 0)


def test_an_unknown_sentiment_mode_is_refused_naming_the_field(tmp_path):
    db = tmp_path / "veille.duckdb"
    proc = collect(write_watch(tmp_path, "turbo"), db, check=False)
    assert proc.returncode != 0
    assert "[collect], field 'sentiment'" in proc.stderr and "'turbo'" in proc.stderr
    assert not db.exists() or not db_rows(db, "SELECT count(*) FROM items")[0][0]


def test_corrections_adapt_the_precise_model_and_a_switch_back_says_it_is_set_aside(tmp_path):
    db = tmp_path / "veille.duckdb"
    config = write_watch(tmp_path, "precise")
    jargon = [f"Acme zorblaxed my order number {n} this morning" for n in range(12)]
    with (tmp_path / "posts.csv").open("a", encoding="utf-8") as fh:
        for n, text in enumerate(jargon):
            fh.write(f'"z{n}","{text}","2026-05-{10 + n:02d}"\n')
    collect(config, db)
    for n in range(len(jargon)):
        item = hashlib.md5(f"file:posts:z{n}".encode()).hexdigest()
        correct_sentiment(db, item, "Acme", "negative")
    out = cli("retrain", config, db)
    assert "en: 12 corrections" in out.stdout and "saved to" in out.stdout, out.stdout
    adapted = LinearModel.load(model_path(db, "en"))
    assert adapted.precise  # the precise model was adapted, its head kept
    assert sentiment_status(db).models[0] == SentimentModel("en", True, 12)  # the page says so

    # The fast mode does not read a model adapted from the precise one: it says so.
    proc = collect(write_watch(tmp_path, None), db)
    assert "adapted from the precise model" in proc.stderr
    fast, now = expected(precise=False), stored(db)
    assert close({text: now[text] for text in fast}, fast)
