"""A `SeriesSource` reading current observations from the workspace store."""

from __future__ import annotations

from dataclasses import dataclass

from pejling.evaluation.points import Point
from pejling.periods import Period
from pejling.store.database import Store
from pejling.store.queries import current_observations


@dataclass
class StoreSeries:
    """Series from DuckDB: newest vintage per period (see pejling.store.queries)."""

    store: Store

    def series(self, indicator_id: str, municipality_code: int, grp: str) -> list[Point]:
        """Points of one series, oldest first."""
        rows = current_observations(
            self.store, indicator_id=indicator_id, municipality_code=municipality_code, grp=grp
        )
        return [
            Point(
                period=Period.parse(r.period),
                value=r.value,
                numerator=r.numerator,
                denominator=r.denominator,
                source=r.source,
                vintage=r.vintage,
                provenance=r.provenance,
                publisher=r.publisher,
                persons=r.persons,
            )
            for r in rows
            if r.value is not None
        ]
