"""Query results as typed Python rows, and in the standard formats exactly as Oxigraph writes them.

A ``QueryResult`` holds the rows of its one execution; ``serialize`` writes
those rows (through Oxigraph's own writers, :mod:`.relay`) and never runs the
query again, as it once did. Output that need not be held, the CLI's, is
read as it arrives instead (:mod:`.stream`).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pyoxigraph as ox

from ..errors import Location
from .errors import QueryError

XSD = "http://www.w3.org/2001/XMLSchema#"
RESULT_FORMATS = {
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
}
MAX_ROWS_ENV = "KGRAPH_QUERY_MAX_ROWS"
DEFAULT_MAX_ROWS = 1_000_000
"""Rows (or triples) one answer may hold in memory: a runaway join fills gigabytes well inside the time limit."""
GRAPH_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdfxml": ox.RdfFormat.RDF_XML,
}


def to_python(term: Any) -> Any:
    """IRIs as ``str``; numbers, dates and booleans as Python values; other literals as their text."""
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        datatype = term.datatype.value
        converters: dict[str, Callable[[str], Any]] = {
            XSD + "integer": int,
            XSD + "nonNegativeInteger": int,
            XSD + "int": int,
            XSD + "long": int,
            XSD + "decimal": Decimal,
            XSD + "double": float,
            XSD + "float": float,
            XSD + "date": dt.date.fromisoformat,
            XSD + "boolean": lambda text: text in ("true", "1"),
        }
        try:
            return converters.get(datatype, str)(term.value)
        except ValueError:
            return term.value
    return term.value


@dataclass
class QueryResult:
    """The answer to one query; ``rows`` for SELECT, ``boolean`` for ASK, ``triples`` for CONSTRUCT."""

    form: str
    variables: list[str] = field(default_factory=list)
    terms: list[dict[str, Any]] = field(default_factory=list)
    boolean: bool | None = None
    triples: list[ox.Triple] = field(default_factory=list)

    @property
    def rows(self) -> list[dict[str, Any]]:
        return [{name: to_python(term) for name, term in row.items()} for row in self.terms]

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.terms) if self.form == "SELECT" else len(self.triples)

    def serialize(self, format: str) -> bytes:
        """csv / tsv / json / xml for SELECT and ASK; turtle / ntriples / jsonld / rdfxml for graphs.

        The bytes are Oxigraph's for these rows, columns named by their SPARQL
        variables; raises QueryError for a format the form cannot take.

        >>> from kgraph import KnowledgeGraph
        >>> KnowledgeGraph.open().query("SELECT ?n WHERE { BIND(7 AS ?n) }").serialize("csv")
        b'n\\r\\n7\\r\\n'
        """
        from .relay import rows_as_bytes

        if self.form in ("SELECT", "ASK"):
            if format not in RESULT_FORMATS:
                raise QueryError(f"{self.form} results are written as {', '.join(RESULT_FORMATS)}, not {format!r}")
            if self.form == "ASK":
                answer = ox.parse_query_results(b"true" if self.boolean else b"false", format=ox.QueryResultsFormat.TSV)
                return answer.serialize(format=RESULT_FORMATS[format])
            rows = (tuple(row[name] for name in self.variables) for row in self.terms)
            return rows_as_bytes(self.variables, rows, RESULT_FORMATS[format])
        if format not in GRAPH_FORMATS:
            raise QueryError(f"{self.form} results are written as {', '.join(GRAPH_FORMATS)}, not {format!r}")
        return ox.serialize(self.triples, format=GRAPH_FORMATS[format]) or b""

    def to_dataframe(self) -> Any:
        """A pandas DataFrame of the typed rows (pandas is optional)."""
        try:
            import pandas as pd
        except ImportError as error:  # pragma: no cover - depends on the environment
            raise QueryError("to_dataframe needs pandas: pip install pandas") from error
        return pd.DataFrame(self.rows, columns=self.variables)


def max_rows(environ: Mapping[str, str] | None = None) -> int:
    """The row limit: ``KGRAPH_QUERY_MAX_ROWS`` when set, else a million."""
    raw = (os.environ if environ is None else environ).get(MAX_ROWS_ENV, "").strip()
    if not raw:
        return DEFAULT_MAX_ROWS
    if not raw.isdigit() or int(raw) < 1:
        raise QueryError(f"{MAX_ROWS_ENV} must be a positive whole number of rows, got {raw!r}")
    return int(raw)


def collect(form: str, answer: Any, *, limit: int = DEFAULT_MAX_ROWS, origin: str = "<query>") -> QueryResult:
    """The answer read into memory, at most ``limit`` rows or triples."""
    if isinstance(answer, ox.QuerySolutions):
        variables = [v.value for v in answer.variables]
        terms = [dict(zip(variables, solution, strict=True)) for solution in _capped(answer, limit, origin)]
        return QueryResult("SELECT", variables, terms)
    if isinstance(answer, ox.QueryBoolean):
        return QueryResult("ASK", boolean=bool(answer))
    return QueryResult(form, triples=list(_capped(answer, limit, origin)))


def _capped(items: Any, limit: int, origin: str) -> Iterator[Any]:
    for count, item in enumerate(items, start=1):
        if count > limit:
            raise QueryError(
                f"the answer has more than {limit:,} rows; narrow the query (LIMIT, FILTER) or raise {MAX_ROWS_ENV}",
                Location(origin),
            )
        yield item
