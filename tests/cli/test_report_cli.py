"""`pejling report` and `pejling publish` run as a user would."""

from __future__ import annotations

import re
from pathlib import Path

from openpyxl import load_workbook

from tests.conftest import Run


def test_report_english_for_an_earlier_year(run: Run, demo_dir: Path, tmp_path: Path) -> None:
    proc = run(
        "report", "roskilde-2015", "-w", str(demo_dir), "--year", "2018", "--lang", "en",
        "--format", "html,xlsx", "--out", str(tmp_path),
    )  # fmt: skip
    assert "roskilde-2015-status-2018-en.html" in proc.stdout
    html = (tmp_path / "roskilde-2015-status-2018-en.html").read_text(encoding="utf-8")
    assert '<html lang="en">' in html
    assert "Status report as of 2018" in html
    assert "Summary" in html
    assert not list(tmp_path.glob("*.pdf"))
    # Judged on data up to 2018: no figure of a later year is quoted as the latest.
    book = load_workbook(tmp_path / "roskilde-2015-status-2018-en.xlsx")
    summary = list(book["Summary"].iter_rows(values_only=True))
    column = summary[0].index("Latest, period")
    latest_periods = [row[column] for row in summary[1:]]
    assert latest_periods
    assert all(p is None or int(str(p)[:4]) <= 2018 for p in latest_periods)
    rows = list(book["All figures"].iter_rows(values_only=True))
    column = rows[0].index("Period code")
    figures = [row[column] for row in rows[1:]]
    assert figures
    assert all(int(str(p)[:4]) <= 2018 for p in figures)


def test_report_rejects_bad_arguments_clearly(run: Run, demo_dir: Path) -> None:
    proc = run("report", "roskilde-2016", "-w", str(demo_dir), check=False)
    assert proc.returncode == 1
    assert "no policy 'roskilde-2016'" in proc.stderr
    assert "roskilde-2015" in proc.stderr
    proc = run("report", "roskilde-2015", "-w", str(demo_dir), "--format", "rtf", check=False)
    assert proc.returncode == 1
    assert "expected some of html, pdf, xlsx, docx" in proc.stderr
    proc = run("report", "roskilde-2015", "-w", str(demo_dir), "--lang", "de", check=False)
    assert proc.returncode == 1
    assert "expected da or en" in proc.stderr


def test_publish_to_a_folder_without_pdfs(run: Run, demo_dir: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    proc = run("publish", "-w", str(demo_dir), "--out", str(site), "--no-pdf")
    assert "Skrev websted" in proc.stdout
    index = (site / "index.html").read_text(encoding="utf-8")
    for policy in (
        "kalundborg-2019",
        "roskilde-2015",
        "roskilde-handleplan-2021",
        "soenderborg-strategi",
    ):
        assert f'href="{policy}/index.html"' in index
        assert list((site / policy).glob("maal-*.html"))
    assert not list(site.rglob("*.pdf"))
    for page in site.rglob("*.html"):
        assert 'href=""' not in page.read_text(encoding="utf-8"), page
    # Publishing again replaces the site in one move; no temporary folders are left behind.
    run("publish", "-w", str(demo_dir), "--out", str(site), "--no-pdf")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_report_help_is_danish_friendly(run: Run) -> None:
    out = run("report", "--help").stdout
    assert re.search(r"--year", out)
    assert "--lang" in out
    assert "disclosure threshold" in out
