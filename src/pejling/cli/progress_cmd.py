"""`pejling progress`: the what-if calculator, no workspace needed."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from pejling.cli.common import console, guard
from pejling.errors import UserError
from pejling.evaluation.evaluate import CLASS_TO_STATUS
from pejling.evaluation.status import STATUS_DA, STATUS_EN
from pejling.formatting import fmt_number
from pejling.periods import Period
from pejling.progress.opensdg import (
    ProgressClass,
    assess_with_target,
    assess_without_target,
    project,
)
from pejling.spec.types import Direction


def _point(text: str, option: str) -> tuple[Period, float]:
    if ":" not in text:
        raise UserError(f"{option} '{text}' must be PERIOD:VALUE, e.g. 2015:14.5 or 2019Q4:53,9")
    period_text, value_text = text.split(":", 1)
    try:
        period = Period.parse(period_text)
    except ValueError as exc:
        raise UserError(f"{option}: {exc}") from None
    try:
        value = float(value_text.replace(",", "."))
    except ValueError:
        raise UserError(f"{option}: '{value_text}' is not a number") from None
    return period, value


@guard
def progress(
    baseline: Annotated[str, typer.Option(help="Base period and value, e.g. 2015:14.5")],
    latest: Annotated[str, typer.Option(help="Latest period and value, e.g. 2023:10.2")],
    direction: Annotated[Direction, typer.Option(help="Which way is better: higher or lower.")],
    target: Annotated[
        float | None, typer.Option(help="Target value (omit for a direction-only goal).")
    ] = None,
    deadline: Annotated[
        str | None, typer.Option(help="Target period, e.g. 2030 (required with --target).")
    ] = None,
    limit: Annotated[
        float | None, typer.Option(help="Natural limit, e.g. 100 for a share (no-target rule).")
    ] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table or json")] = "table",
    lang: Annotated[str, typer.Option(help="da or en")] = "da",
) -> None:
    """What-if: progress ratio (or growth), score and status by the Open SDG method."""
    p0, y0 = _point(baseline, "--baseline")
    p1, y1 = _point(latest, "--latest")
    if target is not None:
        if deadline is None:
            raise UserError("--deadline is required with --target (e.g. --deadline 2030)")
        try:
            pt = Period.parse(deadline)
        except ValueError as exc:
            raise UserError(f"--deadline: {exc}") from None
        result = assess_with_target(
            y0=y0, t0=p0.t, yt=y1, t=p1.t, target=target, t_target=pt.t, direction=direction.sign
        )
        proj = project(y0=y0, t0=p0.t, yt=y1, t=p1.t, t_future=pt.t)
    else:
        result = assess_without_target(
            y0=y0, t0=p0.t, yt=y1, t=p1.t, direction=direction.sign, limit=limit
        )
        proj = None
    status = CLASS_TO_STATUS[result.progress_class]
    data = {
        "progress": result.value,
        "score": result.score,
        "status": status.value,
        "progress_class": result.progress_class.value,
        "method": "target" if target is not None else "no_target",
        "cagr_observed": result.cagr_observed,
        "cagr_required": result.cagr_required,
        "scaling_factor": result.scaling_factor,
        "projection": proj,
        "reason": result.reason,
    }
    if fmt == "json":
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    labels = STATUS_EN if lang == "en" else STATUS_DA
    name = "R" if target is not None else "v"
    value = "–" if result.value is None else fmt_number(result.value, 3, lang)
    score = "–" if result.score is None else fmt_number(result.score, 2, lang)
    console.print(
        f"{name} = {value}, score = {score}, status = {labels[status]} ({result.progress_class.value})"
    )
    if result.progress_class is ProgressClass.NOT_ASSESSABLE:
        console.print(f"reason: {result.reason}")
