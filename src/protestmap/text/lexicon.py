"""Word lists and patterns that :mod:`protestmap.text.extract` reads news text with (English and Spanish).

Patterns apply to accent-folded, lower-case text (see :func:`protestmap.text.scan.fold`), except
``NAME``, which finds capitalised place-name candidates in the original text.
"""

from __future__ import annotations

import re


def _any(*alternatives: str) -> str:
    """Build a regex matching any of the alternatives as whole words."""
    return r"\b(?:" + "|".join(alternatives) + r")\b"


CUES = {
    "deaths": _any(
        "killed", "kills?", "killing", "dead", "deaths?", "died", "die", "massacred?", "murdered", "shot dead",
        "drowned", r"lost (?:their|his|her) li(?:fe|ves)", "ahogad[oa]s", "se ahogaron", "muert[oa]s?", "murio",
        "murieron", "fallecid[oa]s?", "fallecio", "fallecieron", "asesinad[oa]s?", "perdio la vida",
        "perdieron la vida", "lost their lives", r"victimas? mortal(?:es)?", "herid[oa] de muerte", "deceso",
        "sin vida", r"han fallecido", "shot and killed", r"(?:ha|habria) perdido la vida",
    ),
    "injured": _any("injured", "wounded", "heridos?", "heridas", "lesionad[oa]s?", "contusos"),
    "detention": _any(
        "arrested", "arrests?", "detained", "detentions?", "detenid[oa]s", "detenciones", "arrestad[oa]s",
        "detainees", r"(?<!se )detuvo", r"(?<!se )detuvieron", "capturad[oa]s", "arrestaron",
    ),
    "raid": _any(
        "raid(?:ed|s)?", "allanamientos?", "allanaron", r"irrumpi\w*",
        r"(?:entered|stormed) the (?:\w+ ){0,4}universi\w+",
    ),
    "blockade": _any(
        "blockades?", r"blocked(?! (?:their|the|his|her|our) (?:way|path|passage|access))",
        "blocking", "barricades", "roadblocks?", "bloqueos?", "bloquearon", "bloqueada?s?",
        "cutting off highways", r"bloque\w+", r"transito (?:vehicular )?interrumpido",
        r"interrumpi\w* el (?:transito|paso)", "interrupted traffic", r"vias? tomadas?",
        r"tomaron las (?:vias|carreteras)", r"cortes? de (?:via|ruta|carretera)s?",
        r"cortes? en (?:las? |algunas? )?(?:vias?|rutas?|carreteras?)",
        r"(?:roads?|highways?) (?:were|was|are) (?:cut|closed)", "pickets are disrupting",
    ),
    "strike": _any(
        "strike", "work stoppage", "paro", "huelga", r"paralizaci\w+", "paralysis of activities", "cierrapuertas",
        "huelguistas",
    ),
    "curfew": _any("curfews?", "toque de queda", "inmovilizacion social"),
    "state_of_emergency": _any("state of emergency", "estado de emergencia", r"declar\w+ en emergencia"),
    "march": _any(
        "march(?:ed|es)?", "marcha(?:ron)?", "rall(?:y|ied|ying)", "protested", r"demonstrat\w+", r"mobiliz\w+",
        r"movilizac\w+", r"manifestac\w+", "took to the streets", r"moviliz\w+", r"clash(?:es|ed|ing)?",
        r"enfrentamientos?", r"se enfrenta\w*", "vigilia", "vigil", "procesion", r"piquetes? de huelguistas",
        r"intent\w+ (?:tomar|ingresar|asaltar)", r"tried to (?:storm|take|overrun|enter)", "poured into",
        r"invadid[oa]", r"ingresaron de forma violenta", r"\d+ protest(?:as|s)\b", r"set (?:on )?fire", "torched",
        r"incendi(?:aron|o|ada)", r"prendieron fuego",
    ),
}  # fmt: skip
COUNT_WORDS = {
    "fatalities": "(?:"
    + "|".join(
        [
            "dead", "deaths?", "killed", "died", "drowned", "muert[oa]s", "murieron", "fallecid[oa]s", "fallecieron",
            "asesinad[oa]s", "ahogad[oa]s", "civilians were massacred", "persons", "protesters were killed",
            "were killed", "have died", "perdieron la vida", "lost their lives", r"victimas? mortal(?:es)?",
            "han fallecido", "people died", "people have died",
        ]
    )
    + ")",
    "injured": r"(?:injured|wounded|heridos|heridas|lesionad[oa]s|quedaron heridas|resultaron heridos|contusos)",
    "arrested": r"(?:detained|arrested|arrests|detainees|detenid[oa]s|arrestad[oa]s|detenciones|capturad[oa]s)",
    "blockade_points": r"(?:points|sites|sectors|puntos|sectores|roadblocks|bloqueos|roads and highways|roads|"
    r"highways|road sections|sections|vias|carreteras|tramos)",
}  # fmt: skip
VERB_THEN_COUNT = {
    "fatalities": (
        r"(?:kills?|killed|killing|massacre of|toll[^.;]{0,60}?(?:to|at|of)|left|leaving|dejan?|dejaron|"
        r"(?:muerte|deceso|fallecimiento) de|cifra de (?:muertos|fallecidos)[^.;]{0,30}?(?:a|en)|"
        r"(?:perdieron la vida|murieron|fallecieron|lost their lives)(?=\s+(?:\d|(?:un|una|dos|tres|cuatro|cinco|seis|"
        r"siete|ocho|nueve|diez|two|three|four|five|six|seven|eight|nine|ten)\b)))\s+"
    ),
    "blockade_points": r"(?:blocked highways at|blockade of roads in|highways at)\s+",
    "arrested": r"(?:arrested|detained|detuvo|detuvieron|arrestaron)\s+",
    "injured": r"(?:injuring|wounding|hiriendo a|heridos (?:paso|sube|llega) (?:de \d+ )?a|heridos (?:asciende )?a)\s+",
}
TOTAL_FIRST = {
    "fatalities": r"\ba (\d+) (?:sube|asciende|llega|se eleva)n? la cifra de (?:muertos|fallecidos|victimas)",
    "injured": r"\ba (\d+) (?:sube|asciende|llega|se eleva)n? la cifra de heridos",
}
"""Running totals told number first ("a diez sube la cifra de muertos"), on digitised text."""
MEASURE_OF = {"deaths": "fatalities", "injured": "injured", "detention": "arrested", "blockade": "blockade_points"}
SINGULAR_DEATH = _any(
    r"was (?:declared )?(?:killed|dead|shot dead)", "died", "murio", "fallecio", "perdio la vida", "a minor dead",
    "fallece", "muere", r"(?:ha|habria) perdido la vida", r"(?:su |la |una )?primera victima mortal",
    "first (?:protester|death) to", r"herid[oa] de muerte", r"(?:un|una) (?:\w+ )?(?:muert[oa]|fallecid[oa])",
    r"(?:a|one) (?:\w+ )?(?:died|was killed)",
)  # fmt: skip
_NOT_SINCE_A_DAY_AGO = (
    r"{}(?! (?:yesterday|last night|this morning|the previous day|the day before|ayer|anoche|esta manana|"
    r"la manana|el dia anterior|la vispera))"
)
"""A "since" that starts a running total, unless it starts a day ago: "18 killed since yesterday" is one day's toll."""
CUMULATIVE = _any(
    "death toll", "toll", "so far", "in total", "total number", _NOT_SINCE_A_DAY_AGO.format("since"),
    r"in the past \d+ days", r"past \d+ days",
    "as of today", "now stands", "upwards of", "over the last", "in just", "hasta el momento", "suman", "se eleva",
    "asciende", "en total", _NOT_SINCE_A_DAY_AGO.format("desde"), "a total of", "de un total de", "hasta la fecha",
    "hasta ahora", "in a month",
    "en un mes", r"la cifra de (?:muertos|fallecidos|victimas|heridos)", "sube a", "rises to", "rose to",
    "raised to", "raising to", "raises to", "bringing (?:the|to)", "elevando", "eleva a", "elevo a", "ya son",
    r"(?:have|has) (?:claimed|left)", "during the protests", "en las protestas", r"over a month",
    r"in the (?:demonstrations|protests|unrest)",
)  # fmt: skip
HEDGED = _any(
    "will", "would", "could", "may", "might", "likely", "probable", "expected", r"plans? to", "planned",
    r"(?:has|have) been announced", "announced for", r"called (?:a|for)", "calls? for", r"threat\w*", "prevista",
    "previsto", r"anunciad[oa]s?", r"han anunciado", r"convoca\w* (?:a|para)", r"amenaz\w+", "podria", "podrian",
    r"se alista", "a partir de manana", "if", "si se",
)  # fmt: skip
NATIONAL = _any(
    r"\d+ (?:provinces|regions|departments|provincias|regiones|departamentos)"
    r"(?! (?:mencionad|citad|senalad|antes|mentioned|listed|named|above))", "across the country", "nationwide",
    "the whole country", "throughout the country", r"in the country(?!['’]s)", "national strike", "a nivel nacional",
    "en todo el pais", "todo el territorio", "en el pais", "across peru", r"in \d+ provinces",
    r"en \d+ regiones", r"in \d+ of the \d+ regions", r"(?:en|de) (?:las )?vias nacionales", r"red vial nacional",
    r"national (?:roads|highways)",
)  # fmt: skip
LEMMA_CUES = {
    "deaths": {
        "die", "kill", "drown", "murder", "massacre", "dead", "morir", "fallecer", "fallecido", "muerto", "deceso",
        "asesinar", "asesinado", "ahogar", "ahogado", "fallecimiento",
    },
    "injured": {"injure", "wound", "injured", "wounded", "herir", "herido", "lesionar", "lesionado", "contuso"},
    "detention": {"arrest", "detain", "detainee", "detener", "detenido", "arrestar", "arrestado", "capturar"},
    "raid": {"raid", "allanar", "allanamiento"},
    "blockade": {"blockade", "roadblock", "barricade", "bloquear", "bloqueo", "bloqueado"},
    "strike": {"strike", "huelga", "paro", "paralizar", "huelguista"},
    "march": {
        "march", "rally", "demonstrate", "mobilize", "mobilise", "clash", "vigil", "marchar", "marcha", "movilizar",
        "enfrentamiento", "enfrentar", "procesion", "vigilia", "manifestar", "concentrar",
    },
}  # fmt: skip
"""Lemmas (accent-folded, from :mod:`simplemma`) that cue each kind of event, whatever the word's form."""
SPREAD_OVER = re.compile(
    r"\b(?:bloqueos?|cortes?|roadblocks?|blockades?|vandalismo|violencia|violence|disturbios|saqueos?|interrupciones)"
    r"\b[^.;:]{0,60}$"
)
"""An event noun right before "concentrar(se)": "los bloqueos se concentran en Puno" places them, gathers nobody."""
NATIONAL_STRIKE = r"\b(?:national strike|nationwide strike|paro nacional|huelga nacional)\b"
FUTURE = r"\b(?:will|expected|plans? to|calls? to|calling for|threat\w*|could|would|amenaz\w+|convoca\w*)\b"
NOT_AN_ARREST = (
    r"\b(?:in (?:pretrial )?detention|remains in detention|held without charge|prision preventiva|investigation|"
    r"(?:preventive|pretrial|pre-trial) detention|detencion preventiva|"
    r"(?:over|after|following|since|against|tras|desde|contra|por|despues de) (?:the |la |el )?"
    r"(?:[a-z]+ (?:and|y) (?:the |la |el |su |his )?)?(?:arrest|detention|detencion|arresto|captura)\b)"
)
NUMBER_NOT_COUNT = re.compile(
    r"^(?:-?year|years|anos|%|percent|km|days?|dias|th\b|st\b|nd\b|rd\b|months?|meses|hours?|horas)"
)
LEVEL_WORDS = re.compile(r"\b(?:departments?|regions?|regiones|departamentos|region)\b")
SITE_WORDS = {
    "plaza", "plazas", "avenida", "avenidas", "av", "calle", "calles", "jiron", "jirones", "hospital", "universidad",
    "university", "colegio", "estadio", "puente", "avenue", "street", "cruce", "esquina", "cuadra",
}  # fmt: skip
STREET = re.compile(
    r"\b(?:avenidas?|av\.|calles?|jir[oó]n(?:es)?|plazas?|avenues?|streets?|cruce de las avenidas)\s+"
    r"(?:[A-ZÁÉÍÓÚÑ0-9][\w'’.-]*(?:\s+(?:de(?:l)?|la|los|las|y|e|and)\s+|\s+)?)+"
)
"""Street and square names ("avenidas Nicolás de Piérola y Abancay"), whose words are not places (original text)."""
STREET_AFTER = re.compile(
    r"(?:[A-ZÁÉÍÓÚÑ][\w'’.-]*(?:,\s+|\s+and\s+|\s+))+(?=(?:avenues?|streets?|squares?|hospital|police station)\b)"
)
"""Names told before "avenues", "square", "hospital" ("Bolognesi and Grau avenues"): not places (English order)."""
INSTITUTION = re.compile(
    r"\b(?:Red de Salud|Hospital(?: Regional)?|Universidad(?: Nacional)?(?: Mayor)?|Gobierno Regional|"
    r"Municipalidad(?: Provincial| Distrital)?|Direcci[oó]n Regional(?: de Salud)?|Corte Superior(?: de Justicia)?|"
    r"Prefectura|Frente de Defensa(?: de los Intereses)?|Federaci[oó]n(?: Departamental)?(?: de \w+)?)"
    r"(?: de(?:l)?)?(?: la)?\s+"
)
"""Institution names ending in a place ("Red de Salud de Chucuito"): the place after them is still read."""
NOT_PLACES = {
    "union", "libertad", "progreso", "independencia", "victoria", "esperanza", "paz", "florida", "santa", "san",
    "pueblo", "colonia", "mayo", "castillo", "boluarte", "dina", "pedro", "prensa", "andina", "capital", "alto",
    "grande", "nueva", "central", "bolivar", "sucre", "america", "pacific", "mexico", "cuba", "argentina",
    "venezuela", "bolivia", "chile", "brazil", "brasil", "colombia", "ecuador", "congress", "congreso", "national",
    "general", "telesur", "reuters",
}  # fmt: skip
LEADING = {
    "in", "on", "the", "a", "el", "la", "los", "las", "en", "from", "to", "at", "of", "and", "but", "this", "that",
    "meanwhile", "protesters", "peruvian", "peruvians", "thousands", "both", "when", "while", "during", "since",
    "por", "desde", "hacia", "para", "según", "segun", "y", "e",
}  # fmt: skip
NAME = re.compile(
    r"[A-ZÁÉÍÓÚÑ][\wáéíóúñü'’-]*(?:\s+(?:de(?:l)?\s+|la\s+|las\s+|los\s+|y\s+)?[A-ZÁÉÍÓÚÑ][\wáéíóúñü'’-]*){0,3}"
)
