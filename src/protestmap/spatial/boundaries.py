"""INEI administrative boundaries: where to find them, how to fetch them, one normalised schema.

Boundaries are third-party data (INEI, CC BY 4.0). They are read from, in order: an explicit
directory (``--boundaries DIR``), ``$PROTESTMAP_BOUNDARIES``, the user cache filled by
``protestmap boundaries fetch``, and last the copy bundled in the package (departments and
provinces only, GeoParquet built by ``scripts/build_boundaries.py``, licence and attribution
beside it). A directory that is named but unusable is an error, never a silent fallback. A
directory may hold the GeoJSON release files or the GeoParquet pair the build script writes.
Districts are never bundled: they need a directory (or the cache) that has them.

Nothing is trusted blindly. Files in the fetched cache must still match their pinned sha256 when
they are loaded (each file is hashed once per process, and again if its size or modification
time changes: hashing the two files takes milliseconds, and a sidecar of "verified" stamps could
be forged as easily as the files). Every layer, wherever it comes from, must look like Peru:
polygons only, an extent inside Peru in EPSG:4326 (projected coordinates without a ``crs`` member
and swapped axes are caught), and INEI ubigeo codes of the right width.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from protestmap import settings
from protestmap.errors import BoundariesDownloadError, BoundariesIntegrityError, BoundariesNotFoundError

if TYPE_CHECKING:
    import geopandas as gpd
    import pandas as pd

__all__ = [
    "ATTRIBUTION",
    "BUNDLED",
    "Boundaries",
    "bundled_dir",
    "cache_dir",
    "fetch_boundaries",
    "find_boundaries_dir",
    "load_boundaries",
]

ENV = settings.BOUNDARIES_ENV
ATTRIBUTION = "Límites: INEI (IDE-INEI, actualización 2023), CC BY 4.0"
#: The public peru-geojson release of the INEI 2023 limits, pinned to one commit.
COMMIT = "9737c032793bd30cad1013b43ca8aaeaa3875218"
BASE_URL = f"https://cdn.jsdelivr.net/gh/lincolneulogio/peru-geojson@{COMMIT}/data/variants/light/"
FILES = {"department": "departamentos.geojson", "province": "provincias.geojson"}
#: The bundled copy (and any directory the build script wrote): the same layers as GeoParquet.
PARQUET_FILES = {"department": "departamentos.parquet", "province": "provincias.parquet"}
#: The origin of the copy bundled in the package.
BUNDLED = "bundled"
DISTRICT_FILE = "distritos_2007.geojson"
_SHA256 = {
    "departamentos.geojson": "758208415681cffbea674ea75ea26fb60112288afb6ecdd42e679fc7a29d8131",
    "provincias.geojson": "c028d76997af1cb0394e4c1efa5221198033c7adfd01b4c651c738e8c0996ec9",
}
REGISTRY = {name: f"sha256:{digest}" for name, digest in _SHA256.items()}
#: Peru's extent (lon/lat) with a margin: any layer must fall inside it.
PERU_BOUNDS = settings.BOUNDARY_BBOX
_WIDTH = {"department": 2, "province": 4, "district": 6}
_VERIFIED: dict[tuple[str, int, int], str] = {}
_HOW_TO_GET = (
    "INEI boundaries not found (this installation lacks the bundled copy). Either reinstall protestmap, "
    "run 'protestmap boundaries fetch' (downloads the INEI 2023 "
    f"limits, CC BY 4.0, into {{cache}}), or point {ENV} or --boundaries at a directory holding "
    "departamentos.geojson and provincias.geojson."
)


def cache_dir() -> Path:
    """Return the per-user cache directory where ``boundaries fetch`` stores the files."""
    from platformdirs import user_cache_dir

    return Path(user_cache_dir(settings.CACHE_NAME)) / "boundaries" / COMMIT[:12]


def bundled_dir() -> Path:
    """Return the package folder holding the bundled GeoParquet layers, their licence and README."""
    from importlib import resources

    return Path(str(resources.files("protestmap.spatial") / "_data"))


def layer_files(directory: Path) -> dict[str, Path] | None:
    """Return the department and province files of ``directory`` (GeoJSON first, else GeoParquet), or None."""
    for names in (FILES, PARQUET_FILES):
        paths = {level: directory / name for level, name in names.items()}
        if all(path.is_file() for path in paths.values()):
            return paths
    return None


def find_boundaries_dir(explicit: str | os.PathLike[str] | None = None) -> tuple[Path, str]:
    """Locate the boundary files.

    Parameters
    ----------
    explicit
        A directory given on the command line; it wins over everything else.

    Returns
    -------
    tuple
        The directory and where it came from (``--boundaries``, ``$PROTESTMAP_BOUNDARIES``,
        ``cache`` or ``bundled``).

    Raises
    ------
    BoundariesNotFoundError
        When a named directory lacks the files, or nothing is found (a package installed without
        its data); the message says how to get them.
    """
    for value, origin in ((explicit, "--boundaries"), (os.environ.get(ENV) or None, f"${ENV}")):
        if value is None:
            continue
        directory = Path(value)
        if layer_files(directory) is None:
            missing = [n for n in FILES.values() if not (directory / n).is_file()]
            message = f"{origin} points at {directory}, which lacks {', '.join(missing)}"
            raise BoundariesNotFoundError(message)
        return directory, origin
    cached = cache_dir()
    if all((cached / name).is_file() for name in FILES.values()):  # fetch writes the pinned GeoJSON only
        return cached, "cache"
    bundled = bundled_dir()
    if layer_files(bundled) is not None:
        return bundled, BUNDLED
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
        if chosen is None and self.origin == BUNDLED:
            message = (
                f"the bundled boundaries have no {level} layer (only departments and provinces are bundled); "
                f"point --boundaries or {ENV} at a directory holding {DISTRICT_FILE}"
            )
            raise BoundariesNotFoundError(message)
        if chosen is None:
            message = f"no {level} layer loaded from {self.directory}"
            raise BoundariesNotFoundError(message)
        return chosen


def _polygonal(geometry: Any) -> Any:
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


def _fail(path: Path, reason: str) -> BoundariesIntegrityError:
    return BoundariesIntegrityError(f"{path}: {reason}")


def _codes(raw: gpd.GeoDataFrame, path: Path, level: str) -> pd.Series:
    """Return the layer's ubigeo codes, zero-padded, after checking they are INEI codes."""
    from protestmap.places.gazetteer import load_gazetteer

    column = next((c for c in ("ubigeo", "IDDIST") if c in raw.columns), None)
    if column is None:
        raise _fail(path, f"no 'ubigeo' property; found {', '.join(map(str, raw.columns.drop('geometry')))}")
    width = _WIDTH[level]
    codes = raw[column].astype("string").str.strip().str.zfill(width)
    bad = codes[~codes.fillna("").str.fullmatch(rf"\d{{{width}}}")]
    if bad.empty and level != "district":
        gaz = load_gazetteer()
        bad = codes[[gaz.unit(code) is None for code in codes]]
    if not bad.empty:
        raise _fail(path, f"{len(bad)} code(s) are not INEI {level} ubigeo, e.g. {bad.iloc[0]!r}")
    repeated = codes[codes.duplicated()]
    if not repeated.empty:
        raise _fail(path, f"ubigeo {repeated.iloc[0]} appears more than once")
    return codes


def _check_extent(frame: gpd.GeoDataFrame, path: Path) -> None:
    """Reject a layer whose extent is not Peru's in longitude/latitude."""
    x0, y0, x1, y1 = (float(v) for v in frame.total_bounds)
    west, south, east, north = PERU_BOUNDS
    if west <= x0 and x1 <= east and south <= y0 and y1 <= north:
        return
    if west <= y0 and y1 <= east and south <= x0 and x1 <= north:
        reason = "axes look swapped (latitude first); GeoJSON wants longitude, latitude"
    elif max(abs(x0), abs(x1)) > 180 or max(abs(y0), abs(y1)) > 90:
        reason = "coordinates look projected (metres) but the file has no crs member; write it in EPSG:4326"
    else:
        reason = "the extent lies outside Peru"
    raise _fail(path, f"{reason} (extent {x0:.4g}, {y0:.4g}, {x1:.4g}, {y1:.4g})")


def _read(path: Path, level: str, repaired: list[str]) -> gpd.GeoDataFrame:
    import geopandas as gpd

    from protestmap.places.gazetteer import load_gazetteer

    try:
        raw = gpd.read_parquet(path) if path.suffix == ".parquet" else gpd.read_file(path, engine="pyogrio")
    except Exception as exc:
        message = f"cannot read {path}: {exc}"
        raise BoundariesIntegrityError(message) from exc
    kinds = set(raw.geometry.dropna().geom_type)
    if not kinds:
        raise _fail(path, "no features with a geometry")
    if not kinds <= {"Polygon", "MultiPolygon"}:
        raise _fail(
            path, f"boundaries must be polygons, found {', '.join(sorted(kinds - {'Polygon', 'MultiPolygon'}))}"
        )
    codes = _codes(raw, path, level)
    gaz = load_gazetteer()
    names = [gaz.unit(code) for code in codes]
    frame = gpd.GeoDataFrame(
        {
            "ubigeo": codes.astype(object),
            "name": [u.name if u else "" for u in names],
            "department": [u.department if u else "" for u in names],
            "province": [u.province if u else "" for u in names],
        },
        geometry=raw.geometry.to_numpy(),
        crs=raw.crs or "EPSG:4326",
    ).to_crs("EPSG:4326")
    _check_extent(frame, path)
    return _repair(frame, repaired).sort_values("ubigeo", ignore_index=True)


def verify_cached(path: Path) -> None:
    """Check a file of the fetched cache against its pinned sha256 (once per process per version).

    Raises
    ------
    BoundariesIntegrityError
        When the file differs from the pinned release; the message says how to fetch it again.
    """
    import pooch

    expected = REGISTRY[path.name].split(":", 1)[1]
    stat = path.stat()
    key = (str(path), stat.st_size, stat.st_mtime_ns)
    if _VERIFIED.get(key) == expected:
        return
    found = pooch.file_hash(str(path), alg="sha256")
    if found != expected:
        message = (
            f"{path} does not match its pinned sha256 (expected {expected}, found {found}): the cached "
            "boundaries are corrupt or were changed. Run 'protestmap boundaries fetch' to download them again."
        )
        raise BoundariesIntegrityError(message)
    _VERIFIED[key] = expected


def load_boundaries(directory: str | os.PathLike[str] | None = None, *, districts: bool = False) -> Boundaries:
    """Load INEI boundaries from the first place :func:`find_boundaries_dir` finds.

    Parameters
    ----------
    directory
        An explicit directory (as ``--boundaries``).
    districts
        Also load ``distritos_2007.geojson`` when present (INEI 2007 limits, MPL-2.0; never in the
        bundled copy).

    Returns
    -------
    Boundaries
        The normalised layers.

    Raises
    ------
    BoundariesNotFoundError
        When no boundaries are found.
    BoundariesIntegrityError
        When a cached file fails its pinned sha256, or a layer is not plausibly Peru's (not
        polygons, outside Peru in EPSG:4326, codes that are not INEI ubigeo, empty).
    """
    found, origin = find_boundaries_dir(directory)
    paths = layer_files(found)
    if paths is None:  # the directory changed since it was found
        raise BoundariesNotFoundError(_HOW_TO_GET.format(cache=cache_dir()))
    if origin == "cache":
        for path in paths.values():
            verify_cached(path)
    repaired: list[str] = []
    departments = _read(paths["department"], "department", repaired)
    provinces = _read(paths["province"], "province", repaired)
    district_path = found / DISTRICT_FILE
    district_layer = _read(district_path, "district", repaired) if districts and district_path.is_file() else None
    return Boundaries(departments, provinces, district_layer, found, origin, repaired)


def fetch_boundaries(
    *, base_url: str = BASE_URL, target: Path | None = None, progress: bool = True, timeout: float = 120.0
) -> Path:
    """Download the pinned INEI 2023 boundary files into the user cache, checking sha256.

    Parameters
    ----------
    base_url
        Where the files are published (tests pass a loopback server).
    target
        The cache directory; :func:`cache_dir` by default.
    progress
        Show a progress bar.
    timeout
        Seconds a file may take in total (a server that trickles bytes is given up on).

    Returns
    -------
    Path
        The directory now holding the files.

    Raises
    ------
    BoundariesIntegrityError
        When a download does not match its pinned sha256; the cache is left as it was.
    BoundariesDownloadError
        When the server cannot be reached, answers with an HTTP error, or the transfer is cut
        short or too slow; no partial file is left in the cache.
    """
    import pooch
    import requests

    from protestmap._io import DeadlineDownloader

    destination = target or cache_dir()
    fetcher = pooch.create(path=destination, base_url=base_url, registry=REGISTRY, retry_if_failed=1)
    downloader = DeadlineDownloader(timeout=timeout, progressbar=progress)
    for name in REGISTRY:
        try:
            fetcher.fetch(name, downloader=downloader)
        except ValueError as exc:
            message = f"{name}: download does not match the pinned checksum ({exc})"
            raise BoundariesIntegrityError(message) from exc
        except requests.RequestException as exc:
            raise BoundariesDownloadError(_download_failure(base_url + name, exc)) from None
    return destination


def _download_failure(url: str, exc: Exception) -> str:
    """Say in one line why requests could not fetch ``url``."""
    import requests

    if isinstance(exc, requests.HTTPError) and exc.response is not None:
        return f"{url}: the server answered HTTP {exc.response.status_code} {exc.response.reason}"
    if isinstance(exc, requests.Timeout):
        return f"{url}: no answer in time; try again later or raise --timeout"
    if isinstance(exc, requests.ConnectionError):
        return f"{url}: cannot connect (offline, or the server is down); check the network or --url"
    return f"{url}: download failed ({type(exc).__name__})"
