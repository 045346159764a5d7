"""The Share of voice and Community pages, run by AppTest on the demo watch and on edge cases."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from streamlit.testing.v1 import AppTest

from analysis import community as C
from charts.drill import meaning_of
from store import writing
from store.writes import now, save_brands, write_batch
from tests.conftest import db_rows as q
from tests.conftest import figure_of

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "app.py"
TIMEOUT = 60


def open_page(monkeypatch, db: Path, page: str, params: dict | None = None) -> AppTest:
    monkeypatch.setenv("VEILLE_DB", str(db))
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    for key, value in (params or {}).items():
        at.query_params[key] = value
    at.run(timeout=TIMEOUT)
    at.switch_page(page).run(timeout=TIMEOUT)
    assert_clean(at)
    return at


def assert_clean(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]






def charts(at: AppTest) -> dict[str, dict]:
    """Every plotly chart of the page by its title."""
    out = {}
    for chart in at.get("plotly_chart"):
        fig = figure_of(chart)
        title = ((fig.get("layout") or {}).get("title") or {}).get("text")
        out[title] = fig
    return out


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label.split(" · ")[0]: m.value for m in at.metric}


def texts(at: AppTest) -> str:
    parts = [e.value for kind in ("markdown", "caption", "info", "subheader", "warning")
             for e in getattr(at, kind)]
    return "\n".join(str(p) for p in parts)


# --- Share of voice -----------------------------------------------------------------------------


def test_share_of_voice_draws_every_breakdown_from_the_database(monkeypatch, demo_db):
    at = open_page(monkeypatch, demo_db, "pages/share_of_voice.py", {"period": "all"})
    shown = charts(at)
    assert {"By source kind", "By language", "Positive and negative share"} <= set(shown)
    assert any(t and t.startswith("Share of voice per") for t in shown)
    assert any(t and t.startswith("Rank by mentions") for t in shown)
    # The kind bars hold the mentions the database counts per (kind, brand), and each part
    # says which kind and brand it stands for (what a click on it opens).
    want = dict(((k, b), n) for k, b, n in q(demo_db, "SELECT kind, brand, count(*) FROM mentions "
                                                      "GROUP BY ALL"))
    got = {}
    for trace in shown["By source kind"]["data"]:
        for label, (n, said) in zip(trace["y"], trace["customdata"], strict=True):
            assert said["brand"] == trace["name"]
            assert label.startswith({"reddit": "Reddit", "forum": "Forums", "rss": "News feeds",
                                     "web": "Web pages"}[said["kind"]])
            if n:
                got[(said["kind"], trace["name"])] = n
    assert got == want
    # Our rank over the whole period, as the mentions table orders the brands.
    order = [b for b, _ in q(demo_db, "SELECT brand, count(*) n FROM mentions GROUP BY brand "
                                      "ORDER BY n DESC, brand")]
    own = q(demo_db, "SELECT name FROM brands WHERE own")[0][0]
    assert metrics(at)["Rank"] == f"#{order.index(own) + 1} of {len(order)}"


def clickable(at: AppTest) -> list[dict]:
    """The figures of the page, each checked to answer a click on a point (plotly selection)."""
    shown = at.get("plotly_chart")
    assert shown and all(list(chart.proto.selection_mode) for chart in shown)
    return [figure_of(chart) for chart in shown]


def meanings(fig: dict) -> list[dict]:
    """What each point of ``fig`` says it stands for (see charts.drill)."""
    return [meaning_of(cd) for trace in fig["data"] for cd in trace.get("customdata") or []]


def test_every_share_of_voice_bar_names_what_a_click_opens(monkeypatch, demo_db):
    at = open_page(monkeypatch, demo_db, "pages/share_of_voice.py", {"period": "all"})
    shown = {fig["layout"]["title"]["text"]: fig for fig in clickable(at)}
    watch = {dim: {r[0] for r in q(demo_db, f"SELECT DISTINCT {col} FROM mentions")}
             for dim, col in (("brand", "brand"), ("kind", "kind"), ("lang", "lang"),
                              ("sentiment", "sentiment_label"))}
    for title, dim in (("By source kind", "kind"), ("By language", "lang"),
                       ("Positive and negative share", "sentiment")):
        said = meanings(shown[title])
        assert {m[dim] for m in said} <= watch[dim] and {m["brand"] for m in said} <= watch["brand"]
    assert {m["sentiment"] for m in meanings(shown["Positive and negative share"])} == {
        "positive", "negative"}
    assert "Click a part of a bar for its mentions." in texts(at)


def test_counting_stories_folds_the_syndicated_press_release(monkeypatch, demo_db):
    at = open_page(monkeypatch, demo_db, "pages/share_of_voice.py", {"period": "all"})
    mentions_volume = {t["name"]: sum(t["y"]) for t in charts(at)["Mentions per week"]["data"]}
    at.segmented_control(key="sov_unit").set_value("stories").run(timeout=TIMEOUT)
    assert_clean(at)
    shown = charts(at)
    stories_volume = {t["name"]: sum(t["y"]) for t in shown["Stories per week"]["data"]}
    assert set(stories_volume) == set(mentions_volume)
    # Zephir's press release ran on several sites: fewer stories than mentions.
    copies = q(demo_db, """SELECT count(*) FROM mentions m JOIN items i USING (item_id)
                           WHERE m.brand = 'Zephir' AND i.text LIKE '%45 millions d''euros%'""")
    assert copies[0][0] >= 3
    assert stories_volume["Zephir"] <= mentions_volume["Zephir"] - (copies[0][0] - 1)
    assert all(stories_volume[b] <= mentions_volume[b] for b in mentions_volume)
    # The hover says what is counted, and the most copied stories are listed.
    share = next(f for t, f in shown.items() if t and t.startswith("Share of voice per"))
    assert "stories)" in share["data"][0]["hovertemplate"]
    assert "Most copied stories" in texts(at)
    listed = at.dataframe[0].value
    assert (listed["copies"] >= 2).all()
    assert any("Zephir" in t for t in listed["title"])


def test_a_brand_filter_narrows_every_share_of_voice_chart(monkeypatch, demo_db):
    at = open_page(monkeypatch, demo_db, "pages/share_of_voice.py")
    at.multiselect(key="flt_brands").set_value(["Orbis", "Tilia"]).run(timeout=TIMEOUT)
    assert_clean(at)
    for title, fig in charts(at).items():
        assert {t["name"] for t in fig["data"]} <= {"Orbis", "Tilia"}, title
    # Our brand is filtered out: no misleading share or rank.
    assert metrics(at)["Share of voice"] == "—"
    assert metrics(at)["Rank"] == "—"


def test_a_period_without_mentions_says_so(monkeypatch, tmp_path):
    db = tmp_path / "quiet.duckdb"
    _seed(db, with_mentions_in_kind="forum")
    at = open_page(monkeypatch, db, "pages/share_of_voice.py", {"kind": "forum", "period": "7d"})
    at.multiselect(key="flt_brands").set_value(["Globex"]).run(timeout=TIMEOUT)
    assert_clean(at)
    assert "No mention matches these filters" in texts(at)
    assert not at.get("plotly_chart")


# --- Community ----------------------------------------------------------------------------------


def test_community_counts_authors_and_one_time_posters_like_the_database(monkeypatch, demo_db):
    at = open_page(monkeypatch, demo_db, "pages/community.py", {"period": "all"})
    rows = q(demo_db, """
        SELECT i.source, i.author, count(DISTINCT i.item_id),
               count(DISTINCT CAST(i.published_at AS DATE))
        FROM items i SEMI JOIN mentions m USING (item_id)
        WHERE i.author IS NOT NULL AND i.author <> '' GROUP BY ALL""")
    once = sum(1 for _, _, posts, days in rows if C.segment(posts, days) == "one-time")
    shown = metrics(at)
    assert shown["Authors"] == f"{len(rows):,}"
    assert shown["Posted once"] == f"{once / len(rows) * 100:.1f} %"
    top = at.dataframe[-1].value
    assert top["posts"].iloc[0] == max(p for _, _, p, _ in rows)
    assert {"New and returning authors per week", "Who posts, per source"} <= set(charts(at))
    # Each source's bar opens its mentions; the sources are the database's own.
    segments = next(f for f in clickable(at) if f["layout"]["title"]["text"].startswith("Who"))
    assert {m["source"] for m in meanings(segments)} == {s for s, *_ in rows}


def test_the_waiting_list_holds_unanswered_questions_and_complaints_about_us(monkeypatch,
                                                                              demo_db):
    at = open_page(monkeypatch, demo_db, "pages/community.py", {"period": "all"})
    own = q(demo_db, "SELECT name FROM brands WHERE own")[0][0]
    waiting = at.dataframe[0].value
    assert len(waiting) > 0
    assert set(waiting["reason"]) <= {"Question", "Complaint"}
    ids = q(demo_db, "SELECT item_id, parent_id FROM items WHERE url IN ("
            + ", ".join("?" * len(waiting)) + ")", list(waiting["url"]))
    for item_id, parent in ids:
        assert parent is None
        assert q(demo_db, "SELECT count(*) FROM items WHERE parent_id = ?", [item_id])[0][0] == 0
        assert q(demo_db, "SELECT count(*) FROM mentions WHERE item_id = ? AND brand = ?",
                 [item_id, own])[0][0] == 1
    questions = waiting[waiting["reason"] == "Question"]
    assert all(C.is_question(f"{t or ''}\n{x}") for t, x in zip(questions["title"],
                                                                 questions["text"], strict=True))


def test_a_competitor_filter_changes_the_community_and_empties_the_waiting_list(monkeypatch,
                                                                               demo_db):
    at = open_page(monkeypatch, demo_db, "pages/community.py", {"period": "all"})
    before = metrics(at)["Authors"]
    at.multiselect(key="flt_brands").set_value(["Tilia"]).run(timeout=TIMEOUT)
    assert_clean(at)
    assert metrics(at)["Authors"] != before
    assert "is not among the brands selected" in texts(at)
    assert set(at.dataframe[-1].value["brands"].explode()) == {"Tilia"}


def test_community_without_named_authors_explains_itself(monkeypatch, tmp_path):
    db = tmp_path / "anon.duckdb"
    _seed(db, with_mentions_in_kind="rss", author=None)
    at = open_page(monkeypatch, db, "pages/community.py")
    assert "No named author posted" in texts(at)
    assert not at.get("plotly_chart")


def test_an_empty_database_shows_the_guidance_on_these_pages(monkeypatch, tmp_path):
    db = tmp_path / "empty.duckdb"
    with writing(db):
        pass
    monkeypatch.setenv("VEILLE_DB", str(db))
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.run(timeout=TIMEOUT)
    assert not at.exception
    assert "holds no items" in texts(at) + "\n".join(str(e.value) for e in at.title)
    assert not at.metric


# --- helpers ------------------------------------------------------------------------------------


class _Brand:
    def __init__(self, name, own, color):
        self.name, self.query, self.own, self.color = name, name.lower(), own, color


def _seed(db: Path, with_mentions_in_kind: str, author: str | None = "someone") -> None:
    """Thirty days of a few items each naming Acme, all of ``with_mentions_in_kind``."""
    end = datetime(2026, 6, 30, 12)
    items, mentions = [], []
    for back in range(30):
        published = end - timedelta(days=back)
        for i in range(3):
            item_id = f"i{back}-{i}"
            items.append((item_id, "src", with_mentions_in_kind, f"https://x.test/{item_id}", "t",
                          f"acme post {back} {i}", author, published, now(), "en", 0.0,
                          "neutral", None, None, None, item_id))
            mentions.append((item_id, "Acme", 0.0, "neutral", published, "src",
                             with_mentions_in_kind, "en"))
    with writing(db) as con:
        save_brands(con, [_Brand("Acme", True, "#1f77b4"), _Brand("Globex", False, "#d62728")])
        write_batch(con, items, mentions, source="src", kind=with_mentions_in_kind, state={})


def test_the_sentiment_filter_narrows_share_of_voice_in_mentions_and_stories(monkeypatch,
                                                                            demo_db):
    negative = dict(q(demo_db, "SELECT brand, count(*) FROM mentions "
                               "WHERE sentiment_label = 'negative' GROUP BY brand"))
    at = open_page(monkeypatch, demo_db, "pages/share_of_voice.py",
                   {"period": "all", "sentiment": "negative"})
    volume = {t["name"]: sum(t["y"]) for t in charts(at)["Mentions per week"]["data"]}
    assert volume == negative
    at.segmented_control(key="sov_unit").set_value("stories").run(timeout=TIMEOUT)
    assert_clean(at)
    stories = {t["name"]: sum(t["y"]) for t in charts(at)["Stories per week"]["data"]}
    assert set(stories) == set(negative)
    assert all(0 < stories[b] <= negative[b] for b in negative)
