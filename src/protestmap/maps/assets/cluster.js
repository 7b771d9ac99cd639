// protestmap marker clustering: every marker layer of a page feeds one Leaflet.markercluster
// group, so markers of different layers that sit on the same place are grouped (and spread out
// at the last zoom) instead of covering each other, while each layer keeps its own tick box.
/* exported protestmapSubGroup, protestmapClusterIcon, protestmapLabelMarker, protestmapNoTabStops */
function protestmapSubGroup(cluster) {
  "use strict";
  // A layer group that is listed in the layer control but hands its point layers to the shared
  // cluster group when shown (areas go straight to the map, in their own pane).
  var SubGroup = L.LayerGroup.extend({
    addLayer: function (layer) {
      this._layers[this.getLayerId(layer)] = layer;
      if (this._map) { this._show(layer); }
      return this;
    },
    removeLayer: function (layer) {
      var id = layer in this._layers ? layer : this.getLayerId(layer);
      var found = this._layers[id];
      if (found && this._map) { this._hide(found); }
      delete this._layers[id];
      return this;
    },
    onAdd: function () { this.eachLayer(this._show, this); },
    onRemove: function () { this.eachLayer(this._hide, this); },
    _parts: function (layer) {
      return layer.getLatLng || !layer.eachLayer || layer instanceof L.GeoJSON ? [layer] : layer.getLayers();
    },
    _show: function (layer) {
      this._parts(layer).forEach(function (part) {
        if (part.getLatLng) { cluster.addLayer(part); } else { this._map.addLayer(part); }
      }, this);
    },
    _hide: function (layer) {
      this._parts(layer).forEach(function (part) {
        if (part.getLatLng) { cluster.removeLayer(part); } else if (this._map) { this._map.removeLayer(part); }
      }, this);
    }
  });
  var group = new SubGroup();
  group.cluster = cluster;  // for the browser tests: cluster.getVisibleParent(marker)
  return group;
}

function protestmapClusterIcon(label) {
  "use strict";
  // The cluster's icon shows the number of incidents and names itself for screen readers.
  return function (group) {
    var n = group.getChildCount();
    var size = n < 5 ? "small" : n < 15 ? "medium" : "large";
    var name = label.replace("{n}", String(n));
    var icon = L.divIcon({
      html: "<div><span aria-hidden='true'>" + n + "</span></div>",
      className: "marker-cluster marker-cluster-" + size,
      iconSize: L.point(36, 36)
    });
    group.options.title = name;
    return icon;
  };
}

function protestmapLabelMarker(layer, name) {
  "use strict";
  // Circle markers are SVG paths: give each an accessible name when it is drawn.
  layer.on("add", function () {
    var element = layer.getElement && layer.getElement();
    if (element) { element.setAttribute("aria-label", name); element.setAttribute("role", "img"); }
  });
}

function protestmapNoTabStops(map) {
  "use strict";
  // Chromium makes every interactive SVG path a tab stop: dozens of areas and markers would stand
  // between a keyboard user and the controls. Paths keep their names for screen readers, but
  // leave the tab order; the numbered cluster icons and the controls stay in it.
  function untab(layer) {
    var element = layer.getElement && layer.getElement();
    if (element && element.tagName.toLowerCase() === "path") { element.setAttribute("tabindex", "-1"); }
  }
  map.eachLayer(untab);
  map.on("layeradd", function (e) { untab(e.layer); });
}
