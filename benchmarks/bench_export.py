"""Every export format against pyoxigraph's own writer on the same store, in the same run, with peak memory.

For each size a store is built from bench_build.py's synthetic data (or a
store built already is given with ``--store SIZE=PATH``). Then each format is
written to a temporary file by ``kgraph.export.write_export``, each in a fresh
process so its peak RSS is its own, beside its baseline, also in a fresh process:

- N-Quads, TriG: ``pyoxigraph.serialize`` of the store's quads (read from the store);
- Turtle, N-Triples: the same with each quad's triple (no de-duplication);
- JSON-LD and ``--frame event``: ``pyoxigraph.serialize(quads, format=RdfFormat.JSON_LD)``
  (expanded JSON-LD, the floor a compacted writer cannot beat).

    python benchmarks/bench_export.py                  # 1,000 and 10,000 events
    python benchmarks/bench_export.py 100000 --store 100000=/tmp/kgx/100000/store
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT / "benchmarks"))

from bench_build import write_synthetic_data  # noqa: E402

DEFAULT_SIZES = (1000, 10000)
# (name shown, kgraph format, frame, baseline pyoxigraph format, baseline writes triples)
CASES = (
    ("nquads", "nquads", None, "N_QUADS", False),
    ("trig", "trig", None, "TRIG", False),
    ("turtle", "turtle", None, "TURTLE", True),
    ("ntriples", "ntriples", None, "N_TRIPLES", True),
    ("jsonld", "jsonld", None, "JSON_LD", False),
    ("frame event", "jsonld", "event", "JSON_LD", False),
)


def run_one(store_path: str, case: str, baseline: bool, out_path: str) -> dict[str, float]:
    """Inside a child process: one export (or its baseline) of one store, timed, with peak RSS."""
    import pyoxigraph as ox

    from kgraph import KnowledgeGraph
    from kgraph.export import write_export

    _name, fmt, frame, ox_format, triples = next(c for c in CASES if c[0] == case)
    with KnowledgeGraph.open(Path(store_path), read_only=True) as kg, open(out_path, "wb") as out:
        started = time.perf_counter()
        if baseline:
            quads = kg.store.quads()
            items = [quad.triple for quad in quads] if triples else quads
            ox.serialize(items, out, getattr(ox.RdfFormat, ox_format))
        else:
            write_export(kg.store, fmt, out, frame=frame)
        seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "bytes": Path(out_path).stat().st_size,
    }


def _child(store: Path, case: str, baseline: bool, folder: Path) -> dict[str, float]:
    command = [sys.executable, __file__, "--child", str(store), case, "--out", str(folder / "out")]
    command += ["--baseline"] if baseline else []
    child = subprocess.run(command, capture_output=True, text=True, check=True)
    return json.loads(child.stdout.strip().splitlines()[-1])


def _build(events: int, folder: Path) -> Path:
    from kgraph import KnowledgeGraph

    write_synthetic_data(folder / "data", events)
    with KnowledgeGraph.open(folder / "store") as kg:
        kg.build(folder / "data")
    return folder / "store"


def measure(events: int, store: Path | None, cases: list[str]) -> list[dict]:
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        store = store or _build(events, root)
        for case in cases:
            base = _child(store, case, True, root)
            ours = _child(store, case, False, root)
            rows.append({"events": events, "format": case, "base": base, "ours": ours})
            print(json.dumps(rows[-1]), file=sys.stderr, flush=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=list(DEFAULT_SIZES))
    parser.add_argument("--store", action="append", default=[], help="SIZE=PATH: a store built already")
    parser.add_argument("--formats", default=",".join(c[0] for c in CASES), help="comma-separated cases")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--baseline", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_one(args.child[0], args.child[1], args.baseline, args.out)))
        return
    stores = {int(size): Path(path) for size, path in (item.split("=", 1) for item in args.store)}
    results = []
    for events in args.sizes:
        results += measure(events, stores.get(events), args.formats.split(","))
    _print(results)


def _print(results: list[dict]) -> None:
    table = Table(title="kgraph export vs pyoxigraph's own writer, same store, same run (fresh process each)")
    for column in ("events", "format", "pyoxigraph s", "kgraph s", "ratio", "pyoxigraph RSS MB", "kgraph RSS MB",
                   "kgraph MB out"):  # fmt: skip
        table.add_column(column, justify="right")
    for r in results:
        base, ours = r["base"], r["ours"]
        table.add_row(
            f"{r['events']:,}",
            r["format"],
            f"{base['seconds']:.2f}",
            f"{ours['seconds']:.2f}",
            f"{ours['seconds'] / base['seconds']:.2f}x",
            f"{base['rss_mb']:.0f}",
            f"{ours['rss_mb']:.0f}",
            f"{ours['bytes'] / 1e6:.1f}",
        )
    Console(width=200).print(table)


if __name__ == "__main__":
    main()
