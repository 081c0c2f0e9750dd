"""Counts a user checks first after a build: did everything I curated arrive?"""

from __future__ import annotations

from .stores import Store

# Each count follows the ontology's class hierarchy, which the store holds in its ontology graph.
_COUNTED_CLASSES: dict[str, str] = {
    "events": "kg:Event",
    "places": "kg:Place",
    "people groups": "kg:PeopleGroup",
    "organisations": "kg:Organisation",
    "sources": "kg:Source",
    "claims": "kg:Claim",
    "figures": "kg:Figure",
}

_QUERY = """
PREFIX kg: <https://w3id.org/kgraph/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT (COUNT(DISTINCT ?node) AS ?n) WHERE {{
    ?node a ?class .
    ?class rdfs:subClassOf* {cls} .
    FILTER (STRSTARTS(STR(?node), "https://w3id.org/kgraph/id/"))
}}
"""


def count_entities(store: Store) -> dict[str, int]:
    """Entity counts by kind, plus the number of named source graphs."""
    counts: dict[str, int] = {}
    for name, cls in _COUNTED_CLASSES.items():
        # cls comes from the constant table above, never from user input.
        rows = list(store.query(_QUERY.format(cls=cls)))
        counts[name] = int(rows[0]["n"].value) if rows else 0
    counts["source graphs"] = sum(1 for g in store.named_graphs() if not g.endswith("/graph/ontology"))
    return counts
