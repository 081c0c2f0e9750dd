"""One query run, once: SERVICE checked, parameters bound, evaluated and read against the clock, rows capped.

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
from .stream import LiveAnswer

T = TypeVar("T")


def run_query(
    store: Any,
    query: QueryText,
    bound: Mapping[ox.Variable, Any],
    *,
    allow: ServiceAllowList,
    timeout: float | None = None,
) -> QueryResult:
    """The answer of ``query`` with its ``bound`` parameters, held; QueryError when refused, failed or out of time."""
    limit = max_rows()
    return stream_query(
        store,
        query,
        bound,
        lambda answer: collect(query.form, answer.raw, limit=limit, origin=query.origin),
        allow=allow,
        timeout=timeout,
    )


def stream_query(
    store: Any,
    query: QueryText,
    bound: Mapping[ox.Variable, Any],
    consume: Callable[[LiveAnswer], T],
    *,
    allow: ServiceAllowList,
    timeout: float | None = None,
) -> T:
    """Run ``query`` once and give its answer to ``consume``, in the worker thread, against the clock.

    ``consume`` reads the answer as it arrives (and may write it out); what it
    returns is returned. The time limit covers the evaluation and the reading.
    """
    seconds = query_timeout(timeout)
    cap = max_rows()
    text, substitutions = guarded_text(query, bound, allow)
    where = Location(query.origin)
    constants = {variable.value: term for variable, term in bound.items()}

    def run() -> T:
        raw = store.query(text, substitutions, form=query.form)
        return consume(LiveAnswer(query.form, raw, constants, cap=cap, origin=query.origin))

    return within(seconds, lambda: _engine_errors(run, where), query.origin)


def _engine_errors(work: Callable[[], T], where: Location) -> T:
    """Oxigraph reports a failed evaluation (or a failed SERVICE call) as these; say it in kgraph's terms."""
    try:
        return work()
    except (SyntaxError, ValueError, OSError, RuntimeError) as error:
        message = " ".join(str(error).split())[:300]
        raise QueryError(f"the query failed: {message}", where) from error
