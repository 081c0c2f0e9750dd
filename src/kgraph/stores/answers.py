"""Undoing what an engine changed in a term, where the RDF value stays the same.

Virtuoso writes every xsd:boolean as "1" or "0" and gives WKT literals its
own datatype (``virtrdf:Geometry``) instead of GeoSPARQL's ``wktLiteral``.
The value is the same; only the spelling differs. kgraph turns such terms
back into the form they were loaded in, so answers and exports compare
equal across engines. Nothing else is changed: a real difference in an
answer stays visible.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping

import pyoxigraph as ox

XSD_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"
_CANONICAL_BOOLEANS = {"1": "true", "0": "false"}


def results_json(data: bytes, datatype_aliases: Mapping[str, str]) -> bytes:
    """A SPARQL JSON result with booleans canonical and aliased datatypes restored."""
    markers = [XSD_BOOLEAN, *datatype_aliases]
    if not any(marker.encode() in data for marker in markers):
        return data
    document = json.loads(data)
    for row in document.get("results", {}).get("bindings", []):
        for term in row.values():
            datatype = term.get("datatype")
            if datatype in datatype_aliases:
                term["datatype"] = datatype_aliases[datatype]
            elif datatype == XSD_BOOLEAN:
                term["value"] = _CANONICAL_BOOLEANS.get(term["value"], term["value"])
    return json.dumps(document).encode("utf-8")


def triples(answer: Iterable[ox.Triple], datatype_aliases: Mapping[str, str]) -> list[ox.Triple]:
    return [ox.Triple(t.subject, t.predicate, _literal(t.object, datatype_aliases)) for t in answer]


def _literal(term: object, datatype_aliases: Mapping[str, str]) -> object:
    if not isinstance(term, ox.Literal) or term.language:
        return term
    datatype = term.datatype.value
    if datatype in datatype_aliases:
        return ox.Literal(term.value, datatype=ox.NamedNode(datatype_aliases[datatype]))
    if datatype == XSD_BOOLEAN and term.value in _CANONICAL_BOOLEANS:
        return ox.Literal(_CANONICAL_BOOLEANS[term.value], datatype=term.datatype)
    return term
