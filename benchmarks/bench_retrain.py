"""What corrections teach: accuracy on the rest of a domain before and after N corrections.

Run: .venv/bin/python benchmarks/bench_retrain.py [--seeds 5] [--precise]

A domain the shipped models never saw, from the public corpora: French book reviews
(Amazon.fr, 898) and English restaurant review sentences (UCI, Yelp, 995). For each seed the
domain is shuffled, its first 300 texts are the pool a person corrects from (the first N of
them are corrected), and the other texts are the judge. The adaptation is the one
``collectors retrain`` applies (``LinearModel.adapt``, default strength), without the
held-back safeguard, so every N is shown even where it would not be kept. With ``--precise``
the English domain alone, adapting the precise model ([collect] sentiment = "precise").
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from analysis.sentiment_model import shipped  # noqa: E402
from training import corpora  # noqa: E402

POOL = 300
STEPS = (0, 25, 50, 100, 200, 300)


def domains() -> list[tuple[str, str, list[str], list[str]]]:
    """(title, language, texts, labels) of each domain."""
    books = corpora.split(corpora.FR_EXTRA_TEST, "test")
    uci = corpora.read(corpora.EN_REVIEWS[0])
    yelp = uci[uci["domain"] == "yelp"]
    return [("French book reviews (Amazon.fr)", "fr", books.texts, books.labels),
            ("English restaurant sentences (UCI Yelp)", "en", yelp["text"].tolist(),
             yelp["label"].tolist())]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--precise", action="store_true",
                        help="adapt the precise English model (English domain only)")
    args = parser.parse_args()
    try:
        sets = domains()
    except corpora.CorpusError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print("| domain | judged on | " + " | ".join(f"N={n}" for n in STEPS) + " |")
    print("|---|---|" + "---|" * len(STEPS))
    for title, lang, texts, labels in sets:
        if args.precise and lang != "en":
            continue
        base = shipped(lang, args.precise)
        means = []
        for n in STEPS:
            runs = []
            for seed in range(args.seeds):
                order = list(range(len(texts)))
                random.Random(seed).shuffle(order)
                taught, judged = order[:n], order[POOL:]
                model = base.adapt([texts[i] for i in taught], [labels[i] for i in taught])
                runs.append(model.accuracy([texts[i] for i in judged],
                                          [labels[i] for i in judged]))
            means.append(sum(runs) / len(runs))
        cells = " | ".join(f"{m:.3f}" for m in means)
        print(f"| {title} | {len(texts) - POOL} | {cells} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
