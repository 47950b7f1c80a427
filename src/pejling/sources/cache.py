"""An on-disk cache of API responses, keyed by the request and stamped with the table's update time.

Why: statistics change a few times a year, while a municipality refreshes often and sometimes
without a network (a laptop on a train, a locked-down server). A data response is stored with
the `updated` time of its table; the next refresh asks only for the (small) table info, and when
the table has not been updated since, the stored response is used instead of downloading it again.
Without a network the newest stored response is used, and the caller says so.

Layout: `<folder>/<key>.body` (the raw response, exactly as the service sent it) and
`<key>.json` (the request, when it was fetched, the table's update time). Writes are atomic
(temporary file, then rename), so an interrupted download never leaves a half entry. Request
headers are never stored: they may carry an API key.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from pejling.sources.http import HttpRequest


def utc_now() -> datetime:
    """The current time in UTC (the default clock)."""
    return datetime.now(UTC)


@dataclass(frozen=True)
class CacheEntry:
    """One stored response."""

    body_path: Path
    fetched_at: datetime
    updated: str | None
    label: str

    def read(self) -> bytes:
        """The stored body."""
        return self.body_path.read_bytes()


class ResponseCache:
    """Responses of one service in one folder."""

    def __init__(self, folder: Path, now: Callable[[], datetime] = utc_now) -> None:
        self.folder = folder
        self.now = now

    @staticmethod
    def key(request: HttpRequest) -> str:
        """A stable key from method, function (or URL) and body (never the headers)."""
        digest = hashlib.sha256()
        digest.update(request.method.encode())
        digest.update(b"\n" + (request.cache_key or request.url).encode() + b"\n")
        digest.update(request.body or b"")
        return digest.hexdigest()[:32]

    def get(self, request: HttpRequest) -> CacheEntry | None:
        """The stored response for this request, or None."""
        key = self.key(request)
        meta_path = self.folder / f"{key}.json"
        body_path = self.folder / f"{key}.body"
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not body_path.is_file() or not isinstance(meta, dict):
            return None
        try:
            fetched = datetime.fromisoformat(str(meta["fetched_at"]))
        except (KeyError, ValueError):
            return None
        updated = meta.get("updated")
        return CacheEntry(
            body_path, fetched, str(updated) if updated else None, str(meta.get("label", ""))
        )

    def put(
        self, request: HttpRequest, body: bytes, *, updated: str | None, label: str
    ) -> CacheEntry:
        """Store a response given as bytes."""
        with self.writer(request, updated=updated, label=label) as (sink, done):
            sink.write(body)
            entry = done()
        return entry

    @contextmanager
    def writer(
        self, request: HttpRequest, *, updated: str | None, label: str
    ) -> Iterator[tuple[BinaryIO, Callable[[], CacheEntry]]]:
        """A temporary file to stream a body into, and a function that commits it.

        Leaving the block without calling the commit function discards the download.
        """
        self.folder.mkdir(parents=True, exist_ok=True)
        key = self.key(request)
        tmp = self.folder / f"{key}.body.part"
        committed: list[CacheEntry] = []
        with tmp.open("w+b") as sink:

            def done() -> CacheEntry:
                sink.flush()
                os.fsync(sink.fileno())
                entry = self._commit(request, key, tmp, updated=updated, label=label)
                committed.append(entry)
                return entry

            try:
                yield sink, done
            finally:
                if not committed:
                    tmp.unlink(missing_ok=True)

    def _commit(
        self, request: HttpRequest, key: str, tmp: Path, *, updated: str | None, label: str
    ) -> CacheEntry:
        fetched = self.now()
        body_path = self.folder / f"{key}.body"
        tmp.replace(body_path)
        meta = {
            "label": label,
            "method": request.method,
            "url": request.url,
            "body": (request.body or b"").decode("utf-8", errors="replace"),
            "fetched_at": fetched.isoformat(),
            "updated": updated,
        }
        meta_tmp = self.folder / f"{key}.json.part"
        meta_tmp.write_text(json.dumps(meta, ensure_ascii=False, indent=1), encoding="utf-8")
        meta_tmp.replace(self.folder / f"{key}.json")
        return CacheEntry(body_path, fetched, updated, label)
