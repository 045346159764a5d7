"""Plotly figures to PNG, SVG or PDF bytes through kaleido and the machine's own Chromium."""

from __future__ import annotations

import os
import shutil
import threading

import plotly.graph_objects as go

# Names Debian, Ubuntu and the Chrome packages install the browser under.
BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
INSTALL_HINT = ("Chart images need Chromium: install it (Debian/Ubuntu: `sudo apt-get install "
                "chromium`, or `make os-deps`) or point BROWSER_PATH at a Chrome/Chromium binary.")
DEFAULT_WIDTH = 1000
# Scale 2 on a 1000-px chart drawn 190 mm wide in the PDF gives about 270 dpi.
DEFAULT_SCALE = 2

_lock = threading.Lock()
_started = False


class RendererMissing(RuntimeError):
    """A piece needed to draw charts or PDFs is not installed; the message says what to do."""


def browser_path() -> str | None:
    """The Chrome/Chromium binary kaleido will use: ``BROWSER_PATH`` if set, else one on PATH."""
    forced = os.environ.get("BROWSER_PATH")
    if forced:
        return forced if os.access(forced, os.X_OK) else None
    for name in BROWSER_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def check() -> None:
    """Raise :class:`RendererMissing` when kaleido or a browser is absent (nothing is started)."""
    try:
        import kaleido  # noqa: F401
    except ImportError as exc:
        raise RendererMissing("Chart images need the Python package kaleido: run "
                              "`make setup` (pip install -r requirements.txt).") from exc
    if browser_path() is None:
        raise RendererMissing(INSTALL_HINT)


def _start() -> None:
    global _started
    if _started:
        return
    check()
    import kaleido

    # choreographer reads BROWSER_PATH; set it so the binary we checked is the one started.
    os.environ.setdefault("BROWSER_PATH", browser_path() or "")
    # mathjax=False: no formulas in our charts, and its default is a CDN we cannot reach.
    kaleido.start_sync_server(mathjax=False, silence_warnings=True)
    _started = True


def render(fig: go.Figure, fmt: str = "png", width: int = DEFAULT_WIDTH,
           height: int | None = None, scale: float = DEFAULT_SCALE) -> bytes:
    """Draw ``fig`` as ``fmt`` (``png``, ``svg`` or ``pdf``) and return the file's bytes.

    ``height`` defaults to the figure's own layout height (480 px when unset). The first call
    starts one headless Chromium for the process (about a second); later calls take about
    0.1 s. Raises :class:`RendererMissing` when kaleido or Chromium is not installed.
    """
    if fmt not in ("png", "svg", "pdf"):
        raise ValueError(f"format must be png, svg or pdf, not {fmt!r}")
    height = int(height or fig.layout.height or 480)
    # The app draws charts on a transparent paper (the page shows through); a file stands
    # alone, so it gets a white one. The copy leaves the caller's figure as it was.
    fig = go.Figure(fig)
    fig.update_layout(paper_bgcolor="white")
    import kaleido

    # The sync server shares one reply queue between callers: one request at a time.
    with _lock:
        _start()
        return kaleido.calc_fig_sync(fig, opts={"format": fmt, "width": width,
                                                "height": height, "scale": scale})
