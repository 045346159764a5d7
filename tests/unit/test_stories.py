"""Near-duplicate grouping: copies with different boilerplate are one story, other texts not."""

from __future__ import annotations

from analysis import stories as S

RELEASE = ("Zephir, l'opérateur mobile à petits prix, annonce une levée de fonds de 45 millions "
           "d'euros auprès de ses actionnaires historiques et d'un nouveau fonds "
           "d'infrastructures. Cette opération doit permettre à Zephir de lancer une offre fibre "
           "nationale dès le printemps, avec un abonnement annoncé sous la barre des 25 euros par "
           "mois. L'opérateur revendique aujourd'hui 2,4 millions de clients mobiles.")
OTHER = ("Orbis subit une panne nationale de son réseau mobile depuis ce matin : les abonnés ne "
         "peuvent plus appeler ni utiliser leurs données, et le service client est saturé. "
         "L'opérateur promet un retour à la normale dans la soirée et un geste commercial.")
ENGLISH = ("Opalia launches the Opalia One bundle today, with unlimited 5G and fibre up to two "
           "gigabits for forty euros a month, and says pre-orders opened last night on its "
           "website and in every store across the country.")


def test_copies_with_datelines_footers_and_typography_are_one_story():
    copies = [
        ("a", RELEASE),
        ("b", "PARIS, le 29 avril 2026 — " + RELEASE + "\n\nSource : communiqué de presse."),
        ("c", RELEASE.upper().replace("'", "’") + "\nLire aussi : nos derniers articles."),
        ("d", "Communiqué : " + RELEASE.replace("é", "e")),
    ]
    groups = S.group(copies)
    assert {story for story, _ in groups.values()} == {"a"}
    assert groups["a"] == ("a", 1.0)
    assert all(score >= S.THRESHOLD for _, score in groups.values())


def test_unrelated_texts_are_separate_stories():
    groups = S.group([("a", RELEASE), ("b", OTHER), ("c", ENGLISH)])
    assert [groups[k][0] for k in "abc"] == ["a", "b", "c"]


def test_a_translation_is_another_story_and_a_rewrite_too():
    half = " ".join(RELEASE.split()[:30]) + " " + " ".join(OTHER.split()[15:])
    groups = S.group([("fr", RELEASE), ("mix", half)])
    assert groups["mix"][0] == "mix"


def test_short_texts_are_their_own_story_even_when_identical():
    groups = S.group([("a", "Idem, très content de Orbis."), ("b", "Idem, très content de Orbis.")])
    assert groups == {"a": ("a", 1.0), "b": ("b", 1.0)}
    assert S.signature("one two three") is None


def test_signatures_are_stable_and_round_trip_through_bytes():
    sig = S.signature(RELEASE)
    assert sig is not None and sig.shape == (S.PERMUTATIONS,)
    assert (S.from_bytes(S.to_bytes(sig)) == sig).all()
    assert S.band_keys(sig) == S.band_keys(S.signature(RELEASE))
    assert len(set(S.band_keys(sig))) == S.BANDS
    assert S.similarity(sig, sig) == 1.0


def test_an_index_carries_stories_across_calls_and_the_earliest_wins():
    index = S.StoryIndex()
    S.group([("first", RELEASE), ("other", OTHER)], index)
    later = S.group([("late", "PARIS — " + RELEASE)], index)
    assert later["late"][0] == "first"
    assert len(index) == 3


def test_the_index_forgets_what_falls_out_of_the_window_and_an_item_grouped_again():
    from datetime import datetime, timedelta

    day = datetime(2026, 4, 29)
    index = S.StoryIndex()
    index.add("a", S.signature(RELEASE), item_id="a", published=day)
    index.add("b", S.signature(OTHER), item_id="b", published=day + timedelta(days=10))
    assert index.match(S.signature(RELEASE))[0] == "a"
    # A month later the release is out of the window: a copy starts its own story.
    index.forget_before(day + timedelta(days=5))
    assert "a" not in index and "b" in index and len(index) == 1
    assert index.match(S.signature(RELEASE)) is None
    assert index.match(S.signature(OTHER))[0] == "b"
    # "b" rewritten as the English text: its old signature no longer draws copies of OTHER.
    index.add("b", S.signature(ENGLISH), item_id="b", published=day + timedelta(days=11))
    assert index.match(S.signature(OTHER)) is None
    assert index.match(S.signature(ENGLISH))[0] == "b"
    # Forgetting most of the index compacts it without losing what stays.
    index.forget_before(day + timedelta(days=10, hours=12))
    assert len(index) == 1 and index.match(S.signature(ENGLISH))[0] == "b"
