"""Load and validate watch.toml: every problem named by file, entry and field, before any work."""

from __future__ import annotations

import ipaddress
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from analysis.query import Query, QuerySyntaxError, compile_query
from config.options import Option

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
}
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
}
TOP_KEYS = {"name", "brands", "sources", "collect"}


class ConfigError(Exception):
    """watch.toml is wrong; ``problems`` lists every finding, each naming entry and field."""

    def __init__(self, path: Path | str, problems: list[str]):
        self.path = str(path)
        self.problems = problems
        super().__init__("\n".join(f"{self.path}: {p}" for p in problems))


@dataclass
class Brand:
    """A watched brand: its display name, compiled query, whether it is ours, and its colour."""

    name: str
    query: str
    own: bool = False
    color: str = PALETTE[0]
    compiled: Query | None = field(default=None, repr=False, compare=False)


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


@dataclass
class Source:
    """A configured source: its name, kind, interval and its kind's own settings."""

    name: str
    kind: str
    every: float = 3600.0
    enabled: bool = True
    settings: dict[str, Any] = field(default_factory=dict)


@dataclass
class Watch:
    """The whole watch.toml, validated."""

    path: Path
    name: str
    brands: list[Brand]
    sources: list[Source]
    collect: CollectSettings

    def source(self, name: str) -> Source:
        """Return the source called ``name``; raise KeyError if there is none."""
        for src in self.sources:
            if src.name == name:
                return src
        raise KeyError(name)


def default_config_path() -> Path:
    """The config file: ``VEILLE_CONFIG`` if set, else ``watch.toml`` at the repository root."""
    return Path(os.environ.get("VEILLE_CONFIG") or ROOT / "watch.toml")


def default_db_path() -> Path:
    """The database: ``VEILLE_DB`` if set, else ``data/veille.duckdb`` at the repository root."""
    return Path(os.environ.get("VEILLE_DB") or ROOT / "data" / "veille.duckdb")


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
    collect = _collect(data.get("collect", {}), problems)
    if problems:
        raise ConfigError(path, problems)
    return Watch(path=path, name=name, brands=brands, sources=sources, collect=collect)


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
        try:
            compiled = compile_query(query)
        except QuerySyntaxError as exc:
            problems.append(f"{label}, field 'query': {exc}")
            continue
        color = vals.get("color") or PALETTE[i % len(PALETTE)]
        if not _COLOR.match(color):
            problems.append(f"{label}, field 'color': expected #rrggbb, got {color!r}")
        brands.append(Brand(name=name, query=query, own=bool(vals.get("own")), color=color,
                            compiled=compiled))
    owners = [b.name for b in brands if b.own]
    if len(owners) > 1:
        problems.append(f"[[brands]]: only one brand may be own = true (found {', '.join(owners)})")
    return brands


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


def _collect(value: Any, problems: list[str]) -> CollectSettings:
    if not isinstance(value, dict):
        problems.append("'collect' must be a [collect] table")
        return CollectSettings()
    vals = _check_keys(value, COLLECT_KEYS, "[collect]", problems)
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
    return CollectSettings(
        user_agent=vals.get("user_agent") or COLLECT_KEYS["user_agent"].default,
        contact=vals.get("contact") or "",
        per_host_delay=vals.get("per_host_delay", 2.0),
        timeout=vals.get("timeout", 20.0),
        max_bytes=vals.get("max_bytes", 10_000_000),
        allow_networks=networks,
    )
