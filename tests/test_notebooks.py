from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))


def test_there_is_a_notebook() -> None:
    assert NOTEBOOKS


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_runs_top_to_bottom(path: Path, boundaries_dir: Path) -> None:
    notebook = nbformat.read(path, as_version=4)
    assert all(not cell.get("outputs") for cell in notebook.cells if cell.cell_type == "code"), "commit without outputs"
    client = NotebookClient(
        notebook, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    )
    client.execute()
    errors = [o for c in notebook.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert errors == []
    last = notebook.cells[-1]["outputs"]
    assert any("leaflet" in str(o.get("data", {})).lower() for o in last), "the folium map is displayed"
    table = next(c for c in notebook.cells if "by_department[[" in c.source)["outputs"]
    assert "Puno" in str(table)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_uses_the_public_api_only(path: Path) -> None:
    import re

    import protestmap

    code = "\n".join(c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code")
    assert not re.search(r"^\s*(from|import) protestmap\.", code, flags=re.M), "submodule imports in the notebook"
    used = set(re.findall(r"protestmap\.(\w+)", code))
    assert used and used <= set(protestmap.__all__), used - set(protestmap.__all__)
