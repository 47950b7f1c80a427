"""The overview and the goal page show what `pejling status` prints for the same workspace."""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from pejling.formatting import fmt_value
from pejling.web.models import AuditEvent
from pejling.web.roles import Role
from tests.conftest import Run
from tests.web.conftest import OWN, make_user
from tests.web.html_table import table_rows


def goal_rows(page: str) -> list[list[str]]:
    """The overview's goal rows (one table per policy, each with a header row)."""
    return [r for r in table_rows(page) if r[0] != "Tema"]


KEY_FIGURE_TRENDS = {"rising": "Stigende", "falling": "Faldende", "unchanged": "Uændret"}


def expected_trend(r: dict[str, Any]) -> str:
    """The overview's trend word, from `pejling status -f json` (see views/overview.trend)."""
    if r["suppressed"] or r["baseline"] is None or r["latest"] is None:
        return "–"
    if r["key_figure"]:
        return KEY_FIGURE_TRENDS.get(r["status"], "–")
    if r["latest_period"] == r["baseline_period"]:
        return "–"
    before, after = fmt_value(r["baseline"], r["unit"]), fmt_value(r["latest"], r["unit"])
    if before == after:
        return "Uændret"
    return "Stigende" if r["latest"] > r["baseline"] else "Faldende"


@pytest.fixture
def status_json(run: Run, demo_dir: Path) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = json.loads(
        run("status", "-w", str(demo_dir), "-f", "json", "--no-cache").stdout
    )
    return records


@pytest.fixture
def reader() -> Client:
    client = Client()
    client.force_login(make_user("laeser", Role.READER))
    return client


@pytest.mark.django_db
def test_overview_shows_the_statuses_of_pejling_status(
    web_ws: Path, reader: Client, status_json: list[dict[str, Any]]
) -> None:
    page = reader.get(f"/kommune/{OWN}/").content.decode()
    rows = goal_rows(page)
    want = [r for r in status_json if r["municipality"] == OWN]
    assert len(rows) == len(want) > 0
    assert {expected_trend(r) for r in want} > {"–"}  # some goals have a trend
    for row, r in zip(rows, want, strict=True):
        _theme, _label, status, trend, latest, _source, _deadline = row
        assert status == r["status_label"], r["goal"]
        assert expected_trend(r) in trend, (r["goal"], trend)
        if r["latest"] is not None:
            assert latest.startswith(fmt_value(r["latest"], r["unit"])), r["goal"]
    assert "usikker" in page  # the demo has uncertain verdicts
    assert "SYNTETISKE DATA" in page  # and synthetic figures


@pytest.mark.django_db
def test_overview_filters_by_theme_and_status(
    web_ws: Path, reader: Client, status_json: list[dict[str, Any]]
) -> None:
    want = [r for r in status_json if r["municipality"] == OWN]
    off = [r for r in want if r["status"] == "not_achieved"]
    page = reader.get(f"/kommune/{OWN}/", {"status": "not_achieved"}).content.decode()
    assert len(goal_rows(page)) == len(off) > 0
    uncertain = [r for r in want if r["uncertain"]]
    page = reader.get(f"/kommune/{OWN}/", {"status": "usikker"}).content.decode()
    assert len(goal_rows(page)) == len(uncertain) > 0
    theme = [r for r in want if r["policy"] == "roskilde-2015" and r["theme"] == "uddannelse"]
    page = reader.get(f"/kommune/{OWN}/", {"tema": "roskilde-2015/uddannelse"}).content.decode()
    assert len(goal_rows(page)) == len(theme) > 0


@pytest.mark.django_db
def test_goal_page_shows_the_verdict_chart_and_figures(
    web_ws: Path, reader: Client, status_json: list[dict[str, Any]]
) -> None:
    want = next(r for r in status_json if r["goal"] == "maal-3a")
    page = reader.get(f"/kommune/{OWN}/maal/roskilde-2015/maal-3a/").content.decode()
    text = html.unescape(page)
    assert want["status_label"] in text
    assert want["reason"] in text
    assert fmt_value(want["latest"], want["unit"]) in text
    assert "SYNTETISKE DATA" in page
    # the chart: the report's Vega-Lite spec as data, drawn by the bundled Vega
    spec_text = page.split('<script id="chart-spec" type="application/json">')[1].split(
        "</script>"
    )[0]
    spec = json.loads(spec_text)
    assert spec["$schema"].endswith("vega-lite/v5.json")
    assert spec["description"] in text  # the same text alternative, shown as the caption
    assert "/static/web/vendor/vega-bundle.min.js" in page
    assert len(table_rows(page)) > 2  # the figure table
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.GOAL_VIEW)
    assert (event.username, event.municipality, event.detail) == (
        "laeser",
        OWN,
        "roskilde-2015/maal-3a",
    )


@pytest.mark.django_db
def test_a_national_analyst_chooses_among_the_municipalities(web_ws: Path) -> None:
    client = Client()
    client.force_login(make_user("analytiker", Role.NATIONAL_ANALYST, 0))
    page = client.get("/").content.decode()
    rows = [r for r in table_rows(page) if r[0] != "Kommune"]
    assert len(rows) == 98  # every municipality the national level reaches
    goals = dict(rows)
    assert goals["Aarhus"] == "Ingen egne politikker"  # none in the workspace
    for name in ("Roskilde", "Kalundborg", "Sønderborg"):
        assert goals[name].isdigit()
    names = [r[0] for r in rows]
    assert names.index("Aabenraa") > names.index("Vordingborg")  # "Aa" sorts as "Å"
    assert "/national/" in page
    assert "/arbejdsliste/" in page
