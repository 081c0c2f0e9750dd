"""The ontology as the compiler sees it: which class names are allowed where.

The ontology file is the single source of truth for types, so a card cannot
use an event type the ontology does not declare.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import RDFS

from .namespaces import KG
from .resources import ontology_file, parse_turtle_resource

KIND_BASES: dict[str, URIRef] = {
    "event": KG.Event,
    "place": KG.Place,
    "group": KG.PeopleGroup,
    "org": KG.Organisation,
    "person": KG.Person,
}


class OntologyIndex:
    def __init__(self, graph: Graph) -> None:
        self.graph = graph

    def is_subclass(self, cls: URIRef, base: URIRef) -> bool:
        return cls == base or base in set(self.graph.transitive_objects(cls, RDFS.subClassOf))

    def class_for(self, name: str, kind: str) -> URIRef | None:
        """The kg: class called ``name`` if it is a kind of ``kind``'s base class."""
        cls = KG[name]
        return cls if self.is_subclass(cls, KIND_BASES[kind]) else None

    def classes_of(self, kind: str) -> list[str]:
        base = KIND_BASES[kind]
        return sorted(
            str(s).removeprefix(str(KG))
            for s in set(self.graph.transitive_subjects(RDFS.subClassOf, base))
            if str(s).startswith(str(KG))
        )


@cache
def load_ontology(path: Path | None = None) -> OntologyIndex:
    return OntologyIndex(parse_turtle_resource(path or ontology_file()))
