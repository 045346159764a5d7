"""User edits from the app (corrections, tags, answered, states, saved views) in a sidecar file
(or, on a lake, in the lake itself, so every app server sees every person's edits)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb
import pyarrow as pa

from store import facts, lake
from store.connection import connect_retrying, open_connection, reading
from store.transaction import transaction
from store.writes import now, refresh_rollups

LABELS = ("negative", "neutral", "positive")
# The score a corrected mention counts with in the rollups' sentiment sums: a person's
# "positive" is a clear positive, not the analyser's borderline 0.06.
LABEL_SCORES = {"negative": -0.5, "neutral": 0.0, "positive": 0.5}
MAX_TAG_CHARS = 40
MAX_NOTE_CHARS = 500
MAX_NAME_CHARS = 80
MAX_QUERY_CHARS = 4000
PATIENCE = 15.0

# The sidecar is small and created on the first edit; IF NOT EXISTS keeps opening idempotent.
SCHEMA = [
    """CREATE TABLE IF NOT EXISTS sentiment_corrections (
        item_id VARCHAR NOT NULL,
        brand VARCHAR NOT NULL,
        label VARCHAR NOT NULL,
        score DOUBLE NOT NULL,
        corrected_at TIMESTAMP NOT NULL,
        note VARCHAR,
        analysed_label VARCHAR,
        PRIMARY KEY (item_id, brand)
    )""",
    """CREATE TABLE IF NOT EXISTS tags (
        item_id VARCHAR NOT NULL,
        tag VARCHAR NOT NULL,
        tagged_at TIMESTAMP NOT NULL,
        PRIMARY KEY (item_id, tag)
    )""",
    """CREATE TABLE IF NOT EXISTS answered (
        item_id VARCHAR PRIMARY KEY,
        answered_at TIMESTAMP NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS states (
        kind VARCHAR NOT NULL,
        id VARCHAR NOT NULL,
        state VARCHAR NOT NULL,
        changed_at TIMESTAMP NOT NULL,
        PRIMARY KEY (kind, id)
    )""",
    """CREATE TABLE IF NOT EXISTS saved_views (
        name VARCHAR PRIMARY KEY,
        query_string VARCHAR NOT NULL,
        saved_at TIMESTAMP NOT NULL
    )""",
]


class EditError(ValueError):
    """An edit was refused because a value is not acceptable (the message says which)."""


@dataclass(frozen=True)
class CorrectionStats:
    """How many mentions people corrected, in total and per corrected label."""

    total: int = 0
    by_label: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class SavedView:
    """A named link to a view of the app: its query string (without the leading ``?``)."""

    name: str
    query_string: str
    saved_at: datetime


@dataclass(frozen=True)
class Snapshot:
    """The edits that reads join with the main data, as small Arrow tables."""

    corrections: pa.Table
    tags: pa.Table
    answered: pa.Table


EMPTY_SNAPSHOT = Snapshot(
    corrections=pa.table({"item_id": pa.array([], pa.string()), "brand": pa.array([], pa.string()),
                          "label": pa.array([], pa.string()), "score": pa.array([], pa.float64()),
                          "analysed_label": pa.array([], pa.string())}),
    tags=pa.table({"item_id": pa.array([], pa.string()), "tag": pa.array([], pa.string())}),
    answered=pa.table({"item_id": pa.array([], pa.string())}),
)


def edits_path(db: Path | str) -> Path | str:
    """The sidecar file beside the main database: ``veille.duckdb`` → ``veille.edits.duckdb``;
    a lake (``ducklake:`` target) keeps its edits in itself, and is returned unchanged."""
    if lake.is_lake(db):
        return str(db)
    db = Path(db)
    return db.with_name(f"{db.stem}.edits.duckdb")


EDIT_TABLES = ("sentiment_corrections", "tags", "answered", "states", "saved_views")


def _has_edits(db: Path | str) -> bool:
    """False when nobody can have edited anything yet (no sidecar file, or a lake read at a
    snapshot older than its first edit); a lake read now always may."""
    if not lake.is_lake(db):
        return edits_path(db).exists()
    if lake.pinned(db) is None:
        return True
    with reading(db) as con:
        found = con.execute("SELECT count(DISTINCT table_name) FROM duckdb_tables() "
                            "WHERE table_name IN (SELECT unnest(?))",
                            [list(EDIT_TABLES)]).fetchone()[0]
    return found == len(EDIT_TABLES)


def _connect(path: Path | str, read_only: bool,
             patience: float = PATIENCE) -> duckdb.DuckDBPyConnection:
    if lake.is_lake(path):
        # The edits' tables live in the lake beside the data; a lake has no file lock.
        con = open_connection(path, read_only=False)
        if lake.pinned(path) is None:  # a past snapshot is read as it was
            for statement in SCHEMA:
                con.execute(statement)
        return con
    # Another thread of this process may hold the file in the other mode: that passes as fast.
    con = connect_retrying(path, read_only, patience, what="edits file",
                           busy_markers=("different configuration",))
    if not read_only:
        try:
            for statement in SCHEMA:
                con.execute(statement)
        except Exception:
            con.close()
            raise
    return con


@contextmanager
def _writing(db: Path | str) -> Iterator[duckdb.DuckDBPyConnection]:
    path = edits_path(db)
    if not lake.is_lake(path):
        path.parent.mkdir(parents=True, exist_ok=True)
    con = _connect(path, read_only=False)
    try:
        yield con
    finally:
        con.close()


@contextmanager
def _reading(db: Path | str) -> Iterator[duckdb.DuckDBPyConnection | None]:
    """A short connection to the sidecar for reads; None when nobody has edited anything yet.

    It opens read-write (the schema is then always there): inside the app, a read-only and a
    read-write connection to one file cannot coexist across threads, and edits are small.
    """
    path = edits_path(db)
    if not _has_edits(db):
        yield None
        return
    con = _connect(path, read_only=False)
    try:
        yield con
    finally:
        con.close()


def _clean_label(label: str) -> str:
    if label not in LABELS:
        raise EditError(f"a sentiment is one of {', '.join(LABELS)}")
    return label


def _clean_tag(tag: str) -> str:
    tag = " ".join(str(tag).split())
    if not tag:
        raise EditError("a tag cannot be empty")
    if len(tag) > MAX_TAG_CHARS:
        raise EditError(f"a tag is at most {MAX_TAG_CHARS} characters")
    return tag


# --- sentiment corrections ------------------------------------------------------------------


def correct_sentiment(db: Path | str, item_id: str, brand: str, label: str,
                      note: str | None = None, analysed_label: str | None = None) -> None:
    """Record that the mention of ``brand`` in ``item_id`` is ``label``, whatever the analysis said.

    ``analysed_label`` is what the analysis had said (kept from the first correction only, to
    show "corrected from …"). The main database is untouched here: the correction is shown
    by reads right away and copied into the mentions and rollups by the next collector run
    (:func:`apply_corrections`). Raises :class:`EditError` for an unknown label.
    """
    label = _clean_label(label)
    note = (note or "").strip()[:MAX_NOTE_CHARS] or None
    with _writing(db) as con:
        con.execute(
            "INSERT INTO sentiment_corrections VALUES (?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (item_id, brand) DO UPDATE SET label = excluded.label, "
            "score = excluded.score, corrected_at = excluded.corrected_at, note = excluded.note",
            [item_id, brand, label, LABEL_SCORES[label], now(), note, analysed_label])


def corrections(db: Path | str) -> list[dict]:
    """Every correction as a dict (item_id, brand, label, score, corrected_at, note,
    analysed_label), newest first."""
    with _reading(db) as con:
        if con is None:
            return []
        cur = con.execute("SELECT item_id, brand, label, score, corrected_at, note, analysed_label "
                          "FROM sentiment_corrections ORDER BY corrected_at DESC")
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def corrected_items(db: Path | str) -> list[tuple]:
    """``(item_id, brand, label, title, text, lang)`` of every correction whose item is stored.

    What retraining learns from: the label a person gave and the text it was given to.
    """
    with _reading(db) as con:
        if con is None:
            return []
        rows = con.execute("SELECT item_id, brand, label FROM sentiment_corrections "
                           "ORDER BY item_id, brand").fetchall()
    if not rows:
        return []
    with reading(db) as con:
        texts = {r[0]: r[1:] for r in con.execute(
            "SELECT item_id, title, text, lang FROM items WHERE item_id IN "
            "(SELECT unnest(?::VARCHAR[]))", [sorted({r[0] for r in rows})]).fetchall()}
    return [(item_id, brand, label, *texts[item_id]) for item_id, brand, label in rows
            if item_id in texts]


def correction_stats(db: Path | str) -> CorrectionStats:
    """How many mentions were corrected by people, in total and per corrected label."""
    with _reading(db) as con:
        if con is None:
            return CorrectionStats(by_label=dict.fromkeys(LABELS, 0))
        rows = con.execute("SELECT label, count(*) FROM sentiment_corrections GROUP BY label"
                           ).fetchall()
    by_label = {label: 0 for label in LABELS} | {label: int(n) for label, n in rows}
    return CorrectionStats(total=sum(by_label.values()), by_label=by_label)


def _main_path(con: duckdb.DuckDBPyConnection) -> Path | None:
    row = con.execute("SELECT path FROM duckdb_databases() WHERE database_name = "
                      "current_database()").fetchone()
    return Path(row[0]) if row and row[0] else None


def apply_corrections(con: duckdb.DuckDBPyConnection) -> int:
    """Copy people's corrections into ``mentions`` and refresh the rollup for the days touched.

    Runs in the collector's read-write connection to the main database (a refresher of
    :mod:`store.derived`, also called after runs that stored nothing), so re-analysed items
    get their correction back and the counts everywhere agree with the Mentions view. Only
    rows whose label or score differ are written. Returns how many mention rows changed.
    """
    main = getattr(con, "target", None) or _main_path(con)
    if main is None or not _has_edits(main):
        return 0
    side = _connect(edits_path(main), read_only=True)
    try:
        table = side.execute("SELECT item_id, brand, label, score FROM sentiment_corrections"
                             ).arrow()
    finally:
        side.close()
    if hasattr(table, "read_all"):  # newer DuckDB hands back a reader
        table = table.read_all()
    if table.num_rows == 0:
        return 0
    con.register("edit_corrections", table)
    try:
        with transaction(con):
            days = [r[0] for r in con.execute("""
                SELECT DISTINCT CAST(m.published_at AS DATE) FROM mentions m
                JOIN edit_corrections c USING (item_id, brand)
                WHERE m.sentiment_label IS DISTINCT FROM c.label
                   OR m.sentiment IS DISTINCT FROM c.score""").fetchall()]
            changed = 0
            if days:
                changed = con.execute("""
                    UPDATE mentions SET sentiment_label = c.label, sentiment = c.score
                    FROM edit_corrections c
                    WHERE mentions.item_id = c.item_id AND mentions.brand = c.brand
                      AND (mentions.sentiment_label IS DISTINCT FROM c.label
                           OR mentions.sentiment IS DISTINCT FROM c.score)""").fetchone()[0]
                refresh_rollups(con, days)
                facts.correct_labels(con, table)
    finally:
        con.unregister("edit_corrections")
    return int(changed)


# --- tags and answered ----------------------------------------------------------------------


def add_tag(db: Path | str, item_id: str, tag: str) -> str:
    """Tag an item (tags are trimmed, inner spaces collapsed); returns the tag as stored."""
    tag = _clean_tag(tag)
    with _writing(db) as con:
        con.execute("INSERT INTO tags VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                    [item_id, tag, now()])
    return tag


def remove_tag(db: Path | str, item_id: str, tag: str) -> None:
    """Take a tag off an item (nothing happens when it was not there)."""
    if not _has_edits(db):
        return
    with _writing(db) as con:
        con.execute("DELETE FROM tags WHERE item_id = ? AND tag = ?", [item_id, tag])


def all_tags(db: Path | str) -> list[str]:
    """Every tag in use, most used first."""
    with _reading(db) as con:
        if con is None:
            return []
        return [r[0] for r in con.execute(
            "SELECT tag FROM tags GROUP BY tag ORDER BY count(*) DESC, tag").fetchall()]


def set_answered(db: Path | str, item_id: str, answered: bool = True) -> None:
    """Mark an item answered (or not answered any more)."""
    if not answered and not _has_edits(db):
        return
    with _writing(db) as con:
        if answered:
            con.execute("INSERT INTO answered VALUES (?, ?) ON CONFLICT DO NOTHING",
                        [item_id, now()])
        else:
            con.execute("DELETE FROM answered WHERE item_id = ?", [item_id])


def item_edits(db: Path | str, item_ids: Iterable[str]) -> dict[str, dict]:
    """For each of ``item_ids`` with edits: ``{"tags": [...], "answered": bool,
    "corrections": {brand: label}}``."""
    ids = list(dict.fromkeys(item_ids))
    out: dict[str, dict] = {}
    if not ids:
        return out
    with _reading(db) as con:
        if con is None:
            return out
        con.register("wanted_ids", pa.table({"item_id": pa.array(ids, pa.string())}))
        try:
            for item_id, tag in con.execute(
                    "SELECT item_id, tag FROM tags SEMI JOIN wanted_ids USING (item_id) "
                    "ORDER BY tagged_at, tag").fetchall():
                out.setdefault(item_id, _blank())["tags"].append(tag)
            for (item_id,) in con.execute(
                    "SELECT item_id FROM answered SEMI JOIN wanted_ids USING (item_id)"
            ).fetchall():
                out.setdefault(item_id, _blank())["answered"] = True
            for item_id, brand, label in con.execute(
                    "SELECT item_id, brand, label FROM sentiment_corrections "
                    "SEMI JOIN wanted_ids USING (item_id)").fetchall():
                out.setdefault(item_id, _blank())["corrections"][brand] = label
        finally:
            con.unregister("wanted_ids")
    return out


def _blank() -> dict:
    return {"tags": [], "answered": False, "corrections": {}}


def snapshot(db: Path | str) -> Snapshot:
    """The corrections, tags and answered items as Arrow tables, for reads that join them."""
    with _reading(db) as con:
        if con is None:
            return EMPTY_SNAPSHOT
        parts = []
        for sql in ("SELECT item_id, brand, label, score, analysed_label "
                    "FROM sentiment_corrections",
                    "SELECT item_id, tag FROM tags",
                    "SELECT item_id FROM answered"):
            table = con.execute(sql).arrow()
            parts.append(table.read_all() if hasattr(table, "read_all") else table)
    return Snapshot(*parts)


# --- states (alerts…) and saved views --------------------------------------------------------


def get_states(db: Path | str, kind: str) -> dict[str, str]:
    """The states people set on things of ``kind`` (e.g. alerts): ``{id: state}``."""
    with _reading(db) as con:
        if con is None:
            return {}
        return dict(con.execute("SELECT id, state FROM states WHERE kind = ?", [kind]).fetchall())


def set_state(db: Path | str, kind: str, id: str, state: str) -> None:  # noqa: A002
    """Set the state of the thing ``id`` of ``kind`` (e.g. an alert marked "seen")."""
    with _writing(db) as con:
        con.execute("INSERT INTO states VALUES (?, ?, ?, ?) ON CONFLICT (kind, id) DO UPDATE "
                    "SET state = excluded.state, changed_at = excluded.changed_at",
                    [kind, str(id), str(state), now()])


def save_view(db: Path | str, name: str, query_string: str) -> str:
    """Save (or replace) a named view; returns the name as stored (trimmed).

    Raises :class:`EditError` for an empty or overlong name or query string.
    """
    name = " ".join(str(name).split())
    if not name or len(name) > MAX_NAME_CHARS:
        raise EditError(f"a view's name has 1 to {MAX_NAME_CHARS} characters")
    query_string = str(query_string).lstrip("?")
    if len(query_string) > MAX_QUERY_CHARS:
        raise EditError(f"a view's link is at most {MAX_QUERY_CHARS} characters")
    with _writing(db) as con:
        con.execute("INSERT INTO saved_views VALUES (?, ?, ?) ON CONFLICT (name) DO UPDATE "
                    "SET query_string = excluded.query_string, saved_at = excluded.saved_at",
                    [name, query_string, now()])
    return name


def saved_views(db: Path | str) -> list[SavedView]:
    """The saved views, by name."""
    with _reading(db) as con:
        if con is None:
            return []
        rows = con.execute("SELECT name, query_string, saved_at FROM saved_views ORDER BY name"
                           ).fetchall()
    return [SavedView(*row) for row in rows]


def delete_view(db: Path | str, name: str) -> None:
    """Forget the saved view ``name`` (nothing happens when there is none)."""
    if not _has_edits(db):
        return
    with _writing(db) as con:
        con.execute("DELETE FROM saved_views WHERE name = ?", [name])
