"""Choropleth classes fixed over the whole period, the legend that shows them, and the page frame.

A colour must mean the same number on every date and in every view, so the classes are fixed
(not rescaled to the day's maximum) and written in the legend with their numbers and units.
The breaks are chosen for this dataset's range and documented here rather than computed per
page: department totals over the whole period run from 0 to 28 deaths (Puno) and from 0 to 2.4
deaths per 100,000 inhabitants, so

- deaths: 0 | 1 | 2–4 | 5–9 | 10–19 | 20–29 | 30 or more;
- deaths per 100,000 inhabitants: 0 | under 0.25 | 0.25–0.5 | 0.5–1 | 1–1.5 | 1.5–2 | 2 or more.

Colours come from :class:`branca.colormap.StepColormap` over ColorBrewer Reds
(:data:`protestmap.settings.DEATH_COLOURS`), the zero class in light grey.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from branca.element import Figure
from folium.template import Template

from protestmap import settings
from protestmap.maps.elements import RenderOnce

if TYPE_CHECKING:
    from branca.colormap import StepColormap

    from protestmap.maps.i18n import Catalogue

__all__ = [
    "DEATHS",
    "MARKER_OUTLINE",
    "RATE",
    "TODAY_OUTLINE",
    "Classes",
    "Legend",
    "PageFigure",
    "contrast_ratio",
    "frame_page",
]


@dataclass(frozen=True)
class Classes:
    """Fixed classes of a choropleth: lower bounds, their labels and the unit.

    Attributes
    ----------
    bounds
        Lower bound of each class, the first being 0 (the "none" class).
    labels
        How the legend writes each class.
    unit
        Catalogue key of the unit.
    """

    bounds: tuple[float, ...]
    labels: tuple[str, ...]
    unit: str

    def colormap(self) -> StepColormap:
        """Return the branca step colormap of these classes."""
        from branca.colormap import StepColormap

        colours = [settings.NO_DEATHS_COLOUR, *settings.DEATH_COLOURS]
        index = [*self.bounds, self.bounds[-1] * 2]
        return StepColormap(colours, index=index, vmin=index[0], vmax=index[-1])

    def colour(self, value: float | None) -> str:
        """Return the fill of ``value`` (the zero class for 0 and for None)."""
        if value is None or value <= 0:
            return settings.NO_DEATHS_COLOUR
        return str(self.colormap().rgb_hex_str(value))

    def swatches(self) -> list[tuple[str, str]]:
        """(label, colour) of each class, for the legend."""
        cmap = self.colormap()
        return [(label, str(cmap.rgb_hex_str(low))) for label, low in zip(self.labels, self.bounds, strict=True)]


DEATHS: Final = Classes((0, 1, 2, 5, 10, 20, 30), ("0", "1", "2–4", "5–9", "10–19", "20–29", "30+"), "legend.deaths")
RATE: Final = Classes(
    (0, 0.001, 0.25, 0.5, 1, 1.5, 2), ("0", "<0.25", "0.25–0.5", "0.5–1", "1–1.5", "1.5–2", "2+"), "legend.rate"
)

#: Every marker has a white outline, so a red marker stays visible on the darkest red area
#: (WCAG contrast >= 3:1, checked in the tests); the deaths of the day shown get a thick black one.
MARKER_OUTLINE: Final = "#ffffff"
TODAY_OUTLINE: Final = "#000000"


def _luminance(colour: str) -> float:
    channels = [int(colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(first: str, second: str) -> float:
    """WCAG 2 contrast ratio of two ``#rrggbb`` colours (1 to 21)."""
    light, dark = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


class Legend(RenderOnce):
    """The legend: marker layers, and each choropleth's classes with numbers and units.

    Parameters
    ----------
    text
        The page's catalogue (every string of the legend comes from it).
    layers
        (label, colour) of each marker layer.
    window
        How the view counts deaths ("to date", "in the last 7 days").
    rate
        Whether the per-100,000 choropleth is on the page (its classes are then listed too).
    """

    _template = Template(
        """{% macro html(this, kwargs) %}
<div id="pm-legend" role="region" aria-label="{{ this.heading|e }}" style="position:fixed;bottom:24px;left:10px;
z-index:1000;background:#fff;padding:8px 10px;font:12px sans-serif;border:1px solid #999;border-radius:4px;
max-width:310px"><b>{{ this.heading|e }}</b>
{%- for label, colour in this.layers %}<div><span style="display:inline-block;width:12px;height:12px;
border-radius:6px;background:{{ colour|e }};border:1.5px solid #fff;box-shadow:0 0 0 1px #666;margin-right:6px">
</span>{{ label|e }}</div>{% endfor -%}
{%- for caption, swatches in this.scales %}<div class="pm-scale" style="margin-top:5px">{{ caption|e }}<br>
{%- for label, colour in swatches %}<span style="display:inline-block;text-align:center;margin-right:2px">
<span style="display:block;width:30px;height:10px;background:{{ colour|e }};border:1px solid #bbb"></span>
{{- label|e }}</span>{% endfor %}</div>{% endfor -%}
{%- for line in this.notes %}<div>{{ line|e }}</div>{% endfor %}</div>
{% endmacro %}"""
    )

    def __init__(self, text: Catalogue, *, layers: list[tuple[str, str]], window: str, rate: bool) -> None:
        super().__init__()
        self._name = "Legend"
        self.heading = text("legend.title")
        self.layers = layers
        self.scales = [(text(DEATHS.unit, window=window), DEATHS.swatches())]
        if rate:
            self.scales.append((text(RATE.unit, window=window), RATE.swatches()))
        self.notes = [text("legend.outline"), text("legend.areas"), text("legend.clusters")]


class PageFigure(Figure):
    """branca's page with a ``lang`` attribute and a ``<title>`` (both escaped here).

    Parameters
    ----------
    title
        The page title (plain text).
    lang
        BCP 47 language tag.
    """

    _template = Template(
        "<!DOCTYPE html>\n"
        '<html lang="{{ this.lang|e }}">\n'
        "<head>\n"
        "<title>{{ this.page_title|e }}</title>\n"
        "    {{this.header.render(**kwargs)}}\n"
        "</head>\n"
        "<body>\n"
        "    {{this.html.render(**kwargs)}}\n"
        "</body>\n"
        "<script>\n"
        "    {{this.script.render(**kwargs)}}\n"
        "</script>\n"
        "</html>\n"
    )

    def __init__(self, *, title: str, lang: str) -> None:
        super().__init__()
        self.page_title = title
        self.lang = lang


def frame_page(fmap: Any, *, title: str, text: Catalogue) -> None:
    """Put the map in a :class:`PageFigure` with the page's title and language."""
    figure = PageFigure(title=title, lang=text.tag)
    figure.add_child(fmap, name="map")
