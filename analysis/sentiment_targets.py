"""Which part of a post is about which brand, for posts that name several brands."""

# A post naming one brand is about that brand: it gets the post's sentiment whole (targeting it
# to the brand's clause once lost the opinion of "@brand Your #Android Wi-Fi is terrible!").
# Only a post naming several brands is split: sentences go to the brands they name (a sentence
# naming nobody goes on about the previous subject), and a sentence naming several is cut at
# contrast words and punctuation into clauses that go to the brands they name.

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from analysis.query import BrandMatcher, Query
from analysis.sentiment import sentences
from analysis.sentiment_model import LinearModel, score_batch
from analysis.text import Doc

Span = tuple[int, int]
_CLAUSE_CUT = re.compile(
    r"[,;:()]|\s[-–—]\s|\b(?:but|whereas|while|unlike|than|though|although|however|"
    r"mais|alors que|tandis que|contrairement à|contrairement a|par contre|que|sauf)\b",
    re.IGNORECASE)


def _named(spans_by_brand: Mapping[str, Sequence[Span]], lo: int, hi: int) -> list[str]:
    return [b for b, spans in spans_by_brand.items() if any(lo <= s < hi for s, _ in spans)]


def _pieces(text: str, lo: int, hi: int) -> list[Span]:
    """Clause spans of ``text[lo:hi]``, cut before each contrast word or punctuation mark."""
    # finditer with bounds still gives positions in the whole text.
    cuts = sorted({lo} | {m.start() for m in _CLAUSE_CUT.finditer(text, lo, hi) if m.start() > lo})
    return [(a, b) for a, b in zip(cuts, cuts[1:] + [hi], strict=True) if text[a:b].strip()]


def _assign(units: list[tuple[Span, list[str]]], brands: list[str]) -> dict[str, list[Span]]:
    """Give each unit to the brands it names; a unit naming none goes with the previous one.

    Units before any brand is named (an introduction) go to every brand.
    """
    out: dict[str, list[Span]] = {b: [] for b in brands}
    leading: list[Span] = []
    owners: list[str] = []
    for span, named in units:
        if named:
            if not owners:
                for b in brands:
                    out[b].extend(leading)
            owners = named
        elif not owners:
            leading.append(span)
            continue
        for b in owners:
            out[b].append(span)
    return out


def portions(text: str, spans_by_brand: Mapping[str, Sequence[Span]]) -> dict[str, str | None]:
    """The text each brand of a post is judged on: ``None`` for the whole post.

    ``spans_by_brand`` holds, per brand the post names, the character spans where its query
    matched. With one brand (or when a brand's part is the whole post), the answer is None.
    """
    brands = [b for b, spans in spans_by_brand.items() if spans]
    if len(brands) <= 1:
        return dict.fromkeys(spans_by_brand)
    units: list[tuple[Span, list[str]]] = []
    for lo, hi in sentences(text):
        named = _named(spans_by_brand, lo, hi)
        if len(named) < 2:
            units.append(((lo, hi), named))
            continue
        clauses = _pieces(text, lo, hi)
        inner = _assign([(c, _named(spans_by_brand, *c)) for c in clauses], named)
        # Clauses of the sentence that went to nobody in particular stay with all its brands.
        for b in named:
            units.extend((c, [b]) for c in inner[b])
    owned = _assign(units, brands)
    out: dict[str, str | None] = dict.fromkeys(spans_by_brand)
    whole = text.strip()
    for b in brands:
        part = " ".join(text[a:z].strip() for a, z in sorted(set(owned[b])))
        out[b] = None if not part or part == whole else part
    return out


def brand_verdicts(texts: Sequence[str], langs: Sequence[str | None],
                   verdicts: Sequence[tuple[float, str]], matcher: BrandMatcher,
                   queries: Mapping[str, Query],
                   models: dict[str, LinearModel] | None = None
                   ) -> list[list[tuple[str, float, str]]]:
    """``(brand, score, label)`` for every brand each text names, in the matcher's order.

    A text naming one brand gives it the text's own verdict (from ``verdicts``); a text
    naming several is split by :func:`portions` and each brand's part is scored, all parts of
    the batch at once.
    """
    out: list[list[tuple[str, float, str]]] = []
    parts: list[tuple[int, int, str, str | None]] = []  # (text, slot, part, lang)
    for i, full in enumerate(texts):
        doc = Doc(full)  # tokenised once for every brand's match and spans
        brands = matcher.match_doc(doc)
        out.append([(b, *verdicts[i]) for b in brands])
        if len(brands) > 1:
            spans = {b: queries[b].spans_doc(doc) for b in brands}
            for slot, part in enumerate(portions(full, spans).values()):
                if part is not None:
                    parts.append((i, slot, part, langs[i]))
    if parts:
        scored = score_batch([p[2] for p in parts], [p[3] for p in parts], models)
        for (i, slot, _, _), (score, name) in zip(parts, scored, strict=True):
            out[i][slot] = (out[i][slot][0], score, name)
    return out
