"""The learned sentiment model as the ingest uses it: posts, brand mentions, the model files."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pytest

from analysis.sentiment_model import LABELS, LinearModel, ModelError, score_batch, shipped
from analysis.sentiment_targets import portions
from collectors.base import Item
from collectors.pipeline import Analyser
from config import Brand
from config.watch import brand_query

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
    # A factual complaint with no opinion word.
    "@Skyways 50 minutes on the tarmac and the connection leaves without us",
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


@pytest.mark.parametrize("text", [
    "Opalia : commande reçue en 24h, produit conforme et vite livré",
    "Opalia, très bon produit, je recommande",
])
def test_short_french_positive_reviews_are_positive(text):
    assert mention_labels(text, "fr") == {"Opalia": "positive"}


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
    jargon = ["the new zorblax update zorblaxed my router again",
              "zorblaxed twice this week by their box",
              "my line got zorblaxed during the match"]
    others = ["I love this phone", "terrible support, never again", "store opens at nine"]
    before = [LABELS[i] for i in model.logits(["zorblaxed again tonight"]).argmax(axis=1)]
    adapted = model.adapt(jargon, ["negative"] * 3)
    after = [LABELS[i] for i in adapted.logits(["zorblaxed again tonight"]).argmax(axis=1)]
    assert before != ["negative"] and after == ["negative"]
    assert (adapted.logits(others).argmax(axis=1) == model.logits(others).argmax(axis=1)).all()
