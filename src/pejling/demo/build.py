"""Build the demo workspace: the four seed policies, their published figures and real DST data.

Re-running it is safe: policies are refreshed from the package, and imports of unchanged files
are no-ops (the import log shows `unchanged`).
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from pejling.sources.shipped import write_shipped_observations
from pejling.store.database import Store
from pejling.store.observation_import import ImportResult, import_observations
from pejling.workspace import SETTINGS_FILE, Workspace

DEMO_NAME = "pejling demo: fire integrationspolitikker"


@dataclass(frozen=True)
class DemoBuild:
    """What building the demo did."""

    workspace: Workspace
    policies: list[Path]
    imports: list[tuple[Path, ImportResult]]


def build_demo(folder: Path) -> DemoBuild:
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
    return DemoBuild(ws, policies, results)
