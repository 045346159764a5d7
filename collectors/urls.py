"""URL canonicalisation: one spelling per document so the same page is one item."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit, urlunsplit

# Parameters that only say how a visitor arrived; they never change the document.
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hsa_")
TRACKING_PARAMS = frozenset(
    {"fbclid", "gclid", "dclid", "msclkid", "yclid", "mc_cid", "mc_eid", "igshid", "ref_src",
     "_hsenc", "_hsmi", "mkt_tok", "oly_anon_id", "oly_enc_id", "vero_id", "wt_mc", "at_medium",
     "at_campaign", "xtor"}
)
DEFAULT_PORTS = {"http": 80, "https": 443}


def canonical_url(url: str) -> str:
    """Return the canonical spelling of ``url``.

    Lower-cases scheme and host, drops default ports, the fragment and tracking parameters
    (``utm_*``, ``fbclid``…), and sorts the remaining query so parameter order does not matter.
    A string that is not an absolute http(s) URL comes back stripped but otherwise unchanged.
    """
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS or not parts.hostname:
        return url
    host = parts.hostname.lower()
    if ":" in host:
        host = f"[{host}]"  # an IPv6 literal keeps its brackets, or the port would run into it
    try:
        port = parts.port
    except ValueError:
        port = None
    netloc = host if port in (None, DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    if parts.username:
        netloc = f"{parts.username}@{netloc}"
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if k.lower() not in TRACKING_PARAMS and not k.lower().startswith(TRACKING_PREFIXES)
    ]
    query.sort()
    path = parts.path or "/"
    return urlunsplit((scheme, netloc, path, urlencode(query), ""))


# Query parameters whose values are credentials, by name: api_key, access_token, jwt, ticket,
# X-Amz-Signature, session_id, password… (masked wherever a URL is stored or shown).
_SECRET_PARAM = re.compile(
    r"(?:^|[_\-.])(?:\w*(?:key|token|secret|passw(?:or)?d|passwd|pwd|jwt|ticket|signature|"
    r"credentials?|hmac|bearer|otp)|pass|auth\w*|sig|session\w*|sid|code|access\w*|"
    r"private\w*)$", re.I)
_SEPARATORS = re.compile(r"[-_.~]")
_TOKEN = re.compile(r"^[A-Za-z0-9+/=%_\-.~]+$")
_KIND_CHANGE = re.compile(r"(?<=[A-Za-z])(?=[0-9])|(?<=[0-9])(?=[A-Za-z])")
_HEX = re.compile(r"^[0-9a-f]+$", re.I)
MASK = "***"


def looks_secret(value: str, shortest: int = 16) -> bool:
    """True when ``value`` (a query value or a path segment) reads like a key or a token rather
    than a word, a slug, a date or a short id.

    A value is cut at ``-``, ``_``, ``.`` and ``~``; it looks secret when one piece of at least
    ``shortest`` characters is random-looking: letters and digits interleaved (at least three
    switches between them), 32 or more hex digits, or a number too long for a post id (from
    ``shortest + 4`` digits: 20 by default, where tweet ids have 19). Slugs
    (``acme-lowers-prices-2026``), UUIDs and ids such as ``article123456`` do not.
    """
    text = unquote(value)
    if len(text) < shortest or not _TOKEN.match(text):
        return False
    for piece in _SEPARATORS.split(text):
        if len(piece) < shortest:
            continue
        if piece.isdigit():
            if len(piece) >= shortest + 4:
                return True
        elif (len(piece) >= 32 and _HEX.match(piece)) or len(_KIND_CHANGE.findall(piece)) >= 3:
            return True
    return False


def url_secrets(url: str) -> tuple[str, ...]:
    """The path segments of a configured source URL that may be what keeps it private (a
    private feed's ``/alerts/feeds/<id>/<secret>``): judged like :func:`looks_secret` but from
    10 characters, since whoever holds this URL holds the feed."""
    try:
        path = urlsplit(url).path
    except ValueError:
        return ()
    return tuple(dict.fromkeys(seg for seg in path.split("/") if looks_secret(seg, 10)))


def redact_url(url: str, secrets: Iterable[str] = ()) -> str:
    """``url`` as it is stored, logged and shown: without user:password, with secret query
    values (by name: ``api_key``, ``token``, ``jwt``, ``ticket``, ``access``…, or because they
    look random) and random-looking path segments replaced by ``***``; so are ``secrets``
    (from :func:`url_secrets`) wherever they stand in the path or the query."""
    hidden = set(secrets)

    def secret(value: str) -> bool:
        return value in hidden or looks_secret(value)

    try:
        parts = urlsplit(url)
        netloc = parts.netloc.rpartition("@")[2]
        path = "/".join(MASK if secret(seg) else seg for seg in parts.path.split("/"))
        query = urlencode([(k, MASK if _SECRET_PARAM.search(k) or secret(v) else v)
                           for k, v in parse_qsl(parts.query, keep_blank_values=True)],
                          safe="*")
        if netloc == parts.netloc and path == parts.path and query == parts.query:
            return url  # nothing secret: keep the exact spelling
        return urlunsplit((parts.scheme, netloc, path, query, parts.fragment))
    except ValueError:
        return url


def state_key(url: str) -> str:
    """The key a configured URL's state (ETag, snapshot, entries seen) is kept under: the URL
    as :func:`redact_url` stores it, plus a short digest of the real one when that hid
    something, so two private feeds that differ only by their secret never share a state."""
    shown = redact_url(url, url_secrets(url))
    if shown == url:
        return url
    digest = hashlib.md5(url.encode("utf-8"), usedforsecurity=False).hexdigest()[:8]
    return f"{shown}#{digest}"
