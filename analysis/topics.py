"""A handful of readable themes from a sample of texts: NMF on TF-IDF, in plain numpy."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Topic:
    """One theme: its label (its top terms joined), its top terms and each term's weight."""

    topic_id: int
    label: str
    top_terms: tuple[str, ...]
    weights: dict[str, float]


def fit_topics(docs: Sequence[set[str]], k: int = 6, vocabulary: int = 1500,
               min_docs: int = 3, max_share: float = 0.3, iterations: int = 200,
               seed: int = 7, label_terms: int = 3, keep_terms: int = 40) -> list[Topic]:
    """Group the terms of ``docs`` (one set of terms per text) into ``k`` topics.

    The ``vocabulary`` most frequent terms seen in at least ``min_docs`` texts and in at most
    ``max_share`` of them form a binary TF-IDF matrix (rows L2-normalised), factorised by
    non-negative matrix factorisation with multiplicative updates from a seeded start, so the
    same docs give the same topics. Each topic keeps its ``keep_terms`` heaviest terms; its
    label joins the first ``label_terms``. Returns fewer topics when the texts are too few
    or too alike, and an empty list when nothing qualifies; topics are ordered by weight.
    """
    n_docs = len(docs)
    if n_docs < max(k, 2) * 2:
        return []
    df = Counter(t for d in docs for t in d)
    cap = max(min_docs, int(max_share * n_docs))
    vocab = [t for t, c in sorted(df.items(), key=lambda kv: (-kv[1], kv[0]))
             if min_docs <= c <= cap][:vocabulary]
    if len(vocab) < k * 2:
        return []
    index = {t: i for i, t in enumerate(vocab)}
    # The matrix is kept sparse (a text holds a dozen of the vocabulary's terms): products are
    # sums over its non-zero cells, which is what makes a 5,000-text fit take a second.
    cols: list[list[int]] = []
    for d in docs:
        kept = sorted(index[t] for t in d if t in index)
        if kept:
            cols.append(kept)
    if len(cols) < k * 2:
        return []
    row_of = np.repeat(np.arange(len(cols)), [len(c) for c in cols])
    col_of = np.concatenate([np.asarray(c) for c in cols])
    idf = np.log((1 + n_docs) / (1 + np.array([df[t] for t in vocab], dtype=np.float64))) + 1
    val = idf[col_of]
    norms = np.sqrt(np.bincount(row_of, weights=val * val))
    val = val / norms[row_of]
    n_rows, n_cols = len(cols), len(vocab)

    def xt_dot(m: np.ndarray) -> np.ndarray:  # (X.T @ m).T for m of shape (rows, k)
        return np.stack([np.bincount(col_of, weights=m[row_of, j] * val, minlength=n_cols)
                         for j in range(m.shape[1])])

    def x_dot(m: np.ndarray) -> np.ndarray:  # X @ m.T for m of shape (k, cols)
        return np.stack([np.bincount(row_of, weights=m[j, col_of] * val, minlength=n_rows)
                         for j in range(m.shape[0])], axis=1)

    rng = np.random.default_rng(seed)
    scale = np.sqrt(val.sum() / (n_rows * n_cols) / k)
    w = rng.random((n_rows, k)) * scale + 1e-4
    h = rng.random((k, n_cols)) * scale + 1e-4
    eps = 1e-9
    for _ in range(iterations):
        h *= xt_dot(w) / (w.T @ w @ h + eps)
        w *= x_dot(h) / (w @ (h @ h.T) + eps)
        # Updates drive unused weights towards 0; subnormal floats would make every later
        # product many times slower, so weights stop at a tiny floor instead.
        np.maximum(h, 1e-12, out=h)
        np.maximum(w, 1e-12, out=w)
    strength = w.sum(axis=0) * h.sum(axis=1)
    topics = []
    for t in np.argsort(-strength):
        row = h[t]
        if row.max() <= 0:
            continue
        order = np.argsort(-row)[:keep_terms]
        # Terms under 5 % of the topic's heaviest one say nothing about it.
        top = tuple(vocab[i] for i in order if row[i] >= 0.05 * row.max() and row[i] > 1e-9)
        if len(top) < label_terms:
            continue  # a topic of one or two terms is a quirk of the sample, not a theme
        weights = {term: float(row[index[term]] / row.max()) for term in top}
        topics.append(Topic(len(topics), " · ".join(top[:label_terms]), top, weights))
    return topics
