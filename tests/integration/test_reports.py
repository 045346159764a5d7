"""PDF snapshots, the meeting report CLI and the exports, on real demo data, read back as text."""

from __future__ import annotations

import csv
import hashlib
import io
import os
import re
import shutil
import subprocess
import sys
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from reports import exports, images, pdf
from reports.cli import make_pdf
from store import writing
from store.writes import now, save_brands, set_meta, write_batch
from views import registry
from views.context import make_view, parse_choices
from views.registry import KEYS as VIEWS
from views.sections import Section, Table, Tile

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "reports"
HOSTILE = "<script>alert('x')</script> <b>gras</b> Téléphone 😀🔥 ok"
FORMULA = "=HYPERLINK(\"http://evil.test\",\"clic\")"

pytestmark = pytest.mark.skipif(
    images.browser_path() is None or shutil.which("pdftotext") is None
    or shutil.which("pdftoppm") is None,
    reason="needs chromium and poppler-utils (make os-deps)")


def pdf_text(path: Path) -> str:
    """The PDF's text as pdftotext reads it (what a reader searching the file finds)."""
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout


def page_count(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True,
                          check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))


def render_pages(path: Path, name: str) -> list[Path]:
    """Render every page to PNG under test-artifacts/reports/ and return the files."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob(f"{name}-*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-r", "80", "-png", str(path), str(ARTIFACTS / name)],
                   check=True, capture_output=True)
    return sorted(ARTIFACTS.glob(f"{name}-*.png"))


def db_one(db: Path, sql: str, params: list | None = None):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params or []).fetchone()
    finally:
        con.close()


def june(db: Path) -> dict:
    """The numbers of the last 30 days of the demo (1–30 June 2026), straight from DuckDB."""
    lo, hi = datetime(2026, 6, 1), datetime(2026, 7, 1)
    total, pos, neg = db_one(db, """
        SELECT count(*), count(*) FILTER (sentiment_label = 'positive'),
               count(*) FILTER (sentiment_label = 'negative')
        FROM mentions WHERE published_at >= ? AND published_at < ?""", [lo, hi])
    items = db_one(db, """SELECT count(DISTINCT item_id) FROM mentions
                          WHERE published_at >= ? AND published_at < ?""", [lo, hi])[0]
    count, newest = db_one(db, "SELECT count(*), max(collected_at) FROM items")
    return {"mentions": total, "positive": pos, "negative": neg, "items": items,
            "all_items": count, "newest": newest}


@pytest.fixture(scope="module")
def snapshots(demo_db, demo_config, tmp_path_factory) -> dict[str, Path]:
    """One PDF snapshot per view, built in this process as the app's button builds them."""
    folder = tmp_path_factory.mktemp("snapshots")
    out = {}
    for name in VIEWS:
        content, _ = make_pdf(demo_db, {"period": ["30d"]}, [name], demo_config)
        out[name] = folder / f"{name}.pdf"
        out[name].write_bytes(content)
    return out


@pytest.fixture(scope="module")
def cron_report(demo_db, demo_config, tmp_path_factory) -> tuple[Path, subprocess.
                                                                  CompletedProcess]:
    """The full meeting report made by the CLI as cron would run it: bare env, no stdin."""
    out = tmp_path_factory.mktemp("cron") / "weekly" / "report.pdf"
    env = {"PATH": "/usr/bin:/bin", "HOME": str(out.parent.parent), "LANG": "C.UTF-8"}
    proc = subprocess.run(
        [sys.executable, "-m", "reports", "pdf", "--out", str(out), "--db", str(demo_db),
         "--config", str(demo_config), "--since", "2026-06-01", "--until", "2026-06-30"],
        cwd=ROOT, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True,
        timeout=300)
    return out, proc


def test_every_view_snapshot_reads_right(snapshots, demo_db):
    numbers = june(demo_db)
    for name, path in snapshots.items():
        text = pdf_text(path)
        assert "Last 30 days: 1 – 30 Jun 2026" in text, name
        assert "Compared with the previous 30 days: 2 – 31 May 2026" in text, name
        assert "Filters: all brands · all sources" in text, name
        assert f"http://127.0.0.1:8501/{registry.get(name).address}?period=30d" in text, name
        assert "Brand queries" in text and '"Opalia" OR @opalia_fr' in text, name
        assert "Opérateurs télécoms (demo)" in text, name  # accents survive
        moment = numbers["newest"]
        assert f"collected {moment.day} {moment:%b %Y %H:%M} UTC" in text, name
        pages = page_count(path)
        assert f"Page {pages} of {pages}" in text, name
        assert render_pages(path, f"snapshot_{name}"), name


def test_overview_numbers_match_the_database(snapshots, demo_db):
    numbers = june(demo_db)
    text = pdf_text(snapshots["overview"])
    assert f"{numbers['mentions']:,}" in text
    net = (numbers["positive"] - numbers["negative"]) / numbers["mentions"] * 100
    assert f"{round(net, 1):+.1f} %" in text
    assert f"{numbers['positive']:,} positive, {numbers['negative']:,} negative" in text
    for brand in ("Opalia", "Orbis", "Ciel Mobile", "Tilia", "Zephir"):
        assert brand in text


def test_fingerprint_is_reproducible_from_the_database(snapshots, demo_db):
    numbers = june(demo_db)
    basis = (f"{numbers['all_items']}|{numbers['newest'].isoformat()}|{numbers['mentions']}|"
             f"{numbers['positive']}|{numbers['negative']}")
    digest = hashlib.md5(basis.encode()).hexdigest()[:12]
    for path in snapshots.values():
        assert f"Data fingerprint {digest}" in pdf_text(path)


def test_mentions_snapshot_lists_top_mentions_with_links(snapshots, demo_db):
    text = pdf_text(snapshots["mentions"])
    assert "Top 25 mentions by engagement" in text
    numbers = june(demo_db)
    assert f"{numbers['items']:,}" in text
    raw = snapshots["mentions"].read_bytes()
    assert raw.count(b"/URI (https://") >= 25  # clickable links, not only printed


def test_cron_report_has_cover_contents_and_every_view(cron_report, demo_db):
    out, proc = cron_report
    assert proc.returncode == 0, proc.stderr
    assert "wrote" in proc.stdout and proc.stderr.strip() == ""
    text = pdf_text(out)
    assert "Meeting report" in text and "Contents" in text
    for title in ("Overview", "Share of voice", "Trends", "Topics", "Mentions", "Alerts",
                  "Community", "Sources", "Reopen these views"):
        assert title in text
    assert "Custom dates: 1 – 30 Jun 2026 (30 days)" in text
    assert "period=custom&from=2026-06-01&to=2026-06-30" in text
    assert f"{june(demo_db)['mentions']:,}" in text
    # The cover says what read the sentiment in its numbers (the demo: the shipped models).
    assert ("Sentiment read by the standard model for posts in English and other languages "
            "(as shipped) and the standard model for French posts (as shipped).") in \
        " ".join(text.split())
    pages = page_count(out)
    assert pages >= 1 + 1 + len(VIEWS)
    assert len(render_pages(out, "report")) == pages


def test_cron_report_filters_by_brand_and_language(demo_db, demo_config, tmp_path):
    out = tmp_path / "orbis.pdf"
    proc = subprocess.run(
        [sys.executable, "-m", "reports", "pdf", "--out", str(out), "--db", str(demo_db),
         "--config", str(demo_config), "--brand", "Orbis", "--item-lang", "fr", "--view",
         "overview", "--period", "7d"],
        cwd=ROOT, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    text = pdf_text(out)
    assert "Filters: Orbis · all sources · French (fr)" in text
    assert "Last 7 days: 24 – 30 Jun 2026" in text
    expected = db_one(demo_db, """SELECT count(*) FROM mentions WHERE brand = 'Orbis'
                                  AND lang = 'fr' AND published_at >= '2026-06-24'
                                  AND published_at < '2026-07-01'""")[0]
    assert re.search(rf"Mentions\s.*\n\s*{expected:,}\b", text)
    # Overview is the app's root: a link to /home would open on "Page not found".
    assert "8501/?period=7d&brand=Orbis&lang=fr" in text and "/home?" not in text


@pytest.mark.parametrize(("args", "message"), [
    (["--brand", "Nope"], "unknown brand 'Nope'"),
    (["--since", "2030-01-01"], "no data between 2030-01-01"),
    (["--since", "yesterday"], "is not a day like"),
])
def test_cli_refuses_bad_filters_clearly(demo_db, tmp_path, args, message):
    out = tmp_path / "bad.pdf"
    proc = subprocess.run(
        [sys.executable, "-m", "reports", "pdf", "--out", str(out), "--db", str(demo_db),
         "--view", "overview", *args],
        cwd=ROOT, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120)
    assert proc.returncode != 0
    assert message in proc.stderr
    assert not out.exists()


def test_cli_says_to_install_chromium_when_missing(demo_db, tmp_path):
    out = tmp_path / "none.pdf"
    env = {**os.environ, "BROWSER_PATH": str(tmp_path / "no-chromium-here")}
    proc = subprocess.run(
        [sys.executable, "-m", "reports", "pdf", "--out", str(out), "--db", str(demo_db)],
        cwd=ROOT, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True,
        timeout=120)
    assert proc.returncode == 1
    assert "install" in proc.stderr and "chromium" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not out.exists()


# --- hostile collected text ---------------------------------------------------------------


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory) -> Path:
    """A tiny watch whose collected text holds HTML, script tags, emoji and a formula."""
    path = tmp_path_factory.mktemp("hostile") / "veille.duckdb"
    Brand = type("Brand", (), {})
    brand = Brand()
    brand.name, brand.query, brand.own, brand.color = "Acme", "acme", True, "#1f77b4"
    items, mentions = [], []
    end = date(2026, 6, 30)
    for back in range(20):
        published = datetime.combine(end - timedelta(days=back), datetime.min.time())
        item_id = hashlib.md5(str(back).encode()).hexdigest()
        title = HOSTILE if back % 2 else FORMULA
        items.append((item_id, "forum", "forum", f"https://example.test/{back}", title,
                      f"acme {title}", "@mallory", published, now(), "fr", -0.5, "negative",
                      back, None, None, item_id))
        mentions.append((item_id, "Acme", -0.5, "negative", published, "forum", "forum", "fr"))
    with writing(path) as con:
        save_brands(con, [brand])
        set_meta(con, "watch_name", "Hostile <i>watch</i>")
        write_batch(con, items, mentions, source="forum", kind="forum", state={})
    return path


def test_hostile_text_prints_literally(hostile_db, tmp_path):
    content, _ = make_pdf(hostile_db, {"period": ["30d"]}, ["mentions"],
                          tmp_path / "absent.toml")
    out = tmp_path / "hostile.pdf"
    out.write_bytes(content)
    text = pdf_text(out)
    assert "<script>alert('x')</script>" in text
    assert "Hostile <i>watch</i>" in text
    # Accents stay; an emoji the font lacks (🔥) becomes a visible "?" instead of a crash.
    assert "Téléphone" in text and "?" + " ok" in text and "🔥" not in text
    render_pages(out, "hostile")


def test_tables_and_tiles_render_unicode_and_long_cells(tmp_path, demo_db):
    choices, options = parse_choices(demo_db, {"period": ["7d"]})
    view = make_view(demo_db, choices, options)
    section = Section("mentions", "Mentions", tiles=[Tile("Émojis 🚀", "1 234", "+5 (+1.0 %)")])
    rows = [{"Texte": HOSTILE * 20, "Link": "https://example.test/" + "a" * 300}] * 80
    import pandas as pd
    section.tables.append(Table("Très long", pd.DataFrame(rows), link="Link"))
    prov = pdf.provenance(view, {"period": ["7d"]}, [("Acme", "acme")])
    out = tmp_path / "long.pdf"
    out.write_bytes(pdf.snapshot(view, section, prov))
    text = pdf_text(out)
    assert "Émojis ?" in text and "First 60 of 80 rows." in text
    assert page_count(out) > 1


# --- exports ------------------------------------------------------------------------------


def test_csv_export_matches_the_database(demo_db):
    from store.filters import Filters

    filters = Filters(start=date(2026, 6, 1), end=date(2026, 6, 30), brands=("Orbis",))
    data = exports.csv_bytes(demo_db, filters).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(data)))
    expected = db_one(demo_db, """SELECT count(DISTINCT item_id) FROM mentions
                                  WHERE brand = 'Orbis' AND published_at >= '2026-06-01'
                                  AND published_at < '2026-07-01'""")[0]
    assert len(rows) == expected
    assert all("Orbis" in r["brands"] for r in rows)
    stamps = [r["published_at"] for r in rows]
    assert stamps == sorted(stamps, reverse=True)


def test_csv_export_caps_and_says_so(demo_db):
    from store.filters import Filters

    data = exports.csv_bytes(demo_db, Filters(), cap=10).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(data)))  # texts may hold line breaks: parse, not split
    assert len(rows) == 12 and "cut at 10 rows" in rows[-1][0]


def test_exports_neutralise_formulas(hostile_db):
    from openpyxl import load_workbook

    from store.filters import Filters

    data = exports.csv_bytes(hostile_db, Filters()).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(data)))
    titles = {r["title"] for r in rows}
    assert "'" + FORMULA in titles and FORMULA not in titles
    assert {r["author"] for r in rows} == {"'@mallory"}
    book = load_workbook(io.BytesIO(exports.xlsx_bytes(hostile_db, Filters())))
    sheet = book["Mentions"]
    values = [c.value for c in sheet["F"]][1:]
    assert len(values) == 20 and "'" + FORMULA in values
    assert not any(str(v).startswith("=") for row in sheet.iter_rows(values_only=True)
                   for v in row if v is not None)


def test_chart_images_zip_has_png_and_svg(demo_db):
    import zipfile

    choices, options = parse_choices(demo_db, {"period": ["30d"]})
    section = registry.get("overview").build(make_view(demo_db, choices, options))
    archive = zipfile.ZipFile(io.BytesIO(exports.charts_zip(section)))
    names = sorted(archive.namelist())
    assert names == ["overview_share_of_voice.png", "overview_share_of_voice.svg",
                     "overview_volume.png", "overview_volume.svg"]
    assert archive.read("overview_volume.png").startswith(b"\x89PNG")
    assert b"Orbis" in archive.read("overview_volume.svg")
