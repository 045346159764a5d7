"""The app's language: the sidebar switch, the link, VEILLE_LANG, the watch file and the browser."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "app.py"
TIMEOUT = 60
FRENCH_MENU = ["Vue d'ensemble", "Part de voix", "Tendances", "Sujets", "Mentions", "Alertes",
               "Communauté", "Sources"]


def start(monkeypatch, db: Path, params: dict | None = None, context: dict | None = None,
          config: Path | None = None) -> AppTest:
    monkeypatch.setenv("VEILLE_DB", str(db))
    monkeypatch.delenv("VEILLE_LANG", raising=False)
    if config is not None:
        monkeypatch.setenv("VEILLE_CONFIG", str(config))
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    for key, value in (params or {}).items():
        at.query_params[key] = value
    if context:
        at.context = context
    at.run(timeout=TIMEOUT)
    assert not at.exception, [e.value for e in at.exception]
    return at


def french(titles: list[str]) -> bool:
    """Whether the menu names every view of the issue the French way (in menu order)."""
    return [t for t in titles if t in FRENCH_MENU] == FRENCH_MENU


def menu(at: AppTest) -> list[str]:
    """The navigation's page titles, in menu order, as the app registered them."""
    return [info["page_name"] for info in at._registered_pages.values()]


def test_choosing_francais_puts_lang_in_the_link_and_the_navigation_in_french(monkeypatch,
                                                                              demo_db):
    at = start(monkeypatch, demo_db)
    assert menu(at)[0] == "Overview"
    assert "ui_lang" not in at.query_params  # nobody chose: the link stays as it was
    at.segmented_control(key="ui_lang_switch").set_value("fr").run(timeout=TIMEOUT)
    assert not at.exception
    assert at.query_params["ui_lang"] in ("fr", ["fr"])
    assert french(menu(at))
    assert at.sidebar.header[0].value == "Filtres"
    assert "Mentions" in [m.label for m in at.metric]
    assert "Sentiment net" in [m.label for m in at.metric]
    assert "Part de voix" in " ".join(m.label for m in at.metric)


def test_the_choice_survives_a_page_change(monkeypatch, demo_db):
    at = start(monkeypatch, demo_db)
    at.segmented_control(key="ui_lang_switch").set_value("fr").run(timeout=TIMEOUT)
    at.query_params.pop("ui_lang", None)  # a page change drops the link's parameters
    at.switch_page("pages/trends.py").run(timeout=TIMEOUT)
    assert not at.exception
    assert at.query_params["ui_lang"] in ("fr", ["fr"])
    assert "Cette période comparée à la précédente" in [s.value for s in at.subheader]


def test_veille_lang_speaks_french_and_the_link_overrides_it(monkeypatch, demo_db):
    monkeypatch.setenv("VEILLE_DB", str(demo_db))
    monkeypatch.setenv("VEILLE_LANG", "fr")
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT).run(timeout=TIMEOUT)
    assert french(menu(at))
    chosen = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    chosen.query_params["ui_lang"] = "en"
    chosen.run(timeout=TIMEOUT)
    assert menu(chosen)[0] == "Overview"
    assert chosen.sidebar.header[0].value == "Filters"


def test_the_watch_file_then_the_browser_choose_when_nothing_else_does(monkeypatch, demo_db,
                                                                       tmp_path):
    config = tmp_path / "watch.toml"
    config.write_text('[ui]\nlanguage = "fr"\n', encoding="utf-8")
    assert french(menu(start(monkeypatch, demo_db, config=config)))
    config.write_text('[ui]\nlanguage = "en"\n', encoding="utf-8")
    assert menu(start(monkeypatch, demo_db, config=config,
                      context={"locale": "fr-FR"}))[0] == "Overview"
    empty = tmp_path / "empty.toml"
    empty.write_text("", encoding="utf-8")
    assert french(menu(start(monkeypatch, demo_db, config=empty,
                             context={"locale": "fr-FR"})))


def test_a_language_veille_lacks_in_the_link_is_passed_over(monkeypatch, demo_db):
    at = start(monkeypatch, demo_db, params={"ui_lang": "de"})
    assert menu(at)[0] == "Overview"


def test_the_items_language_filter_is_not_the_apps_language(monkeypatch, demo_db):
    at = start(monkeypatch, demo_db, params={"lang": "fr"})
    assert menu(at)[0] == "Overview"  # lang= keeps the French items, in an English app
