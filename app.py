"""Veille's frame: page config, navigation, the global filter sidebar and the URL state."""

import streamlit as st

from config import default_config_path, default_db_path
from store import StoreError
from ui import frame, guidance, state

# The views, in menu order. Adding one: a file in pages/ and one line here, with a url_path
# that is not the file's name. Streamlit's older discovery of the pages/ folder (used for a
# fresh server's first run, and by AppTest) would otherwise run that file without this frame;
# tests/app/test_overview.py checks the rule.
PAGES = [
    st.Page("pages/overview.py", title="Overview", icon=":material/dashboard:",
            url_path="home", default=True),
]

st.set_page_config(page_title="Veille", page_icon=":material/radar:", layout="wide")
db = default_db_path()
view = frame.open_view(db)
if isinstance(view, frame.Problem):
    st.navigation([guidance.page(view.reason, db, default_config_path(), view.detail)],
                  position="hidden").run()
else:
    frame.header(view)
    page = st.navigation(PAGES, position="top")
    try:
        with state.published(view):
            page.run()
    except StoreError as exc:
        # A collector may hold the lock longer than a reader waits: say so, keep the frame.
        st.warning(f"The data could not be read just now ({exc}). Reload to try again.",
                   icon=":material/hourglass:")
