"""Where the knowledge graph lives: the embedded Oxigraph store, or a SPARQL server."""

from __future__ import annotations

from pathlib import Path

from .config import RemoteSettings, resolve_store
from .embedded import EmbeddedStore
from .protocol import LoadProgress, Store
from .remote import RemoteStore


def open_store(location: Path | str | RemoteSettings | None, *, read_only: bool = False) -> Store:
    """A folder or ``ENGINE+URL`` (see :mod:`.config`); ``None`` is a throw-away store in memory."""
    if location is None:
        return EmbeddedStore(None)
    resolved = location if isinstance(location, RemoteSettings) else resolve_store(location)
    if isinstance(resolved, RemoteSettings):
        return RemoteStore(resolved)
    return EmbeddedStore(resolved, read_only=read_only)


__all__ = ["EmbeddedStore", "LoadProgress", "RemoteSettings", "RemoteStore", "Store", "open_store", "resolve_store"]
