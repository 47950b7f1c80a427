"""The target advisor and lint's store-backed warnings on a hand-made history.

Ten municipalities × six years (2015–2020) of unemployment (lower is better), each falling by a
constant yearly factor f: value = 10 · f^(year − 2015). A two-year window then falls by
1 − f² and a three-year window by 1 − f³, so every count below can be checked by hand.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pejling.evaluation.points import Point
from pejling.national.changes import Scale, apply, change, history, per_year
from pejling.national.frame import Frame, FrameValue, FrameVariable
from pejling.national.similar import nearest
from pejling.national.target_texts import advice_lines, history_da
from pejling.national.targets import advise_target
from pejling.periods import Period
from pejling.store.database import Store
from pejling.store.observation_import import import_observations
from pejling.workspace import Workspace
from tests.conftest import Run

CODES = [101, 147, 151, 153, 155, 157, 159, 161, 163, 165]
FACTORS = [1.0, 0.99, 0.98, 0.97, 0.96, 0.95, 0.94, 0.93, 0.92, 0.80]
YEARS = range(2015, 2021)

POLICY = """\
id: test
municipality: 101
title: Test
adopted: 2018-01-15
period: {{start: 2018, end: 2021}}
source: {{document: test.pdf}}
themes:
  - id: job
    title: Beskæftigelse
    goals:
      - id: fald
        statement: Ledigheden skal falde.
        indicator: {{id: unemployment_rate, source: Danmarks Statistik}}
        target: {target}
        baseline: {{date: 2018, source: Danmarks Statistik}}
        deadline: 2021
        measurement: {{frequency: yearly, source: Danmarks Statistik}}
"""


def _workspace(tmp_path: Path, target: str = "{kind: change_rel, value: -15}") -> Workspace:
    ws = Workspace.create(tmp_path / "ws", "t", 101)
    lines = ["indicator,municipality,period,value,unit,source,vintage,publisher"]
    for code, f in zip(CODES, FACTORS, strict=True):
        for year in YEARS:
            value = 10 * f ** (year - 2015)
            lines.append(f"unemployment_rate,{code},{year},{value:.6f},percent,AUP02,1,Danmarks Statistik")  # fmt: skip
    data = tmp_path / "history.csv"
    data.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with Store.open(ws.db_path) as store:
        import_observations(store, data, ws.catalog())
    (ws.policies_dir / "test.yaml").write_text(POLICY.format(target=target), encoding="utf-8")
    return ws


def test_change_arithmetic() -> None:
    assert change(Scale.PP, 40, 46) == 6
    assert change(Scale.RELATIVE, 10, 8.5) == pytest.approx(-15)
    assert change(Scale.RELATIVE, 0, 5) is None  # never a growth rate from 0
    assert apply(Scale.RELATIVE, 10, -15) == pytest.approx(8.5)
    assert per_year(Scale.RELATIVE, -19, 2) == pytest.approx(-10)  # 0,9² = 0,81
    assert per_year(Scale.PP, 6, 3) == 2


def test_history_counts_by_hand() -> None:
    panel = {
        code: [Point(Period.year(y), 10 * f ** (y - 2015)) for y in YEARS]
        for code, f in zip(CODES, FACTORS, strict=True)
    }
    h = history(panel, 2.0, Scale.RELATIVE, -1, required=15.0)
    # 4 windows of 2 years per municipality (2015–17 … 2018–20)
    assert h.windows == 40
    assert h.municipalities == 10
    assert (h.first_year, h.last_year) == (2015, 2020)
    # a 15 % fall in 2 years: f = 0,92 (−15,36 %) and f = 0,80 (−36 %), not 0,93 (−13,51 %)
    assert (h.achieved_windows, h.achieved_municipalities) == (8, 2)
    gains = sorted((1 - f**2) * 100 for f in FACTORS)
    assert h.quantile(0.5) == pytest.approx((gains[4] + gains[5]) / 2)
    assert h.quantile(0.8) == pytest.approx(gains[7] + 0.2 * (gains[8] - gains[7]))


def _similar() -> Frame:
    var = FrameVariable("x", "X")
    return Frame(
        2020, (var,), {"x": {c: FrameValue(float(i), "2020") for i, c in enumerate(CODES)}}
    )


def test_advice_on_a_relative_goal(tmp_path: Path) -> None:
    ws = _workspace(tmp_path)
    lp = ws.find_policy("test")
    with Store.open(ws.db_path, read_only=True) as store:
        advice = advise_target(
            store, lp.policy, "fald", ws.catalog(), as_of=Period.year(2019),
            similar=nearest(_similar(), 101, 3),
        )  # fmt: skip
    assert advice.scale is Scale.RELATIVE
    assert advice.latest is not None
    assert advice.latest.period.label == "2019"
    assert advice.target == pytest.approx(8.5)  # 10 · (1 − 15 %) from the 2018 baseline
    assert advice.horizon == 2.0  # from 2019 to 2021
    assert advice.required_change == pytest.approx(-15)
    assert advice.history is not None
    # only figures known as of 2019: 3 windows of 2 years per municipality (2015–17 … 2017–19)
    assert (advice.history.achieved_windows, advice.history.windows) == (6, 30)
    assert advice.expected is None
    assert not advice.already_met
    assert not advice.rarely_reached  # 20 % of the windows
    assert advice.rare_below(0.25)
    # 30 improvements, each municipality's three times: median between the 15th and 16th (both
    # f = 0,96 and 0,95 → positions 14,5), 80th percentile at position 23,2
    gains = sorted((1 - f**2) * 100 for f in FACTORS for _ in range(3))
    median = (gains[14] + gains[15]) / 2
    p80 = gains[23] + 0.2 * (gains[24] - gains[23])
    assert advice.suggested == pytest.approx((10 * (1 - median / 100), 10 * (1 - p80 / 100)))
    # the similar municipalities are the next three codes; their 2019 figures
    assert [p.code for p in advice.peers] == [147, 151, 153]
    assert advice.peers[0].value == pytest.approx(10 * 0.99**4)
    b = advice.best_fifth
    assert b is not None
    assert (b.size, b.municipalities, b.rank) == (2, 10, 10)
    assert b.threshold == pytest.approx(10 * 0.92**4)
    text = dict(advice_lines(advice))
    assert text["Forventet ud fra borgersammensætningen"] == "ikke beregnet"
    assert history_da(advice) == (
        "et fald på 15,0 % over 2 år blev nået i 6 af 30 forløb (2 af 10 kommuner), 2015–2019"
    )


def test_lint_warns_about_a_target_history_rarely_reaches(tmp_path: Path, run: Run) -> None:
    # from the 2018 baseline to 2021 (3 years) a fall of 50 %: no window reached it
    ws = _workspace(tmp_path, "{kind: change_rel, value: -50}")
    proc = run("lint", "-w", str(ws.root))
    assert "warning[target-rarely-reached]: goal 'fald': a fall of 50.0 % in 3 years was reached in 0 of 30 municipality-windows (0 of 10 municipalities, 2015–2020), fewer than 5 %" in proc.stdout  # fmt: skip
    assert "0 fejl, 1 advarsler" in proc.stdout


def test_the_threshold_is_configurable(tmp_path: Path, run: Run) -> None:
    # a fall of 30 % in 3 years: only f = 0,80 (−48,8 %) made it, in 3 of 30 windows (10 %)
    ws = _workspace(tmp_path, "{kind: change_rel, value: -30}")
    assert "target-rarely-reached" not in run("lint", "-w", str(ws.root)).stdout
    stricter = run("lint", "-w", str(ws.root), "--rare-below", "15").stdout
    assert "reached in 3 of 30 municipality-windows (1 of 10 municipalities" in stricter


def test_lint_warns_about_a_target_already_met(tmp_path: Path, run: Run) -> None:
    ws = _workspace(tmp_path, "{kind: level, value: 12}")
    out = run("lint", "-w", str(ws.root)).stdout
    assert (
        "warning[target-already-met]: goal 'fald': the figure at the baseline (2018: 10.0 %) "
        "already meets the target 12.0 %"
    ) in out


def test_lint_without_a_store_works_as_before(tmp_path: Path, run: Run) -> None:
    ws = _workspace(tmp_path, "{kind: level, value: 12}")
    ws.db_path.unlink()
    out = run("lint", "-w", str(ws.root)).stdout
    assert "target-already-met" not in out
    assert "0 fejl" in out


def test_target_cli(tmp_path: Path, run: Run) -> None:
    ws = _workspace(tmp_path)
    out = run("target", "test", "fald", "-w", str(ws.root), "--as-of", "2019").stdout
    assert "ikke beregnet" in out
    assert "6 af 30 forløb" in out
    json_out = run(
        "target", "test", "fald", "-w", str(ws.root), "--as-of", "2019", "--format", "json"
    ).stdout
    assert '"required_change": -15' in json_out
    bad = run("target", "test", "fal", "-w", str(ws.root), check=False)
    assert bad.returncode == 1
    assert "fald" in bad.stderr
