"""Size limits for imported files, checked before a file is parsed.

Why limits at all: a 2.9 MB XLSX file can unpack to gigabytes of XML (a "zip bomb") and a 68 KB
one to a sheet of a million empty rows; without limits such a file runs for minutes and takes
all memory before any message is shown. The limits are far above any real extract — a national
person-level register in CSV is a few hundred megabytes, an observation file a few megabytes —
and each has its own clear message that names the limit and the file's size.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

from pejling.errors import ImportRejected, Problem

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """The limits one import applies (tests pass smaller ones)."""

    #: a register file (CSV or Parquet) on disk
    max_register_bytes: int = 8 * 1024 * MB
    #: an observation file (aggregate figures) on disk
    max_observation_bytes: int = 256 * MB
    #: an XLSX file on disk (Excel's own sheet limit keeps real ones far below)
    max_xlsx_bytes: int = 256 * MB
    #: everything inside an XLSX file, unpacked
    max_xlsx_unpacked: int = 1024 * MB
    #: how much smaller a packed part of an XLSX may be than unpacked (normal sheets: 5–20)
    max_xlsx_ratio: int = 100
    #: rows of an observation file or an XLSX sheet (Excel's limit is 1,048,576)
    max_rows: int = 1_048_576
    #: rows of a register CSV or Parquet file
    max_register_rows: int = 100_000_000
    #: columns of any file (pejling's tables have at most a dozen)
    max_columns: int = 200
    #: bytes of one line of a CSV file
    max_line_bytes: int = 1 * MB


DEFAULT_LIMITS = Limits()


def size_text(n: float) -> str:
    """A byte count for a message: `2,9 MB`, `512 KB` (Danish decimal comma in both languages)."""
    if n >= MB:
        return f"{n / MB:.1f} MB".replace(".", ",")
    return f"{max(1, round(n / 1024))} KB"


def too_large(name: str, what: str, size: float, limit: float) -> ImportRejected:
    """The rejection for a file over a size limit (`what`: "on disk" or "unpacked")."""
    return ImportRejected(
        name,
        [
            Problem(
                name,
                f"the file is too large ({what} {size_text(size)}, the limit is {size_text(limit)})",
                "a smaller file (split it, or leave out columns and rows pejling does not use)",
                code="too_large",
            )
        ],
    )


def check_file_size(path: Path, name: str, limit: int) -> int:
    """The file's size in bytes; reject it when it is over `limit`."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ImportRejected(
            name, [Problem(name, f"cannot read the file ({exc.strerror})", code="unreadable")]
        ) from None
    if size > limit:
        raise too_large(name, "on disk", size, limit)
    return size


def check_xlsx(path: Path, name: str, limits: Limits = DEFAULT_LIMITS) -> None:
    """Reject an XLSX file that is too large, packed or unpacked, before openpyxl opens it."""
    check_file_size(path, name, limits.max_xlsx_bytes)
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise ImportRejected(
            name,
            [Problem(name, "not a readable XLSX file", "an .xlsx workbook", code="unreadable")],
        ) from None
    unpacked = sum(m.file_size for m in members)
    if unpacked > limits.max_xlsx_unpacked:
        raise too_large(name, "unpacked", unpacked, limits.max_xlsx_unpacked)
    for member in members:
        if member.file_size > 10 * MB and member.file_size > limits.max_xlsx_ratio * max(
            member.compress_size, 1
        ):
            raise ImportRejected(
                name,
                [
                    Problem(
                        name,
                        f"the workbook unpacks to far more than it holds ({size_text(member.compress_size)} "
                        f"packed, {size_text(member.file_size)} unpacked), like a zip bomb",
                        "a workbook saved by Excel or LibreOffice with only the data",
                        code="too_large",
                    )
                ],
            )


def too_many(name: str, what: str, limit: int) -> ImportRejected:
    """The rejection for a file with too many rows or columns."""
    return ImportRejected(
        name,
        [
            Problem(
                name,
                f"the file has more than {limit:,} {what}".replace(",", "."),
                f"at most {limit:,} {what}".replace(",", "."),
                code="too_large",
            )
        ],
    )
