"""What ``kgraph query`` and ``kgraph answer`` do with an answer: one execution, written as it arrives.

The answer is read in the query's worker thread (:meth:`KnowledgeGraph.stream`),
so the writing happens there too: the table (:mod:`.cli_table`), or Oxigraph's
own CSV, TSV, JSON, XML and RDF writers (:mod:`.queries.stream`). Warnings and
the "N more rows" line go to standard error after the answer, so piped output
stays clean; the table says the same in its own last lines.
"""

from __future__ import annotations

import os
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from .queries import ParameterError, QueryError, QueryText
from .queries.stream import LiveAnswer, Tally, Window, write_answer

if TYPE_CHECKING:
    from .api import KnowledgeGraph


def parse_params(params: Sequence[str]) -> dict[str, str]:
    """``NAME=VALUE`` pairs from ``--param``; ParameterError (exit 2) for anything else."""
    values: dict[str, str] = {}
    for item in params:
        key, equals, value = item.partition("=")
        if not equals or not key:
            raise ParameterError(f"expected --param NAME=VALUE, got {item!r}")
        values[key.strip()] = value
    if "timeout" in values:
        raise ParameterError("--param timeout=... names the --timeout option's keyword; give the limit as --timeout")
    return values


def parse_columns(columns: str | None) -> list[str] | None:
    """``--columns a,b,c`` as names; ParameterError when it names none."""
    if columns is None:
        return None
    names = [name.strip() for name in columns.split(",") if name.strip()]
    if not names:
        raise ParameterError(f"--columns expects column names separated by commas, got {columns!r}")
    return names


def read_target(name: str) -> str | Path | QueryText:
    """A stored query's name, a ``.rq`` file, or (for ``-``) the SPARQL text on standard input."""
    if name != "-":
        return Path(name) if name.endswith(".rq") else name
    raw = sys.stdin.buffer.read()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise QueryError(f"<stdin>: not UTF-8 text (byte {error.start})") from error
    return QueryText.parse(text, "<stdin>")


def print_answer(
    kg: KnowledgeGraph,
    target: str | Path | QueryText,
    values: dict[str, str],
    fmt: str,
    *,
    window: Window,
    columns: list[str] | None = None,
    timeout: float | None = None,
    graph_note: str | None = None,
) -> None:
    """Run ``target`` once and write its answer in ``fmt`` (``table`` or a result/RDF format) to standard output.

    ``graph_note``: for ``kgraph answer``, a graph answer is counted, not printed, and the note names the query.
    """
    from .queries.unknown import UnknownIriWarning

    text = sys.stdout
    binary = sys.stdout.buffer

    def consume(answer: LiveAnswer) -> Tally:
        if columns is not None and answer.form != "SELECT":
            raise QueryError(f"--columns: a {answer.form} answer has no columns")
        try:
            if fmt != "table":
                return write_answer(answer, binary, fmt, window=window, columns=columns)
            if answer.form == "SELECT":
                from .cli_output import out  # Rich, for the table only
                from .cli_table import write_table

                return write_table(answer, text.write, width=out.width, window=window, columns=columns)
            if answer.form == "ASK":
                text.write("true\n" if answer.raw else "false\n")
                return Tally()
            if graph_note is not None:
                tally = Tally()
                triples = sum(1 for _ in answer.rows(Window(), tally))
                text.write(f"{triples} triples (kgraph query {graph_note} --format turtle)\n")
                return tally
            return write_answer(answer, binary, "turtle", window=window)
        except BrokenPipeError:  # the reader (| head) has all it wants
            return Tally(exact=False)

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", UnknownIriWarning)
        tally = kg.stream(target, consume, timeout=timeout, **values)
    if not tally.exact and not tally.more:
        _quiet_stdout()
        return
    text.flush()
    for warning in caught:  # on standard error, so piped CSV or JSON stays clean
        from .cli_output import err, plain  # Rich: only when there is something to say

        err.print(plain(f"warning: {warning.message}", style="yellow"))
    if tally.more and fmt != "table":
        from .cli_output import err, plain

        err.print(plain(tally.more_line(), style="dim"))


def _quiet_stdout() -> None:
    """After a closed pipe, point standard output at nothing so the exit's flush cannot fail noisily."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # no real descriptor (a test runner's capture): nothing to quiet
        pass
