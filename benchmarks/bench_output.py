"""Query output: the table against CSV for the same rows, memory per format, and the API against raw pyoxigraph.

Every ratio is against a baseline measured in the same run, on the same store:

1. ``kgraph query disputes`` (all rows) as CSV, TSV, JSON and the default
   table, each a fresh process: wall time and peak memory (RSS), beside a raw
   pyoxigraph script writing the same query's CSV (``serialize``, one call).
   The target: table ≤ 1.5x CSV. Memory flat in rows: CSV with every row
   written against CSV with ``--limit 10`` (the same rows read, ten written).
2. Warm stored queries through ``KnowledgeGraph.query`` (by name, as a user
   calls it) against raw ``Store.query`` on the very text the embedded store
   runs, rows read into lists both ways. The target: ≤ 1.2x.
3. The clock's cost per call: a reused worker (``deadline.within``) against
   a thread started per call, as ``within`` did before.

    python benchmarks/bench_output.py --store /tmp/x10k/store        # a built store (read-only use)
    python benchmarks/bench_output.py --store S --query disputes --runs 3
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
CHEAP_QUERIES = {  # stored query -> parameters: answers of a few rows, where the per-call overhead shows
    "disputes": {"event": "kgr:event/ev-1"},
    "claims-about": {"subject": "kgr:event/ev-1"},
    "participants": {"event": "kgr:event/ev-1"},
}

RAW_SCRIPT = """
import sys, pyoxigraph as ox
from kgraph import KnowledgeGraph
from kgraph.queries import StoredQuery
from pathlib import Path
query = StoredQuery.load(Path(sys.argv[2])).query
kg = KnowledgeGraph.open(Path(sys.argv[1]), read_only=True)
answer = kg.store.oxigraph.query(query.text, use_default_graph_as_union=True)
answer.serialize(sys.stdout.buffer, format=ox.QueryResultsFormat.CSV)
"""


def run_process(command: list[str]) -> tuple[float, float, int]:
    """Wall seconds, peak RSS in MB and bytes written to stdout by ``command``."""
    with tempfile.TemporaryFile() as sink:
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=sink, stderr=subprocess.PIPE)
        _pid, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - started
        if status != 0:
            raise SystemExit(f"{' '.join(command)} failed: {process.stderr.read().decode()[-500:]}")  # type: ignore[union-attr]
        sink.seek(0, os.SEEK_END)
        return elapsed, usage.ru_maxrss / 1024, sink.tell()


def best(command: list[str], runs: int) -> tuple[float, float, int]:
    """The fastest of ``runs`` (the machine is shared), with its memory and output size."""
    return min((run_process(command) for _ in range(runs)), key=lambda figures: figures[0])


def output_section(store: Path, name: str, runs: int) -> None:
    kgraph = [sys.executable, "-m", "kgraph", "query", name, "--store", str(store)]
    cases = {
        "raw pyoxigraph CSV (baseline)": [
            sys.executable,
            "-c",
            RAW_SCRIPT,
            str(store),
            str(PROJECT / "queries" / f"{name}.rq"),
        ],
        "kgraph --format csv": [*kgraph, "--format", "csv"],
        "kgraph --format csv --limit 10": [*kgraph, "--format", "csv", "--limit", "10"],
        "kgraph --format tsv": [*kgraph, "--format", "tsv"],
        "kgraph --format json": [*kgraph, "--format", "json"],
        "kgraph (table)": kgraph,
    }
    figures = {label: best(command, runs) for label, command in cases.items()}
    csv_time, csv_memory, _ = figures["kgraph --format csv"]
    raw_time, _raw_memory, _ = figures["raw pyoxigraph CSV (baseline)"]
    print(f"\n{name} on {store}: fastest of {runs} runs, each a fresh process")
    print(f"{'':34} {'seconds':>8} {'peak MB':>8} {'MB out':>8} {'/ csv':>7} {'/ raw':>7}")
    for label, (seconds, memory, written) in figures.items():
        print(
            f"{label:34} {seconds:8.2f} {memory:8.0f} {written / 1e6:8.1f} "
            f"{seconds / csv_time:6.2f}x {seconds / raw_time:6.2f}x"
        )
    table_time, table_memory, _ = figures["kgraph (table)"]
    _limited_time, limited_memory, _ = figures["kgraph --format csv --limit 10"]
    print(f"table / csv: {table_time / csv_time:.2f}x time (target ≤ 1.5x), {table_memory / csv_memory:.2f}x memory")
    print(f"csv all rows / csv --limit 10 (same rows read): {csv_memory / limited_memory:.2f}x memory (flat: ~1x)")


def api_section(store: Path, runs: int) -> None:
    from kgraph import KnowledgeGraph
    from kgraph.queries.inline import substitute_parameters

    print(f"\nwarm stored queries by name, median of {runs * 10} calls: API (kg.query) / raw Store.query")
    with KnowledgeGraph.open(store, read_only=True) as kg:
        oxigraph = kg.store.oxigraph  # type: ignore[attr-defined]
        catalog = kg.queries()
        for name, params in CHEAP_QUERIES.items():
            if name not in catalog:
                continue
            stored = catalog[name]
            text = substitute_parameters(stored.query.text, stored.query.bind(params, stored.defaults))

            def api(name=name, params=params) -> int:
                return len(kg.query(name, **params).rows)

            def raw(text=text) -> int:
                answer = oxigraph.query(text, use_default_graph_as_union=True)
                variables = [v.value for v in answer.variables]
                return len([[solution[v] for v in variables] for solution in answer])

            rows = api()
            api_time, raw_time = median_of(api, runs * 10), median_of(raw, runs * 10)
            print(
                f"  {name:18} rows {rows:5}  API {api_time * 1000:8.2f} ms  raw {raw_time * 1000:8.2f} ms"
                f"  {api_time / raw_time:5.2f}x (target ≤ 1.2x)"
            )


def clock_section(calls: int) -> None:
    from kgraph.queries.deadline import within

    def thread_per_call() -> None:
        done = threading.Event()
        threading.Thread(target=done.set, daemon=True).start()
        done.wait(60)

    pooled = median_of(lambda: within(60, lambda: None), calls)
    fresh = median_of(thread_per_call, calls)
    print(f"\nthe clock per call: reused worker {pooled * 1e6:.0f} µs, a thread per call {fresh * 1e6:.0f} µs")


def median_of(work, calls: int) -> float:
    work()
    seconds = []
    for _ in range(calls):
        started = time.perf_counter()
        work()
        seconds.append(time.perf_counter() - started)
    return statistics.median(seconds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--store", type=Path, required=True, help="A built kgraph store (only read).")
    parser.add_argument("--query", default="disputes", help="The stored query whose output is timed.")
    parser.add_argument("--runs", type=int, default=2)
    arguments = parser.parse_args()
    output_section(arguments.store, arguments.query, arguments.runs)
    api_section(arguments.store, arguments.runs)
    clock_section(500)


if __name__ == "__main__":
    main()
