"""Goal evaluation on hand-made series, with the arithmetic worked out by hand in comments."""

from __future__ import annotations

import math

import pytest

from pejling.evaluation.evaluate import evaluate_goal, evaluate_policy
from pejling.evaluation.points import InMemorySeries, Point
from pejling.evaluation.status import GoalStatus, GoalStatusCode
from pejling.periods import Period
from pejling.spec.catalog import load_catalog
from pejling.spec.load import load_model_text
from pejling.spec.policy import Policy

HEAD = """\
id: t
municipality: 265
title: T
period: {start: 2015, end: 2018}
source: {document: t.txt}
initiatives:
  - {id: i1, title: A, goals: [g], status: running}
  - {id: i2, title: B, goals: [g], status: planned}
themes:
  - id: th
    title: Th
    goals:
      - id: g
        statement: S
"""


def _goal(body: str, data: dict[tuple[str, int, str], list[Point]], period: str = "") -> GoalStatus:
    text = HEAD + "".join(f"        {line}\n" for line in body.strip().splitlines())
    if period:
        text = text.replace("period: {start: 2015, end: 2018}", period)
    policy, _ = load_model_text(Policy, text, "t.yaml")
    theme = policy.themes[0]
    return evaluate_goal(policy, theme, theme.goals[0], load_catalog(), InMemorySeries(data))


def pt(period: str, value: float, num: float | None = None, den: float | None = None) -> Point:
    return Point(Period.parse(period), value, num, den, source="test", vintage="1")


def test_gap_goal_limited_progress() -> None:
    # Gap = Danish − non-Western (higher is better): 2012: 97−93 = 4; 2015: 97−95 = 2.
    # Target gap 0 → replaced by 0.001. CAGR_o = (2/4)^(1/3) − 1 = −0.20630;
    # CAGR_r = (0.001/4)^(1/6) − 1 = −0.74902; d = −1 (a gap should shrink), s = +1
    # R = (−1)(−0.20630)/0.74902 = 0.27543 → limited → off_track.
    status = _goal(
        """
indicator: {id: grade2_danish_math, group: {origin: non_western}}
target: {kind: gap, value: 0, reference_group: {origin: danish_origin}}
baseline: {date: 2012, source: Skoledata}
deadline: 2018
""",
        {
            ("grade2_danish_math", 265, "origin=non_western"): [
                pt("2012", 93, 93, 100),
                pt("2015", 95, 190, 200),
            ],
            ("grade2_danish_math", 265, "origin=danish_origin"): [
                pt("2012", 97, 970, 1000),
                pt("2015", 97, 970, 1000),
            ],
        },
    )
    assert status.status is GoalStatusCode.OFF_TRACK
    assert status.progress_class == "limited"
    assert status.progress_value == pytest.approx(0.27543, abs=1e-4)
    assert status.latest is not None
    assert status.latest.value == pytest.approx(2.0)
    assert status.unit == "pp"
    # Newcombe interval of 97 % − 95 % with these counts straddles 0 → uncertain.
    assert status.latest.interval is not None
    lo, hi = status.latest.interval
    assert lo < 0 < hi
    assert status.uncertain
    assert "usikker" in status.reason_da


def test_relative_goal_monthly_on_track() -> None:
    # Unemployment Dec 2019 = 10.0 (from data), −15 % → T = 8.5 by Dec 2021; Dec 2020 = 9.0.
    # t0 = 2019 + 11/12, t = t0 + 1, tT = t0 + 2. CAGR_o = 0.9 − 1 = −0.1;
    # CAGR_r = 0.85^(1/2) − 1 = −0.078046; R = (−1)(−0.1)/0.078046 = 1.28129 → on_track.
    # score = min(7.1429·1.28129 − 4.2857, 5) = 4.8663.
    status = _goal(
        """
indicator: {id: unemployment_rate, group: {origin: minority}}
target: {kind: change_rel, value: -15}
baseline: {date: 2019-12, source: jobindsats.dk}
deadline: 2021-12
""",
        {("unemployment_rate", 265, "origin=minority"): [pt("2019-12", 10.0), pt("2020-12", 9.0)]},
        period="period: {start: 2019, end: 2021}",
    )
    assert status.target_value == pytest.approx(8.5)
    assert status.progress_value == pytest.approx(1.28129, abs=1e-4)
    assert status.score == pytest.approx(4.8663, abs=1e-3)
    assert status.status is GoalStatusCode.ON_TRACK
    assert status.reason_da.startswith("Udviklingen går den rigtige vej i det nødvendige tempo")


def test_cohort_goal_half_yearly() -> None:
    # No baseline: the first observation in the policy period is the base (2016H2, t = 2016.5).
    # 20 % → 30 % (2017H2, t = 2017.5), target 40 % by 2018H2 (tT = 2018.5).
    # CAGR_o = 0.5, CAGR_r = 2^(1/2) − 1 = 0.41421, R = 1.20711 → on_track.
    # Wilson 95 % for 45/150 = 23.2 %–37.8 %: does not contain 40 → certain.
    status = _goal(
        """
indicator: {id: self_supporting_programme_cohort, group: {target_group: refugees_and_reunified, cohort: 2016-2018}}
target: {kind: level, value: 40}
deadline: 2018H2
""",
        {
            (
                "self_supporting_programme_cohort",
                265,
                "cohort=2016-2018;target_group=refugees_and_reunified",
            ): [pt("2016H2", 20, 12, 60), pt("2017H2", 30, 45, 150)]
        },
    )
    assert status.progress_value == pytest.approx(1.20711, abs=1e-4)
    assert status.status is GoalStatusCode.ON_TRACK
    assert status.latest is not None
    assert status.latest.interval is not None
    assert status.latest.interval[0] == pytest.approx(23.2, abs=0.1)
    assert status.latest.interval[1] == pytest.approx(37.8, abs=0.1)
    assert not status.uncertain
    # Projection: 30 · 1.5^(2018.5 − 2017.5) = 45.
    assert status.projection == pytest.approx(45.0)


def test_small_numbers_make_status_uncertain() -> None:
    # Roskilde Mål 4: 32 of 48 passed in 2014 (66.7 %); 2015: 33 of 47 (70.2 %) ≥ 70 → achieved,
    # but the Wilson interval 56.0 %–81.3 % contains 70 → "usikker".
    status = _goal(
        """
indicator: {id: danish_passed_within_programme, group: {target_group: programme_participants}}
target: {kind: level, value: 70}
baseline: {value: 66.69, numerator: 32, denominator: 48, date: 2014, source: OPUS}
deadline: 2018
""",
        {
            ("danish_passed_within_programme", 265, "target_group=programme_participants"): [
                pt("2015", 100 * 33 / 47, 33, 47)
            ]
        },
    )
    assert status.status is GoalStatusCode.ACHIEVED
    assert status.uncertain
    assert "47 personer" in status.reason_da


def test_change_pp_target_and_deadline_passed() -> None:
    # 93 + 4 = 97 by 2018; 2018 value 95 → the deadline has come and the target is missed.
    status = _goal(
        """
indicator: {id: grade2_danish_math, group: {origin: non_western}}
target: {kind: change_pp, value: 4}
baseline: {value: 93, date: 2012, source: Barometer}
deadline: 2018
""",
        {("grade2_danish_math", 265, "origin=non_western"): [pt("2015", 94), pt("2018", 95)]},
    )
    assert status.target_value == pytest.approx(97)
    assert status.status is GoalStatusCode.OFF_TRACK
    assert status.progress_class == "deadline_passed"
    assert status.remaining == pytest.approx(2)


def test_count_goal_units_from_denominator() -> None:
    # 2 of 5 local libraries in 2016, 4 of 5 in 2017; target: all 5 by 2018.
    # CAGR_o = 4/2 − 1 = 1; CAGR_r = (5/2)^(1/2) − 1 = 0.58114; R = 1.72076 → on_track.
    status = _goal(
        """
indicator: {id: local_units_with_activity}
target: {kind: count, value: 1}
deadline: 2018
""",
        {("local_units_with_activity", 265, ""): [pt("2016", 2, 2, 5), pt("2017", 4, 4, 5)]},
    )
    assert status.target_value == 5
    assert status.progress_value == pytest.approx(1.72076, abs=1e-4)
    assert status.status is GoalStatusCode.ON_TRACK
    assert status.latest is not None
    assert status.latest.interval is None


def test_direction_only_goal_uses_no_target_rule() -> None:
    # 46 → 50 over 2018 → 2020: CAGR = (50/46)^(1/2) − 1 = 0.042572 ≥ 0.015·C.
    # C for limit 100: min(1, ((100/46)^(1/15) − 1)/0.015) = 1 → on_track.
    status = _goal(
        """
indicator: {id: youth_education_20_24, group: {origin: non_western}}
target: {kind: direction, direction: higher}
""",
        {("youth_education_20_24", 265, "origin=non_western"): [pt("2018", 46), pt("2020", 50)]},
    )
    assert status.progress_value == pytest.approx(math.sqrt(50 / 46) - 1, abs=1e-6)
    assert status.status is GoalStatusCode.ON_TRACK
    assert status.reason_da.startswith("Uden måltal vurderes kun retningen")


def test_initiative_only_goal() -> None:
    status = _goal(
        """
target: {kind: none, reason: "Styres efter dagtilbudsloven § 8, stk. 8"}
""",
        {},
    )
    assert status.status is GoalStatusCode.NOT_ASSESSABLE
    assert "2 tiltag (1 i gang, 1 planlagt, 0 afsluttet)" in status.reason_da


def test_no_data_and_one_point() -> None:
    body = """
indicator: {id: youth_education_20_24, group: {origin: non_western}}
target: {kind: level, value: 57}
deadline: 2018
"""
    assert _goal(body, {}).status is GoalStatusCode.NO_DATA
    one = _goal(body, {("youth_education_20_24", 265, "origin=non_western"): [pt("2016", 52)]})
    assert one.status is GoalStatusCode.NOT_ASSESSABLE
    assert one.reason_da.startswith("Kun én måling")


def test_lower_is_better_level_achieved_and_deterioration() -> None:
    body = """
indicator: {id: unemployment_rate}
target: {kind: level, value: 5, direction: lower}
baseline: {value: 6, date: 2015, source: DST}
deadline: 2018
"""
    done = _goal(body, {("unemployment_rate", 265, ""): [pt("2016", 4.9)]})
    assert done.status is GoalStatusCode.ACHIEVED
    worse = _goal(body, {("unemployment_rate", 265, ""): [pt("2016", 6.5)]})
    assert worse.status is GoalStatusCode.OFF_TRACK
    assert worse.progress_class == "deterioration"
    assert worse.reason_da.startswith("Udviklingen går den forkerte vej")


def test_evaluate_policy_includes_key_figures() -> None:
    text = HEAD.replace("    goals:\n      - id: g\n        statement: S\n", "") + (
        "    key_figures:\n"
        "      - {id: kf, statement: Boligområder, indicator: {id: vulnerable_housing_areas}}\n"
    )
    text = text.replace("goals: [g], ", "")
    policy, _ = load_model_text(Policy, text, "t.yaml")
    data = {("vulnerable_housing_areas", 265, ""): [pt("2015", 3), pt("2017", 2)]}
    (kf,) = evaluate_policy(policy, load_catalog(), InMemorySeries(data))
    assert kf.is_key_figure
    assert kf.status is GoalStatusCode.ON_TRACK  # fewer areas is better: CAGR −18 %


def test_level_goal_moderate_progress_is_at_risk() -> None:
    # 50 (2015) → 56 (2017), target 70 by 2020, higher is better.
    # CAGR_o = (56/50)^(1/2) − 1 = 0.058301; CAGR_r = (70/50)^(1/5) − 1 = 0.069610
    # R = 0.83753 → moderate → at_risk; score = 7.1429·0.83753 − 4.2857 = 1.6966.
    # Projection: 56 · 1.058301^3 = 66.37 (short of 70).
    status = _goal(
        """
indicator: {id: activation_degree}
target: {kind: level, value: 70}
baseline: {value: 50, date: 2015, source: jobindsats.dk}
deadline: 2020
""",
        {("activation_degree", 265, ""): [pt("2015", 50), pt("2017", 56)]},
        period="period: {start: 2015, end: 2020}",
    )
    assert status.status is GoalStatusCode.AT_RISK
    assert status.progress_value == pytest.approx(0.83753, abs=1e-5)
    assert status.score == pytest.approx(1.6966, abs=1e-3)
    assert status.projection == pytest.approx(56 * 1.0583005**3, rel=1e-5)
    assert "for langsomt" in status.reason_da or "langsom" in status.reason_da
