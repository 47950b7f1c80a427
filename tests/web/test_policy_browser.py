"""In headless Chromium, the editor's flow from the issue's "Done when": an editor changes a
target, sees the lint error appear next to the field while typing, fixes it, saves with a
reason, sees the goal's status change and the audit entry; a reader gets 403 on the editor
and sees no edit controls. axe-core finds 0 violations on the editor (with an error shown),
history, diff and follow-up pages at 1280 and 390 px; no console or CSP errors.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pytest_django.fixtures import Settings as SettingsWrapper

from pejling.web.models import AuditEvent
from pejling.web.roles import Role
from tests.report.test_a11y import ARGS, AXE, CHROMIUM, _require_browser
from tests.web.browser_support import WIDTHS, check_widths
from tests.web.conftest import OWN, PASSWORD, make_user
from tests.web.test_policy_versions import POLICY, ws_copy  # noqa: F401 (a fixture)

VALUE = "f-themes.1.goals.1.target.value"
GOAL = f"/kommune/{OWN}/maal/{POLICY}/maal-3b/"
EDIT = f"/kommune/{OWN}/politik/{POLICY}/rediger/"


def _login(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"**/kommune/{OWN}/")


def _status(page: Any) -> str:
    facts = page.locator("dl.facts dt:text-is('Status') + dd")
    return str(facts.inner_text()).strip()


def _error_at(page: Any, name: str) -> Any:
    return page.locator(f'[id="{name}-err"] .finding-error')


def _check(page: Any, axe: str, name: str) -> list[str]:
    return check_widths(page, axe, f"policy-{name}")


@pytest.mark.django_db(transaction=True)
def test_editor_flow_reader_refused_and_axe(
    ws_copy: Path,  # noqa: F811
    live_server: Any,
    settings: SettingsWrapper,
) -> None:
    _require_browser()
    from playwright.sync_api import sync_playwright

    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    make_user("redaktoer", Role.EDITOR)
    make_user("laeser", Role.READER)
    axe = AXE.read_text(encoding="utf-8")
    base = live_server.url
    failures: list[str] = []
    errors: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_page(viewport={"width": WIDTHS[0], "height": 900})
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        _login(page, base, "redaktoer")
        page.goto(base + GOAL)
        assert _status(page).startswith("Ikke nået")
        page.goto(base + EDIT)
        field = page.locator(f'[id="{VALUE}"]')
        assert field.input_value() == "75"
        # keyboard only: focus the field, type a target below the baseline
        field.focus()
        page.keyboard.press("Control+A")
        page.keyboard.type("60")
        _error_at(page, VALUE).wait_for(timeout=15_000)
        assert "forkerte vej" in _error_at(page, VALUE).inner_text()
        assert field.get_attribute("aria-invalid") == "true"
        assert "1 fejl" in page.locator("#lint-summary").inner_text()
        failures += _check(page, axe, "editor-error")
        # fix it: the error goes away while typing
        page.keyboard.press("Control+A")
        page.keyboard.type("69")
        _error_at(page, VALUE).wait_for(state="detached", timeout=15_000)
        page.locator("#reason").focus()
        page.keyboard.type("Måltallet justeret efter byrådets beslutning")
        page.keyboard.press("Tab")  # the reason is followed by the save button
        assert page.evaluate("document.activeElement.value") == "save"
        page.keyboard.press("Enter")
        page.wait_for_url("**/rediger/?gemt=2")
        assert "Version 2 er gemt" in page.locator("p.notice").inner_text()
        page.goto(base + GOAL)
        assert _status(page).startswith("Nået"), _status(page)
        pages = {
            "history": f"/kommune/{OWN}/politik/{POLICY}/versioner/",
            "diff": f"/kommune/{OWN}/politik/{POLICY}/versioner/1/2/",
            "followup": f"/kommune/{OWN}/opfoelgning/",
            "list": f"/kommune/{OWN}/politikker/",
        }
        for name, url in pages.items():
            page.goto(base + url)
            failures += _check(page, axe, name)
        page.close()
        # a reader: 403 on the editor, no edit controls on the pages they may read
        reader = browser.new_page(viewport={"width": WIDTHS[0], "height": 900})
        _login(reader, base, "laeser")
        refused = reader.goto(base + EDIT)
        assert refused is not None
        assert refused.status == 403
        reader.goto(base + f"/kommune/{OWN}/politikker/")
        assert reader.locator("a[href$='/rediger/']").count() == 0
        reader.goto(base + f"/kommune/{OWN}/opfoelgning/")
        assert reader.locator("form.inline").count() == 0
        assert reader.locator("main button").count() == 0
        reader.close()
        browser.close()
    # the audit entry (read after Playwright's event loop has stopped: the ORM is sync-only)
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.POLICY_CHANGE)
    assert event.username == "redaktoer"
    assert "byrådets beslutning" in event.detail
    assert not failures, "\n".join(failures)
    assert not errors, "\n".join(errors)
