"""The app server answers only to the host names it is meant to have (no DNS rebinding)."""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from typing import Any

from config import ConfigError, default_config_path, load_ui
from config.watch import host_name

# Names a browser on this machine uses for the app; always allowed.
LOOPBACK = ("127.0.0.1", "localhost", "::1")
# Addresses Streamlit may bind to that stand for "every interface", not a name to answer to.
_WILDCARDS = {"", "0.0.0.0", "::"}  # noqa: S104 - compared with, never bound to
ENV = "VEILLE_ALLOWED_HOSTS"
REFUSED = (b"This Veille app does not answer to this host name. If you serve it under this "
           b"name (behind a reverse proxy), add the name to [ui] allowed_hosts in watch.toml "
           b"or to VEILLE_ALLOWED_HOSTS, and restart the app.\n")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
ASGIApp = Callable[[Scope, Callable[[], Awaitable[Message]], Callable[[Message], Awaitable[None]]],
                   Awaitable[None]]


def request_host(header: str) -> str | None:
    """The host name of a ``Host`` header (``name``, ``name:port``, ``[v6]:port``) as
    :func:`config.watch.host_name` spells it, or None when it is not a host name."""
    text = header.strip()
    if text.startswith("["):
        name, bracket, rest = text[1:].partition("]")
        if not bracket or (rest and not (rest.startswith(":") and rest[1:].isdigit())):
            return None
    else:
        name, colon, port = text.rpartition(":")
        if not colon:
            name = text
        elif not port.isdigit():
            return None
    try:
        return host_name(name)
    except ValueError:
        return None


class HostGuard:
    """ASGI middleware: a request (HTTP or websocket) whose ``Host`` is not in ``allowed`` is
    refused with 403 before any of the app sees it.

    A page on another site can make its own name resolve to 127.0.0.1 (DNS rebinding); the
    browser then treats the app as that site's and sends ``Host: that-name``. Checking the
    name, not the address, is what tells such a request from one typed by the user.
    """

    def __init__(self, app: ASGIApp, allowed: Iterable[str]):
        self.app = app
        self.allowed = frozenset(allowed)

    async def __call__(self, scope: Scope, receive: Callable[[], Awaitable[Message]],
                       send: Callable[[Message], Awaitable[None]]) -> None:
        """Pass an allowed request (and lifespan events) on to the app; refuse the others."""
        if scope["type"] not in ("http", "websocket") or self._allows(scope):
            await self.app(scope, receive, send)
        elif scope["type"] == "http":
            await send({"type": "http.response.start", "status": 403,
                        "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                                    (b"x-content-type-options", b"nosniff"),
                                    (b"content-length", str(len(REFUSED)).encode())]})
            await send({"type": "http.response.body", "body": REFUSED})
        else:
            # Closing before accepting makes the server answer the upgrade with 403.
            await send({"type": "websocket.close", "code": 1008})

    def _allows(self, scope: Scope) -> bool:
        hosts = [v for k, v in scope.get("headers") or [] if k == b"host"]
        if len(hosts) != 1:
            return False
        return request_host(hosts[0].decode("latin-1")) in self.allowed


def configured_hosts(config: str | None = None) -> list[str]:
    """The host names the user allows besides the loopback ones: ``VEILLE_ALLOWED_HOSTS``
    (separated by commas or spaces) when set, else ``[ui] allowed_hosts`` of the watch file.

    Raises :class:`config.ConfigError` naming each entry that is not a host name.
    """
    env = os.environ.get(ENV)
    if env is None:
        return load_ui(config or default_config_path()).allowed_hosts
    names, problems = [], []
    for word in env.replace(",", " ").split():
        try:
            names.append(host_name(word))
        except ValueError as exc:
            problems.append(str(exc))
    if problems:
        raise ConfigError(ENV, problems)
    return names


def allowed_hosts(configured: Iterable[str], bound: str = "") -> list[str]:
    """Every host name the app answers to: the loopback names, the address the server is bound
    to (``bound``, unless it stands for every interface) and the ``configured`` names."""
    names = [*LOOPBACK, *configured]
    if bound.strip() not in _WILDCARDS:
        try:
            names.append(host_name(bound))
        except ValueError:
            pass  # not an address a browser can name (a socket path): nothing to allow
    return names


def install(configured: Iterable[str]) -> None:
    """Put :class:`HostGuard` in front of every request of the Streamlit server started in this
    process, allowing :func:`allowed_hosts` for the ``configured`` names and the address the
    server is bound to.

    Raises RuntimeError when this Streamlit has no Starlette server to guard: serving without
    the check would be a silent hole.
    """
    try:
        from starlette.middleware import Middleware
        from streamlit import config
        from streamlit.web.server.starlette import starlette_app
    except ImportError as exc:  # pragma: no cover - guarded Streamlit versions have it
        raise RuntimeError(f"cannot guard the app server's host names: {exc}") from exc
    original = getattr(starlette_app, "create_streamlit_middleware", None)
    if original is None:  # pragma: no cover - guarded Streamlit versions have it
        raise RuntimeError("cannot guard the app server's host names: this Streamlit builds "
                           "its server differently")
    names = list(configured)

    def create_streamlit_middleware() -> list[Middleware]:
        # Called when the server starts, once the command line has set the address. First in
        # the list is outermost: no other middleware or route sees a refused request.
        bound = str(config.get_option("server.address") or "")
        guard = Middleware(HostGuard, allowed=allowed_hosts(names, bound))
        return [guard, *original()]

    starlette_app.create_streamlit_middleware = create_streamlit_middleware
