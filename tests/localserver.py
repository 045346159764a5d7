"""A real HTTP server on 127.0.0.1 for tests: routes to canned answers, and a request log."""

from __future__ import annotations

import socket
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

# A route's answer: (status, headers, body). The body is bytes, str (sent as UTF-8), or an
# iterable of byte chunks (sent one by one with a flush after each, then the connection closes).
Body = bytes | str | Iterable[bytes]
Answer = tuple[int, dict[str, str], Body]
# A route is a fixed answer or a callable taking the Request; a callable may return None when it
# wrote the whole response itself through ``request.handler``.
Route = Answer | Callable[["Request"], Answer | None]


@dataclass
class Request:
    """One request the server received, as the tests inspect it."""

    method: str
    path: str
    query: dict[str, list[str]]
    target: str
    headers: Message
    body: bytes
    time: float
    host: str
    handler: Any = field(default=None, repr=False)

    def header(self, name: str, default: str | None = None) -> str | None:
        """The value of request header ``name`` (case-insensitive), or ``default``."""
        return self.headers.get(name, default)


class LocalServer:
    """A ``ThreadingHTTPServer`` on ``host`` (127.0.0.1 by default), port 0, in a background thread.

    ``routes`` maps a request target to an :data:`Answer` or a callable. Keys are tried in this
    order: ``"METHOD /path?query"``, ``"METHOD /path"``, ``"/path?query"``, ``"/path"``; anything
    else gets ``fallback`` (404 by default). Every request is appended to ``requests`` with a
    ``time.monotonic()`` timestamp, so tests can assert politeness and conditional GETs. Use it as
    a context manager, or call :meth:`start` and :meth:`stop`.
    """

    def __init__(self, routes: dict[str, Route] | None = None, host: str = "127.0.0.1",
                 fallback: Route | None = None):
        self.routes: dict[str, Route] = dict(routes or {})
        self.fallback: Route = fallback or (404, {"Content-Type": "text/plain"}, b"not found")
        self.requests: list[Request] = []
        self._lock = threading.Lock()
        server = _Server6 if ":" in host else _Server
        self._server = server((host, 0), _make_handler(self))
        self.host = host
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def netloc(self) -> str:
        """``host:port`` of this server (``[host]:port`` for an IPv6 address)."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host}:{self.port}"

    def url(self, path: str = "/") -> str:
        """The absolute URL of ``path`` on this server."""
        if not path.startswith("/"):
            path = "/" + path
        return f"http://{self.netloc}{path}"

    def start(self) -> LocalServer:
        """Start serving in the background; returns self."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the listening socket."""
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> LocalServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def hits(self, path: str) -> list[Request]:
        """The requests received for ``path`` (query ignored), oldest first."""
        with self._lock:
            return [r for r in self.requests if r.path == path]

    def clear(self) -> None:
        """Forget the requests received so far."""
        with self._lock:
            self.requests.clear()

    def _record(self, request: Request) -> None:
        with self._lock:
            self.requests.append(request)

    def _route(self, request: Request) -> Route:
        for key in (f"{request.method} {request.target}", f"{request.method} {request.path}",
                    request.target, request.path):
            if key in self.routes:
                return self.routes[key]
        return self.fallback


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client closing its keep-alive connection is normal, not worth a traceback.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class _Server6(_Server):
    address_family = socket.AF_INET6


def _make_handler(owner: LocalServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # Headers and body go out in separate writes; without this, Nagle's algorithm and the
        # client's delayed ACK add 40 ms to every response.
        disable_nagle_algorithm = True
        # Idle keep-alive connections are dropped after this, so stray threads end.
        timeout = 30

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib name
            pass

        def _handle(self) -> None:
            started = time.monotonic()
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            parts = urlsplit(self.path)
            request = Request(method=self.command, path=parts.path or "/",
                              query=parse_qs(parts.query, keep_blank_values=True),
                              target=self.path, headers=self.headers, body=body, time=started,
                              host=self.headers.get("Host", ""), handler=self)
            owner._record(request)
            route = owner._route(request)
            answer = route(request) if callable(route) else route
            if answer is None:
                self.close_connection = True
                return
            status, headers, payload = answer
            self._send(status, headers, payload)

        def _send(self, status: int, headers: dict[str, str], payload: Body) -> None:
            self.send_response(status)
            names = {k.lower() for k in headers}
            for name, value in headers.items():
                self.send_header(name, value)
            if isinstance(payload, str):
                payload = payload.encode("utf-8")
            if isinstance(payload, bytes):
                if "content-length" not in names:
                    self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(payload)
                return
            # A stream of chunks: no length known, so the end of the body is the connection's.
            self.send_header("Connection", "close")
            self.close_connection = True
            self.end_headers()
            try:
                for chunk in payload:
                    self.wfile.write(chunk)
                    self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError):
                pass

        do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = _handle

    return Handler


def sequence(*answers: Answer) -> Callable[[Request], Answer]:
    """A route that gives ``answers`` in turn, one per request, then repeats the last one."""
    lock = threading.Lock()
    remaining = list(answers)

    def route(request: Request) -> Answer:
        with lock:
            return remaining.pop(0) if len(remaining) > 1 else remaining[0]

    return route


def conditional(body: Body, *, etag: str | None = None, last_modified: str | None = None,
                content_type: str = "application/xml") -> Callable[[Request], Answer]:
    """A route that answers 304 when the request's If-None-Match / If-Modified-Since match."""

    def route(request: Request) -> Answer:
        headers = {"Content-Type": content_type}
        if etag:
            headers["ETag"] = etag
        if last_modified:
            headers["Last-Modified"] = last_modified
        if (etag and request.header("If-None-Match") == etag) or (
                last_modified and request.header("If-Modified-Since") == last_modified):
            return 304, headers, b""
        return 200, headers, body

    return route


def drip(chunk: bytes = b"x", every: float = 0.5, limit: float = 60.0) -> Iterator[bytes]:
    """Body chunks sent one every ``every`` seconds, for at most ``limit`` seconds."""
    end = time.monotonic() + limit
    while time.monotonic() < end:
        yield chunk
        time.sleep(every)
