"""pejling: integration policy by results for Danish municipalities."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("pejling")
except PackageNotFoundError:  # pragma: no cover - only when run from a source tree
    __version__ = "0.0.0"
