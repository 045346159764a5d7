"""Every real feed file in ../shared/realdata through the feeds parser and collector: no crash,
items or a classified error, and the same entry counts as other parsers found."""

from __future__ import annotations

import collections
import csv
import ipaddress
import json
from pathlib import Path

import pytest

from collectors.base import CollectorError, Context
from collectors.feeds import FeedsCollector, parse_feed
from collectors.http import Fetcher, NotAFeed
from config.watch import CollectSettings
from tests.localserver import LocalServer

pytestmark = pytest.mark.realdata

# Hand-made edge cases whose entries carry neither title, link nor text (only an id, or nothing):
# the parser must still return them, with a stable identity.
BARE_ENTRIES = {"missing-fields.atom", "incomplete-fields.atom", "authors.json"}
NOT_FEED_DIRS = ("not_feeds_html", "not_feeds")


def feed_files(root: Path) -> list[Path]:
    """Every feed-like file: feeds/ (minus the inventory and reference outputs) + Discourse RSS."""
    files = [p for p in sorted((root / "feeds").rglob("*"))
             if p.is_file() and p.name != "FEEDS_INVENTORY.csv"
             and "expected_output_rss_parser" not in p.parts]
    files += sorted((root / "forums").rglob("*.rss"))
    return files


def test_every_real_file_gives_items_or_a_classified_error(realdata):
    outcomes: collections.Counter[str] = collections.Counter()
    problems: list[str] = []
    for path in feed_files(realdata):
        name = str(path.relative_to(realdata))
        try:
            parsed = parse_feed(path.read_bytes(), f"https://example.org/{path.name}")
        except CollectorError as exc:
            outcomes[exc.category] += 1
            if exc.category not in ("not_a_feed", "parse_error"):
                problems.append(f"{name}: unexpected category {exc.category}")
            if not str(exc):
                problems.append(f"{name}: empty error message")
            continue
        if any(p in path.parts for p in NOT_FEED_DIRS):
            problems.append(f"{name}: a page that is not a feed gave {len(parsed.items)} items")
        useful = [i for i in parsed.items if i.title or i.url or i.text]
        if useful:
            outcomes["items"] += 1
        elif parsed.items and path.name in BARE_ENTRIES:
            outcomes["bare entries"] += 1
            assert all(i.item_id for i in parsed.items)
        else:
            problems.append(f"{name}: {len(parsed.items)} items, none with title, link or text")
    print(f"\nreal feed files: {sum(outcomes.values())} — {dict(outcomes)}")
    assert problems == []
    assert outcomes["items"] >= 120


def test_pages_that_are_not_feeds_give_not_a_feed_or_their_feed_link(realdata):
    pages = [p for d in NOT_FEED_DIRS for p in sorted((realdata / "feeds").rglob(f"{d}/*"))]
    pages.append(realdata / "feeds/baywatch_fr_feeds/135-invalid-feed-flux.xml")
    assert len(pages) >= 10
    discovered = {}
    for page in pages:
        with pytest.raises(NotAFeed) as info:
            parse_feed(page.read_bytes(), f"https://example.org/{page.name}")
        if info.value.feed_links:
            discovered[page.name] = info.value.feed_links[0]
    print(f"\nnot-a-feed pages: {len(pages)}, with a discovered feed link: {len(discovered)}")
    assert discovered["135-invalid-feed-flux.xml"] == "https://www.uber.com/blog/rss/"
    assert discovered["furbo.html"] == "http://furbo.org/feed/"
    assert discovered["DaringFireball.html"] == "https://example.org/feeds/main"  # relative href


def test_entry_counts_match_the_inventory_and_rss_parser(realdata):
    feeds = realdata / "feeds"
    checked = 0
    mismatches = []
    with open(feeds / "FEEDS_INVENTORY.csv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            # The inventory's script counted 0 for two RSS files it took for Atom; skip zeros.
            expected = int(row["n_items_or_entries"] or 0)
            if expected == 0 or row["format"] in ("opml", "html (not a feed)", "other"):
                continue
            got = len(parse_feed((feeds / row["path"]).read_bytes(), "https://example.org/").items)
            checked += 1
            if got != expected:
                mismatches.append(f"{row['path']}: {got} != {expected}")
    reference = feeds / "rss_parser_node_feeds/expected_output_rss_parser"
    for expected_file in sorted(reference.glob("*.json")):
        source = next((feeds / "rss_parser_node_feeds/input").glob(expected_file.stem + ".*"))
        expected = json.loads(expected_file.read_bytes().decode("utf-8", "replace"))["feed"]
        items = parse_feed(source.read_bytes(), "https://example.org/").items
        checked += 1
        if len(items) != len(expected["items"]):
            mismatches.append(f"{source.name}: {len(items)} != {len(expected['items'])}")
        for ours, theirs in zip(items, expected["items"], strict=False):
            title = " ".join((theirs.get("title") or "").split())
            if title and "\ufffd" not in title and "&" not in title and ours.title != title:
                mismatches.append(f"{source.name}: title {ours.title!r} != {title!r}")
                break
    print(f"\nentry counts compared on {checked} files, {len(mismatches)} mismatches")
    assert mismatches == []


def test_real_feeds_served_over_http_through_the_collector(realdata):
    routes = {}
    for i, path in enumerate(feed_files(realdata)):
        content = path.read_bytes()
        try:
            parse_feed(content, "https://example.org/")
        except NotAFeed as exc:
            if exc.feed_links:
                continue  # its feed is on the internet, which tests never reach
        except CollectorError:
            pass
        routes[f"/f{i}/{path.name}"] = content
    settings = CollectSettings(per_host_delay=0.0, timeout=10.0,
                               allow_networks=[ipaddress.ip_network("127.0.0.0/8")])
    warnings: list[str] = []
    with LocalServer({r: (200, {"Content-Type": "application/xml"}, body)
                      for r, body in routes.items()}) as srv, Fetcher(settings) as http:
        ctx = Context(state={}, collect=settings, warn=warnings.append, http=http)
        collector = FeedsCollector("real", {"urls": [srv.url(r) for r in routes],
                                            "full_text": False, "max_entries": 1000})
        items = list(collector.collect(ctx))
        # What the parser reads from the same bytes at the same URLs, each feed's duplicates once.
        expected: collections.Counter[str] = collections.Counter()
        for route, body in routes.items():
            try:
                parsed = parse_feed(body, srv.url(route))
            except CollectorError as exc:
                expected[exc.category] += 1
                continue
            expected["items"] += len({i.item_id for i in parsed.items})
    failed = [w for w in warnings if " failed (" in w]
    print(f"\nserved {len(routes)} real files: {len(items)} items, {len(failed)} failed feeds")
    assert len(items) == expected["items"]
    assert len(failed) == expected["not_a_feed"] + expected["parse_error"]
    assert all(i.kind == "rss" and (i.url or i.id) for i in items)
