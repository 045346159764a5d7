"""watch.toml validation: every mistake named by file, entry and field; good files load whole."""

from __future__ import annotations

from pathlib import Path

import pytest

from collectors import kind_options
from config import ConfigError, load_watch
from config.options import parse_duration

ROOT = Path(__file__).resolve().parents[2]

GOOD = """
name = "Test watch"
[[brands]]
name = "Acme"
query = '"Acme Corp" OR @acme'
own = true
color = "#112233"

[[brands]]
name = "Bolt"
query = "bolt AND (bike OR scooter)"

[[sources]]
name = "history"
kind = "file"
path = "export.csv"
every = "6h"
"""


def load(tmp_path: Path, text: str):
    path = tmp_path / "watch.toml"
    path.write_text(text, encoding="utf-8")
    return load_watch(path, kinds=kind_options())


def problems(tmp_path: Path, text: str) -> str:
    with pytest.raises(ConfigError) as info:
        load(tmp_path, text)
    message = str(info.value)
    assert str(tmp_path / "watch.toml") in message  # every line names the file
    return message


def test_good_file_loads(tmp_path):
    watch = load(tmp_path, GOOD)
    assert watch.name == "Test watch"
    assert [b.name for b in watch.brands] == ["Acme", "Bolt"]
    assert watch.brands[0].own and watch.brands[0].color == "#112233"
    assert watch.brands[1].color.startswith("#")  # a palette colour was given
    assert watch.brands[0].compiled.matches("Thanks @acme!")
    source = watch.source("history")
    assert source.kind == "file" and source.every == 6 * 3600
    assert source.settings["path"] == "export.csv"
    assert watch.collect.per_host_delay > 0 and watch.collect.allow_networks == []


@pytest.mark.parametrize("path", ["watch.toml", "watch.example.toml"])
def test_shipped_files_are_valid(path):
    watch = load_watch(ROOT / path, kinds=kind_options())
    assert watch.brands and watch.sources
    assert sum(b.own for b in watch.brands) == 1


@pytest.mark.parametrize("text, expected", [
    (GOOD.replace('own = true', 'own = true\nslogan = "x"'),
     "[[brands]] #1 ('Acme'): unknown key 'slogan'"),
    (GOOD.replace('name = "Bolt"\n', ''), "[[brands]] #2: missing field 'name'"),
    (GOOD.replace("bolt AND (bike OR scooter)", "bolt AND (bike OR"),
     "[[brands]] #2 ('Bolt'), field 'query': "),
    (GOOD.replace('kind = "file"', 'kind = "telepathy"'),
     "[[sources]] #1 ('history'), field 'kind': unknown kind 'telepathy'"),
    (GOOD.replace('path = "export.csv"\n', ''), "[[sources]] #1 ('history'): missing field 'path'"),
    (GOOD.replace('every = "6h"', 'every = "often"'),
     "[[sources]] #1 ('history'), field 'every': expected a duration"),
    (GOOD.replace('color = "#112233"', 'color = "blue"'),
     "[[brands]] #1 ('Acme'), field 'color': expected #rrggbb"),
    (GOOD.replace('color = "#112233"', 'color = 12'),
     "[[brands]] #1 ('Acme'), field 'color': expected a string, got the number 12"),
    (GOOD + '\n[collect]\nallow_networks = ["10.0.0.0/33"]\n',
     "[collect], field 'allow_networks': '10.0.0.0/33' is not a CIDR network"),
    (GOOD + '\n[collect]\ntimeout = "soon"\n', "[collect], field 'timeout': expected a number"),
    (GOOD.replace('name = "Bolt"', 'name = "Acme"'), "'Acme' is used by another brand"),
    (GOOD.replace('name = "Bolt"', 'name = "Bolt"\nown = true'), "only one brand may be own"),
    ("nam = 'x'\n" + GOOD.split("\n", 2)[2], "unknown top-level key 'nam'"),
    (GOOD.replace('[[brands]]\nname = "Bolt"', '[brands.x]\nname = "Bolt"'),
     "[[brands]] #1 ('Acme'): unknown key 'x'"),
    ("[[brands]\nname = 1", "is not valid TOML"),
    (GOOD + '\n[ui]\nallowed_hosts = ["https://veille.example.com"]\n',
     "[ui], field 'allowed_hosts': 'https://veille.example.com' is not a host name"),
    (GOOD + '\n[ui]\nallowed_hosts = ["veille.example.com:443"]\n',
     "[ui], field 'allowed_hosts': 'veille.example.com:443' is not a host name"),
    (GOOD + '\n[ui]\nallowed_hosts = [1]\n',
     "[ui], field 'allowed_hosts': expected a list of strings"),
    (GOOD + '\n[ui]\nallowed = ["x"]\n', "[ui]: unknown key 'allowed'"),
])
def test_each_mistake_is_named(tmp_path, text, expected):
    assert expected in problems(tmp_path, text)


def test_query_error_points_at_position(tmp_path):
    message = problems(tmp_path, GOOD.replace('query = "bolt AND (bike OR scooter)"',
                                              "query = '\"unclosed phrase'"))
    assert "position" in message


def test_all_problems_reported_at_once(tmp_path):
    text = GOOD.replace('kind = "file"', 'kind = "nope"').replace('color = "#112233"',
                                                                   'color = "red"')
    message = problems(tmp_path, text)
    assert "unknown kind 'nope'" in message and "expected #rrggbb" in message


def test_missing_and_unreadable_files(tmp_path):
    with pytest.raises(ConfigError, match="file not found"):
        load_watch(tmp_path / "absent.toml")
    path = tmp_path / "watch.toml"
    path.write_bytes(b"name = '\xff\xfe'")
    with pytest.raises(ConfigError, match="not UTF-8"):
        load_watch(path)


def test_allowed_hosts_are_read_as_a_browser_sends_them(tmp_path):
    from config import load_ui

    path = tmp_path / "watch.toml"
    path.write_text(GOOD + '\n[ui]\nallowed_hosts = ["Veille.Example.COM.", "[FD00::1]", '
                           '"10.0.0.5", "veille"]\n', encoding="utf-8")
    expected = ["veille.example.com", "fd00::1", "10.0.0.5", "veille"]
    assert load_watch(path).ui.allowed_hosts == expected
    assert load_ui(path).allowed_hosts == expected
    # The app server reads only [ui]: a broken brand or a missing file does not stop it.
    path.write_text(GOOD.replace('color = "#112233"', 'color = "red"') + '\n[ui]\n'
                    'allowed_hosts = "veille.example.com"\n', encoding="utf-8")
    assert load_ui(path).allowed_hosts == ["veille.example.com"]
    assert load_ui(tmp_path / "absent.toml").allowed_hosts == []


def test_env_overrides_default_path(tmp_path, monkeypatch):
    path = tmp_path / "other.toml"
    path.write_text(GOOD, encoding="utf-8")
    monkeypatch.setenv("VEILLE_CONFIG", str(path))
    assert load_watch(kinds=kind_options()).name == "Test watch"


@pytest.mark.parametrize("value, seconds", [(90, 90.0), ("30m", 1800.0), ("6h", 21600.0),
                                            ("1d", 86400.0), ("1.5h", 5400.0)])
def test_durations(value, seconds):
    assert parse_duration(value) == seconds


@pytest.mark.parametrize("value", ["", "0", -1, "5 years", True, [1]])
def test_bad_durations(value):
    with pytest.raises(ValueError):
        parse_duration(value)
