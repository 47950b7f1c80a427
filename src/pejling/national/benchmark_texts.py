"""Danish names for the benchmark's covariates and funnel verdicts, shared by the command line
and the national report so the two word a benchmark the same way."""

from __future__ import annotations

#: the case-mix model's covariates (`CaseMixModel.covariates`; `duration`: the duration
#: model's bands, `pejling.national.duration`)
COVARIATE_NAMES = {
    "duration": "måneder siden programstart",
    "age": "alder",
    "sex": "køn",
    "origin": "herkomst",
    "country_group": "oprindelseslandegruppe",
    "basis": "opholdsgrundlag",
    "education": "medbragt uddannelse",
    "since_arrival": "år siden indrejse",
    "arrival_age": "alder ved indrejse",
    "period": "år",
    "local_unemployment": "lokal ledighed",
    "origin:sex": "herkomst × køn",
    "origin:age": "herkomst × alder",
    "origin:local_unemployment": "herkomst × lokal ledighed",
}

#: a municipality's place in the funnel plot (`MunicipalityBenchmark.funnel`)
FUNNEL_NAMES = {
    "within": "inden for",
    "above95": "over (95 %)",
    "above998": "over (99,8 %)",
    "below95": "under (95 %)",
    "below998": "under (99,8 %)",
}


def covariate_list(covariates: tuple[str, ...] | list[str]) -> str:
    """ "alder, køn, …" in the model's order."""
    return ", ".join(COVARIATE_NAMES.get(c, c) for c in covariates)


__all__ = ["COVARIATE_NAMES", "FUNNEL_NAMES", "covariate_list"]
