"""What the app says instead of a dashboard when there is nothing to show yet, and what to do."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

# Why the dashboard cannot be drawn; each has its own next step.
MISSING, EMPTY, NO_MENTIONS, BUSY, BROKEN = "missing", "empty", "no_mentions", "busy", "broken"


def page(reason: str, db: Path, config: Path, detail: str = "") -> st.Page:
    """A "Get started" page explaining ``reason`` (one of the constants above) and the fix."""

    def render() -> None:
        show(reason, db, config, detail)

    return st.Page(render, title="Get started", icon=":material/rocket_launch:",
                   url_path="start", default=True)


def show(reason: str, db: Path, config: Path, detail: str = "") -> None:
    """Draw the explanation for ``reason`` with the commands that fix it.

    Paths and commands are shown as code blocks, never as Markdown or HTML.
    """
    collect = f"python -m collectors run --config {config} --db {db}"
    st.title("Veille", anchor=False)
    if reason == MISSING:
        st.subheader("No data yet", anchor=False)
        st.markdown("Veille reads its database from this file, which does not exist yet:")
        st.code(str(db), language=None)
    elif reason == EMPTY:
        st.subheader("The database holds no items yet", anchor=False)
        st.markdown("Nothing has been collected into this database so far:")
        st.code(str(db), language=None)
    elif reason == NO_MENTIONS:
        st.subheader("Items were collected, but none mentions a watched brand",
                     anchor=False)
        st.markdown(f"{detail} items are stored, and no brand query matched any of them. "
                    "Check the `query` of each brand in the watch file (names, spellings, "
                    "`OR` alternatives), then collect again.")
    elif reason == BUSY:
        st.subheader("The database is busy", anchor=False)
        st.markdown("A collection is writing to the database right now. Veille tries again "
                    "when you reload or change a filter; this usually takes seconds.")
        st.button("Try again", icon=":material/refresh:")
        return
    else:
        st.subheader("The database cannot be read", anchor=False)
        st.markdown("Veille could not open its database file:")
        st.code(detail or str(db), language=None)
    st.markdown(
        "**What to do next**\n\n"
        "1. Describe your brands and where to listen in the watch file — `[[brands]]` with a "
        "`name` and a `query`, mark yours with `own = true`; `[[sources]]` with a `kind`:")
    st.code(str(config), language=None)
    st.markdown("2. Collect once (then on a schedule, or with `python -m collectors watch`):")
    st.code(collect, language="bash")
    st.markdown("3. Reload this page.\n\n"
                "Just looking around? `make run` collects a demo watch and opens Veille on it.")
