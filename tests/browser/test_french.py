"""Every page in French in a real browser: its French title and none of the English UI phrases."""

from __future__ import annotations

import re

import pytest

from i18n.catalog import LOCALES, gettext
from tests.appserver import serving
from tests.browser.test_pages import PAGES, settle

pytestmark = pytest.mark.browser

# The .po files of the frame, the sidebar and the pages (and of the views' builders, whose
# titles, tiles and notes the pages draw).
CATALOGS = ("ui.po", "pages.po", "views.po")


def english_phrases() -> list[str]:
    """English UI phrases of two words or more that French writes otherwise.

    Messages with placeholders are cut at them, each fixed part of two words or more kept.
    Collected text (the demo's posts, partly English by design) is never in this list.
    """
    from babel.messages.pofile import read_po

    phrases = set()
    for name in CATALOGS:
        path = LOCALES / "fr" / "LC_MESSAGES" / name
        if not path.exists():
            continue
        with path.open("rb") as f:
            for message in read_po(f, locale="fr"):
                ids = message.id if isinstance(message.id, tuple) else (message.id,)
                for text in ids:
                    french = gettext(text, "fr")
                    if not text or french == text:
                        continue
                    for part in re.split(r"\{\w+\}", text):
                        part = part.strip(" .,:;·()*")
                        # A fragment French keeps too ("mentions ×") says nothing.
                        if (len(part.split()) >= 2 and not part.startswith("`")
                                and part not in french):
                            phrases.add(part)
    return sorted(phrases)


@pytest.fixture(scope="module")
def french_url(demo_db, chromium_path, tmp_path_factory):
    """The app on the demo database with VEILLE_LANG=fr."""
    with serving(demo_db, tmp_path_factory.mktemp("fr") / "server.log",
                 env={"VEILLE_LANG": "fr"}) as url:
        yield url


def check_french(page, url: str, title: str) -> None:
    page.goto(url)
    settle(page)
    body = page.inner_text("body")
    french = gettext(title, "fr")
    assert french in body, f"{french!r} not on {url}"
    left = [p for p in ENGLISH if p in body]
    assert not left, f"English left on {url}: {left}"


ENGLISH = english_phrases()


def test_the_list_of_english_phrases_is_real():
    assert "Reset filters" in ENGLISH and "Word clouds" in ENGLISH


@pytest.mark.parametrize(("stem", "title", "url_path"), PAGES, ids=[p[0] for p in PAGES])
def test_every_page_speaks_french_when_chosen_in_the_link(context, app_url, stem, title,
                                                          url_path):
    page = context.new_page()
    check_french(page, f"{app_url}/{url_path}?ui_lang=fr", title)


@pytest.mark.parametrize(("stem", "title", "url_path"), PAGES, ids=[p[0] for p in PAGES])
def test_every_page_speaks_french_with_veille_lang(context, french_url, stem, title, url_path):
    page = context.new_page()
    check_french(page, f"{french_url}/{url_path}", title)
