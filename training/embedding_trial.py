"""Issue 12's fourth round: do pretrained static embeddings (WordLlama) help the English model?

Run: ``.venv/bin/pip install wordllama==0.4.0.post1`` (not in requirements.txt: it did not
help), then ``python -m training.embedding_trial linear --source clean --scale 1`` or
``python -m training.embedding_trial stack --head mlp --hidden 64 --inputs both``.

Every figure is out of fold on TweetEval train with the protocol of benchmarks/README.md's
third-round table (5 stratified folds; scale and class shifts chosen on the other folds'
scores, nested; macro-F1 at each share of ``MIXES``), plus the validation macro-F1 of the
argmax of a model fitted on the whole training split. The test split is never read here.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

from analysis.sentiment_features import clean
from analysis.sentiment_model import LABELS
from training import corpora
from training.metrics import macro_f1_at, score
from training.sentiment import (
    FOLDS,
    MIXES,
    SPEC,
    _classifier,
    _gold,
    best_scale,
    matrix,
    mix_offsets,
    mixed_macro_f1,
)

ALPHA = 1e-4  # the shipped English recipe's regularisation
# Labels are passed as indexes into LABELS, so every model's class columns are in LABELS order.


def embedder():
    """WordLlama's ``l2_supercat`` 256-d model, read from the files inside its wheel.

    The default ``WordLlama.load()`` looks for the tokenizer in a folder the wheel does not
    have and downloads it; pointing ``cache_dir`` at the package folder finds both files and
    ``disable_download`` makes sure nothing is fetched.
    """
    import wordllama
    from wordllama import WordLlama

    return WordLlama.load(cache_dir=Path(wordllama.__file__).parent, disable_download=True)


def embed(texts: list[str], source: str) -> np.ndarray:
    """Unit-length mean-pooled embeddings of ``texts`` as written (``raw``) or folded the way
    the features fold them (``clean``: lower case, links and @handles generic)."""
    src = texts if source == "raw" else [clean(t) for t in texts]
    return np.nan_to_num(embedder().embed(src, norm=True, batch_size=512))


def folds_of(gold: np.ndarray, folds: int = FOLDS) -> np.ndarray:
    """The fold of each text: stratified, shuffled as ``training.sentiment.out_of_fold``."""
    from sklearn.model_selection import StratifiedKFold

    fold = np.zeros(len(gold), dtype=int)
    for k, (_, held) in enumerate(StratifiedKFold(folds, shuffle=True, random_state=0)
                                  .split(np.zeros(len(gold)), gold)):
        fold[held] = k
    return fold


def out_of_fold(x, gold: np.ndarray, fold: np.ndarray, make) -> np.ndarray:
    """Class scores of every row by a ``make()`` model fitted on the other folds.

    A model with ``decision_function`` gives its margins; one with only ``predict_proba``
    gives log-probabilities less the log of its training class shares (balanced, as the
    linear models' class weights are).
    """
    z = np.zeros((len(gold), len(LABELS)))
    for k in np.unique(fold):
        rest, held = fold != k, fold == k
        model = make().fit(x[rest], gold[rest])
        z[held] = _scores(model, x[held], np.bincount(gold[rest]) / rest.sum())
    return z


def _scores(model, x, prior: np.ndarray) -> np.ndarray:
    if hasattr(model, "decision_function"):
        return model.decision_function(x)
    return np.log(model.predict_proba(x) + 1e-9) - np.log(prior)


def nested(z: np.ndarray, gold: np.ndarray, fold: np.ndarray) -> dict:
    """Macro-F1 at each of ``MIXES``, their mean and negative recall, when each fold's scores
    are scaled and shifted as the other folds' scores choose (so no fold grades its own)."""
    guess = np.zeros(len(gold), dtype=int)
    for k in np.unique(fold):
        other, held = fold != k, fold == k
        factor = best_scale(z[other], gold[other])
        shift, _ = mix_offsets(z[other] * factor, gold[other])
        guess[held] = (z[held] * factor + shift).argmax(axis=1)
    mean, result = mixed_macro_f1(np.eye(len(LABELS))[guess], gold)
    return {"per_mix": [round(macro_f1_at(result, m), 3) for m in MIXES],
            "mean": round(mean, 4), "negative_recall": round(result.recall["negative"], 3)}


def _validation(z: np.ndarray, val: corpora.Split) -> dict:
    result = score(val.labels, [LABELS[i] for i in z.argmax(axis=1)])
    return {"validation_macro_f1": round(result.macro_f1, 4),
            "validation_negative_recall": round(result.recall["negative"], 3)}


def linear(train: corpora.Split, val: corpora.Split, source: str | None, scale: float) -> dict:
    """The shipped features, plus ``scale`` times the embedding of ``source`` if any."""
    from scipy.sparse import csr_matrix, hstack

    def features(texts: list[str]):
        x = matrix(texts, "en", SPEC)
        return x if source is None else hstack([x, csr_matrix(embed(texts, source) * scale)]
                                               ).tocsr()

    gold = _gold(train.labels)
    x = features(train.texts)
    fold = folds_of(gold)
    out = nested(out_of_fold(x, gold, fold, lambda: _classifier("huber", ALPHA)), gold, fold)
    model = _classifier("huber", ALPHA).fit(x, gold)
    return out | _validation(model.decision_function(features(val.texts)), val)


def stack(train: corpora.Split, val: corpora.Split, head: str, hidden: int, l2: float,
          inputs: str) -> dict:
    """A head on the shipped linear model's out-of-fold scores and/or the standardised
    embedding of the cleaned tweet (``inputs``: scores, embedding or both)."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.neural_network import MLPClassifier

    gold = _gold(train.labels)
    fold = folds_of(gold)
    x = matrix(train.texts, "en", SPEC)
    z = out_of_fold(x, gold, fold, lambda: _classifier("huber", ALPHA))
    linear_model = _classifier("huber", ALPHA).fit(x, gold)
    zv = linear_model.decision_function(matrix(val.texts, "en", SPEC))
    e, ev = embed(train.texts, "clean"), embed(val.texts, "clean")
    mu, sd = e.mean(axis=0), e.std(axis=0)
    parts = {"scores": (z, zv), "embedding": ((e - mu) / sd, (ev - mu) / sd)}
    chosen = ["embedding", "scores"] if inputs == "both" else [inputs]
    h, hv = (np.hstack([parts[p][i] for p in chosen]) for i in (0, 1))

    def make():
        if head == "logistic":
            return LogisticRegression(C=1.0, max_iter=1000)
        return MLPClassifier((hidden,), alpha=l2, early_stopping=True, random_state=0,
                             max_iter=200)

    out = nested(out_of_fold(h, gold, fold, make), gold, fold)
    return out | _validation(_scores(make().fit(h, gold), hv, np.bincount(gold) / len(gold)),
                             val)


def main(argv: list[str] | None = None) -> int:
    """Run one trial and print its figures as one JSON line; return the exit code."""
    parser = argparse.ArgumentParser(prog="python -m training.embedding_trial")
    sub = parser.add_subparsers(dest="kind", required=True)
    lin = sub.add_parser("linear", help="embedding columns beside the shipped features")
    lin.add_argument("--source", choices=("none", "raw", "clean"), default="clean")
    lin.add_argument("--scale", type=float, default=1.0)
    stk = sub.add_parser("stack", help="a head on out-of-fold scores and the embedding")
    stk.add_argument("--head", choices=("logistic", "mlp"), default="mlp")
    stk.add_argument("--hidden", type=int, default=64)
    stk.add_argument("--l2", type=float, default=1e-3)
    stk.add_argument("--inputs", choices=("scores", "embedding", "both"), default="both")
    args = parser.parse_args(argv)
    train = corpora.split(corpora.EN_TWEETS, "train")
    val = corpora.split(corpora.EN_TWEETS, "val")
    if args.kind == "linear":
        out = linear(train, val, None if args.source == "none" else args.source, args.scale)
    else:
        out = stack(train, val, args.head, args.hidden, args.l2, args.inputs)
    print(json.dumps({**vars(args), **out}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
