"""The words analysts type in cards, mapped to the ontology's concepts."""

from __future__ import annotations

from rdflib import URIRef

from ..namespaces import KG

MEASURES: dict[str, URIRef] = {
    "killed": KG.Killed,
    "injured": KG.Injured,
    "seriously-injured": KG.SeriouslyInjured,
    "captured": KG.Captured,
    "missing": KG.Missing,
    "remains-found": KG.RemainsFound,
    "identified": KG.Identified,
    "displaced": KG.Displaced,
    "families-wiped-out": KG.FamiliesWipedOut,
    "graves-found": KG.GravesFound,
    "areas-controlled": KG.AreasControlled,
    "duration": KG.Duration,
}

QUALIFIERS: dict[str, URIRef] = {
    "exact": KG.Exact,
    "at-least": KG.AtLeast,
    "at-most": KG.AtMost,
    "approximately": KG.Approximately,
    "over": KG.Over,
    "nearly": KG.Nearly,
    "some": KG.Some,
}

UNITS: dict[str, URIRef] = {
    "persons": KG.PersonsUnit,
    "bodies": KG.BodiesUnit,
    "families": KG.FamiliesUnit,
    "graves": KG.GravesUnit,
    "regions": KG.RegionsUnit,
    "hours": KG.HoursUnit,
    "days": KG.DaysUnit,
    "years": KG.YearsUnit,
}

# Units of things, counted in whole numbers (the ontology: "a count of people", "a count of graves", ...).
COUNT_UNITS = frozenset({"persons", "bodies", "families", "graves", "regions"})
# Units of time, where a source may well say "1.5 hours".
DURATION_UNITS = frozenset({"hours", "days", "years"})
# Measures whose units are not counts; every other measure counts things.
MEASURE_UNITS: dict[str, frozenset[str]] = {"duration": DURATION_UNITS}

ROLES: dict[str, URIRef] = {
    "perpetrator": KG.Perpetrator,
    "victim": KG.Victim,
    "investigator": KG.Investigator,
    "announcer": KG.Announcer,
    "displaced-population": KG.DisplacedPopulation,
    "party": KG.Party,
    "attacker": KG.Attacker,
    "finder": KG.Finder,
    "controlling-party": KG.ControllingParty,
}

STANCES: dict[str, URIRef] = {
    "asserted": KG.Asserted,
    "believed": KG.Believed,
    "reported": KG.Reported,
    "denied": KG.Denied,
}

PRECISIONS: dict[str, URIRef] = {
    "exact": KG.ExactPoint,
    "near": KG.NearPoint,
    "settlement": KG.SettlementLevel,
    "district": KG.DistrictLevel,
    "region": KG.RegionLevel,
    "country": KG.CountryLevel,
}

SOURCE_KINDS: dict[str, URIRef] = {
    "news-article": KG.NewsArticle,
    "report": KG.Report,
    "statement": KG.TextualSource,
    "dataset": KG.Dataset,
}

TEXTUAL_SOURCE_KINDS = frozenset({"news-article", "report", "statement"})
