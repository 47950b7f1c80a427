"""The policy pages given what no page of theirs sends: odd digits, a form that does not fit
the policy, a file that is not YAML, another municipality's old version, a forged notice. Each
is a precise refusal or a normal page, never a server error or another municipality's text."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from pejling.web import policy_versions as pv
from pejling.web.models import AuditEvent, PolicyVersion
from pejling.web.policy_form import AMBIGUOUS_TEXT
from pejling.web.roles import Role
from pejling.workspace import Workspace
from tests.web.conftest import OTHER, make_user
from tests.web.test_policy_pages import EDIT, _form
from tests.web.test_policy_versions import POLICY, ws_copy  # noqa: F401 (a fixture)

BASE = f"/kommune/265/politik/{POLICY}/"
ODD = ("²", "٣", "9" * 5000)  # str.isdigit says yes; int() refuses the first and the last


def _editor() -> Client:
    client = Client()
    client.force_login(make_user("redaktoer", Role.EDITOR))
    return client


def _file(ws: Path) -> Path:
    return ws / "policies" / f"{POLICY}.yaml"


@pytest.mark.django_db
@pytest.mark.parametrize("odd", ODD)
def test_odd_digits_are_no_server_error(ws_copy: Path, odd: str) -> None:  # noqa: F811
    client = _editor()
    text = _file(ws_copy).read_text(encoding="utf-8")
    assert client.get(BASE + "versioner/", {"a": odd, "b": "1"}).status_code == 200
    # a period field of the editor: a finding next to the field, not a crash
    checked = client.post(EDIT, {**_form(text), "f-period.start": odd, "action": "check"})
    assert checked.status_code == 200
    assert client.post(BASE + "tjek/", {**_form(text), "f-period.start": odd}).status_code == 200
    # a structural action naming a list index in odd digits
    action = f"remove:themes.{odd}.goals.0.target.interim.0"
    assert client.post(EDIT, {**_form(text), "action": action}).status_code in (200, 400)
    # a goal comment's period
    comment = client.post(
        f"/kommune/265/maal/{POLICY}/maal-3b/kommentar/",
        {"period": odd, "text": "Kommentar", "base": pv.sha256(text)},
    )
    assert comment.status_code == 200
    assert "perioden skal være fx 2025" in comment.content.decode()
    assert _file(ws_copy).read_text(encoding="utf-8") == text


@pytest.mark.django_db
def test_a_form_that_does_not_fit_the_policy_is_400(ws_copy: Path) -> None:  # noqa: F811
    client = _editor()
    text = _file(ws_copy).read_text(encoding="utf-8")
    for url in (EDIT, BASE + "tjek/"):
        response = client.post(url, {**_form(text), "action": "add-goal:themes.99"})
        assert response.status_code == 400, url
    assert _file(ws_copy).read_text(encoding="utf-8") == text


@pytest.mark.django_db
def test_a_file_broken_outside_stays_the_municipality_s(ws_copy: Path) -> None:  # noqa: F811
    """Broken by hand outside the application, the file keeps its recorded identity: the
    editor says it is broken, the live check answers, and a repaired text can be imported."""
    client = _editor()
    text = _file(ws_copy).read_text(encoding="utf-8")
    pv.sync(Workspace.open(ws_copy))
    _file(ws_copy).write_text("id: [ikke yaml\n", encoding="utf-8")
    listing = client.get("/kommune/265/politikker/").content.decode()
    assert f"{POLICY}.yaml" in listing
    page = client.get(EDIT)
    assert page.status_code == 200
    assert "web/policy_broken.html" in [t.name for t in page.templates]
    response = client.post(BASE + "tjek/", _form(text))
    assert response.status_code == 200
    found = response.json()
    assert found["errors"] >= 1
    assert {f["field"] for f in found["findings"]} == {"grp-policy"}
    assert [v.origin for v in pv.versions(POLICY)] == [pv.OUTSIDE, pv.FOUND]
    repaired = SimpleUploadedFile(f"{POLICY}.yaml", text.encode("utf-8"), "application/yaml")
    imported = client.post(
        BASE + "indlaes/",
        {"fil": repaired, "reason": "rettet", "base": pv.sha256("id: [ikke yaml\n")},
    )
    assert imported.status_code == 302
    assert _file(ws_copy).read_text(encoding="utf-8") == text


@pytest.mark.django_db
def test_another_municipality_s_version_is_not_shown(ws_copy: Path) -> None:  # noqa: F811
    """A version recorded while the file said Kalundborg (changed outside, or the id used
    again) is Kalundborg's text: Roskilde's pages neither list, compare nor export it."""
    client = _editor()
    pv.sync(Workspace.open(ws_copy))
    first = pv.latest(POLICY)
    assert first is not None
    foreign = PolicyVersion.objects.create(
        policy_id=POLICY,
        number=first.number + 1,
        file_name="kalundborg.yaml",
        municipality=OTHER,
        text="kalundborgs hemmelige tekst\n",
        sha256=pv.sha256("kalundborgs hemmelige tekst\n"),
        origin=pv.OUTSIDE,
    )
    n = foreign.number
    assert client.get(BASE + f"versioner/{n}/yaml/").status_code == 404
    assert client.get(BASE + f"versioner/{first.number}/{n}/").status_code == 404
    history = client.get(BASE + "versioner/").content.decode()
    assert f"versioner/{n}/yaml/" not in history
    # the file itself (Roskilde's) is recorded again after it, and is shown
    assert f"versioner/{n + 1}/yaml/" in history


@pytest.mark.django_db
def test_the_import_notice_shows_only_a_version_number(ws_copy: Path) -> None:  # noqa: F811
    client = _editor()
    forged = client.get(BASE + "versioner/", {"indlaest": "7. Ring til 12345678"})
    assert "Ring til" not in forged.content.decode()
    assert (
        "indlæst som version 7"
        in client.get(BASE + "versioner/", {"indlaest": "7"}).content.decode()
    )


@pytest.mark.django_db
def test_a_change_outside_is_not_put_in_the_name_of_its_first_viewer(
    ws_copy: Path,  # noqa: F811
) -> None:
    pv.sync(Workspace.open(ws_copy))
    path = _file(ws_copy)
    path.write_text(path.read_text(encoding="utf-8") + "# rettet i en teksteditor\n", "utf-8")
    reader = Client()
    reader.force_login(make_user("laeser", Role.READER))
    assert reader.get(BASE + "versioner/").status_code == 200
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.POLICY_OUTSIDE)
    assert (event.user, event.username, event.municipality) == (None, "", 265)
    assert event.detail.endswith("opdaget af laeser")


@pytest.mark.django_db
def test_a_comment_refused_for_the_policy_s_own_error_says_so(ws_copy: Path) -> None:  # noqa: F811
    """A file changed outside with an error (a target the wrong way): the comment is refused
    with that error, not with a word about its (correct) period."""
    path = _file(ws_copy)
    bad = path.read_text(encoding="utf-8").replace(
        "target: {kind: level, value: 75}", "target: {kind: level, value: 60}"
    )
    path.write_text(bad, encoding="utf-8")
    comment = _editor().post(
        f"/kommune/265/maal/{POLICY}/maal-3b/kommentar/",
        {"period": "2024", "text": "Kommentar", "base": pv.sha256(bad)},
    )
    page = comment.content.decode()
    assert "politikken har fejl" in page
    assert "forkerte vej" in page
    assert "perioden skal være" not in page
    assert path.read_text(encoding="utf-8") == bad


def _import(client: Client, text: str, base: str) -> str:
    upload = SimpleUploadedFile(f"{POLICY}.yaml", text.encode("utf-8"), "application/yaml")
    response = client.post(BASE + "indlaes/", {"fil": upload, "reason": "prøve", "base": base})
    assert response.status_code == 200
    return str(response.content.decode())


@pytest.mark.django_db
def test_refused_moves_and_stale_saves_are_audited(ws_copy: Path) -> None:  # noqa: F811
    client = _editor()
    text = _file(ws_copy).read_text(encoding="utf-8")
    base = pv.sha256(text)
    moved = text.replace("municipality: 265", f"municipality: {OTHER}")
    assert "kommune og omfang kan ikke ændres" in _import(client, moved, base)
    renamed = text.replace(f"id: {POLICY}", "id: en-anden-politik")
    assert "id kan ikke ændres" in _import(client, renamed, base)
    # the editor: a form drawn from an older file (stale), and a draft naming another municipality
    stale = {**_form(text), "action": "save", "reason": "x", "base": "0" * 64}
    stale["f-themes.1.goals.1.target.value"] = "70"
    assert client.post(EDIT, stale).status_code == 409
    moving = {**_form(moved), "action": "save", "reason": "x", "base": base}
    assert "kommune og omfang" in client.post(EDIT, moving).content.decode()
    # an ordinary correction (no reason) is not an event
    client.post(EDIT, {**_form(text), "action": "save", "reason": ""})
    details = list(
        AuditEvent.objects.filter(kind=AuditEvent.Kind.POLICY_CHANGE)
        .order_by("id")
        .values_list("detail", "municipality", "username")
    )
    assert details == [
        (f"afvist: indlæsning af {POLICY}: forsøgte at ændre politikkens kommune eller omfang", 265, "redaktoer"),
        (f"afvist: indlæsning af {POLICY}: forsøgte at ændre politikkens id", 265, "redaktoer"),
        (f"afvist: gemning af {POLICY}: filen var ændret, siden den blev åbnet", 265, "redaktoer"),
        (f"afvist: gemning af {POLICY}: forsøgte at ændre politikkens kommune eller omfang", 265, "redaktoer"),
    ]  # fmt: skip
    assert _file(ws_copy).read_text(encoding="utf-8") == text


@pytest.mark.django_db
def test_an_export_named_with_non_ascii_letters_downloads(ws_copy: Path) -> None:  # noqa: F811
    _file(ws_copy).rename(ws_copy / "policies" / "roskilde-æøå 2015.yaml")
    exported = _editor().get(BASE + "versioner/1/yaml/")
    assert exported.status_code == 200
    header = exported["Content-Disposition"]
    assert header == "attachment; filename*=utf-8''roskilde-%C3%A6%C3%B8%C3%A5%202015-v1.yaml"


VALUE = "f-themes.1.goals.1.target.value"


@pytest.mark.django_db
def test_a_number_with_a_thousands_dot_is_asked_about_not_guessed(
    ws_copy: Path,  # noqa: F811
) -> None:
    client = _editor()
    text = _file(ws_copy).read_text(encoding="utf-8")
    checked = client.post(BASE + "tjek/", {**_form(text), VALUE: "1.500"}).json()
    mine = [f for f in checked["findings"] if f["field"] == VALUE]
    assert [f["text"] for f in mine] == [AMBIGUOUS_TEXT]
    assert mine[0]["severity"] == "error"
    refused = client.post(EDIT, {**_form(text), VALUE: "1.500", "action": "save", "reason": "x"})
    page = refused.content.decode()
    assert "ret fejlene først" in page
    field_block = page.split(f'id="{VALUE}-err"', 1)[1].split("</div></div>", 1)[0]
    assert "tusindtalsskilletegn" in field_block
    assert _file(ws_copy).read_text(encoding="utf-8") == text
    # a decimal comma, or a point that cannot be a thousands separator, is read as meant
    for written, stored in (("66,7", "66.7"), ("66.7", "66.7"), ("1.500,5", "1500.5")):
        data = {**_form(text), VALUE: written, "action": "check"}
        assert f"value: {stored}}}" in client.post(EDIT, data).context["draft"], written
