"""The database schema as numbered migrations, applied in order and recorded once each."""

from __future__ import annotations

from datetime import UTC, datetime

import duckdb

# Each migration is (version, name, statements). Never edit one that has shipped: add the next.
MIGRATIONS: list[tuple[int, str, list[str]]] = [
    (1, "items, mentions, sources, runs, brands, meta", [
        """CREATE TABLE items (
            item_id VARCHAR NOT NULL,
            source VARCHAR NOT NULL,
            kind VARCHAR NOT NULL,
            url VARCHAR,
            title VARCHAR,
            text VARCHAR,
            author VARCHAR,
            published_at TIMESTAMP NOT NULL,
            collected_at TIMESTAMP NOT NULL,
            lang VARCHAR,
            sentiment DOUBLE,
            sentiment_label VARCHAR,
            score BIGINT,
            comments BIGINT,
            parent_id VARCHAR,
            content_hash VARCHAR NOT NULL
        )""",
        # Denormalised with the item's time and dimensions so share of voice never joins items.
        """CREATE TABLE mentions (
            item_id VARCHAR NOT NULL,
            brand VARCHAR NOT NULL,
            sentiment DOUBLE,
            sentiment_label VARCHAR,
            published_at TIMESTAMP NOT NULL,
            source VARCHAR NOT NULL,
            kind VARCHAR NOT NULL,
            lang VARCHAR
        )""",
        # Small rollup the overview and share-of-voice views read instead of scanning mentions.
        """CREATE TABLE daily_mentions (
            day DATE NOT NULL,
            brand VARCHAR NOT NULL,
            source VARCHAR NOT NULL,
            kind VARCHAR NOT NULL,
            lang VARCHAR,
            sentiment_label VARCHAR,
            mentions BIGINT NOT NULL,
            sentiment_sum DOUBLE NOT NULL
        )""",
        """CREATE TABLE sources (
            name VARCHAR PRIMARY KEY,
            kind VARCHAR NOT NULL,
            every_seconds DOUBLE,
            last_run_at TIMESTAMP,
            last_success TIMESTAMP,
            last_error VARCHAR,
            last_error_kind VARCHAR,
            consecutive_failures INTEGER DEFAULT 0,
            items_total BIGINT DEFAULT 0,
            last_items BIGINT DEFAULT 0,
            state VARCHAR DEFAULT '{}'
        )""",
        """CREATE TABLE runs (
            run_id VARCHAR NOT NULL,
            source VARCHAR NOT NULL,
            kind VARCHAR NOT NULL,
            started_at TIMESTAMP NOT NULL,
            finished_at TIMESTAMP,
            status VARCHAR NOT NULL,
            items_seen BIGINT DEFAULT 0,
            items_new BIGINT DEFAULT 0,
            items_updated BIGINT DEFAULT 0,
            warnings BIGINT DEFAULT 0,
            error VARCHAR
        )""",
        """CREATE TABLE brands (
            name VARCHAR PRIMARY KEY,
            query VARCHAR NOT NULL,
            own BOOLEAN NOT NULL DEFAULT false,
            color VARCHAR NOT NULL,
            position INTEGER NOT NULL
        )""",
        "CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR)",
    ]),
    # A web page's change is an ordinary item (kind 'web') whose parent is the page's item;
    # the view reads them back with their brands and counts the diff's "+ " and "− " lines.
    (2, "page snapshots and changes", [
        """CREATE VIEW page_changes AS
        SELECT CAST(i.published_at AS DATE) AS day,
               i.published_at,
               m.brand,
               i.source,
               i.kind,
               i.lang,
               i.url,
               i.title,
               len(regexp_extract_all(coalesce(i.text, ''), '(?m)^\\+ ')) AS added,
               len(regexp_extract_all(coalesce(i.text, ''), '(?m)^\u2212 ')) AS removed,
               i.text,
               i.item_id,
               i.parent_id
        FROM items i
        LEFT JOIN mentions m USING (item_id)
        WHERE i.kind = 'web' AND i.parent_id IS NOT NULL""",
    ]),
]

LATEST = MIGRATIONS[-1][0]


def current_version(con: duckdb.DuckDBPyConnection) -> int:
    """Return the schema version of the open database (0 for an empty file)."""
    exists = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_migrations'"
    ).fetchone()[0]
    if not exists:
        return 0
    return con.execute("SELECT coalesce(max(version), 0) FROM schema_migrations").fetchone()[0]


def migrate(con: duckdb.DuckDBPyConnection) -> int:
    """Apply every migration newer than the database, each in its own transaction.

    Returns the resulting version. A failed migration rolls back whole, leaving the previous
    version intact.
    """
    con.execute("CREATE TABLE IF NOT EXISTS schema_migrations "
                "(version INTEGER PRIMARY KEY, name VARCHAR, applied_at TIMESTAMP)")
    version = current_version(con)
    for number, name, statements in MIGRATIONS:
        if number <= version:
            continue
        con.execute("BEGIN TRANSACTION")
        try:
            for statement in statements:
                con.execute(statement)
            con.execute("INSERT INTO schema_migrations VALUES (?, ?, ?)",
                        [number, name, datetime.now(UTC).replace(tzinfo=None)])
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
        version = number
    return version
