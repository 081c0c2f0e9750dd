"""Typed query parameters, bound as RDF terms by the engine and never spliced into query text.

Names follow grlc's convention so tools that read grlc headers understand
them: ``?_place_iri`` is a required IRI parameter called ``place``;
``?__claimant_iri`` (two underscores) is optional and, left out, matches
anything. The type is the last part of the name.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import pyoxigraph as ox

from ..errors import KgraphError
from ..prefixes import PREFIXES

XSD = "http://www.w3.org/2001/XMLSchema#"
TYPES = ("iri", "integer", "decimal", "date", "string")
_LANGUAGE = re.compile(r"^[a-z]{2,3}$")


class ParameterError(KgraphError):
    """A parameter is unknown, missing, or its value does not fit its type."""


@dataclass(frozen=True)
class Parameter:
    name: str
    variable: str
    type: str  # one of TYPES, or "lang:xx" for a string in language xx
    required: bool

    @classmethod
    def from_variable(cls, variable: str) -> Parameter | None:
        """``_place_iri`` → Parameter('place', 'iri', required); None for ordinary variables."""
        if not variable.startswith("_") or variable.endswith("__"):
            return None  # "__agg_1__" and the like are rdflib's own, made for aggregates
        required = not variable.startswith("__")
        body = variable.lstrip("_")
        name, _, suffix = body.rpartition("_")
        if not name:
            name, suffix = body, "string"
        if suffix in TYPES:
            kind = suffix
        elif _LANGUAGE.match(suffix):
            kind = f"lang:{suffix}"
        else:
            name, kind = body, "string"
        return cls(name=name, variable=variable, type=kind, required=required)

    def to_term(self, value: object) -> ox.NamedNode | ox.Literal:
        """The RDF term for ``value``; raises ParameterError naming the parameter and the type."""
        text = value.isoformat() if isinstance(value, dt.date) else str(value)
        try:
            if self.type == "iri":
                return ox.NamedNode(expand_iri(text))
            if self.type == "integer":
                return ox.Literal(str(int(text, 10)), datatype=ox.NamedNode(XSD + "integer"))
            if self.type == "decimal":
                return ox.Literal(str(Decimal(text)), datatype=ox.NamedNode(XSD + "decimal"))
            if self.type == "date":
                return ox.Literal(dt.date.fromisoformat(text).isoformat(), datatype=ox.NamedNode(XSD + "date"))
            if self.type.startswith("lang:"):
                return ox.Literal(text, language=self.type.removeprefix("lang:"))
            return ox.Literal(text)
        except (ValueError, InvalidOperation) as error:
            raise ParameterError(f"parameter {self.name!r} expects {self.describe()}, got {text!r}") from error

    def describe(self) -> str:
        if self.type.startswith("lang:"):
            return f"text in language {self.type.removeprefix('lang:')}"
        return {"iri": "an IRI (or kgr:/kg: prefixed name)", "date": "an ISO date (YYYY-MM-DD)"}.get(
            self.type, f"an {self.type}" if self.type[0] in "aeiou" else f"a {self.type}"
        )


def project_prefixes() -> dict[str, str]:
    """The project's prefixes (kg, kgr, rdf, rdfs, …) from :mod:`kgraph.prefixes`.

    Read from the plain-string table, not from :mod:`kgraph.namespaces`,
    which builds rdflib namespaces (0.13 s to import) that a query never needs.
    """
    return PREFIXES


def expand_iri(text: str) -> str:
    """Accept ``kgr:place/shusha`` as well as full IRIs; reject anything that is not an absolute IRI."""
    prefix, colon, rest = text.partition(":")
    if colon and not rest.startswith("//") and prefix in project_prefixes():
        text = project_prefixes()[prefix] + rest
    if not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]*$", text):
        raise ValueError(f"not an absolute IRI: {text!r}")
    return text
