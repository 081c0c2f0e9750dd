"""The ``kgraph`` command: exit 0 conforms, 1 does not conform, 2 input or runtime error."""

from __future__ import annotations

import contextlib
import datetime as dt
import sys
from collections.abc import Iterator
from pathlib import Path

import click
from rich.progress import Progress
from rich.table import Table

from .api import KnowledgeGraph
from .cli_output import (
    err,
    interruptible,
    out,
    plain,
    print_build_summary,
    print_report,
    print_rows,
    print_stats,
    reports_errors,
)
from .errors import KgraphError
from .export import EXPORT_FORMATS, FRAMES
from .link import WIKIDATA_QUERY_SERVICE, SparqlEndpoint, accept, events, find_links, write_links
from .link.linker import TARGETS, WIKIDATA, Target
from .queries import ParameterError, load_catalog
from .queries.results import GRAPH_FORMATS, RESULT_FORMATS
from .stores import LoadProgress, RemoteSettings, RemoteStore, resolve_store
from .transaction import write_atomically
from .ucdp import NOTES_SHOWN, import_ged
from .yamlfile import load_yaml

StoreLocation = Path | RemoteSettings


data_option = click.option(
    "--data",
    "data_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("data"),
    show_default=True,
    help="Folder with sources/ (cards) and reference/.",
)


def _resolve_store_option(_context: click.Context, _parameter: click.Parameter, value: str | None) -> object:
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
    report = KnowledgeGraph.validate(data_dir, cards, texts=texts)
    print_report(report)
    if not report.conforms:
        sys.exit(1)


@main.command("stats")
@store_option
@reports_errors
def stats_command(store_path: StoreLocation) -> None:
    """Counts of events, places, groups, organisations, sources, claims and figures in the store."""
    with KnowledgeGraph.open(store_path, read_only=True) as kg:
        print_stats(kg.stats())


@main.command("queries")
@reports_errors
def queries_command() -> None:
    """List the stored queries: name, what they answer, and their parameters."""
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
    from .queries.deadline import query_timeout

    seconds = query_timeout(timeout)  # a bad KGRAPH_QUERY_TIMEOUT is reported before any query runs
    with KnowledgeGraph.open(store_path, read_only=True) as kg, interruptible():
        for name, stored in load_catalog().items():
            missing = [p.name for p in stored.query.parameters if p.required and p.name not in stored.defaults]
            out.rule(f"{name}: {stored.summary}")
            if missing:
                needs = " ".join(f"--param {m}=..." for m in missing)
                out.print(f"needs {', '.join(missing)}: kgraph query {name} {needs}", style="dim")
                continue
            result = kg.query(name, timeout=seconds)
            if result.form == "ASK":
                out.print("true" if result.boolean else "false")
            elif result.form == "SELECT":
                print_rows(result, limit=limit)
            else:
                out.print(f"{len(result)} triples (kgraph query {name} --format turtle)")


@main.command("query")
@click.argument("name")
@click.option("--param", "-p", "params", multiple=True, metavar="NAME=VALUE", help="A parameter value (repeatable).")
@click.option(
    "--format", "fmt", type=click.Choice(["table", *RESULT_FORMATS, *GRAPH_FORMATS]), default="table", show_default=True
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    help="Seconds the query may run (default KGRAPH_QUERY_TIMEOUT, else 60).",
)
@store_option
@reports_errors
def query_command(
    name: str, params: tuple[str, ...], fmt: str, timeout: float | None, store_path: StoreLocation
) -> None:
    """Run a stored query by NAME, a .rq file, or SPARQL text from standard input (NAME = -).

    A query stops after its time limit (exit 2) or on Ctrl-C (exit 130). SERVICE may
    only call the link endpoints and those listed in KGRAPH_SERVICE_ALLOW.
    """
    from .queries import QueryError, QueryText

    values: dict[str, str] = {}
    for item in params:
        key, equals, value = item.partition("=")
        if not equals or not key:
            raise ParameterError(f"expected --param NAME=VALUE, got {item!r}")
        values[key.strip()] = value
    if "timeout" in values:
        raise ParameterError("--param timeout=... names the --timeout option's keyword; give the limit as --timeout")
    with interruptible():
        if name == "-":
            raw = sys.stdin.buffer.read()
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as error:
                raise QueryError(f"<stdin>: not UTF-8 text (byte {error.start})") from error
            target: str | Path | QueryText = QueryText.parse(text, "<stdin>")
        else:
            target = Path(name) if name.endswith(".rq") else name
        with KnowledgeGraph.open(store_path, read_only=True) as kg:  # serializing may read the store again
            result = kg.query(target, timeout=timeout, **values)
            if fmt != "table":
                sys.stdout.buffer.write(result.serialize(fmt))
            elif result.form == "ASK":
                out.print("true" if result.boolean else "false")
            elif result.form == "SELECT":
                print_rows(result)
            else:
                sys.stdout.buffer.write(result.serialize("turtle"))


@main.command("export")
@click.option("--format", "fmt", type=click.Choice(EXPORT_FORMATS), default="turtle", show_default=True)
@click.option("--source", help="Only the graph of this source card (its card ID).")
@click.option("--frame", type=click.Choice(FRAMES), help="JSON-LD framed per event, for web developers.")
@click.option("--out", "out_path", type=click.Path(path_type=Path, dir_okay=False), help="Write here, not to stdout.")
@store_option
@reports_errors
def export_command(
    fmt: str, source: str | None, frame: str | None, out_path: Path | None, store_path: StoreLocation
) -> None:
    """Export the store (or one source card) as Turtle, TriG, N-Quads, N-Triples or JSON-LD."""
    if out_path is not None and not out_path.parent.is_dir():
        raise KgraphError(f"cannot write {out_path}: expected an existing folder {out_path.parent}")
    with KnowledgeGraph.open(store_path, read_only=True) as kg:
        data = kg.export(fmt, source=source, frame=frame)
    if out_path is None:
        sys.stdout.buffer.write(data)
        return
    try:
        write_atomically(out_path, data)
    except OSError as error:
        raise KgraphError(f"cannot write {out_path}: {error.strerror or error}") from error
    err.print(plain(f"wrote {len(data)} bytes to {out_path}"))


@main.command("import")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@data_option
@store_option
@texts_option
@reports_errors
def import_command(file: Path, data_dir: Path, store_path: StoreLocation, texts: tuple[Path, ...]) -> None:
    """Validate an RDF file (Turtle, TriG, N-Quads, N-Triples, JSON-LD) with data/ and load it into its own graph."""
    with KnowledgeGraph.open(store_path) as kg:
        kg.data_dir, kg.texts = data_dir, list(texts)
        result = kg.import_file(file)
        print_recovery(kg)
    print_report(result.report)
    kept = data_dir / "imports" / file.name
    out.print(plain(f"Imported {file} into its own graph; kept as {kept} for later builds."))


@main.command("link")
@click.option("--target", type=click.Choice([*sorted(TARGETS), "events"]), default="wikidata", show_default=True)
@click.option(
    "--endpoint",
    envvar="KGRAPH_LINK_ENDPOINT",
    help=f"SPARQL endpoint holding the target's data (also KGRAPH_LINK_ENDPOINT). Wikidata's default: "
    f"{WIKIDATA_QUERY_SERVICE}; GeoNames has none (load its RDF dump into a server of your own).",
)
@click.option("--threshold", default=0.8, show_default=True, help="Score from which a candidate becomes a link.")
@click.option("--review", "show_review", is_flag=True, help="Print the candidates waiting for a curator.")
@click.option("--accept", "accepted", nargs=2, metavar="ID ITEM", help="Record a curator's link from the review list.")
@data_option
@store_option
@texts_option
@reports_errors
def link_command(
    target: str,
    endpoint: str | None,
    threshold: float,
    show_review: bool,
    accepted: tuple[str, str] | None,
    data_dir: Path,
    store_path: StoreLocation,
    texts: tuple[Path, ...],
) -> None:
    """Find Wikidata items or GeoNames features for unlinked entities: links become claims, the rest a review list."""
    today = dt.date.today()
    review_file = events.REVIEW_FILE if target == "events" else TARGETS[target].review_file
    if show_review:
        print_review(target, data_dir / review_file)
        return
    with KnowledgeGraph.open(store_path) as kg:
        card = data_dir / (events.LINKS_CARD if target == "events" else TARGETS[target].links_card)
        previous = card.read_bytes() if card.is_file() else None
        if target == "events":
            if accepted:
                events.accept_event(data_dir, accepted[0], accepted[1], today)
            else:
                matches = events.match_events(kg.store)
                events.write_event_links(data_dir, matches, today)
                out.print(f"{len(matches.linked)} events linked, {len(matches.review)} matches for review.")
        elif accepted:
            accept(data_dir, accepted[0], accepted[1], today, TARGETS[target])
        else:
            run_linker(kg, TARGETS[target], endpoint, threshold, data_dir, store_path, today)
        try:
            kg.build(data_dir, texts=texts)
        except KgraphError:
            if previous is None:
                card.unlink(missing_ok=True)
            else:
                card.write_bytes(previous)
            raise
        where = kg.store.describe()
    out.print(plain(f"Links loaded into {where}; review them with kgraph link --target {target} --review."))


def run_linker(
    kg: KnowledgeGraph,
    target: Target,
    endpoint: str | None,
    threshold: float,
    data_dir: Path,
    store_path: StoreLocation,
    today: dt.date,
) -> None:
    endpoint = endpoint or (WIKIDATA_QUERY_SERVICE if target is WIKIDATA else None)
    if endpoint is None:
        raise KgraphError(f"--endpoint is needed for {target.name}: a SPARQL endpoint holding its RDF")
    cache_root = store_path if isinstance(store_path, Path) else Path(".kgraph")
    client = SparqlEndpoint(endpoint, cache_dir=cache_root / "cache" / "sparql")
    report = find_links(kg.store, client, threshold=threshold, target=target)
    write_links(data_dir, report, endpoint, today, target)
    out.print(
        plain(
            f"{len(report.linked)} linked, {len(report.review)} for review, {len(report.unmatched)} without "
            f"candidates; {report.requests_sent} requests sent to {endpoint} (the rest from the cache)."
        )
    )
    for decision in report.linked:
        out.print(f"  {decision.entity.slug} → {target.name} {decision.item} ({decision.score.explain()})")


def print_review(target: str, review: Path) -> None:
    document = load_yaml(review) if review.is_file() else {}
    origin = document.get("endpoint") or f"checked {document.get('checked', 'never')}"
    table = Table(title=f"{target} candidates for review ({origin})")
    for column in ("entity", "candidate", "score", "why", "accept with"):
        table.add_column(column)
    for c in document.get("candidates") or []:
        table.add_row(*(plain(c.get(key, "")) for key in ("entity", "candidate", "score", "why", "accept")))
    out.print(table)


@main.command("import-ucdp")
@click.argument("csv_file", metavar="FILE.csv", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option("--release", default="23.1", show_default=True, help="GED release, as in the file name ucdp-ged-23-1.nq.")
@click.option(
    "--strict/--skip-bad",
    default=True,
    show_default=True,
    help="Stop at the first malformed row (exit 2), or skip malformed rows and list them.",
)
@data_option
@store_option
@texts_option
@reports_errors
def import_ucdp_command(
    csv_file: Path, release: str, strict: bool, data_dir: Path, store_path: StoreLocation, texts: tuple[Path, ...]
) -> None:
    """Convert a UCDP GED CSV into claims in data/imports/ and rebuild the store with it (all or nothing)."""
    report, result, counts = import_ged(
        csv_file, release=release, strict=strict, data_dir=data_dir, store_path=store_path, texts=texts
    )
    out.print(
        plain(
            f"Read {report.rows_read} rows from {csv_file}: {report.events_written} events written, "
            f"{report.rows_skipped} rows skipped; {report.quads_written} quads in {report.out_path}."
        )
    )
    for line, reason in report.skipped:
        out.print(plain(f"  skipped {csv_file}:{line}: {reason}"))
    for line, note in report.notes[:NOTES_SHOWN]:
        out.print(plain(f"  note {csv_file}:{line}: {note}"))
    if len(report.notes) > NOTES_SHOWN:
        out.print(f"  ... and {len(report.notes) - NOTES_SHOWN} more rows whose estimates are out of order")
    print_report(result.report)
    out.print(plain(f"Loaded into {store_path}."))
    print_stats(counts)


@contextlib.contextmanager
def load_progress(kg: KnowledgeGraph) -> Iterator[LoadProgress | None]:
    """A progress bar for loads into a server, which send their triples in chunks; none for the embedded store."""
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
    set_aside = getattr(kg.store, "set_aside", None)
    if set_aside is not None:
        folder, problem = set_aside
        err.print(plain(f"warning: the store could not be opened ({problem}); set aside in {folder} and rebuilt"))
    if kg.recovered:
        err.print(plain(f"warning: {kg.recovered}"))


def print_load_report(kg: KnowledgeGraph) -> None:
    report = kg.store.last_load if isinstance(kg.store, RemoteStore) else None
    if report is None:
        return
    out.print(
        f"Sent {len(report.graphs_sent)} changed graphs ({report.triples_sent} triples"
        + (f", {report.triples_resumed} already staged by an interrupted load" if report.triples_resumed else "")
        + f"); {len(report.graphs_unchanged)} unchanged, {len(report.graphs_dropped)} dropped.",
        highlight=False,
    )
