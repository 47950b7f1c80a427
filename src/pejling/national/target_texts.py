"""Danish wording of the target advisor and the similar-municipality search (made at the edge)."""

from __future__ import annotations

from pejling.formatting import fmt_number, fmt_percent, fmt_value
from pejling.groups import describe_group_da, parse_group_key
from pejling.national.changes import Scale
from pejling.national.frame import FrameVariable
from pejling.national.targets import RANGE, TargetAdvice
from pejling.reference.municipalities import name_of

NOT_COMPUTED = "ikke beregnet"


def years_da(h: float) -> str:
    """'1 år', '2 år', '2,5 år'."""
    return f"{fmt_number(h, 0 if float(h).is_integer() else 2)} år"


def value_da(value: float | None, unit: str) -> str:
    """A figure in its unit; a gap in percentage points without a sign."""
    if value is None:
        return "–"
    sign = "−" if value < 0 and round(value, 1) != 0 else ""
    if unit == "pp":
        return f"{sign}{fmt_number(abs(value), 1)} procentpoint"
    return sign + fmt_value(abs(value), unit)


def frame_value_da(var: FrameVariable, value: float | None) -> str:
    """A frame variable's figure: whole inhabitants, shares in percent, rates with a decimal."""
    if value is None:
        return "–"
    if var.unit == "percent":
        return fmt_percent(value, 1)
    if var.unit in ("count", "dkk"):
        return fmt_number(value, 0)
    return fmt_number(value, 1)


def change_da(scale: Scale, c: float, unit: str, gap: bool) -> str:
    """'et fald på 15,0 %', 'en stigning på 2,0 procentpoint', 'et fald i forskellen på …'."""
    word = "en stigning" if c > 0 else "et fald" if c < 0 else "ingen ændring"
    if c == 0:
        return word
    if gap:
        word += " i forskellen"
    if scale is Scale.RELATIVE:
        return f"{word} på {fmt_percent(abs(c), 1)}"
    size = fmt_number(abs(c), 1)
    return f"{word} på {size} procentpoint" if unit in ("percent", "pp") else f"{word} på {size}"


def history_da(a: TargetAdvice) -> str:
    """'et fald på 15,0 % over 2 år blev nået i 106 af 1.076 forløb (55 af 98 kommuner), 2012–2024'."""
    h = a.history
    if h is None or not h.windows:
        return "ingen forløb af samme længde i arbejdsområdets tal"
    gap = a.reference_group is not None
    if a.required_change is None or h.achieved_windows is None:
        return (
            f"{fmt_number(h.windows, 0)} forløb over {years_da(h.horizon)} i "
            f"{h.municipalities} kommuner, {h.first_year}–{h.last_year}"
        )
    return (
        f"{change_da(a.scale, a.required_change, a.unit, gap)} over {years_da(h.horizon)} blev "
        f"nået i {fmt_number(h.achieved_windows, 0)} af {fmt_number(h.windows, 0)} forløb "
        f"({h.achieved_municipalities} af {h.municipalities} kommuner), "
        f"{h.first_year}–{h.last_year}"
    )


def _improvement_da(a: TargetAdvice, g: float | None) -> str:
    if g is None:
        return "–"
    return change_da(a.scale, a.direction * g, a.unit, a.reference_group is not None)


def advice_lines(a: TargetAdvice) -> list[tuple[str, str]]:
    """The advice as (label, text) lines in Danish, in reading order."""
    gap = a.reference_group is not None
    group = describe_group_da(parse_group_key(a.group)) if a.group else "alle"
    if gap and a.reference_group is not None:
        group += " mod " + describe_group_da(parse_group_key(a.reference_group))
    lines: list[tuple[str, str]] = [
        ("Mål", f"{_goal_name(a)} i {a.policy_id}, {name_of(a.municipality_code)}"),
        ("Indikator", f"{a.indicator_id} – {group}" + (" (forskel)" if gap else "")),
        ("Kilde", a.series_source or "–"),
    ]
    if a.latest is not None:
        lines.append(
            ("Seneste tal", f"{value_da(a.latest.value, a.unit)} ({a.latest.period.label_da()})")
        )
    if a.start is not None and (a.latest is None or a.start.period != a.latest.period):
        lines.append(
            (
                "Regnet fra",
                f"{value_da(a.start.value, a.unit)} ({a.start.period.label_da()}, udgangspunktet)",
            )
        )
    if a.target is not None:
        due = a.deadline.label_da() if a.deadline else "–"
        met = " – allerede nået" if a.already_met else ""
        lines.append(("Målværdi", f"{value_da(a.target, a.unit)} senest {due}{met}"))
    lines.append(
        (
            "Forventet ud fra borgersammensætningen",
            NOT_COMPUTED if a.expected is None else value_da(a.expected, a.unit),
        )
    )
    if a.required_change is not None and a.horizon:
        per = a.required_per_year
        lines.append(
            (
                "Krævet ændring",
                f"{change_da(a.scale, a.required_change, a.unit, gap)} over {years_da(a.horizon)}"
                + (
                    f" ({change_da(a.scale, per, a.unit, gap)} om året)"
                    if per is not None and a.horizon != 1
                    else ""
                ),
            )
        )
    if a.history is not None:
        lines.append(("Historisk", history_da(a)))
        h = a.history
        if h.windows:
            lines.append(
                (
                    f"Ændringer over {years_da(h.horizon)}",
                    f"median {_improvement_da(a, h.quantile(0.5))}, 80. percentil "
                    f"{_improvement_da(a, h.quantile(0.8))} (i den gode retning)",
                )
            )
    if a.suggested is not None and a.start is not None:
        lo, hi = a.suggested
        lines.append(
            (
                "Forslag: ambitiøst, men realistisk",
                f"mellem {value_da(lo, a.unit)} og {value_da(hi, a.unit)} senest "
                f"{a.deadline.label_da() if a.deadline else '–'} (historiens median- og "
                f"{int(RANGE[1] * 100)}.-percentil-ændring lagt til "
                f"{value_da(a.start.value, a.unit)})",
            )
        )
    elif a.history is not None:
        lines.append(("Forslag", "intet: for få forløb, eller historien viser ingen forbedring"))
    if a.peers:
        shown = ", ".join(
            f"{p.name} {value_da(p.value, a.unit) if p.value is not None else ('for få personer' if p.too_few else '–')}"
            for p in a.peers
        )
        median = f"; median {value_da(a.peer_median, a.unit)}" if a.peer_median is not None else ""
        period = a.latest.period.label_da() if a.latest else ""
        lines.append((f"Lignende kommuner ({period})", shown + median))
    b = a.best_fifth
    if b is not None:
        rank = (
            f"; {name_of(a.municipality_code)} er nr. {b.rank} af {b.municipalities}"
            if b.rank
            else ""
        )
        better = "eller højere" if a.direction > 0 else "eller lavere"
        lines.append(
            (
                f"Bedste femtedel ({b.period})",
                f"{b.size} af {b.municipalities} kommuner har {value_da(b.threshold, a.unit)} "
                f"{better} (median {value_da(b.median, a.unit)}){rank}",
            )
        )
    lines.extend(("Bemærk", note) for note in a.notes)
    return lines


def _goal_name(a: TargetAdvice) -> str:
    return a.goal_id if a.label == a.goal_id else f"{a.label} ({a.goal_id})"
