"""The demo source: seeded, realistic, and hiding the events every view of the app should find."""

from __future__ import annotations

import re
import statistics
import tracemalloc
import warnings
from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from analysis.query import BrandMatcher
from collectors.base import CollectorError, Context, Item
from collectors.demo import BRAND_NAMES, DemoCollector, DemoSettingError, events, generate
from config.watch import load_watch

ROOT = Path(__file__).resolve().parents[2]
END = date(2026, 6, 30)
DAYS = 182
N = 30_000


@pytest.fixture(scope="module")
def items() -> list[Item]:
    return list(generate(N, seed=42, days=DAYS, end=END))


@pytest.fixture(scope="module")
def by_id(items) -> dict[str, Item]:
    return {it.id: it for it in items}


@pytest.fixture(scope="module")
def per_day(items) -> dict[str, Counter]:
    """Items per day that name each brand (the generator's own record of what it wrote)."""
    out: dict[str, Counter] = defaultdict(Counter)
    for it in items:
        for brand in it.extra["brands"]:
            out[brand][it.published_at.date()] += 1
    return out


def period() -> list[date]:
    return [END - timedelta(days=i) for i in range(DAYS - 1, -1, -1)]


def event(name: str) -> dict:
    return next(e for e in events(END, DAYS) if e["name"] == name)


def event_days(ev: dict) -> list[date]:
    return [ev["start"] + timedelta(days=i) for i in range((ev["end"] - ev["start"]).days + 1)]


def fields(it: Item) -> tuple:
    return (it.id, it.kind, it.source, it.url, it.title, it.text, it.author, it.published_at,
            it.lang, it.score, it.comments, it.parent_id, repr(it.extra))


# ----- the contract -----------------------------------------------------------------------------

def test_same_settings_give_the_same_items_in_the_same_order():
    first = [fields(it) for it in generate(3000, seed=7, end=END)]
    again = [fields(it) for it in generate(3000, seed=7, end=END)]
    other = [fields(it) for it in generate(3000, seed=8, end=END)]
    assert first == again
    assert [f[5] for f in first] != [f[5] for f in other]


@pytest.mark.parametrize("count", [0, 1, 7, 1234, 5000])
def test_the_item_count_is_honoured(count):
    assert sum(1 for _ in generate(count, end=END)) == count


def test_a_one_day_demo_still_works():
    got = list(generate(300, days=1, end=END))
    assert len(got) == 300
    assert {it.published_at.date() for it in got} == {END}


def test_items_are_in_time_order_in_utc_within_the_period(items):
    stamps = [it.published_at for it in items]
    assert all(s.tzinfo is not None and s.utcoffset() == timedelta(0) for s in stamps)
    assert stamps == sorted(stamps)
    assert stamps[0] >= datetime.combine(END - timedelta(days=DAYS - 1), datetime.min.time(), UTC)
    assert stamps[-1] < datetime.combine(END + timedelta(days=1), datetime.min.time(), UTC)


def test_by_default_the_demo_ends_yesterday_so_nothing_is_in_the_future():
    today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    got = list(generate(500))
    assert got[-1].published_at < today
    assert got[-1].published_at.date() == (today - timedelta(days=1)).date()


def test_ids_number_the_items_and_urls_are_unique(items):
    assert [it.id for it in items] == [f"demo:{n}" for n in range(len(items))]
    # Only a page and its changes share a URL, as with the web source.
    urls = Counter(it.url for it in items if it.extra["intent"] != "page_change")
    assert urls.most_common(1)[0][1] == 1
    assert all(it.source == "demo" for it in items)


def test_the_collector_announces_its_total_then_streams(tmp_path):
    calls: list = []
    ctx = Context(set_total=lambda n: calls.append(("total", n)), base_dir=tmp_path)
    settings = {k: opt.default for k, opt in DemoCollector.options.items()}
    settings |= {"items": 250, "end": "2026-06-30"}
    collector = DemoCollector("my demo", settings)
    for it in collector.collect(ctx):
        calls.append(("item", it.source))
    assert calls[0] == ("total", 250)
    assert calls[1:] == [("item", "my demo")] * 250


@pytest.mark.parametrize("settings, field", [
    ({"end": "30/06/2026"}, "'end'"),
    ({"items": -1}, "'items'"),
    ({"days": 0}, "'days'"),
])
def test_unusable_settings_fail_with_the_option_named(settings, field):
    collector = DemoCollector("demo", {"items": 10, "seed": 1, "days": 10, "end": ""} | settings)
    with pytest.raises(DemoSettingError) as caught:
        list(collector.collect(Context()))
    assert isinstance(caught.value, CollectorError)
    assert field in str(caught.value)


def test_memory_stays_flat_when_the_volume_grows():
    def peak(count: int) -> int:
        tracemalloc.start()
        for _ in generate(count, end=END):
            pass
        top = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        return top

    small, large = peak(5_000), peak(50_000)
    # Ten times the items, not ten times the memory: pools and buffers are bounded.
    assert large < 2 * small


# ----- what it looks like -----------------------------------------------------------------------

def test_french_and_english_split_about_55_45(items):
    langs = Counter(it.lang for it in items)
    assert set(langs) == {"fr", "en"}
    assert 0.50 <= langs["fr"] / len(items) <= 0.60


def test_reddit_and_forums_carry_most_of_the_talk(items):
    kinds = Counter(it.kind for it in items)
    assert set(kinds) == {"reddit", "forum", "rss", "web"}
    assert min(kinds["reddit"], kinds["forum"]) > max(kinds["rss"], kinds["web"])
    assert kinds["reddit"] + kinds["forum"] > 0.6 * len(items)


def test_posts_and_articles_have_titles_comments_do_not(items):
    for it in items:
        if it.kind in ("reddit", "forum"):
            assert (it.title is None) == (it.parent_id is not None), it
        else:
            assert it.title


def test_urls_look_like_each_platform(items):
    reddit = re.compile(r"https://www\.reddit\.com/r/\w+/comments/[0-9a-z]+/[a-z0-9-]+/([0-9a-z]+/)?$")
    forum = re.compile(r"https://forum\.[a-z.-]+\.(fr|com)/t/[a-z0-9-]+/\d+(/\d+)?$")
    for it in items:
        if it.kind == "reddit":
            assert reddit.match(it.url), it.url
        elif it.kind == "forum":
            assert forum.match(it.url), it.url
        else:
            assert it.url.startswith("https://www.") and " " not in it.url, it.url


def test_replies_answer_earlier_posts_of_their_thread(items, by_id):
    replies = [it for it in items if it.parent_id and it.kind in ("reddit", "forum")]
    assert len(replies) > 0.4 * sum(1 for it in items if it.kind in ("reddit", "forum"))
    for it in replies:
        parent = by_id[it.parent_id]
        assert parent.published_at <= it.published_at
        assert parent.kind == it.kind and parent.lang == it.lang
        assert it.url.startswith(parent.url)
        assert parent.parent_id is None


def test_some_questions_to_our_brand_wait_for_an_answer_and_some_get_one(items):
    answered = {it.parent_id for it in items if it.parent_id}
    questions = [it for it in items
                 if it.extra["question"] and it.extra["brands"][:1] == ["Opalia"]]
    waiting = [q for q in questions if q.id not in answered]
    assert len(questions) > 200
    assert 0.2 < len(waiting) / len(questions) < 0.6
    assert all(q.comments == 0 for q in waiting)
    # Our own community manager answers some of them.
    assert any(it.author == "Opalia_Officiel" for it in items)


def test_a_few_regulars_write_a_large_share_and_most_authors_post_once(items):
    authors = Counter(it.author for it in items if it.kind in ("reddit", "forum"))
    top = authors.most_common(max(1, len(authors) // 100))
    assert sum(c for _, c in top) / sum(authors.values()) > 0.25
    assert sum(1 for c in authors.values() if c == 1) / len(authors) > 0.7


def test_engagement_is_heavy_tailed_on_reddit_and_forums(items):
    posts = [it for it in items if it.kind == "reddit" and it.parent_id is None]
    scores = sorted(it.score for it in posts)
    assert statistics.median(scores) <= 5
    assert scores[-1] > 50 * max(1, statistics.median(scores))
    assert all(isinstance(it.comments, int) for it in posts)
    news = [it for it in items if it.kind in ("rss", "web")]
    assert all(it.score is None and it.comments is None for it in news)


def test_text_is_varied_and_has_no_leftover_template(items):
    texts = [it.text for it in items]
    assert not any("{" in t or "}" in t for t in texts)
    complaints = [it.text for it in items if it.extra["intent"] == "complaint"]
    assert len(set(complaints)) > 0.95 * len(complaints)
    assert len(set(texts)) > 0.5 * len(texts)


def test_most_items_name_one_brand_some_two_a_few_none(items):
    sizes = Counter(len(it.extra["brands"]) for it in items)
    assert sizes[1] / len(items) > 0.75
    assert 0.05 < sizes[2] / len(items) < 0.15
    assert 0.03 < sizes[0] / len(items) < 0.09
    assert {b for it in items for b in it.extra["brands"]} == set(BRAND_NAMES)


# ----- the brand queries users read first -------------------------------------------------------

def test_the_watch_file_queries_find_exactly_the_brands_each_text_names(items):
    watch = load_watch(ROOT / "watch.toml")
    assert [b.name for b in watch.brands] == list(BRAND_NAMES)
    assert [b.name for b in watch.brands if b.own] == ["Opalia"]
    matcher = BrandMatcher({b.name: b.compiled for b in watch.brands})
    wrong = [(it.text, it.extra["brands"]) for it in items[::3]
             if sorted(matcher.match(it.text)) != sorted(it.extra["brands"])]
    assert wrong == []


@pytest.mark.parametrize("text, found", [
    ("Mon forfait Ciel a encore augmenté", True),
    ("Ciel Mobile coupe la data à l'étranger", True),
    ("Grand ciel bleu mais toujours pas de réseau dans la vallée", False),
    ("Au septième ciel avec ma nouvelle box fibre", False),
    ("Le ciel est gris depuis trois jours", False),
])
def test_ciel_alone_is_the_sky_unless_a_telecom_word_is_near(text, found):
    watch = load_watch(ROOT / "watch.toml")
    ciel = next(b for b in watch.brands if b.name == "Ciel Mobile")
    assert ciel.compiled.matches(text) is found


def test_the_watch_file_runs_the_demo_source():
    from collectors import kind_options

    watch = load_watch(ROOT / "watch.toml", kind_options())
    source = watch.source("demo")
    assert source.kind == "demo" and source.settings["items"] == 50_000
    assert "(demo)" in watch.name


# ----- the story hidden in the data -------------------------------------------------------------

def test_the_outage_multiplies_orbis_volume_and_brings_new_words(items, per_day):
    outage = event("orbis_outage")
    median = statistics.median(per_day["Orbis"][d] for d in period())
    for day in event_days(outage):
        assert per_day["Orbis"][day] >= 4 * median, day
    during = [it for it in items if it.extra.get("event") == "orbis_outage"]
    assert sum(1 for it in during if it.extra["tone"] == "negative") > 0.6 * len(during)
    words = re.compile(r"\b(panne|outage|#orbisdown)\b", re.IGNORECASE)
    before = [it for it in items if it.published_at.date() < outage["start"]
              and "Orbis" in it.extra["brands"]]
    assert sum(1 for it in during if words.search(it.text)) > 0.5 * len(during)
    assert sum(1 for it in before if words.search(it.text)) < 0.02 * len(before)


def test_the_launch_is_a_positive_surge_and_its_name_is_new(items, per_day):
    launch = event("opalia_one_launch")
    median = statistics.median(per_day["Opalia"][d] for d in period())
    assert per_day["Opalia"][launch["start"]] >= 3 * median
    surge = [it for it in items if it.extra.get("event") == "opalia_one_launch"]
    tones = Counter(it.extra["tone"] for it in surge)
    assert tones["positive"] > 2 * tones["negative"]
    before = [it for it in items if it.published_at.date() < launch["start"]]
    assert not any("Opalia One" in it.text for it in before)
    assert sum(1 for it in surge if "Opalia One" in it.text) > 0.3 * len(surge)


def test_tilia_declines_in_volume_and_in_tone(items, per_day):
    days = period()
    first, last = days[:45], days[-45:]
    assert sum(per_day["Tilia"][d] for d in first) > 2 * sum(per_day["Tilia"][d] for d in last)
    assert sum(per_day["Opalia"][d] for d in last) > sum(per_day["Opalia"][d] for d in first)

    def negative_share(span):
        tones = [it.extra["tone"] for it in items
                 if it.extra["brands"] == ["Tilia"] and it.published_at.date() in span]
        return tones.count("negative") / len(tones)

    assert negative_share(set(last)) > negative_share(set(first)) + 0.1


def test_weekdays_are_busier_and_reddit_peaks_in_the_evening(items):
    daily = Counter(it.published_at.date() for it in items)
    weekday = [daily[d] for d in period() if d.weekday() < 5]
    weekend = [daily[d] for d in period() if d.weekday() >= 5]
    assert statistics.mean(weekday) > 1.2 * statistics.mean(weekend)
    hours = Counter(it.published_at.hour for it in items if it.kind == "reddit")
    assert sum(hours[h] for h in range(18, 23)) > 1.4 * sum(hours[h] for h in range(8, 13))


def test_one_press_release_is_republished_on_many_sites(items):
    release = event("zephir_press_release")
    copies = [it for it in items if it.extra.get("event") == "zephir_press_release"]
    assert len(copies) >= 10
    assert len({urlsplit(it.url).hostname for it in copies}) == len(copies)
    assert all(release["start"] <= it.published_at.date() <= release["end"] for it in copies)
    french = [it for it in copies if it.lang == "fr"]
    body = "Zephir, l'opérateur mobile à petits prix, annonce une levée de fonds de 45 millions"
    assert all(body in it.text for it in french)
    assert len({it.text for it in french}) > 1  # near duplicates, not exact ones


def test_price_pages_change_like_the_web_source_reports_it(items):
    pages = {it.item_id: it for it in items if it.extra["intent"] == "page"}
    changes = [it for it in items if it.extra["intent"] == "page_change"]
    expected = {e["name"]: e for e in events(END, DAYS) if e["kind"] == "page_change"}
    assert len(pages) == 5
    assert {it.extra["event"] for it in changes} == set(expected)
    for it in changes:
        ev = expected[it.extra["event"]]
        assert it.kind == "web" and it.url == ev["url"]
        assert it.published_at.date() == ev["start"]
        assert pages[it.parent_id].url == it.url
        assert all(line.startswith(("+ ", "\u2212 ")) for line in it.text.splitlines())
    cut = next(it for it in changes if it.extra["event"] == "ciel_price_cut")
    assert "\u2212 Forfait Ciel Mobile 5G 80 Go : 14,99 €/mois" in cut.text
    assert "+ Forfait Ciel Mobile 5G 80 Go : 11,99 €/mois" in cut.text


def test_events_are_dated_inside_the_period_they_describe():
    evs = events(END, DAYS)
    first = END - timedelta(days=DAYS - 1)
    assert {"spike", "launch", "decline", "syndication", "page_change"} == {e["kind"] for e in evs}
    assert all(first <= e["start"] <= e["end"] <= END for e in evs)
    assert all(e["brand"] in BRAND_NAMES for e in evs)
    outage = next(e for e in evs if e["name"] == "orbis_outage")
    assert 18 <= (END - outage["start"]).days <= 24
    short = events(END, 30)
    assert {e["name"] for e in short} == {"orbis_outage", "orbis_goodwill_page", "tilia_decline"}


# ----- what the baseline sentiment makes of it --------------------------------------------------

def test_vader_reads_negative_posts_as_negative_and_positive_as_positive(items):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer as English
        from vaderSentiment_fr.vaderSentiment import SentimentIntensityAnalyzer as French
    analysers = {"en": English(), "fr": French()}
    scores: dict[tuple[str, str], list[float]] = defaultdict(list)
    for it in items[::10]:
        if it.extra["tone"] in ("positive", "negative"):
            score = analysers[it.lang].polarity_scores(it.text)["compound"]
            scores[(it.extra["tone"], it.lang)].append(score)
    assert len(scores) == 4
    for (tone, lang), values in scores.items():
        sign = 1 if tone == "positive" else -1
        agree = sum(1 for v in values if sign * v > 0.05) / len(values)
        assert agree > 0.9, (tone, lang, agree)
        assert sign * statistics.mean(values) > 0.3, (tone, lang)

