"""Result grants as JSON records, CSV and an Excel workbook (numbers as numbers, text safe).

Only what may be published: municipal and national sums after disclosure control; a hidden cell
is empty with "Ja" under "Diskretioneret", never 0. The workbook opens with "Læs først": the
rule sets and the sources of their rates (verified or not), the data date, the disclosure rule
and, unmissably, whether the register is synthetic.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from pejling.formatting import fmt_date
from pejling.national.grants import EVENT_NAMES, GrantsResult, window_label
from pejling.national.grants_forecast import GrantForecast
from pejling.national.grants_rules import EVENT_TYPES, RuleBook
from pejling.reference.municipalities import name_of
from pejling.safe_export import csv_row, protect_sheet, xlsx_row

SYNTHETIC_NOTE = {
    "da": "SYNTETISKE DATA: tallene fra personregisteret er beregnet på genererede data "
    "(pejling synth) og beskriver ikke rigtige personer.",
    "en": "SYNTHETIC DATA: the register figures are computed from generated data "
    "(pejling synth) and describe no real persons.",
}

GRANT_HEADERS = {
    "da": ["Kommunekode", "Kommune", "År", "Hændelse", "Vindue", "Personer", "Tilskud (antal)",
           "Beløb (kr.)", "Diskretioneret"],
    "en": ["Municipality code", "Municipality", "Year", "Event", "Window", "Persons", "Grants",
           "Amount (DKK)", "Suppressed"],
}  # fmt: skip

FORECAST_HEADERS = {
    "da": ["Kommunekode", "Kommune", "I programmet nu", "Forventede personer",
           "Personer, nedre 95 %", "Personer, øvre 95 %", "Forventede tilskud (antal)",
           "Forventet beløb (kr.)", "Beløb, nedre 95 % (kr.)", "Beløb, øvre 95 % (kr.)",
           "Diskretioneret"],
    "en": ["Municipality code", "Municipality", "In the programme now", "Expected persons",
           "Persons, lower 95%", "Persons, upper 95%", "Expected grants",
           "Expected amount (DKK)", "Amount, lower 95% (DKK)", "Amount, upper 95% (DKK)",
           "Suppressed"],
}  # fmt: skip


def _yes(flag: bool, lang: str) -> str | None:
    return ("Ja" if lang == "da" else "Yes") if flag else None


def grant_rows(result: GrantsResult, lang: str, year: int | None = None) -> list[list[Any]]:
    """One row per published cell (municipality 0 is the whole country)."""
    names = EVENT_NAMES[lang]
    return [
        [c.municipality, name_of(c.municipality), c.year, names[c.event],
         window_label(c.window, lang), c.persons, c.events,
         None if c.amount is None else round(c.amount),
         _yes(c.suppressed or c.amount_hidden, lang)]
        for c in result.cells
        if year is None or c.year == year
    ]  # fmt: skip


def forecast_rows(fc: GrantForecast, lang: str) -> list[list[Any]]:
    """One row per municipality and the whole country, then per budget year the amount."""
    out = []
    for r in fc.rows:
        by = dict(r.by_year)
        out.append(
            [r.municipality, name_of(r.municipality), r.caseload, _round(r.persons, 1),
             _round(r.persons_low, 0), _round(r.persons_high, 0), _round(r.events, 1),
             _round(r.amount, 0), _round(r.amount_low, 0), _round(r.amount_high, 0),
             _yes(r.suppressed, lang)]
            + [None if r.suppressed else _round(by.get(y), 0) for y in fc.budget_years]
        )  # fmt: skip
    return out


def _round(value: float | None, digits: int) -> float | int | None:
    if value is None:
        return None
    return round(value) if digits == 0 else round(value, digits)


def _budget_headers(fc: GrantForecast, lang: str) -> list[str]:
    word = "Beløb i budgetår" if lang == "da" else "Amount in budget year"
    return [f"{word} {y} (kr.)" for y in fc.budget_years]


def to_records(
    result: GrantsResult | None, fc: GrantForecast | None, book: RuleBook, lang: str,
    year: int | None = None,
) -> dict[str, Any]:  # fmt: skip
    """Machine-readable: codes and numbers unformatted."""
    out: dict[str, Any] = {"rule_sets": [_rules_record(book, v) for v in book.ids()]}
    if result is not None:
        out["grants"] = {
            "data_date": result.data_date.isoformat(),
            "synthetic": result.synthetic,
            "rules_used": list(result.versions),
            "forced_rules": result.forced,
            "disclosure_threshold": result.threshold,
            "suppressed_cells": result.suppressed_count,
            "events_without_rule_set": result.unrated,
            "cells": [
                {"municipality": c.municipality, "year": c.year, "event": c.event,
                 "window": c.window, "persons": c.persons, "grants": c.events,
                 "amount_dkk": c.amount, "suppressed": c.suppressed,
                 "amount_suppressed": c.suppressed or c.amount_hidden}
                for c in result.cells if year is None or c.year == year
            ],
        }  # fmt: skip
    if fc is not None:
        out["forecast"] = {
            "data_date": fc.data_date.isoformat(),
            "horizon_months": fc.horizon,
            "rules": fc.rules,
            "synthetic": fc.synthetic,
            "draws": fc.draws,
            "seed": fc.seed,
            "disclosure_threshold": fc.threshold,
            "models": [m.__dict__ for m in fc.models],
            "municipalities": [
                {"municipality": r.municipality, "caseload": r.caseload,
                 "expected_persons": r.persons, "persons_interval": [r.persons_low, r.persons_high],
                 "expected_grants": r.events, "expected_amount_dkk": r.amount,
                 "amount_interval_dkk": [r.amount_low, r.amount_high],
                 "amount_by_budget_year": {str(y): v for y, v in r.by_year},
                 "suppressed": r.suppressed}
                for r in fc.rows
            ],
        }  # fmt: skip
    return out


def _rules_record(book: RuleBook, version: str) -> dict[str, Any]:
    rules = book.get(version)
    return {
        "id": rules.id,
        "title": rules.title,
        "valid_from": rules.valid_from.isoformat(),
        "valid_to": rules.valid_to.isoformat() if rules.valid_to else None,
        "rates": [r.model_dump(exclude_none=True) for r in rules.rates],
        "sources": [s.model_dump(exclude_none=True) for s in rules.sources],
    }


def to_json(
    result: GrantsResult | None, fc: GrantForecast | None, book: RuleBook, lang: str,
    year: int | None = None,
) -> str:  # fmt: skip
    """JSON of `to_records`."""
    return json.dumps(to_records(result, fc, book, lang, year), ensure_ascii=False, indent=2)


def _csv_cell(value: Any, lang: str) -> Any:
    if isinstance(value, float) and lang == "da":
        return f"{value}".replace(".", ",")
    return value


def to_csv(
    result: GrantsResult | None, fc: GrantForecast | None, lang: str, year: int | None = None
) -> str:
    """CSV (semicolon and decimal comma for Danish Excel): the grants, or the forecast."""
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=";" if lang == "da" else ",")
    if fc is not None:
        writer.writerow(FORECAST_HEADERS[lang] + _budget_headers(fc, lang))
        rows = forecast_rows(fc, lang)
    else:
        assert result is not None
        writer.writerow(GRANT_HEADERS[lang])
        rows = grant_rows(result, lang, year)
    for row in rows:
        writer.writerow(csv_row([_csv_cell(v, lang) for v in row]))
    return buf.getvalue()


def _sheet(ws: Worksheet, header: list[str], rows: list[list[Any]], money: set[int]) -> None:
    ws.append(header)
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in rows:
        ws.append(xlsx_row(row))
    for idx in money:
        for cell in ws[get_column_letter(idx + 1)][1:]:
            cell.number_format = "#,##0"
    ws.freeze_panes = "A2"
    if rows:
        ws.auto_filter.ref = ws.dimensions
    for i, name in enumerate(header, start=1):
        ws.column_dimensions[get_column_letter(i)].width = min(40, max(12, len(name) + 2))
    protect_sheet(ws)


def write_workbook(
    path: Path, result: GrantsResult | None, fc: GrantForecast | None, book: RuleBook,
    lang: str, year: int | None = None,
) -> None:  # fmt: skip
    """The workbook: Læs først, Tilskud, Prognose (with --forecast), Satser."""
    da = lang == "da"
    wb = Workbook()
    first = wb.active
    assert first is not None
    first.title = "Læs først" if da else "Read first"
    _read_first(first, result, fc, book, lang)
    if result is not None:
        _sheet(wb.create_sheet("Tilskud" if da else "Grants"), GRANT_HEADERS[lang],
               grant_rows(result, lang, year), {7})  # fmt: skip
    if fc is not None:
        _sheet(wb.create_sheet("Prognose" if da else "Forecast"),
               FORECAST_HEADERS[lang] + _budget_headers(fc, lang), forecast_rows(fc, lang),
               {7, 8, 9, *range(11, 11 + len(fc.budget_years))})  # fmt: skip
    rate_header = (["Regelsæt", "Gælder fra", "Gælder til", "Satsår", "Hændelse", "Vindue",
                    "Sats (kr.)", "Kilde", "Verificeret", "Note"] if da else
                   ["Rule set", "Valid from", "Valid to", "Rate year", "Event", "Window",
                    "Rate (DKK)", "Source", "Verified", "Note"])  # fmt: skip
    rate_rows: list[list[Any]] = []
    for version in book.ids():
        rules = book.get(version)
        for entry in rules.rates:
            for event in EVENT_TYPES:
                for window, amount in (entry.rates(event) or {}).items():
                    source = rules.source(entry.source)
                    rate_rows.append(
                        [rules.id, rules.valid_from, rules.valid_to, entry.year,
                         EVENT_NAMES[lang][event], window_label(window, lang), amount,
                         source.title if source else entry.source,
                         ("ja" if da else "yes") if entry.verified else ("nej" if da else "no"),
                         entry.note]
                    )  # fmt: skip
    sheet = wb.create_sheet("Satser" if da else "Rates")
    _sheet(sheet, rate_header, rate_rows, {6})
    for cell in sheet["B"][1:] + sheet["C"][1:]:
        cell.number_format = "dd.mm.yyyy"
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)


def _read_first(
    ws: Worksheet, result: GrantsResult | None, fc: GrantForecast | None, book: RuleBook,
    lang: str,
) -> None:  # fmt: skip
    da = lang == "da"
    ws.append(["Resultattilskud (integrationsloven § 45)" if da else "Result grants"])
    ws["A1"].font = Font(bold=True, size=14)
    synthetic = (result is not None and result.synthetic) or (fc is not None and fc.synthetic)
    if synthetic:
        ws.append([SYNTHETIC_NOTE[lang]])
        ws["A2"].font = Font(bold=True, color="A00000")
    ws.append([])
    when = result.data_date if result is not None else fc.data_date if fc is not None else None
    facts: list[tuple[str, Any]] = [("Registerdata pr." if da else "Register data as of", when)]
    if result is not None:
        used = ", ".join(result.versions) or "–"
        facts.append(("Regelsæt brugt" if da else "Rule sets used",
                      f"{used}" + (f" (valgt med --rules {result.forced})" if result.forced
                                   else "")))  # fmt: skip
    if fc is not None:
        facts.append(("Prognosens regelsæt" if da else "Forecast rule set", fc.rules))
    for version in book.ids():
        rules = book.get(version)
        until = fmt_date(rules.valid_to, lang) if rules.valid_to else ("åben" if da else "open")
        facts.append((f"Regelsæt {rules.id}" if da else f"Rule set {rules.id}",
                      f"{rules.title}; gælder {fmt_date(rules.valid_from, lang)}–{until}"))  # fmt: skip
        for s in rules.sources:
            facts.append(("  Kilde" if da else "  Source", f"{s.title}" + (f" ({s.url})" if s.url
                                                                           else "")))  # fmt: skip
    for name, value in facts:
        ws.append(xlsx_row([name, value]))
        ws.cell(row=ws.max_row, column=1).font = Font(bold=True)
        if isinstance(value, date):
            ws.cell(row=ws.max_row, column=2).number_format = "dd.mm.yyyy"
            ws.cell(row=ws.max_row, column=2).alignment = Alignment(horizontal="left")
    ws.append([])
    threshold = result.threshold if result is not None else fc.threshold if fc else 5
    lines = [
        "Et tilskud tælles i det år, betingelsen er opfyldt (6 måneder efter start; en "
        "danskprøve på prøvedagen), hos den kommune, hvis programforløb dækkede starten. "
        "Satsen er regelsættets for det år; mellem kendte satsår bruges den seneste "
        "offentliggjorte sats. Se docs/result-grants.md." if da else
        "A grant counts in the year its condition is fulfilled (6 months after the start; a "
        "Danish test on its date), for the municipality whose programme spell covered the "
        "start. The rate is the rule set's for that year; between known rate years the latest "
        "published rate applies. See docs/result-grants.md.",
        f"Tal, der bygger på færre end {threshold} personer, vises ikke, og heller ikke tal, "
        "de kan regnes tilbage fra; et skjult tal er en tom celle med »Ja« under "
        "»Diskretioneret«, aldrig 0." if da else
        f"Figures resting on fewer than {threshold} persons are not shown, nor figures they "
        "could be recovered from; a hidden figure is an empty cell with 'Yes' under "
        "'Suppressed', never 0.",
        "Beløb er i kr. og gemt som tal." if da else "Amounts are in DKK, stored as numbers.",
        "Hvilke satser der er efterprøvet mod kilderne, står i arket »Satser« (kolonnen "
        "»Verificeret«); læsningen af reglerne og det, der ikke er efterprøvet, i "
        "docs/result-grants.md." if da else
        "Which rates were checked against their sources is in the sheet 'Rates' (column "
        "'Verified'); the reading of the rules and what was not verified in "
        "docs/result-grants.md.",
    ]  # fmt: skip
    if fc is not None:
        lines.append(
            f"Prognosen: forventede tilskud for starter de næste {fc.horizon} måneder (og "
            "igangværende forløb, der endnu ikke har varet 6 måneder) blandt personer i "
            "programmet, fra en national model; 95 %-intervallet dækker tilfældigheden i, hvem "
            f"der lykkes ({fc.draws} simulationer, frø {fc.seed}), ikke modellens egen "
            "usikkerhed. Beløbet falder i budgetåret, hvor betingelsen opfyldes." if da else
            f"Forecast: expected grants for starts in the next {fc.horizon} months (and running "
            "spells not yet 6 months long) among persons in the programme, from a national "
            f"model; the 95% interval covers who succeeds by chance ({fc.draws} simulations, "
            f"seed {fc.seed}), not the model's own error. Amounts fall in the budget year the "
            "condition is fulfilled."
        )  # fmt: skip
    for line in lines:
        ws.append([line])
    ws.column_dimensions["A"].width = 30
    ws.column_dimensions["B"].width = 110
    protect_sheet(ws)
