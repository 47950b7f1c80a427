"""Rendering goal statuses as a terminal table, JSON, CSV or XLSX."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from rich.console import Console
from rich.table import Table
from rich.text import Text

from pejling.evaluation.status import GoalStatus, GoalStatusCode
from pejling.formatting import fmt_value

STYLE = {
    GoalStatusCode.ACHIEVED: "bold green",
    GoalStatusCode.ON_TRACK: "green",
    GoalStatusCode.AT_RISK: "yellow",
    GoalStatusCode.OFF_TRACK: "red",
    GoalStatusCode.NO_DATA: "dim",
    GoalStatusCode.NOT_ASSESSABLE: "dim",
}

HEADERS = {
    "da": ["Politik", "Mål", "Udgangspunkt", "Seneste", "Måltal", "Frist", "Status", "Begrundelse"],
    "en": ["Policy", "Goal", "Baseline", "Latest", "Target", "Deadline", "Status", "Why"],
}


def _cells(s: GoalStatus, lang: str) -> list[str]:
    def at(v: Any) -> str:
        if v is None:
            return "–"
        period = v.period.label_da() if lang == "da" else v.period.label
        return f"{fmt_value(v.value, s.unit, lang)} ({period})"

    deadline = (
        "–" if s.deadline is None else (s.deadline.label_da() if lang == "da" else s.deadline.label)
    )
    status = s.status_label(lang) + (
        " (usikker)" if s.uncertain and lang == "da" else " (uncertain)" if s.uncertain else ""
    )
    label = (
        s.label
        if not s.is_key_figure
        else ("Nøgletal: " if lang == "da" else "Key figure: ") + s.statement
    )
    return [
        s.policy_id,
        label,
        at(s.baseline),
        at(s.latest),
        fmt_value(s.target_value, s.unit, lang) if s.target_value is not None else "–",
        deadline,
        status,
        s.reason(lang),
    ]


NARROW = 110
"""Below this console width a table of eight columns is unreadable: print one block per goal."""


def print_cards(statuses: Sequence[GoalStatus], lang: str, console: Console) -> None:
    """One short block per goal, for narrow terminals and logs."""
    h = HEADERS[lang]
    current = None
    for s in statuses:
        if s.policy_id != current:
            current = s.policy_id
            console.rule(f"[bold]{current}[/]")
        cells = _cells(s, lang)
        head = Text(cells[1], style="bold")
        head.append(" — ")
        head.append(cells[6], style=STYLE[s.status])
        console.print(head)
        console.print(
            f"  {h[2]}: {cells[2]} · {h[3]}: {cells[3]} · {h[4]}: {cells[4]} · {h[5]}: {cells[5]}",
            markup=False,
            highlight=False,
        )
        console.print(Text(f"  {h[7]}: {cells[7]}"), highlight=False)


def print_table(statuses: Sequence[GoalStatus], lang: str, console: Console) -> None:
    """A readable table per policy (cards when the console is narrow)."""
    if console.width < NARROW:
        print_cards(statuses, lang, console)
        return
    by_policy: dict[str, list[GoalStatus]] = {}
    for s in statuses:
        by_policy.setdefault(s.policy_id, []).append(s)
    for policy_id, rows in by_policy.items():
        table = Table(title=policy_id, show_lines=True, expand=True)
        for i, header in enumerate(HEADERS[lang][1:]):
            table.add_column(header, ratio=4 if i == 6 else 2 if i == 0 else 1, min_width=8)
        for s in rows:
            cells = _cells(s, lang)[1:]
            if len(cells[0]) > 70:
                cells[0] = cells[0][:69].rstrip() + "…"
            cells[5] = Text(cells[5], style=STYLE[s.status])  # type: ignore[call-overload]
            table.add_row(*cells)
        console.print(table)


def as_records(statuses: Sequence[GoalStatus], lang: str) -> list[dict[str, Any]]:
    """Machine-readable records (numbers unformatted)."""
    out = []
    for s in statuses:
        out.append(
            {
                "policy": s.policy_id,
                "theme": s.theme_id,
                "goal": s.goal_id,
                "label": s.label,
                "key_figure": s.is_key_figure,
                "kind": s.kind,
                "indicator": s.indicator_id,
                "group": s.group,
                "unit": s.unit,
                "municipality": s.municipality_code,
                "baseline": None if s.baseline is None else s.baseline.value,
                "baseline_period": None if s.baseline is None else s.baseline.period.label,
                "latest": None if s.latest is None else s.latest.value,
                "latest_period": None if s.latest is None else s.latest.period.label,
                "latest_interval": None if s.latest is None else s.latest.interval,
                "latest_source": None if s.latest is None else s.latest.source,
                "target": s.target_value,
                "deadline": None if s.deadline is None else s.deadline.label,
                "remaining": s.remaining,
                "projection": s.projection,
                "progress": s.progress_value,
                "score": s.score,
                "progress_class": s.progress_class,
                "status": s.status.value,
                "uncertain": s.uncertain,
                "barometer": s.barometer_movement,
                "reason": s.reason(lang),
            }
        )
    return out


def to_json(statuses: Sequence[GoalStatus], lang: str) -> str:
    """JSON array of records."""
    return json.dumps(as_records(statuses, lang), ensure_ascii=False, indent=2)


def to_csv(statuses: Sequence[GoalStatus], lang: str) -> str:
    """CSV with formatted Danish cells (semicolon-separated for Danish Excel)."""
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=";" if lang == "da" else ",")
    writer.writerow(HEADERS[lang])
    for s in statuses:
        writer.writerow(_cells(s, lang))
    return buf.getvalue()


def to_xlsx(statuses: Sequence[GoalStatus], lang: str, path: Path) -> None:
    """An Excel workbook: a formatted sheet and a sheet of raw numbers."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Status"
    ws.append(HEADERS[lang])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for s in statuses:
        ws.append(_cells(s, lang))
    for col, width in zip("ABCDEFGH", (22, 30, 18, 18, 12, 14, 16, 90), strict=True):
        ws.column_dimensions[col].width = width
    for row in ws.iter_rows(min_row=2):
        row[-1].alignment = Alignment(wrap_text=True, vertical="top")
    raw = wb.create_sheet("Data")
    records = as_records(statuses, lang)
    keys = [k for k in records[0] if k not in {"group", "latest_interval"}] if records else []
    raw.append(keys)
    for r in records:
        raw.append([r[k] for k in keys])
    wb.save(path)
