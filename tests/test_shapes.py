"""The shapes catch what they promise, on the founding article's graph with one thing broken at a time."""

from __future__ import annotations

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD

from conftest import DATA
from kgraph.compile import compile_data
from kgraph.namespaces import KG, KGR, OA
from kgraph.validate import union_graph, validate_graph

CARD = "founding-article"


@pytest.fixture(scope="module")
def compiled_graph() -> Graph:
    return union_graph(compile_data(DATA).dataset)


@pytest.fixture
def graph(compiled_graph: Graph) -> Graph:
    copy = Graph()
    for triple in compiled_graph:
        copy.add(triple)
    return copy


def _messages(graph: Graph, severity: str = "Violation") -> list[str]:
    return [f.message for f in validate_graph(graph).findings if f.severity == severity]


def _claim_with(graph: Graph, predicate: URIRef) -> URIRef:
    return sorted(graph.subjects(KG.predicate, predicate))[0]


def test_an_unbacked_plain_triple_is_a_violation(graph: Graph):
    graph.add((KGR["event/khojaly-killings-1992"], KG.place, KGR["place/baku"]))
    assert any("is not backed by any non-deprecated claim" in m and "place/baku" in m for m in _messages(graph))


def test_a_triple_backed_only_by_a_deprecated_claim_is_a_violation(graph: Graph):
    claim = _claim_with(graph, KG.place)
    graph.set((claim, KG.rank, KG.DeprecatedRank))
    assert any("not backed" in m for m in _messages(graph))


def test_framing_words_are_kept_on_claims_never_as_plain_triples(graph: Graph):
    framings = list(graph.triples((None, KG.predicate, KG.characterisedAs)))
    assert len(framings) >= 4
    assert list(graph.triples((None, KG.characterisedAs, None))) == []


def test_a_claim_carried_by_a_text_needs_a_quote(graph: Graph):
    claim = _claim_with(graph, KG.place)
    graph.remove((claim, KG.quote, None))
    messages = _messages(graph)
    assert "a claim carried by a text needs a quote (quote: and at:) from that text" in messages


def test_a_claim_without_carrier_is_a_violation(graph: Graph):
    claim = _claim_with(graph, KG.place)
    graph.remove((claim, KG.carriedBy, None))
    assert "a claim needs exactly one carrier: the source that carries it" in _messages(graph)


def test_a_quote_over_25_words_is_a_violation(graph: Graph):
    selector = sorted(graph.subjects(RDF.type, OA.TextQuoteSelector))[0]
    graph.set((selector, OA.exact, Literal(" ".join(["word"] * 26), lang="en")))
    assert "a quote is the shortest span that carries the claim: at most 25 words" in _messages(graph)


def test_a_figure_value_must_be_a_typed_number(graph: Graph):
    figure = KGR[f"figure/{CARD}/khojaly-killed-613"]
    graph.set((figure, KG.value, Literal("613")))
    assert "a figure's value is one typed number (xsd:integer or xsd:decimal)" in _messages(graph)


def test_parts_that_add_up_give_no_warning(graph: Graph):
    whole = KGR[f"figure/{CARD}/first-war-missing-3980"]
    graph.set((whole, KG.value, Literal(3983, datatype=XSD.integer)))
    assert not any("do not add up" in m for m in _messages(graph, "Warning"))


def test_more_identified_than_found_is_a_warning(graph: Graph):
    subset = next(graph.subjects(KG.subsetOfFigure, None))
    graph.set((subset, KG.value, Literal(100000, datatype=XSD.integer)))
    assert any("more are counted (100000)" in m for m in _messages(graph, "Warning"))


def test_a_place_within_itself_is_a_violation(graph: Graph):
    graph.add((KGR["place/azerbaijan"], KG.locatedIn, KGR["place/shusha"]))
    assert "a place cannot lie within itself" in _messages(graph)


def test_an_event_that_is_part_of_itself_is_a_violation(graph: Graph):
    graph.add((KGR["event/karabakh-grave-discoveries-2025"], KG.partOf, KGR["event/shusha-grave-discovery"]))
    assert "an event cannot be part of itself, directly or through other events" in _messages(graph)
