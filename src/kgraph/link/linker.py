"""``kgraph link``: Wikidata and GeoNames candidates for unlinked entities, scored, written as claims.

Links above the threshold become claims by the "kgraph linker" in a card of
their own (``data/sources/links-<target>.yaml``), with the score as the
claim's confidence and the method, endpoint and candidate in its record, so
they are validated, rebuilt and exported like every other claim. Candidates
below it go to ``data/review/<target>.yaml``; ``kgraph link --accept`` turns
one into a curator's claim.

GeoNames is read from a SPARQL endpoint holding GeoNames' own RDF (the
public ``all-geonames-rdf`` dump loaded into, say, an Oxigraph server):
``gn:name`` / ``gn:alternateName``, ``gn:featureCode``, ``wgs84_pos:lat`` /
``long``. GeoNames has no public SPARQL endpoint, so its endpoint has no
default.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from ruamel.yaml import YAML

from ..errors import CardError, Location
from ..stores import Store
from ..yamlfile import load_yaml
from .endpoint import SparqlEndpoint
from .score import Score, score_organisation, score_place

LINKER = "kgraph-linker"
CURATORS = "kgraph-curators"
BATCH = 40
REVIEW_FLOOR = 0.3
WD = "http://www.wikidata.org/entity/"
GN = "https://sws.geonames.org/"


@dataclass(frozen=True)
class Target:
    """What differs between linking to Wikidata and to GeoNames."""

    name: str  # also the card's statement key: wikidata: Q… / geonames: N
    namespace: str
    query_body: str  # a pattern binding ?item ?type ?coord for ?label
    places_only: bool
    id_pattern: str

    @property
    def links_card(self) -> Path:
        return Path("sources") / f"links-{self.name}.yaml"

    @property
    def review_file(self) -> Path:
        return Path("review") / f"{self.name}.yaml"

    @property
    def graph(self) -> str:
        return f"https://w3id.org/kgraph/id/graph/links-{self.name}"

    def card_value(self, item: str) -> str | int:
        local = item.removeprefix(self.namespace).strip("/")
        return int(local) if self.name == "geonames" else local

    def type_code(self, value: str) -> str:
        return value.rsplit("#", 1)[-1].removeprefix(WD)


WIKIDATA = Target(
    "wikidata",
    WD,
    """{ ?item rdfs:label ?label } UNION { ?item skos:altLabel ?label }
  OPTIONAL { ?item wdt:P31 ?type }
  OPTIONAL { ?item wdt:P625 ?coord }""",
    places_only=False,
    id_pattern=r"Q[1-9][0-9]*",
)
GEONAMES = Target(
    "geonames",
    GN,
    """{ ?item gn:name ?label } UNION { ?item gn:alternateName ?label } UNION { ?item gn:officialName ?label }
  OPTIONAL { ?item gn:featureCode ?type }
  OPTIONAL { ?item wgs84:lat ?lat ; wgs84:long ?long .
             BIND (CONCAT("Point(", STR(?long), " ", STR(?lat), ")") AS ?coord) }""",
    places_only=True,
    id_pattern=r"[1-9][0-9]*",
)
TARGETS = {target.name: target for target in (WIKIDATA, GEONAMES)}

_UNLINKED_TEMPLATE = """
PREFIX kg: <https://w3id.org/kgraph/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX geo: <http://www.opengis.net/ont/geosparql#>
SELECT ?entity ?class ?text ?wkt WHERE {
    ?entity a ?class .
    # Events are looked up too; like organisations they are only ever proposed for review.
    FILTER (?class IN (kg:Country, kg:Region, kg:AdministrativeDistrict, kg:Settlement, kg:Site, kg:Road,
                       kg:Organisation, kg:GovernmentBody, kg:Commission, kg:ArmedForce, kg:Publisher)
            || EXISTS { ?class rdfs:subClassOf+ kg:Event })
    FILTER (STRSTARTS(STR(?entity), "https://w3id.org/kgraph/id/"))
    FILTER (!STRSTARTS(STR(?entity), "https://w3id.org/kgraph/id/org/kgraph-"))  # our own agents
    # Links from the linker's own card do not count: each run re-decides them, so the card stays whole.
    FILTER NOT EXISTS {
        GRAPH ?source { ?entity skos:exactMatch ?item }
        FILTER (STRSTARTS(STR(?item), "__NAMESPACE__"))
        FILTER (?source != <__GRAPH__>)
    }
    { ?entity rdfs:label ?text } UNION { ?entity kg:hasName/kg:text ?text }
    OPTIONAL { ?entity kg:hasGeometry/geo:asWKT ?wkt }
}
"""


@dataclass
class Entity:
    iri: str
    kind: str  # the ontology class name, e.g. Settlement
    names: set[tuple[str, str]] = field(default_factory=set)
    point: tuple[float, float] | None = None  # (lat, lon)

    @property
    def slug(self) -> str:
        return self.iri.rsplit("/", 1)[-1]

    @property
    def is_place(self) -> bool:
        return self.kind in {"Country", "Region", "AdministrativeDistrict", "Settlement", "Site", "Road"}


@dataclass
class Decision:
    entity: Entity
    item: str | int  # a Wikidata Q-number or a GeoNames ID
    score: Score


@dataclass
class LinkReport:
    linked: list[Decision] = field(default_factory=list)
    review: list[Decision] = field(default_factory=list)
    unmatched: list[Entity] = field(default_factory=list)
    requests_sent: int = 0


def unlinked_entities(store: Store, target: Target = WIKIDATA) -> list[Entity]:
    # The namespace and graph come from the two Target constants above, never from input.
    query = _UNLINKED_TEMPLATE.replace("__NAMESPACE__", target.namespace).replace("__GRAPH__", target.graph)
    entities: dict[str, Entity] = {}
    for row in store.query(query):
        iri = row["entity"].value
        kind = row["class"].value.rsplit("#", 1)[-1]
        entity = entities.setdefault(iri, Entity(iri, kind))
        text = row["text"]
        entity.names.add((text.value, text.language or ""))
        if row["wkt"] is not None and entity.point is None:
            entity.point = parse_point(row["wkt"].value)
    found = sorted(entities.values(), key=lambda e: e.iri)
    return [e for e in found if e.is_place] if target.places_only else found


def parse_point(wkt: str) -> tuple[float, float] | None:
    """``POINT(lon lat)`` (GeoSPARQL and Wikidata's P625 alike) as (lat, lon)."""
    match = re.search(r"point\s*\(\s*([-0-9.eE]+)\s+([-0-9.eE]+)\s*\)", wkt, re.IGNORECASE)
    return (float(match.group(2)), float(match.group(1))) if match else None


def candidate_query(names: Iterable[tuple[str, str]], target: Target = WIKIDATA) -> str:
    """Labels go in as RDF literals serialized by Oxigraph, so they are escaped, never spliced raw."""
    values = " ".join(
        str(ox.Literal(text, language=lang) if lang else ox.Literal(text)) for text, lang in sorted(names)
    )
    return f"""PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX wdt: <http://www.wikidata.org/prop/direct/>
PREFIX gn: <http://www.geonames.org/ontology#>
PREFIX wgs84: <http://www.w3.org/2003/01/geo/wgs84_pos#>
SELECT ?label ?item ?type ?coord WHERE {{
  VALUES ?label {{ {values} }}
  {target.query_body}
}}"""


def find_links(
    store: Store, endpoint: SparqlEndpoint, *, threshold: float = 0.8, target: Target = WIKIDATA
) -> LinkReport:
    """Score every candidate for every unlinked entity; link a clear winner above ``threshold``."""
    entities = unlinked_entities(store, target)
    evidence = _gather_evidence(entities, endpoint, target)
    report = _decide(entities, evidence, threshold, target)
    report.requests_sent = endpoint.requests_sent
    return report


def _gather_evidence(
    entities: list[Entity], endpoint: SparqlEndpoint, target: Target
) -> dict[tuple[str, str], dict[str, Any]]:
    """(entity IRI, item IRI) → the names that matched, the item's types and point, from batched queries."""
    by_name: dict[tuple[str, str], list[Entity]] = defaultdict(list)
    for entity in entities:
        for name in entity.names:
            by_name[name].append(entity)
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for name, rows in _rows_by_name(sorted(by_name), endpoint, target).items():
        for row in rows:
            item = row["item"]["value"]
            if not item.startswith(target.namespace):
                continue
            for entity in by_name.get(name, []):
                evidence = found.setdefault((entity.iri, item), {"names": set(), "types": set(), "point": None})
                evidence["names"].add(name)
                if "type" in row:
                    evidence["types"].add(target.type_code(row["type"]["value"]))
                if "coord" in row and evidence["point"] is None:
                    evidence["point"] = parse_point(row["coord"]["value"])
    return found


def _rows_by_name(
    names: list[tuple[str, str]], endpoint: SparqlEndpoint, target: Target
) -> dict[tuple[str, str], list[Any]]:
    """Answers per name, cached per name: a later run with other entities still asks nothing twice."""
    answers: dict[tuple[str, str], list[Any]] = {}
    missing = []
    for name in names:
        cached = endpoint.cached(_name_key(name, target))
        if cached is None:
            missing.append(name)
        else:
            answers[name] = cached
    for start in range(0, len(missing), BATCH):
        batch = missing[start : start + BATCH]
        fresh: dict[tuple[str, str], list[Any]] = {name: [] for name in batch}
        for row in endpoint.ask(candidate_query(batch, target)):
            name = (row["label"]["value"], row["label"].get("xml:lang", ""))
            fresh.setdefault(name, []).append(row)
        for name, rows in fresh.items():
            endpoint.remember(_name_key(name, target), rows)
        answers.update(fresh)
    return answers


def _name_key(name: tuple[str, str], target: Target) -> str:
    return f"candidates-v1\n{target.name}\n{name[1]}\n{name[0]}"


def _decide(
    entities: list[Entity], found: dict[tuple[str, str], dict[str, Any]], threshold: float, target: Target
) -> LinkReport:
    by_iri = {e.iri: e for e in entities}
    scored: dict[str, list[Decision]] = defaultdict(list)
    for (iri, item), evidence in found.items():
        entity = by_iri[iri]
        if entity.is_place:
            score = score_place(
                entity.kind, entity.names, evidence["names"], evidence["types"], entity.point, evidence["point"]
            )
        else:
            score = score_organisation(entity.names, evidence["names"])
        scored[iri].append(Decision(entity, target.card_value(item), score))
    report = LinkReport()
    for entity in entities:
        decisions = sorted(scored.get(entity.iri, []), key=lambda d: (-d.score.total, d.item))
        if not decisions:
            report.unmatched.append(entity)
            continue
        # Two candidates above the threshold is ambiguity, not a link.
        if decisions[0].score.total >= threshold and (len(decisions) == 1 or decisions[1].score.total < threshold):
            report.linked.append(decisions.pop(0))
        report.review.extend(d for d in decisions if d.score.total >= REVIEW_FLOOR)
    return report


def write_links(
    data_dir: Path, report: LinkReport, endpoint_url: str, today: dt.date, target: Target = WIKIDATA
) -> Path:
    """The linker's card (curators' accepted links are kept) and the review list."""
    card_path = data_dir / target.links_card
    accepted = _accepted_claims(card_path)
    claims = [
        {
            "id": f"{d.entity.slug}-{target.name}",
            "about": d.entity.slug,
            target.name: d.item,
            "by": LINKER,
            "record": f"{endpoint_url} {target.namespace}{d.item}",
            "confidence": d.score.total,
            "claimed": today.isoformat(),
            "note": f"kgraph link, method label+type+distance ({d.score.explain()})",
        }
        for d in report.linked
    ]
    card = {
        "card": f"links-{target.name}",
        "curator": CURATORS,
        "curated": today.isoformat(),
        "source": {
            "id": f"{target.name}-link-candidates",
            "kind": "dataset",
            "title": f"Candidates from the SPARQL endpoint {endpoint_url}",
            "url": endpoint_url,
        },
        "claims": claims + accepted,
    }
    _dump(card_path, card)
    review = [
        {
            "entity": d.entity.slug,
            "candidate": d.item,
            "score": d.score.total,
            "why": d.score.explain(),
            "accept": f"kgraph link --target {target.name} --accept {d.entity.slug} {d.item}",
        }
        for d in report.review
    ]
    _dump(data_dir / target.review_file, {"endpoint": endpoint_url, "checked": today.isoformat(), "candidates": review})
    return card_path


def accept(data_dir: Path, entity: str, item: str, today: dt.date, target: Target = WIKIDATA) -> Path:
    """Record a curator's decision on a reviewed candidate as a claim of its own."""
    if not re.fullmatch(target.id_pattern, item):
        raise CardError(
            f"expected a {target.name} ID (like {'Q227' if target is WIKIDATA else '147105'}), got {item!r}"
        )
    value = target.card_value(target.namespace + item)
    review_path = data_dir / target.review_file
    candidates = (load_yaml(review_path).get("candidates") or []) if review_path.is_file() else []
    match = next((c for c in candidates if c.get("entity") == entity and c.get("candidate") == value), None)
    if match is None:
        raise CardError(f"{entity} → {item} is not on the review list; run kgraph link first", Location(review_path))
    card_path = data_dir / target.links_card
    card = dict(load_yaml(card_path)) if card_path.is_file() else None
    if card is None:
        raise CardError("no links card yet; run kgraph link first", Location(card_path))
    claims = [dict(c) for c in card.get("claims") or [] if c.get("id") != f"{entity}-{target.name}-accepted"]
    claims.append(
        {
            "id": f"{entity}-{target.name}-accepted",
            "about": entity,
            target.name: value,
            "by": CURATORS,
            "evidence": f"accepted by a curator on {today.isoformat()} from the review list ({match.get('why')})",
        }
    )
    card["claims"] = claims
    _dump(card_path, _plain(card))
    return card_path


def _accepted_claims(card_path: Path) -> list[dict[str, Any]]:
    if not card_path.is_file():
        return []
    return [_plain(c) for c in load_yaml(card_path).get("claims") or [] if c.get("by") == CURATORS]


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _dump(path: Path, document: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    yaml.allow_unicode = True
    temporary = path.with_suffix(".tmp")
    with temporary.open("w", encoding="utf-8") as handle:
        handle.write("# Written by `kgraph link`; curators' accepted links are kept on every run.\n")
        yaml.dump(document, handle)
    temporary.replace(path)
