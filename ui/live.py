"""Live mode for the meeting screen: the page redraws itself when collectors write new data."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from i18n.catalog import translator
from ui.state import db_stamp

PARAM = "live"  # ?live=1 turns it on
EVERY_PARAM = "every"  # ?every=15: seconds between two looks at the database
DEFAULT_EVERY = 30
CHOICES = (10, 15, 30, 60, 120, 300)
KEY_TOGGLE = "live_on"
KEY_EVERY = "live_every"
_STAMP = "_live_stamp"
_FULL_RUN = "_live_full_run"
_CHOSEN = "_live_chosen"  # live mode as this session last chose it: (on, every)

# Our own static CSS, never collected text: larger type and less chrome for a wall screen.
# The header stays: it holds the page navigation (the wall screen changes page there), and the
# page starts below it so the title is not cut. Labels wrap rather than end in "…".
_STYLE = """<style>
html, body, [data-testid="stAppViewContainer"] { font-size: 20px; }
[data-testid="stMainBlockContainer"] { max-width: 100%; padding: 5rem 2.5rem 1rem; }
[data-testid="stMetricValue"] { font-size: 3.2rem; }
[data-testid="stMetricLabel"] p { font-size: 1.3rem; }
[data-testid="stMetric"] .stMarkdownEllipsis, [data-testid="stMetric"] p,
[data-testid="stMetricDeltaDescription"] {
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important;
}
[data-testid="stMetricLabel"] { height: auto !important; }
[data-testid="stMetric"] div:has(> [data-testid="stMetricDelta"]) { flex-wrap: wrap; }
h1 { font-size: 2.6rem !important; }
[data-testid="stMainMenu"], [data-testid="stAppDeployButton"],
[data-testid="stDecoration"] { display: none; }
</style>"""
# How much larger a chart's type and height are on the wall screen.
CHART_SCALE = 1.4


def enabled() -> bool:
    """True when the link asks for live mode (``live=1``)."""
    return st.query_params.get(PARAM) == "1"


def interval() -> int:
    """Seconds between two looks at the database: ``every`` from the link, 30 by default."""
    raw = st.query_params.get(EVERY_PARAM)
    try:
        seconds = int(raw) if raw is not None else DEFAULT_EVERY
    except ValueError:
        return DEFAULT_EVERY
    return seconds if seconds in CHOICES else DEFAULT_EVERY


def begin(db: Path | str, lang: str = "en") -> bool:
    """Note the database's stamp before anything is read, and draw the sidebar toggle.

    Call it at the top of every run, before the page reads data: new data written after
    this point is what :func:`end`'s timer will notice. The toggle speaks ``lang``. Returns
    whether live mode is on.
    """
    _ = translator(lang)
    st.session_state[_STAMP] = db_stamp(db)
    _keep_in_link()
    # The link is the truth (a saved view or a pasted link may switch it); the widgets follow.
    st.session_state[KEY_TOGGLE] = enabled()
    st.session_state[KEY_EVERY] = interval()
    with st.sidebar:
        st.toggle(_("Live mode"), key=KEY_TOGGLE, on_change=_toggled,
                  help=_("For the meeting screen: large type, and the page redraws itself as "
                         "soon as new data is collected. The filters stay as they are."))
        if st.session_state[KEY_TOGGLE]:
            st.select_slider(_("Look for new data every"), CHOICES, key=KEY_EVERY,
                             format_func=lambda s: f"{s} s" if s < 60 else f"{s // 60} min",
                             on_change=_every_changed)
    return enabled()


def end(db: Path | str) -> None:
    """In live mode: apply the presentation style and start the timer that redraws the page.

    The timer only reads the database file's size and time; the page reruns (keeping the
    filters, which live in the session and the link) only when they changed, so a quiet
    watch costs nothing and nothing blinks.
    """
    if not enabled():
        return
    st.html(_STYLE)

    @st.fragment(run_every=interval())
    def watch_for_new_data() -> None:
        # Inside the full run the page was just drawn: only the timer's own runs look.
        if st.session_state.pop(_FULL_RUN, False):
            return
        if db_stamp(db) != st.session_state.get(_STAMP):
            st.rerun(scope="app")

    st.session_state[_FULL_RUN] = True
    watch_for_new_data()


def _keep_in_link() -> None:
    """Live mode survives a page change (which drops the link's parameters): a link that
    says ``live=1`` is remembered for the session, and a link without it gets it back."""
    state = st.session_state
    if enabled():
        state[_CHOSEN] = (True, st.query_params.get(EVERY_PARAM))
    elif state.get(_CHOSEN, (False, None))[0]:
        st.query_params[PARAM] = "1"
        every = state[_CHOSEN][1]
        if every is not None:
            st.query_params[EVERY_PARAM] = every


def _toggled() -> None:
    st.session_state[_CHOSEN] = (bool(st.session_state[KEY_TOGGLE]),
                                 st.query_params.get(EVERY_PARAM))
    if st.session_state[KEY_TOGGLE]:
        st.query_params[PARAM] = "1"
    else:
        for key in (PARAM, EVERY_PARAM):
            if key in st.query_params:
                del st.query_params[key]


def _every_changed() -> None:
    seconds = st.session_state[KEY_EVERY]
    st.session_state[_CHOSEN] = (True, None if seconds == DEFAULT_EVERY else str(seconds))
    if seconds == DEFAULT_EVERY:
        if EVERY_PARAM in st.query_params:
            del st.query_params[EVERY_PARAM]
    else:
        st.query_params[EVERY_PARAM] = str(seconds)


def presented(fig):
    """``fig`` as the wall screen shows it: in live mode a copy with larger type and height
    (the figure the page built is left as it is); otherwise ``fig`` itself."""
    if not enabled():
        return fig
    import plotly.graph_objects as go

    big = go.Figure(fig)
    layout = big.layout
    big.update_layout(font_size=round((layout.font.size or 12) * CHART_SCALE))
    if layout.title.font.size:
        big.update_layout(title_font_size=round(layout.title.font.size * CHART_SCALE))
    if layout.height:
        big.update_layout(height=round(layout.height * CHART_SCALE))
    return big
