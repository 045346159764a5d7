"""A page's own choices (Trends' step, Share of voice's count) kept in the link like the filters."""

# The global filters live in the link (ui/filters.py); a page's own control used to live only
# in its widget, so a copied link, a saved view or a report link reopened the page at its
# defaults. A choice left at its default stays out of the link, so plain links stay short.

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

_WRITTEN = "_choice_written_"  # + widget key: what this page last wrote to the link


def segmented(label: str, param: str, options: Sequence[str], default: str, *, key: str,
              **widget) -> str:
    """A segmented control whose value is ``?param=`` in the link; returns the value chosen.

    The link's value (when it is one of ``options``) chooses at the session's first run, and
    every change is written back; ``widget`` are more ``st.segmented_control`` arguments.
    """
    options = list(options)
    state = st.session_state
    asked = st.query_params.get(param)
    # The link wins when it changed since this page last wrote it: a pasted link, a saved
    # view, a report's link. Otherwise the widget holds the choice.
    if key not in state or asked != state.get(_WRITTEN + key):
        state[key] = asked if asked in options else default
    if state.get(key) not in options:
        state[key] = default if default in options else options[0]
    chosen = st.segmented_control(label, options, key=key, on_change=_keep,
                                  args=(param, key, default), **widget)
    chosen = chosen if chosen in options else default
    _keep(param, key, default)
    return chosen


def _keep(param: str, key: str, default: str) -> None:
    """Write the widget's value to the link, or take it out when it is the default."""
    value = st.session_state.get(key)
    if value is None or value == default:
        value = None
        if param in st.query_params:
            del st.query_params[param]
    elif st.query_params.get(param) != value:
        st.query_params[param] = value
    st.session_state[_WRITTEN + key] = value
