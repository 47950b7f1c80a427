"""Opening the workspace's DuckDB file with clear errors.

DuckDB allows one writing process per file, and no reader while it writes. A command that finds
the file locked waits for a configurable time (`[store] wait_seconds`), saying once that it
waits, and then gives up with a `WorkspaceError` that says what to do — instead of DuckDB's
low-level lock error the moment an import or a computation is running.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from pejling.errors import WorkspaceError
from pejling.store.schema import SCHEMA_VERSION, current_version, migrate


@dataclass
class Store:
    """An open connection to a workspace store."""

    con: duckdb.DuckDBPyConnection
    path: Path
    read_only: bool
    _depth: int = field(default=0, repr=False)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One transaction; a nested call joins the outer one (DuckDB has no nested ones).

        Why nesting: one `pejling import` writes register tables and observation files in one
        transaction, and each writer also works on its own.
        """
        if self._depth:
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
            return
        self.con.execute("BEGIN TRANSACTION")
        self._depth = 1
        try:
            yield
        except BaseException:
            with suppress(duckdb.Error):
                self.con.execute("ROLLBACK")
            raise
        else:
            self.con.execute("COMMIT")
        finally:
            self._depth = 0

    @staticmethod
    @contextmanager
    def open(
        path: Path,
        read_only: bool = False,
        *,
        wait_seconds: float = 0.0,
        on_wait: Callable[[str], None] | None = None,
        lang: str = "en",
    ) -> Iterator[Store]:
        """Open (creating and migrating when writable) and close again.

        While another process writes the file (an import or a computation, minutes for a
        national extract), wait up to `wait_seconds`, telling `on_wait` once that we wait,
        instead of failing at once. A new database file is readable by its owner only.
        """
        da = lang == "da"
        if read_only and not path.exists():
            raise WorkspaceError(
                f"{path}: arbejdsområdet har endnu ingen database; kør 'pejling init' eller "
                "'pejling import'"
                if da
                else f"{path}: the workspace has no database yet; run 'pejling init' or "
                "'pejling import'"
            )
        created = not path.exists()
        old_umask = None if read_only else os.umask(0o077)  # the WAL file too: owner only
        try:
            con = _connect(path, read_only, wait_seconds, on_wait, da)
            if created and path.exists():
                path.chmod(0o600)
            try:
                if read_only:
                    _check_version(con, path, da)
                else:
                    migrate(con)
                yield Store(con, path, read_only)
            finally:
                con.close()
        finally:
            if old_umask is not None:
                os.umask(old_umask)


def _connect(
    path: Path, read_only: bool, wait_seconds: float, on_wait: Callable[[str], None] | None,
    da: bool,
) -> duckdb.DuckDBPyConnection:  # fmt: skip
    """Connect, waiting while another process holds the lock."""
    deadline = time.monotonic() + max(0.0, wait_seconds)
    told = False
    while True:
        try:
            return duckdb.connect(str(path), read_only=read_only)
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower():
                raise WorkspaceError(
                    f"{path}: databasen kan ikke åbnes ({type(exc).__name__})"
                    if da
                    else f"{path}: cannot open the database ({type(exc).__name__})"
                ) from None
        left = deadline - time.monotonic()
        if left <= 0:
            raise WorkspaceError(_busy(path, wait_seconds, da)) from None
        if not told and on_wait is not None:
            on_wait(_waiting(path, wait_seconds, da))
            told = True
        time.sleep(min(POLL_SECONDS, left))


#: how often a waiting process tries the lock again
POLL_SECONDS = 0.25


def _waiting(path: Path, wait_seconds: float, da: bool) -> str:
    seconds = f"{wait_seconds:g}"
    if da:
        return (
            f"{path}: databasen bruges af en anden pejling-proces (en indlæsning eller "
            f"beregning); venter op til {seconds} sekunder …"
        )
    return (
        f"{path}: the database is in use by another pejling process (an import or a "
        f"computation); waiting up to {seconds} seconds …"
    )


def _busy(path: Path, wait_seconds: float, da: bool) -> str:
    waited = f" efter {wait_seconds:g} sekunder" if wait_seconds > 0 else ""
    if da:
        return (
            f"{path}: databasen bruges stadig af en anden pejling-proces{waited}; prøv igen, "
            "når den er færdig (eller vent længere: [store] wait_seconds i pejling.toml)"
        )
    waited = f" after {wait_seconds:g} seconds" if wait_seconds > 0 else ""
    return (
        f"{path}: the database is still in use by another pejling process{waited}; try again "
        "when it has finished (or wait longer: [store] wait_seconds in pejling.toml)"
    )


def _check_version(con: duckdb.DuckDBPyConnection, path: Path, da: bool) -> None:
    version = current_version(con)
    if version > SCHEMA_VERSION:
        raise WorkspaceError(
            f"{path}: lavet af en nyere pejling (skema {version}, denne kender "
            f"{SCHEMA_VERSION}); opgradér pejling"
            if da
            else f"{path}: made by a newer pejling (schema {version}, this one knows "
            f"{SCHEMA_VERSION}); upgrade pejling"
        )
    if version < SCHEMA_VERSION:
        raise WorkspaceError(
            f"{path}: databasen skal opgraderes; kør først en skrivende kommando (fx "
            "'pejling import')"
            if da
            else f"{path}: the database needs an upgrade; run any writing command "
            "(e.g. 'pejling import') first"
        )
