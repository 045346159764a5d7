"""The shared HTTP layer against real servers on 127.0.0.1: politeness, limits, policy, charsets."""

from __future__ import annotations

import gzip
import ipaddress
import json
import socket
import threading
import time
import tracemalloc
import zlib

import pytest

from collectors.base import ParseError
from collectors.http import (
    AddressPolicy,
    ConnectionFailed,
    Fetcher,
    FetchTimeout,
    HttpStatusError,
    RateLimited,
    RobotsDisallowed,
    TooLarge,
    TooManyRedirects,
    UrlRefused,
    detect_encoding,
    parse_robots,
    safe_headers,
    safe_url,
)
from config.watch import CollectSettings
from tests.localserver import LocalServer, conditional, drip, sequence

LOOPBACK = [ipaddress.ip_network("127.0.0.0/8")]


def settings(**kw) -> CollectSettings:
    base = {"per_host_delay": 0.0, "timeout": 5.0, "allow_networks": LOOPBACK}
    return CollectSettings(**(base | kw))


def page_hits(server: LocalServer) -> list:
    return [r for r in server.requests if r.path != "/robots.txt"]


def test_user_agent_with_contact_is_sent_on_every_request():
    with LocalServer({"/": (200, {}, "ok")}) as srv, Fetcher(
            settings(user_agent="VeilleTest/1.0", contact="https://example.org/contact")) as f:
        f.get(srv.url("/"))
    assert [r.path for r in srv.requests] == ["/robots.txt", "/"]
    for request in srv.requests:
        assert request.header("User-Agent") == "VeilleTest/1.0 (+https://example.org/contact)"


def test_user_agent_without_contact_is_the_configured_one():
    with LocalServer({"/": (200, {}, "ok")}) as srv, Fetcher(
            settings(user_agent="VeilleTest/1.0")) as f:
        f.get(srv.url("/"))
    assert srv.hits("/")[0].header("User-Agent") == "VeilleTest/1.0"


def test_robots_disallow_blocks_the_page_without_requesting_it():
    robots = "User-agent: *\nDisallow: /private/\n"
    routes = {"/robots.txt": (200, {"Content-Type": "text/plain"}, robots),
              "/private/page": (200, {}, "secret"), "/public": (200, {}, "hello")}
    with LocalServer(routes) as srv, Fetcher(settings()) as f:
        with pytest.raises(RobotsDisallowed) as info:
            f.get(srv.url("/private/page"))
        with pytest.raises(RobotsDisallowed):
            f.get(srv.url("/private/page?again=1"))
        assert f.get(srv.url("/public")).text == "hello"
    assert info.value.category == "blocked_by_robots"
    assert "/private/page" in str(info.value)
    assert srv.hits("/private/page") == []
    assert len(srv.hits("/robots.txt")) == 1  # read once per host per run


def test_robots_group_for_our_agent_wins_over_the_star_group():
    robots = "User-agent: *\nAllow: /\n\nUser-agent: veilletest\nDisallow: /\n"
    routes = {"/robots.txt": (200, {}, robots), "/a": (200, {}, "a")}
    with LocalServer(routes) as srv, Fetcher(settings(user_agent="VeilleTest/2.0")) as f:
        with pytest.raises(RobotsDisallowed):
            f.get(srv.url("/a"))
    with LocalServer(routes) as srv, Fetcher(settings(user_agent="OtherBot/1.0")) as f:
        assert f.get(srv.url("/a")).text == "a"


def test_robots_can_be_ignored_when_asked():
    routes = {"/robots.txt": (200, {}, "User-agent: *\nDisallow: /\n"), "/a": (200, {}, "a")}
    with LocalServer(routes) as srv, Fetcher(settings(), respect_robots=False) as f:
        assert f.get(srv.url("/a")).text == "a"
    assert srv.hits("/robots.txt") == []


def test_robots_server_error_means_try_later_and_missing_robots_allows_all():
    with LocalServer({"/robots.txt": (500, {}, "boom"), "/a": (200, {}, "a")}) as srv, \
            Fetcher(settings()) as f:
        with pytest.raises(RobotsDisallowed, match="try later"):
            f.get(srv.url("/a"))
        assert srv.hits("/a") == []
    with LocalServer({"/a": (200, {}, "a")}) as srv, Fetcher(settings()) as f:
        assert f.get(srv.url("/a")).text == "a"
        assert srv.hits("/robots.txt")[0].path == "/robots.txt"


def test_parse_robots_longest_match_wildcards_and_anchors():
    robots = parse_robots(
        "User-agent: *\nDisallow: /*.pdf$\nDisallow: /search\nAllow: /search/about\n"
        "Disallow: /*?sessionid=\nCrawl-delay: 3\n", "Veille")
    assert not robots.allows("/docs/file.pdf")
    assert robots.allows("/docs/file.pdf?x=1")
    assert not robots.allows("/search?q=x")
    assert robots.allows("/search/about")
    assert not robots.allows("/page?sessionid=42")
    assert robots.allows("/robots.txt")
    assert robots.crawl_delay == 3.0
    assert parse_robots("garbage\n\x00\nDisallow: /\n", "Veille").allows("/x")


def test_429_with_retry_after_waits_then_succeeds():
    route = sequence((429, {"Retry-After": "1"}, "slow down"), (200, {}, "fine"))
    with LocalServer({"/r": route}) as srv, Fetcher(settings()) as f:
        response = f.get(srv.url("/r"))
    assert response.text == "fine"
    first, second = srv.hits("/r")
    assert second.time - first.time >= 0.95  # the server's Retry-After was honoured


def test_429_asking_for_an_hour_is_reported_not_slept():
    with LocalServer({"/r": (429, {"Retry-After": "3600"}, "")}) as srv, \
            Fetcher(settings()) as f:
        with pytest.raises(RateLimited) as info:
            f.get(srv.url("/r"))
    assert info.value.category == "rate_limited"
    assert info.value.retry_after == 3600
    assert len(srv.hits("/r")) == 1


def test_503_storm_gives_up_after_three_tries():
    with LocalServer({"/s": (503, {}, "unavailable")}) as srv, Fetcher(settings()) as f:
        with pytest.raises(HttpStatusError) as info:
            f.get(srv.url("/s"))
    assert info.value.status == 503
    assert info.value.category == "http_error"
    assert len(srv.hits("/s")) == 3


def test_404_is_an_http_status_error_without_retry():
    with LocalServer() as srv, Fetcher(settings()) as f:
        with pytest.raises(HttpStatusError) as info:
            f.get(srv.url("/nothing"))
    assert info.value.status == 404
    assert len(srv.hits("/nothing")) == 1


def test_redirects_are_followed_and_the_final_url_kept():
    routes = {"/old": (301, {"Location": "/new?x=1"}, ""), "/new": (200, {}, "moved here")}
    with LocalServer(routes) as srv, Fetcher(settings()) as f:
        response = f.get(srv.url("/old"))
    assert response.url == srv.url("/new?x=1")
    assert response.text == "moved here"


def test_redirect_loop_stops_with_too_many_redirects():
    def loop(request):
        n = int(request.query.get("n", ["0"])[0])
        return 302, {"Location": f"/loop?n={n + 1}"}, b""

    with LocalServer({"/loop": loop}) as srv, Fetcher(settings()) as f:
        with pytest.raises(TooManyRedirects) as info:
            f.get(srv.url("/loop"))
    assert info.value.category == "redirects"
    assert len(srv.hits("/loop")) == 11  # the first request and ten redirects followed


def test_redirect_to_cloud_metadata_address_is_refused():
    routes = {"/go": (302, {"Location": "http://169.254.169.254/latest/meta-data/"}, "")}
    with LocalServer(routes) as srv, Fetcher(settings()) as f:
        with pytest.raises(UrlRefused) as info:
            f.get(srv.url("/go"))
    assert info.value.category == "url_refused"
    assert "169.254.169.254" in str(info.value) and "link-local" in str(info.value)


def test_redirect_to_a_loopback_address_outside_allow_networks_is_refused():
    only_one = settings(allow_networks=[ipaddress.ip_network("127.0.0.1/32")])
    with LocalServer(host="127.0.0.2") as inner:
        inner.routes["/admin"] = (200, {}, "internal")
        with LocalServer({"/go": (302, {"Location": inner.url("/admin")}, "")}) as srv, \
                Fetcher(only_one) as f:
            with pytest.raises(UrlRefused, match="loopback"):
                f.get(srv.url("/go"))
    assert inner.requests == []


def test_without_allow_networks_loopback_and_localhost_are_refused():
    with LocalServer({"/": (200, {}, "hi")}) as srv, Fetcher(CollectSettings()) as f:
        with pytest.raises(UrlRefused):
            f.get(srv.url("/"))
        with pytest.raises(UrlRefused, match="localhost"):
            f.get(f"http://localhost:{srv.port}/")
    assert srv.requests == []


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.org/x", "gopher://x/",
                                 "http://10.0.0.1/", "http://[::1]/", "http://0.0.0.0/",
                                 "http://224.0.0.1/", "not a url at all"])
def test_urls_outside_the_policy_are_refused_before_any_connection(url):
    with Fetcher(settings(allow_networks=[])) as f, pytest.raises(UrlRefused):
        f.get(url)


@pytest.mark.parametrize(("address", "reason"), [
    ("2002:7f00:1::", "loopback"),        # 6to4 wrapping 127.0.0.1
    ("2002:a9fe:a9fe::1", "link-local"),  # 6to4 wrapping 169.254.169.254 (cloud metadata)
    ("2002:c0a8:101::", "private"),       # 6to4 wrapping 192.168.1.1
    ("64:ff9b::a00:1", "private"),        # NAT64 wrapping 10.0.0.1
    ("fec0::1", "site-local"),            # the deprecated site-local range
    ("feff:ffff::1", "site-local"),
])
def test_ipv6_addresses_standing_for_internal_ones_are_refused(address, reason):
    assert AddressPolicy().refusal(address) == reason
    with Fetcher(settings(allow_networks=[])) as f, pytest.raises(UrlRefused, match=reason):
        f.get(f"http://[{address}]:8080/admin")


def test_6to4_of_a_public_address_stays_allowed():
    assert AddressPolicy().refusal("2002:808:808::1") is None  # wraps 8.8.8.8
    assert AddressPolicy([ipaddress.ip_network("127.0.0.0/8")]).refusal("2002:7f00:1::") is None


def test_redirect_to_a_file_url_is_refused():
    with LocalServer({"/go": (302, {"Location": "file:///etc/passwd"}, "")}) as srv, \
            Fetcher(settings()) as f:
        with pytest.raises(UrlRefused, match="only http and https"):
            f.get(srv.url("/go"))


def test_gzip_bomb_hits_the_cap_with_bounded_memory():
    bomb = gzip.compress(b"\0" * 200_000_000, compresslevel=9)
    assert len(bomb) < 300_000
    routes = {"/bomb": (200, {"Content-Encoding": "gzip", "Content-Type": "text/html"}, bomb)}
    with LocalServer(routes) as srv, Fetcher(settings(max_bytes=1_000_000)) as f:
        tracemalloc.start()
        try:
            with pytest.raises(TooLarge) as info:
                f.get(srv.url("/bomb"))
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    assert info.value.category == "too_large"
    assert "decompressed" in str(info.value)
    assert peak < 20_000_000  # a few times the 1 MB cap, nowhere near the 200 MB inflated body


def test_gzip_and_deflate_bodies_are_decoded():
    text = "Bonjour, Veille ! " * 200
    raw_deflate = zlib.compressobj(wbits=-15)
    routes = {
        "/gz": (200, {"Content-Encoding": "gzip"}, gzip.compress(text.encode())),
        "/zlib": (200, {"Content-Encoding": "deflate"}, zlib.compress(text.encode())),
        "/raw": (200, {"Content-Encoding": "deflate"},
                 raw_deflate.compress(text.encode()) + raw_deflate.flush()),
    }
    with LocalServer(routes) as srv, Fetcher(settings()) as f:
        for path in routes:
            assert f.get(srv.url(path)).text == text


def test_body_bigger_than_max_bytes_is_too_large_with_or_without_length():
    big = b"a" * 50_000

    def chunks(request):
        return 200, {}, iter([big[:25_000], big[25_000:]])

    with LocalServer({"/big": (200, {}, big), "/stream": chunks}) as srv, \
            Fetcher(settings(max_bytes=10_000)) as f:
        with pytest.raises(TooLarge, match="announces 50,000 bytes"):
            f.get(srv.url("/big"))
        with pytest.raises(TooLarge):
            f.get(srv.url("/stream"))


def test_slow_drip_body_times_out_within_the_timeout():
    routes = {"/drip": lambda request: (200, {"Content-Type": "text/plain"}, drip(b"x", 0.5))}
    with LocalServer(routes) as srv, Fetcher(settings(timeout=2.0)) as f:
        started = time.monotonic()
        with pytest.raises(FetchTimeout) as info:
            f.get(srv.url("/drip"))
        elapsed = time.monotonic() - started
    assert info.value.category == "timeout"
    # Not a speed check: the drip lasts 60 s, so ending early proves the deadline is enforced.
    assert elapsed < 10


def test_slow_drip_headers_time_out_too():
    def headers_drip(request):
        out = request.handler.wfile
        out.write(b"HTTP/1.1 200 OK\r\n")
        for _ in range(120):
            try:
                out.write(b"X-Slow: y\r\n")
                out.flush()
            except OSError:
                return None
            time.sleep(0.5)
        return None

    with LocalServer({"/h": headers_drip}) as srv, Fetcher(settings(timeout=2.0)) as f:
        started = time.monotonic()
        with pytest.raises(FetchTimeout):
            f.get(srv.url("/h"))
        assert time.monotonic() - started < 10


def test_connection_refused_is_classified_after_retries():
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()  # nothing listens there now
    with Fetcher(settings(), respect_robots=False) as f:
        with pytest.raises(ConnectionFailed) as info:
            f.get(f"http://127.0.0.1:{port}/")
    assert info.value.category == "connection"
    assert "3 tries" in str(info.value)


def test_invalid_utf8_decodes_with_replacement_characters():
    body = "café ".encode() + b"\xff\xfe\xc3(" + b" fin"
    routes = {"/bad": (200, {"Content-Type": "text/plain; charset=utf-8"}, body)}
    with LocalServer(routes) as srv, Fetcher(settings()) as f:
        text = f.get(srv.url("/bad")).text
    assert text.startswith("café ") and text.endswith(" fin")
    assert "\ufffd" in text


def test_charset_comes_from_http_then_document_then_detection():
    latin = "Déjà vu, ça marche très bien à Noël".encode("latin-1")
    routes = {
        "/http": (200, {"Content-Type": "text/plain; charset=ISO-8859-1"}, latin),
        "/xml": (200, {"Content-Type": "application/xml"},
                 b'<?xml version="1.0" encoding="ISO-8859-1"?><a>' + latin + b"</a>"),
        "/meta": (200, {"Content-Type": "text/html"},
                  b'<html><head><meta charset="windows-1252"></head><p>' + latin + b"</p>"),
        "/guess": (200, {"Content-Type": "text/plain"}, latin * 5),
        "/bom": (200, {"Content-Type": "text/plain"}, b"\xef\xbb\xbf" + "été".encode()),
    }
    with LocalServer(routes) as srv, Fetcher(settings()) as f:
        assert f.get(srv.url("/http")).text == "Déjà vu, ça marche très bien à Noël"
        assert "ça marche très bien à Noël" in f.get(srv.url("/xml")).text
        assert "ça marche très bien à Noël" in f.get(srv.url("/meta")).text
        assert "Déjà vu, ça marche" in f.get(srv.url("/guess")).text
        assert f.get(srv.url("/bom")).text == "été"
    assert detect_encoding(b"plain ascii") == "utf-8"


def test_json_body_and_invalid_json():
    routes = {"/ok": (200, {"Content-Type": "application/json"}, '{"é": [1, 2]}'),
              "/bad": (200, {"Content-Type": "application/json"}, "<html>oops</html>")}
    with LocalServer(routes) as srv, Fetcher(settings()) as f:
        assert f.get(srv.url("/ok")).json() == {"é": [1, 2]}
        with pytest.raises(ParseError, match="valid JSON"):
            f.get(srv.url("/bad")).json()


def test_conditional_get_returns_not_modified_on_304():
    route = conditional("<rss/>", etag='"v1"', last_modified="Mon, 01 Jun 2026 10:00:00 GMT")
    with LocalServer({"/feed": route}) as srv, Fetcher(settings()) as f:
        first = f.get(srv.url("/feed"))
        second = f.get(srv.url("/feed"), etag=first.etag)
        third = f.get(srv.url("/feed"), last_modified=first.last_modified)
    assert first.status == 200 and first.etag == '"v1"' and not first.not_modified
    assert second.not_modified and second.status == 304 and second.content == b""
    assert second.etag == '"v1"'
    assert third.not_modified
    feed_hits = srv.hits("/feed")
    assert feed_hits[1].header("If-None-Match") == '"v1"'
    assert feed_hits[2].header("If-Modified-Since") == "Mon, 01 Jun 2026 10:00:00 GMT"


def test_params_and_accept_are_sent():
    with LocalServer({"/api": (200, {}, "{}")}) as srv, Fetcher(settings()) as f:
        f.get(srv.url("/api?a=1"), params={"q": "café crème"}, accept="application/json")
    hit = srv.hits("/api")[0]
    assert hit.query == {"a": ["1"], "q": ["café crème"]}
    assert hit.header("Accept") == "application/json"


def test_per_host_delay_is_kept_while_two_hosts_interleave():
    delay = 0.5
    routes = {f"/p{i}": (200, {}, f"page {i}") for i in range(4)}
    with LocalServer(dict(routes)) as one, LocalServer(dict(routes)) as two, \
            Fetcher(settings(per_host_delay=delay)) as f:
        urls = [srv.url(f"/p{i}") for i in range(4) for srv in (one, two)]
        results = dict(f.get_many(urls))
    assert sorted(results) == sorted(urls)
    assert all(r.text.startswith("page") for r in results.values())
    for srv in (one, two):
        times = [r.time for r in srv.requests]  # robots.txt counts: it is a request too
        assert len(times) == 5
        gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
        assert min(gaps) >= delay - 0.1, gaps
    # Both hosts were served during the same period rather than one after the other.
    assert two.requests[0].time < one.requests[-1].time
    assert one.requests[0].time < two.requests[-1].time


def test_get_many_reports_each_failure_as_a_value():
    with LocalServer({"/ok": (200, {}, "ok")}) as srv, Fetcher(settings()) as f:
        results = dict(f.get_many([srv.url("/ok"), srv.url("/missing"), "file:///etc/passwd"]))
    assert results[srv.url("/ok")].text == "ok"
    assert isinstance(results[srv.url("/missing")], HttpStatusError)
    assert isinstance(results["file:///etc/passwd"], UrlRefused)


def test_secrets_in_urls_never_reach_error_messages():
    with LocalServer() as srv, Fetcher(settings()) as f:
        url = f"http://user:hunter2@{srv.netloc}/x?api_key=SEKRET123&q=ok&access_token=TOK456"
        with pytest.raises(HttpStatusError) as info:
            f.get(url)
    message = str(info.value)
    for secret in ("hunter2", "SEKRET123", "TOK456"):
        assert secret not in message
    assert "q=ok" in message
    assert "hunter2" not in safe_url("https://a:hunter2@example.org/")


def test_per_host_delay_holds_across_threads_calling_get():
    delay = 0.3
    with LocalServer({f"/t{i}": (200, {}, "ok") for i in range(5)}) as srv, \
            Fetcher(settings(per_host_delay=delay)) as f:
        threads = [threading.Thread(target=f.get, args=(srv.url(f"/t{i}"),)) for i in range(5)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    times = sorted(r.time for r in srv.requests)
    assert len(times) == 6  # robots.txt + 5 pages
    assert min(b - a for a, b in zip(times, times[1:], strict=False)) >= delay - 0.1


def test_robots_crawl_delay_slows_that_host_down():
    routes = {"/robots.txt": (200, {}, "User-agent: *\nCrawl-delay: 1\n"),
              "/a": (200, {}, "a"), "/b": (200, {}, "b")}
    with LocalServer(routes) as srv, Fetcher(settings()) as f:
        f.get(srv.url("/a"))
        f.get(srv.url("/b"))
    assert srv.hits("/b")[0].time - srv.hits("/a")[0].time >= 0.9


def test_get_many_yields_fast_hosts_before_slow_ones():
    def slow(request):
        time.sleep(1.5)
        return 200, {}, "slow"

    with LocalServer({"/slow": slow}) as slow_srv, \
            LocalServer({"/fast": (200, {}, "fast")}) as fast_srv, Fetcher(settings()) as f:
        order = [url for url, _ in f.get_many([slow_srv.url("/slow"), fast_srv.url("/fast")])]
    assert order == [fast_srv.url("/fast"), slow_srv.url("/slow")]


def test_post_sends_json_and_headers_politely_and_keeps_the_error_answer():
    def login(request):
        sent = json.loads(request.body)
        if sent == {"identifier": "ann", "password": "pw-SECRET-1"}:
            return 200, {"Content-Type": "application/json"}, '{"accessJwt": "jwt-1"}'
        return 401, {"Content-Type": "application/json"}, '{"error": "AuthenticationRequired"}'

    def feed(request):
        if request.header("Authorization") != "Bearer jwt-1":
            return 401, {"Content-Type": "application/json"}, '{"error": "AuthMissing"}'
        return 200, {"Content-Type": "application/json"}, '{"posts": []}'

    routes = {"POST /login": login, "/feed": feed}
    with LocalServer(routes) as srv, Fetcher(settings(user_agent="VeilleTest/1.0")) as f:
        token = f.post(srv.url("/login"), json_body={"identifier": "ann",
                                                     "password": "pw-SECRET-1"}).json()
        assert token == {"accessJwt": "jwt-1"}
        headers = {"Authorization": "Bearer jwt-1"}
        assert f.get(srv.url("/feed"), headers=headers, accept="application/json").json() \
            == {"posts": []}
        with pytest.raises(HttpStatusError) as refused:
            f.post(srv.url("/login"), json_body={"identifier": "ann", "password": "wrong"})
        with pytest.raises(HttpStatusError) as missing:
            f.get(srv.url("/feed"), headers={"Authorization": "Bearer expired-SECRET-2"})
    posted = srv.hits("/login")[0]
    assert posted.method == "POST" and posted.header("Content-Type") == "application/json"
    assert posted.header("User-Agent") == "VeilleTest/1.0"
    assert [r.path for r in srv.requests][0] == "/robots.txt"
    assert refused.value.status == 401 and refused.value.json() == {
        "error": "AuthenticationRequired"}
    assert missing.value.json() == {"error": "AuthMissing"}
    for error in (refused.value, missing.value):
        assert "SECRET" not in str(error) and "wrong" not in str(error)
    assert safe_headers({"Authorization": "Bearer x", "Accept": "a"}) == {
        "Authorization": "***", "Accept": "a"}


def test_credentials_never_follow_a_redirect_to_another_host():
    with LocalServer({"/landing": (200, {}, "ok")}) as other:
        target = other.url("/landing")
        with LocalServer({"/api": (307, {"Location": target}, ""),
                          "/same": (302, {"Location": "/api2"}, ""),
                          "/api2": (200, {}, "ok")}) as srv, Fetcher(settings()) as f:
            f.post(srv.url("/api"), json_body={"q": 1}, headers={"Authorization": "Bearer T"})
            f.post(srv.url("/same"), json_body={"q": 1}, headers={"Authorization": "Bearer T"})
        landed = other.hits("/landing")[0]
        same = srv.hits("/api2")[0]
    # A 307 repeats the POST with its body, without the credentials meant for the first host.
    assert landed.method == "POST" and landed.body == b'{"q": 1}'
    assert landed.header("Authorization") is None
    # A 302 on the same host continues as a GET, still signed in.
    assert same.method == "GET" and same.body == b"" and same.header("Authorization") == \
        "Bearer T"
