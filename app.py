"""Veille's frame: page config, navigation, the global filter sidebar and the URL state."""

from pathlib import Path

import streamlit as st

from config import default_config_path, default_db_path
from store import StoreError
from ui import auth, export, frame, guidance, live, saved_views, state

# The views, in menu order. Adding one: a file in pages/ and one line here, with a url_path
# that is not the file's name. Streamlit's older discovery of the pages/ folder (used for a
# fresh server's first run, and by AppTest) would otherwise run that file without this frame;
# tests/app/test_overview.py checks the rule.
PAGES = [
    st.Page("pages/overview.py", title="Overview", icon=":material/dashboard:",
            url_path="home", default=True),
    st.Page("pages/share_of_voice.py", title="Share of voice", icon=":material/pie_chart:",
            url_path="voice"),
    st.Page("pages/trends.py", title="Trends", icon=":material/trending_up:",
            url_path="over-time"),
    st.Page("pages/topics.py", title="Topics", icon=":material/cloud:", url_path="themes"),
    st.Page("pages/mentions.py", title="Mentions", icon=":material/forum:", url_path="items"),
    st.Page("pages/alerts.py", title="Alerts", icon=":material/notifications_active:",
            url_path="spikes"),
    st.Page("pages/community.py", title="Community", icon=":material/groups:",
            url_path="people"),
    st.Page("pages/sources.py", title="Sources", icon=":material/settings_input_antenna:",
            url_path="health"),
]

# The tab icon is a file served by the app itself: a :material: icon would be fetched from
# Google's font CDN on every load, telling a third party when Veille is used.
ICON = Path(__file__).resolve().parent / "ui" / "radar.png"
st.set_page_config(page_title="Veille", page_icon=str(ICON), layout="wide")
auth.gate()  # with [auth] in .streamlit/secrets.toml, nothing below runs before sign-in
db = default_db_path()
live.begin(db)
view = frame.open_view(db)
if isinstance(view, frame.Problem):
    st.navigation([guidance.page(view.reason, db, default_config_path(), view.detail)],
                  position="hidden").run()
else:
    saved_views.sidebar(db)
    frame.header(view)
    page = st.navigation(PAGES, position="top")
    export.sidebar(view, page.title)
    try:
        with state.published(view):
            page.run()
    except StoreError as exc:
        # A collector may hold the lock longer than a reader waits: say so, keep the frame.
        st.warning(f"The data could not be read just now ({exc}). Reload to try again.",
                   icon=":material/hourglass:")
live.end(db)
