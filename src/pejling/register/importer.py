"""Import of person-level files: a batch of tables, validated whole, written in one transaction.

Semantics (docs/data-model.md): each file is a full extract of its table, so an import replaces
the table's content. A batch (a folder, or several files) is accepted or rejected as a whole, so
a persons file and the spells that refer to it arrive together or not at all. Re-importing the
same content under the same key is reported as unchanged and writes nothing but the log.
"""

from __future__ import annotations

import hashlib
import os
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from pejling.errors import ImportRejected, Problem
from pejling.register.checks import (
    count_key_suspects,
    count_unknown_persons,
    create_typed,
    locate_problems,
)
from pejling.register.keys import give_keys, keyed_select
from pejling.register.pseudonym import PseudonymKey
from pejling.register.staging import SUFFIXES, Source, Staged, open_source
from pejling.register.tables import PERSON_KEY, TABLES, TABLES_BY_NAME, Table
from pejling.store.database import Store
from pejling.store.limits import DEFAULT_LIMITS, Limits
from pejling.store.observation_import import log_import, next_import_id
from pejling.suggest import did_you_mean

#: (what is happening, steps done, steps in all)
ProgressCallback = Callable[[str, int, int], None]

#: DuckDB's memory limit while a batch is imported (at most 80 % of the machine's memory)
IMPORT_MEMORY_LIMIT = 3 * 1024**3


@contextmanager
def bounded_memory(store: Store, limit: int = IMPORT_MEMORY_LIMIT) -> Iterator[None]:
    """Lower DuckDB's memory limit while a batch is read, validated and written.

    Why: every table of a batch is held, typed, until all are validated (a batch is written
    whole or not at all): 37 million rows at whole-population scale. Under DuckDB's default
    limit (80 % of the machine's memory) they all stay in memory; under this one the largest
    spill to the workspace's temporary folder (`<store>.tmp`, created owner-only like the
    store, removed when the store closes). Only typed tables spill, whose CPR numbers are
    already hashed. DuckDB's own use beyond its limit (and Python's) comes on top.
    """
    physical = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    previous = _memory_limit(store)
    cap = min(limit, int(0.8 * physical), _bytes(previous) or limit)  # never raise a limit
    store.con.execute(f"SET memory_limit = '{cap // 1024**2}MiB'")
    try:
        yield
    finally:
        # the default exactly (DuckDB shows the limit rounded); a limit set before, as shown
        store.con.execute("RESET memory_limit")
        if _memory_limit(store) != previous:
            store.con.execute(f"SET memory_limit = '{previous}'")


def _memory_limit(store: Store) -> str:
    row = store.con.execute("SELECT current_setting('memory_limit')").fetchone()
    return str(row[0]) if row else ""


_UNITS = {"bytes": 1, "KiB": 1024, "MiB": 1024**2, "GiB": 1024**3, "TiB": 1024**4}


def _bytes(shown: str) -> int | None:
    """DuckDB's `18.7 GiB` in bytes (None for anything else)."""
    number, _, unit = shown.partition(" ")
    try:
        return int(float(number) * _UNITS[unit])
    except (KeyError, ValueError):
        return None


@dataclass(frozen=True)
class TableResult:
    """What happened to one table."""

    table: str
    file: str
    outcome: str  # imported | unchanged
    rows: int
    replaced: int


@dataclass(frozen=True)
class RegisterImportResult:
    """What happened to a batch."""

    tables: tuple[TableResult, ...]
    skipped: tuple[str, ...]

    def summary(self, lang: str = "da") -> str:
        """One line per table, in Danish by default."""
        lines = []
        for r in self.tables:
            if lang == "da":
                what = (
                    "uændret"
                    if r.outcome == "unchanged"
                    else f"{r.rows:,} rækker indlæst".replace(",", ".")
                    + (f" (erstattede {r.replaced:,})".replace(",", ".") if r.replaced else "")
                )
            else:
                what = (
                    "unchanged"
                    if r.outcome == "unchanged"
                    else f"{r.rows:,} rows imported"
                    + (f" (replaced {r.replaced:,})" if r.replaced else "")
                )
            lines.append(f"{r.file} → {r.table}: {what}")
        for name in self.skipped:
            lines.append(
                f"{name}: ikke en registertabel, sprunget over"
                if lang == "da"
                else f"{name}: not a register table, skipped"
            )
        return "\n".join(lines)


def _table_for(path: Path) -> Table | None:
    return TABLES_BY_NAME.get(path.stem.lower())


def resolve(paths: Sequence[Path]) -> tuple[list[tuple[Table, Path]], list[str]]:
    """Map the given files and folders to tables; reject unknown or doubled names."""
    found: dict[str, Path] = {}
    skipped: list[str] = []
    problems: list[Problem] = []
    for path in paths:
        if path.is_dir():
            for child in sorted(path.iterdir()):
                if child.suffix.lower() in SUFFIXES and _table_for(child):
                    _add(found, child, problems)
                elif child.is_file():
                    skipped.append(child.name)
        elif not path.exists():
            problems.append(Problem(str(path), "no such file or folder", code="missing_file"))
        else:
            table = _table_for(path)
            if table is None:
                hint = did_you_mean(path.stem.lower(), TABLES_BY_NAME)
                problems.append(
                    Problem(
                        path.name,
                        "the file name does not name a register table",
                        f"one of {', '.join(t.name for t in TABLES)} (e.g. persons.csv)",
                        hint,
                        "unknown_table",
                    )
                )
            else:
                _add(found, path, problems)
    if problems:
        raise ImportRejected("import", problems)
    if not found:
        raise ImportRejected(
            "import",
            [Problem(", ".join(str(p) for p in paths), "no register files found",
                     f"files named after a table: {', '.join(t.name for t in TABLES)}")],
        )  # fmt: skip
    ordered = [(t, found[t.name]) for t in TABLES if t.name in found]
    return ordered, skipped


def _add(found: dict[str, Path], path: Path, problems: list[Problem]) -> None:
    table = _table_for(path)
    assert table is not None
    if table.name in found:
        problems.append(
            Problem(path.name, f"a second file for table {table.name} (also {found[table.name].name})",
                    "one file per table", code="duplicate_table")
        )  # fmt: skip
    found[table.name] = path


def _sha(path: Path, key: PseudonymKey) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    digest.update(key.fingerprint.encode())
    return digest.hexdigest()


@dataclass
class PreparedRegister:
    """A batch of register files read into temporary tables and validated, not yet written."""

    pairs: list[tuple[Table, Path]]
    skipped: list[str]
    #: the files read: each into `typed_<table>` (its text cells, `relation`, only while located)
    staged: list[Staged]
    key: PseudonymKey
    problems: list[Problem] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)
    per_file: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        """Problems found in the batch."""
        return sum(self.counts.values())

    def rejection(self) -> ImportRejected:
        """The batch's problems as one rejection (the first 50 listed, counts per kind)."""
        listed = self.problems[:50]
        if len(self.counts) > 1 or self.total > len(listed):
            summary = ", ".join(f"{k}: {v}" for k, v in self.counts.most_common())
            listed.append(Problem("batch", f"problems per kind: {summary}"))
        return ImportRejected(", ".join(p.name for _, p in self.pairs), listed, self.total)


def prepare_register(
    store: Store,
    paths: Sequence[Path],
    key: PseudonymKey,
    *,
    progress: ProgressCallback | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> PreparedRegister:
    """Read every file of the batch into temporary tables and validate it; write nothing.

    Raise ImportRejected when the files cannot be matched to tables; every other problem is
    collected in the result. Call `discard` when done.
    """
    con = store.con
    pairs, skipped = resolve(paths)
    prepared = PreparedRegister(pairs, skipped, [], key)
    steps = 2 * len(pairs) + 1
    done = 0

    def step(text: str) -> None:
        nonlocal done
        if progress:
            progress(text, done, steps)
        done += 1

    batch_has_persons = any(t.name == "persons" for t, _ in pairs)
    # per file: (problems listed, problems in all, counts per kind), assembled in batch order
    found: dict[str, tuple[list[Problem], int, Counter[str]]] = {}
    sources: dict[str, Source] = {}
    suspects: Counter[str] = Counter()
    try:
        for table, path in pairs:
            step(f"Læser {path.name}")
            try:
                source = open_source(con, path, table, key, path.name, limits)
                rows, bad = create_typed(con, source)
            except ImportRejected as exc:
                found[path.name] = (exc.problems, exc.total,
                                    Counter(p.code or "unreadable" for p in exc.problems))  # fmt: skip
                done += 1
                continue
            step(f"Kontrollerer {path.name} ({rows:,} rækker)".replace(",", "."))
            suspects[table.name] = bad + count_key_suspects(con, table)
            sources[table.name] = source
            prepared.staged.append(
                Staged(table, path.name, source.relation, rows, source.had_cpr, source.row_label)
            )
        if batch_has_persons:
            # if persons could not be read, its problems are reported; skip references
            persons_rel = "typed_persons" if "persons" in sources else None
        else:
            persons_rel = "persons"
        if persons_rel is not None:
            others = [s.table for s in prepared.staged if s.table.name != "persons"]
            suspects.update(count_unknown_persons(con, others, persons_rel))
        for s in prepared.staged:
            problems: list[Problem] = []
            total, kinds = 0, Counter[str]()
            if suspects[s.table.name]:
                rel = None if s.table.name == "persons" else persons_rel
                problems, total, kinds = locate_problems(con, sources[s.table.name], rel)
            if s.rows == 0:
                problems.append(Problem(s.name, "no data rows", "at least one row", code="empty"))
                total += 1
                kinds["empty"] += 1
            found[s.name] = (problems, total, kinds)
        for _table, path in pairs:
            if path.name in found:
                problems, total, kinds = found[path.name]
                prepared.problems.extend(problems)
                prepared.counts.update(kinds)
                prepared.per_file[path.name] = total
        if prepared.total == 0 and batch_has_persons:
            _check_stored_references(con, pairs, prepared.problems, prepared.counts)
        step("Skriver til databasen")
    except BaseException:
        discard(store, prepared)
        raise
    return prepared


def discard(store: Store, prepared: PreparedRegister) -> None:
    """Drop the temporary tables of a prepared batch."""
    for s in prepared.staged:
        store.con.execute(f"DROP TABLE IF EXISTS {s.relation}")
        store.con.execute(f"DROP TABLE IF EXISTS typed_{s.table.name}")


def log_register_rejection(
    store: Store, prepared: PreparedRegister, own_message: str | None = None
) -> None:
    """Log every file of a rejected batch: its own problems, or rejected with the rest."""
    for table, path in prepared.pairs:
        own = prepared.per_file.get(path.name, 0)
        if own_message is not None:
            message = own_message
        elif own:
            message = f"{own} problem(s)"
        else:
            message = "rejected with the rest of the batch"
        log_import(store, next_import_id(store), path.name, _sha(path, prepared.key),
                   f"register:{table.name}", "rejected", 0, 0, own, message)  # fmt: skip


def import_register(
    store: Store,
    paths: Sequence[Path],
    key: PseudonymKey,
    *,
    progress: ProgressCallback | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> RegisterImportResult:
    """Validate every file of the batch, then write all changed tables in one transaction."""
    with bounded_memory(store):
        prepared = prepare_register(store, paths, key, progress=progress, limits=limits)
        try:
            if prepared.total:
                log_register_rejection(store, prepared)
                raise prepared.rejection()
            with store.transaction():
                tables = write_register(store, prepared)
            return RegisterImportResult(tables, tuple(prepared.skipped))
        finally:
            discard(store, prepared)


def _check_stored_references(
    con: object, pairs: list[tuple[Table, Path]], problems: list[Problem], counts: Counter[str]
) -> int:
    """A new persons file must still cover the stored tables that are not re-imported."""
    import duckdb

    assert isinstance(con, duckdb.DuckDBPyConnection)
    in_batch = {t.name for t, _ in pairs}
    found = 0
    for table in TABLES[1:]:
        if table.name in in_batch:
            continue
        row = con.execute(
            f"SELECT count(*) FROM {table.name} t WHERE NOT EXISTS "
            f"(SELECT 1 FROM typed_persons p WHERE p.person_id = t.person_id)"
        ).fetchone()
        n = int(row[0]) if row else 0
        if n:
            found += 1
            counts["unknown_person"] += 1
            problems.append(
                Problem(
                    f"stored table {table.name}",
                    f"{n:,} stored rows refer to persons who are not in the new persons file".replace(
                        ",", "."
                    ),
                    f"import {table.name} again in the same batch as persons",
                    code="unknown_person",
                )
            )
    return found


def _stored_sha(store: Store, name: str) -> str | None:
    row = store.con.execute("SELECT sha256 FROM register_tables WHERE name = ?", [name]).fetchone()
    return str(row[0]) if row else None


def write_register(store: Store, prepared: PreparedRegister) -> tuple[TableResult, ...]:
    """Write the validated tables (in the caller's transaction, or one of its own)."""
    con = store.con
    by_table = {s.table.name: s for s in prepared.staged}
    results: list[TableResult] = []
    shas = {table.name: _sha(path, prepared.key) for table, path in prepared.pairs}
    with store.transaction():
        if "persons" in shas and shas["persons"] != _stored_sha(store, "persons"):
            give_keys(con, "typed_persons")
        for table, path in prepared.pairs:
            s = by_table[table.name]
            sha = shas[table.name]
            previous = con.execute(
                "SELECT sha256 FROM register_tables WHERE name = ?", [table.name]
            ).fetchone()
            import_id = next_import_id(store)
            if previous and previous[0] == sha:
                log_import(store, import_id, path.name, sha, f"register:{table.name}",
                           "unchanged", s.rows, 0, 0, None)  # fmt: skip
                results.append(TableResult(table.name, path.name, "unchanged", s.rows, 0))
                continue
            old = con.execute(f"SELECT count(*) FROM {table.name}").fetchone()
            replaced = int(old[0]) if old else 0
            con.execute(f"DELETE FROM {table.name}")
            columns = ", ".join(f'"{c.name}"' for c in (*table.columns, *table.derived))
            inserted = con.execute(
                f"INSERT INTO {table.name} ({columns}, import_id, {PERSON_KEY}) "
                + keyed_select(columns, f"typed_{table.name}", import_id)
            ).fetchone()
            if not inserted or int(inserted[0]) != s.rows:  # every person has a key (see keys)
                raise AssertionError(f"{table.name}: rows without a person key")
            con.execute("DELETE FROM register_tables WHERE name = ?", [table.name])
            con.execute(
                "INSERT INTO register_tables VALUES (?, ?, ?, ?)",
                [table.name, sha, s.rows, import_id],
            )
            log_import(store, import_id, path.name, sha, f"register:{table.name}", "imported",
                       s.rows, replaced, 0, None)  # fmt: skip
            results.append(TableResult(table.name, path.name, "imported", s.rows, replaced))
    return tuple(results)
