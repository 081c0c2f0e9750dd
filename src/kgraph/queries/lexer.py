"""A small SPARQL tokenizer: just enough to see keywords, IRIs, prefixed names and variables in code.

Two modules need to look at query text without parsing it: parameter
substitution for engines reached over HTTP (:mod:`.inline`) and the check on
``SERVICE`` (:mod:`.guard`). Both must skip comments, strings and IRIs
exactly, or a ``#`` inside an IRI would hide the rest of a line.

A comment ends at a carriage return as well as a line feed: the SPARQL
grammar says so and Oxigraph does it, while rdflib reads on to the line
feed. A reader that stopped at the line feed would miss code that Oxigraph
runs, so where parsers differ this one sees more code, never less.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from .errors import QueryError

NOT_IN_IRIS = '<"{}|^`\\'
VARIABLE_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_"
_NAME_PUNCTUATION = "_-.:%\\"


@dataclass(frozen=True)
class Token:
    """``kind`` is word, pname, iri, var, string, number, lang or punct; ``value`` as written
    (an IRI without its angle brackets, a variable without ``?``)."""

    kind: str
    value: str
    start: int


def tokens(text: str) -> Iterator[Token]:
    """The tokens of ``text`` outside comments, in order."""
    index = 0
    while index < len(text):
        char = text[index]
        if char.isspace():
            index += 1
        elif char == "#":
            index = line_end(text, index)
        elif char in "\"'":
            end = string_end(text, index)
            yield Token("string", text[index:end], index)
            index = end
        elif char == "<" and looks_like_iri(text, index):
            end = text.index(">", index)
            yield Token("iri", text[index + 1 : end], index)
            index = end + 1
        elif char in "?$" and text[index + 1 : index + 2] in tuple(VARIABLE_CHARS):
            end = _run(text, index + 1, VARIABLE_CHARS)
            yield Token("var", text[index + 1 : end], index)
            index = end
        elif char == "@":
            end = _run(text, index + 1, "-", alnum=True)
            yield Token("lang", text[index + 1 : end], index)
            index = end
        elif char.isdigit():
            end = _number_end(text, index)
            yield Token("number", text[index:end], index)
            index = end
        elif char.isalpha() or char in "_:":
            end = _name_end(text, index)
            name = text[index:end]
            yield Token("pname" if ":" in name else "word", name, index)
            index = end
        else:
            yield Token("punct", char, index)
            index += 1


def skip(text: str, index: int) -> int:
    """The index after a comment, string or IRI starting at ``index``; ``index`` itself if none starts there."""
    char = text[index]
    if char == "#":
        return line_end(text, index)
    if char in "\"'":
        return string_end(text, index)
    if char == "<" and looks_like_iri(text, index):
        return text.index(">", index) + 1
    return index


def line_end(text: str, index: int) -> int:
    """Just after the end of the comment starting at ``index`` (a CR or an LF ends it)."""
    ends = [position for position in (text.find("\n", index), text.find("\r", index)) if position >= 0]
    return min(ends) + 1 if ends else len(text)


def string_end(text: str, index: int) -> int:
    quote = text[index]
    long_quote = text.startswith(quote * 3, index)
    delimiter = quote * 3 if long_quote else quote
    position = index + len(delimiter)
    while position < len(text):
        if text[position] == "\\":
            position += 2
        elif text.startswith(delimiter, position):
            return position + len(delimiter)
        else:
            position += 1
    raise QueryError("the query has an unterminated string")


def looks_like_iri(text: str, index: int) -> bool:
    """``<http://…>`` rather than a less-than sign: nothing an IRI may not hold before the closing ``>``."""
    end = text.find(">", index)
    return end > index and not any(c.isspace() or c in NOT_IN_IRIS for c in text[index + 1 : end])


def line_of(text: str, index: int) -> int:
    """The 1-based line of ``index``, counting line feeds as editors do."""
    return text.count("\n", 0, index) + 1


def _run(text: str, index: int, allowed: str, *, alnum: bool = False) -> int:
    while index < len(text) and (text[index] in allowed or (alnum and text[index].isalnum())):
        index += 1
    return index


def _name_end(text: str, index: int) -> int:
    """A keyword, or a prefixed name with its local part (which may hold dots, but not end with one)."""
    end = index
    while end < len(text) and (text[end].isalnum() or text[end] in _NAME_PUNCTUATION):
        end += 2 if text[end] == "\\" else 1
    end = min(end, len(text))
    while end > index + 1 and text[end - 1] == ".":
        end -= 1
    return end


def _number_end(text: str, index: int) -> int:
    """Digits, a decimal part only when digits follow the dot (``5.`` is 5 and a full stop), an exponent."""
    end = _run(text, index, "0123456789")
    if text[end : end + 1] == "." and text[end + 1 : end + 2].isdigit():
        end = _run(text, end + 1, "0123456789")
    if text[end : end + 1] in ("e", "E"):
        sign = end + 2 if text[end + 1 : end + 2] in ("+", "-") else end + 1
        if text[sign : sign + 1].isdigit():
            end = _run(text, sign, "0123456789")
    return end
