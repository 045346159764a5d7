"""The Mentions reads on the demo database: every item exactly once across pages, true counts,
and a search that finds what accent- and case-folded text contains."""

from __future__ import annotations

import shutil
from datetime import timedelta

import pytest

from analysis.text import normalize
from store import mentions, writing
from store.filters import Filters
from store.meta import MODELS_IN_USE, set_meta
from tests.conftest import db_rows


def _last_days(db, days: int, **dims) -> Filters:
    end = db_rows(db, "SELECT max(CAST(published_at AS DATE)) FROM mentions")[0][0]
    return Filters(start=end - timedelta(days=days - 1), end=end, **dims)


def _expected_ids(db, filters: Filters) -> set[str]:
    where, params = filters.where("published_at", brand_column="brand", timestamp=True)
    return {r[0] for r in db_rows(db, f"SELECT DISTINCT item_id FROM mentions {where}", params)}


def _all_pages(db, filters: Filters, query: mentions.MentionQuery) -> list[str]:
    ids: list[str] = []
    after = None
    while True:
        page = mentions.page(db, filters, query, after)
        ids.extend(page.rows["item_id"])
        if page.next_cursor is None:
            return ids
        after = page.next_cursor


@pytest.mark.parametrize("sort", ["newest", "oldest", "engaged"])
@pytest.mark.parametrize("brands", [(), ("Opalia", "Orbis")])
def test_paging_lists_every_item_once_in_order(demo_db, sort, brands):
    filters = _last_days(demo_db, 3, brands=brands)
    query = mentions.MentionQuery(sort=sort, size=100)
    ids = _all_pages(demo_db, filters, query)
    expected = _expected_ids(demo_db, filters)
    # Items naming two brands have two mention rows: each must still be listed once.
    assert len(ids) == len(set(ids)) == len(expected)
    assert set(ids) == expected
    assert mentions.count(demo_db, filters, query) == len(expected)
    keys = {r[0]: r[1:] for r in db_rows(
        demo_db, f"SELECT item_id, coalesce(score, 0) + coalesce(comments, 0), published_at "
                 f"FROM items WHERE item_id IN ({', '.join('?' for _ in ids)})", ids)}
    if sort == "engaged":
        listed = [(*keys[i], i) for i in ids]
        assert listed == sorted(listed, reverse=True)
    else:
        listed = [keys[i][1] for i in ids]
        assert listed == sorted(listed, reverse=(sort == "newest"))


@pytest.mark.parametrize("dims", [
    {}, {"brands": ("Orbis",)}, {"brands": ("Opalia", "Tilia"), "langs": ("en",)},
    {"kinds": ("reddit", "rss")}, {"brands": ("Nobody",)}])
def test_the_count_of_items_matches_a_recount_whatever_the_filters(demo_db, dims):
    filters = _last_days(demo_db, 30, **dims)
    assert mentions.count(demo_db, filters, mentions.MentionQuery()) == len(
        _expected_ids(demo_db, filters))
    everything = Filters(**dims)
    assert mentions.count(demo_db, everything, mentions.MentionQuery()) == len(
        _expected_ids(demo_db, everything))


def test_demo_items_naming_two_brands_are_in_the_test_period(demo_db):
    # Guards the test above: without such items it would not test the de-duplication.
    filters = _last_days(demo_db, 3)
    where, params = filters.where("published_at", brand_column="brand", timestamp=True)
    shared = db_rows(demo_db, f"SELECT count(*) FROM (SELECT item_id FROM mentions {where} "
                              f"GROUP BY item_id HAVING count(*) > 1)", params)[0][0]
    assert shared > 0


@pytest.mark.parametrize("needle", ["réseau", "RESEAU", "panne", "forfait  Orbis", "  Opalia  "])
def test_search_finds_what_the_folded_text_contains(demo_db, needle):
    filters = _last_days(demo_db, 30)
    query = mentions.MentionQuery(search=needle, size=100)
    ids = set(_all_pages(demo_db, filters, query))
    where, params = filters.where("published_at", brand_column="brand", timestamp=True)
    rows = db_rows(demo_db, f"""
        SELECT item_id, coalesce(title, '') || ' ' || coalesce(text, '') FROM items
        WHERE item_id IN (SELECT item_id FROM mentions {where})""", params)
    folded = " ".join(normalize(needle).split())
    expected = {item for item, text in rows if folded in " ".join(normalize(text).split())}
    assert expected, f"the demo should contain {needle!r}"
    assert ids == expected
    assert mentions.count(demo_db, filters, query) == len(expected)


@pytest.mark.parametrize("brands", [(), ("Tilia",), ("Nobody",)])
def test_the_most_engaged_pages_over_all_dates_match_a_full_sort(demo_db, brands):
    filters = Filters(brands=brands)
    where, params = filters.where("published_at", brand_column="brand", timestamp=True)
    expected = [r[0] for r in db_rows(demo_db, f"""
        SELECT item_id FROM items
        WHERE item_id IN (SELECT item_id FROM mentions {where})
        ORDER BY coalesce(score, 0) + coalesce(comments, 0) DESC, published_at DESC,
                 item_id DESC
        LIMIT 75""", params)]
    query = mentions.MentionQuery(sort="engaged", size=25)
    shown, after = [], None
    for _ in range(3):
        page = mentions.page(demo_db, filters, query, after)
        shown.extend(page.rows["item_id"])
        after = page.next_cursor
        if after is None:
            break
    assert shown == expected


@pytest.mark.parametrize("note", ["not json", "[1, 2]", '{"en": {"precise": true}}', ""])
def test_a_model_note_that_cannot_be_read_says_nothing_of_the_models(demo_db, tmp_path, note):
    db = tmp_path / "veille.duckdb"
    shutil.copy(demo_db, db)
    with writing(db) as con:
        set_meta(con, MODELS_IN_USE, note)
    status = mentions.sentiment_status(db)
    assert status.models == ()
    assert status.corrections == status.not_learnt == 0
