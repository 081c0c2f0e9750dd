"""What the ``kgraph`` commands share: options, lazily loaded choices, error reporting, progress and notices.

Kept apart from the commands so that ``cli`` and ``cli_data`` both use them
and neither imports the other's commands; like them, it imports kgraph's
heavy modules only inside functions, so ``kgraph --help`` stays cheap.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from .api import KnowledgeGraph
    from .stores import LoadProgress, RemoteSettings

    StoreLocation = Path | RemoteSettings


class LazyChoice(click.Choice):
    """A ``click.Choice`` whose values are loaded on first use, so ``--help`` never imports their module."""

    def __init__(self, load: Callable[[], Sequence[str]]) -> None:
        self._load = load
        self._loaded: tuple[str, ...] | None = None
        self.case_sensitive = True

    @property  # type: ignore[override]
    def choices(self) -> tuple[str, ...]:
        if self._loaded is None:
            self._loaded = tuple(self._load())
        return self._loaded


def reports_errors(command: Callable[..., Any]) -> Callable[..., Any]:
    """:func:`kgraph.cli_output.reports_errors`, applied when the command runs (Rich is imported then)."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from .cli_output import reports_errors as report

        return report(command)(*args, **kwargs)

    return wrapper


def query_formats() -> list[str]:
    from .queries.results import GRAPH_FORMATS, RESULT_FORMATS

    return ["table", *RESULT_FORMATS, *GRAPH_FORMATS]


def export_formats() -> Sequence[str]:
    from .export import EXPORT_FORMATS

    return EXPORT_FORMATS


def frame_names() -> Sequence[str]:
    from .export import FRAMES

    return FRAMES


def link_targets() -> list[str]:
    from .link.linker import TARGETS

    return [*sorted(TARGETS), "events"]


data_option = click.option(
    "--data",
    "data_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("data"),
    show_default=True,
    help="Folder with sources/ (cards) and reference/.",
)


def _resolve_store_option(_context: click.Context, _parameter: click.Parameter, value: str | None) -> object:
    from .errors import KgraphError
    from .stores import resolve_store

    try:
        return resolve_store(value)
    except KgraphError as error:
        raise click.BadParameter(str(error)) from error


store_option = click.option(
    "--store",
    "store_path",
    default=None,
    envvar="KGRAPH_STORE",
    callback=_resolve_store_option,
    help="Folder of the embedded store (default .kgraph), or a SPARQL server as ENGINE+URL, e.g. "
    "virtuoso+http://127.0.0.1:8890/sparql (also KGRAPH_STORE, or [store] url in kgraph.toml).",
)
texts_option = click.option(
    "--texts",
    "texts",
    type=click.Path(path_type=Path, file_okay=False),
    multiple=True,
    help="Folder holding source texts to check quotes against (also KGRAPH_TEXT_PATH, data/texts).",
)


@contextlib.contextmanager
def load_progress(kg: KnowledgeGraph) -> Iterator[LoadProgress | None]:
    """A progress bar for loads into a server, which send their triples in chunks; none for the embedded store."""
    from rich.progress import Progress

    from .cli_output import err
    from .stores import RemoteStore

    if not isinstance(kg.store, RemoteStore):
        yield None
        return
    with Progress(transient=True, console=err) as bar:
        task = bar.add_task(f"loading into {kg.store.describe()}", total=None)

        def advance(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield advance


def print_recovery(kg: KnowledgeGraph) -> None:
    """What the store and data/ needed after an earlier crash or corruption, so it never happens silently."""
    from .cli_output import err, plain

    set_aside = getattr(kg.store, "set_aside", None)
    if set_aside is not None:
        folder, problem = set_aside
        err.print(plain(f"warning: the store could not be opened ({problem}); set aside in {folder} and rebuilt"))
    if kg.recovered:
        err.print(plain(f"warning: {kg.recovered}"))


def print_load_report(kg: KnowledgeGraph) -> None:
    from .cli_output import out
    from .stores import RemoteStore

    report = kg.store.last_load if isinstance(kg.store, RemoteStore) else None
    if report is None:
        return
    out.print(
        f"Sent {len(report.graphs_sent)} changed graphs ({report.triples_sent} triples"
        + (f", {report.triples_resumed} already staged by an interrupted load" if report.triples_resumed else "")
        + f"); {len(report.graphs_unchanged)} unchanged, {len(report.graphs_dropped)} dropped.",
        highlight=False,
    )
