"""`python -m collectors rematch`: re-match the whole history against the current brand queries."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO

from collectors.progress import Progress, progress_bar
from collectors.retrain import mark_current, watch_models
from config import Watch
from store import writing
from store.derived import refresh_all
from store.rematch import RematchResult, history_span, rematch
from store.writes import save_brands, set_meta


class UnknownBrand(ValueError):
    """``--brand`` named a brand that watch.toml does not have."""


def rematch_watch(watch: Watch, db: Path | str, only: list[str] | None = None,
                  progress: Progress = True, stream: TextIO | None = None,
                  label: str = "rematch") -> RematchResult:
    """Re-match every stored item against ``watch``'s brands and rewrite their mentions.

    With ``only``, just those brands' mentions are rewritten. The stored brand list is
    replaced by the watch's first (so the app shows the new queries), and every derived table
    is refreshed at the end (corrections kept in the edits store are re-applied there).
    Every item's and mention's sentiment is scored again with the watch's current models
    (its own, adapted from corrections, where they exist), so a new model reaches all history;
    ``label`` names the progress bar. Raises :class:`UnknownBrand` before changing anything
    when ``only`` names an unknown brand.
    """
    stream = stream or sys.stderr
    names = [b.name for b in watch.brands]
    missing = [n for n in only or [] if n not in names]
    if missing:
        raise UnknownBrand(f"no brand named {', '.join(map(repr, missing))} in {watch.path} "
                           f"(configured: {', '.join(names) or 'none'})")
    with writing(db) as con:
        save_brands(con, watch.brands)
        set_meta(con, "watch_name", watch.name)
    _, _, total = history_span(db)
    models = watch_models(db, stream, watch.collect.precise)
    bar = progress_bar(label, progress, stream, total=total)
    queries = {b.name: b.compiled for b in watch.brands if b.compiled is not None}
    try:
        result = rematch(db, queries, only, progress=lambda done, _: bar.update(done - bar.n),
                         models=models)
    finally:
        bar.close()
    with writing(db) as con:
        refresh_all(con, warn=lambda m: print(f"warning: {m}", file=stream))
    if only is None:
        mark_current(db, models)
    return result
