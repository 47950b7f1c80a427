"""Countries of origin and Statistics Denmark's Western / non-Western / MENAPT classification.

Why derived, not imported: the classification is a published definition (docs/glossary.md), so
pejling derives `western` and `menapt` from `country_of_origin` on import instead of trusting a
column in each extract to agree with it.
"""

from __future__ import annotations

from functools import cache

import pycountry

#: EU member states (2020–) plus the countries Statistics Denmark lists as Western.
WESTERN: frozenset[str] = frozenset(
    {
        # EU
        "AUT", "BEL", "BGR", "HRV", "CYP", "CZE", "DNK", "EST", "FIN", "FRA", "DEU", "GRC",
        "HUN", "IRL", "ITA", "LVA", "LTU", "LUX", "MLT", "NLD", "POL", "PRT", "ROU", "SVK",
        "SVN", "ESP", "SWE",
        # listed non-EU Western countries
        "AND", "ISL", "LIE", "MCO", "NOR", "SMR", "CHE", "VAT", "CAN", "USA", "AUS", "NZL",
        "GBR",
    }
)  # fmt: skip
#: The 24 MENAPT countries (Middle East, North Africa, Pakistan, Turkey), all non-Western.
MENAPT: frozenset[str] = frozenset(
    {
        "SYR", "KWT", "LBY", "SAU", "LBN", "SOM", "IRQ", "QAT", "SDN", "BHR", "DJI", "JOR",
        "DZA", "ARE", "TUN", "EGY", "MAR", "IRN", "YEM", "MRT", "OMN", "AFG", "PAK", "TUR",
    }
)  # fmt: skip


@cache
def country_codes() -> frozenset[str]:
    """All ISO 3166-1 alpha-3 codes, plus XKX (Kosovo, used by Statistics Denmark) and XXX
    (stateless/unknown)."""
    return frozenset({c.alpha_3 for c in pycountry.countries} | {"XKX", "XXX"})


def is_western(code: str) -> bool:
    """Western by Statistics Denmark's definition (the United Kingdom stays Western)."""
    return code in WESTERN


def is_menapt(code: str) -> bool:
    """One of the 24 MENAPT countries."""
    return code in MENAPT
