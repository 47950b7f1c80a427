"""Issue 9 at the command line: plain-text messages, one transaction per import, clean refusals
of unpublishable policies, and `pejling disclosure check` on the demo site and an unsafe one."""

from __future__ import annotations

from pathlib import Path

import pytest

from pejling.cli.common import guard
from pejling.report.build import make_report
from pejling.report.site import publish_site
from pejling.store.database import Store
from pejling.workspace import Workspace
from tests.conftest import Run

HEADER = "indicator,municipality,period,group,numerator,denominator,value,unit,source,vintage\n"
GOOD = "employment_rate_25_64,265,2015,,10,20,,percent,Doc,2015\n"
SEED = Path(__file__).parents[2] / "src" / "pejling" / "demo" / "policies" / "roskilde-2015.yaml"


@pytest.fixture
def ws(run: Run, tmp_path: Path) -> Path:
    run("init", str(tmp_path / "ws"), "--municipality", "265")
    return tmp_path / "ws"


def test_values_in_messages_are_printed_as_written_not_as_markup(
    run: Run, ws: Path, tmp_path: Path
) -> None:
    bad = tmp_path / "[bold]bad[x].csv"
    bad.write_text(
        HEADER + "[link=http://evil.example]x[/link],265,2015,,1,2,,percent,[red]Doc[/],2015\n",
        encoding="utf-8",
    )
    proc = run("import", "-w", str(ws), str(bad), check=False)
    assert proc.returncode == 1
    assert "[link=http://evil.example]x[/link]" in proc.stderr
    assert "[bold]bad[x].csv" in proc.stderr
    assert "\x1b]8;" not in proc.stderr  # no terminal hyperlink
    assert "Traceback" not in proc.stderr


def test_import_of_several_files_is_all_or_nothing(run: Run, ws: Path, tmp_path: Path) -> None:
    good = tmp_path / "good.csv"
    good.write_text(HEADER + GOOD, encoding="utf-8")
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + GOOD.replace(",265,", ",999,"), encoding="utf-8")
    proc = run("import", "-w", str(ws), str(good), str(bad), check=False)
    assert proc.returncode == 1
    assert "intet er skrevet" in proc.stderr
    assert "'999' er ikke en kommunekode" in proc.stderr  # Danish in a Danish workspace
    log = run("imports", "-w", str(ws)).stdout
    assert log.count("afvist") == 2
    assert "indlæst" not in log
    ok = run("import", "-w", str(ws), str(good))
    assert "1 rækker indlæst" in ok.stdout


def test_english_workspace_gets_english_messages(run: Run, tmp_path: Path) -> None:
    run("init", str(tmp_path / "en"), "--municipality", "265", "--lang", "en")
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + GOOD.replace(",265,", ",999,"), encoding="utf-8")
    proc = run("import", "-w", str(tmp_path / "en"), str(bad), check=False)
    assert proc.stderr.startswith("Error: bad.csv: rejected, 1 problem(s); nothing was written")


def test_a_bug_is_reported_without_its_data(capsys: pytest.CaptureFixture[str]) -> None:
    import typer

    @guard
    def command(workspace: Path | None = None) -> None:
        raise KeyError("010190-1234")

    with pytest.raises(typer.Exit) as info:
        command(workspace=Path("/nonexistent"))
    assert info.value.exit_code == 2
    err = capsys.readouterr().err
    assert "intern fejl i pejling (KeyError" in err
    assert "010190" not in err


@pytest.mark.parametrize(
    ("variant", "expected"),
    [
        ("long_id", "politikkens id er 300 tegn"),
        ("same_page", "ville få samme side (maal-1.html)"),
        ("same_id", "policy id 'roskilde-2015' is used by 2 files"),
    ],
)
def test_unpublishable_policies_are_refused_cleanly(
    run: Run, ws: Path, variant: str, expected: str
) -> None:
    text = SEED.read_text(encoding="utf-8")
    policies = ws / "policies"
    if variant == "long_id":
        (policies / "a.yaml").write_text(
            text.replace("id: roskilde-2015", "id: " + "r" * 300, 1), encoding="utf-8"
        )
    elif variant == "same_page":
        collide = text.replace("maal-3a", '"1"')  # page maal-1.html, as goal maal-1
        (policies / "a.yaml").write_text(collide, encoding="utf-8")
    else:
        (policies / "a.yaml").write_text(text, encoding="utf-8")
        (policies / "b.yaml").write_text(text, encoding="utf-8")
    proc = run("publish", "-w", str(ws), "--no-pdf", check=False)
    assert proc.returncode == 1
    assert expected in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not (ws / "reports" / "site").exists()
    assert not list((ws / "reports").glob(".site.*"))


def test_disclosure_check_finds_nothing_on_the_demo_site(run: Run, demo_dir: Path) -> None:
    proc = run("disclosure", "check", str(demo_dir / "reports" / "site"), "-w", str(demo_dir))
    assert "Ingen skjulte tal kan regnes ud" in proc.stdout
    reports = run("disclosure", "check", str(demo_dir / "reports"))
    assert "diskretionerede" in reports.stdout


def test_disclosure_check_finds_the_leak_of_reports_suppressed_one_by_one(
    run: Run, demo_dir: Path, tmp_path: Path
) -> None:
    """The demo's four policies published with suppression decided per report (as before
    this issue): the minority series of one and the non-Western series of another give away
    the Western pupils, a small cell."""
    ws = Workspace.open(demo_dir)
    with Store.open(ws.db_path, read_only=True) as store:
        reports = [
            make_report(store, lp.policy, ws.catalog(), as_of=None, lang="da", threshold=5)
            for lp in ws.load_policies()
        ]
    publish_site(reports, tmp_path / "unsafe", lang="da", pdf=False)
    proc = run("disclosure", "check", str(tmp_path / "unsafe"), check=False)
    assert proc.returncode == 1
    assert "skulle være skjult, kan regnes ud" in proc.stdout
    assert "origin=western" in proc.stdout
    assert "origin=minority" in proc.stdout


def test_disclosure_check_finds_a_hidden_figure_shown_on_a_page(
    run: Run, demo_dir: Path, tmp_path: Path
) -> None:
    import shutil

    site = tmp_path / "site"
    shutil.copytree(demo_dir / "reports" / "site", site)
    hidden = '<td class="num suppressed" colspan="3">Diskretioneret</td>'
    planted = '<td class="num">60,0 %</td><td class="num">3/5</td><td class="num">–</td>'
    # every goal page with a hidden figure, whether its series is named by the municipality
    # ("Kalundborg (…)") or by a group (gap goals)
    pages = [p for p in sorted(site.rglob("maal-*.html")) if hidden in p.read_text("utf-8")]
    assert len(pages) >= 2
    for page in pages:
        page.write_text(page.read_text("utf-8").replace(hidden, planted, 1), encoding="utf-8")
    proc = run("disclosure", "check", str(site), check=False)
    assert proc.returncode == 1
    assert "html_shows_hidden" in proc.stdout
    assert "3/5" in proc.stdout
    for page in pages:
        assert str(page.relative_to(site)) in proc.stdout, page
