"""Veille's frame: page config, navigation, the global filter sidebar and the URL state."""

from pathlib import Path

import streamlit as st

from config import default_config_path, default_db_path
from store import StoreError
from ui import auth, export, frame, guidance, live, saved_views, state
from views.registry import VIEWS

# The views, in menu order, from the one registry the reports read too (views/registry.py).
PAGES = [
    st.Page(spec.page, title=spec.title, icon=spec.icon, url_path=spec.url_path,
            default=spec.default)
    for spec in VIEWS
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
    export.sidebar(view, page.url_path)
    try:
        with state.published(view):
            page.run()
    except StoreError as exc:
        # A collector may hold the lock longer than a reader waits: say so, keep the frame.
        st.warning(f"The data could not be read just now ({exc}). Reload to try again.",
                   icon=":material/hourglass:")
live.end(db)
