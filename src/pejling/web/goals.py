"""The workspace's goals and verdicts as the web shows them — read, never re-judged by a page.

One judgement of the whole workspace (`Judged`: the municipal reports, the statuses
`pejling status` prints, and every national policy's matrix) is made per state of the
workspace — its fingerprint `pejling.cache.workspace_key` (policies, settings, the store's file,
pejling's code, today's date) — and shared by every page and every server process:

- A process keeps the state it serves in memory. When the fingerprint changes (an import
  swapped a new store in, a policy was saved), it loads the new judgement from the workspace's
  cache (`.pejling/cache/`) when another process has made it.
- Otherwise one process judges (a file lock: never four gunicorn workers at once on the same
  work) and the others wait for it only when they have nothing to show. A process that already
  serves a state of the same workspace keeps serving it while the new one is judged in a
  background thread: readers see the last judged state, marked as being updated
  (`is_updating`), instead of waiting seconds (a national store: tens of seconds).
- The import job judges the new state right after it swaps the store in (`warm`), and a
  policy saved in the editor is judged before the editor answers, so the editor sees the
  status follow the change at once.

The overview and the goal page read the same `Judged`, which holds exactly what
`pejling status` prints (`pejling.cli.status_data.judge_status`), so the CLI and the web
cannot disagree.
"""

from __future__ import annotations

import atexit
import fcntl
import logging
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings

from pejling import cache
from pejling.cache import Key, workspace_key
from pejling.cli.status_data import MunicipalStatus, judge_status
from pejling.evaluation.status import GoalStatus
from pejling.workspace import Workspace

if TYPE_CHECKING:
    from pejling.national.status_model import NationalStatus
    from pejling.report.model import GoalSection, Report

LANG = "da"
KIND = "web-judged"
SLOT = cache.slot_name(KIND, LANG)
LOCK_FILE = "web-judged.lock"
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Judged:
    """Everything the pages show about goals, for one state of one workspace."""

    root: str
    digest: str
    reports: list[Report]
    status: MunicipalStatus
    national: dict[str, NationalStatus]


_lock = threading.Lock()
_current: Judged | None = None
_refresh: threading.Thread | None = None
_failed: tuple[str, str] | None = None  # (digest, why): a state that could not be judged


def workspace() -> Workspace:
    """The workspace the application serves (`PEJLING_WORKSPACE`)."""
    return Workspace.open(settings.PEJLING_WORKSPACE)


def _key(ws: Workspace) -> Key:
    return workspace_key(KIND, ws).add("lang", LANG)


def judged(ws: Workspace) -> Judged:
    """The judged state to show: the current one, or the last one while it is being judged."""
    global _current, _refresh
    digest = _key(ws).digest()
    root = str(ws.root.resolve())
    with _lock:
        current = _current
    if current is not None and current.root == root and current.digest == digest:
        _clear_failure(digest)
        return current
    found = cache.load(ws.root, SLOT, digest)
    if isinstance(found, Judged) and found.root == root:
        with _lock:
            _current = found
        _clear_failure(digest)
        return found
    if current is None or current.root != root:  # nothing to show meanwhile: wait for it
        state = warm(ws)
        with _lock:
            _current = state
        return state
    with _lock:
        failed = _failed is not None and _failed[0] == digest
        if not failed and (_refresh is None or not _refresh.is_alive()):
            _refresh = threading.Thread(
                target=_judge_in_background,
                args=(ws.root, digest),
                name="pejling-judge",
                daemon=True,
            )
            _refresh.start()
    return current


def failure() -> str | None:
    """Why the workspace's newest state could not be judged (the pages show the last judged
    state meanwhile), or None."""
    with _lock:
        return _failed[1] if _failed is not None else None


def is_updating() -> bool:
    """Whether this process is judging a new state of the workspace in the background (its
    pages meanwhile show the previous one)."""
    with _lock:
        return _refresh is not None and _refresh.is_alive()


@atexit.register
def _let_the_judgement_finish() -> None:
    """At exit, wait (a while) for a judgement running in the background: a thread stopped
    inside DuckDB as the interpreter ends aborts the process."""
    with _lock:
        thread = _refresh
    if thread is not None and thread.is_alive():
        thread.join(timeout=EXIT_WAIT_SECONDS)


#: how long the process waits at exit for a background judgement
EXIT_WAIT_SECONDS = 60.0


def _clear_failure(digest: str) -> None:
    global _failed
    with _lock:
        if _failed is not None and _failed[0] != digest:
            _failed = None


def _judge_in_background(root: Path, digest: str) -> None:
    global _current, _failed
    try:
        state = warm(Workspace.open(root))
    except Exception as exc:  # not again for this state: say so on the pages
        log.error("judging the workspace failed: %s", type(exc).__name__)
        with _lock:
            _failed = (digest, _why(exc))
        return
    with _lock:
        _current = state


def _why(exc: Exception) -> str:
    """What the pages say when a new state could not be judged (no data from the message
    of an unexpected error: only its type)."""
    from pejling.errors import UserError

    if isinstance(exc, UserError):
        return str(exc).splitlines()[0][:300]
    return f"en fejl i programmet ({type(exc).__name__}); se serverens log"


def warm(ws: Workspace) -> Judged:
    """Judge the workspace's current state once for every process (under a file lock) and
    keep it in the cache; another process that finds it judged loads it instead."""
    folder = ws.root / cache.CACHE_DIR
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    with (folder / LOCK_FILE).open("a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            key = _key(ws)
            found = cache.load(ws.root, SLOT, key.digest())
            if isinstance(found, Judged):
                return found
            _settle(key)
            digest = _key(ws).digest()
            return cache.cached(ws.root, SLOT, lambda: _key(ws), lambda: _judge(ws, digest))
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _settle(key: Key) -> None:
    """Wait (at most a few seconds) until the store's last write is old enough for the result
    to be kept (`pejling.cache.SETTLE_NS`): right after an import swapped the store in, a
    result judged at once could not be shared, and every process would judge again."""
    deadline = time.monotonic() + cache.SETTLE_NS / 1e9 + 1
    while not key.settled(time.time_ns()) and time.monotonic() < deadline:
        time.sleep(0.1)


def _judge(ws: Workspace, digest: str) -> Judged:
    """The judgement, labelled with the fingerprint taken before it began (a later label could
    name a state that changed while it was judged)."""
    from pejling.cli.app import workspace_reports
    from pejling.cli.output import PolicyStatuses

    reports = workspace_reports(ws, None, None, LANG)
    national_ids = tuple(lp.policy.id for lp in ws.load_policies() if lp.policy.is_national)
    status = MunicipalStatus(tuple(PolicyStatuses.of(r) for r in reports), national_ids)
    national: dict[str, NationalStatus] = {}
    for pid in national_ids:
        result = judge_status(ws, pid, None, LANG)
        assert not isinstance(result, MunicipalStatus)  # a national policy gives its matrix
        national[pid] = result
    return Judged(str(ws.root.resolve()), digest, reports, status, national)


@dataclass(frozen=True)
class GoalRow:
    """One goal or key figure of the overview: its policy, theme title and verdict."""

    policy_id: str
    theme_title: str
    anchor: str
    status: GoalStatus
    synthetic: bool


def municipal_status(ws: Workspace) -> MunicipalStatus:
    """What `pejling status` prints for all municipal policies."""
    return judged(ws).status


def national_status(ws: Workspace, policy_id: str) -> NationalStatus | None:
    """What `pejling status POLICY` prints for a national policy (None: no such policy)."""
    return judged(ws).national.get(policy_id)


def theme_titles(ws: Workspace) -> dict[tuple[str, str], str]:
    """Theme titles by (policy id, theme id)."""
    return {(lp.policy.id, t.id): t.title for lp in ws.load_policies() for t in lp.policy.themes}


def policy_titles(ws: Workspace) -> dict[str, str]:
    """Policy titles by policy id."""
    return {lp.policy.id: lp.policy.title for lp in ws.load_policies()}


def overview_rows(ws: Workspace, code: int) -> list[GoalRow]:
    """Every goal and key figure of the municipality's policies, in document order."""
    from pejling.report.model import section_anchor

    titles = theme_titles(ws)
    rows = []
    for policy in municipal_status(ws).policies:
        for s in policy.statuses:
            if s.municipality_code != code:
                continue
            rows.append(
                GoalRow(
                    policy.policy_id,
                    titles.get((policy.policy_id, s.theme_id), s.theme_id),
                    section_anchor(s.goal_id, s.is_key_figure),
                    s,
                    s.synthetic,
                )
            )
    return rows


def reports(ws: Workspace) -> list[Report]:
    """The workspace's municipal reports as `pejling status` judges them."""
    return judged(ws).reports


def goal_section(
    ws: Workspace, code: int, policy_id: str, anchor: str
) -> tuple[Report, GoalSection] | None:
    """The report and section of one goal of the municipality (None: no such goal there)."""
    for report in reports(ws):
        if report.policy.id != policy_id or report.policy.municipality != code:
            continue
        for section in report.goals():
            if section.anchor == anchor:
                return report, section
    return None
