"""Overview: the headline numbers and who holds the conversation over the chosen period."""

import streamlit as st

from store import alerts, queries
from ui import drilldown
from ui.state import current, read
from views import format as fmt
from views import registry

# Chart options for a screen that is looked at, not clicked: no toolbar, no logo.
CHART_CONFIG = {"displayModeBar": False, "displaylogo": False}

view = current()
now = read(queries.tiles, view.db, view.filters)
before = read(queries.tiles, view.db, view.previous) if view.previous else None
compared = f"vs previous {fmt.days(view.filters.days)}" if view.previous else None
# No delta when the previous period holds no data: "+1,234 (new)" would only be noise.
before = before if before is not None and before.mentions else None

mentions_tile, share_tile, sentiment_tile, alerts_tile = st.columns(4)
with mentions_tile:
    st.metric(
        "Mentions", fmt.count(now.mentions),
        delta=fmt.count_change(now.mentions, before.mentions) if before else None,
        delta_description=compared if before else None, border=True,
        help="Brand mentions in the period, across the brands, sources and languages shown. "
             "An item naming two brands counts once for each.")

own_shown = view.own is not None and (not view.filters.brands or view.own in view.filters.brands)
with share_tile:
    if view.own is None:
        share_help = "Mark your brand with `own = true` in watch.toml to see its share."
    elif not own_shown:
        share_help = f"{view.own} is not among the brands selected in the filters."
    else:
        share_help = f"{view.own}'s part of all the mentions of the brands shown."
    show_share = own_shown and now.own_share is not None
    st.metric(
        f"Share of voice · {view.own}" if view.own else "Share of voice",
        fmt.percent(now.own_share) if show_share else "—",
        delta=(fmt.points_change(now.own_share, before.own_share)
               if show_share and before and before.own_share is not None else None),
        delta_description=compared if show_share and before else None, border=True,
        help=share_help)

with sentiment_tile:
    st.metric(
        "Net sentiment", fmt.signed_percent(now.net_sentiment),
        delta=(fmt.points_change(now.net_sentiment, before.net_sentiment)
               if before and now.net_sentiment is not None and before.net_sentiment is not None
               else None),
        delta_description=compared if before else None, border=True,
        help=f"(positive − negative) ÷ all mentions shown: {fmt.count(now.positive)} positive, "
             f"{fmt.count(now.negative)} negative.")

with alerts_tile:
    # States change from the Alerts page, so they are part of the cache key.
    states = tuple(sorted(alerts.alert_states(view.db).items()))
    open_alerts = read(alerts.alert_count, view.db, view.filters, states)
    st.metric("Open alerts", fmt.count(open_alerts), border=True,
              help="Spikes in volume or in negative share, per brand and source, not yet "
                   "marked handled. Details on the Alerts page.")
    st.page_link("pages/alerts.py", label="See the alerts", icon=":material/arrow_forward:")

if now.mentions == 0:
    st.info("No mention matches these filters in this period. Widen the period or clear some "
            "filters in the sidebar.", icon=":material/filter_alt_off:")
else:
    # The same section the PDF prints; the page adds the clicks and the layout.
    section = registry.get("overview").build(view, read)
    trend, ranking = st.columns([2, 1], gap="medium")
    with trend:
        drilldown.chart(section.figure("share_of_voice"), view.filters, list(view.colors),
                        key="overview_share_of_voice", grain=view.grain, config=CHART_CONFIG)
    with ranking:
        drilldown.chart(section.figure("volume"), view.filters, list(view.colors),
                        key="overview_volume", config=CHART_CONFIG)
    partial = {"week": " Weeks start on Monday, so the first and last may be partial.",
               "month": " The first and last months may be partial."}.get(view.grain, "")
    st.caption(f"Share of voice: each brand's part of the mentions of all the brands shown, "
               f"per {view.grain}.{partial} Hover a chart for the number of mentions; click a "
               f"bar or point to open the mentions behind it.")
