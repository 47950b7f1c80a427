"""The report's comparison with other municipalities (issue 12, item 7) and the target
advisor's expected value, on a small synthetic workspace for Roskilde (12.000 persons)."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from pejling.cli.judging import build_reports
from pejling.cli.similar_cmd import expected_value
from pejling.disclosure import Cell
from pejling.evaluation.points import REGISTER
from pejling.formatting import fmt_number, fmt_percent
from pejling.periods import Period
from pejling.report.build import write_report_files
from pejling.report.comparison import (
    MAIN_OUTCOMES,
    Comparison,
    ComparisonSource,
    build_comparison,
    compared_indicators,
    protect_comparison,
)
from pejling.report.comparison_texts import missing_sentence, row_cells, sentences
from pejling.report.model import Report
from pejling.spec.catalog import load_catalog
from pejling.store.database import Store
from pejling.workspace import Workspace
from tests.conftest import Run

KEY_ENV = {"PEJLING_PSEUDONYM_KEY": "comparison-test-key-0123456789"}
INDICATOR = "employment_rate_25_64"
POLICY = """\
id: test
municipality: 265
title: Testpolitik
adopted: 2018-01-15
period: {start: 2018, end: 2021}
source: {document: test.pdf}
themes:
  - id: job
    title: Beskæftigelse
    goals:
      - id: beskaeftigelse
        statement: Flere 25-64-årige skal være i beskæftigelse.
        indicator: {id: employment_rate_25_64, source: register}
        target: {kind: level, value: 80}
        deadline: 2021
        measurement: {frequency: yearly, source: register}
      - id: ikke-vestlige
        statement: Flere ikke-vestlige 25-64-årige skal være i beskæftigelse.
        indicator: {id: employment_rate_25_64, group: {origin: non_western}, source: register}
        target: {kind: level, value: 70}
        deadline: 2021
        measurement: {frequency: yearly, source: register}
"""


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    root = tmp_path_factory.mktemp("comparison") / "ws"
    folder = root / "imports" / "register"
    env = {"COLUMNS": "200", "PATH": "/usr/bin:/bin", "PYTHONIOENCODING": "utf-8", **KEY_ENV}
    for args in (
        ("init", str(root), "--municipality", "265"),
        ("synth", "--persons", "12000", "--seed", "5", "--out", str(folder)),
        ("import", str(folder), "-w", str(root)),
    ):
        proc = subprocess.run([sys.executable, "-m", "pejling", *args], capture_output=True,
                              text=True, env=env, check=False)  # fmt: skip
        assert proc.returncode == 0, proc.stdout + proc.stderr
    (root / "policies" / "test.yaml").write_text(POLICY, encoding="utf-8")
    return Workspace.open(root)


@pytest.fixture(scope="module")
def report(workspace: Workspace) -> Report:
    (one,) = build_reports(workspace, [workspace.find_policy("test")], None, "da")
    return one


def _comparison(report: Report) -> Comparison:
    assert report.comparison is not None
    return report.comparison


def test_similar_municipalities_and_the_benchmark_of_the_goals_indicator(report: Report) -> None:
    c = _comparison(report)
    assert (c.municipality, c.name, c.missing) == (265, "Roskilde", None)
    assert c.similar is not None
    assert next(r.code for r in c.similar.rows) == 265
    assert len(c.similar.peers) == 7
    assert all(r.distance is not None for r in c.similar.peers)
    assert [r.distance for r in c.similar.peers] == sorted(r.distance or 0 for r in c.similar.peers)
    # both goals use the indicator: it is compared once, for its whole population
    (ic,) = c.indicators
    assert (ic.indicator, ic.period, ic.by_goal) == (INDICATOR, "2021", True)
    assert [r.code for r in ic.rows] == [r.code for r in c.similar.rows if r.code in
                                         {row.code for row in ic.rows}]  # fmt: skip
    assert ic.rows[0].own
    assert not any(r.own for r in ic.rows[1:])
    assert c.synthetic
    assert report.synthetic


def test_the_numbers_are_the_benchmarks_and_the_sentence_says_them(
    workspace: Workspace, report: Report
) -> None:
    ic = _comparison(report).indicators[0]
    own = ic.own
    assert own is not None
    assert own.observed is not None
    assert own.interval is not None
    catalog = load_catalog()
    with Store.open(workspace.db_path, read_only=True) as store:
        source = ComparisonSource(store, catalog)
        result = source.benchmark(catalog.indicators[INDICATOR], date(2021, 12, 31))
    assert result is not None
    row = next(r for r in result.rows if r.municipality == 265)
    assert own.observed == pytest.approx(row.observed_share)
    assert own.expected == pytest.approx(row.expected_share)
    assert own.difference == pytest.approx(row.observed_share - row.expected_share)
    assert own.interval == pytest.approx(row.difference_interval)
    # the sentence, in percentage points, with the half-width of the 95 % interval
    diff = own.difference
    assert diff is not None
    half = (own.interval[1] - own.interval[0]) / 2
    words = "over" if round(diff, 1) > 0 else "under"
    text = sentences(ic, "Roskilde", "da")
    assert text[0] == (
        f"I opgørelsen for 2021 var andelen i Roskilde {fmt_percent(own.observed)}, mens "
        f"{fmt_percent(own.expected)} var forventet ud fra kommunens borgere."
    )
    assert text[1] == (
        f"Roskilde ligger {fmt_number(abs(diff))} procentpoint {words} det forventede, med en "
        f"usikkerhed på ±{fmt_number(half)} procentpoint (95 %-interval)."
    )
    if own.funnel == "within":
        assert "Roskilde ligger inden for det forventede." in text[2]
    english = sentences(ic, "Roskilde", "en")
    assert f"percentage points {'above' if words == 'over' else 'below'} the expected" in english[1]
    # the table's cells: share, expected, difference, interval, fifth
    cells = row_cells(own, "da")
    assert cells[0] == fmt_percent(own.observed)
    assert cells[2].endswith("pct.-point")
    assert " til " in cells[3]


def test_the_section_in_html_and_workbook(report: Report, tmp_path: Path) -> None:
    files = write_report_files(report, tmp_path, ("html", "xlsx"))
    assert files.html is not None
    assert files.xlsx is not None
    html = files.html.read_text(encoding="utf-8")
    assert '<a href="#sammenligning">Sammenligning med andre kommuner</a>' in html
    section = html[html.index('<section class="comparison"') : html.index('id="datanoter"')]
    assert "Kommuner, der ligner Roskilde" in section
    assert sentences(_comparison(report).indicators[0], "Roskilde", "da")[1] in section
    assert section.count('<tr class="own">') == 2  # in both tables
    # placed after the goals, before the data notes
    assert (
        html.index('id="tema-job"')
        < html.index('id="sammenligning"')
        < html.index('id="datanoter"')
    )
    sheet = load_workbook(files.xlsx)["Sammenligning"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("Mål", "Periode", "Kommunekode", "Kommune")
    own = next(r for r in rows[1:] if r[2] == 265)
    assert own[4] == "Ja"
    assert own[6] == pytest.approx(_comparison(report).indicators[0].rows[0].observed)


def test_rows_under_the_threshold_show_a_dash(workspace: Workspace, report: Report) -> None:
    catalog = load_catalog()
    policy = workspace.find_policy("test").policy
    with Store.open(workspace.db_path, read_only=True) as store:
        c = build_comparison(policy, catalog, ComparisonSource(store, catalog), report.as_of,
                             threshold=100_000)  # fmt: skip
    assert c is not None
    ic = c.indicators[0]
    assert all(r.hidden and r.observed is None for r in ic.rows)
    assert row_cells(ic.rows[0], "da") == ["–"] * 5
    assert sentences(ic, "Roskilde", "da") == [
        "Tallene for Roskilde vises ikke af hensyn til diskretionen (for få personer)."
    ]


def test_a_figure_the_publication_hides_is_hidden_here_too(report: Report) -> None:
    c = _comparison(report)
    ic = c.indicators[0]
    peer = ic.rows[1]
    assert not peer.hidden
    # the publication hides the peer's register figure for the indicator and period
    safe = {(INDICATOR, peer.code, "", REGISTER, ic.period): Cell(3, 40, None, suppressed=True)}
    protected = protect_comparison(c, load_catalog(), safe)
    assert protected is not None
    rows = protected.indicators[0].rows
    assert rows[1].hidden
    assert rows[1].observed is None
    assert row_cells(rows[1], "da") == ["–"] * 5
    assert rows[0] == ic.rows[0]  # the others stand
    # another period or another group (not the whole population) hides nothing
    other = {(INDICATOR, peer.code, "origin=non_western", REGISTER, ic.period): Cell(
        3, 40, None, suppressed=True)}  # fmt: skip
    assert protect_comparison(c, load_catalog(), other) == c


def test_the_main_outcomes_when_no_goal_uses_a_benchmarked_indicator() -> None:
    from pejling.spec.policy import Policy

    catalog = load_catalog()
    policy = Policy.model_validate(
        {
            "id": "x", "municipality": 265, "title": "X", "adopted": "2018-01-15",
            "period": {"start": 2018, "end": 2021}, "source": {"document": "x.pdf"},
            "themes": [{"id": "t", "title": "T", "goals": []}],
        }
    )  # fmt: skip
    specs, by_goal = compared_indicators(policy, catalog)
    assert [s.id for s in specs] == list(MAIN_OUTCOMES)
    assert not by_goal


def test_without_a_register_the_section_says_so(tmp_path: Path) -> None:
    ws = Workspace.create(tmp_path / "ws", "t", 265)
    with Store.open(ws.db_path):
        pass  # an empty store: no register, no observations
    (ws.policies_dir / "test.yaml").write_text(POLICY, encoding="utf-8")
    (report,) = build_reports(ws, [ws.find_policy("test")], Period.year(2021), "da")
    c = _comparison(report)
    assert c.missing == "no_register"
    assert not c.indicators
    sentence = missing_sentence(c, "da")
    assert sentence == (
        "Arbejdsområdet har intet personregister, så resultaterne i Roskilde ikke kan "
        "sammenlignes med det forventede ud fra borgernes sammensætning."
    )
    files = write_report_files(report, tmp_path / "out", ("html", "xlsx"))
    assert files.html is not None
    assert files.xlsx is not None
    html = files.html.read_text(encoding="utf-8")
    assert sentence in html
    assert "Sammenligning med andre kommuner" in html
    rows = list(load_workbook(files.xlsx)["Sammenligning"].iter_rows(values_only=True))
    assert rows[1][0] == sentence


def test_target_advisor_gets_the_expected_share(
    workspace: Workspace, report: Report, run: Run
) -> None:
    catalog = load_catalog()
    policy = workspace.find_policy("test").policy
    own = _comparison(report).indicators[0].own
    assert own is not None
    assert own.expected is not None
    with Store.open(workspace.db_path, read_only=True) as store:
        expected = expected_value(store, policy, "beskaeftigelse", catalog, Period.year(2021))
        # a group that is not the indicator's whole population: not computed
        grouped = expected_value(store, policy, "ikke-vestlige", catalog, Period.year(2021))
    assert expected == pytest.approx(own.expected)
    assert grouped is None
    out = run("target", "test", "beskaeftigelse", "-w", str(workspace.root), "--as-of", "2021")
    assert f"Forventet ud fra borgersammensætningen  {fmt_percent(own.expected)}" in out.stdout
    out = run("target", "test", "ikke-vestlige", "-w", str(workspace.root), "--as-of", "2021")
    assert "ikke beregnet" in out.stdout


@pytest.mark.parametrize(
    ("funnel", "fifth", "expected"),
    [
        ("within", 5, "Efter punktskønnet er Roskilde blandt den dårligste femtedel"),
        ("below95", 5, "Roskilde er blandt den dårligste femtedel af kommunerne."),
        ("within", 1, "Efter punktskønnet er Roskilde blandt den bedste femtedel"),
        ("above998", 1, "Roskilde er blandt den bedste femtedel af kommunerne."),
    ],
)
def test_a_fifth_inside_the_funnel_is_said_to_be_possibly_chance(
    report: Report, funnel: str, fifth: int, expected: str
) -> None:
    """A fifth comes from the point estimate; inside the funnel's limits the sentence does not
    let "inden for det forventede" and "blandt de dårligste" stand side by side unexplained."""
    ic = _comparison(report).indicators[0]
    assert ic.own is not None
    rows = tuple(
        dataclasses.replace(r, funnel=funnel, fifth=fifth, ranked=True) if r.own else r
        for r in ic.rows
    )
    ic = dataclasses.replace(ic, rows=rows, higher_better=True)
    last = sentences(ic, "Roskilde", "da")[-1]
    assert last.startswith(expected)
    assert ("tilfældigheder" in last) == (funnel == "within")
