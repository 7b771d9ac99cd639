from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from protestmap.cli.app import app
from protestmap.errors import RenderError
from protestmap.maps import page as page_module
from protestmap.maps.content import Window, parse_window, popup_html
from protestmap.maps.day import day_layers, render_date_map
from protestmap.maps.page import page_html
from protestmap.maps.timeline import render_timeline_map, timeline_payload
from protestmap.pipeline import prepare as prepare_incidents
from protestmap.spatial.aggregate import active_on

DAY = dt.date(2023, 1, 9)
runner = CliRunner()


@pytest.fixture(scope="module")
def prepared(boundaries_dir: Path):
    return prepare_incidents(boundaries_dir=boundaries_dir)


def expected_counts(joined: pd.DataFrame, day: dt.date) -> dict[str, int]:
    """Independent recomputation of what each layer should hold on ``day``."""
    stamp = pd.Timestamp(day)
    placed = joined[joined.geometry.notna()]
    dead = placed["fatalities"].fillna(0) > 0
    last = placed["end_date"].fillna(placed["event_date"])
    active = (placed["event_date"] <= stamp) & (last >= stamp)
    happened = placed["event_date"] <= stamp
    kind = placed["event_type"]
    return {
        "deaths": int((dead & happened).sum()),
        "blockades": int((~dead & active & (kind == "blockade")).sum()),
        "strikes": int((~dead & active & (kind == "strike")).sum()),
        "curfews": int((~dead & active & kind.isin(["curfew", "state_of_emergency"])).sum()),
        "detentions": int((~dead & happened & kind.isin(["detention", "raid"])).sum()),
        "protests": int(
            (
                ~dead
                & happened
                & ~kind.isin(["blockade", "strike", "curfew", "state_of_emergency", "detention", "raid"])
            ).sum()
        ),
    }


def test_layer_contents_match_the_data(prepared) -> None:
    fmap = render_date_map(prepared, DAY)
    counts = fmap.protestmap_counts
    assert {k: counts[k] for k in expected_counts(prepared.joined, DAY)} == expected_counts(prepared.joined, DAY)
    assert counts["deaths"] >= 10 and counts["blockades"] >= 10
    assert counts["choropleth"] == 25


def test_moving_window_drops_old_events(prepared) -> None:
    frames = day_layers(prepared.joined, DAY, Window(1))
    assert set(frames["deaths"]["event_date"].dt.date) == {DAY}
    cumulative = day_layers(prepared.joined, DAY, Window())
    assert len(cumulative["deaths"]) > len(frames["deaths"])


def test_map_state_title_layers_and_attribution(prepared) -> None:
    html = page_html(render_date_map(prepared, DAY, level="province", cdn=True), self_contained=False)
    assert "deaths this day: 20 (to date: 49)" in html  # Juliaca 18 + police officer + Chucuito
    assert "national state of emergency in force" in html
    for label in ("Deaths to date by province", "Deaths per 100,000 inhabitants by province", "Road blockades active"):
        assert label in html
    assert r"L\u00edmites: INEI (IDE-INEI, actualizaci\u00f3n 2023), CC BY 4.0" in html
    assert "openstreetmap" in html.lower()
    externals = re.findall(r'<(?:script|link)[^>]+(?:src|href)="(https?://[^"]+)"', html)
    assert externals == [
        "https://cdn.jsdelivr.net/npm/leaflet@1.9.4/dist/leaflet.js",
        "https://cdn.jsdelivr.net/npm/leaflet@1.9.4/dist/leaflet.css",
        "https://cdn.jsdelivr.net/npm/leaflet.markercluster@1.4.1/dist/leaflet.markercluster.js",
        "https://cdn.jsdelivr.net/npm/leaflet.markercluster@1.4.1/dist/MarkerCluster.css",
        "https://cdn.jsdelivr.net/npm/leaflet.markercluster@1.4.1/dist/MarkerCluster.Default.css",
    ], "only Leaflet and Leaflet.markercluster are loaded"


def test_title_counts_only_area_wide_emergencies(prepared) -> None:
    day = dt.date(2023, 1, 20)
    in_force = active_on(prepared.joined, day)
    in_force = in_force[in_force["event_type"].isin(["curfew", "state_of_emergency"])]
    regional = int((in_force["scope"] == "regional").sum())
    assert (in_force["scope"] == "local").any(), "the highway emergency sections are in force that day"
    html = page_html(render_date_map(prepared, day, window=Window()), self_contained=False)
    assert f"curfews / regional emergencies in force: {regional}" in html


def test_default_page_inlines_leaflet_and_keeps_tiles_optional(prepared) -> None:
    html = page_html(render_date_map(prepared, DAY), self_contained=False)
    assert not re.findall(r'<(?:script|link|img|iframe)[^>]+(?:src|href)="https?://', html)
    assert "Leaflet 1.9.4" in html and "data:image/png;base64," in html
    assert "tile.openstreetmap.org" in html, "tiles are still offered as a backdrop"
    assert 'id="pm-tiles-note" hidden' in html and '.once("tileerror"' in html
    assert "could not be loaded" in html


def test_a_page_with_tiles_is_not_called_self_contained(prepared) -> None:
    with pytest.raises(RenderError, match="web tiles"):
        page_html(render_date_map(prepared, DAY), self_contained=True)


def test_self_contained_and_cdn_exclude_each_other(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["render", "--date", "2023-01-09", "--self-contained", "--cdn", "--out", str(tmp_path / "x.html")]
    )
    assert result.exit_code == 2
    assert not (tmp_path / "x.html").exists()


def test_self_contained_page_has_no_external_reference(prepared) -> None:
    html = page_html(render_date_map(prepared, DAY, self_contained=True), self_contained=True)
    assert not re.findall(r'<(?:script|link|img|iframe)[^>]+(?:src|href)="https?://', html)
    assert "tile.openstreetmap" not in html
    assert "Leaflet 1.9.4" in html
    assert "data:image/png;base64," in html


def test_popup_lists_every_source_and_disagreeing_figures(prepared) -> None:
    row = prepared.joined.set_index("event_id").loc["2023-01-09-juliaca-deaths"].copy()
    row["event_id"] = "2023-01-09-juliaca-deaths"
    popup = popup_html(row, prepared.sources, prepared.figures)
    for source_id in row["source_ids"].split(";"):
        outlet = prepared.sources.loc[source_id, "outlet"]
        assert outlet.replace("&", "&amp;") in popup
    assert popup.count("<li>dead:") >= 8
    assert "001_db12b1f615bd43cf.txt" not in popup, "seed articles are named by title, not by file"
    assert "Peruvian Regime Kills 9 Protesters in Juliaca" in popup
    assert "<li>dead: 9 — Kawsachun News, 2023-01-10; as of 2023-01-09" in popup, "figures name outlet and date"
    assert "seed-001" not in popup, "no internal source ids"


def test_escaping_of_untrusted_text(prepared) -> None:
    row = prepared.joined.iloc[0].copy()
    row["location"] = "<script>alert(1)</script>"
    row["notes"] = '<img src=x onerror="alert(2)"> ${alert(3)} `'
    popup = popup_html(row, prepared.sources, None)
    assert "<script>" not in popup and "<img" not in popup
    assert "&lt;script&gt;" in popup and "&lt;img src=x" in popup


def test_timeline_payload_honours_spans(prepared) -> None:
    payload = timeline_payload(prepared)
    days = payload["days"]
    assert days[0] == "2022-12-07" and days[-1] == "2023-04-15"  # the Puno indefinite strike ends on 15 April
    puno_strike = [e for e in payload["events"] if e["layer"] == "strikes" and e.get("area") == "21"]
    assert [(days[e["start"]], days[e["end"]]) for e in puno_strike] == [
        ("2023-01-04", "2023-04-15"),  # the indefinite strike
        ("2023-03-21", "2023-03-22"),  # the 48-hour 'paro seco'
    ]
    assert any(n["text"].startswith("nationwide: state of emergency") for n in payload["national"])
    assert not payload["aggregated"]


def test_timeline_page_embeds_every_event_and_popup_once(prepared) -> None:
    import json

    from protestmap.maps.content import POPUP_FRAME, PopupBook
    from protestmap.maps.elements import TimelineController

    fmap = render_timeline_map(prepared)
    payload = fmap.protestmap_payload
    controller = next(c for c in fmap._children.values() if isinstance(c, TimelineController))
    written = json.loads(controller.payload_json)
    table = written["event_table"]
    rows = [{k: v for k, v in zip(table["keys"], values, strict=True) if v is not None} for values in table["rows"]]
    assert written["events"] == [] and rows == payload["events"] and len(rows) > 100
    assert written["popup_frame"] == list(POPUP_FRAME)
    # the page puts frame, parts and shared source items together into the day map's very popup
    book = PopupBook(prepared.sources, prepared.figures, victims=prepared.victims)
    row = prepared.joined.set_index("event_id").loc["2023-01-09-juliaca-deaths"].copy()
    row["event_id"] = "2023-01-09-juliaca-deaths"
    event = next(e for e in payload["events"] if e["popup"][2] == row["event_id"])
    items = "".join(payload["sources"][s] for s in event["src"])
    title, body, ident = event["popup"]
    sources = f"<div>{payload['sources_heading']}<ol>{items}</ol></div>"
    opening, heading_end, id_start, closing = POPUP_FRAME
    assembled = f"{opening}{title}{heading_end}{body}{sources}{id_start}{ident}{closing}"
    assert assembled == book.popup(row) == popup_html(row, prepared.sources, prepared.figures, victims=prepared.victims)


@pytest.mark.parametrize(
    "text", ["</script><script>alert(1)</script>", "<!--<script>", "</SCRIPT >", "a\u2028b\u2029c", "\\</"]
)
def test_script_json_cannot_leave_the_script(text: str) -> None:
    import json

    from protestmap.maps.elements import script_json

    value = {"popup": [text, f"<b>{text}</b>"], "n": [1, None]}
    written = script_json(value)
    assert json.loads(written) == value
    assert "</" not in written and "<!" not in written and "\u2028" not in written


def test_timeline_aggregates_large_tables(prepared, monkeypatch: pytest.MonkeyPatch) -> None:
    import protestmap.maps.timeline as tl

    monkeypatch.setattr(tl, "AGGREGATE_ABOVE", 5)
    payload = timeline_payload(prepared)
    assert payload["aggregated"] and payload["events"] == []
    placed = prepared.joined[(prepared.joined["scope"] != "national") & prepared.joined.geometry.notna()]
    assert sum(payload["agg"]["n"]) == len(placed)
    assert sum(payload["agg"]["deaths"]) == int(placed["fatalities"].fillna(0).sum())
    assert set(payload["agg"]["unit"]) <= set(payload["unit_points"])


def test_timeline_page_has_controls(prepared) -> None:
    html = page_html(render_timeline_map(prepared, window=Window(7), self_contained=True), self_contained=True)
    for element in ("pm-slider", "pm-play", "pm-mode", "<option value='7' selected>"):
        assert element in html


def test_cli_render_writes_default_path(boundaries_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    day = ["render", "--date", "2023-01-09", "--boundaries", str(boundaries_dir)]
    result = runner.invoke(app, day)  # not the project's root: the current folder, no maps/ created
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "peru-protests-2023-01-09.html"
    assert not (tmp_path / "maps").exists()
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "protestmap"\n', encoding="utf-8")
    result = runner.invoke(app, day)
    assert result.exit_code == 0, result.output
    path = tmp_path / "maps" / "peru-protests-2023-01-09.html"
    assert result.output.strip().endswith("maps/peru-protests-2023-01-09.html")
    assert path.stat().st_size > 100_000
    normal = path.read_bytes()
    result = runner.invoke(app, [*day, "--self-contained"])  # its own name: the normal page stays
    assert result.exit_code == 0, result.output
    assert result.output.strip().endswith("maps/peru-protests-2023-01-09-offline.html")
    assert path.read_bytes() == normal
    offline = (tmp_path / "maps" / "peru-protests-2023-01-09-offline.html").read_bytes()
    assert b"tile.openstreetmap.org" in normal
    assert b"tile.openstreetmap.org" not in offline, "a self-contained page draws no web tiles"
    result = runner.invoke(
        app, ["render", "--timeline", "--from", "2023-01-01", "--to", "2023-01-31", "--boundaries", str(boundaries_dir)]
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "maps" / "peru-protests-timeline.html").is_file()


def test_cli_render_without_boundaries_warns_and_draws_markers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import protestmap.spatial.boundaries as bmod

    monkeypatch.delenv("PROTESTMAP_BOUNDARIES", raising=False)
    monkeypatch.setattr(bmod, "cache_dir", lambda: tmp_path / "none")
    monkeypatch.setattr(bmod, "bundled_dir", lambda: tmp_path / "installed-without-data")
    out = tmp_path / "map.html"
    result = runner.invoke(app, ["render", "--date", "2023-01-09", "--out", str(out), "--self-contained"])
    assert result.exit_code == 0, result.output
    assert "markers only" in result.output and "PROTESTMAP_BOUNDARIES" in result.output
    html = out.read_text(encoding="utf-8")
    assert "Deaths to date by" not in html and "Road blockades active" in html
    assert "boundaries were not available when this map was made" in html
    assert "PROTESTMAP" not in html and str(tmp_path) not in html, "the page names no variable or path"


@pytest.mark.parametrize(
    "args",
    [
        ["render"],
        ["render", "--date", "2023-01-09", "--timeline"],
        ["render", "--date", "2023-02-30"],
        ["render", "--date", "2023-01-09", "--window", "week"],
    ],
)
def test_cli_render_rejects_bad_arguments(args: list[str]) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert "error:" in result.output


def test_parse_window() -> None:
    assert parse_window("cumulative") == Window()
    assert parse_window("7d") == Window(7)
    with pytest.raises(ValueError, match="7d"):
        parse_window("0d")


def test_failed_render_leaves_no_partial_file(
    boundaries_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "map.html"
    out.write_text("previous map", encoding="utf-8")

    def broken_write(stream_text: str, path: Path) -> Path:
        return page_module.write_atomic(stream_text[: len(stream_text) // 2] + _explode(), path)

    def _explode() -> str:
        raise RuntimeError("disk full")

    monkeypatch.setattr(page_module, "write_atomic", broken_write)
    with pytest.raises(RuntimeError, match="disk full"):
        runner.invoke(
            app,
            ["render", "--date", "2023-01-09", "--out", str(out), "--boundaries", str(boundaries_dir)],
            catch_exceptions=False,
        )
    assert out.read_text(encoding="utf-8") == "previous map"
    assert [p.name for p in tmp_path.iterdir()] == ["map.html"]


def test_write_atomic_cleans_up_on_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "out.html"

    def fail(self: Path, other: Path) -> None:
        raise OSError("rename failed")

    monkeypatch.setattr(Path, "replace", fail)
    with pytest.raises(OSError, match="rename failed"):
        page_module.write_atomic("<html></html>", target)
    assert list(tmp_path.iterdir()) == []


def _unplaceable(tiny_dataset: Path) -> Path:
    """Make the Juliaca row's district a typo and remove its coordinates: it cannot be placed."""
    path = tiny_dataset / "incidents.csv"
    text = path.read_text(encoding="utf-8")
    text = text.replace("San Román,Juliaca,211101,-15.4839,-70.1333", "San Román,Juliacca,211101,,")
    path.write_text(text, encoding="utf-8")
    return tiny_dataset


def test_rows_without_a_point_are_reported_not_dropped(tiny_dataset: Path, tiny_boundaries: Path) -> None:
    prepared = prepare_incidents(tiny_dataset, boundaries_dir=tiny_boundaries)
    joined = prepared.joined
    joined.loc[joined["event_id"] == "t-juliaca", "geometry"] = None  # e.g. a table edited in a notebook
    day = render_date_map(prepared, dt.date(2023, 1, 10))
    timeline = render_timeline_map(prepared)
    for fmap in (day, timeline):
        missing = fmap.protestmap_not_drawn
        assert missing["event_id"].tolist() == ["t-juliaca"]
        assert "could not be resolved" in missing["reason"].iloc[0]
        html = page_html(fmap, self_contained=False)
        assert "1 incident(s) of this view are not drawn" in html and "t-juliaca" in html
    assert day.protestmap_counts["deaths"] == 0
    assert "deaths this day: 0 (to date: 17)" in page_html(day, self_contained=False), "totals still count it"


def test_cli_names_rows_that_cannot_be_placed(tiny_dataset: Path, tiny_boundaries: Path, tmp_path: Path) -> None:
    data = _unplaceable(tiny_dataset)
    for args in (["--date", "2023-01-10"], ["--timeline"]):
        out = tmp_path / "m.html"
        result = runner.invoke(
            app, ["render", *args, "--data", str(data), "--boundaries", str(tiny_boundaries), "--out", str(out)]
        )
        assert result.exit_code == 1, result.output
        assert "incidents.csv:2:admin3: 'Juliacca' does not match ubigeo 211101" in result.output
        assert "Traceback" not in result.output and not out.exists()


def test_renderers_accept_a_filtered_geodataframe(prepared, boundaries_dir: Path) -> None:
    """The notebook way: any (filtered) table of incidents, no pipeline object, a folium.Map back."""
    import folium

    import protestmap

    incidents = protestmap.load_incidents()
    puno = incidents[incidents["admin1"] == "Puno"]
    data = protestmap.MapData(puno, boundaries=prepared.boundaries, sources=prepared.sources)
    fmap = protestmap.render_date_map(data, DAY)
    assert isinstance(fmap, folium.Map)
    expected = expected_counts(prepared.joined[prepared.joined["admin1"] == "Puno"], DAY)
    assert {k: fmap.protestmap_counts[k] for k in expected} == expected
    assert fmap.protestmap_counts["deaths"] >= 2  # Juliaca and Chucuito by 9 January
    timeline = protestmap.render_timeline_map(puno)
    assert {e["layer"] for e in timeline.protestmap_payload["events"]} >= {"deaths", "strikes"}
    assert timeline.protestmap_not_drawn.empty


RENDER_AND_LIST_PLUGINS = """
import datetime as dt, sys
from protestmap.maps.day import render_date_map
from protestmap.maps.page import page_html
from protestmap.maps.timeline import render_timeline_map
from protestmap.pipeline import prepare
prepared = prepare(sys.argv[1], boundaries_dir=sys.argv[2])
pages = [render_date_map(prepared, dt.date(2023, 1, 10)), render_timeline_map(prepared)]
clustered = all("L.markerClusterGroup(" in page_html(p, self_contained=False) for p in pages)
print(clustered, sorted(m for m in sys.modules if m.startswith("folium.plugins")))
"""


def test_maps_cluster_markers_without_importing_folium_plugins(tiny_dataset: Path, tiny_boundaries: Path) -> None:
    import subprocess
    import sys

    command = [sys.executable, "-c", RENDER_AND_LIST_PLUGINS, str(tiny_dataset), str(tiny_boundaries)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True", "[]"], "importing one folium plugin imports and compiles all of them"
