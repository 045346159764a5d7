"""Macro-F1, per-class recall and confusion matrices over negative / neutral / positive."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from analysis.sentiment_model import LABELS


@dataclass(frozen=True)
class Scores:
    """How a list of guesses compares with the gold labels."""

    n: int
    macro_f1: float
    accuracy: float
    recall: dict[str, float]
    confusion: dict[str, dict[str, int]]  # gold label → guessed label → count

    def line(self) -> str:
        """One line: n, macro-F1, accuracy and the recall of each class present."""
        recalls = " ".join(f"{k[:3]} {v:.2f}" for k, v in self.recall.items())
        return f"n={self.n} macro-F1 {self.macro_f1:.3f} acc {self.accuracy:.3f} recall {recalls}"


def score(gold: Sequence[str], guess: Sequence[str]) -> Scores:
    """Compare ``guess`` with ``gold``; F1 is averaged over the classes present in ``gold``.

    A binary gold set (negative / positive only) is averaged over those two classes, so a
    guess of neutral counts as a miss without a neutral F1 of zero dragging the mean.
    """
    present = [c for c in LABELS if c in set(gold)]
    confusion = {g: {p: 0 for p in LABELS} for g in present}
    for g, p in zip(gold, guess, strict=True):
        confusion[g][p] += 1
    return from_confusion(confusion)


def from_confusion(confusion: dict[str, dict[str, int]]) -> Scores:
    """The scores of a confusion matrix (gold label → guessed label → count) as :func:`score`
    computes them; gold labels absent from ``confusion`` are not averaged."""
    present = [c for c in LABELS if c in confusion]
    f1s, recall = [], {}
    for c in present:
        tp = confusion[c][c]
        fn = sum(confusion[c].values()) - tp
        fp = sum(confusion[g][c] for g in present if g != c)
        f1s.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
        recall[c] = tp / (tp + fn) if tp + fn else 0.0
    right = sum(confusion[c][c] for c in present)
    n = sum(sum(row.values()) for row in confusion.values())
    return Scores(n, sum(f1s) / len(f1s) if f1s else 0.0, right / n if n else 0.0, recall,
                  confusion)


def confusion_table(scores: Scores) -> str:
    """The confusion matrix as Markdown: a row per gold label, a column per guess."""
    head = "| gold \\ guess | " + " | ".join(LABELS) + " |\n|---|" + "---|" * len(LABELS)
    rows = [f"| {g} | " + " | ".join(str(row[p]) for p in LABELS) + " |"
            for g, row in scores.confusion.items()]
    return "\n".join([head, *rows])


def macro_f1_at(scores: Scores, negative_share: float) -> float:
    """Macro-F1 ``scores`` would have on a set where negatives are ``negative_share`` of texts.

    Each gold row of the confusion matrix is reweighted (neutral and positive keep their
    ratio), which is what resampling the set to that mix gives on average: recall per class
    does not move, precision does. Used to choose decisions that hold when the share of
    complaints differs from the training or validation set's (16 % in TweetEval validation,
    32 % in its test split).
    """
    rows = {g: sum(row.values()) for g, row in scores.confusion.items()}
    others = sum(n for g, n in rows.items() if g != "negative")
    if not rows.get("negative") or not others:
        return scores.macro_f1
    weight = {g: (negative_share if g == "negative" else (1 - negative_share) * n / others) / n
              for g, n in rows.items() if n}
    return from_confusion({g: {p: count * weight[g] for p, count in row.items()}
                           for g, row in scores.confusion.items() if g in weight}).macro_f1
