"""The term rollup and topics in a real DuckDB file: incremental, idempotent, exact counts."""

from __future__ import annotations

from collections import Counter, namedtuple
from datetime import date, datetime, timedelta

import duckdb

from analysis.terms import terms
from store import Filters, writing
from store.terms import emerging_terms, key_terms, refresh_terms, refresh_topics, topic_shares
from store.writes import now, save_brands, write_batch

Brand = namedtuple("Brand", "name query own color")
BRANDS = [Brand("Acme", '"Acme" OR @acme', True, "#1f77b4"),
          Brand("Globex", '"Globex"', False, "#d62728")]
TEXTS = {
    "Acme": ["Acme: panne de réseau ce matin, service client absent",
             "La fibre Acme est rapide, service client au top",
             "Acme augmente ses prix, facture salée"],
    "Globex": ["Globex propose un prix bas et une facture claire",
               "Le réseau Globex tient bon, aucune panne",
               "Globex: appli lente, facture illisible"],
}


def rows(day: date, prefix: str, copies: int = 1):
    items, mentions = [], []
    for brand, texts in TEXTS.items():
        for i, text in enumerate(texts * copies):
            item_id = f"{prefix}-{day}-{brand}-{i}"
            published = datetime.combine(day, datetime.min.time()) + timedelta(hours=9 + i % 8)
            items.append((item_id, "news", "feed", None, None, text, None, published, now(),
                          "fr", 0.0, "neutral", None, None, None, item_id))
            mentions.append((item_id, brand, 0.0, "neutral", published, "news", "feed", "fr"))
    return items, mentions


def store(db, day: date, prefix: str = "a", copies: int = 1) -> None:
    items, mentions = rows(day, prefix, copies)
    with writing(db) as con:
        save_brands(con, BRANDS)
        write_batch(con, items, mentions, source="news", kind="feed", state={})


def table(db) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("SELECT day, brand, lang, term, ngram, n FROM daily_terms "
                           "ORDER BY ALL").fetchall()
    finally:
        con.close()


def test_counts_equal_a_direct_computation(tmp_path):
    db = tmp_path / "t.duckdb"
    day = date(2026, 6, 1)
    store(db, day, copies=2)
    with writing(db) as con:
        assert refresh_terms(con) == 1
    want = Counter()
    banned = {"acme", "globex"}
    for brand, texts in TEXTS.items():
        for text in texts * 2:
            for term in terms(text, banned):
                want[(day, brand, "fr", term)] += 1
    got = {(d, b, lang, t): n for d, b, lang, t, _, n in table(db)}
    assert got == dict(want)
    assert ("Acme" not in " ".join(t for *_, t, _g, _n in table(db)))


def test_refresh_is_incremental_and_idempotent(tmp_path):
    db = tmp_path / "t.duckdb"
    store(db, date(2026, 6, 1))
    store(db, date(2026, 6, 2))
    with writing(db) as con:
        assert refresh_terms(con) == 2
    first = table(db)
    with writing(db) as con:
        assert refresh_terms(con) == 0, "nothing changed: no day is recomputed"
    assert table(db) == first
    store(db, date(2026, 6, 3), prefix="b")
    with writing(db) as con:
        assert refresh_terms(con) == 1, "only the new day is computed"
    after = table(db)
    assert [r for r in after if r[0] < date(2026, 6, 3)] == first
    assert any(r[0] == date(2026, 6, 3) for r in after)


def test_a_renamed_brand_recomputes_every_day(tmp_path):
    db = tmp_path / "t.duckdb"
    store(db, date(2026, 6, 1))
    with writing(db) as con:
        refresh_terms(con)
        save_brands(con, [*BRANDS, Brand("Fibre", '"fibre"', False, "#2ca02c")])
        assert refresh_terms(con) == 1
    assert not any(term == "fibre" for *_, term, _g, _n in table(db))


def test_reads_score_filter_and_spot_what_rises(tmp_path):
    db = tmp_path / "t.duckdb"
    for back in range(35):
        store(db, date(2026, 6, 30) - timedelta(days=back), prefix=f"d{back}")
    # The last three days, Acme has an outage.
    outage = []
    for back in range(3):
        day = date(2026, 6, 30) - timedelta(days=back)
        for i in range(6):
            item_id = f"out-{back}-{i}"
            when = datetime.combine(day, datetime.min.time()) + timedelta(hours=i)
            outage.append(((item_id, "news", "feed", None, None,
                            "Acme en rade, coupure générale, tout est bloqué", None, when, now(),
                            "fr", -0.5, "negative", None, None, None, item_id),
                           (item_id, "Acme", -0.5, "negative", when, "news", "feed", "fr")))
    with writing(db) as con:
        write_batch(con, [o[0] for o in outage], [o[1] for o in outage], source="news",
                    kind="feed", state={})
        refresh_terms(con)
        assert refresh_topics(con) >= 0
    period = Filters(start=date(2026, 6, 1), end=date(2026, 6, 30))
    key = key_terms(db, period, limit=5)
    acme = key[(key["brand"] == "Acme") & ~key["phrase"]]
    assert "fibre" in set(acme["term"]) and "fibre" not in set(
        key[key["brand"] == "Globex"]["term"])
    only = key_terms(db, Filters(start=date(2026, 6, 1), end=date(2026, 6, 30),
                                 brands=("Globex",)))
    assert set(only["brand"]) == {"Globex"}
    rising = emerging_terms(db, period)
    assert {"coupure", "rade", "bloqué"} <= set(rising[rising["brand"] == "Acme"]["term"])
    assert "coupure" not in set(rising[rising["brand"] == "Globex"]["term"])
    # A kind filter does not break the reads (the rollup has no kind column).
    assert not key_terms(db, Filters(start=date(2026, 6, 1), end=date(2026, 6, 30),
                                     kinds=("feed",))).empty
    shares = topic_shares(db, period)
    if not shares.empty:
        assert shares.groupby("brand")["share"].sum().round(6).eq(1).all()
