"""Alerts reach people: a real SMTP server and a real webhook receiver on 127.0.0.1."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from config import ConfigError, load_watch
from tests.conftest import acme_file_watch, collect, db_rows
from tests.receivers import Mailbox, Webhook, free_port

LAST = date(2026, 11, 30)
BASE_URL = "https://veille.example.com"


COMPLAINT = "Acme network down again, no signal since this morning"


def write_watch(folder: Path, hook_port: int, language: str = "en",
                complaint: str = COMPLAINT) -> Path:
    """A watch of one brand whose last day holds ten times its usual volume of ``complaint``."""
    rows = ["id,text,date"]
    n = 0
    for back in range(45, 0, -1):
        day = LAST - timedelta(days=back)
        for k in range(3 + back % 3):
            rows.append(f'{n},"Acme shop visit {k}, bought a charger",{day}T1{k}:00:00')
            n += 1
    for k in range(40):
        rows.append(f'{n},"{complaint}",{LAST}T{8 + k % 12:02d}:{k:02d}:00')
        n += 1
    (folder / "posts.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    config = folder / "watch.toml"
    config.write_text(f"""\
[ui]
language = "{language}"
base_url = "{BASE_URL}"

""" + acme_file_watch(f"""\
[[notify]]
name = "team-mail"
url = "env:VEILLE_TEST_MAIL"

[[notify]]
name = "chat"
url = "json://127.0.0.1:{hook_port}/hook"
"""), encoding="utf-8")
    return config



def mail_env(box: Mailbox) -> dict[str, str]:
    return {"VEILLE_TEST_MAIL": f"mailto://127.0.0.1:{box.port}?from=veille@example.com"
                                f"&to=team@example.com&mode=insecure"}


def fresh_alerts(db: Path) -> list[tuple]:
    return db_rows(db, "SELECT id, brand, kind FROM alerts WHERE ended_at >= ? ORDER BY id",
                   [LAST - timedelta(days=1)])


def incidents(alerts: list[tuple]) -> int:
    """Messages the fresh alerts make: one per brand here (its spikes share their days)."""
    return len({brand for _, brand, _ in alerts})


def test_a_fresh_spike_is_sent_once_to_every_target(tmp_path, mailbox):
    hook = Webhook()
    try:
        config = write_watch(tmp_path, hook.port)
        db = tmp_path / "veille.duckdb"
        first = collect(config, db, env=mail_env(mailbox))
        alerts = fresh_alerts(db)
        assert alerts, "the spike raised no alert"
        sent = incidents(alerts)
        assert len(mailbox.messages) == sent and len(hook.bodies) == sent
        assert first.stderr.count("notify: team-mail: sent the Acme") == sent
        assert "mailto://" not in first.stderr + first.stdout  # the URL is never printed

        mail = mailbox.messages[0]
        assert "Acme" in mail["Subject"] and "spike since 30 Nov 2026" in mail["Subject"]
        html = mail.get_body(("html", "plain")).get_content()
        assert f"{BASE_URL}/spikes?period=custom&amp;from=2026-11-30&amp;to=2026-11-30" \
               "&amp;brand=Acme" in html
        assert "network down again" in html  # the first posts
        chat = hook.bodies[0]["message"]
        assert "Acme" in hook.bodies[0]["title"] and "usually" in chat
        assert "First posts:" in chat and "Open in Veille: https://veille.example.com/spikes" \
            in chat

        collect(config, db, env=mail_env(mailbox))  # the same data again
        assert len(mailbox.messages) == sent and len(hook.bodies) == sent
    finally:
        hook.close()


@pytest.mark.parametrize(("language", "subject", "measures"), [
    ("en", "Acme, volume and negative share spike since 30 Nov 2026",
     ("mentions a day at the peak", "negative share 100% of mentions")),
    ("fr", "Acme, pic de volume et de part négative depuis le 30 nov. 2026",
     ("mentions par jour au plus fort", "part négative de 100 %")),
])
def test_one_incident_raising_two_alerts_is_one_message(tmp_path, mailbox, language, subject,
                                                        measures):
    # A bad buzz: ten times the usual volume, every post a complaint. Both spikes are raised;
    # the team gets one message explaining both, not two.
    hook = Webhook()
    try:
        config = write_watch(tmp_path, hook.port, language,
                             complaint="Acme is awful, network down again, worst service ever")
        db = tmp_path / "veille.duckdb"
        first = collect(config, db, env=mail_env(mailbox))
        alerts = fresh_alerts(db)
        assert sorted(kind for _, _, kind in alerts) == ["negative_share", "volume"]
        assert len(mailbox.messages) == 1 and len(hook.bodies) == 1
        assert subject in mailbox.messages[0]["Subject"]
        chat = hook.bodies[0]["message"]
        html = mailbox.messages[0].get_body(("html", "plain")).get_content()
        for measure in measures:
            assert measure in chat.replace("\xa0", " ") and measure in html.replace("\xa0", " ")
        assert chat.count("Acme is awful") == 3  # the first posts, each once
        if language == "en":
            assert ("notify: team-mail: sent the Acme volume and negative_share alerts of "
                    "2026-11-30") in first.stderr
        sent = db_rows(db, "SELECT target, ref FROM deliveries WHERE status = 'sent' "
                           "ORDER BY target, ref")
        assert sent == sorted((t, a[0]) for t in ("chat", "team-mail") for a in alerts)

        collect(config, db, env=mail_env(mailbox))  # nothing new: nothing sent again
        assert len(mailbox.messages) == 1 and len(hook.bodies) == 1
    finally:
        hook.close()


def test_a_target_that_is_down_gets_the_alert_when_it_comes_back(tmp_path, mailbox):
    port = free_port()  # nothing listens there yet
    config = write_watch(tmp_path, port)
    db = tmp_path / "veille.duckdb"

    down = collect(config, db, env=mail_env(mailbox))

    alerts = fresh_alerts(db)
    assert "notify: chat: could not send the Acme" in down.stderr and "will retry" in down.stderr
    failed = db_rows(db, "SELECT ref, status, attempts, error FROM deliveries "
                         "WHERE target = 'chat' ORDER BY ref")
    assert [(r[0], r[1], r[2]) for r in failed] == [(a[0], "failed", 1) for a in alerts]
    assert all(r[3] and str(port) not in r[3] for r in failed)  # a reason, URL-free
    assert len(mailbox.messages) == incidents(alerts)  # the other target was not held back

    hook = Webhook(port)
    try:
        back = collect(config, db, env=mail_env(mailbox))
        assert len(hook.bodies) == incidents(alerts)
        assert back.stderr.count("notify: chat: sent") == incidents(alerts)
        assert len(mailbox.messages) == incidents(alerts)  # nothing sent twice
        statuses = db_rows(db, "SELECT DISTINCT status, attempts FROM deliveries "
                               "WHERE target = 'chat'")
        assert statuses == [("sent", 2)]
    finally:
        hook.close()


def test_a_missing_environment_variable_is_reported_and_retried(tmp_path, mailbox):
    hook = Webhook()
    try:
        config = write_watch(tmp_path, hook.port)
        db = tmp_path / "veille.duckdb"
        proc = collect(config, db)
        assert "environment variable VEILLE_TEST_MAIL is not set" in proc.stderr
        assert hook.bodies  # the chat target still got its alerts
        collect(config, db, env=mail_env(mailbox))
        assert len(mailbox.messages) == incidents(fresh_alerts(db))
    finally:
        hook.close()


def test_the_message_speaks_the_watch_language(tmp_path, mailbox):
    hook = Webhook()
    try:
        config = write_watch(tmp_path, hook.port, language="fr")
        collect(config, tmp_path / "veille.duckdb", env=mail_env(mailbox))
        subject = mailbox.messages[0]["Subject"]
        assert "depuis le 30 nov. 2026" in subject, subject
        chat = hook.bodies[0]["message"]
        assert "Premiers messages" in chat and "Ouvrir dans Veille" in chat
    finally:
        hook.close()


@pytest.mark.parametrize(("url", "why"), [
    ("mailto://me:hunter22@mail.example.com", "a password"),
    ("slack://T1234ABCD/B5678EFGH/a1b2c3d4e5f6g7h8i9j0k1l2", "a token"),
    ("json://hooks.example.com/in/9f8e7d6c5b4a39281706f5e4", "a token"),
])
def test_a_secret_written_in_watch_toml_is_refused_naming_the_field(tmp_path, url, why):
    config = tmp_path / "watch.toml"
    config.write_text(f'[[notify]]\nname = "team"\nurl = "{url}"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_watch(config)
    message = str(caught.value)
    assert f"[[notify]] #1 ('team'), field 'url': the URL carries {why}" in message
    assert url not in message and "hunter22" not in message


def test_check_lists_the_targets_without_their_urls(tmp_path):
    import subprocess
    import sys

    from tests.conftest import ROOT

    config = write_watch(tmp_path, 9)
    proc = subprocess.run([sys.executable, "-m", "collectors", "check", "--config", str(config)],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "notify team-mail: alert for every brand (URL from the environment)" in proc.stdout
    assert "notify chat: alert for every brand (URL in watch.toml)" in proc.stdout
    assert "json://" not in proc.stdout


def test_quiet_hours_hold_messages_back_until_they_end(tmp_path, mailbox):
    from datetime import datetime as clock

    hook = Webhook()
    try:
        config = write_watch(tmp_path, hook.port)
        now = clock.now().astimezone()
        start, end = now - timedelta(minutes=30), now + timedelta(minutes=30)
        text = config.read_text(encoding="utf-8").replace(
            'url = "env:VEILLE_TEST_MAIL"',
            f'url = "env:VEILLE_TEST_MAIL"\nquiet_hours = "{start:%H:%M}-{end:%H:%M}"')
        config.write_text(text, encoding="utf-8")
        db = tmp_path / "veille.duckdb"

        held = collect(config, db, env=mail_env(mailbox))

        assert "notify: team-mail: quiet hours, messages held back" in held.stderr
        assert not mailbox.messages and hook.bodies  # the other target is not quiet
        config.write_text(text.replace(f'quiet_hours = "{start:%H:%M}-{end:%H:%M}"', ""),
                          encoding="utf-8")
        collect(config, db, env=mail_env(mailbox))
        assert len(mailbox.messages) == incidents(fresh_alerts(db))
    finally:
        hook.close()


@pytest.mark.parametrize(("quiet", "minute", "expected"), [
    ("22:00-07:00", 23 * 60, True), ("22:00-07:00", 6 * 60 + 59, True),
    ("22:00-07:00", 7 * 60, False), ("12:00-14:00", 13 * 60, True), ("12:00-14:00", 11 * 60, False),
])
def test_quiet_hours_span_midnight(tmp_path, quiet, minute, expected):
    config = tmp_path / "watch.toml"
    config.write_text(f'[[notify]]\nname = "t"\nurl = "json://127.0.0.1:9/x"\n'
                      f'quiet_hours = "{quiet}"\n', encoding="utf-8")
    assert load_watch(config).notify[0].is_quiet(minute) is expected


def test_a_failing_source_is_told_once_per_episode(tmp_path):
    from tests.localserver import LocalServer

    feed = ('<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
            '<item><title>Acme news</title><link>http://x.test/1</link></item>'
            '</channel></rss>')
    answers = {"/feed.xml": (500, {"Content-Type": "text/plain"}, b"boom")}
    hook = Webhook()
    with LocalServer(answers) as site:
        config = tmp_path / "watch.toml"
        config.write_text(f"""\
[collect]
per_host_delay = 0
allow_networks = ["127.0.0.0/8"]

[[brands]]
name = "Acme"
query = "acme"

[[sources]]
name = "news"
kind = "feeds"
urls = ["{site.url('/feed.xml')}"]

[[notify]]
name = "ops"
url = "json://127.0.0.1:{hook.port}/hook"
events = ["source_unhealthy"]
""", encoding="utf-8")
        db = tmp_path / "veille.duckdb"
        try:
            first = collect(config, db, check=False)
            assert first.returncode == 1  # the source failed
            assert "notify: ops: source news failing: sent" in first.stderr
            assert len(hook.bodies) == 1
            assert hook.bodies[0]["title"] == "Veille: source news is failing"
            assert "Last successful run: never" in hook.bodies[0]["message"]

            collect(config, db, check=False)  # still failing: nothing new to say
            assert len(hook.bodies) == 1

            site.routes["/feed.xml"] = (200, {"Content-Type": "application/rss+xml"}, feed)
            collect(config, db)  # back
            site.routes["/feed.xml"] = (500, {"Content-Type": "text/plain"}, b"boom")
            again = collect(config, db, check=False)  # a new episode
            assert "notify: ops: source news failing: sent" in again.stderr
            assert len(hook.bodies) == 2 and "Last successful run: never" not in \
                hook.bodies[1]["message"]
        finally:
            hook.close()


def test_a_watched_page_that_changes_is_told_once(tmp_path):
    from tests.localserver import LocalServer

    def page(price: str) -> str:
        return ("<html><head><title>Acme pricing</title></head><body><article>"
                "<h1>Acme pricing for teams</h1>"
                f"<p>The team plan costs {price} euros a month for ten seats, billed yearly.</p>"
                "<p>Every plan includes unlimited projects, exports and email support from our "
                "team in Lyon, five days a week, with answers within one working day.</p>"
                "<p>Larger organisations can ask for a quote and a dedicated contact.</p>"
                "</article></body></html>")

    hook = Webhook()
    with LocalServer({"/pricing": (200, {"Content-Type": "text/html"}, page("29"))}) as site:
        config = tmp_path / "watch.toml"
        config.write_text(f"""\
[collect]
per_host_delay = 0
allow_networks = ["127.0.0.0/8"]

[[brands]]
name = "Acme"
query = "acme"

[[sources]]
name = "pages"
kind = "web"
urls = ["{site.url('/pricing')}"]
brand = "Acme"

[[notify]]
name = "market"
url = "json://127.0.0.1:{hook.port}/hook"
events = ["page_change"]
""", encoding="utf-8")
        db = tmp_path / "veille.duckdb"
        try:
            collect(config, db)
            assert hook.bodies == []  # the first visit is no change
            site.routes["/pricing"] = (200, {"Content-Type": "text/html"}, page("35"))
            changed = collect(config, db)
            assert f"notify: market: page change on {site.url('/pricing')}: sent" in \
                changed.stderr
            assert len(hook.bodies) == 1
            body = hook.bodies[0]
            assert body["title"].startswith("Veille: a watched page changed: ")
            assert "1 line(s) added, 1 removed" in body["message"]
            assert "35 euros" in body["message"] and "29 euros" in body["message"]
            collect(config, db)
            assert len(hook.bodies) == 1
        finally:
            hook.close()


def test_posts_waiting_too_long_for_an_answer_are_sent_once(tmp_path):
    import hashlib
    from datetime import UTC
    from datetime import datetime as clock

    now = clock.now(UTC).replace(tzinfo=None, microsecond=0)

    def at(hours: float) -> str:
        return (now - timedelta(hours=hours)).isoformat()

    rows = [("1", "Acme, how do I change my plan online?", at(6)),
            ("2", "Acme billed me twice this month, terrible service, I want a refund", at(7)),
            ("3", "Acme does the new router support wifi 7?", at(1)),
            ("4", "Visited the Acme shop in Lyon today", at(8)),
            ("5", "Acme why is my line still down after three days?", at(5))]
    (tmp_path / "posts.csv").write_text(
        "id,text,date\n" + "".join(f'{i},"{t}",{d}\n' for i, t, d in rows), encoding="utf-8")
    hook = Webhook()
    config = tmp_path / "watch.toml"
    config.write_text(acme_file_watch(f"""\
[[notify]]
name = "care"
url = "json://127.0.0.1:{hook.port}/hook"
events = ["unanswered"]
unanswered_after = "4h"
""", own=True), encoding="utf-8")
    db = tmp_path / "veille.duckdb"
    from store.edits import set_answered

    try:
        set_answered(db, hashlib.md5(b"file:posts:5").hexdigest())  # someone answered it
        proc = collect(config, db)

        assert "notify: care: 2 post(s) waiting for an answer: sent" in proc.stderr
        assert len(hook.bodies) == 1
        body = hook.bodies[0]
        assert body["title"] == "Veille: 2 post(s) about Acme wait for an answer"
        assert "how do I change my plan" in body["message"]   # a question, 6 h
        assert "billed me twice" in body["message"]           # a complaint, 7 h
        assert "wifi 7" not in body["message"]                # 1 h: not late yet
        assert "shop in Lyon" not in body["message"]          # neither question nor complaint
        assert "still down" not in body["message"]            # marked answered
        collect(config, db)
        assert len(hook.bodies) == 1
    finally:
        hook.close()
