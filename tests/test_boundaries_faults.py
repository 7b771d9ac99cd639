"""Boundaries that cannot be trusted, and downloads that go wrong, end in one clear message."""

from __future__ import annotations

import contextlib
import hashlib
import http.server
import json
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pyproj import Transformer
from typer.testing import CliRunner

from protestmap.cli.app import app
from protestmap.errors import BoundariesDownloadError, BoundariesIntegrityError
from protestmap.spatial import boundaries as bmod
from protestmap.spatial.boundaries import fetch_boundaries, load_boundaries

PUNO = [[-71, -17], [-69, -17], [-69, -14], [-71, -14], [-71, -17]]
SAN_ROMAN = [[-71, -16], [-70, -16], [-70, -15], [-71, -15], [-71, -16]]


def collection(features: list[dict], crs: str | None = None) -> str:
    data: dict = {"type": "FeatureCollection", "features": features}
    if crs:
        data["crs"] = {"type": "name", "properties": {"name": crs}}
    return json.dumps(data)


def feature(properties: dict, geometry: dict) -> dict:
    return {"type": "Feature", "properties": properties, "geometry": geometry}


def polygon(ring: list[list[float]]) -> dict:
    return {"type": "Polygon", "coordinates": [ring]}


def folder_with(tmp_path: Path, departments: str, provinces: str | None = None) -> Path:
    folder = tmp_path / "b"
    folder.mkdir(exist_ok=True)
    (folder / "departamentos.geojson").write_text(departments, encoding="utf-8")
    default = collection([feature({"ubigeo": "2111"}, polygon(SAN_ROMAN))])
    (folder / "provincias.geojson").write_text(provinces or default, encoding="utf-8")
    return folder


@pytest.fixture(autouse=True)
def isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("PROTESTMAP_BOUNDARIES", raising=False)
    monkeypatch.setattr(bmod, "cache_dir", lambda: tmp_path / "user-cache")
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.setenv(name, "127.0.0.1,localhost")


def test_plausible_tiny_layers_load(tmp_path: Path) -> None:
    loaded = load_boundaries(folder_with(tmp_path, collection([feature({"ubigeo": 21}, polygon(PUNO))])))
    assert loaded.departments["ubigeo"].tolist() == ["21"], "numeric codes are zero-padded strings"


def utm19s(ring: list[list[float]]) -> list[list[float]]:
    to_utm = Transformer.from_crs("EPSG:4326", "EPSG:32719", always_xy=True)
    return [list(to_utm.transform(x, y)) for x, y in ring]


@pytest.mark.parametrize(
    ("departments", "reason"),
    [
        (collection([]), "no features with a geometry"),
        (collection([feature({"code": "21"}, polygon(PUNO))]), "no 'ubigeo' property"),
        (collection([feature({"ubigeo": "21"}, {"type": "Point", "coordinates": [-70, -15]})]), "found Point"),
        (collection([feature({"ubigeo": "21"}, polygon(utm19s(PUNO)))]), "look projected"),
        (collection([feature({"ubigeo": "21"}, polygon([[y, x] for x, y in PUNO]))]), "axes look swapped"),
        (collection([feature({"ubigeo": "21"}, polygon([[x + 40, y] for x, y in PUNO]))]), "outside Peru"),
        (collection([feature({"ubigeo": "99"}, polygon(PUNO))]), "not INEI department ubigeo"),
        (collection([feature({"ubigeo": "2111"}, polygon(PUNO))]), "not INEI department ubigeo"),
        (collection([feature({"ubigeo": "Puno"}, polygon(PUNO))]), "not INEI department ubigeo"),
        (collection([feature({"ubigeo": "21"}, polygon(PUNO))] * 2), "appears more than once"),
    ],
)
def test_implausible_boundaries_are_rejected(tmp_path: Path, departments: str, reason: str) -> None:
    folder = folder_with(tmp_path, departments)
    with pytest.raises(BoundariesIntegrityError, match=reason) as info:
        load_boundaries(folder)
    assert "departamentos.geojson" in str(info.value), "the message names the file"
    result = CliRunner().invoke(app, ["stats", "--boundaries", str(folder)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert next(line for line in result.stderr.splitlines() if line.startswith("error: ")).count(reason) == 1


def test_projected_file_with_a_crs_member_is_reprojected(tmp_path: Path) -> None:
    departments = collection([feature({"ubigeo": "21"}, polygon(utm19s(PUNO)))], crs="urn:ogc:def:crs:EPSG::32719")
    loaded = load_boundaries(folder_with(tmp_path, departments))
    x0, y0, x1, y1 = loaded.departments.total_bounds
    assert (x0, y0, x1, y1) == pytest.approx((-71, -17, -69, -14), abs=1e-6)


def registry_for(folder: Path) -> dict[str, str]:
    return {n: "sha256:" + hashlib.sha256((folder / n).read_bytes()).hexdigest() for n in bmod.FILES.values()}


def test_tampered_cache_is_an_error_that_says_how_to_refetch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = folder_with(tmp_path, collection([feature({"ubigeo": "21"}, polygon(PUNO))]))
    monkeypatch.setattr(bmod, "REGISTRY", registry_for(source))
    cache = tmp_path / "user-cache"
    shutil.copytree(source, cache)
    assert load_boundaries().origin == "cache"
    path = cache / "provincias.geojson"
    path.write_text(path.read_text(encoding="utf-8").replace("-70", "-70.5"), encoding="utf-8")
    with pytest.raises(BoundariesIntegrityError, match="does not match its pinned sha256") as info:
        load_boundaries()
    assert "protestmap boundaries fetch" in str(info.value)
    result = CliRunner().invoke(app, ["boundaries", "info"])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "protestmap boundaries fetch" in result.stderr
    result = CliRunner().invoke(app, ["stats"])
    assert result.exit_code == 1, "a tampered cache is not silently replaced by stated codes"


class Faulty(http.server.BaseHTTPRequestHandler):
    """404, 500, a body cut short, and a server that trickles one byte at a time."""

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        kind = self.path.strip("/").split("/")[0]
        if kind in {"404", "500"}:
            self.send_error(int(kind))
            return
        self.send_response(200)
        self.send_header("Content-Length", "100000")
        self.end_headers()
        if kind == "cut":
            self.wfile.write(b'{"type": "FeatureCollection"')
            return
        with contextlib.suppress(OSError):
            for _ in range(200):  # at most 20 s, far beyond the client's timeout
                self.wfile.write(b" ")
                self.wfile.flush()
                time.sleep(0.1)


@contextlib.contextmanager
def faulty_server() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Faulty)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def refused_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/"


@pytest.mark.parametrize(
    ("kind", "reason"),
    [
        ("404", "HTTP 404"),
        ("500", "HTTP 500"),
        ("cut", "cut short"),
        ("slow", "within 1 s"),
        ("offline", "cannot connect"),
    ],
)
def test_failed_fetch_is_one_line_and_leaves_no_temporary_file(tmp_path: Path, kind: str, reason: str) -> None:
    target = tmp_path / "user-cache"
    with faulty_server() as base:
        url = refused_url() if kind == "offline" else f"{base}{kind}/"
        started = time.monotonic()
        with pytest.raises(BoundariesDownloadError, match=reason):
            fetch_boundaries(base_url=url, target=target, progress=False, timeout=1.0)
        assert time.monotonic() - started < 10, "bounded in time"
        leftovers = list(target.iterdir()) if target.exists() else []
        assert leftovers == [], leftovers
        result = CliRunner().invoke(app, ["boundaries", "fetch", "--url", url, "--timeout", "1"])
    assert result.exit_code == 1 and "Traceback" not in result.output
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1 and reason in errors[0], result.stderr
    assert list(target.iterdir()) == []
