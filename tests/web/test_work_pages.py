"""The worklist, the national comparison, the goal page's initiatives and comments and the
overview's owner filter, on a copy of the demo workspace with an initiative due and an
off-track goal without a comment for its latest period (and the same statuses as
`pejling status`)."""

from __future__ import annotations

import html
import json
import shutil
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from pytest_django.fixtures import Settings as SettingsWrapper

from pejling.cli.national_status import SHORT
from pejling.evaluation.status import GOAL_CODES, GoalStatusCode
from pejling.formatting import fmt_date, fmt_value
from pejling.periods import Period
from pejling.spec.policy import Goal
from pejling.spec.types import Frequency
from pejling.web.models import AuditEvent
from pejling.web.roles import Role
from pejling.web.views import worklist
from tests.conftest import Run
from tests.web.conftest import OTHER, OWN, make_user
from tests.web.html_table import table_rows

HANDLEPLAN = "roskilde-handleplan-2021"
H3 = f"/kommune/{OWN}/maal/{HANDLEPLAN}/maal-h3-frafald/"


def _after(text: str, anchor: str, marker: str, insert: str) -> str:
    i = text.index(anchor)
    j = text.index(marker, i) + len(marker)
    return text[:j] + insert + text[j:]


def work_workspace(demo_dir: Path, target: Path) -> Path:
    """A copy of the demo workspace where Roskilde's action plan has: an initiative whose
    follow-up was 3 days ago, one in 10 days, one in 30 days (not yet due), an ended one with
    a past date (never due); and goal h3-frafald (off track, latest figure 2021) with an owner
    and two comments, both for periods before 2021's end."""
    ws = target / "ws"
    shutil.copytree(demo_dir, ws)
    path = ws / "policies" / f"{HANDLEPLAN}.yaml"
    text = path.read_text(encoding="utf-8")
    today = date.today()
    text = _after(text, "  - id: rollemodeller-kampagne", "    status: planned\n",
                  f"    follow_up: {today - timedelta(days=3)}\n")  # fmt: skip
    text = _after(text, "  - id: uddannelsesaften", "    status: ended\n",
                  f"    follow_up: {today - timedelta(days=30)}\n")  # fmt: skip
    text = _after(text, "  - id: uddannelsesworkshop", "    status: planned\n",
                  f"    follow_up: {today + timedelta(days=30)}\n")  # fmt: skip
    text = _after(text, "  - id: vejledning-fastholdelse", "    status: running\n",
                  f"    follow_up: {today + timedelta(days=10)}\n")  # fmt: skip
    text = _after(
        text,
        "      - id: h3-frafald",
        "        label: Mål 3\n",
        "        responsible: Ungeindsatsen\n"
        "        comments:\n"
        "          - {period: 2020, text: Den ældre bemærkning., by: Jobcenter Roskilde}\n"
        "          - {period: 2021H1, text: Den nyeste bemærkning., by: UngeGuiden}\n",
    )
    path.write_text(text, encoding="utf-8")
    return ws


@pytest.fixture(scope="module")
def work_dir(demo_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The copy, made once for this module (its tests only read it)."""
    return work_workspace(demo_dir, tmp_path_factory.mktemp("work"))


@pytest.fixture
def work_ws(work_dir: Path, settings: SettingsWrapper) -> Path:
    settings.PEJLING_WORKSPACE = work_dir
    return work_dir


def _client(username: str, role: Role, code: int = OWN) -> Client:
    client = Client()
    client.force_login(make_user(username, role, code))
    return client


def _text(response: Any) -> str:
    assert response.status_code == 200
    return html.unescape(response.content.decode())


# -- the worklist --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_worklist_of_a_municipal_user(work_ws: Path) -> None:
    page = _text(_client("laeser", Role.READER).get("/arbejdsliste/"))
    today = date.today()
    # due 3 days ago and in 10 days; not the one in 30 days, nor the ended one
    assert "Rollemodeller og informationskampagne" in page
    assert f"Opfølgningen var {fmt_date(today - timedelta(days=3))} (3 dage siden)" in page
    assert "Uddannelsesvejledning, Co-pilot og mentorer mod frafald" in page
    assert f"Opfølgningen er {fmt_date(today + timedelta(days=10))} (om 10 dage)" in page
    assert "Workshop om de unge" not in page
    assert "Uddannelsesaften" not in page
    # h3-frafald: latest figure 2021 (stale by now), off track, comments only up to 2021H1
    assert "Seneste tal er fra 2021; målet måles årligt." in page
    assert "Ikke på rette vej, og ingen bemærkning for 2021 eller senere." in page
    assert f'href="{H3}"' in page
    # only Roskilde: a municipal user's list never names another municipality
    assert "<h2" in page
    assert "Kalundborg" not in page
    assert "Sønderborg" not in page
    # a reader gets no edit actions
    assert "Skriv kommentar" not in page


@pytest.mark.django_db
def test_a_municipal_user_cannot_choose_another_municipality(work_ws: Path) -> None:
    client = _client("laeser", Role.READER)
    assert client.get("/arbejdsliste/", {"kommune": OTHER}).status_code == 403
    assert client.get("/arbejdsliste/", {"kommune": "x"}).status_code == 403
    # digits str.isdigit accepts but int() refuses: a refusal, not a server error
    for odd in ("²", "٢٦٥", "9" * 5000):
        assert client.get("/arbejdsliste/", {"kommune": odd}).status_code == 403
    assert client.get("/arbejdsliste/", {"kommune": OWN}).status_code == 200


@pytest.mark.django_db
def test_worklist_of_a_national_user_counts_per_municipality(work_ws: Path) -> None:
    client = _client("analytiker", Role.NATIONAL_ANALYST, 0)
    page = _text(client.get("/arbejdsliste/"))
    rows = {r[0]: r[1:] for r in table_rows(page)}
    assert rows["Roskilde"] == ["2", "1", "1"]
    assert "Rollemodeller" not in page  # counts only, until a municipality is chosen
    page = _text(client.get("/arbejdsliste/", {"kommune": OWN}))
    assert "Rollemodeller og informationskampagne" in page


def test_a_comment_counts_for_the_latest_figure_s_period_or_later() -> None:
    goal = Goal.model_validate(
        {"id": "g", "statement": "x", "target": {"kind": "direction", "direction": "higher"}}
    )
    status = worklist_status(Period.parse("2021"))
    assert not worklist.commented(goal, status)
    goal.comments.append(_comment("2021H1"))
    assert not worklist.commented(goal, status)
    goal.comments.append(_comment("2021"))
    assert worklist.commented(goal, status)


def _comment(period: str) -> Any:
    from pejling.spec.policy import GoalComment

    return GoalComment.model_validate({"period": period, "text": "Bemærkning"})


def worklist_status(latest: Period) -> Any:
    from pejling.evaluation.status import GoalStatus, ValueAt

    return GoalStatus(
        "p", "t", "g", "g", "x", "direction", None, {}, "percent", OWN,
        GoalStatusCode.OFF_TRACK, latest=ValueAt(50.0, latest),
    )  # fmt: skip


def test_stale_follows_the_measurement_frequency() -> None:
    today = date(2026, 12, 7)
    assert not worklist.stale(Period.parse("2024"), Frequency.YEARLY, today)
    assert worklist.stale(Period.parse("2023"), Frequency.YEARLY, today)
    assert not worklist.stale(Period.parse("2026Q2"), Frequency.QUARTERLY, today)
    assert worklist.stale(Period.parse("2026Q1"), Frequency.QUARTERLY, today)


# -- the goal page and the overview ----------------------------------------------------------------


@pytest.mark.django_db
def test_goal_page_shows_initiatives_and_comments_newest_first(work_ws: Path) -> None:
    page = _text(_client("laeser", Role.READER).get(H3))
    assert "Rollemodeller og informationskampagne om uddannelsesvalg og frafald" in page
    assert "Planlagt" in page
    assert "I gang" in page
    assert "Gennemført" in page
    assert fmt_date(date.today() - timedelta(days=3)) in page
    assert "Folkeskolerne med flest unge med minoritetsbaggrund" in page
    assert page.index("Den nyeste bemærkning.") < page.index("Den ældre bemærkning.")
    assert "1. halvår 2021" in page
    assert "Skriv kommentar" not in page
    assert "Redigér politikken" not in page


@pytest.mark.django_db
def test_editors_see_the_edit_links_that_exist(
    work_ws: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pejling.web.views import goal

    # a link to a page that is not built yet is left out; the page still works
    assert goal.optional_url("web:findes-ikke") is None
    editor = _client("redaktoer", Role.EDITOR)
    monkeypatch.setattr(goal, "optional_url", lambda name, **kw: f"/test/{name}/")
    page = _text(editor.get(H3))
    assert 'href="/test/web:goal_comment/">Skriv kommentar' in page
    assert 'href="/test/web:policy_edit/">Redigér politikken' in page
    assert 'href="/test/web:followup/">Opfølgning' in page
    page = _text(_client("laeser", Role.READER).get(H3))
    assert "Skriv kommentar" not in page
    # a national analyst reads every municipality but edits none
    page = _text(_client("analytiker", Role.NATIONAL_ANALYST, 0).get(H3))
    assert "Skriv kommentar" not in page


@pytest.mark.django_db
def test_overview_filters_by_owner(work_ws: Path) -> None:
    client = _client("laeser", Role.READER)
    page = _text(client.get(f"/kommune/{OWN}/", {"ansvarlig": "Ungeindsatsen"}))
    rows = [r for r in table_rows(page) if r[0] != "Tema"]
    assert len(rows) == 1
    assert rows[0][1].startswith("Mål 3")
    assert "Ansvarlig: Ungeindsatsen" in page
    page = _text(client.get(f"/kommune/{OWN}/", {"ansvarlig": "-"}))
    assert "Ungeindsatsen</option>" in page
    assert len([r for r in table_rows(page) if r[0] != "Tema"]) > 1


# -- the national comparison ----------------------------------------------------------------------


@pytest.fixture
def national_json(run: Run, demo_dir: Path) -> dict[str, Any]:
    out: dict[str, Any] = json.loads(
        run("status", "nationale-maal", "-w", str(demo_dir), "-f", "json").stdout
    )
    return out


@pytest.fixture
def status_json(run: Run, demo_dir: Path) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = json.loads(run("status", "-w", str(demo_dir), "-f", "json").stdout)
    return out


def _short(r: dict[str, Any]) -> str:
    word = SHORT["da"][GoalStatusCode(r["status"])]
    verdict = r["status"] not in ("not_assessable", "no_data", "initiative_only")
    return word + (" (usikker)" if r["uncertain"] and verdict else "")


@pytest.mark.django_db
def test_national_page_shows_pejling_status(
    web_ws: Path, national_json: dict[str, Any], status_json: list[dict[str, Any]]
) -> None:
    page = _text(_client("analytiker", Role.NATIONAL_ANALYST, 0).get("/national/"))
    rows = table_rows(page)
    # the municipalities' own goals, counted by status
    for code, name in ((265, "Roskilde"), (326, "Kalundborg"), (540, "Sønderborg")):
        mine = [
            r for r in status_json
            if r["municipality"] == code and not r["key_figure"] and r["status"] != "initiative_only"
        ]  # fmt: skip
        want = [str(len(mine))] + [
            str(sum(1 for r in mine if r["status"] == c.value)) for c in GOAL_CODES
        ]
        row = next(r for r in rows if r[0] == name and len(r) == 10)
        assert row[1:9] == want, name
    # the national policy's matrix: every municipality × goal, as `pejling status` says
    goals = national_json["goals"]
    matrix = [r for r in rows if len(r) == 2 + len(goals) and r[0].isdigit()]
    assert len(matrix) == 98
    for i, row in enumerate(matrix):
        for g, cell in zip(goals, row[2:], strict=True):
            assert cell == _short(g["municipalities"][i]), (row[1], g["goal"])
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.NATIONAL_VIEW)
    assert (event.username, event.detail) == ("analytiker", "national sammenligning")


@pytest.mark.django_db
def test_national_goal_page_hides_suppressed_figures_and_ranks(
    web_ws: Path, national_json: dict[str, Any]
) -> None:
    goal = next(g for g in national_json["goals"] if g["goal"] == "maal-1-arbejde")
    page = _text(
        _client("analytiker", Role.NATIONAL_ANALYST, 0).get(
            "/national/nationale-maal/maal-1-arbejde/"
        )
    )
    rows = [r for r in table_rows(page) if r[0].isdigit()]
    assert len(rows) == 98
    ranked = []
    hidden = 0
    by_code = {r["municipality"]: r for r in goal["municipalities"]}
    for row in rows:
        code, _name, _base, latest, status, rank = row
        r = by_code.pop(int(code))
        assert status == r["status_label"]
        if r["suppressed"]:
            hidden += 1
            assert latest == "skjult", code
            assert rank == "–", code
            assert fmt_value(r["latest"], r["unit"]) not in latest
        elif r["latest"] is not None:
            assert latest == f"{fmt_value(r['latest'], r['unit'])} ({r['latest_period']})", code
        if rank != "–":
            ranked.append((int(rank.split()[0]), r["latest"]))
    assert by_code == {}  # every municipality once
    # the ranked first (best first), those without data last
    assert [int(r[5].split()[0]) for r in rows[: len(ranked)]] == sorted(n for n, _v in ranked)
    assert rows[-1][4] == "Ingen data"
    assert hidden > 0  # the demo has suppressed cells here
    assert ranked
    assert [v for _rank, v in sorted(ranked)] == sorted((v for _rank, v in ranked), reverse=True)
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.NATIONAL_VIEW)
    assert event.detail == "nationale-maal/maal-1-arbejde"


@pytest.mark.django_db
def test_national_pages_refuse_municipal_users(web_ws: Path) -> None:
    for role in (Role.READER, Role.ADMINISTRATOR):
        client = _client(f"u-{role}", role)
        assert client.get("/national/").status_code == 403
        assert client.get("/national/nationale-maal/maal-1-arbejde/").status_code == 403
    # the menu, built from the same rule, offers the municipal administrator no link to it
    assert 'href="/national/"' not in _text(client.get(f"/kommune/{OWN}/"))
    national_admin = _client("landsadmin", Role.ADMINISTRATOR, 0)
    assert national_admin.get("/national/").status_code == 200
    assert 'href="/national/"' in _text(national_admin.get(f"/kommune/{OWN}/"))
    refused = AuditEvent.objects.filter(
        kind=AuditEvent.Kind.NATIONAL_VIEW, username__startswith="u-"
    )
    assert not refused.exists()


@pytest.mark.django_db
def test_unknown_national_goal_is_404(web_ws: Path) -> None:
    client = _client("analytiker", Role.NATIONAL_ANALYST, 0)
    assert client.get("/national/nationale-maal/findes-ikke/").status_code == 404
    assert client.get(f"/national/{HANDLEPLAN}/maal-h3-frafald/").status_code == 404


def _national_status(code: int, latest: float, persons: float | None, **kw: Any) -> Any:
    from pejling.evaluation.status import GoalStatus, ValueAt

    return GoalStatus(
        "n", "t", "g", "g", "x", "direction", None, {}, "percent", code,
        GoalStatusCode.ON_TRACK,
        latest=ValueAt(latest, Period.parse("2024"), persons=persons),
        baseline=ValueAt(40.0, Period.parse("2020"), persons=kw.pop("base_persons", 500.0)),
        **kw,
    )  # fmt: skip


def test_a_figure_below_the_threshold_is_hidden_and_unranked() -> None:
    """The web's own guard, beside the report's suppression: a figure on fewer persons than
    the threshold is "skjult", gets no rank and moves no other municipality's rank."""
    from types import SimpleNamespace

    from pejling.web.views.national_model import goal_rows

    rows_in = [
        _national_status(101, 61.5, 900.0),
        _national_status(147, 77.7, 4.0),  # best figure, but on 4 persons
        _national_status(151, 55.5, 900.0, base_persons=3.0),  # baseline on 3 persons
        _national_status(153, 66.6, 900.0, suppressed=True),
    ]
    goal = SimpleNamespace(target=SimpleNamespace(direction=None))
    g = SimpleNamespace(goal=goal, spec=None, main=SimpleNamespace(rows=rows_in))
    rows = {r.code: r for r in goal_rows(SimpleNamespace(threshold=5), g)}  # type: ignore[arg-type]
    assert (rows[147].latest, rows[147].rank) == ("skjult", None)
    assert (rows[153].latest, rows[153].baseline, rows[153].rank) == ("skjult", "skjult", None)
    assert rows[151].baseline == "skjult"
    assert rows[151].latest.startswith(fmt_value(55.5, "percent"))
    assert (rows[101].rank, rows[151].rank) == (1, 2)
    shown = " ".join(f"{r.baseline} {r.latest} {r.status} {r.rank}" for r in rows.values())
    assert fmt_value(77.7, "percent") not in shown
    assert fmt_value(66.6, "percent") not in shown
