"""Trends: each brand's volume and tone over time, with spikes and competitor page changes."""

from dataclasses import replace

import streamlit as st

from i18n.catalog import translator
from store import alerts, snapshots, trends
from ui import choices, drilldown
from ui.state import current, read
from views import registry
from views.labels import GRAIN_NAMES, MEASURE_NAMES
from views.sections import trends_grains, trends_notes

CHART_CONFIG = {"displayModeBar": False, "displaylogo": False}

view = current()
lang = view.lang
_ = translator(lang)
grains, default_grain = trends_grains(view)
step_column, measure_column = st.columns(2)
with step_column:
    grain = choices.segmented(
        _("Time step"), "step", grains, default_grain,
        format_func=lambda g: _(GRAIN_NAMES[g]), key="trends_grain",
        help=_("Hours are offered for periods of up to {days} days.").format(
            days=trends.MAX_HOUR_DAYS))
with measure_column:
    measure = choices.segmented(
        _("Show"), "measure", list(MEASURE_NAMES), "mentions",
        format_func=lambda m: _(MEASURE_NAMES[m]), key="trends_measure",
        help=_("Net sentiment: (positive − negative) ÷ mentions. Negative share: negative ÷ "
               "mentions."))
if grain not in grains:  # the period was widened after hours were chosen
    grain = default_grain

# The same section the PDF prints (at the step and measure chosen here); the page adds clicks.
section = registry.get("trends").build(view, read, grain=grain, measure=measure)
if section.figure("timeline") is None:
    st.info(_("No mention matches these filters in this period. Widen the period or clear "
              "some filters in the sidebar."), icon=":material/filter_alt_off:")
    st.stop()

spikes = read(alerts.list_alerts, view.db, view.filters)
# A competitor's page is a page whatever kinds or languages the mentions are filtered on.
changes = read(snapshots.page_changes, view.db, replace(view.filters, kinds=(), langs=()))
known = drilldown.known(view)
drilldown.chart(section.figure("timeline"), view.filters, known, key="trends_timeline",
                grain=grain, config=CHART_CONFIG)
# The marks' caption is the builder's, so the page and the PDF say it in the same words.
notes = [n for n in (trends_notes(len(spikes), len(changes), lang),) if n]
notes.append(_("Hover the chart for each brand's number, click a point, a spike or a diamond "
               "for the mentions behind it."))
st.caption(" ".join(notes))

st.subheader(_("This period compared with the previous one"), anchor=False)
if view.previous is None:
    st.caption(_("All dates are shown: choose a period in the sidebar to compare it with the "
                 "one just before."))
else:
    drilldown.chart(section.figure("comparison"), view.filters, known, key="trends_compare",
                    config=CHART_CONFIG)
    # The builder's table, in the formats the PDF prints ("56.1 %", "56,1 %" in French).
    compared = next(t for t in section.tables if t.frame.columns[0] == _("Brand"))
    st.dataframe(compared.frame, hide_index=True, width="stretch")
