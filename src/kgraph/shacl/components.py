"""SHACL constraint components as SPARQL graph patterns that match where a node breaks them.

Each function writes the pattern for one component, given the variable of
the focus node and of the value node: a solution is a violation. The same
patterns serve a shape at the top (one row per result) and a shape nested in
``sh:or`` / ``sh:not`` (wrapped in EXISTS). The semantics follow pySHACL's,
which the validation oracle test holds them to: exact datatype IRIs with
well-formed lexical forms, ``sh:class`` through ``rdfs:subClassOf*``,
comparisons that cannot be made count as failures.
"""

from __future__ import annotations

from collections.abc import Callable

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH, XSD
from rdflib.term import Node

from .paths import iri, sparql_path
from .unsupported import Unsupported

TYPE_PATH = f"{iri(RDF.type)}/{iri(RDFS.subClassOf)}*"

# Datatypes whose lexical form must also be valid: a cast to the type fails on an ill-formed one.
CHECKED_DATATYPES = {XSD.integer, XSD.decimal, XSD.boolean, XSD.date, XSD.dateTime, XSD.double, XSD.float}

NODE_KINDS = {
    SH.IRI: "isIRI({v})",
    SH.BlankNode: "isBlank({v})",
    SH.Literal: "isLiteral({v})",
    SH.BlankNodeOrIRI: "(isBlank({v}) || isIRI({v}))",
    SH.BlankNodeOrLiteral: "(isBlank({v}) || isLiteral({v}))",
    SH.IRIOrLiteral: "(isIRI({v}) || isLiteral({v}))",
}


class Namer:
    """Fresh SPARQL variables, so nested shapes never capture each other's."""

    def __init__(self, *, top: bool = False) -> None:
        self.count = 0
        # At the top of a check's query the value variable is a real one, so "no such statement" can be an
        # anti-join (MINUS), which Oxigraph answers for a whole store at once; inside EXISTS it cannot.
        self.top = top
        self.keep: list[str] = []  # variables a result's multiplicity depends on (the other value of a pair)

    def fresh(self, stem: str) -> str:
        self.count += 1
        return f"?_{stem}{self.count}"


def literal(node: Node) -> str:
    if not isinstance(node, Literal):
        raise Unsupported(f"expected a literal in the shapes, found {node!r}")
    datatype = ox.NamedNode(str(node.datatype)) if node.datatype else None
    return str(ox.Literal(str(node), language=node.language, datatype=datatype))


def class_filter(shapes: Graph, shape: Node, cls: Node, v: str, f: str, namer: Namer) -> str:
    if namer.top:
        t = namer.fresh("type")
        return f"MINUS {{ {v} {iri(RDF.type)} {t} . {t} {iri(RDFS.subClassOf)}* {iri(cls)} }}"
    return f"FILTER NOT EXISTS {{ {v} {TYPE_PATH} {iri(cls)} }}"


def datatype_filter(shapes: Graph, shape: Node, datatype: Node, v: str, f: str, namer: Namer) -> str:
    if datatype == XSD.string:
        ok = f'(isLiteral({v}) && datatype({v}) = {iri(XSD.string)} && lang({v}) = "")'
    elif datatype == RDF.langString:
        ok = f'(isLiteral({v}) && lang({v}) != "")'
    elif datatype == RDFS.Literal:
        ok = f"isLiteral({v})"
    elif datatype in CHECKED_DATATYPES:
        cast = iri(datatype)
        ok = f"(isLiteral({v}) && datatype({v}) = {cast} && COALESCE(isLiteral({cast}(STR({v}))), false))"
    else:
        ok = f"(isLiteral({v}) && datatype({v}) = {iri(datatype)})"
    return f"FILTER (!{ok})"


def node_kind_filter(shapes: Graph, shape: Node, kind: Node, v: str, f: str, namer: Namer) -> str:
    if kind not in NODE_KINDS:
        raise Unsupported(f"unknown sh:nodeKind {kind!r}")
    return f"FILTER (!{NODE_KINDS[kind].format(v=v)})"


def _range(operator: str) -> Callable[[Graph, Node, Node, str, str, Namer], str]:
    def range_filter(shapes: Graph, shape: Node, bound: Node, v: str, f: str, namer: Namer) -> str:
        return f"FILTER (!COALESCE(!isBlank({v}) && {v} {operator} {literal(bound)}, false))"

    return range_filter


def pattern_filter(shapes: Graph, shape: Node, pattern: Node, v: str, f: str, namer: Namer) -> str:
    flags = shapes.value(shape, SH.flags)
    flag_text = f", {literal(Literal(str(flags)))}" if flags is not None else ""
    return f"FILTER (isBlank({v}) || !REGEX(STR({v}), {literal(Literal(str(pattern)))}{flag_text}))"


def language_in_filter(shapes: Graph, shape: Node, languages: Node, v: str, f: str, namer: Namer) -> str:
    wanted = [str(item).lower() for item in Collection(shapes, languages)]
    if "*" in wanted:
        return f'FILTER (!(isLiteral({v}) && lang({v}) != ""))'
    listed = ", ".join(literal(Literal(language)) for language in wanted)
    tag = f"LCASE(lang({v}))"
    return (
        f'FILTER (!(isLiteral({v}) && lang({v}) != "" && '
        f'({tag} IN ({listed}) || STRBEFORE(CONCAT({tag}, "-"), "-") IN ({listed}))))'
    )


def pair_filter(operator: str) -> Callable[[Graph, Node, Node, str, str, Namer], str]:
    """sh:lessThan and kin: one violation for each (value, other value) pair that fails, as pySHACL reports."""

    def compare(shapes: Graph, shape: Node, other: Node, v: str, f: str, namer: Namer) -> str:
        o = namer.fresh("other")
        namer.keep.append(o)
        return f"{f} {iri(other)} {o} . FILTER (!COALESCE({v} {operator} {o}, false))"

    return compare


def not_filter(shapes: Graph, owner: Node, shape: Node, v: str, f: str, namer: Namer) -> str:
    return f"FILTER NOT EXISTS {{ {violation(shapes, shape, v, namer)} }}"


def or_filter(shapes: Graph, owner: Node, members: Node, v: str, f: str, namer: Namer) -> str:
    """A node breaks sh:or when it breaks every member; at the top, each member as a join or an anti-join."""
    clauses = []
    for member in Collection(shapes, members):
        clause = _member_violation(shapes, member, v, namer) if namer.top else None
        clauses.append(clause or f"FILTER EXISTS {{ {violation(shapes, member, v, namer)} }}")
    return " ".join(clauses) or "FILTER (false)"


# Components whose violation is a test of the value node alone (a FILTER on the row).
ROW_TESTS = frozenset({SH.datatype, SH.nodeKind, SH.minInclusive, SH.maxInclusive, SH.pattern, SH.languageIn})


def _member_violation(shapes: Graph, member: Node, x: str, namer: Namer) -> str | None:
    """A member of sh:or with one constraint, broken by ``x``, as a join or anti-join; None: use EXISTS."""
    found = parameters(shapes, member)
    if len(found) != 1 or any(shapes.triples((member, SH.property, None))):
        return None
    parameter, value = found[0]
    path = shapes.value(member, SH.path)
    if path is None:
        return _broken_by(shapes, member, parameter, value, x, namer)
    if parameter == SH.minCount and value == Literal(1):
        return f"MINUS {{ {x} {sparql_path(shapes, path)} {namer.fresh('any')} }}"
    u = namer.fresh("u")
    inner = _broken_by(shapes, member, parameter, value, u, namer)
    return None if inner is None else f"{inner} {x} {sparql_path(shapes, path)} {u} ."


def _broken_by(shapes: Graph, shape: Node, parameter: URIRef, value: Node, v: str, namer: Namer) -> str | None:
    """A pattern that holds exactly when value node ``v`` breaks one constraint, without EXISTS; or None."""
    if parameter in ROW_TESTS:
        return VALUE_COMPONENTS[parameter](shapes, shape, value, v, v, namer)
    inner = parameters(shapes, value) if parameter == SH["not"] else []
    plain = not any(shapes.triples((value, SH.property, None))) and shapes.value(value, SH.path) is None
    if parameter == SH["not"] and plain and len(inner) == 1 and inner[0][0] == SH["class"]:
        t = namer.fresh("type")  # breaks "not of class C" exactly when it is of class C
        # The subclasses first, once, as a subquery: a path walked again for every row costs ~80 µs a row.
        closure = f"{{ SELECT DISTINCT {t} WHERE {{ {t} {iri(RDFS.subClassOf)}* {iri(inner[0][1])} }} }}"
        return f"{closure} {v} {iri(RDF.type)} {t} ."
    return None


# Components that test each value node on its own (or paired with another property's values).
VALUE_COMPONENTS: dict[URIRef, Callable[[Graph, Node, Node, str, str, Namer], str]] = {
    SH["class"]: class_filter,
    SH.datatype: datatype_filter,
    SH.nodeKind: node_kind_filter,
    SH.minInclusive: _range(">="),
    SH.maxInclusive: _range("<="),
    SH.pattern: pattern_filter,
    SH.languageIn: language_in_filter,
    SH["not"]: not_filter,
    SH["or"]: or_filter,
    SH.lessThan: pair_filter("<"),
    SH.lessThanOrEquals: pair_filter("<="),
}
# Components of the focus node's whole set of values, with no single value to report.
COUNT_COMPONENTS = {SH.minCount, SH.maxCount, SH.uniqueLang}
# Parameters that describe a shape or sit beside another parameter; anything else in sh: is unsupported.
DESCRIPTIVE = {
    SH.path, SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target, SH.severity,
    SH.message, SH.deactivated, SH.name, SH.description, SH.order, SH.group, SH.defaultValue, SH.flags,
    SH.property, SH.sparql,
}  # fmt: skip


def parameters(shapes: Graph, shape: Node) -> list[tuple[URIRef, Node]]:
    """The shape's constraint parameters, refusing any this engine cannot translate."""
    found = []
    for predicate, value in shapes.predicate_objects(shape):
        if not isinstance(predicate, URIRef) or not str(predicate).startswith(str(SH)):
            continue
        if predicate in VALUE_COMPONENTS or predicate in COUNT_COMPONENTS:
            found.append((predicate, value))
        elif predicate not in DESCRIPTIVE:
            raise Unsupported(f"{predicate} is not translated to SPARQL")
    return sorted(found, key=lambda pair: (str(pair[0]), str(pair[1])))


def value_nodes(shapes: Graph, shape: Node, f: str, v: str) -> str:
    path = shapes.value(shape, SH.path)
    return "" if path is None else f"{f} {sparql_path(shapes, path)} {v} ."


def count_pattern(shapes: Graph, shape: Node, parameter: URIRef, value: Node, f: str, namer: Namer) -> str:
    """minCount 1 as NOT EXISTS; other counts need a group, which only a top-level check has."""
    path = shapes.value(shape, SH.path)
    if path is None:
        raise Unsupported(f"{parameter} on a shape without sh:path")
    step = sparql_path(shapes, path)
    if parameter == SH.minCount and value == Literal(1):
        return f"FILTER NOT EXISTS {{ {f} {step} {namer.fresh('any')} }}"
    if parameter == SH.minCount and value == Literal(0):
        return "FILTER (false)"
    raise Unsupported(f"{parameter} {value} inside sh:or or sh:not")


def violation(shapes: Graph, shape: Node, x: str, namer: Namer) -> str:
    """A pattern with a solution exactly when node ``x`` does not conform to ``shape`` (a nested shape)."""
    top, namer.top = namer.top, False
    try:
        return _violation(shapes, shape, x, namer)
    finally:
        namer.top = top


def _violation(shapes: Graph, shape: Node, x: str, namer: Namer) -> str:
    if isinstance(shape, URIRef) and any(shapes.triples((shape, SH.target, None))):
        raise Unsupported("a shape with targets nested in another")
    branches = []
    for parameter, value in parameters(shapes, shape):
        if parameter in COUNT_COMPONENTS:
            branches.append(count_pattern(shapes, shape, parameter, value, x, namer))
            continue
        v = namer.fresh("v") if shapes.value(shape, SH.path) is not None else x
        branches.append(
            f"{value_nodes(shapes, shape, x, v)} {VALUE_COMPONENTS[parameter](shapes, shape, value, v, x, namer)}"
        )
    for nested in shapes.objects(shape, SH.property):
        if shapes.value(shape, SH.path) is not None:
            raise Unsupported("sh:property inside a property shape")
        branches.append(violation(shapes, nested, x, namer))
    if any(shapes.triples((shape, SH.sparql, None))):
        raise Unsupported("sh:sparql inside sh:or or sh:not")
    if not branches:
        return "FILTER (false)"
    return " UNION ".join(f"{{ {branch} }}" for branch in branches)
