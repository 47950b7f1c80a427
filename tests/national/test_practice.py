"""Good practice: significantly better municipalities and the initiatives their policies name."""

from __future__ import annotations

from datetime import date

from pejling.national.benchmark import BenchmarkResult, MunicipalityBenchmark
from pejling.national.casemix import CaseMixModel
from pejling.national.practice import good_practice, initiatives_for
from pejling.spec.policy import Policy

MODEL = CaseMixModel(
    covariates=("age",),
    levels={"age": ("a", "b")},
    persons=1000,
    cells=2,
    parameters=2,
    deviance=1.0,
    null_deviance=2.0,
    converged=True,
)


def _row(code: int, difference: float, funnel: str, ranked: bool = True) -> MunicipalityBenchmark:
    return MunicipalityBenchmark(
        municipality=code,
        name=str(code),
        persons=200,
        observed=100.0,
        expected=100.0 - difference * 2,
        observed_share=50.0,
        expected_share=50.0 - difference,
        difference=difference,
        difference_interval=(difference - 3, difference + 3),
        ratio=1.0,
        ratio_interval=(0.9, 1.1),
        se=1.5,
        z=difference / 1.5,
        funnel=funnel,
        shrunken=difference / 2,
        shrunken_interval=(difference / 2 - 2, difference / 2 + 2),
        ranked=ranked,
    )


def _result(rows: tuple[MunicipalityBenchmark, ...], higher_better: bool = True) -> BenchmarkResult:
    return BenchmarkResult(
        indicator="employed_after_3y",
        title="Beskæftigede 3 år efter",
        higher_better=higher_better,
        periods=("2022",),
        as_of=date(2022, 12, 31),
        model=MODEL,
        observed=300.0,
        expected=300.0,
        persons=600,
        national_share=50.0,
        tau2=1.0,
        tau2_raw=2.0,
        phi=1.0,
        explained=0.5,
        min_persons=80,
        ranked_units=3,
        rows=rows,
        funnel=(),
    )


def _policy(municipality: int) -> Policy:
    return Policy.model_validate(
        {
            "id": f"p{municipality}",
            "municipality": municipality,
            "title": "Integrationspolitik",
            "period": {"start": "2020", "end": "2023"},
            "source": {"document": "test"},
            "themes": [
                {
                    "id": "job",
                    "title": "Job",
                    "goals": [
                        {
                            "id": "g1",
                            "statement": "Flere flygtninge i job",
                            "indicator": {"id": "employed_after_3y"},
                            "target": {"kind": "level", "value": 50},
                            "initiatives": ["virksomhedspraktik"],
                        },
                        {
                            "id": "g2",
                            "statement": "Dansk",
                            "indicator": {"id": "danish_passed_within_programme"},
                            "target": {"kind": "level", "value": 70},
                        },
                    ],
                }
            ],
            "initiatives": [
                {"id": "virksomhedspraktik", "title": "Virksomhedspraktik", "status": "running"},
                {
                    "id": "mentor",
                    "title": "Mentorordning",
                    "goals": ["g1"],
                    "owner": "Jobcentret",
                    "status": "planned",
                },
                {"id": "sprog", "title": "Sprogskole", "goals": ["g2"], "status": "running"},
            ],
        }
    )


def test_initiatives_are_read_from_both_directions_and_only_for_the_indicator() -> None:
    refs = initiatives_for(_policy(265), "employed_after_3y")
    assert [r.title for r in refs] == ["Virksomhedspraktik", "Mentorordning"]
    assert refs[1].owner == "Jobcentret"
    assert initiatives_for(_policy(265), "self_supporting_share") == ()


def test_only_ranked_published_municipalities_significantly_better_best_first() -> None:
    rows = (
        _row(101, 4.0, "above95"),
        _row(265, 9.0, "above998"),
        _row(326, -6.0, "below95"),  # worse than expected
        _row(147, 1.0, "within"),
        _row(360, 12.0, "above998", ranked=False),  # too few persons to rank
        _row(400, 5.0, "above95"),  # hidden by disclosure control
    )
    best = good_practice(_result(rows), [_policy(265), _policy(326)], hidden=frozenset({400}))
    assert [b.row.municipality for b in best] == [265, 101]
    assert best[0].strong
    assert not best[1].strong
    assert [i.title for i in best[0].initiatives] == ["Virksomhedspraktik", "Mentorordning"]
    assert best[1].initiatives == ()
    assert best[1].policies == ()


def test_lower_is_better_turns_the_side() -> None:
    rows = (_row(101, -4.0, "below95"), _row(265, 5.0, "above95"))
    best = good_practice(_result(rows, higher_better=False), [])
    assert [b.row.municipality for b in best] == [101]
