"""The long-format download of every published figure (CSV and Parquet, `pejling export`, the
site's `data/` folder): exactly the figures the reports show, never a suppressed one."""

from __future__ import annotations

import csv
import io
import re
import shutil
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import duckdb
import pytest
from openpyxl import load_workbook

from pejling.disclosure_check import check_folder
from pejling.evaluation.points import Point
from pejling.report.download import (
    BASENAME,
    CODES,
    COLUMNS,
    README_NAME,
    csv_bytes,
    human_size,
    observation_rows,
    write_csv,
    write_parquet,
)
from pejling.report.model import Report
from pejling.report.site import publish_site
from pejling.report.workbook import write_workbook
from pejling.workspace import Workspace
from tests.conftest import Run
from tests.core.test_publication_disclosure import ALL_MEN, alone, policy, together
from tests.report.test_model import D3, _national, _report, pt

DOCS = Path(__file__).resolve().parents[2] / "docs" / "reports.md"
README = Path(__file__).resolve().parents[2] / "README.md"


def _records(data: bytes, delimiter: str = ",") -> list[dict[str, str]]:
    text = data.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text), delimiter=delimiter))


def _sheet(path: Path, name: str) -> list[dict[str, Any]]:
    wb = load_workbook(path, read_only=True, data_only=True)
    try:
        rows = list(wb[name].iter_rows(values_only=True))
    finally:
        wb.close()
    header = [str(h) for h in rows[0]]
    return [dict(zip(header, row, strict=True)) for row in rows[1:]]


def _number(text: str) -> float | None:
    return float(text) if text else None


def _same(a: float | None, b: object) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return isinstance(b, int | float) and abs(a - b) <= 1e-9 * max(1.0, abs(a))


def _small_report() -> Report:
    """A report with a map of 98 municipalities, two of them hidden (851 primary, one
    secondary), and a hidden 2016 figure of the municipality's own series."""
    data = _national(2)
    data[(D3, 265, "")][0] = pt("2016", 75, 3, 4)
    return _report(data)


def test_every_figure_of_the_workbook_and_no_suppressed_number(tmp_path: Path) -> None:
    report = _small_report()
    book = tmp_path / "r.xlsx"
    write_workbook(report, book)
    rows = _records(csv_bytes(observation_rows([report])))
    assert list(rows[0]) == list(CODES)
    by_key = {
        (r["indicator_id"], int(r["municipality_code"]), r["group_code"], r["period_code"]): r
        for r in rows
    }
    assert len(by_key) == len(rows)  # one row per figure

    # every figure of "Alle tal", with the same numbers, or hidden in both
    figures = _sheet(book, "Alle tal")
    assert figures
    for f in figures:
        mun = 0 if f["Serie"] == "Hele landet" else 265
        row = by_key[(f["Indikator-id"], mun, f["Gruppekode"] or "", f["Periodekode"])]
        hidden = f["Diskretioneret"] == "Ja"
        assert (row["suppressed"] == "true") == hidden, f
        assert _number(row["value"]) == f["Værdi"]
        assert _number(row["numerator"]) == f["Tæller"]
        assert _number(row["denominator"]) == f["Nævner"]
        assert row["unit"] == f["Enhedskode"]
    # every municipality of the map ("Kommuner"), hidden ones hidden
    municipalities = _sheet(book, "Kommuner")
    assert len(municipalities) == 99
    for m in municipalities:
        row = by_key[(m["Indikator-id"], m["Kommunekode"], "", m["Periodekode"])]
        assert (row["suppressed"] == "true") == (m["Diskretioneret"] == "Ja"), m
        assert _number(row["value"]) == m["Værdi"]
    # Roskilde's and the nation's 2019 figures are both in the chart and on the map
    assert len(rows) == len(municipalities) + len(figures) - 2

    # a suppressed row has no number at all; the hidden counts are nowhere in the file
    hidden = [r for r in rows if r["suppressed"] == "true"]
    assert {(int(r["municipality_code"]), r["period_code"]) for r in hidden} >= {
        (265, "2016"),
        (851, "2019"),
    }
    assert len(hidden) == 3
    for r in hidden:
        for col in ("value", "numerator", "denominator", "ci_lower", "ci_upper", "persons"):
            assert r[col] == "", (col, r)
        assert r["estimated"] == "false"
    text = csv_bytes(observation_rows([report])).decode()
    assert ",3,4," not in text
    assert ",2,20," not in text


def test_a_publication_of_two_policies_hides_the_same_figures_as_its_reports() -> None:
    policies = [policy("a", 265, ""), policy("b", 265, "sex: m")]
    reports = together(policies, ALL_MEN)
    rows = _records(csv_bytes(observation_rows(reports)))
    men_2018 = next(r for r in rows if r["group_code"] == "sex=m" and r["period_code"] == "2018")
    assert men_2018["suppressed"] == "true"
    assert men_2018["value"] == men_2018["numerator"] == men_2018["denominator"] == ""
    assert men_2018["policies"] == "b"
    all_2019 = next(r for r in rows if r["group_code"] == "" and r["period_code"] == "2019")
    assert (all_2019["numerator"], all_2019["denominator"]) == ("62", "100")
    assert all_2019["provenance"] == "published"
    assert all_2019["synthetic"] == "false"


def _read_back(csv_path: Path, parquet_path: Path) -> tuple[list[Any], list[Any]]:
    types = ", ".join(f"'{c.code}': '{c.sql}'" for c in COLUMNS)
    con = duckdb.connect()
    try:
        from_csv = con.execute(
            f"SELECT * FROM read_csv('{csv_path}', header = true, delim = ',', quote = '\"', "
            f"columns = {{{types}}})"
        ).fetchall()
        from_parquet = con.execute(f"SELECT * FROM read_parquet('{parquet_path}')").fetchall()
        described = con.execute(f"DESCRIBE SELECT * FROM read_parquet('{parquet_path}')").fetchall()
    finally:
        con.close()
    assert [(d[0], d[1]) for d in described] == [(c.code, c.sql) for c in COLUMNS]
    # CSV has no NULL text: an empty text field (group_code of everybody) reads as NULL
    texts = [i for i, c in enumerate(COLUMNS) if c.sql == "VARCHAR"]

    def norm(row: tuple[Any, ...]) -> tuple[Any, ...]:
        return tuple("" if i in texts and v is None else v for i, v in enumerate(row))

    return [norm(r) for r in from_csv], [norm(r) for r in from_parquet]


def test_csv_and_parquet_hold_the_same_rows(tmp_path: Path) -> None:
    rows = observation_rows([_small_report()])
    csv_path = write_csv(rows, tmp_path / "o.csv")
    parquet_path = write_parquet(rows, tmp_path / "o.parquet")
    from_csv, from_parquet = _read_back(csv_path, parquet_path)
    assert len(from_parquet) == len(rows) > 100
    assert from_csv == from_parquet
    # no temporary files left behind (written to a temporary name and renamed)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["o.csv", "o.parquet"]
    # an empty publication is still a valid file with the columns
    empty = write_parquet([], tmp_path / "empty.parquet")
    con = duckdb.connect()
    try:
        assert con.execute(f"SELECT count(*) FROM read_parquet('{empty}')").fetchone() == (0,)
    finally:
        con.close()


def test_excel_variant_uses_semicolons_decimal_commas_and_a_bom() -> None:
    rows = observation_rows([_small_report()])
    data = csv_bytes(rows, excel=True)
    assert data.startswith(b"\xef\xbb\xbf")
    assert b"\r\n" in data
    records = _records(data, ";")
    plain = _records(csv_bytes(rows))
    assert len(records) == len(plain)
    for a, b in zip(records, plain, strict=True):
        assert a["value"] == b["value"].replace(".", ",")
        assert a["ci_lower"] == b["ci_lower"].replace(".", ",")
    assert any("," in r["ci_lower"] for r in records)


def test_formula_in_a_source_is_neutralised_in_csv() -> None:
    payload = '=HYPERLINK("http://evil.example","klik")'
    data = _national(None)
    data[(D3, 265, "")] = [replace(p, source=payload) for p in data[(D3, 265, "")]]
    rows = observation_rows([_report(data)])
    for excel, delimiter in ((False, ","), (True, ";")):
        records = _records(csv_bytes(rows, excel=excel), delimiter)
        mine = [r for r in records if (r["indicator_id"], r["municipality_code"]) == (D3, "265")]
        assert mine
        for r in mine:
            assert r["source"] == "'" + payload
            assert r["series_source"] == "'" + payload  # the publisher is the source here
        for r in records:
            for value in r.values():
                assert not re.match(r"^[=+@\t\r]", value), value
                assert not (value.startswith("-") and not re.match(r"^-[\d.,e+-]+$", value))


def test_register_figures_computed_from_synthetic_data_are_flagged() -> None:
    def synthetic(p: Point) -> Point:
        return replace(p, provenance="synthetic", source="pejling compute", persons=p.denominator)

    data = _national(None)
    for key in list(data):
        if key[0] == D3:
            data[key] = [synthetic(p) for p in data[key]]
    report = _report(data)
    assert report.synthetic
    rows = _records(csv_bytes(observation_rows([report])))
    d3 = [r for r in rows if r["indicator_id"] == D3]
    assert d3
    for r in d3:
        assert r["synthetic"] == "true"
        assert r["provenance"] == "synthetic"
        assert r["series_source"] == "register"
        assert r["source"] == "Beregnet af pejling fra personregisteret"
    others = [r for r in rows if r["indicator_id"] != D3]
    assert others
    assert all(r["synthetic"] == "false" and r["provenance"] == "published" for r in others)


def _links(index: Path) -> list[str]:
    html = index.read_text(encoding="utf-8")
    return re.findall(r'href="([^"#]+)"', html)


def test_site_ships_the_data_files_with_links_and_sizes(tmp_path: Path) -> None:
    reports = together([policy("a", 265, ""), policy("b", 265, "sex: m")], ALL_MEN)
    site = tmp_path / "site"
    summary = publish_site(reports, site, lang="da", pdf=False, today=date(2026, 1, 1))
    assert summary.data_files == 3
    data = site / "data"
    assert sorted(p.name for p in data.iterdir()) == sorted(
        [f"{BASENAME}.csv", f"{BASENAME}.parquet", README_NAME]
    )
    index = site / "index.html"
    html = index.read_text(encoding="utf-8")
    assert "Alle tal til download" in html
    for name in (f"{BASENAME}.csv", f"{BASENAME}.parquet", README_NAME):
        assert f'href="data/{name}"' in html
        assert human_size((data / name).stat().st_size) in html
    for href in _links(index):
        assert (index.parent / unquote(href)).is_file(), href
    readme = (data / README_NAME).read_text(encoding="utf-8")
    for c in COLUMNS:
        assert f"  {c.code}: " in readme
    # the checker reads the CSV, and the publication is safe
    result = check_folder(site)
    assert result.data_files == 1
    assert result.leaks == []


def test_checker_reads_the_csv_alone(tmp_path: Path) -> None:
    """Reports suppressed one by one give away the women as all − men; the download alone
    (no workbooks, no pages) is enough for the checker to find it."""
    policies = [policy("a", 265, ""), policy("b", 265, "sex: m")]
    folder = tmp_path / "only-data"
    folder.mkdir()
    write_csv(observation_rows(alone(policies, ALL_MEN)), folder / f"{BASENAME}.csv")
    found = [leak.render() for leak in check_folder(folder).leaks]
    assert any("group sex=f" in x and "2018" in x and "3/4" in x for x in found), found
    excel = tmp_path / "excel"
    excel.mkdir()
    write_csv(observation_rows(alone(policies, ALL_MEN)), excel / "x.csv", excel=True)
    assert check_folder(excel).data_files == 1
    assert check_folder(excel).leaks


def test_docs_list_every_column_and_the_command() -> None:
    docs = DOCS.read_text(encoding="utf-8")
    for c in COLUMNS:
        assert f"`{c.code}`" in docs, c.code
    assert "pejling export" in docs
    assert "pejling export" in README.read_text(encoding="utf-8")


def test_human_size() -> None:
    assert human_size(850) == "850 B"
    assert human_size(12_345) == "12 kB"
    assert human_size(1_400_000) == "1,4 MB"
    assert human_size(999_999) == "1,0 MB"
    assert human_size(1_400_000, "en") == "1.4 MB"


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_export_command_writes_what_the_site_ships(
    run: Run, demo_dir: Path, tmp_path: Path, fmt: str
) -> None:
    out = tmp_path / f"alle.{fmt}"
    proc = run("export", "-w", str(demo_dir), "--out", str(out))
    assert "diskretionerede" in proc.stdout
    assert "SYNTETISKE DATA" in proc.stdout + proc.stderr
    shipped = demo_dir / "reports" / "site" / "data" / f"{BASENAME}.{fmt}"
    reader = "read_csv(?, all_varchar=true)" if fmt == "csv" else "read_parquet(?)"
    con = duckdb.connect()
    try:
        a = con.execute(f"SELECT * FROM {reader}", [str(out)]).fetchall()
        b = con.execute(f"SELECT * FROM {reader}", [str(shipped)]).fetchall()
    finally:
        con.close()
    # the same rows; weighted sums may differ in the last bits when another test has
    # recomputed the demo's register (DuckDB's parallel float sums are not bit-reproducible)
    assert len(a) == len(b)
    for x, y in zip(a, b, strict=True):
        assert [_near(u) for u in x] == [_near(v) for v in y]


def _near(value: object) -> object:
    """A value for comparison: numbers (also numeric text) to 9 significant digits."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            return value
        return float(f"{number:.9g}")
    if isinstance(value, (int, float)):
        return float(f"{value:.9g}")
    return value


def test_demo_download_holds_every_workbook_figure(demo_dir: Path, tmp_path: Path) -> None:
    site = demo_dir / "reports" / "site"
    rows = _records((site / "data" / f"{BASENAME}.csv").read_bytes())
    assert all(r["synthetic"] in ("true", "false") for r in rows)
    assert any(r["synthetic"] == "true" and r["series_source"] == "register" for r in rows)
    by_key: dict[tuple[str, str, str, str], list[dict[str, str]]] = {}
    for r in rows:
        key = (r["indicator_id"], r["group_code"], r["period_code"], r["municipality_code"])
        by_key.setdefault(key, []).append(r)
    policies = Workspace.open(demo_dir).load_policies()
    municipality = {lp.policy.id: lp.policy.municipality for lp in policies}
    national = {lp.policy.id for lp in policies if lp.policy.is_national}
    # the national report's workbook has no *Alle tal*: its figures are checked on their own
    books = sorted(b for b in site.rglob("*.xlsx") if b.parent.name not in national)
    assert len(books) == 4
    checked = 0
    for book in books:
        mun = municipality[book.parent.name]
        for f in _sheet(book, "Alle tal"):
            hidden = f["Diskretioneret"] == "Ja"
            m = 0 if f["Serie"] == "Hele landet" else mun
            key = (f["Indikator-id"], f["Gruppekode"] or "", f["Periodekode"], str(m))
            candidates = [
                r
                for r in by_key.get(key, [])
                if (r["suppressed"] == "true") == hidden
                and _same(_number(r["value"]), f["Værdi"])  # the workbook keeps 15 digits
                and _same(_number(r["numerator"]), f["Tæller"])
                and _same(_number(r["denominator"]), f["Nævner"])
            ]
            assert candidates, (book.name, f)
            checked += 1
    assert checked > 100
    # the disclosure checker reads the download too and finds nothing
    copy = tmp_path / "site"
    shutil.copytree(site, copy)
    result = check_folder(copy)
    assert result.data_files == 1
    assert result.leaks == [], [leak.render() for leak in result.leaks[:5]]


def test_demo_site_has_the_national_page_and_its_figures(demo_dir: Path) -> None:
    """The national report on the site: its page (the site's header and way back, the
    synthetic banner, its downloads), linked from the index, and its figures and comparison in
    the data download, hidden ones empty."""
    site = demo_dir / "reports" / "site"
    index = (site / "index.html").read_text("utf-8")
    assert 'href="nationale-maal/index.html"' in index
    page = (site / "nationale-maal" / "index.html").read_text("utf-8")
    assert 'href="../index.html"' in page
    assert 'class="synthetic-banner"' in page
    assert "Kilde: Syntetisk registeropgørelse (pejling)." in page
    assert "årgangene 2020–2024 samlet" in page
    for name in re.findall(r'href="(nationale-maal-status-[^"]+)"', page):
        assert (site / "nationale-maal" / unquote(name)).is_file(), name
    rows = _records((site / "data" / f"{BASENAME}.csv").read_bytes())
    national = [r for r in rows if "nationale-maal" in r["policies"].split()]
    bench = [r for r in national if r["measure"] == "benchmark"]
    assert {r["period_code"] for r in bench if r["indicator_id"] == "employed_after_3y"} == {
        "2020-2024"
    }
    hidden = [r for r in bench if r["suppressed"] == "true"]
    assert hidden
    assert all(not r["value"] and not r["expected"] and not r["persons"] for r in hidden)
    figures = [r for r in national if r["measure"] == "figure"]
    assert {r["municipality_code"] for r in figures} >= {"0", "265", "326", "540"}
