"""Streamed exports say what the store says: on generated data, and on hand-written corners JSON-LD finds hard.

The compacted JSON-LD and the event frame are written node by node without a
JSON-LD processor, so each test reads them back with three independent
readers (Oxigraph's, rdflib's, pyld's) and compares graph by graph with the
store, up to blank-node names.
"""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from pyld import jsonld
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic

from conftest import store_of_trig
from kgraph import KnowledgeGraph
from kgraph.export import export, write_export

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
from bench_build import write_synthetic_data

XSD_DOUBLE = ox.NamedNode("http://www.w3.org/2001/XMLSchema#double")
ONTOLOGY = ox.NamedNode("https://w3id.org/kgraph/id/graph/ontology")

# Every literal shape, language tags, shared blank nodes, a triple held by two graphs, and IRIs a JSON-LD
# reader could take for compact IRIs (geo:..., kg:...) or for terms (kg:value is the term "value").
CORNERS = """
@prefix kg: <https://w3id.org/kgraph/ontology#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix ex: <https://example.org/> .
GRAPH <https://w3id.org/kgraph/id/graph/corners-a> {
  ex:n a kg:Figure, <kgr:Thing>, "a literal type" ;
    kg:value 613, "007"^^xsd:integer, 100000000000000000000000, -4 ;
    kg:confidence "0.5"^^xsd:decimal, "5.0E-1"^^xsd:double ;
    kg:offsetsVerified true, "1"^^xsd:boolean ;
    kg:earliest "1992-02-26"^^xsd:date, "1992"^^xsd:gYear ;
    kg:measure kg:Killed, <geo:40.1,49.8> ;
    rdfs:label "Xocalı"@az-Latn, "Khojaly"@en, "plain", "typed"^^xsd:string, "custom"^^ex:dt, "odd"^^<kg:dt> ;
    kg:near <geo:40.1,49.8>, <https://w3id.org/kgraph/id//double-slash>, <https://w3id.org/kgraph/ontology#claims> ;
    <kg:weird> "a key that looks compact" ;
    kg:hasFigure _:shared ;
    <https://w3id.org/kgraph/ontology#value> 1 .
  _:shared kg:value 3 ; kg:counts [ rdfs:label "nested"@en ] .
  <geo:40.1,49.8> rdfs:label "a place named by a geo: URI" ; kg:near ex:n .
  ex:both rdfs:label "said by two graphs" .
}
GRAPH <https://w3id.org/kgraph/id/graph/corners-b> {
  ex:both rdfs:label "said by two graphs" .
  _:shared kg:best 4 .
  ex:m kg:place <kg:thing> .
}
"""


def _normal(quad: ox.Quad) -> ox.Quad:
    """pyld rewrites every xsd:double as 5.0E-1; spell doubles one way on both sides."""
    value = quad.object
    if isinstance(value, ox.Literal) and value.datatype == XSD_DOUBLE:
        return ox.Quad(quad.subject, quad.predicate, ox.Literal(float(value.value)), quad.graph_name)
    return quad


def _by_graph(quads) -> dict[str, Graph]:
    groups: dict[str, list[ox.Triple]] = {}
    for quad in map(_normal, quads):
        name = "" if isinstance(quad.graph_name, ox.DefaultGraph) else quad.graph_name.value
        groups.setdefault(name, []).append(quad.triple)
    return {
        name: Graph().parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), format="nt")
        for name, triples in groups.items()
    }


def assert_same(expected_quads, got_quads, reader: str) -> None:
    expected, got = _by_graph(expected_quads), _by_graph(got_quads)
    assert expected.keys() == got.keys(), reader
    for name in expected:
        assert isomorphic(expected[name], got[name]), f"{reader}: graph {name} differs"


def read_jsonld(data: bytes) -> dict[str, list[ox.Quad]]:
    """The document as quads, by three JSON-LD readers."""
    by_rdflib = Dataset()
    by_rdflib.parse(data=data, format="json-ld")
    by_pyld = jsonld.to_rdf(json.loads(data), {"format": "application/n-quads"})
    return {
        "oxigraph": list(ox.parse(data, format=ox.RdfFormat.JSON_LD)),
        "rdflib": list(ox.parse(by_rdflib.serialize(format="nquads", encoding="utf-8"), format=ox.RdfFormat.N_QUADS)),
        "pyld": list(ox.parse(by_pyld.encode("utf-8"), format=ox.RdfFormat.N_QUADS)),
    }


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeGraph:
    root = tmp_path_factory.mktemp("generated")
    write_synthetic_data(root / "data", 200)
    kg = KnowledgeGraph.open(root / "store")
    kg.build(root / "data")
    return kg


@pytest.fixture
def corners() -> KnowledgeGraph:
    return store_of_trig(CORNERS)


def test_compacted_jsonld_of_generated_data_reads_back_as_the_store(generated):
    data = export(generated.store, "jsonld")
    stored = list(generated.store.oxigraph)
    for reader, quads in read_jsonld(data).items():
        assert_same(stored, quads, reader)
    document = json.loads(data)
    graphs = [entry["id"] for entry in document["@graph"]]
    assert graphs == sorted(graphs) and "kgr:graph/synthetic-0" in graphs
    card = next(entry for entry in document["@graph"] if entry["id"] == "kgr:graph/synthetic-0")
    figure = next(node for node in card["@graph"] if node.get("measure") == "Killed" and "value" in node)
    assert isinstance(figure["value"], int) and figure["type"] == "Figure"


def test_jsonld_corners_read_back_by_every_reader(corners):
    data = export(corners.store, "jsonld")
    stored = list(corners.store.oxigraph)
    for reader, quads in read_jsonld(data).items():
        assert_same(stored, quads, reader)
    card = next(entry for entry in json.loads(data)["@graph"] if entry["id"] == "kgr:graph/corners-a")
    node = next(n for n in card["@graph"] if n["id"] == "https://example.org/n")
    too_big = {"@value": "100000000000000000000000", "@type": "xsd:integer"}  # a JSON number would read as double
    assert 613 in node["value"] and too_big in node["value"]
    assert {"@value": "Xocalı", "@language": "az-latn"} in node["label"] and "plain" in node["label"]  # lowercased
    assert node["@context"] == {"geo": None, "kg": None, "kgr": None}  # geo:40.1,49.8, kg:weird, kgr:Thing
    place = next(n for n in card["@graph"] if n["id"] == "geo:40.1,49.8")
    assert place["@context"] == {"geo": None}


def test_the_event_frame_of_the_corners_reads_back_as_the_data_graphs(corners):
    data = export(corners.store, "jsonld", frame="event")
    union = {quad.triple for quad in corners.store.oxigraph if quad.graph_name != ONTOLOGY}
    expected = [ox.Quad(t.subject, t.predicate, t.object) for t in union]
    for reader, quads in read_jsonld(data).items():
        merged = {ox.Quad(q.subject, q.predicate, q.object) for q in quads}
        assert_same(expected, merged, reader)


@pytest.mark.parametrize("fmt", ["turtle", "ntriples"])
def test_triple_formats_hold_each_triple_of_the_union_once(corners, fmt):
    data = export(corners.store, fmt)
    ox_format = ox.RdfFormat.TURTLE if fmt == "turtle" else ox.RdfFormat.N_TRIPLES
    triples = list(ox.parse(data, format=ox_format))
    union = {quad.triple for quad in corners.store.oxigraph}
    assert len(triples) == len(union)  # ex:both's label, held by two graphs, is written once
    expected = [ox.Quad(t.subject, t.predicate, t.object) for t in union]
    assert_same(expected, [ox.Quad(t.subject, t.predicate, t.object) for t in triples], fmt)
    if fmt == "ntriples":
        assert data.count(b'"said by two graphs"') == 1


@pytest.mark.parametrize("fmt", ["nquads", "trig", "turtle", "ntriples", "jsonld", "frame"])
def test_streamed_export_equals_the_bytes_export_and_repeats_exactly(generated, tmp_path: Path, fmt):
    kind, frame = ("jsonld", "event") if fmt == "frame" else (fmt, None)
    out = tmp_path / "export.out"
    with out.open("wb") as handle:
        write_export(generated.store, kind, handle, frame=frame)
    assert out.read_bytes() == export(generated.store, kind, frame=frame)
    again = io.BytesIO()
    write_export(generated.store, kind, again, frame=frame)
    assert again.getvalue() == out.read_bytes()


@pytest.mark.parametrize("fmt", ["nquads", "trig"])
def test_dataset_formats_of_generated_data_keep_every_graph(generated, fmt):
    data = export(generated.store, fmt)
    ox_format = ox.RdfFormat.N_QUADS if fmt == "nquads" else ox.RdfFormat.TRIG
    assert set(ox.parse(data, format=ox_format)) == set(generated.store.oxigraph)
