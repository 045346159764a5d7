"""The one list of views: title, address, icon, page file and builder, in menu order."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from i18n.catalog import gettext
from views import sections
from views.context import View, ViewError
from views.labels import _
from views.presence import build_presence
from views.sections import Reader, Section, direct


@dataclass(frozen=True)
class ViewSpec:
    """One view: what the menu, the page, the export buttons and the report know of it.

    ``key`` names it on the command line and in file names; ``title`` is its menu and section
    title; ``url_path`` its address in the app (never the page file's name: Streamlit's older
    discovery of ``pages/`` would otherwise run that file without the frame); ``page`` the
    file under ``pages/`` that draws it; ``builder`` fills its :class:`Section`.
    """

    key: str
    title: str
    url_path: str
    icon: str
    page: str
    builder: Callable[..., Section]
    default: bool = False

    @property
    def address(self) -> str:
        """Its path in a link: ``url_path``, or nothing for the default view, which Streamlit
        serves at the app's root only (``/home`` would open on "Page not found")."""
        return "" if self.default else self.url_path

    def build(self, view: View, read: Reader = direct, **choices: Any) -> Section:
        """What this view shows for ``view``: its figures, tiles, tables and notes.

        ``read`` calls the store (a page passes its cached reader); ``choices`` are the page's
        own widgets (Share of voice's unit…), left at their defaults by a report.
        """
        return self.builder(Section(self.key, gettext(self.title, view.lang)), view, read,
                            **choices)


VIEWS: tuple[ViewSpec, ...] = (
    ViewSpec("overview", _("Overview"), "home", ":material/dashboard:", "pages/overview.py",
             sections.build_overview, default=True),
    ViewSpec("share_of_voice", _("Share of voice"), "voice", ":material/pie_chart:",
             "pages/share_of_voice.py", sections.build_share_of_voice),
    ViewSpec("trends", _("Trends"), "over-time", ":material/trending_up:", "pages/trends.py",
             sections.build_trends),
    ViewSpec("topics", _("Topics"), "themes", ":material/cloud:", "pages/topics.py",
             sections.build_topics),
    ViewSpec("mentions", _("Mentions"), "items", ":material/forum:", "pages/mentions.py",
             sections.build_mentions),
    ViewSpec("alerts", _("Alerts"), "spikes", ":material/notifications_active:",
             "pages/alerts.py", sections.build_alerts),
    ViewSpec("community", _("Community"), "people", ":material/groups:", "pages/community.py",
             sections.build_community),
    ViewSpec("presence", _("Presence"), "channels", ":material/hub:", "pages/presence.py",
             build_presence),
    ViewSpec("sources", _("Sources"), "health", ":material/settings_input_antenna:",
             "pages/sources.py", sections.build_sources),
)
KEYS: tuple[str, ...] = tuple(v.key for v in VIEWS)


def get(key: str) -> ViewSpec:
    """The view named ``key``; raise :class:`ViewError` for an unknown name."""
    for spec in VIEWS:
        if spec.key == key:
            return spec
    raise ViewError(f"unknown view {key!r}; choose from {', '.join(KEYS)}")


def by_url_path(url_path: str) -> ViewSpec | None:
    """The view at address ``url_path`` in the app, or None.

    An empty path is the app's root, where Streamlit puts the default view.
    """
    return next((spec for spec in VIEWS
                 if spec.url_path == url_path or (not url_path and spec.default)), None)
