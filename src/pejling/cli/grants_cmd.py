"""`pejling grants`: result grants earned per municipality and year, and a 12-month forecast."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from pejling.cli.common import console, err_console, guard, open_store, open_workspace, say
from pejling.formatting import fmt_date, fmt_number
from pejling.national.grants import ALL, EVENT_NAMES, GrantCell, GrantsResult
from pejling.national.grants_forecast import GrantForecast
from pejling.reference.municipalities import name_of
from pejling.report.texts import SYNTHETIC_LINE


class GrantsFormat(StrEnum):
    """Output formats of `pejling grants`."""

    TABLE = "table"
    JSON = "json"
    CSV = "csv"
    XLSX = "xlsx"


def kr(value: float | None, lang: str = "da") -> str:
    """'88.817 kr.' (Danish) or 'DKK 88,817'; '–' for a hidden figure."""
    if value is None:
        return "–"
    return (
        f"{fmt_number(value, 0, lang)} kr." if lang == "da" else f"DKK {fmt_number(value, 0, lang)}"
    )


@guard
def grants(
    workspace: Annotated[
        Path | None, typer.Option("--workspace", "-w", help="Workspace folder.")
    ] = None,
    year: Annotated[
        int | None,
        typer.Option(
            help="Grant year (default: the last whole year of the register; all years "
            "in json, csv and xlsx)."
        ),
    ] = None,
    forecast: Annotated[
        bool, typer.Option("--forecast", help="Expected grants of the next 12 months instead.")
    ] = False,
    rules: Annotated[
        str | None,
        typer.Option(
            "--rules",
            help="Use this rule set for every year (default: the one in "
            "force when a grant is earned).",
        ),
    ] = None,
    fmt: Annotated[
        GrantsFormat, typer.Option("--format", "-f", help="Output format.")
    ] = GrantsFormat.TABLE,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file.")
    ] = None,
    all_municipalities: Annotated[
        bool,
        typer.Option("--all", help="All 98 municipalities (default in a national workspace)."),
    ] = False,
) -> None:
    """Result grants (resultattilskud) earned per municipality and year, from the register.

    Employment or education lasting 6 months, and Danish tests passed, by persons in the
    programme, at the rates of the rule set in force (docs/result-grants.md). With --forecast:
    expected persons and kr. of the next 12 months with a 95 % interval. Figures resting on
    fewer persons than the disclosure threshold are not shown.
    """
    from pejling.national.grants import earned_grants, register_ready
    from pejling.national.grants_export import to_csv, to_json, write_workbook
    from pejling.national.grants_forecast import forecast_grants
    from pejling.national.grants_rules import load_rule_book

    ws = open_workspace(workspace)
    lang = ws.settings.workspace.language
    threshold = ws.settings.disclosure.threshold
    book = load_rule_book(ws.root / "grants")
    if rules:
        book.get(rules)  # an unknown id is refused before the register is read
    result: GrantsResult | None = None
    fc: GrantForecast | None = None
    with open_store(ws, read_only=True) as store:
        as_of = register_ready(store, lang)
        if forecast:
            fc = forecast_grants(store, book, forced=rules, threshold=threshold, as_of=as_of,
                                 lang=lang)  # fmt: skip
        else:
            result = earned_grants(store, book, forced=rules, threshold=threshold, as_of=as_of,
                                   lang=lang)  # fmt: skip
    synthetic = (result is not None and result.synthetic) or (fc is not None and fc.synthetic)
    if fmt is GrantsFormat.XLSX:
        target = output or Path("pejling-resultattilskud.xlsx")
        write_workbook(target, result, fc, book, lang, year)
        say(f"Skrev {target}" if lang == "da" else f"Wrote {target}")
        return
    if fmt is GrantsFormat.TABLE and output is None:
        shown = _shown_codes(ws.settings.workspace.municipality, all_municipalities)
        if synthetic:
            console.print(SYNTHETIC_LINE[lang])
        if fc is not None:
            _print_forecast(fc, shown, lang)
        else:
            assert result is not None
            _print_grants(result, year or _default_year(result), shown, lang)
        if synthetic:
            console.print(SYNTHETIC_LINE[lang])
        return
    if synthetic:
        err_console.print(SYNTHETIC_LINE[lang])
    text = (
        to_json(result, fc, book, lang, year)
        if fmt is GrantsFormat.JSON
        else to_csv(result, fc, lang, year)
    )
    if output:
        output.write_text(text, encoding="utf-8")
        say(f"Skrev {output}" if lang == "da" else f"Wrote {output}")
    else:
        typer.echo(text)


def _shown_codes(home: int, everything: bool) -> set[int] | None:
    """Municipalities to print: None = all (a national workspace, or --all)."""
    return None if everything or home == 0 else {home, 0}


def _default_year(result: GrantsResult) -> int:
    """The last whole year of the register (the data date's year when it is 31 December)."""
    d = result.data_date
    return d.year if (d.month, d.day) == (12, 31) else d.year - 1


def _count(value: int | float | None, lang: str, decimals: int = 0) -> str:
    return "–" if value is None else fmt_number(value, decimals, lang)


def _print_grants(result: GrantsResult, year: int, shown: set[int] | None, lang: str) -> None:
    da = lang == "da"
    cells = [c for c in result.cells if c.year == year]
    used = ", ".join(result.versions) or "–"
    title = (
        f"Resultattilskud optjent i {year} · regelsæt {result.forced or used} · registerdata pr. "
        f"{fmt_date(result.data_date, lang)}"
        if da
        else f"Result grants earned in {year} · rule sets {result.forced or used} · register "
        f"data as of {fmt_date(result.data_date, lang)}"
    )
    names = EVENT_NAMES[lang]
    table = Table(title=title, show_lines=False)
    table.add_column("Kommune" if da else "Municipality", min_width=11)
    table.add_column("Personer" if da else "Persons", justify="right")
    for event in ("employment", "education", "danish_test"):
        table.add_column(names[event], justify="right")
    table.add_column("Tilskud i alt" if da else "Total", justify="right")
    by_muni: dict[int, dict[str, list[GrantCell]]] = {}
    for c in cells:
        by_muni.setdefault(c.municipality, {}).setdefault(c.event, []).append(c)
    codes = sorted((m for m in by_muni if m != 0), key=name_of) + ([0] if 0 in by_muni else [])
    printed: list[list[str]] = []
    for m in codes:
        if shown is not None and m not in shown:
            continue
        total = next(iter(by_muni[m].get(ALL, [])), None)
        row: list[str | Text] = [Text(name_of(m), style="bold" if m == 0 else "")]
        row.append(_count(total.persons if total else None, lang))
        for event in ("employment", "education", "danish_test"):
            cell = next((p for p in by_muni[m].get(event, []) if p.window == ALL), None)
            if cell is None:
                row.append("0")
            elif cell.suppressed:
                row.append("–")
            else:
                row.append(f"{_count(cell.events, lang)} · {kr(cell.amount, lang)}")
        row.append(kr(total.amount if total else None, lang))
        table.add_row(*row)
        printed.append([str(c) for c in row])
    if not codes:
        say(f"Ingen resultattilskud optjent i {year}." if da else f"No result grants in {year}.")
        return
    _show(table, printed, 100)
    notes = [
        f"Antal tilskud · beløb. – : bygger på færre end {result.threshold} personer, eller kan "
        "regnes tilbage til sådan et tal (diskretioneret)."
        if da
        else f"Grants · amount. – : rests on fewer than {result.threshold} persons, or would "
        "reveal such a figure (suppressed).",
    ]
    if result.unrated:
        notes.append(
            f"{result.unrated} tilskud er opfyldt før det første regelsæt og er ikke talt med."
            if da
            else f"{result.unrated} grants fulfilled before the first rule set are not counted."
        )
    for note in notes:
        say(note)


def _print_forecast(fc: GrantForecast, shown: set[int] | None, lang: str) -> None:
    da = lang == "da"
    title = (
        f"Forventede resultattilskud for starter de næste {fc.horizon} måneder · regelsæt "
        f"{fc.rules} · registerdata pr. {fmt_date(fc.data_date, lang)}"
        if da
        else f"Expected result grants for starts in the next {fc.horizon} months · rule set "
        f"{fc.rules} · register data as of {fmt_date(fc.data_date, lang)}"
    )
    table = Table(title=title)
    table.add_column("Kommune" if da else "Municipality", min_width=11)
    table.add_column("I programmet nu" if da else "In programme now", justify="right")
    table.add_column("Forventede personer (95 %)" if da else "Expected persons (95%)",
                     justify="right")  # fmt: skip
    table.add_column(
        "Forventet tilskud" if da else "Expected amount", justify="right", no_wrap=True
    )
    table.add_column("95 %-interval" if da else "95% interval", justify="right")
    for y in fc.budget_years:
        table.add_column(f"heraf {y}" if da else f"of which {y}", justify="right")
    rows = sorted(
        (r for r in fc.rows if r.municipality != 0), key=lambda r: name_of(r.municipality)
    )
    rows += [r for r in fc.rows if r.municipality == 0]
    printed: list[list[str]] = []
    for r in rows:
        if shown is not None and r.municipality not in shown:
            continue
        by = dict(r.by_year)
        cells: list[str | Text] = [Text(name_of(r.municipality),
                                        style="bold" if r.municipality == 0 else "")]  # fmt: skip
        if r.suppressed:
            cells += ["–"] * (4 + len(fc.budget_years))
        else:
            cells += [
                _count(r.caseload, lang),
                f"{_count(r.persons, lang, 1)} ({_count(r.persons_low, lang)}–"
                f"{_count(r.persons_high, lang)})",
                kr(r.amount, lang),
                f"{fmt_number(r.amount_low, 0, lang)}–{kr(r.amount_high, lang)}",
                *(kr(by.get(y), lang) for y in fc.budget_years),
            ]
        table.add_row(*cells)
        printed.append([str(c) for c in cells])
    _show(table, printed, 130)
    say(
        f"Et tilskud udbetales tidligst, når betingelsen er opfyldt (6 måneder efter start), og "
        f"falder i det budgetår. Intervallet dækker tilfældigheden i, hvem der lykkes "
        f"({fc.draws} simulationer), ikke modellens egen usikkerhed. – : færre end "
        f"{fc.threshold} personer i programmet (diskretioneret)."
        if da
        else f"A grant is paid once its condition is fulfilled (6 months after the start), in "
        f"that budget year. The interval covers who succeeds by chance ({fc.draws} "
        f"simulations), not the model's own error. – : fewer than {fc.threshold} persons in "
        "the programme (suppressed)."
    )


def _show(table: Table, rows: list[list[str]], narrow: int) -> None:
    """The table, or below `narrow` columns one block per municipality (a number cut short by
    a narrow terminal would be read wrong)."""
    if console.width >= narrow:
        console.print(table)
        return
    if table.title:
        say(str(table.title))
    headers = [str(c.header) for c in table.columns]
    for row in rows:
        console.print(Text(row[0], style="bold"))
        for header, value in zip(headers[1:], row[1:], strict=True):
            say(f"  {header}: {value}")
