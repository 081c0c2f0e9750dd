"""The founding article's KG: it builds, validates, and every figure is findable with its provenance.

The expected figures are written by hand from the article's text, not read
back from the card.
"""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from kgraph.namespaces import KG, KGR

# (as printed in the article, value, measure, qualifier, claimant)
FIGURES = [
    ("five", 5, "RemainsFound", "Exact", "state-commission-az"),
    ("seven", 7, "RemainsFound", "AtLeast", "state-commission-az"),
    ("two more mass graves", 2, "GravesFound", "Exact", "government-of-azerbaijan"),
    ("4,000", 4000, "Missing", "Over", "unverified-publisher"),
    ("3,980", 3980, "Missing", "AtLeast", "government-of-azerbaijan"),
    ("3,209", 3209, "Missing", "Exact", "unverified-publisher"),
    ("774", 774, "Missing", "Exact", "unverified-publisher"),
    ("187", 187, "RemainsFound", "Exact", "unverified-publisher"),
    ("309", 309, "RemainsFound", "Some", "unverified-publisher"),
    ("170", 170, "Identified", "Exact", "unverified-publisher"),
    ("613", 613, "Killed", "Exact", "unverified-publisher"),
    ("487", 487, "SeriouslyInjured", "Exact", "unverified-publisher"),
    ("1,275", 1275, "Captured", "Exact", "unverified-publisher"),
    ("150", 150, "Missing", "Some", "unverified-publisher"),
    ("eight families", 8, "FamiliesWipedOut", "Exact", "unverified-publisher"),
    ("120,000", 120000, "Displaced", "Nearly", "unverified-publisher"),
    ("44 days", 44, "Duration", "Exact", "unverified-publisher"),
    ("two-hour", 2, "Duration", "Exact", "unverified-publisher"),
    ("seven adjacent regions", 7, "AreasControlled", "Exact", "unverified-publisher"),
    ("30 years", 30, "Duration", "Some", "unverified-publisher"),
]

FIGURE_QUERY = """
PREFIX kg: <https://w3id.org/kgraph/ontology#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX oa: <http://www.w3.org/ns/oa#>
SELECT ?claim ?measure ?value ?qualifier ?claimant ?carrier ?quote WHERE {
    ?claim a kg:Claim ; kg:predicate kg:hasFigure ; kg:object ?figure ;
        prov:wasAttributedTo ?claimant ; kg:carriedBy ?carrier ;
        kg:quote/oa:hasSelector/oa:exact ?quote .
    ?figure kg:measure ?measure ; kg:value ?value ; kg:qualifier ?qualifier .
}
"""


def test_builds_with_no_violations(founding):
    _kg, result = founding
    assert result.report.violations == []


def test_the_only_warning_is_the_articles_own_parts_versus_whole_mismatch(founding):
    _kg, result = founding
    warnings = result.report.warnings
    assert len(warnings) == 1, [str(w) for w in warnings]
    message = warnings[0].message
    assert "3983" in message and "3980" in message
    assert warnings[0].location is not None and "founding-article.yaml" in str(warnings[0].location.file)


def test_every_quote_was_checked_against_the_text(founding):
    kg, result = founding
    assert result.compiled.quotes.unverified == 0
    assert result.compiled.quotes.verified > 40
    unverified = kg.store.query("PREFIX kg: <https://w3id.org/kgraph/ontology#> ASK { ?q kg:offsetsVerified false }")
    assert not bool(unverified)


@pytest.mark.parametrize(("printed", "value", "measure", "qualifier", "claimant"), FIGURES, ids=[f[0] for f in FIGURES])
def test_each_figure_is_found_with_qualifier_claimant_carrier_and_quote(
    founding, printed, value, measure, qualifier, claimant
):
    kg, _result = founding
    rows = list(
        kg.store.query(
            FIGURE_QUERY,
            {
                ox.Variable("measure"): ox.NamedNode(str(KG[measure])),
                ox.Variable("value"): ox.Literal(
                    str(value), datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
                ),
            },
        )
    )
    matching = [
        row
        for row in rows
        if row["qualifier"].value == str(KG[qualifier])
        and row["claimant"].value == str(KGR[f"org/{claimant}"])
        and printed in row["quote"].value
    ]
    assert matching, f"no {measure} {value} ({qualifier}) by {claimant} quoting {printed!r}; found {rows}"
    assert all(row["carrier"].value == str(KGR["source/founding-article"]) for row in matching)
