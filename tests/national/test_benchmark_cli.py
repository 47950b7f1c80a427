"""`pejling benchmark` end to end on a small synthetic workspace, and its consistency with
`pejling compute`: the observed share of a municipality is the published figure."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from pejling.engine.run import compute_all, data_date
from pejling.errors import UserError
from pejling.national.benchmark import benchmark_store, resolve
from pejling.national.charts import funnel_spec
from pejling.spec.catalog import load_catalog
from pejling.store.database import Store
from tests.conftest import Run

KEY_ENV = {"PEJLING_PSEUDONYM_KEY": "benchmark-test-key-0123456789"}
INDICATOR = "employment_rate_25_64"


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import subprocess
    import sys

    ws = tmp_path_factory.mktemp("bench") / "ws"
    folder = ws / "imports" / "register"
    env = {"COLUMNS": "200", "PATH": "/usr/bin:/bin", "PYTHONIOENCODING": "utf-8", **KEY_ENV}
    for args in (
        ("init", str(ws), "--municipality", "0"),
        ("synth", "--persons", "12000", "--seed", "5", "--out", str(folder)),
        ("import", str(folder), "-w", str(ws)),
    ):
        proc = subprocess.run([sys.executable, "-m", "pejling", *args], capture_output=True,
                              text=True, env=env, check=False)  # fmt: skip
        assert proc.returncode == 0, proc.stdout + proc.stderr
    return ws


def test_table_names_the_model_and_labels_synthetic_data(run: Run, workspace: Path) -> None:
    out = run("benchmark", INDICATOR, "-w", str(workspace)).stdout
    assert out.startswith("SYNTETISKE DATA")
    assert "Hele landet:" in out
    assert "forventet i alt = faktisk i alt" in out
    assert "lokal ledighed" in out
    assert "Kommuner med under 80 personer vises, men rangeres ikke" in out
    assert "København" in out


def test_json_national_expected_equals_observed(run: Run, workspace: Path) -> None:
    proc = run("benchmark", INDICATOR, "-w", str(workspace), "--format", "json",
               "--min-persons", "40")  # fmt: skip
    data = json.loads(proc.stdout)
    (summary,) = data["benchmarks"]
    assert summary["expected"] == pytest.approx(summary["observed"], rel=1e-9)
    assert summary["min_persons"] == 40
    rows = data["municipalities"]
    assert len(rows) == 98
    shown = [r for r in rows if not r["suppressed"]]
    assert all(r["persons"] >= 5 for r in shown)
    assert all("persons" not in r for r in rows if r["suppressed"])
    assert all(r["rank"] is None for r in shown if r["persons"] < 40)
    ranks = sorted(r["rank"] for r in shown if r["rank"] is not None)
    assert ranks == list(range(1, len(ranks) + 1))


def test_csv_and_xlsx(run: Run, workspace: Path, tmp_path: Path) -> None:
    text = run("benchmark", INDICATOR, "-w", str(workspace), "--format", "csv").stdout
    assert text.splitlines()[0].startswith("Indikator;Periode;Kommune;Personer")
    target = tmp_path / "b.xlsx"
    run("benchmark", INDICATOR, "-w", str(workspace), "-f", "xlsx", "-o", str(target))
    book = load_workbook(target)
    assert book.sheetnames[0] == "Læs først"
    assert "SYNTETISKE" in str(book["Læs først"]["A1"].value)
    assert len(book.sheetnames) == 2


def test_unknown_or_unsuitable_indicators_are_refused_with_a_hint() -> None:
    catalog = load_catalog()
    with pytest.raises(UserError, match="did you mean 'employment_rate_25_64'"):
        resolve(catalog, ["employment_rate_25_46"])
    with pytest.raises(UserError, match="not a yes/no outcome"):
        resolve(catalog, ["activation_degree"])
    with pytest.raises(UserError, match="not a yes/no outcome"):
        resolve(catalog, ["job_ready_share"])  # an effort, not a result


def test_a_workspace_without_register_says_so(run: Run, tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    run("init", str(empty), "--municipality", "0")
    proc = run("benchmark", "-w", str(empty), check=False)
    assert proc.returncode == 1
    assert "no person-level register" in proc.stderr


def test_observed_share_is_the_computed_figure(workspace: Path, tmp_path: Path) -> None:
    import shutil

    db = tmp_path / "copy.duckdb"
    shutil.copy(workspace / "pejling.duckdb", db)
    catalog = load_catalog()
    with Store.open(db) as store:
        compute_all(store, catalog, as_of=data_date(store), only=[INDICATOR])
        (result,) = benchmark_store(store, catalog, [INDICATOR], min_persons=1)
        published = dict(
            store.con.execute(
                "SELECT municipality, value FROM computed_observations WHERE indicator = ? "
                "AND grp = '' AND period = ?",
                [INDICATOR, result.periods[0]],
            ).fetchall()
        )
    assert published[0] == pytest.approx(result.national_share)
    for row in result.rows:
        assert published[row.municipality] == pytest.approx(row.observed_share)
    spec = funnel_spec(result, highlight=101)
    points = spec["layer"][-1]["data"]["values"]
    assert len(points) == 98
    assert sum(p["focal"] for p in points) == 1


def test_good_practice_names_the_significantly_better_municipalities(
    run: Run, workspace: Path
) -> None:
    """The table ends with "Hvad gør de, der klarer sig bedst?"; the JSON lists the same
    municipalities, each outside the funnel's 95 % limit on the good side and ranked."""
    out = run("benchmark", INDICATOR, "-w", str(workspace), "--min-persons", "40").stdout
    assert "Hvad gør de, der klarer sig bedst?" in out
    args = ("benchmark", INDICATOR, "-w", str(workspace), "--format", "json", "--min-persons", "40")
    data = json.loads(run(*args).stdout)
    rows = {r["municipality"]: r for r in data["municipalities"]}
    best = data["good_practice"]
    assert best, "the synthetic register plants effects large enough to show"
    for b in best:
        row = rows[b["municipality"]]
        assert row["funnel"] in {"above95", "above998"}
        assert row["rank"] is not None
        assert b["name"] in out
    better = {m for m, r in rows.items() if r.get("funnel") in {"above95", "above998"}
              and r.get("rank") is not None}  # fmt: skip
    assert {b["municipality"] for b in best} == better


def test_the_duration_benchmark_is_listed(run: Run, workspace: Path) -> None:
    """Without indicators the command ends with the duration benchmark (time from the programme
    start to the first job): in the JSON with its model, Σ E = Σ O, and in the table in Danish."""
    data = json.loads(run("benchmark", "-w", str(workspace), "--format", "json").stdout)
    ids = [b["indicator"] for b in data["benchmarks"]]
    assert ids[-1] == "time_to_first_job"
    duration = data["benchmarks"][-1]
    assert duration["model"] == "duration"
    assert duration["follow_up_months"] == 36
    assert duration["covariates"][0] == "duration"
    assert duration["expected"] == pytest.approx(duration["observed"], rel=1e-9)
    rows = [r for r in data["municipalities"] if r["indicator"] == "time_to_first_job"]
    assert rows
    assert all("persons" not in r for r in rows if r["suppressed"])
    out = run("benchmark", "time_to_first_job", "-w", str(workspace), "--periods", "5",
              "--min-persons", "30").stdout  # fmt: skip
    assert "Tid fra programstart til første job (time_to_first_job), 2020–2024" in out
    assert "varighedsmodel" in out
    assert "måneder siden programstart" in out
    assert "i job inden for 36 måneder" in out
