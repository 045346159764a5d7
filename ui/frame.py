"""The frame around every page: what the database holds, the header, the demo banner, the view."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from i18n.catalog import translator
from store import DatabaseBusy, DatabaseMissing, StoreError, queries, upgrade
from ui import filters, guidance, state
from views import format as fmt
from views.context import options_for, view_for


@dataclass(frozen=True)
class Problem:
    """Why there is no dashboard to draw: a :mod:`ui.guidance` reason and its detail."""

    reason: str
    detail: str = ""


def open_view(db: Path, lang: str = "en") -> state.View | Problem:
    """Read what the frame needs, draw the filter sidebar and return the pages' view in ``lang``.

    Returns a :class:`Problem` instead when the database is missing, empty, without mentions,
    busy or unreadable; nothing is drawn then.
    """
    try:
        _upgrade_once(db, lang)
        info = state.read(queries.data_info, db)
        if info.items == 0:
            return Problem(guidance.EMPTY)
        if info.mentions == 0 or info.first_day is None or info.last_day is None:
            return Problem(guidance.NO_MENTIONS, fmt.count(info.items, lang=lang))
        brands = state.read(queries.brands, db)
        values = state.read(queries.filter_options, db)
    except DatabaseMissing:
        return Problem(guidance.MISSING)
    except DatabaseBusy as exc:
        return Problem(guidance.BUSY, str(exc))
    except StoreError as exc:
        return Problem(guidance.BROKEN, str(exc))
    options = options_for(info, brands, values)
    return view_for(db, info, brands, filters.sidebar(options, lang), options, lang=lang)


@st.cache_resource(show_spinner=False)
def _upgraded() -> set[str]:
    """The databases this server process has already checked for an older schema."""
    return set()


def _upgrade_once(db: Path, lang: str) -> None:
    """Migrate a database left by an older Veille, once per server process, saying so."""
    done = _upgraded()
    key = str(Path(db).resolve())
    if key in done:
        return
    with st.spinner(translator(lang)("Bringing the database up to date for this version of "
                                     "Veille…")):
        if upgrade(db):
            st.cache_data.clear()
    done.add(key)


def header(view: state.View) -> None:
    """The watch's name, the period on screen in words, and the demo banner on demo data."""
    _ = translator(view.lang)
    st.title(view.info.watch_name or "Veille", anchor=False)
    line = f"**{view.period_text}**"
    if view.previous_text:
        line += " · " + _("compared with {period}").format(period=view.previous_text)
    st.markdown(line)
    st.caption(f"{view.dimensions_text} · " + _("last collected {moment}").format(
        moment=fmt.moment(view.info.newest_collected, lang=view.lang)))
    if view.info.is_demo:
        st.info(
            _("**Demo data** — these brands and mentions are generated to show what Veille "
              "does. To watch your own brands, edit `watch.toml` (your `[[brands]]` and where "
              "to listen in `[[sources]]`), then run `python -m collectors run`."),
            icon=":material/science:")
