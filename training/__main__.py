"""Rebuild the sentiment models from the public corpora: ``python -m training [--lang fr|en]``."""

from __future__ import annotations

import argparse
import sys

from training import precise
from training.corpora import CorpusError
from training.sentiment import RECIPES, build, save

PRECISE = "en-precise"  # the English model that reads sentence embeddings too


def main(argv: list[str] | None = None) -> int:
    """Train and save the models of the languages asked (default: all); return the exit code."""
    parser = argparse.ArgumentParser(
        prog="python -m training",
        description="Train Veille's sentiment models on ../shared/labelled (tuned on "
                    "validation splits and out-of-fold training scores, never on test) and "
                    "write them under analysis/models/.")
    parser.add_argument("--lang", action="append", choices=[*sorted(RECIPES), PRECISE],
                        default=None, help="only this model (repeat for several; default: en, "
                                           f"fr and {PRECISE})")
    args = parser.parse_args(argv)
    for lang in args.lang or [*sorted(RECIPES), PRECISE]:
        try:
            if lang == PRECISE:
                model, result = precise.build()
                path = precise.save(model)
            else:
                model, result = build(lang)
                path = save(model)
        except CorpusError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        print(f"{lang}: kept C={model.info['c']} ({result.line()}) -> {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
