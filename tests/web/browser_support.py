"""What the browser tests share: axe-core on a page, and a page checked at every width.

Chromium from Debian and axe-core from npm, as tests/report/test_a11y.py (`make browser-deps`).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from tests.report.test_a11y import TAGS

WIDTHS = (1280, 390)


def _axe(page: Any, axe: str, name: str) -> list[str]:
    # evaluated through the DevTools protocol, which the page's CSP does not govern (an
    # injected <script> would be refused, as it should be)
    page.evaluate(axe)
    result: dict[str, Any] = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", TAGS
    )
    assert len(result["passes"]) > 10, "axe ran no rules"
    return [
        f"{name}: {v['id']} ({v['impact']}): {v['help']} — {v['nodes'][0]['html'][:120]}"
        for v in result["violations"]
    ]


def check_widths(page: Any, axe: str, name: str) -> list[str]:
    """axe's violations at every width in `WIDTHS` and whether the page scrolls sideways.

    Why resize instead of a second visit: the layout follows the viewport through CSS media
    queries alone (no script reads the width), so the same document at 390 px is what a phone
    gets; a screenshot only when PEJLING_SCREENSHOTS names a folder (they are slow)."""
    failures: list[str] = []
    shots = os.environ.get("PEJLING_SCREENSHOTS")
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        failures += _axe(page, axe, f"{name}@{width}")
        scroll = page.evaluate("document.documentElement.scrollWidth")
        if scroll > width:
            failures.append(f"{name}@{width}: the page scrolls sideways ({scroll} px)")
        if shots:
            Path(shots).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(Path(shots) / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": WIDTHS[0], "height": 900})
    return failures
