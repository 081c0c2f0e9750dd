"""SHACL property paths, written as SPARQL property paths.

A path node in the shapes graph (an IRI, or a blank node for a sequence,
inverse, alternative or repetition) becomes the SPARQL path text a query uses.
Only IRIs from the shapes file reach the text, each checked and escaped by
pyoxigraph's NamedNode, never data or a user's parameter.
"""

from __future__ import annotations

import pyoxigraph as ox
from rdflib import BNode, Graph, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from .unsupported import Unsupported

_REPEATS = {SH.zeroOrMorePath: "*", SH.oneOrMorePath: "+", SH.zeroOrOnePath: "?"}


def iri(node: Node) -> str:
    """``<iri>``, escaped by pyoxigraph, which refuses anything that is not an IRI."""
    if not isinstance(node, URIRef):
        raise Unsupported(f"expected an IRI in the shapes, found {node!r}")
    try:
        return str(ox.NamedNode(str(node)))
    except ValueError as error:
        raise Unsupported(f"not an IRI: {node!r} ({error})") from error


def sparql_path(shapes: Graph, path: Node) -> str:
    if isinstance(path, URIRef):
        return iri(path)
    if not isinstance(path, BNode):
        raise Unsupported(f"a path must be an IRI or a blank node, found {path!r}")
    if shapes.value(path, RDF.first) is not None:
        steps = [sparql_path(shapes, step) for step in Collection(shapes, path)]
        return "(" + " / ".join(steps) + ")"
    inverse = shapes.value(path, SH.inversePath)
    if inverse is not None:
        return f"^({sparql_path(shapes, inverse)})"
    alternatives = shapes.value(path, SH.alternativePath)
    if alternatives is not None:
        return "(" + " | ".join(sparql_path(shapes, step) for step in Collection(shapes, alternatives)) + ")"
    for predicate, mark in _REPEATS.items():
        repeated = shapes.value(path, predicate)
        if repeated is not None:
            return f"({sparql_path(shapes, repeated)}){mark}"
    raise Unsupported(f"a path this engine does not know: {path!r}")


def plain_steps(shapes: Graph, path: Node | None) -> list[URIRef] | None:
    """The predicates of an IRI or a sequence of IRIs, in order; None for any other path.

    Incremental validation can bound what such a path reads (so many hops from
    the focus node); an inverse, alternative or repeated path it cannot.
    """
    if path is None:
        return []
    if isinstance(path, URIRef):
        return [path]
    if isinstance(path, BNode) and shapes.value(path, RDF.first) is not None:
        steps = list(Collection(shapes, path))
        return steps if all(isinstance(step, URIRef) for step in steps) else None  # type: ignore[return-value]
    return None
