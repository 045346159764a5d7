"""Presence: each brand's own accounts per channel, the gaps, and how fast each brand answers."""

import streamlit as st

from i18n.catalog import translator
from ui.state import current, read
from views import registry

CHART_CONFIG = {"displayModeBar": False, "displaylogo": False}

view = current()
lang = view.lang
_ = translator(lang)
section = registry.get("presence").build(view, read)
if not section.tiles:
    # No brand posted from its own account: say how to set accounts up.
    st.info("\n\n".join(section.notes), icon=":material/hub:")
else:
    for column, tile in zip(st.columns(len(section.tiles)), section.tiles, strict=True):
        column.metric(tile.label, tile.value, border=True, help=tile.note)
    if section.notes:
        st.subheader(_("Gaps"), anchor=False)
        for gap in section.notes:
            # Brand and channel names come from watch.toml and the data: shown as plain text.
            st.text(gap)
    left, right = st.columns(2, gap="medium")
    with left:
        st.plotly_chart(section.figure("presence"), config=CHART_CONFIG, key="presence_grid")
    with right:
        st.plotly_chart(section.figure("answered"), config=CHART_CONFIG,
                        key="presence_answered")

for table in section.tables:
    st.subheader(table.title, anchor=False)
    st.dataframe(table.frame, hide_index=True, width="stretch")
    if table.note:
        st.caption(table.note)
