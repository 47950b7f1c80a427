"""The comparison section's words, made from the numbers in `pejling.report.comparison`.

Shares are in percent ("45,2 %"); differences and their uncertainty in percentage points
("3,1 procentpoint", "+3,1 pct.-point" in tables), never in percent.
"""

from __future__ import annotations

from pejling.formatting import fmt_number, fmt_percent, fmt_pp
from pejling.national.frame import CASE_MIX
from pejling.report.comparison import (
    Comparison,
    ComparisonRow,
    IndicatorComparison,
    SimilarRow,
    SimilarVariable,
    SimilarView,
)
from pejling.report.texts import labels

#: English headings for the built-in frame variables (their labels in `national.frame` are Danish)
VARIABLES_EN = {
    "population": "Population",
    "non_danish_origin_share": "Imm./desc.",
    "unemployment": "Unemployment",
    "cash_benefit_per_1000": "Cash benefit/1,000",
    "income": "Income",
    "refugee_share": "Refugees",
    "non_western_share": "Non-Western",
    "low_education_share": "Low education",
    "recent_arrival_share": "Recent arrivals",
}


def _round(value: float) -> float:
    """Rounded to the shown decimal, without a negative zero ("−0,0")."""
    return round(value, 1) + 0.0


def _num(value: float, lang: str) -> str:
    return fmt_number(_round(value), 1, lang).replace("-", "−")


def title(ic: IndicatorComparison, lang: str) -> str:
    """The indicator's title in the report's language."""
    return ic.title if lang == "da" else ic.title_en


def variable_heading(v: SimilarVariable, lang: str) -> str:
    """A frame variable's column heading."""
    return v.short if lang == "da" else VARIABLES_EN.get(v.name, v.short)


def variable_value(v: SimilarVariable, value: float | None, lang: str) -> str:
    """A frame variable's figure: inhabitants as a count, shares in percent."""
    if value is None:
        return "–"
    if v.unit == "percent":
        return fmt_percent(value, 1, lang)
    if v.unit in ("count", "dkk"):
        return fmt_number(value, 0, lang)
    return fmt_number(value, 1, lang)


def similar_cells(view: SimilarView, row: SimilarRow, lang: str) -> list[str]:
    """A row of the similar-municipalities table after the name: distance, then the figures."""
    distance = "–" if row.distance is None else fmt_number(row.distance, 2, lang)
    return [distance, *(variable_value(v, x, lang) for v, x in zip(view.variables, row.values, strict=True))]  # fmt: skip


def similar_headings(view: SimilarView, lang: str) -> list[str]:
    """The similar-municipalities table's column headings after the name."""
    return [
        labels(lang)["comparison_distance"],
        *(variable_heading(v, lang) for v in view.variables),
    ]


def row_headings(lang: str) -> list[str]:
    """The benchmark table's column headings after the name (as `row_cells`)."""
    t = labels(lang)
    keys = ("comparison_observed", "comparison_expected", "comparison_difference", "interval",
            "comparison_fifth")  # fmt: skip
    return [t[k] for k in keys]


def similar_how(c: Comparison, lang: str) -> str:
    """How the similar municipalities were chosen, in one sentence."""
    t = labels(lang)
    if c.similar is None:
        return t["comparison_no_similar"].format(name=c.name)
    register = {v.name in CASE_MIX for v in c.similar.variables}
    sources = "both" if len(register) == 2 else "register" if True in register else "dst"
    return t["comparison_similar_how"].format(
        n=len(c.similar.peers), name=c.name, year=c.similar.year,
        sources=t[f"comparison_sources_{sources}"],
    )  # fmt: skip


def missing_sentence(c: Comparison, lang: str) -> str | None:
    """Why there is no comparison with the expected, in one sentence (None: there is one)."""
    if c.missing is None:
        return None
    return labels(lang)[f"comparison_{c.missing}"].format(name=c.name)


def fifth_text(row: ComparisonRow, lang: str) -> str:
    """The fifth as a table cell."""
    t = labels(lang)
    if row.hidden:
        return "–"
    if row.fifth is None:
        return t["comparison_not_ranked"]
    if row.fifth == 1:
        return t["comparison_fifth_best"]
    if row.fifth == 5:
        return t["comparison_fifth_worst"]
    return str(row.fifth)


def row_cells(row: ComparisonRow, lang: str) -> list[str]:
    """Share, expected, difference, its 95 % interval and the fifth ("–" when withheld)."""
    if row.hidden or row.observed is None:
        return ["–"] * 5
    interval = (
        f"{_num(row.interval[0], lang)} {labels(lang)['comparison_to']} {_num(row.interval[1], lang)}"
        if row.interval
        else "–"
    )
    return [
        fmt_percent(row.observed, 1, lang),
        fmt_percent(row.expected, 1, lang),
        fmt_pp(None if row.difference is None else _round(row.difference), 1, lang),
        interval,
        fifth_text(row, lang),
    ]


def sentences(ic: IndicatorComparison, name: str, lang: str) -> list[str]:
    """The plain-language reading of the municipality's benchmark."""
    t = labels(lang)
    own = ic.own
    if own is None or own.hidden or own.observed is None or own.difference is None:
        return [t["comparison_hidden"].format(name=name)]
    out = [
        t["comparison_share"].format(
            period=ic.period, name=name, observed=fmt_percent(own.observed, 1, lang),
            expected=fmt_percent(own.expected, 1, lang),
        )
    ]  # fmt: skip
    half = (own.interval[1] - own.interval[0]) / 2 if own.interval else 0.0
    diff = round(own.difference, 1)
    key = "comparison_over" if diff > 0 else "comparison_under" if diff < 0 else "comparison_at"
    out.append(
        t[key].format(
            name=name, diff=fmt_number(abs(diff), 1, lang), half=fmt_number(half, 1, lang)
        )
    )
    funnel = own.funnel or "within"
    if funnel == "within":
        out.append(t["comparison_within"].format(name=name))
    else:
        better = funnel.startswith("above") == ic.higher_better
        out.append(t["comparison_better" if better else "comparison_worse"].format(name=name))
    if not own.ranked or own.fifth is None:
        out.append(t["comparison_unranked"].format(name=name, m=ic.min_persons))
    elif own.fifth in (1, 5):
        # a fifth is decided by the point estimate; inside the funnel's limits it may be chance
        key = "comparison_best_fifth" if own.fifth == 1 else "comparison_worst_fifth"
        out.append(t[key + ("_chance" if funnel == "within" else "")].format(name=name))
    else:
        out.append(t["comparison_nth_fifth"].format(name=name, n=own.fifth))
    return out
