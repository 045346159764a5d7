"""Optional sign-in: with an [auth] section in .streamlit/secrets.toml, no data shows before it."""

from __future__ import annotations

from collections.abc import Mapping

import streamlit as st

from i18n.catalog import translator


def auth_settings() -> Mapping | None:
    """The ``[auth]`` section of Streamlit's secrets, or None when sign-in is not configured."""
    try:
        section = st.secrets.get("auth")
    except Exception:  # noqa: BLE001 - no secrets file at all means no sign-in
        return None
    return section if isinstance(section, Mapping) and section else None


def gate(lang: str = "en") -> None:
    """Stop this run on a sign-in screen unless sign-in is off or the visitor is signed in.

    Uses Streamlit's built-in OpenID Connect login (``st.login``); with named providers
    (``[auth.google]``, ``[auth.microsoft]``…) there is one button per provider. It speaks
    ``lang``.
    """
    _ = translator(lang)
    settings = auth_settings()
    if settings is None:
        return
    # Outside a real server session (tests, scripts) st.user has no is_logged_in at all.
    if getattr(st.user, "is_logged_in", False):
        with st.sidebar:
            who = st.user.get("email") or st.user.get("name") or _("you")
            st.caption(_("Signed in as {who}").format(who=who))
            st.button(_("Sign out"), on_click=st.logout, icon=":material/logout:")
        return
    st.title("Veille", anchor=False)
    st.write(_("This watch is private. Sign in to see it."))
    providers = [name for name, value in settings.items() if isinstance(value, Mapping)]
    for provider in providers or [None]:
        label = (_("Sign in with {provider}").format(provider=provider.title()) if provider
                 else _("Sign in"))
        st.button(label, on_click=st.login, args=(provider,) if provider else (),
                  icon=":material/login:", key=f"login_{provider or 'default'}")
    st.stop()
