"""A whole ``kgraph import-ucdp`` (convert, check, validate, load) against converting plus bulk-loading alone.

The baseline, measured in the same run, is the floor any import pays:
``convert_ged`` writing the N-Quads, then Oxigraph bulk-loading that very
file into a fresh on-disk store. The import runs into a fresh workspace with
the project's reference data, then one GED event is looked up with the
``disputes`` query. Each step runs in a fresh process (peak memory is its own).

    python benchmarks/bench_ged_import.py              # 3,000 rows
    python benchmarks/bench_ged_import.py 3000 30000

The CSV repeats the 60 real sample rows with new IDs (bench_ucdp.py); all of it
lives in a temporary folder.
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

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_ucdp import write_synthetic_csv

PROJECT = Path(__file__).resolve().parent.parent
DEFAULT_SIZES = (3000,)


def _rss() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure_baseline(csv_path: Path, folder: Path) -> dict[str, float]:
    """Child: convert, then bulk-load the N-Quads; the two times apart."""
    import pyoxigraph as ox

    from kgraph.ucdp import convert_ged

    nquads = folder / "baseline.nq"
    started = time.perf_counter()
    convert_ged(csv_path, nquads, release="23.1", progress=False)
    convert_s = time.perf_counter() - started
    started = time.perf_counter()
    store = ox.Store(str(folder / "baseline-store"))
    store.bulk_load(path=str(nquads), format=ox.RdfFormat.N_QUADS)
    store.flush()
    return {"convert_s": convert_s, "load_s": time.perf_counter() - started, "peak_rss_mb": _rss()}


def measure_import(csv_path: Path, folder: Path) -> dict[str, float]:
    """Child: ``import-ucdp`` into a workspace holding the reference data, then one event's disputes."""
    from kgraph import KnowledgeGraph
    from kgraph.ucdp.importer import import_ged

    data = folder / "data"
    shutil.copytree(PROJECT / "data" / "reference", data / "reference")
    (data / "sources").mkdir()
    store = folder / "store"
    started = time.perf_counter()
    _report, result, _counts = import_ged(
        csv_path, release="23.1", strict=False, data_dir=data, store_path=store, progress=False
    )
    import_s = time.perf_counter() - started
    import_rss = _rss()
    with KnowledgeGraph.open(store, read_only=True) as kg:
        event = kg.query("SELECT ?e WHERE { ?e a <https://w3id.org/kgraph/ontology#ArmedClash> } LIMIT 1").rows
        iri = str(event[0]["e"])
        started = time.perf_counter()
        rows = kg.query("disputes", event=iri).rows
        query_s = time.perf_counter() - started
    return {"import_s": import_s, "quads": result.quads, "peak_rss_mb": import_rss, "query_s": query_s,
            "query_rows": len(rows)}  # fmt: skip


def run_child(*args: str) -> dict[str, float]:
    child = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True, check=False)
    if child.returncode != 0:
        raise SystemExit(f"{args[0]} failed:\n{child.stderr[-3000:]}")
    return json.loads(child.stdout.strip().splitlines()[-1])


def main(sizes: list[int]) -> None:
    table = Table(title="import-ucdp (baseline: convert_ged + Oxigraph bulk load of its N-Quads, same run)")
    for column in ("rows", "quads", "convert s", "bulk load s", "import s", "import/baseline", "RSS MB",
                   "disputes (one event) s"):  # fmt: skip
        table.add_column(column, justify="right")
    for rows in sizes:
        with tempfile.TemporaryDirectory() as folder:
            root = Path(folder)
            csv_path = root / "ged-synthetic.csv"
            write_synthetic_csv(csv_path, rows)
            (root / "b").mkdir()
            (root / "i").mkdir()
            base = run_child("--baseline", str(csv_path), str(root / "b"))
            done = run_child("--import", str(csv_path), str(root / "i"))
        print(json.dumps({"rows": rows, **base, **done}), file=sys.stderr, flush=True)
        floor = base["convert_s"] + base["load_s"]
        table.add_row(
            f"{rows:,}",
            f"{int(done['quads']):,}",
            f"{base['convert_s']:.1f}",
            f"{base['load_s']:.1f}",
            f"{done['import_s']:.1f}",
            f"{done['import_s'] / floor:.1f}x",
            f"{done['peak_rss_mb']:.0f}",
            f"{done['query_s']:.3f} ({int(done['query_rows'])} rows)",
        )
    Console(width=160).print(table)


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--baseline":
        print(json.dumps(measure_baseline(Path(sys.argv[2]), Path(sys.argv[3]))))
    elif len(sys.argv) == 4 and sys.argv[1] == "--import":
        print(json.dumps(measure_import(Path(sys.argv[2]), Path(sys.argv[3]))))
    else:
        main([int(arg) for arg in sys.argv[1:]] or list(DEFAULT_SIZES))
