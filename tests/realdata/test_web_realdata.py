"""The web source over real pages nobody here wrote: extraction quality against reference
snippets and metadata, and the whole collector serving them from 127.0.0.1 twice."""

from __future__ import annotations

import gzip
import ipaddress
import json
import re
from collections import Counter
from pathlib import Path

import pytest

from analysis.pagediff import meaningful_lines
from collectors.base import Context
from collectors.http import Fetcher
from collectors.web import WebCollector, extract_page
from config import CollectSettings
from tests.localserver import LocalServer

pytestmark = pytest.mark.realdata

LOCAL = CollectSettings(per_host_delay=0.0, timeout=20.0,
                        allow_networks=[ipaddress.ip_network("127.0.0.0/8")])


def read_gz(path: Path) -> bytes:
    return gzip.decompress(path.read_bytes())


def trafilatura_pages(realdata: Path) -> list[tuple[str, dict, Path]]:
    folder = realdata / "html_extraction" / "trafilatura_eval"
    gold = json.loads((folder / "gold-with-without.json").read_text(encoding="utf-8"))
    return [(key, entry, folder / "html" / f"{entry['file']}.gz") for key, entry in gold.items()]


def readability_pages(realdata: Path) -> list[Path]:
    folder = realdata / "html_extraction" / "mozilla_readability_testpages"
    return sorted(p for p in folder.iterdir() if (p / "source.html.gz").exists())


def same_title(found: str | None, expected: str) -> bool:
    """Titles agree when one holds the other once spacing and quote styles are evened out
    (sites append their own name: "Headline - Site" is the headline)."""
    def even(text: str) -> str:
        text = text.replace("’", "'").replace("\u00a0", " ").casefold()
        return re.sub(r"\s+", " ", text).strip()
    a, b = even(found or ""), even(expected)
    return bool(a) and bool(b) and (a in b or b in a)


def test_extraction_over_trafilatura_eval_pages(realdata):
    pages = trafilatura_pages(realdata)
    assert len(pages) >= 100
    with_found = with_total = without_absent = without_total = 0
    empty = titles = titles_ok = dates = dates_ok = 0
    for key, entry, path in pages:
        page = extract_page(read_gz(path).decode("utf-8", "replace"),
                            url=key if key.startswith("http") else None)
        empty += not page.text
        with_total += len(entry["with"])
        with_found += sum(s in page.text for s in entry["with"])
        without_total += len(entry["without"])
        without_absent += sum(s not in page.text for s in entry["without"])
        if entry.get("title"):
            titles += 1
            titles_ok += same_title(page.title, entry["title"])
        if entry.get("date"):
            dates += 1
            dates_ok += bool(page.date) and page.date.strftime("%Y-%m-%d") == entry["date"][:10]
    print(f"\ntrafilatura_eval: {len(pages)} pages, {empty} without text; 'with' snippets found "
          f"{with_found}/{with_total}; 'without' snippets absent {without_absent}/"
          f"{without_total}; title {titles_ok}/{titles}; date {dates_ok}/{dates}")
    assert empty == 0
    assert with_found >= 0.9 * with_total
    assert without_absent >= 0.85 * without_total
    assert titles_ok >= 0.8 * titles
    assert dates_ok >= 0.75 * dates


def test_metadata_over_readability_pages(realdata):
    folders = readability_pages(realdata)
    assert len(folders) >= 30
    empty = titles = titles_ok = dates = dates_ok = 0
    for folder in folders:
        expected = json.loads((folder / "expected-metadata.json").read_text(encoding="utf-8"))
        page = extract_page(read_gz(folder / "source.html.gz").decode("utf-8", "replace"))
        empty += not page.text
        if expected.get("title"):
            titles += 1
            titles_ok += same_title(page.title, expected["title"])
        if expected.get("publishedTime"):
            dates += 1
            dates_ok += (bool(page.date) and page.date.strftime("%Y-%m-%d")
                         == expected["publishedTime"][:10])
    print(f"\nreadability: {len(folders)} pages, {empty} without text; title {titles_ok}/"
          f"{titles}; date {dates_ok}/{dates}")
    assert empty == 0
    assert titles_ok >= 0.75 * titles
    assert dates_ok >= 0.6 * dates


def test_masking_keeps_almost_every_real_line(realdata):
    """Boilerplate masking must not eat real prose: few real lines reduce to placeholders."""
    kept = total = 0
    for _key, _entry, path in trafilatura_pages(realdata):
        text = extract_page(read_gz(path).decode("utf-8", "replace")).text
        total += len([line for line in text.splitlines() if line.strip()])
        kept += len(meaningful_lines(text))
    print(f"\nmasking: {kept}/{total} real lines kept as meaningful")
    assert kept >= 0.97 * total


def test_the_collector_over_every_real_page_served_locally(realdata):
    """Every real page served as-is (no charset in the header): each gives one page item or a
    classified warning, and an identical second visit reports no change at all."""
    bodies: dict[str, bytes] = {}
    for _key, entry, path in trafilatura_pages(realdata):
        bodies[f"/t/{entry['file']}"] = read_gz(path)
    for folder in readability_pages(realdata):
        bodies[f"/r/{folder.name}"] = read_gz(folder / "source.html.gz")
    routes = {path: (200, {"Content-Type": "text/html"}, body) for path, body in bodies.items()}
    with LocalServer(routes) as server, Fetcher(LOCAL) as fetcher:
        collector = WebCollector("real", {"urls": [server.url(p) for p in bodies]})
        runs = []
        state: dict = {}
        for _ in range(2):
            warnings: list[str] = []
            ctx = Context(state=json.loads(json.dumps(state)), collect=LOCAL,
                          warn=warnings.append, http=fetcher)
            runs.append((list(collector.collect(ctx)), warnings))
            state = ctx.state
    (first, first_warnings), (second, second_warnings) = runs
    categories = Counter(w.split(":", 1)[0] for w in first_warnings)
    print(f"\ncollector: {len(bodies)} real pages, {len(first)} items, warnings {dict(categories)};"
          f" second visit: {len(second)} items")
    assert len(first) + len(first_warnings) == len(bodies)
    assert len(first) >= 0.95 * len(bodies)
    assert all(i.text and i.title for i in first)
    assert second == [] and second_warnings == []
