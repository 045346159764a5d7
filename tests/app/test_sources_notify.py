"""The Sources page tells whether collection runs on schedule and whether notifications arrive:
the scheduler's state and next runs, each target's deliveries and failures, a real test send."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

from streamlit.testing.v1 import AppTest

from store.scheduler import status
from tests.app.test_sources import assert_clean, open_sources, shown_text
from tests.conftest import acme_file_watch, collect, db_rows, start_watch, stop_watch
from tests.integration.test_notify import fresh_alerts, incidents
from tests.integration.test_notify import write_watch as write_spike_watch
from tests.receivers import Webhook, free_port

SECRET = "s3cr3t-token-4242"


def write_watch(folder: Path, url: str, every: str | None = None) -> Path:
    """The notification tests' spike (a last day of complaints), told to one target "chat"."""
    config = write_spike_watch(folder, 0)  # its posts; its own targets are replaced below
    config.write_text(acme_file_watch(f'[[notify]]\nname = "chat"\nurl = "{url}"\n',
                                      every=every), encoding="utf-8")
    return config


def delivery_table(at: AppTest):
    return next(d.value for d in at.dataframe if "Result" in d.value.columns)


def test_the_test_button_sends_through_apprise_and_the_page_shows_it_went(monkeypatch,
                                                                         tmp_path):
    hook = Webhook()
    try:
        # The address comes from the environment and carries a token the page must not show.
        monkeypatch.setenv("VEILLE_TEST_HOOK", f"json://127.0.0.1:{hook.port}/hook/{SECRET}")
        config = write_watch(tmp_path, "env:VEILLE_TEST_HOOK")
        db = tmp_path / "veille.duckdb"
        collect(config, db)
        sent_by_run = len(hook.bodies)
        at = open_sources(monkeypatch, db, config)
        assert "env\\:VEILLE\\_TEST\\_HOOK" in shown_text(at)

        at.button(key="src_test_chat").click().run()
        assert_clean(at)

        assert len(hook.bodies) == sent_by_run + 1
        assert hook.bodies[-1]["title"] == "Veille: test notification"
        assert "notifications reach chat" in hook.bodies[-1]["message"]
        assert any("Test notification sent to chat" in s.value for s in at.success)
        log = delivery_table(at)
        assert (log.iloc[0]["Event"], log.iloc[0]["Result"]) == ("test", "delivered")
        assert db_rows(db, "SELECT count(*) FROM deliveries WHERE target = 'chat' "
                           "AND event = 'test' AND status = 'sent'") == [(1,)]
        shown = shown_text(at) + "\n".join(d.value.to_string() for d in at.dataframe)
        assert SECRET not in shown
    finally:
        hook.close()


def test_a_down_target_shows_as_failing_until_the_retry_delivers(monkeypatch, tmp_path):
    port = free_port()  # nothing listens there yet
    config = write_watch(tmp_path, f"json://127.0.0.1:{port}/hook")
    db = tmp_path / "veille.duckdb"
    collect(config, db)
    alerts = db_rows(db, "SELECT count(*) FROM deliveries WHERE target = 'chat'")[0][0]
    assert alerts >= 1

    at = open_sources(monkeypatch, db, config)
    assert any("chat keeps failing" in w.value for w in at.warning)
    assert any("waiting to be sent again at the next run" in c.value for c in at.caption)
    assert "delivering" not in shown_text(at)
    log = delivery_table(at)
    assert set(log["Result"]) == {"failed"} and all(log["Error"])
    # The test button says why it could not send, too.
    at.button(key="src_test_chat").click().run()
    assert_clean(at)
    assert any("test notification to chat was not sent" in w.value for w in at.warning)

    hook = Webhook(port)
    try:
        collect(config, db)  # the next run retries
        assert len(hook.bodies) == incidents(fresh_alerts(db))  # one message per incident
        at.run()
        assert_clean(at)
        assert not any("keeps failing" in w.value for w in at.warning)
        assert "delivering" in shown_text(at)
        assert not any("waiting to be sent again" in c.value for c in at.caption)
        log = delivery_table(at)
        alert_rows = log[log["Event"] == "alert"]
        assert set(alert_rows["Result"]) == {"delivered"} and set(alert_rows["Attempts"]) == {2}
    finally:
        hook.close()


def test_the_scheduler_is_shown_running_with_each_next_run_then_stopped(monkeypatch,
                                                                        tmp_path):
    config = write_watch(tmp_path, "json://127.0.0.1:9/hook", every="1h")
    db = tmp_path / "veille.duckdb"
    collect(config, db)
    at = open_sources(monkeypatch, db, config)
    assert any("not running" in i.value and "make run" in i.value for i in at.info)

    proc = start_watch(config, db, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while not (status(db).running and status(db).next_runs) and time.monotonic() < deadline:
            time.sleep(0.5)
        at.run()
        assert_clean(at)
        assert any("running since" in s.value for s in at.success)
        table = next(d.value for d in at.dataframe if "Status" in d.value.columns)
        when = table.set_index("Source").loc["posts", "Next run"]
        expected = status(db).next_runs["posts"]
        assert when.startswith(f"{expected.day} ") and expected.strftime("%H:") in when
    finally:
        stop_watch(proc)
    at.run()
    assert any("not running" in i.value for i in at.info)
    table = next(d.value for d in at.dataframe if "Status" in d.value.columns)
    assert table.set_index("Source").loc["posts", "Next run"] == "not scheduled"


def test_the_page_speaks_french(monkeypatch, tmp_path):
    monkeypatch.setenv("VEILLE_LANG", "fr")
    config = write_watch(tmp_path, "json://127.0.0.1:9/hook")
    db = tmp_path / "veille.duckdb"
    collect(config, db)
    at = open_sources(monkeypatch, db, config)
    assert [s.value for s in at.subheader][:2] == ["Notifications", "Collecter maintenant"]
    assert at.button(key="src_test_chat").label == "Envoyer une notification de test"
    assert any("La collecte planifiée ne tourne pas" in i.value for i in at.info)
    assert any("chat échoue toujours" in w.value for w in at.warning)
    table = next(d.value for d in at.dataframe if "État" in d.value.columns)
    assert table.set_index("Source").loc["posts", "Prochain passage"] == "non planifiée"
    log = next(d.value for d in at.dataframe if "Résultat" in d.value.columns)
    assert set(log["Résultat"]) == {"en échec"}
