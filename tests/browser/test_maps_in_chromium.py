"""The maps in real headless Chromium (Debian's), driven by Playwright; no network at all."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pandas as pd
import pytest
from tests.browser.clicks import reach_every_marker, show
from tests.conftest import FIXTURES
from tests.test_render import expected_counts

from protestmap.maps.day import render_date_map
from protestmap.maps.page import page_html, write_atomic
from protestmap.maps.timeline import render_timeline_map
from protestmap.pipeline import prepare as prepare_incidents

pytestmark = pytest.mark.browser
DAY = dt.date(2023, 1, 9)
COUNT_MARKERS = """
Object.fromEntries(Object.entries(window.protestmapLayers).map(([k, g]) => {
  let n = 0;
  g.eachLayer(l => { if (l instanceof L.CircleMarker) n += 1; else if (l.eachLayer) l.eachLayer(m => { if (m instanceof L.CircleMarker) n += 1; }); });
  return [k, n];
}))
"""


@pytest.fixture(scope="module")
def prepared(boundaries_dir: Path):
    return prepare_incidents(boundaries_dir=boundaries_dir)


@pytest.fixture(scope="module")
def day_page(prepared, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("maps") / "day.html"
    return write_atomic(page_html(render_date_map(prepared, DAY, self_contained=True), self_contained=True), path)


@pytest.fixture(scope="module")
def timeline_page(prepared, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("maps") / "timeline.html"
    return write_atomic(page_html(render_timeline_map(prepared, self_contained=True), self_contained=True), path)


def test_day_map_loads_cleanly_with_the_right_features(visit, day_page: Path, prepared) -> None:
    seen = visit(day_page)
    assert seen.errors == []
    assert seen.external_requests == [], "a self-contained page makes no request"
    counts = seen.page.evaluate(COUNT_MARKERS)
    assert counts == expected_counts(prepared.joined, DAY)
    title = seen.page.inner_text("#pm-title")
    assert "deaths this day: 20 (to date: 49)" in title
    assert seen.page.locator(".leaflet-control-layers-overlays label").count() >= 8


def test_popup_shows_its_sources(visit, day_page: Path) -> None:
    seen = visit(day_page)
    seen.page.mouse.click(*show(seen.page, "2023-01-09-juliaca-deaths"))
    seen.page.wait_for_timeout(300)
    text = seen.page.inner_text(".leaflet-popup-content")
    assert "2023-01-09-juliaca-deaths" in text
    assert text and "Sources:" in text
    assert "Kawsachun News" in text and "Amnesty International Ireland" in text
    assert "Figures by source:" in text


def test_timeline_slider_changes_what_is_shown(visit, timeline_page: Path, prepared) -> None:
    seen = visit(timeline_page)
    assert seen.errors == []
    assert seen.external_requests == []
    page = seen.page
    index = page.evaluate("window.protestmapTimeline.days.indexOf('2023-01-09')")
    page.evaluate(f"window.protestmapTimeline.setDay({index})")
    on_9th = page.evaluate(COUNT_MARKERS)
    assert on_9th == expected_counts(prepared.joined, DAY)
    slider = page.locator("#pm-slider")
    slider.focus()
    page.keyboard.press("End")
    page.keyboard.press("ArrowLeft")
    assert page.evaluate("window.protestmapTimeline.state.day") == page.evaluate(
        "window.protestmapTimeline.days.length - 2"
    )
    joined = prepared.joined
    last_day = max(joined["end_date"].max(), joined["event_date"].max()).date()
    one_before = last_day - dt.timedelta(days=1)
    assert page.inner_text("#pm-day") == f"{one_before.day} {one_before:%B %Y}"
    later = page.evaluate(COUNT_MARKERS)
    assert later != on_9th
    page.evaluate("window.protestmapTimeline.setDay(0)")
    first = page.evaluate(COUNT_MARKERS)
    assert first["deaths"] == 0 and sum(first.values()) >= 1


def test_timeline_modes_and_play(visit, timeline_page: Path, prepared) -> None:
    page = visit(timeline_page).page
    index = page.evaluate("window.protestmapTimeline.days.indexOf('2023-01-20')")
    page.evaluate(f"window.protestmapTimeline.setDay({index})")
    cumulative = page.evaluate(COUNT_MARKERS)["deaths"]
    page.select_option("#pm-mode", "1")
    single_day = page.evaluate(COUNT_MARKERS)["deaths"]
    joined = prepared.joined
    died_that_day = (
        (joined["event_date"] == "2023-01-20") & (joined["fatalities"].fillna(0) > 0) & joined.geometry.notna()
    )
    assert single_day == int(died_that_day.sum()) < cumulative  # Ilave, and the Chao death dated to that day
    page.evaluate("window.protestmapTimeline.setDay(0)")
    page.click("#pm-play")
    page.wait_for_timeout(1200)
    assert page.evaluate("window.protestmapTimeline.state.day") >= 2
    page.click("#pm-play")
    assert page.inner_text("#pm-play") == "Play"


def test_layer_toggle_keeps_working_with_the_slider(visit, timeline_page: Path) -> None:
    page = visit(timeline_page).page
    page.get_by_label("Deaths (markers sized by fatalities)").uncheck()
    page.evaluate("window.protestmapTimeline.setDay(window.protestmapTimeline.days.indexOf('2023-01-09'))")
    on_map = page.evaluate(
        "map => window[Object.keys(window).find(k => k.startsWith('map_'))].hasLayer(window.protestmapLayers.deaths)",
        None,
    )
    assert on_map is False, "a hidden layer stays hidden when the day changes"
    page.get_by_label("Deaths (markers sized by fatalities)").check()
    assert page.locator("path.leaflet-interactive").count() > 20


PAYLOADS = {
    "location": "<script>window.__pwned='location'</script>Juliaca",
    "notes": "<img src=x onerror=\"window.__pwned='notes'\"> ${window.__pwned='template'} ` </script><script>window.__pwned='close'</script>",
    "title": "<svg onload=\"window.__pwned='title'\">",
    "outlet": "Outlet <b onmouseover=\"window.__pwned='outlet'\">x</b>",
    "url": 'https://example.org/"><img/src=x/onerror=window.__pwned=1>',
}


@pytest.fixture
def hostile_dataset(tmp_path: Path) -> Path:
    target = tmp_path / "hostile"
    shutil.copytree(FIXTURES / "tiny", target)
    incidents = (target / "incidents.csv").read_text(encoding="utf-8")
    location = PAYLOADS["location"].replace('"', '""')
    notes = PAYLOADS["notes"].replace('"', '""')
    incidents = incidents.replace("local,Juliaca,Puno", f'local,"{location}",Puno').replace(
        "A made-up test row.", f'"{notes}"'
    )
    (target / "incidents.csv").write_text(incidents, encoding="utf-8")
    sources = (target / "sources.csv").read_text(encoding="utf-8")
    title = PAYLOADS["title"].replace('"', '""')
    outlet = PAYLOADS["outlet"].replace('"', '""')
    url = PAYLOADS["url"].replace('"', '""')
    sources = sources.replace(
        "Test Outlet,2023-01-10,A title,,https://example.org/a", f'"{outlet}",2023-01-10,"{title}",,"{url}"'
    )
    (target / "sources.csv").write_text(sources, encoding="utf-8")
    return target


@pytest.mark.parametrize("kind", ["day", "timeline"])
def test_untrusted_text_never_executes(
    visit, hostile_dataset: Path, tiny_boundaries: Path, tmp_path: Path, kind: str
) -> None:
    prepared = prepare_incidents(hostile_dataset, boundaries_dir=tiny_boundaries)
    assert prepared.joined.loc[0, "location"] == PAYLOADS["location"], "the payload reached the data"
    fmap = (
        render_date_map(prepared, dt.date(2023, 1, 10), self_contained=True)
        if kind == "day"
        else render_timeline_map(prepared, self_contained=True)
    )
    path = write_atomic(page_html(fmap, self_contained=True), tmp_path / f"{kind}.html")
    seen = visit(path)
    page = seen.page
    reach = reach_every_marker(page)  # opens every marker's popup with real clicks, hovering each marker
    assert reach.markers >= 1 and reach.failures == []
    page.mouse.click(*show(page, "t-juliaca"))
    page.hover(".leaflet-popup-content")
    page.wait_for_timeout(300)
    assert page.evaluate("window.__pwned") is None
    assert seen.dialogs == []
    assert seen.external_requests == [], "no payload made the page fetch anything"
    assert (
        page.locator(".leaflet-popup-content script, .leaflet-popup-content img, .leaflet-popup-content svg").count()
        == 0
    )
    shown = page.inner_text(".leaflet-popup-content")
    assert PAYLOADS["location"] in shown, "the payload is shown as text, not run"
    assert "${window.__pwned='template'}" in shown


def test_aggregated_timeline_works_in_the_browser(
    visit, prepared, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import protestmap.maps.timeline as tl

    monkeypatch.setattr(tl, "AGGREGATE_ABOVE", 5)
    path = write_atomic(
        page_html(render_timeline_map(prepared, self_contained=True), self_contained=True), tmp_path / "agg.html"
    )
    seen = visit(path)
    assert seen.errors == [] and seen.external_requests == []
    page = seen.page
    page.evaluate("window.protestmapTimeline.setDay(window.protestmapTimeline.days.indexOf('2023-01-09'))")
    on_9th = page.evaluate(COUNT_MARKERS)
    assert on_9th["deaths"] >= 1
    page.evaluate("window.protestmapTimeline.setDay(0)")
    assert page.evaluate(COUNT_MARKERS) != on_9th
    assert "to date:" in page.inner_text("#pm-totals")


TEMPLATE_PAYLOAD = "{{ 7*191 }} {{ 'zz' ~ 'top' }} {% if true %}ran{% endif %} {# kept #} {{ \"x\" }} {{ ${7*191}"


@pytest.mark.parametrize("kind", ["day", "timeline"])
def test_template_syntax_is_shown_literally_when_clicked(
    visit, tiny_dataset: Path, tiny_boundaries: Path, tmp_path: Path, kind: str
) -> None:
    incidents = tiny_dataset / "incidents.csv"
    text = incidents.read_text(encoding="utf-8")
    payload = TEMPLATE_PAYLOAD.replace('"', '""')
    text = text.replace("local,Juliaca,Puno", f'local,"Juliaca {payload}",Puno')
    text = text.replace("A made-up test row.", f'"Note {payload}"')
    incidents.write_text(text, encoding="utf-8")
    prepared = prepare_incidents(tiny_dataset, boundaries_dir=tiny_boundaries)
    fmap = (
        render_date_map(prepared, dt.date(2023, 1, 10), self_contained=True)
        if kind == "day"
        else render_timeline_map(prepared, self_contained=True)
    )
    seen = visit(write_atomic(page_html(fmap, self_contained=True), tmp_path / f"{kind}.html"))
    page = seen.page
    point = show(page, "t-juliaca")
    assert point is not None, "the Juliaca marker is on the map"
    page.mouse.move(*point)
    page.wait_for_timeout(200)
    tooltip = page.inner_text(".leaflet-tooltip")
    assert f"Juliaca {TEMPLATE_PAYLOAD}" in tooltip, "the tooltip shows the place as written"
    page.mouse.click(*point)
    popup = page.inner_text(".leaflet-popup-content")
    assert f"Juliaca {TEMPLATE_PAYLOAD}" in popup and f"Note {TEMPLATE_PAYLOAD}" in popup
    body = page.inner_text("body")
    assert "1337" not in body and "zztop" not in body and "ran " not in body.replace(TEMPLATE_PAYLOAD, "")
    assert seen.errors == [] and seen.dialogs == [] and seen.external_requests == []


def test_default_day_map_works_offline_and_says_tiles_failed(
    visit, prepared, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`protestmap render --date D` as a new user runs it: no env var, no cache, network blocked."""
    from typer.testing import CliRunner

    import protestmap.spatial.boundaries as bmod
    from protestmap.cli.app import app

    monkeypatch.delenv("PROTESTMAP_BOUNDARIES", raising=False)
    monkeypatch.setattr(bmod, "cache_dir", lambda: tmp_path / "empty-cache")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["render", "--date", DAY.isoformat()])
    assert result.exit_code == 0, result.output
    written = Path(result.stdout.strip().splitlines()[-1])
    assert written == Path(f"peru-protests-{DAY}.html"), "outside the project root the page lands in the folder run in"
    seen = visit(tmp_path / written)
    page = seen.page
    page.wait_for_selector("#pm-tiles-note", state="visible", timeout=5000)
    assert "could not be loaded" in page.inner_text("#pm-tiles-note")
    outside = seen.external_requests
    assert outside, "the page offers OpenStreetMap tiles, so it tries them"
    assert [u for u in outside if not u.startswith("https://tile.openstreetmap.org/")] == [], "only tiles are tried"
    assert [e for e in seen.errors if not e.startswith("Failed to load resource")] == [], "no error but the tiles"
    polygons = page.evaluate("document.querySelectorAll('.leaflet-pm-areas-pane path').length")
    assert polygons >= 25, "the department choropleth is drawn"
    assert page.evaluate(COUNT_MARKERS) == expected_counts(prepared.joined, DAY)
    deaths = prepared.joined["fatalities"].fillna(0)
    dates = prepared.joined["event_date"]
    today, to_date = int(deaths[dates == pd.Timestamp(DAY)].sum()), int(deaths[dates <= pd.Timestamp(DAY)].sum())
    assert today >= 17 and to_date > today, "the data holds the Juliaca deaths of 9 January"
    assert f"deaths this day: {today} (to date: {to_date})" in page.inner_text("#pm-title")
