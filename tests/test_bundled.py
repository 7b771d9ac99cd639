"""The INEI boundaries bundled in the package: what they are, when they are used, and a clean install."""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from protestmap.cli.app import app
from protestmap.errors import BoundariesNotFoundError
from protestmap.spatial import boundaries as bmod
from protestmap.spatial.boundaries import BUNDLED, bundled_dir, find_boundaries_dir, load_boundaries

ROOT = Path(__file__).resolve().parents[1]
#: A wheel holding the two simplified layers, the gazetteer and the dataset stays well under this.
WHEEL_LIMIT = 1_000_000


@pytest.fixture
def no_user_boundaries(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("PROTESTMAP_BOUNDARIES", raising=False)
    monkeypatch.setattr(bmod, "cache_dir", lambda: tmp_path / "empty-cache")


def test_bundled_copy_is_the_repaired_release(release_dir: Path) -> None:
    release = load_boundaries(release_dir)
    bundled = load_boundaries(bundled_dir())
    assert bundled.repaired == [], "the bundled geometries are stored repaired"
    for level in ("department", "province"):
        ours, theirs = bundled.layer(level), release.layer(level)
        assert ours["ubigeo"].tolist() == theirs["ubigeo"].tolist()
        assert ours.geom_equals_exact(theirs, tolerance=0).all(), level
    readme = (bundled_dir() / "README.md").read_text(encoding="utf-8")
    for name in bmod.FILES.values():
        assert hashlib.sha256((release_dir / name).read_bytes()).hexdigest() in readme, name
    for name in bmod.PARQUET_FILES.values():
        assert hashlib.sha256((bundled_dir() / name).read_bytes()).hexdigest() in readme, name
    licence = bundled_dir() / "LICENSE-DATA-INEI-2023"
    assert licence.read_bytes() == (release_dir / "LICENSE-DATA-INEI-2023").read_bytes()


def test_bundle_holds_no_districts_and_no_geojson() -> None:
    names = {path.name for path in bundled_dir().iterdir()}
    assert names == {"departamentos.parquet", "provincias.parquet", "LICENSE-DATA-INEI-2023", "README.md"}


@pytest.mark.usefixtures("no_user_boundaries")
def test_bundled_copy_comes_last(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tiny_boundaries: Path) -> None:
    assert find_boundaries_dir() == (bundled_dir(), BUNDLED)
    cache = tmp_path / "cache"
    cache.mkdir()
    for name in bmod.FILES.values():
        (cache / name).write_bytes((tiny_boundaries / name).read_bytes())
    monkeypatch.setattr(bmod, "cache_dir", lambda: cache)
    assert find_boundaries_dir() == (cache, "cache")
    monkeypatch.setenv("PROTESTMAP_BOUNDARIES", str(tiny_boundaries))
    assert find_boundaries_dir() == (tiny_boundaries, "$PROTESTMAP_BOUNDARIES")
    assert find_boundaries_dir(bundled_dir()) == (bundled_dir(), "--boundaries")


@pytest.mark.usefixtures("no_user_boundaries")
def test_bundled_load_has_the_units_and_says_districts_need_a_directory() -> None:
    loaded = load_boundaries(districts=True)
    assert (loaded.origin, len(loaded.departments), len(loaded.provinces)) == (BUNDLED, 25, 196)
    assert loaded.districts is None
    assert loaded.attribution == bmod.ATTRIBUTION
    with pytest.raises(BoundariesNotFoundError, match=r"only departments and provinces are bundled.*distritos_2007"):
        loaded.layer("district")


@pytest.mark.usefixtures("no_user_boundaries")
def test_cli_info_names_the_bundled_copy() -> None:
    result = CliRunner().invoke(app, ["boundaries", "info"])
    assert result.exit_code == 0, result.output
    assert "source: the copy bundled with protestmap" in result.output
    assert "districts: not bundled" in result.output
    assert "CC BY 4.0" in result.output


def _build_wheel(out: Path) -> Path:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (wheel,) = out.glob("protestmap-*.whl")
    return wheel


def _clean_venv(where: Path, wheel: Path) -> Path:
    """A new venv that sees the test environment's libraries (not its protestmap) and has the wheel installed."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(where)], check=True)
    python = where / "bin" / "python"
    purelib = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    # Appended after the venv's own site-packages, and .pth files there are not run: the editable
    # protestmap of the test environment stays invisible, the installed wheel is what imports.
    Path(purelib, "test-libraries.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--no-index", "-q", str(wheel)],
        check=True,
        capture_output=True,
    )
    return where / "bin"


def test_wheel_installs_and_renders_choropleths_offline_with_no_setup(tmp_path: Path) -> None:
    wheel = _build_wheel(tmp_path / "dist")
    size = wheel.stat().st_size
    assert size < WHEEL_LIMIT, f"wheel is {size:,} bytes"
    names = zipfile.ZipFile(wheel).namelist()
    assert "protestmap/spatial/_data/provincias.parquet" in names
    assert "protestmap/spatial/_data/LICENSE-DATA-INEI-2023" in names
    assert not [n for n in names if n.endswith(".geojson") or "distrit" in n]

    bin_dir = _clean_venv(tmp_path / "venv", wheel)
    home = tmp_path / "home"
    work = tmp_path / "elsewhere"
    work.mkdir()
    env = {
        "PATH": f"{bin_dir}{os.pathsep}/usr/bin:/bin",
        "HOME": str(home),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "LANG": "C.UTF-8",
    }
    out = work / "day.html"
    result = subprocess.run(
        ["protestmap", "render", "--date", "2023-01-09", "--out", str(out)],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(out)
    assert "warning: INEI boundaries" not in result.stderr
    page = out.read_text(encoding="utf-8")
    decoder = json.JSONDecoder()
    layers = [decoder.raw_decode(page, m.end())[0] for m in re.finditer(r"L\.geoJSON\(", page)]
    fills = [f for layer in layers for f in layer["features"] if "fill" in f["properties"]]
    departments = {f["properties"]["ubigeo"] for f in fills if len(f["properties"]["ubigeo"]) == 2}
    assert len(departments) == 25, "the deaths choropleth covers every department"
    assert {f["geometry"]["type"] for f in fills} <= {"Polygon", "MultiPolygon"}
    assert page.count("L.circleMarker(") >= 10
    assert json.dumps(bmod.ATTRIBUTION)[1:-1] in page, "the INEI attribution is on the map"
    assert "PROTESTMAP_" not in page and str(home) not in page

    where = subprocess.run(
        ["python", "-c", "import protestmap; print(protestmap.__file__)"],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
    )
    assert where.stdout.startswith(str(tmp_path / "venv")), where.stdout + where.stderr
    info = subprocess.run(["protestmap", "boundaries", "info"], cwd=work, env=env, capture_output=True, text=True)
    assert info.returncode == 0, info.stderr
    assert "source: the copy bundled with protestmap" in info.stdout
