"""Compacted JSON-LD of the store, written graph by graph: memory holds one source card's graph, not the store.

The document is what ``jsonld.compact(jsonld.from_rdf(quads), context)`` gives
in meaning: ``{"@context": <ontology/context.jsonld>, "@graph": [...]}`` with
one entry per named graph, ``{"id": "kgr:graph/<card>", "@graph": [nodes]}``.
Each node is ``{"id", "type", <keys in order>}`` with every value spelled by
:class:`~kgraph.export_context.ContextSpeller`, so keys are the context's terms
(``value``, ``measure``), integers and booleans are JSON numbers and booleans,
and ``@vocab``-coerced values read as terms (``"measure": "Killed"``).

Nodes are written in order of ID within a graph, keys by name, several values
of one key in order, so two exports of equal stores are equal bytes.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import IO, Any

import pyoxigraph as ox

from .export_context import ContextSpeller, Node, Term, confused_prefixes, dumps, one_or_many, sort_key, write_document

_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
Statements = dict[ox.NamedNode, list[Term]]


def index(quads: Iterable[ox.Quad]) -> dict[Node, Statements]:
    """Subject → predicate → objects, for one graph's quads."""
    nodes: dict[Node, Statements] = {}
    for quad in quads:
        properties = nodes.get(quad.subject)
        if properties is None:
            properties = nodes[quad.subject] = {}
        objects = properties.get(quad.predicate)
        if objects is None:
            properties[quad.predicate] = [quad.object]
        else:
            objects.append(quad.object)
    return nodes


def describe(spell: ContextSpeller, subject: Node, properties: Statements) -> dict[str, Any]:
    """One node object: its ID, its types, then each key with its values spelled for that key."""
    scoped = confused_prefixes(spell, subject, properties)
    node: dict[str, Any] = {}
    if scoped:
        node["@context"] = dict.fromkeys(sorted(scoped))
        spell = spell.without(scoped)
    node["id"] = spell.node_id(subject)
    keyed: list[tuple[str, str | None, list[Term]]] = []
    for predicate, objects in properties.items():
        if predicate == _TYPE:
            names = [spell.reference(t, "@vocab") for t in objects if not isinstance(t, ox.Literal)]
            if names:
                node["type"] = one_or_many(sorted(names))
            literals = [t for t in objects if isinstance(t, ox.Literal)]
            if literals:  # rdf:type with a literal object: written under its full IRI, as compaction does
                keyed.append((predicate.value, None, literals))
            continue
        key, coercion = spell.key(predicate)
        keyed.append((key, coercion, objects))
    keyed.sort(key=lambda item: item[0])
    literal, reference = spell.literal, spell.reference
    for key, coercion, objects in keyed:
        if len(objects) > 1:
            objects = sorted(objects, key=sort_key)
        values = [literal(o, coercion) if isinstance(o, ox.Literal) else reference(o, coercion) for o in objects]
        node[key] = one_or_many(values)
    return node


def graph_entry(spell: ContextSpeller, graph: str, quads: Iterable[ox.Quad]) -> bytes:
    """``{"id": <graph>, "@graph": [nodes]}`` for one named graph, encoded one node a line."""
    nodes = index(quads)
    head: dict[str, Any] = {}
    if prefix := spell.confusable(graph):
        head["@context"] = {prefix: None}
        spell = spell.without(frozenset({prefix}))  # the scoped context reaches every node inside
    head["id"] = spell.node_id(ox.NamedNode(graph))
    lines = [dumps(describe(spell, subject, nodes[subject])) for subject in sorted(nodes, key=sort_key)]
    opening = dumps(head)[:-1] + ', "@graph": ['
    body = ",\n      ".join(lines)
    return f"{opening}\n      {body}\n    ]}}".encode() if lines else f"{opening}]}}".encode()


def write_compacted(out: IO[bytes], graphs: Iterable[tuple[str, Iterable[ox.Quad]]], context: dict[str, Any]) -> None:
    """Write the compacted document of ``(graph name, its quads)`` pairs, one graph in memory at a time."""
    spell = ContextSpeller(context)

    def entries() -> Iterator[bytes]:
        for graph, quads in graphs:
            yield graph_entry(spell, graph, quads)

    write_document(out, context, entries())
