"""Checks an import's quotes against their texts, as a card's are checked, and records the outcome.

``kg:offsetsVerified true`` is what makes ``source-audit`` call a quote
verified, so kgraph alone writes it (``import_guard`` refuses it in a file).
A quote of an import comes from a source the import describes; when that
source names its text (``kg:textFile``, pinned by ``kg:textSha256``) and the
text is at hand, the quote must stand at its offsets in it, exactly as a card's
(``TextLibrary.check``), or the import is refused. Without the text the quote
is kept, marked unverified, and counted in the build's summary.

The text file must be a plain file name: it is looked up in the text folders,
and a path such as ``../../etc/passwd`` would make a mismatch message print
another file's content.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable

import pyoxigraph as ox
from rdflib.namespace import RDF, XSD

from ..errors import CardError, Location
from ..namespaces import KG, OA
from .import_guard import CompiledFacts, ImportFile, short
from .quotes import TextLibrary

TEXT_FILE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
XSD_INTEGER = str(XSD.integer)
BOOLEAN = ox.NamedNode(str(XSD.boolean))
Locate = Callable[[ox.Triple], Location]


def mark_quotes(item: ImportFile, known: CompiledFacts, texts: TextLibrary | None, locate: Locate) -> list[ox.Quad]:
    """``kg:offsetsVerified`` for each quote the import describes; raises CardError when one is off."""
    quote_type, quote_link = ox.NamedNode(str(KG.Quote)), ox.NamedNode(str(KG.quote))
    quotes = {q.subject for q in item.quads if q.predicate.value == str(RDF.type) and q.object == quote_type}
    quotes |= {q.object for q in item.quads if q.predicate == quote_link}
    quotes = {q for q in quotes if q not in known.owners and not isinstance(q, ox.Literal)}  # a card's own
    if not quotes:
        return []
    values = _Values(item)
    verified = ox.NamedNode(str(KG.offsetsVerified))
    marks = []
    for quote in sorted(quotes, key=str):
        outcome = _check(quote, values, texts, locate)
        marks.append(ox.Quad(quote, verified, ox.Literal(str(outcome).lower(), datatype=BOOLEAN), item.graph))
    return marks


class _Values:
    """The objects of each subject and predicate of one import."""

    def __init__(self, item: ImportFile) -> None:
        self._objects: dict[tuple[object, str], list[object]] = defaultdict(list)
        for quad in item.quads:
            self._objects[(quad.subject, quad.predicate.value)].append(quad.object)

    def of(self, subject: object, predicate: object) -> list[object]:
        return self._objects.get((subject, str(predicate)), [])

    def literal(self, subjects: list[object], predicate: object) -> tuple[object, ox.Literal] | None:
        """The first literal object of ``predicate`` on one of ``subjects``, with its subject."""
        for subject in subjects:
            for value in self.of(subject, predicate):
                if isinstance(value, ox.Literal):
                    return subject, value
        return None


def _check(quote: object, values: _Values, texts: TextLibrary | None, locate: Locate) -> bool:
    selectors = values.of(quote, OA.hasSelector)
    exact = values.literal(selectors, OA.exact)
    start = values.literal(selectors, OA.start)
    if exact is None or start is None or _integer(start[1]) is None:
        return False  # the shapes report the missing or mistyped selector
    words, offset = exact[1].value, _integer(start[1])
    where = locate(ox.Triple(exact[0], ox.NamedNode(str(OA.exact)), exact[1]))
    end = values.literal(selectors, OA.end)
    if end is not None and _integer(end[1]) != offset + len(words):
        raise CardError(
            f"quote {short(quote)} ends at {end[1].value}; expected {offset + len(words)}, "
            f"its start {offset} plus the {len(words)} characters of its exact words",
            locate(ox.Triple(end[0], ox.NamedNode(str(OA.end)), end[1])),
        )
    sources = values.of(quote, OA.hasSource)
    if len(sources) != 1:
        return False  # the shapes require exactly one source
    source = sources[0]
    text_file = values.literal([source], KG.textFile)
    sha256 = values.literal([source], KG.textSha256)
    name = text_file[1].value if text_file else None
    if text_file is not None and not TEXT_FILE_NAME.fullmatch(text_file[1].value):
        raise CardError(
            f"source {short(source)} names its text {text_file[1].value!r}; expected a plain file name "
            "(no folders), looked up in the text folders",
            locate(ox.Triple(source, ox.NamedNode(str(KG.textFile)), text_file[1])),
        )
    if texts is None:
        return False  # no text library given: nothing can be checked
    text = texts.text_for(name, sha256[1].value if sha256 else None, where) if name else None
    return texts.check(text, words, offset, where, short(source), name or "(no kg:textFile)")


def _integer(literal: ox.Literal) -> int | None:
    if literal.datatype.value != XSD_INTEGER:
        return None
    try:
        value = int(literal.value)
    except ValueError:
        return None
    return value if value >= 0 else None
