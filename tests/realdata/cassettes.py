"""Recorded HTTP answers (R vcr and vcrpy cassettes), replayed by a local server at their paths."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import yaml

from tests.localserver import Request

JSON = {"Content-Type": "application/json; charset=utf-8"}
# Parameters that choose a page: a request matches only a recording asking the same page.
PAGING = ("cursor", "max_id", "min_id", "since_id")


@dataclass
class Recording:
    """One recorded GET: where it went, and what the service answered."""

    url: str
    status: int
    headers: dict[str, str]
    body: str
    path: str = field(init=False)
    query: dict[str, str] = field(init=False)

    def __post_init__(self):
        parts = urlsplit(self.url)
        self.path = parts.path.rstrip("/") or "/"
        self.query = {k: v[0] for k, v in parse_qs(parts.query).items()}


def _header(value) -> str:
    """A recorded header value: vcr keeps lists for repeated headers, YAML folds long ones."""
    return ", ".join(value) if isinstance(value, list) else str(value)


def load(path: Path) -> list[Recording]:
    """Every GET of an R vcr (``http_interactions``) or vcrpy (``interactions``) cassette."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    out = []
    for entry in data.get("http_interactions") or data.get("interactions") or []:
        request, response = entry["request"], entry["response"]
        if request["method"].upper() != "GET":
            continue
        status = response["status"]
        status = status.get("status_code", status.get("code")) if isinstance(status, dict) \
            else status
        body = response["body"]["string"]
        body = body.decode("utf-8") if isinstance(body, bytes) else body
        headers = {k.lower(): _header(v) for k, v in (response.get("headers") or {}).items()}
        out.append(Recording(request["uri"], int(status), headers, body))
    return out


class Replay:
    """A LocalServer fallback answering each request with the recording it matches.

    A request matches a recording at the same path whose query parameters it all carries with
    the same values (``limit`` aside, and flags recorded as false, the services' defaults) and that
    asked the same page (``cursor``, ``max_id``…); the most specific match wins. Absolute
    links the service wrote to itself (``Link`` headers) are rewritten to the local server.
    ``empty`` answers, by path, what matches no recording there (a page nobody recorded).
    """

    def __init__(self, recordings: list[Recording], hosts: list[str],
                 empty: dict[str, str] | None = None):
        self.recordings = recordings
        self.hosts = hosts
        self.empty = empty or {}
        self.base = ""

    def route(self, request: Request):
        """Answer ``request`` from the recordings."""
        asked = {k: v[0] for k, v in request.query.items()}
        path = request.path.rstrip("/") or "/"
        found = [r for r in self.recordings if r.path == path and all(
            asked.get(k) == v for k, v in r.query.items()
            if k != "limit" and v.lower() != "false")
            and all(asked.get(k) == r.query.get(k) for k in PAGING)]
        if not found:
            if path in self.empty:
                return 200, JSON, self.empty[path]
            return 404, {"Content-Type": "text/plain"}, "not recorded"
        best = max(found, key=lambda r: len(r.query))
        headers = {"Content-Type": best.headers.get("content-type", JSON["Content-Type"])}
        for name in ("link", "ratelimit-remaining", "ratelimit-reset", "x-ratelimit-remaining",
                     "x-ratelimit-reset"):
            if name in best.headers:
                value = " ".join(best.headers[name].split())
                for host in self.hosts:
                    value = value.replace(f"https://{host}", self.base)
                headers[name] = value
        # The recordings are old: a quota said to be used up then has long been reset.
        if headers.get("ratelimit-remaining") == "0" or headers.get("x-ratelimit-remaining") \
                == "0":
            headers.pop("ratelimit-remaining", None)
            headers.pop("x-ratelimit-remaining", None)
        return best.status, headers, best.body
