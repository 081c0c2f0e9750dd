"""Finds the line of one statement in an RDF file, so a refused import names where to look.

pyoxigraph's parser yields quads without positions, and an import is checked
only after it has parsed, so the line is looked up again for the one statement
that is refused, never for the statements that pass. N-Triples and N-Quads hold
one statement per line: each line is parsed on its own until one matches.
Turtle and TriG spread a statement over lines and abbreviate IRIs; the line is
the first one, at or after a line naming the subject, that names the predicate
(with the file's own prefixes, and ``a`` for ``rdf:type``). JSON-LD has no
useful lines: the message names subject and predicate instead, and so does
every message, so a line is help, never the only pointer.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
LINE_FORMATS = (ox.RdfFormat.N_TRIPLES, ox.RdfFormat.N_QUADS)
TURTLE_FORMATS = (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG)


def statement_line(path: Path, rdf_format: ox.RdfFormat, triple: ox.Triple) -> int | None:
    """The 1-based line where ``triple`` is stated in ``path``, or None when the format has no useful lines."""
    try:
        if rdf_format in LINE_FORMATS:
            return _line_of_statement(path, rdf_format, triple)
        if rdf_format in TURTLE_FORMATS:
            return _line_in_turtle(path, rdf_format, triple)
    except (OSError, UnicodeDecodeError, SyntaxError, ValueError):
        return None  # the file parsed a moment ago; a second reading that fails just gives no line
    return None


def _lines(path: Path) -> Iterator[tuple[int, str]]:
    with path.open(encoding="utf-8") as handle:
        yield from enumerate(handle, start=1)


def _line_of_statement(path: Path, rdf_format: ox.RdfFormat, triple: ox.Triple) -> int | None:
    predicate = triple.predicate.value
    for number, line in _lines(path):
        text = line.strip()
        if not text or text.startswith("#") or predicate not in _unescaped(text):
            continue
        for quad in ox.parse(input=text, format=rdf_format):
            if quad.triple == triple or _same_but_blank(quad.triple, triple):
                return number
    return None


def _unescaped(text: str) -> str:
    """N-Triples may spell an IRI with \\u escapes; undo them so the quick filter does not skip the line."""
    if "\\u" not in text and "\\U" not in text:
        return text
    return re.sub(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})", lambda m: chr(int(m.group(1) or m.group(2), 16)), text)


def _same_but_blank(found: ox.Triple, wanted: ox.Triple) -> bool:
    """Blank node labels may differ between two parses; match the rest."""
    if found.predicate != wanted.predicate:
        return False
    pairs = ((found.subject, wanted.subject), (found.object, wanted.object))
    return all(a == b or (isinstance(a, ox.BlankNode) and isinstance(b, ox.BlankNode)) for a, b in pairs)


def _line_in_turtle(path: Path, rdf_format: ox.RdfFormat, triple: ox.Triple) -> int | None:
    parser = ox.parse(path=str(path), format=rdf_format)
    for _quad in parser:
        pass
    prefixes = dict(parser.prefixes)
    subject = _spellings(triple.subject, prefixes)
    predicate = _spellings(triple.predicate, prefixes)
    if triple.predicate.value == RDF_TYPE:
        predicate.append(re.compile(r"(?<![\w:<\"'-])a(?![\w:-])"))
    lines = list(_lines(path))
    first_mention: int | None = None
    # A subject usually starts its line; a line that only mentions it (as an object) is the fallback.
    for at_start in (True, False):
        for index, (number, line) in enumerate(lines):
            text = line.lstrip() if at_start else line
            if not any((p.match(text) if at_start else p.search(text)) for p in subject):
                continue
            first_mention = first_mention or number
            for later_number, later in lines[index:]:
                if any(p.search(later) for p in predicate):
                    return later_number
                if later.rstrip().endswith("."):
                    break  # the statement about this subject ended without the predicate
    return first_mention


def _spellings(term: object, prefixes: dict[str, str]) -> list[re.Pattern[str]]:
    """Ways a Turtle file may write ``term``: ``<full IRI>`` or ``prefix:local``."""
    if not isinstance(term, ox.NamedNode):
        return []
    iri = term.value
    patterns = [re.compile(re.escape(f"<{iri}>"))]
    for prefix, namespace in prefixes.items():
        if namespace and iri.startswith(namespace):
            local = iri[len(namespace) :]
            escaped = re.sub(r"([~!$&'()*+,;=/?#@%])", r"\\\1", local)  # Turtle's backslash escapes
            for spelling in dict.fromkeys((local, escaped)):
                patterns.append(re.compile(r"(?<![\w:<-])" + re.escape(f"{prefix}:{spelling}") + r"(?![\w:/\\-])"))
    return patterns
