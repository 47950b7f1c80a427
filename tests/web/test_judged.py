"""One judgement per state of the workspace, shared by the server's processes, and the last
one shown while the next is judged (`pejling.web.goals`)."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from pejling.web import goals
from pejling.workspace import Workspace


@pytest.fixture
def ws(demo_dir: Path, tmp_path: Path) -> Workspace:
    root = tmp_path / "ws"
    shutil.copytree(demo_dir, root, ignore=shutil.ignore_patterns("cache"))
    if goals._refresh is not None:  # a judgement another test started
        goals._refresh.join(timeout=120)
    goals._current, goals._refresh, goals._failed = None, None, None
    return Workspace.open(root)


def _touch_store(ws: Workspace) -> None:
    """A write to the store as an import's swap makes one: new times, a new fingerprint."""
    later = time.time_ns() + 10_000_000_000
    os.utime(ws.db_path, ns=(later, later))


def test_a_new_state_is_judged_in_the_background_while_the_last_is_shown(
    ws: Workspace,
) -> None:
    first = goals.judged(ws)  # nothing to show yet: judged on the spot
    assert not goals.is_updating()
    _touch_store(ws)
    shown = goals.judged(ws)
    assert shown is first  # the last judged state, at once
    assert goals.is_updating()
    assert goals._refresh is not None
    goals._refresh.join(timeout=120)
    assert not goals.is_updating()
    fresh = goals.judged(ws)
    assert fresh is not first
    assert fresh.digest != first.digest
    assert fresh.status == first.status  # the same data, only the file's times changed


def test_a_state_judged_by_one_process_is_loaded_by_the_others(
    ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = goals.warm(ws)  # e.g. by the import job, after its swap
    goals._current = None  # another server process: nothing in its memory

    def never(_ws: Workspace) -> goals.Judged:
        raise AssertionError("judged again although the cache has it")

    monkeypatch.setattr(goals, "_judge", never)
    loaded = goals.judged(ws)
    assert loaded.digest == made.digest
    assert loaded.status == made.status


def test_another_workspace_is_never_shown_in_the_meantime(ws: Workspace, tmp_path: Path) -> None:
    goals.judged(ws)
    other_root = tmp_path / "other"
    shutil.copytree(ws.root, other_root, ignore=shutil.ignore_patterns("cache"))
    other = Workspace.open(other_root)
    state = goals.judged(other)
    assert state.root == str(other_root.resolve())
    assert not goals.is_updating()


def test_a_state_that_changes_while_it_is_judged_keeps_the_older_label(
    ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = goals._judge

    def judge_while_an_import_swaps(w: Workspace, digest: str) -> goals.Judged:
        made = real(w, digest)
        _touch_store(w)  # the store changed before the judgement was done
        return made

    monkeypatch.setattr(goals, "_judge", judge_while_an_import_swaps)
    state = goals.judged(ws)
    assert state.digest != goals._key(ws).digest()  # labelled with what it judged
    monkeypatch.setattr(goals, "_judge", real)
    assert goals.judged(ws) is state  # shown meanwhile, and judged again
    assert goals.is_updating()
    assert goals._refresh is not None
    goals._refresh.join(timeout=120)
    assert goals.judged(ws).digest == goals._key(ws).digest()


def test_a_state_that_cannot_be_judged_is_said_once_not_retried(
    ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pejling.errors import UserError

    first = goals.judged(ws)
    calls: list[str] = []

    def refuse(_w: Workspace, digest: str) -> goals.Judged:
        calls.append(digest)
        raise UserError("roskilde-2015.yaml:12: target-against-direction")

    monkeypatch.setattr(goals, "_judge", refuse)
    _touch_store(ws)
    assert goals.judged(ws) is first
    assert goals._refresh is not None
    goals._refresh.join(timeout=120)
    assert goals.failure() == "roskilde-2015.yaml:12: target-against-direction"
    for _ in range(3):
        assert goals.judged(ws) is first  # the last judged state, without judging again
    assert not goals.is_updating()
    assert len(calls) == 1
