"""kgraph: a knowledge graph of events in which every fact carries its provenance.

The public names are imported on first use (PEP 562): ``kgraph --help`` and
``kgraph queries`` import this package too, and must not pay for the build,
validation and export machinery that ``KnowledgeGraph`` reaches.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from .api import KnowledgeGraph
    from .errors import CardError, KgraphError, StoreError, ValidationFailed

__all__ = ["CardError", "KgraphError", "KnowledgeGraph", "StoreError", "ValidationFailed"]


def __getattr__(name: str) -> Any:
    if name == "KnowledgeGraph":
        from .api import KnowledgeGraph

        return KnowledgeGraph
    if name in __all__:
        from . import errors

        return getattr(errors, name)
    raise AttributeError(f"module 'kgraph' has no attribute {name!r}")
