"""The shapes graph, turned into one SPARQL query per constraint of each targeted shape.

Why queries: pySHACL walks focus nodes one by one in Python over an rdflib
graph (17 minutes for 10,000 events); the same constraints asked of Oxigraph
as set-at-a-time queries take seconds, and the store is already loaded.
Each query returns one row per validation result, in pySHACL's multiplicity.
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SH
from rdflib.term import Node

from .components import COUNT_COMPONENTS, TYPE_PATH, VALUE_COMPONENTS, Namer, parameters, value_nodes
from .paths import iri, plain_steps, sparql_path
from .unsupported import Unsupported

TARGET_PREDICATES = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target)
# Where a check's focus nodes go: the targets' subquery, or a join with nodes marked beforehand.
FOCUS_SLOT = "\n#FOCUS\n"
KGS_REACH = URIRef("https://w3id.org/kgraph/shapes#reach")


@dataclass(frozen=True)
class Check:
    """One constraint of one shape, and what a row of its query means."""

    shape: Node  # the sh:sourceShape of its results
    parameter: URIRef | None  # the constraint parameter (sh:minCount, ...); None for sh:sparql
    severity: URIRef
    path: Node | None  # the shape's sh:path node in the shapes graph
    query: str
    value_is_focus: bool  # a node shape's value node is its focus node
    message: Literal | None  # the shape's sh:message, or the SPARQL constraint's
    sparql: bool = False  # row bindings fill {?name} in the message; ?path and ?value come from the row
    # Local: a result depends only on the focus node's triples, those of nodes reached through ``through``
    # predicates, and the types of the nodes read. Any change elsewhere leaves it as it was.
    local: bool = False
    through: frozenset[str] = frozenset()
    targets: str = ""  # a pattern binding ?this to each focus node (maybe more than once)
    prologue: str = ""  # the PREFIX lines the targets need
    # For a check that spans the store: SPARQL paths from a changed node to every focus node whose
    # result the change can alter (the shape's kgs:reach); None: only a run over the whole store is exact.
    reach: tuple[str, ...] | None = None
    reach_prologue: str = ""  # the PREFIX lines the reach paths need (the shape's SPARQL prefixes)
    sparql_target: bool = False  # some target is a SPARQL query: narrowed, it is asked node by node
    constraint: str = ""  # a SPARQL constraint's own query (with its PREFIX lines), asked node by node
    narrow_query: str = ""  # the query for a few marked focus nodes: probes instead of anti-joins

    @property
    def focus(self) -> str:
        return f"{{ SELECT DISTINCT ?this WHERE {{ {self.targets} }} }}\n"


def compile_checks(shapes: Graph) -> list[Check]:
    """Every check the shapes ask for; raises Unsupported for anything not translated."""
    checks: list[Check] = []
    for shape in sorted(_targeted_shapes(shapes), key=str):
        targets, prefixes = _targets(shapes, shape)
        focus = dict(
            targets=targets,
            prologue=_prologue(prefixes),
            reach=_reach(shapes, shape),
            reach_prologue=_prologue(_shape_prefixes(shapes, shape, prefixes)),
            sparql_target=any(shapes.triples((shape, SH.target, None))),
        )
        checks.extend(_shape_checks(shapes, shape, focus, prefixes, shape))
        for nested in sorted(shapes.objects(shape, SH.property), key=str):
            if _deactivated(shapes, nested):
                continue
            if any(shapes.triples((nested, SH.property, None))) or any(shapes.triples((nested, SH.sparql, None))):
                raise Unsupported("sh:property or sh:sparql inside a property shape")
            checks.extend(_shape_checks(shapes, nested, focus, prefixes, shape))
    return checks


def _targeted_shapes(shapes: Graph) -> set[Node]:
    found = {s for p in TARGET_PREDICATES for s in shapes.subjects(p, None)}
    for cls in (RDFS.Class, OWL.Class):  # a shape that is also a class targets its instances
        found |= {s for s in shapes.subjects(RDF.type, cls) if (s, RDF.type, SH.NodeShape) in shapes}
    return {s for s in found if not _deactivated(shapes, s)}


def _deactivated(shapes: Graph, shape: Node) -> bool:
    return shapes.value(shape, SH.deactivated) == Literal(True)


def _shape_prefixes(shapes: Graph, shape: Node, prefixes: dict[str, str]) -> dict[str, str]:
    merged = dict(prefixes)
    for constraint in shapes.objects(shape, SH.sparql):
        merged.update(_prefixes(shapes, constraint))
    return merged


def _reach(shapes: Graph, shape: Node) -> tuple[str, ...] | None:
    paths = sorted(str(p) for p in shapes.objects(shape, KGS_REACH))
    return tuple(paths) if paths and isinstance(shape, URIRef) else None


def _targets(shapes: Graph, shape: Node) -> tuple[str, dict[str, str]]:
    """A pattern binding ?this to the focus nodes of ``shape``, and the prefixes its SPARQL targets need."""
    branches, prefixes = [], {}
    implicit = [shape] if any((shape, RDF.type, c) in shapes for c in (RDFS.Class, OWL.Class)) else []
    for cls in [*shapes.objects(shape, SH.targetClass), *implicit]:
        branches.append(f"?this {TYPE_PATH} {iri(cls)} .")
    for node in shapes.objects(shape, SH.targetNode):
        branches.append(f"VALUES ?this {{ {iri(node)} }}")
    for predicate in shapes.objects(shape, SH.targetSubjectsOf):
        branches.append(f"?this {iri(predicate)} ?_target .")
    for predicate in shapes.objects(shape, SH.targetObjectsOf):
        branches.append(f"?_target {iri(predicate)} ?this .")
    for target in shapes.objects(shape, SH.target):
        select = shapes.value(target, SH.select)
        if (target, RDF.type, SH.SPARQLTarget) not in shapes or select is None:
            raise Unsupported("an sh:target that is not an sh:SPARQLTarget with sh:select")
        prefixes.update(_prefixes(shapes, target))
        branches.append(f"{{ {select} }}")
    return " UNION ".join(f"{{ {branch} }}" for branch in branches), prefixes


def _prefixes(shapes: Graph, holder: Node) -> dict[str, str]:
    declared: dict[str, str] = {}
    for source in shapes.objects(holder, SH.prefixes):
        for declaration in shapes.objects(source, SH.declare):
            prefix, namespace = shapes.value(declaration, SH.prefix), shapes.value(declaration, SH.namespace)
            if prefix is None or namespace is None:
                raise Unsupported("an sh:declare without sh:prefix and sh:namespace")
            if declared.get(str(prefix), str(namespace)) != str(namespace):
                raise Unsupported(f"the prefix {prefix} is declared twice with different namespaces")
            declared[str(prefix)] = str(namespace)
    return declared


def _prologue(prefixes: dict[str, str]) -> str:
    return "".join(f"PREFIX {name}: {iri(URIRef(ns))}\n" for name, ns in sorted(prefixes.items()))


def _single(shapes: Graph, node: Node, predicate: URIRef) -> Node | None:
    values = list(shapes.objects(node, predicate))
    if len(values) > 1:
        raise Unsupported(f"more than one {predicate} on one shape")
    return values[0] if values else None


def _shape_checks(shapes: Graph, shape: Node, focus_of: dict, prefixes: dict[str, str], top: Node) -> list[Check]:
    severity = _single(shapes, shape, SH.severity) or SH.Violation
    message = _single(shapes, shape, SH.message)
    path = shapes.value(shape, SH.path)
    common = dict(shape=shape, severity=severity, path=path, value_is_focus=path is None, **focus_of)
    if shape != top:
        common["reach"] = None  # a property shape's results carry no shape IRI to keep them by
    focus = FOCUS_SLOT
    checks = []
    sparql_targets = any(shapes.triples((top, SH.target, None)))
    for parameter, value in parameters(shapes, shape):
        query = _constraint_query(shapes, shape, parameter, value, focus, prefixes, whole=True)
        narrow = _constraint_query(shapes, shape, parameter, value, focus, prefixes, whole=False)
        if query is not None:
            local, through = (False, frozenset()) if sparql_targets else reach(shapes, shape, parameter, value)
            found = dict(query=query, narrow_query=narrow or "", message=message, local=local, through=through)
            checks.append(Check(parameter=parameter, **found, **common))  # type: ignore[arg-type]
    for constraint in shapes.objects(shape, SH.sparql):
        if _deactivated(shapes, constraint):
            continue
        select = shapes.value(constraint, SH.select)
        if select is None or path is not None:
            raise Unsupported("an sh:sparql constraint without sh:select, or on a property shape")
        own = {**prefixes, **_prefixes(shapes, constraint)}
        query = f"{_prologue(own)}SELECT * WHERE {{ {focus} {{ {select} }} }}"
        text = _single(shapes, constraint, SH.message) or message
        alone = f"{_prologue(own)}{select}"
        checks.append(Check(parameter=None, query=query, message=text, sparql=True, constraint=alone, **common))  # type: ignore[arg-type]
    return checks


def reach(shapes: Graph, shape: Node, parameter: URIRef, value: Node) -> tuple[bool, frozenset[str]]:
    """Whether a constraint is local (at most two hops of plain predicates, then types) and what it reads through."""
    walked = _walk(shapes, shapes.value(shape, SH.path), _members(shapes, parameter, value))
    if walked is None or walked[0] > 2:
        return False, frozenset()
    return True, frozenset(str(p) for p in walked[1])


def _members(shapes: Graph, parameter: URIRef, value: Node) -> list[Node]:
    if parameter == SH["or"]:
        return list(Collection(shapes, value))
    return [value] if parameter == SH["not"] else []


def _walk(shapes: Graph, path: Node | None, nested: list[Node]) -> tuple[int, set[URIRef]] | None:
    """(hops, predicates passed through) of a path followed by nested shapes; None when not bounded."""
    steps = plain_steps(shapes, path)
    if steps is None:
        return None
    deepest, through = 0, set(steps[:-1])
    for member in nested:
        inner = [
            m for p, v in shapes.predicate_objects(member) if p in (SH["or"], SH["not"]) for m in _members(shapes, p, v)
        ]
        walked = _walk(shapes, shapes.value(member, SH.path), inner)
        if walked is None:
            return None
        deepest, through = max(deepest, walked[0]), through | walked[1]
    if deepest:
        through |= set(steps)
    return len(steps) + deepest, through


def _constraint_query(
    shapes: Graph, shape: Node, parameter: URIRef, value: Node, focus: str, prefixes: dict[str, str], *, whole: bool
) -> str | None:
    """The check's query; ``whole``: for every focus node at once (anti-joins), else for a few (EXISTS probes)."""
    namer = Namer(top=whole)
    head = _prologue(prefixes)
    if parameter in VALUE_COMPONENTS:
        v = "?this" if shapes.value(shape, SH.path) is None else "?value"
        test = VALUE_COMPONENTS[parameter](shapes, shape, value, v, "?this", namer)
        projected = " ".join(dict.fromkeys(["?this", v, *namer.keep]))
        return f"{head}SELECT DISTINCT {projected} WHERE {{ {focus} {value_nodes(shapes, shape, '?this', v)} {test} }}"
    assert parameter in COUNT_COMPONENTS
    path_node = shapes.value(shape, SH.path)
    if path_node is None:
        raise Unsupported(f"{parameter} on a node shape")
    path = sparql_path(shapes, path_node)
    if parameter == SH.uniqueLang:
        if value != Literal(True):
            return None
        return (
            f"{head}SELECT DISTINCT ?this ?_lang WHERE {{ {focus} ?this {path} ?_a . ?this {path} ?_b . "
            'FILTER (isLiteral(?_a) && isLiteral(?_b) && !sameTerm(?_a, ?_b) && lang(?_a) != "" '
            "&& LCASE(lang(?_a)) = LCASE(lang(?_b))) BIND (LCASE(lang(?_a)) AS ?_lang) }"
        )
    if not isinstance(value, Literal) or not isinstance(value.value, int):
        raise Unsupported(f"{parameter} must be an integer")
    if parameter == SH.minCount and value.value == 1:
        if not whole:
            return f"{head}SELECT ?this WHERE {{ {focus} FILTER NOT EXISTS {{ ?this {path} ?_any }} }}"
        return f"{head}SELECT ?this WHERE {{ {focus} MINUS {{ ?this {path} ?_any }} }}"
    if parameter == SH.minCount and value.value <= 0:
        return None
    operator, optional = ("<", "OPTIONAL ") if parameter == SH.minCount else (">", "")
    return (
        f"{head}SELECT ?this WHERE {{ {focus} {optional}{{ ?this {path} ?_v }} }} "
        f"GROUP BY ?this HAVING (COUNT(DISTINCT ?_v) {operator} {int(value.value)})"
    )
