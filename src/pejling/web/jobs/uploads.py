"""Uploaded data files: checked at the edge, kept where only the application can read them.

An upload is saved under the workspace's `.pejling/uploads/<job>/` (folders 0700, files 0600)
with its original name made safe (letters, digits, `.`, `-`, `_`; no folders), because the
import log shows the file name as `pejling import` would. A register extract arrives as one
`.zip` of the extract's files named after their tables (persons.csv, residence_spells.parquet,
…), unpacked flat into the job's folder; nothing in a zip may point outside it. The folder is
removed when the job ends: the store holds what was imported, the log the file's SHA-256.
Nothing here logs a file's content.
"""

from __future__ import annotations

import re
import shutil
import unicodedata
import zipfile
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from django.core.files.uploadedfile import UploadedFile

from pejling.cpr import MASK, looks_like_cpr, mask
from pejling.errors import UserError
from pejling.formatting import fmt_number
from pejling.register.tables import TABLES_BY_NAME
from pejling.store.limits import DEFAULT_LIMITS

#: an upload larger than this is refused before it is saved (bytes)
MAX_UPLOAD_BYTES = 512 * 1024**2
#: a register extract's files together, unpacked (bytes)
MAX_UNPACKED_BYTES = 8 * 1024**3
OBSERVATION_SUFFIXES = (".csv", ".xlsx")


class UploadKind(StrEnum):
    """What an upload holds."""

    OBSERVATIONS = "observations"  # a CSV/XLSX file of aggregate figures
    REGISTER = "register"  # a .zip of a register extract's files

    @property
    def label(self) -> str:
        """The Danish name the pages show."""
        return {"observations": "observationsfil", "register": "registerudtræk"}[self.value]


def uploads_dir(root: Path) -> Path:
    """The workspace's private folder of uploads (created owner-only)."""
    folder = root / ".pejling" / "uploads"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    folder.chmod(0o700)
    return folder


def job_dir(root: Path, job_id: int) -> Path:
    """The folder of one job's upload."""
    return uploads_dir(root) / str(job_id)


def safe_name(name: str) -> str:
    """The file's own name with only safe characters (æøå become ae, oe, aa; no folders)."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    base = base.replace("æ", "ae").replace("ø", "oe").replace("å", "aa")
    base = base.replace("Æ", "Ae").replace("Ø", "Oe").replace("Å", "Aa")
    base = unicodedata.normalize("NFKD", base).encode("ascii", "ignore").decode("ascii")
    base = re.sub(r"[^A-Za-z0-9._-]+", "_", base).strip("._-")
    # the name goes to the job list, the audit log and the store's import log: never a CPR
    # number in it (`udtraek_0101901234.zip`)
    base = mask(base).replace(MASK, "cpr-skjult") if looks_like_cpr(base) else base
    return base[:120] or "fil"


@dataclass(frozen=True)
class CheckedUpload:
    """An upload that passed the edge checks: its safe name and kind."""

    name: str
    kind: UploadKind


def check_upload(upload: UploadedFile, kind: UploadKind) -> CheckedUpload:
    """Refuse an upload of the wrong type or size, with a precise Danish message."""
    name = safe_name(upload.name or "")
    suffix = Path(name).suffix.lower()
    size = upload.size or 0
    if size == 0:
        raise UserError(f"{name}: filen er tom.")
    if kind is UploadKind.OBSERVATIONS:
        if suffix not in OBSERVATION_SUFFIXES:
            raise UserError(
                f"{name}: en observationsfil skal være CSV eller XLSX (.csv, .xlsx), "
                f"ikke {suffix or 'uden endelse'}."
            )
        limit = DEFAULT_LIMITS.max_observation_bytes
    else:
        if suffix != ".zip":
            raise UserError(
                f"{name}: et registerudtræk sendes som én .zip-fil med udtrækkets filer "
                "(persons.csv, residence_spells.parquet, …)."
            )
        limit = MAX_UPLOAD_BYTES
    limit = min(limit, MAX_UPLOAD_BYTES)
    if size > limit:
        raise UserError(
            f"{name}: filen fylder {fmt_number(size / 1024**2, 1)} MB; højst "
            f"{fmt_number(limit / 1024**2, 0)} MB kan sendes her (større filer: "
            "'pejling import' på serveren)."
        )
    return CheckedUpload(name, kind)


def save_upload(upload: UploadedFile, checked: CheckedUpload, folder: Path) -> Path:
    """Write the upload into the job's folder (owner-only) and return its path."""
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    target = folder / checked.name
    with target.open("xb") as out:
        target.chmod(0o600)
        for chunk in upload.chunks():
            out.write(chunk)
    return target


def unpack_extract(archive: Path, folder: Path) -> Path:
    """Unpack a register extract's .zip flat into `folder/extract` and return that folder.

    Folders inside the zip are ignored (every file lands in one folder under its own, made-safe
    name, so nothing can be written outside it); which files are register tables and which are
    skipped is then decided by the import itself, as for a folder given to `pejling import`.
    """
    target = folder / "extract"
    target.mkdir(mode=0o700)
    name = archive.name
    try:
        zf = zipfile.ZipFile(archive)
    except zipfile.BadZipFile:
        raise UserError(f"{name}: filen er ikke en gyldig .zip-fil.") from None
    with zf:
        members = [m for m in zf.infolist() if not m.is_dir()]
        total = sum(m.file_size for m in members)
        if total > MAX_UNPACKED_BYTES:
            raise UserError(
                f"{name}: udpakket fylder udtrækket {fmt_number(total / 1024**3, 1)} GB; højst "
                f"{fmt_number(MAX_UNPACKED_BYTES / 1024**3, 0)} GB (større: 'pejling import')."
            )
        for m in members:
            own = m.filename.replace("\\", "/").rsplit("/", 1)[-1]
            if not own or own.startswith("."):
                continue
            out = target / safe_name(own)
            if out.exists():
                raise UserError(f"{name}: filen {out.name} findes to gange i .zip-filen.")
            with zf.open(m) as src, out.open("xb") as dst:
                out.chmod(0o600)
                shutil.copyfileobj(src, dst, 1 << 22)
    if not any(p.stem.lower() in TABLES_BY_NAME for p in target.iterdir()):
        tables = ", ".join(sorted(TABLES_BY_NAME))
        raise UserError(
            f"{name}: .zip-filen indeholder ingen registerfiler; forventet filer navngivet efter "
            f"registertabellerne ({tables}) som .csv eller .parquet."
        )
    return target


def remove(folder: Path) -> None:
    """Remove a job's upload folder (the data is in the store now, or was refused)."""
    shutil.rmtree(folder, ignore_errors=True)
