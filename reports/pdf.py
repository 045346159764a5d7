"""Assemble sections into a PDF with fpdf2: one view's snapshot, or the full meeting report."""

from __future__ import annotations

import hashlib
import io
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from urllib.parse import urlencode

import pandas as pd
from fpdf import FPDF
from fpdf.fonts import FontFace

from i18n.catalog import gettext, translator
from reports import images
from store import lake, mentions, queries
from views import format as fmt
from views import labels, registry
from views.context import View
from views.sections import Section, Table, Tile

DEFAULT_BASE_URL = "http://127.0.0.1:8501"
# Debian's DejaVu first; matplotlib (a pinned dependency) ships the same fonts as a fallback.
FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"),)
FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf", "I": "DejaVuSans-Oblique.ttf"}
FONT = "DejaVu"
# Chart width in pixels given to kaleido; the image is drawn across the page's text width.
CHART_PX = 1000
MAX_TABLE_ROWS = 60
# Figures whose name starts so are drawn two per row (word clouds).
SMALL_PREFIX = "cloud_"
MAX_LINK_CHARS = 48
MAX_CELL_CHARS = 300

INK = (49, 51, 63)
MUTED = (110, 114, 130)
RULE = (220, 222, 228)
ACCENT = (31, 119, 180)
GOOD = (9, 171, 59)
BAD = (255, 43, 43)


@dataclass(frozen=True)
class Provenance:
    """What makes a PDF reproducible: the view's URL, the brand queries and a data fingerprint."""

    watch: str
    url_query: str
    base_url: str
    brand_queries: tuple[tuple[str, str], ...]
    fingerprint: str
    fingerprint_basis: str
    generated: datetime
    # The lake snapshot the report read (None on a file): `--snapshot` renders it again.
    snapshot: int | None = None

    def url(self, view_key: str) -> str:
        """The full link that reopens ``view_key`` with the same filters in the app."""
        try:
            path = registry.get(view_key).address
        except registry.ViewError:
            path = ""
        return f"{self.base_url.rstrip('/')}/{path}?{self.url_query}"


def fingerprint(view: View) -> tuple[str, str]:
    """A short md5 of the data the view was built from, and the text it was computed over.

    The text joins the database's item count, its newest ``collected_at`` and the filtered
    mention counts (all, positive, negative), so the same data under the same filters gives
    the same fingerprint on any machine. On a lake it is the snapshot read, which names the
    data exactly: ``snapshot 42``.
    """
    if lake.is_lake(view.db) and (version := lake.snapshot(view.db)) is not None:
        return f"snapshot {version}", f"lake snapshot {version}"
    now = queries.tiles(view.db, view.filters)
    newest = view.info.newest_collected.isoformat() if view.info.newest_collected else "none"
    basis = f"{view.info.items}|{newest}|{now.mentions}|{now.positive}|{now.negative}"
    return hashlib.md5(basis.encode(), usedforsecurity=False).hexdigest()[:12], basis


def provenance(view: View, params: dict[str, list[str]], brand_queries: Sequence[tuple[str,
               str]], base_url: str = DEFAULT_BASE_URL) -> Provenance:
    """Gather the reproducibility block for ``view`` (``params``: the app's URL parameters)."""
    digest, basis = fingerprint(view)
    return Provenance(
        watch=view.info.watch_name or "Veille", url_query=urlencode(params, doseq=True),
        base_url=base_url, brand_queries=tuple((str(n), str(q)) for n, q in brand_queries),
        fingerprint=digest, fingerprint_basis=basis,
        generated=datetime.now(UTC).replace(tzinfo=None, microsecond=0),
        snapshot=lake.snapshot(view.db) if lake.is_lake(view.db) else None)


# --- text that the font can draw -------------------------------------------------------------


def font_dir() -> Path:
    """The folder holding the DejaVu fonts; raise RendererMissing when none is found."""
    import matplotlib

    for folder in (*FONT_DIRS, Path(matplotlib.get_data_path()) / "fonts" / "ttf"):
        if all((folder / name).is_file() for name in FONT_FILES.values()):
            return folder
    raise images.RendererMissing("PDFs need the DejaVu fonts: install fonts-dejavu-core "
                                 "(`sudo apt-get install fonts-dejavu-core`).")


@cache
def _drawable() -> frozenset[int]:
    from fontTools.ttLib import TTFont

    with TTFont(font_dir() / FONT_FILES[""], lazy=True) as font:
        return frozenset(font.getBestCmap())


def clean(text: object) -> str:
    """``text`` as a string the PDF font can draw: emoji and other missing glyphs become ``?``.

    Control characters become spaces; nothing is interpreted (no markdown, no HTML), so
    collected text such as ``<script>`` prints literally.
    """
    if text is None or (isinstance(text, float) and math.isnan(text)):
        return ""
    drawable = _drawable()
    out = []
    for ch in str(text):
        code = ord(ch)
        if ch in "\n\t":
            out.append(" ")
        elif code < 32 or 0xFE00 <= code <= 0xFE0F or code == 0x200D:
            continue  # variation selectors and joiners only glue emoji together
        elif code in drawable:
            out.append(ch)
        else:
            out.append("?")
    return "".join(out)


# --- the document ----------------------------------------------------------------------------


class _Document(FPDF):
    def __init__(self, prov: Provenance, running_title: str, lang: str = "en"):
        super().__init__(orientation="P", unit="mm", format="A4")
        self.prov = prov
        self.running_title = running_title
        self.lang = lang
        self._ = translator(lang)
        folder = font_dir()
        for style, name in FONT_FILES.items():
            self.add_font(FONT, style, str(folder / name))
        self.set_margins(14, 16, 14)
        self.set_auto_page_break(True, margin=16)
        self.set_title(clean(f"{prov.watch} · {running_title}"))
        self.set_author("Veille")
        self.set_creator("Veille (python -m reports)")
        self.skip_header = False

    def header(self) -> None:
        if self.skip_header:
            return
        self.set_y(7)
        self.set_font(FONT, "", 8)
        self.set_text_color(*MUTED)
        self.cell(0, 4, clean(f"{self.prov.watch} · {self.running_title}"), align="L")
        self.set_y(7)
        self.cell(0, 4, self._("Generated {when}").format(
            when=fmt.moment(self.prov.generated, self.lang)), align="R")
        self.set_draw_color(*RULE)
        self.line(self.l_margin, 12, self.w - self.r_margin, 12)
        self.set_y(16)

    def footer(self) -> None:
        self.set_y(-11)
        self.set_font(FONT, "", 8)
        self.set_text_color(*MUTED)
        self.cell(0, 4, self._("Data fingerprint {fingerprint}").format(
            fingerprint=self.prov.fingerprint), align="L")
        self.set_x(self.l_margin)
        self.cell(0, 4, self._("Page {page} of {pages}").format(page=self.page_no(),
                                                                pages="{nb}"), align="R")

    @property
    def text_width(self) -> float:
        return self.w - self.l_margin - self.r_margin

    def room(self) -> float:
        return self.h - self.b_margin - self.get_y()

    def need(self, height: float) -> None:
        """Start a new page unless ``height`` mm still fit on this one."""
        if self.room() < height:
            self.add_page()

    def para(self, text: str, size: float = 10, style: str = "", color=INK, height=None,
             link: str | None = None) -> None:
        self.set_font(FONT, style, size)
        self.set_text_color(*color)
        self.multi_cell(0, height or size * 0.5, clean(text), new_x="LMARGIN", new_y="NEXT",
                        align="L", link=link or "")


def _view_heading(pdf: _Document, view: View, title: str) -> None:
    _ = pdf._
    pdf.set_font(FONT, "B", 20)
    pdf.set_text_color(*INK)
    pdf.cell(0, 11, clean(title), new_x="LMARGIN", new_y="NEXT")
    pdf.para(view.period_text, 11, "B", height=6)
    if view.previous_text:
        pdf.para(_("Compared with {previous}").format(previous=view.previous_text), 9.5,
                 color=MUTED, height=5)
    pdf.para(_("Filters: {filters}").format(filters=view.dimensions_text), 9.5, color=MUTED,
             height=5)
    pdf.para(_newest(view) + (_(" · demo data") if view.info.is_demo else ""), 9.5,
             color=MUTED, height=5)
    pdf.ln(3)


def _newest(view: View) -> str:
    """When the newest data in the view was collected, in the view's language."""
    return gettext("Newest data included: collected {when}", view.lang).format(
        when=fmt.moment(view.info.newest_collected, view.lang))


def _tiles(pdf: _Document, tiles: list[Tile]) -> None:
    if not tiles:
        return
    gap, height = 4.0, 30.0
    width = (pdf.text_width - gap * (len(tiles) - 1)) / len(tiles)
    pdf.need(height + 4)
    top = pdf.get_y()
    for i, tile in enumerate(tiles):
        x = pdf.l_margin + i * (width + gap)
        pdf.set_draw_color(*RULE)
        pdf.set_fill_color(250, 250, 252)
        pdf.rect(x, top, width, height, style="DF", round_corners=True, corner_radius=2)
        pdf.set_xy(x + 3, top + 2.5)
        pdf.set_font(FONT, "", 9)
        pdf.set_text_color(*MUTED)
        pdf.cell(width - 6, 5, clean(tile.label))
        pdf.set_xy(x + 3, top + 8)
        pdf.set_font(FONT, "B", 18)
        pdf.set_text_color(*INK)
        pdf.cell(width - 6, 9, clean(tile.value))
        if tile.delta:
            pdf.set_xy(x + 3, top + 18.5)
            pdf.set_font(FONT, "B", 8.5)
            neutral = tile.delta.lstrip("+-").startswith(("0 ", "0.0 ", "0,0\u00a0", "0,0 "))
            pdf.set_text_color(*(MUTED if neutral else GOOD if tile.delta[0] == "+"
                                 else BAD if tile.delta[0] == "-" else MUTED))
            pdf.cell(width - 6, 4.5, clean(tile.delta))
        if tile.note:
            pdf.set_xy(x + 3, top + (23 if tile.delta else 18.5))
            pdf.set_font(FONT, "", 7.5)
            pdf.set_text_color(*MUTED)
            pdf.cell(width - 6, 4.5, clean(tile.note))
    pdf.set_xy(pdf.l_margin, top + height + 5)


def _figure(pdf: _Document, fig) -> None:
    height_px = int(fig.layout.height or 480)
    png = images.render(fig, "png", width=CHART_PX, height=height_px)
    height_mm = pdf.text_width * height_px / CHART_PX
    pdf.need(height_mm + 2)
    pdf.image(io.BytesIO(png), x=pdf.l_margin, w=pdf.text_width, h=height_mm)
    pdf.ln(3)


def _cell(value: object, lang: str = "en") -> str:
    if isinstance(value, pd.Timestamp | datetime):
        return fmt.moment(value.to_pydatetime() if isinstance(value, pd.Timestamp) else value,
                          lang)
    if isinstance(value, float) and not math.isnan(value) and value != int(value):
        return f"{value:,.2f}" if lang == "en" else fmt.decimal(value, 2, lang)
    if isinstance(value, float) and not math.isnan(value):
        return fmt.count(int(value), lang)
    if isinstance(value, int) and not isinstance(value, bool):
        return fmt.count(value, lang)
    text = clean(value)
    return text if len(text) <= MAX_CELL_CHARS else text[:MAX_CELL_CHARS - 1] + "…"


def _short_url(url: str) -> str:
    """The link as printed: without its scheme, cut to fit a column; the full URL is the link."""
    text = url.split("://", 1)[-1]
    return text if len(text) <= MAX_LINK_CHARS else text[:MAX_LINK_CHARS - 1] + "…"


def _table(pdf: _Document, table: Table) -> None:
    frame = table.frame
    columns = [c for c in frame.columns
               if c != table.link or table.link in ("URL", "Link", gettext("Link", pdf.lang))]
    pdf.need(30)
    pdf.set_font(FONT, "B", 12)
    pdf.set_text_color(*INK)
    pdf.cell(0, 8, clean(table.title), new_x="LMARGIN", new_y="NEXT")
    if frame.empty:
        pdf.para(pdf._("Nothing to show for these filters."), 9, color=MUTED)
        pdf.ln(2)
        return
    shown = frame.head(MAX_TABLE_ROWS)
    pdf.set_font(FONT, "", 7.5)
    pdf.set_text_color(*INK)
    pdf.set_draw_color(*RULE)
    heading = FontFace(family=FONT, emphasis="BOLD", size_pt=7.5, color=INK,
                       fill_color=(240, 242, 246))
    with pdf.table(col_widths=table.widths or None, headings_style=heading, line_height=3.6,
                   text_align="LEFT", borders_layout="HORIZONTAL_LINES", padding=1,
                   first_row_as_headings=True, width=pdf.text_width) as out:
        head = out.row()
        for column in columns:
            head.cell(clean(column))
        for _, record in shown.iterrows():
            row = out.row()
            url = str(record[table.link]) if table.link and pd.notna(record[table.link]) else None
            for column in columns:
                text = _cell(record[column], pdf.lang)
                if url and column == table.link:
                    row.cell(_short_url(text),
                             link=url if url.startswith(("http://", "https://")) else None)
                else:
                    row.cell(text)
    if len(frame) > MAX_TABLE_ROWS:
        pdf.para(pdf._("First {shown} of {total} rows.").format(
            shown=MAX_TABLE_ROWS, total=fmt.count(len(frame), pdf.lang)), 8, "I", MUTED)
    if table.note:
        pdf.para(table.note, 8, "I", MUTED)
    pdf.ln(3)


def _small_figures(pdf: _Document, figures: list) -> None:
    """Draw figures two per row at half width (word clouds: one per brand)."""
    gap = 4.0
    width = (pdf.text_width - gap) / 2
    for start in range(0, len(figures), 2):
        pair = figures[start:start + 2]
        pngs = [(images.render(f, "png", width=CHART_PX // 2,
                               height=int(f.layout.height or 480)), f) for f in pair]
        height = max(width * int(f.layout.height or 480) / (CHART_PX // 2) for _, f in pngs)
        pdf.need(height + 2)
        top = pdf.get_y()
        for i, (png, fig) in enumerate(pngs):
            h = width * int(fig.layout.height or 480) / (CHART_PX // 2)
            pdf.image(io.BytesIO(png), x=pdf.l_margin + i * (width + gap), y=top, w=width, h=h)
        pdf.set_y(top + height + 3)


def _section(pdf: _Document, section: Section) -> None:
    _tiles(pdf, section.tiles)
    small = [fig for name, fig in section.figures if name.startswith(SMALL_PREFIX)]
    if small:
        _small_figures(pdf, small)
    for name, fig in section.figures:
        if not name.startswith(SMALL_PREFIX):
            _figure(pdf, fig)
    for note in section.notes:
        pdf.para(note, 8.5, "I", MUTED, height=4.5)
    if section.notes:
        pdf.ln(2)
    for table in section.tables:
        _table(pdf, table)


def _reproduce(pdf: _Document, prov: Provenance, keys: Sequence[str]) -> None:
    _ = pdf._
    pdf.need(60)
    pdf.ln(2)
    pdf.set_draw_color(*RULE)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
    pdf.ln(3)
    pdf.set_font(FONT, "B", 12)
    pdf.set_text_color(*INK)
    pdf.cell(0, 7, _("Reopen this view"), new_x="LMARGIN", new_y="NEXT")
    pdf.para(_("Open the link in Veille to see the same filters; the fingerprint changes when "
               "the data behind these numbers does."), 8.5, color=MUTED, height=4.5)
    pdf.ln(1)
    for key in keys:
        url = prov.url(key)
        pdf.para(url, 8.5, color=ACCENT, height=4.5, link=url)
    pdf.ln(1)
    if prov.snapshot is not None:
        text = _("Data: lake snapshot {snapshot}. The same command with --snapshot {snapshot} "
                 "renders this report again from exactly the same data.").format(
            snapshot=prov.snapshot)
    else:
        text = _("Data fingerprint: {fingerprint} (md5 of items|newest collected|mentions|"
                 "positive|negative = {basis})").format(fingerprint=prov.fingerprint,
                                                       basis=prov.fingerprint_basis)
    pdf.para(text, 8.5, height=4.5)
    pdf.ln(1)
    pdf.set_font(FONT, "B", 9)
    pdf.cell(0, 6, _("Brand queries"), new_x="LMARGIN", new_y="NEXT")
    for name, query in prov.brand_queries:
        pdf.para(f"{name}: {query}", 8.5, height=4.5)


def snapshot(view: View, section: Section, prov: Provenance) -> bytes:
    """One view's PDF: its heading, filters in words, tiles, charts, tables, how to reopen it."""
    pdf = _Document(prov, section.title, view.lang)
    pdf.add_page()
    pdf.set_font(FONT, "", 10)
    pdf.set_text_color(*MUTED)
    pdf.cell(0, 5, clean(prov.watch), new_x="LMARGIN", new_y="NEXT")
    pdf.start_section(clean(section.title))
    _view_heading(pdf, view, section.title)
    _section(pdf, section)
    _reproduce(pdf, prov, [section.key])
    return bytes(pdf.output())


def _contents(pdf: _Document, outline) -> None:
    pdf.set_xy(pdf.l_margin, 20)
    pdf.set_font(FONT, "B", 20)
    pdf.set_text_color(*INK)
    pdf.cell(0, 12, pdf._("Contents"), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font(FONT, "", 12)
    for entry in outline:
        if entry.level:
            continue
        link = pdf.add_link(page=entry.page_number)
        pdf.cell(pdf.w - pdf.l_margin - pdf.r_margin - 20, 9, entry.name, link=link)
        pdf.cell(20, 9, str(entry.page_number), align="R", new_x="LMARGIN", new_y="NEXT",
                 link=link)


def report(view: View, sections: Sequence[Section], prov: Provenance) -> bytes:
    """The meeting report: a cover, a contents list, one part per view, how to reopen them."""
    _ = translator(view.lang)
    pdf = _Document(prov, _("Meeting report"), view.lang)
    pdf.skip_header = True
    pdf.add_page()
    pdf.set_y(70)
    pdf.set_font(FONT, "", 14)
    pdf.set_text_color(*MUTED)
    pdf.cell(0, 8, _("Meeting report"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "B", 30)
    pdf.set_text_color(*INK)
    pdf.multi_cell(0, 14, clean(prov.watch), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_fill_color(*ACCENT)
    pdf.rect(pdf.l_margin, pdf.get_y(), 40, 1.5, style="F")
    pdf.ln(8)
    pdf.para(view.period_text, 14, "B", height=8)
    if view.previous_text:
        pdf.para(_("Compared with {previous}").format(previous=view.previous_text), 11,
                 color=MUTED, height=6)
    pdf.para(_("Filters: {filters}").format(filters=view.dimensions_text), 11, color=MUTED,
             height=6)
    pdf.para(_newest(view), 11, color=MUTED, height=6)
    pdf.para(_("Views: {views}").format(views=", ".join(s.title for s in sections)), 11,
             color=MUTED, height=6)
    models = labels.sentiment_models(mentions.sentiment_models(view.db), view.lang)
    if models:
        pdf.para(models, 11, color=MUTED, height=6)
    if view.info.is_demo:
        pdf.ln(3)
        pdf.para(_("Demo data: brands and mentions generated to show what Veille does."), 10,
                 "I", MUTED)
    pdf.set_y(-50)
    pdf.para(_("Generated {when} · data fingerprint {fingerprint}").format(
        when=fmt.moment(prov.generated, view.lang), fingerprint=prov.fingerprint),
             9, color=MUTED)
    pdf.skip_header = False
    pdf.add_page()
    pdf.insert_toc_placeholder(_contents)
    for number, section in enumerate(sections):
        if number:  # the contents placeholder already opened the first section's page
            pdf.add_page()
        pdf.start_section(clean(section.title))
        _view_heading(pdf, view, section.title)
        _section(pdf, section)
    pdf.add_page()
    pdf.start_section(clean(_("Reopen these views")))
    _reproduce(pdf, prov, [s.key for s in sections])
    return bytes(pdf.output())
