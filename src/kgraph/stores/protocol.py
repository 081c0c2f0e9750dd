"""What every store gives the rest of kgraph, so commands never ask which engine they run on."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Protocol

import pyoxigraph as ox

# Told (done, total) in triples as a load goes on; a progress bar, or a test that interrupts a load.
LoadProgress = Callable[[int, int], None]


class Store(Protocol):
    read_only: bool

    def describe(self) -> str:
        """Where the store is, for messages: a folder, or the query endpoint's URL."""
        ...

    def replace_all(
        self,
        nquads: bytes,
        *,
        progress: LoadProgress | None = None,
        before_swap: Callable[[str | None], None] | None = None,
    ) -> None:
        """Make the store hold exactly these quads; a failure leaves what queries see unchanged.

        ``before_swap`` is called just before the new content becomes visible (with
        the new embedded store's name, or None), so data/ can journal its commit.
        """
        ...

    def query(
        self, sparql: str, substitutions: Mapping[ox.Variable, Any] | None = None, *, form: str | None = None
    ) -> Any:
        """pyoxigraph's answer types (QuerySolutions, QueryBoolean, triples), whatever the engine."""
        ...

    def quads(self, graph: str | None = None) -> list[ox.Quad]: ...

    def named_graphs(self) -> list[str]: ...

    def dump_nquads(self) -> bytes: ...

    def close(self) -> None: ...
