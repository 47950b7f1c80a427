"""Tables of constants in a plan (group membership), recognised so that engines can load their
rows directly instead of parsing a VALUES list of thousands of rows.

Why: a `gm` step is `SELECT * FROM (VALUES …) AS m(columns)`; Spark's SQL parser takes seconds
over it and DuckDB's a noticeable fraction of a second per table, while handing either the
rows takes a fraction of that. Both engines use `constant_table` (DuckDB in `engine.run`,
Spark in `engine.spark`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlglot
from sqlglot import exp

#: the DuckDB type of each kind of column `constant_table` recognises
DUCKDB_TYPES = {
    "string": "VARCHAR",
    "boolean": "BOOLEAN",
    "int": "INTEGER",
    "bigint": "BIGINT",
    "double": "DOUBLE",
    "date": "DATE",
}


def _literal(node: exp.Expr) -> tuple[bool, Any]:
    """(True, value) when `node` is a constant: string, number, boolean, NULL or DATE '…'."""
    if isinstance(node, exp.Paren):
        return _literal(node.this)
    if isinstance(node, exp.Null):
        return True, None
    if isinstance(node, exp.Boolean):
        return True, bool(node.this)
    if isinstance(node, exp.Literal):
        if node.is_string:
            return True, str(node.this)
        text = str(node.this)
        return True, float(text) if re.search(r"[.eE]", text) else int(text)
    if isinstance(node, exp.Neg):
        ok, value = _literal(node.this)
        return (True, -value) if ok and isinstance(value, int | float) else (False, None)
    if (
        isinstance(node, exp.Cast)
        and node.to.is_type(exp.DataType.Type.DATE)
        and isinstance(node.this, exp.Literal)
        and node.this.is_string
    ):
        return True, date.fromisoformat(str(node.this.this))
    return False, None


@dataclass(frozen=True)
class ConstantTable:
    """A query that is a table of constants: its columns, their Spark types and the rows."""

    columns: tuple[str, ...]
    kinds: tuple[str, ...]  # Spark type names: string, boolean, int, bigint, double, date
    rows: tuple[tuple[Any, ...], ...]


def _kind(values: list[Any]) -> str | None:
    """The Spark type of a VALUES column as Spark SQL types it (decimals as DOUBLE, see
    `_double_literals`); None when the values mix kinds Spark would have to coerce."""
    seen = [v for v in values if v is not None]
    if all(isinstance(v, str) for v in seen):
        return "string"
    if all(isinstance(v, bool) for v in seen):
        return "boolean"
    if all(isinstance(v, int) and not isinstance(v, bool) for v in seen):
        return "int" if all(-(2**31) <= v < 2**31 for v in seen) else "bigint"
    if all(isinstance(v, int | float) and not isinstance(v, bool) for v in seen):
        return "double"
    if all(isinstance(v, date) for v in seen):
        return "date"
    return None


def constant_table(query: exp.Expr) -> ConstantTable | None:
    """The rows when `query` is `SELECT * FROM (VALUES …) AS t(columns)` of constants.

    Why: group membership (`gm`) is a VALUES table of thousands of rows; Spark's SQL parser
    takes seconds over it, while handing Spark the rows themselves takes a fraction of that.
    """
    if not isinstance(query, exp.Select) or len(query.selects) != 1:
        return None
    if not isinstance(query.selects[0], exp.Star) or query.args.get("joins"):
        return None
    if any(query.args.get(k) for k in ("where", "group", "having", "order", "limit", "with")):
        return None
    source = query.args.get("from_") or query.args.get("from")
    values = source.this if isinstance(source, exp.From) else None
    if isinstance(values, exp.Subquery):
        values = values.this
    if not isinstance(values, exp.Values) or not values.alias_column_names:
        return None
    columns = tuple(values.alias_column_names)
    rows: list[tuple[Any, ...]] = []
    for row in values.expressions:
        cells = row.expressions if isinstance(row, exp.Tuple) else [row]
        parsed = [_literal(c) for c in cells]
        if len(parsed) != len(columns) or not all(ok for ok, _ in parsed):
            return None
        rows.append(tuple(v for _, v in parsed))
    kinds = tuple(_kind([r[i] for r in rows]) for i in range(len(columns)))
    if any(k is None for k in kinds):
        return None
    doubles = [i for i, k in enumerate(kinds) if k == "double"]
    if doubles:
        rows = [
            tuple(float(v) if i in doubles and v is not None else v for i, v in enumerate(r))
            for r in rows
        ]
    return ConstantTable(columns, tuple(str(k) for k in kinds), tuple(rows))


def values_query(table: ConstantTable) -> exp.Expr:
    """`SELECT * FROM (VALUES …) AS m(columns)`: the rows of `table` as a query."""
    rows = [
        exp.Tuple(expressions=[_literal_node(v) for v in row])  # built directly: no copies
        for row in table.rows
    ]
    return sqlglot.select("*").from_(exp.values(rows, alias="m", columns=list(table.columns)))


def _literal_node(value: Any) -> exp.Expr:
    if value is None:
        return exp.Null()
    if isinstance(value, bool):
        return exp.Boolean(this=value)
    if isinstance(value, str):
        return exp.Literal.string(value)
    if isinstance(value, int | float):
        return exp.Literal.number(value)
    if isinstance(value, date):
        return exp.cast(exp.Literal.string(value.isoformat()), exp.DataType.build("DATE"))
    raise TypeError(f"not a constant: {value!r}")
