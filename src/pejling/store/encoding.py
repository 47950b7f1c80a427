"""What text a CSV file holds: its encoding, line endings and longest line, in one streaming pass.

Why a check of our own before any parser sees the file: a parser reading bytes it was not made
for reports the symptom, not the cause — a UTF-16 file has "unknown columns" that look right, a
file mixing UTF-8 and Windows-1252 is stored as mojibake, a line of 3 MB is "no data rows", a
byte Windows-1252 does not define is a stack trace. This pass names the cause and the line:

- UTF-16 and UTF-32 (with or without a byte-order mark) are named and refused;
- a NUL byte (binary data) is refused with its line;
- UTF-8 (with any number of byte-order marks) is read as UTF-8; otherwise the file must be
  Windows-1252 throughout — a byte Windows-1252 does not define, or a file that also holds
  UTF-8 sequences (two encodings mixed), is refused with the line;
- line endings are counted (the register reader needs one style);
- a line longer than the limit is refused with its line number.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from pejling.errors import ImportRejected, Problem
from pejling.store.limits import DEFAULT_LIMITS, Limits, size_text

CHUNK = 4 * 1024 * 1024
UTF8_BOM = b"\xef\xbb\xbf"
#: a multi-byte UTF-8 sequence (two to four bytes)
_UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)
_SAVE_AS = "Save it again as 'CSV UTF-8' from Excel"
_ENDINGS = {
    "crlf": re.compile(rb"\r\n"),
    "lf": re.compile(rb"(?<!\r)\n"),
    "cr": re.compile(rb"\r(?!\n)"),
}


@dataclass(frozen=True)
class TextInfo:
    """What the check found."""

    encoding: str  # "utf-8" or "cp1252"
    bom_bytes: int  # UTF-8 byte-order marks at the start (0, 3, 6, …)
    crlf: int  # lines ending in \r\n
    lf: int  # lines ending in \n alone
    cr: int  # lines ending in \r alone (old Mac files)
    first_crlf: int  # the line number of the first \r\n ending (0: none)
    first_lf: int  # the line number of the first \n-only ending (0: none)
    first_cr: int  # the line number of the first lone \r (0: none)

    @property
    def mixed_line_endings(self) -> bool:
        """More than one line-ending style in the file."""
        return sum(1 for n in (self.crlf, self.lf, self.cr) if n) > 1


def _reject(name: str, where: str, message: str, expected: str, hint: str = "") -> ImportRejected:
    return ImportRejected(name, [Problem(where, message, expected, hint, code="wrong_encoding")])


def _wide_encoding(head: bytes) -> str | None:
    """UTF-16/UTF-32 from a byte-order mark or the pattern of zero bytes in ASCII text."""
    if head.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return "UTF-32"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "UTF-16"
    sample = head[:4096]
    if len(sample) >= 8 and sample.count(0) * 4 >= len(sample) * 3 - 8:
        return "UTF-32"
    if len(sample) >= 4:
        even, odd = sample[0::2], sample[1::2]
        if even.count(0) * 10 >= len(even) * 9 or odd.count(0) * 10 >= len(odd) * 9:
            return "UTF-16"
    return None


def _chunks(path: Path | None, data: bytes | None) -> Iterator[bytes]:
    if data is not None:
        for i in range(0, len(data), CHUNK):
            yield data[i : i + CHUNK]
        return
    assert path is not None
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            yield chunk


def check_text(
    name: str,
    *,
    path: Path | None = None,
    data: bytes | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> TextInfo:
    """Check a CSV file (from `path`, streamed, or `data`); raise ImportRejected naming the cause."""
    head = next(_chunks(path, data), b"")[:4096]
    wide = _wide_encoding(head)
    if wide is not None:
        raise _reject(
            name, name, f"the file is {wide}, which pejling does not read",
            "a CSV file in UTF-8 or Windows-1252", _SAVE_AS,
        )  # fmt: skip
    bom = 0
    while head[bom : bom + 3] == UTF8_BOM:
        bom += 3
    decoder = codecs.getincrementaldecoder("utf-8")()
    utf8_ok = True
    first_bad_line = 0
    first_utf8_line = 0
    line = 1  # the line (counted by \n) the next byte belongs to
    current = 0  # bytes of the current line so far
    counts = {"crlf": 0, "lf": 0, "cr": 0}
    first = {"crlf": 0, "lf": 0, "cr": 0}
    carry = b""  # a \r at the end of a chunk, whose line ending is decided by the next chunk
    for number, chunk in enumerate(_chunks(path, data)):
        body = chunk[bom:] if number == 0 else chunk
        nul = body.find(b"\x00")
        if nul >= 0:
            where = line + body.count(b"\n", 0, nul)
            raise _reject(
                name, f"{name}:{where}", "the file holds a NUL byte (binary data)",
                "a text file (CSV) in UTF-8 or Windows-1252", _SAVE_AS,
            )  # fmt: skip
        if utf8_ok:
            try:
                decoder.decode(body)
            except UnicodeDecodeError as exc:
                utf8_ok = False
                first_bad_line = line + body.count(b"\n", 0, exc.start)
        if not first_utf8_line:
            m = _UTF8_SEQUENCE.search(body)
            if m:
                first_utf8_line = line + body.count(b"\n", 0, m.start())
        text = carry + body
        carry = b""
        if text.endswith(b"\r"):
            carry, text = b"\r", text[:-1]
        both = text.count(b"\r\n")
        found = {"crlf": both, "lf": text.count(b"\n") - both, "cr": text.count(b"\r") - both}
        for kind, n in found.items():
            if n:
                counts[kind] += n
                if not first[kind]:
                    m = _ENDINGS[kind].search(text)
                    assert m is not None
                    first[kind] = line + text.count(b"\n", 0, m.start())
        parts = text.split(b"\n")
        lengths = [current + len(parts[0])]
        if len(parts) > 1:
            middle = max(map(len, parts[1:-1]), default=0)
            lengths += [middle, len(parts[-1])]
        if max(lengths) > limits.max_line_bytes:
            too_long = next(i for i, part in enumerate(parts)
                            if (current if i == 0 else 0) + len(part) > limits.max_line_bytes)  # fmt: skip
            raise ImportRejected(
                name,
                [
                    Problem(
                        f"{name}:{line + too_long}",
                        f"the line is longer than {size_text(limits.max_line_bytes)}",
                        f"lines of at most {size_text(limits.max_line_bytes)}",
                        "Is it a CSV file? A whole file on one line often means line endings "
                        "pejling cannot see, or a quote that is never closed",
                        code="too_large",
                    )
                ],
            )
        current = lengths[0] if len(parts) == 1 else len(parts[-1])
        line += len(parts) - 1
    if carry:
        counts["cr"] += 1
        first["cr"] = first["cr"] or line
    if not utf8_ok:
        if first_utf8_line:
            raise _reject(
                name, f"{name}:{first_bad_line}",
                f"the file mixes two encodings: line {first_utf8_line} is UTF-8, line "
                f"{first_bad_line} is not",
                "one encoding for the whole file (UTF-8 or Windows-1252)", _SAVE_AS,
            )  # fmt: skip
        _check_cp1252(name, path, data, bom)
    else:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            raise _reject(
                name, f"{name}:{line}", "the file ends in the middle of a UTF-8 character",
                "a complete UTF-8 file", _SAVE_AS,
            ) from None  # fmt: skip
    return TextInfo(
        "utf-8" if utf8_ok else "cp1252", bom, counts["crlf"], counts["lf"], counts["cr"],
        first["crlf"], first["lf"], first["cr"],
    )  # fmt: skip


def _check_cp1252(name: str, path: Path | None, data: bytes | None, bom: int) -> None:
    """Every byte must be a Windows-1252 character (0x81, 0x8D, 0x8F, 0x90, 0x9D are not)."""
    line = 1
    for number, chunk in enumerate(_chunks(path, data)):
        body = chunk[bom:] if number == 0 else chunk
        try:
            body.decode("cp1252")
        except UnicodeDecodeError as exc:
            where = line + body.count(b"\n", 0, exc.start)
            byte = body[exc.start]
            raise _reject(
                name, f"{name}:{where}",
                f"byte 0x{byte:02X} is not a character in UTF-8 or in Windows-1252",
                "a CSV file in UTF-8 or Windows-1252", _SAVE_AS,
            ) from None  # fmt: skip
        line += body.count(b"\n")


def decode_text(data: bytes, info: TextInfo) -> str:
    """The file's text (after `check_text`), without byte-order marks."""
    body = data[info.bom_bytes :]
    text = body.decode("utf-8") if info.encoding == "utf-8" else body.decode("cp1252")
    return text.lstrip("\ufeff")
