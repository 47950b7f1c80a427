"""End to end through the command line: refresh on the demo workspace without a network, a
StatBank website export and a JSON-stat file imported through a mapping, municipalities, fetch."""

from __future__ import annotations

from pathlib import Path

import pytest

from pejling.sources.mapping import load_mappings
from pejling.sources.refresh import fetch_statbank, make_clients
from pejling.store.database import Store
from pejling.store.queries import current_observations
from pejling.workspace import Workspace
from tests.conftest import Run
from tests.sources.fakes import FIXTURES, RecordedStatBank, Sleeps

#: a base URL where nothing listens: the connection is refused, as without a network
NO_NETWORK = {"PEJLING_STATBANK_URL": "http://127.0.0.1:9/v1/"}
OFFLINE = {"PEJLING_OFFLINE": "1"}


def seed_cache(ws: Path, *, tables: tuple[str, ...] = ()) -> None:
    """Fill the workspace's cache from the recorded responses, as an earlier online refresh
    would have (the shipped mappings; plus table info in both languages for `tables`)."""
    workspace = Workspace.open(ws)
    clients = make_clients(ws / "cache", transport=RecordedStatBank(), sleep=Sleeps())
    for item in load_mappings(workspace.catalog()):
        fetch_statbank(item, clients.statbank)
    for table in tables:
        for lang in ("da", "en"):
            clients.statbank.tableinfo(table, lang)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo workspace without a register (its policies, seed figures and shipped series)."""
    import subprocess
    import sys

    out = tmp_path_factory.mktemp("demo") / "ws"
    proc = subprocess.run(
        [sys.executable, "-m", "pejling", "demo", "--out", str(out), "--persons", "0",
         "--no-reports"],
        capture_output=True, text=True, check=False,
        env={"COLUMNS": "200", "PATH": "/usr/bin:/bin", "PYTHONIOENCODING": "utf-8"},
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return out


def test_refresh_without_network_uses_the_cache_and_says_so(run: Run, demo: Path) -> None:
    seed_cache(demo)
    proc = run("sources", "refresh", "-w", str(demo), env=NO_NETWORK)
    out = proc.stdout
    assert "ingen forbindelse til Statistikbanken" in out
    assert out.count("bruger cachen fra") == 7
    assert "7 af 7 kilder opdateret, 7 fra cachen" in out
    assert "dst-ras200-employment-origin (RAS200)" in out
    assert "'..' diskretioneret eller for usikkert: 10" in out
    assert "regioner (5)" in out
    again = run("sources", "refresh", "-w", str(demo), "--lang", "en", env=OFFLINE)
    assert again.stdout.count("offline – using the cache from") == 7
    assert again.stdout.count("unchanged") == 7
    with Store.open(demo / "pejling.duckdb", read_only=True) as store:
        rows = current_observations(
            store, indicator_id="population", municipality_code=326,
            grp="origin=non_western_immigrant",
        )  # fmt: skip
    assert {r.publisher for r in rows} == {"Danmarks Statistik"}
    assert {r.provenance for r in rows} == {"published"}
    assert "2025Q3" in {r.period for r in rows}
    assert (demo / "imports" / "sources" / "dst-folk1e-origin.csv").is_file()


def test_refresh_without_network_or_cache_fails_clearly(run: Run, tmp_path: Path) -> None:
    ws = Workspace.create(tmp_path / "ws", "t", 0).root
    proc = run("sources", "refresh", "dst-folk1a-population", "-w", str(ws), env=NO_NETWORK,
               check=False)  # fmt: skip
    assert proc.returncode == 1
    assert "ingen forbindelse til Statistikbanken" in proc.stdout
    assert "intet i cachen for tabeloplysninger om FOLK1A" in proc.stdout


def test_statbank_export_and_json_stat_import_through_a_mapping(run: Run, tmp_path: Path) -> None:
    ws = Workspace.create(tmp_path / "ws", "t", 326).root
    seed_cache(ws, tables=("FOLK1E",))
    export = FIXTURES / "files" / "statbank_export_FOLK1E_en.csv"
    proc = run("sources", "import", str(export), "--mapping", "dst-folk1e-origin", "-w", str(ws),
               env=OFFLINE)  # fmt: skip
    assert "statbank_export_FOLK1E_en.csv → dst-folk1e-origin" in proc.stdout
    assert "udgave 2025-08-11: 3.960 rækker indlæst" in proc.stdout
    assert "Christiansø (1), regioner (5)" in proc.stdout
    jsonstat = FIXTURES / "files" / "statbank_FOLK1E_jsonstat_en.json"
    proc = run("sources", "import", str(jsonstat), "-m", "dst-folk1e-origin", "-w", str(ws),
               "--lang", "en", env=OFFLINE)  # fmt: skip
    assert "release 2025-08-11: imported 1,980 rows" in proc.stdout
    again = run("sources", "import", str(export), "-m", "dst-folk1e-origin", "-w", str(ws),
                env=OFFLINE)  # fmt: skip
    assert "uændret" in again.stdout
    with Store.open(ws / "pejling.duckdb", read_only=True) as store:
        rows = current_observations(
            store, indicator_id="population_non_danish_origin_share", municipality_code=101,
            grp="",
        )  # fmt: skip
    assert [r.period for r in rows] == ["2024Q4", "2025Q1", "2025Q2", "2025Q3"]
    assert all(r.publisher == "Danmarks Statistik" and r.provenance == "published" for r in rows)
    assert all(0 < (r.value or 0) < 100 for r in rows)


def test_municipalities(run: Run) -> None:
    table = run("municipalities").stdout
    assert "265" in table
    assert "Roskilde" in table
    assert "Hele landet" in table
    assert "Københavns Kommune" in table  # the accepted forms are explained
    lines = run("municipalities", "--format", "csv").stdout.strip().splitlines()
    assert lines[0] == "code,name,region_code,region"
    assert len(lines) == 99
    assert "101,København,1084,Region Hovedstaden" in lines


def test_fetch_dst_table_info_from_the_cache(run: Run, tmp_path: Path) -> None:
    ws = Workspace.create(tmp_path / "ws", "t", 0).root
    seed_cache(ws)
    info = run("fetch", "dst", "FOLK1E", "-w", str(ws), env=OFFLINE)
    assert "FOLK1E: Befolkningen den 1. i kvartalet (Antal); opdateret 2025-08-11" in info.stdout
    assert "HERKOMST (herkomst): 6 værdier" in info.stdout
    assert "offline – bruger cachen" in info.stderr
    values = run("fetch", "dst", "FOLK1E", "--show", "HERKOMST", "-w", str(ws), env=OFFLINE)
    assert "25\tIndvandrere fra ikke-vestlige lande" in values.stdout
    bad = run("fetch", "dst", "FOLK1E", "-v", "HERKOMS=25", "-w", str(ws), env=OFFLINE,
              check=False)  # fmt: skip
    assert bad.returncode == 1
    assert "mente du 'HERKOMST'?" in bad.stderr


def test_sources_check_names_file_and_line(run: Run, tmp_path: Path) -> None:
    ws = Workspace.create(tmp_path / "ws", "t", 0).root
    (ws / "sources").mkdir()
    (ws / "sources" / "mine.yaml").write_text(
        "id: mine\ntable: FOLK1A\nseries:\n  - indicator: populaton\n", encoding="utf-8"
    )
    proc = run("sources", "check", "-w", str(ws), "--no-tables", check=False)
    assert proc.returncode == 1
    assert "sources/mine.yaml:4: unknown indicator 'populaton'" in proc.stderr
    (ws / "sources" / "mine.yaml").write_text(
        "id: mine\ntable: FOLK1A\nsource: egen\nselect: {KØN: TOT, ALDER: IALT}\n"
        "series:\n  - indicator: population\n",
        encoding="utf-8",
    )
    seed_cache(ws)
    proc = run("sources", "check", "mine", "-w", str(ws), env=OFFLINE, check=False)
    assert proc.returncode == 1
    assert (
        "sources/mine.yaml:6: FOLK1A variable CIVILSTAND (civilstand) is not chosen" in proc.stdout
    )


def test_a_broken_own_indicator_file_is_reported_not_ignored(run: Run, tmp_path: Path) -> None:
    ws = Workspace.create(tmp_path / "ws", "t", 0).root
    (ws / "indicators" / "egne.yaml").write_text(
        "indicators:\n  - id: library_activities\n    title: Aktiviteter\n    unit: cuont\n",
        encoding="utf-8",
    )
    proc = run("indicators", "-w", str(ws), check=False)
    assert proc.returncode == 1
    assert "indicators/egne.yaml:4: indicator 'library_activities'" in proc.stderr
    assert "Did you mean 'count'?" in proc.stderr
