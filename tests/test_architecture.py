"""The package reads as its data flow: imports only point down, never back up.

dataset → places → spatial → maps is the main line; text and interchange are side doors that
may use the main line's stages but are used by none of them; pipeline joins the stages and cli
parses arguments and delegates. errors, settings and _io are shared by all.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "protestmap"
SHARED = {"errors", "settings", "_io", "_data", "py"}
RANK = {
    "dataset": 1,
    "places": 2,
    "spatial": 3,
    "maps": 4,
    "text": 5,
    "interchange": 5,
    "pipeline": 6,
    "cli": 7,
    "__init__": 8,
    "__main__": 8,
}


def _room(module: str) -> str:
    """The top-level room of ``protestmap.a.b`` (``a``); a name taken from the package itself is ``__init__``."""
    parts = module.split(".")
    return (
        parts[1]
        if (len(parts) > 1 and (PACKAGE / parts[1]).with_suffix(".py").exists())
        or (len(parts) > 1 and (PACKAGE / parts[1]).is_dir())
        else "__init__"
    )


def _imports(path: Path) -> list[tuple[int, str]]:
    """Every ``protestmap`` module a file imports (absolute imports only: the package uses no others)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{path}: relative import"
            found += [(node.lineno, f"{node.module}.{alias.name}") for alias in node.names]
    return [(line, name) for line, name in found if name.split(".")[0] == "protestmap"]


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def test_every_module_lives_in_a_known_room() -> None:
    for path in _modules():
        room = path.relative_to(PACKAGE).with_suffix("").parts[0]
        assert room in RANK or room in SHARED, f"{path.relative_to(PACKAGE)} is in no room of the plan"


def _violations(path: Path, *, room: str) -> list[str]:
    """Imports of ``path`` (a module of ``room``) that point up the flow or into a side door."""
    later = {r for r, k in RANK.items() if k >= RANK.get(room, 0)} - {room}
    allowed = set(SHARED) if room in SHARED else (SHARED | set(RANK)) - later
    return [f"line {line}: {name}" for line, name in _imports(path) if _room(name) not in allowed]


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_point_down_the_flow(path: Path) -> None:
    room = path.relative_to(PACKAGE).with_suffix("").parts[0]
    wrong = _violations(path, room=room)
    assert wrong == [], f"{path.relative_to(PACKAGE)} imports a later stage or a side door: {wrong}"


def test_the_check_can_fail(tmp_path: Path) -> None:
    """A back-edge written on purpose is caught (the rule above is not vacuous)."""
    probe = tmp_path / "probe.py"
    probe.write_text("from protestmap.maps import day\nfrom protestmap.dataset import schema\n", encoding="utf-8")
    assert _violations(probe, room="dataset") == ["line 1: protestmap.maps.day"]
    assert _violations(probe, room="maps") == []
