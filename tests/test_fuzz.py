"""Property-based fuzzing of validate, stats and render on mutated copies of the datasets.

Each example mutates a copy of the tiny fixture or of the bundled dataset (validate), or of the
tiny fixture (stats and render, for speed) with the strategies in ``tests/fuzz_strategies.py`` and checks:

1. ``validate`` never raises or prints a traceback; it exits 0 exactly when the dataset is valid
   and 1 otherwise; every problem is one ``file:row:column: reason`` line; for each file, rows in
   = used + rejected, with rows in and rows rejected recounted independently where the file is
   plain CSV.
2. ``stats`` and ``render`` (day map and timeline) exit 0 on a valid dataset and 1 or 2 with
   one-line ``error:`` messages otherwise, never with a traceback.
3. On a valid dataset, every non-national row in view is drawn on the day map and the timeline or
   listed in ``protestmap_not_drawn``, and no text of the data is evaluated as a template.

Runs are seeded (``derandomize=True``, no example database) so CI sees the same examples every
time; the example counts are set below (1,000 + 200 + 150 + 40 + 40 per run).
"""

from __future__ import annotations

import collections
import contextlib
import csv
import datetime as dt
import io
import json
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import Phase, event, given, settings
from hypothesis import strategies as st
from tests.conftest import FIXTURES, ROOT
from tests.fuzz_strategies import FILES, MARKUP, Mutated, mutated_datasets, read_rows
from typer.testing import CliRunner, Result

from protestmap import validate_dataset
from protestmap.cli import app
from protestmap.dataset import schema
from protestmap.errors import InvalidIncidentError
from protestmap.maps.day import render_date_map
from protestmap.maps.page import page_html
from protestmap.maps.timeline import render_timeline_map
from protestmap.pipeline import prepare as prepare_incidents

# Seeded and stateless, so every run (and CI) tries the same examples; no explain phase, which
# re-runs a failing render example a hundred times to annotate it.
settings.register_profile(
    "protestmap-fuzz",
    derandomize=True,
    database=None,
    deadline=None,
    print_blob=True,
    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink],
)
FUZZ = settings.get_profile("protestmap-fuzz")
VALIDATE_EXAMPLES, BUNDLED_EXAMPLES, STATS_EXAMPLES, RENDER_EXAMPLES, MAP_EXAMPLES = 1000, 200, 150, 40, 40

PROBLEM = re.compile(r"^[^:\n]+:\d+:[^:\n]+: [^\n]+$")
CONTROL = re.compile(schema.CONTROL_PATTERN)
SUMMARY = re.compile(r"(?P<file>[^:;]+): (?P<n>\d+) in, (?P<used>\d+) used, (?P<rejected>\d+) rejected")
# Results of evaluation, not the payloads' own text: element ids are random hex (so 1337 must stand
# alone), and the literal "{% if true %}pmevaluated..." has "%}" right before the marker.
EVALUATED = re.compile(r"(?<![\w.])1337(?!\w)|(?<!%})pmevaluated")
PAGE_ID = re.compile(r"<div class='pm-id'>([^<]*)</div>")
SPAN_TYPES = {"blockade", "strike", "curfew", "state_of_emergency"}
BUNDLED = read_rows(ROOT / "data")
TINY = read_rows(FIXTURES / "tiny")


@pytest.fixture(scope="module")
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


@contextlib.contextmanager
def written(mutated: Mutated, workdir: Path) -> Iterator[Path]:
    """Write a mutated dataset into a fresh directory, removed afterwards."""
    directory = Path(tempfile.mkdtemp(dir=workdir))
    try:
        yield mutated.write(directory / "data")
    finally:
        shutil.rmtree(directory)


def assert_no_traceback(result: Result) -> None:
    assert "Traceback" not in result.output, result.output
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"the command raised {result.exception!r}") from result.exception
    assert result.exit_code in {0, 1, 2}, result.output


def assert_one_line_errors(result: Result) -> None:
    """A failed command prints problem lines, warnings and at least one ``error:`` line on stderr."""
    lines = result.stderr.splitlines()
    assert any(line.startswith("error: ") for line in lines), result.output
    for line in lines:
        assert line.startswith(("error: ", "warning: ", "  ")) or PROBLEM.match(line), line
        assert not CONTROL.search(line), repr(line)


def plain_records(data: bytes | None) -> list[list[str]] | None:
    """Parse a file independently of protestmap, when it is plain CSV: one record per line.

    Returns None when the file is absent, not UTF-8, has a BOM, does not parse with the csv module,
    or has a record spread over several lines or whose width differs from the header's (there the
    reader's own recovery decides what a record is).
    """
    if data is None or data.startswith(b"\xef\xbb\xbf"):
        return None
    try:
        text = data.decode("utf-8")
        records = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except (UnicodeDecodeError, csv.Error):
        return None
    if not text.strip():
        return []  # no header at all
    lines = io.StringIO(text, newline="").readlines()
    if not records or len(records) != len(lines):
        return None
    width = len(records[0])
    if any(record and len(record) != width for record in records):
        return None
    return records


def check_report_counts(mutated: Mutated, report) -> None:
    """Rows in = used + rejected for every file, recounted from the bytes where possible."""
    for role, name in schema.FILES.items():
        rows_in, used, rejected = report.rows_in(role), report.rows_used(role), report.rows_rejected(role)
        assert rows_in == used + rejected and 0 <= rejected <= rows_in, (name, rows_in, used, rejected)
        rows = [p.row for p in report.problems if p.file == name]
        records = plain_records(mutated.files[name])
        if records is None:
            continue
        assert rows_in == max(0, len(records) - 1), (name, rows_in, len(records))
        assert all(0 <= row <= max(1, len(records)) for row in rows), (name, rows)
        if any(row <= 1 for row in rows):
            assert used == 0, name  # the header (or the file) is wrong: no row can be trusted
        else:
            assert rejected == len(set(rows)), (name, rejected, sorted(set(rows)))
        if not rows:
            assert used == rows_in


# --- 1. validate ----------------------------------------------------------------------------------


@settings(FUZZ, max_examples=VALIDATE_EXAMPLES)
@given(mutated=mutated_datasets(TINY))
def test_validate_names_every_problem_and_counts_every_row(mutated: Mutated, workdir: Path, runner: CliRunner) -> None:
    check_validate(mutated, workdir, runner)


@settings(FUZZ, max_examples=BUNDLED_EXAMPLES)
@given(mutated=mutated_datasets(BUNDLED))
def test_validate_on_the_bundled_dataset(mutated: Mutated, workdir: Path, runner: CliRunner) -> None:
    check_validate(mutated, workdir, runner)


def check_validate(mutated: Mutated, workdir: Path, runner: CliRunner) -> None:
    """Property 1: no traceback, exit code, one FILE:ROW:COLUMN line per problem, rows counted."""
    with written(mutated, workdir) as directory:
        report = validate_dataset(directory)
        result = runner.invoke(app, ["validate", str(directory)])
    event(f"valid: {report.ok}")
    assert_no_traceback(result)
    assert result.exit_code == (0 if report.ok else 1), result.output
    lines = result.stdout.splitlines()
    assert lines == [str(p) for p in report.problems]
    for line in lines:
        assert PROBLEM.match(line), repr(line)
        assert not CONTROL.search(line), repr(line)
    assert {p.file for p in report.problems} <= set(FILES)
    check_report_counts(mutated, report)
    summary = {m["file"].strip(): m for m in SUMMARY.finditer(result.stderr)}
    for role, name in schema.FILES.items():
        counts = summary[name]
        assert int(counts["n"]) == report.rows_in(role)
        assert int(counts["used"]) == report.rows_used(role)
        assert int(counts["rejected"]) == report.rows_rejected(role)


# --- 2. stats and render on the command line ------------------------------------------------------

any_tiny = st.one_of(mutated_datasets(TINY), mutated_datasets(TINY, hostile=False))
days = st.dates(schema.PERIOD_START, schema.PERIOD_END)


@settings(FUZZ, max_examples=STATS_EXAMPLES)
@given(
    mutated=any_tiny,
    by=st.sampled_from(("department", "province")),
    fmt=st.sampled_from(("table", "csv", "json")),
    window=st.one_of(st.just([]), days.map(lambda d: ["--date", d.isoformat()])),
)
def test_stats_never_shows_a_traceback(
    mutated: Mutated,
    by: str,
    fmt: str,
    window: list[str],
    workdir: Path,
    tiny_boundaries: Path,
    runner: CliRunner,
) -> None:
    with written(mutated, workdir) as directory:
        report = validate_dataset(directory)
        args = ["stats", "--data", str(directory), "--boundaries", str(tiny_boundaries), "--by", by, "-f", fmt]
        result = runner.invoke(app, [*args, *window])
    event(f"valid: {report.ok}")
    assert_no_traceback(result)
    assert result.exit_code == (0 if report.ok else 1), result.output
    if not report.ok:
        assert_one_line_errors(result)
        return
    if fmt == "json" and not window:
        rows = json.loads(result.stdout)
        total = next(r for r in rows if str(r["name"]).startswith("TOTAL"))
        assert total["incidents"] == report.rows_used("incidents") == report.rows_in("incidents")


@settings(FUZZ, max_examples=RENDER_EXAMPLES)
@given(
    mutated=any_tiny,
    view=st.one_of(st.just(["--timeline"]), days.map(lambda d: ["--date", d.isoformat()])),
    level=st.sampled_from(("department", "province")),
    offline=st.sampled_from(([], ["--self-contained"])),
)
def test_render_never_shows_a_traceback(
    mutated: Mutated,
    view: list[str],
    level: str,
    offline: list[str],
    workdir: Path,
    tiny_boundaries: Path,
    runner: CliRunner,
) -> None:
    with written(mutated, workdir) as directory:
        report = validate_dataset(directory)
        out = directory.parent / "map.html"
        args = ["render", *view, "--level", level, "--data", str(directory), "--boundaries", str(tiny_boundaries)]
        result = runner.invoke(app, [*args, *offline, "--out", str(out)])
        page = out.read_text(encoding="utf-8") if out.exists() else None
    event(f"valid: {report.ok}")
    assert_no_traceback(result)
    assert result.exit_code == (0 if report.ok else 1), result.output
    if not report.ok:
        assert_one_line_errors(result)
        assert page is None
        return
    assert result.stdout.strip() == str(out) and page is not None
    _assert_page_safe(page)


# --- 3. what a valid dataset shows ---------------------------------------------------------------


def _incident_rows(directory: Path) -> list[dict[str, str]]:
    with (directory / schema.FILES["incidents"]).open(encoding="utf-8", newline="") as handle:
        return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(handle)]


def _in_view(row: dict[str, str], day: dt.date) -> bool:
    """Whether the day map (cumulative) shows ``row``: events to date, spans in force on the day."""
    start = dt.date.fromisoformat(row["event_date"])
    dead = row["fatalities"] not in {"", "0"} and int(row["fatalities"]) > 0
    if dead or row["event_type"] not in SPAN_TYPES:
        return start <= day
    end = dt.date.fromisoformat(row["end_date"]) if row["end_date"] else start
    return start <= day <= end


def _marker_ids(fmap) -> list[str]:
    """The event ids of every popup bound to a marker of the day map."""
    ids = []
    for group in fmap._children.values():
        for marker in getattr(group, "_children", {}).values():
            for child in getattr(marker, "_children", {}).values():
                ids += PAGE_ID.findall(getattr(child, "popup", None) or "")
    return ids


def _assert_page_safe(page: str) -> None:
    assert not EVALUATED.search(page), "a template expression from the data was evaluated"
    for payload in MARKUP:
        if "alert(1)" in payload and "<" in payload:
            assert payload not in page, f"{payload!r} reached the page unescaped"


@settings(FUZZ, max_examples=MAP_EXAMPLES)
@given(mutated=mutated_datasets(TINY, hostile=False), pick=st.integers(0, 50), shift=st.integers(-1, 2))
def test_every_valid_row_is_drawn_or_reported(
    mutated: Mutated, pick: int, shift: int, workdir: Path, tiny_boundaries: Path
) -> None:
    with written(mutated, workdir) as directory:
        report = validate_dataset(directory)
        event(f"valid: {report.ok}")
        if not report.ok:
            with pytest.raises(InvalidIncidentError) as caught:
                prepare_incidents(directory, boundaries_dir=tiny_boundaries)
            assert caught.value.problems == report.problems
            return
        rows = _incident_rows(directory)
        starts = sorted({dt.date.fromisoformat(r["event_date"]) for r in rows})
        day = starts[pick % len(starts)] + dt.timedelta(days=shift)  # near the data, so the view is not empty
        prepared = prepare_incidents(directory, boundaries_dir=tiny_boundaries)
        day_map = render_date_map(prepared, day)
        timeline = render_timeline_map(prepared)
        pages = [page_html(day_map, self_contained=False), page_html(timeline, self_contained=False)]
    assert len(prepared.joined) == report.rows_used("incidents") == len(rows)
    local = [r for r in rows if r["scope"] != "national"]

    drawn = _marker_ids(day_map)
    missing = list(day_map.protestmap_not_drawn["event_id"])
    event(f"day map: {len(drawn)} drawn, {len(missing)} not drawn")
    assert max(collections.Counter(drawn + missing).values(), default=1) == 1, (drawn, missing)
    assert set(drawn) | set(missing) == {r["event_id"] for r in local if _in_view(r, day)}

    events = [e["popup"][-1] for e in timeline.protestmap_payload["events"]]  # the escaped event id
    missing = list(timeline.protestmap_not_drawn["event_id"])
    assert max(collections.Counter(events + missing).values(), default=1) == 1, (events, missing)
    assert set(events) | set(missing) == {r["event_id"] for r in local}
    assert len(timeline.protestmap_payload["national"]) == len(rows) - len(local)
    for page in pages:
        _assert_page_safe(page)


# --- regressions found by the properties above ------------------------------------------------------


def test_an_empty_column_name_is_reported_as_dash(tiny_dataset: Path) -> None:
    path = tiny_dataset / "source_figures.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",as_of,note,", ",,,", 1), encoding="utf-8")
    lines = [str(p) for p in validate_dataset(tiny_dataset).problems]
    assert any("duplicate column" in line for line in lines), lines
    for line in lines:
        assert PROBLEM.match(line), repr(line)


@pytest.mark.parametrize("name", ["\ufeffsource_id", "\x1b[2J\x1b[31mred", "a:b", "two\nlines", "\u202eseton"])
def test_a_strange_header_name_is_reported_on_one_plain_line(tiny_dataset: Path, name: str) -> None:
    """A header cell is shown escaped, never raw: no ANSI escapes, BOMs, colons or line breaks in FILE:ROW:COLUMN."""
    path = tiny_dataset / "sources.csv"
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
    rows[0][-1] = name  # the column "notes" renamed
    rows[1][-1] = "bell\x07"  # and a problem in a cell of that column
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    lines = [str(p) for p in validate_dataset(tiny_dataset).problems]
    assert "sources.csv:1:notes: missing column" in lines
    for line in lines:
        assert PROBLEM.match(line) and not CONTROL.search(line), repr(line)
    assert any(repr(name) in line and "unknown column" in line for line in lines), lines
    assert any(repr(name) in line and "U+0007" in line for line in lines), lines
