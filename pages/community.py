"""Community: who talks (regulars, returning, one-time), who is new, and who waits for an answer."""

import streamlit as st

from store import community
from ui import drilldown
from ui.filters import tone_ignored
from ui.state import current, read
from views import format as fmt
from views import registry
from views.labels import REASONS

CHART_CONFIG = {"displayModeBar": False, "displaylogo": False}

view = current()
if view.filters.sentiments:
    st.caption(tone_ignored(view.filters, "authors: they are counted over every mention"))
segments = read(community.segments, view.db, view.filters)
if segments.empty:
    st.info("No named author posted about the brands shown in this period. Widen the period or "
            "clear some filters in the sidebar.", icon=":material/filter_alt_off:")
    st.stop()

arrivals = read(community.newcomers, view.db, view.filters, view.grain)
waiting = read(community.needs_answer, view.db, view.filters, view.own)
people = int(segments["authors"].sum())
once = int(segments["one_time"].sum())
new = int(arrivals["newcomers"].sum())
waiting_total = int(waiting["total"].iloc[0]) if len(waiting) else 0

authors_tile, once_tile, new_tile, waiting_tile = st.columns(4)
authors_tile.metric("Authors", fmt.count(people), border=True,
                    help="People who posted about the brands shown, counted once per source.")
once_tile.metric("Posted once", fmt.percent(once / people if people else None), border=True,
                 help="Share of those authors whose posts all fall on a single day.")
new_tile.metric("Newcomers", fmt.count(new), border=True,
                help="Authors whose first post ever on their source falls in this period.")
if view.own is None:
    waiting_tile.metric("Waiting for an answer", "—", border=True,
                        help="Mark your brand with `own = true` in watch.toml.")
else:
    waiting_tile.metric(f"Waiting for an answer · {view.own}", fmt.count(waiting_total),
                        border=True,
                        help=f"Questions and complaints about {view.own} that opened a "
                             "conversation and got no reply yet.")

# The same section the PDF prints; the page adds the clicks and the layout.
section = registry.get("community").build(view, read)
known = drilldown.known(view)
left, right = st.columns(2, gap="medium")
with left:
    drilldown.chart(section.figure("newcomers"), view.filters, known,
                    key="community_newcomers", grain=view.grain, config=CHART_CONFIG)
with right:
    drilldown.chart(section.figure("segments"), view.filters, known,
                    key="community_segments", config=CHART_CONFIG)
st.caption("Regulars: five posts or more, on at least two days. Came back: posted on two days "
           "or more. Posted once: every post on a single day. Click a bar for the mentions of "
           "its period or source.")

st.subheader(f"Waiting for an answer · {view.own}" if view.own else "Waiting for an answer",
             anchor=False)
if view.own is None:
    st.caption("Mark your brand with `own = true` in watch.toml to list the questions and "
               "complaints about it that nobody answered.")
elif view.filters.brands and view.own not in view.filters.brands:
    st.caption(f"{view.own} is not among the brands selected in the filters.")
elif waiting.empty:
    st.caption(f"Every question and complaint about {view.own} in this period has an answer.")
else:
    shown = waiting.assign(reason=waiting["reason"].map(REASONS))
    if waiting_total > len(waiting):
        st.caption(f"The {len(waiting):,} newest of {waiting_total:,}.")
    st.dataframe(
        shown[["published_at", "reason", "author", "source", "title", "text", "url"]],
        hide_index=True, width="stretch", key="community_waiting",
        column_config={
            "published_at": st.column_config.DatetimeColumn("Posted", format="D MMM HH:mm"),
            "reason": st.column_config.TextColumn("Why"),
            "author": st.column_config.TextColumn("Author"),
            "source": st.column_config.TextColumn("Source"),
            "title": st.column_config.TextColumn("Title"),
            "text": st.column_config.TextColumn("Text", width="large"),
            "url": st.column_config.LinkColumn("Original", display_text="open"),
        })

st.subheader("Top posters", anchor=False)
top = read(community.authors, view.db, view.filters, 50)
st.dataframe(
    top[["author", "source", "posts", "days", "replies", "segment", "brands", "first_seen",
         "last_post"]],
    hide_index=True, width="stretch", key="community_authors",
    column_config={
        "author": st.column_config.TextColumn("Author"),
        "source": st.column_config.TextColumn("Source"),
        "posts": st.column_config.NumberColumn("Posts", format="%d"),
        "days": st.column_config.NumberColumn("Days active", format="%d"),
        "replies": st.column_config.NumberColumn("Replies", format="%d",
                                                 help="Posts that answer someone"),
        "segment": st.column_config.TextColumn("Kind"),
        "brands": st.column_config.ListColumn("Brands"),
        "first_seen": st.column_config.DatetimeColumn("First post ever", format="D MMM YYYY"),
        "last_post": st.column_config.DatetimeColumn("Last post", format="D MMM YYYY"),
    })
