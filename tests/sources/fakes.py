"""Recorded responses served like the real APIs: a transport for the clients under test."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from pejling.sources.http import HttpRequest, HttpResponse, NetworkError

FIXTURES = Path(__file__).parent / "fixtures"
Handler = Callable[[HttpRequest], HttpResponse]


def error_body(code: str, message: str) -> bytes:
    """An error in the documented StatBank shape."""
    return json.dumps({"errorTypeCode": code, "message": message}, ensure_ascii=False).encode()


class RecordedStatBank:
    """Answers StatBank requests from tests/sources/fixtures/statbank/requests.json.

    A request that was not recorded gets the API's 400 answer, so a change in what the client
    asks for shows up as a failing test instead of silently served data.
    """

    def __init__(self) -> None:
        folder = FIXTURES / "statbank"
        self.folder = folder
        index = json.loads((folder / "requests.json").read_text(encoding="utf-8"))
        self.files = {entry["body"]: folder / entry["file"] for entry in index}
        self.requests: list[HttpRequest] = []

    def send(
        self, request: HttpRequest, timeout: float, sink: BinaryIO | None = None
    ) -> HttpResponse:
        """Serve a recorded response (or a documented 400)."""
        self.requests.append(request)
        body = json.loads((request.body or b"{}").decode("utf-8"))
        key = json.dumps(body, ensure_ascii=False, sort_keys=True)
        path = self.files.get(key)
        if path is None:
            table = body.get("table", "")
            if request.url.endswith("tableinfo"):
                return HttpResponse(
                    400, error_body("TABLE-NOTFOUND", f'Tabellen "{table}" blev ikke fundet')
                )
            return HttpResponse(
                400, error_body("EXTRACT-NOTFOUND", "Der blev ikke fundet data for udtrækket")
            )
        data = path.read_bytes()
        if sink is not None:
            sink.write(data)
            return HttpResponse(200, b"", {"Content-Type": "text/json; charset=utf-8"})
        return HttpResponse(200, data, {"Content-Type": "text/json; charset=utf-8"})


class Scripted:
    """Answers from a list of responses or network errors, in order; records the requests."""

    def __init__(self, answers: list[HttpResponse | NetworkError]) -> None:
        self.answers = list(answers)
        self.requests: list[HttpRequest] = []

    def send(
        self, request: HttpRequest, timeout: float, sink: BinaryIO | None = None
    ) -> HttpResponse:
        """The next scripted answer."""
        self.requests.append(request)
        answer = self.answers.pop(0)
        if isinstance(answer, NetworkError):
            raise answer
        if sink is not None and answer.status == 200:
            sink.write(answer.body)
            return HttpResponse(200, b"", dict(answer.headers))
        return answer


class NoNetwork:
    """Every request fails as with the network cable pulled (name not resolved)."""

    def __init__(self) -> None:
        self.requests: list[HttpRequest] = []

    def send(
        self, request: HttpRequest, timeout: float, sink: BinaryIO | None = None
    ) -> HttpResponse:
        """Fail without a response."""
        self.requests.append(request)
        raise NetworkError("the name could not be resolved (no network)", transient=False)


class Sleeps:
    """An injected sleep that only records how long it was asked to wait."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)
