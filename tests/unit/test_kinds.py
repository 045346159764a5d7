"""Item kinds are described once: every kind a collector stores or a source is has a name."""

from __future__ import annotations

from analysis import community
from analysis.kinds import ITEM_KINDS, KIND_NAMES, PUBLICATION_KINDS
from collectors import REGISTRY
from collectors.demo import KINDS as DEMO_KINDS
from i18n.catalog import gettext
from views import labels
from views.filters import LABELS


def test_every_source_kind_and_every_demo_item_kind_has_a_display_name():
    missing = (set(REGISTRY) | set(DEMO_KINDS)) - set(KIND_NAMES)
    assert not missing, f"add them to analysis/kinds.py: {sorted(missing)}"
    assert len({k.code for k in ITEM_KINDS}) == len(ITEM_KINDS)


def test_the_pages_the_filters_and_the_community_rules_read_the_one_table():
    assert labels.KIND_NAMES is KIND_NAMES
    assert community.PUBLICATION_KINDS is PUBLICATION_KINDS
    # Feeds are stored as rss: both spellings read the same, and neither waits for an answer.
    assert KIND_NAMES["rss"] == KIND_NAMES["feeds"] == "News feeds"
    assert {"rss", "feeds", "web"} <= set(PUBLICATION_KINDS)
    question = "Quelqu'un sait comment résilier ?"
    assert community.needs_answer(question, "neutral", kind="reddit") == "question"
    assert community.needs_answer(question, "neutral", kind="rss") is None
    # The sidebar and the header name a kind in the reader's language, a code it lacks as is.
    assert LABELS["kinds"]("rss", lang="fr") == gettext("News feeds", "fr") != "News feeds"
    assert LABELS["kinds"]("reddit", lang="fr") == "Reddit"
    assert LABELS["kinds"]("newkind", lang="fr") == "newkind"
