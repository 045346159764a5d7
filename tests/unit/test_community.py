"""Community rules on hand-made French and English posts: questions, complaints, segments."""

from __future__ import annotations

import re

import pytest

from analysis import community as C

QUESTIONS = [
    "Quelqu'un sait si la fibre Opalia passe à Lyon",
    "Quelqu’un a testé le forfait Opalia 5G",
    "COMMENT FAIRE pour résilier chez Opalia",
    "Est-ce que l'appli Opalia marche sur Android",
    "Vous avez une idée pour le roaming",
    "Le débit est normal ?",
    "Does anyone know when Opalia fixes the app",
    "How do I cancel my Opalia plan",
    "Any idea why the box reboots",
    "Can someone explain the Opalia bill",
    "Need help with my Opalia eSIM",
]
NOT_QUESTIONS = [
    "Très content de la fibre Opalia, rien à dire.",
    "Opalia lance son nouveau forfait aujourd'hui.",
    "The Opalia app finally works, great job.",
    "Helpful staff at the Opalia store.",
    "Je sais comment ils font, c'est du marketing.",
]


@pytest.mark.parametrize("text", QUESTIONS)
def test_questions_are_found_in_french_and_english(text):
    assert C.is_question(text)


@pytest.mark.parametrize("text", NOT_QUESTIONS)
def test_statements_are_not_questions(text):
    assert not C.is_question(text)


def test_the_question_rule_is_one_regex_that_re2_style_engines_can_read():
    # No look-arounds or back-references: the database runs the very same pattern.
    assert "(?=" not in C.QUESTION_PATTERN and "(?<" not in C.QUESTION_PATTERN
    assert re.compile(C.QUESTION_PATTERN)


def test_needs_answer_reasons():
    assert C.needs_answer("Quelqu'un sait ?", "neutral") == "question"
    assert C.needs_answer("Opalia me facture deux fois, inadmissible.", "negative") == "complaint"
    # A negative question is a question; a happy statement needs nothing.
    assert C.needs_answer("Why is Opalia so slow?", "negative") == "question"
    assert C.needs_answer("Love my Opalia box.", "positive") is None


def test_answered_replies_and_publications_wait_for_nothing():
    assert C.needs_answer("How do I cancel?", "negative", answered=True) is None
    assert C.needs_answer("How do I cancel?", "negative", is_reply=True) is None
    assert C.needs_answer("Opalia fined: what now?", "negative", kind="rss") is None
    assert C.needs_answer("How do I cancel?", "neutral", kind="forum") == "question"


@pytest.mark.parametrize(("posts", "days", "segment"), [
    (1, 1, "one-time"), (4, 1, "one-time"), (2, 2, "returning"), (4, 3, "returning"),
    (5, 2, "regular"), (40, 30, "regular"), (9, 1, "one-time"),
])
def test_author_segments(posts, days, segment):
    assert C.segment(posts, days) == segment
