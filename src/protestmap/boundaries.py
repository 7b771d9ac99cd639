"""INEI administrative boundaries: where to find them, how to fetch them, one normalised schema.

Boundaries are third-party data (INEI, CC BY 4.0) and never ship with protestmap. They are read
from, in order: an explicit directory (``--boundaries DIR``), ``$PROTESTMAP_BOUNDARIES``, or the
user cache filled by ``protestmap boundaries fetch``. A directory that is named but unusable is an
error, never a silent fallback.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from protestmap.errors import BoundariesIntegrityError, BoundariesNotFoundError

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = [
    "ATTRIBUTION",
    "Boundaries",
    "cache_dir",
    "fetch_boundaries",
    "find_boundaries_dir",
    "load_boundaries",
]

ENV = "PROTESTMAP_BOUNDARIES"
ATTRIBUTION = "Límites: INEI (IDE-INEI, actualización 2023), CC BY 4.0"
#: The public peru-geojson release of the INEI 2023 limits, pinned to one commit.
COMMIT = "9737c032793bd30cad1013b43ca8aaeaa3875218"
BASE_URL = f"https://cdn.jsdelivr.net/gh/lincolneulogio/peru-geojson@{COMMIT}/data/variants/light/"
FILES = {"department": "departamentos.geojson", "province": "provincias.geojson"}
DISTRICT_FILE = "distritos_2007.geojson"
_SHA256 = {
    "departamentos.geojson": "758208415681cffbea674ea75ea26fb60112288afb6ecdd42e679fc7a29d8131",
    "provincias.geojson": "c028d76997af1cb0394e4c1efa5221198033c7adfd01b4c651c738e8c0996ec9",
}
REGISTRY = {name: f"sha256:{digest}" for name, digest in _SHA256.items()}
_HOW_TO_GET = (
    "INEI boundaries not found. Either run 'protestmap boundaries fetch' (downloads the INEI 2023 "
    f"limits, CC BY 4.0, into {{cache}}), or point {ENV} or --boundaries at a directory holding "
    "departamentos.geojson and provincias.geojson."
)


def cache_dir() -> Path:
    """Return the per-user cache directory where ``boundaries fetch`` stores the files."""
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("protestmap")) / "boundaries" / COMMIT[:12]


def _usable(directory: Path) -> bool:
    return all((directory / name).is_file() for name in FILES.values())


def find_boundaries_dir(explicit: str | os.PathLike[str] | None = None) -> tuple[Path, str]:
    """Locate the boundary files.

    Parameters
    ----------
    explicit
        A directory given on the command line; it wins over everything else.

    Returns
    -------
    tuple
        The directory and where it came from (``--boundaries``, ``$PROTESTMAP_BOUNDARIES`` or
        ``cache``).

    Raises
    ------
    BoundariesNotFoundError
        When a named directory lacks the files, or nothing is found; the message says how to get
        them.
    """
    for value, origin in ((explicit, "--boundaries"), (os.environ.get(ENV) or None, f"${ENV}")):
        if value is None:
            continue
        directory = Path(value)
        if not _usable(directory):
            missing = [n for n in FILES.values() if not (directory / n).is_file()]
            message = f"{origin} points at {directory}, which lacks {', '.join(missing)}"
            raise BoundariesNotFoundError(message)
        return directory, origin
    cached = cache_dir()
    if _usable(cached):
        return cached, "cache"
    raise BoundariesNotFoundError(_HOW_TO_GET.format(cache=cached))


@dataclass
class Boundaries:
    """Departments and provinces (districts when available) in one normalised schema.

    Every layer has ``ubigeo`` (zero-padded string), ``name``, ``department`` and, below the
    department level, ``province``; CRS EPSG:4326; valid polygonal geometries.

    Attributes
    ----------
    departments, provinces
        The 25 departments and 196 provinces.
    districts
        The 2007 districts when their file is present, else None.
    directory, origin
        Where the files were read from, and how that directory was chosen.
    repaired
        Ubigeo codes whose geometry was invalid and was repaired with ``shapely.make_valid``.
    """

    departments: gpd.GeoDataFrame
    provinces: gpd.GeoDataFrame
    districts: gpd.GeoDataFrame | None
    directory: Path
    origin: str
    repaired: list[str] = field(default_factory=list)
    attribution: str = ATTRIBUTION

    def layer(self, level: str) -> gpd.GeoDataFrame:
        """Return the layer for ``department``, ``province`` or ``district``."""
        layers = {
            "department": self.departments,
            "province": self.provinces,
            "district": self.districts,
        }
        chosen = layers.get(level)
        if chosen is None:
            message = f"no {level} layer loaded from {self.directory}"
            raise BoundariesNotFoundError(message)
        return chosen


def _polygonal(geometry: object) -> object:
    """Keep the polygonal part of a repaired geometry (make_valid may add lines or points)."""
    import shapely

    if geometry.geom_type in {"Polygon", "MultiPolygon"} or geometry.is_empty:
        return geometry
    parts = [g for g in getattr(geometry, "geoms", []) if g.geom_type in {"Polygon", "MultiPolygon"}]
    return shapely.union_all(parts)


def _repair(frame: gpd.GeoDataFrame, repaired: list[str]) -> gpd.GeoDataFrame:
    """Make geometries valid with ``shapely.make_valid``, keeping only their polygonal parts."""
    import shapely

    invalid = frame.geometry.notna() & ~frame.geometry.is_valid
    if invalid.any():
        repaired.extend(frame.loc[invalid, "ubigeo"].tolist())
        fixed = shapely.make_valid(frame.geometry[invalid].to_numpy())
        frame.loc[invalid, "geometry"] = [_polygonal(g) for g in fixed]
    return frame


def _read(path: Path, level: str, repaired: list[str]) -> gpd.GeoDataFrame:
    import geopandas as gpd

    from protestmap.gazetteer import load_gazetteer

    try:
        raw = gpd.read_file(path, engine="pyogrio")
    except Exception as exc:
        message = f"cannot read {path}: {exc}"
        raise BoundariesIntegrityError(message) from exc
    width = {"department": 2, "province": 4, "district": 6}[level]
    code_column = "ubigeo" if "ubigeo" in raw.columns else "IDDIST"
    codes = raw[code_column].astype(str).str.zfill(width)
    gaz = load_gazetteer()
    names = [gaz.unit(code) for code in codes]
    frame = gpd.GeoDataFrame(
        {
            "ubigeo": codes,
            "name": [u.name if u else "" for u in names],
            "department": [u.department if u else "" for u in names],
            "province": [u.province if u else "" for u in names],
        },
        geometry=raw.geometry.to_numpy(),
        crs=raw.crs or "EPSG:4326",
    ).to_crs("EPSG:4326")
    return _repair(frame, repaired).sort_values("ubigeo", ignore_index=True)


def load_boundaries(directory: str | os.PathLike[str] | None = None, *, districts: bool = False) -> Boundaries:
    """Load INEI boundaries from the first place :func:`find_boundaries_dir` finds.

    Parameters
    ----------
    directory
        An explicit directory (as ``--boundaries``).
    districts
        Also load ``distritos_2007.geojson`` when present (INEI 2007 limits, MPL-2.0).

    Returns
    -------
    Boundaries
        The normalised layers.
    """
    found, origin = find_boundaries_dir(directory)
    repaired: list[str] = []
    departments = _read(found / FILES["department"], "department", repaired)
    provinces = _read(found / FILES["province"], "province", repaired)
    district_path = found / DISTRICT_FILE
    district_layer = _read(district_path, "district", repaired) if districts and district_path.is_file() else None
    return Boundaries(departments, provinces, district_layer, found, origin, repaired)


def fetch_boundaries(*, base_url: str = BASE_URL, target: Path | None = None, progress: bool = True) -> Path:
    """Download the pinned INEI 2023 boundary files into the user cache, checking sha256.

    Parameters
    ----------
    base_url
        Where the files are published (tests pass a loopback server).
    target
        The cache directory; :func:`cache_dir` by default.
    progress
        Show a progress bar.

    Returns
    -------
    Path
        The directory now holding the files.

    Raises
    ------
    BoundariesIntegrityError
        When a download does not match its pinned sha256; the cache is left as it was.
    """
    import pooch

    destination = target or cache_dir()
    fetcher = pooch.create(path=destination, base_url=base_url, registry=REGISTRY, retry_if_failed=1)
    for name in REGISTRY:
        try:
            fetcher.fetch(name, progressbar=progress)
        except ValueError as exc:
            message = f"{name}: download does not match the pinned checksum ({exc})"
            raise BoundariesIntegrityError(message) from exc
    return destination
