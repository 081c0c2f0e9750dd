"""What the catalog needs to know of a query, read from its tokens: form, variables, projection, prefixes.

rdflib's SPARQL grammar (pyparsing) took 0.15 s to import and tens of
milliseconds per query; parsing the 17 stored queries made ``kgraph
queries`` cost 2.7 s, and re-parsing one on every API call made a stored
query 20x raw pyoxigraph. The catalog needs only the query form, the
variables (the parameters are among them), the projection (a parameter must
be projected) and the prefixes the text declares and uses. Those are plain
facts of the token stream of :mod:`.lexer`; whether the text is valid SPARQL
is Oxigraph's decision (:mod:`.syntax`), since Oxigraph is what runs it.

The reader never decides what a query may do: ``SERVICE`` targets are still
found twice (see :mod:`.guard` and ``QueryText.services``).
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import QueryError
from .lexer import Token, tokens

FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")


@dataclass(frozen=True)
class QueryShape:
    """``projection`` is empty except for SELECT; ``star`` marks ``SELECT *`` (every variable is projected)."""

    form: str
    variables: tuple[str, ...]
    projection: tuple[str, ...]
    declared: frozenset[str]
    used: tuple[tuple[str, int], ...]  # (prefix, offset of its first use) in order of first use


def read_shape(text: str) -> QueryShape:
    """The shape of ``text``; a QueryError when no query form follows the prologue (or a string is open)."""
    found = list(tokens(text))
    declared, start = _prologue(found)
    form = found[start].value.upper() if start < len(found) and found[start].kind == "word" else ""
    if form not in FORMS:
        raise QueryError("expected SELECT, CONSTRUCT, DESCRIBE or ASK (after any PREFIX lines)")
    variables = tuple(dict.fromkeys(t.value for t in found if t.kind == "var"))
    projection = _projection(found[start + 1 :], variables) if form == "SELECT" else ()
    used: dict[str, int] = {}
    for token in found:
        if token.kind == "pname":
            used.setdefault(token.value.partition(":")[0], token.start)
    return QueryShape(form, variables, projection, frozenset(declared), tuple(used.items()))


def _prologue(found: list[Token]) -> tuple[list[str], int]:
    """The prefixes that ``PREFIX`` lines declare, and the index of the first token after the prologue."""
    declared: list[str] = []
    index = 0
    while index < len(found) and found[index].kind == "word":
        word = found[index].value.upper()
        if word == "BASE":
            index += 2
        elif word == "PREFIX" and index + 1 < len(found):
            declared.append(found[index + 1].value.removesuffix(":"))
            index += 3
        else:
            break
    return declared, index


def _projection(after_select: list[Token], variables: tuple[str, ...]) -> tuple[str, ...]:
    """``?a ?b (expr AS ?c)`` → (a, b, c); ``*`` → every variable of the query, in order of first use."""
    projected: list[str] = []
    depth = 0
    previous: Token | None = None
    for token in after_select:
        if token.kind == "punct" and token.value in "{":
            break
        if depth == 0 and token.kind == "word" and token.value.upper() in ("WHERE", "FROM"):
            break
        if token.kind == "punct" and token.value == "*" and depth == 0:
            return variables
        if token.kind == "punct" and token.value in "()":
            depth += 1 if token.value == "(" else -1
        elif token.kind == "var" and (depth == 0 or _is_word(previous, "AS")):
            projected.append(token.value)
        previous = token
    return tuple(projected)


def _is_word(token: Token | None, word: str) -> bool:
    return token is not None and token.kind == "word" and token.value.upper() == word


def undeclared(shape: QueryShape, known: dict[str, str]) -> list[str]:
    """The prefixes of ``known`` that ``shape`` uses without declaring them, in order of first use."""
    return [prefix for prefix, _offset in shape.used if prefix in known and prefix not in shape.declared]


def prologue(prefixes: list[str], known: dict[str, str]) -> str:
    """``PREFIX p: <iri>`` declarations on one line, ending in a space, so the query keeps its line numbers."""
    return "".join(f"PREFIX {prefix}: <{known[prefix]}> " for prefix in prefixes)
