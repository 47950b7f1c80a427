"""The committee summary: a few generated sentences about where the policy's goals stand.

Why generated, not written: the sentences are counts of the published statuses, so they can never
disagree with the report below them; the administration's own words go in each goal's comment.
"""

from __future__ import annotations

from collections import Counter

from pejling.evaluation.status import FINAL_DIRECTION, VERDICTS, GoalStatusCode, Reason
from pejling.report.model import Report

_WHY_DA: dict[Reason, str] = {
    Reason.TOO_FEW_PERSONS: "for få personer",
    Reason.SUPPRESSED: "skjulte tal",
    Reason.ONE_POINT: "kun én måling",
    Reason.BASELINE_NOT_IN_SERIES: "intet udgangspunkt i serien",
    Reason.NO_VALUE_AT_DEADLINE: "intet tal ved fristen",
    Reason.SEVERAL_SOURCES: "flere kilder",
    Reason.SOURCE_HAS_NO_DATA: "ingen tal fra kilden",
    Reason.NO_DATA_IN_PERIOD: "ingen tal i perioden",
    Reason.METHOD: "metoden kan ikke bruges",
    Reason.TARGET_FROM_OTHER_SOURCE: "målet er sat på en anden opgørelse",
    Reason.NO_INDICATOR: "ingen indikator",
    Reason.NO_DIRECTION: "ingen retning",
}
_WHY_EN: dict[Reason, str] = {
    Reason.TOO_FEW_PERSONS: "too few persons",
    Reason.SUPPRESSED: "hidden figures",
    Reason.ONE_POINT: "only one measurement",
    Reason.BASELINE_NOT_IN_SERIES: "no baseline in the series",
    Reason.NO_VALUE_AT_DEADLINE: "no figure at the deadline",
    Reason.SEVERAL_SOURCES: "several sources",
    Reason.SOURCE_HAS_NO_DATA: "no figures from the source",
    Reason.NO_DATA_IN_PERIOD: "no figures in the period",
    Reason.METHOD: "the method does not apply",
    Reason.TARGET_FROM_OTHER_SOURCE: "the target was set on another measure",
    Reason.NO_INDICATOR: "no indicator",
    Reason.NO_DIRECTION: "no direction",
}


def _join(parts: list[str], lang: str) -> str:
    """'a', 'a og b', 'a, b og c' (Danish) or with 'and' (English)."""
    word = "and" if lang == "en" else "og"
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + f" {word} " + parts[-1]


def _goals(n: int, lang: str) -> str:
    if lang == "en":
        return f"{n} goal" if n == 1 else f"{n} goals"
    return f"{n} mål"


def summary_sentences(report: Report) -> list[str]:
    """3–5 sentences a committee member can read aloud: counts of the published statuses."""
    lang = report.lang
    en = lang == "en"
    statuses = [g.status for g in report.goals()]
    goals = [s for s in statuses if s.is_goal]
    out: list[str] = []
    period = report.as_of.label if en else report.as_of.label_da()
    if report.policy_ended:
        out.append(
            f"The policy has {_goals(len(goals), lang)} with a result target or direction; the "
            f"policy period has ended, so each goal is judged on its figure at its deadline "
            f"(as of {period})."
            if en
            else f"Politikken har {_goals(len(goals), lang)} med et resultatmål eller en retning; "
            f"politikkens periode er udløbet, så hvert mål er vurderet på tallet ved sin frist "
            f"(pr. {period})."
        )
    else:
        out.append(
            f"The policy has {_goals(len(goals), lang)} with a result target or direction, judged "
            f"as of {period}."
            if en
            else f"Politikken har {_goals(len(goals), lang)} med et resultatmål eller en retning, "
            f"vurderet pr. {period}."
        )
    counts = Counter(s.status for s in goals)
    described = {label for pair in FINAL_DIRECTION.values() for label in pair}
    parts = []
    for c in report.headline_counts():
        if c.code not in VERDICTS:
            continue
        label = c.label[0].lower() + c.label[1:]
        if c.label in described:  # what happened over an ended period, not a judgement
            parts.append(f"{c.count} {'show' if en else 'viser'} {label}")
        else:
            parts.append(f"{c.count} {label}" if en else f"{c.count} er {label}")
    if parts:
        out.append(f"Of these, {_join(parts, lang)}." if en else f"Heraf {_join(parts, lang)}.")
    unassessed = [s for s in goals if s.status is GoalStatusCode.NOT_ASSESSABLE]
    no_data = counts[GoalStatusCode.NO_DATA]
    if unassessed or no_data:
        why = Counter(s.reason_code for s in unassessed)
        names = _WHY_EN if en else _WHY_DA
        other = "other reason" if en else "anden årsag"
        reasons = [f"{names.get(r, other)} ({n})" for r, n in why.most_common()]
        if en:
            text = ""
            if unassessed:
                text = f"{_goals(len(unassessed), lang)} cannot be assessed: {_join(reasons, lang)}"
            if no_data:
                text += ("; " if text else "") + f"{_goals(no_data, lang)} without figures"
            out.append(text[0].upper() + text[1:] + ".")
        else:
            text = ""
            if unassessed:
                text = f"{len(unassessed)} mål kan ikke vurderes: {_join(reasons, lang)}"
            if no_data:
                text += ("; " if text else "") + f"{no_data} mål har endnu ingen tal"
            out.append(text + ".")
    uncertain = sum(1 for s in goals if s.uncertain and s.is_verdict)
    if uncertain:
        out.append(
            f"{uncertain} of the judgements {'is' if uncertain == 1 else 'are'} uncertain: the "
            "95 % interval of the figure contains the target, or of the change contains 0."
            if en
            else f"{uncertain} af vurderingerne er {'usikker' if uncertain == 1 else 'usikre'}: "
            "95 %-intervallet for tallet omfatter målet, eller intervallet for ændringen omfatter 0."
        )
    key = [s for s in statuses if s.is_key_figure]
    only = report.initiative_only
    if key or only:
        bits = []
        if key:
            bits.append(f"{len(key)} key figures without a target" if en
                        else f"{len(key)} nøgletal uden måltal")  # fmt: skip
        if only:
            bits.append(f"{only} initiative goals without a result target" if en
                        else f"{only} indsatsmål uden resultatmål")  # fmt: skip
        out.append(
            f"In addition, {_join(bits, lang)} are followed; they are not counted as goals."
            if en
            else f"Desuden følges {_join(bits, lang)}; de tælles ikke med som mål."
        )
    return out
