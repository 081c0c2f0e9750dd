"""A SPARQL syntax error as one line: where (file:line:column) and what was expected there.

rdflib's parser is pyparsing's, whose message lists grammar rules
(``Expected {SelectQuery | ConstructQuery | …}``) and repeats the position
three ways. A user needs the place and a hint in words; the grammar stays
out of the message.
"""

from __future__ import annotations

import re

from pyparsing import ParseBaseException

from .errors import QueryError
from .lexer import tokens

_QUERY_FORMS = ("SelectQuery", "ConstructQuery", "DescribeQuery", "AskQuery")
_UNKNOWN_PREFIX = re.compile(r"Unknown namespace prefix : (\S*)")


def syntax_error(text: str, origin: str, error: Exception) -> QueryError:
    """The QueryError for ``error``, raised by rdflib while parsing ``text`` (read from ``origin``)."""
    if isinstance(error, ParseBaseException):
        found = str(getattr(error, "found", "") or "").strip() or "end of text"
        return QueryError(f"{origin}:{error.lineno}:{error.col}: not valid SPARQL: {_hint(error.msg, found)}")
    message = " ".join(str(error).split())[:200]
    prefix = _UNKNOWN_PREFIX.match(message)
    if prefix:
        place = _first_use(text, prefix.group(1) + ":")
        return QueryError(
            f"{origin}{place}: not valid SPARQL: the prefix {prefix.group(1)}: is not declared "
            f"(expected a PREFIX {prefix.group(1)}: <...> line before the query)"
        )
    return QueryError(f"{origin}: not valid SPARQL: {message}")


def _hint(expected: str, found: str) -> str:
    if any(form in expected for form in _QUERY_FORMS) and "|" in expected:
        return f"expected SELECT, CONSTRUCT, DESCRIBE or ASK (after any PREFIX lines), found {found}"
    if any(form in expected for form in _QUERY_FORMS):
        if found == "end of text":
            return "the query ends too early (expected a closing } or ) before the end)"
        return f"cannot read the query from {found} on (expected something else here: check what comes before it)"
    if expected == "Expected end of text":
        return f"expected the end of the query, found {found}"
    return f"{expected[:1].lower()}{expected[1:120]}, found {found}"


def _first_use(text: str, prefix: str) -> str:
    """``:line:column`` of the first prefixed name using ``prefix``, or nothing if it cannot be found."""
    try:
        for token in tokens(text):
            if token.kind == "pname" and token.value.startswith(prefix):
                line = text.count("\n", 0, token.start) + 1
                column = token.start - (text.rfind("\n", 0, token.start) + 1) + 1
                return f":{line}:{column}"
    except QueryError:
        pass
    return ""
