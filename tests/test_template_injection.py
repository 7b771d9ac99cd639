"""Text from the data is never evaluated as a template, in any field, on any kind of map.

branca compiles the rendered output of every MacroElement as a new Jinja template; protestmap's
elements put their output into the page verbatim instead (``protestmap.maps.elements.RenderOnce``).
These tests put template syntax into every text field of every dataset file and of an ACLED
import (unit names come from the packaged gazetteer, not from boundary files), and check that it is shown literally, never run, never crashes, and
that no text of the data is ever compiled as a template.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import re
import shutil
from pathlib import Path

import pytest
from tests.conftest import FIXTURES
from typer.testing import CliRunner

from protestmap.cli.app import app
from protestmap.errors import ProtestmapError
from protestmap.maps.content import Window
from protestmap.maps.day import render_date_map
from protestmap.maps.elements import RenderedText
from protestmap.maps.page import page_html
from protestmap.maps.timeline import render_timeline_map
from protestmap.pipeline import prepare as prepare_incidents

DAY = dt.date(2023, 1, 10)
PAYLOADS = [
    "{{ 7*191 }}",
    "{{ 'zz' ~ 'top' }}",
    "{{ cycler.__init__.__globals__.os.popen(dict(id=1)|first).read() }}",
    "{% if true %}evaluated{% endif %}",
    "{# hidden-comment #}",
    '{{ "x" }}',
    "{{ unbalanced",
    "}} {% {#",
    "{%- raw %}x{% endraw %}",
    "${7*191} `backtick`",
]
PAYLOAD = " ".join(PAYLOADS)
URL_PAYLOAD = "https://example.org/?q={{7*191}}{{'zz'~'top'}}{%raw%}{#c#}{{"
NOT_DISPLAYED = {
    ("incidents.csv", "sub_event_type"),
    ("incidents.csv", "actor1"),
    ("incidents.csv", "actor2"),
    ("sources.csv", "notes"),
    ("source_figures.csv", "note"),
}
TEXT_FIELDS = {
    "incidents.csv": ["sub_event_type", "actor1", "actor2", "location", "notes"],
    "sources.csv": ["outlet", "title", "notes", "url"],
    "source_figures.csv": ["note"],
}


def _unescape(page: str) -> str:
    """Undo the JSON and HTML escaping a page applies, to see the text a reader is shown."""
    text = re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m[1], 16)), page)
    text = text.replace('\\"', '"').replace("\\/", "/")
    return html.unescape(text)


def _poison(directory: Path, file: str, column: str, text: str, *, replace: bool = False) -> None:
    path = directory / file
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        row[column] = text if replace else (row[column] or "") + " " + text
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def _pages(dataset: Path, boundaries: Path) -> dict[str, str]:
    prepared = prepare_incidents(dataset, boundaries_dir=boundaries)
    maps = {
        "day": render_date_map(prepared, DAY, self_contained=True),
        "province day": render_date_map(prepared, DAY, level="province", window=Window(7)),
        "timeline": render_timeline_map(prepared, self_contained=True),
    }
    return {kind: page_html(fmap, self_contained=kind != "province day") for kind, fmap in maps.items()}


def _evaluated(text: str) -> bool:  # folium ids are random hex, so 1337 must stand alone
    """Tell whether a payload ran: its results (not its source) appear in the text."""
    return bool(re.search(r"(?<![\w.])1337(?!\w)|zztop|uid=\d", text))


def _assert_shown_literally(page: str, payload: str) -> None:
    assert not _evaluated(page), "a template expression was evaluated"
    assert payload in _unescape(page), "the text is not shown as written"


@pytest.mark.parametrize(("file", "column"), [(f, c) for f, cols in TEXT_FIELDS.items() for c in cols])
def test_template_syntax_in_any_field_is_shown_literally(
    tiny_dataset: Path, tiny_boundaries: Path, file: str, column: str
) -> None:
    text = URL_PAYLOAD if column == "url" else PAYLOAD
    _poison(tiny_dataset, file, column, text, replace=column == "url")
    try:
        pages = _pages(tiny_dataset, tiny_boundaries)
    except ProtestmapError as exc:
        pytest.fail(f"{file}:{column} is free text and must be accepted: {exc}")
    for kind, page in pages.items():
        if (file, column) in NOT_DISPLAYED:
            assert not _evaluated(page), kind
            continue  # fields not displayed on maps: only nothing may run
        _assert_shown_literally(page, text)


def test_url_payload_never_runs(tiny_dataset: Path, tiny_boundaries: Path) -> None:
    _poison(tiny_dataset, "sources.csv", "url", URL_PAYLOAD, replace=True)
    for page in _pages(tiny_dataset, tiny_boundaries).values():
        assert not _evaluated(page)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_each_payload_alone_in_notes_and_place(tiny_dataset: Path, tiny_boundaries: Path, payload: str) -> None:
    _poison(tiny_dataset, "incidents.csv", "notes", payload)
    _poison(tiny_dataset, "incidents.csv", "location", payload)
    for page in _pages(tiny_dataset, tiny_boundaries).values():
        _assert_shown_literally(page, payload)


def test_no_text_from_the_data_is_ever_compiled_as_a_template(tiny_dataset: Path, tiny_boundaries: Path) -> None:
    """The mechanism, not a payload: a marker in every field must only reach the page verbatim."""
    marker = "zqx-canary"
    for file, columns in TEXT_FIELDS.items():
        for column in columns:
            if column != "url":
                _poison(tiny_dataset, file, column, marker)
    prepared = prepare_incidents(tiny_dataset, boundaries_dir=tiny_boundaries)
    for fmap in (render_date_map(prepared, DAY), render_timeline_map(prepared)):
        figure = fmap.get_root()
        page = figure.render()
        assert marker in page
        compiled = [
            child
            for part in (figure.header, figure.html, figure.script)
            for child in part._children.values()
            if not isinstance(child, RenderedText) and marker in (child._template_str or "")
        ]
        assert compiled == [], "text from the data was compiled as a Jinja template"
        carriers = [
            child
            for part in (figure.header, figure.html, figure.script)
            for child in part._children.values()
            if marker in child.render()
        ]
        assert carriers and all(isinstance(c, RenderedText) for c in carriers)


def test_acled_import_notes_are_data(tmp_path: Path, boundaries_dir: Path) -> None:
    source = tmp_path / "acled.csv"
    shutil.copy(FIXTURES / "acled" / "current.csv", source)
    _poison(tmp_path, "acled.csv", "notes", PAYLOAD)
    _poison(tmp_path, "acled.csv", "location", "{{ 7*191 }}")
    out = tmp_path / "imported"
    result = CliRunner().invoke(app, ["import", "acled", str(source), "--out", str(out)])
    assert result.exit_code == 0, result.output
    prepared = prepare_incidents(out, boundaries_dir=boundaries_dir)
    day = prepared.joined["event_date"].max().date()
    for fmap in (render_date_map(prepared, day), render_timeline_map(prepared)):
        _assert_shown_literally(page_html(fmap, self_contained=False), PAYLOAD)
