"""The sidebar's Export section, run by Streamlit's AppTest on the demo database."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "app.py"
TIMEOUT = 60


def run_app(monkeypatch, db: Path, browser: str | None = None) -> AppTest:
    monkeypatch.setenv("VEILLE_DB", str(db))
    if browser is not None:
        monkeypatch.setenv("BROWSER_PATH", browser)
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.run(timeout=TIMEOUT)
    assert not at.exception, [e.value for e in at.exception]
    return at


def labels(at: AppTest) -> list[str]:
    """The labels of the download buttons in the sidebar."""
    return [b.proto.label for b in at.sidebar.get("download_button")]


def test_every_export_is_offered(monkeypatch, demo_db):
    at = run_app(monkeypatch, demo_db)
    assert labels(at) == ["Snapshot of this view (PDF)", "Meeting report (PDF, every view)",
                          "Charts of this view (PNG + SVG)", "Mentions (CSV)",
                          "Mentions (Excel)"]
    assert "Export" in [h.value for h in at.sidebar.subheader]


def test_missing_chromium_is_explained_not_offered(monkeypatch, demo_db, tmp_path):
    at = run_app(monkeypatch, demo_db, browser=str(tmp_path / "no-chromium"))
    assert labels(at) == ["Mentions (CSV)", "Mentions (Excel)"]
    notes = " ".join(c.value for c in at.sidebar.caption)
    assert "install" in notes and "chromium" in notes


def test_the_buttons_makers_build_real_files(demo_db):
    from ui import export
    from views.context import make_view, parse_choices

    choices, options = parse_choices(demo_db, {"period": ["30d"]})
    view = make_view(demo_db, choices, options)
    made = export.snapshot_maker(view, "share_of_voice", {"period": ["30d"]},
                                 "http://veille.example:8501")()
    assert made.startswith(b"%PDF") and b"veille.example:8501/voice?period=30d" in made
