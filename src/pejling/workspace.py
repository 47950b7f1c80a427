"""A workspace: one folder with settings, policies, local indicators, the store and reports.

Everything a municipality (or the national hub) works on lives here so it can be backed up,
versioned and handed over. Only commands that change data (import, compute) open the store for
writing; status and reports open it read-only, so they can run while nobody writes.

Opening a workspace reads its settings only; the policy and catalog models (and the YAML
parser) are imported when policies or indicators are first read, so a command answered from
the workspace's cache (`pejling.cache`) does not load them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pejling.errors import Problem, SpecError, WorkspaceError
from pejling.spec.settings import Settings, load_settings, render_settings

if TYPE_CHECKING:  # the policy and catalog models and the YAML parser load when first read
    from pejling.spec.catalog import Catalog
    from pejling.spec.policy import Policy
    from pejling.spec.yaml_source import SourceMap

SETTINGS_FILE = "pejling.toml"
DB_FILE = "pejling.duckdb"


@dataclass(frozen=True)
class LoadedPolicy:
    """A policy with the file it came from and its line map."""

    policy: Policy
    path: Path
    source: SourceMap


@dataclass(frozen=True)
class Workspace:
    """Paths and settings of a workspace folder."""

    root: Path
    settings: Settings

    @staticmethod
    def open(root: Path) -> Workspace:
        """Open an existing workspace; explain what is missing if it is not one."""
        root = root.resolve()
        if not (root / SETTINGS_FILE).is_file():
            raise WorkspaceError(
                f"{root} is not a pejling workspace: {SETTINGS_FILE} is missing. "
                "Create one with `pejling init DIR` or build the demo with `pejling demo`."
            )
        return Workspace(root, load_settings(root / SETTINGS_FILE))

    @staticmethod
    def create(root: Path, name: str, municipality: int, language: str = "da") -> Workspace:
        """Create the folder layout and a settings file (refuses to overwrite settings)."""
        root = root.resolve()
        if (root / SETTINGS_FILE).exists():
            raise WorkspaceError(f"{root / SETTINGS_FILE} already exists; not overwriting it")
        for sub in ("policies", "indicators", "reports", "imports"):
            (root / sub).mkdir(parents=True, exist_ok=True)
        (root / "imports").chmod(0o700)  # register extracts are kept here: the owner's only
        (root / SETTINGS_FILE).write_text(
            render_settings(name, municipality, language), encoding="utf-8"
        )
        return Workspace.open(root)

    @property
    def db_path(self) -> Path:
        """The embedded DuckDB file."""
        return self.root / DB_FILE

    @property
    def policies_dir(self) -> Path:
        """Folder of policy YAML files."""
        return self.root / "policies"

    @property
    def reports_dir(self) -> Path:
        """Folder for generated outputs."""
        return self.root / "reports"

    def catalog(self) -> Catalog:
        """Built-in indicators plus this workspace's `indicators/*.yaml`."""
        from pejling.spec.catalog import load_catalog

        return load_catalog([self.root / "indicators"])

    def policy_files(self) -> list[Path]:
        """Policy files in a stable order."""
        return sorted(self.policies_dir.glob("*.yaml"))

    def load_policies(self) -> list[LoadedPolicy]:
        """Load and validate every policy; collect problems from all files before failing."""
        from pejling.spec.load import load_model
        from pejling.spec.policy import Policy

        loaded: list[LoadedPolicy] = []
        problems: list[Problem] = []
        for path in self.policy_files():
            try:
                policy, source = load_model(Policy, path, self.display(path))
            except SpecError as exc:
                problems.extend(exc.problems)
                continue
            loaded.append(LoadedPolicy(policy, path, source))
        by_id: dict[str, list[LoadedPolicy]] = {}
        for lp in loaded:
            by_id.setdefault(lp.policy.id, []).append(lp)
        for policy_id, same in by_id.items():
            if len(same) > 1:
                files = ", ".join(self.display(lp.path) for lp in same)
                problems.append(
                    Problem(
                        files,
                        f"policy id '{policy_id}' is used by {len(same)} files",
                        "one id per policy (reports and site pages are named after it)",
                        code="duplicate-policy-id",
                    )
                )
        if problems:
            raise SpecError("policies", problems)
        return loaded

    def find_policy(self, key: str) -> LoadedPolicy:
        """A policy by id, file name (with or without .yaml) or path; did-you-mean when unknown."""
        policies = self.load_policies()
        wanted = Path(key)
        for lp in policies:
            if key in {lp.policy.id, lp.path.stem, lp.path.name}:
                return lp
            if (
                wanted.suffix in (".yaml", ".yml")
                and wanted.exists()
                and wanted.resolve() == lp.path.resolve()
            ):
                return lp
        if wanted.suffix in (".yaml", ".yml") and wanted.is_file():
            from pejling.spec.load import load_model
            from pejling.spec.policy import Policy

            # a policy file outside the workspace's policies/ folder, judged on its data
            policy, source = load_model(Policy, wanted, str(wanted))
            return LoadedPolicy(policy, wanted.resolve(), source)
        from pejling.suggest import did_you_mean

        hint = did_you_mean(key, [lp.policy.id for lp in policies])
        raise WorkspaceError(
            f"no policy '{key}' in {self.policies_dir}; known: {', '.join(lp.policy.id for lp in policies)}"
            + (f"; {hint}" if hint else "")
        )

    def display(self, path: Path) -> str:
        """Path relative to the workspace for messages."""
        try:
            return str(path.resolve().relative_to(self.root))
        except ValueError:
            return str(path)
