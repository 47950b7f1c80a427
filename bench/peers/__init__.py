"""Peers of the engine: the three reference indicators computed by hand, to measure it against.

Why: issue 14 asks that the engine be at least as fast as what a skilled analyst would write by
hand. A speed comparison means something only when the peers compute *exactly* what the engine
computes, so every peer returns the same rows the engine writes to `computed_observations`
(indicator, municipality with 0 = the whole country, period, t, group, numerator, denominator,
value, persons) and `compare` checks them against the engine's rows, value for value.

- `hand_sql`: hand-written DuckDB SQL on the store's (pseudonymous) tables.
- `polars_peer`: the polars lazy API on the same tables, loaded into memory beforehand.

What the three indicators are (see src/pejling/catalog/*.yaml and src/pejling/engine):

- employment_rate_25_64: residents aged 25–64 on 30 November of each year; numerator: an
  employment spell covers that date. Groups: total, 13 origin groups, sex, origin × sex.
- youth_education_20_24: residents aged 20–24 on 1 October; numerator: a youth or higher
  education completed (spell ended) by that date. Groups: total, origin, sex.
- danish_test_within_5y: persons by the year of their first Danish-education start, who were
  in an integration programme on that day, placed in the municipality they lived in then;
  numerator: a passed Danish test within 5 years of the start (the cohort is left out until the
  5 years have passed). Groups: total (also as target_group=programme_participants and
  course_participants), origin, sex, target_group=refugees and refugees_and_reunified.

Each person's origin groups follow `pejling.engine.groups`: Western means a non-Danish origin
with `western` true (unknown counts as non-Western), MENAPT an unknown flag as false, "arrived
0–12" an immigrant aged 12 or less on arrival. Ages are completed years. Numerator and
denominator are sums of the sampling weight (1 when empty); persons is the unweighted count.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

#: the reference indicators of issue 14
REFERENCE = ("employment_rate_25_64", "youth_education_20_24", "danish_test_within_5y")
#: the columns every peer returns, in this order
COLUMNS = (
    "indicator",
    "municipality",
    "period",
    "t",
    "grp",
    "numerator",
    "denominator",
    "value",
    "persons",
)
KEY = ("indicator", "municipality", "period", "grp")
#: one output row, in `COLUMNS` order
Row = tuple[str, int, str, float, str, float, float, float, float]
#: called with a step's name ("shared" or an indicator id) just before the step runs
Mark = Callable[[str], None]
FIRST_YEAR = 2012
FAR_FUTURE = date(9999, 12, 31)

ORIGIN_GROUPS = (
    "danish_origin",
    "immigrant",
    "descendant",
    "immigrant_descendant",
    "minority",
    "western",
    "non_western",
    "western_immigrant",
    "non_western_immigrant",
    "non_western_descendant",
    "non_western_immigrant_arrived_0_12",
    "non_western_arrived_0_12_or_descendant",
    "menapt",
)


def reference_dates(month: int, day: int, as_of: date, first_year: int) -> list[tuple[int, date]]:
    """(year, measurement date) of each year from `first_year` whose date has passed by `as_of`."""
    return [
        (year, date(year, month, day))
        for year in range(first_year, as_of.year + 1)
        if date(year, month, day) <= as_of
    ]


def normalise(rows: Sequence[Sequence[Any]]) -> list[Row]:
    """Rows with plain Python types (DuckDB and polars return different integer/float types)."""
    out: list[Row] = []
    for ind, muni, period, t, grp, num, den, value, persons in rows:
        out.append(
            (
                str(ind),
                int(muni),
                str(period),
                float(t),
                str(grp),
                float(num),
                float(den),
                float(value),
                float(persons),
            )
        )
    out.sort(key=lambda r: (r[0], r[1], r[2], r[4]))
    return out


def engine_rows(con: Any, indicators: Sequence[str] = REFERENCE) -> list[Row]:
    """The engine's rows of `indicators` from the store's `computed_observations`.

    `con` is a DuckDB connection to the store (read-only is enough).
    """
    marks = ", ".join("?" for _ in indicators)
    rows = con.execute(
        f"SELECT {', '.join(COLUMNS)} FROM computed_observations "
        f"WHERE source = 'pejling compute' AND indicator IN ({marks})",
        list(indicators),
    ).fetchall()
    return normalise(rows)


def compare(engine: Sequence[Row], peer: Sequence[Row], limit: int = 10) -> list[str]:
    """Differences between the engine's rows and a peer's (empty when identical).

    Exact equality of every column: for an unweighted register numerator, denominator and
    persons are whole numbers, and the value is the same IEEE expression 100·num/den.
    """
    index = {(*r[:3], r[4]): r for r in engine}
    seen = {(*r[:3], r[4]): r for r in peer}
    out: list[str] = []
    if len(seen) != len(peer):
        out.append(f"the peer returned {len(peer) - len(seen)} duplicate keys")
    missing = sorted(set(index) - set(seen))
    extra = sorted(set(seen) - set(index))
    out += [f"missing in the peer: {k}" for k in missing[:limit]]
    out += [f"not in the engine: {k}" for k in extra[:limit]]
    if len(missing) > limit or len(extra) > limit:
        out.append(f"... {len(missing)} missing and {len(extra)} extra keys in all")
    differing = 0
    for key in sorted(set(index) & set(seen)):
        if index[key] != seen[key]:
            differing += 1
            if differing <= limit:
                want, got = index[key], seen[key]
                cols = [
                    f"{c} engine {w!r} peer {g!r}"
                    for c, w, g in zip(COLUMNS, want, got, strict=True)
                    if w != g
                ]
                out.append(f"{key}: {'; '.join(cols)}")
    if differing > limit:
        out.append(f"... {differing} rows differ in all")
    return out
