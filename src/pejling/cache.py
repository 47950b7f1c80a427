"""A workspace's cache of results that take seconds to compute and depend only on its files.

Why: `pejling status` judges every goal of every policy — a national policy in all 98
municipalities — and decides the disclosure control of the whole publication before it prints
one line (seconds on a real workspace), and `pejling lint` reads the store's history for its
warnings. Both are deterministic: the same files give the same result. So the result is kept in
`<workspace>/.pejling/cache/`, under a key that is a fingerprint of everything it is computed
from, and a repeated command with unchanged inputs loads it instead of computing it again.

What the key covers (`Key`, `workspace_key`): pejling's own files and the installed libraries
(`code_fingerprint`), today's date (a policy's default period depends on it), the workspace's
settings, the text of every policy and every own indicator file, the store's file metadata, and
the command's arguments. Any change to any of them is a different key: the first run after it
computes afresh and replaces the entry.

Never stale, by construction:

- Files are read whole (policies, indicators) and their text is part of the key. The store is
  too large to read, so it enters by its metadata: device, inode, size and the modification
  and change times of the DuckDB file and its write-ahead log. Every write — an import, a
  computation, a restored backup — changes them; a read-only open does not.
- A file saved again within the clock's granularity can keep its times (a "racily clean" file,
  as git calls it). So a result is kept only if the store's newest time is `SETTLE_NS` older
  than the moment its key was taken: any later write then carries a later time.
- The key is taken again after computing; if anything changed meanwhile (a policy saved while
  it was judged), the result is not kept.
- Errors are never cached: a command that fails computes again next time.

Safe: an entry is a pickle, and loading a pickle can run code, so an entry is loaded only from
a folder and a file that belong to the user and that nobody else can write (on POSIX systems);
anything else is ignored. The folder is private (0700), like the store. A damaged entry is a
miss. Writes go through a temporary file and a rename, so a reader never sees half an entry.

Bypass: `--no-cache` on `pejling status` and `pejling lint`, or `PEJLING_NO_CACHE=1` for every
command; the cache is then neither read nor written. Deleting `.pejling/cache` is always safe.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import pickle
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar, cast

if TYPE_CHECKING:
    from pejling.workspace import Workspace

T = TypeVar("T")

NO_CACHE_ENV = "PEJLING_NO_CACHE"
"""Set to 1 (or yes/true/ja) to neither read nor write the cache."""
CACHE_DIR = Path(".pejling") / "cache"
"""The cache folder, relative to the workspace."""
FORMAT = "1"
"""Part of every key: raise it when an entry's layout changes without pejling's files changing."""
SETTLE_NS = 3_000_000_000
"""How much older than the key the store's newest time must be for a result to be kept:
more than the coarsest file-time granularity in use (2 s on FAT)."""
KEEP = 64
"""Entries kept; the oldest beyond this are removed (one per command and arguments)."""
#: libraries whose version can change a result (queries, statistics, YAML, validation); an
#: install or upgrade changes their files and the folder they are installed in
LIBRARIES = ("duckdb", "numpy", "scipy", "statsmodels", "pydantic", "pydantic_core", "ruamel.yaml")


def enabled(no_cache: bool = False) -> bool:
    """Whether to use the cache: not with `--no-cache`, nor with PEJLING_NO_CACHE set."""
    if no_cache:
        return False
    return os.environ.get(NO_CACHE_ENV, "").strip().lower() in ("", "0", "false", "no", "nej")


class Key:
    """A fingerprint of a result's inputs: labelled parts fed to SHA-256, in order.

    `newest_ns` is the newest time of the parts known by metadata only (`stat`): the settling
    rule (`settled`) applies to them.
    """

    def __init__(self, kind: str) -> None:
        self._hash = hashlib.sha256()
        self.newest_ns = 0
        self.add("format", FORMAT).add("kind", kind)

    def add(self, label: str, value: object) -> Key:
        """Add a part: bytes as they are, anything else by its `repr` (use plain values)."""
        data = value if isinstance(value, bytes) else repr(value).encode("utf-8")
        for chunk in (label.encode("utf-8"), data):  # length-prefixed: parts cannot run together
            self._hash.update(len(chunk).to_bytes(8, "big"))
            self._hash.update(chunk)
        return self

    def file(self, label: str, path: Path) -> Key:
        """A file by its name, size, modification time and whole content (or why not)."""
        try:
            st = path.stat()
            data = path.read_bytes()
        except OSError as exc:  # missing or unreadable: the command itself says what is wrong
            return self.add(label, (str(path), type(exc).__name__))
        return self.add(label, (str(path), st.st_size, st.st_mtime_ns)).add(label, data)

    def stat(self, label: str, path: Path) -> Key:
        """A file by its metadata only (the store: too large to read at every command)."""
        try:
            st = path.stat()
        except OSError as exc:
            return self.add(label, (str(path), type(exc).__name__))
        self.newest_ns = max(self.newest_ns, st.st_mtime_ns, st.st_ctime_ns)
        return self.add(
            label,
            (str(path), st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns),
        )

    def settled(self, taken_ns: int) -> bool:
        """Whether every `stat` part was last written `SETTLE_NS` before `taken_ns`, the time
        just before the key was taken (see the module docstring)."""
        return self.newest_ns < taken_ns - SETTLE_NS

    def digest(self) -> str:
        """The fingerprint (64 hex digits)."""
        return self._hash.copy().hexdigest()


@cache
def code_fingerprint() -> str:
    """pejling's own files (name, size, modification time) and the Python and libraries that
    run them: a new version, an edited source file or an upgraded library is a new key."""
    h = hashlib.sha256(sys.version.encode("utf-8"))
    root = Path(__file__).resolve().parent
    for folder, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(names):
            path = Path(folder, name)
            st = path.stat()
            h.update(f"{path.relative_to(root)}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    for name in LIBRARIES:
        try:
            spec = importlib.util.find_spec(name)
        except (ImportError, ValueError):
            spec = None
        origin = Path(spec.origin) if spec is not None and spec.origin else None
        stamps: list[object] = [name]
        if origin is not None and origin.exists():
            stamps += [str(origin), origin.stat().st_mtime_ns]
            site = origin.parent.parent  # where it is installed: changes on every install
            stamps.append(site.stat().st_mtime_ns)
        h.update(repr(stamps).encode("utf-8"))
    return h.hexdigest()


def workspace_key(kind: str, ws: Workspace) -> Key:
    """A key over everything in a workspace a status or lint result depends on.

    The settings enter as parsed (the values the command uses, whatever the file says now);
    the policy and indicator files as `Workspace.policy_files` and the catalog read them.
    """
    key = Key(kind).add("code", code_fingerprint()).add("today", date.today().isoformat())
    key.add("settings", ws.settings.model_dump_json())
    for path in ws.policy_files():
        key.file("policy", path)
    indicators = ws.root / "indicators"
    for path in sorted(indicators.glob("*.yaml")) if indicators.is_dir() else []:
        key.file("indicator", path)
    wal = ws.db_path.with_name(ws.db_path.name + ".wal")  # DuckDB's write-ahead log
    return key.stat("store", ws.db_path).stat("store-wal", wal)


def slot_name(kind: str, *arguments: object) -> str:
    """The entry of a command and its arguments (later runs with other inputs replace it)."""
    digest = hashlib.sha256(repr(arguments).encode("utf-8")).hexdigest()[:16]
    return f"{kind}-{digest}"


def cached(
    root: Path,
    slot: str,
    key: Callable[[], Key],
    compute: Callable[[], T],
    *,
    use: bool = True,
    keep: Callable[[T], bool] | None = None,
) -> T:
    """`compute()`, or the value cached for the same key in the workspace at `root`.

    `key` is called before and after computing (see the module docstring); `use=False` only
    computes; `keep` says whether a computed value may be kept (not one that is incomplete
    because the store was busy). The value must be picklable and never None.
    """
    if not use:
        return compute()
    taken_ns = time.time_ns()
    before = key()
    digest = before.digest()
    found = load(root, slot, digest)
    if found is not None:
        return cast(T, found)
    value = compute()
    if (keep is None or keep(value)) and before.settled(taken_ns) and key().digest() == digest:
        save(root, slot, digest, value)
    return value


def _trusted(st: os.stat_result) -> bool:
    """Owned by this user and writable by nobody else (only checked on POSIX systems)."""
    if os.name != "posix":
        return True
    return st.st_uid == os.geteuid() and not st.st_mode & 0o022


def load(root: Path, slot: str, digest: str) -> object | None:
    """The value stored under `slot` if it was stored for `digest`; None otherwise."""
    folder = root / CACHE_DIR
    try:
        if not _trusted(folder.stat()):
            return None
        with (folder / f"{slot}.pickle").open("rb") as fh:
            if not _trusted(os.fstat(fh.fileno())):
                return None
            if fh.readline().rstrip(b"\n") != digest.encode("ascii"):
                return None
            value: object = pickle.load(fh)
            return value
    except FileNotFoundError:
        return None
    except Exception:  # a damaged or outdated entry (any unpickling error) is a miss
        return None


def save(root: Path, slot: str, digest: str, value: object) -> None:
    """Store `value` under `slot` for `digest` (atomically); quietly nothing when the workspace
    cannot be written (a read-only copy works, uncached)."""
    folder = root / CACHE_DIR
    data = digest.encode("ascii") + b"\n" + pickle.dumps(value, pickle.HIGHEST_PROTOCOL)
    tmp: str | None = None
    try:
        _make_folder(folder)
        if not _trusted(folder.stat()):
            return
        fd, tmp = tempfile.mkstemp(prefix=f".{slot}.", suffix=".tmp", dir=folder)  # 0600
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, folder / f"{slot}.pickle")
        tmp = None
        _prune(folder)
    except OSError:
        return
    finally:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)


def _make_folder(folder: Path) -> None:
    """The private cache folder, marked as a cache for backup tools and git."""
    if folder.is_dir():
        return
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    folder.chmod(0o700)  # mkdir's mode is masked by the umask
    (folder / "CACHEDIR.TAG").write_text(
        "Signature: 8a477f597d28d172789f06886806bc55\n"
        "# pejling's cache of computed results; safe to delete (see pejling.cache).\n",
        encoding="ascii",
    )
    (folder / ".gitignore").write_text("*\n", encoding="ascii")


def _prune(folder: Path) -> None:
    """Remove the oldest entries beyond `KEEP`."""
    entries = sorted(folder.glob("*.pickle"), key=lambda p: p.stat().st_mtime_ns, reverse=True)
    for old in entries[KEEP:]:
        old.unlink(missing_ok=True)
