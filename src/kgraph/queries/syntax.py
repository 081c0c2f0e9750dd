"""Is it SPARQL? Oxigraph decides, and a refusal is one line: file:line:column and what was expected.

Oxigraph runs the query, so Oxigraph judges it, on an empty in-memory store.
Its refusals are poor reading (``expected one of CEIL, LANG, RAND, …`` or a
screen of character classes), so a refusal is explained in words: an
undeclared prefix from the token stream, anything else from rdflib's parser
(pyparsing, imported only on this path), whose message lists grammar rules
(``Expected {SelectQuery | ConstructQuery | …}``) and is turned into a hint.

Checking on a store must never call out: Oxigraph begins a ``SERVICE``
call as soon as the query is evaluated. The text checked has every comment
blanked and every ``SERVICE [SILENT]`` written as ``GRAPH`` (same grammar,
same positions); if the word ``service`` is still anywhere in it (in a
string, an IRI, a name, or where the lexer and Oxigraph could read the text
differently), Oxigraph does not see it at all and rdflib parses it instead.
Without the word ``service``, no reading of the text holds a SERVICE call.
"""

from __future__ import annotations

import re

import pyoxigraph as ox

from .errors import QueryError
from .lexer import skip, tokens

_QUERY_FORMS = ("SelectQuery", "ConstructQuery", "DescribeQuery", "AskQuery")
_UNKNOWN_PREFIX = re.compile(r"Unknown namespace prefix : (\S*)")
_OXIGRAPH_AT = re.compile(r"error at (\d+):(\d+): (.*)", re.DOTALL)
_EMPTY = ox.Store()


def check_syntax(text: str, origin: str, shift: int = 0) -> None:
    """Raise QueryError unless ``text`` is SPARQL; ``shift`` characters of line 1 were added before the user's text."""
    checked = neutralised(text)
    if checked is None:
        _rdflib_check(text, origin, shift)
        return
    try:
        _EMPTY.query(checked)
    except SyntaxError as error:
        raise explain(text, origin, str(error), shift) from None
    except (RuntimeError, ValueError, OSError):
        pass  # read, then refused while planned (an unknown function): the run reports it in full


def may_call_service(text: str) -> bool:
    """Whether any reading of ``text`` could hold SERVICE: the word, or a ``\\u`` escape that might spell it.

    Oxigraph does not decode ``\\u0053ERVICE`` outside strings, rdflib does; a
    text with an escape is given to rdflib (and so to the guard) to be safe.
    """
    return "service" in text.lower() or "\\u" in text or "\\U" in text


def neutralised(text: str) -> str | None:
    """``text`` with comments blanked and SERVICE as GRAPH; None while it may still call a SERVICE."""
    if "\\u" in text or "\\U" in text:
        return None
    try:
        found = list(tokens(text))
        code = list(_blank_comments(text))
    except QueryError:  # an open string: Oxigraph refuses it, rdflib explains it
        return None
    for index, token in enumerate(found):
        if token.kind == "word" and token.value.upper() == "SERVICE":
            code[token.start : token.start + 7] = "GRAPH  "
            after = found[index + 1] if index + 1 < len(found) else None
            if after is not None and after.kind == "word" and after.value.upper() == "SILENT":
                code[after.start : after.start + 6] = " " * 6
    checked = "".join(code)
    return None if may_call_service(checked) else checked


def _blank_comments(text: str) -> str:
    """Comments, read as the lexer reads them, replaced by spaces (line ends kept, so positions stay)."""
    pieces: list[str] = []
    index = 0
    while index < len(text):
        end = skip(text, index)
        if end > index:
            piece = text[index:end]
            pieces.append("".join(c if c in "\r\n" else " " for c in piece) if piece[0] == "#" else piece)
            index = end
        else:
            step = 2 if text[index] == "\\" else 1  # an escaped character of a name (ex:a\#b)
            pieces.append(text[index : index + step])
            index += step
    return "".join(pieces)


def explain(text: str, origin: str, message: str, shift: int = 0) -> QueryError:
    """The one-line QueryError for Oxigraph's refusal ``message`` of ``text``."""
    if "Prefix not found" in message:
        place = _first_undeclared_use(text, shift)
        if place:
            where, prefix = place
            return QueryError(
                f"{origin}{where}: not valid SPARQL: the prefix {prefix}: is not declared "
                f"(expected a PREFIX {prefix}: <...> line before the query)"
            )
    try:
        _rdflib_check(text, origin, shift)
    except QueryError as error:
        return error
    return QueryError(f"{origin}{_oxigraph_message(text, message, shift)}")


def _oxigraph_message(text: str, message: str, shift: int) -> str:
    """``:line:column: not valid SPARQL: expected …, found …`` from Oxigraph's message, grammar classes dropped."""
    match = _OXIGRAPH_AT.match(" ".join(message.split()))
    if match is None:
        return f": not valid SPARQL: {' '.join(message.split())[:200]}"
    line, column, expected = int(match.group(1)), int(match.group(2)), match.group(3)
    offset = _offset(text, line, column)
    found = _token_at(text, offset)
    words = [w.strip() for w in re.split(r",\s*(?![^\[]*\])", expected.removeprefix("expected one of ").strip())]
    readable = sorted({w.strip('"') for w in words if w and not w.startswith("[") and "'" not in w})[:8]
    wanted = f"expected one of {', '.join(readable)}" if readable else "expected something else here"
    if line == 1:
        column = max(1, column - shift)
    return f":{line}:{column}: not valid SPARQL: {wanted}, found {found}"


def _offset(text: str, line: int, column: int) -> int:
    start = 0
    for _ in range(line - 1):
        start = text.find("\n", start) + 1
    return start + column - 1


def _token_at(text: str, offset: int) -> str:
    rest = text[offset:].split(None, 1)
    return repr(rest[0][:40]) if rest else "end of text"


def _first_undeclared_use(text: str, shift: int) -> tuple[str, str] | None:
    """``(":line:column", prefix)`` of the first prefixed name whose prefix no PREFIX line declares."""
    from .reader import read_shape

    try:
        shape = read_shape(text)
    except QueryError:
        return None
    for prefix, offset in shape.used:
        if prefix not in shape.declared and prefix != "_":
            line = text.count("\n", 0, offset) + 1
            column = offset - (text.rfind("\n", 0, offset) + 1) + 1 - (shift if line == 1 else 0)
            return f":{line}:{column}", prefix
    return None


def _rdflib_check(text: str, origin: str, shift: int) -> None:
    """Parse with rdflib; its refusal as a QueryError (rdflib raises several kinds for bad SPARQL)."""
    from rdflib.plugins.sparql import prepareQuery

    try:
        prepareQuery(text)
    except Exception as error:
        raise syntax_error(text, origin, error, shift) from error


def syntax_error(text: str, origin: str, error: Exception, shift: int = 0) -> QueryError:
    """The QueryError for ``error``, raised by rdflib while parsing ``text`` (read from ``origin``)."""
    from pyparsing import ParseBaseException

    if isinstance(error, ParseBaseException):
        found = str(getattr(error, "found", "") or "").strip() or "end of text"
        column = error.col - shift if error.lineno == 1 else error.col
        return QueryError(f"{origin}:{error.lineno}:{max(column, 1)}: not valid SPARQL: {_hint(error.msg, found)}")
    message = " ".join(str(error).split())[:200]
    prefix = _UNKNOWN_PREFIX.match(message)
    if prefix:
        place = _first_undeclared_use(text, shift)
        where = place[0] if place else ""
        return QueryError(
            f"{origin}{where}: not valid SPARQL: the prefix {prefix.group(1)}: is not declared "
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
