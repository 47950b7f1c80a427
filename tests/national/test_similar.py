"""Similar municipalities: the distance checked by hand, the rules for missing figures and
weights, the store and the shipped series, and the `pejling similar` command."""

from __future__ import annotations

import json
import math
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from pejling.errors import UserError
from pejling.national.frame import (
    BUILTIN,
    Frame,
    FrameValue,
    FrameVariable,
    choose_variables,
    parse_var,
)
from pejling.national.similar import distance, nearest, similar_municipalities, standardise
from pejling.spec.catalog import load_catalog
from pejling.store.database import Store
from pejling.store.observation_import import import_observations
from pejling.workspace import Workspace
from tests.conftest import Run

A = FrameVariable("a", "A", weight=2.0)
B = FrameVariable("b", "B", weight=1.0)
PersonRow = tuple[str, date, str, str | None, date | None, str | None, bool | None]


def _frame(values: dict[str, dict[int, float]], *variables: FrameVariable) -> Frame:
    return Frame(
        2020,
        variables or (A, B),
        {k: {c: FrameValue(v, "2020") for c, v in vs.items()} for k, vs in values.items()},
    )


def test_distance_on_three_municipalities_by_hand() -> None:
    """a = 1, 2, 3 → z = −1, 0, 1 (mean 2, sd 1); b = 4, 6, 2 → z = 0, 1, −1 (mean 4, sd 2).
    Weights 2 and 1: d(101,147) = √((2·1² + 1·1²)/3) = 1; d(101,151) = √((2·2² + 1·1²)/3) = √3;
    d(147,151) = √((2·1² + 1·2²)/3) = √2."""
    frame = _frame({"a": {101: 1, 147: 2, 151: 3}, "b": {101: 4, 147: 6, 151: 2}})
    stats, zs, notes = standardise(frame)
    assert not notes
    assert [(s.mean, s.sd) for s in stats] == [(2.0, 1.0), (4.0, 2.0)]
    assert [s.weight for s in stats] == pytest.approx([2 / 3, 1 / 3])
    assert zs["a"] == {101: -1.0, 147: 0.0, 151: 1.0}
    assert zs["b"] == {101: 0.0, 147: 1.0, 151: -1.0}

    result = nearest(frame, 101, n=2)
    assert result.codes == [147, 151]
    assert [nb.distance for nb in result.neighbours] == pytest.approx([1.0, math.sqrt(3)])
    assert nearest(frame, 147, n=2).neighbours[1].distance == pytest.approx(math.sqrt(2))
    assert result.neighbours[0].values == {"a": 2.0, "b": 6.0}
    assert result.compared == 2


def test_weights_scale_free_and_equal_by_default() -> None:
    """Doubling every weight changes nothing; equal weights give the plain RMS of z-differences."""
    a, b = {"a": -1.0, "b": 0.0}, {"a": 1.0, "b": -1.0}
    assert distance(a, b, {"a": 2, "b": 1}) == distance(a, b, {"a": 4, "b": 2})
    d = distance(a, b, {"a": 1, "b": 1})
    assert d is not None
    assert d[0] == pytest.approx(math.sqrt((4 + 1) / 2))


def test_missing_variable_rescales_or_is_not_compared() -> None:
    """A missing figure: the distance is taken over the shared variables with their weights
    rescaled; a pair sharing less than half of the weight is not compared."""
    frame = _frame({"a": {101: 1, 147: 2, 151: 3}, "b": {101: 4, 147: 6, 151: 2, 153: 5}})
    result = nearest(frame, 101, n=5)
    # 153 has only b (weight 1 of 3): not compared
    assert result.codes == [147, 151]
    only_a = _frame({"a": {101: 1, 147: 2, 151: 3}, "b": {147: 6, 151: 2}})
    res = nearest(only_a, 101, n=2)
    # b is missing for 101: the distance rests on a alone (2/3 of the weight)
    assert [nb.distance for nb in res.neighbours] == pytest.approx([1.0, 2.0])
    assert res.neighbours[0].shared_weight == pytest.approx(2 / 3)
    assert any("mangler" in n for n in res.notes)


def test_log_scale_and_variables_without_spread() -> None:
    pop = FrameVariable("population", "Indbyggere (log)", log=True)
    flat = FrameVariable("flat", "Flad")
    frame = _frame(
        {"population": {101: 10_000, 147: 100_000, 151: 1_000_000}, "flat": {101: 5, 147: 5}},
        pop,
        flat,
    )
    stats, zs, notes = standardise(frame)
    assert [s.variable.name for s in stats] == ["population"]
    assert stats[0].mean == pytest.approx(math.log(100_000))
    assert zs["population"][147] == pytest.approx(0.0)
    assert any("samme tal" in n for n in notes)


def test_parse_and_choose_variables() -> None:
    assert parse_var("population=2") == ("population", 2.0)
    assert parse_var("unemployment") == ("unemployment", 1.0)
    assert parse_var("employment_rate_25_64/origin=non_western=0,5") == (
        "employment_rate_25_64/origin=non_western",
        0.5,
    )
    assert parse_var("employment_rate_25_64/origin=non_western") == (
        "employment_rate_25_64/origin=non_western",
        1.0,
    )
    with pytest.raises(UserError):
        parse_var("population=-1")
    ids = load_catalog().ids()
    chosen = choose_variables([("population", 3), ("unemployment", 0)], known=ids)
    names = [v.name for v in chosen]
    assert "unemployment" not in names
    assert next(v for v in chosen if v.name == "population").weight == 3
    own = choose_variables([("employment_rate_25_64/origin=non_western", 1)], only=True, known=ids)
    assert own[0].indicator == "employment_rate_25_64"
    assert own[0].group == "origin=non_western"
    with pytest.raises(UserError, match="populaton"):
        choose_variables([("populaton", 1)], known=ids)


def _store_with_dst(tmp_path: Path) -> Workspace:
    """60 municipalities: population (2019, 2022) and unemployment (2020–2022)."""
    from pejling.reference.municipalities import municipalities

    ws = Workspace.create(tmp_path / "ws", "t", 265)
    codes = sorted(municipalities())[:60]
    lines = ["indicator,municipality,period,value,unit,source,vintage,publisher"]
    for k, code in enumerate(codes):
        for year in (2019, 2022):
            lines.append(f"population,{code},{year}Q1,{10_000 * (k + 1)},count,FOLK1A,1,Danmarks Statistik")  # fmt: skip
        for year in (2020, 2021, 2022):
            lines.append(f"unemployment_rate,{code},{year},{2 + k / 10 + (year - 2020) / 10:.2f},percent,AUP02,1,Danmarks Statistik")  # fmt: skip
    path = tmp_path / "dst.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with Store.open(ws.db_path) as store:
        import_observations(store, path, ws.catalog())
    return ws


def test_similar_from_the_store(tmp_path: Path) -> None:
    ws = _store_with_dst(tmp_path)
    from pejling.reference.municipalities import municipalities

    codes = sorted(municipalities())[:60]
    variables = (BUILTIN["population"], BUILTIN["unemployment"])
    with Store.open(ws.db_path, read_only=True) as store:
        result = similar_municipalities(store, codes[10], None, variables, n=2)
        # the newest year both have: 2022; population carried from 2022Q1
        assert result.year == 2022
        assert result.municipality.periods == {"population": "2022Q1", "unemployment": "2022"}
        assert set(result.codes) == {codes[9], codes[11]}
        older = similar_municipalities(store, codes[10], 2021, variables, n=2)
        assert older.municipality.periods["population"] == "2019Q1"  # up to 4 years back
        default = similar_municipalities(store, codes[10])
    assert {s.variable.name for s in default.variables} == {"population", "unemployment"}
    assert any("udeladt" in n for n in default.notes)  # no register, no cash benefit


def test_similar_cli_without_workspace_uses_shipped_series(run: Run, tmp_path: Path) -> None:
    proc = run("similar", "Roskilde", "--format", "json", cwd=tmp_path)
    data = json.loads(proc.stdout)
    assert data["municipality"]["code"] == 265
    assert len(data["neighbours"]) == 7
    assert data["year"] == 2022
    assert {v["name"] for v in data["variables"]} == {
        "population",
        "non_danish_origin_share",
        "unemployment",
        "cash_benefit_per_1000",
    }
    distances = [n["distance"] for n in data["neighbours"]]
    assert distances == sorted(distances)
    table = run("similar", "265", "--n", "3", "--var", "population=2", cwd=tmp_path).stdout
    assert "Kommuner, der ligner Roskilde mest (2022)" in table
    assert "Afstand" in table
    csv_text = run("similar", "0265", "--format", "csv", cwd=tmp_path).stdout
    assert csv_text.splitlines()[0].startswith("Nr.;Kode;Kommune;Afstand")
    out = tmp_path / "l.xlsx"
    run("similar", "Roskilde", "--format", "xlsx", "-o", str(out), cwd=tmp_path)
    assert load_workbook(out).sheetnames == ["Lignende kommuner", "Variabler", "Noter"]


def test_similar_cli_errors(run: Run, tmp_path: Path) -> None:
    proc = run("similar", "Roskilda", cwd=tmp_path, check=False)
    assert proc.returncode == 1
    assert "Roskilde" in proc.stderr
    region = run("similar", "Region Sjælland", cwd=tmp_path, check=False)
    assert region.returncode == 1
    assert "region" in region.stderr


def test_case_mix_from_the_register_by_hand(tmp_path: Path) -> None:
    """Roskilde on 31.12.2020: 30 immigrants (10 refugees, 20 non-Western, 15 with at most basic
    schooling of 25 known, 6 arrived after 31.12.2015) and 10 descendants (all non-Western); one
    refugee moved away in 2019 and one person of Danish origin does not count."""
    from pejling.national.frame import case_mix_values

    rows: list[PersonRow] = []
    for i in range(30):
        rows.append(
            (
                f"i{i}", date(1980, 1, 1), "immigrant", "refugee" if i < 10 else "work",
                date(2017, 1, 1) if i < 6 else date(2010, 1, 1),
                None if i >= 25 else ("basic" if i < 15 else "higher"), i < 10 or i >= 20,
            )
        )  # fmt: skip
    rows += [(f"d{i}", date(2005, 1, 1), "descendant", None, None, None, False) for i in range(10)]
    rows.append(("gone", date(1980, 1, 1), "immigrant", "refugee", date(2016, 1, 1), "none", False))
    rows.append(("dk", date(1980, 1, 1), "danish_origin", None, None, None, None))
    ws = Workspace.create(tmp_path / "ws", "t", 265)
    with Store.open(ws.db_path) as store:
        for pid, born, origin, basis, arrived, edu, western in rows:
            store.con.execute(
                "INSERT INTO persons (person_id, birth_date, sex, origin, country_of_origin, "
                "residence_basis, arrival_date, education_at_arrival, weight, western, import_id) "
                "VALUES (?, ?, 'f', ?, 'SYR', ?, ?, ?, 1, ?, 1)",
                [pid, born, origin, basis, arrived, edu, western],
            )
            end = date(2019, 6, 30) if pid == "gone" else None
            store.con.execute(
                'INSERT INTO residence_spells (person_id, municipality, start, "end", import_id) '
                "VALUES (?, 265, DATE '2000-01-01', ?, 1)",
                [pid, end],
            )
        mix = case_mix_values(store, 2020, min_persons=20)
        small = case_mix_values(store, 2020, min_persons=26)
    assert mix["refugee_share"][265].value == pytest.approx(100 * 10 / 30)
    assert mix["non_western_share"][265].value == pytest.approx(100 * 20 / 40)
    assert mix["low_education_share"][265].value == pytest.approx(100 * 15 / 25)
    assert mix["recent_arrival_share"][265].value == pytest.approx(100 * 6 / 30)
    # 25 persons with a known education are fewer than 26: no share from a group below the minimum
    assert 265 not in small["low_education_share"]
    assert 265 in small["refugee_share"]
