"""Roles for a shared app: with sign-in on, only `[ui] editors` change anything."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from config import ConfigError, load_ui
from store import alerts, edits
from tests.app.test_auth import AUTH
from tests.conftest import ROOT
from ui.roles import may_edit

EDITOR = "cm@acme.fr"
VIEWER = "stagiaire@agence.fr"


@pytest.fixture
def shared(demo_db, demo_config, tmp_path) -> tuple[Path, Path]:
    """A copy of the demo database and its watch, with `[ui] editors` set."""
    db = tmp_path / "veille.duckdb"
    shutil.copy(demo_db, db)
    config = tmp_path / "watch.toml"
    config.write_text(demo_config.read_text(encoding="utf-8")
                      + '\n[ui]\neditors = ["@acme.fr", "boss@elsewhere.com"]\n',
                      encoding="utf-8")
    return db, config


def open_page(monkeypatch, db: Path, config: Path, email: str | None, page: str) -> AppTest:
    monkeypatch.setenv("VEILLE_DB", str(db))
    monkeypatch.setenv("VEILLE_CONFIG", str(config))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.secrets["auth"] = AUTH
    if email is not None:
        at.user = {"is_logged_in": True, "email": email, "name": email.split("@")[0]}
    at.query_params["period"] = "all"
    at.run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_who_is_an_editor():
    editors = ("@acme.fr", "boss@elsewhere.com")
    assert may_edit("cm@acme.fr", editors)
    assert may_edit("boss@elsewhere.com", editors)
    assert not may_edit("boss@elsewhere.com.evil.io", editors)
    assert not may_edit("cm@notacme.fr", editors)  # a domain entry is not a suffix of a word
    assert not may_edit("other@elsewhere.com", editors)
    assert not may_edit(None, editors)


def test_a_wrong_editor_entry_names_the_field(tmp_path):
    config = tmp_path / "watch.toml"
    config.write_text('[ui]\neditors = ["acme.fr"]\n', encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_ui(config)
    assert "'editors'" in str(caught.value) and "acme.fr" in str(caught.value)


def _sentiment_box(at: AppTest):
    return next(s for s in at.selectbox if s.key and s.key.startswith("m_fix_"))


def tampered(widget):
    """The widget as a tampered browser sends it: live, whatever the page greyed out.

    Streamlit itself drops a value sent for a widget it drew disabled; the callbacks' own
    check (:func:`ui.roles.refused`) is what stops an edit from a widget drawn live
    (see the test of rights taken away while a page is open).
    """
    widget.proto.disabled = False
    return widget


def test_a_viewer_cannot_correct_whatever_the_browser_sends(monkeypatch, shared):
    db, config = shared
    at = open_page(monkeypatch, db, config, VIEWER, "pages/mentions.py")
    box = _sentiment_box(at)
    new = "negative" if box.value != "negative" else "positive"
    # The browser of a viewer sends a changed value anyway: the server refuses it.
    tampered(box).set_value(new).run()
    assert not at.exception
    assert edits.correction_stats(db).total == 0


def test_an_editor_corrects(monkeypatch, shared):
    db, config = shared
    at = open_page(monkeypatch, db, config, EDITOR, "pages/mentions.py")
    box = _sentiment_box(at)
    new = "negative" if box.value != "negative" else "positive"
    box.set_value(new).run()
    assert not at.exception
    assert edits.correction_stats(db).by_label[new] == 1


def test_a_viewer_cannot_change_an_alert_state(monkeypatch, shared):
    db, config = shared
    at = open_page(monkeypatch, db, config, VIEWER, "pages/alerts.py")
    before = alerts.alert_states(db)
    buttons = [b for b in at.button if b.key and b.key.startswith("alert_")]
    assert buttons, "the demo has alerts to act on"
    tampered(buttons[0]).click().run()
    assert not at.exception
    assert alerts.alert_states(db) == before


def test_a_viewer_cannot_collect_now(monkeypatch, shared):
    db, config = shared
    at = open_page(monkeypatch, db, config, VIEWER, "pages/sources.py")
    tampered(at.button(key="src_collect")).click().run()
    assert not at.exception
    assert not (db.parent / "veille.duckdb.collect.lock").exists()


NOTE = "not change it"


def _notes(at: AppTest) -> list[str]:
    return [c.value for c in at.caption if NOTE in c.value]


@pytest.mark.parametrize(("page", "widgets"), [
    ("pages/mentions.py", lambda at: [_sentiment_box(at), at.toggle[0],
                                      next(m for m in at.multiselect
                                           if m.key and m.key.startswith("m_tagsel_"))]),
    ("pages/alerts.py", lambda at: [b for b in at.button
                                    if b.key and b.key.startswith("alert_")]),
    ("pages/sources.py", lambda at: [at.button(key="src_collect"),
                                     next(b for b in at.button
                                          if b.label == "Save and re-match")]),
])
def test_a_viewer_sees_the_edits_greyed_out_and_who_may_edit(monkeypatch, shared, page,
                                                              widgets):
    db, config = shared
    at = open_page(monkeypatch, db, config, VIEWER, page)
    found = widgets(at)
    assert found and all(w.disabled for w in found), [w.key for w in found]
    assert _notes(at) and "[ui] editors" in _notes(at)[0]
    # An editor gets the same widgets live, and no note.
    at = open_page(monkeypatch, db, config, EDITOR, page)
    found = widgets(at)
    assert found and not any(w.disabled for w in found)
    assert not _notes(at)


def test_rights_taken_away_while_the_page_is_open_are_refused_by_the_server(monkeypatch,
                                                                            shared):
    db, config = shared
    at = open_page(monkeypatch, db, config, EDITOR, "pages/mentions.py")
    box = _sentiment_box(at)
    assert not box.disabled
    # The watch's editors change while the page is open: the live widget's edit is refused.
    config.write_text(config.read_text(encoding="utf-8").replace('"@acme.fr", ', ""),
                      encoding="utf-8")
    box.set_value("negative" if box.value != "negative" else "positive").run()
    assert not at.exception
    assert edits.correction_stats(db).total == 0
    assert any(NOTE in t.value for t in at.toast)
