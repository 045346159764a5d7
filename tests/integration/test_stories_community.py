"""Stories and community on real DuckDB files: incremental refreshers, counts by hand."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest

from analysis import community as C
from store import Filters, edits, writing
from store import community as K
from store import stories as ST
from store.facts import refresh_facts
from store.writes import now, save_brands, write_batch
from tests.conftest import db_rows as q

RELEASE = ("Zephir annonce une levée de fonds de 45 millions d'euros auprès de ses actionnaires "
           "historiques et d'un nouveau fonds d'infrastructures, pour lancer une offre fibre "
           "nationale dès le printemps sous la barre des 25 euros par mois.")
T0 = datetime(2026, 6, 1, 9)


class _Brand:
    def __init__(self, name, own):
        self.name, self.query, self.own, self.color = name, name.lower(), own, "#123456"




def item(item_id, text, *, at=T0, author="bob", parent=None, kind="forum", brand="Zephir",
         label="neutral", title=None, lang="fr"):
    row = (item_id, "src", kind, f"https://x.test/{item_id}", title, text, author, at, now(),
           lang, 0.0, label, None, None, parent, f"{item_id}:{hash(text) & 0xffff}")
    mention = [(item_id, brand, 0.0, label, at, "src", kind, lang)] if brand else []
    return row, mention


def store(db: Path, rows: list) -> None:
    with writing(db) as con:
        save_brands(con, [_Brand("Opalia", True), _Brand("Zephir", False)])
        write_batch(con, [r for r, _ in rows], [m for _, ms in rows for m in ms], source="src",
                    kind="forum", state={})


def refresh(db: Path) -> tuple[int, int]:
    """Run the stories and authors refreshers, then the facts rollup the reads use."""
    with writing(db) as con:
        done = ST.refresh_stories(con), K.refresh_authors(con)
        refresh_facts(con)
        return done


def test_copies_become_one_story_incrementally_and_a_rerun_changes_nothing(tmp_path):
    db = tmp_path / "w.duckdb"
    store(db, [item(f"copy{i}", f"PARIS — {RELEASE} Source {i}.", at=T0 + timedelta(hours=i),
                    kind="rss") for i in range(3)]
          + [item("chat", "Zephir passe bien en montagne chez vous, ou c'est comme chez moi, "
                          "aucun réseau dès qu'on monte au-dessus de mille mètres d'altitude ?")])
    assert refresh(db)[0] == 4
    assert refresh(db)[0] == 0, "nothing new: nothing processed"
    stories = dict(q(db, "SELECT item_id, story_id FROM stories"))
    assert stories == {"copy0": "copy0", "copy1": "copy0", "copy2": "copy0", "chat": "chat"}
    # A copy collected a week later is matched against the kept signatures.
    store(db, [item("late", f"{RELEASE} Lire aussi nos articles.", at=T0 + timedelta(days=7),
                    kind="web")])
    assert refresh(db)[0] == 1
    assert q(db, "SELECT story_id FROM stories WHERE item_id = 'late'") == [("copy0",)]
    assert q(db, "SELECT count(*) FROM stories")[0][0] == 5
    # Counted by hand: Zephir has 5 mentions but 2 stories that week.
    f = Filters(start=date(2026, 6, 1), end=date(2026, 6, 14))
    sov = ST.share_of_voice_stories(db, f, "month")
    assert sov.set_index("brand")["stories"].to_dict() == {"Zephir": 2}
    totals = ST.totals(db, f).set_index("brand")
    assert (totals.loc["Zephir", "mentions"], totals.loc["Zephir", "stories"]) == (5, 2)
    top = ST.top_stories(db, f)
    assert list(top["copies"]) == [4] and top["url"][0] == "https://x.test/copy0"


def test_a_changed_text_is_grouped_again(tmp_path):
    db = tmp_path / "w.duckdb"
    store(db, [item("a", RELEASE), item("b", RELEASE + " Fin.")])
    refresh(db)
    assert q(db, "SELECT story_id FROM stories WHERE item_id = 'b'") == [("a",)]
    store(db, [item("b", "Un tout autre sujet : la couverture 5G de Zephir en montagne reste "
                         "décevante selon plusieurs lecteurs qui nous ont écrit cette semaine.")])
    assert refresh(db)[0] == 1
    assert q(db, "SELECT item_id, story_id FROM stories ORDER BY 1") == [("a", "a"), ("b", "b")]


def test_old_signatures_leave_the_window(tmp_path):
    db = tmp_path / "w.duckdb"
    store(db, [item("old", RELEASE, at=T0), item("new", "Autre texte " + RELEASE[::-1],
                                                at=T0 + ST.WINDOW + timedelta(days=2))])
    refresh(db)
    assert q(db, "SELECT item_id FROM story_signatures") == [("new",)]
    assert q(db, "SELECT DISTINCT item_id FROM story_bands") == [("new",)]
    assert q(db, "SELECT count(*) FROM stories")[0][0] == 2


def test_the_demo_press_release_is_one_story_with_its_copies(demo_db):
    rows = q(demo_db, """SELECT i.lang, s.story_id, count(*) FROM items i JOIN stories s
                         USING (item_id)
                         WHERE i.url LIKE '%zephir-leve-45-millions%'
                            OR i.url LIKE '%zephir-raises-45-million%'
                         GROUP BY ALL""")
    by_lang: dict[str, list[int]] = {}
    for lang, _story, n in rows:
        by_lang.setdefault(lang, []).append(n)
    # Every French copy in one story (the English translation is a text of its own).
    assert len(by_lang["fr"]) == 1 and by_lang["fr"][0] >= 3
    assert len(by_lang.get("en", [1])) == 1
    assert q(demo_db, "SELECT count(*) FROM items")[0][0] == q(
        demo_db, "SELECT count(*) FROM stories")[0][0]


def test_authors_rollup_and_segments_match_a_hand_count(tmp_path):
    db = tmp_path / "w.duckdb"
    rows = []
    # alice: 5 posts over 3 days (regular); bob: 2 days (returning); carol: 3 posts one day.
    for i, day in enumerate([0, 0, 1, 2, 2]):
        rows.append(item(f"a{i}", f"post {i}", at=T0 + timedelta(days=day, hours=i),
                         author="alice"))
    rows += [item("b0", "x", author="bob"), item("b1", "y", at=T0 + timedelta(days=9),
                                                 author="bob")]
    rows += [item(f"c{i}", f"z{i}", at=T0 + timedelta(days=9, hours=i), author="carol")
             for i in range(3)]
    rows += [item("anon", "w", author=None)]
    store(db, rows)
    refresh(db)
    assert refresh(db)[1] >= 0
    assert q(db, "SELECT author, first_seen FROM authors ORDER BY 1") == [
        ("alice", T0), ("bob", T0), ("carol", T0 + timedelta(days=9))]
    f = Filters(start=date(2026, 6, 1), end=date(2026, 6, 30))
    seg = K.segments(db, f).iloc[0]
    assert (seg["authors"], seg["regular"], seg["returning"], seg["one_time"]) == (3, 1, 1, 1)
    assert seg["one_time_share"] == pytest.approx(1 / 3)
    top = K.authors(db, f).set_index("author")
    assert top.loc["alice", "segment"] == C.segment(5, 3) == "regular"
    assert top.loc["bob", "segment"] == "returning" and top.loc["carol", "segment"] == "one-time"
    weeks = K.newcomers(db, f, "week").set_index("period")
    assert weeks["newcomers"].sum() == 3
    # Bob posts again in week 2, but is not new there: only carol is.
    assert int(weeks.loc[pd.Timestamp(2026, 6, 8), "newcomers"]) == 1
    assert int(weeks.loc[pd.Timestamp(2026, 6, 8), "active"]) == 2


def test_waiting_list_follows_the_rules_and_the_app_edits(tmp_path):
    db = tmp_path / "w.duckdb"
    store(db, [
        item("q1", "Quelqu'un sait résilier chez Opalia", brand="Opalia"),
        item("q2", "How do I port my number to Opalia", brand="Opalia", lang="en"),
        item("cmp", "Opalia m'a facturé deux fois.", brand="Opalia", label="negative"),
        item("happy", "Très content d'Opalia.", brand="Opalia", label="positive"),
        item("replied", "Comment faire chez Opalia pour la box ?", brand="Opalia"),
        item("answer", "Il faut appeler.", parent="replied", brand=None),
        item("reply_q", "Et chez Opalia, quelqu'un sait ?", parent="happy", brand="Opalia"),
        item("news", "Opalia condamné : et maintenant ?", brand="Opalia", kind="rss"),
        item("other", "Quelqu'un sait pour Zephir ?", brand="Zephir"),
    ])
    f = Filters(start=date(2026, 6, 1), end=date(2026, 6, 2))
    waiting = K.needs_answer(db, f, "Opalia").set_index("item_id")
    assert waiting["reason"].to_dict() == {"q1": "question", "q2": "question",
                                           "cmp": "complaint"}
    assert set(waiting["total"]) == {3}
    # The database and Python read the question rule the same way.
    for item_id, text in q(db, "SELECT item_id, text FROM items"):
        sql = q(db, "SELECT regexp_matches(strip_accents(lower(?)), ?)",
                [text, C.QUESTION_PATTERN])[0][0]
        assert sql == C.is_question(text), item_id
    # Once the facts rollup is built, the list reads from it: the same posts wait.
    refresh(db)
    again = K.needs_answer(db, f, "Opalia").set_index("item_id")
    assert again["reason"].to_dict() == waiting["reason"].to_dict()
    assert again.drop(columns="total").equals(waiting.drop(columns="total"))
    edits.set_answered(db, "q2")
    assert set(K.needs_answer(db, f, "Opalia")["item_id"]) == {"q1", "cmp"}
    assert set(K.needs_answer(db, f, "Opalia")["total"]) == {2}
    assert K.needs_answer(db, f, None).empty
    assert K.needs_answer(db, Filters(brands=("Zephir",)), "Opalia").empty
    # A reply collected later answers q1, whatever the brand it names.
    store(db, [item("late", "Il faut résilier par lettre.", parent="q1", brand=None)])
    refresh(db)
    assert set(K.needs_answer(db, f, "Opalia")["item_id"]) == {"cmp"}
