"""The reports page: downloads for readers, "Dan rapport" and "Udgiv sitet" for editors (as
jobs reusing `pejling report` and `pejling publish`), and the audit of both."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from pytest_django.fixtures import Settings as SettingsWrapper

from pejling.web.jobs import run
from pejling.web.models import AuditEvent, Job
from pejling.web.roles import Role
from tests.web.conftest import OTHER, OWN, make_user
from tests.web.data_helpers import DATABASE, IMMEDIATE, own_copy


def _client(role: Role, code: int = OWN) -> Client:
    client = Client()
    client.force_login(make_user(f"u-{role}", role, code))
    return client


@pytest.mark.django_db
def test_readers_download_the_written_reports_and_see_no_buttons(web_ws: Path) -> None:
    client = _client(Role.READER)
    page = client.get(f"/kommune/{OWN}/rapporter/").content.decode()
    assert f"/kommune/{OWN}/rapporter/roskilde-2015/pdf/" in page
    assert f"/kommune/{OWN}/rapporter/roskilde-2015/xlsx/" in page
    assert "Hent PDF (2018)" in page
    assert "Dan rapport" not in page
    assert "Udgiv sitet" not in page
    assert "kalundborg" not in page  # another municipality's policy
    response = client.get(f"/kommune/{OWN}/rapporter/roskilde-2015/pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="roskilde-2015-status-2018.pdf"' in response["Content-Disposition"]
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.REPORT)
    assert (event.username, event.municipality, event.detail) == (
        "u-reader", OWN, "hentet: roskilde-2015-status-2018.pdf"
    )  # fmt: skip
    for url in (
        f"/kommune/{OWN}/rapporter/roskilde-2015/docx/",  # only PDF and Excel
        f"/kommune/{OWN}/rapporter/kalundborg-2019/pdf/",  # not Roskilde's policy
        f"/kommune/{OWN}/rapporter/findes-ikke/pdf/",
    ):
        assert client.get(url).status_code == 404, url


@pytest.mark.django_db
def test_a_report_not_written_yet_is_404(
    web_ws: Path, tmp_path: Path, settings: SettingsWrapper
) -> None:
    ws = own_copy(web_ws, tmp_path, settings)
    for old in ws.glob("reports/roskilde-2015-status-*"):
        old.unlink()
    client = _client(Role.READER)
    assert client.get(f"/kommune/{OWN}/rapporter/roskilde-2015/pdf/").status_code == 404
    assert (
        "Rapporten er ikke dannet endnu."
        in client.get(f"/kommune/{OWN}/rapporter/").content.decode()
    )


@pytest.mark.django_db
def test_an_editor_writes_the_report_as_a_job(
    web_ws: Path, tmp_path: Path, settings: SettingsWrapper, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.TASKS = IMMEDIATE
    monkeypatch.setattr(run, "REPORT_FORMATS", ("xlsx",))  # the PDF takes long; same path
    ws = own_copy(web_ws, tmp_path, settings)
    xlsx = ws / "reports" / "roskilde-2015-status-2018.xlsx"
    xlsx.unlink()
    client = _client(Role.EDITOR)
    page = client.get(f"/kommune/{OWN}/rapporter/").content.decode()
    assert "Dan rapport" in page
    # a shared (national) workspace's site is published from the national level
    assert "Udgiv sitet" not in page
    assert "udgives af en administrator på nationalt niveau" in page
    response = client.post(f"/kommune/{OWN}/rapporter/roskilde-2015/dan/")
    assert response.status_code == 303
    job = Job.objects.get()
    assert (job.kind, job.state, job.policy_id) == ("report", "done", "roskilde-2015")
    assert job.result == "Skrev roskilde-2015-status-2018.xlsx."
    assert xlsx.is_file()
    page = client.get(response["Location"]).content.decode()
    assert "Rapport for roskilde-2015" in page
    assert "Skrev roskilde-2015-status-2018.xlsx." in page
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.REPORT).count() == 1
    # a data steward may not see a report job; a reader may not start one
    steward = _client(Role.DATA_STEWARD)
    assert steward.get(response["Location"]).status_code == 403
    reader = _client(Role.READER)
    assert reader.post(f"/kommune/{OWN}/rapporter/roskilde-2015/dan/").status_code == 403
    # another municipality's policy cannot be written from Roskilde's page
    assert client.post(f"/kommune/{OWN}/rapporter/kalundborg-2019/dan/").status_code == 404


@pytest.mark.django_db
def test_publishing_is_a_job_that_runs_pejling_publish(
    web_ws: Path, tmp_path: Path, settings: SettingsWrapper, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The site itself takes a minute to build (tests/report test `pejling publish`); here the
    job calls it with the workspace's reports and records the summary."""
    from pejling.report import site

    settings.TASKS = IMMEDIATE
    ws = own_copy(web_ws, tmp_path, settings)
    called: dict[str, Any] = {}

    def fake(reports: list[Any], out: Path, **kwargs: Any) -> Any:
        called.update(reports=[r.policy.id for r in reports], out=out, **kwargs)
        kwargs["step"]("forsiden")
        return site.SiteSummary(root=out, pages=3, pdfs=1, workbooks=1)

    monkeypatch.setattr(site, "publish_site", fake)
    # a municipality's administrator does not publish a shared workspace's site
    assert _client(Role.ADMINISTRATOR).post(f"/kommune/{OWN}/rapporter/udgiv/").status_code == 403
    assert not Job.objects.exists()
    national = Client()
    national.force_login(make_user("national-admin", Role.ADMINISTRATOR, 0))
    response = national.post(f"/kommune/{OWN}/rapporter/udgiv/")
    assert response.status_code == 303
    job = Job.objects.get()
    assert (job.kind, job.state) == ("publish", "done"), job.error
    assert job.result == "Skrev webstedet i reports/site: 3 sider, 1 PDF-filer, 1 Excel-filer."
    assert called["out"] == ws / "reports" / "site"
    assert "roskilde-2015" in called["reports"]
    assert called["lang"] == "da"
    assert AuditEvent.objects.get(kind=AuditEvent.Kind.PUBLISH).detail.endswith("3 sider")


@pytest.mark.django_db
def test_a_queued_job_page_waits_with_a_progress_bar(
    web_ws: Path, settings: SettingsWrapper
) -> None:
    settings.TASKS = DATABASE  # no worker runs: the job stays queued
    client = _client(Role.EDITOR)
    response = client.post(f"/kommune/{OWN}/rapporter/roskilde-2015/dan/")
    page = client.get(response["Location"]).content.decode()
    assert '<progress id="bar" max="1" value="0.000">0 %</progress>' in page
    assert "progress.js" in page
    assert 'http-equiv="refresh"' in page
    assert "i kø" in page
    # and Kalundborg's address does not show Roskilde's job
    analyst = _client(Role.NATIONAL_ANALYST, 0)
    assert analyst.get(response["Location"]).status_code == 403
    assert client.get(response["Location"].replace(f"/{OWN}/", f"/{OTHER}/")).status_code == 403


@pytest.mark.django_db
def test_a_municipal_workspace_is_published_by_its_own_editor(
    web_ws: Path, tmp_path: Path, settings: SettingsWrapper
) -> None:
    """In a workspace of one municipality (`[workspace] municipality`), the site is that
    municipality's: its editors publish it, another municipality's page does not."""
    ws = own_copy(web_ws, tmp_path, settings)
    toml = ws / "pejling.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8").replace("municipality = 0", f"municipality = {OWN}", 1),
        encoding="utf-8",
    )
    editor = _client(Role.EDITOR)
    assert "Udgiv sitet" in editor.get(f"/kommune/{OWN}/rapporter/").content.decode()
    from pejling.web.jobs.rules import publish_refusal
    from pejling.web.models import Membership

    user = Membership.objects.get(user__username=f"u-{Role.EDITOR}").user
    assert publish_refusal(user, OWN, OWN) is None
    assert publish_refusal(user, OWN, 0) is not None
    assert publish_refusal(user, OTHER, OWN) is not None
