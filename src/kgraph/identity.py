"""How kgraph names itself to the servers it talks to, so their operators can tell who is asking."""

from __future__ import annotations

from . import __version__

USER_AGENT = f"kgraph/{__version__} (https://w3id.org/kgraph; knowledge graph of conflict events)"
