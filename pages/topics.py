"""Topics: what each brand is talked about for — word clouds, key terms, themes, rising terms."""

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from charts.colors import color_of
from charts.terms import topic_share_chart
from charts.wordcloud import wordcloud_chart
from i18n.catalog import translator
from store import terms
from ui import drilldown
from ui.filters import tone_ignored
from ui.state import current, read
from views import format as fmt

CHART_CONFIG = {"displayModeBar": False, "displaylogo": False}
CLOUD_WORDS = 60



@st.cache_data(max_entries=64, show_spinner=False)
def _cloud_dict(terms, color: str, brand: str) -> dict:
    # Drawing a cloud costs ~0.25 s; the same words and colour always give the same image.
    return wordcloud_chart(terms, color, title=brand, brand=brand).to_dict()


def _cloud(terms, color: str, brand: str) -> go.Figure:
    """The brand's cloud, the same figure on every run: a chart that changes between runs is
    a new element to Streamlit, which drops the click it got (a cached figure comes back from
    its copy without the properties set to None, a fresh one has them)."""
    return go.Figure(_cloud_dict(terms, color, brand))

view = current()
lang = view.lang
_ = translator(lang)
known = drilldown.known(view)
st.header(_("Topics"), anchor=False)
if not read(terms.has_terms, view.db):
    st.info(_("Key terms are computed after each collection and none are stored yet. Run "
              "`python -m collectors run` once more to compute them."), icon=":material/cloud:")
    st.stop()

words = read(terms.key_terms, view.db, view.filters, CLOUD_WORDS)
brands = [b for b in view.colors if not view.filters.brands or b in view.filters.brands]
brands = [b for b in brands if b in set(words["brand"])] or brands
ignored = " " + _("Source and kind filters do not narrow terms.") if (
    view.filters.kinds or view.filters.sources) else ""
if view.filters.sentiments:
    ignored += " " + tone_ignored(view.filters, _("terms"), lang=lang)

st.subheader(_("Word clouds"), anchor=False)
st.caption(_("The words each brand's mentions use more than the other brands' do, sized by "
             "the number of mentions holding them. Stopwords (French and English), brand "
             "names, links, handles and numbers are left out. Click a word to list the brand's "
             "mentions holding it.") + ignored)
if words.empty:
    st.info(_("No key term in this period. Widen the period or clear some filters."),
            icon=":material/filter_alt_off:")
else:
    columns = st.columns(min(3, len(brands)))
    for index, brand in enumerate(brands):
        cloud = words[(words["brand"] == brand) & ~words["phrase"]]
        with columns[index % len(columns)]:
            drilldown.chart(_cloud(cloud[["term", "n"]], color_of(brand, view.colors), brand),
                            view.filters, known, key=f"topics_cloud_{brand}",
                            config=CHART_CONFIG)

    st.subheader(_("Key terms and phrases"), anchor=False)
    rows = []
    for brand in brands:
        mine = words[words["brand"] == brand]
        rows.append({_("Brand"): brand,
                     _("Key terms"): ", ".join(mine[~mine["phrase"]]["term"].head(10)),
                     _("Key phrases"): ", ".join(mine[mine["phrase"]]["term"].head(6))})
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch", key="topics_key_terms")
    with st.expander(_("Every key term with its numbers")):
        st.dataframe(words[["brand", "term", "phrase", "n", "score"]], hide_index=True,
                     width="stretch",
                     column_config={
                         "brand": st.column_config.TextColumn(_("Brand")),
                         "term": st.column_config.TextColumn(_("Term")),
                         "phrase": st.column_config.CheckboxColumn(_("Phrase")),
                         "n": st.column_config.NumberColumn(_("Mentions")),
                         "score": st.column_config.NumberColumn(
                             _("Distinctiveness"), format="%.1f",
                             help=_("How much more this brand uses the term than the other "
                                    "brands (log-odds z-score)."))})

st.subheader(_("Themes"), anchor=False)
found = read(terms.topics, view.db)
shares = read(terms.topic_shares, view.db, view.filters)
if found.empty or shares.empty:
    st.info(_("No theme stands out yet: themes need a few hundred mentions in the last 90 "
              "days."), icon=":material/category:")
else:
    # A theme is no label on the mentions, only words used together: a click lists the
    # brand's mentions holding the theme's first word, its strongest.
    first_words = {label: str(top[0]) for label, top in zip(found["label"], found["top_terms"],
                                                       strict=True) if len(top)}
    drilldown.chart(topic_share_chart(shares, view.colors, terms=first_words,
                                      title=_("Share of each brand's conversation per "
                                              "theme")),
                    view.filters, known, key="topics_shares", config={"displayModeBar": False})
    st.dataframe(pd.DataFrame({_("Theme"): found["label"],
                               _("Its words"): [", ".join(t[:12]) for t in found["top_terms"]]}),
                 hide_index=True, width="stretch", key="topics_list")
    # The themes are fitted once for the watch, not per view: say so, or "90 days" reads as a
    # contradiction of the period chosen.
    st.caption(_("Themes group words that are used together. They are found once for the "
                 "whole watch, in a sample of its latest 90 days; the bars share out the "
                 "mentions of the period shown. A brand's shares add up to 100 %. Click a bar "
                 "to list the brand's mentions holding the theme's first word."))

st.subheader(_("Emerging terms"), anchor=False)
rising = read(terms.emerging_terms, view.db, view.filters)
end = view.filters.end or view.info.last_day
st.caption(_("Words used at least twice as often in the 7 days up to {day} as in the 28 days "
             "before, relative to each brand's volume.").format(day=fmt.day(end, lang=lang)))
if rising.empty:
    st.info(_("Nothing rises sharply in the last 7 days of the period."),
            icon=":material/trending_flat:")
else:
    st.dataframe(
        rising.assign(lift=rising["lift"].round(1), expected=rising["expected"].round(1))
        .rename(columns={"brand": _("Brand"), "term": _("Term"), "recent": _("Last 7 days"),
                         "expected": _("Expected"), "lift": _("× usual")})
        [[_("Brand"), _("Term"), _("Last 7 days"), _("Expected"), _("× usual")]],
        hide_index=True, width="stretch", key="topics_emerging")
