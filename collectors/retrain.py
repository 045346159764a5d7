"""`python -m collectors retrain`: adapt the sentiment models to a watch from its corrections."""

# The shipped models learnt from public tweets and reviews; a watch has its own vocabulary
# (product names, jargon, the way its customers complain). Each sentiment correction made in
# the app is a labelled example of that vocabulary. Retraining moves a copy of the shipped
# model toward all corrections (analysis.sentiment_model.LinearModel.adapt), measures it on
# corrections it did not learn from, keeps it only if it does at least as well there as the
# model in use, and saves it beside the database. Stored labels are then scored again.

from __future__ import annotations

import hashlib
import json
import sys
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TextIO

from analysis.query import BrandMatcher
from analysis.sentiment_model import LANGS, LinearModel, ModelError, fingerprint, shipped
from analysis.sentiment_targets import portions
from analysis.text import Doc
from config import Watch, local_twin
from i18n.catalog import gettext
from i18n.formats import percent
from store import reading, writing
from store.edits import corrected_items
from store.meta import MODEL_KEY, MODELS_IN_USE, RETRAINED_KEY, get_meta
from store.rematch import full_text
from store.writes import set_meta

RETRAIN_AFTER = 20  # new corrections after which `collectors run` retrains by itself
MIN_CORRECTIONS = 8  # per language: fewer teach nothing measurable
HOLD_BACK = 4  # one correction in this many is kept back to judge the new model


@dataclass
class Outcome:
    """What retraining did for one language."""

    lang: str
    corrections: int
    held_back: int = 0
    before: float | None = None  # accuracy of the model in use on the held-back corrections
    after: float | None = None  # accuracy of the retrained model on them
    saved: Path | None = None

    def line(self, lang: str = "en") -> str:
        """One line saying what changed, or why nothing did, in ``lang``."""
        if self.before is None:
            return gettext("{lang}: {count} correction(s), fewer than {minimum}: model "
                           "unchanged", lang).format(lang=self.lang, count=self.corrections,
                                                     minimum=MIN_CORRECTIONS)
        figures = gettext("{lang}: {count} corrections ({held} held back): accuracy on the "
                          "held-back ones {before} with the model in use, {after} retrained",
                          lang).format(lang=self.lang, count=self.corrections,
                                       held=self.held_back, before=percent(self.before, lang, 0),
                                       after=percent(self.after, lang, 0))
        if self.saved is None:
            return gettext("{figures}: worse, the model in use is kept", lang).format(
                figures=figures)
        return gettext("{figures}: saved to {path}", lang).format(figures=figures,
                                                                   path=self.saved)


def model_path(db: Path | str, lang: str) -> Path:
    """Where a watch's own model of ``lang`` lives: ``veille.sentiment-fr.npz`` beside the db."""
    db = local_twin(db)
    return db.with_name(f"{db.stem}.sentiment-{lang}.npz")


def watch_models(db: Path | str, stream: TextIO | None = None,
                 precise: bool = False) -> dict[str, LinearModel]:
    """The watch's own models that exist and can be read (an unreadable one is reported);
    with ``precise``, English falls back on the shipped precise model instead of the fast one.

    A watch's own model adapted in the other mode is set aside with a warning: retraining
    adapts the model of the mode in use.
    """
    out = {}
    for lang in LANGS:
        path = model_path(db, lang)
        if path.exists():
            try:
                model = LinearModel.load(path)
            except ModelError as exc:
                print(f"warning: {exc}; the shipped model is used instead",
                      file=stream or sys.stderr)
                continue
            if lang == "en" and model.precise != precise:
                mode = "precise" if model.precise else "fast"
                print(f"warning: {path} was adapted from the {mode} model, not the one "
                      "[collect] sentiment asks for: the shipped one is used until "
                      "`python -m collectors retrain`", file=stream or sys.stderr)
                continue
            out[lang] = model
    if precise and "en" not in out:
        out["en"] = shipped("en", precise=True)
    return out


def _examples(db: Path | str, watch: Watch) -> list[tuple[str, str, str]]:
    """``(text, model language, label)`` of every correction, on the brand's part of the post."""
    queries = {b.name: b.compiled for b in watch.brands if b.compiled is not None}
    matcher = BrandMatcher(queries)
    out = []
    for _, brand, label, title, text, lang in corrected_items(db):
        full = full_text(title, text)
        doc = Doc(full)
        named = matcher.match_doc(doc)
        part = None
        if brand in named and len(named) > 1:
            part = portions(full, {b: queries[b].spans_doc(doc) for b in named}).get(brand)
        out.append((part or full, "fr" if lang == "fr" else "en", label))
    return out


def retrain(db: Path | str, watch: Watch, stream: TextIO | None = None) -> list[Outcome]:
    """Adapt each language's model to the watch's corrections; save those that do no worse.

    One correction in ``HOLD_BACK`` (chosen by a hash of its text, so the choice is stable)
    is kept back; the model in use and a copy of the shipped model adapted to the others are
    both scored on it. When the adapted copy does at least as well, the shipped model adapted
    to every correction is saved beside the database.
    """
    examples = _examples(db, watch)
    current = watch_models(db, stream, watch.collect.precise)
    outcomes = []
    for lang in LANGS:
        mine = [e for e in examples if e[1] == lang]
        outcome = Outcome(lang, len(mine))
        outcomes.append(outcome)
        if len(mine) < MIN_CORRECTIONS:
            continue
        held = [e for e in mine if _bucket(e[0]) == 0] or mine[:1]
        learnt = [e for e in mine if e not in held]
        base = shipped(lang, watch.collect.precise)
        candidate = base.adapt([e[0] for e in learnt], [e[2] for e in learnt])
        texts, labels = [e[0] for e in held], [e[2] for e in held]
        outcome.held_back = len(held)
        outcome.before = current.get(lang, base).accuracy(texts, labels)
        outcome.after = candidate.accuracy(texts, labels)
        if outcome.after >= outcome.before:
            final = base.adapt([e[0] for e in mine], [e[2] for e in mine])
            final = replace(final, info={**base.info, "corrections": len(mine),
                                         "held_back_accuracy": round(outcome.after, 4)})
            outcome.saved = model_path(db, lang)
            final.save(outcome.saved)
    with writing(db) as con:
        set_meta(con, RETRAINED_KEY, str(len(examples)))
    return outcomes


def _bucket(text: str) -> int:
    return int(hashlib.md5(text.encode("utf-8", "replace"),
                           usedforsecurity=False).hexdigest()[:8], 16) % HOLD_BACK


def due(db: Path | str) -> bool:
    """True when ``RETRAIN_AFTER`` corrections or more were made since the last retrain."""
    from store.edits import correction_stats

    total = correction_stats(db).total
    with reading(db) as con:
        seen = get_meta(con, RETRAINED_KEY)
    return total - int(seen or 0) >= RETRAIN_AFTER


def stale(db: Path | str, models: dict[str, LinearModel]) -> bool:
    """True when stored labels came from other models than ``models`` (or none are stored)."""
    with reading(db) as con:
        stored = get_meta(con, MODEL_KEY)
        count = con.execute("SELECT count(*) FROM items").fetchone()[0]
    return bool(count) and stored != fingerprint(models)


def mark_current(db: Path | str, models: dict[str, LinearModel]) -> None:
    """Record that the stored labels come from ``models`` (the watch's own ones; a language
    missing from it uses the shipped fast model), and say what each one is for the app."""
    in_use = {lang: {"precise": lang in models and models[lang].precise,
                     "corrections": int(models[lang].info.get("corrections", 0))
                     if lang in models else 0}
              for lang in LANGS}
    with writing(db) as con:
        set_meta(con, MODEL_KEY, fingerprint(models))
        set_meta(con, MODELS_IN_USE, json.dumps(in_use, sort_keys=True))
