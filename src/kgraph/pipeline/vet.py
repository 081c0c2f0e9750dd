"""Validation of a staged store before it goes live: all of it, or what a change can reach.

Local checks (a focus node's own statements, a hop or two of plain
predicates, the classes of the nodes reached) run on the nodes a change can
affect; their earlier findings about all other nodes still hold. Checks that
span the store (SPARQL constraints: cycles, parts against wholes, claims
behind plain statements) run over the whole store every time, as set-at-a-time
queries. The incremental-equals-full test holds the two paths to one answer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pyoxigraph as ox
from rdflib import Graph, URIRef

from ..errors import Location
from ..shacl import FOCUS_MARK, MARKS, TRUE, Check
from ..validate import Finding, ValidationReport, report_of, validate_store
from .changes import GraphChanges

FOCUS = ox.NamedNode(FOCUS_MARK)
START = ox.NamedNode("urn:kgraph:validation#start")
REACH_MARK = "urn:kgraph:validation#reach"
TYPE_CHANGED = ox.NamedNode("urn:kgraph:validation#typeChanged")
CHANGED = ox.NamedNode("urn:kgraph:validation#changed")

# Who points at a node whose classes changed, directly or from one hop further along a path's first step.
POINTING_AT_RETYPED = f"SELECT DISTINCT ?x WHERE {{ GRAPH {MARKS} {{ ?s {TYPE_CHANGED} ?_t }} ?x ?p ?s }}"
THROUGH_TO_RETYPED = f"SELECT DISTINCT ?x ?p WHERE {{ GRAPH {MARKS} {{ ?s {TYPE_CHANGED} ?_t }} ?b ?q ?s . ?x ?p ?b }}"
THROUGH_TO_CHANGED = f"SELECT DISTINCT ?x ?p WHERE {{ GRAPH {MARKS} {{ ?s {CHANGED} ?_t }} ?x ?p ?s }}"


@dataclass
class Verdict:
    local: list[Finding]
    spanning: list[Finding]

    @property
    def report(self) -> ValidationReport:
        return report_of([*self.local, *self.spanning])


def vet_all(
    store: ox.Store, checks: list[Check], shapes: Graph, locate: Callable[[URIRef], Location | None]
) -> Verdict:
    local = [c for c in checks if c.local]
    spanning = [c for c in checks if not c.local]
    return Verdict(
        validate_store(store, locate, shapes=shapes, checks=local).findings,
        validate_store(store, locate, shapes=shapes, checks=spanning).findings,
    )


def vet_changes(
    store: ox.Store,
    checks: list[Check],
    shapes: Graph,
    locate: Callable[[URIRef], Location | None],
    changes: GraphChanges,
    earlier: Verdict,
) -> Verdict:
    """The findings a full validation of ``store`` would give, asking only about what ``changes`` reaches.

    Local checks ask about the nodes :func:`mark_reach` marks. A store-wide
    check whose shape declares ``kgs:reach`` asks about the nodes those paths
    lead to from the changed ones; one without it runs over the whole store.
    Earlier findings about nodes not asked about again are kept.
    """
    local = [c for c in checks if c.local]
    reaching = [c for c in checks if not c.local and c.reach is not None]
    everywhere = [c for c in checks if not c.local and c.reach is None]
    try:
        marked = mark_reach(store, changes, {p for c in local for p in c.through})
        reached = mark_spanning_reach(store, changes, reaching)
        fresh_local = validate_store(store, locate, shapes=shapes, checks=local, marker=lambda c: FOCUS_MARK).findings
        fresh_reaching = validate_store(
            store, locate, shapes=shapes, checks=reaching, marker=lambda c: reached[str(c.shape)][0]
        ).findings
    finally:
        store.remove_graph(MARKS)
    fresh_everywhere = validate_store(store, locate, shapes=shapes, checks=everywhere).findings
    kept_local = [f for f in earlier.local if f.focus not in marked]
    kept_spanning = [f for f in earlier.spanning if f.shape in reached and f.focus not in reached[f.shape][1]]
    return Verdict([*kept_local, *fresh_local], [*kept_spanning, *fresh_reaching, *fresh_everywhere])


def mark_spanning_reach(store: ox.Store, changes: GraphChanges, checks: list[Check]) -> dict[str, tuple[str, set[str]]]:
    """For each shape with ``kgs:reach``: a mark for the nodes its paths lead to from the changed ones, and those nodes.

    The changed nodes are the subjects of changed statements and the objects of
    removed ones (a removed claim no longer leads to what it was about).
    """
    start = changes.subjects() | changes.removed_objects()
    store.extend([ox.Quad(node, START, TRUE, MARKS) for node in start])
    reached: dict[str, tuple[str, set[str]]] = {}
    for check in checks:
        shape = str(check.shape)
        if shape in reached:
            continue
        nodes = set(start)
        for path in check.reach or ():
            query = (
                f"{check.reach_prologue}SELECT DISTINCT ?x WHERE {{ GRAPH {MARKS} {{ ?s {START} ?_t }} ?s {path} ?x }}"
            )
            nodes |= _nodes(store.query(query, use_default_graph_as_union=True))
        mark = f"{REACH_MARK}/{len(reached)}"
        store.extend([ox.Quad(node, ox.NamedNode(mark), TRUE, MARKS) for node in nodes])
        reached[shape] = (mark, {node.value for node in nodes})
    return reached


def mark_reach(store: ox.Store, changes: GraphChanges, through: set[str]) -> set[str]:
    """Mark (in a private graph) every node whose local findings ``changes`` can alter; returns their IRIs."""
    subjects, retyped = changes.subjects(), changes.typed_subjects()
    store.extend([ox.Quad(s, CHANGED, TRUE, MARKS) for s in subjects])
    store.extend([ox.Quad(s, TYPE_CHANGED, TRUE, MARKS) for s in retyped])
    reached: set[ox.NamedNode | ox.BlankNode] = set(subjects)
    if retyped:
        reached |= _nodes(store.query(POINTING_AT_RETYPED, use_default_graph_as_union=True))
    for predicate in sorted(through):
        bound = {ox.Variable("p"): ox.NamedNode(predicate)}
        reached |= _nodes(store.query(THROUGH_TO_CHANGED, substitutions=bound, use_default_graph_as_union=True))
        if retyped:
            reached |= _nodes(store.query(THROUGH_TO_RETYPED, substitutions=bound, use_default_graph_as_union=True))
    store.extend([ox.Quad(node, FOCUS, TRUE, MARKS) for node in reached])
    return {node.value for node in reached}  # as a finding names its focus: an IRI, or a blank node's label


def _nodes(rows: ox.QuerySolutions) -> set[ox.NamedNode | ox.BlankNode]:
    return {row["x"] for row in rows if isinstance(row["x"], ox.NamedNode | ox.BlankNode)}
