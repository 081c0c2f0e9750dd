"""What the ``kgraph`` command prints, made safe for the terminal that shows it.

Everything printed here may carry text a card, an import or a remote server
chose: a label, a figure, a file name, a SHACL message quoting a value. Rich
reads ``[...]`` in a plain string as markup, so a label such as ``[/x]`` would
crash the printer and ``[link=…]`` would forge a link; an escape character
(``\\x1b``) would recolour or rewrite the user's terminal; a NUL confuses the
tools a message is piped into; a 50 MB value floods the screen. So every such
string goes through :func:`plain`, which returns a markup-free ``Text`` with
control characters shown as ``\\xNN`` and long values cut.
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
import signal
import sys
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from .errors import KgraphError, ValidationFailed
from .prefixes import PREFIXES

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

    from .validate import ValidationReport

MESSAGE_LIMIT = 2000
"""Characters of one message or cell shown; the rest is counted, not printed."""

# C0 controls except tab and line feed, DEL, and C1 controls (ESC-less terminal sequences start at U+009B).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


@functools.cache
def consoles() -> tuple[Console, Console]:
    """Rich's consoles for standard output and standard error, made (and Rich imported) on first use.

    ``out`` and ``err`` are these, read as module attributes (PEP 562): CSV
    written by Oxigraph's writers, with nothing to warn about, never needs
    Rich, and importing it cost a query command 0.03 s.
    """
    from rich.console import Console

    out = Console(soft_wrap=True)
    if not out.is_terminal:  # piped output: wide tables beat columns folded into slivers
        out = Console(soft_wrap=True, width=220)
    return out, Console(stderr=True, soft_wrap=True)


def __getattr__(name: str) -> Any:
    if name == "out":
        return consoles()[0]
    if name == "err":
        return consoles()[1]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def visible(value: object, limit: int = MESSAGE_LIMIT) -> str:
    """``value`` as text with control characters escaped and at most ``limit`` characters kept."""
    text = _CONTROL.sub(lambda match: f"\\x{ord(match.group()):02x}", str(value))
    if len(text) > limit:
        text = f"{text[:limit]}… ({len(text) - limit} more characters)"
    return text


def plain(value: object, style: str = "", limit: int = MESSAGE_LIMIT) -> Text:
    """A ``Text`` that Rich prints as written: no markup, no control characters, bounded length."""
    from rich.text import Text

    return Text(visible(value, limit), style=style)


def say_error(message: object, label: str = "error:") -> None:
    from rich.text import Text

    _out, err = consoles()
    err.print(Text.assemble((label, "bold red"), " ", plain(message)))


@contextlib.contextmanager
def interruptible() -> Iterator[None]:
    """Ctrl-C during a query: one line and exit 130 (the query's thread is abandoned, see queries.deadline).

    The exit skips the interpreter's shutdown (``os._exit``): that shutdown
    closes the store and finalises objects while the abandoned evaluation
    still runs in its thread, which it has no reason to wait for. A query
    changes nothing, so there is nothing to finish; what was written is
    flushed first.
    """
    # A parent may hand Ctrl-C down ignored or blocked (Python keeps an inherited SIG_IGN); a query
    # must stay stoppable, so both are undone for the command's own process.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    try:
        yield
    except KeyboardInterrupt:
        consoles()[1].print("interrupted: the query was stopped")
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(OSError, ValueError):
                stream.flush()
        os._exit(130)


def reports_errors(command: Callable[..., Any]) -> Callable[..., Any]:
    """Turn kgraph's errors into a one-line message and the documented exit code; never a traceback."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except ValidationFailed as failure:
            print_report(failure.report)  # type: ignore[arg-type]
            say_error("the data does not conform; the store was not changed")
            sys.exit(failure.exit_code)
        except KgraphError as error:
            say_error(error)
            sys.exit(error.exit_code)
        except KeyboardInterrupt:
            consoles()[1].print("interrupted; nothing was changed that a later build cannot finish or undo")
            sys.exit(130)
        except Exception as error:  # a bug: say so in one line; KGRAPH_DEBUG=1 shows the traceback
            if os.environ.get("KGRAPH_DEBUG"):
                raise
            say_error(
                f"{type(error).__name__}: {error} (a bug in kgraph, please report it; KGRAPH_DEBUG=1 shows where)",
                label="internal error:",
            )
            sys.exit(2)

    return wrapper


def short_term(term: object) -> str:
    """IRIs with the project's prefixes, literals as their text: a table is for reading."""
    if term is None:
        return ""
    value = getattr(term, "value", str(term))
    if term.__class__.__name__ == "NamedNode":
        for prefix, namespace in PREFIXES.items():
            if value.startswith(namespace):
                return f"{prefix}:{value[len(namespace) :]}"
    return value


def print_report(report: ValidationReport) -> None:
    from rich.text import Text

    out, _err = consoles()
    verdict = Text("conforms", "green") if report.conforms else Text("does not conform", "red")
    counts = f": {len(report.violations)} violations, {len(report.warnings)} warnings."
    out.print(Text.assemble("Validation: ", verdict, counts))
    for finding in report.findings:
        colour = "red" if finding.severity == "Violation" else "yellow"
        where = f"{finding.location}: " if finding.location else ""
        out.print(Text.assemble("  ", (finding.severity, colour), " ", plain(f"{where}{finding.message}")))
        out.print(plain(f"    focus {finding.focus}", style="dim"))


def print_stats(counts: dict[str, int]) -> None:
    from rich.table import Table

    out, _err = consoles()
    table = Table(title="kgraph store")
    table.add_column("what")
    table.add_column("count", justify="right")
    for name, count in counts.items():
        table.add_row(plain(name), str(count))
    out.print(table)


def print_build_summary(result: Any, data_dir: object) -> None:
    """What a build compiled, reused and changed, and what it could check of the quotes."""
    out, _err = consoles()
    files = len(result.compiled.graph_files)
    reused = files - result.compiled.compiled_files
    out.print(plain(f"Compiled {files} files from {data_dir} into {result.quads} quads ({reused} unchanged, reused)."))
    if result.incremental:
        out.print(
            f"Changed {result.changed_graphs} graphs in place; validated what the change reaches."
            if result.changed_graphs
            else "Nothing changed since the last build: the store is as it was."
        )
    quotes = result.compiled.quotes
    out.print(f"Quotes checked against their source text: {quotes.verified} verified, {quotes.unverified} unverified.")
    for source, text_file in sorted(quotes.missing_texts.items()):
        out.print(
            plain(
                f"  offsets unverified for source {source!r}: text {text_file!r} not found "
                "(put it in data/texts/ or name its folder with --texts or KGRAPH_TEXT_PATH)"
            )
        )
