"""The policy version service: found, outside, web and import versions; refused saves (stale
hash, lint errors, no reason, another id); the atomic replace; and the status that follows a
save, the same as `pejling status` prints."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from pytest_django.fixtures import Settings as SettingsWrapper

from pejling.web import policy_versions as pv
from pejling.web.goals import municipal_status
from pejling.web.models import AuditEvent, PolicyVersion
from pejling.web.roles import Role
from pejling.workspace import Workspace
from tests.web.conftest import make_user

POLICY = "roskilde-2015"


@pytest.fixture
def ws_copy(web_ws: Path, tmp_path: Path, settings: SettingsWrapper) -> Path:
    """A copy of the demo workspace the test may change (the application serves it)."""
    out = tmp_path / "ws"
    shutil.copytree(web_ws, out, ignore=shutil.ignore_patterns("reports", "imports"))
    settings.PEJLING_WORKSPACE = out
    return out


def _file(ws: Path) -> Path:
    return ws / "policies" / f"{POLICY}.yaml"


def _editor() -> User:
    return make_user("redaktoer", Role.EDITOR)


@pytest.mark.django_db
def test_sync_records_found_then_outside_changes(ws_copy: Path) -> None:
    ws = Workspace.open(ws_copy)
    found = pv.sync(ws)
    assert set(found) >= {POLICY, "kalundborg-2019", "nationale-maal"}
    first = found[POLICY]
    assert (first.number, first.origin, first.municipality) == (1, pv.FOUND, 265)
    assert first.text == _file(ws_copy).read_text(encoding="utf-8")
    assert pv.sync(ws)[POLICY].number == 1  # nothing changed: nothing recorded
    assert found["nationale-maal"].municipality == 0
    path = _file(ws_copy)
    path.write_text(path.read_text(encoding="utf-8") + "# redigeret i en teksteditor\n", "utf-8")
    second = pv.sync(ws)[POLICY]
    assert (second.number, second.origin) == (2, pv.OUTSIDE)
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.POLICY_OUTSIDE).count() == 1


def _changed(text: str) -> str:
    return text.replace("target: {kind: level, value: 75}", "target: {kind: level, value: 69}")


@pytest.mark.django_db
def test_save_records_a_web_version_and_replaces_the_file(ws_copy: Path) -> None:
    ws = Workspace.open(ws_copy)
    user = _editor()
    path = _file(ws_copy)
    old = path.read_text(encoding="utf-8")
    inode = path.stat().st_ino
    made = pv.save(ws, POLICY, _changed(old), user, "Nyt måltal", pv.sha256(old), pv.WEB)
    assert (made.number, made.origin, made.author, made.reason) == (2, pv.WEB, user, "Nyt måltal")
    assert path.read_text(encoding="utf-8") == _changed(old) == made.text
    assert made.sha256 == pv.sha256(made.text)
    assert path.stat().st_ino != inode  # renamed over, not written in place
    assert sorted(p.name for p in path.parent.iterdir() if p.name.startswith(".")) == []
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.POLICY_CHANGE)
    assert event.user == user
    assert "Nyt måltal" in event.detail
    assert event.municipality == 265


@pytest.mark.django_db
def test_a_stale_hash_is_refused_in_danish(ws_copy: Path) -> None:
    ws = Workspace.open(ws_copy)
    path = _file(ws_copy)
    old = path.read_text(encoding="utf-8")
    pv.sync(ws)
    path.write_text(old + "# en anden var her\n", encoding="utf-8")
    with pytest.raises(pv.SaveRefused) as refused:
        pv.save(ws, POLICY, _changed(old), _editor(), "Nyt måltal", pv.sha256(old), pv.WEB)
    assert refused.value.message == pv.STALE
    assert "ændret, siden du åbnede den" in pv.STALE
    # the outside change became a version; the refused text did not
    assert [v.origin for v in pv.versions(POLICY)] == [pv.OUTSIDE, pv.FOUND]
    assert path.read_text(encoding="utf-8") == old + "# en anden var her\n"


@pytest.mark.django_db
def test_lint_errors_refuse_the_save_and_warnings_do_not(ws_copy: Path) -> None:
    ws = Workspace.open(ws_copy)
    path = _file(ws_copy)
    old = path.read_text(encoding="utf-8")
    bad = old.replace("target: {kind: level, value: 75}", "target: {kind: level, value: 60}")
    user = _editor()
    with pytest.raises(pv.SaveRefused) as refused:
        pv.save(ws, POLICY, bad, user, "Lavere mål", pv.sha256(old), pv.WEB)
    rules = {i.rule for i in pv.errors(refused.value.issues)}
    assert rules == {"target-against-direction"}
    issue = pv.errors(refused.value.issues)[0]
    assert issue.path == ("themes", 1, "goals", 1, "target", "value")
    assert path.read_text(encoding="utf-8") == old
    assert not PolicyVersion.objects.filter(origin=pv.WEB).exists()
    # the demo policy has warnings (e.g. no-measurement on maal-3b): they do not block
    assert pv.save(ws, POLICY, _changed(old), user, "ok", pv.sha256(old), pv.WEB).number == 2


@pytest.mark.django_db
def test_reason_and_identity_are_required(ws_copy: Path) -> None:
    ws = Workspace.open(ws_copy)
    old = _file(ws_copy).read_text(encoding="utf-8")
    user = _editor()
    with pytest.raises(pv.SaveRefused, match="hvorfor"):
        pv.save(ws, POLICY, _changed(old), user, "  ", pv.sha256(old), pv.WEB)
    renamed = _changed(old).replace(f"id: {POLICY}\n", "id: roskilde-ny\n", 1)
    with pytest.raises(pv.SaveRefused, match="id kan ikke ændres"):
        pv.save(ws, POLICY, renamed, user, "nyt id", pv.sha256(old), pv.WEB)
    moved = _changed(old).replace("municipality: 265\n", "municipality: 326\n", 1)
    with pytest.raises(pv.SaveRefused, match="kommune"):
        pv.save(ws, POLICY, moved, user, "ny kommune", pv.sha256(old), pv.WEB)


@pytest.mark.django_db
def test_a_failed_replace_leaves_file_and_history_unchanged(
    ws_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = Workspace.open(ws_copy)
    path = _file(ws_copy)
    old = path.read_text(encoding="utf-8")
    pv.sync(ws)

    def broken(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken)
    with pytest.raises(OSError, match="disk full"):
        pv.save(ws, POLICY, _changed(old), _editor(), "Nyt måltal", pv.sha256(old), pv.WEB)
    assert path.read_text(encoding="utf-8") == old
    assert [v.number for v in pv.versions(POLICY)] == [1]
    assert not AuditEvent.objects.filter(kind=AuditEvent.Kind.POLICY_CHANGE).exists()
    assert [p.name for p in path.parent.iterdir() if p.name.startswith(".")] == []


@pytest.mark.django_db
def test_import_is_a_version_and_export_import_round_trips_exactly(ws_copy: Path) -> None:
    ws = Workspace.open(ws_copy)
    path = _file(ws_copy)
    first = pv.sync(ws)[POLICY]
    exported = first.text  # what web:policy_export sends, byte for byte
    user = _editor()
    second = pv.save(ws, POLICY, _changed(exported), user, "ændret", first.sha256, pv.WEB)
    third = pv.save(ws, POLICY, exported, user, "tilbage", second.sha256, pv.IMPORT)
    assert third.origin == pv.IMPORT
    assert third.text == exported
    assert path.read_bytes() == exported.encode("utf-8")
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.POLICY_IMPORT).count() == 1


@pytest.mark.django_db
def test_the_status_after_a_save_is_what_pejling_status_prints(ws_copy: Path) -> None:
    ws = Workspace.open(ws_copy)

    def web_status() -> str:
        rows = municipal_status(ws).policies
        found = [s for p in rows for s in p.statuses if p.policy_id == POLICY]
        return next(s.status.value for s in found if s.goal_id == "maal-3b")

    assert web_status() == "not_achieved"
    old = _file(ws_copy).read_text(encoding="utf-8")
    pv.save(ws, POLICY, _changed(old), _editor(), "Nyt måltal", pv.sha256(old), pv.WEB)
    assert web_status() == "achieved"
    cli = subprocess.run(
        [sys.executable, "-m", "pejling", "status", POLICY, "-w", str(ws_copy), "-f", "json"],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
    )
    printed = {row["goal"]: row["status"] for row in json.loads(cli.stdout)}
    assert printed["maal-3b"] == "achieved"
    rows = municipal_status(ws).policies
    web = {s.goal_id: s.status.value for p in rows if p.policy_id == POLICY for s in p.statuses}
    assert web == printed


def test_the_lock_keeps_other_processes_out(ws_copy: Path) -> None:
    ws = Workspace.open(ws_copy)
    lock = ws_copy / ".pejling" / pv.LOCK_NAME
    probe = (
        "import fcntl, sys\n"
        "with open(sys.argv[1], 'a+b') as f:\n"
        "    try:\n"
        "        fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)\n"
        "    except BlockingIOError:\n"
        "        print('busy')\n"
        "    else:\n"
        "        print('free')\n"
    )

    def other_process() -> str:
        run = subprocess.run(
            [sys.executable, "-c", probe, str(lock)], capture_output=True, text=True, check=True
        )
        return run.stdout.strip()

    with pv.locked(ws):
        assert other_process() == "busy"
    assert other_process() == "free"
