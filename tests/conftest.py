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
    """The full INEI boundaries from PROTESTMAP_BOUNDARIES: missing fails in CI, skips elsewhere."""
    value = os.environ.get("PROTESTMAP_BOUNDARIES")
    if not value:
        if IN_CI:
            pytest.fail("CI must set PROTESTMAP_BOUNDARIES (see .ci/run)")
        pytest.skip("PROTESTMAP_BOUNDARIES not set")
    path = Path(value)
    needed = ("departamentos.geojson", "provincias.geojson")
    if not all((path / name).is_file() for name in needed):
        pytest.fail(f"PROTESTMAP_BOUNDARIES={path} is set but lacks {needed}")
    return path


@pytest.fixture(scope="session")
def inei(boundaries_dir: Path):
    from protestmap.spatial.boundaries import load_boundaries

    return load_boundaries(boundaries_dir, districts=True)


@pytest.fixture(scope="session")
def tiny_boundaries() -> Path:
    """Hand-made boundaries (a few rectangles with real INEI codes) for tests on the tiny dataset."""
    return FIXTURES / "boundaries"
