"""Page change detection: boilerplate churn is ignored, real edits come out as a readable diff."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from analysis.pagediff import (
    MAX_SNAPSHOT_BYTES,
    MINUS,
    clean_lines,
    diff_pages,
    fingerprint,
    mask_boilerplate,
    meaningful_lines,
    pack_snapshot,
    unpack_snapshot,
)

PRICING = """Tarifs Acme
Mis à jour le 12/03/2026
Choisissez l'offre qui vous ressemble.
Starter
29 € par mois, jusqu'à 3 utilisateurs
Pro
59 € par mois, utilisateurs illimités
Cette page a été vue 1 234 fois
© 2026 Acme SAS. Tous droits réservés."""


def same(old: str, new: str) -> None:
    """Assert that nothing a reader would notice changed between ``old`` and ``new``."""
    diff = diff_pages(old, new)
    assert not diff.changed, diff.lines
    assert diff.text == ""
    assert fingerprint(old) == fingerprint(new)


@pytest.mark.parametrize("old, new", [
    ("Mis à jour le 12/03/2026", "Mis à jour le 19/03/2026"),
    ("Last updated: 2026-03-12T14:32:00+01:00", "Last updated: 2026-03-19T08:05:11+01:00"),
    ("Publié le mardi 12 mars 2026 à 14h30", "Publié le jeudi 19 mars 2026 à 9h05"),
    ("Updated on Thursday, March 12, 2026 at 2:32 pm",
     "Updated on Friday, March 20, 2026 at 9:05 am"),
])
def test_a_changed_date_or_time_is_not_a_change(old, new):
    same(PRICING.replace("Mis à jour le 12/03/2026", old),
         PRICING.replace("Mis à jour le 12/03/2026", new))


@pytest.mark.parametrize("old, new", [
    ("Cette page a été vue 1 234 fois", "Cette page a été vue 1 301 fois"),
    ("1 234 vues", "1 301 vues"),
    ("Views: 1,234", "Views: 12,001"),
    ("12 commentaires", "13 commentaires"),
    ("4,5 ★ (1 234 avis)", "4,5 ★ (1 240 avis)"),
])
def test_a_changed_counter_is_not_a_change(old, new):
    same(PRICING.replace("Cette page a été vue 1 234 fois", old),
         PRICING.replace("Cette page a été vue 1 234 fois", new))


@pytest.mark.parametrize("old, new", [
    ("Votre session : 8f3a9c2e1b7d4f60a9c2", "Votre session : 0b4d7e19aa3c55f2e8d1"),
    ("Request ID: 4f8a2b9c-1d3e-4f5a-8b7c-9d0e1f2a3b4c",
     "Request ID: 9e0d1c2b-3a4f-4e5d-8c7b-6a5f4e3d2c1b"),
    ("Support ref eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9 kept",
     "Support ref eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6Ikpva kept"),
    ("Ray ID: 7f3a9b2c8d1e4f56", "Ray ID: 81c0ffee2a9b3d47"),
])
def test_a_session_token_in_a_line_is_not_a_change(old, new):
    same(PRICING + "\n" + old, PRICING + "\n" + new)


@pytest.mark.parametrize("old, new", [
    ("© 2026 Acme SAS. Tous droits réservés.", "© 2027 Acme SAS. Tous droits réservés."),
    ("©2026 Acme SAS. Tous droits réservés.", "©2027 Acme SAS. Tous droits réservés."),
    ("Copyright 2019-2026 Acme Inc. All rights reserved.",
     "Copyright 2019–2027 Acme Inc. All rights reserved."),
])
def test_a_copyright_year_is_not_a_change(old, new):
    same(PRICING.replace("© 2026 Acme SAS. Tous droits réservés.", old),
         PRICING.replace("© 2026 Acme SAS. Tous droits réservés.", new))


@pytest.mark.parametrize("old, new", [
    ("Publié il y a 3 heures", "Publié il y a 2 jours"),
    ("Mis à jour il y a environ une heure", "Mis à jour il y a 5 min"),
    ("Commenté hier", "Commenté aujourd'hui"),
    ("Modifié à l'instant", "Modifié il y a quelques secondes"),
    ("Posted 3 hours ago", "Posted 2 days ago"),
    ("Updated about an hour ago", "Updated 5d ago"),
    ("Edited yesterday", "Edited just now"),
])
def test_french_and_english_relative_times_are_not_a_change(old, new):
    same(PRICING + "\n" + old, PRICING + "\n" + new)


def test_a_price_change_gives_one_removed_and_one_added_line():
    new = PRICING.replace("29 €", "35 €").replace("12/03/2026", "19/03/2026") \
        .replace("1 234", "1 301")
    diff = diff_pages(PRICING, new)
    assert diff.removed == ["29 € par mois, jusqu'à 3 utilisateurs"]
    assert diff.added == ["35 € par mois, jusqu'à 3 utilisateurs"]
    assert diff.text == (f"{MINUS} 29 € par mois, jusqu'à 3 utilisateurs\n"
                         "+ 35 € par mois, jusqu'à 3 utilisateurs")
    assert diff.summary == f"+1 / {MINUS}1 lines"
    assert fingerprint(PRICING) != fingerprint(new)


def test_added_and_removed_lines_are_reported_in_page_order_as_the_page_shows_them():
    new = PRICING.replace("Pro\n59 € par mois, utilisateurs illimités\n",
                          "Business\n99 € par mois, SSO inclus\n") \
        + "\nNouveau : offre Entreprise sur devis"
    diff = diff_pages(PRICING, new)
    assert diff.removed == ["Pro", "59 € par mois, utilisateurs illimités"]
    assert diff.added == ["Business", "99 € par mois, SSO inclus",
                          "Nouveau : offre Entreprise sur devis"]
    assert diff.lines[0] == f"{MINUS} Pro"
    assert diff.lines[-1] == "+ Nouveau : offre Entreprise sur devis"


def test_a_date_on_a_line_that_really_changed_is_shown_as_written():
    old = "Offre de lancement : 19 € jusqu'au 31/03/2026"
    new = "Offre de lancement : 25 € jusqu'au 30/04/2026"
    diff = diff_pages(old, new)
    assert diff.removed == [old] and diff.added == [new]


@pytest.mark.parametrize("new", [
    # Indentation, doubled spaces, non-breaking spaces and blank lines.
    "  Tarifs Acme\n\n\nMis à jour le 12/03/2026\nChoisissez  l'offre qui vous\u00a0ressemble.\n"
    "Starter\n\t29\u202f€ par mois, jusqu'à 3 utilisateurs\nPro\n59 € par mois, utilisateurs "
    "illimités\nCette page a été vue 1 234 fois\n© 2026 Acme SAS. Tous droits réservés.\n\n",
    # The same sentence wrapped over two lines.
    PRICING.replace("Choisissez l'offre qui vous ressemble.",
                    "Choisissez l'offre\nqui vous ressemble."),
    # A zero-width space slipped into a word, Windows line ends.
    PRICING.replace("Starter", "Star\u200bter").replace("\n", "\r\n"),
])
def test_whitespace_and_wrapping_only_is_not_a_change(new):
    same(PRICING, new)


def test_lines_that_only_moved_are_not_a_change():
    moved = PRICING.replace("Starter\n29 € par mois, jusqu'à 3 utilisateurs\nPro\n"
                            "59 € par mois, utilisateurs illimités",
                            "Pro\n59 € par mois, utilisateurs illimités\nStarter\n"
                            "29 € par mois, jusqu'à 3 utilisateurs")
    assert not diff_pages(PRICING, moved).changed


@pytest.mark.parametrize("old, new", [
    ("Jusqu'à 1 000 abonnés", "Jusqu'à 2 000 abonnés"),
    ("Up to 1,000 subscribers", "Up to 5,000 subscribers"),
    ("10 000 pages vues par mois", "20 000 pages vues par mois"),
    ("Version 2.3.10", "Version 2.3.11"),
    ("5 utilisateurs inclus", "10 utilisateurs inclus"),
    ("Support de 9h à 18h", "Support de 9h à 20h"),
    ("Plus de 5 000 clients", "Plus de 6 000 clients"),
    ("Session timeout is 30 minutes", "Session timeout is 60 minutes"),
])
def test_limits_quantities_and_versions_are_changes(old, new):
    diff = diff_pages(PRICING + "\n" + old, PRICING + "\n" + new)
    assert diff.removed == [old] and diff.added == [new]


def test_long_repetitive_pages_are_compared_line_for_line():
    table = "\n".join(["Oui", "Non", "Inclus"] * 2000)
    diff = diff_pages(table, table.replace("Inclus", "En option", 1))
    assert (diff.removed, diff.added) == (["Inclus"], ["En option"])
    assert not diff_pages("\n".join(["Oui"] * 3000 + ["Non"] * 3000),
                          "\n".join(["Non", "Oui"] * 3000)).changed


def test_lines_that_are_only_boilerplate_are_dropped():
    lines = [line for line, _ in meaningful_lines("12/03/2026\n3 hours ago\n1 234 vues\nPrix")]
    assert lines == ["Prix"]


def test_masks_keep_the_words_around_them():
    assert mask_boilerplate("Mis à jour le 12/03/2026 à 14h30") == "Mis à jour le ⟨date⟩ à ⟨time⟩"
    assert mask_boilerplate("Plan Pro : 29 € / mois") == "Plan Pro : 29 € / mois"


def test_empty_and_missing_text():
    assert clean_lines("") == [] and clean_lines(None) == []
    assert not diff_pages("", "").changed
    diff = diff_pages("", "Une nouvelle page")
    assert diff.added == ["Une nouvelle page"] and diff.removed == []


def test_snapshots_round_trip_and_stay_bounded():
    assert unpack_snapshot(pack_snapshot(PRICING)) == PRICING
    long_terms = "\n".join(f"Article {n}. Le client s'engage à respecter les conditions."
                            for n in range(20_000))
    kept = unpack_snapshot(pack_snapshot(long_terms))
    assert len(kept.encode("utf-8")) <= MAX_SNAPSHOT_BYTES
    assert long_terms.startswith(kept) and long_terms[len(kept)] == "\n"  # cut at a line end
    assert len(pack_snapshot(long_terms)) < 50_000  # repetitive legal text compresses well
    assert unpack_snapshot("not base64!") is None
    assert unpack_snapshot("aGVsbG8=") is None  # base64, but not gzip


LINE = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60)


@given(st.lists(LINE, max_size=12))
def test_a_text_never_differs_from_itself_reformatted(lines):
    text = "\n".join(lines)
    reformatted = "\n\n".join(f"  {line}  " for line in lines)
    assert not diff_pages(text, reformatted).changed
    assert fingerprint(text) == fingerprint(reformatted)


@given(st.lists(LINE, max_size=8), st.lists(LINE, max_size=8))
def test_every_reported_line_comes_from_the_right_side(old_lines, new_lines):
    old, new = "\n".join(old_lines), "\n".join(new_lines)
    diff = diff_pages(old, new)
    assert set(diff.removed) <= set(clean_lines(old))
    assert set(diff.added) <= set(clean_lines(new))
    assert len(diff.lines) == len(diff.added) + len(diff.removed)
