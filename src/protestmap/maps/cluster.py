"""Marker clustering: places that share a spot stay reachable, and markers sit above every area.

Regional rows share their unit's centroid, so on a national view dozens of markers fall within a
few pixels of each other and only the last one drawn can be clicked. Every marker layer of a page
therefore feeds one :class:`ClusterGroup` (a Leaflet.markercluster group): near markers are shown
as one numbered circle that zooms in when clicked, and markers on the very same point are spread
out ("spiderfied") at the last zoom. Each layer stays a separate entry of the layer control
through :class:`ClusterSubGroup`, which hands its markers to the shared group when ticked and
takes them back when unticked. One shared group (rather than one per layer) is what keeps a death
and a blockade in the same town from covering each other. Circle markers keep their size encoding
inside the group.

The group is written here rather than through folium's ``MarkerCluster`` plugin: importing any
folium plugin imports all of them (``folium.plugins`` is one package) and compiles ~40 templates,
about a third of a second of every ``render``.

Leaflet.markercluster's files come from the installed ``xstatic-leaflet-markercluster``
package: inlined in self-contained pages, linked from the CDN otherwise (as Leaflet itself is).
"""

from __future__ import annotations

from importlib import resources
from typing import Any, Final

from folium.map import Layer
from folium.template import Template

from protestmap.errors import RenderError
from protestmap.maps.content import POPUP_BODY_STYLE
from protestmap.maps.elements import RenderOnce

__all__ = [
    "CLUSTER_OPTIONS",
    "ClusterAssets",
    "ClusterGroup",
    "ClusterSubGroup",
    "marker_layers",
    "markercluster_files",
]

_PACKAGE: Final = "xstatic.pkg.leaflet_markercluster"
_CDN: Final = "https://cdn.jsdelivr.net/npm/leaflet.markercluster@1.4.1/dist/"
_FILES: Final = ("leaflet.markercluster.js", "MarkerCluster.css", "MarkerCluster.Default.css")

#: Leaflet.markercluster options. A 40 px radius keeps separate markers (at most ~34 px across)
#: from overlapping, and clusters from hiding towns that are merely near each other.
CLUSTER_OPTIONS: Final = {
    "maxClusterRadius": 40,
    "showCoverageOnHover": False,
    "spiderfyOnMaxZoom": True,
    "spiderfyDistanceMultiplier": 1.6,
    "zoomToBoundsOnClick": True,
    "animate": False,
}


#: The last zoom level, where markers on the very same point are spread out.
MAX_ZOOM: Final = 18


def markercluster_files() -> tuple[str, str]:
    """Leaflet.markercluster's script and stylesheets from the installed package.

    Raises
    ------
    RenderError
        When ``xstatic-leaflet-markercluster`` is not installed.
    """
    try:
        root = resources.files(_PACKAGE) / "data"
        script, *styles = ((root / name).read_text(encoding="utf-8") for name in _FILES)
    except (FileNotFoundError, ModuleNotFoundError) as exc:
        message = "maps need the 'xstatic-leaflet-markercluster' package (Leaflet.markercluster's files)"
        raise RenderError(message) from exc
    return script.replace("</script", "<\\/script"), "\n".join(styles)


def _own_script() -> str:
    source = resources.files("protestmap.maps").joinpath("assets", "cluster.js").read_text(encoding="utf-8")
    return source.replace("</script", "<\\/script")


class ClusterAssets(RenderOnce):
    """Leaflet.markercluster (linked or inlined), the page's small clustering helpers and popup style.

    Parameters
    ----------
    inline
        Inline the files (self-contained pages) instead of linking them from the CDN.
    """

    _template = Template(
        """{% macro header(this, kwargs) %}
{%- if this.inline %}
<script>{{ this.files[0] }}</script>
<style>{{ this.files[1] }}</style>
{%- else %}
<script src="{{ this.cdn|e }}leaflet.markercluster.js"></script>
<link rel="stylesheet" href="{{ this.cdn|e }}MarkerCluster.css"/>
<link rel="stylesheet" href="{{ this.cdn|e }}MarkerCluster.Default.css"/>
{%- endif %}
<script>{{ this.helpers }}</script>
<style>.pm-popup-body{ {{- this.popup_style -}} }</style>
{% endmacro %}"""
    )

    def __init__(self, *, inline: bool) -> None:
        super().__init__()
        self._name = "ClusterAssets"
        self.inline = inline
        self.cdn = _CDN
        self.files = markercluster_files() if inline else ("", "")
        self.helpers = _own_script()
        self.popup_style = POPUP_BODY_STYLE

    def make_inline(self) -> None:
        """Inline the files from now on (a page made for the web, then saved self-contained)."""
        if not self.inline:
            self.inline, self.files = True, markercluster_files()


class ClusterGroup(Layer, RenderOnce):
    """The one Leaflet.markercluster group of a page (not listed in the layer control).

    Parameters
    ----------
    label
        The clusters' accessible name, with ``{n}`` for the number of incidents (a fixed UI
        string from :mod:`protestmap.maps.i18n`, passed as JSON).
    """

    _template = Template(
        """{% macro script(this, kwargs) %}
var {{ this.get_name() }} = L.markerClusterGroup({{ this.options|tojson }});
{{ this.get_name() }}.options.iconCreateFunction = protestmapClusterIcon({{ this.label|tojson }});
protestmapNoTabStops({{ this._parent.get_name() }});
{% endmacro %}"""
    )

    def __init__(self, *, label: str) -> None:
        super().__init__(control=False)
        self._name = "ClusterGroup"
        self.options = dict(CLUSTER_OPTIONS)  # Leaflet.markercluster itself is loaded by ClusterAssets
        self.label = label


class ClusterSubGroup(Layer, RenderOnce):
    """One marker layer of the layer control, whose markers live in the shared cluster group.

    Parameters
    ----------
    cluster
        The page's :class:`ClusterGroup`.
    name
        Name in the layer control.
    show
        Whether the layer is shown on opening.
    """

    _template = Template(
        """{% macro script(this, kwargs) %}
var {{ this.get_name() }} = protestmapSubGroup({{ this.cluster.get_name() }});
{% endmacro %}"""
    )

    def __init__(self, cluster: Any, *, name: str, show: bool = True) -> None:
        super().__init__(name=name, overlay=True, control=True, show=show)
        self._name = "ClusterSubGroup"
        self.cluster = cluster


def marker_layers(fmap: Any, layers: dict[str, str], *, self_contained: bool, label: str) -> dict[str, ClusterSubGroup]:
    """Add the clustering assets, the shared cluster group and one sub-group per marker layer.

    Parameters
    ----------
    fmap
        The map (its Leaflet assets already added).
    layers
        Layer key -> name in the layer control, in the control's order.
    self_contained
        Inline Leaflet.markercluster's files.
    label
        The clusters' accessible name, with ``{n}``.

    Returns
    -------
    dict
        Layer key -> sub-group to add that layer's markers (and areas) to.
    """
    fmap.options.setdefault("max_zoom", MAX_ZOOM)  # the cluster group needs to know the last zoom
    fmap.add_child(ClusterAssets(inline=self_contained))
    cluster = ClusterGroup(label=label)
    fmap.add_child(cluster)
    groups = {key: ClusterSubGroup(cluster, name=name) for key, name in layers.items()}
    for group in groups.values():
        fmap.add_child(group)
    return groups
