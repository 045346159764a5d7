"""The French app says in French what it used to leave in English: source health, kinds, times."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import collect, write_demo_watch

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "app.py"
TIMEOUT = 60

# English the French pages once showed: the store's health reasons, item-kind display names,
# the Sources page's own sentences and the Trends caption written twice. None is collected text.
KNOWN_ENGLISH = ("collecting", "never collected", "run(s) failed", "warning(s)", "no new item",
                 "no item ever", "News feeds", "Web pages", "another window",
                 "never count for this brand", "Shaded bands", "Diamonds", "spike found",
                 "changes on watched")
# An English timestamp ("6 Dec 2026 19:28 UTC"): French writes "6 déc. 2026 à 19:28 UTC".
ENGLISH_TIME = re.compile(r"\d{4} \d{2}:\d{2} UTC")


@pytest.fixture(scope="module")
def troubled(tmp_path_factory) -> tuple[Path, Path]:
    """A small demo watch with a file source that fails and one never run, collected once."""
    folder = tmp_path_factory.mktemp("troubled")
    config = write_demo_watch(folder, items=300)
    # An import whose file is missing (fails) and one switched off (never run).
    extra = "".join(f'\n[[sources]]\nname = "{name}"\nkind = "file"\npath = "{name}.csv"\n'
                    + ("" if enabled else "enabled = false\n")
                    for name, enabled in (("export", True), ("later", False)))
    config.write_text(config.read_text(encoding="utf-8") + extra, encoding="utf-8")
    db = folder / "veille.duckdb"
    assert collect(config, db, check=False).returncode == 1
    return config, db


def open_french(monkeypatch, troubled, page: str) -> AppTest:
    config, db = troubled
    monkeypatch.setenv("VEILLE_DB", str(db))
    monkeypatch.setenv("VEILLE_CONFIG", str(config))
    monkeypatch.delenv("VEILLE_LANG", raising=False)
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.query_params["ui_lang"] = "fr"
    at.run()
    if page:
        at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def everything_shown(at: AppTest) -> str:
    """The words a reader sees: text elements, tiles, table cells and the filters' choices."""
    parts = [str(e.value) for kind in ("markdown", "caption", "warning", "info", "success",
                                       "text", "header", "subheader")
             for e in getattr(at, kind)]
    parts += [m.label for m in at.metric]
    for table in at.dataframe:
        frame = table.value
        if isinstance(frame, pd.DataFrame):
            parts += [str(c) for c in frame.columns]
            parts += [str(v) for v in frame.astype(str).to_numpy().ravel()]
    parts += [str(o) for box in at.sidebar.multiselect for o in box.options]
    return "\n".join(parts)


def english_left(text: str) -> list[str]:
    return [p for p in KNOWN_ENGLISH if p in text] + ENGLISH_TIME.findall(text)


def test_the_sources_page_says_health_kinds_and_times_in_french(monkeypatch, troubled):
    at = open_french(monkeypatch, troubled, "pages/sources.py")
    shown = everything_shown(at)
    assert not english_left(shown), english_left(shown)
    table = next(d.value for d in at.dataframe if "État" in d.value.columns)
    why = dict(zip(table["Source"], table["Pourquoi"], strict=True))
    assert why["demo"] == "collecte en cours"
    assert why["later"] == "jamais collectée"
    assert why["export"].startswith("dernier(s) passage(s) en échec (1)")
    kinds = dict(zip(table["Source"], table["Type"], strict=True))
    assert kinds["demo"] == "Démo" and kinds["export"] == "Imports"
    assert re.search(r"\d{4} à \d{2}:\d{2} UTC", " ".join(table["Dernier succès"]))


def test_the_alerts_page_names_unhealthy_sources_in_french(monkeypatch, troubled):
    at = open_french(monkeypatch, troubled, "pages/alerts.py")
    shown = everything_shown(at)
    assert not english_left(shown), english_left(shown)
    warning = next(w.value for w in at.warning if "export" in w.value)
    assert "en échec" in warning and "passage" in warning


def test_the_sidebar_offers_kinds_by_their_french_names(monkeypatch, troubled):
    at = open_french(monkeypatch, troubled, "")
    kinds = at.sidebar.multiselect(key="flt_kinds")
    assert "Fils d'actualité" in kinds.options and "rss" not in kinds.options
    # The value in the link stays the stored code: choosing a name filters on its kind.
    kinds.select("rss").run()
    assert not at.exception
    assert at.query_params["kind"] in ("rss", ["rss"])
    assert "Fils d'actualité" in at.caption[0].value + " ".join(c.value for c in at.caption)


def test_the_trends_caption_is_said_once_in_french(monkeypatch, troubled):
    at = open_french(monkeypatch, troubled, "pages/trends.py")
    shown = everything_shown(at)
    assert not english_left(shown), english_left(shown)
