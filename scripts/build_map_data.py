"""Derive pejling's municipality map from the DAGI boundaries (run once; output is committed).

Input: `shared/data/geo/dagi_kommuner_2014.geojson` (311 polygons, one per island or part;
Geodatastyrelsen & Danske Kommuner, FOT 2014, 1:500 000). Output:
`src/pejling/data/geo/kommuner.geojson`: one MultiPolygon per municipality code (parts merged by
KOMKODE, Christiansø 411 left out), simplified (Douglas-Peucker, topology-preserving, tolerance
in degrees), islets under a minimum area dropped, coordinates rounded to 3 decimals (~100 m), and
Bornholm (400) moved north-west into the empty sea as a map inset, as Danish maps usually do.
Why derived and committed: the full file is 2.2 MB and would make every chart SVG ~650 KB;
this keeps a map at a few tens of KB and keeps shapely out of the runtime dependencies.

    uv run python scripts/build_map_data.py ../shared/data/geo/dagi_kommuner_2014.geojson
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

from shapely.affinity import translate
from shapely.geometry import MultiPolygon, Polygon, mapping, shape
from shapely.ops import unary_union

TOLERANCE = 0.008
MIN_AREA = 5e-5
BORNHOLM = 400
BORNHOLM_SHIFT = (-2.45, 2.05)
OUT = Path(__file__).resolve().parents[1] / "src/pejling/data/geo/kommuner.geojson"


def _round(geom: dict[str, Any]) -> dict[str, Any]:
    def ring(r: list[list[float]]) -> list[list[float]]:
        pts = [[round(x, 3), round(y, 3)] for x, y, *_ in r]
        return [p for i, p in enumerate(pts) if i == 0 or p != pts[i - 1]]

    polys = [geom["coordinates"]] if geom["type"] == "Polygon" else geom["coordinates"]
    return {"type": "MultiPolygon", "coordinates": [[ring(r) for r in p] for p in polys]}


def main(src: Path) -> None:
    raw = json.loads(src.read_text(encoding="utf-8"))
    parts: dict[int, list[Polygon]] = defaultdict(list)
    names: dict[int, str] = {}
    for feature in raw["features"]:
        code = int(feature["properties"]["KOMKODE"])
        names[code] = feature["properties"]["KOMNAVN"]
        parts[code].append(shape(feature["geometry"]).buffer(0))
    features = []
    for code in sorted(parts):
        if code == 411:
            continue
        merged = unary_union(parts[code]).simplify(TOLERANCE, preserve_topology=True)
        polys = [merged] if isinstance(merged, Polygon) else list(merged.geoms)
        kept = [p for p in polys if p.area >= MIN_AREA] or [max(polys, key=lambda p: p.area)]
        geom = MultiPolygon(kept)
        if code == BORNHOLM:
            geom = translate(geom, *BORNHOLM_SHIFT)
        features.append(
            {
                "type": "Feature",
                "properties": {"code": code, "name": names[code]},
                "geometry": _round(mapping(geom)),
            }
        )
    out = {
        "type": "FeatureCollection",
        "attribution": "Kommunegrænser: Geodatastyrelsen & Danske Kommuner, DAGI/FOT 2014 "
        "(forenklet; Bornholm vist som indsat kort)",
        "features": features,
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(out, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    print(f"{len(features)} municipalities, {OUT.stat().st_size:,} bytes -> {OUT}")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
