from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures"
SHARED = ROOT.parent / "shared"
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


@pytest.fixture
def tiny_dataset(tmp_path: Path) -> Path:
    """A writable copy of the tiny hand-made dataset."""
    target = tmp_path / "tiny"
    shutil.copytree(FIXTURES / "tiny", target)
    return target


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    """The seed articles in ../shared/seeds; missing is a failure in CI and a skip elsewhere."""
    path = SHARED / "seeds"
    if not path.is_dir():
        if IN_CI:
            pytest.fail(f"CI must have the seed articles at {path}")
        pytest.skip("../shared/seeds not present")
    return path


@pytest.fixture(scope="session")
def boundaries_dir() -> Path:
    """The INEI boundaries: PROTESTMAP_BOUNDARIES when set (CI tests the directory path), else the bundled copy."""
    from protestmap.spatial.boundaries import bundled_dir, layer_files

    value = os.environ.get("PROTESTMAP_BOUNDARIES")
    path = Path(value) if value else bundled_dir()
    if layer_files(path) is None:
        pytest.fail(f"no department and province files in {path}")
    return path


@pytest.fixture(scope="session")
def release_dir() -> Path:
    """The pinned INEI GeoJSON release (and 2007 districts): PROTESTMAP_BOUNDARIES, else ../shared/boundaries.

    Only the tests of the release itself (hashes, repair, districts, the bundled copy's build) need it;
    missing is a failure in CI and a skip elsewhere, like the seed articles.
    """
    value = os.environ.get("PROTESTMAP_BOUNDARIES")
    path = Path(value) if value else SHARED / "boundaries"
    needed = ("departamentos.geojson", "provincias.geojson")
    if not all((path / name).is_file() for name in needed):
        if IN_CI or value:
            pytest.fail(f"{path} lacks {needed}")
        pytest.skip("the INEI GeoJSON release is not present (../shared/boundaries)")
    return path


@pytest.fixture(scope="session")
def inei(boundaries_dir: Path):
    from protestmap.spatial.boundaries import load_boundaries

    return load_boundaries(boundaries_dir)


@pytest.fixture(scope="session")
def release(release_dir: Path):
    from protestmap.spatial.boundaries import load_boundaries

    return load_boundaries(release_dir, districts=True)


@pytest.fixture(scope="session")
def tiny_boundaries() -> Path:
    """Hand-made boundaries (a few rectangles with real INEI codes) for tests on the tiny dataset."""
    return FIXTURES / "boundaries"
