"""The integer person key: one small number per pseudonymous person, stored at import.

Why: every heavy query of the engine joins, semi-joins and counts persons. Doing that on the
20-character pseudonymous id makes every hash table several times larger than on an INTEGER,
and building integer-keyed copies of the register in every run cost a third of a run of the
reference indicators at 6 million persons (issue 14). So the key is given once, at import, and
stored in every register table's `pk` column.

Why a table that only grows: a persons file can be re-imported alone, without the spell
tables that refer to it. If the key were a row number of the persons table, re-importing
persons would renumber persons under stored spells. `person_keys` gives a new person the next
number of a sequence (never one given before) and never changes an existing one; it forgets a person only when a new persons
file no longer has them (the import has then checked that no stored table refers to them), so
no pseudonym outlives the register.
"""

from __future__ import annotations

import duckdb

from pejling.register.tables import PERSON_KEY

#: the table of keys: person_id ↔ pk, one row per person of the stored persons table
KEYS_TABLE = "person_keys"

#: the next key: a sequence, so that a forgotten person's number is never given again (a
#: stale spells file of theirs could otherwise be read as someone else's)
KEY_SEQUENCE = "person_key_next"

CREATE_KEYS = f"CREATE TABLE IF NOT EXISTS {KEYS_TABLE} (person_id VARCHAR NOT NULL, {PERSON_KEY} INTEGER NOT NULL)"


def create_keys(con: duckdb.DuckDBPyConnection) -> None:
    """The table of keys and the sequence of the next key (after any key already given)."""
    con.execute(CREATE_KEYS)
    row = con.execute(f"SELECT coalesce(max({PERSON_KEY}), 0) FROM {KEYS_TABLE}").fetchone()
    start = (int(row[0]) if row else 0) + 1
    con.execute(f"CREATE SEQUENCE IF NOT EXISTS {KEY_SEQUENCE} START WITH {start}")


def give_keys(con: duckdb.DuckDBPyConnection, persons: str) -> None:
    """Give every person of the table `persons` without a key the next key of the sequence; forget persons
    no longer in it. Runs in the caller's transaction, before the tables are written.
    """
    con.execute(
        f"DELETE FROM {KEYS_TABLE} k WHERE NOT EXISTS "
        f"(SELECT 1 FROM {persons} p WHERE p.person_id = k.person_id)"
    )
    con.execute(
        f"INSERT INTO {KEYS_TABLE} SELECT person_id, CAST(nextval('{KEY_SEQUENCE}') AS INTEGER) "
        f"FROM (SELECT person_id FROM {persons} p WHERE NOT EXISTS "
        f"(SELECT 1 FROM {KEYS_TABLE} k WHERE k.person_id = p.person_id))"
    )


def keyed_select(columns: str, source: str, import_id: int) -> str:
    """`SELECT columns, import_id, pk FROM source` with each row's key (every person has one)."""
    qualified = ", ".join(f"s.{c.strip()}" for c in columns.split(","))
    return (
        f"SELECT {qualified}, {int(import_id)}, k.{PERSON_KEY} FROM {source} s "
        f"JOIN {KEYS_TABLE} k ON k.person_id = s.person_id"
    )
