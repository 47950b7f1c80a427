"""Value selections as the StatBank API writes them, evaluated against the table info.

The API accepts, per variable, codes and a few expressions: `*` (every value), `2023*` and
`*K4` (by prefix or suffix), `>=2019K1`, `<=2024K4`, `>=2019K1<=2024K4` (ranges over the time
codes), `(1)` (the newest period) and `(-n+5)` (the newest five). pejling evaluates them
locally against the table info, so that an unknown value is reported with a did-you-mean before
any request is sent, a request names explicit codes, and its size is known in advance (the API
refuses more than 1,000,000 cells outside the streaming BULK format).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from pejling.sources.http import SourceRequestError
from pejling.sources.table import TableInfo, Variable, fold

#: the API's limit on cells for the non-streaming formats (CSV, JSONSTAT, …)
CELL_LIMIT = 1_000_000

_RANGE = re.compile(r"^(?:>(=?)([^<>]+?))?(?:<(=?)([^<>]+))?$")
_NEWEST = re.compile(r"^\((\d+)\)$")
_LAST_N = re.compile(r"^\(-n\+(\d+)\)$")


def expand(variable: Variable, spec: str, table: str) -> list[str]:
    """The codes an expression selects, in table order; raise with a hint when none match."""
    codes = variable.codes()
    text = spec.strip()
    if text == "*":
        return codes
    if "*" in text:
        pattern = re.compile("^" + ".*".join(re.escape(p) for p in text.split("*")) + "$", re.I)
        found = [c for c in codes if pattern.match(c)]
        if found:
            return found
    elif m := _NEWEST.match(text):
        n = int(m.group(1))
        return [codes[-n]] if 0 < n <= len(codes) else []
    elif m := _LAST_N.match(text):
        return codes[-int(m.group(1)) :]
    elif text[:1] in "<>" and (m := _RANGE.match(text)):
        lo_eq, lo, hi_eq, hi = m.groups()
        lo_code = _exact(variable, lo, table) if lo else None
        hi_code = _exact(variable, hi, table) if hi else None
        positions = {c: i for i, c in enumerate(codes)}
        start = positions[lo_code] + (0 if lo_eq else 1) if lo_code else 0
        end = positions[hi_code] + (1 if hi_eq else 0) if hi_code else len(codes)
        return codes[start:end]
    else:
        return [_exact(variable, text, table)]
    raise SourceRequestError(
        f"{table}: ingen værdier af {variable.id} passer til '{spec}'",
        f"{table}: no value of {variable.id} matches '{spec}'",
    )


def _exact(variable: Variable, wanted: str, table: str) -> str:
    code = variable.find(wanted)
    if code is not None:
        return code
    hint = variable.suggest(wanted)
    shown = ", ".join(variable.codes()[:8]) + (" …" if len(variable.values) > 8 else "")
    raise SourceRequestError(
        f"{table}: værdien '{wanted}' findes ikke i variablen {variable.id} ({shown})"
        + (f"; {hint.replace('did you mean', 'mente du')}" if hint else ""),
        f"{table}: variable {variable.id} has no value '{wanted}' ({shown})"
        + (f"; {hint}" if hint else ""),
    )


def resolve_selection(
    info: TableInfo, wanted: Mapping[str, Sequence[str]], *, fill: bool = True
) -> dict[str, list[str]]:
    """Explicit codes for every variable of the table, in table order.

    Unknown variables and values raise SourceRequestError with a did-you-mean. With `fill`,
    a variable not named is set to its first value (StatBank lists a variable's total first),
    and a time variable not named to its newest period.
    """
    by_var: dict[str, list[str]] = {}
    for name, specs in wanted.items():
        var = info.variable(name)
        if var is None:
            from pejling.suggest import did_you_mean

            ids = [v.id for v in info.variables]
            hint = did_you_mean(name, ids)
            raise SourceRequestError(
                f"{info.id} har ingen variabel '{name}' (variablerne er {', '.join(ids)})"
                + (f"; {hint.replace('did you mean', 'mente du')}" if hint else ""),
                f"{info.id} has no variable '{name}' (its variables are {', '.join(ids)})"
                + (f"; {hint}" if hint else ""),
            )
        codes: list[str] = by_var.setdefault(var.id, [])
        for spec in specs:
            for code in expand(var, str(spec), info.id):
                if code not in codes:
                    codes.append(code)
    out: dict[str, list[str]] = {}
    for var in info.variables:
        if var.id in by_var:
            order = {c: i for i, c in enumerate(var.codes())}
            out[var.id] = sorted(by_var[var.id], key=lambda c: order.get(c, 0))
        elif fill and var.values:
            out[var.id] = [var.codes()[-1] if var.time else var.codes()[0]]
    return out


def cell_count(selection: Mapping[str, Sequence[str]]) -> int:
    """How many cells a selection asks for."""
    total = 1
    for codes in selection.values():
        total *= max(len(codes), 1)
    return total


def variable_named(info: TableInfo, name: str) -> Variable | None:
    """A variable by id or text (for messages that must not raise)."""
    for var in info.variables:
        if fold(var.id) == fold(name) or fold(var.text) == fold(name):
            return var
    return None
