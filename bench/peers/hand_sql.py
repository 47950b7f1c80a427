"""The reference indicators in hand-written DuckDB SQL: the bar the engine must clear (issue 14).

Why: the engine compiles a general vocabulary (frames, predicates, group membership) into SQL;
this is what an analyst who knows DuckDB would write for exactly these three indicators, with
no vocabulary in between. Written as such an analyst would:

- the persons' group attributes (origin, Western, MENAPT, arrived aged 0–12, sex, weight) are
  computed once into a temporary table `people`;
- what the numerator needs is reduced to one row per person first and joined to `people`:
  for employment an integer whose bit i says "employed on the i-th measurement date" (the
  employment spells × the dozen dates, `bit_or` per person), for education the date of the
  first completed youth or higher education (`min(end)`);
- those person rows are joined to the 1M residence spells *before* the spells are expanded to
  the ~10M (spell, measurement date) rows, so the big expansion needs no further join;
- rows are first summed into cells (municipality × period × attributes), and only the few
  thousand cells are expanded into their groups (`unnest` of a list of group keys) and summed
  with GROUPING SETS per municipality and nationally (municipality 0).

(Tried at 1M persons and dropped: integer person keys (re-keying the tables costs more than
it saves here); the join of employment on (person, date) (≈2× slower than the bit mask).)

`compute` returns the rows of `bench.peers.COLUMNS`, which `bench.peers.compare` checks
against the engine's.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from bench.peers import FAR_FUTURE, FIRST_YEAR, Mark, Row, normalise, reference_dates

PEOPLE = """
CREATE OR REPLACE TEMP MACRO age_on(d, born) AS
    year(d) - year(born)
    - CASE WHEN month(d) * 100 + day(d) < month(born) * 100 + day(born) THEN 1 ELSE 0 END;

CREATE OR REPLACE TEMP MACRO origin_groups(origin, wcat, menapt, a012) AS list_filter([
    CASE WHEN origin = 'danish_origin' THEN 'danish_origin' END,
    CASE WHEN origin = 'immigrant' THEN 'immigrant' END,
    CASE WHEN origin = 'descendant' THEN 'descendant' END,
    CASE WHEN origin <> 'danish_origin' THEN 'immigrant_descendant' END,
    CASE WHEN origin <> 'danish_origin' THEN 'minority' END,
    CASE WHEN wcat = 'w' THEN 'western' END,
    CASE WHEN wcat = 'nw' THEN 'non_western' END,
    CASE WHEN wcat = 'w' AND origin = 'immigrant' THEN 'western_immigrant' END,
    CASE WHEN wcat = 'nw' AND origin = 'immigrant' THEN 'non_western_immigrant' END,
    CASE WHEN wcat = 'nw' AND origin = 'descendant' THEN 'non_western_descendant' END,
    CASE WHEN wcat = 'nw' AND origin = 'immigrant' AND a012
         THEN 'non_western_immigrant_arrived_0_12' END,
    CASE WHEN wcat = 'nw' AND (origin = 'descendant' OR (origin = 'immigrant' AND a012))
         THEN 'non_western_arrived_0_12_or_descendant' END,
    CASE WHEN menapt THEN 'menapt' END
], lambda g: g IS NOT NULL);

CREATE OR REPLACE TEMP TABLE people AS
SELECT
    person_id,
    birth_date,
    sex,
    residence_basis AS basis,
    coalesce(weight, 1)::DOUBLE AS w,
    origin,
    CASE WHEN origin = 'danish_origin' THEN 'dk' WHEN western THEN 'w' ELSE 'nw' END AS wcat,
    coalesce(menapt, false) AS menapt,
    coalesce(origin = 'immigrant' AND age_on(arrival_date, birth_date) <= 12, false) AS a012
FROM persons;
"""

#: one row per (cell, group key) → sums per municipality and for the whole country
AGGREGATE = """
SELECT '{indicator}' AS indicator, coalesce(municipality, 0) AS municipality, period, t, grp,
       sum(num) AS numerator, sum(den) AS denominator, 100.0 * sum(num) / sum(den) AS value,
       sum(n) AS persons
FROM (SELECT municipality, period, t, num, den, n, unnest({groups}) AS grp FROM cells)
GROUP BY GROUPING SETS ((grp, municipality, period, t), (grp, period, t))
"""
ORIGIN = "list_transform(origin_groups(origin, wcat, menapt, a012), lambda g: 'origin=' || g)"
ORIGIN_SEX = (
    "list_transform(origin_groups(origin, wcat, menapt, a012), lambda g: 'origin=' || g || ';sex=' "
    "|| sex)"
)

#: the residence spells with each person's attributes, × the measurement dates they cover
#: (attributes are joined to the 1M spells, not to the 10M person-dates)
RESIDENTS = """
residents AS (
    SELECT r.municipality, dates.period, dates.t, dates.i, dates.d, p.*
    FROM residence_spells r
    JOIN people_plus p USING (person_id)
    JOIN dates ON r.start <= dates.d AND coalesce(r."end", DATE '{far}') >= dates.d
    WHERE age_on(dates.d, p.birth_date) BETWEEN {lo} AND {hi}
),
cells AS (
    SELECT municipality, period, t, origin, wcat, menapt, a012, sex,
           sum(CASE WHEN {hit} THEN w ELSE 0 END) AS num, sum(w) AS den, count(*) AS n
    FROM residents
    GROUP BY ALL
)
"""

EMPLOYMENT = """
WITH dates(period, t, i, d) AS (VALUES {dates}),
-- one integer per person: bit i is set when an employment spell covers the i-th date
employed AS (
    SELECT e.person_id, bit_or(1 << dates.i) AS on_dates
    FROM employment_spells e
    JOIN dates ON e.start <= dates.d AND coalesce(e."end", DATE '{far}') >= dates.d
    GROUP BY e.person_id
),
people_plus AS (
    SELECT p.*, coalesce(e.on_dates, 0) AS on_dates
    FROM people p LEFT JOIN employed e USING (person_id)
),
"""

YOUTH_EDUCATION = """
WITH dates(period, t, i, d) AS (VALUES {dates}),
completed AS (
    SELECT person_id, min("end") AS done
    FROM education_spells
    WHERE level IN ('youth', 'higher') AND outcome = 'completed'
    GROUP BY person_id
),
people_plus AS (
    SELECT p.*, c.done FROM people p LEFT JOIN completed c USING (person_id)
),
"""

DANISH_TEST = """
WITH starts AS (
    SELECT person_id, min(start) AS e,
           CAST(min(start) + INTERVAL 5 YEAR - INTERVAL 1 DAY AS DATE) AS we
    FROM danish_education
    GROUP BY person_id
),
cohort AS (
    SELECT s.person_id, s.e, s.we, r.municipality
    FROM starts s
    JOIN residence_spells r
      ON r.person_id = s.person_id AND r.start <= s.e AND coalesce(r."end", DATE '{far}') >= s.e
    WHERE year(s.e) BETWEEN {first_year} AND {last_year} AND s.we <= DATE '{as_of}'
      AND EXISTS (
          SELECT 1 FROM programme_spells g
          WHERE g.person_id = s.person_id AND g.start <= s.e
            AND coalesce(g."end", DATE '{far}') >= s.e
      )
),
passed AS (
    SELECT DISTINCT c.person_id
    FROM cohort c
    JOIN danish_education l ON l.person_id = c.person_id
    WHERE l.result = 'passed' AND l.test_date BETWEEN c.e AND c.we
),
cells AS (
    SELECT c.municipality, CAST(year(c.e) AS VARCHAR) AS period, CAST(year(c.e) AS DOUBLE) AS t,
           p.origin, p.wcat, p.menapt, p.a012, p.sex, p.basis,
           sum(CASE WHEN ok.person_id IS NOT NULL THEN p.w ELSE 0 END) AS num,
           sum(p.w) AS den, count(*) AS n
    FROM cohort c
    JOIN people p USING (person_id)
    LEFT JOIN passed ok USING (person_id)
    GROUP BY ALL
)
"""
DANISH_GROUPS = (
    "list_concat(['', 'target_group=programme_participants', 'target_group=course_participants',"
    " 'sex=' || sex], {origin}, "
    "CASE WHEN basis = 'refugee' "
    "THEN ['target_group=refugees', 'target_group=refugees_and_reunified'] "
    "WHEN basis = 'reunified_refugee' THEN ['target_group=refugees_and_reunified'] "
    "ELSE [] END)"
)


def _dates(month: int, day: int, as_of: date, first_year: int) -> str:
    return ", ".join(
        f"('{year}', {float(year)}, {i}, DATE '{d.isoformat()}')"
        for i, (year, d) in enumerate(reference_dates(month, day, as_of, first_year))
    )


def queries(as_of: date, first_year: int = FIRST_YEAR) -> dict[str, str]:
    """The SQL of each reference indicator (run after `PEOPLE`)."""
    far = FAR_FUTURE.isoformat()
    return {
        "employment_rate_25_64": EMPLOYMENT.format(dates=_dates(11, 30, as_of, first_year), far=far)
        + RESIDENTS.format(far=far, lo=25, hi=64, hit="(on_dates >> i) & 1 = 1")
        + AGGREGATE.format(
            indicator="employment_rate_25_64",
            groups=f"list_concat(['', 'sex=' || sex], {ORIGIN}, {ORIGIN_SEX})",
        ),
        "youth_education_20_24": YOUTH_EDUCATION.format(dates=_dates(10, 1, as_of, first_year))
        + RESIDENTS.format(far=far, lo=20, hi=24, hit="done <= d")
        + AGGREGATE.format(
            indicator="youth_education_20_24",
            groups=f"list_concat(['', 'sex=' || sex], {ORIGIN})",
        ),
        "danish_test_within_5y": DANISH_TEST.format(
            far=far, first_year=first_year, last_year=as_of.year, as_of=as_of.isoformat()
        )
        + AGGREGATE.format(
            indicator="danish_test_within_5y", groups=DANISH_GROUPS.format(origin=ORIGIN)
        ),
    }


def compute(
    con: Any, as_of: date, first_year: int = FIRST_YEAR, mark: Mark | None = None
) -> list[Row]:
    """The three indicators' rows, from a DuckDB connection to the store (read-only is enough).

    Creates the temporary macros `age_on`, `origin_groups` and the temporary table `people`.
    """
    if mark:
        mark("shared")
    con.execute(PEOPLE)
    rows: list[Any] = []
    for indicator, sql in queries(as_of, first_year).items():
        if mark:
            mark(indicator)
        rows += con.execute(sql).fetchall()
    return normalise(rows)
