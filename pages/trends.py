"""Trends: each brand's volume and tone over time, with spikes and competitor page changes."""

from dataclasses import replace

import streamlit as st

from store import alerts, snapshots, trends
from ui import drilldown
from ui.state import current, read
from views import format as fmt
from views import registry
from views.labels import GRAIN_NAMES, MEASURE_NAMES
from views.sections import trends_grains

CHART_CONFIG = {"displayModeBar": False, "displaylogo": False}

view = current()
grains, default_grain = trends_grains(view)
step_column, measure_column = st.columns(2)
with step_column:
    grain = st.segmented_control(
        "Time step", grains, default=default_grain, format_func=GRAIN_NAMES.get,
        key="trends_grain",
        help=f"Hours are offered for periods of up to {trends.MAX_HOUR_DAYS} days.",
    ) or default_grain
with measure_column:
    measure = st.segmented_control(
        "Show", list(MEASURE_NAMES), default="mentions", format_func=MEASURE_NAMES.get,
        key="trends_measure",
        help="Net sentiment: (positive − negative) ÷ mentions. Negative share: negative ÷ "
             "mentions.",
    ) or "mentions"
if grain not in grains:  # the period was widened after hours were chosen
    grain = default_grain

# The same section the PDF prints (at the step and measure chosen here); the page adds clicks.
section = registry.get("trends").build(view, read, grain=grain, measure=measure)
if section.figure("timeline") is None:
    st.info("No mention matches these filters in this period. Widen the period or clear some "
            "filters in the sidebar.", icon=":material/filter_alt_off:")
    st.stop()

spikes = read(alerts.list_alerts, view.db, view.filters)
# A competitor's page is a page whatever kinds or languages the mentions are filtered on.
changes = read(snapshots.page_changes, view.db, replace(view.filters, kinds=(), langs=()))
known = drilldown.known(view)
drilldown.chart(section.figure("timeline"), view.filters, known, key="trends_timeline",
                grain=grain, config=CHART_CONFIG)
notes = []
if not spikes.empty:
    notes.append(f"Shaded bands: the {fmt.count(len(spikes))} spike(s) found in this period "
                 "(details on the Alerts page)")
if not changes.empty:
    notes.append(f"diamonds: {fmt.count(len(changes))} change(s) on watched competitor pages")
notes.append("hover the chart for each brand's number, click a point, a spike or a "
             "diamond for the mentions behind it")
caption = "; ".join(notes)
st.caption(caption[0].upper() + caption[1:] + ".")

st.subheader("This period compared with the previous one", anchor=False)
if view.previous is None:
    st.caption("All dates are shown: choose a period in the sidebar to compare it with the "
               "one just before.")
else:
    compared = read(trends.compare_periods, view.db, view.filters, view.previous)
    drilldown.chart(section.figure("comparison"), view.filters, known, key="trends_compare",
                    config=CHART_CONFIG)
    st.dataframe(
        compared, hide_index=True, width="stretch",
        column_order=["brand", "mentions", "mentions_before", "change", "net_sentiment",
                      "net_sentiment_before", "negative_share", "negative_share_before"],
        column_config={
            "brand": st.column_config.TextColumn("Brand"),
            "mentions": st.column_config.NumberColumn("Mentions", format="localized"),
            "mentions_before": st.column_config.NumberColumn("Before", format="localized"),
            "change": st.column_config.NumberColumn("Change", format="percent"),
            "net_sentiment": st.column_config.NumberColumn("Net sentiment", format="percent"),
            "net_sentiment_before": st.column_config.NumberColumn("Before", format="percent"),
            "negative_share": st.column_config.NumberColumn("Negative", format="percent"),
            "negative_share_before": st.column_config.NumberColumn("Before",
                                                                   format="percent"),
        })
