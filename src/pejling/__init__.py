"""pejling: integration policy by results for Danish municipalities."""

from __future__ import annotations


def __getattr__(name: str) -> str:
    """`__version__`, read from the installed metadata when first asked for.

    Why lazily: `importlib.metadata` costs tens of milliseconds at every start of the command
    line, and only `pejling --version` and the HTTP client's User-Agent need the version.
    """
    if name != "__version__":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib.metadata import PackageNotFoundError, version

    try:
        value = version("pejling")
    except PackageNotFoundError:  # pragma: no cover - only when run from a source tree
        value = "0.0.0"
    globals()["__version__"] = value
    return value
