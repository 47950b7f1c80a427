"""The report model on hand-made data: what is published, what is suppressed, and why."""

from __future__ import annotations

from datetime import date

from pejling.evaluation.points import Point
from pejling.evaluation.status import GoalStatusCode
from pejling.periods import Period
from pejling.report.data import InMemoryReportSource
from pejling.report.model import MAP_MIN_MUNICIPALITIES, Report, build_report
from pejling.spec.catalog import load_catalog
from pejling.spec.load import load_model_text
from pejling.spec.policy import Policy

POLICY = """\
id: t
municipality: 265
title: Testpolitik
period: {start: 2015, end: 2020}
source: {document: t.txt}
initiatives:
  - {id: i1, title: Sprogcenter, goals: [dansk], status: running, owner: Jobcenter, partners: [VUC]}
themes:
  - id: th
    title: Sprog
    goals:
      - id: dansk
        statement: Flere består danskprøven inden for 3 år.
        indicator: {id: danish_passed_within_programme}
        target: {kind: level, value: 70}
        deadline: 2020
      - id: gab
        statement: Karakterforskellen skal lukkes.
        indicator: {id: grade2_danish_math, group: {origin: non_western}}
        target: {kind: gap, value: 0, reference_group: {origin: danish_origin}}
        deadline: 2020
      - id: tiltag
        statement: Kun tiltag.
        target: {kind: none, reason: Måles ikke.}
"""

#: a cohort dated by the programme's end: known when its year has ended (no follow-up window)
D3 = "danish_passed_within_programme"
GR = "grade2_danish_math"


def pt(period: str, value: float, num: float | None, den: float | None) -> Point:
    return Point(Period.parse(period), value, num, den, source="Test", vintage="2024-12-30")


def _report(
    data: dict[tuple[str, int, str], list[Point]], threshold: int = 5, year: int = 2019
) -> Report:
    """The report as of 2019: the deadline (2020) is still ahead, so goals get a forecast."""
    policy, _ = load_model_text(Policy, POLICY, "t.yaml")
    return build_report(
        policy,
        load_catalog(),
        InMemoryReportSource(data),
        year=year,
        threshold=threshold,
        today=date(2026, 11, 25),
    )


def _base() -> dict[tuple[str, int, str], list[Point]]:
    return {
        (D3, 265, ""): [pt("2016", 50, 50, 100), pt("2018", 60, 60, 100), pt("2019", 62, 62, 100)],
        (D3, 0, ""): [pt("2016", 55, 5500, 10000), pt("2019", 58, 5800, 10000)],
        (GR, 265, "origin=non_western"): [pt("2017", 80, 40, 50), pt("2019", 85, 34, 40)],
        (GR, 265, "origin=danish_origin"): [pt("2017", 95, 950, 1000), pt("2019", 96, 960, 1000)],
    }


def test_sections_follow_the_policy_with_status_counts_and_initiatives() -> None:
    r = _report(_base())
    ids = [g.status.goal_id for g in r.goals()]
    assert ids == ["dansk", "gab", "tiltag"]
    dansk, gab, tiltag = r.goals()
    assert dansk.initiatives[0].title == "Sprogcenter"
    assert [s.role for s in dansk.series] == ["focal", "national"]
    assert [s.role for s in gab.series] == ["focal", "reference"]
    assert gab.is_gap
    assert tiltag.series == []
    assert tiltag.status.status is GoalStatusCode.INITIATIVE_ONLY
    # initiative-only goals are counted apart from the goals with a result target
    assert sum(r.status_counts.values()) == 2
    assert r.initiative_only == 1
    assert not r.synthetic
    assert r.suppressed_count == 0
    assert r.data_dates == ["2024-12-30"]
    # Wilson interval on 62/100 ≈ 52.2 %–70.9 %.
    latest = dansk.series[0].points[-1]
    assert latest.interval is not None
    assert round(latest.interval[0], 1) == 52.2
    assert round(latest.interval[1], 1) == 70.9


def test_small_latest_cell_is_suppressed_and_its_numbers_leave_the_reason() -> None:
    data = _base()
    # 3 of 4 pass in 2019: the numerator, denominator and rest are all under 5.
    data[(D3, 265, "")][-1] = pt("2019", 75, 3, 4)
    r = _report(data)
    dansk = r.goals()[0]
    last = dansk.series[0].points[-1]
    assert last.suppressed
    assert last.value is None
    assert last.numerator is None
    assert dansk.latest_suppressed
    assert "75" not in dansk.reason
    assert "tal for færre end 5 personer" in dansk.reason
    assert dansk.status.latest is None  # the quoted latest value is gone too
    # no verdict rests on a hidden figure: the status says why there is none
    assert dansk.status.status is GoalStatusCode.NOT_ASSESSABLE
    assert dansk.status.status_label() == "Kan ikke vurderes – tallet er diskretioneret"
    assert dansk.status.persons is None
    assert r.status_counts[GoalStatusCode.NOT_ASSESSABLE] == 1
    assert r.suppressed_count == 1


def test_zero_and_complete_cells_are_published() -> None:
    data = _base()
    data[(D3, 265, "")][-1] = pt("2019", 100, 40, 40)  # rest 0: "everybody" is not a small cell
    data[(D3, 265, "")][0] = pt("2016", 0, 0, 30)  # numerator 0: "nobody" is published
    r = _report(data)
    pts = r.goals()[0].series[0].points
    assert not pts[0].suppressed
    assert pts[0].value == 0
    assert not pts[-1].suppressed
    assert pts[-1].value == 100


def test_threshold_comes_from_the_caller() -> None:
    data = _base()
    data[(D3, 265, "")][-1] = pt("2019", 62, 6, 10)  # rest 4
    assert _report(data, threshold=5).goals()[0].series[0].points[-1].suppressed
    assert not _report(data, threshold=3).goals()[0].series[0].points[-1].suppressed


def _national(small: int | None) -> dict[tuple[str, int, str], list[Point]]:
    """Every municipality with (10 + i mod 80) of 100 in 2019; 851 optionally small."""
    from pejling.reference.municipalities import municipalities

    data = _base()
    codes = sorted(municipalities())
    total_num = total_den = 0.0
    for i, code in enumerate(codes):
        if code == 265:
            continue
        num, den = (small, 20.0) if code == 851 and small is not None else (10.0 + i % 80, 100.0)
        data[(D3, code, "")] = [pt("2019", 100 * num / den, num, den)]
        total_num += num
        total_den += den
    own = data[(D3, 265, "")][-1]
    assert own.numerator is not None
    assert own.denominator is not None
    data[(D3, 0, "")] = [pt("2019", 0, total_num + own.numerator, total_den + own.denominator)]
    return data


def test_map_places_the_municipality_among_all_others() -> None:
    r = _report(_national(None))
    m = r.goals()[0].map
    assert m is not None
    assert m.n == 98 >= MAP_MIN_MUNICIPALITIES
    assert m.period.label == "2019"
    # Roskilde has 62 %; the rank counts the municipalities with more.
    better = sum(1 for c, v in m.values.items() if c != 265 and v is not None and v > 62)
    assert m.rank == better + 1


def test_one_small_municipality_forces_a_second_hidden_one_on_the_map() -> None:
    r = _report(_national(2))
    m = r.goals()[0].map
    assert m is not None
    hidden = [c for c, v in m.values.items() if v is None]
    # 851 is primary; the national total would give it away, so the smallest other
    # municipality is hidden as well (secondary suppression).
    assert 851 in hidden
    assert len(hidden) == 2
    assert m.national is not None
    assert r.suppressed_count == 2


def test_gap_goal_keeps_both_groups_and_reports_the_gap() -> None:
    r = _report(_base())
    gab = r.goals()[1]
    assert gab.status.unit == "pp"
    assert gab.status.latest is not None
    assert round(gab.status.latest.value, 1) == 11.0


def test_report_year_is_the_callers_cut() -> None:
    data = _base()
    data[(D3, 265, "")] = [p for p in data[(D3, 265, "")] if p.period.t <= 2018]
    r = _report(data)
    assert r.year == 2019
    latest = r.goals()[0].status.latest
    assert latest is not None
    assert latest.period.label == "2018"


def test_small_baseline_from_data_is_hidden_with_what_derives_from_it() -> None:
    data = _base()
    data[(D3, 265, "")][0] = pt("2016", 75, 3, 4)
    r = _report(data)
    dansk = r.goals()[0]
    assert dansk.baseline_suppressed
    assert not dansk.latest_suppressed
    assert dansk.status.baseline is None
    assert dansk.status.status is GoalStatusCode.NOT_ASSESSABLE
    assert dansk.reason.startswith("Tallene, som status skulle bygge på, er skjult")
    assert dansk.status.latest is not None  # the latest figure is published
    assert dansk.status.target_value == 70  # an absolute target does not reveal the baseline


def test_sources_are_separate_lines_and_synthetic_data_is_marked() -> None:
    data = _base()
    own = [
        Point(p.period, p.value, p.numerator, p.denominator, source="pejling compute",
              vintage="2024-12-31", provenance="synthetic", persons=p.denominator)
        for p in data[(D3, 265, "")]
    ]  # fmt: skip
    data[(D3, 265, "")] = [*own, pt("2015", 40, None, None)]
    r = _report(data)
    dansk = r.goals()[0]
    assert r.synthetic
    assert dansk.synthetic
    roles = [(s.role, s.source) for s in dansk.series]
    assert roles[0] == ("focal", "register")
    assert ("other", "Test") in roles
    focal = dansk.series[0]
    assert [p.period.label for p in focal.points] == ["2016", "2018", "2019"]
    assert focal.source_label == "Syntetisk registeropgørelse"
    assert dansk.status.series_source == "register"
    assert dansk.status.baseline is not None
    assert dansk.status.baseline.period.label == "2016"  # never the other source's 2015


def test_policy_that_has_ended_is_judged_at_its_deadline() -> None:
    data = _base()
    data[(D3, 265, "")].append(pt("2022", 80, 80, 100))
    policy, _ = load_model_text(Policy, POLICY, "t.yaml")
    r = build_report(policy, load_catalog(), InMemoryReportSource(data), as_of=Period.year(2024),
                     today=date(2026, 11, 25))  # fmt: skip
    dansk = r.goals()[0]
    assert r.policy_ended
    assert dansk.status.final
    assert dansk.status.latest is not None
    assert dansk.status.latest.period.label == "2019"
    assert dansk.status.since is not None
    assert dansk.status.since.period.label == "2022"
    assert dansk.status.status is GoalStatusCode.NOT_ACHIEVED


def test_interim_targets_never_show_a_hidden_figure() -> None:
    text = POLICY.replace(
        "        target: {kind: level, value: 70}\n        deadline: 2020\n",
        "        target: {kind: level, value: 70, interim: [{deadline: 2018, value: 55}]}\n"
        "        deadline: 2020\n",
        1,
    )
    policy, _ = load_model_text(Policy, text, "t.yaml")
    data = _base()
    data[(D3, 265, "")][1] = pt("2018", 75, 3, 4)  # the interim target's figure: 3 of 4
    r = build_report(policy, load_catalog(), InMemoryReportSource(data), year=2019,
                     today=date(2026, 11, 25))  # fmt: skip
    dansk = r.goals()[0]
    (interim, _final) = dansk.status.milestones
    assert interim.due
    assert interim.at is None
    assert interim.met is None
    assert "75" not in dansk.reason
    assert "Delmålet for 2018 (55,0 %): intet tal" in dansk.reason
