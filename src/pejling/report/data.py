"""Observations for reports, loaded once per series for all municipalities.

Why not `StoreSeries`: a report also needs the national value and the other 97 municipalities
(for the map), and a national run writes 98 reports from the same series. One query per
(indicator, group) for all municipalities, cached, serves evaluation, charts and maps alike.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from pejling.evaluation.points import Point
from pejling.evaluation.series import shift_years
from pejling.periods import Period
from pejling.spec.catalog import Catalog
from pejling.store.database import Store

SERIES_SQL = """
SELECT municipality, period, t, value, numerator, denominator, source, vintage, provenance,
       publisher, persons
FROM all_observations
WHERE indicator = ? AND grp = ?
QUALIFY row_number() OVER (
    PARTITION BY municipality, series, period ORDER BY vintage DESC, import_id DESC) = 1
ORDER BY municipality, t, series
"""


class ReportSource(Protocol):
    """What the report model reads: one series, or one series for every municipality."""

    def series(self, indicator_id: str, municipality_code: int, grp: str) -> list[Point]:
        """Points of one series, oldest first."""
        ...

    def all_municipalities(self, indicator_id: str, grp: str) -> dict[int, list[Point]]:
        """Every municipality's series (code 0 is the national figure)."""
        ...


@dataclass
class InMemoryReportSource:
    """A `ReportSource` over a dict; used by tests."""

    data: Mapping[tuple[str, int, str], Sequence[Point]]

    def series(self, indicator_id: str, municipality_code: int, grp: str) -> list[Point]:
        """Points sorted by time."""
        return sorted(self.data.get((indicator_id, municipality_code, grp), ()), key=lambda p: p.t)

    def all_municipalities(self, indicator_id: str, grp: str) -> dict[int, list[Point]]:
        """Every municipality with points of this series."""
        return {
            m: self.series(indicator_id, m, grp)
            for (i, m, g) in self.data
            if i == indicator_id and g == grp
        }


@dataclass
class ObservationCache:
    """Current observations per (indicator, group) → municipality → points, oldest first.

    `as_of` cuts every series at the end of the report period: only figures for periods that
    end by then are read, so a report for 2022 shows and judges what was known for 2022 even
    when later data are loaded.
    """

    store: Store
    as_of: Period | None = None
    #: indicator → years after its period that a cohort figure keeps changing (see
    #: `pejling.evaluation.series.follow_up_years`): such a figure is cut until its window ends
    lags: Mapping[str, int] = field(default_factory=dict)
    _cache: dict[tuple[str, str], dict[int, list[Point]]] = field(default_factory=dict)

    def all_municipalities(self, indicator_id: str, grp: str) -> dict[int, list[Point]]:
        """Every municipality's series (code 0 is the national figure)."""
        key = (indicator_id, grp)
        if key not in self._cache:
            out: dict[int, list[Point]] = defaultdict(list)
            rows = self.store.con.execute(SERIES_SQL, [indicator_id, grp]).fetchall()
            limit = self.as_of.end if self.as_of is not None else None
            lag = self.lags.get(indicator_id, 0)
            for mun, period, _t, value, num, den, source, vintage, prov, pub, persons in rows:
                if value is None:
                    continue
                per = Period.parse(period)
                if limit is not None and shift_years(per.end, lag) > limit:
                    continue
                out[int(mun)].append(
                    Point(
                        per,
                        value,
                        num,
                        den,
                        source=source,
                        vintage=vintage,
                        provenance=prov,
                        publisher=pub,
                        persons=persons,
                    )
                )
            self._cache[key] = dict(out)
        return self._cache[key]

    def series(self, indicator_id: str, municipality_code: int, grp: str) -> list[Point]:
        """One series (the `SeriesSource` protocol used by evaluation)."""
        return list(self.all_municipalities(indicator_id, grp).get(municipality_code, []))

    def latest_year(self, indicator_ids: list[str]) -> int | None:
        """The newest year with an observation of any of these indicators."""
        if not indicator_ids:
            return None
        marks = ",".join("?" for _ in indicator_ids)
        row = self.store.con.execute(
            f"SELECT max(t) FROM all_observations WHERE indicator IN ({marks})", indicator_ids
        ).fetchone()
        return None if row is None or row[0] is None else int(row[0])


def follow_up_lags(catalog: Catalog) -> dict[str, int]:
    """Indicator → follow-up years, for `ObservationCache(lags=...)`."""
    from pejling.evaluation.series import follow_up_years

    out = {}
    for ind_id in catalog.ids():
        years = follow_up_years(catalog.indicators[ind_id])
        if years:
            out[ind_id] = years
    return out
