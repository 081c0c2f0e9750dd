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


PREFIXES = """
PREFIX kg: <https://w3id.org/kgraph/ontology#>
PREFIX kgr: <https://w3id.org/kgraph/id/>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX oa: <http://www.w3.org/ns/oa#>
"""

# (words as printed, naive resolution against the 2025-05-03 publication date, the curator's corrections)
# "last month" dates both the draft agreement (13 March 2025) and the border fire reported "amid" it (March 2025).
RELATIVE_DATES = [
    ("Thursday", "2025-05-01", set()),
    ("last September", "2024-09", {"2023-09"}),
    ("Earlier in 2024", "2024", {"2024-05-24"}),
    ("last month", "2025-04", {"2025-03-13", "2025-03"}),
]


@pytest.mark.parametrize(("words", "naive", "corrected"), RELATIVE_DATES, ids=[r[0] for r in RELATIVE_DATES])
def test_relative_dates_keep_words_anchor_naive_resolution_and_correction(founding, words, naive, corrected):
    kg, _result = founding
    rows = list(
        kg.store.query(
            PREFIXES
            + """
            SELECT ?wanted ?claim ?naive ?anchor ?rank ?fixedEdtf ?curator ?evidence WHERE {
                ?claim kg:predicate kg:when ; kg:object ?span ; kg:rank ?rank .
                ?span kg:expression ?expression .
                ?expression kg:words ?words ; kg:anchor ?anchor ; kg:naiveResolution ?naive .
                FILTER (STR(?words) = ?wanted)
                OPTIONAL {
                    ?fix kg:corrects ?claim ; kg:object/kg:edtf ?fixedEdtf ;
                        prov:wasAttributedTo ?curator ; kg:evidenceNote ?evidence .
                }
            }
            """,
            {ox.Variable("wanted"): ox.Literal(words)},
        )
    )
    assert rows, f"no relative date {words!r}"
    for row in rows:
        assert row["naive"].value == naive
        assert row["anchor"].value == "2025-05-03"
        if not corrected:
            assert row["fixedEdtf"] is None
            assert row["rank"].value == str(KG.NormalRank)
        else:
            assert row["curator"].value == str(KGR["org/kgraph-curators"])
            assert row["evidence"].value
            assert row["rank"].value == str(KG.DeprecatedRank)  # kept, but no longer derives a plain triple
    assert {row["fixedEdtf"].value for row in rows if row["fixedEdtf"] is not None} == corrected


def test_a_corrected_date_is_the_plain_one_the_naive_one_stays_a_claim(founding):
    kg, _result = founding
    rows = list(
        kg.store.query(
            PREFIXES
            + "SELECT ?edtf WHERE { kgr:event/draft-peace-agreement kg:when/kg:edtf ?edtf }".replace(
                "kgr:event/draft-peace-agreement", "<https://w3id.org/kgraph/id/event/draft-peace-agreement>"
            )
        )
    )
    assert [row["edtf"].value for row in rows] == ["2025-03-13"]


@pytest.mark.parametrize("words", ["liberated", "occupation", "massacred", "tragedy", "occupied"])
def test_framing_words_are_attributed_characterisations(founding, words):
    kg, _result = founding
    rows = list(
        kg.store.query(
            PREFIXES
            + """
            SELECT ?wanted ?claimant ?quote WHERE {
                ?claim kg:predicate kg:characterisedAs ; kg:object ?words ;
                    prov:wasAttributedTo ?claimant ; kg:quote/oa:hasSelector/oa:exact ?quote .
                FILTER (STR(?words) = ?wanted)
            }
            """,
            {ox.Variable("wanted"): ox.Literal(words)},
        )
    )
    assert rows and all(words in row["quote"].value for row in rows)
    assert not bool(kg.store.query(PREFIXES + "ASK { ?s kg:characterisedAs ?o }"))


@pytest.mark.parametrize("place", ["shusha", "khojaly", "khankendi", "azerbaijan", "armenia"])
def test_places_have_names_in_four_languages_each_with_who_uses_it(founding, place):
    kg, _result = founding
    rows = list(
        kg.store.query(
            PREFIXES
            + """
            SELECT ?place ?text ?user WHERE {
                ?place kg:hasName ?name .
                ?name kg:text ?text ; kg:usedBy ?user .
            }
            """,
            {ox.Variable("place"): ox.NamedNode(str(KGR[f"place/{place}"]))},
        )
    )
    assert {row["text"].language for row in rows} >= {"en", "az", "hy", "ru"}


def test_khojaly_keeps_its_armenian_era_name_and_the_decoy_ids_are_absent(founding):
    kg, _result = founding
    names = {
        row["text"].value
        for row in kg.store.query(
            PREFIXES + "SELECT ?text WHERE { <https://w3id.org/kgraph/id/place/khojaly> kg:hasName/kg:text ?text }"
        )
    }
    assert {"Xocalı", "Խոջալու"} <= names and any("Ivanyan" in n or "Իվանյան" in n for n in names)
    links = {
        row["link"].value
        for row in kg.store.query(
            "SELECT ?link WHERE { <https://w3id.org/kgraph/id/place/khojaly> "
            "<http://www.w3.org/2004/02/skos/core#exactMatch> ?link }"
        )
    }
    assert links == {"https://sws.geonames.org/147774/"}  # verified; 147775 / 147776 are other villages


def test_the_commission_is_the_claimant_and_the_article_the_carrier(founding):
    kg, _result = founding
    rows = list(
        kg.store.query(
            PREFIXES
            + """
            SELECT ?claim ?carrier ?statement WHERE {
                ?claim prov:wasAttributedTo kgr:org\\/state-commission-az ; kg:carriedBy ?carrier .
                OPTIONAL { ?claim kg:madeIn ?statement }
            }
            """.replace("kgr:org\\/state-commission-az", "<https://w3id.org/kgraph/id/org/state-commission-az>")
        )
    )
    assert len(rows) >= 5
    assert {row["carrier"].value for row in rows} == {str(KGR["source/founding-article"])}
    assert all(row["statement"] is not None for row in rows)
