"""The lazy progress bar: silent for quick jobs, shown once a job has run for a while."""

from __future__ import annotations

import pytest
from rich.progress import Progress

from pejling.cli import register_cmd


def test_quick_job_shows_no_bar(capsys: pytest.CaptureFixture[str]) -> None:
    with register_cmd.lazy_progress("Indlæser") as update:
        update("Læser persons.csv", 0, 3)
        update("Skriver", 2, 3)
    assert capsys.readouterr().err == ""


def test_slow_job_shows_a_bar(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(register_cmd, "PROGRESS_DELAY", -1.0)
    started: list[bool] = []
    original = Progress.start

    def spy(self: Progress) -> None:
        started.append(True)
        original(self)

    monkeypatch.setattr(Progress, "start", spy)
    with register_cmd.lazy_progress("Indlæser") as update:
        update("Læser persons.csv", 0, 3)
        update("Kontrollerer persons.csv", 1, 3)
    assert started == [True]
