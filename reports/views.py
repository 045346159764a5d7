"""The views as scripts outside the app name them (benchmarks): a window on views.registry."""

from __future__ import annotations

from views.context import make_view, parse_choices
from views.registry import VIEWS as _SPECS

__all__ = ["VIEWS", "make_view", "parse_choices"]

# Key -> view, in menu order; the registry itself lives in views/registry.py.
VIEWS = {spec.key: spec for spec in _SPECS}
