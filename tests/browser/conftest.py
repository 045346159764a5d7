"""A real `streamlit run app.py` on a free 127.0.0.1 port, and Debian's Chromium via Playwright."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.appserver import serving

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
ARTIFACTS = ROOT / "test-artifacts" / "browser"
# A wall screen: the view the marketing team sees in its weekly meeting.
VIEWPORT = {"width": 1920, "height": 1080}


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    """Debian's Chromium; the browser tests are skipped where it is not installed."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is absent: install Debian's chromium (`make os-deps`) to run "
                    "the browser tests")
    return CHROMIUM


@pytest.fixture(scope="session")
def app_url(demo_db, chromium_path, tmp_path_factory) -> Iterator[str]:
    """The app on the demo database for the whole session; stopped at the end."""
    with serving(demo_db, tmp_path_factory.mktemp("streamlit") / "server.log") as url:
        yield url


@pytest.fixture(scope="session")
def browser(chromium_path):
    """One Chromium for the session (contexts keep the tests apart)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(chromium_path),
                                              args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def context(browser):
    """A fresh browser profile (no cookies, no session) at wall-screen size."""
    ctx = browser.new_context(viewport=VIEWPORT)
    try:
        yield ctx
    finally:
        ctx.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """Where the screenshots go, kept after the run for people to look at."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


