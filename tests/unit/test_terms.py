"""Key terms, phrases, distinctiveness, emerging terms and topics on hand-made texts."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.stopwords import is_stopword
from analysis.terms import brand_words, distinctive, emerging, terms, words
from analysis.topics import fit_topics


@pytest.mark.parametrize("word", ["le", "Les", "déjà", "deja", "aujourd'hui", "aujourd’hui",
                                  "the", "THE", "don't", "don’t", "because", "nous"])
def test_french_and_english_stopwords_whatever_the_case_accents_or_apostrophe(word):
    assert is_stopword(word)


@pytest.mark.parametrize("word", ["réseau", "panne", "outage", "fibre", "price", "box"])
def test_content_words_are_not_stopwords(word):
    assert not is_stopword(word)


def test_news_wire_filler_number_words_and_time_units_are_not_terms():
    found = terms("Six years ago Orbis was reportedly preparing a launch, according to people "
                  "familiar with it. Depuis trois ans et six mois, Tilia semble préparer "
                  "une panne par semaine.")
    assert {"launch", "panne", "orbis", "tilia"} <= found
    assert not found & {"six", "years", "ago", "reportedly", "preparing", "according", "trois",
                        "ans", "mois", "semaine", "semble"}


def test_french_elisions_are_stripped_with_straight_or_curly_apostrophes():
    found = terms("L'appli d'Opalia, qu’il trouve nulle. J’adore l’option, n'empêche.")
    assert {"appli", "opalia", "option", "adore", "trouve", "nulle"} <= found
    assert not any(t.startswith(("l'", "d'", "qu", "j'", "n'")) for t in found)
    assert "empêche" in found


def test_urls_handles_and_numbers_are_left_out_and_hashtags_kept():
    found = terms("Voir https://example.com/forfait-pas-cher et www.promo.fr @orbis_help "
                  "#panne 2026 9,99 € 150 Go")
    assert found == {"voir", "#panne", "go"}


def test_accents_are_kept_in_what_is_shown():
    found = terms("Débit catastrophique, réseau instable")
    assert {"débit", "catastrophique", "réseau", "instable"} <= found
    assert "reseau" not in found


def test_phrases_have_no_stopword_at_their_ends_and_stay_inside_a_clause():
    found = terms("Une coupure de réseau ce matin. Service client absent")
    assert "coupure de réseau" in found
    assert "service client" in found and "service client absent" in found
    assert "réseau ce" not in found and "de réseau" not in found
    # The full stop ends the clause: no phrase runs across it.
    assert not any("matin service" in t for t in found)


def test_brand_names_and_their_handles_and_hashtags_are_out():
    banned = brand_words("Ciel Mobile", ['"Ciel Mobile"', "@cielmobile", "#cielmobile",
                                         "ciel", "forfait"])
    assert {"ciel", "mobile", "cielmobile"} <= banned
    assert "forfait" not in banned, "a narrowing word of the query stays a possible term"
    found = terms("Ciel Mobile et son forfait #cielmobile, le forfait Ciel", banned)
    assert found == {"forfait"}


def test_words_marks_numbers_so_phrases_break_there():
    assert words("forfait 20 go") == [["forfait", None, "go"]]
    assert "forfait go" not in terms("forfait 20 go")


def test_distinctiveness_prefers_a_brands_own_words_to_shared_frequent_ones():
    counts = pd.DataFrame([
        ("A", "réseau", 100), ("B", "réseau", 100), ("C", "réseau", 100),
        ("A", "panne", 40), ("B", "panne", 1), ("C", "panne", 1),
        ("B", "prix", 30), ("C", "prix", 2),
    ], columns=["brand", "term", "n"])
    scored = distinctive(counts).set_index(["brand", "term"])["score"]
    # Raw counts would put "réseau" first for A; distinctiveness puts "panne".
    assert scored["A", "panne"] > scored["A", "réseau"]
    assert scored["A", "panne"] > 0 and scored["B", "panne"] < 0
    assert scored["B", "prix"] > scored["C", "prix"]


def test_distinctiveness_of_nothing_is_an_empty_table():
    assert distinctive(pd.DataFrame(columns=["brand", "term", "n"])).empty


def test_emerging_terms_rise_against_the_brands_own_baseline():
    series = pd.DataFrame([
        ("panne", 30.0, 4.0),      # rare before, many now: emerging
        ("réseau", 25.0, 100.0),   # usual rate (7 vs 28 days): not emerging
        ("nouveau", 3.0, 0.0),     # new but too few to say
        ("prix", 8.0, 0.0),        # new and enough
    ], columns=["term", "recent", "baseline"])
    found = emerging(series, recent_total=100, baseline_total=400)
    assert list(found["term"]) == ["panne", "prix"]
    assert found.set_index("term").loc["panne", "expected"] == pytest.approx(1.0)


def test_a_busier_week_does_not_make_every_term_emerge():
    series = pd.DataFrame([("réseau", 50.0, 50.0)], columns=["term", "recent", "baseline"])
    assert emerging(series, recent_total=500, baseline_total=500).empty
    assert not emerging(series, recent_total=50, baseline_total=500).empty


def test_topics_separate_two_vocabularies_and_are_stable():
    network = [{"panne", "réseau", "coupure", "antenne", f"x{i}"} for i in range(30)]
    price = [{"prix", "facture", "hausse", "tarif", f"y{i}"} for i in range(30)]
    docs = network + price
    first = fit_topics(docs, k=2, min_docs=3, max_share=0.6)
    assert len(first) == 2
    sets = [set(t.top_terms[:4]) for t in first]
    assert {"panne", "réseau", "coupure", "antenne"} in sets
    assert {"prix", "facture", "hausse", "tarif"} in sets
    assert [t.label for t in fit_topics(docs, k=2, min_docs=3, max_share=0.6)] == \
        [t.label for t in first]


def test_too_few_texts_give_no_topics():
    assert fit_topics([{"a", "b"}] * 5, k=6) == []
