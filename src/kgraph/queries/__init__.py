"""Stored and ad-hoc SPARQL queries with typed, engine-bound parameters."""

from .catalog import QueryText, StoredQuery, load_catalog
from .errors import QueryError, QueryTimeout
from .params import Parameter, ParameterError
from .results import QueryResult, to_python

__all__ = [
    "Parameter",
    "ParameterError",
    "QueryError",
    "QueryResult",
    "QueryText",
    "QueryTimeout",
    "StoredQuery",
    "load_catalog",
    "to_python",
]
