"""A page's own choices live in the link: a copied link or a saved view reopens them."""

from __future__ import annotations

import shutil

from tests.app.test_trends_alerts import TRENDS, assert_clean, figure, open_page

VOICE = "pages/share_of_voice.py"


def title(at, key: str) -> str:
    return figure(at, key)["layout"]["title"]["text"]


def param(at, name: str) -> str | None:
    value = at.query_params.get(name)
    return value[0] if isinstance(value, list) else value


def test_a_link_reopens_trends_at_its_step_and_measure(monkeypatch, demo_db):
    at = open_page(monkeypatch, demo_db, TRENDS, {"step": "week", "measure": "net_sentiment"})
    assert title(at, "trends_timeline") == "Net sentiment per week"
    assert at.segmented_control(key="trends_measure").value == "net_sentiment"


def test_changing_a_choice_writes_it_to_the_link_and_the_default_leaves_it(monkeypatch,
                                                                           demo_db):
    at = open_page(monkeypatch, demo_db, TRENDS)
    assert param(at, "measure") is None and param(at, "step") is None
    at.segmented_control(key="trends_measure").set_value("negative_share").run()
    assert_clean(at)
    assert param(at, "measure") == "negative_share"
    assert param(at, "period") == "30d"  # the filters stay beside it
    at.segmented_control(key="trends_measure").set_value("mentions").run()
    assert param(at, "measure") is None


def test_a_link_the_page_did_not_write_wins_over_the_widget(monkeypatch, demo_db):
    # A saved view or a pasted link changes the link under an open page: it is followed.
    at = open_page(monkeypatch, demo_db, TRENDS)
    at.query_params["measure"] = "net_sentiment"
    at.run()
    assert_clean(at)
    assert title(at, "trends_timeline").startswith("Net sentiment per")


def test_share_of_voice_counts_stories_from_the_link(monkeypatch, demo_db):
    at = open_page(monkeypatch, demo_db, VOICE, {"count": "stories"})
    assert at.segmented_control(key="sov_unit").value == "stories"
    assert "(stories)" in title(at, "sov_share")
    # A value that is no choice is passed over for the default.
    at = open_page(monkeypatch, demo_db, VOICE, {"count": "bogus"})
    assert at.segmented_control(key="sov_unit").value == "mentions"


def test_a_saved_view_reopens_its_page_with_its_choices(monkeypatch, demo_db, tmp_path):
    db = tmp_path / "veille.duckdb"  # a copy: the saved view lands beside it
    shutil.copy(demo_db, db)
    at = open_page(monkeypatch, db, TRENDS, {"period": "7d"})
    at.segmented_control(key="trends_measure").set_value("net_sentiment").run()
    at.text_input(key="sv_name").input("Tone this week")
    at.button(key="sv_save").click().run()
    assert_clean(at)
    # Elsewhere, on another period: the saved view brings back its page, period and measure.
    at.switch_page("pages/overview.py").run()
    at.segmented_control(key="flt_period").set_value("90d").run()
    at.button(key="sv_open_Tone this week").click().run()
    assert_clean(at)
    assert param(at, "period") == "7d" and param(at, "measure") == "net_sentiment"
    assert title(at, "trends_timeline").startswith("Net sentiment per")
