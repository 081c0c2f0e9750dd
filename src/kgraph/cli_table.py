"""The table ``kgraph query`` prints: written row by row as the answer arrives, with columns a reader can read.

Rich's ``Table`` holds every row and measures every cell before it prints
one; 20,000 rows of ``disputes`` took 96 s and 659 MB (9.7x the query). This
table measures a sample, the first :data:`SAMPLE_ROWS` rows, fixes the column
widths from it and then writes each row as it is read, so memory is flat in
the number of rows and a row costs a few string operations.

Which columns, by default:

* a parameter's column is left out only when it has a value (given, or the
  query's default): every row then holds that value, and the footer says it
  once. Left open, the parameter is what the rows differ by (``disputes``
  without ``measure`` mixes killed, wounded and missing), so it is shown;
* a column empty in every sampled row is left out (the footer names it, and
  says if a later row had a value after all);
* columns are kept in the query's order while they fit the terminal; a cell
  longer than :data:`CELL_WIDTH` ends in ``…``; the footer names what did not
  fit and how to see it (``--columns``, ``--format csv``).

``--columns`` shows exactly the columns named, in that order.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import chain, islice
from typing import Any

from rich.cells import cell_len, set_cell_size

from .cli_output import short_term, visible
from .queries.stream import ALL_ROWS, LiveAnswer, Tally, Window

SAMPLE_ROWS = 100
"""Rows read before the column widths are fixed."""
CELL_WIDTH = 40
"""Characters of a cell shown by default; longer values end in an ellipsis."""
NARROWEST = 6
GAP = "  "


@dataclass
class Layout:
    """The columns chosen (indexes), their widths, and why the others are not shown."""

    shown: list[int]
    widths: list[int]
    too_wide: list[int] = field(default_factory=list)
    empty: list[int] = field(default_factory=list)
    constant: list[int] = field(default_factory=list)


def write_table(
    answer: LiveAnswer,
    write: Callable[[str], Any],
    *,
    width: int,
    window: Window = ALL_ROWS,
    columns: Sequence[str] | None = None,
) -> Tally:
    """The SELECT answer as a text table through ``write``, then its footer; returns what was read."""
    tally = Tally()
    variables, names = answer.variables, answer.names
    rows = answer.rows(window, tally)
    sample = [tuple(cell(term) for term in row) for row in islice(rows, SAMPLE_ROWS)]
    layout = choose_layout(answer, sample, width=width, columns=columns)
    late_values = dict.fromkeys(layout.empty, 0)
    header = [names[i] for i in layout.shown]
    write(_line(header, layout.widths) + "\n" + GAP.join("─" * w for w in layout.widths) + "\n")
    for texts in chain(sample, _cells(rows)):
        write(_line([texts[i] for i in layout.shown], layout.widths) + "\n")
        for index in late_values:
            if texts[index]:
                late_values[index] += 1
    for note in footer(answer, layout, tally, late_values, names, variables):
        write(note + "\n")
    return tally


def _cells(rows: Iterator[Any]) -> Iterator[tuple[str, ...]]:
    for row in rows:
        yield tuple(cell(term) for term in row)


def cell(term: object) -> str:
    """One term as one line of text: prefixed IRIs, control characters escaped, line breaks as spaces."""
    if term is None:
        return ""
    text = visible(short_term(term), limit=1000)
    return text.replace("\n", " ").replace("\t", " ") if "\n" in text or "\t" in text else text


def choose_layout(
    answer: LiveAnswer, sample: list[tuple[str, ...]], *, width: int, columns: Sequence[str] | None
) -> Layout:
    """Columns and widths from the sampled rows; see the module's docstring for the rules."""
    names = answer.names
    natural = [max([cell_len(names[i]), *(cell_len(row[i]) for row in sample)]) for i in range(len(answer.variables))]
    if columns is not None:
        shown = answer.pick(columns)
        return Layout(shown, _squeeze([natural[i] for i in shown], width))
    constant = [i for i, variable in enumerate(answer.variables) if variable in answer.constants]
    empty = [i for i in range(len(names)) if sample and i not in constant and not any(row[i] for row in sample)]
    layout = Layout([], [], empty=empty, constant=constant)
    used = 0
    for index in range(len(names)):
        if index in constant or index in empty:
            continue
        size = min(natural[index], max(CELL_WIDTH, cell_len(names[index])))
        needed = size + (len(GAP) if layout.shown else 0)
        if layout.shown and used + needed > width:
            layout.too_wide.append(index)
            continue
        layout.shown.append(index)
        layout.widths.append(size)
        used += needed
    return layout


def _squeeze(widths: list[int], width: int) -> list[int]:
    """Columns asked for by name are all shown: the widest are narrowed until the row fits (or none can be)."""
    widths = list(widths)
    while sum(widths) + len(GAP) * (len(widths) - 1) > width:
        widest = max(range(len(widths)), key=widths.__getitem__, default=None)
        if widest is None or widths[widest] <= NARROWEST:
            break
        widths[widest] -= 1
    return widths


def _line(texts: Sequence[str], widths: Sequence[int]) -> str:
    return GAP.join(_fit(text, size) for text, size in zip(texts, widths, strict=True)).rstrip()


def _fit(text: str, size: int) -> str:
    if text.isascii():
        return text.ljust(size) if len(text) <= size else text[: size - 1] + "…"
    if cell_len(text) <= size:
        return set_cell_size(text, size)
    return set_cell_size(text, size - 1) + "…"


def footer(
    answer: LiveAnswer,
    layout: Layout,
    tally: Tally,
    late_values: dict[int, int],
    names: Sequence[str],
    variables: Sequence[str],
) -> Iterator[str]:
    """The lines under the table: how many rows, what was cut, and what was left out and how to see it."""
    rows = "row" if tally.shown == 1 else "rows"
    yield f"{tally.shown:,} {rows}" + (f" after the first {tally.skipped:,}" if tally.skipped else "")
    if tally.more:
        yield tally.more_line()
    for index in layout.constant:
        yield f"{names[index]} = {cell(answer.constants[variables[index]])} on every row (the parameter's value)"
    if layout.empty:
        listed = ", ".join(names[i] for i in layout.empty)
        yield f"empty in the first {min(tally.shown, SAMPLE_ROWS):,} rows, not shown: {listed}"
    for index, count in late_values.items():
        if count:
            yield f"  {names[index]} has a value in {count:,} later rows: --columns shows it"
    if layout.too_wide:
        listed = ", ".join(names[i] for i in layout.too_wide)
        yield f"too wide to show: {listed}; --columns NAME,NAME picks columns, --format csv shows them all"
