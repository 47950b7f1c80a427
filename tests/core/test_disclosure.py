"""Disclosure control: small cells hidden, and no hidden cell recoverable by subtraction."""

from __future__ import annotations

import itertools
import random

import pytest

from pejling.disclosure import Cell, group_relations, is_primary, suppress


def share(num: float, den: float) -> Cell:
    return Cell(num, den, 100 * num / den if den else None)


@pytest.mark.parametrize(
    ("cell", "hidden"),
    [
        (share(0, 40), False),  # nobody: published
        (share(3, 40), True),  # 3 persons counted
        (share(38, 40), True),  # 2 persons not counted
        (share(20, 40), False),
        (share(2, 4), True),  # population of 4
        (share(0, 4), True),
        (Cell(3, None, 3), True),  # a count of 3 persons
        (Cell(0, None, 0), False),
        (Cell(12, None, 12), False),
    ],
)
def test_primary_rule(cell: Cell, hidden: bool) -> None:
    assert is_primary(cell, 5) is hidden


def test_threshold_from_settings() -> None:
    assert is_primary(share(6, 40), 7)
    assert not is_primary(share(6, 40), 5)


def test_one_hidden_part_forces_a_second() -> None:
    cells = {"": share(30, 100), "sex=m": share(28, 60), "sex=f": share(2, 40)}
    out = suppress(cells, [["", "sex=m", "sex=f"]])
    assert out["sex=f"].reason == "primary"
    # women = all − men: so men must go too (the total is the last visible cell → stays)
    assert out["sex=m"].suppressed
    assert out["sex=m"].reason == "secondary"
    assert not out[""].suppressed
    assert out["sex=m"].value is None  # shown as suppressed, never as zero


def test_secondary_suppression_cascades_across_relations() -> None:
    cells = {
        "": share(50, 200),
        "origin=danish_origin": share(30, 120),
        "origin=immigrant": share(18, 76),
        "origin=descendant": share(2, 4),  # primary
        "sex=m": share(25, 100),
        "sex=f": share(25, 100),
        "origin=descendant;sex=m": share(1, 2),  # primary
        "origin=descendant;sex=f": share(1, 2),  # primary
    }
    out = suppress(cells, group_relations(cells))
    hidden = {k for k, c in out.items() if c.suppressed}
    assert {"origin=descendant", "origin=descendant;sex=m", "origin=descendant;sex=f"} <= hidden
    # the origin partition had one hidden part → its smallest visible part goes too
    assert "origin=immigrant" in hidden
    assert_safe(cells, out, group_relations(cells))


def assert_safe(cells: dict[str, Cell], out: dict[str, Cell], relations: list[list[str]]) -> None:
    for rel in relations:
        assert sum(out[k].suppressed for k in rel) != 1, rel
    for key, cell in cells.items():
        if is_primary(cell, 5):
            assert out[key].suppressed, key


def test_municipalities_and_the_national_total() -> None:
    cells = {0: share(100, 1000), 101: share(60, 600), 265: share(38, 396), 326: share(2, 4)}
    out = suppress(cells, [[0, 101, 265, 326]])
    assert out[326].suppressed
    assert out[265].suppressed  # the smallest other municipality
    assert not out[101].suppressed
    assert not out[0].suppressed


def test_random_tables_never_leave_a_single_hidden_cell() -> None:
    rng = random.Random(7)
    for _ in range(200):
        sexes = {s: rng.randint(0, 30) for s in ("m", "f")}
        origins = ["danish_origin", "immigrant", "descendant"]
        cells: dict[str, Cell] = {}
        total_num = total_den = 0.0
        for origin, sex in itertools.product(origins, sexes):
            den = rng.choice([0, 1, 3, 4, 6, 10, 40])
            num = rng.randint(0, den)
            if den:
                cells[f"origin={origin};sex={sex}"] = share(num, den)
            total_num += num
            total_den += den
        for origin in origins:
            parts = [c for k, c in cells.items() if k.startswith(f"origin={origin};")]
            part_num = sum(float(c.numerator or 0) for c in parts)
            part_den = sum(float(c.denominator or 0) for c in parts)
            if part_den:
                cells[f"origin={origin}"] = share(part_num, part_den)
        for sex in sexes:
            parts = [c for k, c in cells.items() if k.endswith(f";sex={sex}")]
            part_num = sum(float(c.numerator or 0) for c in parts)
            part_den = sum(float(c.denominator or 0) for c in parts)
            if part_den:
                cells[f"sex={sex}"] = share(part_num, part_den)
        if total_den:
            cells[""] = share(total_num, total_den)
        relations = group_relations(cells)
        out = suppress(cells, relations)
        assert_safe(cells, out, relations)


def test_bad_threshold() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        suppress({}, [], threshold=0)


def test_parts_without_their_total_are_not_linked() -> None:
    # A goal shows non-Western pupils beside pupils of Danish origin, but not all pupils: hiding
    # the Danish-origin figure cannot be undone from the other group, so it stays alone.
    cells = {"origin=danish_origin": share(98, 100), "origin=non_western": share(40, 50)}
    relations = group_relations(cells)
    assert relations == []
    out = suppress(cells, relations)
    assert out["origin=danish_origin"].suppressed
    assert not out["origin=non_western"].suppressed
    # with the total published, the remaining parts are linked (an absent part may be empty)
    cells[""] = share(140, 155)
    assert ["", "origin=danish_origin", "origin=non_western"] in group_relations(cells)
