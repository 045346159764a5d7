"""Who may edit: with sign-in on, the editors of ``[ui] editors``; everyone else only views."""

# The check runs on the server, in the callback that writes, not only in the widget: a viewer's
# browser could send any widget value (a disabled widget is a courtesy of the page), and the
# callback refuses it all the same. Without sign-in the app listens on 127.0.0.1 for the person
# at the machine, who edits as before.

from __future__ import annotations

from pathlib import Path

import streamlit as st

from config import ConfigError, default_config_path, load_ui
from i18n.catalog import gettext
from ui.auth import auth_settings


def signed_in_email() -> str | None:
    """The signed-in person's address, lower-case; None when nobody is signed in."""
    if not getattr(st.user, "is_logged_in", False):
        return None
    email = st.user.get("email")
    return str(email).strip().lower() if email else None


def may_edit(email: str | None, editors: tuple[str, ...]) -> bool:
    """True when ``email`` is one of ``editors``: an address, or under an ``@domain`` entry."""
    if not email:
        return False
    return any(email == entry or (entry.startswith("@") and email.endswith(entry))
               for entry in editors)


def is_editor(config: Path | str | None = None) -> bool:
    """True when the person of this session may edit.

    Without sign-in (no ``[auth]``): yes, as before. With sign-in: a signed-in person whose
    address ``[ui] editors`` names; when the list is empty every signed-in person edits (the
    behaviour before roles existed). An unreadable ``[ui]`` table refuses editing rather than
    opening it to everyone.
    """
    if auth_settings() is None:
        return True
    email = signed_in_email()
    if email is None:
        return False
    try:
        editors = load_ui(config or default_config_path()).editors
    except ConfigError:
        return False
    return not editors or may_edit(email, editors)


def refusal(lang: str) -> str:
    """What a viewer is told when an edit is refused."""
    return gettext("You can view this watch but not change it: ask one of its editors "
                   "(set in [ui] editors of watch.toml).", lang)


def viewer_note(lang: str) -> None:
    """A caption saying why the edit controls are greyed out, shown to viewers only."""
    st.caption(refusal(lang))


def refused(lang: str) -> bool:
    """True when this session may not edit, after telling the person so.

    Every callback that writes starts with ``if roles.refused(lang): return``.
    """
    if is_editor():
        return False
    st.toast(refusal(lang), icon=":material/lock:")
    return True
