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
from collections.abc import Iterable
from typing import Any

import pyoxigraph as ox

from .namespaces import KG, OA, ONTOLOGY_GRAPH, RDF, RDFS, XSD

Node = ox.NamedNode | ox.BlankNode
Term = ox.NamedNode | ox.BlankNode | ox.Literal

_TYPE = ox.NamedNode(str(RDF.type))
_SUBCLASS = ox.NamedNode(str(RDFS.subClassOf))
_SUBJECT = ox.NamedNode(str(KG.subject))
# The links along which a claim's own nodes are embedded; every other link to a node is a reference.
_EMBEDDED_LINKS = frozenset(
    ox.NamedNode(str(iri)) for iri in (KG.object, KG.quote, KG.claimedAt, OA.hasSelector, KG.expression, KG.hasGeometry)
)
_GEN_DELIMS = tuple(":/?#[]@")
_MAX_NATIVE_INTEGER = 10**21  # JSON-LD reads larger JSON numbers as xsd:double


class ContextSpeller:
    """Spells IRIs and literals as compaction with one JSON-LD context would, so that they expand back unchanged.

    Only the parts of JSON-LD 1.1 the kgraph context uses are understood:
    prefixes, terms with ``@id`` and ``@type`` coercion, keyword aliases, one
    ``@reverse`` term and ``@vocab``.
    """

    def __init__(self, context: dict[str, Any]) -> None:
        definitions: dict[str, Any] = context["@context"]
        self.vocab: str = definitions.get("@vocab", "")
        self.names = {name for name in definitions if not name.startswith("@")}
        self.prefixes: list[tuple[str, str]] = []
        self.properties: dict[str, tuple[str, str | None]] = {}
        self.reverse: dict[str, str] = {}
        by_iri: dict[str, str] = {}
        raw = {name: value for name, value in definitions.items() if not name.startswith("@")}
        for name in sorted(raw, key=lambda n: (len(n), n)):
            value = raw[name]
            if isinstance(value, str):
                if value.startswith("@"):
                    continue  # a keyword alias such as "id" or "type"
                iri = self._expand(value, raw)
                if iri.endswith(_GEN_DELIMS):
                    self.prefixes.append((name, iri))
                by_iri.setdefault(iri, name)
                continue
            if "@reverse" in value:
                self.reverse[self._expand(value["@reverse"], raw)] = name
                continue
            if value.get("@container") or "@language" in value:
                continue
            iri = self._expand(value["@id"], raw)
            coercion = value.get("@type")
            self.properties.setdefault(iri, (name, None if coercion is None else self._expand(coercion, raw)))
            by_iri[iri] = self.properties[iri][0]
        self.terms = by_iri
        self.prefixes.sort(key=lambda pair: len(pair[1]), reverse=True)

    @staticmethod
    def _expand(value: str, raw: dict[str, Any]) -> str:
        if value.startswith("@"):
            return value
        prefix, colon, suffix = value.partition(":")
        target = raw.get(prefix) if colon else None
        return target + suffix if isinstance(target, str) and not suffix.startswith("//") else value

    def node_id(self, node: Node) -> str:
        """An ``@id`` value: a compact IRI where a prefix fits (terms and @vocab do not apply to IDs)."""
        if isinstance(node, ox.BlankNode):
            return f"_:{node.value}"
        return self._compact(node.value) or node.value

    def vocab_term(self, iri: str) -> str:
        """A value read with vocabulary rules (``@type``, ``@vocab``-coerced terms): a term, or relative to @vocab."""
        if iri in self.terms:
            return self.terms[iri]
        if self.vocab and iri.startswith(self.vocab):
            suffix = iri[len(self.vocab) :]
            if suffix and ":" not in suffix and not suffix.startswith("@") and suffix not in self.names:
                return suffix
        return self._compact(iri) or iri

    def key(self, predicate: ox.NamedNode) -> tuple[str, str | None]:
        """The key a property is written under, and the ``@type`` coercion that key implies."""
        known = self.properties.get(predicate.value)
        return known if known is not None else (self.vocab_term(predicate.value), None)

    def _compact(self, iri: str) -> str | None:
        for name, prefix in self.prefixes:
            if iri.startswith(prefix) and len(iri) > len(prefix):
                suffix = iri[len(prefix) :]
                compact = f"{name}:{suffix}"
                if not suffix.startswith("//") and compact not in self.names:
                    return compact
        return None

    def reference(self, node: Node, coercion: str | None) -> Any:
        """A node written by ID under a key with ``coercion``."""
        if coercion == "@id":
            return self.node_id(node)
        if coercion == "@vocab":
            return f"_:{node.value}" if isinstance(node, ox.BlankNode) else self.vocab_term(node.value)
        return {"@id": self.node_id(node)}

    def literal(self, literal: ox.Literal, coercion: str | None) -> Any:
        """A literal, as a plain JSON value where the key's coercion or JSON's own types say the same thing."""
        lexical, datatype = literal.value, literal.datatype.value
        if literal.language:
            return {"@value": lexical, "@language": literal.language}
        if coercion is not None and coercion == datatype:
            return lexical
        if datatype == str(XSD.string):
            return lexical if coercion is None else {"@value": lexical}
        if coercion is None and datatype == str(XSD.boolean) and lexical in ("true", "false"):
            return lexical == "true"
        if coercion is None and datatype == str(XSD.integer) and _canonical_integer(lexical):
            return int(lexical)
        return {"@value": lexical, "@type": self.vocab_term(datatype)}


def _canonical_integer(lexical: str) -> bool:
    digits = lexical[1:] if lexical.startswith("-") else lexical
    return digits.isdigit() and (digits == "0" or not digits.startswith("0")) and int(digits) < _MAX_NATIVE_INTEGER


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


def _sort_key(term: Term) -> tuple[int, str, str]:
    if isinstance(term, ox.Literal):
        return (2, term.value, str(term))
    return (1 if isinstance(term, ox.BlankNode) else 0, term.value, "")


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
                (s for s in statements[claim].get(_SUBJECT, ()) if not isinstance(s, ox.Literal)), key=_sort_key
            )
            if about and self.claims_key is not None:
                self.claims_about[about[0]].append(claim)  # under one subject; "subject" still names them all
        self.top = set(self.events) | set(self.claims_about)
        self.embedded: set[Node] = set()

    def document(self) -> dict[str, Any]:
        """``{"@context", "@graph"}`` with events first, then other subjects of claims, then everything else."""
        graph = [self._top_node(node) for node in sorted(self.events, key=_sort_key)]
        others = set(self.claims_about) - set(self.events)
        graph += [self._top_node(node) for node in sorted(others, key=_sort_key)]
        placed = {claim for claims in self.claims_about.values() for claim in claims}
        homeless = self.claims - placed  # before the rest, so that what they embed is not written twice
        graph += [self._top_node(node) for node in sorted(homeless, key=_sort_key)]
        rest = set(self.statements) - self.top - self.claims - self.embedded
        graph += [self._top_node(node) for node in sorted(rest, key=_sort_key)]
        return {"@context": self.context["@context"], "@graph": graph}

    def _top_node(self, node: Node) -> dict[str, Any]:
        inside_claim = node in self.claims
        described = self._describe(node, frozenset({node}), inside_claim=inside_claim)
        claims = self.claims_about.get(node)
        if claims:
            described[self.claims_key] = [
                self._describe(claim, frozenset({node, claim}), inside_claim=True)
                for claim in sorted(claims, key=_sort_key)
            ]
        return described

    def _describe(self, node: Node, path: frozenset[Node], *, inside_claim: bool) -> dict[str, Any]:
        """The node's ID, its types, then its other properties by key, as a reader scans them."""
        described: dict[str, Any] = {"id": self.spell.node_id(node)}
        properties = dict(self.statements.get(node, {}))
        types = properties.pop(_TYPE, set())
        names = sorted(self.spell.reference(t, "@vocab") for t in types if not isinstance(t, ox.Literal))
        if names:
            described["type"] = _one_or_many(names)
        literal_types = {t for t in types if isinstance(t, ox.Literal)}
        if literal_types:
            properties[_TYPE] = literal_types  # rdf:type with a literal: written under its full IRI
        keyed = []
        for predicate, objects in properties.items():
            key, coercion = self.spell.key(predicate) if predicate != _TYPE else (predicate.value, None)
            keyed.append((key, coercion, predicate in _EMBEDDED_LINKS and inside_claim, objects))
        for key, coercion, embeds, objects in sorted(keyed, key=lambda item: item[0]):
            values = [self._value(o, coercion, path, embeds=embeds) for o in sorted(objects, key=_sort_key)]
            described[key] = _one_or_many(values)
        return described

    def _value(self, term: Term, coercion: str | None, path: frozenset[Node], *, embeds: bool) -> Any:
        if isinstance(term, ox.Literal):
            return self.spell.literal(term, coercion)
        if embeds and term in self.statements and term not in self.top and term not in self.claims and term not in path:
            self.embedded.add(term)
            return self._describe(term, path | {term}, inside_claim=True)
        return self.spell.reference(term, coercion)


def _one_or_many(values: list[Any]) -> Any:
    return values[0] if len(values) == 1 else values


def frame_events(quads: Iterable[ox.Quad], ontology: Iterable[ox.Quad], context: dict[str, Any]) -> dict[str, Any]:
    """The event frame of ``quads`` (the ontology graph's quads among them are left out).

    ``ontology`` gives the class hierarchy that says which nodes are events and claims.
    """
    return EventFrame(quads, ontology, context).document()
