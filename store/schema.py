"""The database schema as numbered migrations, applied in order and recorded once each."""

from __future__ import annotations

from datetime import UTC, datetime

import duckdb

from store.transaction import transaction

# Who posted an item, as store.facts keeps it on both the item and the mention facts.
_POSTER = ("author VARCHAR, author_key UBIGINT, first_seen TIMESTAMP, "
           "is_reply BOOLEAN NOT NULL")
# One mention with its item's time and dimensions, as the mention facts and story copies
# keep it.
_MENTION_ROW = ("published_at TIMESTAMP NOT NULL, item_id VARCHAR NOT NULL, "
                "brand VARCHAR NOT NULL, source VARCHAR NOT NULL, kind VARCHAR NOT NULL, "
                "lang VARCHAR, sentiment_label VARCHAR")

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
    # Spikes found by store.alerts.refresh_alerts; the id is stable (brand, source, kind, start)
    # so a refresh updates an alert in place and the state a user gave it survives.
    (3, "alerts", [
        """CREATE TABLE alerts (
            id VARCHAR PRIMARY KEY,
            brand VARCHAR NOT NULL,
            source VARCHAR,
            kind VARCHAR NOT NULL,
            started_at TIMESTAMP NOT NULL,
            ended_at TIMESTAMP NOT NULL,
            peak DOUBLE NOT NULL,
            baseline DOUBLE NOT NULL,
            ratio DOUBLE,
            explanation VARCHAR NOT NULL DEFAULT '{}',
            state VARCHAR NOT NULL DEFAULT 'new',
            created_at TIMESTAMP NOT NULL
        )""",
    ]),
    # Near-duplicate stories (store.stories) and the author rollup (store.community). Every item
    # gets its story; signatures and LSH band keys are kept only for a recent window, which is
    # all that new items are matched against.
    (4, "stories and authors", [
        """CREATE TABLE stories (
            item_id VARCHAR NOT NULL,
            story_id VARCHAR NOT NULL,
            similarity DOUBLE NOT NULL,
            published_at TIMESTAMP NOT NULL,
            content_hash VARCHAR NOT NULL
        )""",
        """CREATE TABLE story_signatures (
            item_id VARCHAR NOT NULL,
            story_id VARCHAR NOT NULL,
            published_at TIMESTAMP NOT NULL,
            signature BLOB NOT NULL
        )""",
        """CREATE TABLE story_bands (
            key BIGINT NOT NULL,
            item_id VARCHAR NOT NULL,
            published_at TIMESTAMP NOT NULL
        )""",
        """CREATE TABLE authors (
            source VARCHAR NOT NULL,
            author VARCHAR NOT NULL,
            first_seen TIMESTAMP NOT NULL,
            last_seen TIMESTAMP NOT NULL,
            PRIMARY KEY (source, author)
        )""",
    ]),
    # Term rollup (top terms and phrases per day, brand and language) and the topics of the
    # last fit; terms_days records what each day was computed from, so refreshes are incremental.
    (7, "terms and topics", [
        """CREATE TABLE daily_terms (
            day DATE NOT NULL,
            brand VARCHAR NOT NULL,
            lang VARCHAR,
            term VARCHAR NOT NULL,
            ngram TINYINT NOT NULL,
            n INTEGER NOT NULL
        )""",
        """CREATE TABLE terms_days (
            day DATE PRIMARY KEY,
            items BIGINT NOT NULL,
            last_collected TIMESTAMP,
            version VARCHAR NOT NULL
        )""",
        """CREATE TABLE topics (
            topic_id INTEGER PRIMARY KEY,
            label VARCHAR NOT NULL,
            top_terms VARCHAR[] NOT NULL,
            fitted_at TIMESTAMP NOT NULL,
            docs BIGINT NOT NULL
        )""",
        """CREATE TABLE topic_terms (
            topic_id INTEGER NOT NULL,
            term VARCHAR NOT NULL,
            weight DOUBLE NOT NULL
        )""",
    ]),
    # Rollups the Community and Share of voice (stories) reads use instead of joining mentions
    # with items and stories (store.facts). item_facts: what never changes with brand queries,
    # one row per item; mention_facts: one row per mention with its item's facts;
    # story_copies: the mentions of stories of two items or more (the only ones a distinct
    # count of stories must group); author_days: one row per author and active day, for all
    # brands (scope ''), per brand and per language, with the running figures that let a read count
    # authors by segment without grouping by author; author_day_counts: those rows counted;
    # author_months: those of the most active authors summed by month.
    (8, "mention facts, story copies, author days and their counts", [
        f"""CREATE TABLE item_facts (
            item_id VARCHAR NOT NULL,
            published_at TIMESTAMP NOT NULL,
            source VARCHAR NOT NULL,
            {_POSTER},
            story_id VARCHAR NOT NULL,
            multi BOOLEAN NOT NULL,
            is_question BOOLEAN NOT NULL,
            replied BOOLEAN NOT NULL
        )""",
        f"""CREATE TABLE mention_facts (
            {_MENTION_ROW},
            {_POSTER},
            is_question BOOLEAN NOT NULL,
            replied BOOLEAN NOT NULL
        )""",
        f"""CREATE TABLE story_copies (
            {_MENTION_ROW},
            story_id VARCHAR NOT NULL,
            story_key UBIGINT NOT NULL,
            first_copy BOOLEAN NOT NULL,
            head BOOLEAN NOT NULL,
            prev_at TIMESTAMP,
            prev_kind_at TIMESTAMP,
            prev_lang_at TIMESTAMP,
            prev_tone_at TIMESTAMP,
            prev_source_at TIMESTAMP
        )""",
        """CREATE TABLE author_days (
            scope VARCHAR NOT NULL,
            source VARCHAR NOT NULL,
            author_key UBIGINT NOT NULL,
            author VARCHAR NOT NULL,
            day DATE NOT NULL,
            posts INTEGER NOT NULL,
            replies INTEGER NOT NULL,
            first_at TIMESTAMP NOT NULL,
            last_at TIMESTAMP NOT NULL,
            first_seen TIMESTAMP NOT NULL,
            prev_day DATE,
            prev2_day DATE,
            regular_from DATE,
            regular_from_prev DATE,
            cum_posts BIGINT NOT NULL
        )""",
        # author_days counted by everything the segment and newcomer reads test: a few tens
        # of thousands of rows where author_days has millions (most authors post once).
        """CREATE TABLE author_day_counts (
            scope VARCHAR NOT NULL,
            source VARCHAR NOT NULL,
            day DATE NOT NULL,
            prev_day DATE,
            prev2_day DATE,
            regular_from DATE,
            regular_from_prev DATE,
            first_day DATE NOT NULL,
            authors BIGINT NOT NULL,
            posts BIGINT NOT NULL
        )""",
        # author_days summed by month for the authors with many posts (store.facts
        # HEAVY_POSTS or more in that scope): the top posters of a period read whole months
        # here and only the days of its partial months in author_days.
        """CREATE TABLE author_months (
            scope VARCHAR NOT NULL,
            source VARCHAR NOT NULL,
            author_key UBIGINT NOT NULL,
            author VARCHAR NOT NULL,
            month DATE NOT NULL,
            posts BIGINT NOT NULL,
            days BIGINT NOT NULL,
            replies BIGINT NOT NULL,
            first_at TIMESTAMP NOT NULL,
            last_at TIMESTAMP NOT NULL,
            first_seen TIMESTAMP NOT NULL
        )""",
        # A database that already holds items gets them at the next collector run, even one
        # that brings nothing new (store.writes.DERIVED_STALE).
        """INSERT INTO meta SELECT 'derived_stale', '1' WHERE EXISTS (SELECT 1 FROM items)
        ON CONFLICT (key) DO UPDATE SET value = '1'""",
    ]),
    # Items per day and dimensions with the set of brands they name, so the Mentions list can
    # say how many items the filters select without counting distinct ids over every mention
    # (3.5 s at 10 M mentions). Kept by store.writes.refresh_rollups with daily_mentions.
    (9, "daily items", [
        """CREATE TABLE daily_items (
            day DATE NOT NULL,
            source VARCHAR NOT NULL,
            kind VARCHAR NOT NULL,
            lang VARCHAR,
            brands VARCHAR[] NOT NULL,
            items BIGINT NOT NULL
        )""",
        """INSERT INTO daily_items
        SELECT day, source, kind, lang, brands, count(*) FROM (
            SELECT CAST(any_value(published_at) AS DATE) AS day, any_value(source) AS source,
                   any_value(kind) AS kind, any_value(lang) AS lang,
                   list(DISTINCT brand ORDER BY brand) AS brands
            FROM mentions GROUP BY item_id)
        GROUP BY ALL""",
    ]),
    # What was sent to each notification target, once per event (notify/): a failed send is
    # kept with its error and tried again at the next run.
    (10, "notification deliveries", [
        """CREATE TABLE deliveries (
            target VARCHAR NOT NULL,
            event VARCHAR NOT NULL,
            ref VARCHAR NOT NULL,
            status VARCHAR NOT NULL,
            attempts INTEGER NOT NULL,
            first_at TIMESTAMP NOT NULL,
            last_at TIMESTAMP NOT NULL,
            error VARCHAR,
            PRIMARY KEY (target, event, ref)
        )""",
    ]),
    # Where the conversation is (source kinds with more than text): the brand whose own
    # account wrote an item (its own voice, kept out of share of voice), the author's audience
    # where the service gives it (reach), and a review's star rating (app stores). Collectors
    # set them in Item.extra ("own_brand", "followers", "rating"); the pipeline writes them.
    (11, "own voice, reach and ratings", [
        "ALTER TABLE items ADD COLUMN own_brand VARCHAR",
        "ALTER TABLE items ADD COLUMN followers BIGINT",
        "ALTER TABLE items ADD COLUMN rating SMALLINT",
        # The accounts each brand has per channel ({"bluesky": "acme.bsky.social", …}).
        "ALTER TABLE brands ADD COLUMN accounts VARCHAR DEFAULT '{}'",
    ]),
]

LATEST = max(number for number, _, _ in MIGRATIONS)


def current_version(con: duckdb.DuckDBPyConnection) -> int:
    """Return the schema version of the open database (0 for an empty file)."""
    exists = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_migrations'"
    ).fetchone()[0]
    if not exists:
        return 0
    return con.execute("SELECT coalesce(max(version), 0) FROM schema_migrations").fetchone()[0]


def migrate(con: duckdb.DuckDBPyConnection) -> int:
    """Apply every migration the database has not recorded, in number order, each in its own
    transaction, and return the highest version.

    Skipping by record rather than by "newer than the highest" means a migration numbered below
    one already applied (two branches landing out of order) still runs. A failed migration rolls
    back whole, leaving the previous state intact.
    """
    con.execute("CREATE TABLE IF NOT EXISTS schema_migrations "
                "(version INTEGER PRIMARY KEY, name VARCHAR, applied_at TIMESTAMP)")
    applied = {row[0] for row in con.execute("SELECT version FROM schema_migrations").fetchall()}
    for number, name, statements in sorted(MIGRATIONS, key=lambda m: m[0]):
        if number in applied:
            continue
        with transaction(con):
            for statement in statements:
                con.execute(statement)
            con.execute("INSERT INTO schema_migrations VALUES (?, ?, ?)",
                        [number, name, datetime.now(UTC).replace(tzinfo=None)])
    return current_version(con)
