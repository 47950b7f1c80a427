"""Issue 9, finding 1: one suppression pattern for everything published together.

Each attack of the finding is built from two small policies (or one with a cumulative cohort),
published once report by report (the old behaviour, which the checker must catch) and once as a
publication (the new one, where nothing is recoverable and no verdict rests on a hidden figure).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from pejling.disclosure_check import check_folder
from pejling.evaluation.points import Point
from pejling.evaluation.status import GoalStatusCode
from pejling.periods import Period
from pejling.report.data import InMemoryReportSource
from pejling.report.model import (
    Report,
    ReportDraft,
    build_publication,
    draft_report,
    finish_report,
    protect_drafts,
)
from pejling.report.site import publish_site
from pejling.spec.catalog import load_catalog
from pejling.spec.load import load_model_text
from pejling.spec.policy import Policy

IND = "employment_rate_25_64"
Data = dict[tuple[str, int, str], list[Point]]


def policy(pid: str, municipality: int, group: str) -> Policy:
    text = f"""\
id: {pid}
municipality: {municipality}
title: Politik {pid}
period: {{start: 2015, end: 2020}}
source: {{document: {pid}.txt}}
themes:
  - id: th
    title: Job
    goals:
      - id: job
        statement: Flere i job.
        indicator: {{id: {IND}, group: {{{group}}}}}
        target: {{kind: level, value: 80}}
        deadline: 2020
"""
    loaded, _ = load_model_text(Policy, text, f"{pid}.yaml")
    return loaded


def pt(period: str, num: float, den: float, provenance: str = "published") -> Point:
    return Point(Period.parse(period), 100 * num / den, num, den, source="Test",
                 vintage="2024-12-30", provenance=provenance, persons=den)  # fmt: skip


def drafts(policies: list[Policy], data: Data) -> list[ReportDraft]:
    source = InMemoryReportSource(data)
    return [
        draft_report(p, load_catalog(), source, year=2019, threshold=5, today=date(2026, 1, 1))
        for p in policies
    ]


def alone(policies: list[Policy], data: Data) -> list[Report]:
    """Each report suppressed on its own: what pejling published before this issue."""
    return [finish_report(d, protect_drafts([d])) for d in drafts(policies, data)]


def together(policies: list[Policy], data: Data) -> list[Report]:
    return build_publication(drafts(policies, data))


def hidden(report: Report) -> set[tuple[str, str, str]]:
    return {
        (s.role, s.group, p.period.label)
        for g in report.goals()
        for s in g.series
        for p in s.points
        if p.suppressed
    }


def leaks(tmp_path: Path, reports: list[Report], name: str) -> list[str]:
    out = tmp_path / name
    publish_site(reports, out, lang="da", pdf=False, today=date(2026, 1, 1))
    return [leak.render() for leak in check_folder(out).leaks]


ALL_MEN: Data = {
    # women = all − men: 3 of 4 in 2018 (small), 22 of 40 in 2019
    (IND, 265, ""): [pt("2018", 60, 100), pt("2019", 62, 100)],
    (IND, 265, "sex=m"): [pt("2018", 57, 96), pt("2019", 40, 60)],
}


def test_all_minus_men_across_two_policies(tmp_path: Path) -> None:
    policies = [policy("a", 265, ""), policy("b", 265, "sex: m")]
    before = alone(policies, ALL_MEN)
    assert not hidden(before[0])  # each report is safe on its own
    assert not hidden(before[1])
    found = leaks(tmp_path, before, "unsafe")
    assert any("group sex=f" in x and "2018" in x and "3/4" in x for x in found), found
    after = together(policies, ALL_MEN)
    # one of the two published totals of 2018 is hidden: the smaller one (the men)
    assert ("focal", "sex=m", "2018") in hidden(after[1])
    assert not hidden(after[0])
    assert leaks(tmp_path, after, "safe") == []
    # the verdict gate still works: policy b's baseline is hidden, so it gets no verdict
    status = after[1].goals()[0].status
    assert status.status is GoalStatusCode.NOT_ASSESSABLE
    assert status.baseline is None


def test_minority_minus_non_western_across_two_policies(tmp_path: Path) -> None:
    data: Data = {
        # Western = minority − non-Western: 1 of 1 in 2019
        (IND, 265, "origin=minority"): [pt("2018", 50, 90), pt("2019", 51, 91)],
        (IND, 265, "origin=non_western"): [pt("2018", 40, 70), pt("2019", 50, 90)],
    }
    policies = [policy("a", 265, "origin: minority"), policy("b", 265, "origin: non_western")]
    found = leaks(tmp_path, alone(policies, data), "unsafe")
    assert any("origin=western" in x and "2019" in x and "1/1" in x for x in found), found
    after = together(policies, data)
    assert hidden(after[0]) | hidden(after[1])
    assert leaks(tmp_path, after, "safe") == []


def test_national_total_minus_the_published_municipalities(tmp_path: Path) -> None:
    data: Data = {
        # the rest of the country (the nation − Roskilde − Kalundborg) is 2 of 4 persons in 2019
        (IND, 0, ""): [pt("2018", 500, 1000), pt("2019", 100, 200)],
        (IND, 265, ""): [pt("2018", 200, 400), pt("2019", 50, 100)],
        (IND, 326, ""): [pt("2018", 200, 400), pt("2019", 48, 96)],
    }
    policies = [policy("r", 265, ""), policy("k", 326, "")]
    before = alone(policies, data)
    assert not hidden(before[0])
    assert not hidden(before[1])
    after = together(policies, data)
    # the national figure is the complement: it is no goal's own figure
    assert ("national", "", "2019") in hidden(after[0])
    assert ("national", "", "2018") not in hidden(after[0])
    assert after[0].goals()[0].status.status is not GoalStatusCode.NOT_ASSESSABLE


def test_a_hidden_municipality_is_not_the_nation_minus_the_others(tmp_path: Path) -> None:
    data: Data = {
        (IND, 0, ""): [pt("2019", 101, 203)],
        (IND, 265, ""): [pt("2019", 100, 200)],
        (IND, 326, ""): [pt("2019", 1, 3)],  # hidden; the nation has nobody else
    }
    # the data say the rest of the country is empty, so the nation minus Roskilde is Kalundborg
    policies = [policy("r", 265, ""), policy("k", 326, "")]
    before = _old_per_report(policies, data)
    assert ("focal", "", "2019") in hidden(before[1])
    assert ("national", "", "2019") not in hidden(before[0])  # 101/203 − 100/200 = 1/3
    after = together(policies, data)
    assert ("national", "", "2019") in hidden(after[0]) or ("focal", "", "2019") in hidden(after[0])


def test_consecutive_years_of_a_cumulative_cohort(tmp_path: Path) -> None:
    cohort = "cohort=2016-2018"
    data: Data = {
        # the cohort of 2017 alone is 2 of 3 persons: K(2017) − K(2016)
        (IND, 265, cohort): [
            pt("2016", 20, 40, "register"),
            pt("2017", 22, 43, "register"),
            pt("2018", 40, 80, "register"),
        ],
    }
    one = [policy("c", 265, "cohort: 2016-2018")]
    found = leaks(tmp_path, _old_per_report(one, data), "unsafe")
    assert any("2017" in x and "2/3" in x for x in found), found
    after = together(one, data)
    assert {("focal", cohort, "2016"), ("focal", cohort, "2017")} & hidden(after[0])
    assert leaks(tmp_path, after, "safe") == []


def _old_per_report(policies: list[Policy], data: Data) -> list[Report]:
    """Suppression without the cohort relation, as before: only what is primary is hidden."""
    from pejling.disclosure import suppress
    from pejling.report.model import _has_counts

    out = []
    for d in drafts(policies, data):
        cells = {k: c for k, c in d.cells.items() if _has_counts(c)}
        out.append(finish_report(d, suppress(cells, [], 5)))
    return out


@pytest.mark.parametrize("threshold", [3, 5, 10])
def test_publication_never_leaves_a_derivable_small_cell(tmp_path: Path, threshold: int) -> None:
    from pejling.disclosure import is_primary
    from pejling.report.protection import all_relations, derive

    ds = drafts([policy("a", 265, ""), policy("b", 265, "sex: m"),
                 policy("c", 265, "origin: minority"), policy("d", 265, "origin: non_western")],
                {**ALL_MEN,
                 (IND, 265, "origin=minority"): [pt("2018", 9, 12), pt("2019", 30, 41)],
                 (IND, 265, "origin=non_western"): [pt("2018", 8, 10), pt("2019", 28, 38)]})  # fmt: skip
    for d in ds:
        d.threshold = threshold
    safe = protect_drafts(ds)
    visible = {k: c for k, c in safe.items() if not c.suppressed}
    relations = all_relations(safe, lambda _i, _s: frozenset())
    for rel in relations:
        unknown = [k for k in rel.keys if k not in visible]
        if len(unknown) == 1 and unknown[0] not in safe:
            value = derive(visible, [rel]).get(unknown[0])
            assert value is None or not is_primary(value, threshold), (rel, value)
        if len(unknown) == 1:
            assert unknown[0] not in safe, rel  # no hidden published cell is the only unknown
