"""The namespaces kgraph writes, in one place so IRIs are spelled once."""

from __future__ import annotations

from rdflib import Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD

KG = Namespace("https://w3id.org/kgraph/ontology#")
KGR = Namespace("https://w3id.org/kgraph/id/")
OA = Namespace("http://www.w3.org/ns/oa#")
GEO = Namespace("http://www.opengis.net/ont/geosparql#")
SCHEMA = Namespace("https://schema.org/")
SEM = Namespace("http://semanticweb.cs.vu.nl/2009/11/sem/")
TIME = Namespace("http://www.w3.org/2006/time#")
WD = Namespace("http://www.wikidata.org/entity/")

ONTOLOGY_GRAPH = KGR["graph/ontology"]

PREFIXES: dict[str, str] = {
    "kg": str(KG),
    "kgr": str(KGR),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
    "skos": str(SKOS),
    "prov": str(PROV),
    "oa": str(OA),
    "geo": str(GEO),
    "dcterms": str(DCTERMS),
    "schema": str(SCHEMA),
    "sem": str(SEM),
    "time": str(TIME),
}


def entity_iri(kind: str, slug: str) -> URIRef:
    """IRIs carry the entity kind so that a reader of an export sees what a node is."""
    return KGR[f"{kind}/{slug}"]


def graph_iri(card_id: str) -> URIRef:
    return KGR[f"graph/{card_id}"]


def claim_iri(card_id: str, claim_id: str) -> URIRef:
    return KGR[f"claim/{card_id}/{claim_id}"]


def geonames_iri(geonames_id: int | str) -> URIRef:
    return URIRef(f"https://sws.geonames.org/{geonames_id}/")
