"""`pejling disclosure check DIR`: try the attacks on a published folder."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from pejling.cli.common import guard, open_workspace, say
from pejling.errors import UserError

disclosure_app = typer.Typer(
    name="disclosure",
    help="Disclosure control of published outputs.",
    no_args_is_help=True,
)


@disclosure_app.command("check")
@guard
def check(
    folder: Annotated[
        Path, typer.Argument(help="A published folder: the site, or a reports/ folder.")
    ],
    threshold: Annotated[
        int | None,
        typer.Option(help="Smallest publishable count (default: the workspace's, else 5).", min=1),
    ] = None,
    workspace: Annotated[
        Path | None,
        typer.Option(
            "--workspace", "-w", help="Workspace (for its indicators, threshold and language)."
        ),
    ] = None,
    lang: Annotated[str | None, typer.Option(help="da or en (default: Danish).")] = None,
) -> None:
    """Read every workbook and page in FOLDER and try to recover hidden figures: the same
    figure published twice, totals minus parts across reports, the nation minus the
    municipalities, consecutive years of a cumulative cohort. Exit 1 on any leak."""
    from pejling.disclosure_check import check_folder

    if not folder.is_dir():
        raise UserError(f"{folder}: no such folder")
    catalog = None
    language = lang or "da"
    limit = threshold or 5
    if workspace is not None:
        ws = open_workspace(workspace)
        catalog = ws.catalog()
        language = lang or ws.settings.workspace.language
        limit = threshold or ws.settings.disclosure.threshold
    result = check_folder(folder, threshold=limit, catalog=catalog)
    da = language == "da"
    if result.data_files:  # the long-format downloads (site's data/, `pejling export`)
        say(
            f"{folder}: {result.data_files} datafiler med alle tal læst"
            if da
            else f"{folder}: read {result.data_files} data files of every figure"
        )
    say(
        f"{folder}: {result.workbooks} projektmapper og {result.pages} sider læst, "
        f"{result.facts} tal, heraf {result.hidden} diskretionerede, {result.relations} relationer "
        "prøvet"
        if da
        else f"{folder}: read {result.workbooks} workbooks and {result.pages} pages, "
        f"{result.facts} figures, {result.hidden} of them hidden, {result.relations} relations "
        "tried"
    )
    for note in result.notes:
        say(f"  {note}", err=True)
    if not result.workbooks and not result.data_files:
        raise UserError(
            f"{folder}: ingen rapport-projektmapper fundet; intet at kontrollere"
            if da
            else f"{folder}: no report workbooks found; nothing to check"
        )
    if result.leaks:
        say(
            f"{len(result.leaks)} tal, der skulle være skjult, kan regnes ud:"
            if da
            else f"{len(result.leaks)} figures that must stay hidden can be computed:",
            style="bold red",
        )
        for leak in result.leaks:
            say(f"  [{leak.kind}] {leak.render(language)}")
        raise typer.Exit(1)
    say(
        "Ingen skjulte tal kan regnes ud med de kendte angreb."
        if da
        else "No hidden figure can be computed with the known attacks.",
        style="bold green",
    )
