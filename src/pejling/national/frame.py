"""Frame conditions (rammevilkår) of the 98 municipalities for one year, as a table of values.

A frame variable is a figure per municipality: a Statistics Denmark series (population, the share
not of Danish origin, unemployment, cash-benefit recipients, income), the case mix of the target
group computed from the person-level register (share refugees, share non-Western, education
brought along, recent arrivals), or any indicator in the workspace store. Which figure counts for
a year, and what happens when one is missing, is documented in docs/similar-and-targets.md.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from pejling.errors import UserError
from pejling.groups import group_key, parse_group_key
from pejling.reference.municipalities import municipalities
from pejling.store.database import Store

MAX_AGE_YEARS = 4
"""A figure may be this many years older than the year asked for: the shipped population and
origin series are only published every three or four years (2007, 2011, 2015, 2019, 2022)."""

DST = "Danmarks Statistik"
REGISTER = "register"


@dataclass(frozen=True)
class FrameVariable:
    """One frame condition: where its figures come from, its weight and whether it is logged."""

    name: str
    label: str
    unit: str = ""
    short: str = ""  # a column heading; the label when empty
    weight: float = 1.0
    log: bool = False
    indicator: str | None = None  # an indicator in the store; None: the register case mix
    group: str = ""  # canonical group key of the indicator
    source: str | None = None  # the series source (a publisher, or `register`); None: see docs


@dataclass(frozen=True)
class FrameValue:
    """One municipality's figure of a variable, and the period it is for."""

    value: float
    period: str


@dataclass(frozen=True)
class Frame:
    """Values of the chosen variables for the municipalities of one year.

    `values[name][code]` is the figure (before the log transform); a municipality without a
    figure is absent. `notes` say what was left out and why.
    """

    year: int
    variables: tuple[FrameVariable, ...]
    values: Mapping[str, Mapping[int, FrameValue]]
    notes: tuple[str, ...] = ()
    sources: Mapping[str, str] = field(default_factory=dict)  # variable → series source used


BUILTIN: dict[str, FrameVariable] = {
    v.name: v
    for v in (
        FrameVariable("population", "Indbyggere (log)", "count", "Indbyggere", log=True,
                      indicator="population", source=DST),
        FrameVariable("non_danish_origin_share", "Andel indvandrere og efterkommere", "percent",
                      "Indv./efterk.", indicator="population_non_danish_origin_share",
                      source=DST),
        FrameVariable("unemployment", "Bruttoledighed", "percent", "Ledighed",
                      indicator="unemployment_rate", source=DST),
        FrameVariable("cash_benefit_per_1000", "Kontanthjælpsmodtagere pr. 1.000", "per_1000",
                      "Kontanthj./1.000", indicator="social_assistance_per_1000", source=DST),
        FrameVariable("income", "Indkomst pr. person", "dkk", "Indkomst",
                      indicator="taxable_income_per_person", source=DST),
        FrameVariable("refugee_share", "Flygtninge blandt indvandrere", "percent", "Flygtninge"),
        FrameVariable("non_western_share", "Ikke-vestlige blandt indvandrere og efterkommere",
                      "percent", "Ikke-vestlige"),
        FrameVariable("low_education_share", "Højst grundskole ved ankomst (indvandrere)",
                      "percent", "Lav uddannelse"),
        FrameVariable("recent_arrival_share", "Ankommet inden for 5 år (indvandrere)", "percent",
                      "Nyankomne"),
    )
}  # fmt: skip
CASE_MIX = ("refugee_share", "non_western_share", "low_education_share", "recent_arrival_share")
DEFAULT_VARIABLES = tuple(BUILTIN)


def parse_var(text: str, default_weight: float = 1.0) -> tuple[str, float]:
    """`NAME=WEIGHT` → (NAME, WEIGHT); the weight may be left out (1).

    NAME is a built-in variable or an indicator id, optionally with a group after a slash:
    `employment_rate_25_64/origin=non_western=2`.
    """
    name, weight = text.strip(), default_weight
    head, sep, tail = text.rpartition("=")
    if sep:
        try:
            weight = float(tail.replace(",", "."))
        except ValueError:
            pass
        else:
            name = head.strip()
    if not name:
        raise UserError(f"'{text}': ingen variabel; skriv NAVN=VÆGT, fx population=2")
    if not math.isfinite(weight) or weight < 0:
        raise UserError(f"'{text}': vægten skal være et tal ≥ 0 (0 udelader variablen)")
    return name, weight


def choose_variables(
    specs: Sequence[tuple[str, float]], *, only: bool = False, known: Iterable[str] = ()
) -> tuple[FrameVariable, ...]:
    """The default variables with the user's weights, added variables, and weight-0 ones dropped.

    `known` are the indicator ids a name may also be (the catalog); with `only`, the defaults
    that are not named are left out.
    """
    chosen: dict[str, FrameVariable] = {} if only else dict(BUILTIN)
    known_ids = set(known)
    for name, weight in specs:
        if name in BUILTIN:
            var = replace(BUILTIN[name], weight=weight)
        else:
            ind, _slash, grp = name.partition("/")
            if known_ids and ind not in known_ids:
                from pejling.suggest import did_you_mean

                hint = did_you_mean(ind, [*BUILTIN, *known_ids])
                raise UserError(
                    f"ukendt variabel '{ind}': hverken en indbygget rammevariabel "
                    f"({', '.join(BUILTIN)}) eller en indikator" + (f"; {hint}" if hint else "")
                )
            try:
                key = group_key(parse_group_key(grp)) if grp else ""
            except ValueError as exc:
                raise UserError(f"'{name}': {exc}") from None
            var = FrameVariable(name, name, weight=weight, indicator=ind, group=key)
        chosen[name] = var
    out = tuple(v for v in chosen.values() if v.weight > 0)
    if not out:
        raise UserError("ingen variabler tilbage (alle har vægt 0)")
    return out


# --- reading figures -----------------------------------------------------------------------------

_STORE_SQL = """
SELECT municipality, period, t, value, series
FROM all_observations
WHERE indicator = ? AND grp = ? AND municipality <> 0 AND value IS NOT NULL
  AND t >= ? AND t < ?
QUALIFY row_number() OVER (PARTITION BY municipality, period, series
                           ORDER BY vintage DESC, import_id DESC) = 1
"""


def _pick(
    rows: Sequence[tuple[int, str, float, float, str]], wanted: str | None
) -> tuple[str | None, dict[int, FrameValue]]:
    """One series source, then per municipality its newest period (see docs)."""
    by_source: dict[str, list[tuple[int, str, float, float, str]]] = {}
    for r in rows:
        by_source.setdefault(r[4], []).append(r)
    if not by_source:
        return None, {}
    if wanted is not None:
        match = [s for s in by_source if s.casefold() == wanted.casefold()]
        source = match[0] if match else None
    elif len(by_source) == 1:
        source = next(iter(by_source))
    elif REGISTER in by_source:
        source = REGISTER
    else:  # several publishers: the one covering most municipalities
        source = max(sorted(by_source), key=lambda s: len({r[0] for r in by_source[s]}))
    if source is None:
        return None, {}
    out: dict[int, tuple[float, FrameValue]] = {}
    for code, period, t, value, _s in by_source[source]:
        if code not in out or t > out[code][0]:
            out[code] = (t, FrameValue(float(value), period))
    return source, {code: fv for code, (_t, fv) in out.items()}


def store_values(
    store: Store, var: FrameVariable, year: int
) -> tuple[str | None, dict[int, FrameValue]]:
    """A store indicator's figures for `year`: periods starting in the year or up to
    `MAX_AGE_YEARS` before it, the newest per municipality, from one series source."""
    assert var.indicator is not None
    rows = store.con.execute(
        _STORE_SQL, [var.indicator, var.group, float(year - MAX_AGE_YEARS), float(year + 1)]
    ).fetchall()
    return _pick([(int(r[0]), str(r[1]), float(r[2]), float(r[3]), str(r[4])) for r in rows],
                 var.source)  # fmt: skip


def has_register(store: Store) -> bool:
    """The workspace holds a person-level register (persons and residence spells)."""
    try:
        row = store.con.execute(
            "SELECT (SELECT count(*) FROM persons) > 0 AND "
            "(SELECT count(*) FROM residence_spells) > 0"
        ).fetchone()
    except Exception:  # an old store without the register tables
        return False
    return bool(row and row[0])


_CASE_MIX_SQL = """
-- similar municipalities: the case mix of immigrants and descendants living in each
-- municipality on the last day of the year (residence spell covering the date)
WITH living AS (
    SELECT r.municipality, p.origin, p.western, p.residence_basis, p.education_at_arrival,
           p.arrival_date, coalesce(p.weight, 1) AS w
    FROM persons p JOIN residence_spells r USING (person_id)
    WHERE p.origin IN ('immigrant', 'descendant')
      AND r.start <= $day AND (r."end" IS NULL OR r."end" >= $day)
      AND p.birth_date <= $day
)
SELECT municipality,
       sum(w) FILTER (WHERE origin = 'immigrant'
                        AND residence_basis IN ('refugee', 'reunified_refugee')),
       sum(w) FILTER (WHERE origin = 'immigrant'),
       count(*) FILTER (WHERE origin = 'immigrant'),
       sum(w) FILTER (WHERE western = false),
       sum(w) FILTER (WHERE western IS NOT NULL),
       count(*) FILTER (WHERE western IS NOT NULL),
       sum(w) FILTER (WHERE origin = 'immigrant' AND education_at_arrival IN ('none', 'basic')),
       sum(w) FILTER (WHERE origin = 'immigrant'
                        AND education_at_arrival IN ('none', 'basic', 'upper_secondary',
                                                     'vocational', 'higher')),
       count(*) FILTER (WHERE origin = 'immigrant'
                        AND education_at_arrival IN ('none', 'basic', 'upper_secondary',
                                                     'vocational', 'higher')),
       sum(w) FILTER (WHERE origin = 'immigrant' AND arrival_date > $day - INTERVAL 5 YEAR),
       sum(w) FILTER (WHERE origin = 'immigrant' AND arrival_date IS NOT NULL),
       count(*) FILTER (WHERE origin = 'immigrant' AND arrival_date IS NOT NULL)
FROM living
GROUP BY municipality
"""


def case_mix_values(store: Store, year: int, min_persons: int) -> dict[str, dict[int, FrameValue]]:
    """The four case-mix shares per municipality on 31 December of `year`, in percent.

    A share resting on fewer than `min_persons` persons is left out (never a frame value from a
    group below the minimum size).
    """
    day = date(year, 12, 31)
    rows = store.con.execute(_CASE_MIX_SQL, {"day": day}).fetchall()
    out: dict[str, dict[int, FrameValue]] = {name: {} for name in CASE_MIX}
    for r in rows:
        code = int(r[0])
        for name, (num, den, n) in zip(CASE_MIX, (r[1:4], r[4:7], r[7:10], r[10:13]), strict=True):
            if den and n is not None and n >= min_persons:
                out[name][code] = FrameValue(100.0 * float(num or 0.0) / float(den), f"{day}")
    return out


def load_frame(
    store: Store, year: int, variables: Sequence[FrameVariable], *, min_persons: int = 20
) -> Frame:
    """The chosen variables' figures for `year` from the store (and its register)."""
    values: dict[str, Mapping[int, FrameValue]] = {}
    sources: dict[str, str] = {}
    notes: list[str] = []
    mix: dict[str, dict[int, FrameValue]] | None = None
    for var in variables:
        if var.indicator is None:
            if mix is None:
                mix = case_mix_values(store, year, min_persons) if has_register(store) else {}
            values[var.name] = mix.get(var.name, {})
            sources[var.name] = REGISTER
            if not values[var.name] and var.name in CASE_MIX and not mix:
                notes.append(f"{var.label}: arbejdsområdet har intet personregister")
                continue
        else:
            source, found = store_values(store, var, year)
            values[var.name] = found
            if source:
                sources[var.name] = source
    return _usable(Frame(year, tuple(variables), values, tuple(notes), sources))


def _usable(frame: Frame) -> Frame:
    """Leave out variables too few municipalities have (a z-score needs a spread)."""
    keep: list[FrameVariable] = []
    notes = list(frame.notes)
    total = len(municipalities())
    for var in frame.variables:
        have = frame.values.get(var.name, {})
        if len(have) < total / 2:
            if not any(n.startswith(var.label) for n in notes):
                notes.append(
                    f"{var.label} ({var.name}) er udeladt: kun {len(have)} af {total} kommuner "
                    f"har et tal for {frame.year} (eller op til {MAX_AGE_YEARS} år før)"
                )
            continue
        keep.append(var)
    return replace(frame, variables=tuple(keep), notes=tuple(notes))


def latest_year(store: Store, variables: Sequence[FrameVariable]) -> int:
    """The newest year every chosen variable has figures for (for most municipalities).

    Why the oldest of the variables' newest years: then every figure describes the same year;
    a variable published only every few years is carried forward when a later year is chosen.
    The register case mix counts up to the year of the register's newest residence spell.
    """
    years: list[int] = []
    for var in variables:
        if var.indicator is None:
            if var.name in CASE_MIX and has_register(store):
                row = store.con.execute("SELECT year(max(start)) FROM residence_spells").fetchone()
                if row and row[0] is not None:
                    years.append(int(row[0]))
            continue
        row = store.con.execute(
            "SELECT max(y) FROM (SELECT floor(t)::INT AS y, count(DISTINCT municipality) AS n "
            "FROM all_observations WHERE indicator = ? AND grp = ? AND municipality <> 0 "
            "AND value IS NOT NULL GROUP BY 1) WHERE n >= ?",
            [var.indicator, var.group, len(municipalities()) / 2],
        ).fetchone()
        if row and row[0] is not None:
            years.append(int(row[0]))
    if not years:
        raise UserError(
            "ingen af variablerne har tal i arbejdsområdet; importér Danmarks Statistiks serier "
            "(pejling sources refresh) eller angiv --year"
        )
    return min(years)


def shipped_frame(year: int, variables: Sequence[FrameVariable]) -> Frame:
    """The Statistics Denmark variables from the series shipped with pejling (no workspace).

    The same figures `pejling demo` imports; the case mix and store indicators need a workspace.
    """
    from pejling.periods import Period
    from pejling.sources import shipped

    rows = [r for fn in shipped.SERIES.values() for r in fn() if r[1] != 0 and r[3] == ""]
    values: dict[str, Mapping[int, FrameValue]] = {}
    needs: list[str] = []
    for var in variables:
        if var.indicator is None or var.name not in BUILTIN:
            needs.append(var.name)
            values[var.name] = {}
            continue
        picked = [
            (r[1], r[2], Period.parse(r[2]).t, float(r[6]), DST)
            for r in rows
            if r[0] == var.indicator and year - MAX_AGE_YEARS <= Period.parse(r[2]).t < year + 1
        ]
        values[var.name] = _pick(picked, None)[1]
    notes = [f"{', '.join(needs)} kræver et arbejdsområde (-w) med tallene"] if needs else []
    kept = tuple(v for v in variables if v.name not in needs)
    return _usable(Frame(year, kept, values, tuple(notes), dict.fromkeys(values, DST)))


def shipped_latest_year(variables: Sequence[FrameVariable]) -> int:
    """The newest year every shipped Statistics Denmark variable among `variables` has."""
    from pejling.periods import Period
    from pejling.sources import shipped

    wanted = {v.indicator for v in variables if v.indicator is not None and v.name in BUILTIN}
    newest: dict[str, int] = {}
    for fn in shipped.SERIES.values():
        for r in fn():
            if r[0] in wanted and r[1] != 0 and r[3] == "":
                year = Period.parse(r[2]).start.year
                newest[r[0]] = max(newest.get(r[0], year), year)
    if not newest:
        raise UserError("ingen af variablerne findes i de medleverede serier; brug -w")
    return min(newest.values())
