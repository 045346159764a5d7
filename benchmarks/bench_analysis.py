"""Ingest analysis speed (language + brand matching + sentiment) and short-text language accuracy.

Run: .venv/bin/python benchmarks/bench_analysis.py [--items N] [--repeat R]

Speed: demo items from ``collectors.demo`` go through what ``collectors.pipeline`` does per
item (detect_language, BrandMatcher on a Doc, score_text, score_about per matched brand),
without the database. Accuracy: ``benchmarks/eval/lang_short.jsonl``, short French and English
posts and titles, through ``detect_language``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from analysis.language import detect_language  # noqa: E402
from analysis.query import BrandMatcher, Doc  # noqa: E402
from analysis.sentiment import score_about, score_text  # noqa: E402
from collectors.demo import generate  # noqa: E402
from config import load_watch  # noqa: E402

EVAL = Path(__file__).resolve().parent / "eval" / "lang_short.jsonl"


def texts(items: int) -> list[str]:
    """Title and text of ``items`` demo items, joined the way the pipeline joins them."""
    out = []
    for item in generate(items, end=date(2026, 6, 30)):
        out.append(f"{item.title}\n{item.text}" if item.title else (item.text or ""))
    return out


def timed(label: str, fn, corpus: list[str], repeat: int) -> float:
    """Best items/s of ``repeat`` runs of ``fn`` over ``corpus`` (other work on the machine
    only ever slows a run down, so the best run is the closest to the true cost)."""
    best = 0.0
    for _ in range(repeat):
        start = time.perf_counter()
        for text in corpus:
            fn(text)
        best = max(best, len(corpus) / (time.perf_counter() - start))
    print(f"  {label:<38}{best:>10,.0f} items/s")
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    # The shipped demo watch: the brands and queries the demo items are written for.
    watch = load_watch(Path(__file__).resolve().parent.parent / "watch.toml")
    queries = {b.name: b.compiled for b in watch.brands if b.compiled is not None}
    matcher = BrandMatcher(queries)
    corpus = texts(args.items)
    langs = {text: detect_language(text) for text in corpus}  # also warms the models up

    def match(text):
        doc = Doc(text)
        return [(b, queries[b].spans_doc(doc)) for b in matcher.match_doc(doc)]

    def sentiment(text):
        lang = langs[text]
        score_text(text, lang)
        for _, spans in match_cache[text]:
            score_about(text, lang, spans)

    def pipeline(text):
        lang = detect_language(text)
        score_text(text, lang)
        for _, spans in match(text):
            score_about(text, lang, spans)

    match_cache = {text: match(text) for text in corpus}
    mentions = sum(len(m) for m in match_cache.values())
    size = sum(map(len, corpus)) / len(corpus)
    print(f"{len(corpus)} demo items, {mentions} mentions, {size:.0f} characters on average")
    timed("language (detect_language)", detect_language, corpus, args.repeat)
    timed("matching (BrandMatcher + spans)", match, corpus, args.repeat)
    timed("sentiment (score_text + score_about)", sentiment, corpus, args.repeat)
    timed("all three, as the pipeline does", pipeline, corpus, args.repeat)

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
