"""Calibrating the realistic synthetic register to published figures.

Why: a demo whose synthetic register disagrees with the figures the seed policies state (a
self-supporting share of 95 % where Roskilde says 69 %) cannot judge those goals at all
(`target_from_other_source`). The generator therefore reads the published observations it ships
with (the seed policies' figures, `pejling/demo/observations/seed_figures.csv`) and, for every
published share that one of its behaviours produces, shifts that behaviour so that the register
reproduces the share *in expectation* in that municipality and year; the draws of the persons a
municipal figure rests on are balanced (`balanced_draw`), so the register's own figure lands
within about one person of it rather than a sampling error away. Nothing here names a
municipality: edit the published figures and the register follows.

The vocabulary:

- a *lever* is one behaviour of the simulation with a linear predictor per person (the logit of
  passing a Danish test, the log-hazard of a first job, …);
- a *target* is a published share that a lever reproduces (`LEVERS` says which indicator and group
  belong to which lever and group of persons);
- a *fitted offset* is the shift of the lever's predictor, for the target's group of persons
  whose first municipality is the target's municipality (or everybody, for a national figure),
  at which the expected figure equals the published one (`solve_offset`).

National figures (municipality 0) are fitted first and shift everybody; a municipality's own
figure is then fitted on top of them. Municipalities without a published figure keep the
national level (with the generator's random municipal effects).
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

Floats = npt.NDArray[Any]
Bools = npt.NDArray[Any]

#: groups of persons a lever's offset can apply to, by origin class (0 Danish origin, 1 Western,
#: 2 non-Western immigrants and descendants); `all` is every person the behaviour concerns
GROUP_CLASSES: dict[str, tuple[int, ...]] = {
    "danish_origin": (0,),
    "western": (1,),
    "non_western": (2,),
    "all": (0, 1, 2),
}

#: published indicator and group → (lever, group of persons the fitted offset shifts).
#: Each lever is a behaviour of `synthetic._simulate`; the indicator's catalog definition
#: (`compute:`) says what the generator must reproduce (docs/data-model.md).
LEVERS: dict[tuple[str, str], tuple[str, str]] = {
    # share not on any benefit (16-64) / full-time persons on benefits (16-66): immigrants'
    # propensity to draw a benefit while out of work
    ("self_supporting_share", "origin=non_western"): ("dependency", "non_western"),
    ("public_support_fulltime_share", "origin=non_western"): ("dependency", "non_western"),
    # 20-24-year-olds with a completed youth education: completing a youth education started
    ("youth_education_20_24", "origin=non_western"): ("youth", "non_western"),
    ("youth_education_20_24", "origin=danish_origin"): ("youth", "danish_origin"),
    # grade 2 or more in both subjects of the pair at the 9th-grade exam
    ("grade2_danish_math", "origin=non_western"): ("exam_written", "non_western"),
    ("grade2_danish_math", "origin=danish_origin"): ("exam_written", "danish_origin"),
    ("grade2_oral_danish_spelling", "origin=non_western"): ("exam_oral", "non_western"),
    ("grade2_oral_danish_spelling", "origin=danish_origin"): ("exam_oral", "danish_origin"),
    # programme participants: Danish test passed, activation, job readiness, first job
    ("danish_passed_within_programme", "target_group=programme_participants"): ("danish", "all"),
    ("activation_degree", "target_group=programme_benefit_recipients"): ("activation", "all"),
    ("company_oriented_activation_share", "target_group=programme_benefit_recipients"): (
        "company_offers",
        "all",
    ),
    ("job_ready_share", "target_group=programme_benefit_recipients"): ("job_ready", "all"),
    ("employed_after_3y", "target_group=refugees_and_reunified"): ("refugee_jobs", "all"),
}

#: how far a fitted offset may shift a predictor (a logit of ±6 is 0.25 % or 99.75 %)
BOUND = 6.0


@dataclass(frozen=True)
class Target:
    """One published share the generator reproduces."""

    lever: str
    group: str  # a key of GROUP_CLASSES
    municipality: int  # 0: the whole country
    year: int  # the calendar year of the published period (2018-08 and 2018Q2 are 2018)
    share: float  # 0-1
    indicator: str
    period: str
    source: str


def _share(row: dict[str, str]) -> float | None:
    """The published share of a tidy observation row (0-1), or None when it has none."""
    try:
        if row.get("value", "").strip():
            return float(row["value"].replace(",", ".")) / 100
        return float(row["numerator"]) / float(row["denominator"])
    except (KeyError, ValueError, ZeroDivisionError):
        return None


def read_targets(paths: Iterable[Path | str] | None = None) -> list[Target]:
    """The published shares in tidy observation files that a lever of the generator produces.

    Only rows with provenance `published` (the default) and unit `percent` whose indicator and
    group are in `LEVERS`. `paths=None` reads the published figures shipped with the demo.
    """
    texts: list[str] = []
    if paths is None:
        seed = resources.files("pejling.demo").joinpath("observations/seed_figures.csv")
        texts.append(seed.read_text(encoding="utf-8"))
    else:
        texts.extend(Path(p).read_text(encoding="utf-8-sig") for p in paths)
    targets: list[Target] = []
    for text in texts:
        for row in csv.DictReader(text.splitlines()):
            if (row.get("provenance") or "published").strip() != "published":
                continue
            if (row.get("unit") or "").strip() != "percent":
                continue
            lever = LEVERS.get((row["indicator"].strip(), (row.get("group") or "").strip()))
            share = _share(row)
            period = row["period"].strip()
            if lever is None or share is None or not period[:4].isdigit():
                continue
            target = Target(
                lever=lever[0], group=lever[1], municipality=int(row["municipality"]),
                year=int(period[:4]), share=min(max(share, 0.0), 1.0),
                indicator=row["indicator"].strip(), period=period,
                source=(row.get("source") or "").strip(),
            )  # fmt: skip
            targets.append(target)
    return targets


def logistic(x: Floats) -> Floats:
    """1 / (1 + e^-x), without overflow warnings for large |x|."""
    return np.asarray(0.5 * (1.0 + np.tanh(0.5 * np.asarray(x, dtype=np.float64))))


@dataclass(frozen=True)
class Population:
    """The persons a published figure is about, as the generator sees them before drawing.

    The expected figure at offset δ is the weighted mean of `fixed + scale · outcome(eta + δ·shifts)`:
    `eta` is each person's current predictor of the behaviour, `shifts` marks those whose
    predictor the fitted offset moves (the target's group and municipality), `outcome` turns a
    predictor into the probability that the person counts, `fixed` is what counts regardless of
    the behaviour and `scale` how much the behaviour counts (negative when the figure counts
    those *without* it, e.g. self-supporting = not on a benefit).
    """

    eta: Floats
    shifts: Bools
    outcome: Callable[[Floats], Floats] = logistic
    fixed: Floats | float = 0.0
    scale: Floats | float = 1.0
    weight: Floats | None = None
    #: the figure itself from the predictors, when it is not a mean over persons (a ratio of
    #: hours): then `outcome`, `fixed`, `scale` and `weight` are not used
    figure: Callable[[Floats], float] | None = None
    #: the person (index into the register) of each row: those whose draw the figure depends on
    #: (`scale` not 0) get balanced draws (`Calibration.draw`)
    members: npt.NDArray[Any] | None = None

    def expected(self, delta: float) -> float:
        """The expected figure (0-1) when the offset is `delta`."""
        if len(self.eta) == 0:
            return float("nan")
        if self.figure is not None:
            return self.figure(self.eta + delta * self.shifts)
        value = self.fixed + self.scale * self.outcome(self.eta + delta * self.shifts)
        values = np.broadcast_to(np.asarray(value, dtype=np.float64), self.eta.shape)
        return float(np.average(values, weights=self.weight))


def solve_offset(population: Population, target: float, bound: float = BOUND) -> float:
    """The offset δ in [-bound, bound] at which `population.expected(δ)` equals `target`.

    Bisection: the expected figure is monotone in δ (increasing or decreasing). A target the
    behaviour cannot reach gives the nearest bound.
    """
    lo, hi = -bound, bound
    f_lo, f_hi = population.expected(lo) - target, population.expected(hi) - target
    if np.isnan(f_lo) or np.isnan(f_hi):
        return 0.0
    if f_lo * f_hi > 0:
        return lo if abs(f_lo) < abs(f_hi) else hi
    rising = f_hi > f_lo
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        f_mid = population.expected(mid) - target
        if (f_mid < 0) == rising:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


def balanced_draw(p: Floats, groups: Sequence[npt.NDArray[Any]], rng: np.random.Generator) -> Bools:
    """Bernoulli(p) per person, by systematic sampling within each group of person indices.

    Outside the groups the draws are independent. Inside a group (persons already drawn in an
    earlier group keep that draw), persons are put in random order and person i succeeds when
    ⌊C_i + v⌋ > ⌊C_(i-1) + v⌋, C the cumulative sum of p and v one uniform draw: each succeeds
    with probability p_i, and the group's number of successes is ⌊Σp⌋ or ⌈Σp⌉.
    """
    p = np.clip(np.asarray(p, dtype=np.float64), 0.0, 1.0)
    hit = rng.random(len(p)) < p
    done = np.zeros(len(p), dtype=bool)
    for group in groups:
        members = group[~done[group]]
        if len(members) == 0:
            continue
        done[members] = True
        order = members[rng.permutation(len(members))]
        start = rng.random()
        steps = np.floor(np.concatenate([[0.0], np.cumsum(p[order])]) + start)
        hit[order] = np.diff(steps) > 0
    return np.asarray(hit)


@dataclass
class Fitted:
    """One fitted offset, written to `calibration.csv`."""

    target: Target
    offset: float
    persons: int
    expected: float
    #: the expected figure without this offset (the national level, for a municipal figure)
    unshifted: float


@dataclass
class Calibration:
    """The published targets of a register and the offsets fitted to them."""

    targets: Sequence[Target]
    codes: npt.NDArray[Any]  # municipality codes in `home` index order
    fitted: list[Fitted] = field(default_factory=list)
    #: per lever, the persons of each municipal target whose draws are balanced
    balanced: dict[str, list[npt.NDArray[Any]]] = field(default_factory=dict)

    @classmethod
    def from_published(
        cls, codes: npt.NDArray[Any], paths: Iterable[Path | str] | None = None
    ) -> Calibration:
        return cls(read_targets(paths), codes)

    def fit(
        self,
        lever: str,
        origin_class: npt.NDArray[Any],
        home: npt.NDArray[Any],
        scope: Bools,
        build: Callable[[Target, Floats, Bools], Population | None],
    ) -> Floats:
        """Each person's offset of `lever`: the national targets first, then each municipality's.

        `scope` marks the persons the behaviour concerns; `build(target, offset, shifts)` returns
        the target's population with each person's predictor including `offset` so far (None
        when the register holds nobody it is about). Several targets for the same group and
        municipality (other years) get the mean of their offsets.
        """
        offset = np.zeros(len(home))
        index = {int(c): i for i, c in enumerate(self.codes.tolist())}
        mine = [t for t in self.targets if t.lever == lever]
        keys = sorted({(t.municipality, t.group) for t in mine})
        for municipality, group in keys:
            if municipality != 0 and municipality not in index:
                continue
            shifts = scope & np.isin(origin_class, GROUP_CLASSES[group])
            if municipality != 0:
                shifts &= home == index[municipality]
            fitted: list[Fitted] = []
            for target in (t for t in mine if (t.municipality, t.group) == (municipality, group)):
                population = build(target, offset, shifts)
                if population is None or int(np.count_nonzero(population.shifts)) == 0:
                    continue
                delta = solve_offset(population, target.share)
                reached, unshifted = population.expected(delta), population.expected(0.0)
                fitted.append(Fitted(target, delta, len(population.eta), reached, unshifted))
                if municipality != 0 and population.members is not None:
                    drawn = np.broadcast_to(np.asarray(population.scale) != 0, population.eta.shape)
                    members = np.unique(population.members[drawn])
                    self.balanced.setdefault(lever, []).append(members)
            if fitted:
                delta = float(np.mean([f.offset for f in fitted]))
                offset[shifts] += delta
                self.fitted.extend(fitted)
        return offset

    def draw(self, lever: str, p: Floats, rng: np.random.Generator) -> Bools:
        """One Bernoulli(p) draw per person; balanced for the persons of a municipal target.

        Why: a published figure rests on a few dozen or hundred persons, so independent draws
        would put the register's figure a few percentage points off the published one as often
        as not. For the persons a municipal target is about, the draws are made by systematic
        sampling in random order (Madow): each person still succeeds with exactly probability
        p, but together they hit the expected number of successes to within one.
        """
        return balanced_draw(p, self.balanced.get(lever, []), rng)

    def write(self, path: Path) -> None:
        """The fitted offsets, one row per published figure (`calibration.csv`)."""
        with path.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(["lever", "group", "municipality", "indicator", "period",
                             "published", "unshifted", "offset", "expected", "persons",
                             "source"])  # fmt: skip
            for f in self.fitted:
                t = f.target
                writer.writerow([
                    t.lever, t.group, t.municipality, t.indicator, t.period,
                    f"{100 * t.share:.2f}", f"{100 * f.unshifted:.2f}", f"{f.offset:.4f}",
                    f"{100 * f.expected:.2f}",
                    f.persons, t.source,
                ])  # fmt: skip

    def summary(self) -> list[dict[str, object]]:
        """The fitted offsets for `manifest.json`."""
        return [
            {
                "lever": f.target.lever,
                "group": f.target.group,
                "municipality": f.target.municipality,
                "indicator": f.target.indicator,
                "period": f.target.period,
                "published": round(100 * f.target.share, 2),
                "unshifted": round(100 * f.unshifted, 2),
                "offset": round(f.offset, 4),
                "expected": round(100 * f.expected, 2),
            }
            for f in self.fitted
        ]
