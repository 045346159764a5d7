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
from i18n.catalog import ngettext, translator
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
from views.labels import (
    HEALTH_NAMES,
    KIND_NAMES,
    MEASURE_NAMES,
    REASONS,
    SEGMENTS,
    STATE_NAMES,
    TONES,
    _,
    health_reason,
    name,
    names,
)

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
    _, lang = translator(view.lang), view.lang
    now = read(queries.tiles, view.db, view.filters)
    before = read(queries.tiles, view.db, view.previous) if view.previous else None
    before = before if before is not None and before.mentions else None
    compared = _("vs previous {days}").format(days=fmt.days(view.filters.days, lang)) \
        if before else None
    section.tiles.append(Tile(
        _("Mentions"), fmt.count(now.mentions, lang),
        fmt.count_change(now.mentions, before.mentions, lang) if before else None, compared))
    own_shown = view.own is not None and (not view.filters.brands
                                          or view.own in view.filters.brands)
    show_share = own_shown and now.own_share is not None
    section.tiles.append(Tile(
        _share_label(view), fmt.percent(now.own_share, lang=lang) if show_share else "—",
        fmt.points_change(now.own_share, before.own_share, lang=lang)
        if show_share and before and before.own_share is not None else None,
        compared if show_share else None))
    section.tiles.append(Tile(
        _("Net sentiment"), fmt.signed_percent(now.net_sentiment, lang=lang),
        fmt.points_change(now.net_sentiment, before.net_sentiment, lang=lang)
        if before and now.net_sentiment is not None and before.net_sentiment is not None
        else None,
        _("{positive} positive, {negative} negative").format(
            positive=fmt.count(now.positive, lang), negative=fmt.count(now.negative, lang))))
    states = tuple(sorted(alerts.alert_states(view.db).items()))
    section.tiles.append(Tile(
        _("Open alerts"),
        fmt.count(read(alerts.alert_count, view.db, view.filters, states), lang),
        note=_("spikes not yet handled")))
    if now.mentions == 0:
        section.notes.append(_(NO_MENTION))
        return section
    sov = read(queries.share_of_voice, view.db, view.filters, view.grain)
    volume = read(queries.volume_by_brand, view.db, view.filters)
    section.figures.append(("share_of_voice", charts.share_of_voice_chart(
        sov, view.colors, view.grain, lang=lang,
        title=_("Share of voice per {grain}").format(grain=_(view.grain)))))
    section.figures.append(("volume", charts.volume_chart(
        volume, view.colors, title=_("Mentions per brand"), lang=lang)))
    partial = {"week": _(" Weeks start on Monday, so the first and last may be partial."),
               "month": _(" The first and last months may be partial.")}.get(view.grain, "")
    section.notes.append(_("Share of voice: each brand's part of the mentions of all the brands "
                           "shown, per {grain}.").format(grain=_(view.grain)) + partial)
    return section


# The note of a view with nothing to show.
NO_MENTION = _("No mention matches these filters in this period.")


def _share_label(view: View) -> str:
    """The share of voice tile's label: of our brand, when one is marked."""
    _ = translator(view.lang)
    return _("Share of voice · {brand}").format(brand=view.own) if view.own \
        else _("Share of voice")


TOP_MENTIONS = 25


def _pct(value: object, digits: int = 1, lang: str = "en") -> str:
    return "—" if value is None or pd.isna(value) else fmt.percent(float(value), digits, lang)


def _health_table(status: pd.DataFrame, lang: str = "en") -> Table:
    """Each source's state and last success, from :func:`store.alerts.source_health`."""
    _ = translator(lang)
    return Table(_("Sources"), pd.DataFrame({
        _("Source"): status["name"], _("Kind"): [name(KIND_NAMES, k, lang)
                                                 for k in status["kind"]]
        if lang != "en" else status["kind"],
        _("Status"): [name(HEALTH_NAMES, s, lang) for s in status["status"]],
        _("Why"): [health_reason(r, lang) for r in status["reason"].fillna("")],
        _("Last success"): [fmt.moment(None if pd.isna(t) else pd.Timestamp(t).to_pydatetime(),
                                       lang) for t in status["last_success"]]}))


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
    _, lang = translator(view.lang), view.lang
    if unit == "mentions":
        over_time = read(queries.share_of_voice, view.db, view.filters, view.grain)
    else:
        over_time = read(stories.share_of_voice_stories, view.db, view.filters, view.grain)
    if over_time.empty:
        section.notes.append(_(NO_MENTION))
        return section
    totals = read(stories.totals, view.db, view.filters)
    ranks = read(stories.ranking, view.db, view.filters, view.grain, unit)
    counted = {str(b): int(n) for b, n in zip(totals["brand"], totals[unit], strict=True)}
    total = sum(counted.values())
    standing = sorted(counted.items(), key=lambda kv: (-kv[1], kv[0]))
    own_shown = view.own is not None and view.own in counted
    place = next((i + 1 for i, (b, _n) in enumerate(standing) if b == view.own), None)
    mentions, distinct = int(totals["mentions"].sum()), int(totals["stories"].sum())
    units = _(unit)
    section.tiles += [
        Tile(_share_label(view),
             fmt.percent(counted[view.own] / total, lang=lang) if own_shown and total else "—",
             help=_("{brand}'s part of all the {unit} of the brands shown.").format(
                 brand=view.own, unit=units)
             if view.own else _("Mark your brand with `own = true` in watch.toml.")),
        Tile(_("Rank"), _("#{place} of {brands}").format(place=place, brands=len(standing))
             if own_shown else "—",
             help=_("Where {brand} stands among the brands shown, by {unit} over the whole "
                    "period.").format(brand=view.own or _("your brand"), unit=units)),
        Tile(_("Stories"), fmt.count(distinct, lang),
             note=_("from {mentions} mentions").format(mentions=fmt.count(mentions, lang)),
             help=_("{mentions} mentions make {stories} distinct stories: copies of one text "
                    "(syndicated press releases, copied posts) count once.").format(
                 mentions=fmt.count(mentions, lang), stories=fmt.count(distinct, lang))),
    ]
    section.figures += [
        ("share_over_time", breakdown.share_over_time_chart(over_time, view.colors, view.grain,
                                                            unit, lang=lang)),
        ("volume_over_time", breakdown.volume_over_time_chart(over_time, view.colors,
                                                              view.grain, unit, lang=lang)),
        ("rank", breakdown.rank_chart(ranks, view.colors, view.own, view.grain, unit,
                                      lang=lang)),
    ]
    by_kind = read(stories.share_by, view.db, view.filters, "kind", unit)
    by_lang = read(stories.share_by, view.db, view.filters, "lang", unit)
    by_tone = read(stories.share_by, view.db, view.filters, "sentiment_label", unit)
    languages = {str(v): fmt.language(v, lang) for v in by_lang["value"]}
    section.figures += [
        ("by_kind", breakdown.share_by_chart(by_kind, view.colors, _("By source kind"),
                                             labels=names(KIND_NAMES, lang), unit=unit,
                                             dimension="kind", lang=lang)),
        ("by_language", breakdown.share_by_chart(by_lang, view.colors, _("By language"),
                                                 labels=languages, unit=unit,
                                                 dimension="lang", lang=lang)),
        ("by_tone", breakdown.share_by_chart(by_tone, view.colors,
                                             _("Positive and negative share"),
                                             labels=names(TONES, lang),
                                             values=["positive", "negative"], unit=unit,
                                             height=300, dimension="sentiment", lang=lang)),
    ]
    section.notes.append(_("Each bar splits the {unit} of one source kind, language or tone "
                           "between the brands shown. An item naming two brands counts once for "
                           "each.").format(unit=units))
    return section


def trends_grains(view: View) -> tuple[list[str], str]:
    """The time steps Trends offers for the view's period, and the one it starts with."""
    days = view.filters.days or ((view.info.last_day - view.info.first_day).days + 1)
    grains = ["day", "week"] if days > trends.MAX_HOUR_DAYS else ["hour", "day", "week"]
    return grains, "day" if days <= 120 else "week"


def trends_notes(spikes: int, changes: int, lang: str = "en") -> str:
    """The Trends timeline's caption: how many spikes and page changes it marks, in ``lang``."""
    notes = []
    if spikes:
        notes.append(ngettext("Shaded bands: the {n} spike found in this period",
                              "Shaded bands: the {n} spikes found in this period", spikes,
                              lang).format(n=fmt.count(spikes, lang)))
    if changes:
        notes.append(ngettext("diamonds: {n} change on watched competitor pages",
                              "diamonds: {n} changes on watched competitor pages", changes,
                              lang).format(n=fmt.count(changes, lang)))
    return "; ".join(notes) + "." if notes else ""


def build_trends(section: Section, view: View, read: Reader = direct, grain: str | None = None,
                 measure: str = "mentions") -> Section:
    """The Trends page: ``measure`` per ``grain`` with spikes and page changes, and this period
    against the previous one (by default mentions per day, per week past 120 days)."""
    _, lang = translator(view.lang), view.lang
    grains, default = trends_grains(view)
    grain = grain if grain in grains else default
    series = read(trends.volume_over_time, view.db, view.filters, grain)
    if series.empty:
        section.notes.append(_(NO_MENTION))
        return section
    spikes = read(alerts.list_alerts, view.db, view.filters)
    changes = read(snapshots.page_changes, view.db, replace(view.filters, kinds=(), langs=()))
    section.figures.append(("timeline", trend_chart(
        series, view.colors, grain, measure, alerts=spikes, changes=changes, lang=lang,
        title=_("{measure} per {grain}").format(measure=_(MEASURE_NAMES[measure]),
                                                grain=_(grain)))))
    # One caption for the page and the report, plural by count in every language.
    caption = trends_notes(len(spikes), len(changes), lang)
    if caption:
        section.notes.append(caption)
    if view.previous is None:
        section.notes.append(_("All dates are shown: no comparison with a previous period."))
        return section
    compared = read(trends.compare_periods, view.db, view.filters, view.previous)
    section.figures.append(("comparison", comparison_chart(
        compared, view.colors, now_label=fmt.span(view.filters.start, view.filters.end, lang),
        before_label=fmt.span(view.previous.start, view.previous.end, lang),
        title=_("Mentions per brand vs {previous}").format(
            previous=view.previous_text or _("the previous period")),
        now_days=(view.filters.start, view.filters.end),
        before_days=(view.previous.start, view.previous.end), lang=lang)))
    before = _("Before")
    # The three "Before" columns differ by trailing blanks: a frame's columns must be unique.
    table = pd.DataFrame({
        _("Brand"): compared["brand"],
        _("Mentions"): [fmt.count(v, lang) for v in compared["mentions"]],
        before: [fmt.count(v, lang) for v in compared["mentions_before"]],
        _("Change"): [_pct(v, lang=lang) for v in compared["change"]],
        _("Net sentiment"): [_pct(v, lang=lang) for v in compared["net_sentiment"]],
        before + " ": [_pct(v, lang=lang) for v in compared["net_sentiment_before"]],
        _("Negative"): [_pct(v, lang=lang) for v in compared["negative_share"]],
        before + "  ": [_pct(v, lang=lang) for v in compared["negative_share_before"]],
    })
    section.tables.append(Table(_("This period compared with the previous one"), table))
    return section


def build_topics(section: Section, view: View, read: Reader = direct) -> Section:
    """The Topics page: a word cloud per brand, key terms, themes and emerging terms."""
    _, lang = translator(view.lang), view.lang
    if not read(terms.has_terms, view.db):
        section.notes.append(_("Key terms are computed after each collection; none are stored "
                               "yet."))
        return section
    words = read(terms.key_terms, view.db, view.filters, 60)
    brands = [b for b in view.colors if not view.filters.brands or b in view.filters.brands]
    brands = [b for b in brands if b in set(words["brand"])] or brands
    if words.empty:
        section.notes.append(_("No key term in this period."))
    else:
        for brand in brands:
            cloud = words[(words["brand"] == brand) & ~words["phrase"]]
            section.figures.append((f"cloud_{brand}", wordcloud_chart(
                cloud[["term", "n"]], color_of(brand, view.colors), title=brand,
                size=PRINT_SIZE, lang=lang)))
        rows = []
        for brand in brands:
            mine = words[words["brand"] == brand]
            rows.append({_("Brand"): brand,
                         _("Key terms"): ", ".join(mine[~mine["phrase"]]["term"].head(10)),
                         _("Key phrases"): ", ".join(mine[mine["phrase"]]["term"].head(6))})
        section.tables.append(Table(_("Key terms and phrases"), pd.DataFrame(rows),
                                    widths=(1, 3, 3)))
    found = read(terms.topics, view.db)
    shares = read(terms.topic_shares, view.db, view.filters)
    if not found.empty and not shares.empty:
        section.figures.append(("themes", topic_share_chart(
            shares, view.colors, title=_("Share of each brand's conversation per theme"),
            lang=lang)))
        section.tables.append(Table(_("Themes"), pd.DataFrame({
            _("Theme"): found["label"],
            _("Its words"): [", ".join(t[:12]) for t in found["top_terms"]]}), widths=(1, 3)))
    rising = read(terms.emerging_terms, view.db, view.filters)
    end = view.filters.end or view.info.last_day
    section.tables.append(Table(
        _("Emerging terms"),
        pd.DataFrame({_("Brand"): rising["brand"], _("Term"): rising["term"],
                      _("Last 7 days"): [fmt.count(v, lang) for v in rising["recent"]],
                      _("Expected"): [fmt.decimal(v, 1, lang) for v in rising["expected"]],
                      _("× usual"): [fmt.decimal(v, 1, lang) for v in rising["lift"]]}),
        note=_("Words used at least twice as often in the 7 days up to {day} as in the 28 "
               "days before, relative to each brand's volume.").format(day=fmt.day(end, lang))))
    return section


def build_mentions(section: Section, view: View, read: Reader = direct) -> Section:
    """The Mentions page: volume per brand and the most engaged mentions with their links."""
    _, lang = translator(view.lang), view.lang
    volume = read(queries.volume_by_brand, view.db, view.filters)
    section.figures.append(("volume", charts.volume_chart(volume, view.colors, title=None,
                                                          height=260, lang=lang)))
    query = mentions.MentionQuery(sort="engaged", size=max(mentions.PAGE_SIZES))
    total = read(mentions.count, view.db, view.filters, query)
    section.tiles.append(Tile(_("Items"), fmt.count(total, lang),
                              note=_("naming the brands shown")))
    top = read(mentions.export, view.db, view.filters, query, TOP_MENTIONS)
    link = _("Link")
    table = pd.DataFrame({
        _("Published"): [fmt.moment(t.to_pydatetime(), lang) for t in top["published_at"]],
        _("Brands"): [_joined(v) for v in top["brands"]],
        _("Source"): top["source"], _("Author"): top["author"].fillna(""),
        _("Title / text"): [(t if isinstance(t, str) and t else (x or ""))[:160]
                            for t, x in zip(top["title"], top["text"], strict=True)],
        _("Engagement"): [fmt.count(v, lang) for v in top["engagement"]],
        link: top["url"],
    })
    section.tables.append(Table(_("Top {n} mentions by engagement").format(n=TOP_MENTIONS),
                                table, link=link, widths=(2.2, 2.4, 1.2, 1.6, 5, 1.2, 3.2)))
    return section


def alert_change(alert: Any, lang: str = "en") -> str:
    """How far above normal an alert (a row of :func:`store.alerts.list_alerts`) went."""
    _ = translator(lang)
    if alert.kind == "volume":
        return _("mentions ×{ratio} their usual level ({peak} on the busiest day, {expected} "
                 "expected)").format(ratio=fmt.decimal(alert.ratio, 1, lang),
                                     peak=fmt.count(round(alert.peak), lang),
                                     expected=fmt.count(round(alert.baseline), lang))
    return _("negative share up to {peak} (usually {usual})").format(
        peak=fmt.percent(alert.peak, 0, lang), usual=fmt.percent(alert.baseline, 0, lang))


def incidents_of(found: pd.DataFrame) -> list[tuple[Any, list, str]]:
    """Each incident of :func:`store.alerts.list_alerts` rows (newest first): its leading
    alert (with the incident's state), the other measures that rose with it, and its state
    (the least advanced of its alerts')."""
    out = []
    for incident, rows in found.groupby("incident", sort=False):
        members = list(rows.itertuples(index=False))
        lead = next((a for a in members if a.id == incident), members[0])
        # An incident is as far along as its least advanced alert (store.alerts.STATES order).
        state = min((a.state for a in members),
                    key=lambda s: alerts.STATES.index(s) if s in alerts.STATES else 0)
        out.append((lead._replace(state=state), [a for a in members if a is not lead], state))
    return out


def build_alerts(section: Section, view: View, read: Reader = direct) -> Section:
    """The Alerts page: open and new alerts, each spike with its first posts, source health."""
    _, lang = translator(view.lang), view.lang
    found = read(alerts.list_alerts, view.db, view.filters,
                 tuple(sorted(alerts.alert_states(view.db).items())))
    sources_health = read(alerts.source_health, view.db)
    unhealthy = sources_health[sources_health["status"] != "ok"]
    incidents = incidents_of(found)
    section.tiles += [
        Tile(_("Open alerts"), fmt.count(alerts.open_incidents(found), lang)),
        Tile(_("New"), fmt.count(sum(state == "new" for _lead, _others, state in incidents),
                                 lang)),
        Tile(_("Unhealthy sources"), fmt.count(len(unhealthy), lang)),
    ]
    columns = [_("Brand"), _("Source"), _("When"), _("What"), _("Mentions"), _("New words"),
               _("State")]
    link = _("Link")
    rows, posts = [], []
    for alert, others, _state in incidents[:40]:
        why = alert.explanation or {}
        start = pd.Timestamp(alert.started_at).date()
        end = pd.Timestamp(alert.ended_at).date()
        words = ", ".join(str(t.get("shown") or t["term"]) for t in (why.get("terms") or [])[:6])
        rows.append(dict(zip(columns, (
            alert.brand, alert.source or _("all"), fmt.span(start, end, lang),
            "; ".join(alert_change(a, lang) for a in (alert, *others)),
            fmt.count(why.get("mentions"), lang), words,
            name(STATE_NAMES, alert.state, lang)), strict=True)))
        for post in (why.get("first_posts") or [])[:3]:
            posts.append({_("Alert"): f"{alert.brand} · {fmt.span(start, end, lang)}",
                          _("Source"): post.get("source") or "",
                          _("Author"): post.get("author") or "",
                          _("Title"): post.get("title") or "", link: post.get("url") or ""})
    section.tables.append(Table(_("Spikes and bad buzz"), pd.DataFrame(rows, columns=columns),
                                widths=(1.3, 1, 1.7, 4, 1.1, 2.5, 1)))
    if posts:
        section.tables.append(Table(_("First posts of each spike"), pd.DataFrame(posts),
                                    link=link, widths=(2, 1, 1.5, 4, 3)))
    section.tables.append(_health_table(sources_health, lang))
    return section


def build_community(section: Section, view: View, read: Reader = direct) -> Section:
    """The Community page: authors, newcomers, segments, who waits for an answer, top posters."""
    _, lang = translator(view.lang), view.lang
    segments = read(community.segments, view.db, view.filters)
    if segments.empty:
        section.notes.append(_("No named author posted about the brands shown in this period."))
        return section
    arrivals = read(community.newcomers, view.db, view.filters, view.grain)
    waiting = read(community.needs_answer, view.db, view.filters, view.own)
    people = int(segments["authors"].sum())
    once = int(segments["one_time"].sum())
    waiting_total = int(waiting["total"].iloc[0]) if len(waiting) else 0
    section.tiles += [
        Tile(_("Authors"), fmt.count(people, lang)),
        Tile(_("Posted once"), fmt.percent(once / people if people else None, lang=lang)),
        Tile(_("Newcomers"), fmt.count(int(arrivals["newcomers"].sum()), lang)),
        Tile(_("Waiting · {brand}").format(brand=view.own) if view.own
             else _("Waiting for an answer"),
             fmt.count(waiting_total, lang) if view.own else "—"),
    ]
    section.figures += [
        ("newcomers", community_charts.newcomers_chart(arrivals, view.grain, lang=lang)),
        ("segments", community_charts.segments_chart(segments, _("Who posts, per source"),
                                                     lang=lang)),
    ]
    section.notes.append(_("Regulars: five posts or more, on at least two days. Came back: "
                           "posted on two days or more. Posted once: every post on a single "
                           "day."))
    link = _("Link")
    if view.own is not None and not waiting.empty:
        section.tables.append(Table(
            _("Waiting for an answer · {brand}").format(brand=view.own), pd.DataFrame({
                _("Posted"): [fmt.moment(t.to_pydatetime(), lang)
                              for t in waiting["published_at"]],
                _("Why"): [name(REASONS, r, lang) if isinstance(r, str) else ""
                           for r in waiting["reason"]],
                _("Author"): waiting["author"].fillna(""), _("Source"): waiting["source"],
                _("Title / text"): [(t if isinstance(t, str) and t else (x or ""))[:200]
                                    for t, x in zip(waiting["title"], waiting["text"],
                                                    strict=True)],
                link: waiting["url"]}), link=link, widths=(2, 1.2, 1.6, 1, 5, 3.2),
            note=_("The {shown} newest of {total}.").format(
                shown=fmt.count(len(waiting), lang), total=fmt.count(waiting_total, lang))
            if waiting_total > len(waiting) else None))
    top = read(community.authors, view.db, view.filters, 50)
    section.tables.append(Table(_("Top posters"), pd.DataFrame({
        _("Author"): top["author"], _("Source"): top["source"],
        _("Posts"): [fmt.count(v, lang) for v in top["posts"]],
        _("Days active"): [fmt.count(v, lang) for v in top["days"]],
        _("Replies"): [fmt.count(v, lang) for v in top["replies"]],
        _("Kind"): [name(SEGMENTS, s, lang) for s in top["segment"]],
        _("Brands"): [_joined(v) for v in top["brands"]]}), widths=(2, 1, 1, 1, 1, 1.2, 4)))
    return section


# The run log's columns (store.health.RUN_COLUMNS) and run states, as a reader names them.
RUN_COLUMNS = {"source": _("Source"), "started_at": _("Started"), "finished_at": _("Finished"),
               "status": _("Status"), "items_seen": _("Items seen"), "items_new": _("New items"),
               "error": _("Error")}
RUN_STATES = {"ok": _("ok"), "running": _("running"), "failed": _("failed"),
              "error": _("error")}


def _run_cell(column: str, value: object, lang: str) -> str:
    """One cell of the run log, written in ``lang``."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if column in ("started_at", "finished_at"):
        return fmt.moment(pd.Timestamp(value).to_pydatetime(), lang)
    if column in ("items_seen", "items_new"):
        return fmt.count(int(value), lang)
    if column == "status":
        return name(RUN_STATES, value, lang)
    return str(value)


def build_sources(section: Section, view: View, read: Reader = direct) -> Section:
    """The Sources page's health table: each source's state, last success and latest runs."""
    _, lang = translator(view.lang), view.lang
    status = read(alerts.source_health, view.db)
    section.tables.append(_health_table(status, lang))
    runs = read(health.run_history, view.db)
    if lang == "en":
        runs = runs.astype(str)
    else:
        runs = pd.DataFrame({
            _(RUN_COLUMNS.get(c, c)): [_run_cell(c, v, lang) for v in runs[c]]
            for c in runs.columns})
    section.tables.append(Table(_("Latest runs"), runs))
    brands = read(queries.brands, view.db)
    section.tables.append(Table(_("Brands"), pd.DataFrame({
        _("Brand"): brands["name"], _("Query"): brands["query"],
        _("Ours"): [_("yes") if o else "" for o in brands["own"]]}), widths=(1, 5, 0.6)))
    return section
