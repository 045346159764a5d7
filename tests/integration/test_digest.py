"""Digests: the report arrives by email with its PDF, from `reports send` and from the scheduler."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from datetime import datetime, timedelta

import pytest

from config import ConfigError, load_watch
from config.watch import Digest
from notify.schedule import due_slot, last_slot
from reports import images
from tests.conftest import ROOT, db_rows, start_watch, stop_watch

pytestmark = pytest.mark.skipif(images.browser_path() is None,
                                reason="needs chromium to render the report (make os-deps)")



def digest_watch(demo_config, folder, box, schedule: str = "weekly monday 08:30"):
    """The demo watch, with a mail target and a weekly digest, beside a copy of its data."""
    text = demo_config.read_text(encoding="utf-8")
    config = folder / "watch.toml"
    config.write_text(text + f"""
[[notify]]
name = "team-mail"
url = "mailto://127.0.0.1:{box.port}?from=veille@example.com&to=team@example.com&mode=insecure"

[[digests]]
name = "weekly"
schedule = "{schedule}"
targets = ["team-mail"]
period = "30d"
views = ["overview", "share_of_voice"]
""", encoding="utf-8")
    return config


def send(config, db, *extra):
    return subprocess.run([sys.executable, "-m", "reports", "send", "--digest", "weekly",
                           "--config", str(config), "--db", str(db), *extra], cwd=ROOT,
                          capture_output=True, text=True, timeout=600)


def test_reports_send_mails_the_headline_numbers_and_the_pdf(demo_db, demo_config, tmp_path,
                                                             mailbox):
    db = tmp_path / "veille.duckdb"
    shutil.copy(demo_db, db)
    config = digest_watch(demo_config, tmp_path, mailbox)

    proc = send(config, db)

    assert proc.returncode == 0, proc.stderr
    assert "digest weekly: sent to team-mail" in proc.stdout
    assert len(mailbox.messages) == 1
    mail = mailbox.messages[0]
    assert mail["Subject"].startswith("Veille digest weekly: ")
    body = mail.get_body(("html", "plain")).get_content()
    assert "Mentions" in body and "Open alerts" in body
    pdfs = [part for part in mail.iter_attachments()
            if part.get_content_type() == "application/pdf"]
    assert len(pdfs) == 1 and pdfs[0].get_content().startswith(b"%PDF")
    assert pdfs[0].get_filename().startswith("veille-weekly-")


def test_a_turn_already_sent_is_not_sent_again(demo_db, demo_config, tmp_path, mailbox):
    db = tmp_path / "veille.duckdb"
    shutil.copy(demo_db, db)
    config = digest_watch(demo_config, tmp_path, mailbox)
    slot = "2026-12-07T08:30:00+01:00"
    assert send(config, db, "--slot", slot).returncode == 0
    again = send(config, db, "--slot", slot)
    assert again.returncode == 0 and "already sent for this turn" in again.stdout
    assert len(mailbox.messages) == 1
    assert db_rows(db, "SELECT event, ref, status FROM deliveries") == [
        ("digest", "weekly@2026-12-07T08:30+01:00", "sent")]


def test_the_scheduler_sends_the_digest_when_its_time_comes(demo_db, demo_config, tmp_path,
                                                            mailbox):
    db = tmp_path / "veille.duckdb"
    shutil.copy(demo_db, db)
    now = datetime.now().astimezone()
    due = now - timedelta(minutes=1)
    config = digest_watch(demo_config, tmp_path, mailbox, f"daily {due:%H:%M}")
    log = open(tmp_path / "watch.log", "w+", encoding="utf-8")  # noqa: SIM115 - read below
    proc = start_watch(config, db, stdout=log, stderr=subprocess.STDOUT)
    output = ""
    try:
        deadline = time.monotonic() + 180
        while "digest weekly: sent" not in output and time.monotonic() < deadline:
            time.sleep(1)
            log.seek(0)
            output = log.read()
    finally:
        stop_watch(proc)
    assert len(mailbox.messages) == 1, output
    assert "digest weekly: sent to team-mail" in output


def test_schedules_name_their_last_turn():
    monday = datetime(2026, 12, 7, 9, 0)  # a Monday
    weekly = Digest("w", 8, 30, 0, ("t",))
    assert last_slot(weekly, monday) == datetime(2026, 12, 7, 8, 30)
    assert last_slot(weekly, monday - timedelta(hours=1)) == datetime(2026, 11, 30, 8, 30)
    daily = Digest("d", 8, 0, None, ("t",))
    assert due_slot(daily, datetime(2026, 12, 8, 8, 45)) == datetime(2026, 12, 8, 8, 0)
    assert due_slot(daily, datetime(2026, 12, 8, 9, 30)) is None  # past its grace: next turn


@pytest.mark.parametrize(("entry", "message"), [
    ('schedule = "hourly"\ntargets = ["t"]', "field 'schedule': 'hourly': expected"),
    ('schedule = "daily 08:00"\ntargets = ["nobody"]',
     "field 'targets': no [[notify]] target named 'nobody'"),
    ('schedule = "daily 08:00"\ntargets = ["t"]\nperiod = "1y"', "field 'period': '1y'"),
])
def test_a_bad_digest_is_refused_naming_the_field(tmp_path, entry, message):
    config = tmp_path / "watch.toml"
    config.write_text('[[notify]]\nname = "t"\nurl = "json://127.0.0.1:9/x"\n\n'
                      f'[[digests]]\nname = "weekly"\n{entry}\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"\[\[digests\]\] #1 \('weekly'\), " +
                       message.replace("[", r"\[").replace("]", r"\]").replace("(", r"\(")):
        load_watch(config)
