"""Every computable indicator on a small register whose answers were worked out by hand.

Seven persons (ids a…g), municipalities 265 (Roskilde) and 326 (Kalundborg):

  a  f, born 15.06.1990, immigrant from Syria (non-Western, MENAPT), refugee, arrived 01.03.2015
     lives in 265 until 31.05.2018, then in 326 (moves mid-2018)
     programme 15.03.2015–14.03.2018 (265); integration benefit 15.03.2015–31.08.2017;
     cash benefit 01.09.2018–31.12.2018 and assessed job-ready 10.09.2018
     ordinary job 01.09.2017–31.08.2018 at 25 h, ordinary job from 01.01.2019 at 30 h
     company internship 01.01.–31.03.2016 at 37 h, wage subsidy 01.11.2016–31.01.2017 at 20 h
     Danish DU2 from 01.04.2015, passed PD2 15.12.2017
  b  m, born 10.01.1985, Danish origin, 265; ordinary job from 2005 at 37 h;
     higher education completed 30.06.2009
  c  m, born 01.12.1994 (turns 25 the day after 30.11.2019), immigrant from Eritrea,
     reunified to a refugee, arrived 01.02.2016, 265
     programme 15.02.2016–14.02.2019 (265); integration benefit 15.02.2016–14.02.2019
     subsidised job 01.03.2018–31.12.2019 at 15 h; guidance offer 01.03.–31.05.2017
     assessed activity-ready 01.03.2016, job-ready 01.06.2017
     Danish DU1 from 01.03.2016, failed PD1 01.06.2019
  d  f, born 30.11.1994 (turns 25 ON 30.11.2019), Danish origin, 326, never employed
  e  m, born 01.05.2003, descendant (Turkey), 265; 9th-grade exam 2019: written Danish 02,
     maths 00, oral Danish 4, spelling 02; youth education 01.08.2019, dropped out 31.01.2020
  f  f, born 01.02.2003, Danish origin, 265; exam 2019: written Danish 7, maths 4, oral
     Danish 10, spelling -3; youth education 01.08.2019–30.06.2022 completed; higher
     education from 01.08.2022 (ongoing)
  g  m, born 01.01.1980, immigrant from Poland (Western), EU citizen, arrived 01.01.2010, 326;
     ordinary job from 01.02.2010 at 37 h; sickness benefit 01.01.–31.01.2017
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import duckdb
import pytest

from pejling.engine.run import compute_all
from pejling.register.importer import import_register
from pejling.register.pseudonym import PseudonymKey
from pejling.spec.catalog import load_catalog
from pejling.store.database import Store

FILES = {
    "persons.csv": """person_id,birth_date,sex,origin,country_of_origin,residence_basis,arrival_date,education_at_arrival
pa0001,1990-06-15,f,immigrant,SYR,refugee,2015-03-01,basic
pb0001,1985-01-10,m,danish_origin,DNK,,,
pc0001,1994-12-01,m,immigrant,ERI,reunified_refugee,2016-02-01,none
pd0001,1994-11-30,f,danish_origin,DNK,,,
pe0001,2003-05-01,m,descendant,TUR,,,
pf0001,2003-02-01,f,danish_origin,DNK,,,
pg0001,1980-01-01,m,immigrant,POL,eu,2010-01-01,higher
""",
    "residence_spells.csv": """person_id,municipality,start,end
pa0001,265,2015-03-01,2018-05-31
pa0001,326,2018-06-01,
pb0001,265,1985-01-10,
pc0001,265,2016-02-01,
pd0001,326,1994-11-30,
pe0001,265,2003-05-01,
pf0001,265,2003-02-01,
pg0001,326,2010-01-01,
""",
    "programme_spells.csv": """person_id,programme,municipality,start,planned_end,end
pa0001,integration_programme,265,2015-03-15,2018-03-14,2018-03-14
pc0001,integration_programme,265,2016-02-15,2017-02-14,2019-02-14
""",
    "benefit_spells.csv": """person_id,benefit,start,end
pa0001,integration_benefit,2015-03-15,2017-08-31
pa0001,cash_benefit,2018-09-01,2018-12-31
pc0001,integration_benefit,2016-02-15,2019-02-14
pg0001,sickness_benefit,2017-01-01,2017-01-31
""",
    "employment_spells.csv": """person_id,start,end,weekly_hours,kind
pa0001,2017-09-01,2018-08-31,25,ordinary
pa0001,2019-01-01,,30,ordinary
pb0001,2005-01-01,,37,ordinary
pc0001,2018-03-01,2019-12-31,15,subsidised
pg0001,2010-02-01,,37,ordinary
""",
    "activation_offers.csv": """person_id,offer,start,end,hours_per_week
pa0001,company_internship,2016-01-01,2016-03-31,37
pa0001,wage_subsidy,2016-11-01,2017-01-31,20
pc0001,guidance_upskilling,2017-03-01,2017-05-31,15
""",
    "danish_education.csv": """person_id,track,start,end,modules_passed,final_test,test_date,result
pa0001,DU2,2015-04-01,2017-12-15,6,PD2,2017-12-15,passed
pc0001,DU1,2016-03-01,2019-06-01,3,PD1,2019-06-01,failed
""",
    "exam_grades.csv": """person_id,exam_year,subject,grade
pe0001,2019,danish_written,02
pe0001,2019,maths,00
pe0001,2019,danish_oral,4
pe0001,2019,spelling,02
pf0001,2019,danish_written,7
pf0001,2019,maths,4
pf0001,2019,danish_oral,10
pf0001,2019,spelling,-3
""",
    "education_spells.csv": """person_id,level,start,end,outcome
pb0001,higher,2004-09-01,2009-06-30,completed
pe0001,youth,2019-08-01,2020-01-31,dropped_out
pf0001,youth,2019-08-01,2022-06-30,completed
pf0001,higher,2022-08-01,,ongoing
""",
    "job_readiness.csv": """person_id,date,assessment
pa0001,2018-09-10,job_ready
pc0001,2016-03-01,activity_ready
pc0001,2017-06-01,job_ready
""",
}

Row = tuple[float | None, float | None, float | None]


def build(folder: Path, db: Path, as_of: date) -> duckdb.DuckDBPyConnection:
    folder.mkdir()
    for name, text in FILES.items():
        (folder / name).write_text(text, encoding="utf-8")
    with Store.open(db) as store:
        import_register(store, [folder], PseudonymKey(b"hand-made-key-0123"))
        compute_all(
            store,
            load_catalog(),
            as_of=as_of,
            cohort_ranges={"self_supporting_programme_cohort": [(2018, 2019)]},
        )
    return duckdb.connect(str(db), read_only=True)


@pytest.fixture(scope="module")
def con(tmp_path_factory: pytest.TempPathFactory) -> Iterator[duckdb.DuckDBPyConnection]:
    tmp = tmp_path_factory.mktemp("hand")
    connection = build(tmp / "register", tmp / "ws.duckdb", date(2024, 12, 31))
    yield connection
    connection.close()


def obs(
    con: duckdb.DuckDBPyConnection, indicator: str, municipality: int, period: str, grp: str = ""
) -> Row | None:
    row = con.execute(
        "SELECT numerator, denominator, value FROM all_observations WHERE indicator = ? "
        "AND municipality = ? AND period = ? AND grp = ?",
        [indicator, municipality, period, grp],
    ).fetchone()
    return None if row is None else (row[0], row[1], row[2])


def share(num: float, den: float) -> tuple[float, float, object]:
    return (num, den, pytest.approx(100 * num / den))


# --- point in time -----------------------------------------------------------------------------


def test_employment_rate_25_64(con: duckdb.DuckDBPyConnection) -> None:
    # 30.11.2019: a (29, 326, job from 2019) yes; b (34, 265) yes; c is 24 (25 only on 01.12)
    # → out; d turns 25 on 30.11 → in, not employed; g (39, 326) yes; e, f are 16.
    assert obs(con, "employment_rate_25_64", 265, "2019") == share(1, 1)
    assert obs(con, "employment_rate_25_64", 326, "2019") == share(2, 3)
    assert obs(con, "employment_rate_25_64", 0, "2019") == share(3, 4)  # ratio of sums
    assert obs(con, "employment_rate_25_64", 0, "2019", "origin=non_western") == share(1, 1)
    assert obs(con, "employment_rate_25_64", 0, "2019", "origin=danish_origin") == share(1, 2)
    assert obs(con, "employment_rate_25_64", 326, "2019", "origin=danish_origin;sex=f") == share(
        0, 1
    )
    # 30.11.2018: a moved to 326 in June and her first job ended 31.08 → 326: g only of two
    assert obs(con, "employment_rate_25_64", 326, "2018") == share(1, 2)
    assert obs(con, "employment_rate_25_64", 265, "2018") == share(1, 1)
    # 30.11.2017: a still lives in 265 and works
    assert obs(con, "employment_rate_25_64", 265, "2017") == share(2, 2)


def test_employment_gap_to_danish_origin(con: duckdb.DuckDBPyConnection) -> None:
    # 2019 nationally: Danish origin 50 % (b yes, d no) − non-Western 100 % (a) = −50 pp
    row = obs(con, "employment_gap_25_64", 0, "2019", "origin=non_western")
    assert row is not None
    assert row[2] == pytest.approx(-50.0)
    # 326: Danish origin d 0 % − non-Western a 100 % = −100 pp
    row = obs(con, "employment_gap_25_64", 326, "2019", "origin=non_western")
    assert row is not None
    assert row[2] == pytest.approx(-100.0)


def test_youth_education_20_24(con: duckdb.DuckDBPyConnection) -> None:
    # 01.10.2024: e (21) dropped out → no; f (21) completed 30.06.2022 → yes
    assert obs(con, "youth_education_20_24", 265, "2024") == share(1, 2)
    assert obs(con, "youth_education_20_24", 265, "2024", "origin=descendant") == share(0, 1)
    # 01.10.2022: both are 19 → nobody in the population, no observation (not 0 %)
    assert obs(con, "youth_education_20_24", 265, "2022") is None


def test_higher_education_25_39(con: duckdb.DuckDBPyConnection) -> None:
    # 01.10.2024, 25-39: a (34, 326), b (39, 265, completed 2009), c (29, 265), d (29, 326);
    # g is 44; f's higher education is still running
    assert obs(con, "higher_education_25_39", 265, "2024") == share(1, 2)
    assert obs(con, "higher_education_25_39", 326, "2024") == share(0, 2)
    assert obs(con, "higher_education_25_39", 0, "2024") == share(1, 4)


def test_employed_after_3_years(con: duckdb.DuckDBPyConnection) -> None:
    # 30.11.2018: arrived 01.12.2014-30.11.2015 → a (now in 326), not employed on 30.11.2018
    assert obs(con, "employed_after_3y", 326, "2018") == share(0, 1)
    # 30.11.2019: arrived 01.12.2015-30.11.2016 → c (24), subsidised job until 31.12.2019
    assert obs(con, "employed_after_3y", 265, "2019") == share(1, 1)
    assert obs(
        con, "employed_after_3y", 265, "2019", "target_group=refugees_and_reunified"
    ) == share(1, 1)


def test_unemployment_rate(con: duckdb.DuckDBPyConnection) -> None:
    # 30.11.2018, labour force 16-64: 326: a (cash benefit + job-ready → unemployed), g employed
    # (d is neither employed nor on benefit → outside the labour force); 265: b and c employed
    assert obs(con, "unemployment_rate", 326, "2018") == share(1, 2)
    assert obs(con, "unemployment_rate", 265, "2018") == share(0, 2)
    assert obs(con, "unemployment_rate", 0, "2018", "origin=minority;sex=f") == share(1, 1)


def test_public_support_persons_and_self_supporting_share(con: duckdb.DuckDBPyConnection) -> None:
    # 30.11.2018: c on integration benefit (265); a on cash benefit (326)
    assert obs(con, "public_support_persons", 265, "2018") == (1, None, 1)
    assert obs(con, "public_support_persons", 326, "2018") == (1, None, 1)
    # 16-64 not on a benefit: 265: b yes, c no (e, f are 15); 326: a no, d yes, g yes
    assert obs(con, "self_supporting_share", 265, "2018") == share(1, 2)
    assert obs(con, "self_supporting_share", 326, "2018") == share(2, 3)


def test_programme_participants_job_ready_and_company_offers(
    con: duckdb.DuckDBPyConnection,
) -> None:
    # 31.12.2016: a and c in the programme; 31.12.2018: c only (a ended 14.03.2018)
    assert obs(con, "programme_participants", 265, "2016") == (2, None, 2)
    assert obs(con, "programme_participants", 265, "2018") == (1, None, 1)
    # 30.11.2016: a and c on integration benefit in the programme; nobody assessed job-ready
    # yet (c activity-ready 01.03.2016; a has no assessment)
    assert obs(con, "job_ready_share", 265, "2016") == share(0, 2)
    # 30.11.2017: a's benefit ended 31.08.2017; c job-ready since 01.06.2017
    assert obs(con, "job_ready_share", 265, "2017") == share(1, 1)
    # 30.11.2016: a in a wage-subsidy job (company-oriented), c in no offer
    assert obs(con, "company_oriented_activation_share", 265, "2016") == share(1, 2)


# --- cohorts -----------------------------------------------------------------------------------


def test_exam_grades(con: duckdb.DuckDBPyConnection) -> None:
    # 2019: e has 00 in maths → no; f has 7 and 4 → yes
    assert obs(con, "grade2_danish_math", 265, "2019") == share(1, 2)
    assert obs(con, "grade2_danish_math", 265, "2019", "origin=descendant") == share(0, 1)
    # oral Danish and spelling: e 4 and 02 → yes; f has -3 in spelling → no
    assert obs(con, "grade2_oral_danish_spelling", 265, "2019") == share(1, 2)


def test_youth_education_dropout(con: duckdb.DuckDBPyConnection) -> None:
    # started 2019: e dropped out after 6 months (within the first year); f completed
    assert obs(con, "youth_education_dropout", 265, "2019") == share(1, 2)
    assert obs(con, "youth_education_dropout", 265, "2019", "sex=m") == share(1, 1)


def test_result_grant_cohort_and_cohort_range(con: duckdb.DuckDBPyConnection) -> None:
    # a's programme ended 2018; her 25-hour ordinary job started 01.09.2017 inside the
    # programme and lasted 12 months → condition met. c's ended 2019; only a subsidised job →
    # a cohort member with no outcome: in the denominator, not the numerator.
    assert obs(con, "self_supporting_programme_cohort", 265, "2018") == share(1, 1)
    assert obs(con, "self_supporting_programme_cohort", 265, "2019") == share(0, 1)
    # the goal's cohort range 2018-2019, cumulative by year
    assert obs(con, "self_supporting_programme_cohort", 265, "2018", "cohort=2018-2019") == share(
        1, 1
    )
    assert obs(con, "self_supporting_programme_cohort", 265, "2019", "cohort=2018-2019") == share(
        1, 2
    )
    assert obs(
        con,
        "self_supporting_programme_cohort",
        265,
        "2019",
        "cohort=2018-2019;target_group=refugees_and_reunified",
    ) == share(1, 2)


def test_danish_passed_within_programme(con: duckdb.DuckDBPyConnection) -> None:
    # a passed 15.12.2017, before her programme ended 14.03.2018; c failed
    assert obs(con, "danish_passed_within_programme", 265, "2018") == share(1, 1)
    assert obs(con, "danish_passed_within_programme", 265, "2019") == share(0, 1)
    assert obs(
        con, "danish_passed_within_programme", 265, "2018", "target_group=programme_participants"
    ) == share(1, 1)


def test_danish_test_within_3_and_5_years(con: duckdb.DuckDBPyConnection) -> None:
    # a started 01.04.2015 (in the programme), passed 15.12.2017: within 3 and 5 years
    assert obs(con, "danish_test_within_5y", 265, "2015") == share(1, 1)
    assert obs(con, "danish_test_within_3y", 265, "2015") == share(1, 1)
    # c started 01.03.2016 and failed
    assert obs(con, "danish_test_within_5y", 265, "2016") == share(0, 1)


def test_incomplete_cohort_windows_are_left_out(tmp_path: Path) -> None:
    # with data up to 31.12.2020, c's 5-year window (to 28.02.2021) has not passed: no 2016 value
    # rather than a value that is too low; a's (to 31.03.2020) has
    con = build(tmp_path / "register", tmp_path / "ws.duckdb", date(2020, 12, 31))
    try:
        assert obs(con, "danish_test_within_5y", 265, "2015") == share(1, 1)
        assert obs(con, "danish_test_within_5y", 265, "2016") is None
        # e's first year in youth education ended 31.07.2020: included
        assert obs(con, "youth_education_dropout", 265, "2019") == share(1, 2)
        # no measurement after the data date
        assert obs(con, "employment_rate_25_64", 265, "2021") is None
    finally:
        con.close()


def test_days_to_first_company_offer(con: duckdb.DuckDBPyConnection) -> None:
    # a started 15.03.2015, first company-oriented offer 01.01.2016: 292 days (within a year);
    # c (started 2016) never had one → not in the mean, so 2016 has no value
    assert obs(con, "days_to_company_offer", 265, "2015") == (292, 1, 292)
    assert obs(con, "days_to_company_offer", 265, "2016") is None


def test_company_or_education_oriented_effort(con: duckdb.DuckDBPyConnection) -> None:
    # offers started in the programme: 2016: a's internship and wage subsidy (both company-
    # oriented); 2017: c's guidance/up-skilling offer (neither)
    assert obs(con, "company_or_education_oriented_effort_share", 265, "2016") == share(2, 2)
    assert obs(con, "company_or_education_oriented_effort_share", 265, "2017") == share(0, 1)


# --- person time -------------------------------------------------------------------------------


def test_activation_degree(con: duckdb.DuckDBPyConnection) -> None:
    # 2016 in 265, days on integration benefit in the programme: a 366 (leap year), c 321
    # (15.02-31.12). Activated hours: a's internship 01.01-31.03 = 91 days at 37 h and wage
    # subsidy 01.11-31.12 = 61 days at 20 h: (91·37 + 61·20)/7; full time: (366 + 321)·37/7
    row = obs(con, "activation_degree", 265, "2016")
    assert row is not None
    assert row[0] == pytest.approx((91 * 37 + 61 * 20) / 7)
    assert row[1] == pytest.approx((366 + 321) * 37 / 7)
    assert row[2] == pytest.approx(100 * (91 * 37 + 61 * 20) / ((366 + 321) * 37))


def test_public_support_full_time(con: duckdb.DuckDBPyConnection) -> None:
    # 2017 in 326: d (22) and g (37) live there all year, 730 days; g on sickness benefit 31 days
    assert obs(con, "public_support_fulltime_share", 326, "2017") == share(31, 730)
    row = obs(con, "public_support_fulltime_persons", 326, "2017")
    assert row is not None
    assert row[2] == pytest.approx(31 / 365)
    # 2018: a lived in 265 until 31.05 and in 326 from 01.06; her cash benefit (01.09-31.12,
    # 122 days) counts in 326 only
    row_326 = obs(con, "public_support_fulltime_share", 326, "2018")
    assert row_326 is not None
    assert row_326[0] == pytest.approx(122)
    assert row_326[1] == pytest.approx(365 + 365 + 214)  # d, g, a from 01.06 (214 days)


def test_a_person_back_in_the_same_municipality_counts_once(tmp_path: Path) -> None:
    # g leaves 326 for 265 in April 2017 and comes back in July: two rows in 326 for 2017 (the
    # engine counts such persons apart from everyone else, see compiler.repeat_residents)
    moved = (
        "pg0001,326,2010-01-01,2017-03-31\npg0001,265,2017-04-01,2017-06-30\n"
        "pg0001,326,2017-07-01,\n"
    )
    residence = FILES["residence_spells.csv"].replace("pg0001,326,2010-01-01,\n", moved)
    assert residence != FILES["residence_spells.csv"]
    files = {**FILES, "residence_spells.csv": residence}
    folder = tmp_path / "register"
    folder.mkdir()
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    with Store.open(tmp_path / "ws.duckdb") as store:
        import_register(store, [folder], PseudonymKey(b"hand-made-key-0123"))
        compute_all(
            store, load_catalog(), as_of=date(2024, 12, 31),
            only=["public_support_fulltime_share", "public_support_fulltime_persons"],
        )  # fmt: skip
        rows = store.con.execute(
            "SELECT indicator, municipality, numerator, denominator, persons "
            "FROM computed_observations WHERE period = '2017' AND grp = '' "
            "AND municipality IN (265, 326) ORDER BY indicator, municipality"
        ).fetchall()
    # 326: d all year (365 days), g 01.01-31.03 and 01.07-31.12 (90 + 184 days), g's sickness
    # benefit in January (31 days); 2 persons, not 3
    # 265: a, b, c all year and g 01.04-30.06 (e and f are 14): 4 persons
    assert ("public_support_fulltime_share", 326, 31.0, 365.0 + 90 + 184, 2) in rows
    assert ("public_support_fulltime_persons", 326, 31.0, None, 2) in rows
    assert [r[4] for r in rows if r[1] == 265] == [4, 4]
