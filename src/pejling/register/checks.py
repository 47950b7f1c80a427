"""Validation of a staged person-level file, all in SQL, and its typed form.

Why one problems table: every check (cell types, codes, ranges, CPR-looking values, keys,
ordering, overlaps, references) appends located rows to one temp table, so a bad file is
reported with its first N problems by row and the count per kind, however many there are, in a
few passes over the data. Values are echoed in messages except where they look like CPR numbers.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import duckdb

from pejling.cpr import shown as shown_value
from pejling.errors import Problem
from pejling.reference.municipalities import municipalities
from pejling.register.countries import MENAPT, WESTERN, country_codes
from pejling.register.pseudonym import CPR_LIKE_SQL
from pejling.register.staging import Staged
from pejling.register.tables import Column, ColumnType, Table
from pejling.suggest import did_you_mean

MAX_LISTED = 50

_DATE_SQL = (
    "CASE WHEN regexp_full_match({c}, '[0-9]{{1,2}}\\.[0-9]{{1,2}}\\.[0-9]{{4}}') "
    "THEN CAST(try_strptime({c}, '%d.%m.%Y') AS DATE) "
    "WHEN regexp_full_match({c}, '[0-9]{{1,2}}-[0-9]{{1,2}}-[0-9]{{4}}') "
    "THEN CAST(try_strptime({c}, '%d-%m-%Y') AS DATE) "
    "WHEN regexp_full_match({c}, '[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}([ T]00:00:00(\\.0+)?)?') "
    "THEN try_cast(substr({c}, 1, 10) AS DATE) END"
)
#: only ASCII digits with a decimal point or comma (DuckDB alone would read '6_6' as 66)
_NUMBER_FORM = "[+-]?([0-9]+([.,][0-9]*)?|[.,][0-9]+|[0-9]{{1,3}}([.][0-9]{{3}})+(,[0-9]*)?)([eE][+-]?[0-9]{{1,3}})?"
_NUMBER_SQL = (
    "CASE WHEN NOT regexp_full_match({c}, '" + _NUMBER_FORM + "') THEN NULL "
    "WHEN contains({c}, ',') THEN try_cast(replace(replace({c}, '.', ''), ',', '.') AS DOUBLE) "
    "ELSE try_cast({c} AS DOUBLE) END"
)

_MESSAGES = {
    "missing_value": ("missing value", "a value"),
    "bad_date": ("{v} is not a date", "dd.mm.yyyy or yyyy-mm-dd"),
    "bad_number": ("{v} is not a number", "a number (decimal comma or point)"),
    "not_integer": ("{v} is not a whole number", "a whole number"),
    "out_of_range": ("{v} is out of range", "{range}"),
    "unknown_code": ("unknown code {v}", ""),
    "unknown_municipality": ("{v} is not a municipality code", "one of the 98 municipality codes"),
    "invalid_cpr": (
        "not a valid CPR number (the value is not shown)",
        "ddmmyy-nnnn or ddmmyynnnn",
    ),
    "cpr_like_value": (
        "holds a value that looks like a CPR number (not shown)",
        "CPR numbers only in the column cpr, where they are pseudonymised",
    ),
    "bad_person_id": (
        "{v} is not a pseudonymous id",
        "6-64 letters, digits, '-' or '_' (or give CPR numbers in a column named cpr)",
    ),
    "end_before_start": ("{v}", "{range}"),
    "duplicate_key": ("{v}", "one row per {range}"),
    "overlap": ("{v}", "spells that do not overlap"),
    "unknown_person": (
        "refers to a person who is not in persons",
        "a person in persons (the same import or an earlier one)",
    ),
    "inconsistent": ("{v}", "{range}"),
}


@dataclass(frozen=True)
class Finding:
    """One problem row before rendering."""

    row: int
    column: str
    kind: str
    value: str | None
    extra: str


def _q(name: str) -> str:
    return '"' + name + '"'


def _codes(col: Column) -> tuple[str, ...]:
    if col.name == "country_of_origin":
        return tuple(sorted(country_codes()))
    return col.codes


def _cell_checks(staged: Staged) -> list[str]:
    """SELECTs yielding (_row, column, kind, value, extra) for cell-level problems."""
    rel = staged.relation
    out: list[str] = []
    for col in staged.table.columns:
        c = _q(col.name)

        def emit(
            kind: str, cond: str, value: str = c, extra: str = "''", _n: str = col.name
        ) -> None:
            out.append(f"SELECT _row, '{_n}', '{kind}', {value}, {extra} FROM {rel} WHERE {cond}")

        if col.type is ColumnType.PERSON:
            if staged.had_cpr:
                emit("invalid_cpr", "NOT coalesce(_cpr_ok, false) AND person_id IS NULL", "NULL")
            else:
                emit("cpr_like_value", f"regexp_matches({c}, '{CPR_LIKE_SQL}')", "NULL")
                emit(
                    "bad_person_id",
                    f"NOT regexp_full_match({c}, '[A-Za-z0-9_-]{{6,64}}') "
                    f"AND NOT regexp_matches({c}, '{CPR_LIKE_SQL}')",
                )
            if col.required:
                if staged.had_cpr:
                    pass  # an empty cpr cell is reported as invalid_cpr
                else:
                    emit("missing_value", f"{c} IS NULL", "NULL")
            continue
        emit("cpr_like_value", f"regexp_matches({c}, '{CPR_LIKE_SQL}')", "NULL")
        not_cpr = f"NOT regexp_matches({c}, '{CPR_LIKE_SQL}')"
        if col.required:
            emit("missing_value", f"{c} IS NULL", "NULL")
        if col.type is ColumnType.DATE:
            emit("bad_date", f"{c} IS NOT NULL AND {not_cpr} AND ({_DATE_SQL.format(c=c)}) IS NULL")
        elif col.type in (ColumnType.INT, ColumnType.FLOAT):
            num = _NUMBER_SQL.format(c=c)
            # NaN and ±infinity parse as numbers but are none (a NaN weight would poison sums)
            emit(
                "bad_number",
                f"{c} IS NOT NULL AND {not_cpr} AND (({num}) IS NULL OR NOT isfinite({num}))",
            )
            if col.type is ColumnType.INT:
                emit(
                    "not_integer",
                    f"{not_cpr} AND ({num}) IS NOT NULL AND isfinite({num}) "
                    f"AND (({num}) <> round({num}) OR abs({num}) > 2147483647)",
                )
            bounds = []
            if col.minimum is not None:
                bounds.append(f"({num}) < {col.minimum}")
            if col.maximum is not None:
                bounds.append(f"({num}) > {col.maximum}")
            if bounds:
                rng = f"'{_fmt(col.minimum)} to {_fmt(col.maximum)}'"
                emit(
                    "out_of_range",
                    f"{not_cpr} AND isfinite({num}) AND ({' OR '.join(bounds)})",
                    extra=rng,
                )
        elif col.type is ColumnType.CODE:
            emit(
                "unknown_code",
                f"{c} IS NOT NULL AND {not_cpr} AND NOT list_contains($codes_{col.name}, {c})",
            )
        elif col.type is ColumnType.MUNICIPALITY:
            emit(
                "unknown_municipality",
                f"{c} IS NOT NULL AND {not_cpr} AND NOT (regexp_full_match({c}, '[0-9]{{1,4}}') "
                f"AND coalesce(list_contains($municipality_codes, try_cast({c} AS INTEGER)), false))",
            )
    return out


def _fmt(x: float | None) -> str:
    if x is None:
        return "…"
    return str(int(x)) if float(x).is_integer() else str(x)


def typed_select(table: Table, relation: str) -> str:
    """SELECT turning the staged text cells into the stored types (NULL where invalid)."""
    parts: list[str] = []
    for col in table.columns:
        c = _q(col.name)
        if col.type is ColumnType.PERSON:
            parts.append("person_id")
        elif col.type is ColumnType.DATE:
            parts.append(f"{_DATE_SQL.format(c=c)} AS {c}")
        elif col.type is ColumnType.INT:
            parts.append(f"TRY_CAST({_NUMBER_SQL.format(c=c)} AS INTEGER) AS {c}")
        elif col.type is ColumnType.FLOAT:
            parts.append(f"{_NUMBER_SQL.format(c=c)} AS {c}")
        elif col.type is ColumnType.MUNICIPALITY:
            parts.append(f"try_cast({c} AS SMALLINT) AS {c}")
        else:
            parts.append(c)
    if table.name == "persons":
        parts.append(
            "CASE WHEN origin = 'danish_origin' THEN NULL "
            "ELSE list_contains($western, country_of_origin) END AS western"
        )
        parts.append(
            "CASE WHEN origin = 'danish_origin' THEN NULL "
            "ELSE list_contains($menapt, country_of_origin) END AS menapt"
        )
    return f"SELECT _row, {', '.join(parts)} FROM {relation}"


def _row_checks(table: Table, typed: str, persons_relation: str | None) -> list[str]:
    """SELECTs for rules between columns and rows, on the typed table."""
    out: list[str] = []
    pairs = list(table.ordered)
    if table.spell:
        pairs.insert(0, table.spell)
    for a, b in pairs:
        out.append(
            f"SELECT _row, '{b}', 'end_before_start', "
            f"'{b} ' || strftime({_q(b)}, '%d.%m.%Y') || ' is before {a} ' || "
            f"strftime({_q(a)}, '%d.%m.%Y'), '{a} on or before {b}' "
            f"FROM {typed} WHERE {_q(a)} > {_q(b)}"
        )
    key = ", ".join(_q(k) for k in table.key)
    out.append(
        f"SELECT _row, '{table.key[-1]}', 'duplicate_key', "
        f"'the same {' + '.join(table.key)} as row ' || first_row, '{', '.join(table.key)}' FROM ("
        f"SELECT _row, min(_row) OVER (PARTITION BY {key}) AS first_row FROM {typed} "
        f"WHERE {' AND '.join(f'{_q(k)} IS NOT NULL' for k in table.key)}) WHERE _row <> first_row"
    )
    if table.spell and table.no_overlap:
        start, end = table.spell
        part = ", ".join(_q(k) for k in table.no_overlap)
        out.append(
            f"SELECT _row, '{start}', 'overlap', 'overlaps the spell in row ' || prev_row, '' FROM ("
            f"SELECT _row, {_q(start)} AS s, "
            f"lag(coalesce({_q(end)}, DATE '9999-12-31')) OVER w AS prev_end, "
            f"lag(_row) OVER w AS prev_row FROM {typed} WHERE {_q(start)} IS NOT NULL "
            f"WINDOW w AS (PARTITION BY {part} ORDER BY {_q(start)}, _row)) "
            f"WHERE prev_end >= s"
        )
    if table.name == "persons":
        out.append(
            f"SELECT _row, 'arrival_date', 'inconsistent', 'an immigrant without arrival_date', "
            f"'arrival_date for every immigrant' FROM {typed} "
            f"WHERE origin = 'immigrant' AND arrival_date IS NULL"
        )
        out.append(
            f"SELECT _row, 'country_of_origin', 'inconsistent', "
            f"'Danish origin with country_of_origin ' || country_of_origin, "
            f"'DNK for persons of Danish origin' FROM {typed} "
            f"WHERE origin = 'danish_origin' AND country_of_origin <> 'DNK'"
        )
    elif persons_relation is not None:
        out.append(
            f"SELECT _row, 'person_id', 'unknown_person', NULL, '' FROM {typed} t "
            f"WHERE person_id IS NOT NULL AND NOT EXISTS "
            f"(SELECT 1 FROM {persons_relation} p WHERE p.person_id = t.person_id)"
        )
    return out


def check_parameters(table: Table) -> dict[str, object]:
    """Named parameters the checks and the typed SELECT refer to."""
    params: dict[str, object] = {}
    for col in table.columns:
        if col.type is ColumnType.CODE:
            params[f"codes_{col.name}"] = list(_codes(col))
    if any(c.type is ColumnType.MUNICIPALITY for c in table.columns):
        params["municipality_codes"] = sorted(municipalities())
    if table.name == "persons":
        params["western"] = sorted(WESTERN)
        params["menapt"] = sorted(MENAPT)
    return params


def _used(sql: str, params: dict[str, object]) -> dict[str, object]:
    return {k: v for k, v in params.items() if f"${k}" in sql}


def validate(
    con: duckdb.DuckDBPyConnection, staged: Staged, persons_relation: str | None
) -> tuple[list[Problem], int, Counter[str]]:
    """Run every check; build `typed_<table>`; return (listed problems, total, counts)."""
    table = staged.table
    params = check_parameters(table)
    typed = f"typed_{table.name}"
    con.execute(f"DROP TABLE IF EXISTS {typed}")
    sql = f"CREATE TEMP TABLE {typed} AS {typed_select(table, staged.relation)}"
    con.execute(sql, _used(sql, params))
    checks = [*_cell_checks(staged), *_row_checks(table, typed, persons_relation)]
    con.execute("DROP TABLE IF EXISTS found_problems")
    union = " UNION ALL ".join(checks)
    sql = f"CREATE TEMP TABLE found_problems AS {union}"
    con.execute(sql, _used(sql, params))
    counts: Counter[str] = Counter(
        {k: int(n) for k, n in con.execute(
            "SELECT #3, count(*) FROM found_problems GROUP BY #3"
        ).fetchall()}
    )  # fmt: skip
    rows = con.execute(
        f"SELECT * FROM found_problems ORDER BY #1, #2 LIMIT {MAX_LISTED}"
    ).fetchall()
    problems = [
        _render(staged, Finding(int(r[0]), str(r[1]), str(r[2]), r[3], str(r[4] or "")))
        for r in rows
    ]
    con.execute("DROP TABLE found_problems")
    return problems, sum(counts.values()), counts


def _render(staged: Staged, f: Finding) -> Problem:
    column = "cpr" if (f.column == "person_id" and staged.had_cpr) else f.column
    where = (
        f"{staged.name}:{f.row}"
        if staged.row_label == "line"
        else f"{staged.name} {staged.row_label} {f.row}"
    )
    message, expected = _MESSAGES[f.kind]
    value = "" if f.value is None else shown_value(f.value)
    if staged.row_label == "line":
        value = value.replace(" row ", " line ")
    shown = (
        f"'{value}'"
        if f.kind not in {"end_before_start", "duplicate_key", "overlap", "inconsistent"}
        else value
    )
    hint = ""
    if f.kind == "unknown_code" and f.value is not None:
        col = staged.table.column(f.column)
        codes = _codes(col)
        hint = did_you_mean(f.value, codes) or ""
        listed = (
            "one of " + ", ".join(codes)
            if len(codes) <= 12
            else "an ISO 3166 alpha-3 code, e.g. SYR"
        )
        expected = listed
    return Problem(
        f"{where}, column {column}",
        message.format(v=shown),
        expected.format(range=f.extra, codes=""),
        hint,
        f.kind,
    )
