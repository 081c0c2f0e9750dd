"""What loading into a SPARQL server costs: ``replace_all`` on Oxigraph server and Virtuoso versus the embedded store.

For each size the synthetic cards are compiled and validated once, outside any
timing, into the N-Quads ``kgraph.build.build`` would load. Only the load is
timed, set against a baseline measured in the same run: the embedded store on
disk loading the very same N-Quads. For each server:

* a first load into an empty server, with the default chunk size and with a
  small one (each on a server of its own), to show what chunking costs;
* a re-load of identical data, which should send nothing (loads are incremental);
* the ``disputes`` stored query after the load (one warm-up run, then the
  median of three), with its row count, which must be the same on every engine.

Every server runs on 127.0.0.1 in a temporary folder of its own and is stopped
afterwards; needs ``virtuoso-t`` and the ``oxigraph`` server beside this Python.

    python benchmarks/bench_remote.py            # 100 and 1000 events
    python benchmarks/bench_remote.py 100 3000   # other sizes

The data is synthetic (IDs and numbers made up by ``bench_build.py``) and never
leaves the temporary folder.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph
from rich.console import Console
from rich.table import Table

from kgraph import KnowledgeGraph
from kgraph.build import compile_and_validate
from kgraph.namespaces import ONTOLOGY_GRAPH
from kgraph.resources import ontology_file
from kgraph.stores import EmbeddedStore, RemoteSettings, RemoteStore, Store
from kgraph.stores.config import DEFAULT_CHUNK_TRIPLES

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent / "tests")]
from bench_build import write_synthetic_data  # noqa: E402

from servers import start_oxigraph, start_virtuoso  # noqa: E402

DEFAULT_SIZES = (100, 1000)
SMALL_CHUNK = 5_000
ENGINES = ("oxigraph", "virtuoso")
console = Console(width=160, stderr=True)


@dataclass
class Load:
    events: int
    quads: int
    store: str
    chunk: int | None
    seconds: float
    sent: int | None


@dataclass
class QueryTime:
    events: int
    store: str
    seconds: float
    rows: int


def build_nquads(data: Path) -> bytes:
    """Exactly the N-Quads ``kgraph.build.build`` hands to ``replace_all``: the build plus the ontology graph."""
    compiled, report = compile_and_validate(data)
    assert report.conforms, [str(v) for v in report.violations[:3]]
    ontology = compiled.dataset.graph(ONTOLOGY_GRAPH)
    for triple in Graph().parse(ontology_file(), format="turtle"):
        ontology.add(triple)
    return compiled.dataset.serialize(format="nquads", encoding="utf-8")


def timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def timed_load(store: RemoteStore, nquads: bytes) -> tuple[float, int]:
    """Seconds ``replace_all`` took, and how many triples it sent."""
    seconds = timed(lambda: store.replace_all(nquads))
    assert store.last_load is not None
    return seconds, store.last_load.triples_sent


def time_disputes(store: Store) -> tuple[float, int]:
    kg = KnowledgeGraph(store)
    rows = len(kg.query("disputes").rows)  # warm-up: reads the query catalog and, remotely, the manifest
    return statistics.median(timed(lambda: kg.query("disputes")) for _ in range(3)), rows


@contextmanager
def server(engine: str, folder: Path, chunk: int) -> Iterator[RemoteStore]:
    """A fresh, empty server and a store on it that sends ``chunk`` triples a request."""
    running = start_oxigraph(folder, union_default_graph=False) if engine == "oxigraph" else start_virtuoso(folder)
    try:
        url = running.url if engine == "oxigraph" else running.sparql_url  # type: ignore[union-attr]
        store = RemoteStore(RemoteSettings(url=url, profile=engine, chunk_triples=chunk))
        try:
            yield store
        finally:
            store.close()
    finally:
        running.stop()


def measure(events: int) -> tuple[list[Load], list[QueryTime]]:
    loads: list[Load] = []
    queries: list[QueryTime] = []
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        write_synthetic_data(root / "data", events)
        console.log(f"{events} events: compiling and validating (not timed)")
        nquads = build_nquads(root / "data")
        quads = sum(1 for line in nquads.splitlines() if line.strip())

        embedded = EmbeddedStore(root / "embedded")
        loads.append(Load(events, quads, "embedded", None, timed(lambda: embedded.replace_all(nquads)), None))
        loads.append(Load(events, quads, "embedded, re-load", None, timed(lambda: embedded.replace_all(nquads)), None))
        queries.append(QueryTime(events, "embedded", *time_disputes(embedded)))
        embedded.close()

        for engine in ENGINES:
            for chunk in (DEFAULT_CHUNK_TRIPLES, SMALL_CHUNK):
                console.log(f"{events} events: {engine}, chunks of {chunk:,} triples")
                with server(engine, root / f"{engine}-{chunk}", chunk) as store:
                    loads.append(Load(events, quads, engine, chunk, *timed_load(store, nquads)))
                    if chunk == DEFAULT_CHUNK_TRIPLES:
                        loads.append(Load(events, quads, f"{engine}, re-load", chunk, *timed_load(store, nquads)))
                        queries.append(QueryTime(events, engine, *time_disputes(store)))
    return loads, queries


def main(sizes: list[int]) -> None:
    loads: list[Load] = []
    queries: list[QueryTime] = []
    for events in sizes:
        size_loads, size_queries = measure(events)
        loads += size_loads
        queries += size_queries

    table = Table(title="kgraph load, replace_all only (baseline: the embedded store on disk, same N-Quads, same run)")
    for column in ("events", "quads", "store", "chunk", "seconds", "quads/s", "/ embedded", "triples sent"):
        table.add_column(column, justify="left" if column == "store" else "right")
    for load in loads:
        baseline = next(b for b in loads if b.events == load.events and b.store == "embedded")
        table.add_row(
            f"{load.events:,}",
            f"{load.quads:,}",
            load.store,
            "-" if load.chunk is None else f"{load.chunk:,}",
            f"{load.seconds:.3f}",
            f"{load.quads / load.seconds:,.0f}",
            f"{load.seconds / baseline.seconds:.1f}x",
            "-" if load.sent is None else f"{load.sent:,}",
        )

    query_table = Table(title="disputes stored query after the load (median of 3 after a warm-up)")
    for column in ("events", "store", "seconds", "/ embedded", "rows"):
        query_table.add_column(column, justify="left" if column == "store" else "right")
    for query in queries:
        baseline = next(b for b in queries if b.events == query.events and b.store == "embedded")
        query_table.add_row(
            f"{query.events:,}",
            query.store,
            f"{query.seconds:.3f}",
            f"{query.seconds / baseline.seconds:.1f}x",
            f"{query.rows:,}",
        )
    output = Console(width=160)
    output.print(table)
    output.print(query_table)


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or list(DEFAULT_SIZES))
