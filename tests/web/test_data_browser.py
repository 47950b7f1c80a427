"""In headless Chromium (Done when): a data steward logs in, uploads a file and watches the
progress bar move to the result; a bad file shows the CLI's errors; 0 axe-core violations at
1280 and 390 px on the data page (also with a form error), the job page (running, done, failed)
and the reports page (a reader's view and an administrator's with the buttons).

The jobs are queued in django-tasks' database backend and run in a thread of the test;
`PEJLING_JOB_STEP_DELAY` slows each stage of the job so the bar is seen between 0 and 1.
Screenshots go to $PEJLING_SCREENSHOTS when set (else the test's temporary folder).
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from django.db import close_old_connections
from pytest_django.fixtures import Settings as SettingsWrapper

from pejling.web.jobs.run import run_job
from pejling.web.models import Job
from pejling.web.roles import Role
from tests.report.test_a11y import ARGS, AXE, CHROMIUM, _require_browser
from tests.web.browser_support import WIDTHS, _axe
from tests.web.conftest import OWN, PASSWORD, make_user
from tests.web.data_helpers import BAD, DATABASE, observations, own_copy


def _login(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def _upload(page: Any, base: str, path: Path) -> None:
    page.goto(f"{base}/kommune/{OWN}/data/")
    page.check("#id_kind_0")
    page.set_input_files("#id_file", str(path))
    page.click("form.upload button[type=submit]")


@pytest.mark.django_db(transaction=True)
def test_a_data_steward_uploads_and_watches_the_progress_bar(
    web_ws: Path, live_server: Any, settings: SettingsWrapper, tmp_path: Path
) -> None:
    _require_browser()
    from playwright.sync_api import sync_playwright

    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    settings.TASKS = DATABASE
    settings.PEJLING_JOB_STEP_DELAY = 0.6
    ws = own_copy(web_ws, tmp_path, settings)
    make_user("data", Role.DATA_STEWARD)
    make_user("admin", Role.ADMINISTRATOR)
    files = tmp_path / "files"
    files.mkdir()
    for width in WIDTHS:  # a new vintage each time: imported, not unchanged
        good = observations([(265, 2019, "4.1"), (265, 2020, "4.3")], vintage=str(width))
        (files / f"ledighed-{width}.csv").write_text(good, encoding="utf-8")
    (files / "forkert.csv").write_text(BAD, encoding="utf-8")
    (files / "tal.txt").write_text("x", encoding="utf-8")
    shots = Path(os.environ.get("PEJLING_SCREENSHOTS", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    axe = AXE.read_text(encoding="utf-8")
    stop = threading.Event()

    def work() -> None:
        """The worker's part, without its polling transaction: the live server and this thread
        share an in-memory SQLite database, whose table locks would refuse the live server's
        queries now and then (the real worker is tested in test_data_jobs and test_serve)."""
        try:
            while not stop.is_set():
                for job in Job.objects.filter(state=Job.State.QUEUED).order_by("pk"):
                    run_job(job.pk, str(ws))
                time.sleep(0.2)
        finally:
            close_old_connections()

    thread = threading.Thread(target=work, daemon=True)
    thread.start()
    failures: list[str] = []
    errors: list[str] = []
    base = live_server.url
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
            for width in WIDTHS:
                page = browser.new_page(viewport={"width": width, "height": 900})
                page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
                page.on("pageerror", lambda e: errors.append(str(e)))
                _login(page, base, "data")
                page.goto(f"{base}/kommune/{OWN}/data/")
                failures += _axe(page, axe, f"data@{width}")
                # a file of the wrong type: the form says so, next to the field
                page.check("#id_kind_0")
                page.set_input_files("#id_file", str(files / "tal.txt"))
                page.click("form.upload button[type=submit]")
                page.wait_for_selector("#file-fejl")
                failures += _axe(page, axe, f"data-error@{width}")
                page.screenshot(path=str(shots / f"data-error-{width}.png"), full_page=True)
                # a good file: the bar moves through the stages to the result
                _upload(page, base, files / f"ledighed-{width}.csv")
                page.wait_for_url("**/data/job/*/")
                seen: list[float] = []
                checked_running = False
                deadline = time.monotonic() + 60
                while time.monotonic() < deadline:
                    if page.locator("ul.result").count():
                        break
                    value = page.evaluate(
                        "() => { const b = document.getElementById('bar');"
                        " return b ? Number(b.value) : -1; }"
                    )
                    if 0 < value < 1:
                        seen.append(value)
                        if not checked_running:
                            checked_running = True
                            failures += _axe(page, axe, f"job-running@{width}")
                            page.screenshot(path=str(shots / f"job-running-{width}.png"))
                    time.sleep(0.1)
                assert page.locator("ul.result").count() == 1, "no result within a minute"
                assert len(set(seen)) >= 2, seen  # seen moving, not jumping to the end
                assert seen == sorted(seen), seen
                result = page.inner_text("ul.result")
                assert f"ledighed-{width}.csv: 2 rækker indlæst" in result, result
                assert page.get_attribute("#bar", "value") == "1.000"
                failures += _axe(page, axe, f"job-done@{width}")
                page.screenshot(path=str(shots / f"job-done-{width}.png"), full_page=True)
                # a bad file: the job ends with the CLI's precise error
                _upload(page, base, files / "forkert.csv")
                page.wait_for_url("**/data/job/*/")
                page.wait_for_selector(".job-errors", timeout=60_000)
                assert "forkert.csv:3" in page.inner_text(".job-errors")
                failures += _axe(page, axe, f"job-failed@{width}")
                page.screenshot(path=str(shots / f"job-failed-{width}.png"), full_page=True)
                page.goto(f"{base}/kommune/{OWN}/data/")
                # the municipality's own jobs (the whole import log is the national level's)
                assert page.locator("table.jobs tbody tr").count() >= 2
                page.screenshot(path=str(shots / f"data-{width}.png"), full_page=True)
                scroll = page.evaluate("document.documentElement.scrollWidth")
                assert scroll <= width, (width, scroll)
                page.goto(f"{base}/kommune/{OWN}/rapporter/")
                failures += _axe(page, axe, f"reports-reader@{width}")
                page.close()
                admin = browser.new_page(viewport={"width": width, "height": 900})
                _login(admin, base, "admin")
                admin.goto(f"{base}/kommune/{OWN}/rapporter/")
                assert admin.locator("text=Dan rapport").count() >= 1
                failures += _axe(admin, axe, f"reports-admin@{width}")
                admin.screenshot(path=str(shots / f"reports-{width}.png"), full_page=True)
                admin.close()
            browser.close()
    finally:
        stop.set()
        thread.join(timeout=30)
    assert not failures, "\n".join(failures)
    assert not errors, "\n".join(errors)
