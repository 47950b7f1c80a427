"""Validation of a person-level file, all in SQL, and its typed form.

Why two stages. A clean file, the usual case, must cost little: it is read once, straight into
its typed table (`create_typed`), and that same statement marks each row that any cell- or
row-level check could object to (`_bad`, derived from the typed values, see `_clean`); the rules
between rows (keys, overlaps, references) are then detected with one pass each, over the typed
table (`count_key_suspects`, `count_unknown_persons`). Only a file where something was detected
pays for the full, located checks (`locate_problems`): its text cells are read again and every
check appends located rows to one problems table, so the file is reported with its first N
problems by row and the count per kind, however many there are. Detection is conservative: it
may flag a row the located checks find clean (then nothing is reported), never the reverse
(tests/register/test_fast_checks.py compares the two on edge cases). Values are echoed in
messages except where they look like CPR numbers.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

import duckdb

from pejling.cpr import shown as shown_value
from pejling.errors import Problem
from pejling.reference.municipalities import municipalities
from pejling.register.countries import MENAPT, WESTERN, country_codes
from pejling.register.pseudonym import CPR_LIKE_SQL
from pejling.register.staging import Source, Staged, stage, unreadable
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


def _value(col: Column) -> str:
    """The parsed value of a date or number column (NULL where invalid), from its text `c`."""
    c = _q(col.name)
    if col.type is ColumnType.DATE:
        return _DATE_SQL.format(c=c)
    return _NUMBER_SQL.format(c=c)


def _parsed(col: Column) -> str:
    """Where the typed SELECT keeps a column's parsed value (computed once, used twice)."""
    return _q(col.name + "$v")


def _maybe_cpr(c: str, shorter_never: int) -> str:
    """`c` looks like a CPR number; the regular expression runs only on text long enough.

    Why the length: the CPR pattern needs nine digits at least, and a valid date needs twenty
    characters or more to hold one, so almost every cell is settled without the expression.
    """
    matches = f"regexp_matches({c}, '{CPR_LIKE_SQL}')"
    return f"CASE WHEN length({c}) < {shorter_never} THEN false ELSE {matches} END"


def _native(col: Column) -> str:
    """A Parquet DATE column's own value (see `Source.native_dates`)."""
    return _q(col.name + "$date")


def _native_value(col: Column) -> str:
    """The date `_DATE_SQL` reads from the text of a Parquet DATE: the value itself, if its
    text is yyyy-mm-dd (not a year beyond 9999, before Christ, or infinity)."""
    d = _native(col)
    return f"CASE WHEN {d} BETWEEN DATE '0001-01-01' AND DATE '9999-12-31' THEN {d} END"


def _clean(col: Column, had_cpr: bool, native: bool = False) -> str:
    """True when no cell check (see `_cell_checks`) can object to this cell.

    Written from the parsed value where the checks parse the text themselves: a date that
    parses is neither missing nor a bad date, and cannot look like a CPR number unless it is
    twenty characters or more (`2024-01-01 00:00:00.0000000000`); a code from the list is no CPR
    number (`_codes_may_look_like_cpr`); a municipality code of four digits is none either. A
    Parquet DATE (`native`) is read without its text: the text is yyyy-mm-dd or no date.
    """
    c = _q(col.name)
    empty_ok = f"({c} IS NULL AND {'false' if col.required else 'true'})"
    if col.type is ColumnType.PERSON:
        if had_cpr:
            return "person_id IS NOT NULL"  # NULL exactly where the cpr cell is not valid
        return (
            f"{empty_ok} OR (regexp_full_match({c}, '[A-Za-z0-9_-]{{6,64}}') "
            f"AND NOT {_maybe_cpr(c, 9)})"
        )
    if col.type is ColumnType.DATE and native:  # its text is empty exactly when it is NULL
        required = "false" if col.required else "true"
        return f"({_native(col)} IS NULL AND {required}) OR {_parsed(col)} IS NOT NULL"
    if col.type is ColumnType.DATE:
        return f"{empty_ok} OR ({_parsed(col)} IS NOT NULL AND NOT {_maybe_cpr(c, 20)})"
    if col.type in (ColumnType.INT, ColumnType.FLOAT):
        v = _parsed(col)
        parts = [f"{v} IS NOT NULL", f"isfinite({v})"]
        if col.type is ColumnType.INT:
            parts += [f"{v} = round({v})", f"abs({v}) <= 2147483647"]
        if col.minimum is not None:
            parts.append(f"{v} >= {col.minimum}")
        if col.maximum is not None:
            parts.append(f"{v} <= {col.maximum}")
        parts.append(f"NOT {_maybe_cpr(c, 9)}")
        return f"{empty_ok} OR ({' AND '.join(parts)})"
    if col.type is ColumnType.CODE:
        listed = f"list_contains($codes_{col.name}, {c})"
        if _codes_may_look_like_cpr(col):
            listed += f" AND NOT {_maybe_cpr(c, 9)}"
        return f"{empty_ok} OR ({listed})"
    if col.type is ColumnType.MUNICIPALITY:
        return (
            f"{empty_ok} OR (regexp_full_match({c}, '[0-9]{{1,4}}') "
            f"AND list_contains($municipality_codes, try_cast({c} AS INTEGER)))"
        )
    return "false"  # a type the checks do not know: always the located checks


def _codes_may_look_like_cpr(col: Column) -> bool:
    return any(re.search(CPR_LIKE_SQL, code) for code in _codes(col))


def _row_local(table: Table) -> list[str]:
    """Row-level rules (the cheap part of `_row_checks`) over the parsed values."""

    def typed(name: str) -> str:
        col = table.column(name)
        if col.type is not ColumnType.DATE:  # the rules compare dates only
            raise ValueError(f"{table.name}.{name}: a row-level rule on a non-date column")
        return _parsed(col)

    out = []
    pairs = list(table.ordered)
    if table.spell:
        pairs.insert(0, table.spell)
    for a, b in pairs:
        out.append(f"{typed(a)} > {typed(b)}")
    if table.name == "persons":
        out.append(f"origin = 'immigrant' AND {typed('arrival_date')} IS NULL")
        out.append("origin = 'danish_origin' AND country_of_origin <> 'DNK'")  # codes: text
    return out


def typed_select(
    table: Table, text_sql: str, had_cpr: bool, native_dates: frozenset[str] = frozenset()
) -> str:
    """SELECT turning text rows into the stored types (NULL where invalid), and `_bad`.

    `_bad` is true for a row that any cell check or row-level rule may object to; the text
    cells are not kept.
    """
    parsed = [
        f"{_native_value(c) if c.name in native_dates else _value(c)} AS {_parsed(c)}"
        for c in table.columns
        if c.type in (ColumnType.DATE, ColumnType.INT, ColumnType.FLOAT)
    ]
    parts: list[str] = []
    for col in table.columns:
        c = _q(col.name)
        if col.type is ColumnType.PERSON:
            parts.append("person_id")
        elif col.type in (ColumnType.DATE, ColumnType.FLOAT):
            parts.append(f"{_parsed(col)} AS {c}")
        elif col.type is ColumnType.INT:
            parts.append(f"TRY_CAST({_parsed(col)} AS INTEGER) AS {c}")
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
    clean = " AND ".join(
        f"coalesce({_clean(c, had_cpr, c.name in native_dates)}, false)" for c in table.columns
    )
    bad = " OR ".join([f"NOT ({clean})", *(f"coalesce({r}, false)" for r in _row_local(table))])
    inner = f"SELECT *, {', '.join(parsed)} FROM ({text_sql})" if parsed else text_sql
    return f"SELECT _row, {', '.join(parts)}, {bad} AS _bad FROM ({inner})"


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


def create_typed(con: duckdb.DuckDBPyConnection, source: Source) -> tuple[int, int]:
    """Read the file into `typed_<table>`; return (rows, rows marked `_bad`).

    One statement reads the file, hashes the CPR numbers and parses every cell; the aggregate
    after it reads only the small typed table. Raise ImportRejected if DuckDB cannot read it.
    """
    table = source.table
    typed = f"typed_{table.name}"
    con.execute(f"DROP TABLE IF EXISTS {typed}")
    select = typed_select(table, source.sql, source.had_cpr, source.native_dates)
    sql = f"CREATE TEMP TABLE {typed} AS {select}"
    try:
        con.execute(sql, {**_used(sql, check_parameters(table)), **source.params})
    except duckdb.Error as exc:
        if source.materialised:
            raise  # a table pejling filled itself: a bug, not a bad file
        raise unreadable(source, exc) from None
    row = con.execute(f"SELECT count(*), count(*) FILTER (_bad) FROM {typed}").fetchone()
    return (int(row[0]), int(row[1])) if row else (0, 0)


def count_key_suspects(con: duckdb.DuckDBPyConnection, table: Table) -> int:
    """Rows that may repeat a key or overlap an earlier spell (one pass when both apply).

    Where the key is the spells' grouping plus their start (residence, programmes, benefits,
    offers, Danish education), a key repeats only where two spells of a group start on the
    same day, which the overlap window sees as neighbours; otherwise the rows are counted
    against their distinct key hashes, cheaper than `_row_checks`' window that names the first
    row. A count above zero may be a false alarm (then the located checks find nothing).
    """
    typed = f"typed_{table.name}"
    found = 0
    key_in_window = False
    if table.spell and table.no_overlap:
        start, end = (_q(c) for c in table.spell)
        part = ", ".join(_q(k) for k in table.no_overlap)
        key_in_window = table.key == (*table.no_overlap, table.spell[0])
        same_start = f"prev_start = {start} OR " if key_in_window else ""
        row = con.execute(
            f"SELECT count(*) FROM (SELECT {start}, lag({start}) OVER w AS prev_start, "
            f"lag(coalesce({end}, DATE '9999-12-31')) OVER w AS prev_end FROM {typed} "
            f"WHERE {start} IS NOT NULL WINDOW w AS (PARTITION BY {part} ORDER BY {start}, _row)) "
            f"WHERE {same_start}prev_end >= {start}"
        ).fetchone()
        found += int(row[0]) if row else 0
    if not key_in_window:
        # a repeated key repeats its hash; two keys sharing a hash only cause a needless re-read
        key = ", ".join(_q(k) for k in table.key)
        present = " AND ".join(f"{_q(k)} IS NOT NULL" for k in table.key)
        row = con.execute(
            f"SELECT count(*) - count(DISTINCT hash({key})) FROM {typed} WHERE {present}"
        ).fetchone()
        found += int(row[0]) if row else 0
    return found


def count_unknown_persons(
    con: duckdb.DuckDBPyConnection, tables: list[Table], persons_relation: str
) -> dict[str, int]:
    """Rows per table whose person is not in `persons_relation`, in one anti-join.

    Why one statement for all tables: the join's hash table of every person is built once,
    not once per table.
    """
    if not tables:
        return {}
    union = " UNION ALL ".join(
        f"SELECT {i} AS t, person_id FROM typed_{t.name}" for i, t in enumerate(tables)
    )
    # NULL ids are counted out after the join: `WHERE person_id IS NOT NULL AND NOT EXISTS`
    # makes DuckDB plan a mark join over a DISTINCT of the ids, several times slower
    rows = con.execute(
        f"SELECT t, count(*) FILTER (WHERE person_id IS NOT NULL) FROM ({union}) r "
        f"WHERE NOT EXISTS (SELECT 1 FROM {persons_relation} p WHERE p.person_id = r.person_id) "
        f"GROUP BY t"
    ).fetchall()
    return {tables[int(t)].name: int(n) for t, n in rows if n}


def locate_problems(
    con: duckdb.DuckDBPyConnection, source: Source, persons_relation: str | None
) -> tuple[list[Problem], int, Counter[str]]:
    """Run every check, located; return (listed problems, total, counts per kind).

    For a file where `create_typed` or the row checks detected something: the text cells are
    read into `stage_<table>` to be shown, and checked with `typed_<table>`.
    """
    table = source.table
    staged = stage(con, source)
    params = check_parameters(table)
    typed = f"typed_{table.name}"
    checks = [*_cell_checks(staged), *_row_checks(table, typed, persons_relation)]
    con.execute("DROP TABLE IF EXISTS found_problems")
    union = " UNION ALL ".join(checks)
    sql = f"CREATE TEMP TABLE found_problems AS {union}"
    con.execute(sql, _used(sql, params))
    con.execute(f"DROP TABLE {staged.relation}")
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
