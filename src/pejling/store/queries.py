"""Read queries used by evaluation, exports and the CLI."""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from pejling.store.database import Store


class ObservationRow(NamedTuple):
    """One current observation of a series."""

    period: str
    t: float
    value: float | None
    numerator: float | None
    denominator: float | None
    source: str
    vintage: str
    provenance: str
    publisher: str | None
    persons: float | None
    series: str


class ImportLogRow(NamedTuple):
    """One import attempt."""

    id: int
    file: str
    sha256: str
    kind: str
    outcome: str
    rows: int
    replaced: int
    problems: int
    message: str | None
    imported_at: datetime


CURRENT_SQL = """
SELECT period, t, value, numerator, denominator, source, vintage, provenance, publisher, persons,
       series
FROM all_observations
WHERE indicator = ? AND municipality = ? AND grp = ?
QUALIFY row_number() OVER (PARTITION BY series, period ORDER BY vintage DESC, import_id DESC) = 1
ORDER BY t, series
"""


def current_observations(
    store: Store, *, indicator_id: str, municipality_code: int, grp: str
) -> list[ObservationRow]:
    """Every source's series of (indicator, municipality, group), oldest period first.

    Per series source (`register`, or a publisher) and period the newest vintage wins (then the
    newest import). Why only within one source: Statistics Denmark revises figures and a
    municipality re-imports a corrected extract as a new vintage, but a register computation and
    an Integrationsbarometer publication are different definitions, not two vintages.
    """
    rows = store.con.execute(CURRENT_SQL, [indicator_id, municipality_code, grp]).fetchall()
    return [ObservationRow(*r) for r in rows]


def import_log(store: Store, limit: int = 50) -> list[ImportLogRow]:
    """The newest import attempts first."""
    rows = store.con.execute(
        "SELECT id, file, sha256, kind, outcome, rows, replaced, problems, message, imported_at "
        "FROM imports ORDER BY id DESC LIMIT ?",
        [limit],
    ).fetchall()
    return [ImportLogRow(*r) for r in rows]


def observation_count(store: Store) -> int:
    """How many observation rows the store holds (all vintages)."""
    row = store.con.execute("SELECT count(*) FROM all_observations").fetchone()
    return int(row[0]) if row else 0
