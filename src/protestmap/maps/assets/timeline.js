// protestmap timeline controller: a plain script, loaded once per page. The page calls
// protestmapStartTimeline(map, data, groups, control) with its data as JSON; popups and tooltips
// are HTML strings already escaped in Python, so they are passed to Leaflet as they are.
// The day shown is kept in the URL (#2023-01-09), so a link opens that day; a small SVG chart of
// deaths and active blockades per day sits under the slider, and a click on it jumps to that day.
/* exported protestmapStartTimeline */
function protestmapStartTimeline(map, data, groups, control) {
  "use strict";
  var spans = data.span_layers;
  function esc(text) {
    return String(text).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;" }[c];
    });
  }
  if (data.agg) {  // very large tables: one marker per unit, layer and span, text written here
    var a = data.agg;
    data.events = a.layer.map(function (li, i) {
      var where = data.unit_points[a.unit[i]] || data.centre;
      var text = a.n[i] + " incidents (" + data.layer_labels[li] + ") in " + (data.unit_names[a.unit[i]] || a.unit[i]) +
        ", " + data.days[a.start[i]] + (a.end[i] > a.start[i] ? " to " + data.days[a.end[i]] : "") + ": " +
        a.deaths[i] + " dead, " + a.injured[i] + " injured";
      return { layer: data.layer_keys[li], start: a.start[i], end: a.end[i], lat: where[0], lon: where[1],
        n: a.n[i], r: 4 + 2 * Math.sqrt(a.n[i]), colour: data.layer_colours[li], deaths: a.deaths[i], injured: a.injured[i],
        unit: a.unit[i], area: null, popup: esc(text) + "<br>Open the incident table for each incident's sources.",
        tooltip: esc(text) };
    });
  }
  function build(ev) {  // markers are created the first time they are shown
    var style = { radius: ev.r, color: ev.colour, weight: 1, fillColor: ev.colour, fillOpacity: 0.55 };
    var layer = L.circleMarker([ev.lat, ev.lon], style);
    if (ev.area && data.areas[ev.area]) {
      var area = L.geoJSON(data.areas[ev.area], { pane: "pm-areas", style: { color: ev.colour, weight: 1.5, fillOpacity: 0.18, dashArray: "4 3" } });
      layer = L.featureGroup([area, layer]);
    }
    layer.bindPopup(ev.popup, { maxWidth: 380 });
    layer.bindTooltip(ev.tooltip, { sticky: true });
    return layer;
  }
  var markers = data.events.map(function (ev) { return { ev: ev, layer: null, shown: false }; });
  var choropleth = null;
  if (data.units) {
    choropleth = L.geoJSON(data.units, { pane: "pm-areas", style: { color: "#555", weight: 0.6, fillColor: data.no_deaths, fillOpacity: 0.7 } });
    choropleth.eachLayer(function (l) { l.bindTooltip(l.feature.properties.label, { sticky: true }); });
    choropleth.addTo(map);
    control.addOverlay(choropleth, "Deaths by unit (cumulative or in the window)");
  }
  var ramp = data.ramp;
  function colour(v, top) {
    if (!v || top <= 0) { return data.no_deaths; }
    return ramp[Math.min(ramp.length - 1, Math.floor(ramp.length * v / (top + 1e-9)))];
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
          m.layer.setStyle({ weight: today ? 3 : 1, color: today && ev.layer === "deaths" ? "#000" : ev.colour });
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
      var top = 0;
      Object.keys(perUnit).forEach(function (k) { top = Math.max(top, perUnit[k]); });
      choropleth.eachLayer(function (l) {
        var v = perUnit[l.feature.properties.ubigeo] || 0;
        l.setStyle({ fillColor: colour(v, top) });
        l.setTooltipContent(l.feature.properties.label + ": " + v + " dead");
      });
    }
    var notes = data.national.filter(function (ev) { return ev.start <= t && ev.end >= t; }).map(function (ev) { return ev.text; });
    label.textContent = data.days[t];
    if (range) { range.textContent = from >= t ? data.days[t] : data.days[Math.max(0, from)] + " to " + data.days[t]; }
    if (chart) { chart.now.setAttribute("x", t); }
    showInUrl(data.days[t]);
    totals.textContent = (n > 0 ? "last " + n + " days: " : "to date: ") + deaths + " dead, " + injured + " injured" +
      (notes.length ? " · " + notes.join(" · ") : "");
    window.protestmapTimeline.shown = shown;
  }

  function play() {
    if (state.timer) { clearInterval(state.timer); state.timer = null; button.textContent = "Play"; return; }
    button.textContent = "Pause";
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
      if (ev.start >= 0 && ev.start < n) { deaths[ev.start] += ev.deaths; }
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
      role: "group", "aria-label": "Deaths per day (bars) and road blockades active (line); click a day to show it" });
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
      svg("title", {}, hit).textContent = data.days[i] + ": " + v + " dead, " + series.blockades[i] + " road blockades active";
      hit.addEventListener("click", function () { setDay(i); });
    });
    var key = document.createElement("div");
    key.id = "pm-chart-key";
    key.textContent = "Bars: deaths per day (highest " + topDeaths + "). Line: road blockades active (highest " +
      topBlockades + "). Click a day to show it.";
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
