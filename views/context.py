"""What every view is built from: the database, the filters in force, their words (no Streamlit)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from charts.colors import brand_colors
from config import store_target
from i18n.catalog import translator
from store import queries
from store.filters import Filters
from store.queries import DataInfo
from views import filters as flt


class ViewError(Exception):
    """A view cannot be built (no data, unknown filter value…); the message says why."""


@dataclass(frozen=True)
class View:
    """Everything a view needs, as the app's frame hands it to a page and a report to a builder.

    ``filters`` is the user's choice; ``previous`` the comparison period (None for "all
    dates"); ``colors`` maps every brand to its one colour; ``own`` is our brand, if one is
    marked ``own = true``; ``grain`` the time step that suits the period's length; the texts say
    the period, its comparison and the dimension filters in words; ``lang`` is the reader's
    language ("en", "fr"): every title, number and date a builder writes is in it.
    """

    db: Path | str
    info: DataInfo
    filters: Filters
    previous: Filters | None
    period_text: str
    previous_text: str | None
    colors: dict[str, str] = field(default_factory=dict)
    own: str | None = None
    grain: str = "week"
    dimensions_text: str = ""
    lang: str = "en"


def options_for(info: DataInfo, brands: pd.DataFrame,
                values: Mapping[str, Sequence[str]]) -> flt.Options:
    """The filter options a database offers, from :func:`store.queries.data_info`,
    :func:`store.queries.brands` and :func:`store.queries.filter_options`."""
    return flt.Options(
        first_day=info.first_day, last_day=info.last_day,
        brands=tuple(str(b) for b in brands["name"]),
        kinds=tuple(values.get("kind", ())), sources=tuple(values.get("source", ())),
        langs=tuple(values.get("lang", ())))


def view_for(db: Path | str, info: DataInfo, brands: pd.DataFrame, choices: flt.Choices,
             options: flt.Options, lang: str = "en") -> View:
    """The :class:`View` for ``choices`` in language ``lang``: the same for the app's frame
    and for a report."""
    chosen = flt.to_filters(choices, options)
    shown, previous = flt.describe(choices, chosen, options, lang)
    own = next((str(n) for n, o in zip(brands["name"], brands["own"], strict=True) if o), None)
    return View(
        db=store_target(db), info=info, filters=chosen, previous=chosen.previous(),
        period_text=shown, previous_text=previous, colors=brand_colors(brands), own=own,
        grain=flt.grain_for(chosen, options),
        dimensions_text=flt.describe_dimensions(choices, lang), lang=lang)


def parse_choices(db: Path | str, params: dict[str, list[str]], lang: str = "en"
                  ) -> tuple[flt.Choices, flt.Options]:
    """Read filter choices from URL-style ``params`` against what the database holds.

    Raises :class:`ViewError`, its message in ``lang``, when the database is empty or a value
    is not in it (a report made for cron must not quietly show something else than what was
    asked).
    """
    _ = translator(lang)
    info = queries.data_info(db)
    if info.items == 0 or info.mentions == 0 or info.first_day is None:
        raise ViewError(_("the database {db} holds no mentions yet: collect first with "
                          "`python -m collectors run`").format(db=db))
    options = options_for(info, queries.brands(db), queries.filter_options(db))
    for param, name in flt.LIST_PARAMS.items():
        unknown = [v for v in params.get(param, []) if v not in getattr(options, name)]
        if unknown:
            known = ", ".join(getattr(options, name)) or _("none")
            raise ViewError(_("unknown {param} {values}; this database has: {known}").format(
                param=param, values=repr(", ".join(unknown)), known=known))
    choices, notices = flt.parse_params(params, options, lang)
    if notices and ("from" in params or "to" in params) and choices.period != "custom":
        raise ViewError("; ".join(notices))
    return choices, options


def make_view(db: Path | str, choices: flt.Choices, options: flt.Options,
              lang: str = "en") -> View:
    """The :class:`View` the app's frame would hand a page for ``choices`` in language
    ``lang``, read uncached."""
    return view_for(db, queries.data_info(db), queries.brands(db), choices, options, lang=lang)
