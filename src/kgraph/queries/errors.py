"""The query package's errors, in a module of their own so that every query module can raise them."""

from __future__ import annotations

from ..errors import KgraphError


class QueryError(KgraphError):
    """A query cannot be read, parsed or run."""


class QueryTimeout(QueryError):
    """A query ran longer than its time limit; its evaluation may still be running in the background."""
