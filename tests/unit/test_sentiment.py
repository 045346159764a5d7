"""Brand-targeted sentiment: each rule on hand-made French and English posts, and the eval sets."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pytest

from analysis.sentiment import label, score_about, score_text

EVAL = Path(__file__).resolve().parents[2] / "benchmarks" / "eval"


def about(text: str, brand: str, lang: str) -> str:
    """The label ``score_about`` gives ``brand`` (every place its name is written) in ``text``."""
    lowered, name = text.lower(), brand.lower()
    spans, start = [], lowered.find(name)
    while start >= 0:
        spans.append((start, start + len(name)))
        start = lowered.find(name, start + 1)
    assert spans, f"{brand} not in {text!r}"
    return label(score_about(text, lang, spans))


def whole(text: str, lang: str) -> str:
    return label(score_text(text, lang))


@pytest.mark.parametrize("text, lang, expected", [
    ("Le forfait est pas mal du tout", "fr", "positive"),
    ("La qualité d'appel est pas terrible", "fr", "negative"),
    ("Jamais eu de problème avec ma box", "fr", "positive"),
    ("Ça capte pas dans mon salon", "fr", "negative"),
    ("Le conseiller ne répond jamais", "fr", "negative"),
    ("Je ne suis pas satisfait du tout", "fr", "negative"),
    ("The router is not bad", "en", "positive"),
    ("The app isn't great", "en", "negative"),
    ("Never had a problem with the delivery", "en", "positive"),
    ("I'm not happy with the upgrade", "en", "negative"),
])
def test_negation_turns_the_words_after_and_before_it(text, lang, expected):
    assert whole(text, lang) == expected


def test_intensifiers_strengthen_in_both_directions():
    for lang, plain, strong in [("fr", "Le réseau est bien", "Le réseau est vraiment trop bien"),
                                ("fr", "Service lent", "Service super lent"),
                                ("en", "The app is good", "The app is really so good"),
                                ("en", "Support is slow", "Support is extremely slow")]:
        assert abs(score_text(strong, lang)) > abs(score_text(plain, lang)) > 0
        assert (score_text(strong, lang) > 0) == (score_text(plain, lang) > 0)
    # Written after the word: "j'kiffe grave", "rame à mort".
    assert score_text("je kiffe grave la box", "fr") > score_text("je kiffe la box", "fr") > 0
    assert score_text("l'appli rame à mort", "fr") < score_text("l'appli rame", "fr") < 0


@pytest.mark.parametrize("text, lang, expected", [
    ("c nul ce décodeur", "fr", "negative"),
    ("j'kiffe ma nouvelle box", "fr", "positive"),
    ("de ouf la vitesse de la fibre", "fr", "positive"),
    ("trop bien l'appli", "fr", "positive"),
    ("grave déçu par la livraison", "fr", "negative"),
    ("nuuuul le service après-vente", "fr", "negative"),
    ("bof bof le nouveau tarif", "fr", "negative"),
    ("wtf no signal again", "en", "negative"),
    ("meh, the update changed nothing", "en", "negative"),
    ("sooo good, the speed doubled", "en", "positive"),
    ("this app sucks", "en", "negative"),
    ("total rip-off, avoid", "en", "negative"),
])
def test_social_media_spelling_and_slang(text, lang, expected):
    assert whole(text, lang) == expected


def test_emoji_carry_the_opinion_when_words_do_not():
    assert whole("Ma box ce matin 😡", "fr") == "negative"
    assert whole("Ma box ce matin 😍", "fr") == "positive"
    assert whole("The new plan 👍👍", "en") == "positive"
    assert whole("The new plan 👎", "en") == "negative"
    # Emoji are not turned around by a negation before them.
    assert whole("Réglé sans discuter 👍", "fr") == "positive"


def test_capitals_and_exclamation_marks_make_it_stronger():
    calm = score_text("The support is useless", "en")
    loud = score_text("The support is USELESS!!!", "en")
    assert loud < calm < 0
    assert score_text("Service au top !!!", "fr") > score_text("Service au top", "fr") > 0


def test_information_questions_and_news_are_neutral():
    assert whole("Quelqu'un sait si la fibre est dispo à Brest ?", "fr") == "neutral"
    assert whole("Will they compensate customers after the outage?", "en") == "neutral"
    assert whole("Acme annonce un nouveau forfait 5G à 15 €.", "fr") == "neutral"
    assert whole("Acme launches a new 5G plan.", "en") == "neutral"
    # A question that is really a complaint keeps its sign.
    assert whole("Pourquoi votre service est aussi nul ?", "fr") == "negative"


@pytest.mark.parametrize("text, lang, acme, bolt", [
    ("Acme est génial mais Bolt est une arnaque", "fr", "positive", "negative"),
    ("Acme c'est nul alors que Bolt marche super bien", "fr", "negative", "positive"),
    ("Contrairement à Bolt, Acme n'a jamais coupé", "fr", "positive", "negative"),
    ("Acme est bien plus fiable que Bolt", "fr", "positive", "negative"),
    ("J'ai quitté Bolt pour Acme, enfin un réseau qui tient", "fr", "positive", "negative"),
    ("Acme 😍 Bolt 🤮", "fr", "positive", "negative"),
    ("Bolt en panne depuis hier. Acme fonctionne parfaitement, merci !", "fr",
     "positive", "negative"),
    ("Acme is great but Bolt is a joke", "en", "positive", "negative"),
    ("Acme is useless whereas Bolt works perfectly", "en", "negative", "positive"),
    ("Unlike Bolt, Acme never dropped my calls", "en", "positive", "negative"),
    ("Acme is far more reliable than Bolt", "en", "positive", "negative"),
    ("Bolt let me down, Acme sorted me out in an hour", "en", "positive", "negative"),
    ("Acme and Bolt announce a partnership.", "en", "neutral", "neutral"),
    ("Bolt is down again, does anyone know if Acme is affected?", "en", "neutral", "negative"),
])
def test_each_brand_gets_the_clauses_about_it(text, lang, acme, bolt):
    assert (about(text, "Acme", lang), about(text, "Bolt", lang)) == (acme, bolt)


def test_coordinated_brands_share_the_opinion():
    text = "Acme et Bolt m'ont tous les deux facturé des frais absurdes"
    assert about(text, "Acme", "fr") == about(text, "Bolt", "fr") == "negative"
    text = "Acme and Bolt, my two best choices this year"
    assert about(text, "Acme", "en") == about(text, "Bolt", "en") == "positive"


def test_the_brand_name_itself_carries_no_sentiment():
    # "Ciel" means sky, "Super" is a booster: as a brand they are just a name.
    assert label(score_about("Super U ouvre un magasin à Caen.", "fr", [(0, 7)])) == "neutral"
    assert label(score_about("Ciel Mobile recrute à Brest.", "fr", [(0, 11)])) == "neutral"


def test_scores_stay_in_range_and_empty_input_is_neutral():
    assert score_text("", "fr") == 0.0 and score_text(None, "en") == 0.0
    assert score_about("", "fr", [(0, 0)]) == 0.0
    for text in ("NUL NUL NUL !!!!!!!! 😡😡😡" * 50, "génial top parfait 😍" * 300):
        for lang in ("fr", "en", None, "de"):
            assert -1.0 <= score_text(text, lang) <= 1.0
            assert -1.0 <= score_about(text, lang, [(0, 3)]) <= 1.0
    # Spans outside the text fall back to the whole text instead of failing.
    assert score_about("Acme est top", "fr", [(500, 504)]) == score_text("Acme est top", "fr")


# ---------------------------------------------------------------------------------------------
# The evaluation sets: held-out ("test") lines, ours against the plain lexicon baselines.

def _macro_f1(gold: list[str], guess: list[str]) -> float:
    scores = []
    for name in ("negative", "neutral", "positive"):
        tp = sum(g == p == name for g, p in zip(gold, guess, strict=True))
        fp = sum(p == name != g for g, p in zip(gold, guess, strict=True))
        fn = sum(g == name != p for g, p in zip(gold, guess, strict=True))
        scores.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return sum(scores) / 3


def _baseline(lang: str):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # vaderSentiment_fr warns about python-Levenshtein
        if lang == "fr":
            from vaderSentiment_fr.vaderSentiment import SentimentIntensityAnalyzer
        else:
            from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer
        return SentimentIntensityAnalyzer()


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_eval_sets_are_well_formed(lang):
    rows = [json.loads(line) for line in
            (EVAL / f"sentiment_{lang}.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(rows) >= 300
    posts: dict[str, set[str]] = {}
    for row in rows:
        assert row["label"] in ("negative", "neutral", "positive")
        assert row["split"] in ("dev", "test")
        for start, end in row["spans"]:
            assert row["text"][start:end].lower() == row["brand"].lower()
        posts.setdefault(row["text"], set()).add(row["brand"])
    assert sum(len(brands) > 1 for brands in posts.values()) >= 60
    # A post is in one split only, so that no text was tuned on and then tested.
    splits = {}
    for row in rows:
        assert splits.setdefault(row["text"], row["split"]) == row["split"]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_ours_beats_the_plain_lexicon_on_the_held_out_split(lang):
    rows = [json.loads(line) for line in
            (EVAL / f"sentiment_{lang}.jsonl").read_text(encoding="utf-8").splitlines()]
    rows = [r for r in rows if r["split"] == "test"]
    gold = [r["label"] for r in rows]
    ours = [label(score_about(r["text"], lang, [tuple(s) for s in r["spans"]])) for r in rows]
    analyser = _baseline(lang)
    base = [label(analyser.polarity_scores(r["text"])["compound"]) for r in rows]
    ours_f1, base_f1 = _macro_f1(gold, ours), _macro_f1(gold, base)
    assert ours_f1 >= base_f1 + 0.15, (ours_f1, base_f1)
    assert ours_f1 >= 0.8


def test_demo_posts_read_with_the_tone_they_were_written_in():
    from datetime import date

    from collectors.demo import generate

    agree: dict[str, list[bool]] = {"positive": [], "negative": []}
    for item in list(generate(3000, end=date(2026, 6, 30)))[::3]:
        tone = item.extra.get("tone")
        if tone in agree:
            agree[tone].append(label(score_text(item.text, item.lang)) == tone)
    for tone, hits in agree.items():
        assert len(hits) > 50 and sum(hits) / len(hits) > 0.95, (tone, sum(hits), len(hits))
