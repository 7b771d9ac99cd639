"""Map elements as folium classes whose output is rendered once and never parsed again.

branca's :class:`~branca.element.MacroElement` renders its macros and then wraps the *result* in a
new ``Element(text)``, which compiles that text as a Jinja template and renders it a second time
when the page is assembled. Any ``{{ ... }}``, ``{% ... %}`` or ``{# ... #}`` that came from the
data would then be evaluated (or crash the render). :class:`RenderOnce` closes that path at its
root: its macros are rendered exactly once, from the class-level template, and the result is put
into the page as :class:`RenderedText`, which is returned verbatim and never compiled.

Every element that carries text from the data (places, notes, sources, unit names, messages)
is one of the classes below; data enters their templates only through ``tojson`` (JavaScript
contexts) or as text escaped once with :func:`html.escape` (HTML contexts). folium's own
elements (markers, feature groups, the layer control) receive numbers and fixed labels only.
"""

from __future__ import annotations

from importlib import resources
from typing import Any

from branca.element import Element, Figure, MacroElement
from folium.map import Layer
from folium.template import Template

from protestmap.errors import RenderError

__all__ = [
    "AREA_PANE",
    "Attribution",
    "BindText",
    "GeoJsonLayer",
    "LayerRegistry",
    "PageBlock",
    "RenderOnce",
    "RenderedText",
    "TimelineController",
]

#: Leaflet pane for areas (choropleths, regional strikes and curfews): below the markers' pane
#: (400), so toggling a layer never lets an area cover a marker.
AREA_PANE = "pm-areas"


class RenderedText(Element):
    """Text that is already part of the page: returned as it is, never compiled as a template.

    Parameters
    ----------
    text
        Rendered HTML or JavaScript.
    """

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def render(self, **kwargs: Any) -> str:
        """Return the text unchanged."""
        return self.text


class RenderOnce(MacroElement):
    """A MacroElement whose macros are rendered once and placed in the page verbatim."""

    def render(self, **kwargs: Any) -> None:  # type: ignore[override]  # as branca's MacroElement.render
        """Render the ``header``, ``html`` and ``script`` macros into the figure, then the children."""
        figure = self.get_root()
        if not isinstance(figure, Figure):
            message = f"{type(self).__name__} can only be rendered inside a folium Figure"
            raise RenderError(message)
        module = self._template.module
        for part in ("header", "html", "script"):
            macro = getattr(module, part, None)
            if macro is not None:
                getattr(figure, part).add_child(RenderedText(str(macro(self, kwargs))), name=self.get_name())
        for child in self._children.values():
            child.render(**kwargs)


class BindText(RenderOnce):
    """Bind a popup and/or a tooltip to the parent layer; the HTML travels as a JSON string.

    folium's ``Popup`` and ``Tooltip`` paste their text into JavaScript template literals, where a
    ``${...}`` or a backtick in the data would run; here the text is only ever a JSON string.

    Parameters
    ----------
    popup
        Popup HTML, every value from the data already escaped.
    tooltip
        Tooltip HTML, likewise escaped.
    """

    _template = Template(
        """{% macro script(this, kwargs) %}
{%- if this.popup is not none %}
{{ this._parent.get_name() }}.bindPopup({{ this.popup|tojson }}, {{ this.popup_options|tojson }});
{%- endif %}
{%- if this.tooltip is not none %}
{{ this._parent.get_name() }}.bindTooltip({{ this.tooltip|tojson }}, {{ this.tooltip_options|tojson }});
{%- endif %}
{% endmacro %}"""
    )

    def __init__(self, *, popup: str | None = None, tooltip: str | None = None) -> None:
        super().__init__()
        self._name = "BindText"
        self.popup = popup
        self.tooltip = tooltip
        self.popup_options = {"maxWidth": 380}
        self.tooltip_options = {"sticky": True}


class GeoJsonLayer(Layer, RenderOnce):
    """A GeoJSON layer drawn with a fixed style, a per-feature fill and a per-feature tooltip.

    Features may carry ``fill`` (a colour) and ``label`` (tooltip HTML, already escaped) in their
    properties; everything reaches the page through ``tojson``.

    Parameters
    ----------
    data
        A GeoJSON FeatureCollection (a ``dict``).
    name
        Name in the layer control.
    style
        Leaflet path options shared by every feature.
    show
        Whether the layer is shown on opening.
    control
        Whether the layer is listed in the layer control.
    pane
        The Leaflet pane; areas go to :data:`AREA_PANE`, below the markers, so they never cover one.
    """

    _template = Template(
        """{% macro script(this, kwargs) %}
var {{ this.get_name() }} = L.geoJSON({{ this.data|tojson }}, {
  pane: {{ this.pane|tojson }},
  style: function (feature) {
    var style = Object.assign({}, {{ this.style|tojson }});
    if (feature.properties && feature.properties.fill) { style.fillColor = feature.properties.fill; }
    return style;
  },
  onEachFeature: function (feature, layer) {
    if (feature.properties && feature.properties.label) {
      layer.bindTooltip(feature.properties.label, { sticky: true });
    }
  }
});
{% endmacro %}"""
    )

    def __init__(
        self,
        data: dict[str, Any],
        *,
        name: str | None = None,
        style: dict[str, Any] | None = None,
        show: bool = True,
        control: bool = True,
        pane: str = AREA_PANE,
    ) -> None:
        super().__init__(name=name, overlay=True, control=control, show=show)
        self._name = "GeoJsonLayer"
        self.data = data
        self.style = style or {}
        self.pane = pane


class LayerRegistry(RenderOnce):
    """Expose the layer groups as ``window.protestmapLayers`` (used by the browser tests).

    Parameters
    ----------
    groups
        Layer key -> folium layer.
    """

    _template = Template(
        """{% macro script(this, kwargs) %}
window.protestmapLayers = {{ this.groups|tojavascript }};
{% endmacro %}"""
    )

    def __init__(self, groups: dict[str, Any]) -> None:
        super().__init__()
        self._name = "LayerRegistry"
        self.groups = groups


class Attribution(RenderOnce):
    """Add a credit line to the map's attribution control.

    Parameters
    ----------
    credit
        Plain text; Leaflet shows it as HTML, so it is escaped in the template.
    """

    _template = Template(
        """{% macro script(this, kwargs) %}
{{ this._parent.get_name() }}.attributionControl.addAttribution({{ this.credit|e|tojson }});
{% endmacro %}"""
    )

    def __init__(self, credit: str) -> None:
        super().__init__()
        self._name = "Attribution"
        self.credit = credit


class PageBlock(RenderOnce):
    """A block of page HTML (title box, legend, controls) built from already-escaped parts.

    Parameters
    ----------
    markup
        HTML in which every value from the data was escaped once by the caller.
    """

    _template = Template(
        """{% macro html(this, kwargs) %}
{{ this.markup }}
{% endmacro %}"""
    )

    def __init__(self, markup: str) -> None:
        super().__init__()
        self._name = "PageBlock"
        self.markup = markup


class TimelineController(RenderOnce):
    """The timeline's slider logic: a plain JavaScript file fed with its data as JSON.

    Parameters
    ----------
    payload
        What the page needs (see :func:`protestmap.maps.timeline.timeline_payload`).
    groups
        Layer key -> folium layer group.
    control
        The layer control, so the choropleth can be listed in it.
    """

    _template = Template(
        """{% macro header(this, kwargs) %}
<script>{{ this.source }}</script>
{% endmacro %}
{% macro script(this, kwargs) %}
protestmapStartTimeline({{ this._parent.get_name() }}, {{ this.payload|tojson }},
  {{ this.groups|tojavascript }}, {{ this.control.get_name() }});
{% endmacro %}"""
    )

    def __init__(self, payload: dict[str, Any], *, groups: dict[str, Any], control: Any) -> None:
        super().__init__()
        self._name = "TimelineController"
        self.payload = payload
        self.groups = groups
        self.control = control
        source = resources.files("protestmap.maps").joinpath("assets", "timeline.js").read_text(encoding="utf-8")
        self.source = source.replace("</script", "<\\/script")
