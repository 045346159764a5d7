"""Canonical URLs: one spelling per document, tracking parameters gone."""

import pytest

from collectors.base import Item
from collectors.urls import canonical_url


@pytest.mark.parametrize("url, expected", [
    ("HTTPS://Example.COM:443/a?utm_source=x&b=2&a=1#top", "https://example.com/a?a=1&b=2"),
    ("http://example.com", "http://example.com/"),
    ("http://example.com:8080/p?fbclid=1&gclid=2", "http://example.com:8080/p"),
    ("https://news.example.fr/article?id=5&xtor=RSS-1", "https://news.example.fr/article?id=5"),
    ("mailto:someone@example.com", "mailto:someone@example.com"),
    ("http://[::1]:18081/v6", "http://[::1]:18081/v6"),
    ("HTTP://[FD00::A]:80/a?utm_source=x", "http://[fd00::a]/a"),
])
def test_canonical(url, expected):
    assert canonical_url(url) == expected


def test_item_identity():
    a = Item(source="s", kind="rss", text="x", url="https://e.com/a?utm_medium=rss")
    b = Item(source="other", kind="rss", text="y", url="https://E.com/a")
    assert a.item_id == b.item_id  # the same article from two feeds is one item
    assert Item(source="s", kind="k", text="x", id="reddit:t3_1").item_id != a.item_id
    assert Item(source="s", kind="k", text="same").item_id == \
        Item(source="s", kind="k", text="same").item_id
    assert Item(source="s", kind="k", text="same").item_id != \
        Item(source="t", kind="k", text="same").item_id


def test_replies_join_their_parent_by_item_id():
    from collectors.base import parent_item_id

    post = Item(source="s", kind="reddit", text="q?", id="reddit:t3_abc")
    assert parent_item_id("reddit:t3_abc") == post.item_id
    assert parent_item_id(post.item_id) == post.item_id  # already an item id (web changes)
    assert parent_item_id(None) is None
