"""Share of voice: who holds the conversation over time, where, in which language and tone."""

import streamlit as st

from charts import breakdown
from store import queries, stories
from ui import drilldown
from ui.state import current, read
from views import format as fmt

CHART_CONFIG = {"displayModeBar": False, "displaylogo": False}
UNITS = {"mentions": "Mentions", "stories": "Stories"}
KIND_NAMES = {"reddit": "Reddit", "forum": "Forums", "rss": "News feeds", "web": "Web pages",
              "discourse": "Discourse", "hackernews": "Hacker News", "file": "Imports",
              "demo": "Demo"}
TONES = {"positive": "Positive", "negative": "Negative", "neutral": "Neutral"}

view = current()
unit = st.segmented_control(
    "Count", list(UNITS), format_func=UNITS.get, default="mentions", key="sov_unit",
    help="Mentions: every item naming a brand counts. Stories: a text published many times "
         "(a press release taken up by 30 sites, a copied post) counts once.")
unit = unit or "mentions"

if unit == "mentions":
    over_time = read(queries.share_of_voice, view.db, view.filters, view.grain)
else:
    over_time = read(stories.share_of_voice_stories, view.db, view.filters, view.grain)
totals = read(stories.totals, view.db, view.filters)

if over_time.empty:
    st.info("No mention matches these filters in this period. Widen the period or clear some "
            "filters in the sidebar.", icon=":material/filter_alt_off:")
    st.stop()

ranks = read(stories.ranking, view.db, view.filters, view.grain, unit)
counted = {str(b): int(n) for b, n in zip(totals["brand"], totals[unit], strict=True)}
total = sum(counted.values())
standing = sorted(counted.items(), key=lambda kv: (-kv[1], kv[0]))
own_shown = view.own is not None and view.own in counted

share_tile, rank_tile, copies_tile = st.columns(3)
with share_tile:
    st.metric(f"Share of voice · {view.own}" if view.own else "Share of voice",
              fmt.percent(counted[view.own] / total) if own_shown and total else "—",
              border=True,
              help=f"{view.own}'s part of all the {unit} of the brands shown."
              if view.own else "Mark your brand with `own = true` in watch.toml.")
with rank_tile:
    place = next((i + 1 for i, (b, _) in enumerate(standing) if b == view.own), None)
    st.metric("Rank", f"#{place} of {len(standing)}" if own_shown else "—", border=True,
              help=f"Where {view.own or 'your brand'} stands among the brands shown, by {unit} "
                   "over the whole period.")
with copies_tile:
    mentions, distinct = int(totals["mentions"].sum()), int(totals["stories"].sum())
    st.metric("Stories", fmt.count(distinct), border=True,
              help=f"{fmt.count(mentions)} mentions make {fmt.count(distinct)} distinct "
                   "stories: copies of one text (syndicated press releases, copied posts) "
                   "count once.")

known = drilldown.known(view)


def drawn(fig, key: str, grain: str | None = None) -> None:
    """Draw a chart of this page; a click on it opens the mentions behind the point."""
    drilldown.chart(fig, view.filters, known, key=key, grain=grain, config=CHART_CONFIG)


trend, volume = st.columns(2, gap="medium")
with trend:
    drawn(breakdown.share_over_time_chart(over_time, view.colors, view.grain, unit),
          "sov_share", view.grain)
with volume:
    drawn(breakdown.volume_over_time_chart(over_time, view.colors, view.grain, unit),
          "sov_volume", view.grain)

drawn(breakdown.rank_chart(ranks, view.colors, view.own, view.grain, unit), "sov_rank",
      view.grain)
st.caption("Click the share chart to list a period's mentions, or a point of a line to list "
           "one brand's mentions in that period.")

by_kind = read(stories.share_by, view.db, view.filters, "kind", unit)
by_lang = read(stories.share_by, view.db, view.filters, "lang", unit)
by_tone = read(stories.share_by, view.db, view.filters, "sentiment_label", unit)
kinds, langs = st.columns(2, gap="medium")
with kinds:
    drawn(breakdown.share_by_chart(by_kind, view.colors, "By source kind", labels=KIND_NAMES,
                                   unit=unit, dimension="kind"), "sov_kind")
with langs:
    names = {str(v): fmt.language(v) for v in by_lang["value"]}
    drawn(breakdown.share_by_chart(by_lang, view.colors, "By language", labels=names,
                                   unit=unit, dimension="lang"), "sov_lang")
drawn(breakdown.share_by_chart(by_tone, view.colors, "Positive and negative share",
                               labels=TONES, values=["positive", "negative"], unit=unit,
                               height=300, dimension="sentiment"), "sov_tone")
st.caption(f"Each bar splits the {unit} of one source kind, language or tone between the "
           "brands shown. Positive share: who gets the praise; negative share: who takes the "
           "blame. An item naming two brands counts once for each. Click a part of a bar for "
           "its mentions.")

if unit == "stories":
    top = read(stories.top_stories, view.db, view.filters, 10)
    st.subheader("Most copied stories", anchor=False)
    if top.empty:
        st.caption("No text was published more than once in this period.")
    else:
        st.dataframe(
            top[["copies", "title", "brands", "first_seen", "last_seen", "url"]],
            hide_index=True, width="stretch",
            column_config={
                "copies": st.column_config.NumberColumn("Copies", format="%d"),
                "title": st.column_config.TextColumn("Story", width="large"),
                "brands": st.column_config.ListColumn("Brands"),
                "first_seen": st.column_config.DatetimeColumn("First seen",
                                                              format="D MMM YYYY HH:mm"),
                "last_seen": st.column_config.DatetimeColumn("Last seen",
                                                             format="D MMM YYYY HH:mm"),
                "url": st.column_config.LinkColumn("First copy", display_text="open"),
            })
