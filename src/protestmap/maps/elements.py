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

import json
from importlib import resources
from typing import Any

from branca.element import Element, Figure, MacroElement
from folium.map import Layer
from folium.template import Template

from protestmap import settings
from protestmap.errors import RenderError

__all__ = [
    "AREA_PANE",
    "POPUP_OPTIONS",
    "Attribution",
    "BindText",
    "GeoJsonLayer",
    "LayerRegistry",
    "LazyTemplate",
    "LeafletAssets",
    "PageLayout",
    "RenderOnce",
    "RenderedText",
    "TileNotice",
    "TimelineController",
    "TimelineControls",
    "Title",
    "render_once",
]

#: Popups: no wider than a phone. Their body scrolls inside a box of limited height (see
#: :class:`protestmap.maps.content.PopupBook`) so the title and the close button stay in view.
POPUP_OPTIONS = {"maxWidth": 340, "autoPanPadding": [20, 60]}

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


class LazyTemplate:
    """A class's Jinja template, compiled the first time it is read (still once per class).

    For elements that a page may not draw: the timeline's are defined beside the day map's, and
    compiling them on import cost every day map about 12 ms.

    Parameters
    ----------
    source
        The template's source.
    """

    def __init__(self, source: str) -> None:
        self.source = source
        self.compiled: Template | None = None

    def __get__(self, instance: object, owner: type | None = None) -> Template:
        if self.compiled is None:
            self.compiled = Template(self.source)
        return self.compiled


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
            render_once(child).render(**kwargs)


def script_json(value: Any) -> str:
    r"""Write ``value`` as compact JSON that is safe to place inside a ``<script>`` element.

    Every ``</`` becomes ``<\/`` and every ``<!`` becomes ``\u003c!``, so nothing in it can close
    the script or open an HTML comment (the only ways out of a script's text); U+2028 and U+2029
    are escaped for older JavaScript engines. Other ``<`` stay as they are: popup markup is not
    inflated six-fold the way escaping every ``<`` (or ``tojson``'s every ``< > & '``) would.

    Parameters
    ----------
    value
        Anything :func:`json.dumps` accepts.

    Returns
    -------
    str
        A JavaScript expression equal to ``value``.
    """
    compact = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    for raw, escaped in _SCRIPT_ESCAPES:
        compact = compact.replace(raw, escaped)
    return compact


_SCRIPT_ESCAPES = (("</", "<\\/"), ("<!", "\\u003c!"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029"))


def render_once(element: Element) -> Element:
    """Make any MacroElement (folium's markers, groups, controls...) place its output verbatim.

    branca compiles every MacroElement's rendered output as a new Jinja template: one compilation
    per marker, group and control on every render. Giving the element a :class:`RenderOnce`
    variant of its own class keeps its behaviour (folium's ``render`` still runs first) while its
    macros, compiled once with the class, are rendered once and never compiled again.

    Returns
    -------
    Element
        ``element`` itself.
    """
    if isinstance(element, MacroElement) and not isinstance(element, RenderOnce):
        cls = type(element)
        if cls not in _RENDER_ONCE_CLASSES:
            _RENDER_ONCE_CLASSES[cls] = type(cls.__name__, (cls, RenderOnce), {"__doc__": cls.__doc__})
        element.__class__ = _RENDER_ONCE_CLASSES[cls]
    return element


#: folium/branca class -> its RenderOnce variant, made once per class.
_RENDER_ONCE_CLASSES: dict[type[Element], type[RenderOnce]] = {}


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
    label
        The marker's accessible name (plain text, passed as JSON; see ``assets/cluster.js``).
    """

    _template = Template(
        """{% macro script(this, kwargs) %}
{%- if this.popup is not none %}
{{ this._parent.get_name() }}.bindPopup({{ this.popup|tojson }}, {{ this.popup_options|tojson }});
{%- endif %}
{%- if this.tooltip is not none %}
{{ this._parent.get_name() }}.bindTooltip({{ this.tooltip|tojson }}, {{ this.tooltip_options|tojson }});
{%- endif %}
{%- if this.label %}
protestmapLabelMarker({{ this._parent.get_name() }}, {{ this.label|tojson }});
{%- endif %}
{% endmacro %}"""
    )

    def __init__(self, *, popup: str | None = None, tooltip: str | None = None, label: str = "") -> None:
        super().__init__()
        self._name = "BindText"
        self.popup = popup
        self.tooltip = tooltip
        self.label = label
        self.popup_options = POPUP_OPTIONS
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
    interactive
        False for areas that only give context: they take no clicks and show no tooltip.
    """

    _template = Template(
        """{% macro script(this, kwargs) %}
var {{ this.get_name() }} = L.geoJSON({{ this.data|tojson }}, {
  pane: {{ this.pane|tojson }},
  interactive: {{ this.interactive|tojson }},
  style: function (feature) {
    var style = Object.assign({}, {{ this.style|tojson }});
    if (feature.properties && feature.properties.fill) { style.fillColor = feature.properties.fill; }
    return style;
  },
  onEachFeature: function (feature, layer) {
    if ({{ this.interactive|tojson }} && feature.properties && feature.properties.label) {
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
        interactive: bool = True,
    ) -> None:
        super().__init__(name=name, overlay=True, control=control, show=show)
        self._name = "GeoJsonLayer"
        self.data = data
        self.style = style or {}
        self.pane = pane
        self.interactive = interactive


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


class LeafletAssets(RenderOnce):
    """Leaflet's script and stylesheet: linked from the CDN, or inlined so the page needs no network.

    Parameters
    ----------
    js_url, css_url
        Where the page loads Leaflet from when not self-contained.
    inline
        ``(script, stylesheet)`` text to inline instead (self-contained pages), or None.
    """

    _template = Template(
        """{% macro header(this, kwargs) %}
{%- if this.inline %}
<script>{{ this.inline[0] }}</script>
<style>{{ this.inline[1] }}</style>
{%- else %}
<script src="{{ this.js_url|e }}"></script>
<link rel="stylesheet" href="{{ this.css_url|e }}"/>
{%- endif %}
{% endmacro %}"""
    )

    def __init__(self, *, js_url: str, css_url: str, inline: tuple[str, str] | None = None) -> None:
        super().__init__()
        self._name = "LeafletAssets"
        self.js_url = js_url
        self.css_url = css_url
        self.inline = inline


class TileNotice(RenderOnce):
    """A small visible note, hidden until the web tile layer ``tiles`` reports an error (offline, blocked)."""

    _template = Template(
        """{% macro html(this, kwargs) %}<div id="pm-tiles-note" hidden style="position:fixed;bottom:24px;right:10px;
z-index:1000;max-width:260px;background:#fff8e1;padding:4px 8px;font:12px sans-serif;border:1px solid #c90;
border-radius:4px">{{ this.note|e }}</div>{% endmacro %}
{% macro script(this, kwargs) %}{{ this.tiles }}.once("tileerror", function () {
document.getElementById("pm-tiles-note").hidden = false; });{% endmacro %}"""
    )

    def __init__(self, tiles: Any) -> None:
        super().__init__()
        self._name = "TileNotice"
        self.tiles = tiles.get_name()
        self.note = settings.TILES_FAILED_NOTE


class Title(RenderOnce):
    """The title box: the view's totals, then any warning and the note on incidents not drawn.

    Parameters
    ----------
    title
        The title, every value from the data already escaped.
    warning
        Plain text (escaped here), e.g. why there are no choropleths.
    missing
        The note on incidents not drawn, already escaped.
    """

    _template = Template(
        """{% macro html(this, kwargs) %}
<div id="pm-title" style="position:fixed;top:10px;left:50px;max-width:calc(100% - 480px);z-index:1000;
background:rgba(255,255,255,.92);padding:6px 10px;font:14px sans-serif;border:1px solid #999;border-radius:4px">
{{- this.title -}}
{%- if this.warning %}<div style="color:#a00">{{ this.warning|e }}</div>{% endif -%}
{%- if this.missing %}<div id="pm-not-drawn" style="color:#a00">{{ this.missing }}</div>{% endif -%}
</div>
{% endmacro %}"""
    )

    def __init__(self, title: str, *, warning: str = "", missing: str = "") -> None:
        super().__init__()
        self._name = "Title"
        self.title = title
        self.warning = warning
        self.missing = missing


class TimelineControls(RenderOnce):
    """The timeline's panel: Play/Pause, the day, the window chooser and the day slider.

    Parameters
    ----------
    modes
        (days, label) of each window the reader can choose; 0 is cumulative.
    selected
        The window shown first.
    labels
        The button's and the inputs' names (``play``, ``window``, ``day``) in the page's language.
    """

    _template = LazyTemplate(
        """{% macro html(this, kwargs) %}
<div id="pm-controls" style="position:fixed;bottom:24px;left:50%;transform:translateX(-50%);z-index:1000;
background:#fff;padding:8px 12px;border:1px solid #999;border-radius:4px;font:13px sans-serif;width:min(720px,90%)">
<button id="pm-play" type="button">{{ this.labels.play|e }}</button> <b id="pm-day"></b>
<select id="pm-mode" aria-label="{{ this.labels.window|e }}">
{%- for days, label in this.modes %}<option value='{{ days }}'{% if days == this.selected %} selected{% endif %}>
{{- label|e }}</option>{% endfor -%}
</select>
<input id="pm-slider" type="range" min="0" max="0" value="0" style="width:100%" aria-label="{{ this.labels.day|e }}">
<div id="pm-totals"></div></div>
{% endmacro %}"""
    )

    def __init__(self, *, modes: list[tuple[int, str]], selected: int, labels: dict[str, str] | None = None) -> None:
        super().__init__()
        self._name = "TimelineControls"
        self.labels = labels or {"play": "Play", "window": "window", "day": "day"}
        self.modes = modes
        self.selected = selected


def _event_table(payload: dict[str, Any]) -> dict[str, Any]:
    """Write the events as one list of field names and one list of values per event.

    Repeating every field name in every event made up a fifth of a 1,000-incident page; the
    page's script turns the rows back into objects, leaving out the nulls.
    """
    events = payload.get("events") or []
    if not events:
        return payload
    keys = list(dict.fromkeys(key for event in events for key in event))
    rows = [[event.get(key) for key in keys] for event in events]
    return {**payload, "events": [], "event_table": {"keys": keys, "rows": rows}}


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

    _template = LazyTemplate(
        """{% macro header(this, kwargs) %}
<script>{{ this.source }}</script>
{% endmacro %}
{% macro script(this, kwargs) %}
protestmapStartTimeline({{ this._parent.get_name() }}, {{ this.payload_json }},
  {{ this.groups|tojavascript }}, {{ this.control.get_name() }});
{% endmacro %}"""
    )

    def __init__(self, payload: dict[str, Any], *, groups: dict[str, Any], control: Any) -> None:
        super().__init__()
        self._name = "TimelineController"
        self.payload = payload
        self.payload_json = script_json(_event_table(payload))
        self.groups = groups
        self.control = control
        source = resources.files("protestmap.maps").joinpath("assets", "timeline.js").read_text(encoding="utf-8")
        self.source = source.replace("</script", "<\\/script")


class PageLayout(RenderOnce):
    """Viewport, layout and print rules, and the script that docks the page's boxes into the map's corners.

    The title, legend and timeline panel become Leaflet controls, so they stack in the corners
    instead of covering each other; on small screens the layer list and legend start collapsed,
    and the print stylesheet (used for PDF and PNG export) keeps the legend and hides the layer list.
    """

    _template = Template(
        """{% macro header(this, kwargs) %}
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>{{ this.css }}</style>
<script>{{ this.script }}</script>
{% endmacro %}
{% macro script(this, kwargs) %}
protestmapLayout({{ this._parent.get_name() }});
{% endmacro %}"""
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "PageLayout"
        assets = resources.files("protestmap.maps").joinpath("assets")
        self.css = assets.joinpath("page.css").read_text(encoding="utf-8").replace("</style", "<\\/style")
        self.script = assets.joinpath("page.js").read_text(encoding="utf-8").replace("</script", "<\\/script")
