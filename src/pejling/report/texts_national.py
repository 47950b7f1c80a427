"""The national report's fixed wording in Danish and English (`national_report.html.j2`,
`pejling.national.report_render`); the municipal reports' words are in `pejling.report.texts`.

Why a table of its own: the national report has its own sentences (the counts of
municipalities, the comparison with the expected), and the benchmark's shared Danish names
(`pejling.national.benchmark_texts`) need English twins for `--lang en`.
"""

from __future__ import annotations

NATIONAL: dict[str, dict[str, str]] = {
    "da": {
        "title": "Statusrapport pr. {period}: {title}",
        "kicker": "Alle landets kommuner",
        "front_kicker": "Statusrapport pr. {period} – nationale mål",
        "about": "Om rapporten",
        "judged_as_of": "Vurderet pr.",
        "municipalities": "Kommuner",
        "goals": "Mål",
        "generated": "Dannet",
        "overview": "Overblik",
        "overview_text": "Hvert mål er vurderet i hver af landets {n} kommuner efter samme regler som en kommunes eget mål, mod kommunens eget udgangspunkt. Tabellen viser, hvor mange kommuner der har hver status, og hele landets egen status.",
        "counts_caption": "Antal kommuner pr. status",
        "goal": "Mål",
        "national": "Hele landet",
        "statuses_note": 'Nået betyder, at kommunen har nået målet. Et mål, der kun siger "flere" eller "færre", kan ikke nås, men er på rette vej, i risiko eller ikke på rette vej. Kan ikke vurderes: for få personer (under {m}), et diskretioneret tal eller kun én måling. Heraf usikre: kommuner, hvis 95 %-interval omfatter målet (eller, uden et mål, ingen ændring), så status kan skyldes tilfældigheder.',
        "contents": "Indhold",
        "about_figures": "Om tallene",
        "facts_of": "Fakta om {label}",
        "target": "Mål",
        "indicator": "Indikator",
        "meeting": "Kommuner, der har nået målet",
        "of": "{a} af {b}",
        "movement": "Barometerets bevægelse",
        "per_status": "Kommuner pr. status",
        "status": "Status",
        "uncertain_of": "heraf usikre",
        "comparison_heading": "Sammenligning med det forventede ({period})",
        "comparison_heading_pooled": "Sammenligning med det forventede (årgangene {period} samlet)",
        "comparison_explain": "Kommunerne modtager forskellige personer. Den <strong>forventede andel</strong> er den andel, kommunen ville have, hvis dens egne personer klarede sig som personer med samme alder, køn, herkomst, opholdsgrundlag, medbragte uddannelse og tid i landet gør i hele landet, under kommunens egen ledighed. <strong>Forskellen</strong> (faktisk minus forventet, i procentpoint) er det, kommunen opnår ud over eller under det forventede; intervallet viser usikkerheden. I tragtdiagrammet ligger kommuner uden for de stiplede 95 %-grænser mere fra det forventede, end tilfældighed og den normale forskel mellem kommuner forklarer; uden for de fuldt optrukne 99,8 %-grænser er det meget tydeligt. Der er ingen rangliste: en placering ud fra et enkelt tal lover en præcision, tallene ikke har. Rangen vises derfor som et interval, og femtedelen (1 = bedste femtedel) kun for kommuner med mindst {m} personer.",
        "pooled_note": "Én årgang er for få personer i de fleste kommuner, så sammenligningen samler årgangene {years} ({n} år). En kommune skjules også, hvis de samlede årgange minus de enkelte årgange, der er offentliggjort, ville afsløre et skjult tal.",
        "whole_population_note": "Sammenligningen gælder hele indikatorens befolkning ({title}), ikke kun målets gruppe; den forventede andel tager højde for herkomst.",
        "summary": "{above} ligger over og {below} under 95 %-grænserne, {within} inden for",
        "summary_hidden": "; {hidden} er diskretioneret",
        "summary_national": "Hele landet: {share} ({persons} personer).",
        "compare_caption": "{label}: faktisk og forventet andel i hver kommune ({period})",
        "municipality": "Kommune",
        "persons": "Personer",
        "observed": "Faktisk (%)",
        "expected": "Forventet (%)",
        "difference": "Forskel (pct.-point)",
        "interval": "95 %-interval",
        "shrunken": "Krympet skøn",
        "fifth": "Femte&shy;del",
        "rank": "Rang (95 %-interval)",
        "funnel": "Tragt",
        "hidden_row": "– (diskretioneret)",
        "no_persons_row": "– (ingen personer)",
        "munis_heading": "Kommunerne",
        "munis_caption": "{label}: hver kommunes tal og status",
        "figure": "Tal",
        "period": "Periode",
        "synthetic_note": "",
        "source": "Kilde",
        "source_text": "Målene: {document}. Tallene er beregnet af pejling fra personregisteret eller offentliggjort af den nævnte udgiver; hver kommune er vurderet på sine egne tal efter samme regler som en kommunes eget mål.",
        "disclosure": "Diskretionering",
        "disclosure_text": "Et tal, der bygger på færre end {t} personer, eller som et skjult tal kan regnes ud af, vises ikke (–) og bærer ingen vurdering. Tal på færre end {m} personer vises, men vurderes ikke. Sammenligningen med det forventede skjuler en kommune, hvis dens tal i statusopgørelsen er skjult, og – når årgange er samlet – hvis de samlede årgange minus de offentliggjorte enkelte årgange giver færre end {t} personer (med eller uden udfaldet) eller præcis én skjult årgang.",
        "model_of": "Modellen bag {label}",
        "model_period": "Periode",
        "model_persons": "Personer i modellen",
        "model_covariates": "Baggrundsforhold",
        "model_explained": "Forskellen mellem kommunerne, som baggrundsforholdene forklarer",
        "model_min": "Mindste antal personer for en rang",
        "model_ranked": "{m} ({n} kommuner rangeret)",
        "model_text": "En logistisk model over alle personer i landet uden kommunevariable giver hver persons sandsynlighed; kommunens forventede antal er summen af dens personers sandsynligheder. Krympet skøn: forskellen trukket mod 0 (det forventede), jo mere jo færre personer. Rangintervallet er fra 4.000 simulerede rangordninger. Metode og begrænsninger: docs/benchmark.md.",
        "figure_source": "Kilde: {source}.",
        "register_source": "beregnet af pejling fra personregisteret",
        "not_ranked": "ikke rangeret",
        "to": "til",
        "explained_none": "kan ikke opgøres (ingen variation ud over tilfældighed i de rå tal)",
        "movement_in": "{word} i {n}",
        "movement_suffix": " kommuner",
        "positive": "positiv",
        "negative": "negativ",
        "unchanged": "uændret",
        "one_municipality": "{n} kommune",
        "many_municipalities": "{n} kommuner",
        "map_alt_none": "Kort over kommunerne: {title}, {period}. Ingen kommune har et offentliggjort tal.",
        "map_alt": "Kort over kommunerne: {title}, {period}. {shown} af {all} kommuner har et offentliggjort tal, fra {lo} til {hi}; de øvrige er grå.",
        "funnel_alt": "Tragtdiagram: faktisk minus forventet andel i procentpoint mod antal personer for {n}. {above} ligger over og {below} under 95 %-grænserne; de øvrige inden for.",
        "site_heading": "Nationale mål",
        "site_intro": "Nationale mål vurderet i alle landets kommuner, med kort og sammenligning med det forventede.",
        "site_counts": "{goals} mål vurderet i {n} kommuner pr. {period}",
    },
    "en": {
        "title": "Status report as of {period}: {title}",
        "kicker": "All municipalities",
        "front_kicker": "Status report as of {period} – national goals",
        "about": "About the report",
        "judged_as_of": "Judged as of",
        "municipalities": "Municipalities",
        "goals": "Goals",
        "generated": "Made",
        "overview": "Overview",
        "overview_text": "Each goal is judged in each of the country's {n} municipalities by the same rules as a municipality's own goal, against the municipality's own baseline. The table shows how many municipalities have each status, and the status of Denmark as a whole.",
        "counts_caption": "Municipalities per status",
        "goal": "Goal",
        "national": "Denmark",
        "statuses_note": 'Achieved means that the municipality has reached the goal. A goal that only says "more" or "fewer" cannot be achieved, but is on track, at risk or off track. Not assessable: too few persons (fewer than {m}), a suppressed figure or only one measurement. Of which uncertain: municipalities whose 95 % interval contains the target (or, without a target, no change), so the status may be chance.',
        "contents": "Contents",
        "about_figures": "About the figures",
        "facts_of": "Facts about {label}",
        "target": "Target",
        "indicator": "Indicator",
        "meeting": "Municipalities that have achieved the goal",
        "of": "{a} of {b}",
        "movement": "Barometer movement",
        "per_status": "Municipalities per status",
        "status": "Status",
        "uncertain_of": "of which uncertain",
        "comparison_heading": "Comparison with the expected ({period})",
        "comparison_heading_pooled": "Comparison with the expected (cohorts {period} pooled)",
        "comparison_explain": "Municipalities receive different persons. The <strong>expected share</strong> is the share the municipality would have if its own persons did as persons of the same age, sex, origin, residence basis, education brought along and time in Denmark do nationally, at the municipality's own unemployment. The <strong>difference</strong> (observed minus expected, in percentage points) is what the municipality achieves beyond or below the expected; the interval shows the uncertainty. In the funnel plot, municipalities outside the dashed 95 % limits differ from the expected by more than chance and the normal variation between municipalities explain; outside the solid 99.8 % limits very clearly so. There is no league table: a place from a single figure promises a precision the figures lack. The rank is therefore shown as an interval, and the fifth (1 = the best fifth) only for municipalities with at least {m} persons.",
        "pooled_note": "One cohort is too few persons in most municipalities, so the comparison pools the cohorts {years} ({n} years). A municipality is also hidden when the pooled cohorts minus the single cohorts published would give away a hidden figure.",
        "whole_population_note": "The comparison covers the indicator's whole population ({title}), not only the goal's group; the expected share allows for origin.",
        "summary": "{above} lie above and {below} below the 95 % limits, {within} within",
        "summary_hidden": "; {hidden} are suppressed",
        "summary_national": "Denmark: {share} ({persons} persons).",
        "compare_caption": "{label}: observed and expected share in each municipality ({period})",
        "municipality": "Municipality",
        "persons": "Persons",
        "observed": "Observed (%)",
        "expected": "Expected (%)",
        "difference": "Difference (pp)",
        "interval": "95 % interval",
        "shrunken": "Shrunken estimate",
        "fifth": "Fifth",
        "rank": "Rank (95 % interval)",
        "funnel": "Funnel",
        "hidden_row": "– (suppressed)",
        "no_persons_row": "– (no persons)",
        "munis_heading": "The municipalities",
        "munis_caption": "{label}: each municipality's figure and status",
        "figure": "Figure",
        "period": "Period",
        "synthetic_note": "",
        "source": "Source",
        "source_text": "The goals: {document}. The figures are computed by pejling from the person register or published by the publisher named; each municipality is judged on its own figures by the same rules as a municipality's own goal.",
        "disclosure": "Disclosure control",
        "disclosure_text": "A figure resting on fewer than {t} persons, or from which a hidden figure could be computed, is not shown (–) and carries no verdict. Figures on fewer than {m} persons are shown but not judged. The comparison with the expected hides a municipality whose figure is hidden in the status, and — when cohorts are pooled — when the pooled cohorts minus the single cohorts published leave fewer than {t} persons (with or without the outcome) or exactly one hidden cohort.",
        "model_of": "The model behind {label}",
        "model_period": "Period",
        "model_persons": "Persons in the model",
        "model_covariates": "Background",
        "model_explained": "Variation between municipalities explained by the background",
        "model_min": "Fewest persons for a rank",
        "model_ranked": "{m} ({n} municipalities ranked)",
        "model_text": "A logistic model over all persons in the country without municipality terms gives each person's probability; a municipality's expected number is the sum of its persons' probabilities. Shrunken estimate: the difference pulled towards 0 (the expected), the more the fewer persons. The rank interval is from 4,000 simulated rankings. Method and limits: docs/benchmark.md.",
        "figure_source": "Source: {source}.",
        "register_source": "computed by pejling from the person register",
        "not_ranked": "not ranked",
        "to": "to",
        "explained_none": "cannot be estimated (no variation beyond chance in the raw figures)",
        "movement_in": "{word} in {n}",
        "movement_suffix": " municipalities",
        "positive": "positive",
        "negative": "negative",
        "unchanged": "unchanged",
        "one_municipality": "{n} municipality",
        "many_municipalities": "{n} municipalities",
        "map_alt_none": "Map of the municipalities: {title}, {period}. No municipality has a published figure.",
        "map_alt": "Map of the municipalities: {title}, {period}. {shown} of {all} municipalities have a published figure, from {lo} to {hi}; the others are grey.",
        "funnel_alt": "Funnel plot: observed minus expected share in percentage points against the number of persons for {n}. {above} lie above and {below} below the 95 % limits; the others within.",
        "site_heading": "National goals",
        "site_intro": "National goals judged in every municipality, with maps and the comparison with the expected.",
        "site_counts": "{goals} goals judged in {n} municipalities as of {period}",
    },
}

#: English twins of `pejling.national.benchmark_texts.FUNNEL_NAMES`
FUNNEL_EN = {
    "within": "within",
    "above95": "above (95 %)",
    "above998": "above (99.8 %)",
    "below95": "below (95 %)",
    "below998": "below (99.8 %)",
}
#: English twins of `pejling.national.benchmark_texts.COVARIATE_NAMES`
COVARIATES_EN = {
    "duration": "months since the programme start",
    "arrival_age": "age at arrival",
    "age": "age",
    "sex": "sex",
    "origin": "origin",
    "country_group": "country-of-origin group",
    "basis": "residence basis",
    "education": "education brought along",
    "since_arrival": "years since arrival",
    "period": "year",
    "local_unemployment": "local unemployment",
}


def national_labels(lang: str) -> dict[str, str]:
    """The national report's texts for a language (Danish unless English is asked for)."""
    return NATIONAL["en" if lang == "en" else "da"]


def funnel_name(code: str, lang: str) -> str:
    """A municipality's place in the funnel plot in words."""
    from pejling.national.benchmark_texts import FUNNEL_NAMES

    names = FUNNEL_EN if lang == "en" else FUNNEL_NAMES
    return names.get(code, code)


def covariates_text(covariates: tuple[str, ...] | list[str], lang: str) -> str:
    """The model's covariates in words, in the model's order."""
    from pejling.national.benchmark_texts import covariate_list

    if lang != "en":
        return covariate_list(covariates)
    # an interaction "origin:sex" is its parts' names joined: "origin × sex"
    return ", ".join(" × ".join(COVARIATES_EN.get(p, p) for p in c.split(":")) for c in covariates)


__all__ = [
    "COVARIATES_EN",
    "FUNNEL_EN",
    "NATIONAL",
    "covariates_text",
    "funnel_name",
    "national_labels",
]
