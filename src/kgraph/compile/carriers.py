"""The carrier of a file's claims: a card's ``source:`` or a reference file's ``dataset:``, checked and described.

The carrier's facts (title, date, URL, the pinned text) are what every quote
of the card points back to, so a misspelt key or a bad value here must stop
the build rather than be dropped or written as a broken IRI.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS

from ..errors import CardError, Location
from ..namespaces import KG, SCHEMA
from ..yamlfile import line_of
from .quotes import TextLibrary
from .registry import AGENTS, SECTION_KINDS, Registry
from .values import date_literal, flag, known_keys, language, optional_text, sha256, text, text_file_name, url, word
from .vocab import SOURCE_KINDS, TEXTUAL_SOURCE_KINDS

# Every key a file may hold (docs/cards.md); any other is a typo whose data would be silently dropped.
CARD_KEYS = frozenset({"card", "curator", "curated", "source", "claims", *SECTION_KINDS})
REFERENCE_KEYS = frozenset({"dataset", *SECTION_KINDS})
SOURCE_KEYS = frozenset(
    {"id", "kind", "title", "published", "publisher", "publisher_verified", "url", "language", "text", "note"}
)
TEXT_KEYS = frozenset({"file", "sha256"})
DATASET_KEYS = frozenset({"id", "title", "maintainer", "version", "note"})


@dataclass(frozen=True)
class Carrier:
    iri: URIRef
    source_id: str
    language: str
    text: str | None = None
    text_file: str | None = None


def key_at(path: Path, mapping: Mapping[str, Any]) -> Callable[[Any], Location]:
    """The location of a key of ``mapping``, for messages that point at one key."""
    return lambda key: Location(path, line_of(mapping, key))


def check_card_keys(path: Path, document: Mapping[str, Any]) -> Mapping[str, Any]:
    """Pass 1: a card's own keys, its ``source:`` and ``source: text:`` keys; returns the source mapping."""
    known_keys(document, CARD_KEYS, "a source card", key_at(path, document))
    source = document.get("source")
    if not isinstance(source, Mapping):
        raise CardError("expected a 'source:' mapping describing the carrier", Location(path, line_of(document)))
    known_keys(source, SOURCE_KEYS, "'source:'", key_at(path, source))
    text_spec = source.get("text")
    if text_spec is not None and not isinstance(text_spec, Mapping):
        raise CardError("expected 'text:' as {file: NAME, sha256: HASH}", Location(path, line_of(source, "text")))
    if isinstance(text_spec, Mapping):
        known_keys(text_spec, TEXT_KEYS, "'source: text:'", key_at(path, text_spec))
    return source


def check_reference_keys(path: Path, document: Mapping[str, Any]) -> Mapping[str, Any]:
    """Pass 1: a reference file's keys and its ``dataset:`` keys; returns the dataset mapping."""
    known_keys(document, REFERENCE_KEYS, "a reference file", key_at(path, document))
    dataset = document.get("dataset")
    if not isinstance(dataset, Mapping):
        raise CardError("expected a 'dataset:' mapping (id, title, maintainer)", Location(path, 1))
    known_keys(dataset, DATASET_KEYS, "'dataset:'", key_at(path, dataset))
    return dataset


def add_text(
    graph: Graph, node: URIRef, predicate: URIRef, value: object, lang: str, what: str, where: Location
) -> None:
    """Free text with its whitespace folded; nothing when the value is absent or empty."""
    words = optional_text(value, what, where)
    if words:
        graph.add((node, predicate, Literal(" ".join(words.split()), lang=lang)))


def describe_source(
    graph: Graph, source: Mapping[str, Any], path: Path, registry: Registry, texts: TextLibrary
) -> Carrier:
    """A card's carrier, with the text its quotes are checked against when a text folder holds it."""
    at = key_at(path, source)
    kind = source.get("kind", "news-article")
    source_class = word(kind, SOURCE_KINDS, "source kind", at("kind"))
    carrier = registry.resolve(source["id"], ("source",), at("id")).iri
    text_spec = source.get("text") or {}
    pinned = sha256(text_spec["sha256"], key_at(path, text_spec)("sha256")) if "sha256" in text_spec else None
    text_file = source_text = None
    if text_spec.get("file") is not None:
        text_file = text_file_name(text_spec["file"], key_at(path, text_spec)("file"))
        source_text = texts.text_for(text_file, pinned, at("text"))
    lang = language(source.get("language", "en"), at("language"))
    graph.add((carrier, RDF.type, source_class))
    if kind in TEXTUAL_SOURCE_KINDS:
        graph.add((carrier, RDF.type, KG.TextualSource))
    add_text(graph, carrier, DCTERMS.title, source.get("title"), lang, "the source's title", at("title"))
    if "published" in source:
        graph.add((carrier, KG.publishedOn, date_literal(source["published"], at("published"))))
    if "publisher" in source:
        graph.add((carrier, KG.publisher, registry.resolve(source["publisher"], ("org",), at("publisher")).iri))
    if "publisher_verified" in source:
        verified = flag(source["publisher_verified"], "publisher_verified", at("publisher_verified"))
        graph.add((carrier, KG.publisherVerified, Literal(verified)))
    if "url" in source:
        graph.add((carrier, SCHEMA.url, url(source["url"], at("url"))))
    graph.add((carrier, DCTERMS.language, Literal(lang)))
    if text_file is not None:
        graph.add((carrier, KG.textFile, Literal(text_file)))
        if pinned:
            graph.add((carrier, KG.textSha256, Literal(pinned)))
    add_text(graph, carrier, RDFS.comment, source.get("note"), "en", "the source's note", at("note"))
    return Carrier(carrier, str(source["id"]), lang, source_text, text_file)


def describe_dataset(graph: Graph, dataset: Mapping[str, Any], path: Path, registry: Registry) -> Carrier:
    """A reference file's carrier: the dataset, which also carries its maintainer's claims."""
    at = key_at(path, dataset)
    carrier = registry.resolve(dataset["id"], ("source",), at("id")).iri
    graph.add((carrier, RDF.type, KG.Dataset))
    add_text(graph, carrier, DCTERMS.title, dataset.get("title"), "en", "the dataset's title", at("title"))
    add_text(graph, carrier, RDFS.comment, dataset.get("note"), "en", "the dataset's note", at("note"))
    if "version" in dataset:
        graph.add((carrier, SCHEMA.version, Literal(text(dataset["version"], "the version", at("version")))))
    if "maintainer" in dataset:
        graph.add((carrier, KG.maintainer, registry.resolve(dataset["maintainer"], AGENTS, at("maintainer")).iri))
    return Carrier(carrier, str(dataset["id"]), "en")
