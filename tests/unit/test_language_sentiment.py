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


def test_short_posts_are_recognised_or_left_unknown_never_mislabelled():
    import json
    from collections import Counter
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "benchmarks" / "eval" / "lang_short.jsonl"
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    for lang in ("fr", "en"):
        subset = [r for r in rows if r["lang"] == lang]
        assert len(subset) >= 100
        guesses = Counter(detect_language(r["text"]) for r in subset)
        assert guesses[lang] / len(subset) >= 0.95, guesses
        assert guesses[lang] + guesses["unknown"] == len(subset), guesses  # no wrong language


@pytest.mark.parametrize("text, lang", [
    ("Der Service ist leider nicht gut", {"de", "unknown"}),
    ("El servicio es muy malo", {"es", "unknown"}),
    ("Il servizio non è buono", {"it", "unknown"}),
])
def test_other_languages_are_not_taken_for_french_or_english(text, lang):
    assert detect_language(text) in lang
