"""Build the demo workspace: the four seed policies, their published figures and real DST data.

Re-running it is safe: policies are refreshed from the package, and imports of unchanged files
are no-ops (the import log shows `unchanged`).
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from pejling.engine.run import ComputeResult, cohort_ranges, compute_all
from pejling.register.importer import ProgressCallback, RegisterImportResult, import_register
from pejling.register.pseudonym import DEMO_KEY, PseudonymKey
from pejling.sources.shipped import write_shipped_observations
from pejling.store.database import Store
from pejling.store.observation_import import ImportResult, import_observations
from pejling.workspace import SETTINGS_FILE, Workspace

DEMO_NAME = "pejling demo: fire integrationspolitikker"


#: size of the demo's synthetic register: every municipality gets a few hundred persons
DEMO_PERSONS = 60_000
DEMO_SEED = 2024


@dataclass(frozen=True)
class DemoBuild:
    """What building the demo did."""

    workspace: Workspace
    policies: list[Path]
    imports: list[tuple[Path, ImportResult]]
    register: RegisterImportResult | None = None
    computed: ComputeResult | None = None


def build_demo(
    folder: Path, *, persons: int = DEMO_PERSONS, progress: ProgressCallback | None = None
) -> DemoBuild:
    """Create or refresh the demo workspace in `folder`."""
    folder = folder.resolve()
    ws = (
        Workspace.open(folder)
        if (folder / SETTINGS_FILE).exists()
        else Workspace.create(folder, DEMO_NAME, 0)
    )
    policies = []
    src = resources.files("pejling.demo").joinpath("policies")
    for entry in sorted(src.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".yaml"):
            target = ws.policies_dir / entry.name
            target.write_text(entry.read_text(encoding="utf-8"), encoding="utf-8")
            policies.append(target)
    import_dir = ws.root / "imports"
    import_dir.mkdir(exist_ok=True)
    seed = resources.files("pejling.demo").joinpath("observations/seed_figures.csv")
    seed_path = import_dir / "seed_figures.csv"
    with resources.as_file(seed) as seed_file:
        shutil.copyfile(seed_file, seed_path)
    files = [seed_path, *write_shipped_observations(import_dir)]
    catalog = ws.catalog()
    results = []
    with Store.open(ws.db_path) as store:
        for path in files:
            results.append(
                (path, import_observations(store, path, catalog, display_name=ws.display(path)))
            )
        if persons <= 0:
            return DemoBuild(ws, policies, results)
        from pejling.register.synthetic import generate

        register_dir = import_dir / "register"
        if (
            not (register_dir / "manifest.json").exists()
            or _manifest_persons(register_dir) != persons
        ):
            if progress:
                progress("Genererer syntetisk register", 0, 3)
            generate(persons, DEMO_SEED, register_dir, fmt="parquet")
        if progress:
            progress("Indlæser registerdata", 1, 3)
        # the demo's register is synthetic; its public key must never be used for real data
        register = import_register(store, [register_dir], PseudonymKey(DEMO_KEY.encode()))
        if progress:
            progress("Beregner indikatorer", 2, 3)
        computed = compute_all(store, catalog, cohort_ranges=cohort_ranges(ws))
    return DemoBuild(ws, policies, results, register, computed)


def _manifest_persons(folder: Path) -> int:
    try:
        data = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        return int(data.get("persons", -1))
    except (OSError, ValueError):
        return -1
