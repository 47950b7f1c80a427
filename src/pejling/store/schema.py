"""The store's tables and their migrations.

Why versioned migrations from day one: municipalities keep a workspace for years and upgrade
pejling in between; every schema change is a numbered step applied in one transaction, and
`schema_version` records how far a file has come. Reads refuse a file from a newer pejling.
"""

from __future__ import annotations

from collections.abc import Callable

import duckdb

from pejling.reference.municipalities import municipalities


def _v1(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        """
        CREATE TABLE municipalities (
            code SMALLINT PRIMARY KEY,
            name VARCHAR NOT NULL,
            region_code SMALLINT NOT NULL,
            region_name VARCHAR NOT NULL
        )
        """
    )
    con.executemany(
        "INSERT INTO municipalities VALUES (?, ?, ?, ?)",
        [(m.code, m.name, m.region_code, m.region_name) for m in municipalities().values()],
    )
    con.execute("CREATE SEQUENCE import_ids START 1")
    con.execute(
        """
        CREATE TABLE imports (
            id INTEGER PRIMARY KEY,
            file VARCHAR NOT NULL,
            sha256 VARCHAR NOT NULL,
            kind VARCHAR NOT NULL,
            outcome VARCHAR NOT NULL,   -- imported | unchanged | rejected
            rows INTEGER NOT NULL,
            replaced INTEGER NOT NULL,
            problems INTEGER NOT NULL,
            message VARCHAR,
            imported_at TIMESTAMP NOT NULL DEFAULT current_timestamp
        )
        """
    )
    con.execute(
        """
        CREATE TABLE observations (
            indicator VARCHAR NOT NULL,
            municipality SMALLINT NOT NULL,
            period VARCHAR NOT NULL,
            t DOUBLE NOT NULL,           -- fractional year at the start of the period
            grp VARCHAR NOT NULL,        -- canonical group key, '' = everybody
            numerator DOUBLE,
            denominator DOUBLE,
            value DOUBLE,
            unit VARCHAR NOT NULL,
            source VARCHAR NOT NULL,
            vintage VARCHAR NOT NULL,
            import_id INTEGER NOT NULL,
            PRIMARY KEY (indicator, municipality, period, grp, source, vintage)
        )
        """
    )


def _v2(con: duckdb.DuckDBPyConnection) -> None:
    """Person-level register tables (pseudonymous) and what each table's last import was."""
    from pejling.register.tables import TABLES, create_table_sql

    for table in TABLES:
        con.execute(create_table_sql(table))
    con.execute(
        """
        CREATE TABLE register_tables (
            name VARCHAR PRIMARY KEY,
            sha256 VARCHAR NOT NULL,     -- content of the file that filled the table
            rows BIGINT NOT NULL,
            import_id INTEGER NOT NULL
        )
        """
    )


def _v3(con: duckdb.DuckDBPyConnection) -> None:
    """Computed observations in their own table, without a key index.

    Why: `pejling compute` rewrites hundreds of thousands of rows at a time, and maintaining the
    six-column primary key of `observations` cost more than the computation of some indicators.
    The engine guarantees uniqueness itself (one row per indicator, municipality, period, group).
    Readers use the view `all_observations`.
    """
    con.execute("CREATE TABLE computed_observations AS SELECT * FROM observations LIMIT 0")
    con.execute(
        "INSERT INTO computed_observations SELECT * FROM observations "
        "WHERE source = 'pejling compute'"
    )
    con.execute("DELETE FROM observations WHERE source = 'pejling compute'")
    con.execute(
        "CREATE VIEW all_observations AS SELECT * FROM observations "
        "UNION ALL SELECT * FROM computed_observations"
    )


OBSERVATION_COLUMNS = (
    "indicator VARCHAR NOT NULL",
    "municipality SMALLINT NOT NULL",
    "period VARCHAR NOT NULL",
    "t DOUBLE NOT NULL",
    "grp VARCHAR NOT NULL",
    "numerator DOUBLE",
    "denominator DOUBLE",
    "value DOUBLE",
    "unit VARCHAR NOT NULL",
    "source VARCHAR NOT NULL",
    "vintage VARCHAR NOT NULL",
    "provenance VARCHAR NOT NULL",  # published | register | synthetic
    "publisher VARCHAR",  # who published it (published figures); NULL for register figures
    "persons DOUBLE",  # how many persons the figure rests on, when known
    "import_id INTEGER NOT NULL",
)
#: the series a figure belongs to: every register computation is one source ('register'), every
#: publisher another; newest vintage wins only within one series source
SERIES_SOURCE_SQL = (
    "CASE WHEN provenance IN ('register', 'synthetic') THEN 'register' "
    "ELSE coalesce(publisher, source) END"
)


def _v4(con: duckdb.DuckDBPyConnection) -> None:
    """Provenance, publisher and person counts on every observation; series source in the view.

    Why: a register computation and an Integrationsbarometer publication are different
    definitions, not two vintages of one figure. Each observation says where it comes from
    (`published` with its publisher, `register`, or `synthetic`), and a series is indicator +
    group + series source. Existing rows: imported ones are `published` by their source text,
    computed ones `register`.
    """
    con.execute("DROP VIEW all_observations")
    old = (
        "indicator, municipality, period, t, grp, numerator, denominator, value, unit, source, "
        "vintage"
    )
    for table, provenance, publisher in (
        ("observations", "'published'", "source"),
        ("computed_observations", "'register'", "NULL"),
    ):
        key = ", PRIMARY KEY (indicator, municipality, period, grp, source, vintage)"
        con.execute(
            f"CREATE TABLE {table}_v4 ({', '.join(OBSERVATION_COLUMNS)}"
            + (key if table == "observations" else "")
            + ")"
        )
        con.execute(
            f"INSERT INTO {table}_v4 SELECT {old}, {provenance}, {publisher}, "
            f"CASE WHEN unit = 'percent' THEN denominator END, import_id FROM {table}"
        )
        con.execute(f"DROP TABLE {table}")
        con.execute(f"ALTER TABLE {table}_v4 RENAME TO {table}")
    _create_view(con)
    # persons: the synthetic mark and sampling weights (new stores have them from v2)
    have = {
        r[0]
        for r in con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'persons'"
        ).fetchall()
    }
    for name, sql_type in (("provenance", "VARCHAR"), ("weight", "DOUBLE")):
        if name not in have:
            con.execute(f"ALTER TABLE persons ADD COLUMN {name} {sql_type}")


def _create_view(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        "CREATE VIEW all_observations AS SELECT *, "
        + SERIES_SOURCE_SQL
        + " AS series FROM (SELECT * FROM observations "
        "UNION ALL SELECT * FROM computed_observations)"
    )


def _v5(con: duckdb.DuckDBPyConnection) -> None:
    """The integer person key (`register.keys`): the table of keys and `pk` in every register table.

    Existing persons get keys in stored order; every register table's rows get their person's
    key. New stores have the `pk` column from v2 already (it is part of the stored form).
    """
    from pejling.register.keys import KEYS_TABLE, create_keys, give_keys
    from pejling.register.tables import PERSON_KEY, TABLES, create_table_sql

    create_keys(con)
    give_keys(con, "persons")
    for table in TABLES:
        columns = [
            r[0]
            for r in con.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = ? "
                "ORDER BY ordinal_position",
                [table.name],
            ).fetchall()
        ]
        # rebuilt rather than updated: an UPDATE of millions of rows takes a minute, a copy seconds
        kept = [f'"{name}"' for name in columns if name != PERSON_KEY]
        con.execute(
            create_table_sql(table).replace(f"TABLE {table.name} (", f"TABLE {table.name}_v5 (", 1)
        )
        con.execute(
            f"INSERT INTO {table.name}_v5 ({', '.join(kept)}, {PERSON_KEY}) "
            f"SELECT {', '.join('t.' + c for c in kept)}, k.{PERSON_KEY} FROM {table.name} t "
            f"LEFT JOIN {KEYS_TABLE} k ON k.person_id = t.person_id"
        )
        con.execute(f"DROP TABLE {table.name}")
        con.execute(f"ALTER TABLE {table.name}_v5 RENAME TO {table.name}")


MIGRATIONS: list[Callable[[duckdb.DuckDBPyConnection], None]] = [_v1, _v2, _v3, _v4, _v5]
SCHEMA_VERSION = len(MIGRATIONS)


def current_version(con: duckdb.DuckDBPyConnection) -> int:
    """0 for an empty file, else the applied version."""
    exists = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_version'"
    ).fetchone()
    if not exists or exists[0] == 0:
        return 0
    row = con.execute("SELECT max(version) FROM schema_version").fetchone()
    return int(row[0]) if row and row[0] is not None else 0


def migrate(con: duckdb.DuckDBPyConnection) -> int:
    """Apply pending migrations, each in its own transaction; return the resulting version."""
    version = current_version(con)
    if version == 0:
        con.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
    for number, step in enumerate(MIGRATIONS, start=1):
        if number <= version:
            continue
        con.execute("BEGIN TRANSACTION")
        try:
            step(con)
            con.execute("INSERT INTO schema_version VALUES (?)", [number])
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
    return SCHEMA_VERSION
