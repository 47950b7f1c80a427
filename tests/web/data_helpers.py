"""Shared by the data tests: a private copy of the demo workspace, the task backends, files."""

from __future__ import annotations

import shutil
from pathlib import Path

from pytest_django.fixtures import Settings as SettingsWrapper

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
DATABASE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

HEADER = (
    "indicator,municipality,period,group,numerator,denominator,value,unit,source,vintage,"
    "provenance,publisher\n"
)


def own_copy(demo: Path, tmp_path: Path, settings: SettingsWrapper) -> Path:
    """A copy of the demo workspace the application serves (the test may change it)."""
    ws = tmp_path / "ws"
    shutil.copytree(demo, ws, ignore=shutil.ignore_patterns("cache"))
    settings.PEJLING_WORKSPACE = ws
    return ws


def observations(rows: list[tuple[int, int, str]], vintage: str = "2099") -> str:
    """A CSV of unemployment rates: (municipality, year, value) each."""
    lines = [
        f"unemployment_rate,{code},{year},,,,{value},percent,Testkilde,{vintage},published,Test\n"
        for code, year, value in rows
    ]
    return HEADER + "".join(lines)


GOOD = observations([(265, 2019, "4.1"), (265, 2020, "4.3")])
#: row 3 (the second data row) has a value that is no number
BAD = observations([(265, 2019, "4.1"), (265, 2020, "fire")])
FOREIGN = observations([(265, 2019, "4.1"), (326, 2019, "5.0"), (326, 2020, "5.1")])
