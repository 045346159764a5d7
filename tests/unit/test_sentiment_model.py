"""The learned sentiment model as the ingest uses it: posts, brand mentions, the model files."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import numpy as np
import pytest

from analysis.sentiment_model import LABELS, LinearModel, ModelError, score_batch, shipped
from analysis.sentiment_targets import portions
from collectors.base import Item
from collectors.pipeline import Analyser
from config import Brand
from config.watch import brand_query
from tests.conftest import ROOT

NOW = datetime(2026, 6, 1, tzinfo=UTC)


def brand(name: str, query: str) -> Brand:
    return Brand(name=name, query=query, compiled=brand_query(query))


BRANDS = [brand("Skyways", "skyways OR @skyways"), brand("Orbis", "orbis OR @orbis"),
          brand("Ciel Mobile", '"ciel mobile"'), brand("Opalia", "opalia")]


def mention_labels(text: str, lang: str) -> dict[str, str]:
    """What the ingest stores for each brand ``text`` names, through the real Analyser."""
    item = Item(source="test", kind="file", text=text, lang=lang, published_at=NOW, id="x")
    _, mentions = Analyser(BRANDS).rows([item], "test", NOW)
    return {row[1]: row[3] for row in mentions}


# The failure modes the rules had on real customer posts: each is a complaint about the brand.
@pytest.mark.parametrize("text", [
    # A complaint with a polite word in it.
    "@Skyways please help, my bag has been lost for 3 days and nobody answers. Thanks",
    # Hashtags carry the complaint.
    "Another outage at Orbis tonight #fail #down",
    # A capitalised product name right after the brand, then the opinion.
    "@Orbis Your #Android Wi-Fi experience is terrible! $8 is a ripoff!",
])
def test_complaints_are_negative_for_the_brand(text):
    labels = mention_labels(text, "en")
    assert labels and set(labels.values()) == {"negative"}, labels


# A factual complaint with no opinion word: the service cues (analysis.sentiment_cues) are
# features of the shipped model, so it reads them without any correction.
@pytest.mark.parametrize("text", [
    "@Skyways 50 minutes on the tarmac, connection leaves without us",
    "@Skyways flight cancelled, rebooked to another city tomorrow",
])
def test_factual_complaints_are_negative_for_the_brand(text):
    assert mention_labels(text, "en") == {"Skyways": "negative"}


# An outage told as facts: the start of a bad buzz for an operator or an app. The shipped
# models read these as neutral before the breakdown cues.
@pytest.mark.parametrize(("lang", "text"), [
    ("en", "Orbis network down again, no signal since this morning"),
    ("en", "Orbis servers are down, cannot log in"),
    ("fr", "Ciel Mobile : ma box ne marche plus, pas de réseau depuis hier"),
    ("fr", "Ciel Mobile en panne dans tout Lyon"),
])
def test_outages_told_as_facts_are_negative_for_the_brand(lang, text):
    labels = mention_labels(text, lang)
    assert labels and set(labels.values()) == {"negative"}, labels


@pytest.mark.parametrize("text", [
    "Opalia, très bon produit, je recommande",
    "Opalia : livraison rapide, très satisfait",
    "Opalia : commande reçue en 24h",
    "Opalia : produit conforme et vite livré",
])
def test_short_french_positive_reviews_are_positive(text):
    assert mention_labels(text, "fr") == {"Opalia": "positive"}


def labels_of(model: LinearModel, texts: list[str]) -> list[str]:
    return [LABELS[i] for i in model.logits(texts).argmax(axis=1)]


# What the public corpora never taught: a network operator's customers reporting figures,
# not opinions; a shop's customers telling what its staff did for them. The shipped models
# call such posts neutral; a watch whose people corrected a few of their kind reads the
# next ones right (collectors retrain does this).
DOMAINS = [
    ("en", "negative", "@Orbis ping spikes to 400 ms every evening",
     ["@Orbis 300 ms ping in every ranked match tonight",
      "@Orbis jitter on every call since the update",
      "@Orbis packet loss on the fibre line all weekend",
      "@Orbis line resyncs every ten minutes",
      "@Orbis 2 Mbps on a 1 Gbps plan",
      "@Orbis ping at 250 ms since Monday",
      "@Orbis router reboots itself every hour",
      "@Orbis packet loss during every match",
      "@Orbis 5 Mbps upload on the fibre plan",
      "@Orbis dns fails every evening after 8"]),
    ("fr", "positive", "Opalia : le conseiller a réglé le dossier au premier appel",
     ["Opalia : échange fait en magasin en cinq minutes",
      "Opalia : le vendeur a pris le temps de tout expliquer",
      "Opalia : retour gratuit, avoir reçu le lendemain",
      "Opalia : quatrième commande chez eux",
      "Opalia : la conseillère a trouvé la bonne taille du premier coup",
      "Opalia : le SAV a rappelé dans l'heure",
      "Opalia : dossier réglé en un appel",
      "Opalia : le livreur a monté le colis à l'étage",
      "Opalia : je repasse commande la semaine prochaine",
      "Opalia : le vendeur a réglé le souci sur place"]),
]


@pytest.mark.parametrize(("lang", "label", "text", "corrected"), DOMAINS)
def test_a_few_corrections_teach_what_the_public_data_did_not(lang, label, text, corrected):
    model = shipped(lang)
    assert labels_of(model, [text]) != [label]  # the gap, as shipped
    adapted = model.adapt(corrected, [label] * len(corrected))
    assert labels_of(adapted, [text]) == [label]


def test_a_post_naming_one_brand_gets_the_post_sentiment():
    text = "@Orbis Your #Android Wi-Fi experience is terrible! $8 is a ripoff!"
    (score, label), = score_batch([text], ["en"])
    item = Item(source="test", kind="file", text=text, lang="en", published_at=NOW, id="x")
    items, mentions = Analyser(BRANDS).rows([item], "test", NOW)
    assert items[0][10:12] == (score, label)
    assert [(m[1], m[2], m[3]) for m in mentions] == [("Orbis", score, label)]


def test_a_post_naming_two_brands_gives_each_its_own_side():
    labels = mention_labels("Orbis has a great network, love it. Ciel Mobile on the other hand "
                            "is a disaster, worst support ever", "en")
    assert labels == {"Orbis": "positive", "Ciel Mobile": "negative"}


def test_portions_split_only_posts_naming_several_brands():
    text = "Orbis is great. Ciel Mobile is awful. Their support never answers."
    assert portions(text, {"Orbis": [(0, 5)]}) == {"Orbis": None}
    parts = portions(text, {"Orbis": [(0, 5)], "Ciel Mobile": [(16, 27)]})
    assert parts == {"Orbis": "Orbis is great.",
                     "Ciel Mobile": "Ciel Mobile is awful. Their support never answers."}


def test_a_sentence_naming_two_brands_is_cut_between_them_wherever_it_stands():
    text = "Switching providers this week. Orbis is great but Ciel Mobile is awful."
    orbis, ciel = text.index("Orbis"), text.index("Ciel Mobile")
    parts = portions(text, {"Orbis": [(orbis, orbis + 5)], "Ciel Mobile": [(ciel, ciel + 11)]})
    assert parts == {"Orbis": "Switching providers this week. Orbis is great",
                     "Ciel Mobile": "Switching providers this week. but Ciel Mobile is awful."}


def test_scores_are_probabilities_and_labels_their_argmax():
    texts = ["I love it", "worst service ever", "the shop opens at 9", "", "   "]
    model = shipped("en")
    p = model.proba(texts[:3])
    assert np.allclose(p.sum(axis=1), 1.0)
    out = score_batch(texts, ["en"] * len(texts))
    for (score, label), row in zip(out[:3], p, strict=True):
        assert score == pytest.approx(row[2] - row[0])
        assert label == LABELS[int(row.argmax())]
    assert out[3:] == [(0.0, "neutral"), (0.0, "neutral")]  # nothing said, nothing felt


def test_french_text_is_read_by_the_french_model_and_others_by_the_english_one():
    text = "c'est vraiment nul, je suis déçu"
    fr = shipped("fr").proba([text])[0]
    assert score_batch([text], ["fr"])[0][0] == pytest.approx(fr[2] - fr[0])
    en = shipped("en").proba([text])[0]
    assert score_batch([text], ["de"])[0][0] == pytest.approx(en[2] - en[0])


def test_a_model_round_trips_through_its_file(tmp_path):
    model = shipped("fr")
    path = tmp_path / "m.npz"
    model.save(path)
    again = LinearModel.load(path)
    texts = ["super service", "une panne de plus"]
    assert np.allclose(again.proba(texts), model.proba(texts), atol=1e-6)
    assert again.info == model.info


def test_an_unreadable_model_file_says_which_file(tmp_path):
    bad = tmp_path / "broken.npz"
    bad.write_bytes(b"not a model")
    with pytest.raises(ModelError, match="broken.npz"):
        LinearModel.load(bad)


def test_adapting_learns_a_watch_word_and_leaves_the_rest_alone():
    model = shipped("en")
    # Four corrections: three were enough before the fifth round's naive-Bayes scaling, whose
    # model leans harder on the common words around the new one ("again tonight": -0.25
    # against -0.15 for neutral after three). benchmarks/bench_retrain.py measures the same
    # adaptation over whole domains: it gains more than before at every N.
    jargon = ["the new zorblax update zorblaxed my router again",
              "zorblaxed twice this week by their box",
              "my line got zorblaxed during the match",
              "zorblaxed in the middle of a call"]
    adapted = model.adapt(jargon, ["negative"] * len(jargon))
    assert labels_of(model, ["zorblaxed again tonight"]) != ["negative"]
    assert labels_of(adapted, ["zorblaxed again tonight"]) == ["negative"]
    # Posts that do not share the watch word keep their labels (the team's own set). A few
    # near a class boundary move with the common words the corrections also hold ("my",
    # "the new", "update"): 5 of 250 with the English model of issue 12's second round, 8 with
    # the third, whose biases lean to complaints, 9 with the fifth. A tilt of the whole model
    # moves dozens.
    lines = (ROOT / "benchmarks" / "eval" / "sentiment_en.jsonl").read_text(encoding="utf-8")
    others = sorted({json.loads(line)["text"] for line in lines.splitlines() if line})
    same = np.mean(np.array(labels_of(adapted, others)) == np.array(labels_of(model, others)))
    assert same >= 0.96, same


def test_broken_text_is_scored_not_fatal():
    texts = ["bad \ud83d escape", "\x00nul byte", "é" * 20000, "😡" * 50]
    out = score_batch(texts, ["en"] * len(texts))
    assert len(out) == 4 and all(-1 <= score <= 1 for score, _ in out)
    assert out[3][1] == "negative"
