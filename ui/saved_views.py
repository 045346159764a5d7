"""Saved views in the sidebar: a name for the current link, restored with one click."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, urlencode

import streamlit as st

from i18n.catalog import translator
from store import StoreError, edits
from ui import filters

KEY_NAME = "sv_name"
_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")
_NOTICE = "_sv_notice"


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
    try:
        stored = edits.save_view(db, name, query_string())
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
    st.query_params.from_dict({k: v if len(v) > 1 else v[0] for k, v in params.items()})
    # The filter sidebar reads the link only on a session's first run: make this run a first.
    st.session_state.pop(filters._LOADED, None)
