from __future__ import annotations

import contextlib
import functools
import hashlib
import http.server
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import geopandas as gpd
import pytest
import shapely
from typer.testing import CliRunner

from protestmap.cli.app import app
from protestmap.errors import BoundariesIntegrityError, BoundariesNotFoundError
from protestmap.spatial import boundaries as bmod
from protestmap.spatial.boundaries import fetch_boundaries, find_boundaries_dir, load_boundaries

TINY_DEPARTMENTS = """{"type": "FeatureCollection", "features": [
{"type": "Feature", "id": "21", "properties": {"ubigeo": "21"},
 "geometry": {"type": "Polygon", "coordinates": [[[-71, -17], [-69, -17], [-69, -14], [-71, -14], [-71, -17]]]}}]}"""
TINY_PROVINCES = """{"type": "FeatureCollection", "features": [
{"type": "Feature", "id": "2111", "properties": {"ubigeo": "2111"},
 "geometry": {"type": "Polygon", "coordinates": [[[-71, -16], [-70, -16], [-70, -15], [-71, -15], [-71, -16]]]}},
{"type": "Feature", "id": "2101", "properties": {"ubigeo": "2101"},
 "geometry": {"type": "Polygon", "coordinates": [[[-70, -16], [-69, -15], [-70, -15], [-69, -16], [-70, -16]]]}}]}"""


@pytest.fixture
def tiny_boundaries(tmp_path: Path) -> Path:
    folder = tmp_path / "tiny-boundaries"
    folder.mkdir()
    (folder / "departamentos.geojson").write_text(TINY_DEPARTMENTS, encoding="utf-8")
    (folder / "provincias.geojson").write_text(TINY_PROVINCES, encoding="utf-8")
    return folder


@pytest.fixture(autouse=True)
def isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("PROTESTMAP_BOUNDARIES", raising=False)
    monkeypatch.setattr(bmod, "cache_dir", lambda: tmp_path / "user-cache")
    monkeypatch.setattr(bmod, "bundled_dir", lambda: tmp_path / "installed-without-data")
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.setenv(name, "127.0.0.1,localhost")


def test_resolution_order(tiny_boundaries: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(BoundariesNotFoundError, match="protestmap boundaries fetch"):
        find_boundaries_dir()
    cache = tmp_path / "user-cache"
    shutil.copytree(tiny_boundaries, cache)
    assert find_boundaries_dir() == (cache, "cache")
    monkeypatch.setenv("PROTESTMAP_BOUNDARIES", str(tiny_boundaries))
    assert find_boundaries_dir()[1] == "$PROTESTMAP_BOUNDARIES"
    assert find_boundaries_dir(tiny_boundaries)[1] == "--boundaries"


def test_named_but_unusable_directory_is_an_error_not_a_fallback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PROTESTMAP_BOUNDARIES", str(tmp_path / "empty"))
    with pytest.raises(BoundariesNotFoundError, match=r"lacks departamentos\.geojson"):
        find_boundaries_dir()


def test_load_normalises_schema_and_repairs_bowtie(tiny_boundaries: Path) -> None:
    loaded = load_boundaries(tiny_boundaries)
    provinces = loaded.provinces
    assert list(provinces.columns) == ["ubigeo", "name", "department", "province", "geometry"]
    assert provinces.crs.to_epsg() == 4326
    assert provinces["ubigeo"].tolist() == ["2101", "2111"]
    assert provinces.loc[0, "name"] == "Puno" and provinces.loc[1, "name"] == "San Román"
    assert loaded.repaired == ["2101"]
    assert provinces.geometry.is_valid.all()
    bowtie = shapely.Polygon([(-70, -16), (-69, -15), (-70, -15), (-69, -16)])
    assert provinces.geometry[0].area == pytest.approx(shapely.make_valid(bowtie).area)
    assert provinces.geometry[0].area == pytest.approx(0.5), "both triangles of the bow-tie are kept"


def test_corrupt_file_is_a_clear_error(tiny_boundaries: Path) -> None:
    (tiny_boundaries / "provincias.geojson").write_text("{not json", encoding="utf-8")
    with pytest.raises(BoundariesIntegrityError, match=r"provincias\.geojson"):
        load_boundaries(tiny_boundaries)


@contextlib.contextmanager
def serve(directory: Path) -> Iterator[str]:
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(directory))
    handler.log_message = lambda *args: None  # type: ignore[method-assign]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def _registry_for(folder: Path) -> dict[str, str]:
    return {name: "sha256:" + hashlib.sha256((folder / name).read_bytes()).hexdigest() for name in bmod.FILES.values()}


def test_fetch_from_loopback_server_checks_sha256(
    tiny_boundaries: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bmod, "REGISTRY", _registry_for(tiny_boundaries))
    target = tmp_path / "cache"
    with serve(tiny_boundaries) as url:
        assert fetch_boundaries(base_url=url, target=target, progress=False) == target
    assert (target / "provincias.geojson").read_bytes() == (tiny_boundaries / "provincias.geojson").read_bytes()
    assert len(load_boundaries(target).provinces) == 2


def test_mismatching_download_is_an_error_and_leaves_cache_untouched(
    tiny_boundaries: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bmod, "REGISTRY", _registry_for(tiny_boundaries))
    (tiny_boundaries / "departamentos.geojson").write_text(TINY_DEPARTMENTS.replace("-71", "-72"), encoding="utf-8")
    target = tmp_path / "cache"
    with serve(tiny_boundaries) as url, pytest.raises(BoundariesIntegrityError) as info:
        fetch_boundaries(base_url=url, target=target, progress=False)
    expected = bmod.REGISTRY["departamentos.geojson"].split(":")[1]
    assert expected in str(info.value), "the message names the pinned hash"
    assert not (target / "departamentos.geojson").exists()


def test_fetch_real_files_from_loopback(release_dir: Path, tmp_path: Path) -> None:
    """The pinned hashes match the shared copies, served over loopback (never the internet)."""
    target = tmp_path / "cache"
    with serve(release_dir) as url:
        fetch_boundaries(base_url=url, target=target, progress=False)
    for name in bmod.FILES.values():
        assert (target / name).read_bytes() == (release_dir / name).read_bytes()


def test_full_boundaries_load_without_losing_area(release) -> None:
    inei = release
    assert len(inei.departments) == 25
    assert len(inei.provinces) == 196
    assert inei.districts is not None and len(inei.districts) == 1834
    assert len([c for c in inei.repaired if len(c) == 2]) == 3
    assert len([c for c in inei.repaired if len(c) == 4]) == 9
    for layer in (inei.departments, inei.provinces):
        assert layer.geometry.is_valid.all()
        assert layer["name"].str.len().gt(0).all()
    raw = gpd.read_file(inei.directory / "provincias.geojson").set_index("ubigeo")
    repaired = inei.provinces.set_index("ubigeo")
    for code in [c for c in inei.repaired if len(c) == 4]:
        before = shapely.area(shapely.make_valid(raw.geometry[code]))
        assert repaired.geometry[code].area == pytest.approx(before, rel=1e-9), code
        assert repaired.geometry[code].area >= 0.99 * raw.geometry[code].buffer(0).area, code
    area = inei.departments.to_crs("EPSG:6933").area.sum() / 1e6
    assert 1_280_000 < area < 1_295_000
    provinces_area = inei.provinces.to_crs("EPSG:6933").area.sum() / 1e6
    assert provinces_area == pytest.approx(area, rel=1e-3), "provinces tile the departments"


def test_cli_boundaries_info(boundaries_dir: Path) -> None:
    result = CliRunner().invoke(app, ["boundaries", "info", "--boundaries", str(boundaries_dir)])
    assert result.exit_code == 0, result.output
    assert "departments: 25" in result.output and "provinces: 196" in result.output
    assert "CC BY 4.0" in result.output


def test_cli_without_boundaries_says_how_to_get_them() -> None:
    result = CliRunner().invoke(app, ["boundaries", "info"])
    assert result.exit_code != 0
    assert "protestmap boundaries fetch" in str(result.exception) + result.output
