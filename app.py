"""Veille's frame: page config, navigation, the global filter sidebar and the URL state."""

from pathlib import Path

import streamlit as st

from config import default_config_path, default_db_path
from i18n.catalog import gettext
from store import StoreError
from ui import auth, export, frame, guidance, live, saved_views, state
from ui import lang as language
from views.registry import VIEWS


def pages(lang: str) -> list[st.Page]:
    """The views, in menu order, from the one registry the reports read too
    (views/registry.py), titled in ``lang``."""
    return [st.Page(spec.page, title=gettext(spec.title, lang), icon=spec.icon,
                    url_path=spec.url_path, default=spec.default)
            for spec in VIEWS]


# The tab icon is a file served by the app itself: a :material: icon would be fetched from
# Google's font CDN on every load, telling a third party when Veille is used.
ICON = Path(__file__).resolve().parent / "ui" / "radar.png"
st.set_page_config(page_title="Veille", page_icon=str(ICON), layout="wide")
lang = language.current()
auth.gate(lang)  # with [auth] in .streamlit/secrets.toml, nothing below runs before sign-in
db = default_db_path()
language.switch(lang)
live.begin(db, lang)
view = frame.open_view(db, lang)
if isinstance(view, frame.Problem):
    st.navigation([guidance.page(view.reason, db, default_config_path(), view.detail, lang)],
                  position="hidden").run()
else:
    saved_views.sidebar(db, lang)
    frame.header(view)
    page = st.navigation(pages(lang), position="top")
    saved_views.follow(page.url_path)  # a saved view reopens its own page
    export.sidebar(view, page.url_path)
    try:
        with state.published(view):
            page.run()
    except StoreError as exc:
        # A collector may hold the lock longer than a reader waits: say so, keep the frame.
        st.warning(gettext("The data could not be read just now ({error}). Reload to try "
                           "again.", lang).format(error=exc),
                   icon=":material/hourglass:")
live.end(db)
