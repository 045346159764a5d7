"""Community: who talks (regulars, returning, one-time), who is new, and who waits for an answer."""

import streamlit as st

from i18n.catalog import translator
from store import community
from ui import drilldown
from ui.filters import tone_ignored
from ui.state import current, read
from views import format as fmt
from views import registry
from views.labels import REASONS

CHART_CONFIG = {"displayModeBar": False, "displaylogo": False}

view = current()
lang = view.lang
_ = translator(lang)
if view.filters.sentiments:
    st.caption(tone_ignored(view.filters, _("authors: they are counted over every mention"),
                            lang=lang))
segments = read(community.segments, view.db, view.filters)
if segments.empty:
    st.info(_("No named author posted about the brands shown in this period. Widen the period "
              "or clear some filters in the sidebar."), icon=":material/filter_alt_off:")
    st.stop()

arrivals = read(community.newcomers, view.db, view.filters, view.grain)
waiting = read(community.needs_answer, view.db, view.filters, view.own)
people = int(segments["authors"].sum())
once = int(segments["one_time"].sum())
new = int(arrivals["newcomers"].sum())
waiting_total = int(waiting["total"].iloc[0]) if len(waiting) else 0

authors_tile, once_tile, new_tile, waiting_tile = st.columns(4)
WAITING = _("Waiting for an answer")
authors_tile.metric(_("Authors"), fmt.count(people, lang=lang), border=True,
                    help=_("People who posted about the brands shown, counted once per "
                           "source."))
once_tile.metric(_("Posted once"), fmt.percent(once / people if people else None, lang=lang),
                 border=True,
                 help=_("Share of those authors whose posts all fall on a single day."))
new_tile.metric(_("Newcomers"), fmt.count(new, lang=lang), border=True,
                help=_("Authors whose first post ever on their source falls in this period."))
if view.own is None:
    waiting_tile.metric(WAITING, "—", border=True,
                        help=_("Mark your brand with `own = true` in watch.toml."))
else:
    waiting_tile.metric(f"{WAITING} · {view.own}", fmt.count(waiting_total, lang=lang),
                        border=True,
                        help=_("Questions and complaints about {brand} that opened a "
                               "conversation and got no reply yet.").format(brand=view.own))

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
st.caption(_("Regulars: five posts or more, on at least two days. Came back: posted on two "
             "days or more. Posted once: every post on a single day. Click a bar for the "
             "mentions of its period or source."))

st.subheader(f"{WAITING} · {view.own}" if view.own else WAITING, anchor=False)
if view.own is None:
    st.caption(_("Mark your brand with `own = true` in watch.toml to list the questions and "
                 "complaints about it that nobody answered."))
elif view.filters.brands and view.own not in view.filters.brands:
    st.caption(_("{brand} is not among the brands selected in the filters.").format(
        brand=view.own))
elif waiting.empty:
    st.caption(_("Every question and complaint about {brand} in this period has an "
                 "answer.").format(brand=view.own))
else:
    shown = waiting.assign(reason=[_(REASONS.get(r, r)) for r in waiting["reason"]])
    if waiting_total > len(waiting):
        st.caption(_("The {shown} newest of {count}.").format(
            shown=fmt.count(len(waiting), lang=lang), count=fmt.count(waiting_total, lang=lang)))
    st.dataframe(
        shown[["published_at", "reason", "author", "source", "title", "text", "url"]],
        hide_index=True, width="stretch", key="community_waiting",
        column_config={
            "published_at": st.column_config.DatetimeColumn(_("Posted"), format="D MMM HH:mm"),
            "reason": st.column_config.TextColumn(_("Why")),
            "author": st.column_config.TextColumn(_("Author")),
            "source": st.column_config.TextColumn(_("Source")),
            "title": st.column_config.TextColumn(_("Title")),
            "text": st.column_config.TextColumn(_("Text"), width="large"),
            "url": st.column_config.LinkColumn(_("Original"), display_text=_("open")),
        })

st.subheader(_("Top posters"), anchor=False)
top = read(community.authors, view.db, view.filters, 50)
# The segments are stored as words of ours: regular, returning, one-time.
top = top.assign(segment=[_(str(s)) for s in top["segment"]])
st.dataframe(
    top[["author", "source", "posts", "days", "replies", "segment", "brands", "first_seen",
         "last_post"]],
    hide_index=True, width="stretch", key="community_authors",
    column_config={
        "author": st.column_config.TextColumn(_("Author")),
        "source": st.column_config.TextColumn(_("Source")),
        "posts": st.column_config.NumberColumn(_("Posts"), format="%d"),
        "days": st.column_config.NumberColumn(_("Days active"), format="%d"),
        "replies": st.column_config.NumberColumn(_("Replies"), format="%d",
                                                 help=_("Posts that answer someone")),
        "segment": st.column_config.TextColumn(_("Kind")),
        "brands": st.column_config.ListColumn(_("Brands")),
        "first_seen": st.column_config.DatetimeColumn(_("First post ever"),
                                                      format="D MMM YYYY"),
        "last_post": st.column_config.DatetimeColumn(_("Last post"), format="D MMM YYYY"),
    })
