"""Sign-in: with [auth] configured, the app shows a sign-in screen and no data before it."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT

AUTH = {
    "redirect_uri": "http://127.0.0.1:8501/oauth2callback",
    "cookie_secret": "a-long-random-string-for-tests",
    "client_id": "veille-test",
    "client_secret": "not-a-real-secret",
    "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
}


def run(monkeypatch, db, secrets=None):
    monkeypatch.setenv("VEILLE_DB", str(db))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    for key, value in (secrets or {}).items():
        at.secrets[key] = value
    return at.run()


def test_no_data_before_sign_in(monkeypatch, demo_db):
    at = run(monkeypatch, demo_db, {"auth": AUTH})
    assert not at.exception
    assert [b.label for b in at.button] == ["Sign in"]
    assert not at.metric and not at.get("plotly_chart") and not at.dataframe
    shown = " ".join(m.value for m in at.markdown) + " ".join(t.value for t in at.title)
    assert "Opalia" not in shown and "demo" not in shown.lower()


def test_one_button_per_named_provider(monkeypatch, demo_db):
    providers = {"google": dict(AUTH), "microsoft": dict(AUTH)}
    at = run(monkeypatch, demo_db, {"auth": {"redirect_uri": AUTH["redirect_uri"],
                                             "cookie_secret": AUTH["cookie_secret"],
                                             **providers}})
    assert sorted(b.label for b in at.button) == ["Sign in with Google",
                                                   "Sign in with Microsoft"]
    assert not at.metric


def test_without_auth_the_data_shows(monkeypatch, demo_db):
    at = run(monkeypatch, demo_db)
    assert not at.exception and at.metric
