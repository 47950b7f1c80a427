"""The coverage bits taken from spell start and end equal those from joining spells to dates."""

from __future__ import annotations

from datetime import date, timedelta

import duckdb
import pytest
import sqlglot

from pejling.engine.compiler import PeriodRow, _one_day_a_year, coverage_query
from pejling.engine.predicates import Context, Coverage, Spells, _education_completed, _job_ready

Y1, Y2 = 2016, 2024


def periods(month: int, day: int, years: range = range(Y1, Y2 + 1)) -> list[PeriodRow]:
    return [
        PeriodRow(str(y), float(y), y, date(y, month, day), date(y, 1, 1), date(y, 12, 31))
        for y in years
    ]


def spells_around(month: int, day: int) -> list[tuple[str, date, date | None]]:
    """Spells that start or end on, a day before and a day after each reference date, open
    spells, and spells wholly before and after the years."""
    rows: list[tuple[str, date, date | None]] = []
    for y in (Y1 - 2, Y1 - 1, Y1, Y1 + 3, Y2, Y2 + 1):
        d, one = date(y, month, day), timedelta(days=1)
        later = date(y + 2, month, day)
        for i, (start, end) in enumerate(
            [
                (d, d),
                (d - one, d - one),
                (d + one, None),
                (d, None),
                (date(y, 1, 1), later),
                (date(y, 1, 1), later - one),
                (d + one, later + one),
                (date(y - 1, 12, 31), date(y, 1, 1)),
            ]
        ):
            rows.append((f"p{y}_{i}", start, end))
    return rows


def bits(con: duckdb.DuckDBPyConnection, ps: list[PeriodRow], fast: bool) -> dict[int, int]:
    coverage = Coverage("cov", Y1 - 1)
    query = sqlglot.parse_one(
        "SELECT e.person_id, pq.y FROM employment_spells AS e JOIN periods AS pq "
        "ON e.start <= pq.d AND coalesce(e.\"end\", DATE '9999-12-31') >= pq.d "
        "WHERE e.kind = 'ordinary'"
    )
    spells = Spells(
        sqlglot.exp.to_table("employment_spells"), "e", (sqlglot.parse_one("e.kind = 'ordinary'"),)
    )
    coverage.column(query, spells if fast else None)
    sql = coverage_query(coverage, ps).sql(dialect="duckdb")
    return dict(con.execute(sql).fetchall())


@pytest.mark.parametrize(("month", "day"), [(11, 30), (1, 2), (6, 15)])
def test_bits_from_spell_ends_equal_the_join(month: int, day: int) -> None:
    con = duckdb.connect()
    con.execute(
        'CREATE TABLE employment_spells (pk INTEGER, person_id VARCHAR, start DATE, "end" DATE, '
        "kind VARCHAR)"
    )
    rows = spells_around(month, day)
    con.executemany(
        "INSERT INTO employment_spells VALUES (?, ?, ?, ?, ?)",
        [(i, pid, s, e, "ordinary") for i, (pid, s, e) in enumerate(rows)]
        + [(999, "other_kind", date(Y1, 1, 1), None, "flexjob")],
    )
    ps = periods(month, day)
    assert _one_day_a_year(ps) is not None
    fast, joined = bits(con, ps, True), bits(con, ps, False)
    assert fast == joined
    assert len(joined) > 20  # the edge cases do cover some dates
    assert 999 not in fast  # the spells' conditions hold (keyed: the rows' pk)


def test_other_dates_take_the_join() -> None:
    assert _one_day_a_year(periods(2, 28)) is not None
    assert _one_day_a_year(periods(2, 29, range(2016, 2017))) is None  # a leap day
    gap = [p for p in periods(11, 30) if p.year != 2019]
    assert _one_day_a_year(gap) is None
    moved = periods(11, 30)
    last = moved[-1]
    moved[-1] = PeriodRow(last.label, last.t, last.year, date(2024, 6, 30), last.ps, last.pe)
    assert _one_day_a_year(moved) is None


@pytest.mark.parametrize(("month", "day"), [(11, 30), (1, 1), (12, 31)])
def test_job_readiness_held_until_the_next_assessment(month: int, day: int) -> None:
    """ "The latest assessment on or before the date is job_ready", both ways."""
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE job_readiness (pk INTEGER, person_id VARCHAR, date DATE, assessment VARCHAR)"
    )
    one = timedelta(days=1)
    rows: list[tuple[int, str, date, str]] = []
    for i, y in enumerate((Y1 - 1, Y1, Y1 + 2, Y2)):
        d, later = date(y, month, day), date(y + 2, month, day)
        # ready from a reference date; no longer ready on, the day before and the day after
        # a later reference date, or never again
        for j, change in enumerate((later, later - one, later + one, None)):
            pk = i * 10 + j
            rows.append((pk, f"p{pk}", d, "job_ready"))
            if change is not None:
                rows.append((pk, f"p{pk}", change, "not_job_ready"))
        # not ready the day before a reference date, ready on it
        rows += [
            (i * 10 + 9, f"q{i}", d - one, "not_job_ready"),
            (i * 10 + 9, f"q{i}", d, "job_ready"),
        ]
    con.executemany("INSERT INTO job_readiness VALUES (?, ?, ?, ?)", rows)
    ps = periods(month, day)
    fast = Coverage("cov", Y1)
    _job_ready(True, Context(date(Y2, 12, 31), point=True, coverage=fast))
    slow = Coverage("cov", Y1)
    slow.columns = dict(fast.columns)
    assert fast.spells
    assert not slow.spells
    got = dict(con.execute(coverage_query(fast, ps).sql(dialect="duckdb")).fetchall())
    want = dict(con.execute(coverage_query(slow, ps).sql(dialect="duckdb")).fetchall())
    assert got == want
    assert sum(1 for v in want.values() if v) > 5


@pytest.mark.parametrize(("month", "day"), [(11, 30), (12, 31)])
def test_education_completed_by_the_date(month: int, day: int) -> None:
    """ "A completed education ended on or before the date", both ways."""
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE education_spells (pk INTEGER, person_id VARCHAR, start DATE, "
        '"end" DATE, level VARCHAR, outcome VARCHAR)'
    )
    one = timedelta(days=1)
    rows: list[tuple[int, str, date, date | None, str, str]] = []
    for i, y in enumerate((Y1 - 1, Y1, Y1 + 4, Y2, Y2 + 1)):
        d = date(y, month, day)
        for j, (end, level, outcome) in enumerate(
            [
                (d, "higher", "completed"),
                (d - one, "higher", "completed"),
                (d + one, "higher", "completed"),
                (d, "youth", "completed"),  # another level
                (d, "higher", "dropped_out"),
                (None, "higher", "ongoing"),
                (None, "higher", "completed"),  # completed without an end: never counted
            ]
        ):
            pk = i * 10 + j
            rows.append((pk, f"p{pk}", date(y - 3, 8, 1), end, level, outcome))
    con.executemany("INSERT INTO education_spells VALUES (?, ?, ?, ?, ?, ?)", rows)
    ps = periods(month, day)
    fast = Coverage("cov", Y1)
    _education_completed(["higher"], Context(date(Y2, 12, 31), point=True, coverage=fast))
    slow = Coverage("cov", Y1)
    slow.columns = dict(fast.columns)
    assert fast.spells
    got = dict(con.execute(coverage_query(fast, ps).sql(dialect="duckdb")).fetchall())
    want = dict(con.execute(coverage_query(slow, ps).sql(dialect="duckdb")).fetchall())
    assert got == want
    assert len(want) >= 8
