"""Rendering published goal statuses as a terminal table, JSON, CSV or XLSX.

The statuses come from the report model (`pejling.report.model`), so the command line shows the
same verdicts and only the figures the reports publish. Every figure names its source.

This module renders `PolicyStatuses` — the few facts of a report that `pejling status` prints —
and imports neither the report model nor openpyxl at start-up (openpyxl loads when a workbook is
written), so a status loaded from the cache (`pejling.cache`) prints without them.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from pejling.evaluation.status import GoalStatus, GoalStatusCode, ValueAt
from pejling.evaluation.texts import source_name
from pejling.formatting import fmt_value
from pejling.periods import Period
from pejling.safe_export import csv_row, protect_sheet

if TYPE_CHECKING:
    from pejling.report.model import Report


@dataclass(frozen=True)
class PolicyStatuses:
    """What `pejling status` prints of one policy's report: its period, the period judged, and
    the published status of every goal and key figure (in document order).

    Why not the report itself: a `Report` carries every series, map and chart cell, and loading
    one needs the report model; the command line needs only this (and caches only this).
    """

    policy_id: str
    period_start: Period
    period_end: Period
    as_of: Period
    policy_ended: bool
    synthetic: bool
    statuses: tuple[GoalStatus, ...]

    @staticmethod
    def of(report: Report) -> PolicyStatuses:
        """The part of a report the command line prints."""
        return PolicyStatuses(
            report.policy.id,
            report.policy.period.start,
            report.policy.period.end,
            report.as_of,
            report.policy_ended,
            report.synthetic,
            tuple(report.statuses()),
        )


STYLE = {
    GoalStatusCode.ACHIEVED: "bold green",
    GoalStatusCode.NOT_ACHIEVED: "bold magenta",
    GoalStatusCode.ON_TRACK: "green",
    GoalStatusCode.AT_RISK: "yellow",
    GoalStatusCode.OFF_TRACK: "red",
    GoalStatusCode.NO_DATA: "dim",
    GoalStatusCode.NOT_ASSESSABLE: "dim",
    GoalStatusCode.INITIATIVE_ONLY: "cyan",
    GoalStatusCode.RISING: "default",
    GoalStatusCode.FALLING: "default",
    GoalStatusCode.UNCHANGED: "default",
}

HEADERS = {
    "da": [
        "Politik",
        "Mål",
        "Udgangspunkt",
        "Seneste",
        "Måltal",
        "Frist",
        "Status",
        "Begrundelse",
        "Kilde",
    ],
    "en": [
        "Policy",
        "Goal",
        "Baseline",
        "Latest",
        "Target",
        "Deadline",
        "Status",
        "Why",
        "Source",
    ],
}


def _at(s: GoalStatus, v: ValueAt | None, lang: str) -> str:
    if v is None:
        return "–"
    period = v.period.label_da() if lang == "da" else v.period.label
    return f"{fmt_value(v.value, s.unit, lang)} ({period})"


def _label(s: GoalStatus, lang: str) -> str:
    if not s.is_key_figure:
        return s.label
    return ("Nøgletal: " if lang == "da" else "Key figure: ") + s.statement


def _cells(s: GoalStatus, lang: str) -> list[str]:
    deadline = s.target_deadline or s.deadline
    shown_deadline = "–"
    if deadline is not None and not s.is_key_figure:
        shown_deadline = deadline.label_da() if lang == "da" else deadline.label
    return [
        s.policy_id,
        _label(s, lang),
        _at(s, s.baseline, lang),
        _at(s, s.latest, lang),
        fmt_value(s.target_value, s.unit, lang) if s.target_value is not None else "–",
        shown_deadline,
        s.status_label(lang),
        s.reason(lang),
        source_name(s.latest or s.baseline, lang),
    ]


NARROW = 110
"""Below this console width a table of eight columns is unreadable: print one block per goal."""


def _policy_line(r: PolicyStatuses, lang: str) -> str:
    start, end = r.period_start, r.period_end
    period = (
        f"{start.label_da()}–{end.label_da()}" if lang == "da" else f"{start.label}–{end.label}"
    )
    as_of = r.as_of.label_da() if lang == "da" else r.as_of.label
    if lang == "da":
        ended = f" Perioden {period} er udløbet." if r.policy_ended else ""
        return f"{r.policy_id}: vurderet pr. {as_of}.{ended}"
    ended = f" The period {period} has ended." if r.policy_ended else ""
    return f"{r.policy_id}: judged as of {as_of}.{ended}"


def print_cards(reports: Sequence[PolicyStatuses], lang: str, console: Console) -> None:
    """One short block per goal, for narrow terminals and logs."""
    h = HEADERS[lang]
    for r in reports:
        console.rule(f"[bold]{r.policy_id}[/]")
        console.print(_policy_line(r, lang), markup=False)
        for s in r.statuses:
            cells = _cells(s, lang)
            head = Text(cells[1], style="bold")
            head.append(" — ")
            head.append(cells[6], style=STYLE[s.status])
            console.print(head)
            console.print(
                f"  {h[2]}: {cells[2]} · {h[3]}: {cells[3]} · {h[4]}: {cells[4]} · {h[5]}: "
                f"{cells[5]} · {h[8]}: {cells[8]}",
                markup=False,
                highlight=False,
            )
            console.print(Text(f"  {h[7]}: {cells[7]}"), highlight=False)


def print_table(reports: Sequence[PolicyStatuses], lang: str, console: Console) -> None:
    """A readable table per policy (cards when the console is narrow)."""
    if console.width < NARROW:
        print_cards(reports, lang, console)
        return
    for r in reports:
        table = Table(title=_policy_line(r, lang), show_lines=True, expand=True)
        for i, header in enumerate(HEADERS[lang][1:]):
            table.add_column(header, ratio=4 if i == 6 else 2 if i in (0, 7) else 1, min_width=8)
        for s in r.statuses:
            # Text, not str: a label with "[link=…]" is printed as written, never as markup
            cells: list[str | Text] = [Text(c) for c in _cells(s, lang)[1:]]
            label = str(cells[0])
            if len(label) > 70:
                cells[0] = Text(label[:69].rstrip() + "…")
            cells[5] = Text(str(cells[5]), style=STYLE[s.status])
            table.add_row(*cells)
        console.print(table)


def _value(v: ValueAt | None) -> dict[str, Any] | None:
    if v is None:
        return None
    return {
        "value": v.value,
        "period": v.period.label,
        "source": v.source,
        "series_source": v.series,
        "provenance": v.provenance,
        "publisher": v.publisher,
        "vintage": v.vintage,
        "numerator": v.numerator,
        "denominator": v.denominator,
        "persons": v.persons,
        "interval": list(v.interval) if v.interval else None,
    }


def as_records(statuses: Sequence[GoalStatus], lang: str) -> list[dict[str, Any]]:
    """Machine-readable records (numbers unformatted; every figure with its source)."""
    out = []
    for s in statuses:
        out.append(
            {
                "policy": s.policy_id,
                "theme": s.theme_id,
                "goal": s.goal_id,
                "label": s.label,
                "key_figure": s.is_key_figure,
                "counted_as_goal": s.is_goal,
                "kind": s.kind,
                "indicator": s.indicator_id,
                "group": s.group,
                "reference_group": s.reference_group,
                "unit": s.unit,
                "municipality": s.municipality_code,
                "as_of": s.as_of.label if s.as_of else None,
                "policy_ended": s.policy_ended,
                "series_source": s.series_source,
                "other_sources": list(s.other_sources),
                "baseline": None if s.baseline is None else s.baseline.value,
                "baseline_period": None if s.baseline is None else s.baseline.period.label,
                "baseline_detail": _value(s.baseline),
                "policy_baseline": _value(s.policy_baseline),
                "latest": None if s.latest is None else s.latest.value,
                "latest_period": None if s.latest is None else s.latest.period.label,
                "latest_interval": None if s.latest is None else s.latest.interval,
                "latest_source": None if s.latest is None else s.latest.source,
                "latest_detail": _value(s.latest),
                "since": _value(s.since),
                "target": s.target_value,
                "target_deadline": s.target_deadline.label if s.target_deadline else None,
                "deadline": None if s.deadline is None else s.deadline.label,
                "final": s.final,
                "milestones": [
                    {
                        "deadline": m.deadline.label,
                        "target": m.target,
                        "final": m.final,
                        "due": m.due,
                        "met": m.met,
                        "at": _value(m.at),
                    }
                    for m in s.milestones
                ],
                "remaining": s.remaining,
                "projection": s.projection,
                "speed_per_year": s.speed,
                "linear_rule": s.linear_rule,
                "progress": s.progress_value,
                "score": s.score,
                "progress_class": s.progress_class,
                "status": s.status.value,
                "status_label": s.status_label(lang),
                "reason_code": s.reason_code.value,
                "uncertain": s.uncertain,
                "change_interval": list(s.change_interval) if s.change_interval else None,
                "persons": s.persons,
                "suppressed": s.suppressed,
                "synthetic": s.synthetic,
                "barometer": s.barometer_movement,
                "reason": s.reason(lang),
            }
        )
    return out


def to_json(statuses: Sequence[GoalStatus], lang: str) -> str:
    """JSON array of records."""
    return json.dumps(as_records(statuses, lang), ensure_ascii=False, indent=2)


def _provenance(s: GoalStatus, lang: str) -> str:
    v = s.latest or s.baseline
    if v is None:
        return ""
    words = {
        "da": {"published": "offentliggjort", "register": "register", "synthetic": "SYNTETISK"},
        "en": {"published": "published", "register": "register", "synthetic": "SYNTHETIC"},
    }["en" if lang == "en" else "da"]
    return words.get(v.provenance, v.provenance)


def to_csv(statuses: Sequence[GoalStatus], lang: str) -> str:
    """CSV with formatted cells (semicolon-separated for Danish Excel), source and provenance."""
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=";" if lang == "da" else ",")
    writer.writerow([*HEADERS[lang], "Oprindelse" if lang == "da" else "Provenance"])
    for s in statuses:
        writer.writerow(csv_row([*_cells(s, lang), _provenance(s, lang)]))
    return buf.getvalue()


def to_xlsx(
    statuses: Sequence[GoalStatus], lang: str, path: Path, *, synthetic: bool = False
) -> None:
    """An Excel workbook: a note on synthetic data first, a formatted sheet, the raw numbers."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    first = wb.active
    assert first is not None
    if synthetic:
        first.title = "Læs først" if lang == "da" else "Read first"
        first.append(
            [
                "SYNTETISKE DATA: tallene fra personregisteret er beregnet på genererede data "
                "(pejling synth) og beskriver ikke rigtige personer."
                if lang == "da"
                else "SYNTHETIC DATA: the register figures are computed from generated data "
                "(pejling synth) and describe no real persons."
            ]
        )
        first["A1"].font = Font(bold=True, color="C00000")
        ws = wb.create_sheet("Status")
    else:
        ws = first
        ws.title = "Status"
    headers = [*HEADERS[lang], "Oprindelse" if lang == "da" else "Provenance"]
    ws.append(headers)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for s in statuses:
        ws.append([*_cells(s, lang), _provenance(s, lang)])
    for col, width in zip("ABCDEFGHIJ", (22, 30, 18, 18, 12, 14, 22, 90, 30, 14), strict=True):
        ws.column_dimensions[col].width = width
    for row in ws.iter_rows(min_row=2):
        row[7].alignment = Alignment(wrap_text=True, vertical="top")
    raw = wb.create_sheet("Data")
    records = as_records(statuses, lang)
    skip = {"group", "reference_group", "latest_interval", "other_sources", "baseline_detail",
            "policy_baseline", "latest_detail", "since", "milestones", "change_interval"}  # fmt: skip
    keys = [k for k in records[0] if k not in skip] if records else []
    raw.append(keys)
    for r in records:
        raw.append([r[k] for k in keys])
    for sheet in wb.worksheets:
        protect_sheet(sheet)  # goal labels and sources never become formulas
    wb.save(path)
