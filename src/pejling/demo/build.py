"""Build the demo workspace: the four seed policies, their published figures and real DST data.

The demo's synthetic register is, by default, at real scale (`generate_realistic`): every
immigrant and descendant of every municipality (about 970,000 at the end of 2024) and a 5 %
sample of the persons of Danish origin with weight 20, so cells in the seed municipalities have
their real size. `persons=N` builds a small uniform register of N persons instead (tests).

Re-running it is safe: policies are refreshed from the package, the register is generated again
only when its settings changed, and imports of unchanged files are no-ops (the import log shows
`unchanged`).
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from pejling.engine.run import ComputeResult, cohort_ranges, compute_all
from pejling.formatting import fmt_number
from pejling.register.importer import ProgressCallback, RegisterImportResult, import_register
from pejling.register.pseudonym import DEMO_KEY, PseudonymKey
from pejling.sources.shipped import write_shipped_observations
from pejling.store.database import Store
from pejling.store.observation_import import ImportResult, import_observations
from pejling.workspace import SETTINGS_FILE, Workspace

DEMO_NAME = "pejling demo: fire integrationspolitikker"


DEMO_SEED = 2024
#: the sample of persons of Danish origin in the demo's realistic register (weight 1/fraction)
DEMO_DANISH_SAMPLE = 0.05


@dataclass(frozen=True)
class DemoBuild:
    """What building the demo did."""

    workspace: Workspace
    policies: list[Path]
    imports: list[tuple[Path, ImportResult]]
    register: RegisterImportResult | None = None
    computed: ComputeResult | None = None
    #: one line on what the synthetic register holds (from its manifest)
    design: str | None = None


def build_demo(
    folder: Path,
    *,
    persons: int | None = None,
    danish_sample: float = DEMO_DANISH_SAMPLE,
    only: Sequence[int] | None = None,
    progress: ProgressCallback | None = None,
) -> DemoBuild:
    """Create or refresh the demo workspace in `folder`.

    `persons`: None builds the realistic register (real sizes, a `danish_sample` of Danish
    origin), 0 no register, N a small uniform register of N persons. `only` limits the realistic
    register to the persons who first live in these municipalities (real cell sizes there, in
    seconds: the test suite's demo).
    """
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
        if persons is not None and persons <= 0:
            return DemoBuild(ws, policies, results)
        register_dir = import_dir / "register"
        wanted: dict[str, object] = (
            {"mode": "uniform", "seed": DEMO_SEED, "persons": persons}
            if persons is not None
            else {
                "mode": "realistic",
                "seed": DEMO_SEED,
                "danish_sample": danish_sample,
                "only": sorted(only) if only else None,
            }
        )
        if _manifest_settings(register_dir, wanted) != wanted:
            from pejling.register.synthetic import generate, generate_realistic

            def generating(stage: str, fraction: float) -> None:
                if progress:
                    progress(f"Genererer syntetisk register: {stage}", round(100 * fraction), 100)

            if register_dir.exists():
                shutil.rmtree(register_dir)
            if persons is None:
                generate_realistic(
                    DEMO_SEED, register_dir, danish_sample=danish_sample, only=only,
                    progress=generating,
                )  # fmt: skip
            else:
                generate(persons, DEMO_SEED, register_dir, fmt="parquet", progress=generating)
        # the demo's register is synthetic; its public key must never be used for real data
        register = import_register(
            store, [register_dir], PseudonymKey(DEMO_KEY.encode()), progress=progress
        )
        computed = compute_all(store, catalog, cohort_ranges=cohort_ranges(ws), progress=progress)
    return DemoBuild(ws, policies, results, register, computed, describe_register(register_dir))


def _manifest(folder: Path) -> dict[str, object]:
    try:
        data = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _manifest_settings(folder: Path, wanted: dict[str, object]) -> dict[str, object]:
    """The settings a register folder was generated with (the keys of `wanted`)."""
    from pejling.register.synthetic import SYNTH_VERSION

    data = _manifest(folder)
    if data.get("version") != SYNTH_VERSION:
        return {}
    return {k: data.get(k) for k in wanted}


def describe_register(folder: Path) -> str | None:
    """One Danish line on what the synthetic register in `folder` holds, from its manifest."""
    data = _manifest(folder)
    if not data:
        return None
    persons = fmt_number(float(str(data.get("persons", 0))), 0)
    design = data.get("design")
    if data.get("mode") != "realistic" or not isinstance(design, dict):
        return f"{persons} personer, ligeligt fordelt efter befolkning (ingen vægte; små celler)"
    counts = design.get("counts", {})
    sample = float(design.get("danish_sample", 1))
    minority = int(counts.get("immigrants", 0)) + int(counts.get("descendants", 0))
    return (
        f"{persons} personer i reel størrelse: alle indvandrere og efterkommere (vægt 1; "
        f"{fmt_number(minority, 0)} med dem, der er udvandret igen) og en stikprøve på "
        f"{fmt_number(100 * sample, 0)} % af personer "
        f"med dansk oprindelse ({fmt_number(int(counts.get('danish_origin_sampled', 0)), 0)} "
        f"personer, vægt {fmt_number(1 / sample, 0)}); se manifest.json"
    )
