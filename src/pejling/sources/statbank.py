"""A client for Statistics Denmark's StatBank API v1: table info and data, cached and retried.

Requests are POSTed as JSON, as the API documentation recommends:
`/v1/tableinfo` with `{"table", "format": "JSON", "lang"}` and `/v1/data` with
`{"table", "format", "lang", "valuePresentation", "variables": [{"code", "values"}]}`.
Every variable is named in a data request (BULK requires it); selections are checked against
the table info first (`pejling.sources.selection`), so a typo gets a did-you-mean instead of the
API's first complaint. Data comes as JSON-stat (codes and labels, markers in `status`) while a
request stays under the API's 1,000,000-cell limit, and as streamed BULK above it.

Each response is cached with its table's update time (`pejling.sources.cache`): a table that has
not been updated since the last refresh is not downloaded again, and without a network the
cached copy is used and the result says so (`Fetched.from_cache`, `Fetched.reason`).
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Generic, TypeVar

from pejling.sources.cache import CacheEntry, ResponseCache
from pejling.sources.http import (
    HttpRequest,
    RetryPolicy,
    SourceError,
    SourceOffline,
    SourceRequestError,
    SourceUnavailable,
    Transport,
    UrllibTransport,
    send_with_retries,
)
from pejling.sources.selection import CELL_LIMIT, cell_count
from pejling.sources.statbank_formats import (
    parse_csv_data,
    parse_error,
    parse_jsonstat,
    parse_tableinfo,
)
from pejling.sources.table import StatTable, TableInfo

STATBANK_URL = "https://api.statbank.dk/v1/"
#: environment variables: another base URL (a mirror or proxy), and offline mode (1 = never
#: touch the network, use the cache)
URL_ENV = "PEJLING_STATBANK_URL"
OFFLINE_ENV = "PEJLING_OFFLINE"
SERVICE = "Statistikbanken (api.statbank.dk)"
FORMATS = ("JSONSTAT", "CSV", "BULK")

T = TypeVar("T")
#: what was asked for, in English (messages name it in Danish by default)
_EN = {"tabeloplysninger": "the table info", "data": "the data"}


@dataclass(frozen=True)
class Fetched(Generic[T]):
    """A result and where it came from: the network, or the cache and why."""

    value: T
    from_cache: bool
    fetched_at: datetime
    reason: str = ""  # "offline" (no network) or "unchanged" (table not updated since)
    problem: SourceError | None = None  # why the network could not be used

    def describe(self, lang: str = "da") -> str:
        """One phrase for the console, e.g. 'fra cachen (hentet 07.09.2025)'."""
        when = self.fetched_at.strftime("%d.%m.%Y %H:%M")
        if not self.from_cache:
            return "hentet nu" if lang == "da" else "fetched now"
        if self.reason == "unchanged":
            return (
                f"tabellen er ikke opdateret; bruger cachen fra {when}"
                if lang == "da"
                else f"table not updated; using the cache from {when}"
            )
        why = self.problem.text(lang) if self.problem else "offline"
        return (
            f"{why} – bruger cachen fra {when}"
            if lang == "da"
            else f"{why} – using the cache from {when}"
        )


def offline_from_env() -> bool:
    """True when PEJLING_OFFLINE asks never to use the network."""
    return os.environ.get(OFFLINE_ENV, "").strip().lower() in {"1", "true", "yes", "ja"}


class StatBankClient:
    """StatBank API v1 with a cache, retries and an offline mode."""

    def __init__(
        self,
        cache: ResponseCache,
        *,
        transport: Transport | None = None,
        base_url: str | None = None,
        offline: bool = False,
        policy: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.cache = cache
        self.transport = transport or UrllibTransport()
        base = base_url or os.environ.get(URL_ENV) or STATBANK_URL
        self.base_url = base if base.endswith("/") else base + "/"
        self.offline = offline or offline_from_env()
        self.policy = policy or RetryPolicy()
        self.sleep = sleep
        #: set when the service could not be reached; later requests go to the cache at once
        self.down: SourceError | None = None

    def _request(self, function: str, body: Mapping[str, object]) -> HttpRequest:
        data = json.dumps(body, ensure_ascii=False, sort_keys=True).encode("utf-8")
        return HttpRequest(
            "POST",
            self.base_url + function,
            data,
            (("Content-Type", "application/json; charset=utf-8"), ("Accept", "*/*")),
            cache_key=f"statbank/v1/{function}",
        )

    def tableinfo(self, table: str, lang: str = "da") -> Fetched[TableInfo]:
        """The table's variables, values, unit and update time."""
        table = table.strip().upper()
        request = self._request("tableinfo", {"table": table, "format": "JSON", "lang": lang})
        entry, fetched = self._get(request, table, what="tabeloplysninger", updated=None)
        return Fetched(parse_tableinfo(entry.read(), lang), *fetched)

    def data_bytes(
        self,
        info: TableInfo,
        selection: Mapping[str, Sequence[str]],
        *,
        fmt: str = "JSONSTAT",
        lang: str = "da",
        value_presentation: str = "Default",
    ) -> Fetched[Path]:
        """A data response exactly as the API sent it, in a file of the cache."""
        fmt = fmt.upper()
        if fmt not in FORMATS:
            raise SourceRequestError(
                f"ukendt format '{fmt}'; brug {', '.join(FORMATS)}",
                f"unknown format '{fmt}'; use {', '.join(FORMATS)}",
            )
        if fmt != "BULK" and cell_count(selection) > CELL_LIMIT:
            fmt = "BULK"
        body = {
            "table": info.id,
            "format": fmt,
            "lang": lang,
            "valuePresentation": value_presentation,
            "variables": [{"code": k, "values": list(v)} for k, v in selection.items()],
        }
        request = self._request("data", body)
        entry, fetched = self._get(request, info.id, what="data", updated=info.updated)
        return Fetched(entry.body_path, *fetched)

    def data(
        self,
        info: TableInfo,
        selection: Mapping[str, Sequence[str]],
        *,
        lang: str = "da",
    ) -> Fetched[StatTable]:
        """Data for a selection (explicit codes for every variable), read into a StatTable."""
        fmt = "JSONSTAT" if cell_count(selection) <= CELL_LIMIT else "BULK"
        raw = self.data_bytes(info, selection, fmt=fmt, lang=lang, value_presentation="Code")
        body = raw.value.read_bytes()
        if fmt == "JSONSTAT":
            table = parse_jsonstat(body, info.id)
        else:
            table = parse_csv_data(body, info.id, [info], lang)
        if table.updated is None and info.updated:
            table = StatTable(
                table.table, table.dimensions, table.cells, info.updated, table.origin, table.notes
            )
        return Fetched(table, raw.from_cache, raw.fetched_at, raw.reason, raw.problem)

    def _get(
        self, request: HttpRequest, table: str, *, what: str, updated: str | None
    ) -> tuple[CacheEntry, tuple[bool, datetime, str, SourceError | None]]:
        cached = self.cache.get(request)
        if self.offline or self.down is not None:
            if cached is not None:
                return cached, (True, cached.fetched_at, "offline", self.down)
            if self.down is not None:
                raise type(self.down)(
                    f"{self.down.da}; og der er intet i cachen for {what} om {table}",
                    f"{self.down.en}; and nothing is cached for {_EN[what]} of {table}",
                )
            raise SourceOffline(
                f"offline ({OFFLINE_ENV}), og der er intet i cachen for {what} om {table}",
                f"offline ({OFFLINE_ENV}), and nothing is cached for {_EN[what]} of {table}",
            )
        if updated is not None and cached is not None and cached.updated == updated:
            return cached, (True, cached.fetched_at, "unchanged", None)
        label = f"{table} {what}"
        try:
            with self.cache.writer(request, updated=updated, label=label) as (sink, commit):
                response = send_with_retries(
                    self.transport, request, service=SERVICE, policy=self.policy,
                    sleep=self.sleep, sink=sink,
                )  # fmt: skip
                if response.status == 200:
                    sink.seek(0)
                    body = sink.read(64)
                    if not body and response.body:
                        sink.write(response.body)
                    entry = commit()
                    return entry, (False, entry.fetched_at, "", None)
        except (SourceOffline, SourceUnavailable) as exc:
            # no second wait for the next request: the rest of the run uses the cache
            self.down = exc
            if cached is not None:
                return cached, (True, cached.fetched_at, "offline", exc)
            raise type(exc)(
                f"{exc.da}; og der er intet i cachen for {what} om {table}",
                f"{exc.en}; and nothing is cached for {_EN[what]} of {table}",
            ) from None
        raise self._rejected(response.status, response.body, table, what)

    @staticmethod
    def _rejected(status: int, body: bytes, table: str, what: str) -> SourceError:
        code, message = parse_error(body)
        detail = f"{message} ({code})" if code else (message or f"HTTP {status}")
        if what == "tabeloplysninger" and status in (400, 404):
            return SourceRequestError(
                f"Statistikbanken kender ikke tabellen '{table}': {detail}",
                f"StatBank does not know the table '{table}': {detail}",
            )
        return SourceRequestError(
            f"Statistikbanken afviste forespørgslen om {table} (HTTP {status}): {detail}",
            f"StatBank rejected the request for {table} (HTTP {status}): {detail}",
        )
