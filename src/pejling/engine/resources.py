"""How much memory a computation may take, and the DuckDB settings a big run needs.

Why a limit of our own: DuckDB's default is 80 % of the machine's memory, and a whole-population
run (6 million persons) would take it — 13 GB on a 24 GB machine — although its hash tables can
spill to disk. A municipality's server runs other things, so a run takes at most
`DEFAULT_LIMIT_GIB` (or 80 % of a smaller machine) unless told otherwise with the environment
variable `PEJLING_MEMORY_LIMIT` (any DuckDB size, e.g. `12GB`); beyond the limit DuckDB spills
to a temporary folder beside the store. docs/scale.md gives the measured cost.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

import duckdb

from pejling.errors import UserError

DEFAULT_LIMIT_GIB = 6
ENV = "PEJLING_MEMORY_LIMIT"


def physical_memory_gib() -> float:
    """The machine's memory (0 when the platform does not say)."""
    try:
        return os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE") / 2**30
    except (ValueError, OSError, AttributeError):
        return 0.0


def memory_limit() -> str:
    """The DuckDB memory limit of a computation: the environment's, else the default."""
    configured = os.environ.get(ENV, "").strip()
    if configured:
        return configured
    machine = physical_memory_gib()
    gib = min(DEFAULT_LIMIT_GIB, 0.8 * machine) if machine else DEFAULT_LIMIT_GIB
    return f"{gib:.1f}GiB"


@contextmanager
def run_settings(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """The memory limit, and no insertion order to keep, for the duration of a run.

    Insertion order is not needed (every result is grouped), and keeping it makes DuckDB hold
    more of a large intermediate result in memory. The previous settings are restored, since
    the same connection goes on to build reports.
    """
    names = ("memory_limit", "preserve_insertion_order")
    before = {n: con.execute(f"SELECT current_setting('{n}')").fetchone() for n in names}
    limit = memory_limit()
    try:
        con.execute(f"SET memory_limit = '{limit}'")
    except duckdb.Error as exc:
        raise UserError(
            f"{ENV}={limit!r} is not a memory size; expected e.g. 6GB or 12GiB ({exc})"
        ) from None
    con.execute("SET preserve_insertion_order = false")
    try:
        yield
    finally:
        for name, row in before.items():
            # back to the default when it was the default (the printed size is rounded)
            con.execute(f"RESET {name}")
            if (
                row is not None
                and con.execute(f"SELECT current_setting('{name}')").fetchone() != row
            ):
                value = row[0]
                literal = f"'{value}'" if isinstance(value, str) else str(value).lower()
                con.execute(f"SET {name} = {literal}")
