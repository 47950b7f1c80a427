"""Danish texts for lint findings: what is wrong and what to do, in plain words.

The rules write English messages for `pejling lint` (with file:line and the technical detail);
the web editor shows these texts next to the field a finding concerns and keeps the English
message as the detail. One text per rule in `RULES`, and one per kind of schema problem
(tests check that none is missing).
"""

from __future__ import annotations

from pejling.spec.lint.issue import LintIssue

#: rule id → (what is wrong, what to do)
RULE_TEXTS: dict[str, tuple[str, str]] = {
    "schema": (
        "Feltet følger ikke politikformatet.",
        "Ret værdien, så den har den form, feltet kræver.",
    ),
    "duplicate-id": (
        "To temaer, mål eller tiltag har samme id.",
        "Giv hvert tema, mål og tiltag sit eget id.",
    ),
    "no-indicator": (
        "Målet har et måltal, men ingen indikator, så det kan ikke følges.",
        "Vælg den indikator, målet måles på.",
    ),
    "unknown-indicator": (
        "Indikatoren findes ikke i indikatorkataloget.",
        "Ret id'et til en indikator fra kataloget (se 'pejling indicators').",
    ),
    "no-direction": (
        "Hverken måltallet eller indikatoren siger, om højere eller lavere er bedst.",
        "Angiv retning: højere eller lavere er bedst.",
    ),
    "target-against-direction": (
        "Måltallet peger den forkerte vej i forhold til udgangspunktet og målets retning.",
        "Tjek måltallet og retningen: et mål skal være bedre end udgangspunktet.",
    ),
    "deadline-after-period": (
        "Fristen ligger efter politikkens periode.",
        "Flyt fristen ind i perioden, eller forlæng perioden.",
    ),
    "deadline-before-baseline": (
        "Fristen ligger ikke efter udgangspunktet.",
        "Sæt en frist, der ligger efter udgangspunktets tidspunkt.",
    ),
    "baseline-outside-plausible": (
        "Tallet er en andel i procent og skal ligge mellem 0 og 100.",
        "Skriv en værdi mellem 0 og 100.",
    ),
    "unknown-initiative": (
        "Målet henviser til et tiltag, der ikke findes i politikken.",
        "Ret henvisningen, eller opret tiltaget.",
    ),
    "unknown-goal": (
        "Tiltaget henviser til et mål, der ikke findes i politikken.",
        "Ret henvisningen til id'et på et mål i politikken.",
    ),
    "initiative-dates": (
        "Tiltaget slutter, før det begynder.",
        "Ret start eller slut, så slut ligger efter start.",
    ),
    "period-order": (
        "Politikkens periode slutter, før den begynder.",
        "Ret periodens start eller slut.",
    ),
    "unknown-accepted-rule": (
        "En accept nævner en regel, der ikke findes.",
        "Brug id'et på en af reglerne i politikformatet.",
    ),
    "duplicate-policy-id": (
        "En anden politikfil har samme id.",
        "Giv hver politik sit eget id.",
    ),
    "interim-order": (
        "Delmålene ligger ikke i tidsrækkefølge mellem udgangspunktet og fristen.",
        "Sæt delmålene i rækkefølge, ældste først, og før målets frist.",
    ),
    "source-not-stated": (
        "Indikatoren findes i flere kilder, og målet siger ikke, hvilken det følges på.",
        "Angiv kilden (register eller udgiveren), målet følges på.",
    ),
    "direction-only": (
        "Målet siger kun 'flere' eller 'færre' og kan hverken nås eller misses.",
        "Sæt et måltal og en frist.",
    ),
    "no-baseline": (
        "Målet har intet udgangspunkt, så fremskridt ikke kan vurderes.",
        "Angiv udgangspunktets værdi, tidspunkt og kilde.",
    ),
    "no-deadline": (
        "Målet har ingen frist; politikperiodens slutning bruges.",
        "Angiv en frist.",
    ),
    "no-measurement": (
        "Målet siger ikke, hvor ofte og hvorfra det måles.",
        "Angiv målemetode: hyppighed og kilde.",
    ),
    "none-without-initiatives": (
        "Et mål uden måltal har ingen tiltag knyttet til sig.",
        "Knyt de tiltag til målet, der skal bære det.",
    ),
    "target-rarely-reached": (
        "Historikken viser, at så stor en ændring næsten aldrig nås.",
        "Overvej et mere realistisk måltal, eller begrund det.",
    ),
    "target-already-met": (
        "Kommunen opfylder allerede måltallet.",
        "Overvej et mere ambitiøst måltal.",
    ),
    "baseline-value-from-data": (
        "Udgangspunktets værdi læses fra data.",
        "Intet at gøre, hvis det er meningen.",
    ),
    "too-many-goals": (
        "Politikken har mange mål; få og klare mål er lettere at følge.",
        "Overvej at samle eller prioritere målene.",
    ),
    "theme-without-goals": (
        "Temaet har hverken mål eller nøgletal.",
        "Tilføj et mål, eller fjern temaet.",
    ),
    "no-adoption-date": (
        "Politikken siger ikke, hvornår den blev vedtaget.",
        "Angiv datoen for byrådets vedtagelse.",
    ),
    "initiative-without-goal": (
        "Tiltaget er ikke knyttet til noget mål.",
        "Knyt tiltaget til de mål, det skal flytte.",
    ),
}

#: schema problem kind → (what is wrong, what to do); `{key}` is the field's key
SCHEMA_TEXTS: dict[str, tuple[str, str]] = {
    "missing-key": ("Feltet '{key}' mangler.", "Udfyld feltet."),
    "unknown-key": (
        "Feltet '{key}' findes ikke i politikformatet.",
        "Fjern feltet, eller ret navnet.",
    ),
    "bad-value": (
        "Værdien kan ikke bruges her.",
        "Ret værdien: et tal, en dato eller en periode (fx 2025 eller 2025H2) som feltet kræver.",
    ),
    "enum": ("Værdien er ikke en af de tilladte.", "Vælg en af de tilladte værdier."),
    "syntax": (
        "Teksten er ikke gyldig YAML.",
        "Tjek indrykning, koloner og anførselstegn.",
    ),
}


def text_da(issue: LintIssue) -> str:
    """The Danish text of a finding: what is wrong and what to do."""
    if issue.rule == "schema":
        wrong, todo = SCHEMA_TEXTS.get(issue.code, RULE_TEXTS["schema"])
        key = str(issue.path[-1]) if issue.path else ""
        if "{key}" in wrong and not key:
            wrong, todo = RULE_TEXTS["schema"]
        return f"{wrong.format(key=key)} {todo}"
    wrong, todo = RULE_TEXTS.get(issue.rule, ("", ""))
    if not wrong:
        return issue.message
    text = f"{wrong} {todo}"
    if issue.accepted:
        text += f" (Accepteret i politikken: {issue.accepted})"
    return text


SEVERITY_DA = {"error": "Fejl", "warning": "Advarsel", "info": "Bemærkning"}
