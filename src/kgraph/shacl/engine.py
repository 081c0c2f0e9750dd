"""Run the compiled checks on a pyoxigraph store and word each result as pySHACL would.

The wording of results without an ``sh:message`` comes from pySHACL itself
(its constraint classes' generic messages), so the two engines can be
compared line for line and no message template is written twice.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.extras.shacl import parse_shacl_path
from rdflib.namespace import SH
from rdflib.term import Node

from .checks import FOCUS_SLOT, Check

FOCUS_MARK = "urn:kgraph:validation#focus"
# Marks live in a private graph of the staged store, removed before it goes live.
MARKS = ox.NamedNode("urn:kgraph:validation#marks")
TRUE = ox.Literal("true", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#boolean"))
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
THIS = ox.Variable("this")


@dataclass(frozen=True)
class Result:
    severity: URIRef
    focus: Node
    path: str | None  # a predicate IRI, or a SPARQL path for a complex one
    value: Node | None
    shape: Node
    message: str | None


def run_checks(
    store: ox.Store,
    checks: Iterable[Check],
    shapes: Graph,
    *,
    marker: Callable[[Check], str | None] | None = None,
) -> list[Result]:
    """Every result of every check, over the union of the store's graphs.

    ``marker`` narrows a check to the nodes marked (in the ``MARKS`` graph)
    with the predicate it names for that check, None meaning all focus nodes:
    how a build validates what it changed. Each check's own focus nodes among
    the marked ones are found once per target set and marked in turn, so the
    many constraints of one shape do not each walk its targets again.
    """
    wording = _Wording(shapes)
    narrowed: dict[tuple[str, str], list[Any]] = {}
    focus_marks: dict[tuple[str, str], ox.NamedNode] = {}
    results: list[Result] = []
    for check in checks:
        mark = marker(check) if marker is not None else None
        if mark is None and not check.sparql:
            rows = store.query(check.query.replace(FOCUS_SLOT, check.focus), use_default_graph_as_union=True)
            results.extend(_results(check, rows, wording))
            continue
        key = (check.targets, mark or "")
        if key not in narrowed:
            narrowed[key] = _focus_nodes(store, check, mark)
        if check.sparql:  # $this pre-bound, as SHACL-SPARQL defines it: never a scan of the store per node
            for node in narrowed[key]:
                rows = store.query(check.constraint, substitutions={THIS: node}, use_default_graph_as_union=True)
                results.extend(_results(check, rows, wording))
            continue
        if key not in focus_marks:  # marked once per target set, joined by each of the shape's checks
            focus_marks[key] = ox.NamedNode(f"{mark}/{len(focus_marks)}")
            store.extend([ox.Quad(node, focus_marks[key], TRUE, MARKS) for node in narrowed[key]])
        query = (check.narrow_query or check.query).replace(FOCUS_SLOT, f"?this {focus_marks[key]} ?_marked .\n")
        results.extend(_results(check, store.query(query, use_default_graph_as_union=True), wording))
    return results


def _focus_nodes(store: ox.Store, check: Check, mark: str | None) -> list[Any]:
    """The focus nodes of ``check`` among the nodes marked ``mark`` (all, without), found from the marks.

    Without marks, the targets are asked once for the whole store: a SPARQL
    target is written to find the few offenders in one pass.
    """
    if mark is None:
        query = f"{check.prologue}SELECT DISTINCT ?this WHERE {{ {check.targets} }}"
        return [row["this"] for row in store.query(query, use_default_graph_as_union=True)]
    if not check.sparql_target:
        query = f"{check.prologue}SELECT DISTINCT ?this WHERE {{ ?this <{mark}> ?_m . {check.targets} }}"
        return [row["this"] for row in store.query(query, use_default_graph_as_union=True)]
    marked = f"SELECT DISTINCT ?this WHERE {{ GRAPH {MARKS} {{ ?this <{mark}> ?_m }} }}"
    target = f"{check.prologue}SELECT DISTINCT ?this WHERE {{ {check.targets} }}"
    found = []
    for row in list(store.query(marked)):
        if any(True for _ in store.query(target, substitutions={THIS: row["this"]}, use_default_graph_as_union=True)):
            found.append(row["this"])
    return found


def _results(check: Check, rows: Any, wording: _Wording) -> Iterator[Result]:
    seen = set()
    for row in rows:
        bound = {v.value: _term(row[v]) for v in rows.variables if row[v] is not None}
        focus = bound.get("this")
        if focus is None:
            continue  # pySHACL drops a row that binds none of this, path and value; $this is always projected
        key = tuple(sorted((name, term) for name, term in bound.items()))
        if key in seen:
            continue
        seen.add(key)
        value = bound.get("value") if not check.value_is_focus or check.sparql else focus
        if check.sparql and value is None:
            value = focus
        path = _path_text(wording.shapes, check.path)
        if check.sparql and "path" in bound:
            path = str(bound["path"])
        yield Result(check.severity, focus, path, value, check.shape, wording.message(check, focus, value, bound))


def _term(term: Any) -> Node:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    if term.datatype.value == XSD_STRING:
        return Literal(term.value)  # rdflib's plain literal, as a parser gives it to pySHACL
    return Literal(term.value, datatype=URIRef(term.datatype.value))


def _path_text(shapes: Graph, path: Node | None) -> str | None:
    if isinstance(path, BNode):
        return parse_shacl_path(shapes, path).n3()
    return None if path is None else str(path)


class _Wording:
    """Messages: the shape's own, filled in from a SPARQL row, or pySHACL's generic wording."""

    def __init__(self, shapes: Graph) -> None:
        self.shapes = shapes
        self._pyshacl_shapes: Any = None
        self._data = Graph()  # pySHACL names data nodes with the prefixes of a plain rdflib graph

    def message(self, check: Check, focus: Node, value: Node | None, bound: dict[str, Node]) -> str | None:
        if check.message is not None:
            text = str(check.message)
            if check.sparql:
                for name, term in {**bound, "this": focus}.items():
                    text = re.sub(r"\{[?$]" + re.escape(name) + r"\}", lambda _m, t=term: str(t), text)
            return text
        return self._generic(check, focus, value)

    def _generic(self, check: Check, focus: Node, value: Node | None) -> str | None:
        from pyshacl.constraints import CONSTRAINT_PARAMETERS_MAP
        from pyshacl.shapes_graph import ShapesGraph

        if self._pyshacl_shapes is None:
            self._pyshacl_shapes = ShapesGraph(self.shapes)
            self._pyshacl_shapes.shapes  # noqa: B018  # builds the lookup of shape nodes
        shape = self._pyshacl_shapes.lookup_shape_from_node(check.shape)
        component = CONSTRAINT_PARAMETERS_MAP[check.parameter or SH.sparql](shape)
        messages = component.make_generic_messages(self._data, focus, value)
        return str(messages[0]) if messages else None
