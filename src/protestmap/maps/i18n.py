"""Every string the maps show a reader, in English (the default) and Spanish (``--lang es``).

Why a plain mapping rather than gettext/babel: the maps have about eighty short strings, all
written here by the project, with no plural rules beyond what a ``{n}`` placeholder covers and
one date format per language (es-PE writes "9 de enero de 2023"; month names are fixed). A
dictionary keeps the catalogue readable in one file, needs no compile step (``.po`` -> ``.mo``)
and no new dependency, and a test checks that both languages define exactly the same keys and
placeholders. Should the maps gain many more languages, the same keys can move to gettext
catalogues unchanged.

Text from the data (places, notes, outlets) is never translated and never used as a format
string: it is passed as a *value* of a placeholder and escaped by the caller.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Final

__all__ = ["LANGUAGES", "Catalogue", "catalogue"]

_MONTHS: Final = {
    "en": [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ],
    "es": [
        "enero",
        "febrero",
        "marzo",
        "abril",
        "mayo",
        "junio",
        "julio",
        "agosto",
        "septiembre",
        "octubre",
        "noviembre",
        "diciembre",
    ],
}

_EN: Final[dict[str, str]] = {
    "layer.deaths": "Deaths (markers sized by fatalities)",
    "layer.blockades": "Road blockades active",
    "layer.strikes": "Strikes active",
    "layer.curfews": "Curfews and states of emergency in force",
    "layer.detentions": "Detentions and raids",
    "layer.protests": "Marches, protests and clashes",
    "type.attack_on_protesters": "attack on protesters",
    "type.attack_on_security_forces": "attack on security forces",
    "type.state_of_emergency": "state of emergency",
    "type.blockade": "blockade",
    "type.curfew": "curfew",
    "type.strike": "strike",
    "type.march": "march",
    "type.accident": "accident",
    "type.protest": "protest",
    "type.clash": "clash",
    "type.detention": "detention",
    "type.raid": "raid",
    "count.fatalities": "{n} dead",
    "count.injured": "{n} injured",
    "count.arrested": "{n} detained",
    "count.blockade_points": "{n} blockade points",
    "window.cumulative": "to date",
    "window.days": "in the last {n} days",
    "date.range": "{start} to {end}",
    "popup.figures": "Figures by source:",
    "popup.sources": "Sources:",
    "popup.link": "link",
    "popup.as_of": "as of {date}",
    "popup.wider": "also counts other rows",
    "popup.figures_ref": "the figures by source in this popup",
    "popup.victims": "Victims named in sources:",
    "chart.aria": "Deaths per day (bars) and road blockades active (line); click a day to show it",
    "chart.tip": "{day}: {deaths} dead, {blockades} road blockades active",
    "chart.key": (
        "Bars: deaths per day (highest {deaths}). Line: road blockades active (highest {blockades})."
        " Click a day to show it."
    ),
    "victim.unnamed": "name not reported",
    "victim.died": "died {date}",
    "victim.hurt": ", hurt {date}",
    "victim.not_counted": "not in this incident's count",
    "role.police": "police officer",
    "role.soldier": "soldier",
    "cause.gunshot": "gunshot",
    "cause.pellet": "pellets",
    "cause.blunt_trauma": "blunt trauma",
    "cause.tear_gas": "tear gas",
    "cause.blockade_related": "blockade-related",
    "cause.drowning": "drowning",
    "cause.other": "other cause",
    "cause.unknown": "cause not reported",
    "measure.fatalities": "dead",
    "measure.injured": "injured",
    "measure.arrested": "detained",
    "measure.blockade_points": "blockade points",
    "not_drawn": (
        "{n} incident(s) of this view are not drawn because their place could not be determined: "
        "{ids}{more}. Their counts are included in the totals."
    ),
    "not_drawn.more": " and {n} more",
    "page.title.day": "Peru protests, {date}",
    "page.title.timeline": "Peru protests, {start} – {end}",
    "title.day": "Peru, {date}",
    "title.deaths": "deaths this day: {today} (to date: {total})",
    "title.injured": "injured this day: {n}",
    "title.blockades": "blockade points reported nationwide: {n}",
    "title.strikes": "departments on strike: {n}",
    "title.national_soe": "national state of emergency in force",
    "title.emergencies": "curfews / regional emergencies in force: {n}",
    "title.timeline": "Peru, {range}: move the slider or press Play",
    "title.aggregated": " (markers aggregated per unit and day)",
    "title.as_of": "as reported up to {date} (only sources published by then)",
    "coverage.outside": "No incidents recorded for this date; the dataset covers {first} – {last}.",
    "coverage.empty": "The dataset holds no dated incidents.",
    "warning.no_boundaries": (
        "Department and province boundaries were not available when this map was made, so no "
        "choropleths are drawn and places are those the sources state."
    ),
    "level.department": "department",
    "level.province": "province",
    "choropleth.deaths": "Deaths to date by {level}",
    "choropleth.rate": "Deaths per 100,000 inhabitants by {level}",
    "choropleth.timeline": "Deaths by unit (cumulative or in the window)",
    "tip.deaths": "{name}: {value} deaths {window}",
    "tip.rate": "{name}: {value} deaths per 100,000 inhabitants {window}",
    "tip.no_population": "{name}: no population figure, so no rate",
    "rate.empty": "No {level} has a population figure in population.csv, so this layer is empty.",
    "rate.partial": "population.csv has figures for {n} of {total} units only; the others have no rate",
    "legend.title": "Legend",
    "legend.deaths": "Deaths {window} (choropleth)",
    "legend.rate": "Deaths per 100,000 inhabitants {window} (its own layer)",
    "legend.outline": "Black outline: deaths on the day shown.",
    "legend.areas": (
        "Dashed areas: strikes (purple), curfews or emergencies (brown) covering a whole province or department."
    ),
    "legend.clusters": "Circles with a number: incidents grouped at this zoom; click to zoom in or spread them.",
    "cluster.label": "{n} incidents here: zoom in",
    "control.play": "Play",
    "control.pause": "Pause",
    "control.window": "window",
    "control.day": "day",
    "mode.0": "cumulative",
    "mode.1": "this day only",
    "mode.n": "last {n} days",
    "totals.cumulative": "to date: ",
    "totals.window": "last {n} days: ",
    "totals.counts": "{deaths} dead, {injured} injured",
    "national": "nationwide: {kind}",
    "national.points": " ({n} points)",
    "agg.text": "{n} incidents ({layer}) in {unit}, {when}: {deaths} dead, {injured} injured",
    "agg.more": "Open the incident table for each incident's sources.",
    "attribution": "Incidents: protestmap, sources in each popup",
}

_ES: Final[dict[str, str]] = {
    "layer.deaths": "Muertes (marcadores según el número de fallecidos)",
    "layer.blockades": "Bloqueos de vías activos",
    "layer.strikes": "Paros activos",
    "layer.curfews": "Toques de queda y estados de emergencia vigentes",
    "layer.detentions": "Detenciones y allanamientos",
    "layer.protests": "Marchas, protestas y enfrentamientos",
    "type.attack_on_protesters": "ataque a manifestantes",
    "type.attack_on_security_forces": "ataque a fuerzas del orden",
    "type.state_of_emergency": "estado de emergencia",
    "type.blockade": "bloqueo",
    "type.curfew": "toque de queda",
    "type.strike": "paro",
    "type.march": "marcha",
    "type.accident": "accidente",
    "type.protest": "protesta",
    "type.clash": "enfrentamiento",
    "type.detention": "detención",
    "type.raid": "allanamiento",
    "count.fatalities": "{n} fallecidos",
    "count.injured": "{n} heridos",
    "count.arrested": "{n} detenidos",
    "count.blockade_points": "{n} puntos de bloqueo",
    "window.cumulative": "acumuladas",
    "window.days": "en los últimos {n} días",
    "date.range": "{start} al {end}",
    "popup.figures": "Cifras por fuente:",
    "popup.sources": "Fuentes:",
    "popup.link": "enlace",
    "popup.as_of": "al {date}",
    "popup.wider": "incluye también otras filas",
    "popup.figures_ref": "las cifras por fuente de esta ventana",
    "popup.victims": "Víctimas nombradas en las fuentes:",
    "chart.aria": "Muertes por día (barras) y bloqueos de vías activos (línea); haga clic en un día para verlo",
    "chart.tip": "{day}: {deaths} muertos, {blockades} bloqueos de vías activos",
    "chart.key": (
        "Barras: muertes por día (máximo {deaths}). Línea: bloqueos de vías activos (máximo {blockades})."
        " Haga clic en un día para verlo."
    ),
    "victim.unnamed": "nombre no informado",
    "victim.died": "falleció el {date}",
    "victim.hurt": ", herido el {date}",
    "victim.not_counted": "no incluido en la cifra de este incidente",
    "role.police": "policía",
    "role.soldier": "soldado",
    "cause.gunshot": "proyectil de arma de fuego",
    "cause.pellet": "perdigones",
    "cause.blunt_trauma": "traumatismo contuso",
    "cause.tear_gas": "gas lacrimógeno",
    "cause.blockade_related": "vinculada a un bloqueo",
    "cause.drowning": "ahogamiento",
    "cause.other": "otra causa",
    "cause.unknown": "causa no informada",
    "measure.fatalities": "fallecidos",
    "measure.injured": "heridos",
    "measure.arrested": "detenidos",
    "measure.blockade_points": "puntos de bloqueo",
    "not_drawn": (
        "{n} incidente(s) de esta vista no se dibujan porque no se pudo determinar su lugar: "
        "{ids}{more}. Sus cifras sí se incluyen en los totales."
    ),
    "not_drawn.more": " y {n} más",
    "page.title.day": "Protestas en el Perú, {date}",
    "page.title.timeline": "Protestas en el Perú, {start} – {end}",
    "title.day": "Perú, {date}",
    "title.deaths": "muertes este día: {today} (acumuladas: {total})",
    "title.injured": "heridos este día: {n}",
    "title.blockades": "puntos de bloqueo reportados en el país: {n}",
    "title.strikes": "departamentos en paro: {n}",
    "title.national_soe": "estado de emergencia nacional vigente",
    "title.emergencies": "toques de queda / emergencias regionales vigentes: {n}",
    "title.timeline": "Perú, {range}: mueva el deslizador o pulse Reproducir",
    "title.aggregated": " (marcadores agregados por unidad y día)",
    "title.as_of": "según lo informado hasta el {date} (solo fuentes publicadas hasta entonces)",
    "coverage.outside": "No hay incidentes registrados para esta fecha; los datos cubren del {first} al {last}.",
    "coverage.empty": "Los datos no contienen incidentes con fecha.",
    "warning.no_boundaries": (
        "Los límites de departamentos y provincias no estaban disponibles al hacer este mapa: no se "
        "dibujan coropletas y los lugares son los que indican las fuentes."
    ),
    "level.department": "departamento",
    "level.province": "provincia",
    "choropleth.deaths": "Muertes acumuladas por {level}",
    "choropleth.rate": "Muertes por cada 100 000 habitantes por {level}",
    "choropleth.timeline": "Muertes por unidad (acumuladas o en la ventana)",
    "tip.deaths": "{name}: {value} muertes {window}",
    "tip.rate": "{name}: {value} muertes por cada 100 000 habitantes {window}",
    "tip.no_population": "{name}: sin dato de población, no hay tasa",
    "rate.empty": "Ningún(a) {level} tiene población en population.csv; esta capa está vacía.",
    "rate.partial": "population.csv solo tiene cifras para {n} de {total} unidades; las demás no tienen tasa",
    "legend.title": "Leyenda",
    "legend.deaths": "Muertes {window} (coropleta)",
    "legend.rate": "Muertes por cada 100 000 habitantes {window} (capa propia)",
    "legend.outline": "Borde negro: muertes en el día mostrado.",
    "legend.areas": (
        "Áreas con borde discontinuo: paros (morado), toques de queda o emergencias (marrón) de toda una "
        "provincia o departamento."
    ),
    "legend.clusters": "Círculos con un número: incidentes agrupados a este zoom; haga clic para acercar o separarlos.",
    "cluster.label": "{n} incidentes aquí: acercar",
    "control.play": "Reproducir",
    "control.pause": "Pausa",
    "control.window": "ventana",
    "control.day": "día",
    "mode.0": "acumulado",
    "mode.1": "solo este día",
    "mode.n": "últimos {n} días",
    "totals.cumulative": "acumulado: ",
    "totals.window": "últimos {n} días: ",
    "totals.counts": "{deaths} fallecidos, {injured} heridos",
    "national": "todo el país: {kind}",
    "national.points": " ({n} puntos)",
    "agg.text": "{n} incidentes ({layer}) en {unit}, {when}: {deaths} fallecidos, {injured} heridos",
    "agg.more": "Abra la tabla de incidentes para ver las fuentes de cada uno.",
    "attribution": "Incidentes: protestmap, con sus fuentes en cada ventana emergente",
}

#: Language code -> (catalogue, BCP 47 tag for the page's ``lang``).
LANGUAGES: Final = {"en": (_EN, "en"), "es": (_ES, "es-PE")}


@dataclass(frozen=True)
class Catalogue:
    """The strings of one language.

    Attributes
    ----------
    lang
        ``en`` or ``es``.
    """

    lang: str = "en"

    @property
    def tag(self) -> str:
        """The BCP 47 tag for the page's ``lang`` attribute (``en``, ``es-PE``)."""
        return LANGUAGES[self.lang][1]

    def __call__(self, key: str, **values: object) -> str:
        """Return the string for ``key`` with the placeholders filled in (values are not escaped)."""
        return LANGUAGES[self.lang][0][key].format(**values)

    def long_date(self, day: dt.date) -> str:
        """Write a date as readers of the language do: "9 January 2023", "9 de enero de 2023"."""
        month = _MONTHS[self.lang][day.month - 1]
        if self.lang == "es":
            return f"{day.day} de {month} de {day.year}"
        return f"{day.day} {month} {day.year}"

    def short_date(self, day: dt.date) -> str:
        """Write a date in a compact form: "7 Dec 2022", "7 dic. 2022"."""
        month = _MONTHS[self.lang][day.month - 1][:3]
        return f"{day.day} {month}{'.' if self.lang == 'es' else ''} {day.year}"

    def number(self, value: float, digits: int = 2) -> str:
        """Write a decimal number (Spanish uses a decimal comma: "1,62")."""
        written = f"{value:.{digits}f}"
        return written.replace(".", ",") if self.lang == "es" else written

    def event_type(self, kind: str) -> str:
        """Name an event type; an unknown one is shown as written, underscores as spaces."""
        return LANGUAGES[self.lang][0].get(f"type.{kind}", kind.replace("_", " "))


def catalogue(lang: str = "en") -> Catalogue:
    """Return the catalogue of ``lang``.

    Raises
    ------
    ValueError
        For a language without a catalogue.
    """
    if lang not in LANGUAGES:
        message = f"no catalogue for language {lang!r}; choose one of {', '.join(LANGUAGES)}"
        raise ValueError(message)
    return Catalogue(lang)
