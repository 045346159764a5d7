"""Near-duplicate grouping: MinHash signatures of word shingles, LSH bands, and story matching."""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from analysis.text import tokenize

SHINGLE = 4          # words per shingle
MIN_WORDS = 20       # shorter texts are their own story: chat-length replies repeat by chance
PERMUTATIONS = 64    # minhash values per signature
BANDS = 16           # LSH bands of PERMUTATIONS // BANDS values: candidates from ~0.5 similarity
ROWS = PERMUTATIONS // BANDS
THRESHOLD = 0.7      # estimated Jaccard similarity from which two texts are one story


def _coefficients() -> tuple[np.ndarray, np.ndarray]:
    # Derived from md5 rather than a seeded RNG so signatures stored in the database stay
    # comparable whatever numpy version computes the next ones.
    a, b = [], []
    for i in range(PERMUTATIONS):
        digest = hashlib.md5(f"veille-minhash-{i}".encode(), usedforsecurity=False).digest()
        a.append(int.from_bytes(digest[:8], "little") | 1)  # odd multiplier
        b.append(int.from_bytes(digest[8:], "little"))
    return np.array(a, dtype=np.uint64), np.array(b, dtype=np.uint64)


_A, _B = _coefficients()
_SHIFT = np.uint64(32)


def shingles(text: str, size: int = SHINGLE) -> np.ndarray:
    """Return the distinct hashed ``size``-word shingles of ``text`` as 32-bit integers.

    Words are folded by :func:`analysis.text.tokenize` (case, accents, punctuation), so
    copies that differ in typography only give the same shingles. Texts of fewer than
    :data:`MIN_WORDS` words give an empty array.
    """
    words = tokenize(text or "")
    if len(words) < MIN_WORDS:
        return np.empty(0, dtype=np.uint64)
    grams = {" ".join(words[i:i + size]) for i in range(len(words) - size + 1)}
    # crc32 is stable across processes, unlike Python's salted hash().
    return np.fromiter((zlib.crc32(g.encode()) for g in grams), dtype=np.uint64, count=len(grams))


def signature(text: str) -> np.ndarray | None:
    """Return the MinHash signature of ``text`` (:data:`PERMUTATIONS` uint32), or None if short.

    The share of equal positions between two signatures estimates the Jaccard similarity of
    the two texts' shingle sets. Uses multiply-shift hashing: (a·x + b) mod 2⁶⁴, top 32 bits.
    """
    values = shingles(text)
    if values.size == 0:
        return None
    hashed = (np.outer(_A, values) + _B[:, None]) >> _SHIFT
    return hashed.min(axis=1).astype(np.uint32)


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity of the texts behind two signatures, in [0, 1]."""
    return float(np.count_nonzero(a == b)) / len(a)


def band_keys(sig: np.ndarray) -> list[int]:
    """The :data:`BANDS` LSH keys of a signature, as signed 64-bit integers (for a BIGINT column).

    Two texts share at least one key with probability 1 − (1 − s^ROWS)^BANDS for similarity s:
    about 0.2 at s = 0.3, 0.65 at 0.5, and above 0.99 from 0.7 on. The band number is part of
    the key, so equal values in different bands never collide.
    """
    keys = []
    raw = sig.astype("<u4").tobytes()
    for band in range(BANDS):
        chunk = bytes([band]) + raw[band * ROWS * 4:(band + 1) * ROWS * 4]
        digest = hashlib.blake2b(chunk, digest_size=8).digest()
        keys.append(int.from_bytes(digest, "little", signed=True))
    return keys


def to_bytes(sig: np.ndarray) -> bytes:
    """A signature as bytes, for a BLOB column."""
    return sig.astype("<u4").tobytes()


def from_bytes(blob: bytes) -> np.ndarray:
    """The signature stored by :func:`to_bytes`."""
    return np.frombuffer(blob, dtype="<u4").astype(np.uint32)


@dataclass
class StoryIndex:
    """Signatures of already-grouped items, findable by their LSH band keys.

    ``add`` records an item with its story; ``match`` finds the story of the most similar
    recorded item at :data:`THRESHOLD` or above. Holds only what it is given, so the caller
    bounds it (the store keeps a window of recent items).
    """

    _by_key: dict[int, list[int]] = field(default_factory=dict)
    _stories: list[str] = field(default_factory=list)
    _signatures: list[np.ndarray] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self._stories)

    def add(self, story_id: str, sig: np.ndarray, keys: Iterable[int] | None = None) -> None:
        """Record a signature belonging to ``story_id`` (``keys`` default to its band keys)."""
        slot = len(self._stories)
        self._stories.append(story_id)
        self._signatures.append(sig)
        for key in band_keys(sig) if keys is None else keys:
            self._by_key.setdefault(key, []).append(slot)

    def match(self, sig: np.ndarray, keys: Iterable[int] | None = None
              ) -> tuple[str, float] | None:
        """Return ``(story_id, similarity)`` of the closest recorded item, or None below threshold.

        Ties go to the item recorded first, so the earliest copy's story wins.
        """
        candidates: set[int] = set()
        for key in band_keys(sig) if keys is None else keys:
            candidates.update(self._by_key.get(key, ()))
        best: tuple[str, float] | None = None
        for slot in sorted(candidates):
            score = similarity(sig, self._signatures[slot])
            if score >= THRESHOLD and (best is None or score > best[1]):
                best = (self._stories[slot], score)
        return best


def group(items: Iterable[tuple[str, str]], index: StoryIndex | None = None
          ) -> dict[str, tuple[str, float]]:
    """Assign each ``(item_id, text)`` to a story, in the order given (earliest first).

    Returns ``{item_id: (story_id, similarity)}``. An item close enough to one already in
    ``index`` (or earlier in ``items``) joins that story with the estimated similarity;
    otherwise it starts its own story, named by its own id, with similarity 1.0. Texts too
    short to sign are always their own story. ``index`` is updated in place when given.
    """
    index = StoryIndex() if index is None else index
    out: dict[str, tuple[str, float]] = {}
    for item_id, text in items:
        sig = signature(text)
        if sig is None:
            out[item_id] = (item_id, 1.0)
            continue
        keys = band_keys(sig)
        found = index.match(sig, keys)
        story = found if found is not None else (item_id, 1.0)
        out[item_id] = story
        index.add(story[0], sig, keys)
    return out
