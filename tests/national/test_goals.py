"""National goals (issue 12, item 1): the policy format, the goals × municipalities matrix with
hand-checked statuses and counts, the breakdowns, and disclosure control."""

from __future__ import annotations

from pathlib import Path

import pytest

from pejling.cli.judging import build_reports
from pejling.errors import SpecError
from pejling.evaluation.status import GoalStatusCode, Reason
from pejling.national.goals import NationalStatus, national_status
from pejling.periods import Period
from pejling.spec.lint import lint_file
from pejling.spec.lint.report import summarise
from pejling.spec.load import load_model_text
from pejling.spec.policy import Policy, Scope
from pejling.store.database import Store
from pejling.workspace import Workspace
from tests.national.goals_workspace import DATA, GROUP, make_workspace, observations_csv

C = GoalStatusCode

HEAD = """\
id: x
{extra}title: T
period: {{start: 2012, end: 2025}}
source: {{document: d}}
themes:
  - id: a
    title: A
"""


def _problems(extra: str) -> list[str]:
    with pytest.raises(SpecError) as err:
        load_model_text(Policy, HEAD.format(extra=extra), "p.yaml")
    return [f"{p.location}: {p.message} {p.hint}" for p in err.value.problems]


def test_scope_national_needs_no_municipality() -> None:
    policy, _ = load_model_text(Policy, HEAD.format(extra="scope: national\n"), "p.yaml")
    assert policy.scope is Scope.NATIONAL
    assert policy.is_national
    assert policy.municipality == 0
    local, _ = load_model_text(Policy, HEAD.format(extra="municipality: 265\n"), "p.yaml")
    assert local.scope is Scope.MUNICIPAL
    assert local.municipality == 265
    assert not local.is_national


def test_loader_errors_name_the_line() -> None:
    (both,) = _problems("scope: national\nmunicipality: 265\n")
    assert both.startswith("p.yaml:3: municipality: a national policy (scope: national) has no")
    (missing,) = _problems("")
    assert missing.startswith("p.yaml:1: 'municipality' is missing")
    assert "scope: national" in missing
    (typo,) = _problems("scope: nationl\n")
    assert typo.startswith("p.yaml:2: scope 'nationl' is not allowed")
    assert "Did you mean 'national'?" in typo


def test_lint_accepts_the_national_policy(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path / "ws")
    _policy, issues = lint_file(ws.policies_dir / "nat.yaml", ws.catalog())
    assert summarise(issues)[0] == 0
    own = [i.message for i in issues if i.rule == "baseline-value-from-data"]
    assert own == ["baseline value is read from the data for 2015: each municipality's own figure"]


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    return make_workspace(tmp_path_factory.mktemp("national") / "ws")


@pytest.fixture(scope="module")
def status(workspace: Workspace) -> NationalStatus:
    together = [workspace.find_policy("lokal").policy]
    with Store.open(workspace.db_path, read_only=True) as store:
        return national_status(
            store,
            workspace.find_policy("nat").policy,
            Period.year(2018),
            workspace.settings,
            catalog=workspace.catalog(),
            together=together,
        )


def _row(ns: NationalStatus, goal: int, code: int, sex: str | None = None) -> tuple[C, bool]:
    g = ns.goals[goal]
    result = g.main if sex is None else next(b for b in g.breakdowns if b.group.get("sex") == sex)
    st = result.national if code == 0 else result.row(code)
    assert st is not None
    return st.status, st.uncertain


def test_every_municipality_is_judged_by_the_same_rules(status: NationalStatus) -> None:
    assert len(status.codes) == 98
    assert status.as_of == Period.year(2018)
    # Mål A, level 60 % by 2020, each municipality from its own 2015 figure:
    assert _row(status, 0, 101) == (C.ACHIEVED, False)  # 50 → 65 %
    # 50 → 55 %: compound growth 3,2 % a year against the 3,7 % needed (R ≈ 0,87: moderate);
    # the change's interval contains both 0 and the 6 points needed by now
    assert _row(status, 0, 265) == (C.AT_RISK, True)
    assert _row(status, 0, 326) == (C.OFF_TRACK, False)  # 50 → 45 %
    assert _row(status, 0, 0) == (C.ON_TRACK, False)  # the nation: 50 → 58 %, R ≈ 1,36
    few = status.goals[0].main.row(540)
    assert few is not None
    assert few.reason_code is Reason.TOO_FEW_PERSONS
    assert few.latest is not None
    assert few.latest.value == pytest.approx(40.0)
    assert _row(status, 0, 101, "f") == (C.ACHIEVED, True)  # women exactly 60 %
    assert _row(status, 0, 101, "m") == (C.ACHIEVED, False)


def test_counts_per_goal(status: NationalStatus) -> None:
    counts = status.goals[0].main.counts
    assert {c.value: n for c, n in counts.counts.items() if n} == {
        "achieved": 1, "at_risk": 1, "off_track": 1, "not_assessable": 2, "no_data": 93,
    }  # fmt: skip
    assert counts.uncertain == 1
    assert counts.meeting == 1
    assert counts.assessed == 3
    assert counts.municipalities == 98
    women = status.goals[0].breakdowns[0]
    assert women.breakdown == "sex"
    assert women.group == {"origin": "non_western", "sex": "f"}
    assert women.counts.counts[C.ACHIEVED] == 1
    assert women.counts.uncertain == 1


def test_a_baseline_without_value_is_each_municipalitys_own(status: NationalStatus) -> None:
    # Mål B: +5 points from the municipality's own 2015 figure (the stated 52 is the nation's)
    goal = status.goals[1].main
    roskilde = goal.row(265)
    assert roskilde is not None
    assert roskilde.target_value == pytest.approx(55.0)
    assert roskilde.status is C.ACHIEVED
    assert roskilde.policy_baseline is None
    assert goal.national is not None
    assert goal.national.policy_baseline is not None
    assert goal.national.policy_baseline.value == 52  # shown beside the nation's own 50 %
    assert goal.counts.counts[C.ACHIEVED] == 2
    assert goal.counts.counts[C.OFF_TRACK] == 1


def test_the_municipal_report_gives_the_same_verdict(
    workspace: Workspace, status: NationalStatus
) -> None:
    (report,) = build_reports(workspace, [workspace.find_policy("lokal")], Period.year(2018), "da")
    own = report.statuses()[0]
    national = status.goals[0].main.row(265)
    assert national is not None
    assert (own.status, own.reason_code, own.uncertain) == (
        national.status, national.reason_code, national.uncertain,
    )  # fmt: skip
    assert own.latest is not None
    assert national.latest is not None
    assert own.latest.value == national.latest.value


def test_a_small_cell_is_not_shown_and_gets_no_verdict(status: NationalStatus) -> None:
    for goal in status.goals:
        odense = goal.main.row(461)  # 3 of 100 employed in 2018
        assert odense is not None
        assert odense.status is C.NOT_ASSESSABLE
        assert odense.reason_code is Reason.SUPPRESSED
        assert odense.latest is None
        assert odense.persons is None
        assert odense.speed is None
        assert odense.baseline is not None  # the 2015 figure (50 of 100) may be shown


def test_a_hidden_part_is_not_recoverable_from_the_total(tmp_path: Path) -> None:
    data = {code: dict(groups) for code, groups in DATA.items()}
    data[326] = {
        GROUP: {"2015": (100, 200), "2018": (90, 200)},
        f"{GROUP};sex=f": {"2015": (10, 20), "2018": (3, 20)},  # 3 women: hidden
        f"{GROUP};sex=m": {"2015": (90, 180), "2018": (87, 180)},
    }
    ws = make_workspace(tmp_path / "ws", local=False, data=observations_csv(data))
    with Store.open(ws.db_path, read_only=True) as store:
        ns = national_status(store, ws.find_policy("nat").policy, Period.year(2018), ws.settings,
                             catalog=ws.catalog())  # fmt: skip
    goal = ns.goals[0]
    women = next(b for b in goal.breakdowns if b.group.get("sex") == "f").row(326)
    men = next(b for b in goal.breakdowns if b.group.get("sex") == "m").row(326)
    everyone = goal.main.row(326)
    assert women is not None
    assert men is not None
    assert everyone is not None
    assert women.suppressed
    assert women.latest is None
    assert women.reason_code is Reason.SUPPRESSED
    # all = women + men: one of the two others is hidden too, and carries no verdict
    assert men.suppressed or everyone.suppressed
    for st in (men, everyone):
        if st.suppressed:
            assert st.latest is None
            assert st.status is C.NOT_ASSESSABLE
