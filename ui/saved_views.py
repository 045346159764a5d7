"""Saved views in the sidebar: a name for the current link, restored with one click."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, urlencode

import streamlit as st

from i18n.catalog import translator
from store import StoreError, edits
from ui import filters
from views import registry

KEY_NAME = "sv_name"
_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")
_NOTICE = "_sv_notice"
_PAGE = "_sv_page"  # the url_path of the page this session shows
_GOTO = "_sv_goto"  # the page a saved view asked for, opened by follow()
# The saved view's page, kept in its link beside the filters and the page's own choices.
PAGE_PARAM = "view"


def query_string() -> str:
    """The current link's query string (``period=30d&brand=Orbis``), in a stable order."""
    pairs = [(key, value) for key in sorted(st.query_params)
             for value in st.query_params.get_all(key)]
    return urlencode(pairs)


def sidebar(db: Path | str, lang: str = "en") -> None:
    """Draw the saved views (one button each, with a delete button) and the form to save one.

    Views live in the edits file beside the database (:mod:`store.edits`), never in the
    database itself; a failure to read or write them is said in the sidebar, never raised.
    Everything it says is in ``lang``.
    """
    _ = translator(lang)
    with st.sidebar, st.expander(_("Saved views"), icon=":material/bookmarks:"):
        try:
            views = edits.saved_views(db)
        except StoreError as exc:
            st.caption(_("Saved views cannot be read just now: {error}").format(
                error=_md(exc)))
            views = []
        for view in views:
            name, remove = st.columns([5, 1], vertical_alignment="center")
            name.button(_md(view.name), key=f"sv_open_{view.name}", width="stretch",
                        on_click=_restore, args=(view.query_string,),
                        help=_("Show this view (its period, filters, language and live mode)"))
            remove.button("", key=f"sv_delete_{view.name}", icon=":material/delete:",
                          on_click=_delete, args=(db, view.name, lang),
                          help=_("Forget this view"))
        if not views:
            st.caption(_("No saved view yet."))
        st.text_input(_("Name"), key=KEY_NAME, placeholder=_("e.g. Monday meeting"),
                      max_chars=edits.MAX_NAME_CHARS)
        st.button(_("Save this view"), key="sv_save", icon=":material/bookmark_add:",
                  on_click=_save, args=(db, lang), width="stretch")
        notice = st.session_state.pop(_NOTICE, None)
        if notice:
            st.caption(_md(notice))


def _md(text: object) -> str:
    return _MARKDOWN.sub(r"\\\1", str(text))


def _save(db: Path | str, lang: str = "en") -> None:
    _ = translator(lang)
    name = st.session_state.get(KEY_NAME, "")
    # The page by its own address (Overview's is "home", though the app serves it at the root).
    spec = registry.by_url_path(st.session_state.get(_PAGE) or "")
    saved = query_string() if spec is None else \
        urlencode([(PAGE_PARAM, spec.url_path)]) + "&" + query_string()
    try:
        stored = edits.save_view(db, name, saved.rstrip("&"))
    except (edits.EditError, StoreError) as exc:
        st.session_state[_NOTICE] = _("Not saved: {error}").format(error=exc)
        return
    st.session_state[KEY_NAME] = ""
    st.session_state[_NOTICE] = _("Saved “{name}”.").format(name=stored)


def _delete(db: Path | str, name: str, lang: str = "en") -> None:
    try:
        edits.delete_view(db, name)
    except StoreError as exc:
        st.session_state[_NOTICE] = translator(lang)("Not deleted: {error}").format(error=exc)


def _restore(saved: str) -> None:
    params = parse_qs(saved, keep_blank_values=False)
    page = params.pop(PAGE_PARAM, [None])[0]
    st.query_params.from_dict({k: v if len(v) > 1 else v[0] for k, v in params.items()})
    if page is not None:
        st.session_state[_GOTO] = page
    # The filter sidebar reads the link only on a session's first run: make this run a first.
    st.session_state.pop(filters._LOADED, None)


def follow(url_path: str) -> None:
    """Note the page shown (saved with a view), and open the page a restored view names.

    Call it after the navigation is set: a callback cannot change page itself.
    """
    state = st.session_state
    state[_PAGE] = url_path
    goto = state.pop(_GOTO, None)
    spec = registry.by_url_path(goto) if goto else None
    if spec is not None and spec != registry.by_url_path(url_path):
        params = {key: st.query_params.get_all(key) for key in st.query_params}
        st.switch_page(spec.page, query_params=params)
