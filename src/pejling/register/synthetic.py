"""A synthetic national person-level register (`pejling synth`), for demos, tests and benchmarks.

Why synthetic: real register data is personal data and cannot ship. The generator writes exactly
the files a municipality imports (one per table, a `cpr` column with made-up but valid-looking
CPR numbers that the import pseudonymises), for all 98 municipalities, with outcomes that depend
on individual characteristics, the local labour market and a *planted municipality effect*
written to `truth_municipality_effects.csv`, so fair benchmarking can be checked against a known
answer. National levels follow published national figures (../shared/docs/domain.md, the
shipped unemployment series for the business cycle): about 60 % of non-Western immigrants
self-supporting, refugees employed after three years from about a third (2012) to half (2022),
women far below men, ~60 % passing a Danish test within five years. The realistic register is
calibrated on top to the published figures it ships with (`pejling.register.calibration`): in
each municipality and year with a published share, the behaviour behind it is shifted so that
the register reproduces it (docs/data-model.md, "How the synthetic levels are calibrated").

Vectorised numpy throughout: dates are int days since 1970-01-01, codes are small ints mapped
to their labels in the SQL that writes the files. Deterministic for (persons, seed, as_of).
"""

from __future__ import annotations

import csv
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields
from datetime import date, timedelta
from importlib import resources
from itertools import pairwise
from pathlib import Path
from typing import Any, Literal

import duckdb
import numpy as np
import numpy.typing as npt

from pejling.reference.municipalities import code_by_name, municipalities
from pejling.register.calibration import GROUP_CLASSES, Calibration, Population, Target, logistic
from pejling.register.countries import WESTERN
from pejling.register.tables import BENEFITS, TABLES_BY_NAME

# numpy's static types add little to array arithmetic; the arrays are int64 / float64 / bool
Ints = npt.NDArray[Any]
Floats = npt.NDArray[Any]
Bools = npt.NDArray[Any]
NONE = -(10**7)  # "no date" sentinel
EPOCH = date(1970, 1, 1)
YEAR = 365.25

REFUGEE_COUNTRIES = ["SYR", "ERI", "AFG", "IRQ", "SOM", "IRN", "UKR", "SDN"]
FAMILY_COUNTRIES = ["THA", "PHL", "TUR", "PAK", "VNM", "RUS", "BRA", "CHN"]
WORK_COUNTRIES = ["IND", "USA", "GBR", "CHN", "PHL", "UKR", "BRA", "TUR"]
EU_COUNTRIES = ["POL", "ROU", "DEU", "LTU", "SWE", "BGR", "ITA", "ESP", "NOR", "ISL"]
DESCENDANT_COUNTRIES = ["TUR", "PAK", "IRQ", "LBN", "SOM", "AFG", "SYR", "VNM", "POL", "DEU"]
BASES = ["refugee", "reunified_refugee", "reunified_other", "work", "study", "eu", "other"]
BASIS_SHARES = [0.25, 0.12, 0.10, 0.16, 0.10, 0.22, 0.05]
EDUCATIONS = ["none", "basic", "upper_secondary", "vocational", "higher", "unknown"]
OFFER_TYPES = [
    "company_internship", "wage_subsidy", "igu", "ordinary_job_hours", "education",
    "guidance_upskilling",
]  # fmt: skip
GRADES = ["-3", "00", "02", "4", "7", "10", "12"]
SUBJECTS = ["danish_written", "danish_oral", "spelling", "maths"]
#: the realistic register's default sample fraction of persons of Danish origin: 5 % gives
#: about 45 pupils of Danish origin a year in Roskilde, enough for a reference group
DANISH_SAMPLE = 0.05
#: bumped when the generator changes what it writes for the same settings (the demo regenerates)
SYNTH_VERSION = 3
#: "no end": the last day of an open spell while the simulation runs
FAR = 10**9
#: how a published figure's population is built for the calibration (`Calibration.fit`)
Build = Callable[[Target, Floats, Bools], Population | None]

# National levels of the behaviours behind the seed policies' figures (logits unless said
# otherwise), chosen so that the national figures land near the published ones (docs/data-model.md,
# "How the synthetic levels are calibrated"). A published national figure among the calibration's
# targets shifts them further; a municipality's own published figure is fitted on top.
BASE: dict[str, float] = {
    # log-hazard lift of a first job for refugees and reunified arriving from 2015
    "job_cohort_2015": 0.1,
    # job-ready at an assessment (programme participants); after the reform of 1 July 2016
    # refugees are presumed job-ready (Kalundborg: 73 % of its integration-benefit recipients in
    # August 2018)
    "job_ready": 0.3,
    "job_ready_reform": 0.9,
    # share of the programme's benefit time spent in an offer (75 % of it at 26 hours a week is
    # an activation degree of about 45)
    "activation": 0.65,
    # share of offers that are company-oriented (internship, wage subsidy, IGU)
    "company_offers": 0.18,
    # completing a youth education once started (20-24-year-olds with one: about 75 % of
    # Danish origin, 60-68 % non-Western, Integrationsbarometer)
    "youth_danish": 1.35,
    "youth_western": 1.35,
    "youth_non_western": 1.0,
    # grade 2 or more in both subjects of a pair at the 9th-grade exam (97 % Danish origin,
    # 86-95 % non-Western; pupils arriving after the age of 12 far less often)
    "exam_danish": 3.6,
    "exam_western": 2.9,
    "exam_non_western": 3.0,
    "exam_late": 0.9,
}
#: hazard of a first job a year after arrival by residence basis (refugee, reunified to refugee,
#: reunified to others, work, study, EU, other)
JOB_HAZARD = (0.31, 0.22, 0.45, 2.5, 0.6, 1.4, 0.5)
#: mean years a refugee's or reunified person's first job lasts
REFUGEE_JOB_YEARS = 8.0
#: how much one percentage point of national unemployment above its mean slows first jobs
#: (log-hazard); about a doubling of the job-finding rate from 2012 (6 %) to 2022 (2.5 %)
CYCLE = 0.25
#: logit of depending on a benefit while out of work, immigrants, by residence basis: refugees and
#: their families nearly always do, other family-reunified and "other" residence often, workers,
#: students and EU citizens seldom (non-Western immigrants 16-64 about 60 % self-supporting)
DEPENDENCY = (4.3, 3.7, 1.6, -0.5, -1.5, -0.8, 2.3)
#: the shortest time out of work (days) for which an immigrant draws a benefit
IDLE_DAYS = 120
#: logit of passing the final test of the Danish education by track (DU1, DU2, DU3)
DANISH_PASS = (-1.1, 0.25, 1.1)
#: offers drawn per programme participant at most (one after another until the programme ends)
OFFER_ROUNDS = 24
#: company-oriented offers (internship, wage subsidy, IGU) and the others (ordinary hours,
#: education, guidance and up-skilling), relative shares within each kind
COMPANY_SHARES = (0.38, 0.14, 0.05)
OTHER_SHARES = (0.12, 0.09, 0.22)


@dataclass(frozen=True)
class SynthSummary:
    """What was written."""

    out: Path
    persons: int
    rows: dict[str, int]
    as_of: date
    seconds: float


def _day(d: date) -> int:
    return (d - EPOCH).days


def _municipality_frame() -> tuple[Ints, Floats, Floats]:
    """Codes, population weights and a labour-market factor (from unemployment) per municipality."""
    text = resources.files("pejling.data").joinpath("dst/dpd_population.csv").read_text("utf-8")
    names = code_by_name()
    population: dict[int, float] = {}
    for row in csv.DictReader(text.splitlines()):
        population[names[row["municipality"].strip().lower()]] = float(row["value"])
    text = (
        resources.files("pejling.data").joinpath("dst/dpd_unemployment_pct.csv").read_text("utf-8")
    )
    unemployment: dict[int, float] = {}
    for row in csv.DictReader(text.splitlines()):
        unemployment[names[row["municipality"].strip().lower()]] = float(row["value"])
    codes = np.array(sorted(municipalities()), dtype=np.int64)
    weights = np.array([population.get(int(c), 10_000.0) for c in codes])
    unemp = np.array([unemployment.get(int(c), 4.0) for c in codes])
    labour = -(unemp - unemp.mean()) / max(unemp.std(), 1e-9) * 0.15
    return codes, weights / weights.sum(), labour


def _years(days: Any) -> Any:
    """Whole days for a number of years."""
    return np.round(np.asarray(days) * YEAR).astype(np.int64)


def _cpr(birth: Ints, rng: np.random.Generator) -> list[str]:
    """Unique made-up CPR numbers: ddmmyy of the birth date + a 4-digit sequence.

    The sequence counts persons with the same ddmmyy, so two persons born a hundred years
    apart on the same day (1921 and 2021) get different numbers.
    """
    dates = (np.datetime64("1970-01-01") + birth.astype("timedelta64[D]")).astype(str)
    stamp = (np.datetime64("1970-01-01") + birth.astype("timedelta64[D]")).astype("datetime64[Y]")
    year = stamp.astype(np.int64) + 1970
    day_of_century = birth - (stamp.astype("datetime64[D]").astype(np.int64)) + (year % 100) * 1000
    order = np.argsort(day_of_century, kind="stable")
    seq = np.empty_like(birth)
    sorted_birth = day_of_century[order]
    starts = np.r_[0, np.flatnonzero(np.diff(sorted_birth)) + 1]
    counts = np.diff(np.r_[starts, len(birth)])
    seq[order] = np.arange(len(birth)) - np.repeat(starts, counts)
    offset = rng.integers(0, 1000)
    return [
        f"{d[8:10]}{d[5:7]}{d[2:4]}{(s * 7 + offset) % 10000:04d}"
        for d, s in zip(dates.tolist(), seq.tolist(), strict=True)
    ]


@dataclass(frozen=True)
class _Population:
    """Who the register holds, one array entry per person; `_simulate` decides what happens."""

    kind: Ints  # 0 Danish origin, 1 immigrant, 2 descendant
    sex: Ints  # 0 m, 1 f
    basis: Ints  # index into BASES; -1 for persons who did not immigrate
    arrival: Ints  # day of arrival (immigrants), else NONE
    age_arrival: Floats  # age at arrival in years (immigrants), else 0
    birth: Ints
    home: Ints  # index into the municipality codes: where the person first lives
    country: npt.NDArray[np.str_]
    weight: Floats  # sampling weight; NaN: none (written empty, read as 1)

    def select(self, keep: Bools) -> _Population:
        """Only the persons where `keep` holds."""
        return _Population(*(getattr(self, f.name)[keep] for f in fields(self)))


def generate(
    persons: int,
    seed: int,
    out: Path,
    *,
    fmt: Literal["parquet", "csv"] = "parquet",
    as_of: date = date(2024, 12, 31),
    progress: Callable[[str, float], None] | None = None,
    planted: bool = True,
) -> SynthSummary:
    """A small uniform register of `persons` persons (tests, benchmarks, `pejling demo --persons`).

    Municipalities are drawn in proportion to their population, origins around fixed shares
    (35 % Danish origin), arrivals mostly 2012–2024; every person stands for one (no weights), so
    municipal cells are far smaller than the real ones. `generate_realistic` has real sizes.

    Municipalities differ in case mix (`MIX`): the share of immigrants and descendants, the
    share of refugees among immigrants, the age at arrival and the education brought along vary
    by municipality and drive the outcomes, so raw figures rank municipalities partly by whom
    they receive, not by how well they do — what a fair benchmark must see through.
    `planted=False` draws everything exactly as with the same seed but sets the planted
    municipality effects to 0 (same persons, same random numbers): the difference between the
    two registers is the planted effects' contribution (bench/benchmark.py).
    """
    started = time.perf_counter()
    rng = np.random.default_rng(seed)
    end = _day(as_of)
    codes, weights, labour = _municipality_frame()
    effects = (rng.normal(0.0, 0.3, len(codes)), rng.normal(0.0, 0.3, len(codes)))
    if not planted:
        effects = (effects[0] * 0.0, effects[1] * 0.0)
    mix = rng.normal(0.0, 1.0, (4, len(codes)))
    tick = progress or (lambda _stage, _frac: None)
    tick("Personer", 0.05)
    population = _uniform_population(persons, rng, weights, end, mix)
    rows = _simulate(population, rng, codes, labour, effects, end, out, fmt, tick,
                     education_tilt=MIX["education"] * mix[3])  # fmt: skip
    manifest = {
        "note": "synthetic data generated by pejling synth; not real persons",
        "version": SYNTH_VERSION,
        "mode": "uniform",
        "seed": seed,
        "planted_effects": planted,
        "case_mix": {k: f"{v:g} × N(0, 1) per municipality" for k, v in MIX.items()},
        "persons": persons,
        "as_of": as_of.isoformat(),
        "format": fmt,
        "rows": rows,
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    tick("Færdig", 1.0)
    return SynthSummary(out, persons, rows, as_of, time.perf_counter() - started)


#: national arrivals per year on the residence bases of the integration programme: refugees,
#: family-reunified to refugees and family-reunified to other residents who are still in
#: Denmark. Rounded from the Immigration Service's yearly figures (asylum grants about 2,600 in
#: 2012, 10,800 at the 2015 peak, 7,500 in 2016; family reunification to refugees peaking a
#: year later); Ukrainians under the 2022 special act are counted separately (UKRAINIANS).
PROGRAMME_ARRIVALS: dict[int, tuple[int, int, int]] = {
    2007: (1_300, 300, 3_000),
    2008: (1_600, 350, 3_000),
    2009: (1_800, 400, 3_000),
    2010: (2_500, 500, 3_000),
    2011: (2_700, 600, 3_000),
    2012: (3_100, 800, 3_100),
    2013: (4_400, 1_500, 3_300),
    2014: (6_600, 3_200, 3_500),
    2015: (11_300, 5_500, 3_700),
    2016: (7_800, 7_000, 3_700),
    2017: (2_900, 2_500, 3_500),
    2018: (1_700, 1_200, 3_500),
    2019: (1_900, 900, 3_500),
    2020: (700, 500, 2_600),
    2021: (1_000, 400, 3_000),
    2022: (1_600, 400, 3_300),
    2023: (1_400, 400, 3_300),
    2024: (1_200, 400, 3_300),
}
#: the first arrival year with an integration-programme spell (programmes end from 2010 on)
PROGRAMME_FROM = 2007
#: share of those family-reunified to other residents who get an integration programme (the
#: spouses of Danish and Nordic citizens got an introduction course instead)
REUNIFIED_OTHER_PROGRAMME = 0.5
#: Ukrainians under the special act of 2022 (residence basis `other`, no programme spell)
UKRAINIANS = 30_000
#: immigrants not in PROGRAMME_ARRIVALS: shares by residence basis (refugees and reunified
#: arrived 1985–2006, students 2012 on, the others 1980 on, more of them in recent years)
EARLIER_SHARES = (0.12, 0.04, 0.10, 0.18, 0.07, 0.39, 0.10)
#: share of children (0–15) among immigrants at arrival, by residence basis
CHILD_SHARES = (0.25, 0.40, 0.08, 0.05, 0.0, 0.10, 0.25)
#: share of participants whose programme ends early when they become self-supporting (the
#: others stay in the programme for its 3–5 years, as most did)
EARLY_EXIT = 0.15
#: share of programmes started before the reform of 1 July 2016 that end after their planned
#: 3 years (the others run 3–5 years)
THREE_YEARS = 0.85
#: leaving Denmark (work, study, EU and other residence only): the probability in `_simulate`
LEAVE_PROBABILITY = 0.12
#: how strongly the refugee quota favours municipalities with few immigrants
QUOTA_EXPONENT = 1.0


@dataclass(frozen=True)
class MunicipalitySizes:
    """Real sizes per municipality at the data date (Statistics Denmark), in `codes` order."""

    codes: Ints
    population: Floats
    minority: Floats  # immigrants and descendants
    descendants: Floats

    @property
    def danish_origin(self) -> Floats:
        """Persons of Danish origin: the population minus immigrants and descendants."""
        return np.asarray(self.population - self.minority)


@dataclass(frozen=True)
class _JobClock:
    """Calendar time weighted by how easy jobs are to find (the business cycle).

    A first job arrives at the rate hazard × factor(year); the factor is
    exp(-CYCLE × (national unemployment of the year − its mean)), from the published national
    unemployment (AUP02, shipped), 1 outside the years published. `at(day)` is the weighted
    time in years since 1900, so a first job `waiting / hazard` weighted years after arrival
    falls on `day_of(at(arrival) + waiting / hazard)`.
    """

    days: Floats
    clock: Floats

    @classmethod
    def published(cls) -> _JobClock:
        rate = _national_unemployment()
        mean = float(np.mean(list(rate.values())))
        years = np.arange(1900, 2201)
        factor = np.array(
            [np.exp(-CYCLE * (rate[int(y)] - mean)) if int(y) in rate else 1.0 for y in years]
        )
        days = np.array([_day(date(int(y), 1, 1)) for y in years], dtype=np.float64)
        clock = np.r_[0.0, np.cumsum(factor[:-1] * np.diff(days) / YEAR)]
        return cls(days, clock)

    def at(self, day: Any) -> Floats:
        return np.interp(np.asarray(day, dtype=np.float64), self.days, self.clock)

    def day_of(self, clock: Floats) -> Ints:
        return np.round(np.interp(clock, self.clock, self.days)).astype(np.int64)


def _national_unemployment() -> dict[int, float]:
    """Gross unemployment (AUP02) of the whole country by year: the population-weighted mean of
    the municipalities' published figures."""
    rate = _dst_by_municipality("dpd_unemployment_pct.csv")
    population = _dst_by_municipality("dpd_population.csv")
    out: dict[int, float] = {}
    for year in sorted({y for series in rate.values() for y in series}):
        pairs = [
            (series[year], _interpolate(population[code], year))
            for code, series in rate.items()
            if year in series and code in population
        ]
        out[year] = sum(r * w for r, w in pairs) / sum(w for _r, w in pairs)
    return out


def _dst_by_municipality(name: str) -> dict[int, dict[int, float]]:
    text = resources.files("pejling.data").joinpath(f"dst/{name}").read_text("utf-8")
    names = code_by_name()
    out: dict[int, dict[int, float]] = {}
    for row in csv.DictReader(text.splitlines()):
        code = names[row["municipality"].strip().lower()]
        out.setdefault(code, {})[int(row["year"])] = float(row["value"])
    return out


def _interpolate(series: dict[int, float], t: float) -> float:
    """Linear between the years given (a year's figure is read as of 1 January)."""
    years = sorted(series)
    if t <= years[0]:
        return series[years[0]]
    for a, b in pairwise(years):
        if t <= b:
            return series[a] + (series[b] - series[a]) * (t - a) / (b - a)
    return series[years[-1]]


def _national_descendant_share(year: int) -> float:
    """Descendants among immigrants and descendants in Denmark, FOLK1E (4th quarter)."""
    text = (
        resources.files("pejling.data")
        .joinpath("dst/rexer_folk1e_national_herkomst_q4_2008_2025.csv")
        .read_text("utf-8")
    )
    values: dict[tuple[str, int], float] = {}
    for row in csv.DictReader(text.splitlines(), delimiter=";"):
        values[(row["HERKOMST"], int(row["TID"][:4]))] = float(row["INDHOLD"])
    years = sorted({y for _h, y in values})
    y = min(max(year, years[0]), years[-1])
    descendants = values[("34", y)] + values[("35", y)]
    return descendants / (descendants + values[("24", y)] + values[("25", y)])


def _population_and_share(t: float) -> tuple[Ints, Floats, Floats]:
    """Codes, population and percent not of Danish origin per municipality at year `t`."""
    population = _dst_by_municipality("dpd_population.csv")
    share = _dst_by_municipality("dpd_immigration_share_pct.csv")
    codes = np.array(sorted(municipalities()), dtype=np.int64)
    pop = np.array([_interpolate(population[int(c)], t) for c in codes])
    pct = np.array([_interpolate(share[int(c)], t) for c in codes])
    return codes, pop, pct


def quota_key(year: int) -> Floats:
    """Each municipality's share of the year's refugees, in `codes` order.

    Like the real quotas (landstal and kommunekvoter), in proportion to the population and
    inversely to the share of immigrants and descendants the municipality already has, both as
    of the middle of the year.
    """
    _codes, pop, pct = _population_and_share(year + 0.5)
    national = (pop * pct).sum() / pop.sum()
    key = pop * (national / pct) ** QUOTA_EXPONENT
    return np.asarray(key / key.sum())


def municipality_sizes(as_of: date = date(2024, 12, 31)) -> MunicipalitySizes:
    """Population, immigrants and descendants per municipality at `as_of`, from the shipped
    series (FOLK1A population × FOLK1E share not of Danish origin, interpolated between the
    years given); descendants as the national FOLK1E share, higher where the minority is."""
    t = as_of.year + (as_of.timetuple().tm_yday / 365.25)
    codes, pop, pct = _population_and_share(t)
    minority = pop * pct / 100
    national = minority.sum() / pop.sum()
    lean = np.clip((pct / 100 / national) ** 0.4, 0.45, 1.7)
    descendants = minority * lean
    descendants *= _national_descendant_share(as_of.year) * minority.sum() / descendants.sum()
    return MunicipalitySizes(codes, pop, minority, descendants)


def _spread(total: float, key: Floats, rng: np.random.Generator) -> Ints:
    """`total` persons over municipalities in proportion to `key` (a multinomial draw)."""
    return rng.multinomial(round(total), key / key.sum()).astype(np.int64)


def _realistic_population(
    rng: np.random.Generator, sizes: MunicipalitySizes, end: int, danish_sample: float
) -> tuple[_Population, dict[str, Any]]:
    """Every immigrant and descendant at real size, a sample of persons of Danish origin."""
    m_count = len(sizes.codes)
    as_of_year = (EPOCH + timedelta(days=end)).year
    immigrants = sizes.minority - sizes.descendants
    parts: list[dict[str, Any]] = []

    def add(home: Ints, kind: int, basis: int, arrival: Ints, weight: float = np.nan) -> None:
        parts.append({"home": home, "kind": kind, "basis": basis, "arrival": arrival,
                      "weight": weight})  # fmt: skip

    def days_between(first: date, last: date, k: int, rising: bool = False) -> Ints:
        span = _day(last) - _day(first)
        u = np.sqrt(rng.random(k)) if rising else rng.random(k)  # sqrt: density rising in time
        return _day(first) + (u * span).astype(np.int64)

    def repeat(counts: Ints) -> Ints:
        return np.repeat(np.arange(m_count), counts)

    # programme residence bases by arrival year: refugees and reunified to refugees by the
    # quota key (population, more where there are few immigrants), the others by immigrants
    arrived = np.zeros(m_count, dtype=np.int64)
    table: dict[str, dict[str, int]] = {}
    for year, volumes in sorted(PROGRAMME_ARRIVALS.items()):
        if year > as_of_year:
            continue
        table[str(year)] = dict(zip(BASES[:3], volumes, strict=True))
        for code, total in enumerate(volumes):
            counts = _spread(total, quota_key(year) if code < 2 else immigrants, rng)
            arrived += counts
            last = min(date(year, 12, 31), EPOCH + timedelta(days=end - 1))
            add(repeat(counts), 1, code, days_between(date(year, 1, 1), last, int(counts.sum())))
    ukrainians = np.zeros(m_count, dtype=np.int64)
    if as_of_year >= 2022:
        ukrainians = np.minimum(
            _spread(UKRAINIANS, sizes.population, rng),
            np.maximum(np.round(immigrants) - arrived, 0).astype(np.int64),
        )
        last = min(date(2023, 12, 31), EPOCH + timedelta(days=end - 1))
        add(repeat(ukrainians), 1, -2, days_between(date(2022, 3, 1), last, int(ukrainians.sum())))
    # the other immigrants: earlier arrivals and the residence bases without a programme; those
    # who may leave Denmark are drawn a little more often so that the stock at the data date is
    # the real one
    rest = np.maximum(np.round(immigrants) - arrived - ukrainians, 0).astype(np.int64)
    by_basis = np.array([rng.multinomial(int(k), EARLIER_SHARES) for k in rest])  # m × basis
    extra = LEAVE_PROBABILITY / (1 - LEAVE_PROBABILITY)
    by_basis[:, 3:] += rng.binomial(by_basis[:, 3:], extra)
    first_day = EPOCH + timedelta(days=end - 1)
    for code in range(len(BASES)):
        counts = by_basis[:, code]
        k = int(counts.sum())
        if code <= 2:
            arrival = days_between(date(1985, 1, 1), date(PROGRAMME_FROM - 1, 12, 31), k)
        elif BASES[code] == "study":
            arrival = days_between(date(2012, 1, 1), first_day, k)
        else:
            arrival = days_between(date(1980, 1, 1), first_day, k, rising=True)
        add(repeat(counts), 1, code, arrival)
    add(repeat(np.round(sizes.descendants).astype(np.int64)), 2, -1, np.zeros(0, np.int64))
    sampled = np.maximum(np.round(sizes.danish_origin * danish_sample), 1).astype(np.int64)
    add(repeat(sampled), 0, -1, np.zeros(0, np.int64), 1.0 / danish_sample)

    home = np.concatenate([p["home"] for p in parts])
    n = len(home)
    kind = np.concatenate([np.full(len(p["home"]), p["kind"]) for p in parts])
    raw_basis = np.concatenate([np.full(len(p["home"]), p["basis"]) for p in parts])
    ukrainian = raw_basis == -2
    basis = np.where(ukrainian, BASES.index("other"), raw_basis)
    weight = np.concatenate([np.full(len(p["home"]), p["weight"]) for p in parts])
    arrival = np.full(n, NONE, dtype=np.int64)
    arrival[kind == 1] = np.concatenate([p["arrival"] for p in parts if p["kind"] == 1])
    arrival = np.minimum(arrival, end - 1)
    sex = rng.integers(0, 2, n)
    sex = np.where((basis == 0) & (rng.random(n) < 0.2), 0, sex)  # more men among refugees
    sex = np.where((basis == 1) & (rng.random(n) < 0.2), 1, sex)  # more women among reunified
    child = rng.random(n) < np.array(CHILD_SHARES)[np.maximum(basis, 0)]
    adult_age = np.where(
        basis == BASES.index("study"), np.clip(rng.normal(25, 4, n), 18, 45),
        np.clip(rng.normal(31, 9, n), 16, 64),
    )  # fmt: skip
    age_arrival = np.where(kind == 1, np.where(child, rng.integers(0, 16, n), adult_age), 0.0)
    birth = np.where(
        kind == 1,
        arrival - _years(age_arrival) - rng.integers(0, 365, n),
        np.where(
            kind == 2,
            days_between(date(1970, 1, 1), first_day, n, rising=True),
            days_between(date(1945, 1, 1), first_day, n),
        ),
    ).astype(np.int64)
    birth = np.minimum(birth, end - 1)
    arrival = np.where(kind == 1, np.maximum(arrival, birth), NONE)
    country = _countries(kind, basis, rng)
    country = np.where(ukrainian, "UKR", country)
    population = _Population(kind, sex, basis, arrival, age_arrival, birth, home, country, weight)
    design = {
        "danish_sample": danish_sample,
        "danish_weight": 1.0 / danish_sample,
        "programme_arrivals": table,
        "ukrainians": int(ukrainians.sum()),
        "counts": {
            "immigrants": int((kind == 1).sum()),
            "descendants": int((kind == 2).sum()),
            "danish_origin_sampled": int((kind == 0).sum()),
            "danish_origin_population": round(float(sizes.danish_origin.sum())),
            "population": round(float(sizes.population.sum())),
        },
    }
    return population, design


def generate_realistic(
    seed: int,
    out: Path,
    *,
    danish_sample: float = DANISH_SAMPLE,
    fmt: Literal["parquet", "csv"] = "parquet",
    as_of: date = date(2024, 12, 31),
    only: Sequence[int] | None = None,
    published: Sequence[Path | str] | None = None,
    calibrate: bool = True,
    progress: Callable[[str, float], None] | None = None,
) -> SynthSummary:
    """A national register at real size: every immigrant and descendant, sampled Danish origin.

    Immigrants and descendants per municipality follow Statistics Denmark (population × share
    not of Danish origin, `municipality_sizes`), each standing for one person (no weight).
    Refugees and family-reunified arrive by year as in `PROGRAMME_ARRIVALS`, spread over the
    municipalities by a quota key. Persons of Danish origin are a simple random sample of
    fraction `danish_sample` per municipality, each with weight 1/`danish_sample`, so the whole
    population and groups mixing origins are population estimates. `only` keeps the persons
    whose first municipality is one of these codes (small tests). The design is written to
    `manifest.json` and `design_municipalities.csv`.

    With `calibrate`, the behaviours behind published figures are shifted so that the register
    reproduces, in expectation, every published share of the tidy observation files `published`
    (default: the seed policies' figures shipped with the demo) in its municipality and year;
    the fitted offsets are written to `calibration.csv` (`pejling.register.calibration`).
    """
    if not 0 < danish_sample <= 1:
        raise ValueError("danish_sample must be a fraction in (0, 1]")
    started = time.perf_counter()
    rng = np.random.default_rng(seed)
    end = _day(as_of)
    codes, _weights, labour = _municipality_frame()
    effects = (rng.normal(0.0, 0.3, len(codes)), rng.normal(0.0, 0.3, len(codes)))
    tick = progress or (lambda _stage, _frac: None)
    tick("Personer", 0.05)
    sizes = municipality_sizes(as_of)
    population, design = _realistic_population(rng, sizes, end, danish_sample)
    if only is not None:
        population = population.select(np.isin(codes[population.home], list(only)))
    n = len(population.kind)
    calibration = Calibration.from_published(codes, published) if calibrate else None
    rows = _simulate(population, rng, codes, labour, effects, end, out, fmt, tick,
                     programme_from=PROGRAMME_FROM,
                     reunified_other_programme=REUNIFIED_OTHER_PROGRAMME,
                     early_exit=EARLY_EXIT, three_years=THREE_YEARS,
                     calibration=calibration)  # fmt: skip
    _write_design(out, sizes, population, danish_sample)
    if calibration is not None:
        calibration.write(out / "calibration.csv")
    manifest = {
        "note": "synthetic data generated by pejling synth; not real persons",
        "version": SYNTH_VERSION,
        "mode": "realistic",
        "seed": seed,
        "persons": n,
        "as_of": as_of.isoformat(),
        "format": fmt,
        "only": sorted(only) if only is not None else None,
        "design": {
            "immigrants_and_descendants": (
                "every one, weight empty (1): per municipality the population (FOLK1A) times "
                "the share not of Danish origin (FOLK1E), interpolated to the data date; "
                "descendants at the national FOLK1E share, more where the minority is larger"
            ),
            "danish_origin": (
                f"a simple random sample of {danish_sample:g} of the persons of Danish origin "
                "per municipality (population minus immigrants and descendants), each with "
                f"weight {1 / danish_sample:g} in the column weight: whole-population and "
                "mixed-origin figures are weighted estimates; `persons` of a computed figure "
                "is the unweighted sample size"
            ),
            "refugees": (
                "arrivals by year and residence basis as in programme_arrivals; refugees and "
                "family-reunified to refugees spread over municipalities in proportion to "
                f"population × (national share not of Danish origin / municipal share)^"
                f"{QUOTA_EXPONENT:g}, family-reunified to others in proportion to immigrants; "
                "integration programme for those aged 18+ arriving from "
                f"{PROGRAMME_FROM} (family-reunified to others: {REUNIFIED_OTHER_PROGRAMME:.0%})"
            ),
            **design,
            "calibration": (
                "behaviours shifted so that the register reproduces, in expectation, the "
                "published shares of the calibration targets in their municipality and year "
                "(calibration.csv: lever, published figure, fitted offset, expected figure)"
                if calibration is not None
                else "none: national levels only"
            ),
            "calibrated": calibration.summary() if calibration is not None else [],
        },
        "rows": rows,
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    tick("Færdig", 1.0)
    return SynthSummary(out, n, rows, as_of, time.perf_counter() - started)


def _write_design(
    out: Path, sizes: MunicipalitySizes, population: _Population, danish_sample: float
) -> None:
    """Per municipality: the real sizes and how many persons the register holds of each.

    `immigrants` counts the generated immigrants whose first municipality it is, including
    those who move or leave Denmark again; `minority` is the real number of immigrants and
    descendants at the data date that the register's residents follow.
    """
    names = municipalities()
    m_count = len(sizes.codes)
    held = {
        k: np.bincount(population.home[population.kind == k], minlength=m_count) for k in (0, 1, 2)
    }
    with (out / "design_municipalities.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["municipality", "name", "population", "minority", "immigrants",
                         "descendants", "danish_origin", "danish_origin_sampled",
                         "danish_weight"])  # fmt: skip
        for i, code in enumerate(sizes.codes.tolist()):
            writer.writerow([
                code, names[code].name, round(float(sizes.population[i])),
                round(float(sizes.minority[i])), int(held[1][i]), int(held[2][i]),
                round(float(sizes.danish_origin[i])), int(held[0][i]), f"{1 / danish_sample:g}",
            ])  # fmt: skip


#: how much the uniform register's municipalities differ in case mix, per municipality factor
#: f ~ N(0, 1): the odds of being an immigrant or descendant × exp(minority·f), of an
#: immigrant being a refugee or reunified to one × exp(refugees·f), the mean adult age at
#: arrival + age·f years, the odds of arriving with no or basic education × exp(education·f)
MIX: dict[str, float] = {"minority": 0.5, "refugees": 0.8, "age": 4.0, "education": 0.8}


def _uniform_population(
    n: int, rng: np.random.Generator, weights: Floats, end: int, mix: Floats
) -> _Population:
    """Origin shares around fixed ones, municipalities by population, arrivals mostly 2012–2024;
    the case mix of each municipality tilted by its factors `mix` (4 × municipalities, `MIX`)."""
    home = rng.choice(len(weights), size=n, p=weights)
    minority = np.exp(MIX["minority"] * mix[0][home])
    kind = _choice_rows(
        np.column_stack([np.full(n, 0.35), 0.50 * minority, 0.15 * minority]), rng
    )  # 0 Danish origin, 1 immigrant, 2 descendant
    sex = rng.integers(0, 2, n)  # 0 m, 1 f
    refugees = np.exp(MIX["refugees"] * mix[1][home])
    shares = np.tile(np.array(BASIS_SHARES), (n, 1))
    shares[:, :2] *= refugees[:, None]
    basis = np.where(kind == 1, _choice_rows(shares, rng), -1)
    sex = np.where((basis == 0) & (rng.random(n) < 0.2), 0, sex)  # more men among refugees
    year_weights = np.array([1, 1, 1.3, 2.6, 2.5, 1.5, 1.1, 1, 0.9, 0.8, 1.0, 1.2, 1.1])
    arrival_year = np.where(
        rng.random(n) < 0.8,
        2012 + rng.choice(13, size=n, p=year_weights / year_weights.sum()),
        rng.integers(1990, 2012, n),
    )
    arrival = np.array([_day(date(int(y), 1, 1)) for y in range(1990, 2025)], dtype=np.int64)[
        arrival_year - 1990
    ] + rng.integers(0, 365, n)
    arrival = np.minimum(arrival, end - 1)
    age_arrival = np.where(
        rng.random(n) < 0.22,
        rng.integers(0, 16, n),
        np.clip(rng.normal(31 + MIX["age"] * mix[2][home], 9, n), 16, 64),
    )
    birth = np.where(
        kind == 1,
        arrival - _years(age_arrival) - rng.integers(0, 365, n),
        np.where(
            kind == 2,
            _day(date(1990, 1, 1)) + rng.integers(0, end - _day(date(1990, 1, 1)), n),
            _day(date(1945, 1, 1)) + rng.integers(0, end - _day(date(1945, 1, 1)), n),
        ),
    ).astype(np.int64)
    birth = np.minimum(birth, end - 1)
    arrival = np.where(kind == 1, np.maximum(arrival, birth), NONE)
    country = _countries(kind, basis, rng)
    return _Population(
        kind, sex, basis, arrival, age_arrival, birth, home, country, np.full(n, np.nan)
    )


def _simulate(
    population: _Population,
    rng: np.random.Generator,
    codes: Ints,
    labour: Floats,
    effects: tuple[Floats, Floats],
    end: int,
    out: Path,
    fmt: Literal["parquet", "csv"],
    tick: Callable[[str, float], None],
    *,
    programme_from: int = 2012,
    reunified_other_programme: float = 1.0,
    early_exit: float = 1.0,
    three_years: float = 0.0,
    calibration: Calibration | None = None,
    education_tilt: Floats | None = None,
) -> dict[str, int]:
    """Spells and outcomes for every person, written one file per table; rows per table.

    Every behaviour a seed policy's figure rests on has a predictor per person (a logit or a
    log-hazard) at the national levels of `BASE`; with a `calibration`, the offsets fitted to the
    published figures (`pejling.register.calibration`) are added before the behaviour is drawn.
    """
    kind, sex, basis = population.kind, population.sex, population.basis
    arrival, age_arrival, birth = population.arrival, population.age_arrival, population.birth
    home, country_of = population.home, population.country
    employment_effect, danish_effect = effects
    n = len(kind)
    m_count = len(codes)
    arrival_year = (
        np.where(kind == 1, arrival, 0)
        .astype("datetime64[D]")
        .astype("datetime64[Y]")
        .astype(np.int64)
        + 1970
    )
    refugee_like = (basis == 0) | (basis == 1)
    western = np.isin(country_of, sorted(WESTERN))
    immigrant = kind == 1
    # 0 Danish origin, 1 Western, 2 non-Western immigrants and descendants (calibration groups)
    origin_class = np.where(kind == 0, 0, np.where(western, 1, 2))
    weight = np.where(np.isnan(population.weight), 1.0, population.weight)
    adult_arrival = immigrant & (age_arrival >= 16)
    edu_p = np.where(
        refugee_like[:, None],
        np.array([0.22, 0.35, 0.15, 0.10, 0.12, 0.06]),
        np.array([0.03, 0.12, 0.25, 0.20, 0.38, 0.02]),
    )
    if education_tilt is not None:
        # the uniform register's case mix: more arrive with no or basic education in some
        # municipalities (no extra random numbers, so the realistic register is unchanged)
        lean = np.array([1.0, 0.5, 0.0, 0.0, -0.5, 0.0])
        edu_p = edu_p * np.exp(education_tilt[home][:, None] * lean[None, :])
    education = np.where(adult_arrival, _choice_rows(edu_p, rng), -1)

    # --- residence ---------------------------------------------------------------------------
    tick("Bopæl", 0.15)
    res_start = np.where(immigrant, arrival, birth)
    moves = (rng.random(n) < 0.12) & (res_start < end - 400)
    move_day = (
        res_start + 365 + (rng.random(n) * np.maximum(end - res_start - 400, 1)).astype(np.int64)
    )
    second = _same_kind_destination(kind, home, rng)
    second = np.where(second == home, (second + 1) % m_count, second)
    leaves = immigrant & (basis >= 3) & (rng.random(n) < 0.12) & (res_start < end - 400)
    leave_day = (
        res_start + 200 + (rng.random(n) * np.maximum(end - res_start - 200, 1)).astype(np.int64)
    )
    first_end = np.where(moves, move_day - 1, np.where(leaves, leave_day, NONE))
    second_end = np.where(leaves & moves, np.maximum(leave_day, move_day + 30), NONE)
    second_end = np.where(second_end >= end, NONE, second_end)
    first_end = np.where(first_end >= end, NONE, first_end)
    first_until = np.where(first_end == NONE, FAR, first_end)
    second_until = np.where(second_end == NONE, FAR, second_end)
    # the last day in Denmark of those who leave again
    gone = np.where(leaves, np.where(moves, np.maximum(leave_day, move_day + 30), leave_day), FAR)
    m_index = {int(c): i for i, c in enumerate(codes.tolist())}

    # --- what a published figure is about (the calibration's view of the persons) -------------
    def resident(t: Target, day: int) -> Bools:
        """Who lives in the target's municipality on `day` (anywhere, for a national figure)."""
        first = (res_start <= day) & (day <= first_until)
        again = moves & (move_day <= day) & (day <= second_until)
        if t.municipality == 0:
            return np.asarray(first | again)
        m = m_index[t.municipality]
        return np.asarray((first & (home == m)) | (again & (second == m)))

    def in_group(t: Target) -> Bools:
        return np.isin(origin_class, GROUP_CLASSES[t.group])

    def age_on(day: int) -> Floats:
        return (day - birth) / YEAR

    def fit(lever: str, scope: Bools, build: Build) -> Floats:
        if calibration is None:
            return np.zeros(n)
        return calibration.fit(lever, origin_class, home, scope, build)

    def bernoulli(lever: str, p: Floats) -> Bools:
        """A draw per person; balanced for the persons of a calibrated municipal figure."""
        if calibration is None:
            return np.asarray(rng.random(n) < p)
        return calibration.draw(lever, p, rng)

    # --- employment ------------------------------------------------------------------------
    tick("Beskæftigelse", 0.25)
    m_effect = employment_effect[home] + labour[home]
    female = sex == 1
    edu_lift = np.select([education == 4, education == 2, education == 3, education == 0],
                         [0.45, 0.2, 0.25, -0.5], 0.0)  # fmt: skip
    # immigrants: hazard of a first job after arrival (per year)
    cohort_lift = np.where(arrival_year >= 2015, BASE["job_cohort_2015"], 0.0)
    old = np.clip(age_arrival - 45, 0, None) * 0.06
    log_hazard = (
        np.log(np.array(JOB_HAZARD)[np.maximum(basis, 0)])
        + m_effect + edu_lift + cohort_lift - np.where(female, 0.8, 0.0) - old
    )  # fmt: skip
    waiting = rng.exponential(1.0, n)
    clock = _JobClock.published()
    # the job lasts a while; some lose it
    job_years = rng.exponential(np.where(basis >= 3, 12.0, REFUGEE_JOB_YEARS), n)

    def employed_after_3y(t: Target, offset: Floats, shifts: Bools) -> Population:
        """Refugees and reunified to refugees aged 21-64 with 3-4 years in Denmark, employed."""
        day = _day(date(t.year, 11, 30))
        age, since = age_on(day), (day - arrival) / YEAR
        who = refugee_like & immigrant & (age >= 21) & (age < 65) & (since >= 3) & (since < 4)
        idx = np.flatnonzero(who & resident(t, day))
        # the weighted time from arrival to each of 48 steps up to the day, and the years left
        steps = arrival[idx, None] + (day - arrival[idx, None]) * np.linspace(0, 1, 49)[None, :]
        weighted = clock.at(steps) - clock.at(arrival[idx])[:, None]
        left = (day - steps[:, 1:]) / YEAR

        def employed(eta: Floats) -> Floats:
            # a first job in a step, lasting (exponentially, REFUGEE_JOB_YEARS) to the day
            found = -np.expm1(-np.exp(eta)[:, None] * weighted)
            lasts = np.exp(-left / REFUGEE_JOB_YEARS)
            return np.asarray((np.diff(found, axis=1) * lasts).sum(axis=1))

        return Population(log_hazard[idx] + offset[idx], shifts[idx], outcome=employed)

    job_offset = fit("refugee_jobs", refugee_like & immigrant, employed_after_3y)
    first_job = clock.day_of(clock.at(arrival) + waiting / np.exp(log_hazard + job_offset))
    # Danish origin / descendants: a working life with a share never employed
    p_work = np.where(kind == 0, 0.86, 0.74 - np.where(female, 0.06, 0.0))
    p_work = np.clip(p_work + 0.3 * m_effect, 0.3, 0.97)
    works = rng.random(n) < p_work
    career_start = birth + _years(rng.uniform(19, 25, n))
    career_end = birth + _years(rng.uniform(60, 67, n))
    is_imm_adult = immigrant & (age_arrival >= 16)
    job_start = np.where(is_imm_adult, first_job, np.where(works, career_start, NONE))
    job_start = np.where(
        immigrant & ~is_imm_adult,
        np.where(works, np.maximum(career_start, arrival), NONE),
        job_start,
    )
    job_end = np.where(
        is_imm_adult, np.minimum(first_job + _years(job_years), birth + _years(66)), career_end
    )
    has_job = (job_start != NONE) & (job_start < end) & (job_start < job_end)
    hours = np.where(rng.random(n) < np.where(refugee_like, 0.35, 0.2), rng.integers(12, 31, n), 37)

    # Danish origin and descendants: one spell of unemployment (insurance benefit) in mid-career
    gap = ~immigrant & has_job & (rng.random(n) < 0.8)
    g0 = job_start + (rng.random(n) * np.maximum(job_end - job_start, 1)).astype(np.int64)
    g1 = g0 + 30 + _years(rng.exponential(1.0, n))
    gap &= (g0 > job_start + 60) & (g1 < job_end - 60) & (g0 < end)
    resume_end = job_end.copy()
    job_end = np.where(gap, g0 - 1, job_end)
    # a second job after the first ends; after a mid-career gap the career resumes
    rehired = has_job & ~gap & (job_end < end - 30)
    rehired &= rng.random(n) < np.where(kind == 0, 0.5, 0.65)
    start2 = job_end + 1 + _years(rng.exponential(1.2, n))
    rehired &= (start2 < end) & (start2 < birth + _years(65))
    end2 = np.minimum(start2 + _years(rng.exponential(9.0, n)), birth + _years(66))
    resumes = gap & (g1 + 1 < end)
    rehired |= resumes
    start2 = np.where(resumes, g1 + 1, start2)
    end2 = np.where(resumes, resume_end, end2)

    # --- programme, job readiness ------------------------------------------------------------
    tick("Integrationsprogram", 0.35)
    in_prog = (basis >= 0) & (basis <= 2) & (age_arrival >= 18) & (arrival_year >= programme_from)
    in_prog &= (basis != 2) | (rng.random(n) < reunified_other_programme)
    p_start = arrival + rng.integers(5, 60, n)
    in_prog &= p_start < end
    cutoff_2016 = _day(date(2016, 7, 1))
    planned = np.where(p_start < cutoff_2016, p_start + _years(3), p_start + 365)
    self_supporting = has_job & (first_job < p_start + _years(5)) & (hours >= 20)
    self_supporting &= rng.random(n) < early_exit  # a job ends the programme early
    duration = rng.uniform(3, 5, n)
    # before the 2016 reform the programme lasted its planned 3 years, a few were extended
    duration = np.where((p_start < cutoff_2016) & (rng.random(n) < three_years), 3.0, duration)
    p_end = np.where(
        self_supporting,
        np.clip(first_job + 180, p_start + 120, p_start + _years(5)),
        p_start + _years(duration),
    )
    p_end_out = np.where(p_end >= end, NONE, p_end)
    # the programme's benefit runs until the first job or the programme's end
    b_stop = np.minimum(np.where(has_job, job_start - 1, p_end), p_end)
    b_stop = np.maximum(b_stop, p_start)

    def on_programme_benefit(t: Target, day: int) -> Bools:
        return np.asarray(in_prog & (p_start <= day) & (day <= b_stop) & resident(t, day))

    # job readiness: assessed 20 days into the programme and again, to the same result, after a
    # year; since the reform of 1 July 2016 refugees are presumed job-ready, so those starting
    # later are more often
    first_check, second_check = p_start + 20, p_start + 385
    checked_again = in_prog & (second_check < np.minimum(p_end, end))
    ready_eta = (
        BASE["job_ready"] + 0.6 * edu_lift - np.where(female, 0.4, 0.0)
        + np.where(p_start >= cutoff_2016, BASE["job_ready_reform"], 0.0)
    )  # fmt: skip

    def job_ready_share(t: Target, offset: Floats, shifts: Bools) -> Population:
        """Programme benefit recipients in the programme on 30 November whose latest assessment
        is job-ready."""
        day = _day(date(t.year, 11, 30))
        idx = np.flatnonzero(on_programme_benefit(t, day))
        return Population(
            ready_eta[idx] + offset[idx], shifts[idx], scale=first_check[idx] <= day, members=idx
        )

    ready = bernoulli("job_ready", logistic(ready_eta + fit("job_ready", in_prog, job_ready_share)))

    # --- benefits ------------------------------------------------------------------------------
    tick("Ydelser", 0.45)
    # the programme's benefit (integration benefit, from 2020 the self-support benefit); Danish
    # origin and descendants: a benefit for life for those who never work (cash benefit,
    # disability pension or sickness benefit), unemployment insurance after a job ends and in a
    # mid-career gap
    split = _day(date(2020, 1, 1))
    a = in_prog & (p_start < split)
    b = in_prog & (b_stop >= split)
    nw_type = rng.choice(3, size=n, p=[0.5, 0.3, 0.2])  # cash, disability, sickness
    nw_start = birth + _years(rng.uniform(25, 40, n))
    nonworker = ~immigrant & ~works & (birth + _years(25) < end) & (nw_start < end)
    unemployed_spell = ~immigrant & has_job & ~gap & (rng.random(n) < 0.25) & (job_end < end)
    spells = _Spells.of(
        (a, 0, p_start, np.minimum(b_stop, split - 1)),
        (b, 1, np.maximum(p_start, split), b_stop),
        (nonworker, np.array([2, 7, 5])[nw_type], nw_start, FAR),
        (unemployed_spell, 4, job_end + 1, job_end + 200),
        (gap, 4, g0, g1),
    )
    # immigrants out of work (from the programme's end, or from arrival or growing up, until a
    # job, between jobs and after the last one, until 65 or leaving Denmark) draw a benefit when
    # they are *dependent*, a trait of the person (the `dependency` lever)
    stop = np.minimum(birth + _years(65), gone)
    grown = np.where(
        age_arrival >= 16,
        np.maximum(arrival, birth + _years(18)),
        np.maximum(arrival, career_start),
    )
    s1 = np.where(in_prog, b_stop + 1, grown)
    e1 = np.minimum(np.where(has_job, job_start - 1, stop), stop)
    e2 = np.minimum(np.where(rehired, start2 - 1, stop), stop)
    idle = _Spells.of(
        (immigrant & (s1 <= e1), 0, s1, e1),
        (immigrant & has_job & (job_end + 1 <= e2), 1, job_end + 1, e2),
        (immigrant & rehired & (end2 + 1 <= stop), 1, end2 + 1, stop),
    )  # kind: 1 after a job
    # a few weeks between jobs or after arrival are bridged without a benefit
    idle = idle.select((idle.start < end) & (idle.stop - idle.start >= IDLE_DAYS))
    dependency_eta = (
        np.array(DEPENDENCY)[np.maximum(basis, 0)]
        - np.where(female, 0.3, 0.0) + np.where(education == 0, 0.3, 0.0)
        - np.where(education == 4, 0.4, 0.0)
    )  # fmt: skip

    def on_benefit_share(t: Target, offset: Floats, shifts: Bools) -> Population:
        """self_supporting_share: not on any benefit on 30 November, aged 16-64;
        public_support_fulltime_share: days on benefits of all days lived in the year, 16-66
        (read at four days of the year)."""
        counts_on = t.indicator == "public_support_fulltime_share"
        days = (
            [_day(date(t.year, mo, 15)) for mo in (2, 5, 8, 11)]
            if counts_on
            else [_day(date(t.year, 11, 30))]
        )
        top = 67 if counts_on else 65
        parts = []
        for day in days:
            age = age_on(day)
            idx = np.flatnonzero(in_group(t) & (age >= 16) & (age < top) & resident(t, day))
            on = spells.covering(day, n)[idx]
            parts.append((idx, on, idle.covering(day, n)[idx] & ~on & immigrant[idx]))
        idx = np.concatenate([p[0] for p in parts])
        on = np.concatenate([p[1] for p in parts]).astype(np.float64)
        out_of_work = np.concatenate([p[2] for p in parts]).astype(np.float64)
        eta, w = dependency_eta[idx] + offset[idx], weight[idx]
        if counts_on:
            return Population(eta, shifts[idx], fixed=on, scale=out_of_work, weight=w, members=idx)
        return Population(eta, shifts[idx], fixed=1 - on, scale=-out_of_work, weight=w, members=idx)

    dependency_offset = fit("dependency", immigrant, on_benefit_share)
    dependent = bernoulli("dependency", logistic(dependency_eta + dependency_offset))
    insured = rng.random(n) < np.where(refugee_like, 0.35, 0.6)
    paid = idle.select(dependent[idle.person])
    # after a job: unemployment insurance for at most two years for the insured, then cash benefit
    ui = (paid.kind == 1) & insured[paid.person]
    ui_stop = np.minimum(paid.stop, paid.start + _years(2) - 1)
    rest = ui & (paid.stop > ui_stop)
    spells = spells.plus(
        _Spells(paid.person[ui], np.full(int(ui.sum()), 4), paid.start[ui], ui_stop[ui]),
        _Spells(paid.person[rest], np.full(int(rest.sum()), 2), ui_stop[rest] + 1, paid.stop[rest]),
        _Spells(paid.person[~ui], np.full(int((~ui).sum()), 2), paid.start[~ui], paid.stop[~ui]),
    )

    # --- activation offers ------------------------------------------------------------------
    tick("Tilbud", 0.5)
    # offers one after another from a short delay into the programme until its end; the
    # `activation` lever is the share of the time in an offer (the gaps between offers shrink as
    # it grows), the `company_offers` lever the share of offers that are company-oriented
    prog = np.flatnonzero(in_prog)
    k = len(prog)
    lengths = 90 + (150 * rng.random((OFFER_ROUNDS, k))).astype(np.int64)
    gap_draw = 0.5 + rng.random((OFFER_ROUNDS, k))
    type_draw = rng.random((OFFER_ROUNDS, k))
    kind_draw = rng.random((OFFER_ROUNDS, k))
    offer_hours = rng.integers(15, 38, (OFFER_ROUNDS, k)).astype(np.float64)
    speed = np.exp(-employment_effect[home[prog]])  # good municipalities are also quicker
    first_offer = p_start[prog] + _years(rng.exponential(0.15, k) * speed)
    offer_until = np.minimum(p_end[prog], end)
    activation_eta = np.full(n, BASE["activation"])

    def schedule(pos: Ints, share: Floats) -> tuple[Ints, Ints, Bools]:
        """Starts, last days and which offers happen (rounds × persons) for prog[pos]."""
        length = lengths[:, pos]
        pause = np.maximum(7, np.round(length * ((1 - share) / share) * gap_draw[:, pos]))
        step = np.cumsum(length + pause.astype(np.int64), axis=0)
        starts = first_offer[pos] + np.vstack([np.zeros((1, len(pos)), np.int64), step[:-1]])
        return starts, starts + length - 1, starts < offer_until[pos]

    def activation_degree(t: Target, offset: Floats, shifts: Bools) -> Population:
        """Offer hours in the year's programme-benefit days lived in the municipality, of 37
        hours a week (exactly as computed, from the draws above)."""
        first, last = _day(date(t.year, 1, 1)), min(_day(date(t.year, 12, 31)), end - 1)
        rows = []  # the benefit days in the year in each residence spell in the municipality
        for start, until, where, spell in ((res_start, first_until, home, in_prog),
                                           (move_day, second_until, second, in_prog & moves)):  # fmt: skip
            if t.municipality != 0:
                spell = spell & (where == m_index[t.municipality])
            ws = np.maximum(np.maximum(start, p_start), first)
            we = np.minimum(np.minimum(until, b_stop), last)
            idx = np.flatnonzero(spell & (ws <= we))
            rows.append((idx, ws[idx], we[idx]))
        idx = np.concatenate([r[0] for r in rows])
        ws = np.concatenate([r[1] for r in rows])
        we = np.concatenate([r[2] for r in rows])
        pos = np.searchsorted(prog, idx)
        full = (we - ws + 1) * 37 / 7.0

        def degree(eta: Floats) -> float:
            starts, lasts, real = schedule(pos, logistic(eta))
            days = np.clip(np.minimum(lasts, we) - np.maximum(starts, ws) + 1, 0, None) * real
            offered = np.minimum(full, (days * offer_hours[:, pos]).sum(axis=0) / 7.0)
            return float(offered.sum() / full.sum())

        return Population(activation_eta[idx] + offset[idx], shifts[idx], figure=degree)

    activation_offset = fit("activation", in_prog, activation_degree)
    o_start, o_last, o_real = schedule(
        np.arange(k), logistic(activation_eta[prog] + activation_offset[prog])
    )
    company_eta = np.full(n, BASE["company_offers"])

    def company_share(t: Target, offset: Floats, shifts: Bools) -> Population:
        """Programme benefit recipients in the programme on 30 November in a company offer."""
        day = _day(date(t.year, 11, 30))
        idx = np.flatnonzero(on_programme_benefit(t, day))
        pos = np.searchsorted(prog, idx)
        in_offer = np.asarray(
            ((o_start[:, pos] <= day) & (day <= o_last[:, pos]) & o_real[:, pos]).any(0)
        )
        return Population(company_eta[idx] + offset[idx], shifts[idx], scale=in_offer)

    company_offset = fit("company_offers", in_prog, company_share)
    company = type_draw < logistic(company_eta[prog] + company_offset[prog])
    o_type = np.where(
        company,
        np.searchsorted(np.cumsum(COMPANY_SHARES), kind_draw * sum(COMPANY_SHARES), side="right"),
        3 + np.searchsorted(np.cumsum(OTHER_SHARES), kind_draw * sum(OTHER_SHARES), side="right"),
    )

    # --- Danish education ---------------------------------------------------------------------
    tick("Danskuddannelse", 0.55)
    takes = (
        immigrant
        & (age_arrival >= 18)
        & (rng.random(n) < np.where(in_prog, 0.95, np.where(basis == 5, 0.3, 0.55)))
    )
    d_start = arrival + rng.integers(14, 150, n)
    takes &= d_start < end
    track = np.select(
        [education == 0, (education == 1) | (education == 5) | (education == -1)], [0, 1], 2
    )
    pass_eta = (
        np.array(DANISH_PASS)[track]
        + danish_effect[home]
        - 0.02 * np.clip(age_arrival - 30, 0, None)
    )
    test_day = d_start + _years(rng.uniform(0.7, 3.3, n))

    def danish_within_programme(t: Target, offset: Floats, shifts: Bools) -> Population:
        """Those whose programme (in the municipality) ended in the year, passing the Danish
        test within it."""
        first, last = _day(date(t.year, 1, 1)), _day(date(t.year, 12, 31))
        ended = in_prog & (p_end >= first) & (p_end <= last) & (p_end < end)
        if t.municipality != 0:
            ended &= home == m_index[t.municipality]
        idx = np.flatnonzero(ended)
        within = takes[idx] & (test_day[idx] >= p_start[idx]) & (test_day[idx] <= p_end[idx])
        return Population(pass_eta[idx] + offset[idx], shifts[idx], scale=within, members=idx)

    danish_offset = fit("danish", takes, danish_within_programme)
    passes = bernoulli("danish", logistic(pass_eta + danish_offset))
    tested = takes & (test_day < end) & (passes | (rng.random(n) < 0.5))
    result_passed = tested & passes
    d_end = np.where(
        tested,
        test_day,
        np.where(takes & (rng.random(n) < 0.3), d_start + _years(rng.uniform(0.5, 3, n)), NONE),
    )
    d_end = np.where(d_end >= end, NONE, d_end)

    # --- education ------------------------------------------------------------------------------
    tick("Uddannelse", 0.6)
    non_w = origin_class == 2
    in_dk_at_16 = (birth + _years(16) >= np.where(immigrant, arrival, birth)) & (
        birth + _years(16) < end
    )
    youth_start = birth + _years(16.6)
    starts_youth = in_dk_at_16 & (rng.random(n) < np.where(non_w, 0.9, 0.94))
    youth_eta = np.array([BASE["youth_danish"], BASE["youth_western"], BASE["youth_non_western"]])[
        origin_class
    ]
    foreign_higher = immigrant & (education == 4)
    foreign_youth = immigrant & ((education == 2) | (education == 3))

    def youth_education(t: Target, offset: Floats, shifts: Bools) -> Population:
        """20-24-year-olds on 1 October with a completed youth (or higher) education."""
        day = _day(date(t.year, 10, 1))
        age = age_on(day)
        idx = np.flatnonzero(in_group(t) & (age >= 20) & (age < 25) & resident(t, day))
        abroad = (foreign_youth | foreign_higher)[idx]
        done = starts_youth[idx] & (youth_start[idx] + _years(3) <= day) & ~abroad
        return Population(
            youth_eta[idx] + offset[idx], shifts[idx], fixed=abroad.astype(np.float64),
            scale=done, weight=weight[idx], members=idx,
        )  # fmt: skip

    youth_offset = fit("youth", starts_youth, youth_education)
    drop = ~bernoulli("youth", logistic(youth_eta + youth_offset))
    youth_end = np.where(
        drop, youth_start + _years(rng.uniform(0.3, 2.0, n)), youth_start + _years(3)
    )
    youth_outcome = np.where(youth_end >= end, 2, np.where(drop, 1, 0))
    higher_p = np.where(non_w, 0.8, 0.74)
    starts_higher = starts_youth & (youth_outcome == 0) & (rng.random(n) < higher_p)
    higher_start = youth_end + _years(rng.uniform(0.2, 2.5, n))
    higher_end = higher_start + _years(rng.uniform(3, 5, n))
    higher_done = rng.random(n) < 0.82
    starts_higher &= higher_start < end
    higher_outcome = np.where(higher_end >= end, 2, np.where(higher_done, 0, 1))

    # 9th-grade exams in the year the pupil turns 16, if living in Denmark by then: a pupil
    # either reaches 2 in both subjects of a pair (written Danish and maths; oral Danish and
    # spelling) or gets -3 or 00 in one or both
    exam_year = (
        np.datetime64("1970-01-01") + (birth + _years(16)).astype("timedelta64[D]")
    ).astype("datetime64[Y]").astype(np.int64) + 1970
    sits = (
        (exam_year >= 2012)
        & (_years_to_day(exam_year, 6, 30) < end)
        & (np.where(immigrant, arrival < _years_to_day(exam_year, 6, 1), True))
    )
    late = immigrant & (age_arrival > 12)
    exam_eta = np.select(
        [kind == 0, origin_class == 1, late],
        [BASE["exam_danish"], BASE["exam_western"], BASE["exam_late"]],
        BASE["exam_non_western"],
    )

    def exam_pass(t: Target, offset: Floats, shifts: Bools) -> Population:
        """Pupils of the year (living in the municipality on 30 June) passing both subjects."""
        day = _day(date(t.year, 6, 30))
        idx = np.flatnonzero(sits & (exam_year == t.year) & in_group(t) & resident(t, day))
        return Population(exam_eta[idx] + offset[idx], shifts[idx], weight=weight[idx], members=idx)

    low = np.zeros((len(SUBJECTS), n), dtype=bool)
    for lever, (s_a, s_b) in (("exam_written", (0, 3)), ("exam_oral", (1, 2))):
        ok = bernoulli(lever, logistic(exam_eta + fit(lever, sits, exam_pass)))
        which = rng.integers(0, 3, n)  # the first subject, the second or both below 2
        low[s_a] = ~ok & (which != 1)
        low[s_b] = ~ok & (which != 0)

    # --- write -------------------------------------------------------------------------------
    tick("Skriver filer", 0.75)
    out.mkdir(parents=True, exist_ok=True)
    cpr = np.array(_cpr(birth, rng), dtype=object)
    con = duckdb.connect()
    rows: dict[str, int] = {}
    country_labels = sorted(set(country_of.tolist()))
    country_index = np.searchsorted(np.array(country_labels), country_of)

    def write(table: str, data: dict[str, object], select: str) -> None:
        con.register("src", data)
        target = out / f"{table}.{fmt}"
        options = "(FORMAT parquet)" if fmt == "parquet" else "(FORMAT csv, HEADER)"
        columns = ", ".join(
            ("cpr" if c == "person_id" else f'"{c}"') for c in TABLES_BY_NAME[table].column_names
        )
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE staged AS SELECT {columns} FROM ({select})"
        ).fetchall()
        con.unregister("src")
        con.execute(f"COPY staged TO '{target}' {options}").fetchall()
        rows[table] = int(con.execute("SELECT count(*) FROM staged").fetchall()[0][0])

    d = (
        "CASE WHEN {c} = "
        + str(NONE)
        + " THEN NULL ELSE DATE '1970-01-01' + CAST({c} AS INTEGER) END"
    )

    def day(c: str) -> str:
        return d.format(c=c)

    def label(c: str, labels: list[str]) -> str:
        items = ", ".join(f"'{x}'" for x in labels)
        return f"CASE WHEN {c} < 0 THEN NULL ELSE ([{items}])[{c} + 1] END"

    def open_end(stop: Ints) -> Ints:
        return np.where(stop >= end, NONE, stop)

    write(
        "persons",
        {"cpr": cpr, "birth": birth, "sex": sex, "kind": kind, "country": country_index,
         "basis": basis, "arrival": arrival, "education": education, "w": population.weight},
        f"SELECT cpr, {day('birth')} AS birth_date, {label('sex', ['m', 'f'])} AS sex, "
        f"{label('kind', ['danish_origin', 'immigrant', 'descendant'])} AS origin, "
        f"{label('country', country_labels)} AS country_of_origin, "
        f"{label('basis', BASES)} AS residence_basis, {day('arrival')} AS arrival_date, "
        f"{label('education', EDUCATIONS)} AS education_at_arrival, "
        "'synthetic' AS provenance, CASE WHEN isnan(w) THEN NULL ELSE w END AS weight FROM src",
    )  # fmt: skip
    sel = np.flatnonzero(moves)
    write(
        "residence_spells",
        {"cpr": np.r_[cpr, cpr[sel]], "m": np.r_[codes[home], codes[second[sel]]],
         "s": np.r_[res_start, move_day[sel]], "e": np.r_[first_end, second_end[sel]]},
        f"SELECT cpr, m AS municipality, {day('s')} AS start, {day('e')} AS \"end\" FROM src",
    )  # fmt: skip
    tick("Skriver filer", 0.8)
    sel = np.flatnonzero(in_prog)
    programme = np.where(p_start[sel] < _day(date(2019, 7, 1)), 0, np.where(basis[sel] == 2, 2, 1))
    write(
        "programme_spells",
        {"cpr": cpr[sel], "p": programme, "m": codes[home[sel]], "s": p_start[sel],
         "pl": planned[sel], "e": p_end_out[sel]},
        f"SELECT cpr, {label('p', ['integration_programme', 'self_support_return_programme', 'introduction_programme'])} "
        f"AS programme, m AS municipality, {day('s')} AS start, {day('pl')} AS planned_end, "
        f"{day('e')} AS \"end\" FROM src",
    )  # fmt: skip
    paid_out = spells.select(spells.start < end)
    write(
        "benefit_spells",
        {"cpr": cpr[paid_out.person], "t": paid_out.kind, "s": paid_out.start,
         "e": open_end(paid_out.stop)},
        f"SELECT cpr, {label('t', list(BENEFITS))} AS benefit, {day('s')} AS start, "
        f"{day('e')} AS \"end\" FROM src",
    )  # fmt: skip
    tick("Skriver filer", 0.85)
    sel = np.flatnonzero(has_job)
    sel2 = np.flatnonzero(rehired)
    write(
        "employment_spells",
        {"cpr": np.r_[cpr[sel], cpr[sel2]], "s": np.r_[job_start[sel], start2[sel2]],
         "e": np.r_[open_end(job_end[sel]), open_end(end2[sel2])],
         "h": np.r_[hours[sel], hours[sel2]].astype(np.float64)},
        f"SELECT cpr, {day('s')} AS start, {day('e')} AS \"end\", h AS weekly_hours, "
        "'ordinary' AS kind FROM src",
    )  # fmt: skip
    who = np.broadcast_to(prog, o_start.shape)[o_real]
    write(
        "activation_offers",
        {"cpr": cpr[who], "t": o_type[o_real], "s": o_start[o_real],
         "e": open_end(o_last[o_real]), "h": offer_hours[o_real]},
        f"SELECT cpr, {label('t', OFFER_TYPES)} AS offer, {day('s')} AS start, "
        f"{day('e')} AS \"end\", h AS hours_per_week FROM src",
    )  # fmt: skip
    sel = np.flatnonzero(takes)
    modules = np.where(
        result_passed[sel], np.where(track[sel] == 2, 5, 6), rng.integers(0, 6, len(sel))
    )
    write(
        "danish_education",
        {"cpr": cpr[sel], "tr": track[sel], "s": d_start[sel], "e": d_end[sel],
         "mo": modules, "te": np.where(tested[sel], track[sel], -1),
         "td": np.where(tested[sel], test_day[sel], NONE),
         "r": np.where(tested[sel], np.where(result_passed[sel], 0, 1), -1)},
        f"SELECT cpr, {label('tr', ['DU1', 'DU2', 'DU3'])} AS track, {day('s')} AS start, "
        f"{day('e')} AS \"end\", mo AS modules_passed, {label('te', ['PD1', 'PD2', 'PD3'])} AS final_test, "
        f"{day('td')} AS test_date, {label('r', ['passed', 'failed'])} AS result FROM src",
    )  # fmt: skip
    tick("Skriver filer", 0.9)
    sel = np.flatnonzero(sits)
    g_cpr, g_year, g_subject, g_grade = [], [], [], []
    ability = rng.normal(0, 1, n)
    for index, _subject in enumerate(SUBJECTS):
        good = np.clip(np.round(3.6 + 1.1 * ability + rng.normal(0, 0.8, n)), 3, 6).astype(np.int64)
        grade = np.where(low[index], rng.integers(0, 2, n), good)
        g_cpr.append(cpr[sel])
        g_year.append(exam_year[sel])
        g_subject.append(np.full(len(sel), index))
        g_grade.append(grade[sel])
    write(
        "exam_grades",
        {"cpr": np.concatenate(g_cpr), "y": np.concatenate(g_year), "su": np.concatenate(g_subject),
         "g": np.concatenate(g_grade)},
        f"SELECT cpr, y AS exam_year, {label('su', SUBJECTS)} AS subject, "
        f"{label('g', GRADES)} AS grade FROM src",
    )  # fmt: skip
    yes = starts_youth & (youth_start < end)
    e_parts = {
        "cpr": np.r_[cpr[yes], cpr[starts_higher], cpr[foreign_higher], cpr[foreign_youth]],
        "lv": np.r_[np.zeros(yes.sum(), np.int64), np.ones(starts_higher.sum(), np.int64),
                    np.ones(foreign_higher.sum(), np.int64), np.zeros(foreign_youth.sum(), np.int64)],
        "s": np.r_[youth_start[yes], higher_start[starts_higher],
                   arrival[foreign_higher] - _years(5), arrival[foreign_youth] - _years(6)],
        "e": np.r_[np.where(youth_outcome[yes] == 2, NONE, youth_end[yes]),
                   np.where(higher_outcome[starts_higher] == 2, NONE, higher_end[starts_higher]),
                   arrival[foreign_higher] - _years(1), arrival[foreign_youth] - _years(3)],
        "o": np.r_[youth_outcome[yes], higher_outcome[starts_higher],
                   np.zeros(foreign_higher.sum() + foreign_youth.sum(), np.int64)],
    }  # fmt: skip
    write(
        "education_spells",
        e_parts,
        f"SELECT cpr, {label('lv', ['youth', 'higher'])} AS level, {day('s')} AS start, "
        f"{day('e')} AS \"end\", {label('o', ['completed', 'dropped_out', 'ongoing'])} AS outcome FROM src",
    )  # fmt: skip
    sel = np.flatnonzero(in_prog)
    sel2 = np.flatnonzero(checked_again)
    write(
        "job_readiness",
        {"cpr": np.r_[cpr[sel], cpr[sel2]], "d": np.r_[first_check[sel], second_check[sel2]],
         "a": np.r_[np.where(ready[sel], 0, 1), np.where(ready[sel2], 0, 1)]},
        f"SELECT cpr, {day('d')} AS date, {label('a', ['job_ready', 'activity_ready'])} AS assessment "
        "FROM src WHERE d < " + str(end),
    )  # fmt: skip
    con.close()
    _write_truth(out, codes, employment_effect, danish_effect)
    return rows


@dataclass(frozen=True)
class _Spells:
    """Spells of many persons (benefits, times out of work): person index, kind, first and last
    day (FAR: open)."""

    person: Ints
    kind: Ints
    start: Ints
    stop: Ints

    @classmethod
    def of(cls, *parts: tuple[Bools, Any, Any, Any]) -> _Spells:
        """One spell per person where the mask holds, for each (mask, kind, start, stop)."""
        out = []
        for mask, *values in parts:
            idx = np.flatnonzero(mask)
            kind, start, stop = (
                np.broadcast_to(np.asarray(v, np.int64), mask.shape)[idx] for v in values
            )
            out.append(cls(idx, kind, start, stop))
        return out[0].plus(*out[1:])

    def plus(self, *others: _Spells) -> _Spells:
        return _Spells(*(np.concatenate([getattr(s, f.name) for s in (self, *others)])
                         for f in fields(_Spells)))  # fmt: skip

    def select(self, keep: Bools) -> _Spells:
        return _Spells(*(getattr(self, f.name)[keep] for f in fields(self)))

    def covering(self, day: int, n: int) -> Bools:
        """Per person (of `n`): a spell covers `day`."""
        flag = np.zeros(n, dtype=bool)
        flag[self.person[(self.start <= day) & (day <= self.stop)]] = True
        return flag


def _years_to_day(years: Any, month: int, day: int) -> Any:
    stamps = np.array(
        [f"{y:04d}-{month:02d}-{day:02d}" for y in range(1900, 2101)], dtype="datetime64[D]"
    )
    return stamps.astype(np.int64)[np.clip(years - 1900, 0, 200)]


def _same_kind_destination(kind: Ints, home: Ints, rng: np.random.Generator) -> Ints:
    """Where a person moves: the first municipality of a random person of the same origin.

    Why: moving in proportion to where that origin lives keeps, in expectation, as many moving
    in as moving out of every municipality, so the sizes at the data date stay the real ones.
    """
    second = np.empty_like(home)
    for k in (0, 1, 2):
        members = np.flatnonzero(kind == k)
        if len(members):
            second[members] = home[members[rng.integers(0, len(members), len(members))]]
    return second


def _choice_rows(p: Floats, rng: np.random.Generator) -> Any:
    """One category per row from a per-row probability matrix."""
    cumulative = p.cumsum(axis=1)
    u = rng.random(len(p))[:, None] * cumulative[:, -1:]
    return (u > cumulative).sum(axis=1).astype(np.int64)


def _countries(kind: Ints, basis: Ints, rng: np.random.Generator) -> npt.NDArray[np.str_]:
    n = len(kind)

    def pick(options: list[str]) -> npt.NDArray[np.str_]:
        return np.array(options)[rng.integers(0, len(options), n)]

    by_basis = np.select(
        [basis <= 1, basis == 2, (basis == 3) | (basis == 4), basis == 5],
        [pick(REFUGEE_COUNTRIES), pick(FAMILY_COUNTRIES), pick(WORK_COUNTRIES), pick(EU_COUNTRIES)],
        pick(FAMILY_COUNTRIES + EU_COUNTRIES),
    )
    return np.where(kind == 0, "DNK", np.where(kind == 2, pick(DESCENDANT_COUNTRIES), by_basis))


def _write_truth(out: Path, codes: Ints, employment: Floats, danish: Floats) -> None:
    names = municipalities()
    with (out / "truth_municipality_effects.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["municipality", "name", "employment_effect", "danish_effect"])
        for code, e, d in zip(codes.tolist(), employment.tolist(), danish.tolist(), strict=True):
            writer.writerow([code, names[code].name, f"{e:.4f}", f"{d:.4f}"])
