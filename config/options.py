"""Typed config keys: each source kind declares its keys once, with default and help."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhdw]?)\s*$")
_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_MISSING = object()


def parse_duration(value: Any) -> float:
    """Turn ``90``, ``"30m"``, ``"6h"`` or ``"1d"`` into seconds; raise ValueError otherwise."""
    if isinstance(value, bool):
        raise ValueError("expected a duration such as 30m, 6h or 1d")
    if isinstance(value, (int, float)):
        if value <= 0:
            raise ValueError("a duration must be positive")
        return float(value)
    if isinstance(value, str):
        match = _DURATION.match(value)
        if match and float(match.group(1)) > 0:
            return float(match.group(1)) * _UNITS[match.group(2)]
    raise ValueError(f"expected a duration such as 30m, 6h or 1d, got {value!r}")


@dataclass(frozen=True)
class Option:
    """One config key: its type (``str``, ``int``, ``float``, ``bool``, ``list``, ``table``,
    ``duration``), default, whether it is required, and a line of help for the docs."""

    type: str
    default: Any = None
    required: bool = False
    help: str = ""

    def coerce(self, value: Any) -> Any:
        """Check ``value`` against the type and return it normalised; raise ValueError if wrong."""
        kind = self.type
        if kind == "str":
            if not isinstance(value, str):
                raise ValueError(f"expected a string, got {_describe(value)}")
            return value
        if kind == "bool":
            if not isinstance(value, bool):
                raise ValueError(f"expected true or false, got {_describe(value)}")
            return value
        if kind == "int":
            if isinstance(value, bool) or not isinstance(value, int):
                raise ValueError(f"expected a whole number, got {_describe(value)}")
            return value
        if kind == "float":
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise ValueError(f"expected a number, got {_describe(value)}")
            return float(value)
        if kind == "list":
            if isinstance(value, str):
                value = [value]
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ValueError(f"expected a list of strings, got {_describe(value)}")
            return list(value)
        if kind == "table":
            if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
                raise ValueError(f"expected a table of strings, got {_describe(value)}")
            return dict(value)
        if kind == "duration":
            return parse_duration(value)
        raise ValueError(f"unknown option type {kind}")  # pragma: no cover - programming error


def _describe(value: Any) -> str:
    """Name a TOML value's type the way a person editing the file would."""
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, str):
        return f"the string {value[:40]!r}"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, list):
        if all(isinstance(v, str) for v in value):
            return "a list"
        return "a list with non-string values"
    if isinstance(value, dict):
        return "a table"
    return type(value).__name__
