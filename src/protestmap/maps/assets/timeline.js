// protestmap timeline controller: a plain script, loaded once per page. The page calls
// protestmapStartTimeline(map, data, groups, control) with its data as JSON; popups and tooltips
// are HTML strings already escaped in Python, so they are passed to Leaflet as they are.
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
        r: 4 + 2 * Math.sqrt(a.n[i]), colour: data.layer_colours[li], deaths: a.deaths[i], injured: a.injured[i],
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
  var state = { day: 0, timer: null };

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

  window.protestmapLayers = groups;
  window.protestmapTimeline = { setDay: setDay, state: state, days: data.days, shown: {} };
  slider.max = data.days.length - 1;
  slider.addEventListener("input", function () { setDay(parseInt(slider.value, 10)); });
  mode.addEventListener("change", function () { setDay(state.day); });
  button.addEventListener("click", play);
  setDay(data.initial);
}
