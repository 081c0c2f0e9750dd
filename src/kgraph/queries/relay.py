"""SELECT rows written by Oxigraph's own result writers, after kgraph has chosen, sliced and counted them.

pyoxigraph's ``QuerySolutions.serialize`` writes every remaining row of a
live answer; it cannot stop after N rows, leave out or rename a column, or
write rows that are already in memory. So kgraph reads the rows itself and
hands them on through a relay: each row becomes a line of SPARQL TSV whose
terms pyoxigraph spells (``str(term)``, the N-Triples form), and
``parse_query_results`` reads that back lazily, a buffer at a time, as
Oxigraph's writer asks for more. The bytes out are those Oxigraph writes for
the same rows under the same column names; nothing is held but one buffer.

Measured on 20,000 rows of 21 columns: about 1.3 µs per cell over a direct
``serialize`` (0.55 s), against the 10 s the ``disputes`` query itself takes
at that size; a bounded answer and a renamed column are worth that.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from itertools import islice
from typing import IO, Any

import pyoxigraph as ox

_ROWS_PER_FILL = 256


def write_rows(
    names: Sequence[str], rows: Iterable[Sequence[Any]], output: IO[bytes], format: ox.QueryResultsFormat
) -> None:
    """``rows`` (tuples of terms or None, in the order of ``names``) written to ``output`` in ``format``."""
    relayed = ox.parse_query_results(_Relay(names, rows), format=ox.QueryResultsFormat.TSV)
    relayed.serialize(output, format=format)


def rows_as_bytes(names: Sequence[str], rows: Iterable[Sequence[Any]], format: ox.QueryResultsFormat) -> bytes:
    buffer = io.BytesIO()
    write_rows(names, rows, buffer, format)
    return buffer.getvalue()


class _Relay(io.RawIOBase):
    """A readable stream of SPARQL TSV made from rows as they are asked for."""

    def __init__(self, names: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
        super().__init__()
        self._rows = iter(rows)
        self._pending = bytearray(("\t".join(f"?{name}" for name in names) + "\n").encode("utf-8"))
        self._ended = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        wanted = len(buffer)
        while len(self._pending) < wanted and not self._ended:
            self._fill()
        size = min(wanted, len(self._pending))
        buffer[:size] = self._pending[:size]
        del self._pending[:size]
        return size

    def _fill(self) -> None:
        lines = [
            "\t".join("" if term is None else str(term) for term in row) for row in islice(self._rows, _ROWS_PER_FILL)
        ]
        if not lines:
            self._ended = True
            return
        self._pending += ("\n".join(lines) + "\n").encode("utf-8")
