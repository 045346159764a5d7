"""Reading a request's Host header as the app server's host check compares it."""

import pytest

from ui.hosts import allowed_hosts, request_host


@pytest.mark.parametrize(("header", "name"), [
    ("127.0.0.1:8501", "127.0.0.1"),
    ("LOCALHOST", "localhost"),
    ("[::1]:8501", "::1"),
    ("[::1]", "::1"),
    ("[0:0::1]", "::1"),
    ("veille.example.com.", "veille.example.com"),
    ("veille.example.com:443", "veille.example.com"),
    ("evil.example:8501", "evil.example"),
    ("::1", None),  # a browser always brackets an IPv6 address
    ("", None),
    ("[::1", None),
    ("[::1]x", None),
    ("a b", None),
    ("evil.example:port", None),
    ("user@evil.example", None),
    ("evil.example/path", None),
])
def test_request_host(header, name):
    assert request_host(header) == name


def test_allowed_hosts_add_the_bound_address_but_not_a_wildcard():
    assert allowed_hosts(["veille.example.com"], "0.0.0.0") == [
        "127.0.0.1", "localhost", "::1", "veille.example.com"]
    assert allowed_hosts([], "::") == ["127.0.0.1", "localhost", "::1"]
    assert allowed_hosts([], "192.168.1.20")[-1] == "192.168.1.20"
