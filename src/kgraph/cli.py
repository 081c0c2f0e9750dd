"""The ``kgraph`` command: exit 0 conforms, 1 does not conform, 2 input or runtime error.

Each command imports what it needs when it runs: ``kgraph --help`` loads
click and this module, ``kgraph queries`` the query catalog, and only
``build`` the compiler and validator. At start-up this module imported all
of kgraph (rdflib's SPARQL grammar, pyld, requests, rich), 0.67 s of CPU
before any command ran. Option choices that live in heavy modules are read
when an option is parsed or its help shown (:class:`LazyChoice`).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from .cli_data import import_command, import_ucdp_command, link_command
from .cli_options import (
    LazyChoice,
    data_option,
    export_formats,
    frame_names,
    load_progress,
    print_load_report,
    print_recovery,
    query_formats,
    reports_errors,
    store_option,
    texts_option,
)

if TYPE_CHECKING:
    from .stores import RemoteSettings

    StoreLocation = Path | RemoteSettings


@click.group()
@click.version_option(package_name="kgraph")
def main() -> None:
    """kgraph: events, places, groups and organisations, every fact with who said it."""


@main.command("build")
@data_option
@store_option
@texts_option
@click.option("--full", is_flag=True, help="Rebuild everything from nothing instead of only what changed.")
@reports_errors
def build_command(data_dir: Path, store_path: StoreLocation, texts: tuple[Path, ...], full: bool) -> None:
    """Compile data/ to RDF, validate it, and load the store in one step (all or nothing).

    Only files whose inputs changed are compiled again, and only what they change
    is loaded and validated; --full gives the same store from nothing.
    """
    from .api import KnowledgeGraph
    from .cli_output import out, plain, print_build_summary, print_report, print_stats

    with KnowledgeGraph.open(store_path) as kg:
        with load_progress(kg) as progress:
            result = kg.build(data_dir, texts=texts, progress=progress, full=full)
        print_recovery(kg)
        counts = kg.stats()
        where = kg.store.describe()
    print_build_summary(result, data_dir)
    print_report(result.report)
    out.print(plain(f"Loaded into {where}."))
    print_load_report(kg)
    print_stats(counts)


@main.command("validate")
@click.argument("cards", nargs=-1, type=click.Path(path_type=Path, dir_okay=False))
@data_option
@texts_option
@reports_errors
def validate_command(cards: tuple[Path, ...], data_dir: Path, texts: tuple[Path, ...]) -> None:
    """SHACL report for data/ or for the given CARDS (with data/reference); nothing is stored."""
    from .api import KnowledgeGraph
    from .cli_output import print_report

    report = KnowledgeGraph.validate(data_dir, cards, texts=texts)
    print_report(report)
    if not report.conforms:
        sys.exit(1)


@main.command("stats")
@store_option
@reports_errors
def stats_command(store_path: StoreLocation) -> None:
    """Counts of events, places, groups, organisations, sources, claims and figures in the store."""
    from .api import KnowledgeGraph
    from .cli_output import print_stats

    with KnowledgeGraph.open(store_path, read_only=True) as kg:
        print_stats(kg.stats())


@main.command("queries")
@reports_errors
def queries_command() -> None:
    """List the stored queries: name, what they answer, and their parameters."""
    from rich.table import Table

    from .cli_output import out
    from .queries import load_catalog

    table = Table(title="stored queries")
    for column in ("name", "form", "summary", "parameters"):
        table.add_column(column)
    for name, stored in load_catalog().items():
        parameters = ", ".join(
            f"{p.name}: {p.type}"
            + ("" if p.required else "?")
            + (f" = {stored.defaults[p.name]}" if p.name in stored.defaults else "")
            for p in stored.query.parameters
        )
        table.add_row(name, stored.query.form, stored.summary, parameters or "-")
    out.print(table)


@main.command("answer")
@click.option("--limit", default=10, show_default=True, help="Rows shown per query (0 for all).")
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    help="Seconds each query may run (default KGRAPH_QUERY_TIMEOUT, else 60).",
)
@store_option
@reports_errors
def answer_command(limit: int, timeout: float | None, store_path: StoreLocation) -> None:
    """Run every stored query with its default parameters and show the answers."""
    from .api import KnowledgeGraph
    from .cli_output import interruptible, out
    from .cli_results import print_answer
    from .queries import load_catalog
    from .queries.deadline import query_timeout
    from .queries.stream import Window

    seconds = query_timeout(timeout)  # a bad KGRAPH_QUERY_TIMEOUT is reported before any query runs
    window = Window(limit=limit or None)
    with KnowledgeGraph.open(store_path, read_only=True) as kg, interruptible():
        for name, stored in load_catalog().items():
            missing = [p.name for p in stored.query.parameters if p.required and p.name not in stored.defaults]
            out.rule(f"{name}: {stored.summary}")
            if missing:
                needs = " ".join(f"--param {m}=..." for m in missing)
                out.print(f"needs {', '.join(missing)}: kgraph query {name} {needs}", style="dim")
                continue
            print_answer(kg, name, {}, "table", window=window, timeout=seconds, graph_note=name)


@main.command("query")
@click.argument("name")
@click.option("--param", "-p", "params", multiple=True, metavar="NAME=VALUE", help="A parameter value (repeatable).")
@click.option("--format", "fmt", type=LazyChoice(query_formats), default="table", show_default=True)
@click.option(
    "--limit", type=click.IntRange(min=1), help="Rows written at most (after --offset); the rest are counted."
)
@click.option("--offset", type=click.IntRange(min=0), default=0, help="Rows skipped before the first one written.")
@click.option("--columns", metavar="A,B,C", help="Only these columns, in this order (by the names the table shows).")
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    help="Seconds the query may run (default KGRAPH_QUERY_TIMEOUT, else 60).",
)
@store_option
@reports_errors
def query_command(
    name: str,
    params: tuple[str, ...],
    fmt: str,
    limit: int | None,
    offset: int,
    columns: str | None,
    timeout: float | None,
    store_path: StoreLocation,
) -> None:
    """Run a stored query by NAME, a .rq file, or SPARQL text from standard input (NAME = -).

    The query runs once and its rows are written as they arrive, in any format.
    A parameter's column is named as the parameter (event, not __event_iri); the
    table leaves out a parameter's column when the parameter has a value (the
    same on every row), columns empty in the first rows, and columns that do not
    fit: the lines under it say which. --limit and --offset pick rows; the rows
    left out are counted on standard error (the table's last lines).

    A query stops after its time limit (exit 2) or on Ctrl-C (exit 130). SERVICE may
    only call the link endpoints and those listed in KGRAPH_SERVICE_ALLOW. Ad-hoc
    queries may use kg:, kgr:, rdf:, rdfs:, owl:, xsd:, skos:, prov:, oa:, geo:,
    dcterms: and schema: without PREFIX lines. A --param IRI that names nothing in
    the store is run anyway, with a warning on standard error.
    """
    from .api import KnowledgeGraph
    from .cli_output import interruptible
    from .cli_results import parse_columns, parse_params, print_answer, read_target
    from .queries.stream import Window

    values = parse_params(params)
    picked = parse_columns(columns)
    with interruptible():
        target = read_target(name)
        with KnowledgeGraph.open(store_path, read_only=True) as kg:
            print_answer(kg, target, values, fmt, window=Window(offset, limit), columns=picked, timeout=timeout)


@main.command("export")
@click.option("--format", "fmt", type=LazyChoice(export_formats), default="turtle", show_default=True)
@click.option("--source", help="Only the graph of this source card (its card ID).")
@click.option("--frame", type=LazyChoice(frame_names), help="JSON-LD framed per event, for web developers.")
@click.option("--out", "out_path", type=click.Path(path_type=Path, dir_okay=False), help="Write here, not to stdout.")
@store_option
@reports_errors
def export_command(
    fmt: str, source: str | None, frame: str | None, out_path: Path | None, store_path: StoreLocation
) -> None:
    """Export the store (or one source card) as Turtle, TriG, N-Quads, N-Triples or JSON-LD."""
    from .api import KnowledgeGraph
    from .cli_output import err, plain
    from .errors import KgraphError
    from .export import write_export
    from .transaction import writing_atomically

    if out_path is not None and not out_path.parent.is_dir():
        raise KgraphError(f"cannot write {out_path}: expected an existing folder {out_path.parent}")
    with KnowledgeGraph.open(store_path, read_only=True) as kg:
        if out_path is None:  # streamed graph by graph: a large store is never held whole
            write_export(kg.store, fmt, sys.stdout.buffer, source=source, frame=frame)
            return
        try:
            with writing_atomically(out_path) as handle:
                write_export(kg.store, fmt, handle, source=source, frame=frame)
        except OSError as error:
            raise KgraphError(f"cannot write {out_path}: {error.strerror or error}") from error
    err.print(plain(f"wrote {out_path.stat().st_size} bytes to {out_path}"))


for _command in (import_command, link_command, import_ucdp_command):
    main.add_command(_command)
