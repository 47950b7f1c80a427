"""The jobindsats.dk client on recorded responses: periods, data, markers, the key, the cache."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pejling.sources.cache import ResponseCache
from pejling.sources.http import HttpResponse, RetryPolicy, SourceRequestError
from pejling.sources.jobindsats import KEY_ENV, JobindsatsClient
from tests.sources.fakes import FIXTURES, NoNetwork, Scripted, Sleeps

TABLE = (FIXTURES / "jobindsats" / "table_yeks01.json").read_bytes()
DATA = (FIXTURES / "jobindsats" / "data_yeks01.json").read_bytes()
BODY = {
    "area": "*",
    "period": ["2024M01", "2024M02"],
    "_oprinda": ["Indvandrere fra ikke-vestlige lande"],
}


def make(tmp_path: Path, transport: object, key: str = "test-key") -> JobindsatsClient:
    return JobindsatsClient(
        ResponseCache(tmp_path), key=key, transport=transport,  # type: ignore[arg-type]
        policy=RetryPolicy(attempts=2), sleep=Sleeps(),
    )  # fmt: skip


def test_periods_and_data_with_markers(tmp_path: Path) -> None:
    transport = Scripted([HttpResponse(200, TABLE), HttpResponse(200, DATA)])
    c = make(tmp_path, transport)
    info = c.table("YEKS01").value
    assert info.periods[:2] == ("2023M11", "2023M12")
    got = c.data("yeks01", BODY).value
    table_request, data_request = transport.requests
    assert table_request.method == "GET"
    assert table_request.url == "https://api.jobindsats.dk/v2/tables/yeks01/json"
    assert data_request.url == "https://api.jobindsats.dk/v2/data/yeks01/json"
    assert ("Authorization", "test-key") in data_request.headers
    assert json.loads(data_request.body or b"") == BODY
    assert [d.id for d in got.dimensions] == ["area", "period", "Oprindelse", "measure"]
    cells = {c.key: c for c in got.cells}
    share = cells[("Roskilde", "2024M01", "Indvandrere fra ikke-vestlige lande", "Andel (pct.)")]
    assert share.value == 2.1
    laeso = cells[("Læsø", "2024M01", "Indvandrere fra ikke-vestlige lande", "Antal personer")]
    assert (laeso.value, laeso.marker) == (None, "-")


def test_a_key_is_needed_and_a_bad_one_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(KEY_ENV, raising=False)
    transport = NoNetwork()
    with pytest.raises(SourceRequestError, match=KEY_ENV):
        JobindsatsClient(ResponseCache(tmp_path), transport=transport).table("yeks01")
    assert transport.requests == []
    c = make(tmp_path, Scripted([HttpResponse(401, b"Unauthorized")]))
    with pytest.raises(SourceRequestError, match="afviste API-nøglen"):
        c.table("yeks01")


def test_retries_and_the_cache_without_network(tmp_path: Path) -> None:
    transport = Scripted([HttpResponse(502), HttpResponse(200, TABLE)])
    assert make(tmp_path, transport).table("yeks01").value.periods
    offline = make(tmp_path, NoNetwork()).table("yeks01")
    assert offline.from_cache
    assert offline.reason == "offline"
    assert "ingen forbindelse til jobindsats.dk" in offline.describe("da")


def test_a_jobindsats_mapping_refreshes_into_the_store(tmp_path: Path) -> None:
    from pejling.sources.mapping import load_mappings
    from pejling.sources.refresh import Clients, make_clients, refresh
    from pejling.store.database import Store
    from pejling.store.queries import current_observations
    from pejling.workspace import Workspace

    ws = Workspace.create(tmp_path / "ws", "t", 265)
    (ws.root / "sources").mkdir()
    (ws.root / "sources" / "jobindsats.yaml").write_text(
        """\
id: jobindsats-eksempel
api: jobindsats
table: yeks01
request: {_oprinda: ["Indvandrere fra ikke-vestlige lande"]}
select:
  period: ">=2024M01"
  Oprindelse: "Indvandrere fra ikke-vestlige lande"
  measure: "Antal personer"
series:
  - indicator: cash_benefit_recipients_programme
    group: {target_group: programme_benefit_recipients}
""",
        encoding="utf-8",
    )
    catalog = ws.catalog()
    items = [
        i for i in load_mappings(catalog, ws.root / "sources") if i.mapping.id.startswith("job")
    ]
    base = make_clients(ws.root / "cache")
    transport = Scripted([HttpResponse(200, TABLE), HttpResponse(200, DATA)])
    clients = Clients(base.statbank, make(ws.root / "cache" / "jobindsats", transport))
    with Store.open(ws.db_path) as store:
        [outcome] = refresh(items, clients, store, catalog, ws.root / "imports" / "sources")
        rows = current_observations(
            store, indicator_id="cash_benefit_recipients_programme", municipality_code=265,
            grp="target_group=programme_benefit_recipients",
        )  # fmt: skip
    assert outcome.ok, outcome.text("en")
    body = json.loads(transport.requests[1].body or b"")
    assert body == {"area": "*", "period": ["2024M01", "2024M02", "2024QMAT01"],
                    "_oprinda": ["Indvandrere fra ikke-vestlige lande"]}  # fmt: skip
    assert [(r.period, r.value, r.publisher, r.provenance, r.vintage) for r in rows] == [
        ("2024-01", 123.0, "jobindsats.dk", "published", "2024-02"),
        ("2024-02", 126.0, "jobindsats.dk", "published", "2024-02"),
    ]
    text = " ".join(outcome.text("en"))
    assert "regions (1)" in text
    assert "other areas (1)" in text
    assert "'-' marked '-' (not read as 0): 2" in text
