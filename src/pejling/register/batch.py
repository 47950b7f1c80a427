"""One `pejling import` command: every file succeeds or none does.

Why one transaction for the whole command: `pejling import good.csv bad.csv` used to store the
first file and then report that nothing was written; a user who names several files means them
as one delivery. Register files (a batch of tables) and observation files are all read and
validated first; only when every one of them is clean are they written, in one transaction. A
rejection is logged for every file — its own problems, or "rejected with the rest" — and an
unexpected failure (a bug) is logged too, without any data, before it is raised.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pejling.errors import ImportRejected
from pejling.register.importer import (
    PreparedRegister,
    ProgressCallback,
    RegisterImportResult,
    bounded_memory,
    discard,
    log_register_rejection,
    prepare_register,
    write_register,
)
from pejling.register.pseudonym import PseudonymKey
from pejling.spec.catalog import Catalog
from pejling.store.database import Store
from pejling.store.limits import DEFAULT_LIMITS, Limits
from pejling.store.observation_import import (
    WITH_THE_REST,
    ImportResult,
    PreparedObservations,
    file_sha,
    log_rejected,
    merge_rejections,
    prepare_observations,
    write_observations,
)


@dataclass(frozen=True)
class BatchResult:
    """What one import command stored."""

    register: RegisterImportResult | None
    observations: list[ImportResult]


def import_files(
    store: Store,
    register_paths: Sequence[Path],
    observation_paths: Sequence[Path],
    catalog: Catalog,
    key: PseudonymKey | None,
    *,
    progress: ProgressCallback | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> BatchResult:
    """Validate all files, then write all of them in one transaction; raise ImportRejected
    (every file logged as rejected, the store otherwise unchanged) if any one is bad."""
    with bounded_memory(store):
        return _import_files(store, register_paths, observation_paths, catalog, key,
                             progress=progress, limits=limits)  # fmt: skip


def _import_files(
    store: Store,
    register_paths: Sequence[Path],
    observation_paths: Sequence[Path],
    catalog: Catalog,
    key: PseudonymKey | None,
    *,
    progress: ProgressCallback | None,
    limits: Limits,
) -> BatchResult:
    prepared: PreparedRegister | None = None
    rejections: list[ImportRejected] = []
    own: dict[int, ImportRejected] = {}
    ready: list[PreparedObservations] = []
    try:
        if register_paths:
            if key is None:
                raise ValueError("register files need a pseudonymisation key")
            try:
                prepared = prepare_register(
                    store, register_paths, key, progress=progress, limits=limits
                )
            except ImportRejected as exc:  # files that name no table, missing files
                rejections.append(exc)
            if prepared is not None and prepared.total:
                rejections.append(prepared.rejection())
        for i, path in enumerate(observation_paths):
            try:
                ready.append(prepare_observations(path, catalog, limits=limits))
            except ImportRejected as exc:
                own[i] = exc
                rejections.append(exc)
        if rejections:
            _log_rejected(store, register_paths, prepared, observation_paths, own, None)
            raise merge_rejections(rejections)
        with store.transaction():
            register = (
                RegisterImportResult(write_register(store, prepared), tuple(prepared.skipped))
                if prepared is not None
                else None
            )
            observations = [write_observations(store, p) for p in ready]
        return BatchResult(register, observations)
    except ImportRejected:
        raise
    except Exception as exc:
        # a bug, not a bad file: nothing was written (the transaction rolled back); the log
        # says so without the exception's text, which may quote the data
        message = f"internal error ({type(exc).__name__}); nothing was written"
        _log_rejected(store, register_paths, prepared, observation_paths, {}, message)
        raise
    finally:
        if prepared is not None:
            discard(store, prepared)


def _log_rejected(
    store: Store,
    register_paths: Sequence[Path],
    prepared: PreparedRegister | None,
    observation_paths: Sequence[Path],
    own: dict[int, ImportRejected],
    message: str | None,
) -> None:
    if prepared is not None:
        log_register_rejection(store, prepared, message)
    else:
        for path in register_paths:
            log_rejected(store, path.name, file_sha(path), "register", 0, message or WITH_THE_REST)
    for i, path in enumerate(observation_paths):
        exc = own.get(i)
        if exc is None:
            log_rejected(store, path.name, file_sha(path), "observations", 0,
                         message or WITH_THE_REST)  # fmt: skip
        else:
            first = exc.problems[0].render() if exc.problems else None
            log_rejected(store, path.name, file_sha(path), "observations", exc.total, first)
