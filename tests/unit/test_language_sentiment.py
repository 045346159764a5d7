"""Language detection and baseline sentiment on short social posts, French and English."""

from __future__ import annotations

import pytest

from analysis.language import detect_language
from analysis.sentiment import label, score_about, score_text, sentences


@pytest.mark.parametrize("text, lang", [
    ("Le nouveau forfait est beaucoup trop cher pour ce que c'est", "fr"),
    ("Quelqu'un sait si la fibre est dispo à Lyon ?", "fr"),
    ("The app keeps crashing since the last update", "en"),
    ("Does anyone know if the new plan includes roaming?", "en"),
    ("RT @acme: nouveau forfait 5G disponible dès aujourd'hui https://t.co/x", "fr"),
])
def test_detects_french_and_english(text, lang):
    assert detect_language(text) == lang


@pytest.mark.parametrize("text", ["", "ok", "lol 😂", "@acme #fail", "https://acme.com/x", "42 !!"])
def test_says_unknown_rather_than_guess(text):
    assert detect_language(text) == "unknown"


def test_sentiment_labels_follow_the_text():
    assert label(score_text("I love it, best service ever!", "en")) == "positive"
    assert label(score_text("Horrible service, I hate this company", "en")) == "negative"
    assert label(score_text("Service client nul, je suis furieux et déçu", "fr")) == "negative"
    assert label(score_text("Super appli, je recommande, génial !", "fr")) == "positive"
    assert label(score_text("", "en")) == "neutral"
    assert -1 <= score_text("a" * 20000, "en") <= 1


def test_sentiment_about_each_brand_uses_its_sentences():
    text = "I love Acme, their support is great. But Bolt is a disaster, awful service!"
    acme = score_about(text, "en", [(7, 11)])
    bolt = score_about(text, "en", [(text.index("Bolt"), text.index("Bolt") + 4)])
    assert label(acme) == "positive" and label(bolt) == "negative"
    assert score_about(text, "en", []) == score_text(text, "en")


def test_sentence_spans_cover_the_text():
    text = "Premier point. Deuxième ?\nTroisième!"
    parts = [text[s:e] for s, e in sentences(text)]
    assert parts == ["Premier point.", "Deuxième ?", "Troisième!"]
