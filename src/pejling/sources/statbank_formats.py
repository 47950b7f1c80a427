"""Reading what Statistics Denmark's StatBank returns: table info, JSON-stat, CSV/BULK, and the
CSV files users download from the StatBank website.

Formats, as documented for the StatBank API v1 (https://api.statbank.dk/v1/, see docs/sources.md
for what was checked against which source):

* `tableinfo` (JSON): `id`, `text`, `description`, `unit`, `updated`, `suppressedDataValue`,
  `variables` — each with `id`, `text`, `elimination`, `time` and `values` (`id`, `text`).
* `data` as JSONSTAT: JSON-stat 1.x, `{"dataset": {"dimension": {...,"id": [...], "size": [...]},
  "value": [...], "status": {...}, "updated": ...}}`; the API adds a one-value `ContentsCode`
  dimension; a missing or confidential figure is `null` in `value` with its symbol in `status`.
* `data` as CSV or BULK: `;`-separated, one row per figure, header = variable ids in capitals
  (`OMRÅDE;KØN;TID;INDHOLD`), values as labels (or codes), decimal comma in Danish and point in
  English; CSV starts with a byte order mark, BULK does not.
* errors: HTTP 400 with `{"errorTypeCode": ..., "message": ...}`.

The StatBank website's download is a table as shown on screen: one or two title lines, a header
row whose columns are the values of one variable (usually the periods, "2025Q3" in English),
stub columns on the left with labels (a label is written once and left empty below it), and
sometimes a source line at the end. `read_export` reads that layout (and the one-row-per-figure
layout) without any hand conversion; labels become codes through the table info.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from typing import Any

from pejling.periods import Period
from pejling.reference.municipalities import AreaKind, resolve_area
from pejling.sources.http import SourceFormatError
from pejling.sources.table import (
    Cell,
    Dimension,
    StatTable,
    TableInfo,
    Variable,
    dimensions_from_cells,
    fold,
    read_number,
    same_variable,
)

VALUE_COLUMNS = {"indhold", "value", "værdi", "values", "content"}
METRIC_DIMENSIONS = {"contentscode", "indhold"}


def _json(data: bytes, what: str) -> Any:
    try:
        return json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise SourceFormatError(
            f"{what} er ikke gyldig JSON ({exc})", f"{what} is not valid JSON ({exc})"
        ) from None


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without byte order mark), else Windows-1252 (Danish Excel)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252")


def parse_tableinfo(data: bytes, lang: str = "da") -> TableInfo:
    """The `tableinfo` response."""
    doc = _json(data, "Tabeloplysningerne" if lang == "da" else "The table info")
    if not isinstance(doc, dict) or "variables" not in doc:
        raise SourceFormatError(
            "tabeloplysningerne mangler 'variables'", "the table info has no 'variables'"
        )
    variables = []
    for var in doc.get("variables") or []:
        values = tuple(
            (str(v.get("id", "")), str(v.get("text", v.get("id", ""))))
            for v in var.get("values") or []
        )
        variables.append(
            Variable(
                id=str(var.get("id", "")),
                text=str(var.get("text", "")),
                values=values,
                time=bool(var.get("time", False)),
                elimination=bool(var.get("elimination", False)),
            )
        )
    suppressed = doc.get("suppressedDataValue")
    return TableInfo(
        id=str(doc.get("id", "")).upper(),
        text=str(doc.get("text", "")),
        unit=str(doc.get("unit", "")),
        updated=str(doc["updated"]) if doc.get("updated") else None,
        variables=tuple(variables),
        lang=lang,
        description=str(doc.get("description", "")),
        suppressed_value=str(suppressed) if suppressed is not None else None,
    )


def parse_error(data: bytes) -> tuple[str, str]:
    """(errorTypeCode, message) of an error response; the raw text when it is not JSON."""
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        return "", data.decode("utf-8", errors="replace").strip()[:300]
    if isinstance(doc, dict):
        return str(doc.get("errorTypeCode", "")), str(doc.get("message", "")).strip()
    return "", str(doc)[:300]


def parse_jsonstat(data: bytes, table: str = "") -> StatTable:
    """A JSON-stat response (1.x with its `dataset` wrapper, or 2.0)."""
    doc = _json(data, "JSON-stat-svaret" if table else "JSON-stat-filen")
    ds = _dataset(doc)
    dims = ds.get("dimension") or {}
    ids = ds.get("id") or dims.get("id")
    sizes = ds.get("size") or dims.get("size")
    if not isinstance(ids, list) or not isinstance(sizes, list) or len(ids) != len(sizes):
        raise SourceFormatError(
            "JSON-stat uden dimensionernes 'id' og 'size'", "JSON-stat without dimension id/size"
        )
    codes: list[list[str]] = []
    labels: list[dict[str, str]] = []
    texts: list[str] = []
    for dim_id, size in zip(ids, sizes, strict=True):
        dim = dims.get(dim_id) or {}
        cat = dim.get("category") or {}
        index = cat.get("index")
        if isinstance(index, dict):
            ordered = [c for c, _pos in sorted(index.items(), key=lambda kv: int(kv[1]))]
        elif isinstance(index, list):
            ordered = [str(c) for c in index]
        else:
            ordered = [str(c) for c in (cat.get("label") or {})]
        if len(ordered) != int(size):
            raise SourceFormatError(
                f"JSON-stat: dimensionen {dim_id} har {len(ordered)} værdier, men size er {size}",
                f"JSON-stat: dimension {dim_id} has {len(ordered)} values but size {size}",
            )
        codes.append([str(c) for c in ordered])
        labels.append({str(k): str(v) for k, v in (cat.get("label") or {}).items()})
        texts.append(str(dim.get("label", dim_id)))
    total = 1
    for size in sizes:
        total *= int(size)
    values = _flat(ds.get("value"), total)
    status = _status(ds.get("status"), total)
    keep = [
        i
        for i, dim_id in enumerate(ids)
        if not (fold(dim_id) in METRIC_DIMENSIONS and sizes[i] == 1)
    ]
    strides = [1] * len(sizes)
    for i in range(len(sizes) - 2, -1, -1):
        strides[i] = strides[i + 1] * int(sizes[i + 1])
    cells = []
    for flat in range(total):
        key = tuple(codes[d][(flat // strides[d]) % int(sizes[d])] for d in keep)
        raw = values[flat]
        if isinstance(raw, int | float) and not isinstance(raw, bool):
            cells.append(Cell(key, float(raw)))
        elif isinstance(raw, str):
            value, marker = read_number(raw, ".")
            cells.append(Cell(key, value, marker or status[flat]))
        else:
            cells.append(Cell(key, None, status[flat] or ".."))
    ext = (ds.get("extension") or {}).get("px") or {}
    name = str(ext.get("tableid") or table or ds.get("label", "")).upper()
    dimensions = tuple(
        Dimension(str(ids[d]), texts[d], tuple((c, labels[d].get(c, c)) for c in codes[d]))
        for d in keep
    )
    updated = ds.get("updated")
    return StatTable(name, dimensions, tuple(cells), str(updated) if updated else None, "JSON-stat")


def _dataset(doc: Any) -> dict[str, Any]:
    if isinstance(doc, dict) and doc.get("class") == "dataset":
        return doc
    if isinstance(doc, dict):
        if isinstance(doc.get("dataset"), dict):
            return dict(doc["dataset"])
        for value in doc.values():
            if isinstance(value, dict) and "dimension" in value:
                return value
    raise SourceFormatError("ikke et JSON-stat-datasæt", "not a JSON-stat dataset")


def _flat(raw: Any, total: int) -> list[Any]:
    if isinstance(raw, list):
        if len(raw) != total:
            raise SourceFormatError(
                f"JSON-stat: {len(raw)} værdier, men dimensionerne giver {total}",
                f"JSON-stat: {len(raw)} values but the dimensions give {total}",
            )
        return raw
    out: list[Any] = [None] * total
    if isinstance(raw, dict):
        for k, v in raw.items():
            out[int(k)] = v
    return out


def _status(raw: Any, total: int) -> list[str | None]:
    if raw is None:
        return [None] * total
    if isinstance(raw, str):
        return [raw] * total
    if isinstance(raw, list):
        return [str(s) if s is not None else None for s in raw] + [None] * (total - len(raw))
    out: list[str | None] = [None] * total
    if isinstance(raw, dict):
        for k, v in raw.items():
            out[int(k)] = str(v)
    return out


def parse_csv_data(
    data: bytes, table: str, infos: Sequence[TableInfo] = (), lang: str = "da"
) -> StatTable:
    """A CSV or BULK response: one row per figure, the last column is the value (INDHOLD)."""
    text = decode_text(data)
    rows = [r for r in csv.reader(io.StringIO(text, newline=""), delimiter=";") if any(r)]
    if not rows:
        raise SourceFormatError("svaret er tomt", "the response is empty")
    return _long_table(rows, table, infos, "." if lang == "en" else ",", "CSV")


def _long_table(
    rows: list[list[str]], table: str, infos: Sequence[TableInfo], decimal: str, origin: str
) -> StatTable:
    header = [h.strip() for h in rows[0]]
    names = header[:-1]
    variables = [_variable(infos, name) for name in names]
    keys: list[tuple[str, ...]] = []
    cells: list[Cell] = []
    for row in rows[1:]:
        if len(row) != len(header):
            continue
        key = tuple(_code(variables[i], row[i].strip()) for i in range(len(names)))
        value, marker = read_number(row[-1], decimal)
        keys.append(key)
        cells.append(Cell(key, value, marker))
    ids = [v.id if v else n for v, n in zip(variables, names, strict=True)]
    texts = [v.text if v else n for v, n in zip(variables, names, strict=True)]
    labels = [dict((c, lab) for c, lab in v.values) if v else {} for v in variables]
    dims = dimensions_from_cells(ids, texts, keys, labels)
    updated = next((i.updated for i in infos if i.updated), None)
    return StatTable(table.upper(), dims, tuple(cells), updated, origin)


def _variable(infos: Sequence[TableInfo], name: str) -> Variable | None:
    for info in infos:
        var = info.variable(name)
        if var is not None:
            return _merged(infos, var.id)
    return None


def _merged(infos: Sequence[TableInfo], var_id: str) -> Variable:
    """One variable with the labels of every language's table info (codes are shared)."""
    found = [v for i in infos if (v := i.variable(var_id)) is not None]
    first = found[0]
    values = list(first.values)
    for other in found[1:]:
        values.extend(other.values)
    return Variable(first.id, first.text, tuple(values), first.time, first.elimination)


def _code(var: Variable | None, text: str) -> str:
    if var is None:
        return text
    return var.find(text) or text


def read_export(data: bytes, table: str, infos: Sequence[TableInfo] = ()) -> StatTable:
    """A CSV file downloaded from the StatBank website (or made by the API), read as it is."""
    text = decode_text(data)
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = ";" if text.count(";") >= text.count(",") or first.count(";") else ","
    rows = [
        [c.strip() for c in r]
        for r in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    ]
    rows = [r for r in rows if any(r)]
    for i, row in enumerate(rows):
        if len(row) >= 2 and fold(row[-1]) in VALUE_COLUMNS:
            english = _looks_english(rows[i + 1 : i + 50])
            return _long_table(rows[i:], table, infos, "." if english else ",", "CSV")
    header_at = _matrix_header(rows, infos)
    if header_at is None:
        raise SourceFormatError(
            "filen ligner hverken en tabel fra Statistikbanken eller en liste med én række pr. "
            "tal (kolonner med perioder, eller en sidste kolonne INDHOLD)",
            "the file is neither a StatBank table (columns of periods) nor a list with one row "
            "per figure (a last column INDHOLD)",
        )
    return _matrix_table(rows, header_at, table, infos)


def _is_period(text: str) -> bool:
    try:
        Period.parse(text)
    except ValueError:
        return False
    return True


def _matrix_header(rows: list[list[str]], infos: Sequence[TableInfo]) -> int | None:
    """The header row: the first row whose right-hand cells are periods (or one variable's
    values) with at least one stub column to their left."""
    for i, row in enumerate(rows[:30]):
        if len(row) >= 2 and i + 1 < len(rows) and _head_start(row, infos) is not None:
            return i
    return None


def _head_start(row: list[str], infos: Sequence[TableInfo]) -> int | None:
    """Where the column headings start: the first cell from which every filled cell is a period
    or a value of one table variable."""
    for i in range(1, len(row)):
        tail = [c for c in row[i:] if c]
        if not row[i] or not tail:
            continue
        if all(_is_period(c) for c in tail) or (infos and _head_variable(tail, infos)):
            return i
    return None


def _head_variable(cells: list[str], infos: Sequence[TableInfo]) -> Variable | None:
    for info in infos:
        for var in info.variables:
            if all(var.find(c) is not None for c in cells):
                return _merged(infos, var.id)
    return None


def _looks_english(rows: list[list[str]]) -> bool:
    for row in rows:
        for c in row:
            f = fold(c)
            if f in {"all denmark", "copenhagen", "total", "men", "women"} or (
                len(c) == 6 and c[:4].isdigit() and c[4] == "Q"
            ):
                return True
    return False


def _matrix_table(
    rows: list[list[str]], at: int, table: str, infos: Sequence[TableInfo]
) -> StatTable:
    header = rows[at]
    stub = _head_start(header, infos)
    assert stub is not None
    head_cells = header[stub:]
    time_var = next((t for i in infos if (t := i.time_variable()) is not None), None)
    head_var: Variable | None
    if all(_is_period(c) for c in head_cells if c):
        head_var = _merged(infos, time_var.id) if time_var is not None else None
        head_id, head_text = (head_var.id, head_var.text) if head_var else ("Tid", "tid")
    else:
        head_var = _head_variable([c for c in head_cells if c], infos)
        if head_var is None:
            raise SourceFormatError(
                "kolonneoverskrifterne er ikke perioder eller værdier af en variabel i tabellen",
                "the column headings are not periods or values of one of the table's variables",
            )
        head_id, head_text = head_var.id, head_var.text
    body = rows[at + 1 :]
    english = _looks_english(body[:50]) or any("Q" in c for c in head_cells)
    decimal = "." if english else ","
    stub_vars = _stub_variables(header[:stub], body, stub, infos, head_id, table.upper())
    notes = tuple(" ".join(c for c in r if c) for r in rows[:at])
    keys: list[tuple[str, ...]] = []
    cells: list[Cell] = []
    current = [""] * stub
    for row in body:
        labels = row[:stub] + [""] * (stub - len(row[:stub]))
        values = row[stub:]
        if not any(values) and labels[0] and not any(labels[1:]):
            notes += (labels[0],)  # a source or footnote line
            continue
        for j in range(stub):
            if labels[j]:
                current[j] = labels[j]
                for k in range(j + 1, stub):
                    if not labels[k]:
                        current[k] = ""
        if not all(current):
            continue
        stub_codes = [_code(stub_vars[j][0], current[j]) for j in range(stub)]
        for col, raw in enumerate(values[: len(head_cells)]):
            head_code = _code(head_var, head_cells[col]) if head_var else head_cells[col]
            value, marker = read_number(raw, decimal)
            key = (*stub_codes, head_code)
            keys.append(key)
            cells.append(Cell(key, value, marker))
    ids = [v.id if v else name for v, name in stub_vars] + [head_id]
    texts = [v.text if v else name for v, name in stub_vars] + [head_text]
    label_maps = [dict(v.values) if v else {} for v, _name in stub_vars]
    label_maps.append(dict(head_var.values) if head_var else {})
    dims = dimensions_from_cells(ids, texts, keys, label_maps)
    updated = next((i.updated for i in infos if i.updated), None)
    return StatTable(table.upper(), dims, tuple(cells), updated, "CSV (Statistikbanken)", notes)


def _stub_variables(
    names: list[str], body: list[list[str]], stub: int, infos: Sequence[TableInfo], head_id: str,
    table: str,
) -> list[tuple[Variable | None, str]]:  # fmt: skip
    """Which table variable each stub column holds: by its heading, else by its values."""
    out: list[tuple[Variable | None, str]] = []
    used = {fold(head_id)}
    for j in range(stub):
        column = [r[j] for r in body if len(r) > j and r[j]]
        var = _variable(infos, names[j]) if names[j] else None
        if var is None:
            var = _best_variable(column, infos, used)
        if var is None and _mostly_areas(column):
            out.append((None, "OMRÅDE"))
            used.add(fold("OMRÅDE"))
            continue
        if var is None:
            sample = ", ".join(f"'{c}'" for c in list(dict.fromkeys(column))[:3])
            langs = ", ".join(i.lang for i in infos) or "-"
            raise SourceFormatError(
                f"kolonne {j + 1} i filen ({sample} …) svarer ikke til nogen variabel i "
                f"tabeloplysningerne (sprog: {langs}); mangler de på filens sprog, så hent dem "
                f"én gang med netværk: pejling fetch dst {table} --data-lang en",
                f"column {j + 1} of the file ({sample} …) matches no variable of the table info "
                f"(languages: {langs}); if the info in the file's language is missing, fetch it "
                f"once with a network: pejling fetch dst {table} --data-lang en",
            )
        used.add(fold(var.id))
        out.append((var, var.id))
    return out


def _best_variable(
    column: list[str], infos: Sequence[TableInfo], used: set[str]
) -> Variable | None:
    best: tuple[int, str] | None = None
    for info in infos:
        for var in info.variables:
            if fold(var.id) in used or var.time:
                continue
            hits = sum(1 for c in column if var.find(c) is not None)
            if hits and (best is None or hits > best[0]):
                best = (hits, var.id)
    return _merged(infos, best[1]) if best else None


def _mostly_areas(column: list[str]) -> bool:
    if not column:
        return False
    known = sum(1 for c in column if resolve_area(c).kind is not AreaKind.UNKNOWN)
    return known * 2 >= len(column)


def read_statbank_file(data: bytes, table: str, infos: Sequence[TableInfo] = ()) -> StatTable:
    """A file from StatBank: JSON-stat, an API CSV/BULK response, or a website download."""
    head = data.lstrip(b"\xef\xbb\xbf \r\n\t")[:1]
    if head in (b"{", b"["):
        return parse_jsonstat(data, table)
    return read_export(data, table, infos)


def same_dimension(dim: Dimension, name: str) -> bool:
    """A fetched dimension matches a mapping's variable name."""
    return same_variable(dim.id, name) or fold(dim.text) == fold(name)
