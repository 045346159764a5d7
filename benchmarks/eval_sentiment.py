"""Sentiment quality on public test splits nobody here tuned on, beside lexicon baselines.

Run: .venv/bin/python benchmarks/eval_sentiment.py [--markdown] [--errors N]

For every public test split in ../shared/labelled (never trained nor tuned on), for the
public sets the models never saw, and for the star-rated app reviews of ../shared/realdata, it
prints macro-F1, accuracy, per-class recall and the
confusion matrix of:
  - ours: the shipped model, through the same scoring path as the ingest (score_batch);
  - ours, precise (English): the model a watch gets with [collect] sentiment = "precise";
  - rules: the lexicon-and-rules analyser Veille shipped before (analysis.sentiment);
  - VADER (English) / vaderSentiment_fr (French) compound on the whole text, same run.
Binary sets (negative / positive) average F1 over their two classes; a neutral guess counts
as a miss. Then the team's own sets (benchmarks/eval/, written by the same hands as the
rules: a regression check, not a quality figure), single-brand and mixed-brand posts apart.
"""

from __future__ import annotations

import argparse
import json
import sys
import warnings
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from analysis.sentiment import label as rule_label  # noqa: E402
from analysis.sentiment import score_about, score_text  # noqa: E402
from analysis.sentiment_model import score_batch, shipped  # noqa: E402
from analysis.sentiment_targets import portions  # noqa: E402
from training import corpora  # noqa: E402
from training.metrics import Scores, confusion_table, score  # noqa: E402

EVAL = Path(__file__).resolve().parent / "eval"
# (title, file, split, language): the public sets, test splits first.
PUBLIC = (
    ("English tweets (TweetEval test)", corpora.EN_TWEETS, "test", "en"),
    ("French film reviews (Allociné sample, test)", corpora.FR_REVIEWS[0], "test", "fr"),
    ("French TV-series reviews (Allociné, test)", corpora.FR_REVIEWS[1], "test", "fr"),
    ("French book reviews (Amazon.fr, test)", corpora.FR_EXTRA_TEST, "test", "fr"),
    ("English review sentences (UCI; never trained on)", corpora.EN_REVIEWS[0], "train", "en"),
    ("English review sentences (Täckström-McDonald; never trained on)",
     corpora.EN_REVIEWS[1], "train", "en"),
)


# Real customer reviews of apps, as the stores served them (../shared/realdata/reviews), read
# through the collectors' own parsers; the stars give the label as for the French reviews of
# issue 12 (1-2 negative, 3 neutral, 4-5 positive). Small sets, but the closest public data to
# what Veille reads: customers telling a brand what its product does to them.
STORE_REVIEWS = (
    ("French App Store reviews (Xcode, 2021; stars)", "fr",
     ("reviews/appstore_rss_json/497799835_fr_1.json",)),
    ("English store reviews (App Store, Google Play; stars)", "en",
     ("reviews/appstore_rss_json/appvox_284815942_us_mosthelpful.json",
      "reviews/appstore_rss_json/1510826067_gb_1.json",
      "reviews/googleplay_batchexecute/review_relevant.html",
      "reviews/googleplay_batchexecute/review_history.html")),
)


def store_reviews(files: tuple[str, ...], lang: str, folder: Path = corpora.REALDATA
                  ) -> tuple[list[str], list[str]]:
    """The texts (title and text, as the ingest scores them) and star labels of the reviews
    in ``lang`` (as the ingest detects it: a French store has English reviews too), each
    once; empty when the real-data folder is absent."""
    from analysis.language import detect_language
    from collectors import appstore, googleplay

    items = []
    for name in files:
        path = folder / name
        if not path.exists():
            continue
        body = path.read_text(encoding="utf-8")
        if path.suffix == ".json":
            items += [appstore.review_item(e, "app", "xx") for e in appstore.entries(
                json.loads(body))]
        else:
            items += [googleplay.review_item(r, "app", "xx")
                      for r in googleplay.reviews_page(body)[0]]
    seen, texts, labels = set(), [], []
    for item in items:
        stars = item.extra.get("rating") if item else None
        if not stars or item.id in seen:
            continue
        seen.add(item.id)
        text = f"{item.title}\n{item.text}" if item.title else item.text
        if detect_language(text) != lang:
            continue
        texts.append(text)
        labels.append("negative" if stars <= 2 else "neutral" if stars == 3 else "positive")
    return texts, labels


def vader(lang: str):
    """VADER (or vaderSentiment_fr) compound on the whole text, cut at ±0.05."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if lang == "fr":
            from vaderSentiment_fr.vaderSentiment import SentimentIntensityAnalyzer
        else:
            from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer
    analyser = SentimentIntensityAnalyzer()
    return lambda text: rule_label(analyser.polarity_scores(text)["compound"])


def judge(texts: list[str], lang: str) -> dict[str, list[str]]:
    """Each analyser's labels for ``texts``."""
    out = {"ours": [name for _, name in score_batch(texts, [lang] * len(texts))]}
    if lang == "en":
        models = {"en": shipped("en", precise=True)}
        out["ours, precise"] = [name for _, name in score_batch(texts, ["en"] * len(texts),
                                                                models)]
    return out | {
        "rules": [rule_label(score_text(t, lang)) for t in texts],
        "VADER" if lang == "en" else "VADER-fr": [vader(lang)(t) for t in texts],
    }


def report(title: str, gold: list[str], guesses: dict[str, list[str]], markdown: bool,
           texts: list[str] | None = None, errors: int = 0) -> dict[str, Scores]:
    """Print one set's figures; return them by analyser."""
    results = {name: score(gold, guess) for name, guess in guesses.items()}
    print(f"\n## {title}\n")
    if markdown:
        print("| analyser | n | macro-F1 | accuracy | recall |\n|---|---|---|---|---|")
        for name, r in results.items():
            recalls = ", ".join(f"{k} {v:.2f}" for k, v in r.recall.items())
            print(f"| {name} | {r.n} | {r.macro_f1:.3f} | {r.accuracy:.3f} | {recalls} |")
        for name in ("ours", "ours, precise"):
            if name in results:
                print(f"\nConfusion of {name}:\n\n{confusion_table(results[name])}")
    else:
        for name, r in results.items():
            print(f"  {name:<17}{r.line()}")
        for name in ("ours", "ours, precise"):
            if name in results:
                print(f"  {name} confusion (gold → guess):",
                      {g: dict(row) for g, row in results[name].confusion.items()})
    if texts and errors:
        wrong = [(g, p, t) for g, p, t in zip(gold, guesses["ours"], texts, strict=True)
                 if g != p]
        for g, p, t in wrong[:errors]:
            print(f"  gold={g} ours={p} | {t[:140]}")
    return results


def team_sets(markdown: bool) -> None:
    """The team's own brand-mention sets: single-brand and mixed-brand posts apart."""
    for lang in ("fr", "en"):
        with open(EVAL / f"sentiment_{lang}.jsonl", encoding="utf-8") as f:
            rows = [json.loads(line) for line in f if line.strip()]
        by_text: dict[str, dict[str, list]] = defaultdict(dict)
        for r in rows:
            by_text[r["text"]][r["brand"]] = [tuple(s) for s in r["spans"]]
        targets = [portions(r["text"], by_text[r["text"]]).get(r["brand"]) or r["text"]
                   for r in rows]
        ours = [name for _, name in score_batch(targets, [lang] * len(rows))]
        whole = [name for _, name in score_batch([r["text"] for r in rows], [lang] * len(rows))]
        rules = [rule_label(score_about(r["text"], lang, [tuple(s) for s in r["spans"]]))
                 for r in rows]
        mixed = [len(by_text[r["text"]]) > 1 for r in rows]
        for kind, want in (("single-brand", False), ("mixed-brand", True)):
            idx = [i for i, m in enumerate(mixed) if m == want]
            report(f"Team set {lang}, {kind} posts (regression check, not a quality figure)",
                   [rows[i]["label"] for i in idx],
                   {"ours": [ours[i] for i in idx],
                    "ours, post whole": [whole[i] for i in idx],
                    "rules": [rules[i] for i in idx]}, markdown)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--markdown", action="store_true", help="print Markdown tables")
    parser.add_argument("--errors", type=int, default=0, help="print this many wrong guesses")
    args = parser.parse_args()
    try:
        for title, name, split, lang in PUBLIC:
            data = corpora.split(name, split)
            report(title, data.labels, judge(data.texts, lang), args.markdown, data.texts,
                   args.errors)
    except corpora.CorpusError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for title, lang, files in STORE_REVIEWS:
        texts, gold = store_reviews(files, lang)
        if texts:
            report(title, gold, judge(texts, lang), args.markdown, texts, args.errors)
    team_sets(args.markdown)
    return 0


if __name__ == "__main__":
    sys.exit(main())
