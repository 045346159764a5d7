"""The precise English sentiment ([collect] sentiment = "precise"): n-grams plus a head on
sentence embeddings, loaded from the installed wheel with no network."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest

from analysis.sentiment_model import LinearModel, fingerprint, score_batch, shipped
from collectors.base import Item
from collectors.pipeline import Analyser
from tests.conftest import ROOT
from tests.unit.test_sentiment_model import BRANDS, NOW


def precise() -> LinearModel:
    return shipped("en", precise=True)  # cached by shipped: the model is read once


def mention_labels(text: str) -> dict[str, str]:
    """What the ingest stores for each brand ``text`` names, with the precise model."""
    item = Item(source="test", kind="file", text=text, lang="en", published_at=NOW, id="x")
    _, mentions = Analyser(BRANDS, {"en": precise()}).rows([item], "test", NOW)
    return {row[1]: row[3] for row in mentions}


# Issue 12's failure modes hold for the precise model too: each is a complaint.
@pytest.mark.parametrize("text", [
    "@Skyways please help, my bag has been lost for 3 days and nobody answers. Thanks",
    "Another outage at Orbis tonight #fail #down",
    "@Orbis Your #Android Wi-Fi experience is terrible! $8 is a ripoff!",
    "@Skyways 50 minutes on the tarmac, connection leaves without us",
    "@Skyways flight cancelled, rebooked to another city tomorrow",
    "Orbis network down again, no signal since this morning",
    "Orbis servers are down, cannot log in",
])
def test_complaints_are_negative_for_the_brand(text):
    labels = mention_labels(text)
    assert labels and set(labels.values()) == {"negative"}, labels


@pytest.mark.parametrize(("text", "label"), [
    ("Huge thanks to the Skyways crew, best flight I have had in years", "positive"),
    ("Skyways opens a new route to Lisbon on 4 May", "neutral"),
])
def test_praise_and_news_keep_their_labels(text, label):
    assert mention_labels(text) == {"Skyways": label}


def test_the_embedding_head_changes_the_scores_the_fingerprint_and_round_trips(tmp_path):
    model, fast = precise(), shipped("en")
    assert model.precise and not fast.precise
    texts = ["what a week for the airline", "the new app is something else"]
    # The sentence embeddings move the scores: it is not the fast model under another name.
    assert not np.allclose(model.proba(texts), fast.proba(texts), atol=1e-3)
    assert fingerprint({"en": model}) != fingerprint()
    path = tmp_path / "precise.npz"
    model.save(path)
    again = LinearModel.load(path)
    assert again.precise
    assert np.allclose(again.proba(texts), model.proba(texts), atol=1e-5)
    # French has no precise model: the embedding model reads English.
    assert not shipped("fr", precise=True).precise


def test_adapting_the_precise_model_keeps_its_head():
    model = precise()
    jargon = ["the new zorblax update zorblaxed my router again",
              "zorblaxed twice today, thanks for nothing",
              "my phone got zorblaxed after the update",
              "zorblaxed again, third time this week"]
    adapted = model.adapt(jargon, ["negative"] * len(jargon))
    assert adapted.precise and np.array_equal(adapted.head, model.head)
    probe = "this morning my laptop got zorblaxed"
    before = model.proba([probe])[0][0]
    assert adapted.proba([probe])[0][0] > before  # more negative than before


def test_the_model_loads_and_scores_with_the_network_cut():
    # Every request through a proxy that refuses: a download attempt would fail the load.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "TRANSFORMERS_"))}
    env |= {"HTTPS_PROXY": "http://127.0.0.1:9", "HTTP_PROXY": "http://127.0.0.1:9",
            "NO_PROXY": ""}
    code = ("from analysis.sentiment_model import score_batch, shipped\n"
            "m = {'en': shipped('en', precise=True)}\n"
            "print(score_batch(['worst airline ever, never again'], ['en'], m)[0][1])")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True,
                         text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "negative"
    assert "Loading weights" not in out.stderr  # no progress bars in the collectors' logs


def test_score_batch_reads_english_with_the_precise_model_and_french_with_the_french_one():
    texts = ["the worst customer service I have ever had", "service client déplorable"]
    precise_en = score_batch(texts, ["en", "fr"], {"en": precise()})
    fast = score_batch(texts, ["en", "fr"])
    assert precise_en[0][1] == "negative" and precise_en[0][0] != fast[0][0]
    assert precise_en[1] == fast[1]  # French is read by the French model either way
