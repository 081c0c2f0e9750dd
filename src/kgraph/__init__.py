"""kgraph: a knowledge graph of events in which every fact carries its provenance."""

from .api import KnowledgeGraph
from .errors import CardError, KgraphError, StoreError, ValidationFailed

__all__ = ["CardError", "KgraphError", "KnowledgeGraph", "StoreError", "ValidationFailed"]
__version__ = "0.1.0"
