"""The language of a run: the choice kept in the link, else the watch's or the browser's."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from config import ConfigError, default_config_path, load_ui
from i18n.catalog import LANGUAGES, gettext, normalise, resolve_language

# ?ui_lang=fr: the language the person chose, kept in links and saved views. Not ``lang``: that
# parameter already filters the items by their language (views.filters.LIST_PARAMS).
PARAM = "ui_lang"
KEY = "ui_lang_switch"
# Each language written in itself, so a person who does not read the current one finds theirs.
NAMES = {"en": "English", "fr": "Français"}
_CHOSEN = "_lang_chosen"


def current(config: Path | None = None) -> str:
    """The language of this run, and keep the person's choice in the link.

    Order: ``?ui_lang=`` in the link (written by the sidebar switch, kept by saved views and
    shared links) — the person's own choice — then :func:`i18n.catalog.resolve_language`:
    ``VEILLE_LANG``, ``[ui] language`` of the watch file, the browser's language, English.
    A choice made once in the session survives page changes, which drop the link's parameters.
    """
    state = st.session_state
    asked = normalise(st.query_params.get(PARAM))
    if asked:
        state[_CHOSEN] = asked
    elif state.get(_CHOSEN) in LANGUAGES:
        st.query_params[PARAM] = state[_CHOSEN]
    chosen = state.get(_CHOSEN)
    if chosen in LANGUAGES:
        return chosen
    return resolve_language(_configured(str(config or default_config_path())), _browser())


def _configured(config: str) -> str | None:
    """``[ui] language`` of the watch file (None when unset or the file is unreadable).

    Read at every run (a small file): a language set in the file applies at the next click.
    """
    try:
        return load_ui(config).language or None
    except ConfigError:
        return None  # a wrong [ui] table is reported by `collectors check`, not here


def _browser() -> str | None:
    try:
        return st.context.locale
    except AttributeError:  # outside a browser session (scripts, older Streamlit)
        return None


def switch(lang: str) -> None:
    """The sidebar's language switch: choosing a language writes it to the link."""
    st.session_state[KEY] = lang
    with st.sidebar:
        st.segmented_control(gettext("Language", lang), list(NAMES), format_func=NAMES.get,
                             key=KEY, required=True, on_change=_chosen)


def _chosen() -> None:
    lang = st.session_state.get(KEY)
    if lang in LANGUAGES:
        st.session_state[_CHOSEN] = lang
        st.query_params[PARAM] = lang
