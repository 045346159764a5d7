"""The shared HTTP layer: polite, bounded, address-checked fetching for every collector."""

from __future__ import annotations

import codecs
import email.utils
import ipaddress
import json
import re
import socket
import threading
import time
import zlib
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from typing import Any
from urllib.parse import unquote

import httpcore
import httpx

from collectors.base import CollectorError, ParseError
from collectors.urls import MASK, redact_url, url_secrets
from config.watch import CollectSettings

MAX_REDIRECTS = 10
MAX_TRIES = 3
RETRY_STATUSES = frozenset({429, 502, 503, 504})
RETRY_BASE = 1.0  # seconds before the 2nd try; doubled before each later one
MAX_RETRY_WAIT = 60.0  # a Retry-After longer than this is reported, not slept through
MAX_CRAWL_DELAY = 30.0  # a robots.txt Crawl-delay is honoured up to this many seconds
ROBOTS_MAX_BYTES = 512_000  # RFC 9309 asks crawlers to read at least 500 KiB of robots.txt
MAX_WORKERS = 8
CHUNK = 65_536
DEFAULT_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
ERROR_BODY_BYTES = 65_536  # how much of an error answer is kept for the collector to read
# Request headers whose values are credentials: never in a message, and never sent on to
# another host by a redirect.
SECRET_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie", "x-api-key",
                            "x-goog-api-key"})
ALLOW_HINT = "(add its network to [collect] allow_networks to permit it)"


# --- classified failures ---------------------------------------------------------------------


class FetchError(CollectorError):
    """A request failed; subclasses name the failure mode, ``url`` is the URL asked for."""

    category = "http_error"

    def __init__(self, message: str, url: str | None = None):
        super().__init__(message)
        self.url = url


class RobotsDisallowed(FetchError):
    """The site's robots.txt forbids our user agent this URL (or cannot be read right now)."""

    category = "blocked_by_robots"


class HttpStatusError(FetchError):
    """The server answered with an error status (``status``), after retries where they apply.

    ``body`` holds the start of the error answer (at most ``ERROR_BODY_BYTES``): APIs say there
    why they refused (an expired token, a used-up quota), which the collector classifies.
    """

    category = "http_error"

    def __init__(self, message: str, status: int = 0, url: str | None = None,
                 body: bytes = b""):
        super().__init__(message, url)
        self.status = status
        self.body = body

    def json(self) -> Any:
        """The error answer parsed as JSON, or None when it is not JSON."""
        try:
            return json.loads(self.body.decode("utf-8", "replace"))
        except ValueError:
            return None


class FetchTimeout(FetchError):
    """The whole request (connect, headers and body) took longer than the configured timeout."""

    category = "timeout"


class RateLimited(FetchError):
    """The server asked us to slow down (429) beyond our patience; ``retry_after`` in seconds."""

    category = "rate_limited"

    def __init__(self, message: str, retry_after: float | None = None, url: str | None = None):
        super().__init__(message, url)
        self.retry_after = retry_after


class TooLarge(FetchError):
    """The body (after decompression) is bigger than ``max_bytes``."""

    category = "too_large"


class UrlRefused(FetchError):
    """Not an http(s) URL, or its host is a private/loopback/link-local/reserved address."""

    category = "url_refused"
    reason: str | None = None  # why the address was refused, without the URL


class TooManyRedirects(FetchError):
    """More than ``MAX_REDIRECTS`` redirects in a row."""

    category = "redirects"


class NotAFeed(FetchError):
    """The URL answered with something that is not a feed; ``feed_links`` lists the feeds an HTML
    page announces (``<link rel="alternate">``), empty when it announces none."""

    category = "not_a_feed"
    feed_links: tuple[str, ...] = ()


class ConnectionFailed(FetchError):
    """The host could not be resolved or reached, or dropped the connection, after retries."""

    category = "connection"


# --- the response ----------------------------------------------------------------------------


@dataclass
class Response:
    """A completed fetch: final URL, status, headers, the (decompressed) body and cache validators.

    ``not_modified`` is True when a conditional GET was answered 304; ``content`` is then empty.
    """

    url: str
    status: int
    headers: httpx.Headers = field(default_factory=httpx.Headers)
    content: bytes = b""
    not_modified: bool = False
    etag: str | None = None
    last_modified: str | None = None

    @property
    def content_type(self) -> str:
        """The media type without parameters, lower-cased (``""`` when the server gave none)."""
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    @cached_property
    def encoding(self) -> str:
        """The charset used by :attr:`text`: BOM, then HTTP, then in-document, then detected."""
        return detect_encoding(self.content, self.headers.get("content-type"))

    @cached_property
    def text(self) -> str:
        """The body decoded with :attr:`encoding`; undecodable bytes become U+FFFD, never errors."""
        return self.content.decode(self.encoding, errors="replace")

    def json(self) -> Any:
        """The body parsed as JSON; raise :class:`ParseError` naming the URL when it is not JSON."""
        try:
            return json.loads(self.text)
        except ValueError as exc:
            raise ParseError(f"{safe_url(self.url)} did not answer valid JSON: {exc}") from None


# --- text decoding ---------------------------------------------------------------------------

_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
         (codecs.BOM_UTF16_BE, "utf-16"))
_XML_DECL = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']""")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9._:-]+)""", re.I)
# Browsers read these labels as windows-1252, which is what such pages really contain.
_WHATWG_ALIASES = {"iso8859-1": "cp1252", "latin-1": "cp1252", "ascii": "cp1252"}


def _codec(label: str | None) -> str | None:
    """The Python codec name for a charset label, or None when Python does not know it."""
    if not label:
        return None
    try:
        name = codecs.lookup(label.strip().strip("\"'")).name
    except LookupError:
        return None
    return _WHATWG_ALIASES.get(name, name)


def charset_from_content_type(content_type: str | None) -> str | None:
    """The ``charset`` parameter of a Content-Type header, as a Python codec name, or None."""
    for part in (content_type or "").split(";")[1:]:
        key, _, value = part.partition("=")
        if key.strip().lower() == "charset":
            return _codec(value)
    return None


def detect_encoding(content: bytes, content_type: str | None = None) -> str:
    """Pick the charset to decode ``content`` with.

    A byte-order mark wins, then the HTTP ``charset``, then an XML declaration or HTML
    ``<meta charset>`` in the first bytes, then charset_normalizer's guess, else UTF-8.
    """
    for bom, name in _BOMS:
        if content.startswith(bom):
            return name
    declared = charset_from_content_type(content_type)
    if declared:
        return declared
    head = content[:4096]
    match = _XML_DECL.match(head) or _META_CHARSET.search(head)
    if match:
        name = _codec(match.group(1).decode("ascii"))
        # A UTF-16/32 label readable as ASCII is a lie: the bytes are ASCII-compatible.
        if name and not name.startswith(("utf-16", "utf-32")):
            return name
    try:
        content.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    matches = list(from_bytes(content[:200_000]))
    if not matches:
        return "utf-8"
    best = min(matches, key=lambda m: m.chaos)
    # Short Western texts fit several code pages about as well; windows-1252 is by far the most
    # common undeclared one on the web, so it wins a near-tie.
    close = {_codec(m.encoding) for m in matches if m.chaos <= best.chaos + 0.05}
    if "cp1252" in close:
        return "cp1252"
    return _codec(best.encoding) or "utf-8"


# --- secrets never in messages ---------------------------------------------------------------

def safe_headers(headers: dict[str, str] | httpx.Headers) -> dict[str, str]:
    """``headers`` for messages and logs: credentials (``Authorization``, cookies, API-key
    headers) masked, like :func:`safe_url` masks a URL's."""
    return {name: MASK if name.lower() in SECRET_HEADERS else value
            for name, value in dict(headers).items()}


def safe_url(url: Any) -> str:
    """``url`` for messages and logs: redacted (:func:`collectors.urls.redact_url`, with the
    path secrets a configured URL may hold) and cut to 300 characters."""
    text = redact_url(str(url), url_secrets(str(url)))
    return text if len(text) <= 300 else text[:297] + "..."


# --- address policy, enforced where the socket connects --------------------------------------


class _AddressRefused(Exception):
    """Raised inside the connection layer; the Fetcher turns it into UrlRefused with the URL."""


class _NameNotResolved(Exception):
    """DNS has no answer for the host; retrying right away would not help."""


# NAT64's well-known prefix: its addresses reach the IPv4 address in their last 32 bits.
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


def _embedded_v4(ip: ipaddress.IPv4Address | ipaddress.IPv6Address
                 ) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address stands for (mapped, 6to4 or NAT64), or None."""
    if not isinstance(ip, ipaddress.IPv6Address):
        return None
    if ip.ipv4_mapped or ip.sixtofour:
        return ip.ipv4_mapped or ip.sixtofour
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def _refusal(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
    """Why ``ip`` must not be fetched by default, or None when it is a public address.

    An IPv6 address that embeds an IPv4 one (``::ffff:127.0.0.1``, 6to4 ``2002:7f00:1::``)
    is judged as that address: that is where the packets end up.
    """
    ip = _embedded_v4(ip) or ip
    for attribute, reason in (("is_loopback", "loopback"), ("is_link_local", "link-local"),
                              ("is_multicast", "multicast"), ("is_unspecified", "unspecified"),
                              ("is_private", "private"), ("is_reserved", "reserved"),
                              ("is_site_local", "site-local")):
        if getattr(ip, attribute, False):
            return reason
    if not ip.is_global:
        return "not public"
    return None


class AddressPolicy:
    """Which IP addresses may be connected to: public ones, plus ``allow`` networks."""

    def __init__(self, allow: Iterable[ipaddress.IPv4Network | ipaddress.IPv6Network] = ()):
        self.allow = list(allow)

    def refusal(self, address: str) -> str | None:
        """Why connecting to the IP ``address`` is refused (``"loopback"``, ``"private"``…), or
        None when it is allowed."""
        ip = ipaddress.ip_address(address.split("%")[0])
        candidates = [c for c in (ip, _embedded_v4(ip)) if c is not None]
        if any(c in net for c in candidates for net in self.allow if c.version == net.version):
            return None
        return _refusal(ip)

    def resolve(self, host: str, port: int) -> list[str]:
        """The allowed IP addresses of ``host``; raise when there are none."""
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError) as exc:
            raise _NameNotResolved(f"cannot resolve host {host!r}: {exc}") from None
        allowed: list[str] = []
        refused: list[str] = []
        for _family, _type, _proto, _name, sockaddr in infos:
            address = str(sockaddr[0])
            reason = self.refusal(address)
            if reason:
                refused.append(f"{address}, a {reason} address")
            elif address not in allowed:
                allowed.append(address)
        if not allowed:
            what = refused[0] if refused else "no address"
            raise _AddressRefused(f"host {host!r} resolves to {what} {ALLOW_HINT}")
        return allowed


# Each thread's current request must end by this time.monotonic() value; enforced on every
# socket read and write, so a server dripping bytes cannot hold a request beyond the timeout.
_deadline = threading.local()


def _remaining(timeout: float | None) -> float | None:
    end = getattr(_deadline, "value", None)
    if end is None:
        return timeout
    left = end - time.monotonic()
    if left <= 0:
        raise httpcore.ReadTimeout("the request took longer than the configured timeout")
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    """A network stream whose reads and writes never outlast the thread's request deadline."""

    def __init__(self, inner: httpcore.NetworkStream):
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _remaining(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _remaining(timeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(self, ssl_context: Any, server_hostname: str | None = None,
                  timeout: float | None = None) -> httpcore.NetworkStream:
        return _DeadlineStream(self._inner.start_tls(ssl_context, server_hostname,
                                                     _remaining(timeout)))

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _GuardedBackend(httpcore.NetworkBackend):
    """Resolves the host itself, refuses forbidden addresses, connects to an allowed one.

    Checking the address we actually connect to (not a separate look-up) closes the gap where
    DNS answers differently the second time.
    """

    def __init__(self, policy: AddressPolicy):
        self._policy = policy
        self._inner = httpcore.SyncBackend()

    def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                    local_address: str | None = None,
                    socket_options: Iterable[Any] | None = None) -> httpcore.NetworkStream:
        error: Exception | None = None
        for address in self._policy.resolve(host, port):
            try:
                stream = self._inner.connect_tcp(address, port, _remaining(timeout),
                                                 local_address, socket_options)
            except httpcore.ConnectError as exc:
                error = exc
                continue
            return _DeadlineStream(stream)
        raise error or httpcore.ConnectError(f"cannot connect to {host}:{port}")

    def connect_unix_socket(self, path: str, timeout: float | None = None,
                            socket_options: Iterable[Any] | None = None) -> Any:
        raise _AddressRefused("unix sockets are not fetched")

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


class _Transport(httpx.HTTPTransport):
    """httpx's transport with its connection pool built on the guarded network backend."""

    def __init__(self, policy: AddressPolicy, max_connections: int):
        super().__init__(trust_env=False)
        # httpx has no public hook for the network backend; the pool is the documented
        # httpcore object it wraps, so build that one ourselves (versions are pinned).
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(trust_env=False),
            max_connections=max_connections, max_keepalive_connections=max_connections,
            keepalive_expiry=5.0, network_backend=_GuardedBackend(policy))


# --- bounded decompression -------------------------------------------------------------------


class _Inflater:
    """Incremental gzip/deflate decoder whose every step returns at most the bytes asked for."""

    def __init__(self, encoding: str):
        self._encoding = encoding
        self._obj: Any = None
        self._pending = b""

    def push(self, data: bytes) -> None:
        self._pending += data

    def pull(self, max_length: int) -> bytes:
        """Up to ``max_length`` decoded bytes from what was pushed (b"" when it needs more)."""
        out = b""
        while self._pending and len(out) < max_length:
            if self._obj is None:
                if self._encoding == "deflate" and not _zlib_header(self._pending):
                    self._obj = zlib.decompressobj(-zlib.MAX_WBITS)  # raw deflate, no header
                else:
                    self._obj = zlib.decompressobj(32 + zlib.MAX_WBITS)  # gzip or zlib header
            try:
                piece = self._obj.decompress(self._pending, max_length - len(out))
            except zlib.error as exc:
                raise FetchError(f"the {self._encoding} body is corrupt: {exc}") from None
            out += piece
            if self._obj.eof:
                # Another gzip member may follow; anything else after the end is ignored.
                rest = self._obj.unused_data
                self._obj = None
                self._pending = rest if rest[:2] == b"\x1f\x8b" else b""
            else:
                self._pending = self._obj.unconsumed_tail
                if not piece:
                    break
        return out


def _zlib_header(data: bytes) -> bool:
    return len(data) >= 2 and data[0] & 0x0F == 8 and (data[0] << 8 | data[1]) % 31 == 0


# --- robots.txt (RFC 9309) -------------------------------------------------------------------


@dataclass
class _Robots:
    """What one host's robots.txt says to us: rules, crawl delay, or why it cannot be read."""

    rules: list[tuple[bool, str, re.Pattern[str]]] = field(default_factory=list)
    crawl_delay: float | None = None
    unreachable: str | None = None  # message when the file answered 5xx / 429
    failure: FetchError | None = None  # the host could not be reached at all

    def allows(self, path: str) -> bool:
        """Whether ``path`` (path and query) may be fetched: longest match wins, allow on ties."""
        if path == "/robots.txt":
            return True
        path = unquote(path)
        best: tuple[int, bool] | None = None
        for allow, pattern, regex in self.rules:
            if regex.match(path):
                rank = (len(pattern), allow)
                if best is None or rank > best:
                    best = rank
        return best is None or best[1]


def parse_robots(text: str, agent: str) -> _Robots:
    """Parse robots.txt ``text`` for the product token ``agent`` (e.g. ``"Veille"``).

    Groups naming the agent (case-insensitively) apply, merged; otherwise the ``*`` groups;
    otherwise everything is allowed. Paths support ``*`` and a final ``$``.
    """
    agent = agent.lower()
    groups: list[tuple[list[str], list[tuple[str, str]]]] = []
    agents: list[str] = []
    lines: list[tuple[str, str]] = []
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if ":" not in line:
            continue
        key, value = (s.strip() for s in line.split(":", 1))
        key = key.lower().replace("_", "-")
        if key in ("user-agent", "useragent"):
            if lines:
                groups.append((agents, lines))
                agents, lines = [], []
            agents.append(value.split("/")[0].strip().lower())
        elif key in ("allow", "disallow", "crawl-delay") and agents:
            lines.append((key, value))
    if agents:
        groups.append((agents, lines))
    chosen = [lines for names, lines in groups if agent in names]
    if not chosen:
        chosen = [lines for names, lines in groups if "*" in names]
    robots = _Robots()
    for group in chosen:
        for key, value in group:
            if key == "crawl-delay":
                try:
                    robots.crawl_delay = max(0.0, float(value))
                except ValueError:
                    pass
            elif value:  # an empty Disallow allows everything: no rule to add
                robots.rules.append((key == "allow", value, _robots_regex(value)))
    return robots


def _robots_regex(pattern: str) -> re.Pattern[str]:
    anchored = pattern.endswith("$")
    body = unquote(pattern[:-1] if anchored else pattern)
    regex = ".*".join(re.escape(part) for part in body.split("*"))
    return re.compile(regex + ("$" if anchored else ""))


# --- the fetcher -----------------------------------------------------------------------------


def _retry_after(value: str | None) -> float | None:
    """Seconds asked by a Retry-After header (a number or an HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _host_key(url: httpx.URL) -> tuple[str, int]:
    return url.host.lower(), url.port or (443 if url.scheme == "https" else 80)


class Fetcher:
    """One per run, shared by every collector, safe to use from several threads.

    Every request carries the configured User-Agent, is checked against robots.txt (read once
    per host), waits its turn so two requests to one host start at least ``per_host_delay``
    apart, follows redirects itself (each hop re-checked), retries 429/502/503/504 and dropped
    connections, refuses private addresses unless allowed, and stops reading at ``max_bytes``.
    Failures raise a :class:`FetchError` subclass naming the failure mode.
    """

    def __init__(self, settings: CollectSettings | None = None, *, respect_robots: bool = True,
                 max_workers: int = MAX_WORKERS):
        self.settings = settings or CollectSettings()
        self.respect_robots = respect_robots
        self.max_workers = max(1, max_workers)
        ua = self.settings.user_agent
        self.user_agent = f"{ua} (+{self.settings.contact})" if self.settings.contact else ua
        # robots.txt groups are named by the product token: "Veille" in "Veille/0.1 (+…)".
        self.robots_agent = (re.split(r"[/\s]", ua.strip(), maxsplit=1)[0] or "*")
        self.policy = AddressPolicy(self.settings.allow_networks)
        self._client = httpx.Client(
            transport=_Transport(self.policy, max_connections=max(10, 2 * self.max_workers)),
            headers={"User-Agent": self.user_agent, "Accept-Encoding": "gzip, deflate"},
            timeout=httpx.Timeout(self.settings.timeout or None), follow_redirects=False,
            trust_env=False)
        self._lock = threading.Lock()
        self._next_start: dict[tuple[str, int], float] = {}
        self._robots: dict[tuple[str, str, int], _Robots] = {}
        self._robots_locks: dict[tuple[str, str, int], threading.Lock] = {}
        self._crawl_delay: dict[tuple[str, int], float] = {}
        self.stats = {"requests": 0, "bytes": 0, "retries": 0}

    # -- public API --

    def get(self, url: str, *, etag: str | None = None, last_modified: str | None = None,
            accept: str | None = None, params: dict | None = None,
            headers: dict[str, str] | None = None) -> Response:
        """Fetch ``url`` (``params`` added to its query) and return the final :class:`Response`.

        ``etag`` / ``last_modified`` make it a conditional GET: a 304 comes back as a Response
        with ``not_modified=True``. ``accept`` replaces the default Accept header; ``headers``
        are added (an ``Authorization``: never shown in messages, never sent to another host
        on a redirect). Raises a
        :class:`FetchError` subclass: UrlRefused, RobotsDisallowed, TooManyRedirects,
        HttpStatusError, RateLimited, FetchTimeout, TooLarge or ConnectionFailed.
        """
        target = self._parse(url, params)
        headers = {**(headers or {}), "Accept": accept or DEFAULT_ACCEPT}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        return self._follow(target, headers, self.settings.max_bytes, robots=self.respect_robots)

    def post(self, url: str, *, json_body: Any = None, headers: dict[str, str] | None = None,
             accept: str | None = "application/json", params: dict | None = None,
             content: bytes | None = None, content_type: str | None = None) -> Response:
        """POST ``json_body`` (serialised as JSON), or ``content`` as it is (of
        ``content_type``), to ``url`` (no body when both are None) and return the
        final :class:`Response`, under the same rules as :meth:`get`: user agent, robots.txt,
        per-host delay, address policy, size cap, retries and failure classes.

        ``headers`` are added to the request (an ``Authorization`` among them); they are never
        written in a message, and credentials are not carried to another host by a redirect.
        A 307/308 redirect repeats the POST; 301/302/303 continue with a GET, as browsers do.
        """
        target = self._parse(url, params)
        sent = {**(headers or {}), "Accept": accept or DEFAULT_ACCEPT}
        body = content
        if content is not None and content_type:
            sent["Content-Type"] = content_type
        if json_body is not None:
            body = json.dumps(json_body, ensure_ascii=False).encode("utf-8")
            sent["Content-Type"] = "application/json"
        return self._follow(target, sent, self.settings.max_bytes, robots=self.respect_robots,
                            method="POST", body=body)

    def get_many(self, urls: Iterable[str],
                 **kw: Any) -> Iterator[tuple[str, Response | FetchError]]:
        """Fetch every URL of ``urls`` (same keywords as :meth:`get`), yielding
        ``(url, Response | FetchError)`` as each completes.

        Hosts are fetched in parallel by a small thread pool; within a host requests go one at a
        time, ``per_host_delay`` apart. The next URL started is always the one whose host is
        free soonest, so a slow host does not hold up the others.
        """
        queues: dict[Any, deque[str]] = {}
        for url in urls:
            try:
                key: Any = _host_key(httpx.URL(url))
            except (httpx.InvalidURL, TypeError):
                key = url
            queues.setdefault(key, deque()).append(url)
        busy: set[Any] = set()
        running: dict[Future, tuple[Any, str]] = {}
        pool = ThreadPoolExecutor(max_workers=self.max_workers, thread_name_prefix="fetch")

        def start_ready() -> None:
            while len(running) < self.max_workers:
                idle = [k for k, q in queues.items() if q and k not in busy]
                if not idle:
                    return
                with self._lock:
                    key = min(idle, key=lambda k: self._next_start.get(k, 0.0))
                url = queues[key].popleft()
                busy.add(key)
                running[pool.submit(self._get_or_error, url, kw)] = (key, url)

        try:
            start_ready()
            while running:
                done, _ = wait(list(running), return_when=FIRST_COMPLETED)
                for future in done:
                    key, url = running.pop(future)
                    busy.discard(key)
                    yield url, future.result()
                start_ready()
        finally:
            pool.shutdown(wait=True, cancel_futures=True)

    def close(self) -> None:
        """Close the connections; the Fetcher cannot be used afterwards."""
        self._client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- internals --

    def _count(self, name: str, n: int = 1) -> None:
        with self._lock:
            self.stats[name] += n

    def _get_or_error(self, url: str, kw: dict[str, Any]) -> Response | FetchError:
        try:
            return self.get(url, **kw)
        except FetchError as exc:
            return exc

    def _parse(self, url: str, params: dict | None = None) -> httpx.URL:
        try:
            target = httpx.URL(str(url).strip())
            if params:
                target = target.copy_merge_params(params)
        except (httpx.InvalidURL, TypeError, ValueError) as exc:
            raise UrlRefused(f"{safe_url(url)!r} is not a valid URL: {exc}", url=str(url)) from None
        self._check_url(target, str(url))
        return target

    def _check_url(self, target: httpx.URL, asked: str) -> None:
        """Refuse non-http(s) URLs and literal IPs outside the policy before any connection."""
        if target.scheme not in ("http", "https"):
            raise UrlRefused(f"{safe_url(target)}: only http and https URLs are fetched",
                             url=asked)
        if not target.host:
            raise UrlRefused(f"{safe_url(target)}: the URL has no host", url=asked)
        try:
            reason = self.policy.refusal(target.host)
        except ValueError:
            return  # a host name: checked on its resolved addresses when connecting
        if reason:
            raise UrlRefused(f"refused {safe_url(target)}: {target.host} is a {reason} address "
                             f"{ALLOW_HINT}", url=asked)

    def _delay(self, key: tuple[str, int]) -> float:
        """Seconds between two requests to this host: ours, or its robots.txt Crawl-delay."""
        delay = max(0.0, self.settings.per_host_delay or 0.0)
        crawl_delay = self._crawl_delay.get(key)
        if crawl_delay:
            delay = max(delay, min(crawl_delay, MAX_CRAWL_DELAY))
        return delay

    def _wait_turn(self, key: tuple[str, int]) -> None:
        """Sleep until this host may be asked again, and book the next slot for it."""
        with self._lock:
            delay = self._delay(key)
            now = time.monotonic()
            start = max(now, self._next_start.get(key, 0.0))
            self._next_start[key] = start + delay
        if start > now:
            time.sleep(start - now)

    def _hold(self, key: tuple[str, int], seconds: float) -> None:
        """Keep every thread off this host for ``seconds`` (the server asked us to wait)."""
        with self._lock:
            until = time.monotonic() + seconds
            self._next_start[key] = max(self._next_start.get(key, 0.0), until)

    def _follow(self, target: httpx.URL, headers: dict[str, str], limit: int, *,
                robots: bool, truncate: bool = False, method: str = "GET",
                body: bytes | None = None) -> Response:
        asked = str(target)
        for _hop in range(MAX_REDIRECTS + 1):
            self._check_url(target, asked)
            if robots:
                self._check_robots(target)
            response = self._with_retries(target, headers, limit, truncate, method, body)
            if response.status in REDIRECT_STATUSES:
                location = response.headers.get("location")
                if not location:
                    raise HttpStatusError(f"HTTP {response.status} without a Location header "
                                          f"for {safe_url(target)}", response.status, asked)
                try:
                    moved = target.join(location.strip())
                except httpx.InvalidURL as exc:
                    raise UrlRefused(f"{safe_url(target)} redirects to an invalid URL: {exc}",
                                     url=asked) from None
                if _host_key(moved) != _host_key(target) or moved.scheme != target.scheme:
                    # Credentials were given for one host: another one never sees them.
                    headers = {k: v for k, v in headers.items()
                               if k.lower() not in SECRET_HEADERS}
                if method != "GET" and response.status in (301, 302, 303):
                    method, body = "GET", None
                    headers = {k: v for k, v in headers.items() if k.lower() != "content-type"}
                target = moved
                continue
            return response
        raise TooManyRedirects(f"more than {MAX_REDIRECTS} redirects starting at "
                               f"{safe_url(asked)} (last: {safe_url(target)})", url=asked)

    def _with_retries(self, target: httpx.URL, headers: dict[str, str], limit: int,
                      truncate: bool, method: str = "GET", body: bytes | None = None
                      ) -> Response:
        key = _host_key(target)
        shown = safe_url(target)
        for attempt in range(1, MAX_TRIES + 1):
            self._wait_turn(key)
            backoff = RETRY_BASE * 2 ** (attempt - 1)
            try:
                try:
                    response = self._once(target, headers, limit, truncate, method, body)
                finally:
                    # Count the delay from the end of this request too: a request that reached
                    # the server late (a busy host) would otherwise be followed too closely.
                    with self._lock:
                        self._next_start[key] = max(self._next_start.get(key, 0.0),
                                                    time.monotonic() + self._delay(key))
            except (httpx.ConnectError, httpx.RemoteProtocolError, httpx.ReadError,
                    httpx.WriteError) as exc:
                if attempt == MAX_TRIES:
                    raise ConnectionFailed(f"cannot fetch {shown} after {MAX_TRIES} tries: "
                                           f"{_describe(exc)}", url=str(target)) from None
                self._count("retries")
                self._hold(key, backoff)
                continue
            if response.status not in RETRY_STATUSES:
                return response
            asked = _retry_after(response.headers.get("retry-after"))
            if asked is not None and asked > MAX_RETRY_WAIT:
                if response.status == 429:
                    raise RateLimited(f"{shown} is rate-limited (HTTP 429) and asks to wait "
                                      f"{asked:.0f} s; try later", asked, str(target))
                raise HttpStatusError(f"HTTP {response.status} for {shown}; the server asks to "
                                      f"retry in {asked:.0f} s", response.status, str(target))
            if attempt == MAX_TRIES:
                if response.status == 429:
                    raise RateLimited(f"{shown} still answers HTTP 429 (too many requests) "
                                      f"after {MAX_TRIES} tries", asked, str(target))
                raise HttpStatusError(f"HTTP {response.status} for {shown} after {MAX_TRIES} "
                                      "tries", response.status, str(target))
            self._count("retries")
            self._hold(key, backoff if asked is None else asked)
        raise AssertionError("unreachable")  # pragma: no cover

    def _once(self, target: httpx.URL, headers: dict[str, str], limit: int,
              truncate: bool, method: str = "GET", body: bytes | None = None) -> Response:
        """One request, no retry: returns any status; error statuses >= 400 other than the
        retryable ones raise HttpStatusError."""
        shown = safe_url(target)
        timeout = self.settings.timeout or None
        _deadline.value = time.monotonic() + timeout if timeout else None
        self._count("requests")
        try:
            request = self._client.build_request(method, target, headers=headers,
                                                 content=body)
            response = self._client.send(request, stream=True)
            try:
                status = response.status_code
                result = Response(url=str(target), status=status, headers=response.headers,
                                  etag=response.headers.get("etag"),
                                  last_modified=response.headers.get("last-modified"))
                if status == 304:
                    result.not_modified = True
                    result.etag = result.etag or headers.get("If-None-Match")
                    result.last_modified = (result.last_modified
                                            or headers.get("If-Modified-Since"))
                    return result
                if status in REDIRECT_STATUSES or status in RETRY_STATUSES:
                    return result
                if status >= 400:
                    raise HttpStatusError(f"HTTP {status} {response.reason_phrase} for {shown}",
                                          status, str(target), self._error_body(response))
                result.content = self._read_body(response, limit, truncate, target)
                self._count("bytes", len(result.content))
                return result
            finally:
                response.close()
        except httpx.TimeoutException:
            raise FetchTimeout(f"{shown} did not answer within {timeout or 0:g} s",
                               url=str(target)) from None
        except _AddressRefused as exc:
            refused = UrlRefused(f"refused {shown}: {exc}", url=str(target))
            refused.reason = str(exc)
            raise refused from None
        except _NameNotResolved as exc:
            raise ConnectionFailed(f"cannot fetch {shown}: {exc}", url=str(target)) from None
        except (httpx.UnsupportedProtocol, httpx.InvalidURL) as exc:
            raise UrlRefused(f"refused {shown}: {exc}", url=str(target)) from None
        except (httpx.ConnectError, httpx.RemoteProtocolError, httpx.ReadError,
                httpx.WriteError):
            raise
        except httpx.HTTPError as exc:
            raise FetchError(f"cannot fetch {shown}: {_describe(exc)}", url=str(target)) from None
        finally:
            _deadline.value = None

    def _error_body(self, response: httpx.Response) -> bytes:
        """The start of an error answer, for the collector to read why; b"" when unreadable."""
        try:
            return self._read_body(response, min(ERROR_BODY_BYTES, self.settings.max_bytes),
                                   True, response.request.url)
        except (FetchError, httpx.HTTPError):
            return b""

    def _read_body(self, response: httpx.Response, limit: int, truncate: bool,
                   target: httpx.URL) -> bytes:
        """Read the body, decompressing gzip/deflate in bounded steps; stop past ``limit``."""
        shown, url = safe_url(target), str(target)
        too_large = f"{shown} is larger than the {limit:,} bytes allowed (max_bytes)"
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit and not truncate:
            raise TooLarge(f"{too_large}: it announces {int(declared):,} bytes", url=url)
        header = response.headers.get("content-encoding", "")
        codings = [c.strip().lower() for c in header.split(",")
                   if c.strip() and c.strip().lower() != "identity"]
        if len(codings) > 1 or (codings and codings[0] not in ("gzip", "x-gzip", "deflate")):
            raise FetchError(f"{shown} uses an unsupported Content-Encoding "
                             f"{', '.join(codings)!r}", url=url)
        inflater = _Inflater(codings[0]) if codings else None
        body = bytearray()
        raw_total = 0
        for raw in response.iter_raw(CHUNK):
            raw_total += len(raw)
            if inflater is None:
                body += raw
            else:
                inflater.push(raw)
                while piece := inflater.pull(limit - len(body) + 1):
                    body += piece
                    if len(body) > limit:
                        break
            if len(body) > limit or raw_total > limit:
                if truncate:
                    return bytes(body[:limit])
                raise TooLarge(too_large + (" once decompressed" if inflater else ""), url=url)
        return bytes(body)

    def _check_robots(self, target: httpx.URL) -> None:
        robots = self._robots_for(target)
        shown = safe_url(target)
        failure = robots.failure
        if isinstance(failure, UrlRefused) and failure.reason:
            raise UrlRefused(f"refused {shown}: {failure.reason}", url=str(target))
        if failure is not None:
            raise type(failure)(f"cannot fetch {shown}: its host failed when asked for "
                                f"robots.txt ({failure})", url=str(target))
        if robots.unreachable:
            raise RobotsDisallowed(f"not fetching {shown}: {robots.unreachable}; try later",
                                   url=str(target))
        if not robots.allows(target.raw_path.decode("ascii", "replace")):
            raise RobotsDisallowed(f"robots.txt of {target.host} disallows {shown} for "
                                   f"user agent {self.robots_agent!r}", url=str(target))

    def _robots_for(self, target: httpx.URL) -> _Robots:
        key = (target.scheme, *_host_key(target))
        with self._lock:
            cached = self._robots.get(key)
            if cached is not None:
                return cached
            lock = self._robots_locks.setdefault(key, threading.Lock())
        with lock:  # one thread reads a host's robots.txt; the others wait for its answer
            with self._lock:
                cached = self._robots.get(key)
            if cached is not None:
                return cached
            robots = self._read_robots(target)
            with self._lock:
                self._robots[key] = robots
                if robots.crawl_delay:
                    self._crawl_delay[key[1:]] = robots.crawl_delay
            return robots

    def _read_robots(self, target: httpx.URL) -> _Robots:
        url = target.copy_with(path="/robots.txt", query=None, fragment=None)
        where = f"robots.txt of {target.host}"
        try:
            response = self._follow(url, {"Accept": "text/plain,*/*;q=0.5"}, ROBOTS_MAX_BYTES,
                                    robots=False, truncate=True)
        except (RateLimited, HttpStatusError) as exc:
            status = getattr(exc, "status", 429)
            if status == 429 or status >= 500:
                return _Robots(unreachable=f"{where} answered HTTP {status}")
            return _Robots()  # 4xx: no usable robots.txt, so everything is allowed
        except (ConnectionFailed, FetchTimeout, UrlRefused) as exc:
            return _Robots(failure=exc)
        except FetchError:
            return _Robots()  # e.g. a redirect loop: treated as no robots.txt
        return parse_robots(response.text, self.robots_agent)


def _describe(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return text if len(text) <= 200 else text[:197] + "..."
