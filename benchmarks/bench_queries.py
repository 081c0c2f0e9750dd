"""Every stored query at several store sizes: through the API, warm, against raw pyoxigraph on the same text.

For each size a store is built (the founding data, or the founding data plus
``N`` synthetic events from bench_build.py's generator, so that a bounded
query finds the same rows at every size), then every
stored query runs with its defaults (and a plausible value for a required
parameter that has none) through ``KnowledgeGraph.query``, warm, and the very
text the embedded store sends to Oxigraph runs on the same ``pyoxigraph.Store``
in the same process. Each figure is the median (p50) and the slowest of a few
runs after one warm-up run; the rows returned are printed beside them, so a
query whose time grows while its answer does not stands out.

    python benchmarks/bench_queries.py                      # founding data and 10,000 events
    python benchmarks/bench_queries.py founding 1000 100000
    python benchmarks/bench_queries.py 10000 --store 10000=/tmp/x10k/store   # a store built already (read-only)
    python benchmarks/bench_queries.py --before tests/fixtures/queries-before-12   # old texts beside the new

``--before DIR`` also times the ``.rq`` files of DIR that have a stored query
of the same name (the texts before a rewrite), and says whether both return
the same rows. A size is ``founding`` or a number of synthetic events.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console
from rich.table import Table

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT / "benchmarks"))

from bench_build import write_synthetic_data  # noqa: E402

DEFAULT_SIZES = ("founding", "10000")
CORPUS = PROJECT.parent / "shared" / "corpus"

# A value for each required parameter that has no default, by name (as in tests/test_stored_queries.py).
PLAUSIBLE = {
    "region": "kgr:place/karabakh",
    "conflict": "kgr:event/first-karabakh-war",
    "claimant": "kgr:org/state-commission-az",
    "source": "kgr:source/founding-article",
    "subject": "kgr:event/khojaly-killings-1992",
    "event": "kgr:event/khojaly-killings-1992",
}
SKIPPED = {"wikidata-labels": "calls a remote endpoint (SERVICE)"}


@dataclass
class Timing:
    seconds: list[float] = field(default_factory=list)
    rows: int = 0

    @property
    def p50(self) -> float:
        return statistics.median(self.seconds)

    @property
    def max(self) -> float:
        return max(self.seconds)


@dataclass
class Figures:
    size: str
    quads: int
    api: Timing
    raw: Timing
    before: Timing | None = None
    same_rows: bool | None = None


def timed(action: Callable[[], int], runs: int, budget: float) -> Timing:
    """One warm-up run, then up to ``runs`` timed runs, fewer once ``budget`` seconds are spent (at least one)."""
    timing = Timing()
    started = time.perf_counter()
    timing.rows = action()
    warm_up = time.perf_counter() - started
    spent = 0.0
    while len(timing.seconds) < runs and (not timing.seconds or spent + warm_up < budget):
        started = time.perf_counter()
        rows = action()
        elapsed = time.perf_counter() - started
        assert rows == timing.rows, "a query returned a different number of rows on a second run"
        timing.seconds.append(elapsed)
        spent += elapsed
    return timing


def build_store(size: str, folder: Path) -> Path:
    from kgraph import KnowledgeGraph

    store = folder / "store"
    if size == "founding":
        data, texts = PROJECT / "data", [CORPUS] if CORPUS.is_dir() else []
    else:
        data, texts = folder / "data", [CORPUS] if CORPUS.is_dir() else []
        write_synthetic_data(data, int(size))
        for card in (PROJECT / "data" / "sources").glob("*.yaml"):  # the founding cards: bounded answers stay found
            shutil.copy(card, data / "sources")
    started = time.perf_counter()
    with KnowledgeGraph.open(store) as kg:
        kg.build(data, texts=texts)
    print(f"# built {size}: {time.perf_counter() - started:.1f} s", file=sys.stderr, flush=True)
    return store


def measure(size: str, store_path: Path, names: list[str], runs: int, budget: float, before: Path | None) -> dict:
    import pyoxigraph as ox

    from kgraph import KnowledgeGraph
    from kgraph.queries.catalog import StoredQuery
    from kgraph.queries.inline import substitute_parameters

    results: dict[str, Figures] = {}
    with KnowledgeGraph.open(store_path, read_only=True) as kg:
        catalog = kg.queries()
        oxigraph: ox.Store = kg.store.oxigraph  # type: ignore[attr-defined]
        quads = len(oxigraph)
        for name in names:
            stored = catalog[name]
            params = {p.name: PLAUSIBLE[p.name] for p in stored.query.parameters if p.required}
            params.update(stored.defaults)
            bound = stored.query.bind(params)

            def api(query=stored.query, params=params) -> int:
                return len(kg.query(query, timeout=3600, **params).rows)

            text = substitute_parameters(stored.query.text, bound)

            def raw(text=text) -> int:
                answer = oxigraph.query(text, use_default_graph_as_union=True)
                names_ = [v.value for v in answer.variables]
                return len([[solution[v] for v in names_] for solution in answer])

            figures = Figures(size, quads, timed(api, runs, budget), timed(raw, runs, budget))
            old_file = before / f"{name}.rq" if before else None
            if old_file and old_file.is_file():
                old = StoredQuery.load(old_file)

                def old_api(query=old.query, params=params) -> int:
                    return len(kg.query(query, timeout=3600, **params).rows)

                figures.before = timed(old_api, runs, budget)
                new_rows = sorted(map(repr, kg.query(stored.query, timeout=3600, **params).rows))
                old_rows = sorted(map(repr, kg.query(old.query, timeout=3600, **params).rows))
                figures.same_rows = new_rows == old_rows
            results[name] = figures
            print(f"# {size} {name}: {figures.api.p50 * 1000:.1f} ms, {figures.api.rows} rows", file=sys.stderr)
    return results


def report(by_size: dict[str, dict[str, Figures]], console: Console) -> None:
    sizes = list(by_size)
    names = list(next(iter(by_size.values())))
    table = Table(title="kgraph stored queries, warm: API p50 / max (ms) and rows, raw pyoxigraph in the same run")
    table.add_column("query")
    for size in sizes:
        quads = next(iter(by_size[size].values())).quads
        label = f"{size} ({quads:,} quads)"
        for column in (f"{label}\nrows", "API p50", "API max", "raw p50", "API/raw"):
            table.add_column(column, justify="right")
        if any(f.before for f in by_size[size].values()):
            for column in ("before p50", "before/now", "same rows"):
                table.add_column(column, justify="right")
    for name in names:
        cells = [name]
        for size in sizes:
            f = by_size[size][name]
            cells += [
                f"{f.api.rows:,}",
                f"{f.api.p50 * 1000:.1f}",
                f"{f.api.max * 1000:.1f}",
                f"{f.raw.p50 * 1000:.1f}",
                f"{f.api.p50 / f.raw.p50:.2f}x",
            ]
            if any(g.before for g in by_size[size].values()):
                if f.before:
                    cells += [f"{f.before.p50 * 1000:.1f}", f"{f.before.p50 / f.api.p50:.0f}x", str(f.same_rows)]
                else:
                    cells += ["", "", ""]
        table.add_row(*cells)
    console.print(table)
    if len(sizes) > 1:
        console.print(growth_table(by_size, names))
    for name, why in SKIPPED.items():
        console.print(f"not timed: {name} ({why})")


def growth_table(by_size: dict[str, dict[str, Figures]], names: list[str]) -> Table:
    sizes = list(by_size)
    growth = Table(title=f"growth from {sizes[0]} to {sizes[-1]}: time ratio against rows ratio (API p50)")
    for column in ("query", "rows", "time", "time / rows"):
        growth.add_column(column, justify="right")
    for name in names:
        first, last = by_size[sizes[0]][name], by_size[sizes[-1]][name]
        rows = max(last.api.rows, 1) / max(first.api.rows, 1)
        seconds = last.api.p50 / first.api.p50
        growth.add_row(name, f"{rows:.1f}x", f"{seconds:.1f}x", f"{seconds / rows:.1f}")
    return growth


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", default=list(DEFAULT_SIZES), help="'founding' or a number of events")
    parser.add_argument("--store", action="append", default=[], metavar="SIZE=PATH",
                        help="a store built already for SIZE, opened read-only, instead of a new one")  # fmt: skip
    parser.add_argument("--runs", type=int, default=5, help="timed runs per query after one warm-up (default 5)")
    parser.add_argument("--budget", type=float, default=20.0, help="seconds per query and engine before fewer runs")
    parser.add_argument("--queries", help="comma-separated names (default: every stored query)")
    parser.add_argument("--before", type=Path, help="a folder of older .rq texts to time and compare beside")
    args = parser.parse_args()
    given = dict(item.split("=", 1) for item in args.store)
    from kgraph.queries.catalog import load_catalog

    names = args.queries.split(",") if args.queries else [n for n in load_catalog() if n not in SKIPPED]
    by_size: dict[str, dict[str, Figures]] = {}
    for size in args.sizes:
        with tempfile.TemporaryDirectory() as folder:
            store = Path(given[size]) if size in given else build_store(size, Path(folder))
            by_size[size] = measure(size, store, names, args.runs, args.budget, args.before)
    report(by_size, Console(width=250))


if __name__ == "__main__":
    main()
