"""The ``kgraph`` commands that bring data in from elsewhere: ``import``, ``import-ucdp`` and ``link``.

Registered on the command group by ``cli``; each imports what it needs when it runs.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from .cli_options import (
    LazyChoice,
    data_option,
    link_targets,
    print_recovery,
    reports_errors,
    store_option,
    texts_option,
)

if TYPE_CHECKING:
    import datetime as dt

    from .api import KnowledgeGraph
    from .link.linker import Target
    from .stores import RemoteSettings

    StoreLocation = Path | RemoteSettings


@click.command("import")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@data_option
@store_option
@texts_option
@reports_errors
def import_command(file: Path, data_dir: Path, store_path: StoreLocation, texts: tuple[Path, ...]) -> None:
    """Validate an RDF file (Turtle, TriG, N-Quads, N-Triples, JSON-LD) with data/ and load it into its own graph."""
    from .api import KnowledgeGraph
    from .cli_output import out, plain, print_report

    with KnowledgeGraph.open(store_path) as kg:
        kg.data_dir, kg.texts = data_dir, list(texts)
        result = kg.import_file(file)
        print_recovery(kg)
    print_report(result.report)
    kept = data_dir / "imports" / file.name
    out.print(plain(f"Imported {file} into its own graph; kept as {kept} for later builds."))


@click.command("link")
@click.option("--target", type=LazyChoice(link_targets), default="wikidata", show_default=True)
@click.option(
    "--endpoint",
    envvar="KGRAPH_LINK_ENDPOINT",
    help="SPARQL endpoint holding the target's data (also KGRAPH_LINK_ENDPOINT). Wikidata's default: "
    "its public query service; GeoNames has none (load its RDF dump into a server of your own).",
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
    import datetime as dt

    from .api import KnowledgeGraph
    from .cli_output import out, plain
    from .errors import KgraphError
    from .link import accept, events
    from .link.linker import TARGETS

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
    from .cli_output import out, plain
    from .errors import KgraphError
    from .link import WIKIDATA_QUERY_SERVICE, SparqlEndpoint, find_links, write_links
    from .link.linker import WIKIDATA

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
    from rich.table import Table

    from .cli_output import out, plain
    from .yamlfile import load_yaml

    document = load_yaml(review) if review.is_file() else {}
    origin = document.get("endpoint") or f"checked {document.get('checked', 'never')}"
    table = Table(title=f"{target} candidates for review ({origin})")
    for column in ("entity", "candidate", "score", "why", "accept with"):
        table.add_column(column)
    for c in document.get("candidates") or []:
        table.add_row(*(plain(c.get(key, "")) for key in ("entity", "candidate", "score", "why", "accept")))
    out.print(table)


@click.command("import-ucdp")
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
    from .cli_output import out, plain, print_report, print_stats
    from .ucdp import NOTES_SHOWN, import_ged

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
