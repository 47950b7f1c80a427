"""The duration benchmark (`pejling.national.duration`): time from the programme start to the
first ordinary job, worked out by hand where it can be."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from pejling.errors import UserError
from pejling.national.benchmark import DURATION_ID, benchmark_store, resolve
from pejling.national.duration import (
    BAND_BOUNDS,
    DurationCells,
    benchmark_duration,
    collapse_months,
    duration_store,
    duration_years,
    fit_duration,
)
from pejling.register.importer import import_register
from pejling.register.pseudonym import PseudonymKey
from pejling.spec.catalog import load_catalog
from pejling.store.database import Store
from tests.national.helpers import cells as hand_cells

AS_OF = date(2024, 12, 31)

#: a hand-made register; the months of 2024 at risk of a first job, month k from start + k − 1
#: months (band 0: months 1–3, 2: 7–12, 3: 13–18, 5: 25–36):
#:   a  programme in 265 from 01.01.2024, job 15.03.2024    → 265: months 1–3, job in month 3
#:   b  programme in 265 from 01.01.2022, no job              → 265: months 25–36 (12)
#:   c  programme in 265 from 01.07.2024, moves abroad 15.09.2024
#:                                            → 265: months 1–2 (September is not complete)
#:   d  programme in 265 from 01.01.2024, in an ordinary job since 2023 → not at risk
#:   e  programme in 265 from 01.07.2023, in 326 from 01.04.2024, job 10.08.2024
#:      → 265: months 7–9 (Jan.–Mar.); 326: months 10–12 and 13–14, the job in month 14
#:   f  programme in 326 from 01.06.2021, no job    → 326: months 32–36 (Jan.–May 2024)
#:   g  programme in 265 from 01.01.2020            → its 36 months ended in 2022: nothing
#:   h  programme in 326 from 15.12.2024            → its first month ends 14.01.2025: nothing
FILES = {
    "persons.csv": "person_id,birth_date,sex,origin,country_of_origin,residence_basis,"
    "arrival_date,education_at_arrival\n"
    + "".join(
        f"p{p}0001,1990-01-01,f,immigrant,SYR,refugee,2021-01-01,basic\n" for p in "abcdefgh"
    ),
    "residence_spells.csv": "person_id,municipality,start,end\n"
    + "".join(f"p{p}0001,265,2021-01-01,\n" for p in "abdfgh")
    + "pc0001,265,2021-01-01,2024-09-15\n"
    + "pe0001,265,2021-01-01,2024-03-31\npe0001,326,2024-04-01,\n",
    "programme_spells.csv": """person_id,programme,municipality,start,planned_end,end
pa0001,self_support_return_programme,265,2024-01-01,2025-01-01,
pb0001,self_support_return_programme,265,2022-01-01,2023-01-01,
pc0001,self_support_return_programme,265,2024-07-01,2025-07-01,2024-09-15
pd0001,self_support_return_programme,265,2024-01-01,2025-01-01,
pe0001,self_support_return_programme,265,2023-07-01,2024-07-01,2024-03-31
pe0001,self_support_return_programme,326,2024-04-01,2025-04-01,
pf0001,self_support_return_programme,326,2021-06-01,2022-06-01,2023-06-01
pg0001,integration_programme,265,2020-01-01,2023-01-01,
ph0001,self_support_return_programme,326,2024-12-15,2025-12-15,
""",
    "employment_spells.csv": """person_id,start,end,weekly_hours,kind
pa0001,2024-03-15,,37,ordinary
pd0001,2023-06-01,,37,ordinary
pe0001,2024-08-10,,20,ordinary
""",
}


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    tmp = tmp_path_factory.mktemp("duration")
    folder = tmp / "register"
    folder.mkdir()
    for name, text in FILES.items():
        (folder / name).write_text(text, encoding="utf-8")
    with Store.open(tmp / "ws.duckdb") as s:
        import_register(s, [folder], PseudonymKey(b"hand-made-key-0123"))
        yield s


def _by_band(dc: DurationCells) -> dict[tuple[int, int], tuple[float, float]]:
    """(municipality, band) → (months at risk, first jobs)."""
    out: dict[tuple[int, int], tuple[float, float]] = {}
    for m, b, r, o in zip(dc.cells.municipality, dc.band, dc.cells.weight, dc.cells.outcome,
                          strict=True):  # fmt: skip
        before = out.get((int(m), int(b)), (0.0, 0.0))
        out[(int(m), int(b))] = (before[0] + float(r), before[1] + float(o))
    return out


def test_months_at_risk_and_first_jobs_by_hand(store: Store) -> None:
    """The register above, 2024: 265 has a (3 months, job) and c (2) in band 0, e (3) in band 2
    and b (12) in band 5; 326 has e in bands 2 (3) and 3 (2, job) and f (5) in band 5."""
    dc = collapse_months(store, AS_OF, (2024,))
    assert _by_band(dc) == {
        (265, 0): (5.0, 1.0),
        (265, 2): (3.0, 0.0),
        (265, 5): (12.0, 0.0),
        (326, 2): (3.0, 0.0),
        (326, 3): (2.0, 1.0),
        (326, 5): (5.0, 0.0),
    }
    assert dc.persons == {265: 4, 326: 2}  # a, b, c, e; e, f
    assert dc.events == {265: 1, 326: 1}
    assert dc.total_persons == 5


def test_expected_events_by_hand() -> None:
    """Two municipalities, men and women, one duration band (months 1–3), no ridge: the
    model is saturated, so the fitted hazard of a cell is its sex's national rate.

        101: men 10 months, 2 jobs; women 20 months, 2 jobs
        147: men 30 months, 3 jobs; women 10 months, 3 jobs
        men 40 months, 5 jobs: h = 5/40 = 0.125; women 30 months, 5 jobs: h = 5/30 = 1/6
        E(101) = 10 · 0.125 + 20/6 = 4.5833, O = 4, O/E = 0.8727
        E(147) = 30 · 0.125 + 10/6 = 5.4167, O = 6, O/E = 1.1077;  Σ E = 10 = Σ O
        36-month share (only band 0, 3 months, has months): 1 − (1 − h)³
        101 observed: h = 4/30, 1 − (26/30)³ = 34.90 %; expected: h = 4.5833/30 = 0.15278,
            1 − 0.84722³ = 39.19 %; difference −4.29 points
    """
    raw = hand_cells([(101, "m", 10, 2), (101, "f", 20, 2), (147, "m", 30, 3), (147, "f", 10, 3)])
    dc = DurationCells(raw, np.zeros(4, dtype=np.int64), {101: 8, 147: 9}, {101: 4, 147: 6}, 17)
    fit = fit_duration(dc, ridge=0.0)
    assert fit.hazard == pytest.approx([0.125, 1 / 6, 0.125, 1 / 6], abs=1e-8)
    result = benchmark_duration(dc, min_persons=1, ridge=0.0, draws=50)
    rows = {r.municipality: r for r in result.rows}
    assert rows[101].expected == pytest.approx(10 * 0.125 + 20 / 6, abs=1e-7)
    assert rows[147].expected == pytest.approx(30 * 0.125 + 10 / 6, abs=1e-7)
    assert rows[101].observed == 4
    assert rows[101].ratio == pytest.approx(4 / 4.583333, rel=1e-6)
    assert rows[147].ratio == pytest.approx(6 / 5.416667, rel=1e-6)
    assert result.expected == pytest.approx(result.observed) == pytest.approx(10)
    assert rows[101].observed_share == pytest.approx(100 * (1 - (26 / 30) ** 3))
    assert rows[101].expected_share == pytest.approx(100 * (1 - (1 - 4.583333 / 30) ** 3))
    assert rows[101].difference == pytest.approx(-4.29, abs=0.01)
    assert rows[101].ratio_interval[0] < rows[101].ratio < rows[101].ratio_interval[1]
    lo, hi = rows[101].difference_interval
    assert lo < rows[101].difference < hi
    assert result.persons == 17
    assert result.kind == "duration"
    assert result.follow_up_months == BAND_BOUNDS[-1] == 36


def test_expected_equals_observed_on_a_synthetic_register(tmp_path: Path) -> None:
    """Σ E = Σ O nationally (the unpenalised intercept's score equation), one year and pooled;
    the 36-month shares are shares and the model converged."""
    from pejling.register.synthetic import generate

    folder = tmp_path / "register"
    generate(6000, 3, folder)
    with Store.open(tmp_path / "ws.duckdb") as store:
        import_register(store, [folder], PseudonymKey(b"synthetic-key-0123"))
        for pool in (1, 3):
            result = duration_store(store, AS_OF, pool=pool, min_persons=10)
            assert result is not None
            assert result.expected == pytest.approx(result.observed, rel=1e-9)
            assert sum(r.expected for r in result.rows) == pytest.approx(result.observed, rel=1e-9)
            assert result.model.converged
            assert 0 < result.national_share < 100
            assert all(0 <= r.observed_share <= 100 for r in result.rows)
            assert len(result.periods) == pool
        (named,) = benchmark_store(store, load_catalog(), [DURATION_ID], year=2023)
        assert named.indicator == DURATION_ID
        assert named.periods == ("2023",)


def test_years_and_names(store: Store) -> None:
    """The newest year is the data date's once its December is reached; a year without 36
    months of starts before it, or after the data date, is refused; the id is known."""
    assert duration_years(store, AS_OF, None) == (2024,)
    assert duration_years(store, date(2024, 11, 30), None) == (2023,)
    assert duration_years(store, AS_OF, 2024, 2) == (2023, 2024)
    with pytest.raises(UserError, match="not a complete period"):
        duration_years(store, AS_OF, 2025)
    with pytest.raises(UserError, match="not a complete period"):
        duration_years(store, AS_OF, 2022)  # starts from 2020: 2023 is the first full year
    assert resolve(load_catalog(), [DURATION_ID]) == []
    with pytest.raises(UserError, match="did you mean 'time_to_first_job'"):
        resolve(load_catalog(), ["time_to_first_jb"])
