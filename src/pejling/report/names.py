"""File and page names a publication will use, checked before anything is written.

Why: names are made from ids (`<policy>-status-<period>.pdf`, `<policy>/maal-<goal>.html`),
and ids are the policy author's. A 300-character id made a file name the file system refuses (a
crash half-way through writing the site); goal ids whose page names coincide (goal `1` and goal
`maal-1` are both `maal-1.html`) would silently overwrite one goal's page with another's. Both are refused up front with the ids to change.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from pejling.errors import Problem, UserError
from pejling.report.model import Report

#: file systems allow 255 bytes per name; room is left for the extension and a temporary prefix
MAX_NAME_BYTES = 200


def _too_long(name: str) -> bool:
    return len(name.encode("utf-8")) > MAX_NAME_BYTES


def check_publishable(reports: Sequence[Report]) -> None:
    """Raise SpecError when two reports, or two pages of one, would get the same file, or a
    name would be too long for the file system."""
    problems: list[Problem] = []
    da = all(r.lang == "da" for r in reports)
    by_policy: dict[str, int] = defaultdict(int)
    for report in reports:
        pid = report.policy.id
        by_policy[pid] += 1
        base = f"{pid}-status-{report.as_of.label}-en"
        if _too_long(base):
            problems.append(
                Problem(
                    f"policy '{pid[:40]}…'",
                    f"politikkens id er {len(pid)} tegn; filnavnene bliver for lange"
                    if da
                    else f"the policy id has {len(pid)} characters; file names would be too long",
                    f"et id på højst {MAX_NAME_BYTES - 30} tegn"
                    if da
                    else f"an id of at most {MAX_NAME_BYTES - 30} characters",
                    code="name_too_long",
                )
            )
        pages: dict[str, list[str]] = defaultdict(list)
        for g in report.goals():
            gid = g.goal.id if g.goal else (g.key_figure.id if g.key_figure else "")
            pages[g.anchor.lower()].append(f"{g.theme.id}/{gid}")
            if _too_long(g.anchor):
                problems.append(
                    Problem(
                        f"policy '{pid}', goal '{g.theme.id}/{gid[:40]}'",
                        "målets side får et for langt filnavn"
                        if da
                        else "the goal's page would get a file name that is too long",
                        "kortere id'er for temaet og målet"
                        if da
                        else "shorter ids for the theme and the goal",
                        code="name_too_long",
                    )
                )
        for page, goals in pages.items():
            if len(goals) > 1:
                listed = " og ".join(goals) if da else " and ".join(goals)
                problems.append(
                    Problem(
                        f"policy '{pid}'",
                        f"målene {listed} ville få samme side ({page}.html), så den ene "
                        "overskrev den anden"
                        if da
                        else f"the goals {listed} would get the same page ({page}.html), one "
                        "overwriting the other",
                        "tema- og mål-id'er, der ikke giver samme navn sammen"
                        if da
                        else "theme and goal ids that do not combine to the same name",
                        code="page_collision",
                    )
                )
    for pid, n in by_policy.items():
        if n > 1:
            problems.append(
                Problem(
                    f"policy '{pid}'",
                    f"{n} politikker har id'et '{pid}'"
                    if da
                    else f"{n} policies have the id '{pid}'",
                    "ét id pr. politik" if da else "one id per policy",
                    code="duplicate-policy-id",
                )
            )
    if problems:
        head = (
            "kan ikke offentliggøres; intet er skrevet:"
            if da
            else "cannot be published; nothing was written:"
        )
        expected = "forventet" if da else "expected"
        lines = [f"  {p.location}: {p.message}; {expected} {p.expected}" for p in problems]
        raise UserError("\n".join([head, *lines]))
