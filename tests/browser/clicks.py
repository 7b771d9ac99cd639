"""Reach every marker of a page with real mouse clicks, as a reader would (shared by the browser tests).

For each marker shown: find what is drawn at its screen position. If the marker is inside a
cluster, ``document.elementFromPoint`` must be that cluster's icon; a real click on it zooms in
(or spreads the markers out at the last zoom) and the search goes on. Once the marker itself is
drawn, ``elementFromPoint`` must be its own SVG path, and a real click must open *its* popup
(checked by the incident id at the foot of every popup). A point under a control (title,
legend, layer list) is first panned to the middle of the map, as a reader would drag it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

MARKERS = """
() => {
  const out = [];
  Object.entries(window.protestmapLayers).forEach(([key, group]) => group.eachLayer(l => {
    (l.getLatLng ? [l] : l.getLayers()).forEach(m => {
      if (!(m instanceof L.CircleMarker) || !group._map) return;
      const found = (m.getPopup() ? m.getPopup().getContent() : '').match(/class='pm-id'>([^<]+)</);
      out.push({ key, stamp: L.stamp(m), id: found ? found[1] : null });
    });
  }));
  return out;
}
"""

LOCATE = """
([stamp]) => {
  const map = window[Object.keys(window).find(k => k.startsWith('map_'))];
  let marker = null, group = null;
  Object.values(window.protestmapLayers).forEach(g => g.eachLayer(l => {
    (l.getLatLng ? [l] : l.getLayers()).forEach(m => { if (L.stamp(m) === stamp) { marker = m; group = g; } });
  }));
  // markercluster's getVisibleParent looks for an icon, which circle markers do not have
  let parent = marker._map && marker._path && marker._path.isConnected ? marker : marker.__parent;
  while (parent && parent !== marker && !parent._icon) { parent = parent.__parent; }
  if (!group._map || !parent) return { kind: 'hidden' };
  const clustered = parent !== marker;
  const xy = map.latLngToContainerPoint(clustered ? parent.getLatLng() : marker.getLatLng());
  const box = map.getContainer().getBoundingClientRect();
  const x = box.left + xy.x, y = box.top + xy.y;
  const hit = document.elementFromPoint(x, y);
  const covered = !!(hit && hit.closest('.leaflet-control, #pm-title, #pm-legend, #pm-controls'));
  const ok = clustered ? !!(hit && parent._icon && parent._icon.contains(hit)) : hit === marker._path;
  const drawn = clustered ? parent._icon : marker._path;  // where it is drawn, once the map has settled
  const rect = drawn ? drawn.getBoundingClientRect() : null;
  return { kind: clustered ? 'cluster' : 'marker', x, y, ok, covered, what: hit ? hit.outerHTML.slice(0, 80) : null,
    icon: rect ? [rect.left + rect.width / 2, rect.top + rect.height / 2] : null };
}
"""

CENTRE = """
([stamp]) => {
  const map = window[Object.keys(window).find(k => k.startsWith('map_'))];
  Object.values(window.protestmapLayers).forEach(g => g.eachLayer(l => {
    (l.getLatLng ? [l] : l.getLayers()).forEach(m => {
      if (L.stamp(m) === stamp) {
        let p = m._map ? m : m.__parent;
        while (p && p !== m && !p._icon) { p = p.__parent; }
        map.setView((p || m).getLatLng(), map.getZoom(), { animate: false });
      }
    });
  }));
}
"""

MOVING = """
() => {
  const map = window[Object.keys(window).find(k => k.startsWith('map_'))];
  return !!document.querySelector('.leaflet-zoom-anim, .leaflet-cluster-anim') || !!(map._panAnim && map._panAnim._inProgress);
}
"""
IDLE = f"() => !({MOVING.strip()})()"

RESET = """
([view]) => {
  const map = window[Object.keys(window).find(k => k.startsWith('map_'))];
  map.closePopup();
  Object.values(window.protestmapLayers).forEach(g => g.cluster.unspiderfy && g.cluster.unspiderfy());
  if (view) { map.setView(view.centre, view.zoom, { animate: false }); }
  return { centre: map.getCenter(), zoom: map.getZoom() };
}
"""


@dataclass
class Reach:
    """How many markers a reader can reach and open, and which ones failed and why."""

    markers: int = 0
    covered_first: int = 0  # drawn under another layer or cluster on the first look (before any click)
    opened: int = 0
    failures: list[str] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.opened / self.markers if self.markers else 0.0


def reach_every_marker(page: Any, *, steps: int = 14) -> Reach:
    """Click through to every marker shown and open its popup with real mouse clicks."""
    result = Reach()
    view = page.evaluate(RESET, [None])
    for marker in page.evaluate(MARKERS):
        result.markers += 1
        problem = _reach_one(page, marker, steps=steps, result=result)
        if problem:
            result.failures.append(f"{marker['key']} {marker['id']}: {problem}")
        else:
            result.opened += 1
        page.evaluate(RESET, [view])
        page.wait_for_function(IDLE)
        page.wait_for_function("() => !document.querySelector('.leaflet-popup')")  # a closed popup fades for 200 ms
    return result


def _settled(page: Any, stamp: int, *, timeout_ms: int = 4000) -> dict[str, Any]:
    """Locate the marker once the zoom and cluster animations are over (its icon is where it belongs)."""
    where: dict[str, Any] = {}
    for _ in range(timeout_ms // 50):
        where = page.evaluate(LOCATE, [stamp])
        icon = where.get("icon")
        moving = page.evaluate(MOVING)
        if not moving and (icon is None or (abs(icon[0] - where["x"]) < 2 and abs(icon[1] - where["y"]) < 2)):
            return where
        page.wait_for_timeout(50)
    return where


def _reach_one(page: Any, marker: dict[str, Any], *, steps: int, result: Reach) -> str:
    for step in range(steps):
        where = _settled(page, marker["stamp"])
        if where["kind"] == "hidden":
            return "not on the map"
        if where["covered"]:
            page.evaluate(CENTRE, [marker["stamp"]])
            where = _settled(page, marker["stamp"])
        if not where["ok"]:
            if step == 0:
                result.covered_first += 1
            return f"covered at its position by {where['what']}"
        page.mouse.click(where["x"], where["y"])
        if where["kind"] == "marker":
            shown = ""
            for _ in range(20):
                page.wait_for_timeout(50)
                shown = page.evaluate("() => (document.querySelector('.leaflet-popup-content') || {}).innerText || ''")
                if marker["id"] and marker["id"] in shown:
                    return ""
            return f"the popup shown is another one: {shown[:60]!r}"
        page.wait_for_timeout(100)
    return f"still clustered after {steps} clicks"


FIND = """
([needle]) => {
  let stamp = null;
  Object.values(window.protestmapLayers).forEach(g => g.eachLayer(l => {
    (l.getLatLng ? [l] : l.getLayers()).forEach(t => {
      const p = t.getPopup && t.getPopup();
      if (stamp === null && p && p.getContent().includes(needle) && t.getLatLng) stamp = L.stamp(t);
    });
  }));
  return stamp;
}
"""


def show(page: Any, needle: str, *, steps: int = 14) -> tuple[float, float]:
    """Click clusters open until the marker whose popup holds ``needle`` is drawn; return its screen point."""
    stamp = page.evaluate(FIND, [needle])
    assert stamp is not None, f"no marker's popup holds {needle!r}"
    for _ in range(steps):
        where = _settled(page, stamp)
        if where["covered"]:
            page.evaluate(CENTRE, [stamp])
            where = _settled(page, stamp)
        if where["kind"] == "marker":
            return where["x"], where["y"]
        assert where["kind"] == "cluster" and where["ok"], where
        page.mouse.click(where["x"], where["y"])
        page.wait_for_timeout(100)
    raise AssertionError(f"{needle} is still clustered after {steps} clicks")
