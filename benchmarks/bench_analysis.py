"""Ingest analysis speed (language + brand matching + sentiment) and short-text language accuracy.

Run: .venv/bin/python benchmarks/bench_analysis.py [--items N] [--repeat R]

Speed: demo items from ``collectors.demo`` go through ``collectors.pipeline.Analyser.rows`` in
batches of 5,000 as the runner gives them (language, brand matching, the sentiment model on
each item and on each brand's part of posts naming several), without the database; each step
is also timed alone, and the peak memory of the process is printed.
Accuracy: ``benchmarks/eval/lang_short.jsonl``, short French and English
posts and titles, through ``detect_language``.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from collections import Counter
from datetime import UTC, date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from analysis import workers  # noqa: E402
from analysis.language import detect_language  # noqa: E402
from analysis.query import BrandMatcher, Doc  # noqa: E402
from analysis.sentiment_model import score_batch, shipped  # noqa: E402
from collectors.demo import generate  # noqa: E402
from collectors.pipeline import Analyser  # noqa: E402
from config import load_watch  # noqa: E402

EVAL = Path(__file__).resolve().parent / "eval" / "lang_short.jsonl"


BATCH = 5000  # the runner's batch size (collectors.runner.BATCH_ITEMS)


def demo_items(items: int) -> list:
    """``items`` demo items, as the demo collector yields them."""
    return list(generate(items, end=date(2026, 6, 30)))


def texts(items: list) -> list[str]:
    """Title and text of demo items, joined the way the pipeline joins them."""
    return [f"{item.title}\n{item.text}" if item.title else (item.text or "") for item in items]


def timed(label: str, fn, corpus: list, repeat: int, per_call: int = 1) -> float:
    """Best items/s of ``repeat`` runs of ``fn`` over ``corpus`` (other work on the machine
    only ever slows a run down, so the best run is the closest to the true cost).
    ``per_call``: how many items one call handles (a batch), for the rate."""
    best = 0.0
    for _ in range(repeat):
        start = time.perf_counter()
        count = 0
        for text in corpus:
            fn(text)
            count += len(text) if per_call > 1 else 1
        best = max(best, count / (time.perf_counter() - start))
    print(f"  {label:<38}{best:>10,.0f} items/s")
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--precise", action="store_true",
                        help='English read by the precise model ([collect] sentiment = "precise")')
    args = parser.parse_args()
    models = {"en": shipped("en", precise=True)} if args.precise else None

    # The shipped demo watch: the brands and queries the demo items are written for.
    watch = load_watch(Path(__file__).resolve().parent.parent / "watch.toml")
    queries = {b.name: b.compiled for b in watch.brands if b.compiled is not None}
    matcher = BrandMatcher(queries)
    items = demo_items(args.items)
    corpus = texts(items)
    langs = {text: detect_language(text) for text in corpus}  # also warms the models up
    analyser = Analyser(watch.brands, models)

    def match(text):
        doc = Doc(text)
        return [(b, queries[b].spans_doc(doc)) for b in matcher.match_doc(doc)]

    def sentiment_batch(batch):
        score_batch(batch, [langs[t] for t in batch], models)

    def pipeline_batch(batch_items):
        analyser.rows(batch_items, "demo", datetime.now(UTC))

    mentions = sum(len(match(t)) for t in corpus)
    size = sum(map(len, corpus)) / len(corpus)
    print(f"{len(corpus)} demo items, {mentions} mentions, {size:.0f} characters on average")
    timed("language (detect_language)", detect_language, corpus, args.repeat)
    timed("matching (BrandMatcher + spans)", match, corpus, args.repeat)
    timed("sentiment model (score_batch, per item)", sentiment_batch,
          [corpus[i:i + BATCH] for i in range(0, len(corpus), BATCH)], args.repeat, BATCH)
    timed("Analyser.rows: all of it, as ingested", pipeline_batch,
          [items[i:i + BATCH] for i in range(0, len(items), BATCH)], args.repeat, BATCH)
    # As `collectors run` does: each batch shared with worker processes, one per core.
    workers.allow(workers.cores())
    pipeline_batch(items[:BATCH])  # starts the workers and loads their models
    timed(f"same, {workers.allowed()} processes (workers)", pipeline_batch,
          [items[i:i + BATCH] for i in range(0, len(items), BATCH)], args.repeat, BATCH)
    workers.close()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"  peak memory of this process: {peak:,.0f} MB")

    rows = [json.loads(line) for line in EVAL.read_text(encoding="utf-8").splitlines() if line]
    print(f"\nShort-text language detection ({EVAL.name}):")
    for lang in ("fr", "en"):
        subset = [r for r in rows if r["lang"] == lang]
        guesses = Counter(detect_language(r["text"]) for r in subset)
        n = len(subset)
        wrong = n - guesses[lang] - guesses["unknown"]
        print(f"  {lang}: n={n} correct={guesses[lang] / n:.1%}"
              f" unknown={guesses['unknown'] / n:.1%} wrong={wrong / n:.1%} {dict(guesses)}")


if __name__ == "__main__":
    main()
