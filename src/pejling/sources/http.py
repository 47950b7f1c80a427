"""HTTP for the statistics clients: a small transport seam, retries with backoff, offline detection.

Why our own thin layer over `urllib` instead of a new dependency: the two APIs need plain GET and
POST with JSON bodies, and the tests must run without a network. Every request goes through a
`Transport`; the real one uses urllib, tests pass recorded responses. Retrying is separate from
sending so the backoff can be tested with an injected `sleep` (no test ever waits).

Errors say, in Danish and English, which service failed and what to do; "no network" (the host
cannot be resolved or refuses the connection) is told apart from "the service is failing" (HTTP
429 and 5xx, timeouts), because the first falls back to the cache at once and only the second is
worth retrying.
"""

from __future__ import annotations

import errno
import socket
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import BinaryIO, Protocol

from pejling import __version__
from pejling.errors import UserError

USER_AGENT = f"pejling/{__version__} (+https://github.com/; municipal integration follow-up)"
#: statuses worth another try: rate limiting and server trouble
RETRY_STATUS = frozenset({429, 500, 502, 503, 504})
CHUNK = 1 << 16


class SourceError(UserError):
    """A statistics source could not deliver; carries the message in Danish and English."""

    def __init__(self, da: str, en: str) -> None:
        self.da = da
        self.en = en
        super().__init__(da)

    def text(self, lang: str) -> str:
        """The message in `lang` (da or en)."""
        return self.en if lang == "en" else self.da


class SourceOffline(SourceError):
    """No network to the service (name not resolved, connection refused, or offline mode)."""


class SourceUnavailable(SourceError):
    """The service kept failing (HTTP 429/5xx or timeouts) after every retry."""


class SourceRequestError(SourceError):
    """The service rejected the request: unknown table, variable or value, bad key."""


class SourceFormatError(SourceError):
    """A response or file could not be read as the documented format."""


@dataclass(frozen=True)
class HttpRequest:
    """One request: method, URL, optional body and headers."""

    method: str
    url: str
    body: bytes | None = None
    headers: tuple[tuple[str, str], ...] = ()
    #: what the response depends on, for the cache (the service and function, not the host:
    #: a mirror set with PEJLING_STATBANK_URL answers the same)
    cache_key: str = ""


@dataclass(frozen=True)
class HttpResponse:
    """A response; `body` is empty when it was streamed to a sink."""

    status: int
    body: bytes = b""
    headers: Mapping[str, str] = field(default_factory=dict)

    def header(self, name: str) -> str | None:
        """A header value, case-insensitively."""
        for key, value in self.headers.items():
            if key.lower() == name.lower():
                return value
        return None


class NetworkError(Exception):
    """A request did not get an HTTP response; `transient` says whether retrying makes sense."""

    def __init__(self, reason: str, *, transient: bool) -> None:
        super().__init__(reason)
        self.reason = reason
        self.transient = transient


class Transport(Protocol):
    """Sends one request. With a sink, a 200 body is written to it instead of returned."""

    def send(
        self, request: HttpRequest, timeout: float, sink: BinaryIO | None = None
    ) -> HttpResponse: ...


class UrllibTransport:
    """The real transport (standard library only)."""

    def send(
        self, request: HttpRequest, timeout: float, sink: BinaryIO | None = None
    ) -> HttpResponse:
        """Send; raise NetworkError when no HTTP response arrives."""
        headers = {"User-Agent": USER_AGENT, **dict(request.headers)}
        req = urllib.request.Request(
            request.url, data=request.body, method=request.method, headers=headers
        )
        try:
            with urllib.request.urlopen(req, timeout=timeout) as resp:
                status = int(resp.status)
                got = {k: v for k, v in resp.headers.items()}
                if sink is not None and status == 200:
                    while chunk := resp.read(CHUNK):
                        sink.write(chunk)
                    return HttpResponse(status, b"", got)
                return HttpResponse(status, resp.read(), got)
        except urllib.error.HTTPError as exc:
            body = exc.read() if exc.fp is not None else b""
            return HttpResponse(int(exc.code), body, dict(exc.headers.items()))
        except urllib.error.URLError as exc:
            raise classify(exc.reason) from None
        except (TimeoutError, ConnectionError, OSError) as exc:
            raise classify(exc) from None


def classify(reason: object) -> NetworkError:
    """Tell "no network" (not worth retrying) from a passing failure."""
    if isinstance(reason, socket.gaierror):
        return NetworkError(f"the name could not be resolved ({reason})", transient=False)
    if isinstance(reason, ConnectionRefusedError):
        return NetworkError("the connection was refused", transient=False)
    if isinstance(reason, TimeoutError | socket.timeout):
        return NetworkError("the request timed out", transient=True)
    if isinstance(reason, ConnectionError):
        return NetworkError(f"the connection failed ({reason})", transient=True)
    if isinstance(reason, OSError) and reason.errno in (errno.ENETUNREACH, errno.EHOSTUNREACH):
        return NetworkError("the network is unreachable", transient=False)
    return NetworkError(str(reason), transient=True)


@dataclass(frozen=True)
class RetryPolicy:
    """How often to try and how long to wait between tries (doubling, capped)."""

    attempts: int = 4
    backoff: float = 1.0
    max_wait: float = 30.0
    timeout: float = 60.0

    def wait(self, attempt: int, retry_after: str | None) -> float:
        """Seconds before try `attempt + 1`; a Retry-After in seconds is honoured (capped)."""
        if retry_after is not None:
            try:
                wait: float = min(max(float(retry_after), 0.0), self.max_wait)
                return wait
            except ValueError:
                pass
        return min(self.backoff * float(2**attempt), self.max_wait)


def send_with_retries(
    transport: Transport,
    request: HttpRequest,
    *,
    service: str,
    policy: RetryPolicy,
    sleep: Callable[[float], None],
    sink: BinaryIO | None = None,
) -> HttpResponse:
    """Send, retrying 429/5xx and passing network failures with backoff.

    Raises SourceOffline at once when there is no network, SourceUnavailable when every try
    failed. Any other response (also 4xx) is returned for the caller to interpret.
    """
    last = ""
    for attempt in range(policy.attempts):
        if sink is not None:
            sink.seek(0)
            sink.truncate()
        retry_after: str | None = None
        try:
            response = transport.send(request, policy.timeout, sink)
        except NetworkError as exc:
            if not exc.transient:
                raise SourceOffline(
                    f"ingen forbindelse til {service}: {_da_reason(exc.reason)}",
                    f"no connection to {service}: {exc.reason}",
                ) from None
            last = exc.reason
        else:
            if response.status not in RETRY_STATUS:
                return response
            last = f"HTTP {response.status}"
            retry_after = response.header("Retry-After")
        if attempt + 1 < policy.attempts:
            sleep(policy.wait(attempt, retry_after))
    raise SourceUnavailable(
        f"{service} svarer ikke ordentligt ({last}) efter {policy.attempts} forsøg; prøv igen senere",
        f"{service} kept failing ({last}) after {policy.attempts} attempts; try again later",
    )


def _da_reason(reason: str) -> str:
    if "resolved" in reason:
        return "navnet kunne ikke slås op (er der netværk?)"
    if "refused" in reason:
        return "forbindelsen blev afvist"
    if "unreachable" in reason:
        return "netværket kan ikke nås"
    return reason
