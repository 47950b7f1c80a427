"""Result grants earned, from the person-level register: per municipality, year, event and window.

The rules come from versioned rule sets (`pejling.national.grants_rules`); this module turns them
into SQL over the register tables (docs/data-model.md) and aggregates. What is counted, in
short (docs/result-grants.md has the reading of the law):

- *Employment*: ordinary employment spells are merged into continuous episodes (overlapping or
  adjacent spells); a spell start is a candidate when its episode lasts `min_months` from it
  and the hours of all the person's ordinary spells over those months average at least
  `min_weekly_hours`. *Education*: a spell of a named level lasting `min_months` from its first
  day. *Danish test*: a named test with the result `passed`. Running spells count up to the
  data date; a condition is fulfilled on the last day of the `min_months`-th month (start + 6
  months − 1 day), the test on its date.
- The event must start (the test be passed) on a day a programme spell of a named programme
  covers, in a window of programme years counted from the person's first programme start.
- One grant per person and event type: the first one fulfilled.
- *Municipality*: the municipality of the programme spell covering the event's start (the one
  responsible for the integration effort when the result was achieved). *Year*: the year the
  condition is fulfilled (the grant can be claimed from then on). *Rule set*: the one in force
  on that day (or the one forced by `--rules`), its rate for that year.

Disclosure control: cells resting on 1 to threshold − 1 persons are hidden with their events and
amount, and the complements that would reveal them (`pejling.disclosure.suppress`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date

from pejling.disclosure import Cell, suppress
from pejling.engine.run import data_date, register_provenance
from pejling.errors import UserError
from pejling.national.grants_rules import (
    EVENT_TYPES,
    DanishTestRule,
    EducationRule,
    EmploymentRule,
    EventType,
    RuleBook,
    RuleSet,
)
from pejling.store.database import Store

ALL = "all"
"""The event / window of a total cell."""

EVENT_NAMES = {
    "da": {"employment": "Beskæftigelse", "education": "Uddannelse", "danish_test": "Danskprøve",
           ALL: "I alt"},
    "en": {"employment": "Employment", "education": "Education", "danish_test": "Danish test",
           ALL: "Total"},
}  # fmt: skip


def window_label(window: str, lang: str = "da") -> str:
    """'år 1–3' for years_1_3; the key itself for a window named otherwise."""
    if window == ALL:
        return "alle" if lang == "da" else "all"
    parts = window.split("_")
    if len(parts) == 3 and parts[0] == "years" and parts[1].isdigit() and parts[2].isdigit():
        word = "år" if lang == "da" else "years"
        return f"{word} {parts[1]}–{parts[2]}"
    return window


@dataclass(frozen=True)
class GrantCell:
    """Grants earned in one municipality (0: the whole country), year, event and window."""

    municipality: int
    year: int
    event: str
    window: str
    persons: int | None
    events: int | None
    amount: float | None
    suppressed: bool = False
    amount_hidden: bool = False
    """A total whose amount is hidden (it would reveal a hidden cell); its persons are shown."""


@dataclass(frozen=True)
class GrantsResult:
    """Every grant cell, as it may be published."""

    data_date: date
    synthetic: bool
    versions: tuple[str, ...]
    forced: str | None
    cells: tuple[GrantCell, ...]
    threshold: int
    unrated: int
    """Events fulfilled on a day no rule set covers (counted nowhere)."""

    @property
    def suppressed_count(self) -> int:
        """Cells hidden by disclosure control."""
        return sum(c.suppressed for c in self.cells)

    def years(self) -> list[int]:
        """Grant years with a cell."""
        return sorted({c.year for c in self.cells})


def register_ready(store: Store, lang: str = "da") -> date:
    """The register's data date; a clear user error when there is no register."""
    row = store.con.execute("SELECT count(*) FROM persons").fetchone()
    if not row or not row[0]:
        raise UserError(
            "der er intet personregister i arbejdsområdet: indlæs registerfiler først "
            "(pejling import MAPPE)"
            if lang == "da"
            else "the workspace has no person-level register: import register files first "
            "(pejling import FOLDER)"
        )
    return data_date(store)


def _versions(book: RuleBook, forced: str | None) -> list[RuleSet]:
    return [book.get(forced)] if forced else [v.rules for v in book.versions]


def _load_rule_tables(store: Store, versions: list[RuleSet]) -> None:
    """grant_windows (version, event, window, first and last programme month) and grant_rates
    (version, event, window, year, kr.) — the nearest-earlier-rate rule expanded per year, so
    the SQL joins on equality and the rule lives in one place (`RuleSet.rate`)."""
    con = store.con
    con.execute(
        "CREATE OR REPLACE TEMP TABLE grant_windows (version VARCHAR, event VARCHAR, "
        "win VARCHAR, first_month INTEGER, last_month INTEGER)"
    )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE grant_rates (version VARCHAR, event VARCHAR, win VARCHAR, "
        "y INTEGER, rate DOUBLE, rate_year INTEGER)"
    )
    windows: list[tuple[str, str, str, int, int]] = []
    rates: list[tuple[str, str, str, int, float, int]] = []
    for rules in versions:
        for event in EVENT_TYPES:
            rule = rules.event(event)
            if rule is None:
                continue
            for key, (first, last) in rule.windows.items():
                windows.append((rules.id, event, key, (first - 1) * 12 + 1, last * 12))
                for y in range(rules.rates[0].year, 2101):
                    amount = rules.rate(y, event, key)
                    entry = rules.rate_year(y)
                    if amount is not None and entry is not None:
                        rates.append((rules.id, event, key, y, float(amount), entry.year))
    for table, rows in (("grant_windows", windows), ("grant_rates", rates)):
        if rows:
            columns = [list(c) for c in zip(*rows, strict=True)]
            con.execute(
                f"INSERT INTO {table} SELECT "
                + ", ".join(f"unnest(${i + 1})" for i in range(len(columns))),
                columns,
            )


def _in_list(values: list[str]) -> str:
    return ", ".join("'" + v.replace("'", "''") + "'" for v in values)


def _candidates_sql(rules: RuleSet, event: EventType, as_of: date) -> str | None:
    """(person_id, event_start, fulfilled) of every candidate event under one rule set."""
    rule = rules.event(event)
    d = f"DATE '{as_of.isoformat()}'"
    if isinstance(rule, EmploymentRule):
        months = int(rule.min_months)
        until = f"CAST(c.start + INTERVAL {months} MONTH AS DATE) - 1"
        kind = _in_list([rule.kind])
        return f"""
-- result grant, employment ({rules.id}): continuous episodes of {rule.kind} employment
SELECT c.person_id, c.start AS event_start, {until} AS fulfilled
FROM (SELECT DISTINCT person_id, start FROM grant_jobs WHERE kind = {kind}) AS c
JOIN grant_episodes x ON x.person_id = c.person_id AND c.start BETWEEN x.s AND x.e
JOIN grant_jobs j ON j.person_id = c.person_id AND j.start <= {until} AND j.stop >= c.start
WHERE x.e >= {until} AND {until} <= {d} AND x.kind = {kind} AND j.kind = {kind}
GROUP BY c.person_id, c.start
HAVING sum(j.weekly_hours * (date_diff('day', greatest(j.start, c.start),
           least(j.stop, {until})) + 1)) / (date_diff('day', c.start, {until}) + 1)
       >= {float(rule.min_weekly_hours)!r}"""
    if isinstance(rule, EducationRule):
        months = int(rule.min_months)
        until = f"CAST(start + INTERVAL {months} MONTH AS DATE) - 1"
        return f"""
-- result grant, education ({rules.id}): a spell of {", ".join(rule.levels)} lasting {months} months
SELECT person_id, start AS event_start, {until} AS fulfilled FROM education_spells
WHERE level IN ({_in_list(rule.levels)}) AND start <= {d}
  AND coalesce("end", {d}) >= {until} AND {until} <= {d}"""
    if isinstance(rule, DanishTestRule):
        return f"""
-- result grant, Danish test ({rules.id}): {", ".join(rule.tests)} passed
SELECT person_id, test_date AS event_start, test_date AS fulfilled FROM danish_education
WHERE final_test IN ({_in_list(rule.tests)}) AND result = 'passed' AND test_date <= {d}"""
    return None


def prepare_events(store: Store, book: RuleBook, as_of: date, forced: str | None = None) -> None:
    """Build the temporary person-level table `grant_events` (never leaves the database).

    Columns: person_id, event, event_start, fulfilled, municipality, programme_month,
    version, win, rate_year, rate (rate NULL: fulfilled on a day no rule set covers).
    """
    con = store.con
    versions = _versions(book, forced)
    _load_rule_tables(store, versions)
    d = f"DATE '{as_of.isoformat()}'"
    kinds = sorted({r.events.employment.kind for r in versions if r.events.employment})
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE grant_jobs AS
        SELECT person_id, kind, start, least(coalesce("end", {d}), {d}) AS stop, weekly_hours
        FROM employment_spells WHERE start <= {d} AND kind IN ({_in_list(kinds or ["-"])})"""
    )
    # episodes: spells of one kind that overlap or touch (gaps-and-islands)
    con.execute(
        """CREATE OR REPLACE TEMP TABLE grant_episodes AS
        WITH o AS (
            SELECT person_id, kind, start, stop, max(stop) OVER (PARTITION BY person_id, kind
                ORDER BY start, stop ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS before
            FROM grant_jobs),
        i AS (
            SELECT *, sum(CASE WHEN before IS NULL OR start > before + 1 THEN 1 ELSE 0 END)
                OVER (PARTITION BY person_id, kind ORDER BY start, stop) AS ep FROM o)
        SELECT person_id, kind, ep, min(start) AS s, max(stop) AS e FROM i GROUP BY ALL"""
    )
    parts: list[str] = []
    for rules in versions:
        programmes = _in_list(rules.programmes)
        cover = "" if forced else (
            f"AND c.fulfilled >= DATE '{rules.valid_from.isoformat()}'"
            + (f" AND c.fulfilled <= DATE '{rules.valid_to.isoformat()}'" if rules.valid_to else "")
        )  # fmt: skip
        for event in EVENT_TYPES:
            sql = _candidates_sql(rules, event, as_of)
            if sql is None:
                continue
            parts.append(
                f"""SELECT c.person_id, '{event}' AS event, c.event_start, c.fulfilled,
                    p.municipality, '{rules.id}' AS version,
                    (year(c.event_start) - year(f.s0)) * 12 + month(c.event_start) - month(f.s0)
                    - CASE WHEN day(c.event_start) < day(f.s0) THEN 1 ELSE 0 END + 1
                    AS programme_month
                FROM ({sql}) AS c
                JOIN programme_spells p ON p.person_id = c.person_id
                    AND p.programme IN ({programmes})
                    AND c.event_start BETWEEN p.start AND coalesce(p."end", DATE '9999-12-31')
                JOIN (SELECT person_id, min(start) AS s0 FROM programme_spells
                      WHERE programme IN ({programmes}) GROUP BY person_id) f
                    ON f.person_id = c.person_id
                WHERE true {cover}"""
            )
    union = " UNION ALL ".join(parts) if parts else (
        "SELECT NULL::VARCHAR AS person_id, NULL::VARCHAR AS event, NULL::DATE AS event_start, "
        "NULL::DATE AS fulfilled, NULL::SMALLINT AS municipality, NULL::VARCHAR AS version, "
        "NULL::INTEGER AS programme_month WHERE false"
    )  # fmt: skip
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE grant_events AS
        WITH c AS ({union}),
        w AS (
            SELECT c.*, w.win FROM c JOIN grant_windows w ON w.version = c.version
                AND w.event = c.event AND c.programme_month BETWEEN w.first_month AND w.last_month),
        first AS (
            -- one grant per person and event type: the first fulfilled
            SELECT * FROM w QUALIFY row_number() OVER (PARTITION BY person_id, event
                ORDER BY fulfilled, event_start, version) = 1)
        SELECT first.*, r.rate, r.rate_year FROM first
        LEFT JOIN grant_rates r ON r.version = first.version AND r.event = first.event
            AND r.win = first.win AND r.y = year(first.fulfilled)"""
    )


def earned_grants(
    store: Store,
    book: RuleBook,
    *,
    forced: str | None = None,
    threshold: int = 5,
    as_of: date | None = None,
    lang: str = "da",
) -> GrantsResult:
    """Grants earned per municipality, year, event and window, with totals, disclosure-checked."""
    as_of = as_of or register_ready(store, lang)
    prepare_events(store, book, as_of, forced)
    rows = store.con.execute(
        """SELECT coalesce(municipality, 0), year(fulfilled) AS y, coalesce(event, 'all'),
               coalesce(win, 'all'), count(DISTINCT person_id), count(*), sum(rate)
        FROM grant_events WHERE rate IS NOT NULL
        GROUP BY GROUPING SETS ((municipality, y, event, win), (municipality, y, event),
                                (municipality, y), (y, event, win), (y, event), (y))"""
    ).fetchall()
    row = store.con.execute("SELECT count(*) FROM grant_events WHERE rate IS NULL").fetchone()
    unrated = int(row[0]) if row else 0
    used = store.con.execute("SELECT DISTINCT version FROM grant_events ORDER BY 1").fetchall()
    cells = _protect(
        [GrantCell(int(m), int(y), str(e), str(w), int(p), int(n), float(a))
         for m, y, e, w, p, n, a in rows],
        threshold,
    )  # fmt: skip
    return GrantsResult(
        as_of,
        register_provenance(store) == "synthetic",
        tuple(str(v[0]) for v in used),
        forced,
        tuple(cells),
        threshold,
        unrated,
    )


Key = tuple[int, int, str, str]


def _protect(cells: list[GrantCell], threshold: int) -> list[GrantCell]:
    """Primary and secondary suppression over the additive relations of the grant table.

    Cells: (municipality, year, event, window), an event's total (window `all`) and the grand
    total (event and window `all`). Relations: the grand total and the event totals, an event
    total and its windows, the nation and the municipalities for every kind of cell.
    """
    by_key: dict[Key, GrantCell] = {(c.municipality, c.year, c.event, c.window): c for c in cells}
    parts: dict[tuple[str, Key], list[Key]] = defaultdict(list)
    for m, y, e, w in by_key:
        if e != ALL and w == ALL:
            parts[("events", (m, y, ALL, ALL))].append((m, y, e, w))  # total = Σ events
        if e != ALL and w != ALL:
            parts[("windows", (m, y, e, ALL))].append((m, y, e, w))  # event = Σ windows
        if m != 0:
            parts[("nation", (0, y, e, w))].append((m, y, e, w))  # the nation = Σ the 98
    relations = [[total, *members] for (_kind, total), members in parts.items()]
    shown = suppress(
        {k: Cell(None, None, float(c.persons or 0)) for k, c in by_key.items()},
        relations,
        threshold,
    )
    # An aggregate's amount is Σ rate × count over its window cells, with a handful of known
    # rates, so it would reveal the counts of hidden windows: it is hidden whenever one of them
    # is (forced with a count of 1, which the primary rule hides at any threshold above 1 — at
    # threshold 1 nothing is hidden), and the nation's amount minus the municipalities' must not
    # reveal a single hidden one.
    windows = [k for k in by_key if k[2] != ALL and k[3] != ALL]
    aggregates = [k for k in by_key if k[3] == ALL]

    def below(agg: Key) -> bool:
        return any(shown[k].suppressed for k in windows
                   if k[:2] == agg[:2] and agg[2] in (ALL, k[2]))  # fmt: skip

    amounts = suppress(
        {k: Cell(None, None, 1.0 if shown[k].suppressed or below(k)
                 else float(by_key[k].persons or 0)) for k in aggregates},
        [[a, *(k for k in aggregates if k[0] != 0 and k[1:] == a[1:])]
         for a in aggregates if a[0] == 0],
        threshold,
    )  # fmt: skip
    out: list[GrantCell] = []
    for key, cell in by_key.items():
        if shown[key].suppressed:
            out.append(GrantCell(*key, persons=None, events=None, amount=None, suppressed=True))
        elif key in amounts and amounts[key].suppressed:
            out.append(replace(cell, amount=None, amount_hidden=True))
        else:
            out.append(cell)
    order = {e: i for i, e in enumerate((*EVENT_TYPES, ALL))}
    return sorted(
        out,
        key=lambda c: (c.year, c.municipality, order.get(c.event, 9), c.window == ALL, c.window),
    )
