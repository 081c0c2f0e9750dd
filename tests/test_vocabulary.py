"""Every term the project writes is declared: in the ontology, or in a vocabulary that really has it."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, GEO, OWL, PROV, RDF, RDFS, SDO, SH, SKOS, TIME, XSD

from conftest import DATA, PROJECT
from kgraph.compile import compile_data
from kgraph.namespaces import KG
from kgraph.queries.catalog import algebra_nodes
from kgraph.validate import union_graph

ONTOLOGY = PROJECT / "ontology" / "kgraph.ttl"

# rdflib's closed namespaces know their terms; for the rest, the terms we use, checked by hand against the specs.
CLOSED = [RDF, RDFS, OWL, XSD, SKOS, PROV, DCTERMS, GEO, SDO, TIME, SH]
LISTED = {
    "http://www.w3.org/ns/oa#": {
        "SpecificResource",
        "hasSource",
        "hasSelector",
        "hasTarget",
        "TextQuoteSelector",
        "TextPositionSelector",
        "exact",
        "start",
        "end",
    },
    "http://semanticweb.cs.vu.nl/2009/11/sem/": {"Event", "View", "hasPlace", "hasTime", "subEventOf"},
    "http://www.cidoc-crm.org/cidoc-crm/": {"E5_Event", "E53_Place", "E74_Group", "E52_Time-Span"},
    "http://qudt.org/vocab/unit/": {"HR", "DAY", "YR"},
    "http://wikiba.se/ontology#": {"rank", "PreferredRank", "NormalRank", "DeprecatedRank"},
    "http://www.wikidata.org/entity/": None,  # instance IRIs (Q-numbers), not vocabulary
    "https://sws.geonames.org/": None,
    "https://w3id.org/kgraph/id/": None,
    "https://w3id.org/kgraph/shapes#": None,
}


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(ONTOLOGY, format="turtle")


def _declared_kg_terms(ontology: Graph) -> set[URIRef]:
    return {s for s in ontology.subjects(RDF.type, None) if isinstance(s, URIRef) and str(s).startswith(str(KG))}


def _terms(graph: Graph) -> set[URIRef]:
    """Predicates, classes and datatypes, plus any other IRI that lies in a vocabulary's namespace.

    Other IRIs in subject or object position (a web page's URL) are data, not vocabulary.
    """
    vocabularies = [str(ns) for ns in CLOSED] + [str(KG)] + [p for p, names in LISTED.items() if names is not None]
    terms: set[URIRef] = set()
    for s, p, o in graph:
        terms.add(p)
        if p == RDF.type and isinstance(o, URIRef):
            terms.add(o)
        for node in (s, o):
            if isinstance(node, URIRef) and any(str(node).startswith(v) for v in vocabularies):
                terms.add(node)
        if getattr(o, "datatype", None):
            terms.add(o.datatype)
    return terms


def _undeclared(terms: set[URIRef], declared: set[URIRef]) -> list[str]:
    bad = []
    for term in terms:
        text = str(term)
        if text.startswith(str(KG)):
            if term not in declared:
                bad.append(text)
            continue
        if any(text.startswith(str(ns)) for ns in CLOSED):
            if not any(text.startswith(str(ns)) and term in ns for ns in CLOSED):
                bad.append(text)
            continue
        for prefix, names in LISTED.items():
            if text.startswith(prefix):
                if names is not None and text[len(prefix) :] not in names:
                    bad.append(text)
                break
        else:
            if text not in {"https://w3id.org/kgraph/ontology", "http://www.w3.org/ns/oa#"}:
                bad.append(text)
    return sorted(bad)


def test_ontology_parses_and_every_kg_term_has_label_and_comment(ontology: Graph):
    declared = _declared_kg_terms(ontology)
    assert len(declared) > 100
    for term in declared:
        assert ontology.value(term, RDFS.label) is not None, term
        assert ontology.value(term, RDFS.comment) is not None, term


def test_ontology_uses_only_declared_or_known_terms(ontology: Graph):
    assert _undeclared(_terms(ontology), _declared_kg_terms(ontology)) == []


def test_data_uses_only_declared_or_known_terms(ontology: Graph):
    compiled = compile_data(DATA)
    assert _undeclared(_terms(union_graph(compiled.dataset)), _declared_kg_terms(ontology)) == []


@pytest.mark.parametrize("path", sorted((PROJECT / "shapes").glob("*.ttl")), ids=lambda p: p.name)
def test_shapes_use_only_declared_or_known_terms(ontology: Graph, path: Path):
    assert _undeclared(_terms(Graph().parse(path, format="turtle")), _declared_kg_terms(ontology)) == []


def test_queries_use_only_declared_or_known_terms(ontology: Graph):
    """Each stored query's IRIs, read by the SPARQL parser (prefixed names expanded)."""
    from rdflib.plugins.sparql import prepareQuery

    declared = _declared_kg_terms(ontology)
    for path in sorted((PROJECT / "queries").glob("*.rq")):
        query = prepareQuery(path.read_text(encoding="utf-8"))
        terms = {node for node in algebra_nodes(query.algebra) if isinstance(node, URIRef)}
        assert _undeclared(terms, declared) == [], path.name


def test_the_check_itself_catches_undeclared_terms(ontology: Graph):
    declared = _declared_kg_terms(ontology)
    invented = {KG.NoSuchClass, URIRef(str(PROV) + "noSuchProperty"), URIRef("http://example.org/vocab#thing")}
    assert _undeclared(invented, declared) == sorted(str(t) for t in invented)
    assert _undeclared({KG.Claim, PROV.wasAttributedTo, URIRef("http://www.w3.org/ns/oa#exact")}, declared) == []
