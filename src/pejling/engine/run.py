"""`pejling compute`: every computable catalog indicator → observations, in one transaction.

Computed observations carry the source `pejling compute` and the data date as vintage; a new
computation replaces the previous computed rows of the same indicators (the register is a full
extract, so yesterday's figures are superseded), while imported figures from other sources stay.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from pejling.engine.compiler import DIMENSIONS, cube_sql
from pejling.engine.groups import membership
from pejling.errors import UserError
from pejling.spec.catalog import Catalog
from pejling.spec.compute import Measure
from pejling.spec.indicator import IndicatorSpec
from pejling.store.database import Store
from pejling.store.observation_import import log_import, next_import_id
from pejling.suggest import did_you_mean
from pejling.workspace import Workspace

SOURCE = "pejling compute"
ProgressCallback = Callable[[str, int, int], None]


@dataclass(frozen=True)
class IndicatorTiming:
    """Rows and seconds of one indicator."""

    indicator: str
    rows: int
    seconds: float


@dataclass(frozen=True)
class ComputeResult:
    """What a computation wrote."""

    as_of: date
    indicators: tuple[IndicatorTiming, ...]

    @property
    def rows(self) -> int:
        """Observation rows written."""
        return sum(i.rows for i in self.indicators)

    def summary(self, lang: str = "da") -> str:
        """One line, Danish by default."""
        n = len(self.indicators)
        rows = f"{self.rows:,}".replace(",", ".")
        when = self.as_of.strftime("%d.%m.%Y")
        if lang == "da":
            return f"{n} indikatorer beregnet fra registerdata pr. {when}: {rows} observationer"
        return f"{n} indicators computed from register data as of {when}: {rows} observations"


def computable(catalog: Catalog) -> list[IndicatorSpec]:
    """Catalog indicators with a `compute:` block, in id order."""
    return [catalog.indicators[i] for i in catalog.ids() if catalog.indicators[i].compute]


def data_date(store: Store) -> date:
    """The newest date in the register (the extract's 'as of'); error if the register is empty."""
    parts = [
        f'SELECT max(start) AS x FROM {t} UNION ALL SELECT max("end") FROM {t}'
        for t in ("residence_spells", "programme_spells", "benefit_spells", "employment_spells",
                  "activation_offers", "danish_education", "education_spells")
    ]  # fmt: skip
    row = store.con.execute(
        f"SELECT max(x) FROM ({' UNION ALL '.join(parts)}) WHERE x <= current_date"
    ).fetchone()
    if not row or row[0] is None:
        raise UserError(
            "the register is empty: import person-level files first (pejling import FOLDER)"
        )
    value = row[0]
    assert isinstance(value, date)
    return value


def compute_all(
    store: Store,
    catalog: Catalog,
    *,
    as_of: date | None = None,
    first_year: int = 2012,
    cohort_ranges: Mapping[str, Sequence[tuple[int, int]]] | None = None,
    only: Sequence[str] | None = None,
    progress: ProgressCallback | None = None,
) -> ComputeResult:
    """Compute every computable indicator (or `only` these) and replace their observations."""
    known = {s.id for s in computable(catalog)}
    for wanted in only or ():
        if wanted not in known:
            hint = did_you_mean(wanted, sorted(known))
            raise UserError(
                f"'{wanted}' is not a computable indicator; expected one of "
                f"{', '.join(sorted(known))}" + (f". {hint}" if hint else "")
            )
    as_of = as_of or data_date(store)
    specs = [s for s in computable(catalog) if not only or s.id in only]
    con = store.con
    timings: list[IndicatorTiming] = []
    import_id = next_import_id(store)
    con.execute("BEGIN TRANSACTION")
    try:
        for number, spec in enumerate(specs):
            if progress:
                progress(f"Beregner {spec.id}", number, len(specs))
            started = time.perf_counter()
            rows = _compute_one(store, catalog, spec, as_of, first_year, import_id,
                                (cohort_ranges or {}).get(spec.id, ()))  # fmt: skip
            timings.append(IndicatorTiming(spec.id, rows, time.perf_counter() - started))
        digest = hashlib.sha256(
            "|".join(
                f"{s.id}:{s.compute.model_dump_json() if s.compute else ''}" for s in specs
            ).encode()
        ).hexdigest()
        log_import(store, import_id, f"register as of {as_of.isoformat()}", digest, "compute",
                   "imported", sum(t.rows for t in timings), 0, 0, None)  # fmt: skip
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    if progress:
        progress("Færdig", len(specs), len(specs))
    return ComputeResult(as_of, tuple(timings))


def _compute_one(
    store: Store, catalog: Catalog, spec: IndicatorSpec, as_of: date, first_year: int,
    import_id: int, ranges: Sequence[tuple[int, int]],
) -> int:  # fmt: skip
    con = store.con
    compute = spec.compute
    assert compute is not None
    con.execute("CREATE OR REPLACE TEMP TABLE cube AS " + cube_sql(compute, as_of, first_year))
    members = membership(compute)
    columns = list(zip(*members, strict=True))
    con.execute(
        "CREATE OR REPLACE TEMP TABLE gm AS SELECT unnest($1::VARCHAR[]) AS grp, "
        "unnest($2::VARCHAR[]) AS origin, unnest($3::VARCHAR[]) AS wcat, "
        "unnest($4::BOOLEAN[]) AS menapt, unnest($5::BOOLEAN[]) AS a012, "
        "unnest($6::VARCHAR[]) AS sex, unnest($7::VARCHAR[]) AS basis",
        [list(c) for c in columns],
    )
    using = ", ".join(DIMENSIONS)
    parts = [
        "SELECT grp, coalesce(municipality, 0) AS municipality, period, t, sum(num) AS num, "
        f"sum(den) AS den FROM cube JOIN gm USING ({using}) "
        "GROUP BY GROUPING SETS ((grp, municipality, period, t), (grp, period, t))"
    ]
    for c1, c2 in ranges:
        label = f"cohort={c1}-{c2}"
        parts.append(
            f"SELECT CASE WHEN grp = '' THEN '{label}' ELSE '{label};' || grp END AS grp, "
            "coalesce(municipality, 0) AS municipality, CAST(yy.y AS VARCHAR) AS period, "
            "CAST(yy.y AS DOUBLE) AS t, sum(num), sum(den) "
            f"FROM cube JOIN gm USING ({using}) "
            f"JOIN (SELECT range AS y FROM range({int(c1)}, {int(c2) + 1})) AS yy "
            f"ON cube.y BETWEEN {int(c1)} AND yy.y "
            "GROUP BY GROUPING SETS ((grp, municipality, yy.y), (grp, yy.y))"
        )
    con.execute("CREATE OR REPLACE TEMP TABLE agg AS " + " UNION ALL ".join(parts))
    if compute.measure in (Measure.SHARE, Measure.RATIO) and not compute.per_year:
        value = "CASE WHEN den > 0 THEN 100.0 * num / den END"
        numerator, denominator = "num", "den"
    elif compute.measure is Measure.MEAN:
        value = "CASE WHEN den > 0 THEN num / den END"
        numerator, denominator = "num", "den"
    elif compute.per_year:
        value = "num / (CASE WHEN period ~ '^[0-9]{4}$' THEN dayofyear(make_date(CAST(period AS INTEGER), 12, 31)) ELSE 365 END)"
        numerator, denominator = "num", "NULL"
    else:
        value = "num"
        numerator, denominator = "num", "NULL"
    vintage = as_of.isoformat()
    con.execute(
        "DELETE FROM computed_observations WHERE indicator = ? AND source = ?", [spec.id, SOURCE]
    )
    con.execute(
        f"INSERT INTO computed_observations SELECT ?, municipality, period, t, grp, {numerator}, "
        f"{denominator}, {value}, ?, ?, ?, ? FROM agg",
        [spec.id, spec.unit.value, SOURCE, vintage, import_id],
    )
    row = con.execute("SELECT count(*) FROM agg").fetchone()
    written = int(row[0]) if row else 0
    if compute.gap_indicator:
        gap = catalog.get(compute.gap_indicator)
        if gap is None:
            raise UserError(
                f"{spec.id}: gap_indicator {compute.gap_indicator} is not in the catalog"
            )
        con.execute(
            "DELETE FROM computed_observations WHERE indicator = ? AND source = ?", [gap.id, SOURCE]
        )
        con.execute(
            "INSERT INTO computed_observations SELECT ?, a.municipality, a.period, a.t, a.grp, NULL, NULL, "
            "r.value - a.value, ?, ?, ?, ? FROM computed_observations a JOIN computed_observations r "
            "ON r.indicator = a.indicator AND r.source = a.source AND r.vintage = a.vintage "
            "AND r.municipality = a.municipality AND r.period = a.period "
            "AND r.grp = regexp_replace(a.grp, 'origin=[a-z0-9_]+', 'origin=danish_origin') "
            "WHERE a.indicator = ? AND a.source = ? AND a.vintage = ? "
            "AND a.grp ~ '.*origin=.*' AND a.grp !~ '.*origin=danish_origin.*' "
            "AND a.value IS NOT NULL AND r.value IS NOT NULL",
            [gap.id, gap.unit.value, SOURCE, vintage, import_id, spec.id, SOURCE, vintage],
        )
        row = con.execute(
            "SELECT count(*) FROM computed_observations WHERE indicator = ? AND source = ?",
            [gap.id, SOURCE],
        ).fetchone()
        written += int(row[0]) if row else 0
    return written


def cohort_ranges(ws: Workspace) -> dict[str, list[tuple[int, int]]]:
    """Cohort ranges (cohort=2016-2018) that the workspace's goals ask for, per indicator."""
    ranges: dict[str, list[tuple[int, int]]] = {}
    for loaded in ws.load_policies():
        for theme in loaded.policy.themes:
            for goal in theme.goals:
                ref = goal.indicator
                if ref is None:
                    continue
                match = re.fullmatch(r"(\d{4})-(\d{4})", str(ref.group.get("cohort", "")))
                if match:
                    pair = (int(match.group(1)), int(match.group(2)))
                    if pair not in ranges.setdefault(ref.id, []):
                        ranges[ref.id].append(pair)
    return ranges
