"""The page around a map: base map, title, legend, attribution, assets and atomic writing.

Only Leaflet itself is loaded (folium's jQuery, Bootstrap and icon fonts are not needed). By
default Leaflet's JS, CSS and images are inlined from the installed ``django-js-lib-leaflet``
package, so the page opens offline; OpenStreetMap tiles are an optional backdrop, and a note on
the page says when they could not load. ``cdn`` links Leaflet from jsDelivr instead (a smaller
page that needs the network); ``self_contained`` also leaves out the tiles, so the page makes no
request at all.
"""

from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, cast

import folium
from folium.utilities import JsCode

from protestmap import settings
from protestmap._io import write_atomic
from protestmap.errors import RenderError
from protestmap.maps.cluster import ClusterAssets
from protestmap.maps.content import Window
from protestmap.maps.elements import (
    AREA_PANE,
    Attribution,
    BindText,
    GeoJsonLayer,
    LayerRegistry,
    LeafletAssets,
    PageLayout,
    RenderedText,
    TileNotice,
    Title,
    render_once,
)
from protestmap.maps.i18n import Catalogue
from protestmap.maps.shapes import UnitShapes, geo_dict

if TYPE_CHECKING:
    import pandas as pd

    from protestmap.spatial.boundaries import Boundaries

__all__ = [
    "MapExtras",
    "PageOptions",
    "bind_text",
    "extras",
    "finish_map",
    "layer_registry",
    "new_map",
    "page_html",
    "save_map",
    "write_atomic",
]


class MapExtras(Protocol):
    """What the renderers attach to the ``folium.Map`` they return, for the pipeline and the tests.

    ``protestmap_not_drawn`` (both maps) holds the incidents of the view shown in no layer, with the
    reason; ``protestmap_counts`` (day map) the features in each layer; ``protestmap_payload``
    (timeline) the data the page embeds; ``protestmap_notice`` (day map) what the terminal must
    also say about the view, e.g. a date outside the data's coverage.
    """

    protestmap_not_drawn: pd.DataFrame
    protestmap_counts: dict[str, int]
    protestmap_payload: dict[str, Any]
    protestmap_notice: str


def extras(fmap: folium.Map) -> MapExtras:
    """Return ``fmap`` itself, typed with the attributes protestmap attaches to it."""
    return cast("MapExtras", fmap)


@dataclass(frozen=True)
class PageOptions:
    """How a page gets Leaflet and tiles.

    Attributes
    ----------
    self_contained
        Draw no web tiles either: the page makes no request at all (archives, field work).
    cdn
        Link Leaflet from jsDelivr instead of inlining it (smaller page; needs the network).
    lang
        ``en`` (default) or ``es``: the language of every label, legend, popup and date.
    """

    self_contained: bool = False
    cdn: bool = False
    lang: str = "en"


#: Phones and narrow windows: the layer list and the legend start collapsed (same width as page.css).
SMALL_SCREEN = "(max-width: 700px)"
_ZOOM_LOCK = re.compile(r'<meta name="viewport"[^>]*>')


class PageMap(folium.Map):
    """folium's Map without its viewport tag, which forbids pinch-zoom (``user-scalable=no``).

    :class:`~protestmap.maps.elements.PageLayout` writes the page's own viewport tag instead.
    """

    def render(self, **kwargs: Any) -> None:  # type: ignore[override]  # as branca's MacroElement.render
        """Render as folium does, then drop folium's viewport tag from the map's header."""
        super().render(**kwargs)
        figure = self.get_root()
        header = figure.header._children.get(self.get_name())  # type: ignore[attr-defined]
        if header is not None:
            text = _ZOOM_LOCK.sub("", header.render())
            figure.header.add_child(RenderedText(text), name=self.get_name())  # type: ignore[attr-defined]


_LEAFLET_JS = "https://cdn.jsdelivr.net/npm/leaflet@1.9.4/dist/leaflet.js"
_LEAFLET_CSS = "https://cdn.jsdelivr.net/npm/leaflet@1.9.4/dist/leaflet.css"
_ASSETS = "js_lib_leaflet"


def new_map(
    *,
    self_contained: bool,
    boundaries: Boundaries | None,
    cdn: bool = False,
    outlines: bool = True,
    shapes: UnitShapes | None = None,
) -> folium.Map:
    """Create the base map: Leaflet (inlined unless ``cdn``), tiles (unless self-contained), department outlines.

    ``outlines=False`` leaves the outlines to the caller (the timeline draws them from the
    department polygons it already embeds, rather than embedding them twice). ``shapes`` holds
    the departments' polygons already converted for the page's other layers, if any.
    """
    fmap = PageMap(location=settings.PERU_CENTRE, zoom_start=5, tiles=None, control_scale=True)
    lon_min, lat_min, lon_max, lat_max = settings.PERU_BBOX
    fmap.fit_bounds([[lat_min, lon_min], [lat_max, lon_max]])
    fmap.default_js, fmap.default_css = [], []  # Leaflet only, linked or inlined by LeafletAssets
    if self_contained and cdn:
        raise RenderError("a self-contained page cannot link Leaflet from a CDN")
    inline = None if cdn else _leaflet_files()
    fmap.add_child(LeafletAssets(js_url=_LEAFLET_JS, css_url=_LEAFLET_CSS, inline=inline))
    folium.map.CustomPane(AREA_PANE, z_index=350, pointer_events=True).add_to(fmap)
    if not self_contained:
        import xyzservices.providers as xyz

        provider = xyz.OpenStreetMap.Mapnik
        tiles = folium.TileLayer(
            tiles=provider.build_url(),
            attr=provider.html_attribution,
            name="Base map (OpenStreetMap)",
        ).add_to(fmap)
        fmap.add_child(TileNotice(tiles))
    if boundaries is not None and outlines:
        outline = boundaries.departments[["ubigeo", "geometry"]]
        shared = shapes is not None and shapes.units.get("department") is boundaries.departments
        converted = shapes.geometries("department") if shapes is not None and shared else None
        GeoJsonLayer(
            geo_dict(outline, geometries=converted),
            name="Department boundaries",
            style={"color": "#444", "weight": 1, "fill": False, "interactive": False},
            control=False,
        ).add_to(fmap)
    return fmap


def bind_text(layer: Any, *, popup: str | None = None, tooltip: str | None = None, label: str = "") -> None:
    """Bind a popup and/or tooltip (already escaped HTML) and an accessible name to a layer through JSON strings."""
    layer.add_child(BindText(popup=popup, tooltip=tooltip, label=label))


def layer_registry(fmap: folium.Map, groups: dict[str, Any]) -> None:
    """Expose the layer groups as ``window.protestmapLayers`` (used by the browser tests)."""
    fmap.add_child(LayerRegistry(groups))


def finish_map(
    fmap: folium.Map,
    *,
    title: str,
    window: Window,
    legend: Any,
    warning: str = "",
    missing: str = "",
    text: Catalogue | None = None,
) -> folium.LayerControl:
    """Add the title, legend, attribution and layer control; return the control.

    ``title`` and ``missing`` (the note on incidents not drawn) are already escaped; ``warning``
    is what the page says in fixed words when boundaries are missing (the terminal alone names
    directories and environment variables); ``legend`` is a :class:`protestmap.maps.legend.Legend`;
    ``text`` the page's catalogue (English default).
    """
    from protestmap.spatial.boundaries import ATTRIBUTION

    fmap.add_child(Title(title, warning=warning, missing=missing))
    fmap.add_child(legend)
    fmap.add_child(Attribution(f"{ATTRIBUTION} · {(text or Catalogue())('attribution')}"))
    collapsed = JsCode(f"window.matchMedia({json.dumps(SMALL_SCREEN)}).matches")
    control = folium.LayerControl(collapsed=collapsed)  # type: ignore[arg-type]  # folium renders JsCode as code
    control.add_to(fmap)
    fmap.add_child(PageLayout())
    return control


def _leaflet_files() -> tuple[str, str]:
    """Leaflet's script and stylesheet from the installed package, images as data URIs."""
    root = resources.files(_ASSETS) / "static" / _ASSETS
    try:
        script = (root / "leaflet.js").read_text(encoding="utf-8")
        css = (root / "leaflet.css").read_text(encoding="utf-8")
    except (FileNotFoundError, ModuleNotFoundError) as exc:
        message = "self-contained maps need the 'django-js-lib-leaflet' package (Leaflet's files)"
        raise RenderError(message) from exc

    def data_uri(match: re.Match[str]) -> str:
        image = (root / match[1]).read_bytes()
        return f"url(data:image/png;base64,{base64.b64encode(image).decode()})"

    return script.replace("</script", "<\\/script"), re.sub(r"url\((images/[\w.-]+\.png)\)", data_uri, css)


def page_html(fmap: folium.Map, *, self_contained: bool) -> str:
    """Render the map to one HTML page; a self-contained page inlines Leaflet and is checked to load nothing.

    Raises
    ------
    RenderError
        When a self-contained page would still reference an external script or stylesheet, or
        its map would load tiles.
    """
    leaflet = [child for child in fmap._children.values() if isinstance(child, LeafletAssets)]
    for assets in leaflet:
        if self_contained and assets.inline is None:
            assets.inline = _leaflet_files()
    if any(assets.inline is not None for assets in leaflet):  # the plugins travel as Leaflet does
        for child in fmap._children.values():
            if isinstance(child, ClusterAssets):
                child.make_inline()
    render_once(fmap)
    page = fmap.get_root().render()
    if self_contained:
        leftovers = re.findall(r'<(?:script|link)[^>]+(?:src|href)="https?://[^"]+"', page)
        leftovers += ["web tiles" for c in fmap._children.values() if isinstance(c, TileNotice)]
        if leftovers:
            message = f"self-contained page still references external assets: {leftovers}"
            raise RenderError(message)
    return page


def save_map(fmap: folium.Map, path: Path, *, self_contained: bool) -> Path:
    """Render a map to one page and write it atomically."""
    return write_atomic(page_html(fmap, self_contained=self_contained), path)
