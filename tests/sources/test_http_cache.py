"""Retries with backoff (an injected sleep: no test waits), offline detection, the cache."""

from __future__ import annotations

import socket
from datetime import UTC, datetime
from pathlib import Path

import pytest

from pejling.sources.cache import ResponseCache
from pejling.sources.http import (
    HttpRequest,
    HttpResponse,
    NetworkError,
    RetryPolicy,
    SourceOffline,
    SourceUnavailable,
    classify,
    send_with_retries,
)
from tests.sources.fakes import Scripted, Sleeps

REQUEST = HttpRequest("POST", "https://api.statbank.dk/v1/data", b'{"table": "FOLK1A"}')


def test_retries_5xx_and_429_with_doubling_backoff_and_retry_after() -> None:
    transport = Scripted(
        [
            HttpResponse(503),
            HttpResponse(429, headers={"Retry-After": "7"}),
            NetworkError("the request timed out", transient=True),
            HttpResponse(200, b"ok"),
        ]
    )
    sleeps = Sleeps()
    got = send_with_retries(
        transport, REQUEST, service="S", policy=RetryPolicy(attempts=4, backoff=1.0), sleep=sleeps
    )
    assert got.body == b"ok"
    assert sleeps.waits == [1.0, 7.0, 4.0]
    assert len(transport.requests) == 4


def test_gives_up_after_the_attempts_and_says_so() -> None:
    transport = Scripted([HttpResponse(500)] * 3)
    sleeps = Sleeps()
    with pytest.raises(SourceUnavailable) as err:
        send_with_retries(
            transport, REQUEST, service="Statistikbanken", policy=RetryPolicy(attempts=3),
            sleep=sleeps,
        )  # fmt: skip
    assert "HTTP 500" in err.value.en
    assert "3 attempts" in err.value.en
    assert "3 forsøg" in err.value.da
    assert sleeps.waits == [1.0, 2.0]


def test_no_network_is_not_retried() -> None:
    transport = Scripted([NetworkError("the name could not be resolved", transient=False)])
    sleeps = Sleeps()
    with pytest.raises(SourceOffline, match="ingen forbindelse"):
        send_with_retries(transport, REQUEST, service="S", policy=RetryPolicy(), sleep=sleeps)
    assert sleeps.waits == []


def test_client_errors_are_returned_not_retried() -> None:
    transport = Scripted([HttpResponse(400, b'{"message": "x"}')])
    got = send_with_retries(transport, REQUEST, service="S", policy=RetryPolicy(), sleep=Sleeps())
    assert got.status == 400


def test_classify_network_failures() -> None:
    assert not classify(socket.gaierror(-2, "Name or service not known")).transient
    assert not classify(ConnectionRefusedError()).transient
    assert classify(TimeoutError()).transient
    assert classify(ConnectionResetError()).transient


def test_cache_stores_by_request_not_headers(tmp_path: Path) -> None:
    clock = [datetime(2025, 9, 7, 12, 0, tzinfo=UTC)]
    cache = ResponseCache(tmp_path, now=lambda: clock[0])
    keyed = HttpRequest("GET", "https://x/t", None, (("Authorization", "secret-key"),))
    entry = cache.put(keyed, b"body", updated="2025-08-11T08:00:00", label="FOLK1A data")
    again = cache.get(HttpRequest("GET", "https://x/t", None, (("Authorization", "other"),)))
    assert again is not None
    assert again.read() == b"body"
    assert again.updated == "2025-08-11T08:00:00"
    assert again.fetched_at == clock[0] == entry.fetched_at
    assert cache.get(HttpRequest("GET", "https://x/other")) is None
    assert "secret-key" not in "".join(p.read_text("utf-8") for p in tmp_path.glob("*.json"))


def test_an_interrupted_download_leaves_no_entry(tmp_path: Path) -> None:
    cache = ResponseCache(tmp_path)

    def download() -> None:
        with cache.writer(REQUEST, updated=None, label="x") as (sink, _commit):
            sink.write(b"half a resp")
            raise RuntimeError("cable pulled")

    with pytest.raises(RuntimeError):
        download()
    assert cache.get(REQUEST) is None
    assert list(tmp_path.iterdir()) == []
