"""Printing tables for the command line as a rich table, CSV or JSON."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from enum import StrEnum
from typing import Any


class Format(StrEnum):
    """Output formats shared by the commands that print tables."""

    table = "table"
    csv = "csv"
    json = "json"


class ExportFormat(StrEnum):
    """File formats of ``protestmap export`` (see :data:`protestmap.interchange.export.FORMATS`)."""

    acled = "acled"
    geojson = "geojson"
    gpkg = "gpkg"
    parquet = "parquet"


class Level(StrEnum):
    """Administrative level to aggregate or map by."""

    department = "department"
    province = "province"


class Language(StrEnum):
    """Language of a map page (see :mod:`protestmap.maps.i18n`)."""

    en = "en"
    es = "es"


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.5f}".rstrip("0").rstrip(".")
    if isinstance(value, list):
        return "; ".join(map(str, value))
    return str(value)


def render_rows(rows: Sequence[dict[str, Any]], columns: Sequence[str], fmt: Format, *, title: str = "") -> str:
    """Render rows in the requested format.

    Parameters
    ----------
    rows
        One mapping per row.
    columns
        Column order.
    fmt
        ``table`` (aligned, for people; as wide as the terminal or ``COLUMNS``, long cells folded),
        ``csv`` or ``json`` (for programs).
    title
        Caption of the table format.

    Returns
    -------
    str
        The rendered text, ending with a newline.
    """
    if fmt is Format.json:
        return json.dumps([{c: r.get(c) for c in columns} for r in rows], ensure_ascii=False, indent=2) + "\n"
    if fmt is Format.csv:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows([[_cell(r.get(c)) for c in columns] for r in rows])
        return buffer.getvalue()
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    # Cells, headers and the title are Text objects: '[/x]' in an article or a place name is
    # printed as written, never read as rich markup.
    table = Table(title=Text(title) if title else None, show_lines=False)
    for column in columns:
        table.add_column(Text(column), overflow="fold")
    for row in rows:
        table.add_row(*(Text(_cell(row.get(c))) for c in columns))
    from protestmap.cli.console import terminal_width

    console = Console(
        width=terminal_width(), record=True, file=io.StringIO(), markup=False, highlight=False, emoji=False
    )
    console.print(table)
    return console.export_text()
