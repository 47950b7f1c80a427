"""`pejling status` on a national policy: the goals × municipalities matrix.

The statuses come from `pejling.national.goals.national_status` (the evaluation engine with the
municipality substituted, and the publication-wide disclosure control); this module only words
them: per goal a summary (how many municipalities have each status, also per breakdown by sex
and origin) and a compact matrix (municipality × goal), or JSON, CSV or XLSX for reuse.
`judge` imports the judging when it runs: a status from the workspace's cache (`pejling.cache`)
is printed with this module and `pejling.national.status_model` only.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from pejling.cli.common import console, err_console, open_store, refuse_lint_errors, say
from pejling.cli.output import NARROW, STYLE, _cells, _provenance, as_records
from pejling.evaluation.status import GOAL_CODES, NOT_ASSESSABLE_WHY, GoalStatus, GoalStatusCode
from pejling.formatting import fmt_number, fmt_value
from pejling.groups import describe_group_da
from pejling.national.status_model import (
    GroupResult,
    NationalGoal,
    NationalStatus,
    StatusCounts,
    area_name,
)
from pejling.report.texts import SYNTHETIC_LINE
from pejling.safe_export import csv_row, protect_sheet

if TYPE_CHECKING:  # judging (the report model, DuckDB) is imported by `judge`, only when it runs
    from pejling.periods import Period
    from pejling.workspace import LoadedPolicy, Workspace

#: short Danish/English status words for the matrix ("*" marks usikker, see the legend)
SHORT: dict[str, dict[GoalStatusCode, str]] = {
    "da": {
        GoalStatusCode.ACHIEVED: "Nået",
        GoalStatusCode.NOT_ACHIEVED: "Ikke nået",
        GoalStatusCode.ON_TRACK: "På rette vej",
        GoalStatusCode.AT_RISK: "I risiko",
        GoalStatusCode.OFF_TRACK: "Ikke på rette vej",
        GoalStatusCode.NOT_ASSESSABLE: "Kan ikke vurderes",
        GoalStatusCode.NO_DATA: "Ingen data",
        GoalStatusCode.INITIATIVE_ONLY: "Indsatsmål",
    },
    "en": {
        GoalStatusCode.ACHIEVED: "Achieved",
        GoalStatusCode.NOT_ACHIEVED: "Not achieved",
        GoalStatusCode.ON_TRACK: "On track",
        GoalStatusCode.AT_RISK: "At risk",
        GoalStatusCode.OFF_TRACK: "Off track",
        GoalStatusCode.NOT_ASSESSABLE: "Not assessable",
        GoalStatusCode.NO_DATA: "No data",
        GoalStatusCode.INITIATIVE_ONLY: "Initiative goal",
    },
}

WORDS = {
    "da": {
        "judged": "vurderet pr.",
        "municipalities": "kommuner",
        "national": "Hele landet",
        "group": "Gruppe",
        "breakdown": "Opdeling",
        "uncertain": "heraf usikre",
        "uncertain_short": "Usikre",
        "sex": "køn",
        "origin": "herkomst",
        "own": "målets gruppe",
        "municipality": "Kommune",
        "code": "Kode",
        "legend": "* usikker: 95 %-intervallet indeholder målet (eller 0 for et retningsmål). "
        "Kan ikke vurderes: for få personer, diskretioneret tal, kun én måling m.m. (se JSON).",
        "baseline_own": "Udgangspunkt: hver kommunes eget tal for {date}.",
        "meeting": "{n} af {total} kommuner har nået målet",
        "moving": "{n} af {total} kommuner er på rette vej (et retningsmål har intet måltal at nå)",
        "matrix": "Status pr. kommune",
        "target": "Mål",
        "deadline": "frist",
        "direction_higher": "flere (højere)",
        "direction_lower": "færre (lavere)",
        "rules": "Samme regler som for en kommunes egne mål: mindst {min} personer bag et tal, "
        "diskretionering under {threshold} personer.",
    },
    "en": {
        "judged": "judged as of",
        "municipalities": "municipalities",
        "national": "Whole country",
        "group": "Group",
        "breakdown": "Breakdown",
        "uncertain": "of which uncertain",
        "uncertain_short": "Uncertain",
        "sex": "sex",
        "origin": "origin",
        "own": "the goal's group",
        "municipality": "Municipality",
        "code": "Code",
        "legend": "* uncertain: the 95 % interval contains the target (or 0 for a direction "
        "goal). Not assessable: too few persons, a suppressed figure, one measurement … (see JSON).",
        "baseline_own": "Baseline: each municipality's own figure for {date}.",
        "meeting": "{n} of {total} municipalities have reached the goal",
        "moving": "{n} of {total} municipalities are on track (a direction goal has no target to reach)",
        "matrix": "Status by municipality",
        "target": "Target",
        "deadline": "deadline",
        "direction_higher": "more (higher)",
        "direction_lower": "fewer (lower)",
        "rules": "The same rules as a municipality's own goals: at least {min} persons behind a "
        "figure, suppression below {threshold} persons.",
    },
}


def judge(ws: Workspace, lp: LoadedPolicy, as_of: Period | None, lang: str) -> NationalStatus:
    """Judge a national policy for every municipality, with the workspace's other publishable
    policies under joint disclosure control (what `emit_national` prints)."""
    from pejling.national.goals import national_status
    from pejling.spec.lint import lint_file

    catalog = ws.catalog()
    refuse_lint_errors(ws, lp, catalog)
    together = [
        other.policy
        for other in ws.load_policies()
        if other.policy.id != lp.policy.id
        and not other.policy.is_national
        and not any(i.severity.value == "error" for i in lint_file(other.path, catalog)[1])
    ]
    with open_store(ws, read_only=True) as store:
        return national_status(
            store,
            lp.policy,
            as_of,
            ws.settings,
            catalog=catalog,
            together=together,
            lang=lang,
            published=False,
        )


def emit_national(ns: NationalStatus, fmt: str, output: Path | None, lang: str) -> None:
    """Write a national status in the chosen format (table, json, csv, xlsx)."""
    if fmt == "xlsx":
        target = output or Path(f"{ns.policy.id}-status-{ns.as_of.label}.xlsx")
        to_xlsx(ns, lang, target)
        say(f"Skrev {target}")
        return
    if fmt == "table" and output is None:
        if ns.synthetic:
            console.print(SYNTHETIC_LINE[lang])
        print_national(ns, lang, console)
        if ns.synthetic:
            console.print(SYNTHETIC_LINE[lang])
        return
    if ns.synthetic:
        err_console.print(SYNTHETIC_LINE[lang])
    text = to_json(ns, lang) if fmt == "json" else to_csv(ns, lang)
    if output:
        output.write_text(text, encoding="utf-8")
        say(f"Skrev {output}")
    else:
        typer.echo(text)


# -- words --------------------------------------------------------------------------------------


def _group_text(group: dict[str, str], lang: str) -> str:
    if lang == "da":
        return describe_group_da(group)
    return ", ".join(f"{k}: {v.replace('_', ' ')}" for k, v in group.items()) or "all"


def _short(st: GoalStatus, lang: str) -> str:
    text = SHORT[lang].get(st.status, st.status.value)
    return text + ("*" if st.uncertain and st.is_verdict else "")


def _target_text(g: NationalGoal, lang: str) -> str:
    w = WORDS[lang]
    t = g.goal.target
    unit = g.spec.unit.value if g.spec else ""
    deadline = g.main.national.deadline if g.main.national else g.goal.deadline
    when = ""
    if deadline is not None:
        when = f", {w['deadline']} " + (deadline.label_da() if lang == "da" else deadline.label)
    if t.value is None:
        direction = t.direction or (g.spec.direction if g.spec else None)
        word = w["direction_lower"] if direction and direction.sign < 0 else w["direction_higher"]
        return f"{w['target']}: {word}{when}"
    direction = t.direction or (g.spec.direction if g.spec else None)
    lower = direction is not None and direction.sign < 0
    da = lang == "da"
    gap_unit = "pp" if unit == "percent" else unit
    kinds = {
        "level": (
            ("højst " if lower else "mindst ") if da else ("at most " if lower else "at least ")
        )
        + fmt_value(t.value, unit, lang),
        "change_pp": ("en ændring på " if da else "a change of ") + fmt_value(t.value, "pp", lang),
        "change_rel": ("en ændring på " if da else "a change of ")
        + f"{fmt_number(t.value, 1, lang)} %"
        + (" af kommunens udgangspunkt" if da else " of the municipality's baseline"),
        "gap": ("en forskel på højst " if da else "a gap of at most ")
        + fmt_value(t.value, gap_unit, lang),
        "count": ("mindst " if da else "at least ") + fmt_number(t.value, 0, lang),
    }
    return f"{w['target']}: {kinds.get(t.kind.value, str(t.value))}{when}"


def _counts_row(c: StatusCounts) -> list[str]:
    return [
        *(fmt_number(c.counts.get(code, 0), 0) for code in GOAL_CODES),
        fmt_number(c.uncertain, 0),
    ]


def _counts_line(c: StatusCounts, lang: str) -> str:
    """'På rette vej 37 · I risiko 4 · Kan ikke vurderes 52 · Usikre 31' (no zeros)."""
    parts = [
        f"{SHORT[lang][code]} {fmt_number(c.counts[code], 0)}"
        for code in GOAL_CODES
        if c.counts.get(code)
    ]
    if c.uncertain:
        parts.append(f"{WORDS[lang]['uncertain_short']} {fmt_number(c.uncertain, 0)}")
    return " · ".join(parts) or "–"


def _breakdown_label(r: GroupResult, lang: str) -> str:
    """The goal's own group in full; a breakdown by the part that differs ("  kvinder")."""
    if r.breakdown is None:
        return f"{_group_text(r.group, lang)} ({WORDS[lang]['own']})"
    return "  " + _group_text({r.breakdown: r.group[r.breakdown]}, lang)


MOVEMENT = {
    "da": {"positive": "positiv", "negative": "negativ", "unchanged": "uændret"},
    "en": {"positive": "positive", "negative": "negative", "unchanged": "unchanged"},
}


def _movements(c: StatusCounts, lang: str) -> str:
    """'Barometerets bevægelse: positiv i 61, negativ i 30, uændret i 7 kommuner'."""
    parts = [
        f"{MOVEMENT[lang][word]} {'i' if lang == 'da' else 'in'} {fmt_number(c.movements[word], 0)}"
        for word in ("positive", "negative", "unchanged")
        if c.movements.get(word)
    ]
    if lang == "da":
        return "Barometerets bevægelse mod basisåret: " + ", ".join(parts) + " kommuner"
    return "The barometer's movement since the base year: " + ", ".join(parts) + " municipalities"


def print_national(ns: NationalStatus, lang: str, out: Console) -> None:
    """Per goal: the national figure, the counts (also per breakdown); then the matrix."""
    w = WORDS[lang]
    narrow = out.width < NARROW
    as_of = ns.as_of.label_da() if lang == "da" else ns.as_of.label
    out.print(
        Text(
            f"{ns.policy.id}: {ns.policy.title} — {w['judged']} {as_of}, "
            f"{len(ns.codes)} {w['municipalities']}."
        ),
        style="bold",
    )
    out.print(Text(w["rules"].format(min=ns.min_persons, threshold=ns.threshold)))
    for g in ns.goals:
        out.rule(Text(g.label, style="bold"))
        out.print(Text(" ".join(g.goal.statement.split())), highlight=False)
        indicator = g.spec.title if g.spec else (g.goal.indicator.id if g.goal.indicator else "–")
        group = _group_text(dict(g.main.group), lang)
        out.print(Text(f"{indicator} ({group}). {_target_text(g, lang)}."), highlight=False)
        if g.goal.baseline is not None:
            date = g.goal.baseline.date
            out.print(
                Text(w["baseline_own"].format(date=date.label_da() if lang == "da" else date.label))
            )
        nat = g.main.national
        if nat is not None:
            cells = _cells(nat, lang)
            line = Text(f"{w['national']}: ")
            line.append(nat.status_label(lang), style=STYLE[nat.status])
            line.append(f" — {cells[2]} → {cells[3]}")
            if nat.barometer_movement:
                word, _, counts = nat.barometer_movement.partition(" ")
                line.append(f"; barometer: {MOVEMENT[lang].get(word, word)} {counts}")
            out.print(line, highlight=False)
        c = g.main.counts
        if g.goal.target.value is None:  # a direction goal can be on its way, never reached
            out.print(
                Text(
                    w["moving"].format(n=c.counts[GoalStatusCode.ON_TRACK], total=c.municipalities)
                )
            )
        else:
            out.print(Text(w["meeting"].format(n=c.meeting, total=c.municipalities)))
        if g.main.counts.movements:
            out.print(Text(_movements(g.main.counts, lang)))
        if narrow:
            for r in (g.main, *g.breakdowns):
                out.print(
                    Text(f"{_breakdown_label(r, lang).strip()}: {_counts_line(r.counts, lang)}")
                )
        else:
            table = Table(show_lines=False, box=None, pad_edge=False)
            table.add_column(w["group"], overflow="fold")
            for code in GOAL_CODES:
                table.add_column(SHORT[lang][code], justify="right")
            table.add_column(w["uncertain_short"], justify="right")
            for r in (g.main, *g.breakdowns):
                table.add_row(Text(_breakdown_label(r, lang)), *_counts_row(r.counts))
            out.print(table)
        if c.reasons:
            why = ", ".join(
                f"{NOT_ASSESSABLE_WHY[code][0 if lang == 'da' else 1] if code in NOT_ASSESSABLE_WHY else code.value}: "
                f"{fmt_number(n, 0)}"
                for code, n in sorted(c.reasons.items(), key=lambda kv: -kv[1])
            )
            out.print(Text(f"{SHORT[lang][GoalStatusCode.NOT_ASSESSABLE]} ({w['own']}): {why}"))
    out.rule(Text(w["matrix"], style="bold"))
    matrix = Table(show_lines=False)
    matrix.add_column(w["code"], justify="right")
    matrix.add_column(w["municipality"])
    for i, g in enumerate(ns.goals, start=1):
        matrix.add_column(Text(str(i) if narrow else g.label), overflow="fold")
    if narrow:  # numbered columns, named here
        for i, g in enumerate(ns.goals, start=1):
            out.print(Text(f"{i}: {g.label}"))
    national = [g.main.national for g in ns.goals]
    if all(n is not None for n in national):
        matrix.add_row(
            "0",
            w["national"],
            *(Text(_short(n, lang), style=STYLE[n.status]) for n in national if n is not None),
        )
    for i, area in enumerate(ns.codes):
        row = [g.main.rows[i] for g in ns.goals]
        matrix.add_row(
            str(area),
            area_name(area),
            *(Text(_short(st, lang), style=STYLE[st.status]) for st in row),
        )
    out.print(matrix)
    out.print(Text(w["legend"]), highlight=False)


# -- machine-readable ---------------------------------------------------------------------------


def _counts_json(c: StatusCounts) -> dict[str, Any]:
    return {
        **{code.value: c.counts.get(code, 0) for code in GOAL_CODES},
        "uncertain": c.uncertain,
        "meeting": c.meeting,
        "assessed": c.assessed,
        "municipalities": c.municipalities,
        "barometer_movements": dict(c.movements),
        "not_assessable_reasons": {code.value: n for code, n in c.reasons.items()},
    }


def _record(st: GoalStatus, lang: str) -> dict[str, Any]:
    rec = as_records([st], lang)[0]
    rec["municipality_name"] = area_name(st.municipality_code)
    return rec


def _group_json(r: GroupResult, lang: str) -> dict[str, Any]:
    return {
        "breakdown": r.breakdown,
        "group": r.group,
        "group_label": _group_text(r.group, lang),
        "counts": _counts_json(r.counts),
        "national": None if r.national is None else _record(r.national, lang),
        "municipalities": [_record(st, lang) for st in r.rows],
    }


def as_document(ns: NationalStatus, lang: str) -> dict[str, Any]:
    """The national status as one JSON-ready document (for a national report)."""
    return {
        "policy": ns.policy.id,
        "title": ns.policy.title,
        "scope": ns.policy.scope.value,
        "as_of": ns.as_of.label,
        "synthetic": ns.synthetic,
        "disclosure_threshold": ns.threshold,
        "min_persons": ns.min_persons,
        "municipalities": list(ns.codes),
        "goals": [
            {
                "goal": g.goal.id,
                "label": g.label,
                "theme": g.theme.id,
                "statement": " ".join(g.goal.statement.split()),
                "indicator": g.goal.indicator.id if g.goal.indicator else None,
                "kind": g.goal.target.kind.value,
                "target_value": g.goal.target.value,
                "deadline": g.goal.deadline.label if g.goal.deadline else None,
                "baseline_date": g.goal.baseline.date.label if g.goal.baseline else None,
                **_group_json(g.main, lang),
                "breakdowns": [_group_json(b, lang) for b in g.breakdowns],
            }
            for g in ns.goals
        ],
    }


def to_json(ns: NationalStatus, lang: str) -> str:
    """JSON document (see `as_document`)."""
    return json.dumps(as_document(ns, lang), ensure_ascii=False, indent=2)


def _headers(lang: str) -> list[str]:
    if lang == "da":
        return [
            "Mål",
            "Gruppe",
            "Opdeling",
            "Kode",
            "Kommune",
            "Udgangspunkt",
            "Seneste",
            "Måltal",
            "Frist",
            "Status",
            "Begrundelse",
            "Kilde",
            "Oprindelse",
        ]
    return [
        "Goal",
        "Group",
        "Breakdown",
        "Code",
        "Municipality",
        "Baseline",
        "Latest",
        "Target",
        "Deadline",
        "Status",
        "Why",
        "Source",
        "Provenance",
    ]


def _long_rows(ns: NationalStatus, lang: str) -> list[list[str]]:
    w = WORDS[lang]
    out = []
    for row in ns.rows():
        cells = _cells(row.status, lang)
        out.append(
            [
                row.goal.label,
                _group_text(row.group.group, lang),
                w["own"] if row.group.breakdown is None else w[row.group.breakdown],
                str(row.municipality_code),
                row.municipality_name if lang == "da" or row.municipality_code else w["national"],
                *cells[2:9],
                _provenance(row.status, lang),
            ]
        )
    return out


def to_csv(ns: NationalStatus, lang: str) -> str:
    """Long CSV: one row per goal × group × area (the nation first), formatted as in Danish."""
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=";" if lang == "da" else ",")
    writer.writerow(_headers(lang))
    for r in _long_rows(ns, lang):
        writer.writerow(csv_row(r))
    return buf.getvalue()


def to_xlsx(ns: NationalStatus, lang: str, path: Path) -> None:
    """Workbook: (synthetic note), the counts per goal and group, the matrix, every row."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    w = WORDS[lang]
    wb = Workbook()
    first = wb.active
    assert first is not None
    first.title = "Læs først" if lang == "da" else "Read first"
    as_of = ns.as_of.label_da() if lang == "da" else ns.as_of.label
    first.append([f"{ns.policy.title} — {w['judged']} {as_of}"])
    first["A1"].font = Font(bold=True)
    if ns.synthetic:
        first.append([str(SYNTHETIC_LINE[lang]).replace("[bold red]", "").replace("[/]", "")])
        first["A2"].font = Font(bold=True, color="C00000")
    first.append([w["rules"].format(min=ns.min_persons, threshold=ns.threshold)])
    first.append([w["legend"]])
    counts = wb.create_sheet("Optælling" if lang == "da" else "Counts")
    counts.append(
        [
            w["target"],
            w["group"],
            w["breakdown"],
            *(SHORT[lang][c] for c in GOAL_CODES),
            w["uncertain_short"],
            w["municipalities"],
        ]
    )
    for g in ns.goals:
        for r in (g.main, *g.breakdowns):
            counts.append(
                [
                    g.label,
                    _group_text(r.group, lang),
                    w["own"] if r.breakdown is None else w[r.breakdown],
                    *(r.counts.counts.get(c, 0) for c in GOAL_CODES),
                    r.counts.uncertain,
                    r.counts.municipalities,
                ]
            )
    matrix = wb.create_sheet("Kommuner" if lang == "da" else "Municipalities")
    matrix.append([w["code"], w["municipality"], *(g.label for g in ns.goals)])
    for i, code in enumerate(ns.codes):
        matrix.append([code, area_name(code), *(_short(g.main.rows[i], lang) for g in ns.goals)])
    rows = wb.create_sheet("Alle" if lang == "da" else "All")
    rows.append(_headers(lang))
    for values in _long_rows(ns, lang):
        rows.append(values)
    for row in rows.iter_rows(min_row=2):
        row[10].alignment = Alignment(wrap_text=True, vertical="top")
    for sheet in wb.worksheets[1:]:
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
        sheet.auto_filter.ref = sheet.dimensions
    for sheet in wb.worksheets:
        protect_sheet(sheet)
    wb.save(path)
