"""The learned sentiment classifier: a linear softmax model per language over hashed features."""

# Trained by ``python -m training`` on public human-labelled corpora (see training/), saved as
# one small .npz per language under analysis/models/, read at start with no network. Scoring is
# plain numpy: the features of a batch of texts (analysis.sentiment_features) times the weights.
# A watch can adapt a copy to its own vocabulary from people's corrections (:meth:`adapt`).
# The precise English model adds a head over sentence embeddings (analysis.sentence_embedding)
# to the same linear scores: a watch chooses it with [collect] sentiment = "precise".

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from functools import cached_property, lru_cache
from pathlib import Path

import numpy as np

from analysis.sentiment_features import FeatureSpec, featurize, word_columns

LABELS = ("negative", "neutral", "positive")
MODELS = Path(__file__).resolve().parent / "models"
LANGS = ("en", "fr")
CHAR_STIFFNESS = 10.0  # how much harder character n-grams resist a correction than words
MAX_CHARS = 5000  # longer texts are read on their start: posts put their point early


class ModelError(Exception):
    """A model file that is missing, unreadable or made for other features."""


@dataclass(frozen=True)
class LinearModel:
    """Weights of one language's classifier and what they were trained on."""

    lang: str
    spec: FeatureSpec
    weights: np.ndarray  # (spec.width, 3) float32, columns in LABELS order
    bias: np.ndarray  # (3,)
    info: dict = field(default_factory=dict)
    head: np.ndarray | None = None  # (DIM, 3) on sentence embeddings: the precise model

    @property
    def precise(self) -> bool:
        """Whether the model reads sentence embeddings beside its n-grams."""
        return self.head is not None

    def logits(self, texts: list[str]) -> np.ndarray:
        """Raw class scores, one row per text."""
        indptr, indices, values = featurize(texts, [self.lang] * len(texts), self.spec)
        return _sparse_dot(indptr, indices, values, self._columns) + self.bias + \
            self._embedded(texts)

    def _embedded(self, texts: list[str]) -> np.ndarray | float:
        """The head's share of the scores (0 for a plain linear model)."""
        if self.head is None:
            return 0.0
        from analysis.sentence_embedding import EmbeddingError, embed

        try:
            return embed(texts).astype(np.float64) @ self.head.astype(np.float64)
        except EmbeddingError as exc:
            raise ModelError(str(exc)) from exc

    def __getstate__(self) -> dict:
        # Sent to worker processes with each batch: the transposed copy is rebuilt there.
        return {k: v for k, v in self.__dict__.items() if k != "_columns"}

    @cached_property
    def _columns(self) -> np.ndarray:
        """The weights one class per row: each class's gather then reads one small array."""
        return np.ascontiguousarray(self.weights.T)

    def labels(self, texts: list[str]) -> list[str]:
        """The label of highest probability for each text."""
        return [LABELS[i] for i in self.logits(texts).argmax(axis=1)]

    def accuracy(self, texts: list[str], gold: list[str]) -> float:
        """Share of ``texts`` whose label is the ``gold`` one."""
        return sum(g == p for g, p in zip(gold, self.labels(texts), strict=True)) / len(gold)

    def proba(self, texts: list[str]) -> np.ndarray:
        """Probabilities of (negative, neutral, positive), one row per text."""
        return _softmax(self.logits(texts))

    def save(self, path: Path | str) -> None:
        """Write the model as one compressed .npz (weights as float16 to keep it small)."""
        meta = {"lang": self.lang, "spec": self.spec.__dict__, "info": self.info,
                "labels": list(LABELS)}
        extra = {} if self.head is None else {"head": self.head.astype(np.float32)}
        with open(path, "wb") as f:
            np.savez_compressed(f, weights=self.weights.astype(np.float16),
                                bias=self.bias.astype(np.float32),
                                meta=np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8),
                                **extra)

    @classmethod
    def load(cls, path: Path | str) -> LinearModel:
        """Read a model written by :meth:`save`; :class:`ModelError` says what is wrong."""
        try:
            with np.load(path, allow_pickle=False) as data:
                meta = json.loads(bytes(data["meta"]).decode())
                weights = data["weights"].astype(np.float32)
                bias = data["bias"].astype(np.float32)
                head = data["head"].astype(np.float32) if "head" in data.files else None
        except (OSError, KeyError, ValueError) as exc:
            raise ModelError(f"{path}: not a readable sentiment model ({exc})") from exc
        spec = FeatureSpec(**meta["spec"])
        if weights.shape != (spec.width, len(LABELS)) or tuple(meta["labels"]) != LABELS:
            raise ModelError(f"{path}: weights of shape {weights.shape} do not fit its features")
        if head is not None and head.shape[1:] != (len(LABELS),):
            raise ModelError(f"{path}: an embedding head of shape {head.shape}")
        return cls(meta["lang"], spec, weights, bias, meta.get("info", {}), head)

    def adapt(self, texts: list[str], labels: list[str], prior: float = 0.3) -> LinearModel:
        """A copy moved toward ``labels`` on ``texts``, kept close to these weights.

        Minimises the softmax loss of the corrected texts plus half the squared distance to
        the current weights, weighted by ``prior`` for words and word pairs and by
        ``CHAR_STIFFNESS`` times more for character n-grams and lexicon sums (L-BFGS). Only
        the features those texts carry move. Character n-grams are shared by every text
        ("the ", "ent"): moving them as freely for a few corrections would shift unrelated
        posts. The bias stays, so corrections of one label do not tilt every other post.
        """
        if not texts:
            return self
        from scipy.optimize import minimize
        from scipy.sparse import csr_matrix

        langs = [self.lang] * len(texts)
        indptr, indices, values = featurize(texts, langs, self.spec)
        used, cols = np.unique(indices, return_inverse=True)
        x = csr_matrix((values, cols, indptr), shape=(len(texts), len(used)))
        stiffness = np.where(np.isin(used, word_columns(texts, langs, self.spec)), prior,
                             prior * CHAR_STIFFNESS)[:, None]
        target = np.zeros((len(texts), len(LABELS)))
        target[np.arange(len(texts)), [LABELS.index(name) for name in labels]] = 1.0
        base = self.weights[used].astype(np.float64)
        offset = self.bias + self._embedded(texts)  # the head stays as trained

        def loss(flat: np.ndarray) -> tuple[float, np.ndarray]:
            w = flat.reshape(base.shape)
            z = x @ w + offset
            z -= z.max(axis=1, keepdims=True)
            log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
            gap = w - base
            value = -(target * log_p).sum() + (stiffness * gap ** 2).sum() / 2
            grad = x.T @ (np.exp(log_p) - target) + stiffness * gap
            return float(value), grad.ravel()

        found = minimize(loss, base.ravel(), jac=True, method="L-BFGS-B",
                         options={"maxiter": 200})
        weights = self.weights.copy()
        weights[used] = found.x.reshape(base.shape).astype(np.float32)
        return replace(self, weights=weights)


def _sparse_dot(indptr: np.ndarray, indices: np.ndarray, values: np.ndarray,
                columns: np.ndarray) -> np.ndarray:
    """Rows of a CSR matrix times the weights given one class per row (``columns``), without
    scipy."""
    n = len(indptr) - 1
    out = np.zeros((n, columns.shape[0]), dtype=np.float64)
    if not len(indices):
        return out
    rows = np.repeat(np.arange(n), np.diff(indptr))
    for k in range(columns.shape[0]):
        out[:, k] = np.bincount(rows, weights=columns[k][indices] * values, minlength=n)
    return out


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


@lru_cache(maxsize=4)
def shipped(lang: str, precise: bool = False) -> LinearModel:
    """The model committed for ``lang`` (``fr``, or ``en`` for every other language); with
    ``precise``, English gets the model that reads sentence embeddings too (French has none:
    the embedding model is English)."""
    lang = "fr" if lang == "fr" else "en"
    name = "en-precise" if precise and lang == "en" else lang
    path = MODELS / f"sentiment-{name}.npz"
    if not path.exists():
        raise ModelError(f"{path} is missing: run `make model` to rebuild it")
    return LinearModel.load(path)


def model_for(lang: str | None, models: dict[str, LinearModel] | None = None) -> LinearModel:
    """The model that reads ``lang``: the watch's own from ``models`` if any, else the shipped."""
    key = "fr" if lang == "fr" else "en"
    return (models or {}).get(key) or shipped(key)


def score_batch(texts: list[str], langs: list[str | None],
                models: dict[str, LinearModel] | None = None) -> list[tuple[float, str]]:
    """``(score, label)`` of each text: score is P(positive) − P(negative), in [-1, 1].

    The label is the class of highest probability. Texts are grouped by model so each model
    reads its texts in one batch.
    """
    out: list[tuple[float, str]] = [(0.0, LABELS[1])] * len(texts)
    groups: dict[str, list[int]] = {}
    for i, lang in enumerate(langs):
        if texts[i] and texts[i].strip():
            groups.setdefault("fr" if lang == "fr" else "en", []).append(i)
    for key, rows in groups.items():
        p = model_for(key, models).proba([texts[i][:MAX_CHARS] for i in rows])
        best = p.argmax(axis=1)
        for k, i in enumerate(rows):
            out[i] = (float(p[k, 2] - p[k, 0]), LABELS[best[k]])
    return out


def fingerprint(models: dict[str, LinearModel] | None = None) -> str:
    """A short digest of the weights in use, stored with the labels they gave."""
    import hashlib

    digest = hashlib.md5(usedforsecurity=False)
    for lang in LANGS:
        model = model_for(lang, models)
        digest.update(model.weights.tobytes())
        digest.update(model.bias.tobytes())
        if model.head is not None:
            digest.update(model.head.tobytes())
    return digest.hexdigest()[:12]
