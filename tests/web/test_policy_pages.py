"""The policy pages through Django's test client, on a copy of the demo workspace: edit and
save, a refused save showing its findings, the live check's JSON, history, diff, export,
import, follow-up and goal comments; another municipality's or a national policy is 404."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from pejling.web import policy_versions as pv
from pejling.web import yaml_edit
from pejling.web.models import AuditEvent
from pejling.web.policy_form import fields, form
from pejling.web.roles import Role
from tests.web.conftest import make_user
from tests.web.test_policy_versions import POLICY, ws_copy  # noqa: F401 (a fixture)

EDIT = f"/kommune/265/politik/{POLICY}/rediger/"
VALUE = "f-themes.1.goals.1.target.value"


def _client(role: Role, name: str = "bruger") -> Client:
    client = Client()
    client.force_login(make_user(name, role))
    return client


def _form(text: str, **changes: str) -> dict[str, str]:
    data = {f.name: f.value for f in fields(form(yaml_edit.load(text)))}
    data.update({"base": pv.sha256(text), "draft": text})
    data.update({k.replace("__", "."): v for k, v in changes.items()})
    return data


def _file(ws: Path) -> Path:
    return ws / "policies" / f"{POLICY}.yaml"


@pytest.mark.django_db
def test_edit_check_and_save(ws_copy: Path) -> None:  # noqa: F811
    client = _client(Role.EDITOR)
    page = client.get(EDIT).content.decode()
    assert f'name="{VALUE}" value="75"' in page
    assert 'id="reason"' in page
    assert "Gem som ny version" in page
    text = _file(ws_copy).read_text(encoding="utf-8")
    # a target below the baseline: refused, the Danish finding next to the field
    data = {**_form(text), VALUE: "60", "action": "save", "reason": "lavere"}
    refused = client.post(EDIT, data).content.decode()
    assert "ret fejlene først" in refused
    field_block = refused.split(f'id="{VALUE}-err"', 1)[1].split("</div></div>", 1)[0]
    assert "Fejl:" in field_block
    assert "forkerte vej" in field_block
    assert 'aria-invalid="true"' in refused.split(f'id="{VALUE}"', 1)[1][:300]
    assert _file(ws_copy).read_text(encoding="utf-8") == text
    # the live check answers the same form
    found = client.post(f"/kommune/265/politik/{POLICY}/tjek/", {**_form(text), VALUE: "60"})
    errors = [f for f in found.json()["findings"] if f["severity"] == "error"]
    assert [e["field"] for e in errors] == [VALUE]
    assert found.json()["errors"] == 1
    # without a reason: refused; with one: saved, redirected to the form
    data = {**_form(text), VALUE: "69", "action": "save", "reason": ""}
    assert "hvorfor" in client.post(EDIT, data).content.decode()
    done = client.post(EDIT, {**data, "reason": "Nyt måltal"})
    assert done.status_code == 302
    assert done["Location"].endswith("?gemt=2")
    assert "value: 69}" in _file(ws_copy).read_text(encoding="utf-8")
    assert "Version 2 er gemt" in client.get(done["Location"]).content.decode()
    # the form opened before the save is now stale
    stale = client.post(EDIT, {**_form(text), VALUE: "70", "action": "save", "reason": "x"})
    assert stale.status_code == 409
    assert "ændret, siden du åbnede den" in stale.content.decode()


@pytest.mark.django_db
def test_add_an_interim_target_redraws_without_saving(ws_copy: Path) -> None:  # noqa: F811
    client = _client(Role.EDITOR)
    text = _file(ws_copy).read_text(encoding="utf-8")
    page = client.post(EDIT, {**_form(text), "action": "add-interim:themes.1.goals.1"})
    html = page.content.decode()
    assert 'name="f-themes.1.goals.1.target.interim.0.value"' in html
    assert "Fjern delmål 1" in html
    assert _file(ws_copy).read_text(encoding="utf-8") == text


@pytest.mark.django_db
def test_history_diff_export_and_import(ws_copy: Path) -> None:  # noqa: F811
    client = _client(Role.EDITOR)
    text = _file(ws_copy).read_text(encoding="utf-8")
    client.post(EDIT, {**_form(text), VALUE: "69", "action": "save", "reason": "Nyt måltal"})
    history = client.get(f"/kommune/265/politik/{POLICY}/versioner/").content.decode()
    assert "Nyt måltal" in history
    assert "gemt i pejling web" in history
    assert "fundet i arbejdsområdet" in history
    diff = client.get(f"/kommune/265/politik/{POLICY}/versioner/1/2/").content.decode()
    assert "<del>        target: {kind: level, value: 75}</del>" in diff
    assert "<ins>        target: {kind: level, value: 69}</ins>" in diff
    assert "tilføjet" in diff
    assert "fjernet" in diff
    exported = client.get(f"/kommune/265/politik/{POLICY}/versioner/1/yaml/")
    assert exported.content == text.encode("utf-8")
    assert "attachment" in exported["Content-Disposition"]
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.POLICY_EXPORT).count() == 1
    upload = SimpleUploadedFile("roskilde-2015-v1.yaml", exported.content, "application/yaml")
    imported = client.post(
        f"/kommune/265/politik/{POLICY}/indlaes/",
        {"fil": upload, "reason": "tilbage til v1", "base": pv.sha256(_file(ws_copy).read_text())},
    )
    assert imported.status_code == 302
    assert _file(ws_copy).read_bytes() == exported.content
    assert pv.versions(POLICY)[0].origin == pv.IMPORT
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.POLICY_IMPORT).count() == 1


@pytest.mark.django_db
def test_followup_and_goal_comment_save_versions(ws_copy: Path) -> None:  # noqa: F811
    client = _client(Role.EDITOR)
    page = client.get("/kommune/265/opfoelgning/").content.decode()
    assert "Næste opfølgning" in page
    assert 'name="f-initiatives.0.status"' in page
    text = _file(ws_copy).read_text(encoding="utf-8")
    done = client.post(
        "/kommune/265/opfoelgning/",
        {
            "policy": POLICY,
            "base": pv.sha256(text),
            "f-initiatives.0.status": "ended",
            "f-initiatives.0.follow_up": "2026-03-01",
            "reason": "Status fra teammødet",
        },
    )
    assert done.status_code == 302
    new = _file(ws_copy).read_text(encoding="utf-8")
    assert "follow_up: 2026-03-01" in new
    assert len(new.splitlines()) == len(text.splitlines()) + 1  # one line added, one changed
    url = f"/kommune/265/maal/{POLICY}/maal-3b/kommentar/"
    assert "Kommentar til Mål 3.B" in client.get(url).content.decode()
    done = client.post(
        url, {"period": "2018", "text": "Målet er justeret.", "base": pv.sha256(new)}
    )
    assert done.status_code == 302
    assert done["Location"].endswith("/maal/roskilde-2015/maal-3b/")
    doc = yaml_edit.load(_file(ws_copy).read_text(encoding="utf-8"))
    comments = yaml_edit.get(doc, ("themes", 1, "goals", 1, "comments"))
    assert [(c["period"], c["text"], c["by"]) for c in comments] == [
        (2018, "Målet er justeret.", "bruger")
    ]
    assert [v.number for v in pv.versions(POLICY)] == [3, 2, 1]


@pytest.mark.django_db
def test_readers_see_no_edit_controls(ws_copy: Path) -> None:  # noqa: F811
    client = _client(Role.READER)
    listing = client.get("/kommune/265/politikker/").content.decode()
    assert "Versioner" in listing
    assert "/rediger/" not in listing
    page = client.get("/kommune/265/opfoelgning/").content.decode()
    assert '<form method="post" class="inline"' not in page
    assert "Næste opfølgning" in page
    assert client.get(EDIT).status_code == 403
    assert client.post("/kommune/265/opfoelgning/", {"policy": POLICY}).status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/kommune/265/politik/kalundborg-2019/rediger/",  # another municipality's policy
        "/kommune/265/politik/nationale-maal/rediger/",  # national goals
        "/kommune/265/politik/nationale-maal/versioner/",
        "/kommune/265/politik/findes-ikke/versioner/",
        f"/kommune/265/politik/{POLICY}/versioner/1/9/",
        f"/kommune/265/maal/{POLICY}/maal-findes-ikke/kommentar/",
    ],
)
def test_what_is_not_the_municipalitys_is_404(web_ws: Path, url: str) -> None:
    client = _client(Role.ADMINISTRATOR)
    assert client.get(url).status_code == 404
