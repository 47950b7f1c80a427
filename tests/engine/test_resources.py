"""The memory limit of a computation: default, override, bad value, restored afterwards."""

from __future__ import annotations

import duckdb
import pytest

from pejling.engine import resources
from pejling.errors import UserError


def test_default_is_capped_and_the_environment_overrides(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(resources.ENV, raising=False)
    monkeypatch.setattr(resources, "physical_memory_gib", lambda: 24.0)
    assert resources.memory_limit() == "6.0GiB"
    monkeypatch.setattr(resources, "physical_memory_gib", lambda: 4.0)
    assert resources.memory_limit() == "3.2GiB"
    monkeypatch.setenv(resources.ENV, "12GB")
    assert resources.memory_limit() == "12GB"


def test_settings_hold_during_the_run_and_are_restored(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(resources.ENV, "1GiB")
    con = duckdb.connect()
    before = con.execute("SELECT current_setting('memory_limit')").fetchone()
    with resources.run_settings(con):
        assert con.execute("SELECT current_setting('memory_limit')").fetchone() == ("1.0 GiB",)
        assert con.execute("SELECT current_setting('preserve_insertion_order')").fetchone() == (
            False,
        )
    assert con.execute("SELECT current_setting('memory_limit')").fetchone() == before
    assert con.execute("SELECT current_setting('preserve_insertion_order')").fetchone() == (True,)


def test_a_bad_limit_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(resources.ENV, "lots")
    con = duckdb.connect()
    with (
        pytest.raises(UserError, match="PEJLING_MEMORY_LIMIT='lots' is not a memory size"),
        resources.run_settings(con),
    ):
        pass
