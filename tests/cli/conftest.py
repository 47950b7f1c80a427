"""CLI tests use the shared fixtures in tests/conftest.py."""

from tests.conftest import DEMO_PERSONS, Run

__all__ = ["DEMO_PERSONS", "Run"]
