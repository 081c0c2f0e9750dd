"""``SERVICE`` reaches only allowed endpoints, checked before the query runs, so no packet leaves otherwise.

Oxigraph performs a ``SERVICE`` call itself, and a SPARQL server behind a
remote store would too: a query pasted into ``kgraph query -`` (or, one day,
sent from a web page) could make kgraph request any URL, on the loopback
interface or the local network included. So every target is checked first:

* ``SERVICE <http://…>``: the IRI must be on the allow-list (the link
  endpoints, plus ``KGRAPH_SERVICE_ALLOW``); other schemes (``file:``) never.
* ``SERVICE ?var``: only a query parameter (``?_endpoint_iri``) whose value
  the caller gave, and that value is checked like an IRI. A variable bound
  by the data could name any endpoint, so it is refused.

Targets are found twice, and both must pass: in rdflib's algebra (prefixed
names expanded, ``\\u`` escapes decoded) and by :mod:`.lexer`, which reads
comments the way Oxigraph does. rdflib ends a comment only at a line feed,
Oxigraph at a carriage return too; a ``SERVICE`` after ``# … \\r`` is code
to Oxigraph and a comment to rdflib, and only the second reading sees it.

A query that passes has its parameters written into its text as RDF terms
(:func:`.inline.substitute_parameters`, validated and escaped by pyoxigraph)
before it runs, on the embedded store as on a server: Oxigraph sends a
``SERVICE`` pattern as written, without the values it pre-binds, so only
text substitution gets a parameter such as the item into the request.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pyoxigraph as ox

from ..errors import Location
from .catalog import QueryText
from .errors import QueryError
from .inline import substitute_parameters
from .lexer import Token, line_of, tokens

ALLOW_ENV = "KGRAPH_SERVICE_ALLOW"
_DEFAULT_PORTS = {"http": 80, "https": 443}


@dataclass(frozen=True)
class ServiceAllowList:
    """The endpoints a ``SERVICE`` call may reach, compared after normalising case and default ports."""

    endpoints: tuple[str, ...]

    @classmethod
    def from_environment(cls, defaults: Iterable[str], environ: Mapping[str, str] | None = None) -> ServiceAllowList:
        """``defaults`` (the link endpoints) and the IRIs in ``KGRAPH_SERVICE_ALLOW`` (spaces or commas)."""
        environ = os.environ if environ is None else environ
        extra = [item for item in re.split(r"[\s,]+", environ.get(ALLOW_ENV, "")) if item]
        for item in extra:
            if _normal(item) is None:
                raise QueryError(f"{ALLOW_ENV}: {_shown(item)!r} is not an http(s) IRI of a SPARQL endpoint")
        return cls(tuple(dict.fromkeys([*defaults, *extra])))

    def allows(self, iri: str) -> bool:
        normal = _normal(iri)
        return normal is not None and normal in {_normal(endpoint) for endpoint in self.endpoints}

    def check(self, iri: str, where: Location, via: str = "") -> None:
        """Raise QueryError unless ``iri`` is an allowed http(s) endpoint; ``via`` says where the IRI came from."""
        if urlsplit(iri).scheme.lower() not in _DEFAULT_PORTS:
            raise QueryError(f"SERVICE <{_shown(iri)}>{via} is refused: a query may only call http(s) endpoints", where)
        if not self.allows(iri):
            allowed = ", ".join(_shown(endpoint) for endpoint in self.endpoints) or "none"
            raise QueryError(
                f"SERVICE <{_shown(iri)}>{via} is not an allowed endpoint (allowed: {allowed}); to allow it, "
                f"add it to {ALLOW_ENV} (IRIs separated by spaces or commas)",
                where,
            )


@dataclass(frozen=True)
class ServiceCall:
    """One ``SERVICE`` as the lexer sees it: its target (kind iri, var or other, as written) and its line."""

    kind: str
    target: str
    line: int


def guarded_text(
    query: QueryText, bound: Mapping[ox.Variable, Any], allow: ServiceAllowList
) -> tuple[str, Mapping[ox.Variable, Any]]:
    """The text and substitutions to run: unchanged without SERVICE; checked and substituted with it.

    Raises QueryError naming the query and the endpoint when a target is not allowed.
    """
    try:
        calls = service_calls(query.text)
    except QueryError as error:  # rdflib read the query, the stricter lexer could not: refuse, do not guess
        raise QueryError(f"cannot check its SERVICE calls: {error.message}", Location(query.origin)) from error
    if not calls and not query.services:
        return query.text, bound
    for call in calls:
        where = Location(query.origin, call.line)
        if call.kind == "var":
            _check_variable(query, call.target, bound, allow, where)
        elif call.kind == "iri":
            allow.check(call.target, where)
        else:
            raise QueryError(f"SERVICE {call.target}: expected an endpoint IRI or a parameter after SERVICE", where)
    for term in query.services:
        if _is_variable(term):
            _check_variable(query, str(term), bound, allow, Location(query.origin))
        else:
            allow.check(str(term), Location(query.origin))
    return substitute_parameters(query.text, bound), {}


@lru_cache(maxsize=512)
def service_calls(text: str) -> tuple[ServiceCall, ...]:
    """Every ``SERVICE`` keyword in code (not in comments or strings), its prefixed-name target expanded.

    Kept per text: lexing a stored query on every run cost 0.8 ms, a large
    share of a warm query's time through the API.
    """
    found = list(tokens(text))
    prefixes: dict[str, str] = {}
    calls: list[ServiceCall] = []
    for index, token in enumerate(found):
        following = found[index + 1 : index + 4]
        declares = len(following) >= 2 and following[0].kind == "pname" and following[1].kind == "iri"
        if _is_word(token, "PREFIX") and declares:
            prefixes[following[0].value.removesuffix(":")] = following[1].value
        if not _is_word(token, "SERVICE"):
            continue
        target = following[1] if following and _is_word(following[0], "SILENT") else (following or [None])[0]
        calls.append(_call(target, prefixes, line_of(text, token.start)))
    return tuple(calls)


def _call(target: Token | None, prefixes: Mapping[str, str], line: int) -> ServiceCall:
    if target is None:
        return ServiceCall("other", "(nothing)", line)
    if target.kind in ("iri", "var"):
        return ServiceCall(target.kind, target.value, line)
    if target.kind == "pname":
        prefix, _, local = target.value.partition(":")
        if prefix in prefixes:
            return ServiceCall("iri", prefixes[prefix] + local.replace("\\", ""), line)
    return ServiceCall("other", target.value[:80], line)


def _check_variable(
    query: QueryText, name: str, bound: Mapping[ox.Variable, Any], allow: ServiceAllowList, where: Location
) -> None:
    parameter = next((p for p in query.parameters if p.variable == name), None)
    if parameter is None:
        raise QueryError(
            f"SERVICE ?{name} is refused: the endpoint must be an IRI, or a parameter such as ?_endpoint_iri "
            "whose value is given with the query (a variable bound by the data could name any endpoint)",
            where,
        )
    value = bound.get(ox.Variable(name))
    if not isinstance(value, ox.NamedNode):
        raise QueryError(f"SERVICE ?{name}: parameter {parameter.name!r} needs an endpoint IRI as its value", where)
    allow.check(value.value, where, via=f" (parameter {parameter.name!r})")


def _is_variable(term: object) -> bool:
    """Whether an rdflib SERVICE target is a variable; rdflib is imported here only, as it read the target already.

    At the top of this module it cost every query 0.13 s of start-up, though
    only a text that names ``SERVICE`` has targets (:attr:`QueryText.services`).
    """
    from rdflib.term import Variable

    return isinstance(term, Variable)


def _is_word(token: Token | None, word: str) -> bool:
    return token is not None and token.kind == "word" and token.value.upper() == word


def _normal(iri: str) -> str | None:
    """Scheme and host in lower case, default port and fragment dropped; None unless absolute http(s)."""
    try:
        parts = urlsplit(iri.strip())
        scheme, port = parts.scheme.lower(), parts.port
    except ValueError:
        return None
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        return None
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    netloc = host if port in (None, _DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    if parts.username is not None:
        netloc = f"{parts.username}:{parts.password or ''}@{netloc}"
    return urlunsplit((scheme, netloc, parts.path or "/", parts.query, ""))


def _shown(iri: str) -> str:
    """An IRI for a message: any user name and password replaced, and cut to a readable length."""
    try:
        parts = urlsplit(iri)
        if parts.username is not None or parts.password is not None:
            iri = urlunsplit(parts._replace(netloc="***@" + parts.netloc.rpartition("@")[2]))
    except ValueError:
        pass
    return iri if len(iri) <= 200 else iri[:200] + "…"
