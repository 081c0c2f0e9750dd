"""One query run: SERVICE checked, parameters bound, evaluated against the clock, rows capped.

The store is anything with kgraph's store ``query`` method (the embedded
store or a SPARQL server); this module does not import the stores, which
import the query package.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import pyoxigraph as ox

from ..errors import Location
from .catalog import QueryText
from .deadline import query_timeout, within
from .errors import QueryError
from .guard import ServiceAllowList, guarded_text
from .results import QueryResult, collect, max_rows

T = TypeVar("T")


def run_query(
    store: Any,
    query: QueryText,
    bound: Mapping[ox.Variable, Any],
    *,
    allow: ServiceAllowList,
    timeout: float | None = None,
) -> QueryResult:
    """The answer of ``query`` with its parameters ``bound``; QueryError when refused, failed or out of time."""
    seconds = query_timeout(timeout)
    limit = max_rows()
    text, substitutions = guarded_text(query, bound, allow)
    where = Location(query.origin)

    def answer() -> Any:
        return store.query(text, substitutions, form=query.form)

    def write(format: ox.QueryResultsFormat) -> bytes:
        return within(seconds, lambda: _engine_errors(lambda: answer().serialize(format=format), where), query.origin)

    def read() -> QueryResult:
        return collect(query.form, answer(), write, limit=limit, origin=query.origin)

    return within(seconds, lambda: _engine_errors(read, where), query.origin)


def _engine_errors(work: Callable[[], T], where: Location) -> T:
    """Oxigraph reports a failed evaluation (or a failed SERVICE call) as these; say it in kgraph's terms."""
    try:
        return work()
    except (SyntaxError, ValueError, OSError, RuntimeError) as error:
        message = " ".join(str(error).split())[:300]
        raise QueryError(f"the query failed: {message}", where) from error
