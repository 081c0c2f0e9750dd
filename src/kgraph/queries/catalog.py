"""The stored queries in ``queries/*.rq``: header, parameters and query form, each file read once.

The header is grlc's (``#+ summary:``, ``#+ description:``, ``#+ tags:``,
``#+ defaults:``), YAML behind ``#+``. The query form, variables and
projection come from the query's tokens (:mod:`.reader`), never from a
regular expression over its text; whether it is SPARQL at all, Oxigraph
decides (:mod:`.syntax`).

Each text is read once per process: a stored query is kept by its file's
SHA-256 digest (an edited file is read afresh), an ad-hoc text by the text
itself. Reading the file and hashing it costs microseconds; parsing it again
on every call cost 96% of a stored query's time through the API.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import Location
from ..resources import resource_dir
from .errors import QueryError
from .params import Parameter, ParameterError, project_prefixes
from .reader import prologue, read_shape, undeclared
from .syntax import check_syntax, may_call_service

if TYPE_CHECKING:
    from rdflib.term import URIRef, Variable

_CACHED_TEXTS = 512
"""Distinct ad-hoc texts kept parsed; stored queries are few and kept by digest without a limit."""


@dataclass(frozen=True)
class QueryText:
    """A parsed query: its form, the parameters it declares, and the endpoints its ``SERVICE`` calls name.

    ``text`` is what runs: the given text, after a one-line prologue declaring
    the project's prefixes (kg, kgr, rdfs, …) that it uses without declaring;
    ``shift`` is that prologue's length, so messages give columns of the text
    as written. A prefix the query declares itself is never redeclared.
    """

    text: str
    form: str
    parameters: tuple[Parameter, ...]
    projection: tuple[str, ...]
    origin: str = "<query>"
    shift: int = 0

    @classmethod
    def parse(cls, text: str, origin: str = "<query>") -> QueryText:
        """Read ``text``; raises QueryError (one line: origin:line:column and what was expected) if it is not SPARQL.

        >>> QueryText.parse("SELECT ?_place_iri ?e WHERE { ?e kg:place ?_place_iri }").parameters[0].name
        'place'
        """
        return _parse(text, origin)

    @cached_property
    def services(self) -> tuple[URIRef | Variable, ...]:
        """Each ``SERVICE`` target as rdflib's algebra reads it (prefixes expanded, ``\\u`` escapes decoded).

        :mod:`.guard` checks these beside its own token reading. A text without
        the word ``service`` (or a ``\\u`` escape) holds no SERVICE call, and
        rdflib is not imported for it.
        """
        if not may_call_service(self.text):
            return ()
        from rdflib.plugins.sparql import prepareQuery

        try:
            algebra = prepareQuery(self.text).algebra
        except Exception as error:  # Oxigraph read it, rdflib cannot: refuse rather than run it unchecked
            message = " ".join(str(error).split())[:200]
            raise QueryError(f"cannot check its SERVICE calls: {message}", Location(self.origin)) from error
        return tuple(
            node.term for node in algebra_nodes(algebra) if getattr(node, "name", None) == "ServiceGraphPattern"
        )

    def bind(self, values: dict[str, Any], defaults: dict[str, Any] | None = None) -> dict[Any, Any]:
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


@lru_cache(maxsize=_CACHED_TEXTS)
def _parse(text: str, origin: str) -> QueryText:
    try:
        shape = read_shape(text)
    except QueryError:
        shape = None
    added = undeclared(shape, project_prefixes()) if shape is not None and _uses_unknown(shape) else []
    lead = prologue(added, project_prefixes()) if added else ""
    check_syntax(lead + text, origin, shift=len(lead))
    if shape is None:  # Oxigraph read what the token reader could not: say so rather than guess
        raise QueryError(f"{origin}: cannot read the query form (expected SELECT, CONSTRUCT, DESCRIBE or ASK)")
    parameters = tuple(p for p in (Parameter.from_variable(v) for v in sorted(shape.variables)) if p is not None)
    if shape.form == "SELECT":
        # Oxigraph substitutes only projected variables; say so here rather than at run time.
        missing = [p.variable for p in parameters if p.variable not in shape.projection]
        if missing:
            raise QueryError(f"{origin}: parameters must be in the SELECT clause: ?{', ?'.join(missing)}")
    return QueryText(lead + text, shape.form, parameters, shape.projection, origin=origin, shift=len(lead))


def _uses_unknown(shape: Any) -> bool:
    """Whether any prefix is used undeclared; only then are the project's prefixes loaded."""
    return any(prefix not in shape.declared and prefix != "_" for prefix, _offset in shape.used)


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
        """The query in ``path``, parsed once per content (keyed by the file's SHA-256 digest)."""
        text = read_query_file(path)
        return _load(path, text, hashlib.sha256(text.encode("utf-8")).hexdigest())


_STORED: dict[tuple[Path, str], StoredQuery] = {}


def _load(path: Path, text: str, digest: str) -> StoredQuery:
    key = (path, digest)
    stored = _STORED.get(key)
    if stored is None:
        header = _header(text, path)
        defaults: dict[str, Any] = {}
        for entry in header.get("defaults") or []:
            if isinstance(entry, dict):
                defaults.update({str(k): v for k, v in entry.items()})
        stored = StoredQuery(
            name=path.stem,
            path=path,
            query=QueryText.parse(text, str(path)),
            summary=str(header.get("summary", "")).strip(),
            description=str(header.get("description", "")).strip(),
            tags=tuple(str(t) for t in header.get("tags") or ()),
            defaults=defaults,
        )
        _STORED[key] = stored
    return StoredQuery(**{**stored.__dict__, "defaults": dict(stored.defaults)})


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
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

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


def load_catalog(directory: Path | None = None) -> dict[str, StoredQuery]:
    """Every ``*.rq`` in ``queries/`` by name (its file stem)."""
    folder = directory or resource_dir("queries")
    return {path.stem: StoredQuery.load(path) for path in sorted(folder.glob("*.rq"))}
