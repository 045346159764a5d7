"""Corrections made in the app teach the watch's sentiment model, through the real CLI."""

from __future__ import annotations

import csv
import hashlib
import os
import random
import re
import subprocess
import sys
from pathlib import Path

import pytest

from collectors.retrain import HOLD_BACK, RETRAIN_AFTER, model_path, retrain
from config import load_watch
from store.edits import correct_sentiment
from store.mentions import SentimentModel, sentiment_status
from tests.conftest import ROOT, collect, db_rows

LABELLED = ROOT.parent / "shared" / "labelled"
BOOKS = LABELLED / "fr_reviews_amazon_books_pattern.csv"
BRAND = "Librio"
TAUGHT = 300  # reviews a person corrects; the model is then judged on the other 598
WATCH = f"""\
name = "Librio reviews"

[[brands]]
name = "{BRAND}"
query = "librio"

[[sources]]
name = "reviews"
kind = "file"
path = "reviews.csv"
columns = {{ id = "id", text = "text", published_at = "date" }}
"""


def item_id(row_id: str) -> str:
    return hashlib.md5(f"file:reviews:{row_id}".encode()).hexdigest()


def cli(command: str, config: Path, db: Path) -> subprocess.CompletedProcess:
    proc = subprocess.run([sys.executable, "-m", "collectors", command, "--config", str(config),
                           "--db", str(db), "--quiet"], cwd=ROOT, capture_output=True,
                          text=True, timeout=600)
    assert proc.returncode == 0, f"{command} failed:\n{proc.stdout}\n{proc.stderr}"
    return proc


def accuracy(db: Path, gold: dict[str, str]) -> float:
    stored = dict(db_rows(db, "SELECT item_id, sentiment_label FROM mentions WHERE brand = ?",
                          [BRAND]))
    return sum(stored[i] == label for i, label in gold.items()) / len(gold)


@pytest.fixture(scope="module")
def books(tmp_path_factory):
    """A watch of the 898 public French book reviews (Amazon.fr), each naming the brand."""
    if not BOOKS.exists():
        pytest.skip(f"public labelled corpora absent ({LABELLED}): nothing to learn from")
    with BOOKS.open(encoding="utf-8") as fh:
        reviews = [(r["text"], r["label"]) for r in csv.DictReader(fh)]
    random.Random(7).shuffle(reviews)
    folder = tmp_path_factory.mktemp("retrain")
    with (folder / "reviews.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["id", "text", "date"])
        for n, (text, _) in enumerate(reviews):
            writer.writerow([str(n), f"Librio : {text}", f"2026-05-{1 + n % 28:02d}"])
    config = folder / "watch.toml"
    config.write_text(WATCH, encoding="utf-8")
    db = folder / "veille.duckdb"
    collect(config, db)
    gold = {item_id(str(n)): label for n, (_, label) in enumerate(reviews)}
    return config, db, gold


def test_corrections_improve_the_rest_of_their_domain(books):
    config, db, gold = books
    ids = list(gold)
    taught, rest = ids[:TAUGHT], {i: gold[i] for i in ids[TAUGHT:]}
    before = accuracy(db, rest)
    for i in taught:
        correct_sentiment(db, i, BRAND, gold[i])

    out = cli("retrain", config, db)

    # One review or two may be detected as English and go to the English model.
    assert re.search(r"fr: 29\d corrections \(\d+ held back\).*saved to", out.stdout), out.stdout
    assert model_path(db, "fr").exists()
    assert f"reanalyse: {len(gold)} items scored again" in out.stdout
    after = accuracy(db, rest)
    assert after >= before + 0.02, (before, after)
    # The corrections themselves still stand, whatever the model now says.
    assert accuracy(db, {i: gold[i] for i in taught}) == 1.0
    # A later collection reads new posts with the watch's model, and keeps the labels.
    again = collect(config, db)
    assert "scoring the stored history again" not in again.stderr
    assert accuracy(db, rest) == after


def test_a_run_retrains_by_itself_after_enough_corrections(tmp_path):
    folder = tmp_path
    (folder / "reviews.csv").write_text(
        "id,text,date\n" + "".join(f"{n},Librio : livre numéro {n} reçu,2026-05-01\n"
                                   for n in range(RETRAIN_AFTER + 5)), encoding="utf-8")
    config = folder / "watch.toml"
    config.write_text(WATCH, encoding="utf-8")
    db = folder / "veille.duckdb"
    collect(config, db)
    for n in range(RETRAIN_AFTER - 1):
        correct_sentiment(db, item_id(str(n)), BRAND, "positive")
    quiet = collect(config, db)
    assert "retrain:" not in quiet.stderr  # one correction short
    status = sentiment_status(db)  # what the Mentions page says
    assert status.models == (SentimentModel("en", False, 0), SentimentModel("fr", False, 0))
    assert (status.corrections, status.not_learnt) == (RETRAIN_AFTER - 1, RETRAIN_AFTER - 1)

    correct_sentiment(db, item_id(str(RETRAIN_AFTER)), BRAND, "positive")
    proc = collect(config, db)

    assert f"retrain: fr: {RETRAIN_AFTER} corrections" in proc.stderr, proc.stderr
    assert "scoring the stored history again" in proc.stderr
    labels = dict(db_rows(db, "SELECT item_id, sentiment_label FROM mentions"))
    untouched = [labels[item_id(str(n))] for n in range(RETRAIN_AFTER + 1, RETRAIN_AFTER + 5)]
    assert untouched == ["positive"] * 4  # "livre reçu" is praise in this watch
    status = sentiment_status(db)
    assert status.models == (SentimentModel("en", False, 0),
                             SentimentModel("fr", False, RETRAIN_AFTER))
    assert (status.corrections, status.not_learnt) == (RETRAIN_AFTER, 0)


def _bucket(text: str) -> int:
    return int(hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()[:8], 16) % HOLD_BACK


def test_a_retrained_model_that_does_worse_is_not_kept(tmp_path):
    # A person who contradicts themselves: the corrections held back call these reviews
    # positive, the others call the very same words negative. Learning from the others can
    # only make the held-back ones worse, so the shipped model stays in use.
    texts, labels = [], []
    for n in range(400):
        text = f"Librio, le roman {n} est magnifique, un chef-d'œuvre"
        held = _bucket(text) == 0
        if held and labels.count("positive") < 8 or not held and labels.count("negative") < 32:
            texts.append(text)
            labels.append("positive" if held else "negative")
    rows = "".join(f'{n},"{t}",2026-05-01\n' for n, t in enumerate(texts))
    (tmp_path / "reviews.csv").write_text("id,text,date\n" + rows, encoding="utf-8")
    config = tmp_path / "watch.toml"
    config.write_text(WATCH, encoding="utf-8")
    db = tmp_path / "veille.duckdb"
    collect(config, db)
    for n, label in enumerate(labels):
        correct_sentiment(db, item_id(str(n)), BRAND, label)

    fr = {o.lang: o for o in retrain(db, load_watch(config))}["fr"]

    assert (fr.corrections, fr.held_back) == (40, 8)
    assert fr.before == 1.0 and fr.after < fr.before
    assert fr.saved is None and not model_path(db, "fr").exists()
    assert "worse, the model in use is kept" in fr.line()


def test_retrain_speaks_the_watch_language(tmp_path):
    (tmp_path / "reviews.csv").write_text(
        "id,text,date\n0,Librio : un livre,2026-05-01\n", encoding="utf-8")
    config = tmp_path / "watch.toml"
    config.write_text(WATCH, encoding="utf-8")
    db = tmp_path / "veille.duckdb"
    collect(config, db)
    proc = subprocess.run([sys.executable, "-m", "collectors", "retrain", "--config",
                           str(config), "--db", str(db), "--quiet"], cwd=ROOT,
                          capture_output=True, text=True, timeout=600,
                          env={**os.environ, "VEILLE_LANG": "fr"})
    assert proc.returncode == 0, proc.stderr
    assert "retrain: fr : 0 correction(s), moins de 8 : modèle inchangé" in proc.stdout
    assert "les étiquettes enregistrées sont à jour" in proc.stdout
