"""Validation engines on the same compiled graph: time, peak memory, and whether the findings agree.

A faster engine is only worth having if it reports what pySHACL reports, so
each run also compares the findings, as (severity, focus, path, value, source
shape, message), with pySHACL's. Engines:

- ``pyshacl``: kgraph's pySHACL path, ``validate_graph(engine="pyshacl")`` (copy, ontology, pySHACL).
- ``store``: kgraph's default, the shapes as SPARQL queries on an Oxigraph store
  holding graph and ontology (``kgraph.shacl``); loading the store is shown apart.
- ``pyshacl-oracle`` (not run unless named): plain pySHACL on a merged copy with
  default options, as the oracle test runs it; it clones the copy once more.
- ``turbo``: the same merged rdflib graph and options, given to pyshacl-turbo.
- ``turbo-store``: pyshacl-turbo over a pyoxigraph Store already holding graph
  and ontology (as kgraph's store would); loading it is shown apart.

Each size is compiled once; each engine then runs in a fresh process (so peak
memory is its own), one after the other, so the ratios come from one run.

    python benchmarks/bench_validate.py                 # 1000 and 3000 events
    python benchmarks/bench_validate.py 1000 10000 --timeout 3600

The data is synthetic (bench_build.py's cards) and never leaves the temporary folder.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_build import write_synthetic_data

DEFAULT_SIZES = (1000, 3000)
ENGINES = ("pyshacl", "store", "pyshacl-oracle", "turbo", "turbo-store")
DEFAULT_ENGINES = ("pyshacl", "store")
OPTIONS = {"inference": "none", "advanced": True, "allow_warnings": True}


def compile_union(events: int, folder: Path) -> tuple[Path, int]:
    """Synthetic cards compiled by kgraph, their union written as N-Triples for the engines to read."""
    from kgraph.compile import compile_data
    from kgraph.validate import union_graph

    write_synthetic_data(folder / "data", events)
    union = union_graph(compile_data(folder / "data").dataset)
    path = folder / "union.nt"
    union.serialize(path, format="nt", encoding="utf-8")
    return path, len(union)


def measure(engine: str, path: Path) -> dict:
    """Run inside a child process: validate the graph at ``path`` with one engine."""
    from rdflib import Graph

    graph = Graph().parse(path, format="nt")
    load_s = 0.0
    started, cpu = time.perf_counter(), time.process_time()
    if engine == "pyshacl":
        from kgraph.validate import validate_graph

        keys = [_finding_key(f) for f in validate_graph(graph, engine="pyshacl").findings]
    elif engine == "store":
        from kgraph.resources import ontology_file
        from kgraph.validate import validate_store

        store = _store_of(graph)
        store.load(ontology_file().read_bytes(), format=_ox().RdfFormat.TURTLE)
        load_s = time.perf_counter() - started
        started, cpu = time.perf_counter(), time.process_time()
        keys = [_finding_key(f) for f in validate_store(store).findings]
    else:
        from kgraph.resources import ontology_file, parse_turtle_resource
        from kgraph.validate import shapes_graph

        data = Graph()
        data += graph
        data += parse_turtle_resource(ontology_file())
        if engine == "turbo-store":
            data, load_s = _store_of(data), time.perf_counter() - started
            started, cpu = time.perf_counter(), time.process_time()
        if engine == "pyshacl-oracle":
            from pyshacl import validate
        else:
            from pyshacl_turbo import validate
        _conforms, report, _text = validate(data, shacl_graph=shapes_graph(), **OPTIONS)
        keys = list(_report_keys(report))
    return {
        "seconds": time.perf_counter() - started,
        "cpu_seconds": time.process_time() - cpu,
        "load_seconds": load_s,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "findings": len(keys),
        "digest": hashlib.sha256(json.dumps(sorted(keys, key=repr)).encode()).hexdigest(),
    }


def _ox():
    import pyoxigraph

    return pyoxigraph


def _store_of(graph):
    ox = _ox()
    store = ox.Store()
    store.load(graph.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES)
    return store


def _finding_key(finding) -> list:
    return [finding.severity, finding.focus, finding.path, finding.value, finding.shape, finding.message]


def _report_keys(report):
    """The same key as kgraph's findings, read from a SHACL report graph."""
    from rdflib import BNode, URIRef
    from rdflib.extras.shacl import parse_shacl_path
    from rdflib.namespace import RDF, SH

    names = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}
    for result in report.subjects(RDF.type, SH.ValidationResult):
        path = report.value(result, SH.resultPath)
        path = parse_shacl_path(report, path).n3() if isinstance(path, BNode) else path
        value, shape = report.value(result, SH.value), report.value(result, SH.sourceShape)
        message = report.value(result, SH.resultMessage)
        yield [
            names[report.value(result, SH.resultSeverity)],
            str(report.value(result, SH.focusNode)),
            None if path is None else str(path),
            None if value is None else str(value),
            str(shape) if isinstance(shape, URIRef) else None,
            "constraint not met" if message is None else str(message),
        ]


def run_child(engine: str, path: Path, timeout: float) -> dict | None:
    command = [sys.executable, __file__, "--child", engine, str(path)]
    try:
        done = subprocess.run(command, capture_output=True, text=True, check=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None
    except subprocess.CalledProcessError as error:
        raise SystemExit(f"{engine} failed:\n{error.stderr}") from error
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=list(DEFAULT_SIZES), help="events per run")
    parser.add_argument("--engines", nargs="+", choices=ENGINES, default=list(DEFAULT_ENGINES))
    parser.add_argument("--timeout", type=float, default=3600, help="seconds one engine may take per size")
    parser.add_argument("--child", nargs=2, metavar=("ENGINE", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.child[0], Path(args.child[1]))))
        return
    if importlib.util.find_spec("pyshacl_turbo") is None:
        print("pyshacl-turbo is not installed: pip install pyshacl-turbo to compare it", file=sys.stderr)
        args.engines = [engine for engine in args.engines if not engine.startswith("turbo")]

    table = Table(title="Validation of the union graph: seconds, one run, fresh process per engine")
    for column in ("events", "triples", "engine", "wall", "cpu", "load", "RSS MB", "findings", "same", "ratio"):
        table.add_column(column, justify="left" if column in ("engine", "same") else "right")
    for events in args.sizes:
        with tempfile.TemporaryDirectory() as folder:
            path, triples = compile_union(events, Path(folder))
            results = {}
            for engine in args.engines:
                results[engine] = result = run_child(engine, path, args.timeout)
                print(f"{events} events, {engine}: {json.dumps(result)}", file=sys.stderr, flush=True)
        for engine, result in results.items():
            table.add_row(str(events), str(triples), engine, *_cells(result, results.get("pyshacl"), args.timeout))
    Console(width=120).print(table)
    print("same: findings identical to the pyshacl row's; ratio: pyshacl wall time / this engine's; load: the store")


def _cells(result: dict | None, base: dict | None, timeout: float) -> list[str]:
    if result is None:
        return [f"> {timeout:.0f}", *[""] * 6]
    same = "" if base is None or result is base else ("yes" if base["digest"] == result["digest"] else "NO")
    return [
        f"{result['seconds']:.1f}",
        f"{result['cpu_seconds']:.1f}",
        f"{result['load_seconds']:.1f}" if result["load_seconds"] else "",
        f"{result['peak_rss_mb']:.0f}",
        str(result["findings"]),
        same,
        f"{base['seconds'] / result['seconds']:.1f}x" if base else "",
    ]


if __name__ == "__main__":
    main()
