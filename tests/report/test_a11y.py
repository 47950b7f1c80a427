"""The public site passes axe-core (WCAG 2.1 A and AA rules) in headless Chromium.

Chromium comes from Debian (`chromium`) and axe-core from npm (tests/a11y/package.json); both
are installed by `make check` (the `browser-deps` target) before the tests run.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path(os.environ.get("PEJLING_CHROMIUM", "/usr/bin/chromium"))
AXE = Path(__file__).resolve().parents[1] / "a11y" / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _require_browser() -> None:
    missing = [str(p) for p in (CHROMIUM, AXE) if not p.exists()]
    if missing:
        pytest.fail(
            f"missing {', '.join(missing)}: run `make browser-deps` (Debian chromium, npm axe-core)"
        )


def _pages(demo_dir: Path) -> list[Path]:
    site = demo_dir / "reports" / "site"
    pages = [site / "index.html"]
    for policy in sorted(p for p in site.iterdir() if (p / "index.html").is_file()):
        pages.append(policy / "index.html")
        pages.extend(sorted(p for p in policy.glob("*.html") if p.name != "index.html")[:2])
    return pages


def test_site_has_no_axe_violations(demo_dir: Path) -> None:
    _require_browser()
    from playwright.sync_api import sync_playwright

    axe = AXE.read_text(encoding="utf-8")
    # the national report's page is a policy folder's index like the others
    assert demo_dir / "reports" / "site" / "nationale-maal" / "index.html" in _pages(demo_dir)
    failures: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_page()
        checked_rules = 0
        for path in _pages(demo_dir):
            page.goto(path.as_uri())
            page.add_script_tag(content=axe)
            result: dict[str, Any] = page.evaluate(
                "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", TAGS
            )
            checked_rules = max(checked_rules, len(result["passes"]))
            for v in result["violations"]:
                node = v["nodes"][0]
                failures.append(
                    f"{path.name}: {v['id']} ({v['impact']}): {v['help']} — {node['html'][:120]}"
                )
        browser.close()
    assert checked_rules > 10, "axe ran no rules"
    assert not failures, "\n".join(failures)


def test_a_page_with_a_violation_is_caught(tmp_path: Path) -> None:
    """The check can fail: an image without alt text and an unlabeled page are reported."""
    _require_browser()
    from playwright.sync_api import sync_playwright

    bad = tmp_path / "bad.html"
    bad.write_text(
        "<!DOCTYPE html><html><head><title>x</title></head><body><img src='a.png'></body></html>"
    )
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_page()
        page.goto(bad.as_uri())
        page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
        result: dict[str, Any] = page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", TAGS
        )
        browser.close()
    ids = {v["id"] for v in result["violations"]}
    assert {"image-alt", "html-has-lang"} <= ids


#: what a reader at each width sees: overflow, text size in pictures (see `_LAYOUT_JS`)
WIDTHS = (1280, 390)
MIN_CHART_TEXT_PX = 11
_LAYOUT_JS = """([fontPx, minPx]) => {
  const doc = document.documentElement;
  const out = {overflow: doc.scrollWidth - doc.clientWidth, wide: [], small: []};
  for (const el of document.querySelectorAll('table')) {
    const wrap = el.closest('.table-wrap');
    const box = (wrap || el).getBoundingClientRect();
    if (box.right > doc.clientWidth + 1) out.wide.push(el.className || 'table');
    if (wrap && el.scrollWidth > wrap.clientWidth + 1) out.wide.push('scrolls: ' + el.className);
  }
  for (const img of document.querySelectorAll('figure.chart img, figure.map img')) {
    if (!img.naturalWidth) { out.small.push('not loaded: ' + img.alt.slice(0, 40)); continue; }
    const shown = fontPx * img.clientWidth / img.naturalWidth;
    if (shown < minPx) out.small.push(img.alt.slice(0, 40) + ': ' + shown.toFixed(1) + ' px');
  }
  return out;
}"""


def test_site_reads_at_desktop_and_phone_width(demo_dir: Path, tmp_path: Path) -> None:
    """At 1280 and 390 px nothing runs off the page sideways, no table needs sideways scrolling
    and the text in charts and maps is shown at 11 px or more. Screenshots of each page are kept
    in the test's temporary folder for a person to look at."""
    _require_browser()
    from playwright.sync_api import sync_playwright

    from pejling.report.charts import FONT_SIZE

    site = demo_dir / "reports" / "site"
    pages = [site / "index.html"]
    for policy in sorted(p for p in site.iterdir() if (p / "index.html").is_file()):
        pages.append(policy / "index.html")
        pages.extend(sorted(p for p in policy.glob("*.html") if p.name != "index.html"))
    problems: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        for width in WIDTHS:
            page = browser.new_page(viewport={"width": width, "height": 900})
            for path in pages:
                page.goto(path.as_uri())
                found: dict[str, Any] = page.evaluate(_LAYOUT_JS, [FONT_SIZE, MIN_CHART_TEXT_PX])
                name = f"{path.parent.name}/{path.name}"
                if found["overflow"] > 0:
                    problems.append(f"{width} px {name}: page {found['overflow']} px too wide")
                problems += [f"{width} px {name}: {w} wider than the page" for w in found["wide"]]
                problems += [f"{width} px {name}: chart text {s}" for s in found["small"]]
            page.screenshot(path=str(tmp_path / f"last-goal-{width}.png"), full_page=True)
            page.close()
        browser.close()
    assert len(pages) > 20
    assert site / "nationale-maal" / "index.html" in pages
    assert not problems, "\n".join(problems)


def test_layout_check_catches_a_wide_table(tmp_path: Path) -> None:
    """The layout check can fail: a table wider than a phone is reported."""
    _require_browser()
    from playwright.sync_api import sync_playwright

    bad = tmp_path / "wide.html"
    cells = "".join(f"<td>kolonne-med-et-langt-navn-{i}</td>" for i in range(8))
    bad.write_text(
        f"<!DOCTYPE html><html lang='da'><body><table><tr>{cells}</tr></table></body></html>"
    )
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_page(viewport={"width": 390, "height": 800})
        page.goto(bad.as_uri())
        found: dict[str, Any] = page.evaluate(_LAYOUT_JS, [14, MIN_CHART_TEXT_PX])
        browser.close()
    assert found["overflow"] > 0 or found["wide"]
