"""``kgraph link --target events``: imported dataset events (UCDP GED) that match curated events.

A match is linked (``kg:sameEventAs``, a claim by the kgraph linker), never
merged: each record keeps its own figures, so the disputes query shows
UCDP's count beside the others. Only precise records are linked
automatically: both time spans a week or shorter and overlapping, the points
within the distance the import's precision allows. A coarse match (a month,
"early 1990s") is a lead, not a link, and goes to the review list: the
village burned on 11 February 1992 is not the killings in Khojaly at the end
of that month, though both fall in "February 1992, Khojaly district".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from ..stores import Store
from .linker import CURATORS, LINKER, _dump, _plain, parse_point
from .score import haversine_km

LINKS_CARD = Path("sources") / "links-events.yaml"
REVIEW_FILE = Path("review") / "events.yaml"
PRECISE_DAYS = 7
# How far apart two points may be, by the imported point's precision (km).
TOLERANCE_KM = {"ExactPoint": 5.0, "NearPoint": 25.0, "DistrictLevel": 50.0, "RegionLevel": 100.0}

_EVENTS = """
PREFIX kg: <https://w3id.org/kgraph/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX geo: <http://www.opengis.net/ont/geosparql#>
SELECT ?event ?graph ?type ?earliest ?latest ?wkt ?precision WHERE {
    GRAPH ?graph { ?event a ?type }
    ?type rdfs:subClassOf* kg:Event .
    FILTER (?type NOT IN (kg:War, kg:ArmedConflict))
    ?event kg:when ?span . ?span kg:earliest ?earliest ; kg:latest ?latest .
    ?event kg:place ?place .
    { ?place kg:hasGeometry ?geometry } UNION { ?place kg:near/kg:hasGeometry ?geometry }
    ?geometry geo:asWKT ?wkt .
    OPTIONAL { ?geometry kg:spatialPrecision ?precision }
}
"""


@dataclass
class Record:
    iri: str
    imported: bool
    earliest: dt.date
    latest: dt.date
    point: tuple[float, float]
    precision: str

    @property
    def days(self) -> int:
        return (self.latest - self.earliest).days + 1


@dataclass
class EventMatch:
    curated: Record
    imported: Record
    km: float
    automatic: bool


@dataclass
class EventLinkReport:
    linked: list[EventMatch] = field(default_factory=list)
    review: list[EventMatch] = field(default_factory=list)


def _records(store: Store) -> list[Record]:
    records: dict[str, Record] = {}
    for row in store.query(_EVENTS):
        point = parse_point(row["wkt"].value)
        if point is None:
            continue
        precision = row["precision"].value.rsplit("#", 1)[-1] if row["precision"] is not None else "ExactPoint"
        records.setdefault(
            row["event"].value,
            Record(
                row["event"].value,
                "/graph/import/" in row["graph"].value,
                dt.date.fromisoformat(row["earliest"].value),
                dt.date.fromisoformat(row["latest"].value),
                point,
                precision,
            ),
        )
    return list(records.values())


def match_events(store: Store) -> EventLinkReport:
    records = _records(store)
    curated = [r for r in records if not r.imported]
    imported = [r for r in records if r.imported]
    report = EventLinkReport()
    for ours in curated:
        for theirs in imported:
            if theirs.latest < ours.earliest or theirs.earliest > ours.latest:
                continue
            km = haversine_km(ours.point, theirs.point)
            if km > TOLERANCE_KM.get(theirs.precision, 0.0):
                continue
            automatic = ours.days <= PRECISE_DAYS and theirs.days <= PRECISE_DAYS
            (report.linked if automatic else report.review).append(EventMatch(ours, theirs, km, automatic))
    return report


def write_event_links(data_dir: Path, report: EventLinkReport, today: dt.date) -> Path:
    card_path = data_dir / LINKS_CARD
    kept = []
    if card_path.is_file():
        from ..yamlfile import load_yaml

        kept = [_plain(c) for c in load_yaml(card_path).get("claims") or [] if c.get("by") == CURATORS]
    claims = [
        {
            "id": f"{_slug(m.curated.iri)}-same-as-{_slug(m.imported.iri)}",
            "about": _slug(m.curated.iri),
            "same_event_as": f"kgr:event/{_slug(m.imported.iri)}",
            "by": LINKER,
            "record": _why(m),
            "claimed": today.isoformat(),
        }
        for m in report.linked
    ]
    _dump(
        card_path,
        {
            "card": "links-events",
            "curator": CURATORS,
            "curated": today.isoformat(),
            "source": {"id": "event-link-candidates", "kind": "dataset", "title": "Event matches found by kgraph link"},
            "claims": claims + kept,
        },
    )
    review = [
        {
            "entity": _slug(m.curated.iri),
            "candidate": f"kgr:event/{_slug(m.imported.iri)}",
            "why": _why(m),
            "accept": f"kgraph link --target events --accept {_slug(m.curated.iri)} kgr:event/{_slug(m.imported.iri)}",
        }
        for m in report.review
    ]
    _dump(data_dir / REVIEW_FILE, {"checked": today.isoformat(), "candidates": review})
    return card_path


def accept_event(data_dir: Path, entity: str, other: str, today: dt.date) -> Path:
    from ..errors import CardError, Location
    from ..yamlfile import load_yaml

    review_path = data_dir / REVIEW_FILE
    candidates = (load_yaml(review_path).get("candidates") or []) if review_path.is_file() else []
    match = next((c for c in candidates if c.get("entity") == entity and c.get("candidate") == other), None)
    card_path = data_dir / LINKS_CARD
    if match is None or not card_path.is_file():
        raise CardError(
            f"{entity} → {other} is not on the review list; run kgraph link --target events first",
            Location(review_path),
        )
    card = _plain(dict(load_yaml(card_path)))
    claim_id = f"{entity}-same-as-{other.rsplit('/', 1)[-1]}-accepted"
    card["claims"] = [c for c in card.get("claims") or [] if c.get("id") != claim_id] + [
        {
            "id": claim_id,
            "about": entity,
            "same_event_as": other,
            "by": CURATORS,
            "evidence": f"accepted by a curator on {today.isoformat()} from the review list ({match.get('why')})",
        }
    ]
    _dump(card_path, card)
    return card_path


def _why(match: EventMatch) -> str:
    return (
        f"dates overlap ({match.curated.earliest}..{match.curated.latest} / "
        f"{match.imported.earliest}..{match.imported.latest}), {match.km:.1f} km apart "
        f"(import precision {match.imported.precision})"
    )


def _slug(iri: str) -> str:
    return iri.rsplit("/", 1)[-1]
