// protestmap timeline controller: a plain script, loaded once per page. The page calls
// protestmapStartTimeline(map, data, groups, control) with its data as JSON; popups and tooltips
// are HTML strings already escaped in Python, so they are passed to Leaflet as they are.
// The day shown is kept in the URL (#2023-01-09), so a link opens that day; a small SVG chart of
// deaths and active blockades per day sits under the slider, and a click on it jumps to that day.
/* exported protestmapStartTimeline */
function protestmapStartTimeline(map, data, groups, control) {
  "use strict";
  var spans = data.span_layers;
  var words = data.strings;
  function fill(template, values) {  // fill the catalogue's {name} placeholders
    return template.replace(/\{(\w+)\}/g, function (all, key) { return key in values ? values[key] : all; });
  }
  function esc(text) {
    return String(text).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;" }[c];
    });
  }
  if (data.event_table) {  // one list of values per event, in the order of the keys; null means left out
    var table = data.event_table;
    data.events = table.rows.map(function (values) {
      var ev = {};
      table.keys.forEach(function (key, i) { if (values[i] !== null) { ev[key] = values[i]; } });
      return ev;
    });
  }
  if (data.agg) {  // very large tables: one marker per unit, layer and span, text written here
    var a = data.agg;
    data.events = a.layer.map(function (li, i) {
      var where = data.unit_points[a.unit[i]] || data.centre;
      var when = a.end[i] > a.start[i] ? fill(words["date.range"], { start: data.days[a.start[i]], end: data.days[a.end[i]] }) : data.days[a.start[i]];
      var text = fill(words["agg.text"], { n: a.n[i], layer: data.layer_labels[li], unit: data.unit_names[a.unit[i]] || a.unit[i],
        when: when, deaths: a.deaths[i], injured: a.injured[i] });
      return { layer: data.layer_keys[li], start: a.start[i], end: a.end[i], lat: where[0], lon: where[1],
        n: a.n[i], r: 4 + 2 * Math.sqrt(a.n[i]), colour: data.layer_colours[li], deaths: a.deaths[i], injured: a.injured[i],
        unit: a.unit[i], area: null, popup: esc(text) + "<br>" + esc(words["agg.more"]),
        tooltip: esc(text), name: text };
    });
  }
  var unitShapes = {};  // areas that are choropleth units are embedded once, with the units
  if (data.units) { data.units.features.forEach(function (f) { unitShapes[f.properties.ubigeo] = f; }); }
  function popupOf(ev) {  // each source's list item is in the page once (data.sources), see PopupBook.popup_parts
    if (typeof ev.popup === "string") { return ev.popup; }
    var items = ev.src.map(function (id) { return data.sources[id] || "<li>" + esc(id) + "</li>"; }).join("");
    var frame = data.popup_frame;  // [title, body, id] go between its four fixed pieces
    return frame[0] + ev.popup[0] + frame[1] + ev.popup[1] + "<div>" + data.sources_heading + "<ol>" + items +
      "</ol></div>" + frame[2] + ev.popup[2] + frame[3];
  }
  function build(ev) {  // markers are created the first time they are shown; the popup belongs to the marker
    var style = { radius: ev.r, color: data.outline.marker, weight: 1.5, fillColor: ev.colour, fillOpacity: 0.6 };
    var marker = L.circleMarker([ev.lat, ev.lon], style);
    marker.bindPopup(popupOf(ev), data.popup_options);
    marker.bindTooltip(ev.tooltip, { sticky: true });
    if (window.protestmapLabelMarker) {  // the accessible name is the tooltip as plain text (parsed, never run)
      window.protestmapLabelMarker(marker, ev.name || new DOMParser().parseFromString(ev.tooltip, "text/html").documentElement.textContent);
    }
    var shape = ev.area && (data.areas[ev.area.slice(0, 4)] || unitShapes[ev.area.slice(0, 4)]);
    if (shape) {  // context only: no clicks, below the markers
      var area = L.geoJSON(shape, { pane: "pm-areas", interactive: false,
        style: { color: ev.colour, weight: 1.5, fillOpacity: 0.18, dashArray: "4 3" } });
      return L.featureGroup([area, marker]);
    }
    return marker;
  }
  data.events.forEach(function (ev) {  // the payload leaves out empty and implied fields
    ev.colour = ev.colour || data.layer_colours[data.layer_keys.indexOf(ev.layer)];
    ev.deaths = ev.deaths || 0; ev.injured = ev.injured || 0; ev.unit = ev.unit || null; ev.area = ev.area || null;
  });
  var markers = data.events.map(function (ev) { return { ev: ev, layer: null, shown: false }; });
  var choropleth = null;
  if (data.units) {
    choropleth = L.geoJSON(data.units, { pane: "pm-areas", style: { color: "#555", weight: 0.6, fillColor: data.no_deaths, fillOpacity: 0.7 } });
    choropleth.eachLayer(function (l) { l.bindTooltip(l.feature.properties.label, { sticky: true }); });
    choropleth.addTo(map);
    if (data.outline_units) {  // department outlines, drawn from the same polygons
      L.geoJSON(data.units, { pane: "pm-areas", interactive: false, style: { color: "#444", weight: 1, fill: false } }).addTo(map);
    }
    control.addOverlay(choropleth, words["choropleth.timeline"]);
  }
  function colour(v) {  // fixed classes over the whole period: a colour means the same number on every day
    var bounds = data.classes.bounds, k = 0;
    if (!v) { return data.no_deaths; }
    while (k + 1 < bounds.length && v >= bounds[k + 1]) { k += 1; }
    return data.classes.colours[k];
  }
  var slider = document.getElementById("pm-slider");
  var label = document.getElementById("pm-day");
  var totals = document.getElementById("pm-totals");
  var mode = document.getElementById("pm-mode");
  var button = document.getElementById("pm-play");
  var range = document.getElementById("pm-range");
  var state = { day: 0, timer: null };
  var chart = null;

  function setDay(t) {
    t = Math.max(0, Math.min(data.days.length - 1, t));
    state.day = t;
    slider.value = t;
    var n = parseInt(mode.value, 10);
    var from = n > 0 ? t - n + 1 : 0;
    var deaths = 0, injured = 0, perUnit = {}, shown = {};
    markers.forEach(function (m) {
      var ev = m.ev;
      var span = spans.indexOf(ev.layer) >= 0;
      var lo = span && n === 0 ? t : from;
      var visible = ev.start <= t && ev.end >= lo;
      if (visible !== m.shown) {
        if (visible && !m.layer) { m.layer = build(ev); }
        if (visible) { groups[ev.layer].addLayer(m.layer); } else { groups[ev.layer].removeLayer(m.layer); }
        m.shown = visible;
      }
      if (visible) {
        shown[ev.layer] = (shown[ev.layer] || 0) + 1;
        var today = ev.start === t && !span;
        if (!m.layer.eachLayer) {
          var emphasised = today && ev.layer === "deaths";
          m.layer.setStyle({ weight: emphasised ? 3 : 1.5, color: emphasised ? data.outline.today : data.outline.marker,
            fillOpacity: today ? 0.9 : 0.6 });
        }
        if (!span && ev.start >= from) {
          deaths += ev.deaths; injured += ev.injured;
          if (ev.unit) { perUnit[ev.unit] = (perUnit[ev.unit] || 0) + ev.deaths; }
        }
      }
    });
    data.national.forEach(function (ev) {
      if (ev.start <= t && ev.end >= from) { deaths += ev.deaths; injured += ev.injured; }
    });
    if (choropleth) {
      var span = n > 0 ? fill(words["window.days"], { n: n }) : words["window.cumulative"];
      choropleth.eachLayer(function (l) {
        var v = perUnit[l.feature.properties.ubigeo] || 0;
        l.setStyle({ fillColor: colour(v) });
        l.setTooltipContent(fill(esc(words["tip.deaths"]), { name: l.feature.properties.label, value: v, window: esc(span) }));
      });
    }
    var notes = data.national.filter(function (ev) { return ev.start <= t && ev.end >= t; }).map(function (ev) { return ev.text; });
    label.textContent = data.day_labels[t];
    if (range) {
      range.textContent = from >= t ? data.day_labels[t]
        : fill(words["date.range"], { start: data.day_labels[Math.max(0, from)], end: data.day_labels[t] });
    }
    if (chart) { chart.now.setAttribute("x", t); }
    showInUrl(data.days[t]);
    totals.textContent = (n > 0 ? fill(words["totals.window"], { n: n }) : words["totals.cumulative"]) +
      fill(words["totals.counts"], { deaths: deaths, injured: injured }) +
      (notes.length ? " · " + notes.join(" · ") : "");
    window.protestmapTimeline.shown = shown;
  }

  function play() {
    if (state.timer) { clearInterval(state.timer); state.timer = null; button.textContent = words["control.play"]; return; }
    button.textContent = words["control.pause"];
    state.timer = setInterval(function () {
      if (state.day >= data.days.length - 1) { play(); return; }
      setDay(state.day + 1);
    }, 350);
  }

  function dayInUrl() {
    return data.days.indexOf(decodeURIComponent(window.location.hash.slice(1)));
  }
  function showInUrl(day) {
    if (window.location.hash === "#" + day) { return; }
    try {
      window.history.replaceState(null, "", "#" + day);
    } catch (e) {  // some viewers forbid history changes; the hash still works
      window.location.hash = day;
    }
  }

  function daily() {  // deaths per day and road blockades active per day, from the same events
    var n = data.days.length, deaths = [], blockades = [], d;
    for (d = 0; d < n; d += 1) { deaths.push(0); blockades.push(0); }
    data.events.concat(data.national).forEach(function (ev) {
      if (ev.start >= 0 && ev.start < n) { deaths[ev.start] += ev.deaths || 0; }
      if (ev.layer === "blockades") {
        for (d = Math.max(0, ev.start); d <= Math.min(n - 1, ev.end); d += 1) { blockades[d] += ev.n || 1; }
      }
    });
    return { deaths: deaths, blockades: blockades };
  }

  function svg(tag, attributes, parent) {
    var node = document.createElementNS("http://www.w3.org/2000/svg", tag);
    Object.keys(attributes).forEach(function (k) { node.setAttribute(k, attributes[k]); });
    if (parent) { parent.appendChild(node); }
    return node;
  }

  function drawChart(panel) {
    var series = daily(), n = data.days.length, height = 40;
    var topDeaths = Math.max(1, Math.max.apply(null, series.deaths));
    var topBlockades = Math.max(1, Math.max.apply(null, series.blockades));
    var root = svg("svg", { id: "pm-chart", viewBox: "0 0 " + n + " " + height, preserveAspectRatio: "none",
      role: "group", "aria-label": words["chart.aria"] });
    var now = svg("rect", { class: "pm-now", x: 0, y: 0, width: 1, height: height, fill: "#ffd54f" }, root);
    series.deaths.forEach(function (v, i) {
      var h = (height - 2) * v / topDeaths;
      if (v > 0) { svg("rect", { x: i + 0.1, y: height - h, width: 0.8, height: h, fill: "#b2182b" }, root); }
    });
    var points = series.blockades.map(function (v, i) { return (i + 0.5) + "," + (height - 1 - (height - 4) * v / topBlockades); });
    svg("polyline", { points: points.join(" "), fill: "none", stroke: "#e66101", "stroke-width": 1.5,
      "vector-effect": "non-scaling-stroke" }, root);
    series.deaths.forEach(function (v, i) {
      var hit = svg("rect", { class: "pm-day", x: i, y: 0, width: 1, height: height, "data-day": data.days[i] }, root);
      svg("title", {}, hit).textContent = fill(words["chart.tip"], { day: data.day_labels[i], deaths: v, blockades: series.blockades[i] });
      hit.addEventListener("click", function () { setDay(i); });
    });
    var key = document.createElement("div");
    key.id = "pm-chart-key";
    key.textContent = fill(words["chart.key"], { deaths: topDeaths, blockades: topBlockades });
    panel.appendChild(root);
    panel.appendChild(key);
    return { root: root, now: now, series: series };
  }

  window.protestmapLayers = groups;
  window.protestmapTimeline = { setDay: setDay, state: state, days: data.days, shown: {} };
  slider.max = data.days.length - 1;
  slider.addEventListener("input", function () { setDay(parseInt(slider.value, 10)); });
  mode.addEventListener("change", function () { setDay(state.day); });
  button.addEventListener("click", play);
  chart = drawChart(slider.parentNode);
  window.protestmapTimeline.chart = chart.series;
  window.addEventListener("hashchange", function () {
    var linked = dayInUrl();
    if (linked >= 0 && linked !== state.day) { setDay(linked); }
  });
  var linked = dayInUrl();
  setDay(linked >= 0 ? linked : data.initial);
}
