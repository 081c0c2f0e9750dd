"""compile → validate → load: the order that keeps a bad card out of the store, at any size.

A build compiles only the files whose inputs changed (:mod:`kgraph.compile.cached`).
On the embedded store with a manifest from the same compiler it then changes
only the statements that differ, in a checkpoint copy of the store, validates
what the change can reach, and swaps the copy in; otherwise (first build,
``full=True``, another compiler, shapes beyond the SPARQL translation, a
server) it loads everything into a new store and validates all of it. Either
way the store that queries see is untouched until the new one is complete and
valid, and a full build of the same data gives the same store.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import Dataset, Graph

from .compile import CompiledData, compile_data
from .compile.cache import CompileCache, compiler_digest
from .compile.cached import CompiledGraphs, compile_cached
from .errors import ValidationFailed
from .namespaces import ONTOLOGY_GRAPH
from .pipeline.changes import GraphChanges, diff_graphs
from .pipeline.manifest import Manifest
from .pipeline.vet import Verdict, vet_all, vet_changes
from .resources import ontology_file, parse_turtle_resource
from .shacl import Check, Unsupported, compile_checks
from .stats import SUBCLASS_OF, count_in, counts_after_change
from .stores import EmbeddedStore, LoadProgress, Store
from .validate import ValidationReport, shapes_graph, validate_graph

# Above this many changed statements a build validates the whole staged store (the same findings, faster).
WHOLE_STORE_ABOVE = 200_000


@dataclass
class BuildResult:
    compiled: CompiledGraphs
    report: ValidationReport
    quads: int
    incremental: bool = False
    changed_graphs: int = 0


def compile_and_validate(
    data_dir: Path,
    *,
    text_folders: Iterable[Path] = (),
    cards: Iterable[Path] = (),
    only_cards: bool = False,
    imports: Iterable[Path] = (),
) -> tuple[CompiledData, ValidationReport]:
    """Compile and validate without any store (``kgraph validate``)."""
    compiled = compile_data(
        data_dir, text_folders=text_folders, extra_cards=cards, only_extra=only_cards, extra_imports=imports
    )
    report = validate_graph(compiled.dataset, compiled.location_of)
    return compiled, report


def build(
    data_dir: Path,
    store: Store,
    *,
    text_folders: Iterable[Path] = (),
    cards: Iterable[Path] = (),
    imports: Iterable[Path] = (),
    progress: LoadProgress | None = None,
    before_swap: Callable[[str | None], None] | None = None,
    full: bool = False,
) -> BuildResult:
    """Make the store hold data/ compiled; raises CardError or ValidationFailed before touching it.

    ``before_swap`` is passed to the store: a transaction over data/ journals its commit there.
    """
    on_disk = isinstance(store, EmbeddedStore) and store.path is not None and not store.read_only
    if on_disk:
        store.tidy()  # type: ignore[union-attr]
    cache = CompileCache(store.cache_folder() if on_disk else None)  # type: ignore[union-attr]
    compiled = compile_cached(data_dir, cache, text_folders=text_folders, extra_cards=cards, extra_imports=imports)
    compiled.graphs[str(ONTOLOGY_GRAPH)] = _ontology_graph(cache)
    compiled.keys.add(f"ontology-{compiler_digest()}")
    shapes = shapes_graph()
    checks = _checks(shapes)
    quads = sum(cache.quad_count(d) for d in compiled.graphs.values())
    if not on_disk:
        report = _load_whole(store, compiled, checks, shapes, progress, before_swap)
        return BuildResult(compiled, report, quads)
    assert isinstance(store, EmbeddedStore)
    previous = None if full or checks is None else Manifest.from_bytes(store.manifest())
    if previous is None or previous.compiler != compiler_digest():
        verdicts: list[Verdict] = []
        counts: list[dict[str, int]] = []

        def vet(staged: ox.Store) -> None:
            verdicts.append(_vet(staged, compiled, checks, shapes))
            counts.append(count_in(staged))

        store.rebuild(
            [cache.graph_path(d) for d in compiled.graphs.values()],  # type: ignore[misc]
            vet=vet,
            manifest=lambda: _manifest(compiled, verdicts[-1], counts[-1]),
            before_swap=before_swap,
        )
        if progress is not None:
            progress(quads, quads)
        result = BuildResult(compiled, verdicts[-1].report, quads, changed_graphs=len(compiled.graphs))
    else:
        result = _apply_changes(store, compiled, previous, checks, shapes, quads, before_swap)  # type: ignore[arg-type]
    cache.keep_only(compiled.keys, set(compiled.graphs.values()))
    return result


def _apply_changes(
    store: EmbeddedStore,
    compiled: CompiledGraphs,
    previous: Manifest,
    checks: list[Check],
    shapes: Graph,
    quads: int,
    before_swap: Callable[[str | None], None] | None,
) -> BuildResult:
    """Change only what differs, in a checkpoint copy; nothing differs, nothing is written."""
    changes = diff_graphs(
        previous.graphs,
        compiled.graphs,
        lambda graph: store.quads(graph),
        compiled.nquads,
    )
    if changes.empty:
        verdict = Verdict(previous.local, previous.spanning)
        return BuildResult(compiled, verdict.report, quads, incremental=True)
    verdicts: list[Verdict] = []
    counts: list[dict[str, int]] = []

    earlier = Verdict(previous.local, previous.spanning)
    whole = len(changes.added) + len(changes.removed) > WHOLE_STORE_ABOVE
    live = store.oxigraph
    retyped = changes.typed_subjects()  # a dropped graph's statements count as removed

    def change(staged: ox.Store) -> None:
        changes.apply(staged)
        if previous.counts is None or _hierarchy_changed(changes):
            counts.append(count_in(staged))
        else:
            counts.append(counts_after_change(previous.counts, live, staged, retyped))
        if whole:  # node-by-node probes would cost more than set-at-a-time queries over everything
            verdict = vet_all(staged, checks, shapes, compiled.location_of)
        else:
            verdict = vet_changes(staged, checks, shapes, compiled.location_of, changes, earlier)
        verdicts.append(verdict)
        if not verdict.report.conforms:
            raise ValidationFailed(verdict.report)

    store.apply(change, manifest=lambda: _manifest(compiled, verdicts[-1], counts[-1]), before_swap=before_swap)
    return BuildResult(compiled, verdicts[-1].report, quads, incremental=True, changed_graphs=changes.changed_graphs)


def _vet(staged: ox.Store, compiled: CompiledGraphs, checks: list[Check] | None, shapes: Graph) -> Verdict:
    """All of a new store, by the shapes as queries, or by pySHACL when the shapes go beyond them."""
    if checks is not None:
        verdict = vet_all(staged, checks, shapes, compiled.location_of)
    else:
        dataset = Dataset()
        dataset.parse(data=b"".join(compiled.nquads(g) for g in compiled.graphs), format="nquads")
        dataset.remove_graph(dataset.graph(ONTOLOGY_GRAPH))  # validate_graph adds the ontology itself
        verdict = Verdict([], validate_graph(dataset, compiled.location_of, engine="pyshacl").findings)
    if not verdict.report.conforms:
        raise ValidationFailed(verdict.report)
    return verdict


def _load_whole(
    store: Store,
    compiled: CompiledGraphs,
    checks: list[Check] | None,
    shapes: Graph,
    progress: LoadProgress | None,
    before_swap: Callable[[str | None], None] | None,
) -> ValidationReport:
    """A server or an in-memory store: validate in a scratch store, then replace everything."""
    nquads = b"".join(compiled.nquads(g) for g in compiled.graphs)
    scratch = ox.Store()
    scratch.bulk_load(nquads, format=ox.RdfFormat.N_QUADS)
    verdict = _vet(scratch, compiled, checks, shapes)
    del scratch
    store.replace_all(nquads, progress=progress, before_swap=before_swap)
    return verdict.report


def _checks(shapes: Graph) -> list[Check] | None:
    try:
        return compile_checks(shapes)
    except Unsupported:
        return None


def _manifest(compiled: CompiledGraphs, verdict: Verdict, counts: dict[str, int]) -> bytes:
    return Manifest(compiler_digest(), dict(compiled.graphs), verdict.local, verdict.spanning, counts).to_bytes()


def _hierarchy_changed(changes: GraphChanges) -> bool:
    """Whether a change adds or removes a subclass statement: then every count is counted again."""
    return any(quad.predicate == SUBCLASS_OF for quad in changes.added | changes.removed)


def _ontology_graph(cache: CompileCache) -> str:
    """The ontology's graph, parsed once per compiler: its blank nodes get new labels on every parse."""
    key = f"ontology-{compiler_digest()}"
    entry = cache.entry(key)
    if entry is None or not cache.has_graph(entry["nquads"]):
        entry = {"nquads": cache.put_graph(_ontology_nquads())}
        cache.put_entry(key, entry)
    return str(entry["nquads"])


def _ontology_nquads() -> bytes:
    dataset = Dataset()
    ontology = dataset.graph(ONTOLOGY_GRAPH)
    for triple in parse_turtle_resource(ontology_file()):
        ontology.add(triple)
    return dataset.serialize(format="nquads", encoding="utf-8")
