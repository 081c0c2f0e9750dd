"""Parameters for engines reached over HTTP, which have no way to pre-bind a variable.

The embedded store binds parameters the way Oxigraph's substitutions do:
the variable *is* the value wherever the query pattern uses it. The SPARQL
1.1 Protocol carries only query text, so for a remote engine the same
substitution is made in the text: each use of the parameter variable inside
the WHERE group becomes the RDF term, and its place in the SELECT clause
becomes ``(term AS ?variable)`` so the column is still there.

A first version put the values in a ``VALUES`` block instead. Its meaning
differs (a block joins the outer group only, so a parameter used inside a
UNION branch or a property path is unbound there), and Virtuoso rejected
one stored query with an internal compiler error; substitution gives every
engine the query the embedded store runs.

The terms are never user text: pyoxigraph has validated each IRI and
escaped each literal, and writes them in N-Triples syntax, which SPARQL
reads unchanged, so a value cannot end a term and add query code. The
scanner that finds variables skips comments, strings and IRIs; a parameter
must not be re-projected by a sub-SELECT (none of the stored queries does).
"""

from __future__ import annotations

from collections.abc import Mapping

import pyoxigraph as ox

from .errors import QueryError
from .lexer import VARIABLE_CHARS, line_end, looks_like_iri, skip, string_end

_WORD_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-"
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def substitute_parameters(text: str, bindings: Mapping[ox.Variable, ox.NamedNode | ox.Literal]) -> str:
    """``text`` with each bound parameter replaced by its term; unchanged without bindings."""
    if not bindings:
        return text
    terms = {variable.value: _term(term) for variable, term in bindings.items()}
    columns = {variable.value: _column(term) for variable, term in bindings.items()}
    group_start = where_group_start(text)
    group_end = _group_end(text, group_start - 1)
    select_start = _select_keyword_end(text, group_start)
    pieces: list[str] = []
    depth = 0  # parentheses in the SELECT clause: a bare ?var is a column, inside ( ) it is a value
    index = 0
    while index < len(text):
        skipped = skip(text, index)
        if skipped > index:
            pieces.append(text[index:skipped])
            index = skipped
            continue
        char = text[index]
        if char in "?$" and index + 1 < len(text) and text[index + 1] in VARIABLE_CHARS:
            end = index + 1
            while end < len(text) and text[end] in VARIABLE_CHARS:
                end += 1
            name = text[index + 1 : end]
            in_projection = select_start is not None and select_start <= index < group_start
            in_pattern = index < group_end and (select_start is None or index >= group_start)
            if name not in terms or not (in_projection or in_pattern):
                pieces.append(text[index:end])
            elif in_projection and depth == 0:
                pieces.append(f"({columns[name]} AS ?{name})")
            else:
                pieces.append(terms[name])
            index = end
            continue
        depth += {"(": 1, ")": -1}.get(char, 0) if select_start is not None and index < group_start else 0
        pieces.append(char)
        index += 1
    return "".join(pieces)


def _term(term: object) -> str:
    if not isinstance(term, ox.NamedNode | ox.Literal):
        raise QueryError(f"a parameter must be an IRI or a literal, not {term!r}")
    return str(term)  # N-Triples form: IRI checked at construction, literal escaped


def _column(term: ox.NamedNode | ox.Literal) -> str:
    """The term as a SELECT expression. A typed literal is built with STRDT: Virtuoso cannot sort or
    de-duplicate rows holding a constant xsd:decimal column, but can when the constant is computed."""
    if isinstance(term, ox.Literal) and not term.language and term.datatype.value != _XSD_STRING:
        return f"STRDT({ox.Literal(term.value)}, {term.datatype})"
    return _term(term)


def _select_keyword_end(text: str, limit: int) -> int | None:
    """Where a SELECT query's projection starts (after the keyword), or None for the other forms."""
    index = 0
    while index < limit:
        skipped = skip(text, index)
        if skipped > index:
            index = skipped
            continue
        if text[index].isalpha() and (index == 0 or text[index - 1] not in _WORD_CHARS + "?$:"):
            end = index
            while end < len(text) and text[end] in _WORD_CHARS:
                end += 1
            if text[index:end].upper() == "SELECT":
                return end
            index = end
            continue
        index += 1
    return None


def where_group_start(text: str) -> int:
    """The index just after the ``{`` that opens the query's WHERE clause.

    That is the first ``{`` after a top-level ``WHERE`` keyword or, for the
    forms that may leave the keyword out (``ASK {``, ``SELECT * {``), the
    first ``{`` at all; a CONSTRUCT template's braces come before its WHERE.
    """
    seen_where = False
    index = 0
    construct = False
    while index < len(text):
        char = text[index]
        if char == "#":
            index = line_end(text, index)
        elif char in "\"'":
            index = string_end(text, index)
        elif char == "<" and looks_like_iri(text, index):
            index = text.index(">", index) + 1
        elif char == "{":
            if seen_where or not construct:
                return index + 1
            index = _group_end(text, index)
        elif char.isalpha() and (index == 0 or text[index - 1] not in _WORD_CHARS + "?$:"):
            end = index
            while end < len(text) and text[end] in _WORD_CHARS:
                end += 1
            word = text[index:end].upper() if text[end : end + 1] != ":" else ""  # "where:" is a prefix
            seen_where = seen_where or word == "WHERE"
            construct = construct or word == "CONSTRUCT"
            index = end
        else:
            index += 1
    raise QueryError("the query has no WHERE group to take parameters")


def _group_end(text: str, index: int) -> int:
    """Skip a CONSTRUCT template, whose braces hold triples but no nested groups worth scanning."""
    depth = 0
    while index < len(text):
        char = text[index]
        if char in "\"'":
            index = string_end(text, index)
            continue
        if char == "<" and looks_like_iri(text, index):
            index = text.index(">", index) + 1
            continue
        if char == "#":
            index = line_end(text, index)
            continue
        depth += {"{": 1, "}": -1}.get(char, 0)
        index += 1
        if depth == 0:
            return index
    raise QueryError("the query has an unclosed {")
