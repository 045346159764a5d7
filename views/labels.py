"""Display names for the codes stored with the data, written once for the pages and the reports."""

from __future__ import annotations

# Item kinds as stored in items.kind. Feeds collected by the `feeds` source kind are stored as
# `rss`; both spellings read the same until the stored kind is unified.
KIND_NAMES = {"reddit": "Reddit", "forum": "Forums", "rss": "News feeds", "feeds": "News feeds",
              "web": "Web pages", "discourse": "Discourse", "hackernews": "Hacker News",
              "file": "Imports", "demo": "Demo"}
# Sentiment labels (items.sentiment_label, mentions.sentiment_label).
TONES = {"positive": "Positive", "negative": "Negative", "neutral": "Neutral"}
# What the Trends timeline can show.
MEASURE_NAMES = {"mentions": "Mentions", "net_sentiment": "Net sentiment",
                 "negative_share": "Negative share"}
# Why a post waits for an answer (store.community.needs_answer's reason).
REASONS = {"question": "Question", "complaint": "Complaint"}
# What Share of voice counts.
UNITS = {"mentions": "Mentions", "stories": "Stories"}
# The time steps Trends offers.
GRAIN_NAMES = {"hour": "Hour", "day": "Day", "week": "Week"}
# Where an alert stands (store.alerts states).
STATE_NAMES = {"new": "New", "seen": "Seen", "handled": "Handled"}
