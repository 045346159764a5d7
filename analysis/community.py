"""Community rules: who posts often, once or comes back, and which posts wait for an answer."""

from __future__ import annotations

import re

from analysis.kinds import PUBLICATION_KINDS
from analysis.text import normalize

# An author with this many posts over at least two days is a regular of the period.
REGULAR_POSTS = 5
SEGMENTS = ("regular", "returning", "one-time")

# Phrases that ask, in French and English, written as they read after normalize() (lower
# case, no accents). One regular expression so the database can apply the very same rule
# (re and DuckDB's RE2 both read it: no look-arounds, no back-references).
_QUESTION_PHRASES = (
    # French
    r"quelqu.un (sait|a|aurait|connait|peut|pourrait|saurait)",
    r"qqn (sait|a|aurait|connait|peut)",
    r"comment (faire|on fait|je fais|fait-on|faites-vous|vous faites|puis-je|resilier|changer)",
    r"est-ce qu", r"savez-vous", r"vous savez si", r"une idee", r"des idees",
    r"besoin d.aide", r"help\b", r"je cherche (un avis|des avis|une solution|comment)",
    r"des conseils", r"un conseil", r"qui peut m.aider", r"pouvez-vous m.aider",
    r"c.est normal (que|qu)", r"que faire",
    # English
    r"does anyone", r"does anybody", r"anyone (know|knows|tried|else|have|has)",
    r"anybody (know|knows|tried|else|have|has)", r"how (do|can|should) (i|we|you)",
    r"how to ", r"any (idea|ideas|advice|tips)", r"can (someone|somebody|anyone)",
    r"is there a way", r"what.s the best", r"should i ", r"need help", r"is it normal",
)
QUESTION_PATTERN = r"\?|\b(" + "|".join(_QUESTION_PHRASES) + r")"
_QUESTION = re.compile(QUESTION_PATTERN)


def is_question(text: str | None) -> bool:
    """True when ``text`` asks something: a question mark or an asking phrase (FR or EN).

    Matches on the folded text, so "Quelqu’un sait…", "quelqu'un sait" and "QUELQU'UN SAIT"
    are all questions; "Does anyone know" and "how do I" are too.
    """
    if not text:
        return False
    return _QUESTION.search(normalize(text)) is not None


def is_complaint(sentiment_label: str | None) -> bool:
    """True when the post is negative about the brand (its per-brand sentiment label)."""
    return sentiment_label == "negative"


def needs_answer(text: str | None, sentiment_label: str | None, *, answered: bool = False,
                 is_reply: bool = False, kind: str | None = None) -> str | None:
    """Why a post about our brand waits for an answer: ``question``, ``complaint`` or None.

    Only posts that open a conversation count: a reply is part of one already under way, and
    a publication (:data:`PUBLICATION_KINDS`) is not answered. A post that someone replied
    to, or that a user marked answered, waits for nothing. A negative question is reported
    as a question (the more actionable of the two).
    """
    if answered or is_reply or kind in PUBLICATION_KINDS:
        return None
    if is_question(text):
        return "question"
    if is_complaint(sentiment_label):
        return "complaint"
    return None


def segment(posts: int, active_days: int) -> str:
    """The kind of author behind ``posts`` posts over ``active_days`` distinct days.

    ``regular``: at least :data:`REGULAR_POSTS` posts on two days or more; ``returning``:
    came back on another day but posts less; ``one-time``: everything on a single day (one
    post, or a burst in one thread).
    """
    if active_days >= 2 and posts >= REGULAR_POSTS:
        return "regular"
    if active_days >= 2:
        return "returning"
    return "one-time"
