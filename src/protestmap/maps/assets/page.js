// protestmap page layout: a plain script, loaded once per page. protestmapLayout(map) turns the
// title, legend and timeline panel into Leaflet controls docked in the map's corners, so they
// stack instead of covering each other (or the attribution) on any screen, and makes the legend
// collapsible (collapsed at first on small screens, like the layer list).
/* exported protestmapLayout */
function protestmapLayout(map) {
  "use strict";
  var small = window.matchMedia("(max-width: 700px)").matches;
  var root = map.getContainer();
  var placed = ["position", "top", "bottom", "left", "right", "transform", "z-index", "width", "max-width"];

  function corner(vertical, horizontal) {
    return root.querySelector(".leaflet-" + vertical + ".leaflet-" + horizontal);
  }
  function dock(element, vertical, horizontal) {
    if (!element) { return; }
    placed.forEach(function (property) { element.style.removeProperty(property); });
    element.classList.add("leaflet-control", "pm-box");
    var target = corner(vertical, horizontal);
    // bottom corners grow upwards, as Leaflet's own controls do: the first child is the highest
    target.insertBefore(element, vertical === "top" ? null : target.firstChild);
    L.DomEvent.disableClickPropagation(element);
    L.DomEvent.disableScrollPropagation(element);
  }
  function collapsible(box, collapsed) {
    if (!box) { return; }
    var body = document.createElement("div");
    body.className = "pm-body";
    body.id = box.id + "-body";
    while (box.firstChild) { body.appendChild(box.firstChild); }
    var button = document.createElement("button");
    button.type = "button";
    button.className = "pm-toggle";
    button.setAttribute("aria-controls", body.id);
    var heading = body.firstElementChild;
    button.textContent = heading && heading.tagName === "B" ? heading.textContent : "Legend";
    if (heading && heading.tagName === "B") { body.removeChild(heading); }
    box.appendChild(button);
    box.appendChild(body);
    function show(hidden) {
      box.classList.toggle("pm-collapsed", hidden);
      button.setAttribute("aria-expanded", String(!hidden));
    }
    button.addEventListener("click", function () { show(!box.classList.contains("pm-collapsed")); });
    show(collapsed);
  }

  var legend = document.getElementById("pm-legend");
  collapsible(legend, small);
  dock(document.getElementById("pm-title"), "top", "left");
  var side = small ? "right" : "left";  // phones: one column above the attribution
  if (small) { dock(root.querySelector(".leaflet-control-scale"), "bottom", side); }
  dock(legend, "bottom", side);
  var panel = document.getElementById("pm-controls");
  if (panel) { root.classList.add("pm-has-timeline"); }
  dock(panel, "bottom", "right");
  // the title goes above the zoom buttons: it is what a reader looks at first
  var topLeft = corner("top", "left");
  var title = document.getElementById("pm-title");
  if (title) { topLeft.insertBefore(title, topLeft.firstChild); }
  // keyboard readers reach the title, layer list and legend before the (clustered) markers: the
  // controls' corners are positioned and stacked by CSS, so only the tab order changes
  var controls = root.querySelector(".leaflet-control-container");
  if (controls) { root.insertBefore(controls, root.firstChild); }
  var layers = root.querySelector(".leaflet-control-layers");
  if (title && layers && !small) {  // the title never runs under the layer list, whatever its language
    title.style.maxWidth = Math.max(200, root.clientWidth - layers.offsetWidth - 40) + "px";
  }
  window.protestmapLayoutReady = true;
}
