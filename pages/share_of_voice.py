"""Share of voice: who holds the conversation over time, where, in which language and tone."""

import streamlit as st

from i18n.catalog import translator
from store import stories
from ui import choices, drilldown
from ui.state import current, read
from views import registry
from views.labels import UNITS

CHART_CONFIG = {"displayModeBar": False, "displaylogo": False}

view = current()
_ = translator(view.lang)
unit = choices.segmented(
    _("Count"), "count", list(UNITS), "mentions", format_func=lambda u: _(UNITS[u]),
    key="sov_unit",
    help=_("Mentions: every item naming a brand counts. Stories: a text published many times "
           "(a press release taken up by 30 sites, a copied post) counts once."))

# The same section the PDF prints (in the unit chosen here); the page adds clicks and layout.
section = registry.get("share_of_voice").build(view, read, unit=unit)

if section.figure("share_over_time") is None:
    st.info(_("No mention matches these filters in this period. Widen the period or clear "
              "some filters in the sidebar."), icon=":material/filter_alt_off:")
    st.stop()

for column, tile in zip(st.columns(len(section.tiles)), section.tiles, strict=True):
    column.metric(tile.label, tile.value, delta=tile.delta, border=True, help=tile.help)

known = drilldown.known(view)


def drawn(name: str, key: str, grain: str | None = None) -> None:
    """Draw the section's chart ``name``; a click on it opens the mentions behind the point."""
    drilldown.chart(section.figure(name), view.filters, known, key=key, grain=grain,
                    config=CHART_CONFIG)


trend, volume = st.columns(2, gap="medium")
with trend:
    drawn("share_over_time", "sov_share", view.grain)
with volume:
    drawn("volume_over_time", "sov_volume", view.grain)

drawn("rank", "sov_rank", view.grain)
st.caption(_("Click the share chart to list a period's mentions, or a point of a line to "
             "list one brand's mentions in that period."))

kinds, langs = st.columns(2, gap="medium")
with kinds:
    drawn("by_kind", "sov_kind")
with langs:
    drawn("by_language", "sov_lang")
drawn("by_tone", "sov_tone")
st.caption((_("Each bar splits the stories of one source kind, language or tone between the "
               "brands shown.") if unit == "stories" else
             _("Each bar splits the mentions of one source kind, language or tone between the "
               "brands shown.")) + " "
           + _("Positive share: who gets the praise; negative share: who takes the blame. An "
               "item naming two brands counts once for each. Click a part of a bar for its "
               "mentions."))

if unit == "stories":
    top = read(stories.top_stories, view.db, view.filters, 10)
    st.subheader(_("Most copied stories"), anchor=False)
    if top.empty:
        st.caption(_("No text was published more than once in this period."))
    else:
        st.dataframe(
            top[["copies", "title", "brands", "first_seen", "last_seen", "url"]],
            hide_index=True, width="stretch",
            column_config={
                "copies": st.column_config.NumberColumn(_("Copies"), format="%d"),
                "title": st.column_config.TextColumn(_("Story"), width="large"),
                "brands": st.column_config.ListColumn(_("Brands")),
                "first_seen": st.column_config.DatetimeColumn(_("First seen"),
                                                              format="D MMM YYYY HH:mm"),
                "last_seen": st.column_config.DatetimeColumn(_("Last seen"),
                                                             format="D MMM YYYY HH:mm"),
                "url": st.column_config.LinkColumn(_("First copy"), display_text=_("open")),
            })
