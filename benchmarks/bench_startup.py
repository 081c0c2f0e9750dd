"""Start-up and per-query overhead of kgraph (issue 12), each against a baseline measured in the same run.

- ``kgraph --help`` CPU vs ``python -c "import pyoxigraph"`` (target ≤ 3x);
- ``kgraph queries`` CPU (target ≤ 0.3 s);
- ``kgraph query NAME --format csv`` CPU vs a raw pyoxigraph script writing the same bytes (target ≤ 2x);
- every stored query through the Python API, warm, vs ``Store.query`` on the same pyoxigraph store with
  the same text and bindings, all rows read (target ≤ 1.2x).

    python benchmarks/bench_startup.py                   # builds data/ into a temporary store
    python benchmarks/bench_startup.py --store .kgraph   # an existing embedded store

CPU is user + system time of the child process, the median of ``--runs`` after one unmeasured run.
Children run with bytecode caching on (``PYTHONDONTWRITEBYTECODE`` removed, caches under a temporary
``PYTHONPYCACHEPREFIX``), as an installed kgraph runs: pip writes ``.pyc`` files at install, while an
editable checkout under ``PYTHONDONTWRITEBYTECODE=1`` compiles kgraph's ~35 modules on every command
(0.02 s of a query's CPU). ``import click, pyoxigraph`` is printed as the floor the CLI cannot go under.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
RAW_CSV = """
import sys, pyoxigraph as ox
store = ox.Store.read_only(sys.argv[1])
text = open(sys.argv[2], encoding="utf-8").read()
answer = store.query(text, use_default_graph_as_union=True)
_header, _, rows = answer.serialize(format=ox.QueryResultsFormat.CSV).partition(b"\\r\\n")
sys.stdout.buffer.write(sys.argv[3].encode() + b"\\r\\n" + rows)  # columns named as kgraph names them
"""


_CACHE = tempfile.TemporaryDirectory(prefix="kgraph-pycache-")
CHILD_ENV = {
    **{key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"},
    "PYTHONPYCACHEPREFIX": _CACHE.name,
}


def child_cpu(command: list[str], runs: int) -> float:
    """Median CPU seconds (user + system) of ``command``, its output discarded; a first run fills the caches."""
    times = []
    for index in range(runs + 1):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True, cwd=PROJECT, env=CHILD_ENV
        )
        if index == 0:
            continue
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        times.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(times)


def kgraph_command() -> list[str]:
    script = Path(sys.executable).with_name("kgraph")
    return [str(script)] if script.exists() else [sys.executable, "-m", "kgraph"]


def median_seconds(work: Callable[[], object], runs: int) -> float:
    work()  # warm: caches filled, pages read
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def startup(store: Path, runs: int) -> None:
    kgraph = kgraph_command()
    python = child_cpu([sys.executable, "-c", "pass"], runs)
    oxigraph = child_cpu([sys.executable, "-c", "import pyoxigraph"], runs)
    floor = child_cpu([sys.executable, "-c", "import click, pyoxigraph"], runs)
    helped = child_cpu([*kgraph, "--help"], runs)
    listed = child_cpu([*kgraph, "queries"], runs)
    print(f"python -c pass                 {python:6.3f} s CPU")
    print(f"python -c 'import pyoxigraph'  {oxigraph:6.3f} s CPU")
    print(f"python -c 'import click, pyoxigraph' {floor:6.3f} s CPU  {floor / oxigraph:5.1f}x import pyoxigraph")
    print(f"kgraph --help                  {helped:6.3f} s CPU  {helped / oxigraph:5.1f}x import pyoxigraph (≤ 3x)")
    print(f"kgraph queries                 {listed:6.3f} s CPU  (≤ 0.3 s)")
    with tempfile.TemporaryDirectory() as folder:
        for name in ("disputes", "timeline"):
            from kgraph.queries import load_catalog

            stored = load_catalog()[name]
            if any(p.required and p.name not in stored.defaults for p in stored.query.parameters):
                continue
            text = Path(folder) / f"{name}.rq"
            text.write_text(_bound_text(stored), encoding="utf-8")
            ours_command = [*kgraph, "query", name, "--format", "csv", "--store", str(store)]
            header = _stdout(ours_command).partition(b"\r\n")[0].decode()  # event, not __event_iri
            raw_command = [sys.executable, "-c", RAW_CSV, str(_live_folder(store)), str(text), header]
            if _stdout(ours_command) != _stdout(raw_command):
                print(f"kgraph query {name} --format csv: NOT the raw script's bytes; ratio not comparable")
            ours = child_cpu(ours_command, runs)
            raw = child_cpu(raw_command, runs)
            print(f"raw pyoxigraph {name} csv        {raw:6.3f} s CPU")
            print(f"kgraph query {name} --format csv {ours:6.3f} s CPU  {ours / raw:5.1f}x raw pyoxigraph (≤ 2x)")


def _stdout(command: list[str]) -> bytes:
    return subprocess.run(command, capture_output=True, check=True, cwd=PROJECT, env=CHILD_ENV).stdout


def _bound_text(stored: object) -> str:
    """The text the embedded store runs for ``stored`` with its defaults (parameters written as terms)."""
    from kgraph.queries.inline import substitute_parameters

    query = stored.query  # type: ignore[attr-defined]
    bound = query.bind({}, stored.defaults)  # type: ignore[attr-defined]
    return substitute_parameters(query.text, bound) if bound else query.text


def _live_folder(store: Path) -> Path:
    """The pyoxigraph folder inside kgraph's store folder (the one the embedded store opens)."""
    from kgraph.stores import EmbeddedStore

    embedded = EmbeddedStore(store, read_only=True)
    try:
        return store / (embedded.current_name() or "")
    finally:
        embedded.close()


def api(store: Path, runs: int) -> None:
    from kgraph import KnowledgeGraph
    from kgraph.queries import load_catalog

    ratios = []
    with KnowledgeGraph.open(store, read_only=True) as kg:
        raw_store = kg.store.oxigraph  # type: ignore[attr-defined]  # the same pyoxigraph store, same pages
        print(f"\n{'stored query':24} {'API ms':>8} {'raw ms':>8} {'ratio':>6}   (API warm, ≤ 1.2x)")
        for name, stored in load_catalog().items():
            if any(p.required and p.name not in stored.defaults for p in stored.query.parameters):
                continue
            text = _bound_text(stored)

            def raw(text: str = text) -> object:
                answer = raw_store.query(text, use_default_graph_as_union=True)
                return list(answer) if not isinstance(answer, bool) else answer

            ours = median_seconds(lambda name=name: kg.query(name).rows, runs)
            base = median_seconds(raw, runs)
            ratios.append(ours / base)
            print(f"{name:24} {ours * 1000:8.2f} {base * 1000:8.2f} {ours / base:6.2f}")
    print(f"median ratio {statistics.median(ratios):.2f}, max {max(ratios):.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, help="an embedded store folder (default: build data/ into a temp one)")
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        store = args.store
        if store is None:
            from kgraph import KnowledgeGraph

            store = Path(folder) / "store"
            with KnowledgeGraph.open(store) as kg:
                kg.build(PROJECT / "data")
        startup(store, args.runs)
        api(store, args.runs)


if __name__ == "__main__":
    main()
