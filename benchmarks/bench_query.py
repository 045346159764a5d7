"""Measure brand matching speed: items/s for BrandMatcher over generated ~300-character texts.

Run: .venv/bin/python benchmarks/bench_query.py [--items N] [--brands B] [--length CHARS]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from analysis.query import BrandMatcher, Doc, compile_query  # noqa: E402

QUERIES = {
    "Orange": '"Orange Telecom" OR @orange OR #orangefr OR (orange AND (forfait OR fibre OR box)) '
              'NOT "jus d\'orange"',
    "Free": '"Free Mobile" OR @free OR #freebox OR freebox OR (free NEAR/3 forfait) OR iliad',
    "SFR": "sfr OR @sfr OR #sfr OR \"red by sfr\" OR (altice AND (box OR fibre))",
    "Bouygues": '"Bouygues Telecom" OR @bouyguestelecom OR bbox OR (bouygues NOT construction)',
    "Sosh": "sosh OR @sosh_fr OR #sosh OR (soshi* AND mobile)",
    "Acme": "acme OR @acme OR \"acme corp\" OR acme-phone",
    "Globex": "globex OR (glob* NEAR/2 ex)",
    "Initech": "initech OR \"tps report\" NOT office",
}

WORDS = ("le la les un une des et ou mais donc car pour avec sans sur dans chez très plus moins "
         "réseau débit fibre forfait box mobile client service panne attente hotline résilier "
         "prix cher rapide lent génial nul merci bonjour hier demain semaine mois promo offre "
         "the a of and to is it this that network great awful support phone price deal week "
         "café été déjà où être français problème technicien installation").split()
MENTIONS = ("Orange", "orange", "Orange Telecom", "@orange", "#OrangeFR", "jus d'orange", "Free",
            "Free Mobile", "freebox", "SFR", "@sfr", "RED by SFR", "Bouygues Telecom", "Bbox",
            "Sosh", "@sosh_fr", "Acme", "acme-phone", "Globex", "Initech", "iliad", "Altice")
EXTRAS = ("https://www.example.com/offre?id=42", "#promo", "@support", "!", ",", ".", "?",
          "l'offre", "d'accord", "aujourd'hui", "4G", "5G", "30€", "😀")


def make_texts(count: int, length: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    texts = []
    for _ in range(count):
        parts: list[str] = []
        size = 0
        while size < length:
            roll = rng.random()
            word = (rng.choice(MENTIONS) if roll < 0.01 else rng.choice(EXTRAS) if roll < 0.08
                    else rng.choice(WORDS))
            if rng.random() < 0.05:
                word = word.capitalize()
            parts.append(word)
            size += len(word) + 1
        texts.append(" ".join(parts))
    return texts


def rate(label: str, count: int, func) -> float:
    start = time.perf_counter()
    func()
    elapsed = time.perf_counter() - start
    per_second = count / elapsed
    print(f"{label:<52} {per_second:>12,.0f} /s   ({elapsed * 1e6 / count:7.1f} µs each)")
    return per_second


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=20_000)
    parser.add_argument("--brands", type=int, default=5)
    parser.add_argument("--length", type=int, default=300)
    args = parser.parse_args()

    names = list(QUERIES)[: args.brands]
    queries = {name: compile_query(QUERIES[name]) for name in names}
    matcher = BrandMatcher(queries)
    texts = make_texts(args.items, args.length)
    ascii_share = sum(t.isascii() for t in texts) / len(texts)
    print(f"{len(texts):,} texts of ~{args.length} chars ({ascii_share:.0%} pure ASCII), "
          f"{len(names)} brands: {', '.join(names)}")

    for text in texts[:2000]:  # warm the fold tables, which fill on first sight of a character
        Doc(text)
    rate("compile_query (all brands)", 200 * len(names),
         lambda: [compile_query(QUERIES[n]) for _ in range(200) for n in names])
    rate("Doc(text): fold + tokenise", len(texts), lambda: [Doc(t) for t in texts])
    found = []
    items_per_s = rate(f"BrandMatcher.match, {len(names)} brands", len(texts),
                       lambda: found.extend(matcher.match(t) for t in texts))
    rate(f"Query.matches per brand, {len(names)} brands (no sharing)", len(texts),
         lambda: [[q.matches(t) for q in queries.values()] for t in texts])
    hits = [(t, b) for t, bs in zip(texts, found, strict=True) for b in bs]
    rate("Query.spans on matched (item, brand) pairs", max(len(hits), 1),
         lambda: [queries[b].spans(t) for t, b in hits])
    mentioned = sum(1 for bs in found if bs)
    print(f"{mentioned:,} of {len(texts):,} texts mention a brand; {len(hits):,} mentions")
    long_text = " ".join(make_texts(1, 50_000, seed=3))
    rate("BrandMatcher.match on one 50,000-char text", 20,
         lambda: [matcher.match(long_text) for _ in range(20)])
    worst = "(" * 50 + " OR ".join(f"w{i}" for i in range(1500)) + ")" * 50
    rate(f"compile_query on a {len(worst):,}-char query", 5,
         lambda: [compile_query(worst) for _ in range(5)])
    print(f"\nresult: {items_per_s:,.0f} items/s with {len(names)} brands on ~{args.length}-char "
          "texts, one core")


if __name__ == "__main__":
    main()
