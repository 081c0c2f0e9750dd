"""SHACL validation of compiled data, with each finding traced back to its card line.

pySHACL reports IRIs; an analyst needs ``data/sources/x.yaml:42``. The
compiler's location map makes that translation.

Validation is never silently off: pySHACL with no shapes reports "conforms"
for anything, so an empty, shape-less or unreadable shapes file, or a missing
ontology, is a ResourceError naming the file (exit 2), not a clean build.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from rdflib import BNode, Dataset, Graph, URIRef
from rdflib.extras.shacl import parse_shacl_path
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from .errors import Location
from .resources import ResourceError, ontology_file, parse_turtle_resource, resource_dir, resource_file

SEVERITY_NAMES = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}


@dataclass(frozen=True)
class Finding:
    severity: str
    focus: str
    message: str
    path: str | None
    value: str | None
    shape: str | None
    location: Location | None

    def __str__(self) -> str:
        where = f"{self.location}: " if self.location else ""
        return f"{where}{self.severity}: {self.message} [focus {self.focus}]"


@dataclass
class ValidationReport:
    findings: list[Finding] = field(default_factory=list)

    @property
    def violations(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "Violation"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "Warning"]

    @property
    def conforms(self) -> bool:
        """Warnings never block: they are disagreements the sources themselves contain."""
        return not self.violations


SHAPES_FILE = "kgraph-shapes.ttl"
SHAPE_CLASSES = (SH.NodeShape, SH.PropertyShape)


def shapes_graph() -> Graph:
    """Every ``shapes/*.ttl``; each must parse and declare shapes, and ``kgraph-shapes.ttl`` must be there."""
    resource_file("shapes", SHAPES_FILE)
    graph = Graph()
    for path in sorted(resource_dir("shapes").glob("*.ttl")):
        shapes = parse_turtle_resource(path)
        if not any(any(shapes.subjects(RDF.type, cls)) for cls in SHAPE_CLASSES):
            raise ResourceError(
                "no SHACL shapes in this file: expected sh:NodeShape or sh:PropertyShape declarations "
                "(validating without them would pass any data)",
                Location(path),
            )
        graph += shapes
    return graph


def union_graph(dataset: Dataset) -> Graph:
    """SHACL sees one graph; cross-card checks (parts versus whole) need them together."""
    union = Graph()
    for graph in dataset.graphs():
        union += graph
    return union


def validate_graph(
    data: Graph | Dataset, locate: Callable[[URIRef], Location | None] = lambda _: None
) -> ValidationReport:
    """Validate ``data`` (a graph, or a dataset taken as the union of its graphs) against the project's shapes.

    The whole ontology goes into one private copy of the data. pySHACL's
    ``ont_graph`` mixes in only the class hierarchy, and the shapes also ask which
    properties are ``kg:ClaimedProperty`` (with it, no unbacked triple is found).
    Given a dataset, that copy is the only one; ``validate_graph(union_graph(ds))``
    makes two.

    Raises ResourceError when the shapes or the ontology are missing or unreadable.

    >>> from rdflib import Graph
    >>> validate_graph(Graph()).conforms
    True
    """
    from pyshacl import validate as shacl_validate  # heavy import; queries and exports never need it

    shapes = shapes_graph()
    combined = union_graph(data) if isinstance(data, Dataset) else _copy(data)
    combined += parse_turtle_resource(ontology_file())
    _conforms, results, _text = shacl_validate(
        combined,
        shacl_graph=shapes,
        inference="none",
        advanced=True,
        allow_warnings=True,
        # The copy is ours: without this, advanced mode clones it again (for sh:rule, which the shapes never use).
        inplace=True,
    )
    return ValidationReport(sorted(_findings(results, locate), key=_sort_key))


def _copy(data: Graph) -> Graph:
    """``+=`` copies no prefixes; pySHACL would word its default messages with them if it did."""
    copy = Graph()
    copy += data
    return copy


def _findings(results: Graph, locate: Callable[[URIRef], Location | None]) -> Iterable[Finding]:
    for result in results.subjects(RDF.type, SH.ValidationResult):
        focus = results.value(result, SH.focusNode)
        severity = results.value(result, SH.resultSeverity)
        message = results.value(result, SH.resultMessage)
        path = results.value(result, SH.resultPath)
        value = results.value(result, SH.value)
        shape = results.value(result, SH.sourceShape)
        yield Finding(
            severity=SEVERITY_NAMES.get(severity, str(severity)),
            focus=str(focus),
            message=str(message) if message is not None else "constraint not met",
            path=_path_text(results, path),
            value=str(value) if value is not None else None,
            shape=str(shape) if isinstance(shape, URIRef) else None,
            location=locate(focus) if isinstance(focus, URIRef) else None,
        )


def _path_text(results: Graph, path: Node | None) -> str | None:
    """A sequence path is a blank node, a new one on every run: show it as a SPARQL path instead."""
    if isinstance(path, BNode):
        return parse_shacl_path(results, path).n3()
    return None if path is None else str(path)


def _sort_key(finding: Finding) -> tuple[int, str, int, str]:
    order = {"Violation": 0, "Warning": 1}.get(finding.severity, 2)
    loc = finding.location
    return (order, str(loc.file) if loc else "", (loc.line or 0) if loc else 0, finding.message)


__all__ = ["Finding", "ValidationReport", "union_graph", "validate_graph"]
