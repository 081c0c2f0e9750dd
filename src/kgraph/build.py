"""compile → validate → load: the order that keeps a bad card out of the store."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from .compile import CompiledData, compile_data
from .errors import ValidationFailed
from .namespaces import ONTOLOGY_GRAPH
from .resources import ontology_file, parse_turtle_resource
from .stores import LoadProgress, Store
from .validate import ValidationReport, validate_graph


@dataclass
class BuildResult:
    compiled: CompiledData
    report: ValidationReport
    quads: int


def compile_and_validate(
    data_dir: Path,
    *,
    text_folders: Iterable[Path] = (),
    cards: Iterable[Path] = (),
    only_cards: bool = False,
    imports: Iterable[Path] = (),
) -> tuple[CompiledData, ValidationReport]:
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
) -> BuildResult:
    """Replace the store's content with data/ compiled; raises before touching the store on any error.

    ``before_swap`` is passed to the store: a transaction over data/ journals its commit there.
    """
    compiled, report = compile_and_validate(data_dir, text_folders=text_folders, cards=cards, imports=imports)
    if not report.conforms:
        raise ValidationFailed(report)
    dataset = compiled.dataset
    ontology = dataset.graph(ONTOLOGY_GRAPH)
    for triple in parse_turtle_resource(ontology_file()):
        ontology.add(triple)
    nquads = dataset.serialize(format="nquads", encoding="utf-8")
    store.replace_all(nquads, progress=progress, before_swap=before_swap)
    dataset.remove_graph(ontology)
    return BuildResult(compiled, report, quads=sum(1 for line in nquads.splitlines() if line.strip()))
