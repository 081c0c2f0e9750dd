"""Where the knowledge graph lives: the embedded Oxigraph store, or a SPARQL server.

``RemoteStore`` is imported on first use (PEP 562): its module brings in
requests and urllib3 (0.05 s of CPU), which a command on the embedded store,
``kgraph query NAME`` above all, never needs.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from .config import RemoteSettings, resolve_store
from .embedded import EmbeddedStore
from .protocol import LoadProgress, Store

if TYPE_CHECKING:
    from .remote import RemoteStore


def open_store(location: Path | str | RemoteSettings | None, *, read_only: bool = False) -> Store:
    """A folder or ``ENGINE+URL`` (see :mod:`.config`); ``None`` is a throw-away store in memory."""
    if location is None:
        return EmbeddedStore(None)
    resolved = location if isinstance(location, RemoteSettings) else resolve_store(location)
    if isinstance(resolved, RemoteSettings):
        from .remote import RemoteStore

        return RemoteStore(resolved)
    return EmbeddedStore(resolved, read_only=read_only)


def __getattr__(name: str) -> Any:
    if name == "RemoteStore":
        from .remote import RemoteStore

        return RemoteStore
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["EmbeddedStore", "LoadProgress", "RemoteSettings", "RemoteStore", "Store", "open_store", "resolve_store"]
