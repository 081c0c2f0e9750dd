"""Exports lose nothing (every format reads back to the store's content) and imports are validated, all or nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic

from conftest import run_kgraph
from kgraph import KnowledgeGraph

DATASET_FORMATS = {"trig": ("trig", ox.RdfFormat.TRIG), "nquads": ("nquads", ox.RdfFormat.N_QUADS)}
TRIPLE_FORMATS = {"turtle": ("turtle", ox.RdfFormat.TURTLE), "ntriples": ("nt", ox.RdfFormat.N_TRIPLES)}


def _store_quads(kg: KnowledgeGraph) -> set[ox.Quad]:
    return set(kg.store.oxigraph)


class Same:
    """Equality up to blank-node names (the ontology's OWL lists are blank nodes), graph by graph."""

    def __init__(self, statements: set) -> None:
        self.graphs = _by_graph(statements)

    def __eq__(self, other: object) -> bool:
        theirs = _by_graph(other) if isinstance(other, set) else other.graphs
        return self.graphs.keys() == theirs.keys() and all(
            isomorphic(self.graphs[name], theirs[name]) for name in self.graphs
        )

    def __repr__(self) -> str:
        return f"<{sum(len(g) for g in self.graphs.values())} statements in {len(self.graphs)} graphs>"


def _by_graph(statements: set) -> dict[str, Graph]:
    graphs: dict[str, list] = {}
    for statement in statements:
        graph_name = getattr(statement, "graph_name", None)
        name = "" if graph_name is None or isinstance(graph_name, ox.DefaultGraph) else str(graph_name)
        triple = statement.triple if isinstance(statement, ox.Quad) else statement
        graphs.setdefault(name, []).append(triple)
    return {
        name: Graph().parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), format="nt")
        for name, triples in graphs.items()
    }


def _via_rdflib(data: bytes, rdflib_format: str, dataset: bool) -> set:
    """Parse with rdflib, then hand the result to Oxigraph's parser so both sides compare as the same terms."""
    if dataset:
        parsed = Dataset()
        parsed.parse(data=data, format=rdflib_format)
        nquads = parsed.serialize(format="nquads", encoding="utf-8")
        return set(ox.parse(nquads, format=ox.RdfFormat.N_QUADS))
    graph = Graph().parse(data=data, format=rdflib_format)
    return set(ox.parse(graph.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES))


@pytest.mark.parametrize("fmt", list(DATASET_FORMATS))
def test_dataset_formats_round_trip_with_every_graph(founding, fmt):
    kg, _result = founding
    data = kg.export(fmt)
    rdflib_format, ox_format = DATASET_FORMATS[fmt]
    expected = Same(_store_quads(kg))
    assert expected == set(ox.parse(data, format=ox_format))
    assert expected == _via_rdflib(data, rdflib_format, dataset=True)


@pytest.mark.parametrize("fmt", list(TRIPLE_FORMATS))
def test_triple_formats_round_trip_as_the_union_of_graphs(founding, fmt):
    kg, _result = founding
    data = kg.export(fmt)
    rdflib_format, ox_format = TRIPLE_FORMATS[fmt]
    expected = Same({quad.triple for quad in _store_quads(kg)})
    assert expected == set(ox.parse(data, format=ox_format))
    assert expected == _via_rdflib(data, rdflib_format, dataset=False)


def test_turtle_keeps_the_provenance_of_every_claim(founding):
    kg, _result = founding
    graph = Graph().parse(data=kg.export("turtle"), format="turtle")
    claims = list(graph.query("PREFIX kg: <https://w3id.org/kgraph/ontology#> SELECT ?c WHERE { ?c a kg:Claim }"))
    unattributed = graph.query(
        "PREFIX kg: <https://w3id.org/kgraph/ontology#> PREFIX prov: <http://www.w3.org/ns/prov#> "
        "SELECT ?c WHERE { ?c a kg:Claim . FILTER NOT EXISTS { ?c prov:wasAttributedTo ?who ; kg:carriedBy ?src } }"
    )
    assert len(claims) > 200 and list(unattributed) == []


def test_jsonld_reads_as_plain_json_and_round_trips(founding):
    kg, _result = founding
    data = kg.export("jsonld")
    document = json.loads(data)
    graphs = {entry["id"] for entry in document["@graph"]}
    assert "kgr:graph/founding-article" in graphs  # one named graph per source card, short IDs
    card = next(entry for entry in document["@graph"] if entry["id"] == "kgr:graph/founding-article")
    figure = next(node for node in card["@graph"] if node["id"] == "kgr:figure/founding-article/khojaly-killed-613")
    assert figure["value"] == 613 and figure["measure"] == "Killed" and figure["qualifier"] == "Exact"
    expected = Same(_store_quads(kg))
    assert expected == set(ox.parse(data, format=ox.RdfFormat.JSON_LD))
    assert expected == _via_rdflib(data, "json-ld", dataset=True)


def test_jsonld_framed_per_event_embeds_claims_figures_and_quotes(founding):
    kg, _result = founding
    document = json.loads(kg.export("jsonld", frame="event"))
    events = {node["id"]: node for node in document["@graph"]}
    khojaly = events["kgr:event/khojaly-killings-1992"]
    figures = [c["object"] for c in khojaly["claims"] if c["predicate"] == "hasFigure"]
    killed = next(f for f in figures if f["measure"] == "Killed")
    assert killed["value"] == 613
    claim = next(c for c in khojaly["claims"] if c["object"] is killed)
    assert claim["attributedTo"] == "kgr:org/unverified-publisher"
    assert any("613" in s.get("exact", {}).get("@value", "") for s in claim["quote"]["hasSelector"])
    assert "kgr:event/first-karabakh-war" in events


def test_export_of_one_source_is_its_graph(founding, tmp_path: Path):
    kg, _result = founding
    out = tmp_path / "card.nq"
    result = run_kgraph(
        "export", "--format", "nquads", "--source", "founding-article", "--out", str(out), "--store", str(kg.store.path)
    )
    assert result.returncode == 0, result.stderr
    quads = set(ox.parse(out.read_bytes(), format=ox.RdfFormat.N_QUADS))
    graph = ox.NamedNode("https://w3id.org/kgraph/id/graph/founding-article")
    assert quads == set(kg.store.oxigraph.quads_for_pattern(None, None, None, graph))
    unknown = run_kgraph("export", "--source", "no-such-card", "--store", str(kg.store.path))
    assert unknown.returncode == 2 and "no source card 'no-such-card'" in unknown.stderr


# A claim from UCDP GED 23.1 (row 155395 of the sample), written by hand as Turtle by "someone else".
GED_TURTLE = """
@prefix kg: <https://w3id.org/kgraph/ontology#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix ex: <https://example.org/ged/> .
ex:ucdp a kg:Organisation ; rdfs:label "Uppsala Conflict Data Program"@en .
ex:ged231 a kg:Dataset ; rdfs:label "UCDP GED 23.1"@en .
ex:event-155395 a kg:ArmedClash ; rdfs:label "Fighting at Malybeili, Khojaly district, 11 February 1992"@en ;
    kg:hasFigure ex:figure-155395 .
ex:figure-155395 a kg:Figure ; kg:measure kg:Killed ; kg:qualifier kg:Exact ; kg:unit kg:PersonsUnit ;
    kg:low 1 ; kg:best 1 ; kg:high 3 .
ex:claim-155395 a kg:Claim ; kg:subject ex:event-155395 ; kg:predicate kg:hasFigure ; kg:object ex:figure-155395 ;
    prov:wasAttributedTo ex:ucdp ; kg:carriedBy ex:ged231 ; kg:recordId "155395" ; kg:rank kg:NormalRank .
"""


def _built(tmp_path: Path, data_copy: Path, corpus: Path) -> Path:
    store = tmp_path / "store"
    result = run_kgraph("build", "--data", str(data_copy), "--store", str(store), "--texts", str(corpus))
    assert result.returncode == 0, result.stderr
    return store


def test_import_validates_and_loads_into_its_own_graph(tmp_path: Path, data_copy: Path, corpus: Path):
    store = _built(tmp_path, data_copy, corpus)
    file = tmp_path / "ged-155395.ttl"
    file.write_text(GED_TURTLE, encoding="utf-8")
    result = run_kgraph("import", str(file), "--data", str(data_copy), "--store", str(store), "--texts", str(corpus))
    assert result.returncode == 0, result.stdout + result.stderr
    kg = KnowledgeGraph.open(store, read_only=True)
    graph = "https://w3id.org/kgraph/id/graph/import/ged-155395"
    assert graph in kg.store.named_graphs()
    rows = kg.query(
        "SELECT ?high WHERE { GRAPH ?g { <https://example.org/ged/figure-155395> "
        "<https://w3id.org/kgraph/ontology#high> ?high } }"
    ).rows
    assert rows == [{"high": 3}]
    assert (data_copy / "imports" / "ged-155395.ttl").is_file()  # kept for later builds
    rebuilt = run_kgraph("build", "--data", str(data_copy), "--store", str(store), "--texts", str(corpus))
    assert rebuilt.returncode == 0 and graph in KnowledgeGraph.open(store, read_only=True).store.named_graphs()


def test_a_kgraph_export_imports_back(tmp_path: Path, data_copy: Path, corpus: Path):
    store = _built(tmp_path, data_copy, corpus)
    exported = tmp_path / "founding-copy.jsonld"
    assert (
        run_kgraph(
            "export",
            "--format",
            "jsonld",
            "--source",
            "founding-article",
            "--out",
            str(exported),
            "--store",
            str(store),
        ).returncode
        == 0
    )
    result = run_kgraph(
        "import", str(exported), "--data", str(data_copy), "--store", str(store), "--texts", str(corpus)
    )
    assert result.returncode == 0, result.stdout + result.stderr
    kg = KnowledgeGraph.open(store, read_only=True)
    copied = kg.query(
        "SELECT (COUNT(*) AS ?n) WHERE { GRAPH <https://w3id.org/kgraph/id/graph/import/founding-copy> { ?s ?p ?o } }"
    ).rows[0]["n"]
    original = kg.query(
        "SELECT (COUNT(*) AS ?n) WHERE { GRAPH <https://w3id.org/kgraph/id/graph/founding-article> { ?s ?p ?o } }"
    ).rows[0]["n"]
    assert copied == original > 1000


@pytest.mark.parametrize(
    ("text", "exit_code", "expected"),
    [
        (GED_TURTLE.replace("prov:wasAttributedTo ex:ucdp ; ", ""), 1, "needs a claimant"),
        (GED_TURTLE.replace("kg:low 1 ;", "kg:low 5 ;"), 1, "bounds are out of order"),
        (GED_TURTLE.replace("ex:ged231 a kg:Dataset ;", "ex:ged231 a kg:Dataset"), 2, "ged-155395.ttl:7"),
    ],
    ids=["no-claimant", "low-above-best", "malformed"],
)
def test_a_bad_import_changes_nothing(tmp_path: Path, data_copy: Path, corpus: Path, text, exit_code, expected):
    store = _built(tmp_path, data_copy, corpus)
    before = KnowledgeGraph.open(store, read_only=True).store.dump_nquads()
    file = tmp_path / "ged-155395.ttl"
    file.write_text(text, encoding="utf-8")
    result = run_kgraph("import", str(file), "--data", str(data_copy), "--store", str(store), "--texts", str(corpus))
    assert result.returncode == exit_code, result.stdout + result.stderr
    assert expected in " ".join((result.stdout + result.stderr).split())
    assert KnowledgeGraph.open(store, read_only=True).store.dump_nquads() == before
    assert not (data_copy / "imports" / "ged-155395.ttl").exists()
