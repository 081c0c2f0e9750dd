"""Every ID in data/ is defined once; the registry finds duplicates and unknown references.

A first pass over all files fills it, so that a card may refer to a place
defined in the reference data or in another card, in any order.
"""

from __future__ import annotations

from rdflib import URIRef

from ..errors import CardError, Location
from ..namespaces import entity_iri
from .values import slug as checked_slug

# The YAML section an entity comes from decides its kind and the IRI path.
SECTION_KINDS: dict[str, str] = {
    "events": "event",
    "places": "place",
    "groups": "group",
    "organisations": "org",
    "persons": "person",
}


class Entity:
    """One defined ID. Its IRI is made when first asked for: a build over a large dataset registers every
    ID of every card (100,000 events), but only the cards it compiles resolve any."""

    __slots__ = ("_iri", "kind", "location", "slug")

    def __init__(self, slug: str, kind: str, location: Location) -> None:
        self.slug, self.kind, self.location = slug, kind, location
        self._iri: URIRef | None = None

    @property
    def iri(self) -> URIRef:
        if self._iri is None:
            self._iri = entity_iri(self.kind, self.slug)
        return self._iri

    def __repr__(self) -> str:
        return f"Entity({self.slug!r}, {self.kind!r}, {self.location})"


class Registry:
    def __init__(self) -> None:
        self._entities: dict[str, Entity] = {}
        # While a file compiles, the (slug, kind) of each entity it resolves: what its cached output depends on.
        self.used: set[tuple[str, str]] | None = None

    def kind_of(self, slug: str) -> str | None:
        entity = self._entities.get(slug)
        return entity.kind if entity is not None else None

    def define(self, slug: object, kind: str, location: Location) -> Entity:
        slug = checked_slug(slug, "an ID", location)
        if slug in self._entities:
            first = self._entities[slug].location
            raise CardError(f"duplicate ID {slug!r}: already defined at {first}", location)
        entity = Entity(slug, kind, location)
        self._entities[slug] = entity
        return entity

    def define_known(self, slug: str, kind: str, location: Location) -> None:
        """An ID a cached compile of the same bytes already checked: only duplicates are looked for again."""
        if slug in self._entities:
            first = self._entities[slug].location
            raise CardError(f"duplicate ID {slug!r}: already defined at {first}", location)
        self._entities[slug] = Entity(slug, kind, location)

    def resolve(self, slug: object, kinds: tuple[str, ...], location: Location) -> Entity:
        """Find an entity of one of ``kinds``; the error says what kind was expected."""
        wanted = " or ".join(kinds)
        if not isinstance(slug, str):
            raise CardError(f"expected the ID of a {wanted}, got {slug!r}", location)
        entity = self._entities.get(slug)
        if entity is None:
            raise CardError(f"unknown {wanted} {slug!r}: no file in data/ defines it", location)
        if entity.kind not in kinds:
            raise CardError(f"{slug!r} is a {entity.kind}, expected a {wanted}", location)
        if self.used is not None:
            self.used.add((slug, entity.kind))
        return entity

    def __iter__(self):
        return iter(self._entities.values())


ANY_ENTITY = ("event", "place", "group", "org", "person", "source")
AGENTS = ("org", "person", "group")
