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


@pytest.mark.parametrize("value", [
    "AOvVaw1mK3j5x9Q2pL8nR4tY",                     # a Google redirect signature
    "9e107d9d372bb6826bd81d3542a419d6",             # 32 hex digits
    "15592369427353245786",                         # a private feed's 20-digit id
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.x",  # a JWT
])
def test_random_looking_values_are_secret(value):
    from collectors.urls import looks_secret

    assert looks_secret(value)


@pytest.mark.parametrize("value", [
    "acme-lowers-prices-2026-06-30", "1798765432109876543", "article12345678901",
    "550e8400-e29b-41d4-a716-446655440000", "internationalization", "dQw4w9WgXcQ",
    "covid19-vaccine-h1n1-2021-update", "20260630103000", "index.html",
])
def test_words_slugs_dates_and_post_ids_are_not(value):
    from collectors.urls import looks_secret

    assert not looks_secret(value)


def test_redaction_by_name_by_value_and_by_the_configured_urls_own_secret():
    from collectors.urls import redact_url, state_key, url_secrets

    assert redact_url("https://e.com/a?jwt=x&ticket=y&access=z&X-Amz-Signature=s&id=5") == \
        "https://e.com/a?jwt=***&ticket=***&access=***&X-Amz-Signature=***&id=5"
    feed = "https://www.google.com/alerts/feeds/06847239616383325383/15592369427353245786"
    assert redact_url(feed) == "https://www.google.com/alerts/feeds/***/***"
    shared = "https://e.com/share/9f8e7d6c5b4a"
    assert redact_url(shared) == shared  # too short to look random anywhere...
    assert url_secrets(shared) == ("9f8e7d6c5b4a",)  # ...but it is what keeps this URL private
    assert redact_url(shared + "?entry=2", url_secrets(shared)) == "https://e.com/share/***?entry=2"
    plain = "https://e.com/pricing/2026/offer-v2?page=2"
    assert redact_url(plain) == plain and url_secrets(plain) == () and state_key(plain) == plain
    # Two private feeds that differ only by their secret keep apart states.
    other = feed[:-1] + "7"
    assert state_key(feed) != state_key(other)
    assert state_key(feed).startswith("https://www.google.com/alerts/feeds/***/***#")
