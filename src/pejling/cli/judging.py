"""Judging a workspace's policies as one publication: the verdicts every output shares.

`pejling status`, `report`, `publish` and `export` all print or write what `build_reports`
decides. It lives apart from `pejling.cli.report_cmd` so that `pejling status` imports the
evaluation, the report model and the disclosure control it needs, and not the writers of HTML,
PDF, Word and Excel files (Jinja2, WeasyPrint, openpyxl, the charts) that only the report
commands use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pejling.cli.common import open_store

if TYPE_CHECKING:
    from pejling.periods import Period
    from pejling.report.model import Report
    from pejling.spec.catalog import Catalog
    from pejling.workspace import LoadedPolicy, Workspace


def build_reports(
    ws: Workspace,
    policies: list[LoadedPolicy],
    as_of: Period | None,
    lang: str,
    *,
    compare: bool = True,
) -> list[Report]:
    """Evaluate, judge and disclosure-control the reports of these policies (one store session).

    Disclosure control is decided once for everything the workspace publishes together: the
    other policies of the workspace that could be published (those without lint errors) are
    evaluated too and suppressed jointly with these, so a report written on its own, the site,
    every workbook and `pejling status` show the same figures and none gives away what another
    hides. This is also what `pejling status` prints, so the command line and the reports agree.

    `compare`: add the comparison with other municipalities (`pejling.report.comparison`); its
    benchmarks are computed once for all the reports (`pejling status` does without).
    """
    from pejling.national.goals import national_drafts
    from pejling.report.data import ObservationCache, follow_up_lags
    from pejling.report.model import build_publication, default_as_of, draft_report

    catalog = ws.catalog()
    threshold = ws.settings.disclosure.threshold
    min_persons = ws.settings.evaluation.min_persons
    together = [*policies, *published_with(ws, policies, catalog)]
    with open_store(ws, read_only=True) as store:
        cache = ObservationCache(store)
        caches: dict[str, ObservationCache] = {}
        comparisons = None
        if compare:
            from pejling.report.comparison import ComparisonSource, build_comparison

            comparisons = ComparisonSource(store, catalog)
        drafts = []
        for lp in together:
            period = as_of or default_as_of(lp.policy, catalog, cache)
            c = caches.setdefault(
                period.label, ObservationCache(store, as_of=period, lags=follow_up_lags(catalog))
            )
            drafts.append(
                draft_report(
                    lp.policy,
                    catalog,
                    c,
                    as_of=period,
                    lang=lang,
                    threshold=threshold,
                    min_persons=min_persons,
                )
            )
            if comparisons is not None:
                drafts[-1].comparison = build_comparison(
                    lp.policy, catalog, comparisons, period, threshold
                )
        # the national reports publish every municipality's figures: controlled jointly with
        # the municipal reports, so that neither gives away what the other hides
        for lp in published_national(ws, catalog):
            drafts.extend(
                national_drafts(
                    store,
                    lp.policy,
                    catalog,
                    as_of,
                    threshold=threshold,
                    min_persons=min_persons,
                    lang=lang,
                )
            )
    return build_publication(drafts)[: len(policies)]


def published_national(ws: Workspace, catalog: Catalog) -> list[LoadedPolicy]:
    """The workspace's national policies that could be published (no lint errors)."""
    from pejling.spec.lint import lint_file

    out = []
    for lp in ws.load_policies():
        if not lp.policy.is_national:
            continue
        _p, issues = lint_file(lp.path, catalog)
        if not any(i.severity.value == "error" for i in issues):
            out.append(lp)
    return out


def published_with(
    ws: Workspace, policies: list[LoadedPolicy], catalog: Catalog
) -> list[LoadedPolicy]:
    """The workspace's other policies that could be published (no lint errors)."""
    from pejling.spec.lint import lint_file

    chosen = {lp.policy.id for lp in policies}
    others = []
    for lp in ws.load_policies():
        if lp.policy.id in chosen or lp.policy.is_national:
            continue
        _p, issues = lint_file(lp.path, catalog)
        if not any(i.severity.value == "error" for i in issues):
            others.append(lp)
    return others
