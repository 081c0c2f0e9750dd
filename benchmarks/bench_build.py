"""How the build scales: compile, validate, load and query times for synthetic cards of N events.

Each size runs in a fresh process (so peak memory is per size) and is set
against a baseline measured in the same run: Oxigraph loading the very same
N-Quads with no compiling or validating, the floor any build pays.

    python benchmarks/bench_build.py            # 100, 1000 and 3000 events
    python benchmarks/bench_build.py 100 10000  # other sizes

The data is synthetic (IDs and numbers made up by this script) and never
leaves the temporary folder.
"""

from __future__ import annotations

import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

PROJECT = Path(__file__).resolve().parent.parent
DEFAULT_SIZES = (100, 1000, 3000)


def write_synthetic_data(target: Path, events: int) -> None:
    """The project's reference data plus one dataset card with ``events`` events of five claims each."""
    shutil.copytree(PROJECT / "data" / "reference", target / "reference")
    lines = [
        "card: synthetic",
        "curator: kgraph-curators",
        "curated: 2026-11-25",
        "source: {id: synthetic-dataset, kind: dataset, title: Synthetic benchmark dataset}",
        "groups:",
        "  - {id: synthetic-civilians, label: Synthetic civilians}",
        "events:",
    ]
    lines += [f"  - {{id: ev-{i}, type: ArmedClash, label: Synthetic event {i}}}" for i in range(events)]
    lines.append("claims:")
    places = ("shusha", "khojaly", "baku", "yerevan", "khankendi")
    for i in range(events):
        day = 1 + i % 28
        lines += [
            f"  - {{id: p{i}, about: ev-{i}, place: {places[i % len(places)]}, by: kgraph-curators, record: row-{i}}}",
            f"  - {{id: w{i}, about: ev-{i}, when: 1992-02-{day:02d}, by: kgraph-curators, record: row-{i}}}",
            f"  - {{id: k{i}, about: ev-{i}, figure: {{measure: killed, of: synthetic-civilians, value: {i % 50},"
            f" low: {i % 50}, best: {i % 50}, high: {i % 50 + 5}}}, by: kgraph-curators, record: row-{i}}}",
            f"  - {{id: i{i}, about: ev-{i}, figure: {{measure: injured, value: {i % 30}, qualifier: at-least}},"
            f" by: kgraph-curators, record: row-{i}}}",
            f"  - {{id: r{i}, about: ev-{i}, participant: {{who: synthetic-civilians, role: victim}},"
            f" by: kgraph-curators, record: row-{i}}}",
        ]
    (target / "sources").mkdir(parents=True)
    (target / "sources" / "synthetic.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def measure_one(events: int) -> dict[str, float]:
    """Run inside a child process: every figure for one size."""
    import pyoxigraph as ox

    from kgraph import KnowledgeGraph
    from kgraph.compile import compile_data
    from kgraph.validate import union_graph, validate_graph

    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        write_synthetic_data(root / "data", events)
        started = time.perf_counter()
        compiled = compile_data(root / "data")
        compile_s = time.perf_counter() - started
        nquads = compiled.dataset.serialize(format="nquads", encoding="utf-8")

        started = time.perf_counter()
        baseline = ox.Store(str(root / "baseline"))
        baseline.bulk_load(nquads, format=ox.RdfFormat.N_QUADS)
        baseline.flush()
        baseline_s = time.perf_counter() - started
        del baseline

        started = time.perf_counter()
        report = validate_graph(union_graph(compiled.dataset))
        validate_s = time.perf_counter() - started
        assert report.conforms, [str(f) for f in report.violations[:3]]

        kg = KnowledgeGraph.open(root / "store")
        started = time.perf_counter()
        kg.build(root / "data")
        build_s = time.perf_counter() - started

        started = time.perf_counter()
        rows = kg.query("disputes").rows
        query_s = time.perf_counter() - started
        quads = sum(1 for line in nquads.splitlines() if line.strip())
    return {
        "events": events,
        "quads": quads,
        "compile_s": compile_s,
        "validate_s": validate_s,
        "build_s": build_s,
        "baseline_load_s": baseline_s,
        "disputes_query_s": query_s,
        "disputes_rows": len(rows),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def main(sizes: list[int]) -> None:
    results = []
    for events in sizes:
        child = subprocess.run(
            [sys.executable, __file__, "--one", str(events)], capture_output=True, text=True, check=True
        )
        results.append(json.loads(child.stdout.strip().splitlines()[-1]))
    table = Table(title="kgraph build (baseline: Oxigraph bulk-loading the same N-Quads)")
    for column in (
        "events",
        "quads",
        "compile s",
        "validate s",
        "build s",
        "baseline s",
        "build / baseline",
        "disputes query s",
        "peak RSS MB",
    ):
        table.add_column(column, justify="right")
    for r in results:
        table.add_row(
            str(r["events"]),
            str(r["quads"]),
            f"{r['compile_s']:.2f}",
            f"{r['validate_s']:.2f}",
            f"{r['build_s']:.2f}",
            f"{r['baseline_load_s']:.3f}",
            f"{r['build_s'] / r['baseline_load_s']:.0f}x",
            f"{r['disputes_query_s']:.3f}",
            f"{r['peak_rss_mb']:.0f}",
        )
    Console(width=160).print(table)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--one":
        print(json.dumps(measure_one(int(sys.argv[2]))))
    else:
        main([int(a) for a in sys.argv[1:]] or list(DEFAULT_SIZES))
