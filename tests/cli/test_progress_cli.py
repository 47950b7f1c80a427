"""`pejling progress` — the what-if calculator, without any workspace."""

import json

import pytest

from tests.cli.conftest import Run


def test_issue_example_json(run: Run) -> None:
    # CAGR_o = (10.2/14.5)^(1/8) − 1 = −0.043016; CAGR_r = 0.5^(1/15) − 1 = −0.045158
    # R = (−1)(−0.043016)/0.045158 = 0.95257 → on track; score = 7.1429·R − 4.2857 = 2.518.
    proc = run(
        "progress", "--baseline", "2015:14.5", "--latest", "2023:10.2", "--target", "7.25",
        "--deadline", "2030", "--direction", "lower", "--format", "json",
    )  # fmt: skip
    data = json.loads(proc.stdout)
    assert data["progress"] == pytest.approx(0.95257, abs=1e-4)
    assert data["score"] == pytest.approx(2.518, abs=1e-2)
    assert data["status"] == "on_track"


def test_open_sdg_public_cases(run: Run) -> None:
    bad = json.loads(
        run(
            "progress", "--baseline", "2015:10", "--latest", "2016:30", "--target", "1",
            "--deadline", "2030", "--direction", "lower", "--format", "json",
        ).stdout
    )  # fmt: skip
    assert bad["progress"] == pytest.approx(-14.05, abs=0.01)
    assert bad["status"] == "off_track"
    assert bad["progress_class"] == "deterioration"
    good = json.loads(
        run(
            "progress", "--baseline", "2015:5", "--latest", "2016:6", "--target", "9",
            "--deadline", "2030", "--direction", "higher", "--format", "json",
        ).stdout
    )  # fmt: skip
    assert good["progress"] == pytest.approx(5.00, abs=0.01)
    assert good["status"] == "on_track"


def test_no_target_rule_reproduces_the_published_formulas(run: Run) -> None:
    # 96 → 97 over three years, maximum 100: c = 1 − 0,96^4,44; v = (97/96)^(1/3) − 1;
    # v ≥ 0,015·c? c = 0,16597, 0,015·c = 0,0024896; v = 0,0034602 → substantial (on track),
    # score = min(500·v/c − 5; 5) = 5 (capped).
    data = json.loads(
        run(
            "progress", "--baseline", "2015:96", "--latest", "2018:97", "--direction", "higher",
            "--limit", "100", "--format", "json",
        ).stdout
    )  # fmt: skip
    c = 1 - 0.96**4.44
    v = (97 / 96) ** (1 / 3) - 1
    assert data["scaling_factor"] == pytest.approx(c, abs=1e-6)
    assert data["progress"] == pytest.approx(v, abs=1e-6)
    assert data["score"] == pytest.approx(min(500 * v / c - 5, 5), abs=1e-6)
    assert data["status"] == "on_track"
    # a slower rise, 96 → 96,2: v = 0,000694 < 0,005·c → limited, score 500·v/c − 2,5
    slow = json.loads(
        run(
            "progress", "--baseline", "2015:96", "--latest", "2018:96.2", "--direction", "higher",
            "--limit", "100", "--format", "json",
        ).stdout
    )  # fmt: skip
    v2 = (96.2 / 96) ** (1 / 3) - 1
    assert slow["score"] == pytest.approx(500 * v2 / c - 2.5, abs=1e-6)
    assert slow["progress_class"] == "limited"


def test_no_target_with_limit_and_table_output(run: Run) -> None:
    proc = run(
        "progress",
        "--baseline",
        "2015:96",
        "--latest",
        "2018:97",
        "--direction",
        "higher",
        "--limit",
        "100",
    )
    assert "status = " in proc.stdout


def test_bad_arguments_give_clear_errors(run: Run) -> None:
    proc = run(
        "progress",
        "--baseline",
        "2015-14.5",
        "--latest",
        "2023:10.2",
        "--direction",
        "lower",
        check=False,
    )
    assert proc.returncode == 1
    assert "PERIOD:VALUE" in proc.stderr
    assert "Traceback" not in proc.stderr
    proc = run(
        "progress", "--baseline", "2015:14.5", "--latest", "2023:10.2", "--direction", "lower", "--target", "7",
        check=False,
    )  # fmt: skip
    assert proc.returncode == 1
    assert "--deadline is required" in proc.stderr
