"""Macro-F1 of brand-targeted sentiment against plain-lexicon baselines on the evaluation sets.

Run: .venv/bin/python benchmarks/bench_sentiment.py [--split test|dev|all] [--errors]

The sets are ``benchmarks/eval/sentiment_fr.jsonl`` and ``sentiment_en.jsonl``: one line per
(post, brand) with the gold label; ``split`` says whether the line was used while writing the
rules (``dev``) or held out (``test``). Baselines: VADER's compound on the whole text (English),
vaderSentiment_fr's compound on the whole text (French), and VADER-per-sentence, the analyser
this project shipped before (``--with-old``).
"""

from __future__ import annotations

import argparse
import json
import sys
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from analysis.sentiment import label, score_about  # noqa: E402

EVAL = Path(__file__).resolve().parent / "eval"
LABELS = ("negative", "neutral", "positive")


def load(lang: str, split: str) -> list[dict]:
    """The evaluation lines of ``lang`` in ``split`` (``all`` for both)."""
    with open(EVAL / f"sentiment_{lang}.jsonl", encoding="utf-8") as f:
        rows = [json.loads(line) for line in f if line.strip()]
    return [r for r in rows if split == "all" or r["split"] == split]


def macro_f1(gold: list[str], guess: list[str]) -> float:
    """Mean over the three labels of F1 (a label never predicted nor present counts 0)."""
    scores = []
    for name in LABELS:
        tp = sum(g == name and p == name for g, p in zip(gold, guess, strict=True))
        fp = sum(g != name and p == name for g, p in zip(gold, guess, strict=True))
        fn = sum(g == name and p != name for g, p in zip(gold, guess, strict=True))
        scores.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return sum(scores) / len(scores)


def vader_whole(lang: str):
    """The baseline: the plain VADER (or VADER-fr) compound on the whole post, same cut-offs."""
    if lang == "fr":
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            from vaderSentiment_fr.vaderSentiment import SentimentIntensityAnalyzer
    else:
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer
    analyser = SentimentIntensityAnalyzer()
    return lambda row: label(analyser.polarity_scores(row["text"])["compound"])


def vader_sentences(lang: str):
    """The previous shipped analyser: VADER(-fr) on the sentences naming the brand."""
    if lang == "fr":
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            from vaderSentiment_fr.vaderSentiment import SentimentIntensityAnalyzer
    else:
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer
    from analysis.sentiment import sentences

    analyser = SentimentIntensityAnalyzer()

    def guess(row):
        text, spans = row["text"], row["spans"]
        chosen = [text[s:e] for s, e in sentences(text)
                  if any(s <= ts < e for ts, _ in spans)]
        return label(analyser.polarity_scores(" ".join(chosen) or text)["compound"])
    return guess


def ours(lang: str):
    """This project's analyser: score_about on the brand's spans, then label."""
    return lambda row: label(score_about(row["text"], lang, [tuple(s) for s in row["spans"]]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="test", choices=("test", "dev", "all"))
    parser.add_argument("--errors", action="store_true", help="print our wrong guesses")
    args = parser.parse_args()
    print(f"split={args.split}: macro-F1 (accuracy), labels negative/neutral/positive")
    print(f"{'lang':<5}{'n':>5}  {'ours':>14}  {'VADER whole text':>18}  {'VADER sentences':>16}")
    for lang in ("fr", "en"):
        rows = load(lang, args.split)
        gold = [r["label"] for r in rows]
        cells = []
        for make in (ours, vader_whole, vader_sentences):
            guess = [make(lang)(r) for r in rows]
            acc = sum(g == p for g, p in zip(gold, guess, strict=True)) / len(gold)
            cells.append(f"{macro_f1(gold, guess):.3f} ({acc:.2f})")
            if make is ours and args.errors:
                for r, p in zip(rows, guess, strict=True):
                    if p != r["label"]:
                        print(f"  [{lang}] {r['brand']}: gold={r['label']} ours={p} | {r['text']}")
        print(f"{lang:<5}{len(rows):>5}  {cells[0]:>14}  {cells[1]:>18}  {cells[2]:>16}")


if __name__ == "__main__":
    main()
