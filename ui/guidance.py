"""What the app says instead of a dashboard when there is nothing to show yet, and what to do."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from i18n.catalog import translator

# Why the dashboard cannot be drawn; each has its own next step.
MISSING, EMPTY, NO_MENTIONS, BUSY, BROKEN = "missing", "empty", "no_mentions", "busy", "broken"


def page(reason: str, db: Path, config: Path, detail: str = "", lang: str = "en") -> st.Page:
    """A "Get started" page explaining ``reason`` (one of the constants above) and the fix,
    in ``lang``."""

    def render() -> None:
        show(reason, db, config, detail, lang)

    return st.Page(render, title=translator(lang)("Get started"),
                   icon=":material/rocket_launch:", url_path="start", default=True)


def show(reason: str, db: Path, config: Path, detail: str = "", lang: str = "en") -> None:
    """Draw the explanation for ``reason`` with the commands that fix it, in ``lang``.

    Paths and commands are shown as code blocks, never as Markdown or HTML.
    """
    _ = translator(lang)
    collect = f"python -m collectors run --config {config} --db {db}"
    st.title("Veille", anchor=False)
    if reason == MISSING:
        st.subheader(_("No data yet"), anchor=False)
        st.markdown(_("Veille reads its database from this file, which does not exist yet:"))
        st.code(str(db), language=None)
    elif reason == EMPTY:
        st.subheader(_("The database holds no items yet"), anchor=False)
        st.markdown(_("Nothing has been collected into this database so far:"))
        st.code(str(db), language=None)
    elif reason == NO_MENTIONS:
        st.subheader(_("Items were collected, but none mentions a watched brand"),
                     anchor=False)
        st.markdown(_("{count} items are stored, and no brand query matched any of them. "
                      "Check the `query` of each brand in the watch file (names, spellings, "
                      "`OR` alternatives), then collect again.").format(count=detail))
    elif reason == BUSY:
        st.subheader(_("The database is busy"), anchor=False)
        st.markdown(_("A collection is writing to the database right now. Veille tries again "
                      "when you reload or change a filter; this usually takes seconds."))
        st.button(_("Try again"), icon=":material/refresh:")
        return
    else:
        st.subheader(_("The database cannot be read"), anchor=False)
        st.markdown(_("Veille could not open its database file:"))
        st.code(detail or str(db), language=None)
    st.markdown(
        "**" + _("What to do next") + "**\n\n1. "
        + _("Describe your brands and where to listen in the watch file — `[[brands]]` with a "
            "`name` and a `query`, mark yours with `own = true`; `[[sources]]` with a `kind`:"))
    st.code(str(config), language=None)
    st.markdown("2. " + _("Collect once (then on a schedule, or with "
                          "`python -m collectors watch`):"))
    st.code(collect, language="bash")
    st.markdown("3. " + _("Reload this page.") + "\n\n"
                + _("Just looking around? `make run` collects a demo watch and opens Veille "
                    "on it."))
