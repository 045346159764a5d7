"""Tables derived from items after each run (alerts, terms, stories…): one refresher per table."""

from __future__ import annotations

from collections.abc import Callable

import duckdb

from store import interrupts, lake
from store.alerts import refresh_alerts
from store.community import refresh_authors
from store.edits import apply_corrections
from store.facts import refresh_facts
from store.stories import refresh_stories
from store.terms import refresh_terms, refresh_topics

# Each refresher brings one derived table up to date from items/mentions, inside the writer's
# connection, after a run stored new data. Adding one = one function + one line here.
REFRESHERS: list[tuple[str, Callable[[duckdb.DuckDBPyConnection], None]]] = [
    # First, so every table derived after it counts people's corrected sentiment.
    ("sentiment corrections", apply_corrections),
    ("alerts", refresh_alerts),
    ("terms", refresh_terms),
    ("topics", refresh_topics),
    ("stories", refresh_stories),
    ("authors", refresh_authors),
    # Needs the story of every item: after "stories".
    ("facts", refresh_facts),
]


def refresh_all(con: duckdb.DuckDBPyConnection, warn: Callable[[str], None] = print,
                step: Callable[[str], None] | None = None) -> None:
    """Run every refresher; one failing is reported (``warn``) and never blocks the others or
    the data. ``step`` is told each refresher's name as it starts (for a progress bar)."""
    for name, refresh in REFRESHERS:
        if step is not None:
            step(name)
        try:
            # Each refresher can run again from the start: on a lake, another writer's
            # commit clashing with its own makes it try again rather than give up.
            lake.retrying(con, lambda refresh=refresh: refresh(con))
        except Exception as exc:  # noqa: BLE001 - derived data can be rebuilt on the next run
            interrupts.check(exc)  # the stale mark stays: the next run refreshes everything
            warn(f"could not refresh {name}: {type(exc).__name__}: {exc}")
    # At the latest here, a Ctrl-C that Python dropped (landing in a finalizer) stops the run.
    interrupts.check()
