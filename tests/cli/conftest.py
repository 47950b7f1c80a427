"""CLI tests use the shared fixtures in tests/conftest.py."""

from tests.conftest import DEMO_ARGS, Run

__all__ = ["DEMO_ARGS", "Run"]
