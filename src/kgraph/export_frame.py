"""The event frame: one JSON object per event with its claims inside, written straight from the store's quads.

Why not pyld's framing: it matched on every property a frame names, so the
``object`` sub-frame silently dropped the objects that lacked one (places,
dates, parts, figures without ``counts``) and a literal object fell out to
another key; and it needs the whole store expanded in memory, which at 1,000
events did not finish in 400 s. Here every node is written once from an index
of the quads, in one pass, and each value is spelled by the same rules JSON-LD
compaction uses with ``ontology/context.jsonld`` so the document expands back
to exactly the triples it was made from.

The document is ``{"@context": <kgraph's context>, "@graph": [...]}`` whose
top-level nodes come in this order, each group sorted by ID:

1. every event: a node typed with ``kg:Event`` or one of its subclasses in the
   ontology graph;
2. every other node that some claim is about (places, organisations, sources,
   ...): claims about non-events appear just like claims about events;
3. claims whose ``kg:subject`` is not a node (there is nothing to nest them
   under), then every other node described in the data and embedded nowhere
   (carriers, publishers, agents nobody makes claims about, ...): so the
   frame holds the whole data, not a selection.

Each top-level node carries its own statements, with nodes referred to by ID,
and ``claims``: every claim about it (``@reverse`` of ``kg:subject``), in full.
A claim's object is embedded with everything said about it when it is a node
of its own (figure, time span, participation, name, geometry), written as a
reference when it is a top-level node (an event, a place with claims), and as
a value object when it is a literal whose datatype or language the ``object``
term does not imply. Its quote is embedded with its selectors, and so are its
``claimedAt`` time and a time span's expression. Claimants, carriers,
announcements, corrected claims, participants and counted groups stay
references: embedding them would repeat each organisation hundreds of times.
A node claimed by two claims is embedded under both, identically.

The ontology graph is left out (its class hierarchy only decides what an event
and a claim are), and graphs are merged: expanding the document gives the
union of the data graphs, triple for triple.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import IO, Any

import pyoxigraph as ox

from .export_context import (
    ContextSpeller,
    Node,
    Term,
    confused_prefixes,
    one_or_many,
    sort_key,
    write_document,
)
from .namespaces import KG, OA, ONTOLOGY_GRAPH, RDF, RDFS
from .stores import Store

_TYPE = ox.NamedNode(str(RDF.type))
_SUBCLASS = ox.NamedNode(str(RDFS.subClassOf))
_SUBJECT = ox.NamedNode(str(KG.subject))
# The links along which a claim's own nodes are embedded; every other link to a node is a reference.
_EMBEDDED_LINKS = frozenset(
    ox.NamedNode(str(iri)) for iri in (KG.object, KG.quote, KG.claimedAt, OA.hasSelector, KG.expression, KG.hasGeometry)
)


def subclasses(ontology: Iterable[ox.Quad], root: str) -> set[str]:
    """``root`` and every class below it by ``rdfs:subClassOf`` in the ontology's quads."""
    below: dict[str, set[str]] = defaultdict(set)
    for quad in ontology:
        if (
            quad.predicate == _SUBCLASS
            and isinstance(quad.subject, ox.NamedNode)
            and isinstance(quad.object, ox.NamedNode)
        ):
            below[quad.object.value].add(quad.subject.value)
    found, todo = {root}, [root]
    while todo:
        for child in below.pop(todo.pop(), ()):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


class EventFrame:
    """The framed document of a set of quads, built from one index of them (see the module's docstring)."""

    def __init__(self, quads: Iterable[ox.Quad], ontology: Iterable[ox.Quad], context: dict[str, Any]) -> None:
        ontology = list(ontology)
        self.context = context
        self.spell = ContextSpeller(context)
        self.claims_key = self.spell.reverse.get(str(KG.subject))
        ontology_graph = ox.NamedNode(str(ONTOLOGY_GRAPH))
        statements: dict[Node, dict[ox.NamedNode, set[Term]]] = defaultdict(lambda: defaultdict(set))
        for quad in quads:
            if quad.graph_name != ontology_graph:
                statements[quad.subject][quad.predicate].add(quad.object)  # graphs merge here
        self.statements = statements
        event_classes = subclasses(ontology, str(KG.Event))
        claim_classes = subclasses(ontology, str(KG.Claim))
        self.events: list[Node] = []
        self.claims: set[Node] = set()
        for node, properties in statements.items():
            types = {t.value for t in properties.get(_TYPE, ()) if isinstance(t, ox.NamedNode)}
            if types & claim_classes:
                self.claims.add(node)
            elif types & event_classes:
                self.events.append(node)
        self.claims_about: dict[Node, list[Node]] = defaultdict(list)
        for claim in self.claims:
            about = sorted(
                (s for s in statements[claim].get(_SUBJECT, ()) if not isinstance(s, ox.Literal)), key=sort_key
            )
            if about and self.claims_key is not None:
                self.claims_about[about[0]].append(claim)  # under one subject; "subject" still names them all
        self.top = set(self.events) | set(self.claims_about)
        self.embedded: set[Node] = set()

    def document(self) -> dict[str, Any]:
        """``{"@context", "@graph"}`` with events first, then other subjects of claims, then everything else."""
        return {"@context": self.context["@context"], "@graph": list(self.nodes())}

    def nodes(self) -> Iterator[dict[str, Any]]:
        """The top-level nodes in the document's order, one at a time."""
        for node in sorted(self.events, key=sort_key):
            yield self._top_node(node)
        for node in sorted(set(self.claims_about) - set(self.events), key=sort_key):
            yield self._top_node(node)
        placed = {claim for claims in self.claims_about.values() for claim in claims}
        for node in sorted(self.claims - placed, key=sort_key):  # before the rest, so nothing they embed is repeated
            yield self._top_node(node)
        rest = set(self.statements) - self.top - self.claims - self.embedded
        for node in sorted(rest, key=sort_key):
            yield self._top_node(node)

    def _top_node(self, node: Node) -> dict[str, Any]:
        inside_claim = node in self.claims
        described = self._describe(node, frozenset({node}), self.spell, inside_claim=inside_claim)
        claims = self.claims_about.get(node)
        if claims:
            described[self.claims_key] = [
                self._describe(claim, frozenset({node, claim}), self.spell, inside_claim=True)
                for claim in sorted(claims, key=sort_key)
            ]
        return described

    def _describe(
        self, node: Node, path: frozenset[Node], spell: ContextSpeller, *, inside_claim: bool
    ) -> dict[str, Any]:
        """The node's ID, its types, then its other properties by key, as a reader scans them."""
        properties = dict(self.statements.get(node, {}))
        described: dict[str, Any] = {}
        scoped = confused_prefixes(spell, node, properties)
        if scoped:  # an IRI such as geo:40,49 that the context would read as a compact IRI
            described["@context"] = dict.fromkeys(sorted(scoped))
            spell = spell.without(scoped)
        described["id"] = spell.node_id(node)
        types = properties.pop(_TYPE, set())
        names = sorted(spell.reference(t, "@vocab") for t in types if not isinstance(t, ox.Literal))
        if names:
            described["type"] = one_or_many(names)
        literal_types = {t for t in types if isinstance(t, ox.Literal)}
        if literal_types:
            properties[_TYPE] = literal_types  # rdf:type with a literal: written under its full IRI
        keyed = []
        for predicate, objects in properties.items():
            key, coercion = spell.key(predicate) if predicate != _TYPE else (predicate.value, None)
            keyed.append((key, coercion, predicate in _EMBEDDED_LINKS and inside_claim, objects))
        for key, coercion, embeds, objects in sorted(keyed, key=lambda item: item[0]):
            values = [self._value(o, coercion, path, spell, embeds=embeds) for o in sorted(objects, key=sort_key)]
            described[key] = one_or_many(values)
        return described

    def _value(
        self, term: Term, coercion: str | None, path: frozenset[Node], spell: ContextSpeller, *, embeds: bool
    ) -> Any:
        if isinstance(term, ox.Literal):
            return spell.literal(term, coercion)
        if embeds and term in self.statements and term not in self.top and term not in self.claims and term not in path:
            self.embedded.add(term)
            return self._describe(term, path | {term}, spell, inside_claim=True)
        return spell.reference(term, coercion)


def frame_events(quads: Iterable[ox.Quad], ontology: Iterable[ox.Quad], context: dict[str, Any]) -> dict[str, Any]:
    """The event frame of ``quads`` (the ontology graph's quads among them are left out).

    ``ontology`` gives the class hierarchy that says which nodes are events and claims.
    """
    return EventFrame(quads, ontology, context).document()


def write_frame(out: IO[bytes], store: Store, graphs: list[str], ontology_graph: str, context: dict[str, Any]) -> None:
    """Write the event frame of ``graphs`` (the store's ontology graph says what is an event and a claim)."""
    ontology = store.quads(ontology_graph)
    quads = (quad for graph in graphs if graph != ontology_graph for quad in store.quads(graph))
    write_document(out, context, EventFrame(quads, ontology, context).nodes())
