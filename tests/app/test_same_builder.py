"""A page and its PDF come from one builder: the page's figures are the builder's, to the byte."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import figure_of, unpack_plotly
from views import registry
from views.context import make_view, parse_choices

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 60
# The views whose page draws its builder's figures (the others draw only tables and widgets,
# or, like Topics and Mentions, screen-only charts).
DRAWN = ("overview", "share_of_voice", "trends", "community")


def page_figures(monkeypatch, db: Path, key: str) -> list[dict]:
    """The figures the page of view ``key`` shows under the default filters, in page order."""
    monkeypatch.setenv("VEILLE_DB", str(db))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    at.run(timeout=TIMEOUT)
    at.switch_page(registry.get(key).page).run(timeout=TIMEOUT)
    assert not at.exception, [e.value for e in at.exception]
    return [figure_of(chart) for chart in at.get("plotly_chart")]


@pytest.mark.parametrize("key", DRAWN)
def test_the_page_draws_the_figures_the_report_prints(monkeypatch, demo_db, key):
    choices, options = parse_choices(demo_db, {"period": ["30d"]})
    section = registry.get(key).build(make_view(demo_db, choices, options))
    built = [unpack_plotly(json.loads(fig.to_json())) for _name, fig in section.figures]
    shown = page_figures(monkeypatch, demo_db, key)
    assert built, key
    assert shown == built
