"""The namespaces kgraph writes, as rdflib terms, in one place so IRIs are spelled once.

The IRIs themselves (and ``PREFIXES``) live in :mod:`kgraph.prefixes` as plain
strings, so that code which only queries can use them without importing
rdflib; this module builds the rdflib ``Namespace`` objects the compiler, the
validator and the exporters use from those strings.
"""

from __future__ import annotations

from rdflib import Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD

from . import prefixes
from .prefixes import PREFIXES

KG = Namespace(prefixes.KG)
KGR = Namespace(prefixes.KGR)
OA = Namespace(prefixes.OA)
GEO = Namespace(prefixes.GEO)
SCHEMA = Namespace(prefixes.SCHEMA)
SEM = Namespace(prefixes.SEM)
TIME = Namespace(prefixes.TIME)
WD = Namespace(prefixes.WD)

ONTOLOGY_GRAPH = KGR["graph/ontology"]

# The rdflib namespaces of the W3C vocabularies are re-exported beside kgraph's own.
__all__ = [
    "DCTERMS",
    "GEO",
    "KG",
    "KGR",
    "OA",
    "ONTOLOGY_GRAPH",
    "OWL",
    "PREFIXES",
    "PROV",
    "RDF",
    "RDFS",
    "SCHEMA",
    "SEM",
    "SKOS",
    "TIME",
    "WD",
    "XSD",
    "claim_iri",
    "entity_iri",
    "geonames_iri",
    "graph_iri",
]


def entity_iri(kind: str, slug: str) -> URIRef:
    """IRIs carry the entity kind so that a reader of an export sees what a node is."""
    return KGR[f"{kind}/{slug}"]


def graph_iri(card_id: str) -> URIRef:
    return KGR[f"graph/{card_id}"]


def claim_iri(card_id: str, claim_id: str) -> URIRef:
    return KGR[f"claim/{card_id}/{claim_id}"]


def geonames_iri(geonames_id: int | str) -> URIRef:
    return URIRef(f"https://sws.geonames.org/{geonames_id}/")
