"""In headless Chromium: log in, open the overview and a goal page (the chart drawn by the
bundled Vega under the real Content-Security-Policy), 0 axe-core violations at 1280 and 390 px.

Chromium from Debian and axe-core from npm, as tests/report/test_a11y.py (`make browser-deps`).
Screenshots are written to $PEJLING_SCREENSHOTS when set (else the test's temporary folder).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from pytest_django.fixtures import Settings as SettingsWrapper

from pejling.web.roles import Role
from tests.report.test_a11y import ARGS, AXE, CHROMIUM, _require_browser
from tests.web.browser_support import WIDTHS, _axe
from tests.web.conftest import OWN, PASSWORD, make_user


@pytest.mark.django_db(transaction=True)
def test_login_overview_and_goal_page_in_chromium(
    web_ws: Path, live_server: Any, settings: SettingsWrapper, tmp_path: Path
) -> None:
    _require_browser()
    from playwright.sync_api import sync_playwright

    # plain http on localhost, as `pejling serve` on localhost
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    make_user("laeser", Role.READER)
    shots = Path(os.environ.get("PEJLING_SCREENSHOTS", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    axe = AXE.read_text(encoding="utf-8")
    failures: list[str] = []
    errors: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        for width in WIDTHS:
            page = browser.new_page(viewport={"width": width, "height": 900})
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(f"{live_server.url}/login/")
            failures += _axe(page, axe, f"login@{width}")
            page.fill("#id_username", "laeser")
            page.fill("#id_password", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_url(f"**/kommune/{OWN}/")
            assert page.locator("table.goals tbody tr").count() > 5
            failures += _axe(page, axe, f"overview@{width}")
            # the page fits the width; only a wide table scrolls, inside its own region
            scroll = page.evaluate("document.documentElement.scrollWidth")
            assert scroll <= width, (width, scroll)
            page.screenshot(path=str(shots / f"overview-{width}.png"), full_page=True)
            page.click("a[href$='/maal/roskilde-2015/maal-3a/']")
            page.wait_for_selector("#chart svg", timeout=20_000)
            failures += _axe(page, axe, f"goal@{width}")
            page.screenshot(path=str(shots / f"goal-{width}.png"), full_page=True)
            # the chart fits the phone's width (no horizontal scrolling of the page)
            scroll = page.evaluate("document.documentElement.scrollWidth")
            assert scroll <= width, (width, scroll)
            page.close()
        browser.close()
    assert not failures, "\n".join(failures)
    assert not errors, "\n".join(errors)  # a CSP refusal is a console error
