"""What an incremental build changes in the store, triple by triple, and which nodes that can affect.

Graphs are compared by the digest of their N-Quads; a graph whose digest
moved is compared statement by statement with what the store holds, so an
edit to one claim touches that claim's statements, not its whole card.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pyoxigraph as ox

RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


@dataclass
class GraphChanges:
    dropped: list[str] = field(default_factory=list)  # graphs no file makes any more
    removed: set[ox.Quad] = field(default_factory=set)
    added: set[ox.Quad] = field(default_factory=set)
    changed_graphs: int = 0

    @property
    def empty(self) -> bool:
        return not (self.dropped or self.removed or self.added)

    def subjects(self) -> set[ox.NamedNode | ox.BlankNode]:
        """Nodes whose own statements changed: each is validated again."""
        return {q.subject for q in self.removed | self.added}  # type: ignore[misc]

    def removed_objects(self) -> set[ox.NamedNode | ox.BlankNode]:
        """Nodes a removed statement pointed at: what a removed claim or part was about."""
        return {q.object for q in self.removed if isinstance(q.object, ox.NamedNode | ox.BlankNode)}

    def typed_subjects(self) -> set[ox.NamedNode | ox.BlankNode]:
        """Nodes whose classes changed: whatever points at them is validated again (sh:class)."""
        return {q.subject for q in self.removed | self.added if q.predicate == RDF_TYPE}  # type: ignore[misc]

    def apply(self, store: ox.Store) -> None:
        for graph in self.dropped:
            store.remove_graph(ox.NamedNode(graph))
        for quad in self.removed:
            store.remove(quad)
        store.bulk_extend(self.added)


def diff_graphs(
    previous: dict[str, str],
    current: dict[str, str],
    old_quads: Callable[[str], list[ox.Quad]],
    new_nquads: Callable[[str], bytes],
) -> GraphChanges:
    """The statements to remove and add to turn the store built from ``previous`` into one of ``current``.

    ``previous`` and ``current`` map graph IRIs to N-Quads digests; a graph
    that left is dropped whole, but its statements still count as removed, so
    the nodes they described are validated again.
    """
    changes = GraphChanges()
    for graph, digest in current.items():
        if previous.get(graph) == digest:
            continue
        changes.changed_graphs += 1
        old = set(old_quads(graph)) if graph in previous else set()
        new = set(ox.parse(new_nquads(graph), format=ox.RdfFormat.N_QUADS))
        changes.removed |= old - new
        changes.added |= new - old
    for graph in previous:
        if graph not in current:
            changes.changed_graphs += 1
            changes.dropped.append(graph)
            changes.removed |= set(old_quads(graph))
    return changes
