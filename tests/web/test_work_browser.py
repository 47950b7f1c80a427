"""The Done-when flow in headless Chromium: a national analyst sees all municipalities (the
chooser lists 98, the national comparison) and opens another municipality's overview; a
municipal reader of Roskilde sees only Roskilde and is refused Kalundborg and the national
pages. 0 axe-core violations at 1280 and 390 px on the chooser, the national and the national
goal pages, the worklist, a goal page with initiatives and comments and the administrators'
users page (also showing errors), and no page scrolls
sideways at 390 px (wide tables scroll in their own region).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from pytest_django.fixtures import Settings as SettingsWrapper

from pejling.web.roles import Role
from tests.report.test_a11y import ARGS, AXE, CHROMIUM, _require_browser
from tests.web.browser_support import WIDTHS, check_widths
from tests.web.conftest import OTHER, OWN, PASSWORD, make_user
from tests.web.test_work_pages import H3, work_workspace


def _login(browser: Any, url: str, username: str, errors: list[str]) -> Any:
    context = browser.new_context(viewport={"width": WIDTHS[0], "height": 900})
    page = context.new_page()

    def console(m: Any) -> None:
        # the refusals this test asks for are logged by the browser as failed loads
        if m.type == "error" and "status of 403" not in m.text:
            errors.append(m.text)

    page.on("console", console)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    return page


def _check(page: Any, axe: str, name: str) -> list[str]:
    return check_widths(page, axe, f"work-{name}")


@pytest.mark.django_db(transaction=True)
def test_national_analyst_sees_all_municipal_user_only_their_own(
    demo_dir: Path, live_server: Any, settings: SettingsWrapper, tmp_path: Path
) -> None:
    _require_browser()
    from playwright.sync_api import sync_playwright

    settings.PEJLING_WORKSPACE = work_workspace(demo_dir, tmp_path)
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    make_user("analytiker", Role.NATIONAL_ANALYST, 0)
    make_user("laeser", Role.READER, OWN)
    make_user("admin", Role.ADMINISTRATOR, OWN)
    axe = AXE.read_text(encoding="utf-8")
    url = live_server.url
    failures: list[str] = []
    errors: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        # the national analyst: the chooser of all 98, the national comparison
        page = _login(browser, url, "analytiker", errors)
        page.wait_for_url(f"{url}/")
        assert page.locator("table.chooser tbody tr").count() == 98
        failures += _check(page, axe, "chooser")
        page.click("text=National sammenligning af alle kommuner")
        page.wait_for_url("**/national/")
        assert page.locator("table.matrix tbody tr").count() == 98
        failures += _check(page, axe, "national")
        page.click("table.matrix thead a >> nth=0")
        page.wait_for_url("**/national/nationale-maal/*/")
        assert page.locator("table.national-goal tbody tr").count() == 98
        failures += _check(page, axe, "national-goal")
        page.click("a[href='/kommune/326/'] >> nth=0")  # another municipality's overview
        page.wait_for_url(f"**/kommune/{OTHER}/")
        assert page.locator("table.goals tbody tr").count() > 3
        page.goto(f"{url}/arbejdsliste/")
        failures += _check(page, axe, "worklist-national")
        page.context.close()

        # a reader of Roskilde: only Roskilde, refused Kalundborg and the national pages
        page = _login(browser, url, "laeser", errors)
        page.wait_for_url(f"**/kommune/{OWN}/")
        codes = {
            int(m.group(1))
            for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
            if (m := re.search(r"/kommune/(\d+)/", href))
        }
        assert codes == {OWN}, codes
        assert "Kalundborg" not in page.inner_text("header")
        for refused in (
            f"/kommune/{OTHER}/",
            "/national/",
            "/national/nationale-maal/maal-1-arbejde/",
        ):
            response = page.goto(f"{url}{refused}")
            assert response is not None, refused
            assert response.status == 403, refused
        page.goto(f"{url}/arbejdsliste/")
        assert "Rollemodeller og informationskampagne" in page.inner_text("main")
        assert "Kalundborg" not in page.inner_text("main")
        failures += _check(page, axe, "worklist")
        page.goto(f"{url}{H3}")
        assert page.locator("article.initiative").count() > 3
        assert page.locator("ol.comments li").count() == 2
        failures += _check(page, axe, "goal-initiatives")
        page.context.close()

        # an administrator's users page, also with a form showing errors
        page = _login(browser, url, "admin", errors)
        page.wait_for_url(f"**/kommune/{OWN}/")
        page.goto(f"{url}/brugere/")
        failures += _check(page, axe, "users")
        page.fill("#id_username", "x y")
        page.fill("#id_password", "123")
        page.click("text=Opret bruger")
        page.wait_for_selector("p.error[role=alert]")
        failures += _check(page, axe, "users-errors")
        page.context.close()
        browser.close()
    assert not failures, "\n".join(failures)
    assert not errors, "\n".join(errors)  # a CSP refusal is a console error
