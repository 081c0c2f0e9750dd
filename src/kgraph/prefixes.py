"""The project's prefixes as plain strings: the one table both rdflib code and the query path read.

:mod:`kgraph.namespaces` builds rdflib ``Namespace`` objects from these
strings for the compiler, the validator and the exporters. Commands that only
query (``kgraph query NAME --format csv``) need the table for ad-hoc SPARQL,
``kgr:`` parameter values and short table cells, and must not import rdflib
for it: importing rdflib cost 0.13 s of a query command's 0.26 s of CPU.

>>> PREFIXES["kgr"] + "event/x"
'https://w3id.org/kgraph/id/event/x'
"""

from __future__ import annotations

KG = "https://w3id.org/kgraph/ontology#"
KGR = "https://w3id.org/kgraph/id/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
PROV = "http://www.w3.org/ns/prov#"
OA = "http://www.w3.org/ns/oa#"
GEO = "http://www.opengis.net/ont/geosparql#"
DCTERMS = "http://purl.org/dc/terms/"
SCHEMA = "https://schema.org/"
SEM = "http://semanticweb.cs.vu.nl/2009/11/sem/"
TIME = "http://www.w3.org/2006/time#"
WD = "http://www.wikidata.org/entity/"

PREFIXES: dict[str, str] = {
    "kg": KG,
    "kgr": KGR,
    "rdf": RDF,
    "rdfs": RDFS,
    "owl": OWL,
    "xsd": XSD,
    "skos": SKOS,
    "prov": PROV,
    "oa": OA,
    "geo": GEO,
    "dcterms": DCTERMS,
    "schema": SCHEMA,
    "sem": SEM,
    "time": TIME,
}
"""Prefix → namespace IRI: predeclared for ad-hoc SPARQL, written by exports, used to shorten IRIs in tables."""
