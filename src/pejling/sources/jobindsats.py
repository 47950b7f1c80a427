"""A client for jobindsats.dk's API (STAR), version 2, cached and retried like StatBank's.

What the client relies on (docs/sources.md lists the sources): a key per organisation, sent as
the `Authorization` header and read here from the environment variable PEJLING_JOBINDSATS_KEY;
`GET /v2/tables/{table}/json` answers a list with the table's description, whose `Period` lists
the periods that can be asked for; `POST /v2/data/{table}/json` takes `{"area": "*",
"period": [...], "_<dimension>": [labels ...]}` and answers a list whose first element has
`Variables` (one `Label` per column) and `Data` (rows). Columns come in the order area, period,
the dimensions asked for (one per `_` key of the request), then the measures.

The answer becomes a StatTable with dimensions `area`, `period`, one per dimension column (named
by its label) and `measure` (the measure columns), so a mapping selects a measure like any other
value. Anything in a measure column that is not a number is kept as a marker, never read as 0.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pejling.sources.cache import CacheEntry, ResponseCache
from pejling.sources.http import (
    HttpRequest,
    RetryPolicy,
    SourceError,
    SourceFormatError,
    SourceOffline,
    SourceRequestError,
    SourceUnavailable,
    Transport,
    UrllibTransport,
    send_with_retries,
)
from pejling.sources.statbank import Fetched, offline_from_env
from pejling.sources.table import Cell, StatTable, dimensions_from_cells, read_number

JOBINDSATS_URL = "https://api.jobindsats.dk/v2/"
KEY_ENV = "PEJLING_JOBINDSATS_KEY"
URL_ENV = "PEJLING_JOBINDSATS_URL"
SERVICE = "jobindsats.dk (api.jobindsats.dk)"
AREA = "area"
_EN = {
    "tabeloplysninger": "the table info",
    "tabeloplysningerne": "the table info",
    "data": "the data",
    "datasvaret": "the data answer",
}
PERIOD = "period"
MEASURE = "measure"


@dataclass(frozen=True)
class JobTableInfo:
    """What jobindsats says about a table: its name and the periods that can be asked for."""

    id: str
    name: str
    periods: tuple[str, ...]


class JobindsatsClient:
    """jobindsats.dk API v2 with a cache, retries and an offline mode."""

    def __init__(
        self,
        cache: ResponseCache,
        *,
        key: str | None = None,
        transport: Transport | None = None,
        base_url: str | None = None,
        offline: bool = False,
        policy: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.cache = cache
        self.key = key if key is not None else os.environ.get(KEY_ENV, "").strip()
        self.transport = transport or UrllibTransport()
        base = base_url or os.environ.get(URL_ENV) or JOBINDSATS_URL
        self.base_url = base if base.endswith("/") else base + "/"
        self.offline = offline or offline_from_env()
        self.policy = policy or RetryPolicy()
        self.sleep = sleep
        self.down: SourceError | None = None

    def _headers(self) -> tuple[tuple[str, str], ...]:
        return (
            ("Authorization", self.key),
            ("Accept", "application/json"),
            ("Content-Type", "application/json; charset=utf-8"),
        )

    def table(self, table: str) -> Fetched[JobTableInfo]:
        """The table's name and periods."""
        table = table.strip().lower()
        request = HttpRequest(
            "GET", f"{self.base_url}tables/{table}/json", None, self._headers(),
            cache_key=f"jobindsats/v2/tables/{table}/json",
        )  # fmt: skip
        entry, meta = self._get(request, table, "tabeloplysninger")
        return Fetched(parse_table(entry.read(), table), *meta)

    def data(self, table: str, body: Mapping[str, object]) -> Fetched[StatTable]:
        """Data for a request body ({"area": "*", "period": [...], "_dimension": [...]})."""
        table = table.strip().lower()
        payload = json.dumps(body, ensure_ascii=False).encode("utf-8")
        request = HttpRequest(
            "POST", f"{self.base_url}data/{table}/json", payload, self._headers(),
            cache_key=f"jobindsats/v2/data/{table}/json",
        )  # fmt: skip
        entry, meta = self._get(request, table, "data")
        dims = [k for k in body if k.startswith("_")]
        return Fetched(parse_data(entry.read(), table, dims), *meta)

    def _get(
        self, request: HttpRequest, table: str, what: str
    ) -> tuple[CacheEntry, tuple[bool, Any, str, SourceError | None]]:
        cached = self.cache.get(request)
        if self.offline or self.down is not None:
            if cached is not None:
                return cached, (True, cached.fetched_at, "offline", self.down)
            if self.down is not None:
                raise self.down
            raise SourceOffline(
                f"offline, og der er intet i cachen for {what} om jobindsats-tabellen {table}",
                f"offline, and nothing is cached for {_EN.get(what, what)} of the jobindsats table {table}",
            )
        if not self.key:
            problem = SourceRequestError(
                f"jobindsats.dk kræver en API-nøgle: sæt miljøvariablen {KEY_ENV} til "
                "organisationens nøgle fra jobindsats.dk",
                f"jobindsats.dk needs an API key: set the environment variable {KEY_ENV} to your "
                "organisation's key from jobindsats.dk",
            )
            if cached is not None:
                return cached, (True, cached.fetched_at, "offline", problem)
            raise problem
        try:
            with self.cache.writer(request, updated=None, label=f"{table} {what}") as (
                sink,
                commit,
            ):
                response = send_with_retries(
                    self.transport, request, service=SERVICE, policy=self.policy,
                    sleep=self.sleep, sink=sink,
                )  # fmt: skip
                if response.status == 200:
                    sink.seek(0)
                    if not sink.read(1) and response.body:
                        sink.write(response.body)
                    entry = commit()
                    return entry, (False, entry.fetched_at, "", None)
        except (SourceOffline, SourceUnavailable) as exc:
            self.down = exc
            if cached is not None:
                return cached, (True, cached.fetched_at, "offline", exc)
            raise
        if response.status in (401, 403):
            raise SourceRequestError(
                f"jobindsats.dk afviste API-nøglen i {KEY_ENV} (HTTP {response.status})",
                f"jobindsats.dk rejected the API key in {KEY_ENV} (HTTP {response.status})",
            )
        detail = response.body.decode("utf-8", errors="replace").strip()[:300]
        raise SourceRequestError(
            f"jobindsats.dk afviste forespørgslen om {table} (HTTP {response.status}): {detail}",
            f"jobindsats.dk rejected the request for {table} (HTTP {response.status}): {detail}",
        )


def _load(data: bytes, what: str) -> Any:
    try:
        return json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise SourceFormatError(
            f"jobindsats: {what} er ikke gyldig JSON ({exc})",
            f"jobindsats: {_EN.get(what, what)} is not valid JSON ({exc})",
        ) from None


def _first(doc: Any) -> dict[str, Any]:
    if isinstance(doc, list) and doc and isinstance(doc[0], dict):
        return dict(doc[0])
    if isinstance(doc, dict):
        return doc
    raise SourceFormatError("jobindsats: uventet svar", "jobindsats: unexpected response")


def parse_table(data: bytes, table: str) -> JobTableInfo:
    """The table description: its periods (`Period`) and name."""
    doc = _first(_load(data, "tabeloplysningerne"))
    periods = doc.get("Period") or doc.get("Periods") or []
    if not isinstance(periods, list):
        raise SourceFormatError(
            "jobindsats: tabeloplysningerne mangler 'Period'",
            "jobindsats: the table description has no 'Period'",
        )
    name = next((str(doc[k]) for k in ("Name", "TableName", "Title", "Text") if doc.get(k)), table)
    return JobTableInfo(table, name, tuple(str(p) for p in periods))


def parse_data(data: bytes, table: str, dimension_keys: Sequence[str]) -> StatTable:
    """The data answer: columns area, period, the dimensions asked for, then the measures."""
    doc = _first(_load(data, "datasvaret"))
    variables = doc.get("Variables")
    rows = doc.get("Data")
    if not isinstance(variables, list) or not isinstance(rows, list):
        raise SourceFormatError(
            "jobindsats: svaret mangler 'Variables' eller 'Data'",
            "jobindsats: the answer has no 'Variables' or 'Data'",
        )
    labels = [str(v.get("Label", v.get("Name", ""))) if isinstance(v, dict) else str(v)
              for v in variables]  # fmt: skip
    n_dims = len(dimension_keys)
    if len(labels) < 3 + n_dims:
        raise SourceFormatError(
            f"jobindsats: {len(labels)} kolonner, men {n_dims} dimensioner og mindst én måling",
            f"jobindsats: {len(labels)} columns, but {n_dims} dimensions and at least one measure",
        )
    dim_labels = labels[2 : 2 + n_dims]
    measures = labels[2 + n_dims :]
    keys: list[tuple[str, ...]] = []
    cells: list[Cell] = []
    for row in rows:
        if not isinstance(row, list) or len(row) != len(labels):
            continue
        base = tuple(str(row[i]).strip() for i in range(2 + n_dims))
        for m, measure in enumerate(measures):
            raw = row[2 + n_dims + m]
            value: float | None
            marker: str | None
            if isinstance(raw, int | float) and not isinstance(raw, bool):
                value, marker = float(raw), None
            else:
                value, marker = read_number("" if raw is None else str(raw), ",")
            key = (*base, measure)
            keys.append(key)
            cells.append(Cell(key, value, marker))
    ids = [AREA, PERIOD, *dim_labels, MEASURE]
    texts = [labels[0], labels[1], *dim_labels, MEASURE]
    dims = dimensions_from_cells(ids, texts, keys, [{} for _ in ids])
    return StatTable(table.upper(), dims, tuple(cells), None, "jobindsats")
