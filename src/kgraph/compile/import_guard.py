"""What an RDF import may state, so that ``kgraph import`` cannot forge provenance.

A card is compiled by kgraph, which writes the facts that make a claim
trustworthy: the claim's IRI under its card, its carrier, its quote and whether
that quote was found at its offsets. An import is anybody's file, read as
it is. Before it joins the build it must keep these rules:

1. **Only kgraph sets kgraph's own facts.**

   - ``kg:offsetsVerified`` is never accepted from a file: kgraph checks the
     import's quotes against the texts, as it checks a card's, and writes the
     outcome itself (``import_quotes``).
   - The ontology is kgraph's: no statement has a ``kg:`` term as subject, and
     no schema axiom (``rdfs:subClassOf``, ``rdfs:subPropertyOf``,
     ``rdfs:domain``, ``rdfs:range`` or any ``owl:`` property) has one as
     object. ``kg:Settlement rdfs:subClassOf kg:War`` would change every query
     that asks for wars. An import may type its own nodes with ``kg:`` classes.
   - Source-graph metadata (``a kg:SourceGraph``, ``kg:describesSource``,
     ``kg:fromCard``) is stated only about the import's own graph node
     ``kgr:graph/import/<slug>``, with ``kg:fromCard "imports/<file name>"``
     (where the build keeps the file) and a source the import itself
     describes. That is what ``kgraph import-ucdp`` writes.

2. **An import writes in its own namespace.** Its slug is the last segment of
   its graph (``evil.nt`` → ``evil``). As subjects it may use its own IRIs
   anywhere outside ``kgr:``, and inside ``kgr:``:

   - ``kgr:<kind>/<slug>/…`` for the per-card kinds (claims, quotes, figures,
     time spans, names, …) and ``kgr:record/<slug>``; another card's or
     import's (``kgr:claim/founding-article/…``) never;
   - of ``kgr:graph/…`` only its own graph node;
   - entity IRIs ``kgr:<kind>/<id>`` that no card or reference file defines
     (two UCDP releases both declare ``kgr:org/ucdp``);
   - of a node that a card or reference file defines: never a source; for an
     event, place, group or person only claimed properties (the plain triples
     of claims), which the shapes then require to be backed by a claim that
     is not deprecated, which the import can only make in its own namespace.

3. **Evidence is the import's own.** The objects of ``kg:carriedBy``,
   ``oa:hasSource``, ``kg:describesSource``, ``kg:quote``, ``oa:hasSelector``
   and ``kg:corrects`` are nodes that this import describes and no card,
   reference file or other import does. Decision: a claim carried by
   ``kgr:source/founding-article`` is a forgery even when the claim's IRI is
   the import's own. One source is described by one file (two cards cannot
   share a source either), and ``source-audit`` lists a source's quotes as
   that source's. An import that quotes the founding article describes a
   source of its own with ``kg:textFile "founding-article.txt"``: its quotes
   are checked against that text and listed under the import's source.

4. **Restating is not forging.** A triple that a card or reference file
   compiled, or that the ontology holds, word for word, adds nothing, so a
   kgraph export of a card imports back. Any triple about those nodes that
   is not already there is refused by the rules above.

Any other node may be an object: a claim of the import may be about a card's
event, name a card's claimant or count a card's group, because the claim is
the import's, carried by the import's source.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pyoxigraph as ox
from rdflib import Dataset
from rdflib.namespace import OWL, RDF, RDFS

from ..namespaces import KG, KGR, OA, PREFIXES
from ..resources import ontology_file

KG_NS, KGR_NS, OWL_NS = str(KG), str(KGR), str(OWL)
RDF_TYPE = str(RDF.type)
OFFSETS_VERIFIED = str(KG.offsetsVerified)
SOURCE_GRAPH = ox.NamedNode(str(KG.SourceGraph))
FROM_CARD = str(KG.fromCard)
GRAPH_METADATA = frozenset({str(KG.describesSource), FROM_CARD})
SCHEMA_PREDICATES = frozenset(str(p) for p in (RDFS.subClassOf, RDFS.subPropertyOf, RDFS.domain, RDFS.range))
EVIDENCE_LINKS = frozenset(
    str(p) for p in (KG.carriedBy, OA.hasSource, KG.describesSource, KG.quote, OA.hasSelector, KG.corrects)
)
# IRI kinds that CardContext.node and claim_iri put under a card: kgr:<kind>/<card>/<claim>…
PER_CARD_KINDS = frozenset({"claim", "quote", "time", "figure", "participation", "name", "geometry", "record"})
IMPORT_GRAPHS = KGR_NS + "graph/import/"
OWN_EVIDENCE = "evidence of the import's own: a source, quote, selector or claim that this file describes"


@dataclass(frozen=True)
class CompiledFacts:
    """What cards, reference files and the ontology state: restating it is harmless, changing it is not."""

    triples: frozenset[ox.Triple]
    owners: dict[ox.NamedNode | ox.BlankNode, str]  # subject -> ID of the card or reference file defining it

    @classmethod
    def of(cls, dataset: Dataset) -> CompiledFacts:
        return cls.of_nquads(dataset.serialize(format="nquads", encoding="utf-8"))

    @classmethod
    def of_nquads(cls, data: bytes) -> CompiledFacts:
        """The facts of compiled cards and reference files given as N-Quads (import graphs are skipped)."""
        triples = set(_ontology_triples(str(ontology_file())))
        owners: dict[ox.NamedNode | ox.BlankNode, str] = {}
        for quad in ox.parse(data, format=ox.RdfFormat.N_QUADS):
            graph = quad.graph_name
            if isinstance(graph, ox.NamedNode) and graph.value.startswith(IMPORT_GRAPHS):
                continue
            triples.add(quad.triple)
            if isinstance(graph, ox.NamedNode):
                owners.setdefault(quad.subject, graph.value.removeprefix(KGR_NS + "graph/"))
        return cls(frozenset(triples), owners)


@dataclass
class ImportFile:
    """One parsed import: its file, its graph, its statements and the nodes it describes."""

    path: Path
    graph: ox.NamedNode
    quads: list[ox.Quad]
    subjects: set[object] = field(init=False)

    def __post_init__(self) -> None:
        self.subjects = {quad.subject for quad in self.quads}

    @property
    def slug(self) -> str:
        return self.graph.value.removeprefix(IMPORT_GRAPHS)


@dataclass(frozen=True)
class Refusal:
    """The first statement of an import that breaks a rule, why, and what was expected instead."""

    triple: ox.Triple
    reason: str
    expected: str

    @property
    def message(self) -> str:
        t = self.triple
        return f"{self.reason} ({short(t.subject)} {short(t.predicate)} {short(t.object)}); expected {self.expected}"


def check_import(item: ImportFile, known: CompiledFacts, imports: Sequence[ImportFile]) -> Refusal | None:
    """The first statement of ``item`` that an import may not make, or None when it keeps every rule."""
    judge = _Judge(item, known, imports, claimed_properties())
    for quad in item.quads:
        found = judge.statement(quad.subject, quad.predicate, quad.object)
        if found is not None and quad.triple not in known.triples:
            return Refusal(quad.triple, *found)
    return None


class _Judge:
    def __init__(
        self, item: ImportFile, known: CompiledFacts, imports: Sequence[ImportFile], claimed: frozenset[str]
    ) -> None:
        self.item, self.known, self.imports, self.claimed = item, known, imports, claimed

    def statement(self, s: object, p: ox.NamedNode, o: object) -> tuple[str, str] | None:
        """``(reason, expected)`` when the statement breaks a rule."""
        predicate = p.value
        if predicate == OFFSETS_VERIFIED:
            return (
                "kg:offsetsVerified is kgraph's own finding",
                "no kg:offsetsVerified in an import: kgraph checks each quote against its text and records it",
            )
        if isinstance(s, ox.NamedNode) and s.value.startswith(KG_NS):
            return (
                f"{short(s)} is a term of kgraph's ontology, which only kgraph describes",
                "statements about the import's own nodes",
            )
        if _is_axiom_about_kg(predicate, o):
            return (
                f"an axiom about kgraph's ontology term {short(o)}",
                "data, not axioms: the ontology is kgraph's (type your own nodes with kg: classes instead)",
            )
        found = self._graph_metadata(s, predicate, o)
        if found is None and isinstance(s, ox.NamedNode) and s.value.startswith(KGR_NS):
            found = self._namespace(s, predicate)
        if found is None and predicate in EVIDENCE_LINKS:
            found = self._evidence(o)
        return found

    def _graph_metadata(self, s: object, predicate: str, o: object) -> tuple[str, str] | None:
        if not (predicate in GRAPH_METADATA or (predicate == RDF_TYPE and o == SOURCE_GRAPH)):
            return None
        own = short(self.item.graph)
        if s != self.item.graph:
            return "source-graph metadata is kgraph's", f"such statements only about the import's own graph node {own}"
        where = f"imports/{self.item.path.name}"
        if predicate == FROM_CARD and not (isinstance(o, ox.Literal) and o.value == where):
            return "the file a graph comes from is where the build keeps it", f'kg:fromCard "{where}" on {own}'
        return None

    def _namespace(self, s: ox.NamedNode, predicate: str) -> tuple[str, str] | None:
        segments = s.value[len(KGR_NS) :].split("/")
        kind, slug = segments[0], self.item.slug
        if kind == "graph":
            if s == self.item.graph:
                return None
            return (
                f"{short(s)} is the graph node of another card or import",
                f"statements about the import's own graph node {short(self.item.graph)} only",
            )
        if kind in PER_CARD_KINDS or len(segments) > 2:
            owner = segments[1] if len(segments) > 1 else ""
            if owner == slug:
                return None
            return (
                f"{short(s)} lies in the namespace of {owner!r}, not of this import",
                f"nodes of the import's own: kgr:{kind}/{slug}/… or IRIs outside kgr:",
            )
        owner = self.known.owners.get(s)
        if owner is None:
            return None
        if kind == "source":
            return (
                f"{short(s)} is the source of {owner!r}, described by that file alone",
                "a source of the import's own to carry its claims",
            )
        if predicate in self.claimed:
            return None  # the plain triple of a claim; the shapes require the claim
        return (
            f"{short(s)} is defined by {owner!r}",
            "only claimed properties (each backed by a claim of the import's own) about a node a card defines",
        )

    def _evidence(self, o: object) -> tuple[str, str] | None:
        owner = self.known.owners.get(o)  # type: ignore[arg-type]
        if owner is not None:
            return f"{short(o)} is evidence of {owner!r}", OWN_EVIDENCE
        if o not in self.item.subjects:
            return f"{short(o)} is not described in this import", OWN_EVIDENCE
        other = next((x for x in self.imports if x is not self.item and o in x.subjects), None)
        if other is not None:
            return f"{short(o)} is also described by the import {other.path.name}", OWN_EVIDENCE
        return None


def _is_axiom_about_kg(predicate: str, o: object) -> bool:
    if not (isinstance(o, ox.NamedNode) and o.value.startswith(KG_NS)):
        return False
    return predicate in SCHEMA_PREDICATES or predicate.startswith(OWL_NS)


def short(term: object) -> str:
    """A term as a reader of the message knows it: ``kgr:claim/…`` rather than the full IRI."""
    if isinstance(term, ox.NamedNode):
        for prefix, namespace in PREFIXES.items():
            if term.value.startswith(namespace):
                return f"{prefix}:{term.value[len(namespace) :]}"
    return str(term)


@cache
def _ontology_triples(path: str) -> frozenset[ox.Triple]:
    return frozenset(q.triple for q in ox.parse(path=path, format=ox.RdfFormat.TURTLE))


def claimed_properties() -> frozenset[str]:
    """Properties whose plain triples must be backed by claims (``a kg:ClaimedProperty`` in the ontology)."""
    claimed = ox.NamedNode(str(KG.ClaimedProperty))
    return frozenset(
        t.subject.value
        for t in _ontology_triples(str(ontology_file()))
        if t.predicate.value == RDF_TYPE and t.object == claimed and isinstance(t.subject, ox.NamedNode)
    )
