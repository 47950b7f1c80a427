"""Plain-language reasons, in Danish (default) and English.

A committee member must understand each status without knowing the method, so every reason
states the numbers it rests on: where we started, where we are, what the target is and what the
current pace leads to by the deadline.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from pejling.evaluation.points import Point
from pejling.formatting import fmt_number, fmt_value
from pejling.groups import describe_group_da
from pejling.periods import Period
from pejling.progress.opensdg import ProgressClass, ProgressResult
from pejling.reference.municipalities import name_of
from pejling.spec.indicator import IndicatorSpec

Pair = tuple[str, str]
Formatter = Callable[[float | None, str], str]


def _interval_text(interval: tuple[float, float] | None, fmt: Formatter, lang: str) -> str:
    if interval is None:
        return ""
    return f"{fmt(interval[0], lang)}–{fmt(interval[1], lang)}"


class Texts:
    """Reason builders. Each returns (Danish, English)."""

    @dataclass(frozen=True)
    class Numbers:
        """The numbers a reason talks about."""

        fmt: Formatter
        base: Point
        latest: Point
        target: float | None
        deadline: Period | None
        label: str

        def b(self, lang: str) -> str:
            return f"{self.fmt(self.base.value, lang)} ({self.base.period.label_da() if lang == 'da' else self.base.period.label})"

        def l(self, lang: str) -> str:  # noqa: E743 - short name reads well in templates
            return f"{self.fmt(self.latest.value, lang)} ({self.latest.period.label_da() if lang == 'da' else self.latest.period.label})"

        def t(self, lang: str) -> str:
            return self.fmt(self.target, lang)

        def dl(self, lang: str) -> str:
            if self.deadline is None:
                return "–"
            return self.deadline.label_da() if lang == "da" else self.deadline.label

    @staticmethod
    def formatter(unit: str) -> Formatter:
        """A value formatter for a unit, taking (value, lang)."""
        return lambda value, lang: fmt_value(value, unit, lang)

    @staticmethod
    def series_label(
        spec: IndicatorSpec, group: Mapping[str, str], reference: Mapping[str, str] | None
    ) -> str:
        """'Indicator title — group' (or the gap to the reference group)."""
        text = f"{spec.title} ({describe_group_da(group)})"
        if reference:
            text += f" – forskel til {describe_group_da(reference)}"
        return text

    @staticmethod
    def _uncertain(uncertain: bool, interval: tuple[float, float] | None, n: Numbers) -> Pair:
        if not uncertain or interval is None:
            return "", ""
        count = ""
        count_en = ""
        if n.latest.denominator is not None:
            count = f"; tallet bygger på {fmt_number(n.latest.denominator, 0)} personer"
            count_en = f"; it rests on {fmt_number(n.latest.denominator, 0, 'en')} persons"
        return (
            f" Status er usikker: 95 %-intervallet for seneste værdi ({_interval_text(interval, n.fmt, 'da')}) "
            f"omfatter målet{count}.",
            f" The status is uncertain: the 95% interval of the latest value ({_interval_text(interval, n.fmt, 'en')}) "
            f"contains the target{count_en}.",
        )

    @staticmethod
    def achieved(n: Numbers, uncertain: bool, interval: tuple[float, float] | None) -> Pair:
        ud, ue = Texts._uncertain(uncertain, interval, n)
        return (
            f"Målet er nået: seneste værdi er {n.l('da')} mod målet {n.t('da')}.{ud}",
            f"Target achieved: latest value {n.l('en')} against the target {n.t('en')}.{ue}",
        )

    @staticmethod
    def deadline_passed(n: Numbers, uncertain: bool, interval: tuple[float, float] | None) -> Pair:
        ud, ue = Texts._uncertain(uncertain, interval, n)
        return (
            f"Fristen ({n.dl('da')}) er nået, og målet er ikke nået: seneste værdi er {n.l('da')} mod målet {n.t('da')}.{ud}",
            f"The deadline ({n.dl('en')}) has come and the target was not reached: latest {n.l('en')} against {n.t('en')}.{ue}",
        )

    @staticmethod
    def one_point(n: Numbers) -> Pair:
        return (
            f"Kun én måling ({n.l('da')}); der skal mindst to målinger til at vurdere udviklingen.",
            f"Only one measurement ({n.l('en')}); at least two are needed to assess the trend.",
        )

    @staticmethod
    def trajectory(
        r: ProgressResult,
        n: Numbers,
        proj: float | None,
        uncertain: bool,
        interval: tuple[float, float] | None,
    ) -> Pair:
        ud, ue = Texts._uncertain(uncertain, interval, n)
        pace_da = f"fra {n.b('da')} til {n.l('da')}"
        pace_en = f"from {n.b('en')} to {n.l('en')}"
        proj_da = (
            f"; med det nuværende tempo nås {n.fmt(proj, 'da')} ved fristen ({n.dl('da')})"
            if proj is not None
            else ""
        )
        proj_en = (
            f"; at the current pace {n.fmt(proj, 'en')} by the deadline ({n.dl('en')})"
            if proj is not None
            else ""
        )
        goal_da = f", målet er {n.t('da')}."
        goal_en = f", the target is {n.t('en')}."
        c = r.progress_class
        if c is ProgressClass.ON_TRACK:
            head = (
                "Udviklingen går den rigtige vej i det nødvendige tempo: ",
                "Moving in the right direction at the required pace: ",
            )
        elif c is ProgressClass.MODERATE:
            head = (
                "Udviklingen går den rigtige vej, men for langsomt: ",
                "Moving in the right direction, but too slowly: ",
            )
        elif c is ProgressClass.LIMITED:
            head = ("Udviklingen går kun lidt den rigtige vej: ", "Only limited progress: ")
        elif c is ProgressClass.DETERIORATION:
            head = ("Udviklingen går den forkerte vej: ", "Moving in the wrong direction: ")
        else:
            return Texts.not_assessable(r, n)
        return head[0] + pace_da + proj_da + goal_da + ud, head[
            1
        ] + pace_en + proj_en + goal_en + ue

    @staticmethod
    def direction_only(r: ProgressResult, n: Numbers, barometer: str | None) -> Pair:
        if r.progress_class is ProgressClass.NOT_ASSESSABLE:
            return Texts.not_assessable(r, n)
        cagr = r.value if r.value is not None else 0.0
        rate_da = f"{fmt_number(cagr * 100, 1)} % om året i den ønskede retning"
        rate_en = f"{fmt_number(cagr * 100, 1, 'en')}% a year in the desired direction"
        words = {
            ProgressClass.ON_TRACK: ("klar fremgang", "clear progress"),
            ProgressClass.MODERATE: ("fremgang, men svag", "progress, but weak"),
            ProgressClass.LIMITED: ("næsten ingen fremgang", "almost no progress"),
            ProgressClass.DETERIORATION: ("tilbagegang", "decline"),
        }[r.progress_class]
        baro_da = baro_en = ""
        if barometer:
            word, _, counts = barometer.partition(" ")
            da_word = {"positive": "positiv", "negative": "negativ", "unchanged": "uændret"}
            shown = counts.strip("()").replace("/", " af ")
            baro_da = (
                f" Integrationsbarometerets flertalsregel giver en {da_word.get(word, word)} "
                f"bevægelse ({shown} indikatorer har data for basisåret og senere)."
            )
            baro_en = (
                f" The Integrationsbarometer majority rule gives a {word} movement "
                f"({counts.strip('()').replace('/', ' of ')} indicators have data for the base "
                "year and later)."
            )
        return (
            f"Uden måltal vurderes kun retningen: fra {n.b('da')} til {n.l('da')} er {rate_da} ({words[0]}).{baro_da}",
            f"Without a target only the direction is assessed: from {n.b('en')} to {n.l('en')} is {rate_en} ({words[1]}).{baro_en}",
        )

    @staticmethod
    def not_assessable(r: ProgressResult, n: Numbers) -> Pair:
        why = {
            "opposite_signs": (
                "udgangspunkt og seneste værdi har modsat fortegn",
                "base and latest values have opposite signs",
            ),
            "too_few_points": (
                "der er færre end to tidspunkter",
                "there are fewer than two time points",
            ),
            "target_year_not_after_base": (
                "fristen ligger ikke efter udgangspunktet",
                "the deadline is not after the base",
            ),
        }.get(r.reason or "", (r.reason or "?", r.reason or "?"))
        return (
            f"Udviklingen kan ikke vurderes med metoden, fordi {why[0]} ({n.b('da')} → {n.l('da')}).",
            f"The trend cannot be assessed because {why[1]} ({n.b('en')} → {n.l('en')}).",
        )

    @staticmethod
    def key_figure_plain(n: Numbers) -> Pair:
        return (
            f"Nøgletal uden retning eller med én måling: seneste værdi {n.l('da')}.",
            f"Key figure without a direction or with one measurement: latest {n.l('en')}.",
        )

    @staticmethod
    def no_data(label: str, municipality: int) -> Pair:
        return (
            f"Ingen observationer af {label} for {name_of(municipality)}: data er ikke indlæst endnu.",
            f"No observations of {label} for {name_of(municipality)}: data not imported yet.",
        )

    @staticmethod
    def baseline_missing(period: Period) -> Pair:
        return (
            f"Udgangspunktet ({period.label_da()}) er ikke angivet i politikken og findes ikke i data.",
            f"The baseline ({period.label}) is not stated in the policy and is not in the data.",
        )

    @staticmethod
    def no_indicator(indicator_id: str | None) -> Pair:
        what = f"'{indicator_id}' er ukendt" if indicator_id else "mangler"
        what_en = f"'{indicator_id}' is unknown" if indicator_id else "is missing"
        return (
            f"Målet kan ikke vurderes: indikatoren {what}.",
            f"Cannot be assessed: the indicator {what_en}.",
        )

    @staticmethod
    def no_direction(title: str) -> Pair:
        return (
            f"Målet kan ikke vurderes: det er ikke angivet, om højere eller lavere er bedst for '{title}'.",
            f"Cannot be assessed: it is not stated whether higher or lower is better for '{title}'.",
        )

    @staticmethod
    def initiative_only(reason: str, n: int, counts: Mapping[str, int]) -> Pair:
        return (
            f"Bevidst uden resultatmål: {reason}. Følges via {n} tiltag "
            f"({counts['running']} i gang, {counts['planned']} planlagt, {counts['ended']} afsluttet).",
            f"Deliberately without a result target: {reason}. Followed through {n} initiatives "
            f"({counts['running']} running, {counts['planned']} planned, {counts['ended']} ended).",
        )
