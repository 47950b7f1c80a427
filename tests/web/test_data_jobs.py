"""Uploads become import jobs: the result, the CLI's precise errors, who may import what, the
job page and its JSON status, and the real database backend run by its worker."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from pytest_django.fixtures import Settings as SettingsWrapper

from pejling.store.database import Store
from pejling.store.queries import import_log
from pejling.web.models import AuditEvent, Job
from pejling.web.roles import Role
from tests.web.conftest import OTHER, OWN, make_user
from tests.web.data_helpers import BAD, DATABASE, FOREIGN, GOOD, IMMEDIATE, own_copy


@pytest.fixture
def ws(web_ws: Path, tmp_path: Path, settings: SettingsWrapper) -> Path:
    settings.TASKS = IMMEDIATE
    return own_copy(web_ws, tmp_path, settings)


def _steward(name: str = "data", code: int = OWN, role: Role = Role.DATA_STEWARD) -> Client:
    client = Client()
    client.force_login(make_user(name, role, code))
    return client


def _upload(client: Client, name: str, text: str | bytes, kind: str = "observations") -> Any:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return client.post(
        f"/kommune/{OWN}/data/", {"kind": kind, "file": SimpleUploadedFile(name, data)}
    )


def _log(ws: Path) -> list[tuple[str, str]]:
    with Store.open(ws / "pejling.duckdb", read_only=True) as store:
        return [(r.file, r.outcome) for r in import_log(store, 5)]


@pytest.mark.django_db
def test_an_upload_is_imported_and_the_job_shows_the_counts(ws: Path) -> None:
    client = _steward()
    response = _upload(client, "ledighed 2099.csv", GOOD)
    assert response.status_code == 303
    job = Job.objects.get()
    assert response["Location"] == f"/kommune/{OWN}/data/job/{job.pk}/"
    assert (job.state, job.progress, job.file_name) == ("done", 1.0, "ledighed_2099.csv")
    assert "ledighed_2099.csv: 2 rækker indlæst" in job.result, job.result
    assert _log(ws)[0] == ("ledighed_2099.csv", "imported")
    page = client.get(response["Location"]).content.decode()
    assert "2 rækker indlæst" in page
    assert 'value="1.000"' in page
    status = client.get(f"/kommune/{OWN}/data/job/{job.pk}/status/").json()
    assert status == {
        "state": "done", "label": "færdig", "progress": 1.0, "percent": "100 %",
        "message": "Færdig", "finished": True,
    }  # fmt: skip
    kinds = list(AuditEvent.objects.values_list("kind", flat=True))
    assert AuditEvent.Kind.UPLOAD in kinds
    assert AuditEvent.Kind.IMPORT_DONE in kinds
    # the upload is gone when the job has ended; the data page lists job and log
    assert not (ws / ".pejling" / "uploads" / str(job.pk)).exists()
    data_page = client.get(f"/kommune/{OWN}/data/").content.decode()
    assert "ledighed_2099.csv" in data_page
    assert "indlæst" in data_page
    # the same file again changes nothing, as `pejling import` says
    _upload(client, "ledighed 2099.csv", GOOD)
    assert _log(ws)[0] == ("ledighed_2099.csv", "unchanged")


def _cli_error(ws: Path, tmp_path: Path, text: str) -> str:
    other = tmp_path / "cli"
    other.mkdir()
    path = other / "ledighed.csv"
    path.write_text(text, encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "pejling", "import", str(path), "-w", str(ws)],
        capture_output=True, text=True, check=False,
        env={**os.environ, "COLUMNS": "1000", "NO_COLOR": "1"},
    )  # fmt: skip
    assert proc.returncode == 1, proc.stderr
    return " ".join((proc.stdout + proc.stderr).split())


@pytest.mark.django_db
def test_a_bad_row_gives_the_cli_error_and_leaves_the_data_as_they_were(
    ws: Path, tmp_path: Path
) -> None:
    client = _steward()
    response = _upload(client, "ledighed.csv", BAD)
    job = Job.objects.get()
    assert job.state == "failed"
    assert "ledighed.csv:3" in job.error, job.error
    # the very text `pejling import` prints for the same file
    cli = _cli_error(ws, tmp_path, BAD)
    for line in job.error.splitlines():
        assert " ".join(line.split()) in cli, (line, cli)
    page = client.get(response["Location"]).content.decode()
    assert "Intet blev indlæst" in page
    assert "ledighed.csv:3" in page
    # logged as rejected (as the CLI logs it); nothing else changed
    assert _log(ws)[0] == ("ledighed.csv", "rejected")


@pytest.mark.django_db
def test_rows_of_another_municipality_are_refused(ws: Path) -> None:
    before = (ws / "pejling.duckdb").read_bytes()
    _upload(_steward(), "blandet.csv", FOREIGN)
    job = Job.objects.get()
    assert job.state == "failed"
    assert job.error == (
        "Filen har rækker for kommuner, du ikke er dataansvarlig for, og er ikke indlæst: "
        "Kalundborg (326): række 3, 4. Du kan indlæse rækker for: Roskilde (265)."
    )
    assert (ws / "pejling.duckdb").read_bytes() == before


@pytest.mark.django_db
def test_a_national_data_steward_may_import_any_municipality(ws: Path) -> None:
    _upload(_steward("national", 0), "blandet.csv", FOREIGN)
    assert Job.objects.get().state == "done"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "kind", "content", "error"),
    [
        ("tal.txt", "observations", b"x", "tal.txt: en observationsfil skal være CSV eller XLSX"),
        ("tom.csv", "observations", b"", "Filen er tom."),
        ("udtraek.zip", "register", b"PK", "Registerudtræk kan kun indlæses af en dataansvarlig på nationalt niveau"),
    ],
)  # fmt: skip
def test_the_form_refuses_with_a_precise_danish_error(
    ws: Path, name: str, kind: str, content: bytes, error: str
) -> None:
    response = _upload(_steward(), name, content, kind)
    assert response.status_code == 200  # the form again, with the error
    assert error in response.content.decode()
    assert not Job.objects.exists()


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.django_db
def test_a_register_zip_without_register_files_is_refused(ws: Path) -> None:
    archive = _zip({"../../hemmelig.txt": b"x", "noter/manifest.json": b"{}"})
    response = _upload(_steward("national", 0), "udtraek.zip", archive, "register")
    assert response.status_code == 303
    job = Job.objects.get()
    assert job.state == "failed"
    assert job.error.startswith("udtraek.zip: .zip-filen indeholder ingen registerfiler;")
    assert not (ws / ".pejling" / "uploads" / str(job.pk)).exists()
    assert not list(ws.rglob("hemmelig.txt"))


@pytest.mark.django_db
def test_a_national_data_steward_imports_a_register_extract(
    ws: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The demo's extract, zipped in a folder with files that are no table (skipped, as
    `pejling import FOLDER` skips them); pseudonymised with the key from the environment."""
    monkeypatch.setenv("PEJLING_PSEUDONYM_KEY", "en-test-noegle-" + "k" * 30)
    folder = ws / "imports" / "register"
    archive = _zip({f"udtraek/{p.name}": p.read_bytes() for p in sorted(folder.iterdir())})
    response = _upload(_steward("national", 0), "udtraek 2024.zip", archive, "register")
    assert response.status_code == 303
    job = Job.objects.get()
    assert job.state == "done", job.error
    assert "calibration.csv: ikke en registertabel, sprunget over" in job.result, job.result
    # the register's figures are computed in the same job, as `pejling compute` would
    assert "indikatorer beregnet fra SYNTETISKE registerdata" in job.result, job.result
    assert _log(ws)[0][1] in ("imported", "unchanged")


@pytest.mark.django_db
def test_a_register_extract_without_the_key_gives_the_cli_message(
    ws: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PEJLING_PSEUDONYM_KEY", raising=False)
    archive = _zip({"persons.csv": b"cpr\n0101011234\n"})
    _upload(_steward("national", 0), "udtraek.zip", archive, "register")
    job = Job.objects.get()
    assert job.state == "failed"
    assert job.error.startswith("nøglen til pseudonymisering af CPR-numre er ikke sat")
    assert "0101011234" not in job.error


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "code", "own"),
    [
        (Role.READER, OWN, 403),
        (Role.EDITOR, OWN, 403),  # an import job is the data stewards'
        (Role.DATA_STEWARD, OWN, 200),
        (Role.ADMINISTRATOR, OWN, 200),
        (Role.DATA_STEWARD, 0, 200),  # a national data steward reaches every municipality
        (Role.NATIONAL_ANALYST, 0, 403),
    ],
)
def test_who_sees_an_import_job(ws: Path, role: Role, code: int, own: int) -> None:
    job = Job.objects.create(kind=Job.Kind.IMPORT, municipality=OWN, file_name="a.csv")
    client = _steward("who", code, role)
    assert client.get(f"/kommune/{OWN}/data/job/{job.pk}/").status_code == own
    assert client.get(f"/kommune/{OWN}/data/job/{job.pk}/status/").status_code == own
    # Roskilde's job asked for under Kalundborg's address: not there, or not theirs
    other = client.get(f"/kommune/{OTHER}/data/job/{job.pk}/").status_code
    assert other == (404 if code == 0 and own == 200 else 403)


@pytest.mark.django_db(transaction=True)
def test_the_database_backend_and_its_worker_run_the_job(
    web_ws: Path, tmp_path: Path, settings: SettingsWrapper
) -> None:
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = DATABASE
    ws = own_copy(web_ws, tmp_path, settings)
    response = _upload(_steward(), "ledighed.csv", GOOD)
    assert response.status_code == 303
    job = Job.objects.get()
    assert job.state == "queued"  # the request only queues it
    assert DBTaskResult.objects.get().status == "READY"
    Worker(
        queue_names=["default"], interval=0, batch=True, backend_name="default",
        startup_delay=False, max_tasks=None, worker_id="test", excluded_queue_names=[],
    ).run()  # fmt: skip
    job.refresh_from_db()
    assert job.state == "done", job.error
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    assert _log(ws)[0] == ("ledighed.csv", "imported")


@pytest.mark.django_db
def test_a_job_left_running_by_a_killed_worker_is_marked_interrupted(ws: Path) -> None:
    from pejling.web.jobs.run import INTERRUPTED, abandon_interrupted
    from pejling.web.jobs.uploads import job_dir

    left = Job.objects.create(kind=Job.Kind.IMPORT, municipality=OWN, state=Job.State.RUNNING)
    done = Job.objects.create(kind=Job.Kind.IMPORT, municipality=OWN, state=Job.State.DONE)
    upload = job_dir(ws.resolve(), left.pk)
    upload.mkdir(parents=True)
    (upload / "udtraek.zip").write_bytes(b"person-level data")
    assert abandon_interrupted() == 1
    assert not upload.exists()  # the killed job's upload is not left behind
    left.refresh_from_db()
    done.refresh_from_db()
    assert (left.state, left.error) == (Job.State.FAILED, INTERRUPTED)
    assert done.state == Job.State.DONE
    assert abandon_interrupted() == 0


@pytest.mark.django_db
def test_the_whole_import_log_is_shown_to_the_national_data_steward_only(ws: Path) -> None:
    """The store's import log names every file loaded into the shared workspace (the national
    register's too); a municipality's data steward sees their own jobs instead."""
    _upload(_steward(), "ledighed.csv", GOOD)
    municipal = _steward("kommunal").get(f"/kommune/{OWN}/data/").content.decode()
    assert "vises derfor kun for dataansvarlige på nationalt niveau" in municipal
    assert "ledighed.csv" in municipal  # the municipality's own job
    national = _steward("national", 0).get(f"/kommune/{OWN}/data/").content.decode()
    assert "pejling imports" in national
    assert national.count("ledighed.csv") >= 2  # the job and the import log


def test_an_upload_name_never_carries_a_cpr_number() -> None:
    from pejling.web.jobs.uploads import safe_name

    assert safe_name("udtraek_0101901234.zip") == "udtraek_cpr-skjult.zip"
    assert safe_name("udtræk 2024.zip") == "udtraek_2024.zip"
    assert safe_name("../../ledighed.csv") == "ledighed.csv"
