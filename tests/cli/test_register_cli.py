"""End to end: a municipality imports its register extract, computes, and sees goal status."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.conftest import Run
from tests.register.test_import import CPR_A, CPR_B, EMPLOYMENT, PERSONS, RESIDENCE

KEY_ENV = {"PEJLING_PSEUDONYM_KEY": "municipal-secret-0123456789"}


def workspace(run: Run, tmp_path: Path) -> Path:
    ws = tmp_path / "ws"
    run("init", str(ws), "--municipality", "265")
    folder = ws / "imports" / "register"
    folder.mkdir(parents=True)
    (folder / "persons.csv").write_text(PERSONS, encoding="utf-8")
    (folder / "residence_spells.csv").write_text(RESIDENCE, encoding="utf-8")
    (folder / "employment_spells.csv").write_text(EMPLOYMENT, encoding="utf-8")
    return ws


def test_import_without_key_explains_what_to_set(run: Run, tmp_path: Path) -> None:
    ws = workspace(run, tmp_path)
    proc = run("import", str(ws / "imports" / "register"), "-w", str(ws), check=False)
    assert proc.returncode == 1
    assert "PEJLING_PSEUDONYM_KEY" in proc.stderr


def test_import_compute_and_read_back(run: Run, tmp_path: Path) -> None:
    ws = workspace(run, tmp_path)
    folder = ws / "imports" / "register"
    first = run("import", str(folder), "-w", str(ws), env=KEY_ENV)
    assert "persons.csv → persons: 2 rækker indlæst" in first.stdout
    again = run("import", str(folder), "-w", str(ws), env=KEY_ENV)
    assert again.stdout.count("uændret") == 3
    computed = run("compute", "-w", str(ws), "--as-of", "31.12.2018", env=KEY_ENV)
    assert "indikatorer beregnet fra registerdata pr. 31.12.2018" in computed.stdout
    log = run("imports", "-w", str(ws)).stdout
    assert "register as of 2018-12-31" in log
    for text in (first.stdout, again.stdout, computed.stdout, log):
        for cpr in (CPR_A, CPR_A.replace("-", ""), CPR_B):
            assert cpr not in text


def test_rejected_register_file_names_line_and_column(run: Run, tmp_path: Path) -> None:
    ws = workspace(run, tmp_path)
    folder = ws / "imports" / "register"
    (folder / "residence_spells.csv").write_text(
        RESIDENCE.replace("2018-04-01", "2018-03-01"), encoding="utf-8"
    )
    proc = run("import", str(folder), "-w", str(ws), env=KEY_ENV, check=False)
    assert proc.returncode == 1
    assert "residence_spells.csv:3, kolonne start: overlapper perioden i linje 2" in proc.stderr
    assert "intet er skrevet" in proc.stderr
    assert CPR_A not in proc.stderr
    records = json.loads(run("status", "-w", str(ws), "--format", "json").stdout)
    assert records == []


def test_synth_then_import_and_compute(run: Run, tmp_path: Path) -> None:
    ws = tmp_path / "national"
    run("init", str(ws), "--municipality", "0")
    folder = ws / "imports" / "register"
    made = run("synth", "--persons", "1500", "--seed", "9", "--out", str(folder), "--format", "csv")
    assert "Syntetisk register: 1.500 personer," in made.stdout
    assert (folder / "truth_municipality_effects.csv").exists()
    run("import", str(folder), "-w", str(ws), env=KEY_ENV)
    computed = run("compute", "-w", str(ws), "-i", "employment_rate_25_64", env=KEY_ENV)
    assert "1 indikatorer beregnet" in computed.stdout


def test_compute_unknown_indicator_suggests(run: Run, tmp_path: Path) -> None:
    ws = workspace(run, tmp_path)
    proc = run("compute", "-w", str(ws), "-i", "employment_rate_25_46", check=False)
    assert proc.returncode == 1
    assert "employment_rate_25_64" in proc.stderr
