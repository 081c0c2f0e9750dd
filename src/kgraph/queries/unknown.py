"""A parameter IRI that names nothing in the store: a warning, since the empty answer it gives says nothing.

``kgraph query disputes -p event=kgr:event/nonexistent`` answered 0 rows,
exactly as for an event without disputes; a mistyped slug looked like a
finding. So each IRI the caller gave is looked up (as subject or object, in
any graph) beside the query, whatever its answer: a streamed answer cannot
say it is empty before it is read. A lookup is an index probe per IRI,
tens of microseconds on the embedded store; values that come from a query's
``#+ defaults:`` are the author's and are not looked up.

It is a warning, not an error: an IRI absent from the store is a legal
value (a query may ask whether something is there), and the answer is still
right. The API issues :class:`UnknownIriWarning` through :mod:`warnings`
(filterable, or turned into errors with ``-W error``), the CLI prints it on
standard error. Parameters used as a ``SERVICE`` endpoint are never looked
up: an endpoint is not data.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pyoxigraph as ox

from .catalog import QueryText
from .lexer import tokens
from .syntax import may_call_service

_LOOKUP = "ASK { { ?_term_iri ?p ?o } UNION { ?s ?p ?_term_iri } }"


class UnknownIriWarning(UserWarning):
    """A parameter's IRI is neither subject nor object of any triple in the store."""


def unknown_iris(store: Any, query: QueryText, bound: Mapping[ox.Variable, Any], given: Iterable[str]) -> list[str]:
    """One message per given IRI parameter that names nothing in ``store``."""
    endpoints = _service_variables(query.text) if may_call_service(query.text) else set()
    by_name = {p.name: p for p in query.parameters}
    messages = []
    for name in given:
        parameter = by_name.get(name)
        if parameter is None or parameter.type != "iri" or parameter.variable in endpoints:
            continue
        term = bound.get(ox.Variable(parameter.variable))
        if isinstance(term, ox.NamedNode) and not _named(store, term):
            messages.append(
                f"parameter {name!r}: <{term.value}> names nothing in the store, so it matches nothing "
                "(check its spelling: a full IRI, or a kgr:/kg: prefixed name)"
            )
    return messages


def _named(store: Any, term: ox.NamedNode) -> bool:
    return bool(store.query(_LOOKUP, {ox.Variable("_term_iri"): term}, form="ASK"))


def _service_variables(text: str) -> set[str]:
    """Variables written as a SERVICE target (``SERVICE [SILENT] ?var``)."""
    found = [t for t in tokens(text) if t.kind != "string"]
    names: set[str] = set()
    for index, token in enumerate(found):
        if token.kind == "word" and token.value.upper() == "SERVICE":
            following = [t for t in found[index + 1 : index + 3] if t.value.upper() != "SILENT"]
            if following and following[0].kind == "var":
                names.add(following[0].value)
    return names
