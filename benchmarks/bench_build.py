"""How the build scales: full builds, one-card edits, whole-store validation and a query, against baselines.

Each size runs in a fresh process (so peak memory is per size). Every figure
is set against a baseline measured in the same run:

- full build vs Oxigraph bulk-loading the very same N-Quads (the floor any build pays);
- adding one card, and editing one figure, vs the full build;
- ``validate --full`` on the store (the shapes as queries) vs pySHACL on the
  same graph (pySHACL only up to ``--pyshacl-max`` events: 17 minutes at 10,000).

    python benchmarks/bench_build.py                 # 1,000 and 10,000 events
    python benchmarks/bench_build.py 1000 100000     # other sizes

The data is synthetic (IDs and numbers made up by this script), in cards of
``--per-card`` events, and never leaves the temporary folder.
"""

from __future__ import annotations

import argparse
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
DEFAULT_SIZES = (1000, 10000)
PLACES = ("shusha", "khojaly", "baku", "yerevan", "khankendi")


def write_synthetic_data(target: Path, events: int, per_card: int = 100) -> None:
    """The project's reference data plus dataset cards of ``per_card`` events, five claims an event."""
    shutil.copytree(PROJECT / "data" / "reference", target / "reference")
    (target / "sources").mkdir(parents=True)
    (target / "sources" / "synthetic-groups.yaml").write_text(
        _card("synthetic-groups", ["groups:", "  - {id: synthetic-civilians, label: Synthetic civilians}"]),
        encoding="utf-8",
    )
    for start in range(0, events, per_card):
        write_card(target, start, min(start + per_card, events))


def write_card(target: Path, start: int, end: int, value_shift: int = 0) -> Path:
    lines = ["events:"]
    lines += [f"  - {{id: ev-{i}, type: ArmedClash, label: Synthetic event {i}}}" for i in range(start, end)]
    lines.append("claims:")
    for i in range(start, end):
        day, killed = 1 + i % 28, i % 50 + value_shift
        lines += [
            f"  - {{id: p{i}, about: ev-{i}, place: {PLACES[i % len(PLACES)]}, by: kgraph-curators, record: row-{i}}}",
            f"  - {{id: w{i}, about: ev-{i}, when: 1992-02-{day:02d}, by: kgraph-curators, record: row-{i}}}",
            f"  - {{id: k{i}, about: ev-{i}, figure: {{measure: killed, of: synthetic-civilians, value: {killed},"
            f" low: {killed}, best: {killed}, high: {killed + 5}}}, by: kgraph-curators, record: row-{i}}}",
            f"  - {{id: i{i}, about: ev-{i}, figure: {{measure: injured, value: {i % 30}, qualifier: at-least}},"
            f" by: kgraph-curators, record: row-{i}}}",
            f"  - {{id: r{i}, about: ev-{i}, participant: {{who: synthetic-civilians, role: victim}},"
            f" by: kgraph-curators, record: row-{i}}}",
        ]
    path = target / "sources" / f"synthetic-{start}.yaml"
    path.write_text(_card(f"synthetic-{start}", lines), encoding="utf-8")
    return path


def _card(card_id: str, body: list[str]) -> str:
    head = [
        f"card: {card_id}",
        "curator: kgraph-curators",
        "curated: 2026-11-25",
        f"source: {{id: {card_id}-dataset, kind: dataset, title: Synthetic benchmark dataset {card_id}}}",
    ]
    return "\n".join(head + body) + "\n"


def _timed(action):
    started = time.perf_counter()
    value = action()
    return value, time.perf_counter() - started


def measure_one(events: int, per_card: int, pyshacl_max: int) -> dict[str, float]:
    """Run inside a child process: every figure for one size."""
    import pyoxigraph as ox

    from kgraph import KnowledgeGraph
    from kgraph.namespaces import entity_iri
    from kgraph.validate import validate_store

    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        data = root / "data"
        write_synthetic_data(data, events, per_card)
        figures: dict[str, float] = {"events": events, "cards": len(list((data / "sources").glob("*.yaml")))}
        with KnowledgeGraph.open(root / "store") as kg:
            result, figures["build_s"] = _timed(lambda: kg.build(data))
            figures["quads"] = result.quads
            figures["build_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            graphs = sorted((root / "store" / "cache" / "compiled").glob("*.nq"))

            def baseline() -> None:
                store = ox.Store(str(root / "baseline"))
                for path in graphs:
                    store.bulk_load(path=str(path), format=ox.RdfFormat.N_QUADS)
                store.flush()

            _none, figures["baseline_load_s"] = _timed(baseline)
            write_card(data, events, events + per_card)
            added, figures["add_card_s"] = _timed(lambda: kg.build(data))
            write_card(data, 0, per_card, value_shift=1)
            edited, figures["edit_card_s"] = _timed(lambda: kg.build(data))
            assert added.incremental and edited.incremental
            one_event = str(entity_iri("event", "ev-5"))
            rows, figures["disputes_query_s"] = _timed(lambda: kg.query("disputes", event=one_event).rows)
            assert rows, "the disputes query found no figure for ev-5"
            store = kg.store.oxigraph  # type: ignore[attr-defined]
            report, figures["validate_full_s"] = _timed(lambda: validate_store(store))
            figures["findings"] = len(report.findings)
        if events <= pyshacl_max:
            figures["pyshacl_s"] = _pyshacl_seconds(root / "store")
    figures["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return figures


def _pyshacl_seconds(store_folder: Path) -> float:
    """pySHACL on the store's content (data and ontology), as kgraph used to validate."""
    from rdflib import Dataset

    from kgraph.namespaces import ONTOLOGY_GRAPH
    from kgraph.stores import EmbeddedStore
    from kgraph.validate import validate_graph

    store = EmbeddedStore(store_folder, read_only=True)
    dataset = Dataset()
    dataset.parse(data=store.dump_nquads(), format="nquads")
    store.close()
    dataset.remove_graph(dataset.graph(ONTOLOGY_GRAPH))
    _report, seconds = _timed(lambda: validate_graph(dataset, engine="pyshacl"))
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=list(DEFAULT_SIZES))
    parser.add_argument("--per-card", type=int, default=100, help="events per synthetic card")
    parser.add_argument("--pyshacl-max", type=int, default=1000, help="largest size pySHACL is timed at")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure_one(args.one, args.per_card, args.pyshacl_max)))
        return
    results = []
    for events in args.sizes:
        command = [sys.executable, __file__, "--one", str(events), "--per-card", str(args.per_card)]
        command += ["--pyshacl-max", str(args.pyshacl_max)]
        child = subprocess.run(command, capture_output=True, text=True, check=True)
        results.append(json.loads(child.stdout.strip().splitlines()[-1]))
        print(json.dumps(results[-1]), file=sys.stderr, flush=True)
    _print(results)


def _print(results: list[dict]) -> None:
    table = Table(title="kgraph build: baselines measured in the same run")
    columns = ("events", "cards", "quads", "build s", "bulk load s", "build/load", "add card s", "edit card s",
               "edit/build", "validate s", "pySHACL s", "pySHACL/val", "disputes s", "build RSS MB")  # fmt: skip
    for column in columns:
        table.add_column(column, justify="right")
    for r in results:
        pyshacl = r.get("pyshacl_s")
        table.add_row(
            f"{r['events']:,}",
            str(r["cards"]),
            f"{r['quads']:,}",
            f"{r['build_s']:.1f}",
            f"{r['baseline_load_s']:.1f}",
            f"{r['build_s'] / r['baseline_load_s']:.1f}x",
            f"{r['add_card_s']:.2f}",
            f"{r['edit_card_s']:.2f}",
            f"{r['edit_card_s'] / r['build_s']:.3f}",
            f"{r['validate_full_s']:.2f}",
            "-" if pyshacl is None else f"{pyshacl:.1f}",
            "-" if pyshacl is None else f"{pyshacl / r['validate_full_s']:.0f}x",
            f"{r['disputes_query_s']:.3f}",
            f"{r['build_rss_mb']:.0f}",
        )
    Console(width=200).print(table)


if __name__ == "__main__":
    main()
