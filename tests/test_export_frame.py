"""The event frame carries every claim of the store, with its object, claimant, carrier, stance, rank and quote.

Each test reads the frame back as RDF (with Oxigraph's, rdflib's and pyld's
JSON-LD readers) and compares it with the store claim by claim, so a claim
whose object is dropped, renamed or moved shows up by name.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

import pyoxigraph as ox
import pytest
from pyld import jsonld
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic

from conftest import store_of_trig
from kgraph import KnowledgeGraph

KG = "https://w3id.org/kgraph/ontology#"
OA = "http://www.w3.org/ns/oa#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
ONTOLOGY = ox.NamedNode("https://w3id.org/kgraph/id/graph/ontology")
# A claim's own nodes, whose descriptions belong to the claim: its object, quote, selectors, times.
OWN_LINKS = {ox.NamedNode(KG + name) for name in ("object", "quote", "claimedAt", "expression", "hasGeometry")} | {
    ox.NamedNode(OA + "hasSelector")
}
# The keys of the context under which a claim's provenance must be found in the JSON, not just in its triples.
KEYS = {
    KG + "object": "object",
    "http://www.w3.org/ns/prov#wasAttributedTo": "attributedTo",
    KG + "carriedBy": "carriedBy",
    KG + "stance": "stance",
    KG + "rank": "rank",
    KG + "quote": "quote",
}
CLAIMS = """
PREFIX kg: <https://w3id.org/kgraph/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT DISTINCT ?claim WHERE {
  GRAPH <https://w3id.org/kgraph/id/graph/ontology> { ?class rdfs:subClassOf* kg:Claim }
  GRAPH ?g { ?claim a ?class }
}
"""


def _claims(store: ox.Store) -> set[ox.NamedNode | ox.BlankNode]:
    return {row["claim"] for row in store.query(CLAIMS)}


def _description(triples: dict, node) -> frozenset:
    return frozenset(triples.get(node, ()))


def _facts(triples: dict, claim, depth: int = 3) -> frozenset:
    """What a claim says (every property), and what its own nodes say, as (path, predicate, value).

    Blank nodes are compared by what they say (readers rename them), so they count as one "_:" value.
    """
    facts, todo = set(), [((), claim)]
    while todo:
        path, node = todo.pop()
        for predicate, value in _description(triples, node):
            facts.add((path, predicate, "_:" if isinstance(value, ox.BlankNode) else value))
            if predicate in OWN_LINKS and not isinstance(value, ox.Literal) and len(path) < depth:
                todo.append(((*path, predicate), value))
    return frozenset(facts)


def _index(triples: Iterable[ox.Triple]) -> dict:
    index: dict = {}
    for triple in triples:
        index.setdefault(triple.subject, set()).add((triple.predicate, triple.object))
    return index


def _data_triples(store: ox.Store) -> set[ox.Triple]:
    """The union of the store's data graphs: what the frame must hold, triple for triple."""
    return {quad.triple for quad in store if quad.graph_name != ONTOLOGY}


def _read_back(data: bytes) -> dict[str, set[ox.Triple]]:
    """The frame as triples, by three independent JSON-LD readers."""
    by_rdflib = Dataset()
    by_rdflib.parse(data=data, format="json-ld")
    by_pyld = jsonld.to_rdf(json.loads(data), {"format": "application/n-quads"})
    return {
        "oxigraph": {quad.triple for quad in ox.parse(data, format=ox.RdfFormat.JSON_LD)},
        "rdflib": {
            q.triple
            for q in ox.parse(by_rdflib.serialize(format="nquads", encoding="utf-8"), format=ox.RdfFormat.N_QUADS)
        },
        "pyld": {_store_double(quad.triple) for quad in ox.parse(by_pyld.encode("utf-8"), format=ox.RdfFormat.N_QUADS)},
    }


def _store_double(triple: ox.Triple) -> ox.Triple:
    """pyld rewrites every xsd:double as 5.0E-1 (the spec does so only for JSON numbers); spell it as the store does."""
    value = triple.object
    if isinstance(value, ox.Literal) and value.datatype == ox.NamedNode("http://www.w3.org/2001/XMLSchema#double"):
        return ox.Triple(triple.subject, triple.predicate, ox.Literal(float(value.value)))
    return triple


def _nested_claims(document: dict) -> dict[str, tuple[str, dict]]:
    """Claim ID → (ID of the top-level node it is nested under, the claim's JSON)."""
    nested = {}
    for node in document["@graph"]:
        for claim in node.get("claims", []):
            assert claim["id"] not in nested, f"{claim['id']} is nested twice"
            nested[claim["id"]] = (node["id"], claim)
    return nested


def _compact(term: ox.NamedNode | ox.BlankNode, context: dict) -> str:
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    prefix = context["kgr"]
    return "kgr:" + term.value[len(prefix) :] if term.value.startswith(prefix) else term.value


def assert_frame_carries_every_claim(store: ox.Store, data: bytes) -> int:
    """The frame's claims are the store's, each with the same facts, nested under its subject; returns the count."""
    stored_claims = _claims(store)
    stored = _index(_data_triples(store))
    readings = _read_back(data)
    for reader, triples in readings.items():
        framed = _index(triples)
        classes = {row["class"] for row in store.query(CLAIMS.replace("?claim WHERE", "?class WHERE"))}
        framed_claims = {s for s, props in framed.items() if any((RDF_TYPE, c) in props for c in classes)}
        assert len(framed_claims) == len(stored_claims), reader
        for claim in stored_claims:
            expected = _facts(stored, claim)
            assert any(p == ox.NamedNode(KG + "object") for _path, p, _v in expected), f"{claim} has no object"
            got = _facts(framed, claim)
            assert got == expected, (
                f"{reader}: claim {claim.value} differs: missing {sorted(map(str, expected - got))[:5]}, "
                f"extra {sorted(map(str, got - expected))[:5]}"
            )
    document = json.loads(data)
    context = document["@context"]
    nested = _nested_claims(document)
    for claim in stored_claims:
        subjects = {_compact(s, context) for p, s in stored[claim] if p == ox.NamedNode(KG + "subject")}
        if all(isinstance(s, ox.Literal) for p, s in stored[claim] if p == ox.NamedNode(KG + "subject")):
            continue  # nothing to nest under: a top-level node of its own (checked as triples above)
        home, framed_claim = nested[_compact(claim, context)]
        assert home in subjects
        said = {KEYS[p.value] for p, _value in stored[claim] if p.value in KEYS}
        assert {"object", "attributedTo", "carriedBy"} <= said <= framed_claim.keys(), framed_claim["id"]
    return len(stored_claims)


def test_the_event_frame_carries_every_claim_of_the_founding_data(founding):
    kg, _result = founding
    data = kg.export("jsonld", frame="event")
    count = assert_frame_carries_every_claim(kg.store.oxigraph, data)
    assert count == len(_claims(kg.store.oxigraph)) > 0


def test_the_event_frame_expands_to_the_data_graphs_triple_for_triple(founding):
    kg, _result = founding
    data = kg.export("jsonld", frame="event")
    expected = _data_triples(kg.store.oxigraph)
    for reader, triples in _read_back(data).items():
        assert triples == expected, f"{reader}: missing {len(expected - triples)}, extra {len(triples - expected)}"


def test_the_event_frame_keeps_objects_under_object_and_events_first(founding):
    kg, _result = founding
    document = json.loads(kg.export("jsonld", frame="event"))
    assert "kg:object" not in json.dumps(document["@graph"])
    events = {
        f"kgr:event/{row['e'].value.rsplit('/', 1)[-1]}"
        for row in kg.store.oxigraph.query(
            "PREFIX kg: <https://w3id.org/kgraph/ontology#> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
            "SELECT DISTINCT ?e WHERE { GRAPH ?o { ?t rdfs:subClassOf* kg:Event } GRAPH ?g { ?e a ?t } }"
        )
    }
    first = [node["id"] for node in document["@graph"][: len(events)]]
    assert set(first) == events
    khojaly = next(node for node in document["@graph"] if node["id"] == "kgr:event/khojaly-killings-1992")
    by_predicate = {claim["predicate"]: claim["object"] for claim in khojaly["claims"]}
    assert by_predicate["place"] == "kgr:place/khojaly"
    assert by_predicate["when"]["edtf"] == "1992-02"
    assert by_predicate["characterisedAs"]["@language"] == "en"


# Hand-written data for the corners the founding data does not reach: a claim subclass, literal objects of
# several datatypes, a blank-node object, a claim about a literal, a cycle among a claim's own nodes, and a
# claim carried under a subject that is not an event.
CORNERS = """
@prefix kg: <https://w3id.org/kgraph/ontology#> .
@prefix kgr: <https://w3id.org/kgraph/id/> .
@prefix ex: <https://example.org/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix oa: <http://www.w3.org/ns/oa#> .
GRAPH <https://w3id.org/kgraph/id/graph/ontology> {
  ex:Correction rdfs:subClassOf kg:Claim .
  ex:Skirmish rdfs:subClassOf kg:ArmedClash . kg:ArmedClash rdfs:subClassOf kg:Event .
}
GRAPH ex:g {
  ex:e1 a ex:Skirmish ; rdfs:label "Skirmish"@en ; kg:earliest "not a date" .
  ex:c1 a kg:Claim ; kg:subject ex:e1 ; kg:predicate kg:value ; kg:object "007"^^xsd:integer ;
      prov:wasAttributedTo ex:a ; kg:carriedBy ex:s ; kg:stance kg:Asserted ; kg:rank kg:NormalRank .
  ex:c2 a ex:Correction ; kg:subject ex:e1 ; kg:predicate kg:when ; kg:object [ a kg:TimeSpan ; kg:edtf "1992" ] ;
      prov:wasAttributedTo ex:a ; kg:carriedBy ex:s ; kg:quote ex:q2 ; kg:confidence "5.0E-1"^^xsd:double .
  ex:q2 a kg:Quote ; oa:hasSelector ex:q2s ; kg:offsetsVerified "1"^^xsd:boolean .
  ex:q2s a oa:TextPositionSelector ; oa:start 5 ; oa:end "12"^^xsd:long ; kg:expression ex:q2 .
  ex:c3 a kg:Claim ; kg:subject ex:place ; kg:predicate kg:label ; kg:object "1992-02-30"^^xsd:date , true , 1.5 ,
      "plain" , 100000000000000000000000 ; prov:wasAttributedTo ex:a ; kg:carriedBy ex:s .
  ex:c4 a kg:Claim ; kg:subject "a literal subject" ; kg:predicate kg:label ; kg:object ex:orphan ;
      prov:wasAttributedTo ex:a ; kg:carriedBy ex:s .
  ex:orphan kg:text "only this claim describes me" ; a "literal type" .
  ex:place rdfs:label "Somewhere" .
  ex:a rdfs:label "An agent" .
}
"""


def _rdflib_term(term):
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        return Literal(term.value, lang=term.language, datatype=None if term.language else URIRef(term.datatype.value))
    return URIRef(term.value)


def _rdflib_triple(triple: ox.Triple) -> tuple:
    return tuple(_rdflib_term(t) for t in (triple.subject, triple.predicate, triple.object))


@pytest.fixture
def corners() -> KnowledgeGraph:
    return store_of_trig(CORNERS)


def test_the_event_frame_carries_claims_of_every_shape(corners):
    data = corners.export("jsonld", frame="event")
    store = corners.store.oxigraph
    assert assert_frame_carries_every_claim(store, data) == 4  # the subclass Correction counts
    expected = Graph()
    for triple in _data_triples(store):
        expected.add(_rdflib_triple(triple))
    for reader, triples in _read_back(data).items():
        read = Graph()
        for triple in triples:
            read.add(_rdflib_triple(triple))
        assert isomorphic(read, expected), reader  # equal up to blank-node names
    document = json.loads(data)
    assert document["@graph"][0]["id"] == "https://example.org/e1"  # typed by a subclass of a subclass of Event
    place = next(node for node in document["@graph"] if node["id"] == "https://example.org/place")
    assert len(place["claims"][0]["object"]) == 5  # literals of five datatypes, all under "object"


def test_one_source_card_frames_its_events_with_the_stores_ontology(founding):
    kg, _result = founding
    document = json.loads(kg.export("jsonld", source="founding-article", frame="event"))
    assert document["@graph"][0]["id"].startswith("kgr:event/")
    graph = ox.NamedNode("https://w3id.org/kgraph/id/graph/founding-article")
    claims = {
        quad.subject for quad in kg.store.oxigraph.quads_for_pattern(None, RDF_TYPE, ox.NamedNode(KG + "Claim"), graph)
    }
    assert len(_nested_claims(document)) == len(claims) > 0
