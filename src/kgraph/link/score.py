"""How sure a candidate is: names, type, and for places how far apart the two points are.

A name alone never links: two villages called Xocalı lie 7 km apart, and two
bodies may share a name. Places need the name and a point within the
tolerance of their kind; organisations are never linked automatically (the
endpoint gives no second signal we can check), only proposed for review.
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass

# Wikidata classes whose meaning we are sure of; other types score nothing, they do not disqualify.
# GeoNames feature codes (P.PPL… populated places, A.ADM… divisions, A.PCLI independent states) likewise.
SETTLEMENT_TYPES = {"Q486972", "Q515", "Q3957", "Q532", "Q1549591", "P.PPL", "P.PPLA", "P.PPLA2", "P.PPLA3", "P.PPLC"}
COUNTRY_TYPES = {"Q6256", "Q3624078", "A.PCLI"}
EXPECTED_TYPES = {
    "Settlement": SETTLEMENT_TYPES,
    "Country": COUNTRY_TYPES,
    "AdministrativeDistrict": {"A.ADM2"},
    "Region": {"A.ADM1"},
}

# Full score within the first distance, none beyond the second (km), by the kind of place.
DISTANCE_TOLERANCE_KM = {
    "Settlement": (1.0, 5.0),
    "Site": (0.5, 3.0),
    "Road": (1.0, 10.0),
    "AdministrativeDistrict": (5.0, 25.0),
    "Region": (20.0, 80.0),
    "Country": (100.0, 400.0),
}


@dataclass(frozen=True)
class Score:
    total: float
    name: float
    type: float
    distance: float
    km: float | None

    def explain(self) -> str:
        where = f", {self.km:.1f} km apart" if self.km is not None else ", no distance"
        return f"name {self.name:.2f}, type {self.type:.2f}, distance {self.distance:.2f}{where}"


def normalise(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text).casefold().strip()
    return " ".join(folded.split())


def haversine_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


def score_place(
    kind: str,
    our_names: set[tuple[str, str]],
    their_names: set[tuple[str, str]],
    their_types: set[str],
    our_point: tuple[float, float] | None,
    their_point: tuple[float, float] | None,
) -> Score:
    """Weights: name 0.4, distance 0.45, type 0.15; the threshold (0.8 by default) needs name and distance."""
    name = _name_score(our_names, their_names)
    expected = EXPECTED_TYPES.get(kind)
    type_score = 1.0 if expected and their_types & expected else 0.0
    km = haversine_km(our_point, their_point) if our_point and their_point else None
    distance = 0.0
    if km is not None:
        full, none = DISTANCE_TOLERANCE_KM.get(kind, (1.0, 5.0))
        distance = 1.0 if km <= full else max(0.0, 1.0 - (km - full) / (none - full))
    total = 0.4 * name + 0.45 * distance + 0.15 * type_score
    return Score(round(total, 3), name, type_score, distance, km)


def score_organisation(our_names: set[tuple[str, str]], their_names: set[tuple[str, str]]) -> Score:
    """At most 0.6: a name match is a lead for a curator, never a link (organisations and events)."""
    name = _name_score(our_names, their_names)
    return Score(round(0.6 * name, 3), name, 0.0, 0.0, None)


def _name_score(ours: set[tuple[str, str]], theirs: set[tuple[str, str]]) -> float:
    """1 for the same name in the same language, 0.8 for the same name in another language."""
    ours_n = {(normalise(text), lang) for text, lang in ours}
    theirs_n = {(normalise(text), lang) for text, lang in theirs}
    if ours_n & theirs_n:
        return 1.0
    if {text for text, _ in ours_n} & {text for text, _ in theirs_n}:
        return 0.8
    return 0.0
