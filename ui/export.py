"""The sidebar's Export section: PDF snapshot, meeting report, CSV, Excel and chart images."""

from __future__ import annotations

import re
from collections.abc import Callable

import streamlit as st

from config import default_config_path
from i18n.catalog import translator
from reports import exports, images, pdf
from reports.cli import brand_queries
from store.filters import Filters
from store.mentions import MentionQuery
from ui import filters as flt
from views import format as fmt
from views import registry
from views.context import View


def _params() -> dict[str, list[str]]:
    """The filters exactly as the app's URL carries them right now."""
    return {key: st.query_params.get_all(key) for key in flt.PARAMS
            if st.query_params.get_all(key)}


def _base_url() -> str:
    try:
        url = st.context.url or ""
    except AttributeError:  # older Streamlit: no st.context.url
        url = ""
    match = re.match(r"^(https?://[^/?#]+)", url)
    return match.group(1) if match else pdf.DEFAULT_BASE_URL


def _stem(view: View, what: str) -> str:
    watch = re.sub(r"[^\w-]+", "-", view.info.watch_name or "veille").strip("-").lower()
    end = view.filters.end or view.info.last_day
    return f"{watch or 'veille'}_{what}_{end:%Y-%m-%d}"


def missing() -> str | None:
    """What to install before charts and PDFs can be made, or None when all is there."""
    try:
        images.check()
        pdf.font_dir()
    except images.RendererMissing as exc:
        return str(exc)
    return None


def snapshot_maker(view: View, key: str, params: dict[str, list[str]], base_url: str
                   ) -> Callable[[], bytes]:
    """A function that builds the PDF snapshot of view ``key`` (run when the button is clicked)."""
    def make() -> bytes:
        prov = pdf.provenance(view, params, brand_queries(default_config_path(), view.db),
                              base_url)
        return pdf.snapshot(view, registry.get(key).build(view), prov)
    return make


def report_maker(view: View, params: dict[str, list[str]], base_url: str
                 ) -> Callable[[], bytes]:
    """A function that builds the meeting report with every view."""
    def make() -> bytes:
        prov = pdf.provenance(view, params, brand_queries(default_config_path(), view.db),
                              base_url)
        return pdf.report(view, [spec.build(view) for spec in registry.VIEWS], prov)
    return make


def sidebar(view: View, url_path: str) -> None:
    """Draw the Export section of the sidebar for the page at ``url_path``.

    Files are made only when their button is clicked (Streamlit runs the maker then), so
    drawing the section costs nothing. When Chromium or the fonts are missing, the section
    says what to install instead of offering buttons that would fail.
    """
    spec = registry.by_url_path(url_path)
    key = spec.key if spec else None
    params, base_url = _params(), _base_url()
    _ = translator(view.lang)
    with st.sidebar:
        st.subheader(_("Export"), anchor=False)
        problem = missing()
        if problem:
            st.caption(_("PDF and chart images are off: {problem}").format(problem=problem))
        else:
            if key:
                st.download_button(
                    _("Snapshot of this view (PDF)"), snapshot_maker(view, key, params, base_url),
                    file_name=f"{_stem(view, key)}.pdf", mime="application/pdf",
                    icon=":material/picture_as_pdf:", width="stretch", on_click="ignore",
                    key="export_snapshot",
                    help=_("What this page shows under the current filters, with the link "
                           "that reopens it."))
            st.download_button(
                _("Meeting report (PDF, every view)"), report_maker(view, params, base_url),
                file_name=f"{_stem(view, 'report')}.pdf", mime="application/pdf",
                icon=":material/summarize:", width="stretch", on_click="ignore",
                key="export_report")
            if key:
                st.download_button(
                    _("Charts of this view (PNG + SVG)"),
                    lambda: exports.charts_zip(spec.build(view)),
                    file_name=f"{_stem(view, key)}_charts.zip", mime="application/zip",
                    icon=":material/image:", width="stretch", on_click="ignore",
                    key="export_charts")
        db, filters = view.db, view.filters
        st.download_button(
            _("Mentions (CSV)"), lambda: exports.csv_bytes(db, filters, lang=view.lang),
            file_name=f"{_stem(view, 'mentions')}.csv", mime="text/csv",
            icon=":material/table_view:", width="stretch", on_click="ignore",
            key="export_csv",
            help=_("The items behind the mentions under the current filters, newest first "
                   "(at most {rows} rows).").format(
                       rows=fmt.count(exports.MAX_ROWS, lang=view.lang)))
        st.download_button(
            _("Mentions (Excel)"), lambda: exports.xlsx_bytes(db, filters, lang=view.lang),
            file_name=f"{_stem(view, 'mentions')}.xlsx",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            icon=":material/grid_on:", width="stretch", on_click="ignore", key="export_xlsx")


def list_button(db: str, filters: Filters, query: MentionQuery, lang: str = "en") -> None:
    """The Mentions page's "Download this list (CSV)": the list as searched and sorted, its
    cells made safe for spreadsheets like every other export (built when clicked)."""
    st.download_button(
        translator(lang)("Download this list (CSV)"),
        lambda: exports.list_csv_bytes(db, filters, query, lang=lang),
        icon=":material/download:", file_name="mentions.csv", mime="text/csv",
        on_click="ignore")
