"""National goals: a policy whose goals apply to every municipality (`scope: national`).

Each goal is judged for each of the 98 municipalities by the same engine and the same rules as a
municipality's own goal — the goal is evaluated with the municipality substituted
(`pejling.evaluation.evaluate.judge_goal` through the report model), so there is no second status
engine. A baseline with a date and no value means each municipality's own figure for that
period (the Integrationsbarometer judges every municipality against its own base year); a
baseline value the policy states is the national figure and is used for the national row only.
The same goal is also judged for the breakdowns by sex and origin that the indicator has in the
data (women and men; the origin groups inside the goal's group).

Disclosure control is the publication-wide one: every municipality's figures (and the figures of
the workspace's other publishable policies, `together`) are suppressed in one pass
(`pejling.report.model.build_publication`), and a verdict resting on a hidden figure, or on fewer
than `min_persons` persons, is withheld exactly as in a municipal report.
docs/national-goals.md explains it for readers.
"""

from __future__ import annotations

from collections.abc import Sequence

from pejling.evaluation.status import GoalStatus, Reason, evolve
from pejling.groups import group_key
from pejling.national.status_model import (
    GroupResult,
    NationalGoal,
    NationalRow,
    NationalStatus,
    StatusCounts,
    area_name,
)
from pejling.periods import Period
from pejling.reference.municipalities import NATIONAL_CODE, municipalities
from pejling.report.data import ObservationCache, follow_up_lags
from pejling.report.model import (
    Report,
    ReportDraft,
    ShownPoint,
    build_publication,
    default_as_of,
    draft_report,
)
from pejling.report.protection import CellKey
from pejling.spec.catalog import Catalog, load_catalog
from pejling.spec.indicator import IndicatorSpec
from pejling.spec.policy import Baseline, Goal, Policy, Theme
from pejling.spec.settings import DEFAULT_MIN_PERSONS, Settings
from pejling.store.database import Store

#: the breakdown keys a national goal is split by, in the order they are shown
BREAKDOWN_KEYS = ("sex", "origin")
#: the origin groups a group is broken down into (its main parts, not every subgroup)
ORIGIN_PARTS: dict[str | None, tuple[str, ...]] = {
    None: ("danish_origin", "immigrant", "descendant", "western", "non_western"),
    "minority": ("immigrant", "descendant", "western", "non_western"),
    "immigrant_descendant": ("immigrant", "descendant", "western", "non_western"),
    "immigrant": ("western_immigrant", "non_western_immigrant"),
    "western": ("western_immigrant",),
    "non_western": ("non_western_immigrant", "non_western_descendant", "menapt"),
    "non_western_immigrant": ("non_western_immigrant_arrived_0_12",),
    "descendant": ("non_western_descendant",),
}
#: separates a goal's id from its breakdown in the ids of the evaluated copies
_SPLIT = "~"


def breakdown_groups(
    goal: Goal, spec: IndicatorSpec, present: set[str]
) -> list[tuple[str, dict[str, str]]]:
    """The sex and origin breakdowns of a goal's group that the data has, as (key, group).

    Sex: the goal's group with `sex` added (when the indicator breaks down by sex). Origin: the
    goal's group with each main part of its origin (`ORIGIN_PARTS`: non-Western → non-Western
    immigrants, non-Western descendants, MENAPT; the whole population → Danish origin,
    immigrants, descendants, Western, non-Western). A compute block's `whole_population_as` group
    is the whole population, so its breakdowns are the plain groups. Only groups with figures.
    """
    if goal.indicator is None:
        return []
    aliases = _aliases(spec)
    base = {k: v for k, v in goal.indicator.group.items() if (k, v) not in aliases}
    keys = set(spec.breakdowns) | set(spec.compute.breakdowns if spec.compute else [])
    out: list[tuple[str, dict[str, str]]] = []
    if "sex" in keys and "sex" not in base:
        for sex in ("f", "m"):
            group = {**base, "sex": sex}
            if group_key(group) in present:
                out.append(("sex", group))
    if "origin" in keys:
        for origin in ORIGIN_PARTS.get(base.get("origin"), ()):
            group = {**base, "origin": origin}
            if group_key(group) in present:
                out.append(("origin", group))
    return out


def _aliases(spec: IndicatorSpec) -> frozenset[tuple[str, str]]:
    if spec.compute is None:
        return frozenset()
    return frozenset(kv for alias in spec.compute.whole_population_as for kv in alias.items())


def _present_groups(store: Store, indicator_id: str) -> set[str]:
    rows = store.con.execute(
        "SELECT DISTINCT grp FROM all_observations WHERE indicator = ?", [indicator_id]
    ).fetchall()
    return {str(r[0]) for r in rows}


def _own_baseline(baseline: Baseline | None) -> Baseline | None:
    """A municipality's baseline: the policy's date, the municipality's own figure for it (the
    value the policy states is the national figure)."""
    if baseline is None:
        return None
    return baseline.model_copy(
        update={"value": None, "numerator": None, "denominator": None, "reference_value": None}
    )


def _variant(goal: Goal, index: int, group: dict[str, str], breakdown: str) -> Goal:
    """The goal judged for a breakdown group (same target, deadline and baseline date)."""
    assert goal.indicator is not None
    target = goal.target
    if breakdown == "sex" and target.reference_group:
        # a gap by sex compares with the same sex of the reference group
        target = target.model_copy(
            update={"reference_group": {**target.reference_group, "sex": group["sex"]}}
        )
    return goal.model_copy(
        update={
            "id": f"{goal.id}{_SPLIT}{index}",
            "label": goal.label or goal.id,
            "indicator": goal.indicator.model_copy(update={"group": group}),
            "target": target,
            "barometer": None,  # the barometer's movement is the goal's own group's
            "comments": [],
        }
    )


def _area_policy(
    policy: Policy, code: int, plan: Sequence[tuple[Theme, Goal, list[tuple[str, dict[str, str]]]]]
) -> Policy:
    """The national policy as one municipality's policy: its goals (and breakdowns), evaluated
    on the municipality's own figures; key figures are not part of the national matrix."""
    themes: dict[str, list[Goal]] = {t.id: [] for t in policy.themes}
    for theme, goal, groups in plan:
        own = (
            goal
            if code == NATIONAL_CODE
            else goal.model_copy(update={"baseline": _own_baseline(goal.baseline)})
        )
        themes[theme.id].append(own)
        # the stated (national) baseline value is the goal's own group's, not a breakdown's
        local = own.model_copy(update={"baseline": _own_baseline(goal.baseline)})
        themes[theme.id].extend(
            _variant(local, i, grp, key) for i, (key, grp) in enumerate(groups, start=1)
        )
    return policy.model_copy(
        update={
            "municipality": code,
            "themes": [
                t.model_copy(update={"goals": themes[t.id], "key_figures": []})
                for t in policy.themes
            ],
        }
    )


_Plan = list[tuple[Theme, Goal, list[tuple[str, dict[str, str]]]]]


def _plan(store: Store, policy: Policy, catalog: Catalog) -> _Plan:
    """Every goal with the breakdown groups it is judged for."""
    present: dict[str, set[str]] = {}
    plan: _Plan = []
    for theme, goal in policy.goals():
        spec = catalog.get(goal.indicator.id) if goal.indicator else None
        groups: list[tuple[str, dict[str, str]]] = []
        if spec is not None and goal.target.kind.value != "none":
            if spec.id not in present:
                present[spec.id] = _present_groups(store, spec.id)
            groups = breakdown_groups(goal, spec, present[spec.id])
        plan.append((theme, goal, groups))
    return plan


def _drafts(
    policy: Policy, plan: _Plan, catalog: Catalog, cache: ObservationCache, period: Period,
    areas: Sequence[int], lang: str, threshold: int, min_persons: int,
) -> list[ReportDraft]:  # fmt: skip
    return [
        draft_report(
            _area_policy(policy, code, plan),
            catalog,
            cache,
            as_of=period,
            lang=lang,
            threshold=threshold,
            min_persons=min_persons,
            maps=code == NATIONAL_CODE,
        )
        for code in areas
    ]


def national_drafts(
    store: Store,
    policy: Policy,
    catalog: Catalog,
    as_of: Period | None = None,
    *,
    threshold: int = 5,
    min_persons: int = DEFAULT_MIN_PERSONS,
    lang: str = "da",
) -> list[ReportDraft]:
    """The national policy's figures as report drafts (the nation, then every municipality),
    for a publication that also publishes the matrix: add them to `build_publication` so the
    municipal reports are suppressed jointly with it."""
    period = as_of or default_as_of(policy, catalog, ObservationCache(store))
    cache = ObservationCache(store, as_of=period, lags=follow_up_lags(catalog))
    areas = (NATIONAL_CODE, *sorted(municipalities()))
    return _drafts(
        policy,
        _plan(store, policy, catalog),
        catalog,
        cache,
        period,
        areas,
        lang,
        threshold,
        min_persons,
    )


def national_status(
    store: Store,
    policy: Policy,
    as_of: Period | None = None,
    settings: Settings | None = None,
    *,
    catalog: Catalog | None = None,
    together: Sequence[Policy] = (),
    codes: Sequence[int] | None = None,
    lang: str | None = None,
    published: bool = True,
) -> NationalStatus:
    """Judge every goal of a national policy for every municipality as of a period.

    `as_of` None: the policy's default period (`default_as_of`: its last year once it has
    ended, else the newest year with data). `together`: the workspace's other publishable
    policies, protected jointly (each as of its own default period, or `as_of`). `codes`: the
    municipalities (default all 98). `published`: also collect every figure the publication
    shows (`NationalStatus.published`, which the national report needs and `pejling status`
    does not: without it the report's writers are not imported).
    """
    catalog = catalog or load_catalog()
    threshold = settings.disclosure.threshold if settings else 5
    min_persons = settings.evaluation.min_persons if settings else DEFAULT_MIN_PERSONS
    language = lang or (settings.workspace.language if settings else "da")
    area_codes = tuple(sorted(codes if codes is not None else municipalities()))
    period = as_of or default_as_of(policy, catalog, ObservationCache(store))
    lags = follow_up_lags(catalog)
    caches: dict[str, ObservationCache] = {}

    def cache_for(p: Period) -> ObservationCache:
        return caches.setdefault(p.label, ObservationCache(store, as_of=p, lags=lags))

    others: list[ReportDraft] = []
    for other in together:
        if other.is_national or other.id == policy.id:
            continue
        p = as_of or default_as_of(other, catalog, ObservationCache(store))
        others.append(
            draft_report(
                other,
                catalog,
                cache_for(p),
                as_of=p,
                lang=language,
                threshold=threshold,
                min_persons=min_persons,
            )
        )

    plan = _plan(store, policy, catalog)
    areas = (NATIONAL_CODE, *area_codes)
    drafts = _drafts(
        policy, plan, catalog, cache_for(period), period, areas, language, threshold, min_persons
    )
    everything = build_publication([*others, *drafts])
    reports = everything[len(others) :]
    by_area: dict[int, dict[str, GoalStatus]] = {
        code: {st.goal_id: st for st in r.statuses()}
        for code, r in zip(areas, reports, strict=True)
    }
    goals: list[NationalGoal] = []
    for theme, goal, groups in plan:
        spec = catalog.get(goal.indicator.id) if goal.indicator else None
        ids = [(goal.id, None, dict(goal.indicator.group) if goal.indicator else {})] + [
            (f"{goal.id}{_SPLIT}{i}", key, grp) for i, (key, grp) in enumerate(groups, start=1)
        ]
        results = []
        for gid, key, grp in ids:
            rows = tuple(_named(by_area[code][gid], goal.id) for code in area_codes)
            results.append(
                GroupResult(
                    grp,
                    key,
                    _named(by_area[NATIONAL_CODE][gid], goal.id),
                    rows,
                    StatusCounts.of(rows),
                )
            )
        goals.append(NationalGoal(theme, goal, spec, results[0], tuple(results[1:])))
    return NationalStatus(
        policy=policy,
        as_of=period,
        lang=language,
        threshold=threshold,
        min_persons=min_persons,
        codes=area_codes,
        goals=tuple(goals),
        synthetic=any(r.synthetic for r in reports),
        published=_published(everything) if published else {},
    )


def _published(reports: Sequence[Report]) -> dict[CellKey, ShownPoint]:
    """Every figure of the publication by cell key (`pejling.report.download`, imported here:
    it loads the report's writers)."""
    from pejling.report.download import published_cells

    return published_cells(reports)


def _named(status: GoalStatus, goal_id: str) -> GoalStatus:
    """A breakdown's status under the goal's own id (its group says which breakdown); no
    barometer movement where the figures carry no verdict (hidden, or too few persons)."""
    if status.suppressed or status.reason_code in (Reason.SUPPRESSED, Reason.TOO_FEW_PERSONS):
        status = evolve(status, barometer_movement=None)
    return status if status.goal_id == goal_id else evolve(status, goal_id=goal_id)


__all__ = [
    "BREAKDOWN_KEYS",
    "GroupResult",
    "NationalGoal",
    "NationalRow",
    "NationalStatus",
    "StatusCounts",
    "area_name",
    "breakdown_groups",
    "national_drafts",
    "national_status",
]
