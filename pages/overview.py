"""Overview: the headline numbers and who holds the conversation over the chosen period."""

import streamlit as st

from i18n.catalog import translator
from store import alerts, queries
from ui import drilldown
from ui.state import current, read
from views import format as fmt
from views import registry

# Chart options for a screen that is looked at, not clicked: no toolbar, no logo.
CHART_CONFIG = {"displayModeBar": False, "displaylogo": False}

view = current()
lang = view.lang
_ = translator(lang)
now = read(queries.tiles, view.db, view.filters)
before = read(queries.tiles, view.db, view.previous) if view.previous else None
compared = (_("vs previous {days}").format(days=fmt.days(view.filters.days, lang=lang))
            if view.previous else None)
# No delta when the previous period holds no data: "+1,234 (new)" would only be noise.
before = before if before is not None and before.mentions else None

mentions_tile, share_tile, sentiment_tile, alerts_tile = st.columns(4)
with mentions_tile:
    st.metric(
        _("Mentions"), fmt.count(now.mentions, lang=lang),
        delta=fmt.count_change(now.mentions, before.mentions, lang=lang) if before else None,
        delta_description=compared if before else None, border=True,
        help=_("Brand mentions in the period, across the brands, sources and languages shown. "
               "An item naming two brands counts once for each."))

own_shown = view.own is not None and (not view.filters.brands or view.own in view.filters.brands)
with share_tile:
    if view.own is None:
        share_help = _("Mark your brand with `own = true` in watch.toml to see its share.")
    elif not own_shown:
        share_help = _("{brand} is not among the brands selected in the filters.").format(
            brand=view.own)
    else:
        share_help = _("{brand}'s part of all the mentions of the brands shown.").format(
            brand=view.own)
    show_share = own_shown and now.own_share is not None
    st.metric(
        f"{_('Share of voice')} · {view.own}" if view.own else _("Share of voice"),
        fmt.percent(now.own_share, lang=lang) if show_share else "—",
        delta=(fmt.points_change(now.own_share, before.own_share, lang=lang)
               if show_share and before and before.own_share is not None else None),
        delta_description=compared if show_share and before else None, border=True,
        help=share_help)

with sentiment_tile:
    st.metric(
        _("Net sentiment"), fmt.signed_percent(now.net_sentiment, lang=lang),
        delta=(fmt.points_change(now.net_sentiment, before.net_sentiment, lang=lang)
               if before and now.net_sentiment is not None and before.net_sentiment is not None
               else None),
        delta_description=compared if before else None, border=True,
        help=_("(positive − negative) ÷ all mentions shown: {positive} positive, "
               "{negative} negative.").format(positive=fmt.count(now.positive, lang=lang),
                                              negative=fmt.count(now.negative, lang=lang)))

with alerts_tile:
    # States change from the Alerts page, so they are part of the cache key.
    states = tuple(sorted(alerts.alert_states(view.db).items()))
    open_alerts = read(alerts.alert_count, view.db, view.filters, states)
    st.metric(_("Open alerts"), fmt.count(open_alerts, lang=lang), border=True,
              help=_("Spikes in volume or in negative share, per brand and source, not yet "
                     "marked handled. Details on the Alerts page."))
    st.page_link("pages/alerts.py", label=_("See the alerts"), icon=":material/arrow_forward:")

if now.mentions == 0:
    st.info(_("No mention matches these filters in this period. Widen the period or clear "
              "some filters in the sidebar."), icon=":material/filter_alt_off:")
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
    per = {"day": _("Share of voice: each brand's part of the mentions of all the brands "
                     "shown, per day."),
           "week": _("Share of voice: each brand's part of the mentions of all the brands "
                     "shown, per week. Weeks start on Monday, so the first and last may be "
                     "partial."),
           "month": _("Share of voice: each brand's part of the mentions of all the brands "
                      "shown, per month. The first and last months may be partial.")}
    st.caption(per.get(view.grain, per["week"]) + " "
               + _("Hover a chart for the number of mentions; click a bar or point to open the "
                   "mentions behind it."))
