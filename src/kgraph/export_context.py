"""Spelling RDF terms as JSON-LD compaction with ``ontology/context.jsonld`` would, without running a JSON-LD processor.

Both JSON-LD exports (the compacted dataset in ``export_jsonld`` and the event
frame in ``export_frame``) write their nodes one at a time straight from the
store's quads. Running pyld's ``from_rdf`` and ``compact`` over the whole store
instead was 41x pyoxigraph's own writer on the founding data and did not finish
in 400 s at 1,000 events. What makes the hand-written nodes safe is that every
key, ID, ``@type`` and value is spelled here by the rules compaction uses, so
the document expands back to exactly the triples it was written from.

Two corners need care that compaction itself gets wrong or refuses:

- an absolute IRI whose scheme is one of the context's prefixes (``geo:40.1,49.8``,
  ``kg:thing``) would be read back as a compact IRI. The node that mentions it
  gets a scoped ``"@context": {"geo": null}`` and is spelled without that prefix;
- a literal becomes a plain JSON value only where the key's coercion, or
  JSON's own types, say the same thing (``xsd:integer``, ``xsd:boolean``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from functools import cache
from typing import IO, Any

import pyoxigraph as ox

from .resources import context_file

Node = ox.NamedNode | ox.BlankNode
Term = ox.NamedNode | ox.BlankNode | ox.Literal

_GEN_DELIMS = tuple(":/?#[]@")
_MAX_NATIVE_INTEGER = 10**21  # JSON-LD reads larger JSON numbers as xsd:double
_XSD = "http://www.w3.org/2001/XMLSchema#"
_XSD_STRING, _XSD_BOOLEAN, _XSD_INTEGER = _XSD + "string", _XSD + "boolean", _XSD + "integer"


@cache
def kgraph_context() -> dict[str, Any]:
    """``ontology/context.jsonld`` as JSON, read once."""
    return json.loads(context_file().read_text(encoding="utf-8"))


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
        self.prefix_names = frozenset(name for name, _iri in self.prefixes)
        self._ids: dict[str, str] = {}
        self._scoped: dict[frozenset[str], ContextSpeller] = {}

    @staticmethod
    def _expand(value: str, raw: dict[str, Any]) -> str:
        if value.startswith("@"):
            return value
        prefix, colon, suffix = value.partition(":")
        target = raw.get(prefix) if colon else None
        return target + suffix if isinstance(target, str) and not suffix.startswith("//") else value

    def confusable(self, iri: str) -> str | None:
        """The prefix an absolute IRI would be mistaken for (``geo`` for ``geo:40,49``), or None."""
        scheme, colon, rest = iri.partition(":")
        return scheme if colon and scheme in self.prefix_names and not rest.startswith("//") else None

    def without(self, prefixes: frozenset[str]) -> ContextSpeller:
        """A speller for a node whose scoped context sets ``prefixes`` to null: it never writes them."""
        scoped = self._scoped.get(prefixes)
        if scoped is None:
            scoped = object.__new__(ContextSpeller)
            scoped.__dict__.update(self.__dict__)
            scoped.prefixes = [(name, iri) for name, iri in self.prefixes if name not in prefixes]
            scoped.prefix_names = self.prefix_names - prefixes
            scoped._ids, scoped._scoped = {}, {}
            self._scoped[prefixes] = scoped
        return scoped

    def node_id(self, node: Node) -> str:
        """An ``@id`` value: a compact IRI where a prefix fits (terms and @vocab do not apply to IDs)."""
        if isinstance(node, ox.BlankNode):
            return f"_:{node.value}"
        iri = node.value
        spelled = self._ids.get(iri)
        if spelled is None:
            spelled = self._compact(iri) or iri
            if len(self._ids) < 100_000:  # claimants, places, graphs: the few IRIs every node names
                self._ids[iri] = spelled
        return spelled

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
        if datatype == _XSD_STRING:
            return lexical if coercion is None else {"@value": lexical}
        if coercion is None and datatype == _XSD_BOOLEAN and lexical in ("true", "false"):
            return lexical == "true"
        if coercion is None and datatype == _XSD_INTEGER and _canonical_integer(lexical):
            return int(lexical)
        return {"@value": lexical, "@type": self.vocab_term(datatype)}


def confused_prefixes(spell: ContextSpeller, subject: Node, properties: dict[ox.NamedNode, Any]) -> frozenset[str]:
    """The prefixes a node's own ID, keys or referenced IRIs would be mistaken for; usually none."""
    iris = [term.value for term in (subject, *properties) if isinstance(term, ox.NamedNode)]
    for values in properties.values():
        for value in values:
            if isinstance(value, ox.NamedNode):
                iris.append(value.value)
            elif isinstance(value, ox.Literal):
                iris.append(value.datatype.value)
    confusable = spell.confusable
    return frozenset(prefix for iri in iris if (prefix := confusable(iri)))


def _canonical_integer(lexical: str) -> bool:
    digits = lexical[1:] if lexical.startswith("-") else lexical
    return digits.isdigit() and (digits == "0" or not digits.startswith("0")) and int(digits) < _MAX_NATIVE_INTEGER


def sort_key(term: Term) -> tuple[int, str, str]:
    """IRIs, then blank nodes, then literals, each by value: the order nodes and values are written in."""
    if isinstance(term, ox.Literal):
        return (2, term.value, str(term))
    return (1 if isinstance(term, ox.BlankNode) else 0, term.value, "")


def one_or_many(values: list[Any]) -> Any:
    return values[0] if len(values) == 1 else values


def write_document(out: IO[bytes], context: dict[str, Any], items: Iterable[Any]) -> None:
    """``{"@context": ..., "@graph": [...]}`` written one item (one line) at a time, so no document is held whole."""
    out.write(b'{\n  "@context": ')
    out.write(dumps(context["@context"]).encode("utf-8"))
    out.write(b',\n  "@graph": [')
    for index, chunk in enumerate(_encoded(items)):
        out.write(b"\n    " if index == 0 else b",\n    ")
        out.write(chunk)
    out.write(b"\n  ]\n}\n")


def _encoded(items: Iterable[Any]) -> Iterator[bytes]:
    for item in items:
        yield item if isinstance(item, bytes) else dumps(item).encode("utf-8")


def dumps(value: Any) -> str:
    """Compact JSON text (the C encoder; it only runs without ``indent``), non-ASCII kept as is."""
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))
