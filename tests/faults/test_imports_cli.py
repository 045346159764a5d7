"""A hostile CSV export through the whole CLI: bad rows reported by line, good rows kept exactly."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb

from store.alerts import source_health
from tests.conftest import collect

WATCH = """\
name = "Import faults"

[[brands]]
name = "Opalia"
query = "opalia"
own = true

[[sources]]
name = "export"
kind = "file"
path = "export.csv"
columns = { id = "id", text = "text", author = "author", published_at = "published_at" }
"""

BIG = 1_000_000  # collectors/file.py MAX_LINE_BYTES


def good(n: int, text: str = "Opalia répond vite, très bien") -> bytes:
    return f'{n},"{text} #{n}",user{n},2026-06-0{1 + n % 9} 10:00:00\n'.encode()


def export() -> tuple[bytes, set[str], dict[int, str]]:
    """The file, the ids that must land, and line -> words the report of that line must hold."""
    lines: list[bytes] = [b"id,text,author,published_at\n"]
    keep: set[str] = set()
    bad: dict[int, str] = {}

    def add(data: bytes, ident: str | None = None, reason: str | None = None) -> None:
        lines.append(data)
        if ident:
            keep.add(ident)
        if reason is not None:
            bad[len(lines)] = reason

    for n in range(1, 6):
        add(good(n), str(n))
    add(b'6,"Opalia \x00 hidden",user6,2026-06-02 10:00:00\n', reason="NUL")
    add(f'7,"Opalia {"x" * (BIG + 10)}",user7,2026-06-02 10:00:00\n'.encode(),
        reason="longer than")
    # Just under the limit is an ordinary (long) row.
    add(f'8,"Opalia {"y" * (BIG - 100)}",user8,2026-06-02 10:00:00\n'.encode(), "8")
    # A Windows-1252 line inside a UTF-8 file (an export pasted together from two tools):
    # kept, decoded byte by byte, and reported.
    add('9,"Opalia café crème",user9,2026-06-03 10:00:00\n'.encode("cp1252"), "9",
        reason="mixed encodings")
    add(b'10,"Opalia from the future",user10,3024-01-01 10:00:00\n', reason="future")
    add(b'11,"Opalia before the epoch",user11,1955-05-01 10:00:00\n', reason="1970")
    add(good(12), "12")
    # The last record is cut off inside its quoted text (the export was interrupted).
    add(b'13,"Opalia truncated at the end of the fi', reason="never closed")
    return b"".join(lines), keep, bad


def test_a_hostile_export_keeps_exactly_its_good_rows(tmp_path: Path):
    data, keep, bad = export()
    (tmp_path / "export.csv").write_bytes(data)
    config = tmp_path / "watch.toml"
    config.write_text(WATCH, encoding="utf-8")
    db = tmp_path / "v.duckdb"
    proc = collect(config, db, check=False)
    assert "Traceback" not in proc.stderr, proc.stderr[-2000:]
    assert proc.returncode == 0, proc.stdout + proc.stderr[-2000:]

    reports = {int(m.group(1)): m.group(0) for m in
               re.finditer(r"line (\d+): [^\n]*", proc.stderr)}
    for line, words in bad.items():
        assert line in reports, (line, proc.stderr[-2000:])
        assert words.lower() in reports[line].lower(), reports[line]
    # Only the bad lines are reported: nothing about a good one.
    assert set(reports) == set(bad), sorted(reports)

    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute("SELECT item_id, text, published_at FROM items").fetchall()
        ids = {r[0] for r in con.execute(
            "SELECT md5('file:export:' || i) FROM unnest(?) t(i)", [sorted(keep)]).fetchall()}
        mentions = con.execute("SELECT count(*) FROM mentions").fetchone()[0]
    finally:
        con.close()
    assert {r[0] for r in rows} == ids and len(rows) == len(keep) == 8
    assert mentions == len(keep)
    texts = {r[1] for r in rows}
    assert "Opalia répond vite, très bien #1" in texts  # UTF-8 kept as written
    assert "Opalia café crème" in texts  # the Windows-1252 line, repaired
    # Rows were skipped and one repaired: the source says so, it is not simply "ok".
    health = source_health(db)
    assert health["status"].tolist() == ["warnings"]
    assert health["reason"].tolist() == [f"last run: {len(bad)} warning(s)"]
    assert any(len(t) > BIG - 200 for t in texts)
    assert all(1970 <= r[2].year <= 2026 for r in rows)
    assert "\x00" not in "".join(texts) and "\ufdd0" not in "".join(texts)
