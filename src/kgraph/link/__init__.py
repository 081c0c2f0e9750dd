"""Linking to Wikidata (and other Wikidata-shaped SPARQL endpoints), with every link a claim."""

from .endpoint import WIKIDATA_QUERY_SERVICE, EndpointError, SparqlEndpoint
from .linker import LinkReport, accept, find_links, write_links

__all__ = [
    "WIKIDATA_QUERY_SERVICE",
    "EndpointError",
    "LinkReport",
    "SparqlEndpoint",
    "accept",
    "find_links",
    "write_links",
]
