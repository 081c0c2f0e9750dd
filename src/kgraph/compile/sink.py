"""What the compiler writes one file's statements into: a set of triples, written out as N-Quads of its graph.

The compiler only ever adds statements, never reads them back, so an rdflib
``Graph`` was more than it needed: it indexes every triple three ways and
fires an event per add, which took 22 of the 43 s of compiling 10,000 events
(cProfile), and its N-Quads serializer another 9 s. A set gives the same
de-duplication (rdflib terms compare and hash as the Graph's store does),
and each line is written by rdflib's own N-Triples term writers, so the
bytes are what ``Dataset.serialize(format="nquads")`` wrote for the graph.
"""

from __future__ import annotations

from rdflib import Literal, URIRef
from rdflib.plugins.serializers.nt import _quoteLiteral
from rdflib.term import Node


class TripleSink:
    """The statements of one named graph, as the compiler adds them."""

    def __init__(self, identifier: URIRef) -> None:
        self.identifier = identifier
        self.triples: set[tuple[Node, Node, Node]] = set()

    def add(self, triple: tuple[Node, Node, Node]) -> None:
        self.triples.add(triple)

    def __len__(self) -> int:
        return len(self.triples)

    def nquads(self) -> bytes:
        """The graph as N-Quads, one statement a line (in no particular order: the cache sorts them)."""
        graph = self.identifier.n3()
        lines = [
            f"{s.n3()} {p.n3()} {_quoteLiteral(o) if isinstance(o, Literal) else o.n3()} {graph} .\n"
            for s, p, o in self.triples
        ]
        return "".join(lines).encode("utf-8", "replace")
