"""Train the French and English sentiment models on the public corpora and save them."""

# The choice of regularisation is made on validation splits only; test splits are read by
# benchmarks/eval_sentiment.py, never here. Class weights are balanced: complaints are the
# rarest class in the training tweets (16 %) and the one a bad-buzz alert needs most.

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from analysis.sentiment_features import FeatureSpec, featurize
from analysis.sentiment_model import LABELS, MODELS, LinearModel
from training import corpora
from training.metrics import Scores, score

C_GRID = (0.25, 0.5, 1.0)
# Emphasis and service cues (analysis.sentiment_cues) as columns, each cue also worth this
# valence in the lexicon sums: +0.004 English validation macro-F1 with the same classifier.
SPEC = FeatureSpec(extras=True, cue_valence=2.0)
NEGATIVE_RECALL = 0.70  # the least share of validation complaints the offsets must keep


@dataclass(frozen=True)
class Recipe:
    """What one language's model learns from and is tuned on."""

    lang: str
    train: Callable[[], corpora.Split]
    val: Callable[[], corpora.Split]
    sources: str
    family: str = "logistic"  # or "huber": SGD with the modified Huber loss
    grid: tuple[float, ...] = C_GRID  # C for logistic, alpha for huber
    spec: FeatureSpec = SPEC


def _french_train() -> corpora.Split:
    out = corpora.french_neutral("train")
    for name in corpora.FR_REVIEWS:
        reviews = corpora.split(name, "train")
        out = out + reviews + corpora.sentences_of(reviews)
    return out


def _french_val() -> corpora.Split:
    return corpora.split(corpora.FR_REVIEWS[1], "val") + corpora.french_neutral("val")


RECIPES = {
    # The English review sentences were tried too: +0.004 macro-F1 on validation, within
    # noise, and a domain the tweets do not share; they stay out (benchmarks/README.md).
    # The modified Huber loss scored 0.692 validation macro-F1 against 0.674 for the logistic
    # regression on the same features (on the older features, averaging the two did worse
    # than the Huber model alone: 0.675 against 0.686).
    "en": Recipe("en", lambda: corpora.split(corpora.EN_TWEETS, "train"),
                 lambda: corpora.split(corpora.EN_TWEETS, "val"), "TweetEval sentiment train",
                 "huber", (3e-5, 1e-4, 3e-4)),
    "fr": Recipe("fr", _french_train, _french_val,
                 "Allociné sample and TV-series reviews (train), whole and as sentences; "
                 "French news and feed sentences from ../shared/realdata as neutral",
                 # C = 1.0 won the grid at 0.923 validation; the reviews never report a
                 # delivery, so a service cue needs the valence of a strong opinion word
                 # (4.0) for "commande reçue en 24h" to read as praise.
                 grid=(1.0,), spec=FeatureSpec(extras=True, cue_valence=4.0)),
}


def matrix(texts: list[str], lang: str, spec: FeatureSpec = SPEC):
    """The scipy CSR feature matrix of ``texts`` (training needs scipy; scoring does not)."""
    from scipy.sparse import csr_matrix

    indptr, indices, values = featurize(texts, [lang] * len(texts), spec)
    return csr_matrix((values, indices, indptr), shape=(len(texts), spec.width))


def fit(texts: list[str], labels: list[str], lang: str, c: float,
        spec: FeatureSpec = SPEC) -> LinearModel:
    """A multinomial logistic regression with balanced class weights, as a LinearModel."""
    from sklearn.linear_model import LogisticRegression

    clf = LogisticRegression(C=c, max_iter=3000, class_weight="balanced")
    clf.fit(matrix(texts, lang, spec), labels)
    order = [list(clf.classes_).index(name) for name in LABELS]
    weights = clf.coef_[order].T.astype(np.float32)
    return LinearModel(lang, spec, weights, clf.intercept_[order].astype(np.float32))


def fit_huber(texts: list[str], labels: list[str], lang: str, alpha: float,
              spec: FeatureSpec = SPEC) -> LinearModel:
    """A linear SGD classifier with the modified Huber loss and balanced classes."""
    from sklearn.linear_model import SGDClassifier

    clf = SGDClassifier(loss="modified_huber", alpha=alpha, class_weight="balanced",
                        max_iter=50, tol=1e-4, random_state=0)
    clf.fit(matrix(texts, lang, spec), labels)
    order = [list(clf.classes_).index(name) for name in LABELS]
    weights = clf.coef_[order].T.astype(np.float32)
    return LinearModel(lang, spec, weights, clf.intercept_[order].astype(np.float32))


def calibrated(model: LinearModel, val: corpora.Split) -> LinearModel:
    """``model`` with its scores scaled so its probabilities fit ``val`` best (log-loss).

    A Huber classifier's scores are margins, not log-odds: without this scale its
    probabilities would all sit near a third. Labels are unchanged (one positive factor).
    """
    z = model.logits(val.texts)
    gold = np.array([LABELS.index(name) for name in val.labels])

    def log_loss(t: float) -> float:
        y = z * t
        y = y - y.max(axis=1, keepdims=True)
        log_p = y - np.log(np.exp(y).sum(axis=1, keepdims=True))
        return float(-log_p[np.arange(len(gold)), gold].mean())

    best = min(np.geomspace(0.25, 16, 25), key=log_loss)
    return replace(model, weights=model.weights * np.float32(best),
                   bias=model.bias * np.float32(best))


def with_offsets(model: LinearModel, val: corpora.Split) -> tuple[LinearModel, Scores]:
    """``model`` with the negative and positive biases shifted to the best validation macro-F1.

    Only shifts that keep at least ``NEGATIVE_RECALL`` of the validation complaints found are
    considered (if none does, the one that finds the most); validation only, never test.
    """
    z = model.logits(val.texts)
    steps = np.round(np.arange(-1.0, 1.01, 0.05), 2)
    best: tuple[tuple[bool, float, float], np.ndarray, Scores] | None = None
    for neg in steps:
        for pos in steps:
            shift = np.array([neg, 0.0, pos], dtype=np.float32)
            result = score(val.labels, [LABELS[i] for i in (z + shift).argmax(axis=1)])
            recall = result.recall.get("negative", 1.0)
            key = (recall >= NEGATIVE_RECALL, result.macro_f1 if recall >= NEGATIVE_RECALL
                   else recall, -abs(neg) - abs(pos))
            if best is None or key > best[0]:
                best = (key, shift, result)
    _, shift, result = best
    return replace(model, bias=model.bias + shift), result


def predict(model: LinearModel, texts: list[str]) -> list[str]:
    """The label of highest probability for each text."""
    return model.labels(texts)


def build(lang: str, say: Callable[[str], None] = print) -> tuple[LinearModel, Scores]:
    """Train ``lang``'s model over its grid, keep the best on validation, then calibrate it.

    English then shifts its class biases on validation (:func:`with_offsets`); French keeps
    argmax (its validation set has no neutral tweets to balance against).
    """
    recipe = RECIPES[lang]
    train, val = recipe.train(), recipe.val()
    say(f"{lang}: {len(train)} training texts, {len(val)} validation texts")
    best: tuple[LinearModel, Scores, float] | None = None
    for c in recipe.grid:
        started = time.perf_counter()
        if recipe.family == "huber":
            model = fit_huber(train.texts, train.labels, lang, c, recipe.spec)
        else:
            model = fit(train.texts, train.labels, lang, c, recipe.spec)
        result = score(val.labels, predict(model, val.texts))
        say(f"{lang}: {recipe.family} {c}: validation {result.line()} "
            f"({time.perf_counter() - started:.0f} s)")
        if best is None or result.macro_f1 > best[1].macro_f1:
            best = (model, result, c)
    model, result, c = best
    info = {"trained_on": recipe.sources, "train_size": len(train), "family": recipe.family,
            "c": c, "validation_macro_f1": round(result.macro_f1, 4)}
    if recipe.family == "huber":
        model = calibrated(model, val)
    if lang == "en":
        model, result = with_offsets(model, val)
        info["offsets_validation_macro_f1"] = round(result.macro_f1, 4)
        say(f"{lang}: with bias offsets: validation {result.line()}")
    return LinearModel(lang, model.spec, model.weights, model.bias, info), result


def save(model: LinearModel) -> str:
    """Write ``model`` where :func:`analysis.sentiment_model.shipped` reads it; return the path."""
    MODELS.mkdir(parents=True, exist_ok=True)
    path = MODELS / f"sentiment-{model.lang}.npz"
    model.save(path)
    return str(path)
