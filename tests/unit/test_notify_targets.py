"""A notification target as the Sources page shows it: address masked, state from its log."""

from __future__ import annotations

from datetime import datetime, timedelta

import pandas as pd
import pytest

from config.watch import NotifyTarget
from notify.targets import masked, target_states

NOW = datetime(2026, 12, 6, 12, 0)


@pytest.mark.parametrize(("url", "shown"), [
    ("env:VEILLE_TEAM_HOOK", "env:VEILLE_TEAM_HOOK"),
    ("json://127.0.0.1:8080/hook", "json://127.0.0.1:8080/…"),
    ("mailtos://user:hunter2@smtp.example.com?to=a@example.com", "mailtos://smtp.example.com/…"),
    ("slack://T1JJ3T3L2/A1BRTD4JD/TIiajkdnlazkcOXrIdevi7F", "slack://…/…"),
    ("ntfy://ntfy.sh", "ntfy://ntfy.sh"),
])
def test_an_address_never_shows_what_could_be_a_secret(url, shown):
    assert masked(url) == shown


def log(*rows):
    return pd.DataFrame(rows, columns=["target", "event", "ref", "status", "attempts",
                                       "last_at", "error"])


def test_a_target_whose_last_attempt_failed_is_failing_with_its_retries():
    targets = [NotifyTarget("chat", "json://127.0.0.1:1/h"), NotifyTarget("mail", "env:M"),
               NotifyTarget("new", "env:N")]
    rows = log(
        ("chat", "alert", "a1", "failed", 3, NOW - timedelta(minutes=5), "connection refused"),
        ("chat", "alert", "a0", "failed", 1, NOW - timedelta(days=5), "connection refused"),
        ("chat", "test", "t", "sent", 1, NOW - timedelta(hours=1), None),
        ("mail", "alert", "a1", "sent", 2, NOW - timedelta(minutes=5), None),
        ("mail", "alert", "a2", "failed", 1, NOW - timedelta(minutes=9), "timeout"))
    chat, mail, new = target_states(targets, rows, now=NOW)
    assert (chat.state, chat.last_error, chat.failed_attempts) == ("failing",
                                                                   "connection refused", 4)
    assert (chat.retrying, chat.given_up) == (1, 1)
    assert chat.last_sent == NOW - timedelta(hours=1)
    assert list(chat.recent["ref"]) == ["a1", "t", "a0"]  # newest first
    assert (mail.state, mail.last_error, mail.retrying) == ("ok", None, 1)
    assert (new.state, new.last_sent) == ("unused", None) and new.recent.empty
