"""The national report (HTML, PDF, XLSX): one section per goal, one row per municipality, no
hidden figure, the synthetic label on every page and in the workbook, numbers as numbers; and
the case-mix comparison hiding a municipality whose published figure the matrix hides."""

from __future__ import annotations

import io
import re
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from pejling.disclosure import Cell, pooled_reveals
from pejling.disclosure_check import check_folder
from pejling.national.benchmark import BenchmarkResult, benchmark_cells
from pejling.national.goals import national_status
from pejling.national.report import NationalReport, build_national_report
from pejling.national.report_render import (
    national_workbook_bytes,
    render_national_html,
    render_section_charts,
)
from pejling.periods import Period
from pejling.reference.municipalities import municipalities
from pejling.report.download import CODES, observation_rows, write_csv
from pejling.store.database import Store
from pejling.workspace import Workspace
from tests.national.goals_workspace import DATA, IND, make_workspace, observations_csv
from tests.national.helpers import cells

#: the whole population (no group), so the benchmark counts the goal's own group
WHOLE = """\
id: hele
scope: national
title: Beskæftigelse i alle kommuner
period: {start: 2015, end: 2020}
source: {document: hele.txt}
themes:
  - id: arbejde
    title: Arbejde
    goals:
      - id: job
        label: Mål J
        statement: Mindst 60 % af de 25-64-årige i beskæftigelse i 2020.
        indicator: {id: employment_rate_25_64, source: register}
        target: {kind: level, value: 60}
        baseline: {date: 2015, source: Hver kommunes eget tal}
        deadline: 2020
        measurement: {frequency: yearly, source: Register}
"""


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    """The national-goals workspace, its figures marked as computed from synthetic data."""
    data = observations_csv().replace(",register\n", ",synthetic\n")
    return make_workspace(tmp_path_factory.mktemp("national-report") / "ws", data=data)


@pytest.fixture(scope="module")
def written(ws: Workspace) -> Path:
    """`pejling report nat` through the real CLI (a subprocess)."""
    args = ("report", "nat", "-w", str(ws.root), "--as-of", "2018", "--format", "html,pdf,xlsx")
    proc = subprocess.run([sys.executable, "-m", "pejling", *args], capture_output=True,
                          text=True, env={"COLUMNS": "200", "PATH": "/usr/bin:/bin",
                                          "PYTHONIOENCODING": "utf-8"}, check=False)  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Skrev reports/nat-status-2018.pdf" in proc.stdout
    assert proc.stdout.startswith("SYNTETISKE DATA")
    return ws.reports_dir


def test_one_section_per_goal_and_a_row_per_municipality(written: Path) -> None:
    html = (written / "nat-status-2018.html").read_text("utf-8")
    assert html.count('<section class="nat-goal"') == 2
    assert "Mindst 60 % af de ikke-vestlige 25-64-årige" in html
    assert html.count('<table class="munis"') == 2
    body = html.split('<table class="munis"')[1].split("</table>")[0]
    assert body.count('<th scope="row">') == len(municipalities()) == 98
    assert "Antal kommuner pr. status" in html
    assert "Om tallene" in html
    assert "data:image/svg+xml;base64," in html  # the maps


def test_overview_counts_the_uncertain_verdicts(written: Path) -> None:
    """The front page's count per status says how many of them are uncertain, as each goal's
    own count does, so a committee does not read 'Nået' in many municipalities as certain."""
    html = (written / "nat-status-2018.html").read_text("utf-8")
    overview = html.split('<table class="nat-counts">')[1].split("</table>")[0]
    assert "heraf usikre" in overview
    cells = re.findall(r'<td class="num" data-label="heraf usikre">(\d+)</td>', overview)
    assert len(cells) == 2  # one per goal


def test_a_hidden_figure_is_not_shown(written: Path) -> None:
    # Odense (461): 3 of 100 employed in 2018, suppressed (threshold 5)
    html = (written / "nat-status-2018.html").read_text("utf-8")
    odense = re.search(r"<th scope=\"row\">Odense</th>(.*?)</tr>", html)
    assert odense is not None
    assert "Diskretioneret" in odense.group(1)
    assert "3,0 %" not in html
    wb = load_workbook(written / "nat-status-2018.xlsx")
    rows = {r[1]: r for r in wb[wb.sheetnames[2]].iter_rows(min_row=2, values_only=True)}
    assert rows["Odense"][5] is None
    assert rows["Odense"][6] == "Ja"


def test_synthetic_label_on_every_page_and_in_the_workbook(written: Path) -> None:
    pdf = PdfReader(written / "nat-status-2018.pdf")
    assert len(pdf.pages) >= 4
    for page in pdf.pages:
        assert "SYNTETISKE DATA" in page.extract_text()
    wb = load_workbook(written / "nat-status-2018.xlsx")
    assert wb.sheetnames[:2] == ["Læs først", "Optælling"]
    assert str(wb["Læs først"]["A2"].value).startswith("SYNTETISKE DATA")


def test_workbook_numbers_are_numbers(written: Path) -> None:
    wb = load_workbook(written / "nat-status-2018.xlsx")
    counts = list(wb["Optælling"].iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in counts] == ["Mål A", "Mål B"]
    assert all(isinstance(v, int) for r in counts for v in r[2:11])
    rows = {r[1]: r for r in wb[wb.sheetnames[2]].iter_rows(min_row=2, values_only=True)}
    assert rows["København"][5] == pytest.approx(65.0)
    assert isinstance(rows["København"][7], int | float)


def _result(shares: dict[int, tuple[int, int]]) -> BenchmarkResult:
    rows = []
    for code, (persons, successes) in shares.items():
        rows += [(code, "f", persons // 2, successes // 2),
                 (code, "m", persons - persons // 2, successes - successes // 2)]  # fmt: skip
    return benchmark_cells(cells(rows, period="2018"), indicator=IND, title="Beskæftigelse",
                           periods=("2018",), min_persons=80, synthetic=True)  # fmt: skip


@pytest.fixture(scope="module")
def compared(tmp_path_factory: pytest.TempPathFactory) -> NationalReport:
    """A whole-population goal with the same figures, and a benchmark of it."""
    data = {code: {"": groups["origin=non_western"]} for code, groups in DATA.items()}
    ws = make_workspace(tmp_path_factory.mktemp("national-compare") / "ws", local=False,
                        data=observations_csv(data))  # fmt: skip
    (ws.policies_dir / "nat.yaml").write_text(WHOLE, encoding="utf-8")
    policy = ws.find_policy("hele").policy
    with Store.open(ws.db_path, read_only=True) as store:
        status = national_status(store, policy, Period.year(2018), ws.settings)
    # 461 has plenty of persons in the benchmark, but its published 2018 figure is hidden
    result = _result({101: (600, 390), 147: (50, 25), 265: (200, 110), 326: (200, 90),
                      461: (100, 60), 540: (40, 16), 751: (300, 150)})  # fmt: skip
    return build_national_report(status, {IND: result})


def test_comparison_hides_what_the_matrix_hides(compared: NationalReport) -> None:
    (section,) = compared.sections
    c = section.comparison
    assert c is not None
    assert c.same_group
    assert len(c.lines) == 98
    assert 461 in c.hidden
    odense = next(ln for ln in c.lines if ln.code == 461)
    assert odense.row is None
    assert odense.hidden
    html = render_national_html(compared, render_section_charts(compared))
    assert html.count('<table class="compare"') == 1
    body = html.split('<table class="compare"')[1].split("</table>")[0]
    assert body.count('<th scope="row">') == 98
    row = re.search(r"<th scope=\"row\">Odense</th>(.*?)</tr>", body)
    assert row is not None
    assert "diskretioneret" in row.group(1)
    assert "60,0" not in row.group(1)
    # the nation is published beside them: the smallest other municipality is hidden with Odense
    assert c.hidden == {461, 540}
    # fewer than 80 persons: shown, not ranked
    small = re.search(r"<th scope=\"row\">Frederiksberg</th>(.*?)</tr>", body)
    assert small is not None
    assert "ikke rangeret" in small.group(1)
    assert "95 %-grænserne" in html
    assert "Forventet" in html


def test_comparison_sheet_has_numbers_and_empty_hidden_cells(compared: NationalReport) -> None:
    wb = load_workbook(io.BytesIO(national_workbook_bytes(compared)))
    sheet = next(name for name in wb.sheetnames if name.endswith("(forv.)"))
    rows = {r[1]: r for r in wb[sheet].iter_rows(min_row=2, values_only=True)}
    assert len(rows) == 98
    assert rows["København"][3] == pytest.approx(65.0)
    assert isinstance(rows["København"][2], int)
    assert isinstance(rows["København"][5], float)  # the difference
    assert rows["Odense"][2:15] == (None,) * 13
    assert rows["Odense"][15] == "Ja"
    assert rows["Frederiksberg"][14] == "Nej"
    assert rows["Frederiksberg"][10] is None
    assert rows["Sønderborg"][15] == "Ja"


# --- pooled cohorts: pool − the single years published must not give a hidden figure away ---


def _year(num: float, den: float, *, hidden: bool = False) -> Cell:
    return Cell(num, den, None, suppressed=hidden)


def test_pooled_rest_that_is_small_is_hidden() -> None:
    # five cohorts; four published, the fifth (1 of 3) hidden: pool − four = 1 of 3
    years = [_year(10, 20), _year(10, 20), _year(10, 20), _year(10, 20), _year(1, 3, hidden=True)]
    assert pooled_reveals(Cell(41, 83, None), years, threshold=5)
    # three without the outcome is as small as three with it
    years[-1] = _year(7, 10, hidden=True)
    assert pooled_reveals(Cell(47, 90, None), years, threshold=5)


def test_pooled_rest_of_one_hidden_year_is_hidden_however_large() -> None:
    # the fifth year hidden by secondary suppression (10 of 20): the subtraction recovers it
    years = [_year(10, 20), _year(10, 20), _year(10, 20), _year(10, 20), _year(10, 20, hidden=True)]
    assert pooled_reveals(Cell(50, 100, None), years, threshold=5)


def test_pooled_rest_of_two_hidden_years_that_is_not_small_may_be_shown() -> None:
    # 1 of 3 and 5 of 12 hidden: the rest 6 of 15 is their sum, neither small nor one year
    years = [_year(10, 20), _year(10, 20), _year(10, 20), _year(1, 3, hidden=True),
             _year(5, 12, hidden=True)]  # fmt: skip
    assert not pooled_reveals(Cell(36, 75, None), years, threshold=5)
    # everything published, or the hidden years empty: nothing to recover
    assert not pooled_reveals(Cell(30, 60, None), years[:3], threshold=5)
    assert not pooled_reveals(Cell(30, 60, None), [*years[:3], _year(0, 0, hidden=True)], 5)


def test_pooled_comparison_hides_a_municipality_whose_rest_is_small(
    compared: NationalReport,
) -> None:
    """Four cohort years pooled; the 2015 and 2018 figures are published (the matrix): Roskilde's
    unpublished 2016 and 2017 hold 2 of 3 persons, so its pooled row is hidden — and, since the
    nation is published beside them, one more; Ringsted's rest (41 of 80) may be shown."""
    (section,) = compared.sections
    assert section.comparison is not None
    result = replace(section.comparison.result, periods=("2015", "2016", "2017", "2018"))
    counts = {
        (265, "2015"): Cell(50, 100, None), (265, "2016"): Cell(2, 3, None),
        (265, "2018"): Cell(58, 97, None),
        (326, "2015"): Cell(20, 60, None), (326, "2016"): Cell(1, 3, None),
        (326, "2017"): Cell(40, 77, None), (326, "2018"): Cell(29, 60, None),
    }  # fmt: skip
    pooled = build_national_report(compared.status, {IND: result}, counts={IND: counts})
    c = pooled.sections[0].comparison
    assert c is not None
    assert c.pooled
    assert 265 in c.hidden
    assert 326 not in c.hidden
    assert len(c.hidden) >= 2
    html = render_national_html(pooled, render_section_charts(pooled))
    assert "årgangene 2015–2018 samlet" in html


# --- English, the download and the checker on a national page -------------------------------


def test_english_national_report(compared: NationalReport) -> None:
    english = replace(compared, status=replace(compared.status, lang="en"))
    html = render_national_html(english, render_section_charts(english))
    assert '<html lang="en">' in html
    for text in ("Comparison with the expected", "Municipalities per status", "Observed (%)",
                 "About the figures", "– (suppressed)", "Denmark"):  # fmt: skip
        assert text in html, text
    for danish in ("Kommuner pr. status", "Forventet", "Om tallene", "diskretioneret",
                   "Sammenligning"):  # fmt: skip
        assert danish not in html, danish
    wb = load_workbook(io.BytesIO(national_workbook_bytes(english)))
    assert wb.sheetnames[:2] == ["Read first", "Counts"]
    sheet = next(name for name in wb.sheetnames if name.endswith("(exp.)"))
    header = next(wb[sheet].iter_rows(max_row=1, values_only=True))
    assert header[3] == "Observed share (%)"
    rows = {r[1]: r for r in wb[sheet].iter_rows(min_row=2, values_only=True)}
    assert rows["Odense"][15] == "Yes"


def test_download_holds_the_national_figures_and_comparison(compared: NationalReport) -> None:
    rows = [dict(zip(CODES, r, strict=True)) for r in observation_rows([], [compared])]
    figures = {(r["municipality_code"], r["period_code"]): r for r in rows
               if r["measure"] == "figure"}  # fmt: skip
    assert figures[(101, "2018")]["value"] == pytest.approx(65.0)
    odense = figures[(461, "2018")]
    assert odense["suppressed"]
    assert odense["value"] is None
    assert odense["numerator"] is None
    bench = {r["municipality_code"]: r for r in rows if r["measure"] == "benchmark"}
    (section,) = compared.sections
    assert section.comparison is not None
    shown = {r.municipality: r for r in section.comparison.shown}
    kbh = bench[101]
    assert kbh["value"] == pytest.approx(shown[101].observed_share)
    assert kbh["expected"] == pytest.approx(shown[101].expected_share)
    assert kbh["difference_ci_lower"] == pytest.approx(shown[101].difference_interval[0])
    assert kbh["rank_median"] == pytest.approx(shown[101].rank_median)
    for code in section.comparison.hidden:
        assert bench[code]["suppressed"]
        assert all(bench[code][c] is None for c in ("value", "persons", "expected", "fifth"))
    assert bench[0]["value"] == pytest.approx(section.comparison.result.national_share)
    assert all(r["policies"] == "hele" for r in rows)


@pytest.fixture(scope="module")
def plain(ws: Workspace) -> NationalReport:
    """The national-goals workspace's report, without a benchmark: a table of municipalities
    per goal."""
    policy = ws.find_policy("nat").policy
    with Store.open(ws.db_path, read_only=True) as store:
        status = national_status(store, policy, Period.year(2018), ws.settings)
    return build_national_report(status)


def _site(report: NationalReport, root: Path) -> Path:
    """The national page and the data download, as the site has them."""
    page = root / report.status.policy.id / "index.html"
    page.parent.mkdir(parents=True)
    page.write_text(render_national_html(report, render_section_charts(report)), "utf-8")
    write_csv(observation_rows([], [report]), root / "data" / "tal.csv")
    return page


def test_checker_reads_a_national_page(
    plain: NationalReport, compared: NationalReport, tmp_path: Path
) -> None:
    """The national pages and their data download pass; a hidden figure planted in a page's
    table of municipalities, or in its comparison, is found."""
    page = _site(plain, tmp_path / "a")
    clean = check_folder(tmp_path / "a")
    assert clean.pages == 1
    assert not clean.leaks, [leak.render() for leak in clean.leaks]
    html = page.read_text("utf-8")
    hidden = re.search(r'(<tr data-code="461"[^>]*><th scope="row">Odense</th>)(<td class="num'
                       r' suppressed"[^>]*>Diskretioneret</td>)', html)  # fmt: skip
    assert hidden is not None
    page.write_text(html.replace(hidden.group(0), hidden.group(1) + '<td class="num">3,0 %</td>'))
    found = check_folder(tmp_path / "a")
    assert {(lk.kind, lk.key[1], lk.key[4], lk.counts) for lk in found.leaks} == {
        ("html_shows_hidden", 461, "2018", "3,0")
    }
    assert all("nat/index.html" in lk.places for lk in found.leaks)

    page = _site(compared, tmp_path / "b")
    assert not check_folder(tmp_path / "b").leaks
    html = page.read_text("utf-8")
    hidden = re.search(r'(<tr data-code="461"><th scope="row">Odense</th>)<td class="hidden-row'
                       r' suppressed" colspan="9">[^<]*</td>', html)  # fmt: skip
    assert hidden is not None
    numbers = "".join(f'<td class="num">{x}</td>' for x in ("100", "60,0", "55,1", "4,9"))
    page.write_text(html.replace(hidden.group(0), hidden.group(1) + numbers))
    found = check_folder(tmp_path / "b")
    assert [(lk.kind, lk.key[1], lk.key[3]) for lk in found.leaks] == [
        ("html_shows_hidden", 461, "benchmark")
    ]


def test_checker_finds_a_pooled_row_that_gives_a_year_away(tmp_path: Path) -> None:
    """A download with a pooled comparison row and the single years: pool − published years
    = one hidden year (recovered), or a small rest."""
    from pejling.report.download import BENCHMARK, FIGURE, Value

    def row(period: str, value: float | None, persons: float | None, measure: str,
            *, num: float | None = None, den: float | None = None) -> tuple[Value, ...]:  # fmt: skip
        r: dict[str, Value] = dict.fromkeys(CODES)
        r.update(indicator_id=IND, municipality_code=265, period_code=period, group_code="",
                 unit="percent", value=value, persons=persons, numerator=num, denominator=den,
                 suppressed=value is None, series_source="register", measure=measure)  # fmt: skip
        return tuple(r[c] for c in CODES)

    years = [row("2016", 50.0, 20, FIGURE, num=10, den=20),
             row("2017", 50.0, 20, FIGURE, num=10, den=20),
             row("2018", None, None, FIGURE)]  # fmt: skip
    pool = row("2016-2018", 50.0, 60, BENCHMARK)
    write_csv([*years, pool], tmp_path / "a" / "tal.csv")
    leaks = check_folder(tmp_path / "a").leaks
    assert [(lk.kind, lk.key[4], lk.counts) for lk in leaks] == [("recovered", "2018", "10/20")]
    small = row("2016-2018", 100 * 22 / 43, 43, BENCHMARK)
    write_csv([*years, small], tmp_path / "b" / "tal.csv")
    leaks = check_folder(tmp_path / "b").leaks
    assert [lk.kind for lk in leaks] == ["recovered"]
    assert leaks[0].counts == "2/3"
