"""One builder per view: the same store reads and charts as the page, gathered for a PDF."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go

import charts
from charts import breakdown
from charts import community as community_charts
from charts.colors import brand_colors, color_of
from charts.terms import topic_share_chart
from charts.trends import comparison_chart, trend_chart
from charts.wordcloud import PRINT_SIZE, wordcloud_chart
from store import (
    alerts,
    community,
    health,
    mentions,
    queries,
    snapshots,
    stories,
    terms,
    trends,
)
from ui import filters as flt
from ui import format as fmt
from ui.state import View

# The url_path of each view in app.py's PAGES, so a report can link back to the same view
# (tests/integration/test_reports.py checks they agree with app.py).
URL_PATHS = {
    "overview": "home", "share_of_voice": "voice", "trends": "over-time", "topics": "themes",
    "mentions": "items", "alerts": "spikes", "community": "people", "sources": "health",
}
TITLES = {
    "overview": "Overview", "share_of_voice": "Share of voice", "trends": "Trends",
    "topics": "Topics", "mentions": "Mentions", "alerts": "Alerts", "community": "Community",
    "sources": "Sources",
}


class ReportError(Exception):
    """A report cannot be made (no data, unknown filter value…); the message says why."""


@dataclass(frozen=True)
class Tile:
    """One headline number as the page's ``st.metric`` shows it."""

    label: str
    value: str
    delta: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class Table:
    """A table as the page shows it; ``link`` names the column holding each row's URL."""

    title: str
    frame: pd.DataFrame
    link: str | None = None
    widths: tuple[float, ...] | None = None
    note: str | None = None


@dataclass
class Section:
    """What one view shows: its title, tiles, charts (name → figure), tables and captions."""

    key: str
    title: str
    tiles: list[Tile] = field(default_factory=list)
    figures: list[tuple[str, go.Figure]] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def parse_choices(db: Path | str, params: dict[str, list[str]]) -> tuple[flt.Choices,
                                                                           flt.Options]:
    """Read filter choices from URL-style ``params`` against what the database holds.

    Raises :class:`ReportError` when the database is empty or a value is not in it (a report
    made for cron must not quietly show something else than what was asked).
    """
    info = queries.data_info(db)
    if info.items == 0 or info.mentions == 0 or info.first_day is None:
        raise ReportError(f"the database {db} holds no mentions yet: collect first with "
                          "`python -m collectors run`")
    brands = queries.brands(db)
    values = queries.filter_options(db)
    options = flt.Options(
        first_day=info.first_day, last_day=info.last_day,
        brands=tuple(str(b) for b in brands["name"]),
        kinds=tuple(values.get("kind", ())), sources=tuple(values.get("source", ())),
        langs=tuple(values.get("lang", ())))
    for param, name in flt.LIST_PARAMS.items():
        unknown = [v for v in params.get(param, []) if v not in getattr(options, name)]
        if unknown:
            known = ", ".join(getattr(options, name)) or "none"
            raise ReportError(f"unknown {param} {', '.join(unknown)!r}; this database has: "
                              f"{known}")
    choices, notices = flt.parse_params(params, options)
    if notices and ("from" in params or "to" in params) and choices.period != "custom":
        raise ReportError("; ".join(notices))
    return choices, options


def make_view(db: Path | str, choices: flt.Choices, options: flt.Options) -> View:
    """The :class:`ui.state.View` the app's frame would hand a page for ``choices``."""
    info = queries.data_info(db)
    brands = queries.brands(db)
    chosen = flt.to_filters(choices, options)
    shown, previous = flt.describe(choices, chosen, options)
    own = next((str(n) for n, o in zip(brands["name"], brands["own"], strict=True) if o), None)
    return View(
        db=Path(db), info=info, filters=chosen, previous=chosen.previous(),
        period_text=shown, previous_text=previous, colors=brand_colors(brands), own=own,
        grain=flt.grain_for(chosen, options), dimensions_text=flt.describe_dimensions(choices))


# --- the builders: each mirrors its page in pages/ ------------------------------------------


def build_overview(view: View) -> Section:
    """The Overview page: mentions, share of voice and net sentiment tiles, and its two charts."""
    section = Section("overview", TITLES["overview"])
    now = queries.tiles(view.db, view.filters)
    before = queries.tiles(view.db, view.previous) if view.previous else None
    before = before if before is not None and before.mentions else None
    compared = f"vs previous {fmt.days(view.filters.days)}" if before else None
    section.tiles.append(Tile(
        "Mentions", fmt.count(now.mentions),
        fmt.count_change(now.mentions, before.mentions) if before else None, compared))
    own_shown = view.own is not None and (not view.filters.brands
                                          or view.own in view.filters.brands)
    show_share = own_shown and now.own_share is not None
    section.tiles.append(Tile(
        f"Share of voice · {view.own}" if view.own else "Share of voice",
        fmt.percent(now.own_share) if show_share else "—",
        fmt.points_change(now.own_share, before.own_share)
        if show_share and before and before.own_share is not None else None,
        compared if show_share else None))
    section.tiles.append(Tile(
        "Net sentiment", fmt.signed_percent(now.net_sentiment),
        fmt.points_change(now.net_sentiment, before.net_sentiment)
        if before and now.net_sentiment is not None and before.net_sentiment is not None
        else None,
        f"{fmt.count(now.positive)} positive, {fmt.count(now.negative)} negative"))
    states = tuple(sorted(alerts.alert_states(view.db).items()))
    section.tiles.append(Tile("Open alerts",
                              fmt.count(alerts.alert_count(view.db, view.filters, states)),
                              note="spikes not yet handled"))
    if now.mentions == 0:
        section.notes.append("No mention matches these filters in this period.")
        return section
    sov = queries.share_of_voice(view.db, view.filters, view.grain)
    volume = queries.volume_by_brand(view.db, view.filters)
    section.figures.append(("share_of_voice", charts.share_of_voice_chart(
        sov, view.colors, view.grain, title=f"Share of voice per {view.grain}")))
    section.figures.append(("volume", charts.volume_chart(volume, view.colors)))
    partial = {"week": " Weeks start on Monday, so the first and last may be partial.",
               "month": " The first and last months may be partial."}.get(view.grain, "")
    section.notes.append(f"Share of voice: each brand's part of the mentions of all the brands "
                         f"shown, per {view.grain}.{partial}")
    return section


# Labels the pages use for stored codes (kept beside the builders that print them).
KIND_NAMES = {"reddit": "Reddit", "forum": "Forums", "rss": "News feeds", "web": "Web pages",
              "discourse": "Discourse", "hackernews": "Hacker News", "file": "Imports",
              "demo": "Demo"}
TONES = {"positive": "Positive", "negative": "Negative", "neutral": "Neutral"}
MEASURE_NAMES = {"mentions": "Mentions", "net_sentiment": "Net sentiment",
                 "negative_share": "Negative share"}
REASONS = {"question": "Question", "complaint": "Complaint"}
TOP_MENTIONS = 25


def _pct(value: object, digits: int = 1) -> str:
    return "—" if value is None or pd.isna(value) else fmt.percent(float(value), digits)


def _joined(value: object) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, str):
        return value
    return ", ".join(str(v) for v in value)


def build_share_of_voice(view: View) -> Section:
    """The Share of voice page in its default unit (mentions): tiles, trend, rank, breakdowns."""

    section = Section("share_of_voice", TITLES["share_of_voice"])
    unit = "mentions"
    over_time = queries.share_of_voice(view.db, view.filters, view.grain)
    if over_time.empty:
        section.notes.append("No mention matches these filters in this period.")
        return section
    totals = stories.totals(view.db, view.filters)
    ranks = stories.ranking(view.db, view.filters, view.grain, unit)
    counted = {str(b): int(n) for b, n in zip(totals["brand"], totals[unit], strict=True)}
    total = sum(counted.values())
    standing = sorted(counted.items(), key=lambda kv: (-kv[1], kv[0]))
    own_shown = view.own is not None and view.own in counted
    place = next((i + 1 for i, (b, _) in enumerate(standing) if b == view.own), None)
    mentions, distinct = int(totals["mentions"].sum()), int(totals["stories"].sum())
    section.tiles += [
        Tile(f"Share of voice · {view.own}" if view.own else "Share of voice",
             fmt.percent(counted[view.own] / total) if own_shown and total else "—"),
        Tile("Rank", f"#{place} of {len(standing)}" if own_shown else "—"),
        Tile("Stories", fmt.count(distinct), note=f"from {fmt.count(mentions)} mentions"),
    ]
    section.figures += [
        ("share_over_time", breakdown.share_over_time_chart(over_time, view.colors, view.grain,
                                                            unit)),
        ("volume_over_time", breakdown.volume_over_time_chart(over_time, view.colors,
                                                              view.grain, unit)),
        ("rank", breakdown.rank_chart(ranks, view.colors, view.own, view.grain, unit)),
    ]
    by_kind = stories.share_by(view.db, view.filters, "kind", unit)
    by_lang = stories.share_by(view.db, view.filters, "lang", unit)
    by_tone = stories.share_by(view.db, view.filters, "sentiment_label", unit)
    names = {str(v): fmt.language(v) for v in by_lang["value"]}
    section.figures += [
        ("by_kind", breakdown.share_by_chart(by_kind, view.colors, "By source kind",
                                             labels=KIND_NAMES, unit=unit)),
        ("by_language", breakdown.share_by_chart(by_lang, view.colors, "By language",
                                                 labels=names, unit=unit)),
        ("by_tone", breakdown.share_by_chart(by_tone, view.colors,
                                             "Positive and negative share", labels=TONES,
                                             values=["positive", "negative"], unit=unit,
                                             height=300)),
    ]
    section.notes.append(f"Each bar splits the {unit} of one source kind, language or tone "
                         "between the brands shown. An item naming two brands counts once for "
                         "each.")
    return section


def build_trends(view: View) -> Section:
    """The Trends page with its defaults: mentions per day (week past 120 days), comparison."""

    section = Section("trends", TITLES["trends"])
    days = view.filters.days or ((view.info.last_day - view.info.first_day).days + 1)
    grain = "day" if days <= 120 else "week"
    series = trends.volume_over_time(view.db, view.filters, grain)
    if series.empty:
        section.notes.append("No mention matches these filters in this period.")
        return section
    spikes = alerts.list_alerts(view.db, view.filters)
    changes = snapshots.page_changes(view.db, replace(view.filters, kinds=(), langs=()))
    section.figures.append(("timeline", trend_chart(
        series, view.colors, grain, "mentions", alerts=spikes, changes=changes,
        title=f"Mentions per {grain}")))
    notes = []
    if not spikes.empty:
        notes.append(f"Shaded bands: the {fmt.count(len(spikes))} spike(s) found in this period")
    if not changes.empty:
        notes.append(f"diamonds: {fmt.count(len(changes))} change(s) on watched competitor "
                     "pages")
    if notes:
        section.notes.append("; ".join(notes) + ".")
    if view.previous is None:
        section.notes.append("All dates are shown: no comparison with a previous period.")
        return section
    compared = trends.compare_periods(view.db, view.filters, view.previous)
    section.figures.append(("comparison", comparison_chart(
        compared, view.colors, now_label=fmt.span(view.filters.start, view.filters.end),
        before_label=fmt.span(view.previous.start, view.previous.end),
        title=f"Mentions per brand vs {view.previous_text or 'the previous period'}")))
    table = pd.DataFrame({
        "Brand": compared["brand"],
        "Mentions": [fmt.count(v) for v in compared["mentions"]],
        "Before": [fmt.count(v) for v in compared["mentions_before"]],
        "Change": [_pct(v) for v in compared["change"]],
        "Net sentiment": [_pct(v) for v in compared["net_sentiment"]],
        "Before ": [_pct(v) for v in compared["net_sentiment_before"]],
        "Negative": [_pct(v) for v in compared["negative_share"]],
        "Before  ": [_pct(v) for v in compared["negative_share_before"]],
    })
    section.tables.append(Table("This period compared with the previous one", table))
    return section


def build_topics(view: View) -> Section:
    """The Topics page: a word cloud per brand, key terms, themes and emerging terms."""

    section = Section("topics", TITLES["topics"])
    if not terms.has_terms(view.db):
        section.notes.append("Key terms are computed after each collection; none are stored "
                             "yet.")
        return section
    words = terms.key_terms(view.db, view.filters, 60)
    brands = [b for b in view.colors if not view.filters.brands or b in view.filters.brands]
    brands = [b for b in brands if b in set(words["brand"])] or brands
    if words.empty:
        section.notes.append("No key term in this period.")
    else:
        for brand in brands:
            cloud = words[(words["brand"] == brand) & ~words["phrase"]]
            section.figures.append((f"cloud_{brand}", wordcloud_chart(
                cloud[["term", "n"]], color_of(brand, view.colors), title=brand,
                size=PRINT_SIZE)))
        rows = []
        for brand in brands:
            mine = words[words["brand"] == brand]
            rows.append({"Brand": brand,
                         "Key terms": ", ".join(mine[~mine["phrase"]]["term"].head(10)),
                         "Key phrases": ", ".join(mine[mine["phrase"]]["term"].head(6))})
        section.tables.append(Table("Key terms and phrases", pd.DataFrame(rows),
                                    widths=(1, 3, 3)))
    found = terms.topics(view.db)
    shares = terms.topic_shares(view.db, view.filters)
    if not found.empty and not shares.empty:
        section.figures.append(("themes", topic_share_chart(
            shares, view.colors, title="Share of each brand's conversation per theme")))
        section.tables.append(Table("Themes", pd.DataFrame({
            "Theme": found["label"],
            "Its words": [", ".join(t[:12]) for t in found["top_terms"]]}), widths=(1, 3)))
    rising = terms.emerging_terms(view.db, view.filters)
    end = view.filters.end or view.info.last_day
    section.tables.append(Table(
        "Emerging terms",
        pd.DataFrame({"Brand": rising["brand"], "Term": rising["term"],
                      "Last 7 days": [fmt.count(v) for v in rising["recent"]],
                      "Expected": [f"{v:.1f}" for v in rising["expected"]],
                      "× usual": [f"{v:.1f}" for v in rising["lift"]]}),
        note=f"Words used at least twice as often in the 7 days up to {fmt.day(end)} as in "
             "the 28 days before, relative to each brand's volume."))
    return section


def build_mentions(view: View) -> Section:
    """The Mentions page: volume per brand and the most engaged mentions with their links."""

    section = Section("mentions", TITLES["mentions"])
    volume = queries.volume_by_brand(view.db, view.filters)
    section.figures.append(("volume", charts.volume_chart(volume, view.colors, title=None,
                                                          height=260)))
    query = mentions.MentionQuery(sort="engaged", size=max(mentions.PAGE_SIZES))
    total = mentions.count(view.db, view.filters, query)
    section.tiles.append(Tile("Items", fmt.count(total), note="naming the brands shown"))
    top = mentions.export(view.db, view.filters, query, TOP_MENTIONS)
    table = pd.DataFrame({
        "Published": [fmt.moment(t.to_pydatetime()) for t in top["published_at"]],
        "Brands": [_joined(v) for v in top["brands"]],
        "Source": top["source"], "Author": top["author"].fillna(""),
        "Title / text": [(t if isinstance(t, str) and t else (x or ""))[:160]
                         for t, x in zip(top["title"], top["text"], strict=True)],
        "Engagement": [fmt.count(v) for v in top["engagement"]],
        "Link": top["url"],
    })
    section.tables.append(Table(f"Top {TOP_MENTIONS} mentions by engagement", table,
                                link="Link", widths=(2.2, 2.4, 1.2, 1.6, 5, 1.2, 3.2)))
    return section


def build_alerts(view: View) -> Section:
    """The Alerts page: open and new alerts, each spike with its first posts, source health."""

    section = Section("alerts", TITLES["alerts"])
    found = alerts.list_alerts(view.db, view.filters,
                               tuple(sorted(alerts.alert_states(view.db).items())))
    sources_health = alerts.source_health(view.db)
    unhealthy = sources_health[sources_health["status"] != "ok"]
    section.tiles += [
        Tile("Open alerts", fmt.count(int((found["state"] != "handled").sum()))),
        Tile("New", fmt.count(int((found["state"] == "new").sum()))),
        Tile("Unhealthy sources", fmt.count(len(unhealthy))),
    ]
    rows, posts = [], []
    for alert in found.head(40).itertuples(index=False):
        why = alert.explanation or {}
        if alert.kind == "volume":
            what = (f"mentions ×{alert.ratio:.1f} usual ({fmt.count(round(alert.peak))} on "
                    f"the busiest day, {fmt.count(round(alert.baseline))} expected)")
        else:
            what = (f"negative share up to {fmt.percent(alert.peak, 0)} (usually "
                    f"{fmt.percent(alert.baseline, 0)})")
        start = pd.Timestamp(alert.started_at).date()
        end = pd.Timestamp(alert.ended_at).date()
        words = ", ".join(t["term"] for t in (why.get("terms") or [])[:6])
        rows.append({"Brand": alert.brand, "Source": alert.source or "all",
                     "When": fmt.span(start, end), "What": what,
                     "Mentions": fmt.count(why.get("mentions")), "New words": words,
                     "State": str(alert.state).capitalize()})
        for post in (why.get("first_posts") or [])[:3]:
            posts.append({"Alert": f"{alert.brand} · {fmt.span(start, end)}",
                          "Source": post.get("source") or "",
                          "Author": post.get("author") or "",
                          "Title": post.get("title") or "", "Link": post.get("url") or ""})
    section.tables.append(Table("Spikes and bad buzz", pd.DataFrame(
        rows, columns=["Brand", "Source", "When", "What", "Mentions", "New words", "State"]),
        widths=(1.3, 1, 1.7, 4, 1.1, 2.5, 1)))
    if posts:
        section.tables.append(Table("First posts of each spike", pd.DataFrame(posts),
                                    link="Link", widths=(2, 1, 1.5, 4, 3)))
    section.tables.append(Table("Sources", pd.DataFrame({
        "Source": sources_health["name"], "Kind": sources_health["kind"],
        "Status": sources_health["status"],
        "Why": sources_health["reason"].fillna(""),
        "Last success": [fmt.moment(None if pd.isna(t) else pd.Timestamp(t).to_pydatetime())
                         for t in sources_health["last_success"]]})))
    return section


def build_community(view: View) -> Section:
    """The Community page: authors, newcomers, segments, who waits for an answer, top posters."""

    section = Section("community", TITLES["community"])
    segments = community.segments(view.db, view.filters)
    if segments.empty:
        section.notes.append("No named author posted about the brands shown in this period.")
        return section
    arrivals = community.newcomers(view.db, view.filters, view.grain)
    waiting = community.needs_answer(view.db, view.filters, view.own)
    people = int(segments["authors"].sum())
    once = int(segments["one_time"].sum())
    waiting_total = int(waiting["total"].iloc[0]) if len(waiting) else 0
    section.tiles += [
        Tile("Authors", fmt.count(people)),
        Tile("Posted once", fmt.percent(once / people if people else None)),
        Tile("Newcomers", fmt.count(int(arrivals["newcomers"].sum()))),
        Tile(f"Waiting · {view.own}" if view.own else "Waiting for an answer",
             fmt.count(waiting_total) if view.own else "—"),
    ]
    section.figures += [
        ("newcomers", community_charts.newcomers_chart(arrivals, view.grain)),
        ("segments", community_charts.segments_chart(segments)),
    ]
    section.notes.append("Regulars: five posts or more, on at least two days. Came back: "
                         "posted on two days or more. Posted once: every post on a single day.")
    if view.own is not None and not waiting.empty:
        section.tables.append(Table(f"Waiting for an answer · {view.own}", pd.DataFrame({
            "Posted": [fmt.moment(t.to_pydatetime()) for t in waiting["published_at"]],
            "Why": waiting["reason"].map(REASONS).fillna(""),
            "Author": waiting["author"].fillna(""), "Source": waiting["source"],
            "Title / text": [(t if isinstance(t, str) and t else (x or ""))[:200]
                             for t, x in zip(waiting["title"], waiting["text"], strict=True)],
            "Link": waiting["url"]}), link="Link", widths=(2, 1.2, 1.6, 1, 5, 3.2),
            note=f"The {len(waiting):,} newest of {waiting_total:,}."
            if waiting_total > len(waiting) else None))
    top = community.authors(view.db, view.filters, 50)
    section.tables.append(Table("Top posters", pd.DataFrame({
        "Author": top["author"], "Source": top["source"],
        "Posts": [fmt.count(v) for v in top["posts"]],
        "Days active": [fmt.count(v) for v in top["days"]],
        "Replies": [fmt.count(v) for v in top["replies"]], "Kind": top["segment"],
        "Brands": [_joined(v) for v in top["brands"]]}), widths=(2, 1, 1, 1, 1, 1.2, 4)))
    return section


def build_sources(view: View) -> Section:
    """The Sources page's health table: each source's state, last success and latest runs."""

    section = Section("sources", TITLES["sources"])
    status = alerts.source_health(view.db)
    section.tables.append(Table("Sources", pd.DataFrame({
        "Source": status["name"], "Kind": status["kind"], "Status": status["status"],
        "Why": status["reason"].fillna(""),
        "Last success": [fmt.moment(None if pd.isna(t) else pd.Timestamp(t).to_pydatetime())
                         for t in status["last_success"]]})))
    runs = health.run_history(view.db)
    section.tables.append(Table("Latest runs", runs.astype(str)))
    brands = queries.brands(view.db)
    section.tables.append(Table("Brands", pd.DataFrame({
        "Brand": brands["name"], "Query": brands["query"],
        "Ours": ["yes" if o else "" for o in brands["own"]]}), widths=(1, 5, 0.6)))
    return section


VIEWS: dict[str, Callable[[View], Section]] = {
    "overview": build_overview,
    "share_of_voice": build_share_of_voice,
    "trends": build_trends,
    "topics": build_topics,
    "mentions": build_mentions,
    "alerts": build_alerts,
    "community": build_community,
    "sources": build_sources,
}


def build(name: str, view: View) -> Section:
    """Run the builder of view ``name``; raise :class:`ReportError` for an unknown name."""
    try:
        builder = VIEWS[name]
    except KeyError:
        raise ReportError(f"unknown view {name!r}; choose from {', '.join(VIEWS)}") from None
    return builder(view)

