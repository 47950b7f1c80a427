"""The store-backed judge behind lint's `target-rarely-reached` and `target-already-met`."""

from __future__ import annotations

from dataclasses import dataclass

from pejling.errors import UserError
from pejling.formatting import fmt_number
from pejling.national.changes import Scale
from pejling.national.targets import RARE_SHARE, TargetAdvice, advise_target
from pejling.reference.municipalities import municipalities
from pejling.spec.catalog import Catalog
from pejling.spec.lint.history import TargetFinding
from pejling.spec.policy import Goal, Policy, TargetKind
from pejling.spec.settings import DEFAULT_MIN_PERSONS
from pejling.store.database import Store


@dataclass
class StoreTargetHistory:
    """Judges targets on the store's history (a `pejling.spec.lint.history.TargetHistory`).

    Rarely reached: from the baseline (when the target was set) to the deadline, the target's
    change was made in fewer than `rare_share` of the municipality-windows of that length.
    Already met: the figure at the baseline is at or beyond the target, or — before the
    deadline — the newest figure is.
    """

    store: Store
    catalog: Catalog
    rare_share: float = RARE_SHARE
    min_persons: int = DEFAULT_MIN_PERSONS

    def check(self, policy: Policy, goal: Goal) -> TargetFinding | None:
        """The finding for one goal (None for goals the advisor does not judge)."""
        if goal.target.kind is TargetKind.COUNT or goal.indicator is None:
            return None
        if policy.municipality not in municipalities():  # a national policy: no one figure
            return None
        try:
            advice = advise_target(self.store, policy, goal.id, self.catalog, start="baseline",
                                   with_peers=False, min_persons=self.min_persons)  # fmt: skip
        except UserError:
            return None
        return TargetFinding(_rare(advice, self.rare_share), _met(advice))


def _figure(value: float, unit: str) -> str:
    return fmt_number(value, 1, "en") + (" %" if unit == "percent" else "")


def _rare(a: TargetAdvice, share: float) -> str:
    h = a.history
    if h is None or not a.rare_below(share) or a.required_change is None:
        return ""
    assert h.achieved_windows is not None
    assert h.achieved_municipalities is not None
    word = "rise" if a.required_change > 0 else "fall"
    if a.scale is Scale.RELATIVE:
        size = f"a {word} of {fmt_number(abs(a.required_change), 1, 'en')} %"
    else:
        size = f"a {word} of {fmt_number(abs(a.required_change), 1, 'en')} points"
    years = fmt_number(h.horizon, 0 if float(h.horizon).is_integer() else 2, "en")
    return (
        f"{size} in {years} years was reached in {h.achieved_windows} of {h.windows} "
        f"municipality-windows ({h.achieved_municipalities} of {h.municipalities} municipalities, "
        f"{h.first_year}–{h.last_year}), fewer than {fmt_number(share * 100, 0, 'en')} %"
    )


def _met(a: TargetAdvice) -> str:
    if a.target is None:
        return ""
    target = _figure(a.target, a.unit)
    if a.met_at_start and a.start is not None:
        which = (
            "the figure at the baseline" if a.stated_baseline else "the first figure in the period"
        )
        return (
            f"{which} ({a.start.period.label}: {_figure(a.start.value, a.unit)}) "
            f"already meets the target {target}"
        )
    if a.already_met and not a.deadline_passed and a.latest is not None:
        return (
            f"the newest figure ({a.latest.period.label}: {_figure(a.latest.value, a.unit)}) "
            f"already meets the target {target}, before the deadline"
        )
    return ""
