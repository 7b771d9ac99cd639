"""Build the bundled INEI boundaries in src/protestmap/spatial/_data (run by hand, not at run time).

Reads the pinned INEI 2023 "light" release (departamentos.geojson and provincias.geojson, CC BY 4.0)
from a directory, checks both files against the sha256 pinned in protestmap.spatial.boundaries,
loads them with protestmap's own loader (plausibility checks and ``shapely.make_valid`` repair),
and writes the repaired layers as zstd-compressed GeoParquet, with the licence notice and a README
that records the source hashes, the repaired units and the output hashes. Districts are never
bundled, and the GeoJSON itself is never copied.

Usage: python scripts/build_boundaries.py [SOURCE_DIR]   (default: $PROTESTMAP_BOUNDARIES)
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
from importlib.metadata import version
from pathlib import Path

from protestmap.spatial import boundaries as inei

OUT = Path(__file__).resolve().parents[1] / "src" / "protestmap" / "spatial" / "_data"
LICENCE = "LICENSE-DATA-INEI-2023"
TOOLS = ("geopandas", "shapely", "pyarrow")


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def check_sources(source: Path) -> dict[str, str]:
    found = {}
    for name in inei.FILES.values():
        digest = sha256(source / name)
        expected = inei.REGISTRY[name].split(":", 1)[1]
        if digest != expected:
            sys.exit(f"{source / name}: sha256 {digest} is not the pinned {expected}")
        found[name] = digest
    return found


def write_layers(source: Path) -> tuple[dict[str, int], list[str]]:
    loaded = inei.load_boundaries(source)
    for level, name in inei.PARQUET_FILES.items():
        loaded.layer(level).to_parquet(OUT / name, compression="zstd", compression_level=19, index=False)
    back = inei.load_boundaries(OUT)
    if back.repaired:
        sys.exit(f"the written layers are still invalid: {back.repaired}")
    counts = {}
    for level, name in inei.PARQUET_FILES.items():
        ours, theirs = back.layer(level), loaded.layer(level)
        if not (ours["ubigeo"].equals(theirs["ubigeo"]) and ours.geom_equals_exact(theirs, tolerance=0).all()):
            sys.exit(f"{name}: the layer changed in the round trip")
        counts[name] = len(ours)
    return counts, loaded.repaired


def readme(sources: dict[str, str], counts: dict[str, int], repaired: list[str]) -> str:
    departments = [c for c in repaired if len(c) == 2]
    provinces = [c for c in repaired if len(c) == 4]
    rows = "\n".join(
        f"| `{parquet}` | `{source}` | {counts[parquet]} | `{sources[source]}` | `{sha256(OUT / parquet)}` |"
        for parquet, source in zip(inei.PARQUET_FILES.values(), inei.FILES.values(), strict=True)
    )
    tools = ", ".join(f"{tool} {version(tool)}" for tool in TOOLS)
    return f"""# Bundled INEI boundaries (package data)

Third-party data: **Instituto Nacional de Estadística e Informática (INEI)**, departmental and
provincial limits, IDE-INEI 2023 update, licensed **CC BY 4.0** (`{LICENCE}`, legal code at
https://creativecommons.org/licenses/by/4.0/legalcode). Attribution shown on every map:
"{inei.ATTRIBUTION}".

Changes made (as CC BY 4.0 asks): the files are the "light" variant of the public repository
lincolneulogio/peru-geojson (simplified 0.006°, 4 decimals) at commit {inei.COMMIT}; protestmap
repaired invalid geometries with `shapely.make_valid` (kept the polygonal parts), replaced the
properties by `ubigeo`, `name`, `department`, `province` from its gazetteer, and stored them as
zstd-compressed GeoParquet (EPSG:4326). Districts are not bundled.

Built by `scripts/build_boundaries.py` with {tools}.

| file | built from | features | source sha256 | file sha256 |
|---|---|---|---|---|
{rows}

Repaired geometries: departments {", ".join(departments) or "none"}; provinces {", ".join(provinces) or "none"}.
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", nargs="?", default=os.environ.get(inei.ENV))
    args = parser.parse_args()
    if not args.source:
        sys.exit(f"give the directory holding the release files, or set {inei.ENV}")
    source = Path(args.source)
    sources = check_sources(source)
    OUT.mkdir(parents=True, exist_ok=True)
    counts, repaired = write_layers(source)
    (OUT / LICENCE).write_bytes((source / LICENCE).read_bytes())
    (OUT / "README.md").write_text(readme(sources, counts, repaired), encoding="utf-8")
    for path in sorted(OUT.iterdir()):
        print(f"{path.stat().st_size:>9,}  {path.relative_to(OUT.parents[3])}")


if __name__ == "__main__":
    main()
