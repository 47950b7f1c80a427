"""Every goal and key figure of the demo, read from `pejling status --format json` as a committee
member would check it against the rules: one source per judged series, no verdict on a hidden or
too small figure, no growth rate from zero, no projection outside the possible range, expired
goals judged at their deadline, key figures and initiative-only goals not counted as goals.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from pejling.periods import Period
from pejling.spec.settings import DEFAULT_MIN_PERSONS
from tests.cli.conftest import Run

VERDICTS = {"achieved", "not_achieved", "on_track", "at_risk", "off_track"}
TRENDS = {"rising", "falling", "unchanged"}


@pytest.fixture(scope="module")
def records(demo_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, Any]]:
    import subprocess
    import sys

    proc = subprocess.run(
        [sys.executable, "-m", "pejling", "status", "-w", str(demo_dir), "--format", "json"],
        capture_output=True,
        text=True,
        env={"COLUMNS": "200", "PATH": "/usr/bin:/bin", "PYTHONIOENCODING": "utf-8"},
        check=True,
    )
    data: list[dict[str, Any]] = json.loads(proc.stdout)
    assert len(data) == 23 + 13
    return data


def test_one_source_per_judged_series(records: list[dict[str, Any]]) -> None:
    for r in records:
        src = r["series_source"]
        for figure in ("baseline_detail", "latest_detail", "since"):
            if r[figure] is not None:
                assert r[figure]["series_source"] == src, (r["policy"], r["goal"], figure)
        if r["status"] in VERDICTS | TRENDS:
            assert src is not None
            assert src not in r["other_sources"]


def test_no_verdict_on_a_hidden_or_too_small_figure(records: list[dict[str, Any]]) -> None:
    for r in records:
        if r["status"] not in VERDICTS | TRENDS:
            continue
        where = (r["policy"], r["goal"])
        assert not r["suppressed"], where
        assert r["latest"] is not None, where
        assert r["baseline"] is not None, where
        if r["persons"] is not None:
            assert r["persons"] >= DEFAULT_MIN_PERSONS, where
        for figure in ("baseline_detail", "latest_detail"):
            persons = r[figure]["persons"]
            assert persons is None or persons >= DEFAULT_MIN_PERSONS, (*where, figure)
    # the statuses without a verdict say why, in their label
    for r in records:
        if r["status"] == "not_assessable":
            assert r["status_label"].startswith("Kan ikke vurderes – "), r["status_label"]


def test_uncertain_shows_in_the_label(records: list[dict[str, Any]]) -> None:
    for r in records:
        if r["uncertain"]:
            assert r["status"] in VERDICTS | TRENDS
            assert r["status_label"].endswith("(usikker)")


def test_no_growth_rate_from_zero(records: list[dict[str, Any]]) -> None:
    for r in records:
        if r["status"] not in VERDICTS:
            continue
        zero = r["baseline"] == 0 or r["target"] == 0 or r["reference_group"]
        if zero and r["progress"] is not None:
            assert r["linear_rule"], (r["policy"], r["goal"])
        # speeds of shares are in percentage points, never "% om året"
        assert not re.search(r"\d % om året", r["reason"]), r["reason"]


def test_no_projection_outside_natural_limits(records: list[dict[str, Any]]) -> None:
    for r in records:
        p = r["projection"]
        if p is None:
            continue
        if r["unit"] == "percent":
            assert 0 <= p <= 100, (r["goal"], p)
        elif r["unit"] == "pp":
            assert -100 <= p <= 100, (r["goal"], p)
        else:
            assert p >= 0, (r["goal"], p)


def test_expired_goals_are_judged_at_their_deadline(records: list[dict[str, Any]]) -> None:
    for r in records:
        if r["key_figure"] or r["deadline"] is None or r["as_of"] is None:
            continue
        deadline = Period.parse(r["deadline"])
        as_of = Period.parse(r["as_of"])
        expired = deadline.end <= as_of.end
        assert r["final"] == expired or r["status"] == "initiative_only", r["goal"]
        if expired and r["latest_period"] is not None:
            assert Period.parse(r["latest_period"]).start <= deadline.end, r["goal"]
        if r["since"] is not None:
            assert Period.parse(r["since"]["period"]).start > deadline.end
        if r["status"] == "achieved" and expired:
            assert r["status_label"].startswith("Nået ved fristen")


def test_policies_that_have_ended_are_judged_as_of_their_last_year(
    records: list[dict[str, Any]],
) -> None:
    as_of = {r["policy"]: r["as_of"] for r in records}
    assert as_of == {
        "kalundborg-2019": "2021",
        "roskilde-2015": "2018",
        "roskilde-handleplan-2021": "2022",
        "soenderborg-strategi": "2018",
    }
    assert all(r["policy_ended"] for r in records)


def test_key_figures_and_initiative_goals_are_not_counted_as_goals(
    records: list[dict[str, Any]],
) -> None:
    for r in records:
        if r["key_figure"]:
            assert not r["counted_as_goal"]
            assert r["status"] in TRENDS | {"not_assessable", "no_data"}
        if r["kind"] == "none":
            assert r["status"] == "initiative_only"
            assert not r["counted_as_goal"]
            assert r["status_label"] == "Indsatsmål – intet resultatmål"
    goals = [r for r in records if r["counted_as_goal"]]
    assert len(goals) == 22  # 23 goals of the four policies, less the day-care initiative goal


def test_demo_prints_the_counts_apart(run: Run, demo_dir: Path) -> None:
    out = run("status", "-w", str(demo_dir), columns=200).stdout
    assert "vurderet pr. 2018. Perioden 2015–2018 er udløbet." in out
