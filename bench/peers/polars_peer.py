"""The reference indicators in polars (lazy API): the data-frame peer of the engine (issue 14).

Why: many analysts would reach for a data-frame library rather than SQL; polars is the fast
one, so "the engine is at least as fast as polars" is the claim worth measuring. The tables are
read from the store (the same pseudonymous data the engine reads, via Arrow, no pyarrow needed)
into memory by `load` before the clock starts; `compute` then runs one lazy query per
indicator, written as a polars user would:

- the persons' group attributes are computed once (`people`, collected);
- the numerator is reduced to one row per person (a bit mask of the measurement dates a
  person was employed on; the first completed education) and joined to `people`, and those
  person rows to the residence spells, before the spells are expanded to the ~10M
  (spell, measurement date) rows;
- a spell covers a date: the spell is exploded into the years it touches (`int_ranges`) and
  joined to that year's date by equality (about twice as fast in polars as `join_where`); the
  age band is a window of birth dates per date;
- rows are summed into cells (municipality × period × attributes) and the cells, collected,
  are expanded into groups (one frame per kind of group, origin groups by `explode`) and
  summed per municipality and nationally (municipality 0).

`compute` returns the rows of `bench.peers.COLUMNS`, which `bench.peers.compare` checks
against the engine's.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl
from bench.peers import FAR_FUTURE, FIRST_YEAR, Mark, Row, normalise, reference_dates

#: table → the columns the three indicators read
TABLES: dict[str, tuple[str, ...]] = {
    "persons": (
        "person_id",
        "birth_date",
        "sex",
        "origin",
        "western",
        "menapt",
        "residence_basis",
        "arrival_date",
        "weight",
    ),
    "residence_spells": ("person_id", "municipality", "start", "end"),
    "employment_spells": ("person_id", "start", "end"),
    "education_spells": ("person_id", "level", "end", "outcome"),
    "danish_education": ("person_id", "start", "test_date", "result"),
    "programme_spells": ("person_id", "start", "end"),
}
CELL = ["municipality", "period", "t", "origin", "wcat", "menapt", "a012", "sex"]


def load(con: Any) -> dict[str, pl.DataFrame]:
    """The tables the indicators read, from a DuckDB connection to the store, into memory."""
    cursor = con.cursor()  # its own result stream, whatever `con` has pending
    out = {}
    for table, cols in TABLES.items():
        quoted = ", ".join(f'"{c}"' for c in cols)
        out[table] = pl.DataFrame(cursor.sql(f"SELECT {quoted} FROM {table}"))
    return out


def age_on(when: pl.Expr, born: pl.Expr) -> pl.Expr:
    """Completed years from `born` to `when` (a birthday on the date counts)."""
    before = (when.dt.month().cast(pl.Int32) * 100 + when.dt.day().cast(pl.Int32)) < (
        born.dt.month().cast(pl.Int32) * 100 + born.dt.day().cast(pl.Int32)
    )
    return when.dt.year() - born.dt.year() - before.cast(pl.Int32)


def people(persons: pl.LazyFrame) -> pl.LazyFrame:
    """Each person's group attributes and weight."""
    origin = pl.col("origin")
    return persons.select(
        "person_id",
        "birth_date",
        "sex",
        pl.col("residence_basis").alias("basis"),
        pl.col("weight").fill_null(1.0).cast(pl.Float64).alias("w"),
        "origin",
        pl.when(origin == "danish_origin")
        .then(pl.lit("dk"))
        .when(pl.col("western"))
        .then(pl.lit("w"))
        .otherwise(pl.lit("nw"))
        .alias("wcat"),
        pl.col("menapt").fill_null(False),
        ((origin == "immigrant") & (age_on(pl.col("arrival_date"), pl.col("birth_date")) <= 12))
        .fill_null(False)
        .alias("a012"),
    )


def origin_groups() -> pl.Expr:
    """The list of origin groups a cell belongs to (see `pejling.engine.groups`)."""
    o, wcat, a012 = pl.col("origin"), pl.col("wcat"), pl.col("a012")
    imm, desc, nw = o == "immigrant", o == "descendant", wcat == "nw"
    rules = {
        "danish_origin": o == "danish_origin",
        "immigrant": imm,
        "descendant": desc,
        "immigrant_descendant": o != "danish_origin",
        "minority": o != "danish_origin",
        "western": wcat == "w",
        "non_western": nw,
        "western_immigrant": (wcat == "w") & imm,
        "non_western_immigrant": nw & imm,
        "non_western_descendant": nw & desc,
        "non_western_immigrant_arrived_0_12": nw & imm & a012,
        "non_western_arrived_0_12_or_descendant": nw & (desc | (imm & a012)),
        "menapt": pl.col("menapt"),
    }
    return pl.concat_list(
        [pl.when(rule).then(pl.lit(name)) for name, rule in rules.items()]
    ).list.drop_nulls()


def dates(month: int, day: int, as_of: date, first_year: int) -> pl.LazyFrame:
    """period, t, y, i (0, 1, …), d: the measurement date of each year."""
    assert (month, day) != (2, 29), "a measurement date must exist in every year"
    pairs = reference_dates(month, day, as_of, first_year)
    return pl.LazyFrame(
        {
            "period": [str(y) for y, _ in pairs],
            "t": [float(y) for y, _ in pairs],
            "y": [y for y, _ in pairs],
            "i": list(range(len(pairs))),
            "d": [d for _, d in pairs],
        },
        schema={
            "period": pl.String,
            "t": pl.Float64,
            "y": pl.Int32,
            "i": pl.Int64,
            "d": pl.Date,
        },
    )


def covering(spells: pl.LazyFrame, when: pl.LazyFrame) -> pl.LazyFrame:
    """Spells × the dates of `when` they cover (start ≤ d ≤ end, an empty end is open).

    Each spell is exploded into the years it touches (within the dates' years) and joined to
    the date of each year by equality: in polars about twice as fast as an inequality join
    (`join_where`) of the spells with the dates.
    """
    first, last = pl.col("y").min(), pl.col("y").max()
    years = when.select(first=first, last=last)
    start, end = pl.col("start").dt.year(), pl.col("end").dt.year()
    return (
        spells.with_columns(pl.col("end").fill_null(FAR_FUTURE))
        .join(years, how="cross")
        .with_columns(
            y=pl.int_ranges(pl.max_horizontal(start, "first"), pl.min_horizontal(end, "last") + 1)
        )
        .drop("first", "last")
        .explode("y")
        .join(when, on="y")
        .filter(pl.col("start") <= pl.col("d"), pl.col("end") >= pl.col("d"))
        .drop("y")
    )


def groups(
    cells: pl.LazyFrame,
    *,
    cross: bool = False,
    aliases: tuple[str, ...] = (),
    target_groups: bool = False,
) -> pl.LazyFrame:
    """The cells under every group key: total (and its aliases), sex, origin (× sex)."""
    keep = ["municipality", "period", "t", "num", "den", "n"]
    parts = [cells.select(*keep, grp=pl.lit(g)) for g in ("", *aliases)]
    parts.append(cells.select(*keep, grp=pl.lit("sex=") + pl.col("sex")))
    by_origin = cells.with_columns(og=origin_groups()).explode("og").drop_nulls("og")
    parts.append(by_origin.select(*keep, grp=pl.lit("origin=") + pl.col("og")))
    if cross:
        parts.append(
            by_origin.select(
                *keep, grp=pl.lit("origin=") + pl.col("og") + pl.lit(";sex=") + pl.col("sex")
            )
        )
    if target_groups:
        basis = pl.col("basis")
        parts.append(
            cells.filter(basis == "refugee").select(*keep, grp=pl.lit("target_group=refugees"))
        )
        parts.append(
            cells.filter(basis.is_in(["refugee", "reunified_refugee"])).select(
                *keep, grp=pl.lit("target_group=refugees_and_reunified")
            )
        )
    return pl.concat(parts)


def aggregate(indicator: str, grouped: pl.LazyFrame) -> pl.LazyFrame:
    """Σ per group × municipality × period, and nationally as municipality 0."""
    sums = [pl.col("num").sum(), pl.col("den").sum(), pl.col("n").sum()]
    local = grouped.group_by("grp", "municipality", "period", "t").agg(sums)
    national = grouped.group_by("grp", "period", "t").agg(sums)
    national = national.with_columns(pl.lit(0, pl.Int16).alias("municipality"))
    both = pl.concat([local, national.select(local.collect_schema().names())])
    return both.select(
        pl.lit(indicator).alias("indicator"),
        "municipality",
        "period",
        "t",
        "grp",
        pl.col("num").alias("numerator"),
        pl.col("den").alias("denominator"),
        (100.0 * pl.col("num") / pl.col("den")).alias("value"),
        pl.col("n").cast(pl.Float64).alias("persons"),
    )


def _cells(rows: pl.LazyFrame, hit: pl.Expr, by: list[str]) -> pl.LazyFrame:
    """Σ weight where `hit`, Σ weight and the count per cell, collected: the few thousand cells
    feed several kinds of group, and polars would otherwise compute them again for each."""
    w = pl.col("w")
    cells = rows.group_by(by).agg(
        num=pl.when(hit).then(w).otherwise(0.0).sum(), den=w.sum(), n=pl.len()
    )
    return cells.collect().lazy()


def residents(
    t: dict[str, pl.LazyFrame], who: pl.LazyFrame, when: pl.LazyFrame, ages: tuple[int, int]
) -> pl.LazyFrame:
    """Residence spells with the person's attributes (joined to the spells, not to the far
    more person-dates), × the dates they cover, of persons aged `ages` on the date.

    The age band is a window of birth dates per date: aged lo..hi on d ⇔ born after
    d − (hi + 1) years and on or before d − lo years (exact, as d is never 29 February).
    """
    lo, hi = ages
    when = when.with_columns(
        born_after=pl.col("d").dt.offset_by(f"-{hi + 1}y"),
        born_by=pl.col("d").dt.offset_by(f"-{lo}y"),
    )
    spells = t["residence_spells"].join(who, on="person_id")
    born = pl.col("birth_date")
    return covering(spells, when).filter(born > pl.col("born_after"), born <= pl.col("born_by"))


def employment(t: dict[str, pl.LazyFrame], who: pl.LazyFrame, as_of: date, first: int) -> Any:
    """employment_rate_25_64: employed on 30 November, residents aged 25–64."""
    nov30 = dates(11, 30, as_of, first)
    bit = pl.lit(2, pl.Int64).pow(pl.col("i"))
    # one integer per person: bit i is set when an employment spell covers the i-th date
    employed = (
        covering(t["employment_spells"], nov30).group_by("person_id").agg(on_dates=bit.bitwise_or())
    )
    who = who.join(employed, on="person_id", how="left")
    rows = residents(t, who, nov30, (25, 64))
    hit = (pl.col("on_dates").fill_null(0) & bit) != 0
    cells = _cells(rows, hit, CELL)
    return aggregate("employment_rate_25_64", groups(cells, cross=True))


def youth_education(t: dict[str, pl.LazyFrame], who: pl.LazyFrame, as_of: date, first: int) -> Any:
    """youth_education_20_24: a youth or higher education completed by 1 October, ages 20–24."""
    completed = (
        t["education_spells"]
        .filter(pl.col("level").is_in(["youth", "higher"]) & (pl.col("outcome") == "completed"))
        .group_by("person_id")
        .agg(done=pl.col("end").min())
    )
    who = who.join(completed, on="person_id", how="left")
    rows = residents(t, who, dates(10, 1, as_of, first), (20, 24))
    cells = _cells(rows, (pl.col("done") <= pl.col("d")).fill_null(False), CELL)
    return aggregate("youth_education_20_24", groups(cells))


def danish_test(t: dict[str, pl.LazyFrame], who: pl.LazyFrame, as_of: date, first: int) -> Any:
    """danish_test_within_5y: by the year of the first Danish-education start, programme
    participants on that day; a passed test within 5 years of it."""
    danish = t["danish_education"]
    starts = (
        danish.group_by("person_id")
        .agg(e=pl.col("start").min())
        .with_columns(we=pl.col("e").dt.offset_by("5y").dt.offset_by("-1d"))
        .filter(pl.col("e").dt.year().is_between(first, as_of.year), pl.col("we") <= as_of)
    )
    e = pl.col("e")
    in_programme = (
        t["programme_spells"]
        .join(starts.select("person_id", "e"), on="person_id")
        .filter(pl.col("start") <= e, pl.col("end").fill_null(FAR_FUTURE) >= e)
        .select("person_id")
        .unique()
    )
    cohort = (
        starts.join(in_programme, on="person_id", how="semi")
        .join(t["residence_spells"], on="person_id")
        .filter(pl.col("start") <= e, pl.col("end").fill_null(FAR_FUTURE) >= e)
        .select("person_id", "e", "we", "municipality")
    )
    passed = (
        danish.filter(pl.col("result") == "passed")
        .join(cohort, on="person_id")
        .filter(pl.col("test_date").is_between(e, pl.col("we")))
        .select("person_id", passed=pl.lit(True))
        .unique("person_id")
    )
    rows = (
        cohort.with_columns(period=e.dt.year().cast(pl.String), t=e.dt.year().cast(pl.Float64))
        .join(who, on="person_id")
        .join(passed, on="person_id", how="left")
    )
    cells = _cells(rows, pl.col("passed").fill_null(False), [*CELL, "basis"])
    aliases = ("target_group=programme_participants", "target_group=course_participants")
    return aggregate("danish_test_within_5y", groups(cells, aliases=aliases, target_groups=True))


INDICATORS = {
    "employment_rate_25_64": employment,
    "youth_education_20_24": youth_education,
    "danish_test_within_5y": danish_test,
}


def compute(
    tables: dict[str, pl.DataFrame],
    as_of: date,
    first_year: int = FIRST_YEAR,
    mark: Mark | None = None,
) -> list[Row]:
    """The three indicators' rows, from the tables `load` returned."""
    if mark:
        mark("shared")
    lazy = {name: frame.lazy() for name, frame in tables.items()}
    who = people(lazy["persons"]).collect().lazy()
    rows: list[Any] = []
    for indicator, query in INDICATORS.items():
        if mark:
            mark(indicator)
        rows += query(lazy, who, as_of, first_year).collect().rows()
    return normalise(rows)
