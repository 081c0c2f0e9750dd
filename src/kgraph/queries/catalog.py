"""The stored queries in ``queries/*.rq``: header, parameters and query form, read once.

The header is grlc's (``#+ summary:``, ``#+ description:``, ``#+ tags:``,
``#+ defaults:``), YAML behind ``#+``. The query form and variables come
from parsing the query with rdflib's SPARQL parser, never from a regular
expression over its text.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pyparsing import ParseException
from rdflib.plugins.sparql import prepareQuery
from rdflib.term import URIRef, Variable
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from ..errors import Location
from ..resources import resource_dir
from .errors import QueryError
from .params import Parameter, ParameterError
from .syntax import syntax_error

FORMS = {"SelectQuery": "SELECT", "AskQuery": "ASK", "ConstructQuery": "CONSTRUCT", "DescribeQuery": "DESCRIBE"}


@dataclass(frozen=True)
class QueryText:
    """A parsed query: its form, the parameters it declares, and the endpoints its ``SERVICE`` calls name.

    ``services`` holds each ``SERVICE`` target as rdflib's parser read it (an
    IRI, or a variable); :mod:`.guard` checks them before anything runs.
    """

    text: str
    form: str
    parameters: tuple[Parameter, ...]
    projection: tuple[str, ...]
    origin: str = "<query>"
    services: tuple[URIRef | Variable, ...] = ()

    @classmethod
    def parse(cls, text: str, origin: str = "<query>") -> QueryText:
        try:
            prepared = prepareQuery(text)
        except (ParseException, Exception) as error:  # rdflib raises several kinds for bad SPARQL
            raise syntax_error(text, origin, error) from error
        algebra = prepared.algebra
        form = FORMS.get(algebra.name)
        if form is None:
            raise QueryError(f"{origin}: unsupported query form {algebra.name}")
        variables = sorted({str(v) for v in _variables(algebra)})
        parameters = tuple(p for p in (Parameter.from_variable(v) for v in variables) if p is not None)
        projection = tuple(str(v) for v in (algebra.get("PV") or []))
        if form == "SELECT":
            # Oxigraph substitutes only projected variables; say so here rather than at run time.
            missing = [p.variable for p in parameters if p.variable not in projection]
            if missing:
                raise QueryError(f"{origin}: parameters must be in the SELECT clause: ?{', ?'.join(missing)}")
        services = tuple(
            node.term for node in algebra_nodes(algebra) if getattr(node, "name", None) == "ServiceGraphPattern"
        )
        return cls(text, form, parameters, projection, origin=origin, services=services)

    def bind(self, values: dict[str, Any], defaults: dict[str, Any] | None = None) -> dict[str, Any]:
        """Parameter values as RDF terms by variable; unknown names and missing required ones are errors."""
        import pyoxigraph as ox

        by_name = {p.name: p for p in self.parameters}
        unknown = sorted(set(values) - set(by_name))
        if unknown:
            known = ", ".join(sorted(by_name)) or "none"
            raise ParameterError(f"unknown parameter {unknown[0]!r}; this query takes: {known}")
        merged = {**(defaults or {}), **{k: v for k, v in values.items() if v is not None}}
        bound: dict[Any, Any] = {}
        for parameter in self.parameters:
            if parameter.name in merged:
                bound[ox.Variable(parameter.variable)] = parameter.to_term(merged[parameter.name])
            elif parameter.required:
                raise ParameterError(f"missing parameter {parameter.name!r} ({parameter.describe()})")
        return bound


@dataclass(frozen=True)
class StoredQuery:
    name: str
    path: Path
    query: QueryText
    summary: str = ""
    description: str = ""
    tags: tuple[str, ...] = ()
    defaults: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> StoredQuery:
        text = read_query_file(path)
        header = _header(text, path)
        defaults: dict[str, Any] = {}
        for entry in header.get("defaults") or []:
            if isinstance(entry, dict):
                defaults.update({str(k): v for k, v in entry.items()})
        return cls(
            name=path.stem,
            path=path,
            query=QueryText.parse(text, str(path)),
            summary=str(header.get("summary", "")).strip(),
            description=str(header.get("description", "")).strip(),
            tags=tuple(str(t) for t in header.get("tags") or ()),
            defaults=defaults,
        )


def read_query_file(path: Path) -> str:
    """The text of a ``.rq`` file; a missing, unreadable or non-UTF-8 file is a QueryError naming it."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError as error:
        raise QueryError(
            "no such query file (expected a stored query name, a .rq file, or - for standard input)", Location(path)
        ) from error
    except UnicodeDecodeError as error:
        line = path.read_bytes()[: error.start].count(b"\n") + 1
        raise QueryError(f"not UTF-8 text (byte {error.start})", Location(path, line)) from error
    except OSError as error:
        raise QueryError(f"cannot read the query file: {error.strerror or error}", Location(path)) from error


def _header(text: str, path: Path) -> dict[str, Any]:
    lines = [line[2:].removeprefix(" ") for line in text.splitlines() if line.startswith("#+")]
    if not lines:
        return {}
    try:
        header = YAML(typ="safe").load("\n".join(lines))
    except YAMLError as error:
        raise QueryError("the #+ header is not valid YAML", Location(path)) from error
    return header if isinstance(header, dict) else {}


def algebra_nodes(node: Any) -> Iterator[Any]:
    """Every node of an rdflib query algebra: its variables, IRIs and literals included."""
    yield node
    if isinstance(node, dict):
        for value in node.values():
            yield from algebra_nodes(value)
    elif isinstance(node, (list, tuple, set)):
        for value in node:
            yield from algebra_nodes(value)


def _variables(node: Any) -> Iterator[Variable]:
    return (item for item in algebra_nodes(node) if isinstance(item, Variable))


def load_catalog(directory: Path | None = None) -> dict[str, StoredQuery]:
    """Every ``*.rq`` in ``queries/`` by name (its file stem)."""
    folder = directory or resource_dir("queries")
    return {path.stem: StoredQuery.load(path) for path in sorted(folder.glob("*.rq"))}
