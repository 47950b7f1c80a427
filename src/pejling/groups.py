"""Population groups: the breakdowns an observation or a goal refers to.

A group is a small mapping such as `{origin: non_western, sex: f}`. It is stored in one canonical
text form (`origin=non_western;sex=f`, keys sorted, empty for the whole population) so that
observations, goals and SQL can match groups by equality.

Origin values follow Statistics Denmark's definitions (see docs/glossary.md): immigrants and
descendants, Western and non-Western countries, and the MENAPT subgroup.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from pejling.suggest import did_you_mean

ORIGIN_VALUES: dict[str, str] = {
    "danish_origin": "personer med dansk oprindelse",
    "immigrant": "indvandrere",
    "descendant": "efterkommere",
    "immigrant_descendant": "indvandrere og efterkommere",
    "western": "indvandrere og efterkommere med vestlig oprindelse",
    "non_western": "indvandrere og efterkommere med ikke-vestlig oprindelse",
    "western_immigrant": "indvandrere fra vestlige lande",
    "non_western_immigrant": "indvandrere fra ikke-vestlige lande",
    "non_western_descendant": "efterkommere fra ikke-vestlige lande",
    "non_western_immigrant_arrived_0_12": "indvandrere (ankommet som 0-12-årige) fra ikke-vestlige lande",
    "non_western_arrived_0_12_or_descendant": (
        "indvandrere (ankommet som 0-12-årige) og efterkommere med ikke-vestlig oprindelse"
    ),
    "menapt": "indvandrere og efterkommere fra MENAPT-lande",
    "minority": "borgere med minoritetsbaggrund (indvandrere og efterkommere)",
}

SEX_VALUES: dict[str, str] = {"m": "mænd", "f": "kvinder"}

TARGET_GROUP_VALUES: dict[str, str] = {
    "refugees": "flygtninge",
    "refugees_and_reunified": "flygtninge og familiesammenførte til flygtninge",
    "programme_participants": "borgere omfattet af integrationsprogrammet",
    "programme_benefit_recipients": "ydelsesmodtagere under integrationsprogrammet",
    "course_participants": "kursister på danskuddannelse",
}

#: Allowed keys and, where the values form a closed list, those values.
DIMENSIONS: dict[str, dict[str, str] | None] = {
    "origin": ORIGIN_VALUES,
    "sex": SEX_VALUES,
    "target_group": TARGET_GROUP_VALUES,
    "age": None,  # e.g. 20-24, 25-64
    "cohort": None,  # e.g. 2016-2018 (programme ended in those years)
    "unit": None,  # a local unit counted by a count goal, e.g. a library
}

_AGE = re.compile(r"^\d{1,3}(-\d{1,3})?\+?$")
_COHORT = re.compile(r"^\d{4}(-\d{4})?$|^\d{4}(H[12]|Q[1-4])(-\d{4}(H[12]|Q[1-4]))?$")


def validate_group(group: Mapping[str, object]) -> dict[str, str]:
    """Check keys and values; return a plain str→str dict. Raise ValueError with a hint."""
    clean: dict[str, str] = {}
    for key, raw in group.items():
        value = str(raw).strip()
        if key not in DIMENSIONS:
            hint = did_you_mean(key, DIMENSIONS)
            raise ValueError(
                f"unknown group key '{key}'; expected one of {', '.join(DIMENSIONS)}"
                + (f"; {hint}" if hint else "")
            )
        allowed = DIMENSIONS[key]
        if allowed is not None and value not in allowed:
            hint = did_you_mean(value, allowed)
            raise ValueError(
                f"unknown {key} '{value}'; expected one of {', '.join(allowed)}"
                + (f"; {hint}" if hint else "")
            )
        if key == "age" and not _AGE.match(value):
            raise ValueError(f"age '{value}' is not an age band; expected e.g. 20-24 or 65+")
        if key == "cohort" and not _COHORT.match(value):
            raise ValueError(f"cohort '{value}' is not a cohort; expected e.g. 2016-2018")
        clean[key] = value
    return clean


def group_key(group: Mapping[str, str] | None) -> str:
    """Canonical text form: keys sorted, `k=v` joined by `;`; empty for the whole population."""
    if not group:
        return ""
    return ";".join(f"{k}={group[k]}" for k in sorted(group))


def parse_group_key(text: str) -> dict[str, str]:
    """Inverse of `group_key`; accepts `,` or `;` between pairs and validates."""
    text = (text or "").strip()
    if not text or text.lower() in {"total", "i alt", "alle"}:
        return {}
    pairs: dict[str, str] = {}
    for part in re.split(r"[;,]", text):
        if not part.strip():
            continue
        if "=" not in part:
            raise ValueError(
                f"group part '{part.strip()}' is not key=value; expected e.g. origin=non_western"
            )
        k, v = part.split("=", 1)
        pairs[k.strip()] = v.strip()
    return validate_group(pairs)


def describe_group_da(group: Mapping[str, str]) -> str:
    """Short Danish description of a group, for tables and reports."""
    parts: list[str] = []
    for key in sorted(group):
        value = group[key]
        vocab = DIMENSIONS.get(key)
        if vocab and value in vocab:
            parts.append(vocab[value])
        elif key == "age":
            parts.append(f"{value}-årige")
        elif key == "cohort":
            parts.append(f"forløb afsluttet {value.replace('-', '–')}")
        elif key == "unit":
            parts.append(f"hvert {value}")
        else:
            parts.append(f"{key} {value}")
    return ", ".join(parts) if parts else "alle"
