"""Opening the workspace's DuckDB file with clear errors.

DuckDB allows one writing process per file; a second `pejling import` while another runs would
otherwise fail with a low-level lock error, so it is translated into a `WorkspaceError` that says
what to do.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
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

    @staticmethod
    @contextmanager
    def open(path: Path, read_only: bool = False) -> Iterator[Store]:
        """Open (creating and migrating when writable) and close again."""
        if read_only and not path.exists():
            raise WorkspaceError(
                f"{path}: the workspace has no database yet; run 'pejling init' or 'pejling import'"
            )
        try:
            con = duckdb.connect(str(path), read_only=read_only)
        except duckdb.IOException as exc:
            if "lock" in str(exc).lower():
                raise WorkspaceError(
                    f"{path}: the database is in use by another pejling process; "
                    "wait for it to finish and try again"
                ) from None
            raise WorkspaceError(f"{path}: cannot open the database: {exc}") from None
        try:
            if read_only:
                version = current_version(con)
                if version > SCHEMA_VERSION:
                    raise WorkspaceError(
                        f"{path}: made by a newer pejling (schema {version}, this one knows "
                        f"{SCHEMA_VERSION}); upgrade pejling"
                    )
                if version < SCHEMA_VERSION:
                    raise WorkspaceError(
                        f"{path}: the database needs an upgrade; run any writing command "
                        "(e.g. 'pejling import') first"
                    )
            else:
                migrate(con)
            yield Store(con, path, read_only)
        finally:
            con.close()
