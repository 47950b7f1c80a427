"""The stored integer person key (register.keys): given once, never renumbered, never stale."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from pejling.register.importer import import_register
from pejling.register.tables import TABLES
from pejling.store.database import Store
from pejling.store.schema import MIGRATIONS, migrate
from tests.register.test_import import CPR_B, EMPLOYMENT, KEY, PERSONS, RESIDENCE, write

CPR_C = "030375-4321"
NEW_PERSON = f"{CPR_C};03.03.1975;f;immigrant;IRQ;refugee;01.01.2016;basic\n"


def keys(store: Store) -> dict[str, int]:
    return dict(store.con.execute("SELECT person_id, pk FROM person_keys").fetchall())


def keyed_rows(store: Store) -> set[tuple[str, str, int]]:
    """(table, person_id, pk) of every stored register row."""
    rows: set[tuple[str, str, int]] = set()
    for table in TABLES:
        for pid, pk in store.con.execute(f"SELECT person_id, pk FROM {table.name}").fetchall():
            rows.add((table.name, pid, pk))
    return rows


def test_every_row_carries_its_persons_key(tmp_path: Path) -> None:
    folder = write(tmp_path / "a", {"persons.csv": PERSONS, "residence_spells.csv": RESIDENCE,
                                    "employment_spells.csv": EMPLOYMENT})  # fmt: skip
    with Store.open(tmp_path / "ws.duckdb") as store:
        import_register(store, [folder], KEY)
        given = keys(store)
        assert sorted(given.values()) == [1, 2]
        rows = keyed_rows(store)
        assert len(rows) >= 3
        assert all(given[pid] == pk for _, pid, pk in rows)


def test_persons_alone_keeps_old_keys_gives_new_and_forgets_gone(tmp_path: Path) -> None:
    """Re-importing persons alone must not renumber persons under the stored spells."""
    first = write(tmp_path / "a", {"persons.csv": PERSONS, "residence_spells.csv": RESIDENCE})
    with Store.open(tmp_path / "ws.duckdb") as store:
        import_register(store, [first], KEY)
        before = keys(store)
        # B leaves the persons file along with their spells; C arrives; A stays
        lines = PERSONS.strip().split("\n")
        without_b = "\n".join(line for line in lines if CPR_B not in line) + "\n" + NEW_PERSON
        residence_a = "\n".join(ln for ln in RESIDENCE.strip().split("\n") if CPR_B not in ln)
        second = write(tmp_path / "b", {"persons.csv": without_b,
                                        "residence_spells.csv": residence_a + "\n"})  # fmt: skip
        import_register(store, [second], KEY)
        after = keys(store)
        (a_id,) = set(before) & set(after)
        assert after[a_id] == before[a_id]  # kept
        assert len(after) == 2  # B forgotten: no pseudonym outlives the register
        (c_id,) = set(after) - set(before)
        assert after[c_id] == max(before.values()) + 1  # the next key, not B's
        # persons alone once more (same people, new content): no key changes under the spells
        changed = without_b.replace("basic", "higher")
        import_register(store, [write(tmp_path / "c", {"persons.csv": changed})], KEY)
        assert keys(store) == after
        assert all(after[pid] == pk for _, pid, pk in keyed_rows(store))


def test_a_store_from_before_the_key_is_migrated(tmp_path: Path) -> None:
    """A v4 store (no pk, no person_keys) gets keys for its persons and rows on opening."""
    path = tmp_path / "old.duckdb"
    folder = write(tmp_path / "a", {"persons.csv": PERSONS, "residence_spells.csv": RESIDENCE})
    with Store.open(path) as store:
        import_register(store, [folder], KEY)
        expected = {(t, pid) for t, pid, _ in keyed_rows(store)}
        # take the file back to v4: drop what v5 added
        con = store.con
        con.execute("DROP TABLE person_keys")
        con.execute("DROP SEQUENCE person_key_next")
        for table in TABLES:
            con.execute(f"ALTER TABLE {table.name} DROP COLUMN pk")
        con.execute(f"DELETE FROM schema_version WHERE version > {len(MIGRATIONS) - 1}")
    with Store.open(path) as store:
        given = keys(store)
        rows = keyed_rows(store)
        assert {(t, pid) for t, pid, _ in rows} == expected
        assert sorted(given.values()) == list(range(1, len(given) + 1))
        assert all(given[pid] == pk for _, pid, pk in rows)


def test_a_new_store_has_the_key_column_once() -> None:
    con = duckdb.connect()
    migrate(con)
    for table in TABLES:
        names = [r[0] for r in con.execute(f"DESCRIBE {table.name}").fetchall()]
        assert names.count("pk") == 1, table.name


def test_a_forgotten_persons_key_is_never_given_again(tmp_path: Path) -> None:
    """{A, B}, then {A}, then {A, C} in three imports: C must not get B's number, or a stale
    spells file of B's could be read as C's."""
    lines = PERSONS.strip().split("\n")
    header, with_a = lines[0], [ln for ln in lines[1:] if CPR_B not in ln]
    residence_a = "\n".join(ln for ln in RESIDENCE.strip().split("\n") if CPR_B not in ln) + "\n"
    with Store.open(tmp_path / "ws.duckdb") as store:
        import_register(
            store,
            [write(tmp_path / "a", {"persons.csv": PERSONS, "residence_spells.csv": RESIDENCE})],
            KEY,
        )
        first = keys(store)
        only_a = "\n".join([header, *with_a]) + "\n"
        import_register(
            store,
            [write(tmp_path / "b", {"persons.csv": only_a, "residence_spells.csv": residence_a})],
            KEY,
        )
        import_register(store, [write(tmp_path / "c", {"persons.csv": only_a + NEW_PERSON})], KEY)
        third = keys(store)
    (c_id,) = set(third) - set(first)
    assert third[c_id] not in first.values()


def test_a_failed_write_gives_no_keys(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The keys are given in the import's transaction: a batch that fails while writing leaves
    person_keys (and every table) as it was."""
    from pejling.register.keys import keyed_select as real

    with Store.open(tmp_path / "ws.duckdb") as store:
        import_register(
            store,
            [write(tmp_path / "a", {"persons.csv": PERSONS, "residence_spells.csv": RESIDENCE})],
            KEY,
        )
        before, rows = keys(store), keyed_rows(store)

        def failing(columns: str, source: str, import_id: int) -> str:
            if source == "typed_employment_spells":
                raise RuntimeError("the disk is full")
            return real(columns, source, import_id)

        monkeypatch.setattr("pejling.register.importer.keyed_select", failing)
        batch = write(
            tmp_path / "b",
            {"persons.csv": PERSONS + NEW_PERSON, "employment_spells.csv": EMPLOYMENT},
        )
        with pytest.raises(RuntimeError, match="disk is full"):
            import_register(store, [batch], KEY)
        assert keys(store) == before
        assert keyed_rows(store) == rows
