"""Start the app server as `streamlit run` does, with the app's own navigation from the start.

Streamlit treats an app with a ``pages/`` folder beside its script as an old-style multipage
app until the script first calls ``st.navigation``. On a freshly started server, the first
visitor's page is therefore looked up among the file names of ``pages/``: a shared link to
``/items`` finds none and Streamlit shows "Page not found" over the right page. Telling it
up front that this app declares its pages itself avoids that.

It also refuses every request whose ``Host`` is not a name the app is meant to have
(:mod:`ui.hosts`): the loopback names, the address it is bound to, and ``[ui] allowed_hosts``.

Run: ``python -m ui.launch run app.py [streamlit options]`` (``make run`` does).
"""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    """Run Streamlit's command line with ``argv`` (default: this process's arguments).

    Returns 2 without starting anything when the allowed host names are misconfigured.
    """
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.web import cli

    from config import ConfigError
    from ui import hosts

    try:
        configured = hosts.configured_hosts()
    except ConfigError as exc:
        print(f"error: the app was not started:\n{exc}", file=sys.stderr)
        return 2
    hosts.install(configured)

    # The flag is read on every run and set once per process from the folder's presence;
    # app.py's st.navigation would set it to False anyway, but only after the first run.
    if hasattr(PagesManager, "uses_pages_directory"):
        PagesManager.uses_pages_directory = False
    sys.argv = ["streamlit", *(sys.argv[1:] if argv is None else argv)]
    return cli.main()


if __name__ == "__main__":
    sys.exit(main())
