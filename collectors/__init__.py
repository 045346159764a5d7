"""Source kinds: one module each, listed in one explicit registry."""

from __future__ import annotations

from collectors.base import Collector
from collectors.demo import DemoCollector
from collectors.file import FileCollector

# Adding a source kind: write its module, then add one line here.
REGISTRY: dict[str, type[Collector]] = {
    "demo": DemoCollector,
    "file": FileCollector,
}


def kind_options() -> dict[str, dict]:
    """Each kind's own config keys, for validating watch.toml."""
    return {kind: dict(cls.options) for kind, cls in REGISTRY.items()}
