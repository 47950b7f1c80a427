"""Plain-language reasons, in Danish (default) and English, made from a decided `GoalStatus`.

A committee member must understand each status without knowing the method, so every reason
states the numbers it rests on: where we started and from which source, where we are, the speed
in the series' own unit (percentage points a year for shares), what the target is and what the
current pace leads to by the deadline. Nothing is decided here: the status and its reason code
come from `pejling.evaluation.evaluate`.
"""

from __future__ import annotations

from collections.abc import Mapping

from pejling.evaluation.points import REGISTER
from pejling.evaluation.status import GoalStatus, Reason, ValueAt
from pejling.formatting import fmt_number, fmt_value
from pejling.groups import describe_group_da
from pejling.periods import Period
from pejling.progress.opensdg import ProgressClass
from pejling.reference.municipalities import name_of


def source_label(series: str | None, synthetic: bool, lang: str) -> str:
    """How a series source is named in a sentence."""
    if series is None:
        return "–"
    if series == REGISTER:
        if lang == "en":
            return "the synthetic register computation" if synthetic else "the register computation"
        return "den syntetiske registeropgørelse" if synthetic else "registeropgørelsen"
    return series


def series_name(series: str, synthetic: bool, lang: str) -> str:
    """A series source as a label (for legends, table columns and fact boxes)."""
    if series == REGISTER:
        if lang == "en":
            return "Synthetic register computation" if synthetic else "Register computation"
        return "Syntetisk registeropgørelse" if synthetic else "Registeropgørelse"
    return series


def source_name(value: ValueAt | None, lang: str) -> str:
    """A figure's source as a label (capitalised, for tables and fact boxes)."""
    if value is None:
        return "–"
    if value.series == REGISTER:
        return f"{series_name(REGISTER, value.synthetic, lang)} (pejling)"
    return value.source or value.series


def _stopped(counts: Mapping[str, int], en: bool) -> str:
    """ ", 1 stopped" — only when an initiative was stopped (most policies have none)."""
    n = counts.get("stopped", 0)
    if not n:
        return ""
    return f", {n} stopped" if en else f", {n} stoppet"


def _period(p: Period | None, lang: str) -> str:
    if p is None:
        return "–"
    return p.label_da() if lang != "en" else p.label


def _v(s: GoalStatus, value: float | None, lang: str) -> str:
    return fmt_value(value, s.unit, lang)


def _at(s: GoalStatus, v: ValueAt | None, lang: str) -> str:
    if v is None:
        return "–"
    return f"{_v(s, v.value, lang)} ({_period(v.period, lang)})"


def _speed(s: GoalStatus, lang: str) -> str:
    """The change a year in the series' own unit: percentage points for shares and gaps."""
    if s.speed is None:
        return ""
    sign = "+" if s.speed > 0 else "−" if s.speed < 0 else "±"
    number = fmt_number(abs(s.speed), 1, lang)
    if s.unit in ("percent", "pp"):
        unit = "procentpoint" if lang != "en" else "percentage points"
    elif s.unit == "count":
        unit = ""
    else:
        unit = {"days": "dage", "dkk": "kr.", "per_1000": "pr. 1.000"}.get(s.unit, "")
        if lang == "en":
            unit = {"days": "days", "dkk": "DKK", "per_1000": "per 1,000"}.get(s.unit, "")
    per = "om året" if lang != "en" else "a year"
    return f"{sign}{number} {unit} {per}".replace("  ", " ")


def series_label(s: GoalStatus, lang: str) -> str:
    """'Indicator title (group)', or the gap to the reference group."""
    title = s.indicator_title if lang != "en" else (s.indicator_title_en or s.indicator_title)
    if lang == "en":
        described = ", ".join(f"{k}: {v.replace('_', ' ')}" for k, v in s.group.items()) or "all"
        text = f"{title} ({described})"
        if s.reference_group:
            ref = ", ".join(f"{k}: {v.replace('_', ' ')}" for k, v in s.reference_group.items())
            text += f" – gap to {ref}"
        return text
    text = f"{title} ({describe_group_da(s.group)})"
    if s.reference_group:
        text += f" – forskel til {describe_group_da(s.reference_group)}"
    return text


def _signed(value: float, lang: str) -> str:
    """A change with its sign, as Danes write it: +1,5 / −0,3 (a real minus sign)."""
    sign = "+" if value > 0 else "−" if value < 0 else "±"
    return f"{sign}{fmt_number(abs(value), 1, lang)}"


def _uncertain(s: GoalStatus, lang: str) -> str:
    en = lang == "en"
    if not s.uncertain:
        return ""
    unit = ""
    if s.unit in ("percent", "pp"):
        unit = " percentage points" if en else " procentpoint"
    word = "to" if en else "til"
    if s.change_interval is not None and (
        s.target_value is None
        or s.kind in ("change_pp", "change_rel", "direction")
        or s.reason_code is Reason.TRAJECTORY
    ):
        lo, hi = s.change_interval
        interval = f"{_signed(lo, lang)} {word} {_signed(hi, lang)}{unit}"
        if s.target_value is None:
            return (f" Uncertain: the 95% interval of the change ({interval}) contains 0." if en
                    else f" Usikker: 95 %-intervallet for ændringen ({interval}) omfatter 0.")  # fmt: skip
        if s.reason_code is Reason.TRAJECTORY:
            return (f" Uncertain: the 95% interval of the change so far ({interval}) contains both 0 and the change the target needs by now." if en
                    else f" Usikker: 95 %-intervallet for ændringen indtil nu ({interval}) omfatter både 0 og den ændring, målet kræver indtil nu.")  # fmt: skip
        return (f" Uncertain: the 95% interval of the change ({interval}) contains the change the target asks for." if en
                else f" Usikker: 95 %-intervallet for ændringen ({interval}) omfatter den ændring, målet kræver.")  # fmt: skip
    latest = s.latest
    if latest is None or latest.interval is None:
        return ""
    lo, hi = latest.interval
    persons = ""
    if latest.persons is not None:
        persons = (
            f"; it rests on {fmt_number(latest.persons, 0, lang)} persons"
            if en
            else f"; tallet bygger på {fmt_number(latest.persons, 0, lang)} personer"
        )
    if en:
        return (
            f" Uncertain: the 95% interval ({_v(s, lo, lang)} to {_v(s, hi, lang)}) contains "
            f"the target{persons}."
        )
    return (
        f" Usikker: 95 %-intervallet ({_v(s, lo, lang)} til {_v(s, hi, lang)}) omfatter "
        f"målet{persons}."
    )


def _policy_note(s: GoalStatus, lang: str) -> str:
    """The policy's own baseline beside the series' value when they differ in source or value."""
    pb, b = s.policy_baseline, s.baseline
    if pb is None or b is None:
        return ""
    if pb.series == b.series and abs(pb.value - b.value) < 0.05:
        return ""
    where = source_label(s.series_source, b.synthetic or s.synthetic, lang)
    judged = s.is_verdict
    if lang == "en":
        tail = ", which is what is judged" if judged else ""
        return (
            f" In the policy: {_v(s, pb.value, lang)} ({pb.source}); in {where} for "
            f"{_period(b.period, lang)}: {_v(s, b.value, lang)}{tail}."
        )
    tail = ", som er det, der vurderes på" if judged else ""
    return (
        f" I politikken: {_v(s, pb.value, lang)} ({pb.source}); i {where} for "
        f"{_period(b.period, lang)}: {_v(s, b.value, lang)}{tail}."
    )


def _milestones(s: GoalStatus, lang: str) -> str:
    parts = []
    for m in s.milestones:
        if m.final or not m.due:
            continue
        when = _period(m.deadline, lang)
        if m.met is None:
            parts.append(
                f"interim target {when} ({_v(s, m.target, lang)}): no figure"
                if lang == "en"
                else f"delmålet for {when} ({_v(s, m.target, lang)}): intet tal"
            )
        else:
            word = (
                ("met" if m.met else "not met")
                if lang == "en"
                else ("nået" if m.met else "ikke nået")
            )
            at = _at(s, m.at, lang)
            parts.append(
                f"interim target {when} ({_v(s, m.target, lang)}): {word}, {at}"
                if lang == "en"
                else f"delmålet for {when} ({_v(s, m.target, lang)}): {word}, {at}"
            )
    if not parts:
        return ""
    return " " + "; ".join(p[0].upper() + p[1:] for p in parts) + "."


def _since(s: GoalStatus, lang: str) -> str:
    if s.since is None:
        return ""
    if lang == "en":
        return f" After the deadline (not judged): {_at(s, s.since, lang)}."
    return f" Efter fristen (indgår ikke i vurderingen): {_at(s, s.since, lang)}."


def _linear(s: GoalStatus, lang: str) -> str:
    if not s.linear_rule:
        return ""
    b = s.baseline
    if s.reference_group:
        why = ("it is a difference between two groups" if lang == "en"
               else "det er en forskel mellem to grupper")  # fmt: skip
    elif b is not None and b.value == 0:
        why = "the baseline is 0" if lang == "en" else "udgangspunktet er 0"
    else:
        why = "the target is 0" if lang == "en" else "målet er 0"
    if lang == "en":
        return f" Judged by the straight-line rule, as {why} (a growth rate is meaningless)."
    return f" Vurderet med den lineære regel, fordi {why} (en vækstrate giver ikke mening)."


def _barometer(s: GoalStatus, lang: str) -> str:
    if not s.barometer_movement:
        return ""
    word, _, counts = s.barometer_movement.partition(" ")
    shown = counts.strip("()")
    if lang == "en":
        return (
            f" The Integrationsbarometer majority rule gives a {word} movement "
            f"({shown.replace('/', ' of ')} indicators have data for the base year and later)."
        )
    da_word = {"positive": "positiv", "negative": "negativ", "unchanged": "uændret"}
    return (
        f" Integrationsbarometerets flertalsregel giver en {da_word.get(word, word)} bevægelse "
        f"({shown.replace('/', ' af ')} indikatorer har data for basisåret og senere)."
    )


_CLASS_HEAD: dict[str, tuple[str, str]] = {
    ProgressClass.ON_TRACK.value: (
        "Udviklingen går den rigtige vej i det nødvendige tempo",
        "Moving in the right direction at the required pace",
    ),
    ProgressClass.MODERATE.value: (
        "Udviklingen går den rigtige vej, men for langsomt",
        "Moving in the right direction, but too slowly",
    ),
    ProgressClass.LIMITED.value: (
        "Udviklingen går kun lidt den rigtige vej",
        "Only limited progress",
    ),
    ProgressClass.DETERIORATION.value: (
        "Udviklingen går den forkerte vej",
        "Moving in the wrong direction",
    ),
}
_CLASS_WORD: dict[str, tuple[str, str]] = {
    ProgressClass.ON_TRACK.value: ("klar fremgang", "clear progress"),
    ProgressClass.MODERATE.value: ("fremgang, men svag", "progress, but weak"),
    ProgressClass.LIMITED.value: ("næsten ingen fremgang", "almost no progress"),
    ProgressClass.DETERIORATION.value: ("tilbagegang", "decline"),
}
_METHOD_WHY: dict[str, tuple[str, str]] = {
    "opposite_signs": (
        "udgangspunkt og seneste værdi har modsat fortegn",
        "base and latest values have opposite signs",
    ),
    "too_few_points": ("der er færre end to tidspunkter", "there are fewer than two time points"),
    "target_year_not_after_base": (
        "fristen ligger ikke efter udgangspunktet",
        "the deadline is not after the base",
    ),
    "target_equals_base": (
        "målet er lig med udgangspunktet",
        "the target equals the baseline",
    ),
}


def _unchanged(s: GoalStatus) -> bool:
    b, latest = s.baseline, s.latest
    return b is not None and latest is not None and abs(latest.value - b.value) < 0.05


def reason_text(s: GoalStatus, lang: str = "da") -> str:
    """The reason for a status, in Danish or English."""
    en = lang == "en"
    code = s.reason_code
    i = 1 if en else 0
    target = _v(s, s.target_value, lang)
    deadline = _period(s.target_deadline or s.deadline, lang)
    if code is Reason.INITIATIVE_ONLY:
        c: Mapping[str, int] = s.initiative_counts
        n = sum(c.values())
        if en and not n:
            return (
                f"Deliberately without a result target: {s.none_reason.rstrip('.')}. Followed "
                "through initiatives; none is listed in the policy yet."
            )
        if en:
            return (
                f"Deliberately without a result target: {s.none_reason.rstrip('.')}. Followed "
                f"through {n} initiatives ({c.get('running', 0)} running, {c.get('planned', 0)} "
                f"planned, {c.get('ended', 0)} completed{_stopped(c, en)})."
            )
        if not n:
            return (
                f"Indsatsmål uden resultatmål: {s.none_reason.rstrip('.')}. Følges via tiltag; "
                "politikken nævner endnu ingen."
            )
        return (
            f"Indsatsmål uden resultatmål: {s.none_reason.rstrip('.')}. Følges via {n} tiltag "
            f"({c.get('running', 0)} i gang, {c.get('planned', 0)} planlagt, "
            f"{c.get('ended', 0)} gennemført{_stopped(c, en)})."
        )
    if code is Reason.NO_INDICATOR:
        what = f"'{s.indicator_id}'" if s.indicator_id else ""
        return (f"Cannot be assessed: the indicator {what} is unknown or missing." if en
                else f"Målet kan ikke vurderes: indikatoren {what} er ukendt eller mangler.")  # fmt: skip
    if code is Reason.NO_DIRECTION:
        return (f"Cannot be assessed: it is not stated whether higher or lower is better for '{s.indicator_title}'." if en
                else f"Målet kan ikke vurderes: det er ikke angivet, om højere eller lavere er bedst for '{s.indicator_title}'.")  # fmt: skip
    label = series_label(s, lang)
    place = (
        name_of(s.municipality_code)
        if s.municipality_code
        else ("Denmark" if en else "hele landet")
    )
    if code is Reason.NO_DATA:
        return (f"No figures for {label} in {place} from any source in the workspace." if en
                else f"Ingen tal for {label} i {place} fra nogen kilde i arbejdsområdet.")  # fmt: skip
    if code is Reason.SEVERAL_SOURCES:
        listed = ", ".join(source_label(x, False, lang) for x in s.other_sources)
        return (f"Figures for {label} come from several sources ({listed}) and the policy does not say which the goal follows; state `source` in the policy." if en
                else f"Tallene for {label} findes fra flere kilder ({listed}), og politikken siger ikke, hvilken målet følges i; angiv `source` i politikken.")  # fmt: skip
    if code is Reason.SOURCE_HAS_NO_DATA:
        listed = ", ".join(source_label(x, False, lang) for x in s.other_sources)
        return (f"The policy follows the goal in a source with no figures; figures exist from {listed}, which are not mixed in." if en
                else f"Politikken følger målet i en kilde uden tal; der er tal fra {listed}, men de blandes ikke ind.")  # fmt: skip
    src = source_label(s.series_source, s.synthetic, lang)
    if code is Reason.NO_DATA_IN_PERIOD:
        return (f"No figure in {src} inside the policy period before the deadline; the latest is {_at(s, s.latest, lang)}. Figures from before the period are used only when the policy states a baseline." if en
                else f"Intet tal i {src} inden for politikkens periode og før fristen; det seneste er {_at(s, s.latest, lang)}. Tal fra før perioden bruges kun, når politikken angiver et udgangspunkt.")  # fmt: skip
    if code is Reason.BASELINE_NOT_IN_SERIES:
        pb = s.policy_baseline
        own = ""
        if pb is not None:
            own = (f" The policy's own figure ({_at(s, pb, lang)}, {pb.source}) is from another source and is not mixed into the series." if en
                   else f" Politikkens eget tal ({_at(s, pb, lang)}, {pb.source}) er fra en anden kilde og blandes ikke ind i serien.")  # fmt: skip
        return (f"{src[0].upper() + src[1:]} has no figure for the baseline ({_period(_baseline_period(s), lang)}).{own}" if en
                else f"{src[0].upper() + src[1:]} har intet tal for udgangspunktet ({_period(_baseline_period(s), lang)}).{own}")  # fmt: skip
    if code is Reason.ONE_POINT:
        return (f"Only one measurement in {src}: {_at(s, s.latest, lang)}; at least two are needed to judge the development.{_policy_note(s, lang)}" if en
                else f"Kun én måling i {src}: {_at(s, s.latest, lang)}; der skal mindst to til at vurdere udviklingen.{_policy_note(s, lang)}")  # fmt: skip
    if code is Reason.NO_VALUE_AT_DEADLINE:
        return (f"The deadline ({_period(s.deadline, lang)}) has passed, but {src} has no figure from the deadline or before after the baseline.{_since(s, lang)}" if en
                else f"Fristen ({_period(s.deadline, lang)}) er udløbet, men {src} har intet tal fra fristen eller før efter udgangspunktet.{_since(s, lang)}")  # fmt: skip
    numbers = f"{_at(s, s.baseline, lang)} → {_at(s, s.latest, lang)}"
    if code is Reason.TOO_FEW_PERSONS:
        few = fmt_number(s.persons, 0, lang)
        return (f"Too few persons for a verdict: the figures ({numbers}) rest on {few} persons; pejling judges only from {s.min_persons} persons." if en
                else f"For få personer til en vurdering: tallene ({numbers}) bygger på {few} personer; pejling vurderer først fra {s.min_persons} personer.")  # fmt: skip
    if code is Reason.SUPPRESSED:
        return (f"The figures the status would rest on are hidden to protect persons: they rest on, or would reveal, figures for fewer than {s.threshold} persons. So the goal is not judged." if en
                else f"Tallene, som status skulle bygge på, er skjult af hensyn til diskretionen: de bygger på, eller ville afsløre, tal for færre end {s.threshold} personer. Derfor vurderes målet ikke.")  # fmt: skip
    if code is Reason.TARGET_FROM_OTHER_SOURCE:
        pb, b = s.policy_baseline, s.baseline
        assert pb is not None
        assert b is not None
        return (f"The target ({target} by {deadline}) was set on the policy's own figure, {_at(s, pb, lang)} from {pb.source}, but {src} starts at {_at(s, b, lang)}: the two are different measures and the target cannot be applied to this series as it stands. Latest: {_at(s, s.latest, lang)}. The goal can be judged once the policy names a source matching the target, or states the target as a change." if en
                else f"Målet ({target} i {deadline}) er sat ud fra politikkens eget tal, {_at(s, pb, lang)} fra {pb.source}, men {src} starter på {_at(s, b, lang)}: det er to forskellige opgørelser, og målet kan ikke uden videre bruges på denne talrække. Seneste: {_at(s, s.latest, lang)}. Målet kan vurderes, når politikken angiver en kilde, der passer til målet, eller målet formuleres som en ændring.")  # fmt: skip
    if code is Reason.METHOD:
        why = _METHOD_WHY.get(s.method_reason or "", (s.method_reason or "?",) * 2)[i]
        return (f"The development cannot be judged by the method because {why} ({numbers})." if en
                else f"Udviklingen kan ikke vurderes med metoden, fordi {why} ({numbers}).")  # fmt: skip
    tail = (
        _policy_note(s, lang)
        + _milestones(s, lang)
        + _uncertain(s, lang)
        + _linear(s, lang)
        + _barometer(s, lang)
    )
    if code is Reason.TREND:
        if _unchanged(s):
            return (f"Key figure without a target: unchanged from {_at(s, s.baseline, lang)} to {_at(s, s.latest, lang)}.{_uncertain(s, lang)}{_since(s, lang)}" if en
                    else f"Nøgletal uden måltal: uændret fra {_at(s, s.baseline, lang)} til {_at(s, s.latest, lang)}.{_uncertain(s, lang)}{_since(s, lang)}")  # fmt: skip
        return (f"Key figure without a target: from {_at(s, s.baseline, lang)} to {_at(s, s.latest, lang)}, {_speed(s, lang)}.{_uncertain(s, lang)}{_since(s, lang)}" if en
                else f"Nøgletal uden måltal: fra {_at(s, s.baseline, lang)} til {_at(s, s.latest, lang)}, {_speed(s, lang)}.{_uncertain(s, lang)}{_since(s, lang)}")  # fmt: skip
    if code is Reason.ACHIEVED:
        return (f"Target achieved: {_at(s, s.latest, lang)} against the target {target} by {deadline}.{tail}" if en
                else f"Målet er nået: {_at(s, s.latest, lang)} mod målet {target} i {deadline}.{tail}")  # fmt: skip
    when = (f"at the end of the policy period ({deadline}; the policy gives no deadline)" if en
            else f"ved periodens udløb ({deadline}; politikken angiver ingen frist)")  # fmt: skip
    if not s.deadline_from_period:
        when = f"by the deadline ({deadline})" if en else f"ved fristen ({deadline})"
    if code is Reason.DEADLINE_MET:
        return (f"The target was reached {when}: {_at(s, s.latest, lang)} against {target}.{tail}{_since(s, lang)}" if en
                else f"Målet blev nået {when}: {_at(s, s.latest, lang)} mod målet {target}.{tail}{_since(s, lang)}")  # fmt: skip
    if code is Reason.DEADLINE_MISSED:
        return (f"The target was not reached {when}: {_at(s, s.latest, lang)} against {target}.{tail}{_since(s, lang)}" if en
                else f"Målet blev ikke nået {when}: {_at(s, s.latest, lang)} mod målet {target}.{tail}{_since(s, lang)}")  # fmt: skip
    if code is Reason.MILESTONE_MET:
        final = next((m for m in s.milestones if m.final), None)
        rest = ""
        if final is not None:
            rest = (f"; the final target is {_v(s, final.target, lang)} by {_period(final.deadline, lang)}" if en
                    else f"; slutmålet er {_v(s, final.target, lang)} i {_period(final.deadline, lang)}")  # fmt: skip
        return (f"The next interim target ({target} by {deadline}) is already reached with {_at(s, s.latest, lang)}{rest}.{tail}" if en
                else f"Det næste delmål ({target} i {deadline}) er allerede nået med {_at(s, s.latest, lang)}{rest}.{tail}")  # fmt: skip
    pace = f"{_at(s, s.baseline, lang)} → {_at(s, s.latest, lang)}, {_speed(s, lang)}"
    if code is Reason.TRAJECTORY:
        head = _CLASS_HEAD.get(s.progress_class or "", ("", ""))[i]
        proj = ""
        if s.projection is not None:
            proj = (f"; at this pace {_v(s, s.projection, lang)} by {deadline}" if en
                    else f"; med det tempo nås {_v(s, s.projection, lang)} i {deadline}")  # fmt: skip
            if s.projection_capped:
                proj = (f"; at this pace the figure would reach its limit ({_v(s, s.projection, lang)}) before {deadline}" if en
                        else f"; med det tempo ville tallet nå grænsen ({_v(s, s.projection, lang)}) før {deadline}")  # fmt: skip
        kind = "the interim target" if en else "delmålet"
        if not any(not m.final and m.deadline == s.target_deadline for m in s.milestones):
            kind = "the target" if en else "målet"
        return (f"{head}: {pace}{proj}; {kind} is {target} by {deadline}.{tail}" if en
                else f"{head}: {pace}{proj}; {kind} er {target} i {deadline}.{tail}")  # fmt: skip
    # Reason.DIRECTION
    word = _CLASS_WORD.get(s.progress_class or "", ("", ""))[i]
    at_end = ""
    if s.final:
        at_end = (f" at the end of the period ({_period(s.deadline, lang)})" if en
                  else f" ved periodens udløb ({_period(s.deadline, lang)})")  # fmt: skip
    head = (f"Without a target only the direction is judged{at_end}" if en
            else f"Uden måltal vurderes kun retningen{at_end}")  # fmt: skip
    if s.at_limit:
        return (f"{head}: unchanged at the highest possible level, {_at(s, s.latest, lang)} (since {_period(s.baseline.period if s.baseline else None, lang)}).{tail}{_since(s, lang)}" if en
                else f"{head}: uændret på det højest mulige niveau, {_at(s, s.latest, lang)} (siden {_period(s.baseline.period if s.baseline else None, lang)}).{tail}{_since(s, lang)}")  # fmt: skip
    if _unchanged(s):
        return (f"{head}: unchanged from {_at(s, s.baseline, lang)} to {_at(s, s.latest, lang)} ({word}).{tail}{_since(s, lang)}" if en
                else f"{head}: uændret fra {_at(s, s.baseline, lang)} til {_at(s, s.latest, lang)} ({word}).{tail}{_since(s, lang)}")  # fmt: skip
    return f"{head}: {pace} ({word}).{tail}{_since(s, lang)}"


def _baseline_period(s: GoalStatus) -> Period | None:
    if s.baseline_date is not None:
        return s.baseline_date
    return s.baseline.period if s.baseline is not None else None


def short_reason(s: GoalStatus, lang: str = "da") -> str:
    """One sentence for the overview: the fact the status rests on (the label says the rest)."""
    en = lang == "en"
    target = _v(s, s.target_value, lang)
    deadline = _period(s.target_deadline or s.deadline, lang)
    code = s.reason_code
    if code is Reason.INITIATIVE_ONLY:
        n = sum(s.initiative_counts.values())
        if not n:
            return (
                "Followed through initiatives; none is listed in the policy yet."
                if en
                else "Følges via tiltag; politikken nævner endnu ingen."
            )
        return f"Followed through {n} initiatives." if en else f"Følges via {n} tiltag."
    if code in (Reason.DEADLINE_MET, Reason.DEADLINE_MISSED, Reason.ACHIEVED, Reason.MILESTONE_MET):
        return (
            f"{_at(s, s.latest, lang)} against the target {target} by {deadline}."
            if en
            else f"{_at(s, s.latest, lang)} mod målet {target} i {deadline}."
        )
    if code is Reason.TRAJECTORY:
        return (
            f"{_at(s, s.baseline, lang)} → {_at(s, s.latest, lang)}; the target is {target} by "
            f"{deadline}."
            if en
            else f"{_at(s, s.baseline, lang)} → {_at(s, s.latest, lang)}; målet er {target} i "
            f"{deadline}."
        )
    if code in (Reason.DIRECTION, Reason.TREND):
        speed = _speed(s, lang)
        return f"{_at(s, s.baseline, lang)} → {_at(s, s.latest, lang)}" + (
            f" ({speed})." if speed else "."
        )
    if code is Reason.TOO_FEW_PERSONS:
        few = fmt_number(s.persons, 0, lang)
        return (
            f"The figures rest on {few} persons (at least {s.min_persons} are needed)."
            if en
            else f"Tallene bygger på {few} personer (der skal mindst {s.min_persons} til)."
        )
    if code is Reason.TARGET_FROM_OTHER_SOURCE:
        pb = s.policy_baseline
        return (
            f"The target was set on another measure ({_v(s, pb.value if pb else None, lang)} in "
            f"the policy, {_v(s, s.baseline.value if s.baseline else None, lang)} here)."
            if en
            else f"Målet er sat på en anden opgørelse ({_v(s, pb.value if pb else None, lang)} i "
            f"politikken, {_v(s, s.baseline.value if s.baseline else None, lang)} her)."
        )
    if code is Reason.SUPPRESSED:
        return (
            "The figures are hidden to protect persons (disclosure control)."
            if en
            else "Tallene er skjult af hensyn til diskretionen."
        )
    if code is Reason.ONE_POINT:
        return (
            f"Only one measurement: {_at(s, s.latest, lang)}."
            if en
            else f"Kun én måling: {_at(s, s.latest, lang)}."
        )
    if code is Reason.NO_DATA:
        return "No figures yet." if en else "Der er ingen tal endnu."
    full = reason_text(s, lang)
    first = full.split(". ", 1)[0]
    return first if first.endswith(".") else first + "."
