"""The one execution of a query, read once, as it arrives: sliced (offset, limit), capped and counted.

``kgraph query`` used to collect every row into Python objects and then, for
``--format csv``, run the query a second time to let Oxigraph write it. Now
the answer is read once, in the query's worker thread (pyoxigraph's answers
may only be used by the thread that made them, see :mod:`.deadline`), and
each row goes straight to its writer: Oxigraph's result writers through
:mod:`.relay`, or the table. Memory stays flat in the number of rows.

The row cap (``KGRAPH_QUERY_MAX_ROWS``) still applies to what is read: an
answer longer than the cap stops with the same error as before, unless a
``--limit`` was met first, in which case the rest is only counted, up to the
cap, for the "N more rows" line.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import IO, Any

import pyoxigraph as ox

from ..errors import Location
from .columns import column_names, pick_columns
from .errors import QueryError
from .relay import write_rows
from .results import GRAPH_FORMATS, MAX_ROWS_ENV, RESULT_FORMATS


@dataclass(frozen=True)
class Window:
    """Which rows to write: skip ``offset``, then at most ``limit`` (None: all)."""

    offset: int = 0
    limit: int | None = None


ALL_ROWS = Window()


@dataclass
class Tally:
    """What was read: rows written, rows skipped by the offset, rows after the limit (``exact`` unless capped)."""

    shown: int = 0
    skipped: int = 0
    more: int = 0
    exact: bool = True

    def more_line(self) -> str:
        """``N more rows (...)`` when rows were cut, else the empty string."""
        if not self.more:
            return ""
        count = f"{self.more:,}" if self.exact else f"at least {self.more:,}"
        rows = "row" if self.more == 1 and self.exact else "rows"
        return f"{count} more {rows} not shown; --offset {self.skipped + self.shown} shows the next ones"


@dataclass
class LiveAnswer:
    """An answer being read: its form, columns (SPARQL variables and the names shown), and the bound parameters."""

    form: str
    raw: Any
    constants: Mapping[str, Any] = field(default_factory=dict)
    cap: int = 1_000_000
    origin: str = "<query>"

    @property
    def variables(self) -> list[str]:
        return [v.value for v in self.raw.variables] if self.form == "SELECT" else []

    @property
    def names(self) -> list[str]:
        return column_names(self.variables)

    def pick(self, asked: Sequence[str] | None) -> list[int]:
        """Column indexes for ``--columns`` (all of them when None); QueryError for an unknown name."""
        if asked is None:
            return list(range(len(self.variables)))
        return pick_columns(asked, self.variables, self.names)

    def rows(self, window: Window, tally: Tally) -> Iterator[Any]:
        """The rows (or triples) in ``window``; the rest read and counted into ``tally``, up to the cap."""
        for read, item in enumerate(self.raw, start=1):
            done = window.limit is not None and tally.shown >= window.limit
            if read > self.cap:
                if not done:
                    raise QueryError(
                        f"the answer has more than {self.cap:,} rows; narrow the query (LIMIT, FILTER), "
                        f"give --limit, or raise {MAX_ROWS_ENV}",
                        Location(self.origin),
                    )
                tally.exact = False
                return
            if read <= window.offset:
                tally.skipped += 1
            elif done:
                tally.more += 1
            else:
                tally.shown += 1
                yield item


def check_format(form: str, format: str) -> None:
    """QueryError unless ``format`` can hold a ``form`` answer; called before the query runs."""
    kinds = RESULT_FORMATS if form in ("SELECT", "ASK") else GRAPH_FORMATS
    if format not in kinds:
        raise QueryError(f"{form} results are written as {', '.join(kinds)}, not {format!r}")


def write_answer(
    answer: LiveAnswer,
    output: IO[bytes],
    format: str,
    *,
    window: Window = ALL_ROWS,
    columns: Sequence[str] | None = None,
) -> Tally:
    """The answer in ``format`` (a result format for SELECT/ASK, an RDF one for graphs), as Oxigraph writes it."""
    check_format(answer.form, format)
    tally = Tally()
    if answer.form == "ASK":
        answer.raw.serialize(output, format=RESULT_FORMATS[format])
        return tally
    if answer.form != "SELECT":
        ox.serialize(answer.rows(window, tally), output, format=GRAPH_FORMATS[format])
        return tally
    picked = answer.pick(columns)
    names = answer.names
    rows = (tuple(row[i] for i in picked) for row in answer.rows(window, tally))
    write_rows([names[i] for i in picked], rows, output, RESULT_FORMATS[format])
    return tally
