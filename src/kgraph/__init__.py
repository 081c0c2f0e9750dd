"""kgraph: a knowledge graph of events in which every fact carries its provenance."""

__version__ = "0.1.0"

from .api import KnowledgeGraph  # after __version__, which modules it imports read
from .errors import CardError, KgraphError, StoreError, ValidationFailed

__all__ = ["CardError", "KgraphError", "KnowledgeGraph", "StoreError", "ValidationFailed"]
