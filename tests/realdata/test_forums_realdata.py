"""The forum parsers over real forum files nobody here wrote: every Discourse JSON answer and
every forum HTML page of ../shared/realdata/forums, with counts printed for the record."""

from __future__ import annotations

import gzip
import json
import re
from collections import Counter
from pathlib import Path

import pytest

from collectors.base import CollectorError, Item
from collectors.discourse import parse_search, parse_topic_list, post_item, topic_items
from collectors.forum import ThreadPage, extract_whole_page, parse_thread_page, thread_items

pytestmark = pytest.mark.realdata

BASE = "https://forum.example.org"


def discourse_files(realdata: Path) -> list[Path]:
    forums = realdata / "forums"
    files = [p for folder in sorted(forums.glob("discourse_*"))
             for p in sorted(folder.glob("*.json"))]
    return files + sorted((forums / "perceval_discourse_json").glob("*.json"))


def html_files(realdata: Path) -> list[Path]:
    forums = realdata / "forums"
    return sorted(p for p in forums.rglob("*") if p.name.endswith((".html", ".html.gz")))


def read_html(path: Path) -> str:
    raw = path.read_bytes()
    if path.name.endswith(".gz"):
        raw = gzip.decompress(raw)
    return raw.decode("utf-8", "replace")


def canonical_link(html: str) -> str | None:
    match = re.search(r'<link rel="canonical" href="([^"]+)"', html)
    return match.group(1) if match else None


def convert(data) -> tuple[str, list]:
    """What the Discourse collector makes of one JSON answer: the shape name and its items (or
    topic summaries for listings and searches). Raises the parsers' classified errors."""
    if isinstance(data, dict) and "post_stream" in data:
        return "topic", topic_items(data, BASE)
    if isinstance(data, dict) and "latest_posts" in data:
        return "latest_posts", [i for i in (post_item(p, BASE) for p in data["latest_posts"]) if i]
    if isinstance(data, dict) and "cooked" in data:
        return "post", [i for i in [post_item(data, BASE)] if i]
    if isinstance(data, dict) and "topic_list" in data:
        return "topic_list", parse_topic_list(data)[0]
    if isinstance(data, list) or (isinstance(data, dict) and "grouped_search_result" in data):
        return "search", parse_search(data)
    return "other", parse_topic_list(data)[0]  # raises ParseError naming what was found


def test_discourse_json_answers(realdata, capsys):
    files = discourse_files(realdata)
    assert len(files) >= 30
    shapes: Counter = Counter()
    errors: Counter = Counter()
    items: list[Item] = []
    topics = 0
    from_topics: list[Item] = []  # items read from a full topic (latest_posts may lack titles)
    for path in files:
        data = json.loads(path.read_text(encoding="utf-8"))
        try:
            shape, found = convert(data)
        except CollectorError as exc:
            errors[exc.category] += 1
            assert "not a Discourse" in str(exc)
            continue
        shapes[shape] += 1
        if shape in ("topic_list", "search"):
            topics += len(found)
            assert all(t.id > 0 for t in found)
        else:
            items.extend(found)
            if shape == "topic" and "title" in data:  # not a /t/<id>/posts.json answer
                from_topics.extend(found)
    with capsys.disabled():
        print(f"\ndiscourse JSON: {len(files)} files, shapes {dict(shapes)}, "
              f"{len(items)} post items ({sum(1 for i in items if i.author)} with author), "
              f"{topics} topics listed, "
              f"errors {dict(errors)}")
    # Only the two non-topic shapes (category list, user actions) are refused, and classified.
    assert sum(errors.values()) <= 3 and set(errors) <= {"parse_error"}
    assert len(items) >= 190
    for item in items:
        assert item.id.startswith("discourse:forum.example.org:")
        assert item.text.strip() and "<" not in item.text[:1]
        assert item.url.startswith(f"{BASE}/t/")
        assert item.published_at is not None and item.published_at.utcoffset().total_seconds() == 0
        assert item.author
    # Every first post of a topic carries its title; every later one points at a parent.
    firsts = [i for i in items if i.extra["post_number"] == 1]
    assert firsts and all(i.parent_id is None for i in firsts)
    assert all(i.title for i in from_topics if i.extra["post_number"] == 1)
    assert all(i.parent_id for i in from_topics if i.extra["post_number"] > 1)


def test_discourse_topic_details(realdata):
    forums = realdata / "forums"
    ublock = json.loads((forums / "perceval_discourse_json" / "discourse_topic_1148.json")
                        .read_text(encoding="utf-8"))
    items = topic_items(ublock, "https://discourse.mozilla-community.org")
    first = items[0]
    assert first.title == "[Support] uBlock Origin"
    assert first.author == "gorhill"
    assert first.comments == ublock["posts_count"] - 1
    assert first.url == "https://discourse.mozilla-community.org/t/support-ublock-origin/1148/1"
    assert "uBlock Origin" in first.text
    assert all(i.parent_id == first.id for i in items[1:] if not i.extra["reply_to_post_number"])

    # A reply to a post in the same chunk points at that post, not at the topic's first post.
    long_topic = json.loads((forums / "discourse_criticalfallibilism_api" /
                             "t_2108_post_452.json").read_text(encoding="utf-8"))
    base = "https://discuss.criticalfallibilism.com"
    items = topic_items(long_topic, base)
    by_number = {i.extra["post_number"]: i for i in items}
    replies = [i for i in items if i.extra["reply_to_post_number"] in by_number]
    assert replies
    for reply in replies:
        assert reply.parent_id == by_number[reply.extra["reply_to_post_number"]].id
    # Quoted posts are left out of the reply's text: the quote's header never shows up.
    assert all(not re.match(r"^\w+:\n", i.text) for i in items)


def html_result(path: Path) -> tuple[ThreadPage | None, list[Item], str | None]:
    html = read_html(path)
    url = canonical_link(html) or f"https://forum.example.org/{path.name}"
    page = parse_thread_page(html, url)
    if not page.posts:
        whole = extract_whole_page(html, url)
        if whole is None:
            return page, [], "no content"
        page.posts = [whole]
    return page, thread_items(page, url, first_id=None), None


def test_html_thread_pages(realdata, capsys):
    files = html_files(realdata)
    assert len(files) >= 20
    layouts: Counter = Counter()
    errors: Counter = Counter()
    total = with_author = with_date = 0
    for path in files:
        try:
            page, items, problem = html_result(path)
        except CollectorError as exc:
            errors[exc.category] += 1
            continue
        if problem:
            errors[problem] += 1
            continue
        layouts[page.layout or "whole page"] += 1
        total += len(items)
        with_author += sum(1 for i in items if i.author)
        with_date += sum(1 for i in items if i.published_at)
        for item in items:
            assert item.text.strip()
            assert item.kind == "forum" and item.id.startswith("forum:")
        assert items[0].title, path.name
        if page.layout:
            assert all(i.parent_id == items[0].id for i in items[1:]
                       if i.extra["role"] != "comment"), path.name
    with capsys.disabled():
        print(f"\nforum HTML: {len(files)} pages, layouts {dict(layouts)}, {total} items, "
              f"{with_author} with author, {with_date} with date, errors {dict(errors)}")
    assert not errors
    assert layouts["askbot"] >= 11 and layouts["xenforo"] >= 2 and layouts["phpbb"] >= 2
    assert with_date >= 0.9 * total
    assert with_author >= 0.85 * total


def test_askbot_threads_split_into_questions_answers_and_comments(realdata):
    folder = realdata / "forums" / "perceval_askbot_html"
    page, items, _ = html_result(folder / "askbot_question.html")
    assert page.layout == "askbot"
    question = items[0]
    assert question.title == "Sending public/private messages between users"
    assert question.author == "thekooliest09"
    assert question.published_at.isoformat() == "2010-04-09T04:47:24+00:00"  # -0500 in the page
    assert question.score == 10
    assert question.text.startswith("Like most forums and communities")
    # The byline, tags and controls are not part of what was said.
    assert "asked" not in question.text and "flag offensive" not in question.text
    comments = [i for i in items if i.extra["role"] == "comment"]
    assert comments and all(c.author for c in comments)
    assert {c.parent_id for c in comments} <= {i.id for i in items if i.extra["role"] != "comment"}
    # A multi-page thread links its next page, within the same question.
    page, _, _ = html_result(folder / "html_24396_multipage_openstack.html")
    assert page.next_url and "/question/24396/" in page.next_url and "page=2" in page.next_url


def test_forum_pages_against_reference_snippets(realdata):
    folder = realdata / "forums" / "trafilatura_eval_forum_pages"
    gold = json.loads((folder / "gold-with-without.json").read_text(encoding="utf-8"))
    checked = 0
    for url, entry in gold.items():
        html = read_html(folder / "html" / f"{entry['file']}.gz")
        page = parse_thread_page(html, url)
        if not page.posts:
            continue  # an article page, kept whole: checked by the web source's own tests
        checked += 1
        text = " ".join(" ".join(p.text for p in page.posts).split())
        for snippet in entry["with"]:
            assert " ".join(snippet.split()) in text, (entry["file"], snippet)
        for snippet in entry["without"]:
            assert " ".join(snippet.split()) not in text, (entry["file"], snippet)
        first = page.posts[0]
        if entry.get("author"):
            assert first.author == entry["author"], entry["file"]
        if entry.get("date"):
            assert first.published_at and first.published_at.date().isoformat() == entry["date"]
    assert checked >= 5
