"""Near-duplicate grouping: MinHash signatures of word shingles, LSH bands, and story matching."""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Iterable

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


class StoryIndex:
    """Signatures of already-grouped items, findable by their LSH band keys.

    ``add`` records an item with its story; ``match`` finds the story of the most similar
    recorded item at :data:`THRESHOLD` or above. Holds only what it is given, and
    :meth:`forget_before` drops what was published before a time, so a caller going through
    items in publication order keeps it the size of its window.
    """

    def __init__(self) -> None:
        """An empty index."""
        self._by_key: dict[int, list[int]] = {}
        self._stories: list[str] = []
        self._keys: list[list[int]] = []
        self._items: dict[str, int] = {}
        self._live = 0
        self._resize(1024, [])

    def __len__(self) -> int:
        return self._live

    def __contains__(self, item_id: object) -> bool:
        # Forgotten items leave _items only at the next compaction.
        slot = self._items.get(item_id)
        return slot is not None and bool(self._alive[slot])

    def add(self, story_id: str, sig: np.ndarray, keys: Iterable[int] | None = None,
            item_id: str | None = None, published=None) -> None:
        """Record a signature belonging to ``story_id`` (``keys`` default to its band keys).

        ``item_id`` makes the item known to ``in``; ``published`` (a datetime) lets
        :meth:`forget_before` drop it later.
        """
        slot = len(self._stories)
        if slot == len(self._alive):
            self._resize(2 * slot, range(slot))
        keys = band_keys(sig) if keys is None else list(keys)
        self._stories.append(story_id)
        self._keys.append(keys)
        if published is not None:
            self._published[slot] = np.datetime64(published, "us")
        self._matrix[slot] = sig
        self._alive[slot] = True
        self._live += 1
        if item_id is not None:
            # An item grouped again (its text changed) replaces its earlier signature.
            earlier = self._items.get(item_id)
            if earlier is not None and self._alive[earlier]:
                self._alive[earlier] = False
                self._live -= 1
            self._items[item_id] = slot
        for key in keys:
            self._by_key.setdefault(key, []).append(slot)

    def forget_before(self, when) -> None:
        """Drop the signatures published before ``when`` (those added without a time stay)."""
        # NaT (no time given) compares false: those stay.
        dead = np.flatnonzero(self._alive & (self._published < np.datetime64(when, "us")))
        if not len(dead):
            return
        self._alive[dead] = False
        self._live -= len(dead)
        if self._live < len(self._stories) // 2:
            self._compact()

    def _compact(self) -> None:
        """Rebuild the index without the forgotten slots, keeping the order of the others."""
        keep = np.flatnonzero(self._alive[:len(self._stories)]).tolist()
        renumber = {old: new for new, old in enumerate(keep)}
        self._stories = [self._stories[s] for s in keep]
        self._keys = [self._keys[s] for s in keep]
        self._items = {i: renumber[s] for i, s in self._items.items() if s in renumber}
        self._resize(max(1024, 2 * len(keep)), keep)
        self._by_key = {}
        for slot, keys in enumerate(self._keys):
            for key in keys:
                self._by_key.setdefault(key, []).append(slot)

    def _resize(self, size: int, rows) -> None:
        """Arrays of ``size`` slots holding the signatures, liveness and times of ``rows``
        (slot numbers, in their order) first."""
        rows = list(rows)
        # One row per slot: a copy shared by many texts (a press release, a template) has
        # many candidates, compared in one numpy operation rather than one by one.
        matrix = np.zeros((size, PERMUTATIONS), dtype=np.uint32)
        alive = np.zeros(size, dtype=bool)
        published = np.full(size, np.datetime64("NaT"), dtype="datetime64[us]")
        if rows:
            matrix[:len(rows)] = self._matrix[rows]
            alive[:len(rows)] = self._alive[rows]
            published[:len(rows)] = self._published[rows]
        self._matrix, self._alive, self._published = matrix, alive, published

    def match(self, sig: np.ndarray, keys: Iterable[int] | None = None
              ) -> tuple[str, float] | None:
        """Return ``(story_id, similarity)`` of the closest recorded item, or None below threshold.

        Ties go to the item recorded first, so the earliest copy's story wins.
        """
        candidates: set[int] = set()
        for key in band_keys(sig) if keys is None else keys:
            candidates.update(self._by_key.get(key, ()))
        if not candidates:
            return None
        slots = np.fromiter(sorted(candidates), dtype=np.int64, count=len(candidates))
        slots = slots[self._alive[slots]]
        if not len(slots):
            return None
        equal = np.count_nonzero(self._matrix[slots] == sig, axis=1)
        best = int(equal.argmax())  # the first of the highest: the earliest recorded
        score = float(equal[best]) / PERMUTATIONS
        return (self._stories[slots[best]], score) if score >= THRESHOLD else None


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
