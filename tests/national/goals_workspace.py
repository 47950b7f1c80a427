"""A small hand-made workspace for the national-goals tests: five municipalities and the nation.

Employment rate 25-64 of non-Western immigrants and descendants (register figures) in 2015 and
2018, numerator / denominator, chosen so every status can be checked by hand (see the tests).
"""

from __future__ import annotations

from pathlib import Path

from pejling.store.database import Store
from pejling.store.observation_import import import_observations
from pejling.workspace import Workspace

IND = "employment_rate_25_64"
GROUP = "origin=non_western"

#: municipality → group → period → (numerator, denominator)
DATA: dict[int, dict[str, dict[str, tuple[int, int]]]] = {
    0: {GROUP: {"2015": (5000, 10000), "2018": (5800, 10000)}},
    # 50 % → 65 %: the level 60 is reached; women exactly 60 % (uncertain), men 70 %
    101: {
        GROUP: {"2015": (300, 600), "2018": (390, 600)},
        f"{GROUP};sex=f": {"2015": (140, 300), "2018": (180, 300)},
        f"{GROUP};sex=m": {"2015": (160, 300), "2018": (210, 300)},
    },
    # 50 % → 55 %: too slow for 60 by 2020 (R ≈ 0,87: at risk), the change is uncertain
    265: {GROUP: {"2015": (100, 200), "2018": (110, 200)}},
    # 50 % → 45 %: off track
    326: {GROUP: {"2015": (100, 200), "2018": (90, 200)}},
    # 15 persons: shown, but no verdict (fewer than 20)
    540: {GROUP: {"2015": (5, 15), "2018": (6, 15)}},
    # 3 of 100 employed in 2018: a small cell, suppressed, and no verdict on it
    461: {GROUP: {"2015": (50, 100), "2018": (3, 100)}},
}

NATIONAL_POLICY = """\
id: nat
scope: national
title: Nationale mål
period: {start: 2015, end: 2020}
source: {document: nat.txt}
themes:
  - id: arbejde
    title: Arbejde
    goals:
      - id: niveau
        label: Mål A
        statement: Mindst 60 % af de ikke-vestlige 25-64-årige i beskæftigelse i 2020.
        indicator: {id: employment_rate_25_64, group: {origin: non_western}, source: register}
        target: {kind: level, value: 60}
        baseline: {date: 2015, source: Hver kommunes eget tal}
        deadline: 2020
        measurement: {frequency: yearly, source: Register}
      - id: loeft
        label: Mål B
        statement: Beskæftigelsen skal stige 5 procentpoint fra kommunens eget niveau i 2015.
        indicator: {id: employment_rate_25_64, group: {origin: non_western}, source: register}
        target: {kind: change_pp, value: 5}
        baseline: {value: 52, date: 2015, source: Landstallet 2015}
        deadline: 2020
        measurement: {frequency: yearly, source: Register}
"""

LOCAL_POLICY = """\
id: lokal
municipality: 265
title: Roskildes mål
period: {start: 2015, end: 2020}
source: {document: lokal.txt}
themes:
  - id: arbejde
    title: Arbejde
    goals:
      - id: job
        statement: Flere i job.
        indicator: {id: employment_rate_25_64, group: {origin: non_western}, source: register}
        target: {kind: level, value: 60}
        baseline: {date: 2015, source: Register}
        deadline: 2020
        measurement: {frequency: yearly, source: Register}
"""


def observations_csv(data: dict[int, dict[str, dict[str, tuple[int, int]]]] = DATA) -> str:
    """The data as a tidy observation file (register provenance)."""
    lines = [
        "indicator,municipality,period,group,numerator,denominator,unit,source,vintage,provenance"
    ]
    for code, groups in data.items():
        for grp, periods in groups.items():
            for period, (num, den) in periods.items():
                lines.append(
                    f"{IND},{code},{period},{grp},{num},{den},percent,Testregister,2024,register"
                )
    return "\n".join(lines) + "\n"


def make_workspace(root: Path, *, local: bool = True, data: str | None = None) -> Workspace:
    """A workspace with the national policy (and a local one), its observations imported."""
    ws = Workspace.create(root, "national test", 0)
    (ws.policies_dir / "nat.yaml").write_text(NATIONAL_POLICY, encoding="utf-8")
    if local:
        (ws.policies_dir / "lokal.yaml").write_text(LOCAL_POLICY, encoding="utf-8")
    path = ws.root / "imports" / "obs.csv"
    path.write_text(data or observations_csv(), encoding="utf-8")
    with Store.open(ws.db_path) as store:
        import_observations(store, path, ws.catalog())
    return ws
