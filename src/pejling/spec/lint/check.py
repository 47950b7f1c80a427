"""The linter's checks: load a policy file, run the rules, apply `accept`, compare files.

Imported by the package `pejling.spec.lint` when first used (see its docstring).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import ValidationError

from pejling.errors import Problem, SpecError
from pejling.spec.catalog import Catalog
from pejling.spec.lint.issue import LintIssue
from pejling.spec.lint.rules import (
    RULES,
    Context,
    check_goal,
    check_ids,
    check_key_figures,
    check_policy,
    check_references,
)
from pejling.spec.load import load_model_text
from pejling.spec.policy import Policy
from pejling.spec.types import Severity
from pejling.spec.yaml_source import SourceMap, load_yaml_text, read_yaml_text

__all__ = ["RULES", "LintIssue", "lint_file", "lint_files", "lint_policy", "lint_text"]


def lint_policy(policy: Policy, source: SourceMap, catalog: Catalog) -> list[LintIssue]:
    """All findings for a loaded policy, in file order, with `accept` applied."""
    ctx = Context(policy, source, catalog)
    issues: list[LintIssue] = [
        *check_policy(ctx),
        *check_ids(ctx),
        *check_references(ctx),
        *check_key_figures(ctx),
    ]
    for ti, theme in enumerate(policy.themes):
        for gi, goal in enumerate(theme.goals):
            found = list(check_goal(ctx, goal))
            accepted = {a.rule: a.reason for a in goal.accept}
            for k, acc in enumerate(goal.accept):
                if acc.rule not in RULES:
                    from pejling.suggest import did_you_mean

                    found.append(
                        ctx.issue(
                            "unknown-accepted-rule",
                            ("themes", ti, "goals", gi, "accept", k, "rule"),
                            f"unknown rule '{acc.rule}'",
                            did_you_mean(acc.rule, RULES)
                            or "use a rule id from docs/policy-format.md",
                            f"goal '{goal.id}'",
                        )
                    )
            issues.extend(
                i.downgraded(accepted[i.rule])
                if i.severity is Severity.ERROR and i.rule in accepted
                else i
                for i in found
            )
    return sorted(issues, key=_order)


def _order(issue: LintIssue) -> tuple[int, int]:
    try:
        line = int(issue.location.rsplit(":", 1)[1])
    except (IndexError, ValueError):
        line = 0
    severity = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}[issue.severity]
    return line, severity


def lint_file(
    path: Path, catalog: Catalog, display_name: str | None = None
) -> tuple[Policy | None, list[LintIssue]]:
    """Load and lint one policy file; loading problems become `schema` errors."""
    name = display_name or str(path)
    try:
        text = read_yaml_text(path, name)
    except SpecError as exc:
        return None, [_schema_issue(p, ()) for p in exc.problems]
    return lint_text(text, catalog, name)


def lint_text(text: str, catalog: Catalog, name: str) -> tuple[Policy | None, list[LintIssue]]:
    """Lint a policy's text (a file's, or an editor's draft) named `name` in locations.

    Schema problems carry the YAML path pydantic reports, so an editor can show each one next
    to its field; the messages are those of `pejling.spec.load` (what `pejling lint` prints).
    """
    try:
        policy, source = load_model_text(Policy, text, name)
    except SpecError as exc:
        return None, _schema_issues(text, name, exc)
    return policy, lint_policy(policy, source, catalog)


def _schema_issues(text: str, name: str, exc: SpecError) -> list[LintIssue]:
    """The loading problems as `schema` errors, each with its YAML path when known."""
    try:
        loaded = load_yaml_text(text, name)
    except SpecError:  # a YAML syntax error: no path
        return [_schema_issue(p, (), "syntax") for p in exc.problems]
    if not isinstance(loaded.data, dict):
        return [_schema_issue(p, ()) for p in exc.problems]
    try:
        Policy.model_validate(loaded.data)
    except ValidationError as err:
        errors = err.errors()
        if len(errors) == len(exc.problems):
            return [
                _schema_issue(p, tuple(e.get("loc", ())), _kind(p, e))
                for p, e in zip(exc.problems, errors, strict=True)
            ]
    return [_schema_issue(p, ()) for p in exc.problems]


def _kind(problem: Problem, error: Any) -> str:
    """The problem's kind, telling an enum value from other bad values."""
    if error.get("type") == "enum":
        return "enum"
    return problem.code or "bad-value"


def _schema_issue(problem: Problem, path: tuple[str | int, ...], code: str = "") -> LintIssue:
    return LintIssue(
        problem.location,
        Severity.ERROR,
        "schema",
        _schema_message(problem.render(), problem.location),
        path=path,
        code=code or problem.code,
    )


def _schema_message(rendered: str, location: str) -> str:
    prefix = f"{location}: "
    return rendered[len(prefix) :] if rendered.startswith(prefix) else rendered


def lint_files(
    paths: list[Path], catalog: Catalog, display: dict[Path, str] | None = None
) -> list[tuple[Path, Policy | None, list[LintIssue]]]:
    """Lint several files, and across them: two files may not share a policy id.

    Why across files: reports and the public site are named after the policy id, so a second
    file with the same id would silently overwrite the first one's report.
    """
    out: list[tuple[Path, Policy | None, list[LintIssue]]] = []
    for path in paths:
        policy, issues = lint_file(path, catalog, (display or {}).get(path))
        out.append((path, policy, issues))
    seen: dict[str, list[int]] = {}
    for index, (_path, policy, _issues) in enumerate(out):
        if policy is not None:
            seen.setdefault(policy.id, []).append(index)
    for policy_id, indexes in seen.items():
        if len(indexes) < 2:
            continue
        names = [(display or {}).get(out[i][0], out[i][0].name) for i in indexes]
        for i in indexes:
            path, policy, issues = out[i]
            others = ", ".join(n for j, n in zip(indexes, names, strict=True) if j != i)
            where = f"{(display or {}).get(path, path.name)}:{_id_line(path)}"
            issues.append(
                LintIssue(
                    where,
                    Severity.ERROR,
                    "duplicate-policy-id",
                    f"policy id '{policy_id}' is also used by {others}",
                    "give every policy file its own id (reports are named after it)",
                    f"policy '{policy_id}'",
                )
            )
            issues.sort(key=_order)
    return out


def _id_line(path: Path) -> int:
    """The line of the top-level `id:` key (1 when not found)."""
    try:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if line.startswith("id:"):
                return number
    except OSError:
        pass
    return 1
