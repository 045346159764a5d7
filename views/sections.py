"""One builder per view: the store reads and charts a page draws and a report prints."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

import pandas as pd
import plotly.graph_objects as go

import charts
from charts import breakdown
from charts import community as community_charts
from charts.colors import color_of
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
from views import format as fmt
from views.context import View
from views.labels import KIND_NAMES, MEASURE_NAMES, REASONS, STATE_NAMES, TONES

T = TypeVar("T")
# How a builder calls a store read: ``read(query, db, *args)``. Pages pass ui.state.read, which
# goes through Streamlit's cache; reports call the store directly.
Reader = Callable[..., Any]


def direct(query: Callable[..., T], db: Any, *args: Any) -> T:
    """Call the store read ``query(db, *args)`` as it is (the reports' reader)."""
    return query(db, *args)


@dataclass(frozen=True)
class Tile:
    """One headline number as the page's ``st.metric`` shows it.

    ``note`` is printed under it in a PDF; ``help`` explains it on screen (the page's tooltip).
    """

    label: str
    value: str
    delta: str | None = None
    note: str | None = None
    help: str | None = None


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

    def figure(self, name: str) -> go.Figure | None:
        """The figure called ``name``, or None when the view has none (no data…)."""
        return next((fig for key, fig in self.figures if key == name), None)


# --- the builders: each fills the section its page draws and its report prints -------------


def build_overview(section: Section, view: View, read: Reader = direct) -> Section:
    """The Overview page: mentions, share of voice and net sentiment tiles, and its two charts."""
    now = read(queries.tiles, view.db, view.filters)
    before = read(queries.tiles, view.db, view.previous) if view.previous else None
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
                              fmt.count(read(alerts.alert_count, view.db, view.filters, states)),
                              note="spikes not yet handled"))
    if now.mentions == 0:
        section.notes.append("No mention matches these filters in this period.")
        return section
    sov = read(queries.share_of_voice, view.db, view.filters, view.grain)
    volume = read(queries.volume_by_brand, view.db, view.filters)
    section.figures.append(("share_of_voice", charts.share_of_voice_chart(
        sov, view.colors, view.grain, title=f"Share of voice per {view.grain}")))
    section.figures.append(("volume", charts.volume_chart(volume, view.colors)))
    partial = {"week": " Weeks start on Monday, so the first and last may be partial.",
               "month": " The first and last months may be partial."}.get(view.grain, "")
    section.notes.append(f"Share of voice: each brand's part of the mentions of all the brands "
                         f"shown, per {view.grain}.{partial}")
    return section


TOP_MENTIONS = 25


def _pct(value: object, digits: int = 1) -> str:
    return "—" if value is None or pd.isna(value) else fmt.percent(float(value), digits)


def _health_table(status: pd.DataFrame) -> Table:
    """Each source's state and last success, from :func:`store.alerts.source_health`."""
    return Table("Sources", pd.DataFrame({
        "Source": status["name"], "Kind": status["kind"], "Status": status["status"],
        "Why": status["reason"].fillna(""),
        "Last success": [fmt.moment(None if pd.isna(t) else pd.Timestamp(t).to_pydatetime())
                         for t in status["last_success"]]}))


def _joined(value: object) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, str):
        return value
    return ", ".join(str(v) for v in value)


def build_share_of_voice(section: Section, view: View, read: Reader = direct,
                         unit: str = "mentions") -> Section:
    """The Share of voice page: tiles, trend, rank and breakdowns, counting ``unit``.

    ``unit`` is ``mentions`` (every item naming a brand) or ``stories`` (copies of one text
    count once).
    """
    if unit == "mentions":
        over_time = read(queries.share_of_voice, view.db, view.filters, view.grain)
    else:
        over_time = read(stories.share_of_voice_stories, view.db, view.filters, view.grain)
    if over_time.empty:
        section.notes.append("No mention matches these filters in this period.")
        return section
    totals = read(stories.totals, view.db, view.filters)
    ranks = read(stories.ranking, view.db, view.filters, view.grain, unit)
    counted = {str(b): int(n) for b, n in zip(totals["brand"], totals[unit], strict=True)}
    total = sum(counted.values())
    standing = sorted(counted.items(), key=lambda kv: (-kv[1], kv[0]))
    own_shown = view.own is not None and view.own in counted
    place = next((i + 1 for i, (b, _) in enumerate(standing) if b == view.own), None)
    mentions, distinct = int(totals["mentions"].sum()), int(totals["stories"].sum())
    section.tiles += [
        Tile(f"Share of voice · {view.own}" if view.own else "Share of voice",
             fmt.percent(counted[view.own] / total) if own_shown and total else "—",
             help=f"{view.own}'s part of all the {unit} of the brands shown."
             if view.own else "Mark your brand with `own = true` in watch.toml."),
        Tile("Rank", f"#{place} of {len(standing)}" if own_shown else "—",
             help=f"Where {view.own or 'your brand'} stands among the brands shown, by {unit} "
                  "over the whole period."),
        Tile("Stories", fmt.count(distinct), note=f"from {fmt.count(mentions)} mentions",
             help=f"{fmt.count(mentions)} mentions make {fmt.count(distinct)} distinct "
                  "stories: copies of one text (syndicated press releases, copied posts) "
                  "count once."),
    ]
    section.figures += [
        ("share_over_time", breakdown.share_over_time_chart(over_time, view.colors, view.grain,
                                                            unit)),
        ("volume_over_time", breakdown.volume_over_time_chart(over_time, view.colors,
                                                              view.grain, unit)),
        ("rank", breakdown.rank_chart(ranks, view.colors, view.own, view.grain, unit)),
    ]
    by_kind = read(stories.share_by, view.db, view.filters, "kind", unit)
    by_lang = read(stories.share_by, view.db, view.filters, "lang", unit)
    by_tone = read(stories.share_by, view.db, view.filters, "sentiment_label", unit)
    names = {str(v): fmt.language(v) for v in by_lang["value"]}
    section.figures += [
        ("by_kind", breakdown.share_by_chart(by_kind, view.colors, "By source kind",
                                             labels=KIND_NAMES, unit=unit,
                                             dimension="kind")),
        ("by_language", breakdown.share_by_chart(by_lang, view.colors, "By language",
                                                 labels=names, unit=unit,
                                                 dimension="lang")),
        ("by_tone", breakdown.share_by_chart(by_tone, view.colors,
                                             "Positive and negative share", labels=TONES,
                                             values=["positive", "negative"], unit=unit,
                                             height=300, dimension="sentiment")),
    ]
    section.notes.append(f"Each bar splits the {unit} of one source kind, language or tone "
                         "between the brands shown. An item naming two brands counts once for "
                         "each.")
    return section


def trends_grains(view: View) -> tuple[list[str], str]:
    """The time steps Trends offers for the view's period, and the one it starts with."""
    days = view.filters.days or ((view.info.last_day - view.info.first_day).days + 1)
    grains = ["day", "week"] if days > trends.MAX_HOUR_DAYS else ["hour", "day", "week"]
    return grains, "day" if days <= 120 else "week"


def build_trends(section: Section, view: View, read: Reader = direct, grain: str | None = None,
                 measure: str = "mentions") -> Section:
    """The Trends page: ``measure`` per ``grain`` with spikes and page changes, and this period
    against the previous one (by default mentions per day, per week past 120 days)."""
    grains, default = trends_grains(view)
    grain = grain if grain in grains else default
    series = read(trends.volume_over_time, view.db, view.filters, grain)
    if series.empty:
        section.notes.append("No mention matches these filters in this period.")
        return section
    spikes = read(alerts.list_alerts, view.db, view.filters)
    changes = read(snapshots.page_changes, view.db, replace(view.filters, kinds=(), langs=()))
    section.figures.append(("timeline", trend_chart(
        series, view.colors, grain, measure, alerts=spikes, changes=changes,
        title=f"{MEASURE_NAMES[measure]} per {grain}")))
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
    compared = read(trends.compare_periods, view.db, view.filters, view.previous)
    section.figures.append(("comparison", comparison_chart(
        compared, view.colors, now_label=fmt.span(view.filters.start, view.filters.end),
        before_label=fmt.span(view.previous.start, view.previous.end),
        title=f"Mentions per brand vs {view.previous_text or 'the previous period'}",
        now_days=(view.filters.start, view.filters.end),
        before_days=(view.previous.start, view.previous.end))))
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


def build_topics(section: Section, view: View, read: Reader = direct) -> Section:
    """The Topics page: a word cloud per brand, key terms, themes and emerging terms."""
    if not read(terms.has_terms, view.db):
        section.notes.append("Key terms are computed after each collection; none are stored "
                             "yet.")
        return section
    words = read(terms.key_terms, view.db, view.filters, 60)
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
    found = read(terms.topics, view.db)
    shares = read(terms.topic_shares, view.db, view.filters)
    if not found.empty and not shares.empty:
        section.figures.append(("themes", topic_share_chart(
            shares, view.colors, title="Share of each brand's conversation per theme")))
        section.tables.append(Table("Themes", pd.DataFrame({
            "Theme": found["label"],
            "Its words": [", ".join(t[:12]) for t in found["top_terms"]]}), widths=(1, 3)))
    rising = read(terms.emerging_terms, view.db, view.filters)
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


def build_mentions(section: Section, view: View, read: Reader = direct) -> Section:
    """The Mentions page: volume per brand and the most engaged mentions with their links."""
    volume = read(queries.volume_by_brand, view.db, view.filters)
    section.figures.append(("volume", charts.volume_chart(volume, view.colors, title=None,
                                                          height=260)))
    query = mentions.MentionQuery(sort="engaged", size=max(mentions.PAGE_SIZES))
    total = read(mentions.count, view.db, view.filters, query)
    section.tiles.append(Tile("Items", fmt.count(total), note="naming the brands shown"))
    top = read(mentions.export, view.db, view.filters, query, TOP_MENTIONS)
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


def alert_change(alert: Any) -> str:
    """How far above normal an alert (a row of :func:`store.alerts.list_alerts`) went."""
    if alert.kind == "volume":
        return (f"mentions ×{alert.ratio:.1f} their usual level "
                f"({fmt.count(round(alert.peak))} on the busiest day, "
                f"{fmt.count(round(alert.baseline))} expected)")
    return (f"negative share up to {fmt.percent(alert.peak, 0)} "
            f"(usually {fmt.percent(alert.baseline, 0)})")


def build_alerts(section: Section, view: View, read: Reader = direct) -> Section:
    """The Alerts page: open and new alerts, each spike with its first posts, source health."""
    found = read(alerts.list_alerts, view.db, view.filters,
                               tuple(sorted(alerts.alert_states(view.db).items())))
    sources_health = read(alerts.source_health, view.db)
    unhealthy = sources_health[sources_health["status"] != "ok"]
    section.tiles += [
        Tile("Open alerts", fmt.count(int((found["state"] != "handled").sum()))),
        Tile("New", fmt.count(int((found["state"] == "new").sum()))),
        Tile("Unhealthy sources", fmt.count(len(unhealthy))),
    ]
    rows, posts = [], []
    for alert in found.head(40).itertuples(index=False):
        why = alert.explanation or {}
        what = alert_change(alert)
        start = pd.Timestamp(alert.started_at).date()
        end = pd.Timestamp(alert.ended_at).date()
        words = ", ".join(t["term"] for t in (why.get("terms") or [])[:6])
        rows.append({"Brand": alert.brand, "Source": alert.source or "all",
                     "When": fmt.span(start, end), "What": what,
                     "Mentions": fmt.count(why.get("mentions")), "New words": words,
                     "State": STATE_NAMES.get(alert.state, str(alert.state))})
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
    section.tables.append(_health_table(sources_health))
    return section


def build_community(section: Section, view: View, read: Reader = direct) -> Section:
    """The Community page: authors, newcomers, segments, who waits for an answer, top posters."""
    segments = read(community.segments, view.db, view.filters)
    if segments.empty:
        section.notes.append("No named author posted about the brands shown in this period.")
        return section
    arrivals = read(community.newcomers, view.db, view.filters, view.grain)
    waiting = read(community.needs_answer, view.db, view.filters, view.own)
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
    top = read(community.authors, view.db, view.filters, 50)
    section.tables.append(Table("Top posters", pd.DataFrame({
        "Author": top["author"], "Source": top["source"],
        "Posts": [fmt.count(v) for v in top["posts"]],
        "Days active": [fmt.count(v) for v in top["days"]],
        "Replies": [fmt.count(v) for v in top["replies"]], "Kind": top["segment"],
        "Brands": [_joined(v) for v in top["brands"]]}), widths=(2, 1, 1, 1, 1, 1.2, 4)))
    return section


def build_sources(section: Section, view: View, read: Reader = direct) -> Section:
    """The Sources page's health table: each source's state, last success and latest runs."""
    status = read(alerts.source_health, view.db)
    section.tables.append(_health_table(status))
    runs = read(health.run_history, view.db)
    section.tables.append(Table("Latest runs", runs.astype(str)))
    brands = read(queries.brands, view.db)
    section.tables.append(Table("Brands", pd.DataFrame({
        "Brand": brands["name"], "Query": brands["query"],
        "Ours": ["yes" if o else "" for o in brands["own"]]}), widths=(1, 5, 0.6)))
    return section
