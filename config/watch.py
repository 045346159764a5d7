"""Load and validate watch.toml: every problem named by file, entry and field, before any work."""

from __future__ import annotations

import hashlib
import ipaddress
import json
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from analysis.query import Query, QuerySyntaxError, compile_query
from config.options import Option
from i18n.catalog import LANGUAGES, normalise

ROOT = Path(__file__).resolve().parent.parent
_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")
# A palette that stays readable on a wall screen and for the common colour blindnesses.
PALETTE = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf",
           "#bcbd22", "#7f7f7f"]

BRAND_KEYS = {
    "name": Option("str", required=True, help="How the brand is shown in every chart."),
    "query": Option("str", required=True, help="Brand query: phrases, OR, AND, NOT, @x, #x."),
    "own": Option("bool", False, help="true for your own brand (at most one)."),
    "color": Option("str", None, help="Fixed colour as #rrggbb; a palette colour otherwise."),
    "exclude": Option("str", None, help="Brand query whose matches never count for the brand."),
    "products": Option("list", [], help="Product names or queries that count for the brand "
                                        "(e.g. [\"iPhone\", '\"Apple Watch\"'])."),
    "accounts": Option("table", {}, help="The brand's own accounts per channel, collected as its "
                                         "own voice: bluesky, mastodon (@user@host), youtube "
                                         "(channel id), web (a feed URL)."),
}
# Channels a brand's own account can be on, and the source kind that reads each.
ACCOUNT_KINDS = {"bluesky": "bluesky", "mastodon": "mastodon", "youtube": "youtube",
                 "reddit": "reddit", "web": "feeds"}
# Settings an own account's source takes from the first configured source of its kind: a
# self-hosted AppView, a test server, praw's site.
_SHARED_ENDPOINTS = ("api_url", "service_url", "oauth_url", "reddit_url", "site")
SOURCE_KEYS = {
    "name": Option("str", required=True, help="Unique name of the source, shown in the app."),
    "kind": Option("str", required=True, help="Source kind: demo, file, web, feeds, reddit…"),
    "every": Option("duration", 3600.0, help="How often `collectors watch` runs it (30m, 6h, 1d)."),
    "enabled": Option("bool", True, help="false to keep the source configured but not collected."),
}
COLLECT_KEYS = {
    "user_agent": Option("str", "Veille/0.1 (+https://github.com/veille/veille)",
                         help="User-Agent sent with every request."),
    "contact": Option("str", "", help="A URL or address site owners can reach you at."),
    "per_host_delay": Option("float", 2.0, help="Seconds between two requests to one host."),
    "timeout": Option("float", 20.0, help="Seconds before a request is abandoned."),
    "max_bytes": Option("int", 10_000_000, help="Largest download accepted, in bytes."),
    "allow_networks": Option("list", [], help="Private/loopback CIDRs that may be fetched."),
    "sentiment": Option("str", "fast",
                        help="English sentiment model: \"fast\" (n-grams, thousands of posts a "
                             "second) or \"precise\" (adds sentence embeddings: better, about "
                             "300 posts a second)."),
}
SENTIMENT_MODES = ("fast", "precise")
UI_KEYS = {
    "language": Option("str", "", help="Language of the app, reports and messages: \"fr\" or "
                                       "\"en\" (default: the browser's; VEILLE_LANG wins)."),
    "base_url": Option("str", "", help="The app's address as readers reach it, for the links "
                                       "in notifications (default: http://127.0.0.1:8501)."),
    "allowed_hosts": Option("list", [], help="Host names the app answers to besides 127.0.0.1, "
                                             "localhost and ::1 (a reverse proxy's public name)."),
    "editors": Option("list", [], help="With sign-in on: who may edit (addresses such as "
                                       "\"cm@acme.fr\" or whole domains such as \"@acme.fr\"); "
                                       "everyone else signed in only views."),
}
NOTIFY_KEYS = {
    "name": Option("str", required=True, help="A name for this target, shown in logs."),
    "url": Option("str", required=True,
                  help="An Apprise URL (mailto://, json://, slack://…), or env:NAME to read it "
                       "from the environment; a URL carrying a secret must come from env:."),
    "events": Option("list", ["alert"], help="What is sent: alert (a new spike), "
                                             "source_unhealthy (a source failing or silent), "
                                             "page_change (a watched page changed), "
                                             "unanswered (questions and complaints about "
                                             "the own brand waiting for an answer)."),
    "unanswered_after": Option("duration", 4 * 3600.0,
                               help="How long a question or complaint about the own brand "
                                    "waits before it is sent as unanswered (default 4h)."),
    "brands": Option("list", [], help="Only these brands' alerts (default: every brand)."),
    "min_ratio": Option("float", None, help="Only spikes at least this many times the usual."),
    "quiet_hours": Option("str", "", help="Hours to hold messages back, in this machine's "
                                          "local time, e.g. \"22:00-07:00\"; sent after."),
}
NOTIFY_EVENTS = ("alert", "source_unhealthy", "page_change", "unanswered")
DIGEST_KEYS = {
    "name": Option("str", required=True, help="A name for this digest (reports send --digest)."),
    "schedule": Option("str", required=True,
                       help="When it is sent, in this machine's local time: \"daily 08:00\" or "
                            "\"weekly monday 08:30\"."),
    "targets": Option("list", required=True, help="Names of [[notify]] targets it goes to."),
    "period": Option("str", "7d", help="The period it covers: 7d, 30d, 90d, quarter or all."),
    "views": Option("list", [], help="Views of the attached report (default: every view)."),
}
DIGEST_PERIODS = ("7d", "30d", "90d", "quarter", "all")
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_SCHEDULE = re.compile(r"^\s*(daily|weekly\s+(\w+))\s+(\d{1,2}):(\d{2})\s*$", re.IGNORECASE)
TOP_KEYS = {"name", "brands", "sources", "collect", "ui", "notify", "digests"}
# A DNS name or an IP address, as a browser sends it in the Host header (without the port).
_HOST_NAME = re.compile(r"^(?=.{1,253}$)[a-z0-9_]([a-z0-9_-]{0,62}[a-z0-9_])?"
                        r"(\.[a-z0-9_]([a-z0-9_-]{0,62}[a-z0-9_])?)*\.?$")


class ConfigError(Exception):
    """watch.toml is wrong; ``problems`` lists every finding, each naming entry and field."""

    def __init__(self, path: Path | str, problems: list[str]):
        self.path = str(path)
        self.problems = problems
        super().__init__("\n".join(f"{self.path}: {p}" for p in problems))


@dataclass
class Brand:
    """A watched brand: its display name, query, whether it is ours, and its colour.

    ``exclude`` (a query) and ``products`` (queries) refine ``query``; ``compiled`` is the
    three of them combined by :func:`brand_query`, what every matcher uses.
    """

    name: str
    query: str
    own: bool = False
    color: str = PALETTE[0]
    compiled: Query | None = field(default=None, repr=False, compare=False)
    exclude: str | None = None
    products: list[str] = field(default_factory=list)
    accounts: dict[str, str] = field(default_factory=dict)  # channel -> handle, id or URL


def brand_query(query: str, products: list[str] | tuple[str, ...] = (),
                exclude: str | None = None) -> Query:
    """Compile a brand's effective query: ``query`` or any product, minus ``exclude``.

    Each part is checked on its own first, so a syntax error names the part it is in
    (:class:`QuerySyntaxError` with ``.field`` set to ``query``, ``products[i]`` or
    ``exclude``). The parts are joined with parentheses, so the operators inside one never
    bind to another: ``(query) OR (p1) OR (p2) NOT (exclude)``.
    """
    parts = [("query", query)] + [(f"products[{i}]", p) for i, p in enumerate(products)]
    if exclude is not None and exclude.strip():
        parts.append(("exclude", exclude))
    for name, text in parts:
        try:
            compile_query(text)
        except QuerySyntaxError as exc:
            exc.field = name
            raise
    excluded = exclude is not None and bool(exclude.strip())
    if not products and not excluded:
        return compile_query(query)
    # NOT binds tighter than OR: the alternatives are grouped before the exclusion applies.
    text = " OR ".join(f"({part})" for part in [query, *products])
    if products:
        text = f"({text})"
    if excluded:
        text = f"{text} NOT ({exclude})"
    return compile_query(text)


@dataclass
class CollectSettings:
    """The ``[collect]`` table: how Veille behaves on the web."""

    user_agent: str = COLLECT_KEYS["user_agent"].default
    contact: str = ""
    per_host_delay: float = 2.0
    timeout: float = 20.0
    max_bytes: int = 10_000_000
    allow_networks: list[ipaddress.IPv4Network | ipaddress.IPv6Network] = field(
        default_factory=list)
    sentiment: str = "fast"  # one of SENTIMENT_MODES

    @property
    def precise(self) -> bool:
        """Whether English posts are read by the precise sentiment model."""
        return self.sentiment == "precise"


@dataclass
class UISettings:
    """The ``[ui]`` table: how the app's server behaves."""

    allowed_hosts: list[str] = field(default_factory=list)
    language: str | None = None
    base_url: str = "http://127.0.0.1:8501"
    editors: tuple[str, ...] = ()  # lower-case addresses and "@domain" entries


@dataclass(frozen=True)
class NotifyTarget:
    """Where notifications go: an Apprise URL (or ``env:NAME``) and what is sent there."""

    name: str
    url: str = field(repr=False)  # may name a secret: never printed
    events: tuple[str, ...] = ("alert",)
    brands: tuple[str, ...] = ()
    min_ratio: float | None = None
    quiet: tuple[int, int] | None = None  # minutes after midnight: from, to
    unanswered_after: float = 4 * 3600.0  # seconds

    def is_quiet(self, minute_of_day: int) -> bool:
        """True when messages are held back at this minute of the local day."""
        if self.quiet is None:
            return False
        start, end = self.quiet
        if start <= end:
            return start <= minute_of_day < end
        return minute_of_day >= start or minute_of_day < end  # across midnight

    def resolve_url(self) -> str:
        """The Apprise URL itself, read from the environment for ``env:NAME``.

        Raises ValueError naming the variable when it is not set.
        """
        if not self.url.startswith("env:"):
            return self.url
        name = self.url[4:]
        value = os.environ.get(name, "").strip()
        if not value:
            raise ValueError(f"environment variable {name} is not set")
        return value


@dataclass(frozen=True)
class Digest:
    """A report sent on a schedule: when (``weekday`` None for every day), what and to whom."""

    name: str
    hour: int
    minute: int
    weekday: int | None  # 0 for Monday
    targets: tuple[str, ...]
    period: str = "7d"
    views: tuple[str, ...] = ()


def parse_schedule(text: str) -> tuple[int | None, int, int]:
    """``"daily 08:00"`` → (None, 8, 0); ``"weekly monday 08:30"`` → (0, 8, 30).

    Raises ValueError saying what is expected.
    """
    match = _SCHEDULE.match(text or "")
    if not match:
        raise ValueError(f"{text!r}: expected \"daily HH:MM\" or \"weekly monday HH:MM\"")
    day_name, hour, minute = match.group(2), int(match.group(3)), int(match.group(4))
    if hour > 23 or minute > 59:
        raise ValueError(f"{text!r}: {hour:02d}:{minute:02d} is not a time of day")
    if day_name is None:
        return None, hour, minute
    if day_name.lower() not in WEEKDAYS:
        raise ValueError(f"{text!r}: {day_name!r} is not a day of the week (monday…sunday)")
    return WEEKDAYS.index(day_name.lower()), hour, minute


@dataclass
class Source:
    """A configured source: its name, kind, interval and its kind's own settings."""

    name: str
    kind: str
    every: float = 3600.0
    enabled: bool = True
    settings: dict[str, Any] = field(default_factory=dict)
    own: str | None = None  # the brand whose own account this source reads (its own voice)


@dataclass
class Watch:
    """The whole watch.toml, validated."""

    path: Path
    name: str
    brands: list[Brand]
    sources: list[Source]
    collect: CollectSettings
    ui: UISettings = field(default_factory=UISettings)
    notify: list[NotifyTarget] = field(default_factory=list)
    digests: list[Digest] = field(default_factory=list)

    def digest(self, name: str) -> Digest:
        """The digest called ``name``; KeyError naming the ones there are."""
        for digest in self.digests:
            if digest.name == name:
                return digest
        known = ", ".join(d.name for d in self.digests) or "none"
        raise KeyError(f"no digest named {name!r} in {self.path} (configured: {known})")

    def source(self, name: str) -> Source:
        """Return the source called ``name``; raise KeyError if there is none."""
        for src in self.sources:
            if src.name == name:
                return src
        raise KeyError(name)


def default_config_path() -> Path:
    """The config file: ``VEILLE_CONFIG`` if set, else ``watch.toml`` at the repository root."""
    return Path(os.environ.get("VEILLE_CONFIG") or ROOT / "watch.toml")


# A store target naming a DuckLake rather than a file (store.lake.PREFIX): kept as text, since
# a Path would fold the "//" of a postgresql:// URL in its conninfo.
LAKE_PREFIX = "ducklake:"


def store_target(text: str | Path) -> Path | str:
    """A ``--db`` value or ``VEILLE_DB``: a lake's ``ducklake:…`` target unchanged, else the
    DuckDB file's path."""
    return str(text) if str(text).startswith(LAKE_PREFIX) else Path(text)


def local_twin(db: Path | str) -> Path:
    """The path the files kept beside a store are named after (its retrained models, the
    scheduler's heartbeat, the app's collect lock): a DuckDB file itself; for a lake, a name
    in ``data/`` made from a digest of its target, so no conninfo (nor its password) ever ends
    up in a file name, and the "//" a Path folds gives the same name."""
    if not str(db).startswith(LAKE_PREFIX):
        return Path(db)
    digest = hashlib.sha256(re.sub("/+", "/", str(db)).encode()).hexdigest()[:12]
    return ROOT / "data" / f"lake-{digest}.duckdb"


def default_db_path() -> Path | str:
    """The database: ``VEILLE_DB`` if set (a file or a lake), else ``data/veille.duckdb`` at the
    repository root."""
    return store_target(os.environ.get("VEILLE_DB") or ROOT / "data" / "veille.duckdb")


def load_watch(path: Path | str | None = None,
               kinds: Mapping[str, Mapping[str, Option]] | None = None) -> Watch:
    """Read, validate and return the watch at ``path`` (default: :func:`default_config_path`).

    ``kinds`` maps each known source kind to its own keys; when given, unknown kinds and keys
    are errors. Raises :class:`ConfigError` listing every problem found; nothing is partially
    accepted.
    """
    path = Path(path) if path is not None else default_config_path()
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(path, ["file not found (set --config or VEILLE_CONFIG)"]) from None
    except OSError as exc:
        raise ConfigError(path, [f"cannot be read: {exc.strerror or exc}"]) from None
    try:
        data = tomllib.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise ConfigError(path, [f"is not UTF-8 text (byte {exc.start})"]) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(path, [f"is not valid TOML: {exc}"]) from None
    return _validate(path, data, kinds)


def _validate(path: Path, data: dict[str, Any],
              kinds: Mapping[str, Mapping[str, Option]] | None) -> Watch:
    problems: list[str] = []
    for key in data:
        if key not in TOP_KEYS:
            problems.append(f"unknown top-level key {key!r} (expected one of: "
                            f"{', '.join(sorted(TOP_KEYS))})")
    name = data.get("name", path.stem)
    if not isinstance(name, str):
        problems.append("top-level key 'name': expected a string")
        name = path.stem

    brands = _brands(data.get("brands", []), problems)
    sources = _sources(data.get("sources", []), kinds, problems)
    sources += own_sources(brands, kinds, sources, problems)
    collect = _collect(data.get("collect", {}), problems)
    ui = _ui(data.get("ui", {}), problems)
    notify = _notify(data.get("notify", []), {b.name for b in brands}, problems)
    digests = _digests(data.get("digests", []), {t.name for t in notify}, problems)
    if problems:
        raise ConfigError(path, problems)
    return Watch(path=path, name=name, brands=brands, sources=sources, collect=collect, ui=ui,
                 notify=notify, digests=digests)


def _digests(value: Any, targets: set[str], problems: list[str]) -> list[Digest]:
    out: list[Digest] = []
    seen: set[str] = set()
    for i, entry in enumerate(_entries(value, "digests", problems)):
        label = _label("digests", i, entry)
        vals = _check_keys(entry, DIGEST_KEYS, label, problems)
        name = vals.get("name")
        if not isinstance(name, str) or "schedule" not in vals or "targets" not in vals:
            continue
        if name in seen:
            problems.append(f"{label}, field 'name': {name!r} is used by another digest")
        seen.add(name)
        try:
            weekday, hour, minute = parse_schedule(vals["schedule"])
        except ValueError as exc:
            problems.append(f"{label}, field 'schedule': {exc}")
            continue
        missing = [t for t in vals["targets"] if t not in targets]
        if missing or not vals["targets"]:
            problems.append(f"{label}, field 'targets': no [[notify]] target named "
                            f"{', '.join(map(repr, missing)) or '(none given)'}")
        if vals["period"] not in DIGEST_PERIODS:
            problems.append(f"{label}, field 'period': {vals['period']!r} is not one of "
                            f"{', '.join(DIGEST_PERIODS)}")
        out.append(Digest(name, hour, minute, weekday, tuple(vals["targets"]), vals["period"],
                          tuple(vals.get("views") or ())))
    return out


# A long run of letters mixed with digits in a URL's path or query: a token, not a word.
_TOKEN = re.compile(r"(?=[A-Za-z0-9_-]*\d)(?=[A-Za-z0-9_-]*[A-Za-z])[A-Za-z0-9_-]{16,}")


def _secret_in(url: str) -> str | None:
    """What in a literal Apprise URL looks like a secret (a password, a token), or None."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.password:
        return "a password"
    if _TOKEN.search(parts.path) or _TOKEN.search(parts.query) or (
            parts.username and _TOKEN.fullmatch(parts.username)):
        return "a token"
    return None


def _notify(value: Any, brands: set[str], problems: list[str]) -> list[NotifyTarget]:
    targets: list[NotifyTarget] = []
    seen: set[str] = set()
    for i, entry in enumerate(_entries(value, "notify", problems)):
        label = _label("notify", i, entry)
        vals = _check_keys(entry, NOTIFY_KEYS, label, problems)
        name, url = vals.get("name"), vals.get("url")
        if not isinstance(name, str) or not isinstance(url, str):
            continue
        if name in seen:
            problems.append(f"{label}, field 'name': {name!r} is used by another target")
        seen.add(name)
        url = url.strip()
        if url.startswith("env:"):
            if not re.fullmatch(r"env:[A-Za-z_][A-Za-z0-9_]*", url):
                problems.append(f"{label}, field 'url': write env:NAME with the name of an "
                                "environment variable")
        elif "://" not in url:
            problems.append(f"{label}, field 'url': expected an Apprise URL such as "
                            "mailto://… or json://…, or env:NAME")
        else:
            secret = _secret_in(url)
            if secret:
                problems.append(f"{label}, field 'url': the URL carries {secret}; put it in an "
                                "environment variable and write url = \"env:NAME\" "
                                "(secrets never go in watch.toml)")
        events = vals.get("events") or ["alert"]
        unknown = [e for e in events if e not in NOTIFY_EVENTS]
        if unknown:
            problems.append(f"{label}, field 'events': {', '.join(map(repr, unknown))} not "
                            f"supported (expected: {', '.join(NOTIFY_EVENTS)})")
        chosen = vals.get("brands") or []
        missing = [b for b in chosen if b not in brands]
        if missing:
            problems.append(f"{label}, field 'brands': no brand named "
                            f"{', '.join(map(repr, missing))}")
        ratio = vals.get("min_ratio")
        if ratio is not None and ratio <= 0:
            problems.append(f"{label}, field 'min_ratio': must be positive")
        quiet = None
        if vals.get("quiet_hours"):
            match = re.fullmatch(r"\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*",
                                 vals["quiet_hours"])
            hours = [int(g) for g in match.groups()] if match else []
            if not match or hours[0] > 23 or hours[2] > 23 or hours[1] > 59 or hours[3] > 59:
                problems.append(f"{label}, field 'quiet_hours': {vals['quiet_hours']!r}: "
                                "expected two times of day such as \"22:00-07:00\"")
            else:
                quiet = (hours[0] * 60 + hours[1], hours[2] * 60 + hours[3])
        targets.append(NotifyTarget(name, url, tuple(events), tuple(chosen), ratio, quiet,
                                    vals.get("unanswered_after") or 4 * 3600.0))
    return targets


def _entries(value: Any, table: str, problems: list[str]) -> list[dict[str, Any]]:
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        problems.append(f"'{table}' must be written as [[{table}]] tables")
        return []
    return value


def _label(table: str, index: int, entry: dict[str, Any]) -> str:
    name = entry.get("name")
    named = f" ({name!r})" if isinstance(name, str) else ""
    return f"[[{table}]] #{index + 1}{named}"


def _check_keys(entry: dict[str, Any], spec: Mapping[str, Option], label: str,
                problems: list[str]) -> dict[str, Any]:
    """Validate ``entry`` against ``spec``; return the coerced values with defaults filled."""
    out: dict[str, Any] = {}
    for key, value in entry.items():
        if key not in spec:
            problems.append(f"{label}: unknown key {key!r} (expected one of: {', '.join(spec)})")
            continue
        try:
            out[key] = spec[key].coerce(value)
        except ValueError as exc:
            problems.append(f"{label}, field {key!r}: {exc}")
    for key, option in spec.items():
        if key in out or key in entry:
            continue
        if option.required:
            problems.append(f"{label}: missing field {key!r} ({option.help})")
        else:
            out[key] = list(option.default) if isinstance(option.default, list) else option.default
    return out


def _brands(value: Any, problems: list[str]) -> list[Brand]:
    brands: list[Brand] = []
    seen: set[str] = set()
    for i, entry in enumerate(_entries(value, "brands", problems)):
        label = _label("brands", i, entry)
        vals = _check_keys(entry, BRAND_KEYS, label, problems)
        name, query = vals.get("name"), vals.get("query")
        if not isinstance(name, str) or not isinstance(query, str):
            continue
        if not name.strip():
            problems.append(f"{label}, field 'name': must not be empty")
            continue
        if name in seen:
            problems.append(f"{label}, field 'name': {name!r} is used by another brand")
        seen.add(name)
        exclude = vals.get("exclude")
        products = vals.get("products") or []
        try:
            compiled = brand_query(query, products, exclude)
        except QuerySyntaxError as exc:
            problems.append(f"{label}, field {getattr(exc, 'field', 'query')!r}: {exc}")
            continue
        color = vals.get("color") or PALETTE[i % len(PALETTE)]
        if not _COLOR.match(color):
            problems.append(f"{label}, field 'color': expected #rrggbb, got {color!r}")
        accounts = _accounts(vals.get("accounts") or {}, label, problems)
        brands.append(Brand(name=name, query=query, own=bool(vals.get("own")), color=color,
                            compiled=compiled, exclude=exclude or None, products=list(products),
                            accounts=accounts))
    owners = [b.name for b in brands if b.own]
    if len(owners) > 1:
        problems.append(f"[[brands]]: only one brand may be own = true (found {', '.join(owners)})")
    return brands


def _accounts(value: Any, label: str, problems: list[str]) -> dict[str, str]:
    """A brand's ``accounts`` table, checked: known channels, each a non-empty string."""
    accounts: dict[str, str] = {}
    for channel, handle in value.items():
        if channel not in ACCOUNT_KINDS:
            problems.append(f"{label}, field 'accounts': unknown channel {channel!r} (known: "
                            f"{', '.join(ACCOUNT_KINDS)})")
        elif not isinstance(handle, str) or not handle.strip():
            problems.append(f"{label}, field 'accounts.{channel}': expected the account as a "
                            "string")
        elif channel == "mastodon" and not _MASTODON_ACCOUNT.match(handle.strip()):
            problems.append(f"{label}, field 'accounts.mastodon': {handle!r} is not an account "
                            "such as \"@acme@mastodon.social\"")
        elif channel == "web" and not re.match(r"^https?://\S+$", handle.strip()):
            problems.append(f"{label}, field 'accounts.web': {handle!r} is not a feed URL")
        else:
            accounts[channel] = handle.strip()
    return accounts


_MASTODON_ACCOUNT = re.compile(r"^@?[A-Za-z0-9_.-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$")


def own_sources(brands: list[Brand], kinds: Mapping[str, Mapping[str, Option]] | None,
                configured: list[Source], problems: list[str]) -> list[Source]:
    """One source per brand account (``accounts``), reading that account as the brand's voice.

    Named "<brand> on <channel>", collected hourly like any source, with the kind's own
    settings filled from the account, and the endpoints (:data:`_SHARED_ENDPOINTS`) of the
    first configured source of that kind. A channel whose kind this installation lacks is a
    problem naming the brand.
    """
    taken = {s.name for s in configured}
    out: list[Source] = []
    for brand in brands:
        for channel, handle in brand.accounts.items():
            kind = ACCOUNT_KINDS[channel]
            if kinds is not None and kind not in kinds:
                problems.append(f"[[brands]] {brand.name!r}, field 'accounts.{channel}': this "
                                f"installation has no {kind!r} source kind")
                continue
            name = f"{brand.name} on {channel}"
            if name in taken:
                problems.append(f"[[brands]] {brand.name!r}, field 'accounts.{channel}': a "
                                f"source is already named {name!r}")
                continue
            settings = _account_settings(channel, handle)
            model = next((s for s in configured if s.kind == kind), None)
            for key in _SHARED_ENDPOINTS:
                if model is not None and model.settings.get(key):
                    settings[key] = model.settings[key]
            for key, option in (kinds or {}).get(kind, {}).items():
                if key not in settings and key not in SOURCE_KEYS:
                    settings[key] = (list(option.default) if isinstance(option.default, list)
                                     else option.default)
            out.append(Source(name=name, kind=kind, settings=settings, own=brand.name))
    return out


def _account_settings(channel: str, handle: str) -> dict[str, Any]:
    """The settings of the ``channel`` kind that read only ``handle``'s posts."""
    if channel == "mastodon":
        user, host = handle.lstrip("@").split("@", 1)
        return {"instances": [f"https://{host}"], "accounts": [f"{user}@{host}"]}
    if channel == "youtube":
        # Videos only: the comments under them are others' words, not the brand's voice.
        return {"channels": [handle], "comments": False}
    if channel == "web":
        return {"urls": [handle]}
    if channel == "reddit":
        return {"users": [handle.strip("/").split("/")[-1]]}
    return {"accounts": [handle.lstrip("@")]}


def _sources(value: Any, kinds: Mapping[str, Mapping[str, Option]] | None,
             problems: list[str]) -> list[Source]:
    sources: list[Source] = []
    seen: set[str] = set()
    for i, entry in enumerate(_entries(value, "sources", problems)):
        label = _label("sources", i, entry)
        kind = entry.get("kind")
        if kinds is None:
            # Without the registry (the app only reads brands), kind keys pass unchecked.
            vals = _check_keys({k: v for k, v in entry.items() if k in SOURCE_KEYS}, SOURCE_KEYS,
                               label, problems)
            vals |= {k: v for k, v in entry.items() if k not in SOURCE_KEYS}
        else:
            if isinstance(kind, str) and kind not in kinds:
                problems.append(f"{label}, field 'kind': unknown kind {kind!r} (known: "
                                f"{', '.join(sorted(kinds))})")
                continue
            spec = SOURCE_KEYS | dict(kinds.get(kind, {})) if isinstance(kind, str) else SOURCE_KEYS
            vals = _check_keys(entry, spec, label, problems)
        name = vals.get("name")
        if not isinstance(name, str) or not isinstance(vals.get("kind"), str):
            continue
        if not name.strip():
            problems.append(f"{label}, field 'name': must not be empty")
            continue
        if name in seen:
            problems.append(f"{label}, field 'name': {name!r} is used by another source")
        seen.add(name)
        settings = {k: v for k, v in vals.items() if k not in SOURCE_KEYS}
        sources.append(Source(name=name, kind=vals["kind"], every=vals.get("every", 3600.0),
                              enabled=vals.get("enabled", True), settings=settings))
    return sources


def _table(value: Any, name: str, spec: Mapping[str, Option], problems: list[str]
           ) -> dict[str, Any] | None:
    """The keys of the ``[name]`` table checked against ``spec``; None when it is no table."""
    if not isinstance(value, dict):
        problems.append(f"'{name}' must be a [{name}] table")
        return None
    return _check_keys(value, spec, f"[{name}]", problems)


def _collect(value: Any, problems: list[str]) -> CollectSettings:
    vals = _table(value, "collect", COLLECT_KEYS, problems)
    if vals is None:
        return CollectSettings()
    networks = []
    for cidr in vals.get("allow_networks") or []:
        try:
            networks.append(ipaddress.ip_network(cidr, strict=False))
        except ValueError:
            problems.append(f"[collect], field 'allow_networks': {cidr!r} is not a CIDR network "
                            "such as 127.0.0.0/8")
    for key in ("per_host_delay", "timeout"):
        if key in vals and vals[key] is not None and vals[key] < 0:
            problems.append(f"[collect], field {key!r}: must not be negative")
    if vals.get("max_bytes") is not None and vals["max_bytes"] <= 0:
        problems.append("[collect], field 'max_bytes': must be positive")
    sentiment = vals.get("sentiment") or "fast"
    if sentiment not in SENTIMENT_MODES:
        problems.append(f"[collect], field 'sentiment': {sentiment!r} is not one of "
                        + ", ".join(f'"{m}"' for m in SENTIMENT_MODES))
    return CollectSettings(
        user_agent=vals.get("user_agent") or COLLECT_KEYS["user_agent"].default,
        contact=vals.get("contact") or "",
        per_host_delay=vals.get("per_host_delay", 2.0),
        timeout=vals.get("timeout", 20.0),
        max_bytes=vals.get("max_bytes", 10_000_000),
        allow_networks=networks,
        sentiment=sentiment,
    )


def _ui(value: Any, problems: list[str]) -> UISettings:
    vals = _table(value, "ui", UI_KEYS, problems)
    if vals is None:
        return UISettings()
    hosts = []
    for host in vals.get("allowed_hosts") or []:
        try:
            hosts.append(host_name(host))
        except ValueError as exc:
            problems.append(f"[ui], field 'allowed_hosts': {exc}")
    language = vals.get("language") or None
    if language is not None and normalise(language) is None:
        problems.append(f"[ui], field 'language': {language!r} is not a language Veille speaks "
                        f"(one of: {', '.join(LANGUAGES)})")
        language = None
    base_url = (vals.get("base_url") or "").strip().rstrip("/")
    if base_url and not re.match(r"^https?://[^/\s]+", base_url):
        problems.append(f"[ui], field 'base_url': {base_url!r} is not an http(s) address such "
                        "as https://veille.example.com")
        base_url = ""
    editors = []
    for entry in vals.get("editors") or []:
        text = str(entry).strip().lower()
        if not _EDITOR.match(text):
            problems.append(f"[ui], field 'editors': {entry!r} is neither an address such as "
                            "\"cm@acme.fr\" nor a domain such as \"@acme.fr\"")
            continue
        editors.append(text)
    return UISettings(allowed_hosts=hosts, language=normalise(language),
                      base_url=base_url or UISettings.base_url, editors=tuple(editors))


# An address ("cm@acme.fr") or a whole domain ("@acme.fr") allowed to edit.
_EDITOR = re.compile(r"^[^@\s]*@[a-z0-9-]+(\.[a-z0-9-]+)+$")


def host_name(text: str) -> str:
    """``text`` (a DNS name or an IP address, IPv6 with or without brackets) as the app
    compares it with a request's Host: lower case, brackets and a final dot dropped.

    Raises ValueError naming the problem: a scheme, a path, a port or a malformed name.
    """
    name = text.strip().lower()
    if name.startswith("[") and name.endswith("]"):
        name = name[1:-1]
    try:
        return str(ipaddress.ip_address(name))
    except ValueError:
        pass
    if _HOST_NAME.match(name):
        return name.rstrip(".")
    raise ValueError(f"{text!r} is not a host name such as veille.example.com (no scheme, "
                     "port or path)")


def load_ui(path: Path | str | None = None) -> UISettings:
    """The ``[ui]`` table of the watch at ``path`` (default: :func:`default_config_path`).

    Only this table is checked: the app's server starts whatever the state of the brands and
    sources (the app explains those). A missing or unreadable file gives the defaults; a wrong
    ``[ui]`` raises :class:`ConfigError`.
    """
    path = Path(path) if path is not None else default_config_path()
    try:
        data = tomllib.loads(path.read_bytes().decode("utf-8-sig"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return UISettings()
    problems: list[str] = []
    ui = _ui(data.get("ui", {}), problems)
    if problems:
        raise ConfigError(path, problems)
    return ui


# --- editing a brand in place -----------------------------------------------------------------

_UNSET = object()
_TABLE_HEADER = re.compile(r"^\s*\[")
_BRANDS_HEADER = re.compile(r"^\s*\[\[\s*brands\s*\]\]")


def update_brand(path: Path | str, name: str, *, query: Any = _UNSET, exclude: Any = _UNSET,
                 products: Any = _UNSET) -> Watch:
    """Change the brand ``name``'s ``query``, ``exclude`` or ``products`` in watch.toml.

    Only the lines of those keys change: comments, order and every other entry are kept (a
    comment at the end of a replaced one-line value is kept too). ``exclude=None`` or
    ``products=[]`` removes the key. The new text is validated with :func:`load_watch` before
    the file is replaced (atomically); on any problem :class:`ConfigError` is raised and the
    file is left as it was. Returns the new, validated watch.
    """
    path = Path(path)
    text = path.read_text(encoding="utf-8-sig")
    data = tomllib.loads(text)
    names = [b.get("name") for b in data.get("brands", []) if isinstance(b, dict)]
    if name not in names:
        raise ConfigError(path, [f"[[brands]]: no brand named {name!r}"])
    lines = text.splitlines(keepends=True)
    headers = [i for i, line in enumerate(lines) if _BRANDS_HEADER.match(line)]
    start = headers[names.index(name)] + 1
    end = next((i for i in range(start, len(lines)) if _TABLE_HEADER.match(lines[i])), len(lines))
    for key, value in (("query", query), ("exclude", exclude), ("products", products)):
        if value is _UNSET:
            continue
        lines, end = _set_key(lines, start, end, key, value)
    new_text = "".join(lines)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(new_text, encoding="utf-8")
    try:
        watch = load_watch(tmp)
    except ConfigError as exc:
        tmp.unlink(missing_ok=True)
        raise ConfigError(path, exc.problems) from None
    os.replace(tmp, path)
    watch.path = path
    return watch


def _set_key(lines: list[str], start: int, end: int, key: str, value: Any
             ) -> tuple[list[str], int]:
    """Replace, add or remove ``key = …`` within lines[start:end]; return lines and new end."""
    found = _find_key(lines, start, end, key)
    empty = value is None or (isinstance(value, list) and not value) or (
        isinstance(value, str) and key != "query" and not value.strip())
    new = [] if empty else [f"{key} = {_toml_value(value)}"]
    if found is None:
        if empty:
            return lines, end
        # After the brand's last key line, before the blank lines and comments that follow it.
        at = end
        while at > start and (not lines[at - 1].strip() or lines[at - 1].lstrip().startswith("#")):
            at -= 1
        lines = lines[:at] + [new[0] + "\n"] + lines[at:]
        return lines, end + 1
    first, last, comment = found
    if new:
        new[0] += (f"  {comment}" if comment and first == last else "") + "\n"
    lines = lines[:first] + new + lines[last + 1:]
    return lines, end - (last + 1 - first) + len(new)


def _find_key(lines: list[str], start: int, end: int, key: str
              ) -> tuple[int, int, str] | None:
    """The first and last line of ``key``'s value (which may span lines) and its end comment."""
    pattern = re.compile(rf"^\s*{re.escape(key)}\s*=")
    for first in range(start, end):
        if not pattern.match(lines[first]):
            continue
        for last in range(first, end):
            chunk = "".join(lines[first:last + 1])
            try:
                value = tomllib.loads(chunk)[key]
            except (tomllib.TOMLDecodeError, KeyError):
                continue
            comment = ""
            line = lines[last].rstrip("\n")
            # The comment starts at the first '#' before which the value still parses whole.
            for at in (i for i, ch in enumerate(line) if ch == "#"):
                head = "".join(lines[first:last]) + line[:at]
                try:
                    if tomllib.loads(head).get(key) == value:
                        comment = line[at:]
                        break
                except tomllib.TOMLDecodeError:
                    continue
            return first, last, comment
    return None


def _toml_value(value: Any) -> str:
    """A TOML literal for a string or a list of strings; literal strings when they can be."""
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    text = str(value)
    if "'" not in text and all(ch == "\t" or (ch >= " " and ch != "\x7f") for ch in text):
        return f"'{text}'"
    # JSON's string escapes are all valid in a TOML basic string; DEL must be escaped too.
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")
