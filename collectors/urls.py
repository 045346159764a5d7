"""URL canonicalisation: one spelling per document so the same page is one item."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

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


# Query parameters whose values are credentials; masked wherever a URL is stored or shown.
_SECRET_PARAM = re.compile(
    r"(?:^|[_\-.])(?:api_?key|key|\w*token|secret|pass(?:word|wd)?|auth|authorization|sig|"
    r"signature|session\w*|sid|credentials?|code)$", re.I)


def redact_url(url: str) -> str:
    """``url`` without user:password and with secret-looking query values (``api_key``,
    ``token``, ``signature``…) replaced by ``***``: the form that is stored, logged and shown."""
    try:
        parts = urlsplit(url)
        netloc = parts.netloc.rpartition("@")[2]
        query = urlencode([(k, "***" if _SECRET_PARAM.search(k) else v)
                           for k, v in parse_qsl(parts.query, keep_blank_values=True)],
                          safe="*")
        if netloc == parts.netloc and query == parts.query:
            return url  # nothing secret: keep the exact spelling
        return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))
    except ValueError:
        return url
