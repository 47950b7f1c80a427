"""What `pejling status` prints, judged or loaded from the workspace's cache (`pejling.cache`).

Judging is most of the command's time — every goal of every policy, a national policy in all 98
municipalities, and the joint disclosure control of the whole publication (a status may not
rest on a figure the reports suppress) — and it depends only on the workspace's files, so its
result is cached. This module imports only what prints a cached result; the evaluation, the
report model and DuckDB are imported when a status must be judged.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pejling.cache import Key, cached, slot_name, workspace_key
from pejling.cli.output import PolicyStatuses

if TYPE_CHECKING:
    from pejling.national.status_model import NationalStatus
    from pejling.periods import Period
    from pejling.workspace import Workspace


@dataclass(frozen=True)
class MunicipalStatus:
    """The statuses of one or all of the workspace's municipal policies, and the ids of its
    national policies (which `pejling status` names at the end: they are judged one by one)."""

    policies: tuple[PolicyStatuses, ...]
    national: tuple[str, ...]


def status_of(
    ws: Workspace, policy: str | None, as_of: Period | None, lang: str, *, use_cache: bool = True
) -> MunicipalStatus | NationalStatus:
    """What `pejling status [POLICY] --as-of … --lang …` prints: a national policy's matrix,
    else the municipal policies' statuses (one, or all when `policy` is None)."""

    def key() -> Key:
        k = workspace_key("status", ws).add("policy", policy).add("as_of", repr(as_of))
        k.add("lang", lang)
        if policy is not None and Path(policy).suffix in (".yaml", ".yml"):
            # a policy file named by path, maybe outside the workspace's policies/
            k.add("policy-path", str(Path(policy).resolve())).file("policy-file", Path(policy))
        return k

    return cached(
        ws.root,
        slot_name("status", policy, repr(as_of), lang),
        key,
        lambda: judge_status(ws, policy, as_of, lang),
        use=use_cache,
    )


def judge_status(
    ws: Workspace, policy: str | None, as_of: Period | None, lang: str
) -> MunicipalStatus | NationalStatus:
    """Judge what `status_of` returns (no cache)."""
    if policy:
        found = ws.find_policy(policy)
        if found.policy.is_national:
            from pejling.cli.national_status import judge

            return judge(ws, found, as_of, lang)
    from pejling.cli.app import workspace_reports

    reports = workspace_reports(ws, policy, as_of, lang)
    national = tuple(lp.policy.id for lp in ws.load_policies() if lp.policy.is_national)
    return MunicipalStatus(tuple(PolicyStatuses.of(r) for r in reports), national)
