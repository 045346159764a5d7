"""Imports go one way: views and reports never reach Streamlit or the app's ui helpers."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Package -> the top-level packages its modules must never import.
FORBIDDEN = {
    "views": {"streamlit", "ui", "reports", "pages"},
    "reports": {"streamlit", "ui", "pages"},
}


def imported(path: Path) -> set[str]:
    """The top-level names of every module ``path`` imports."""
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            out.add(node.module.split(".")[0])
    return out


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_a_package_imports_nothing_above_it(package):
    files = sorted((ROOT / package).glob("*.py"))
    assert files
    for path in files:
        wrong = imported(path) & FORBIDDEN[package]
        assert not wrong, f"{path.relative_to(ROOT)} imports {', '.join(sorted(wrong))}"


@pytest.mark.parametrize("module", ["reports.cli", "reports.pdf", "views.registry"])
def test_the_report_side_loads_no_streamlit(module):
    """``python -m reports`` runs from cron: Streamlit (and its logger noise) stays out."""
    code = (f"import sys, {module}; print(sorted(m for m in sys.modules "
            "if m.split('.')[0] in ('streamlit', 'ui', 'pages')))")
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, check=True)
    assert proc.stdout.strip() == "[]"


def test_every_view_has_a_page_and_an_address_apart_from_its_file():
    """Streamlit's pages/-folder discovery would otherwise run a page file without the frame."""
    from views.registry import VIEWS

    assert [v for v in VIEWS if v.default] == [VIEWS[0]]
    assert len({v.key for v in VIEWS}) == len({v.url_path for v in VIEWS}) == len(VIEWS)
    for spec in VIEWS:
        page = ROOT / spec.page
        assert page.parent.name == "pages" and page.is_file(), spec.key
        assert spec.url_path != page.stem, spec.key
