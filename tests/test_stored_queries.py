"""The stored queries in queries/: each one runs, and each answers its question on the founding article.

The expected rows are written by hand from the founding article's text
(shared/corpus/founding-article.txt) and the IDs of its card and of the
reference files, never read back from a query's output. Rows are compared as
sets (or sorted lists, where a repeated row would be a mistake) of the columns
that carry the answer.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from conftest import DATA, FIXTURES
from kgraph import KnowledgeGraph
from kgraph.resources import resource_dir

KG = "https://w3id.org/kgraph/ontology#"
ID = "https://w3id.org/kgraph/id/"
ARTICLE_CARD = "founding-article"
QUERY_DIR = resource_dir("queries")


def kg(term: str) -> str:
    return KG + term


def event(slug: str) -> str:
    return f"{ID}event/{slug}"


def place(slug: str) -> str:
    return f"{ID}place/{slug}"


def org(slug: str) -> str:
    return f"{ID}org/{slug}"


def group(slug: str) -> str:
    return f"{ID}group/{slug}"


def claim(slug: str, card: str = ARTICLE_CARD) -> str:
    return f"{ID}claim/{card}/{slug}"


PUBLISHER = org("unverified-publisher")
COMMISSION = org("state-commission-az")
AZERBAIJAN_GOV = org("government-of-azerbaijan")
ARMENIA_GOV = org("government-of-armenia")
CURATORS = org("kgraph-curators")
ARTICLE = f"{ID}source/founding-article"
ARTICLE_GRAPH = f"{ID}graph/founding-article"
STATEMENT = event("commission-statement-2025-05-01")

QUERIES = [
    "mass-graves",
    "disputes",
    "events-in-region",
    "timeline",
    "missing-persons",
    "claims-by-claimant",
    "source-audit",
    "participants",
    "affected-groups",
    "place-names",
    "unlinked-entities",
    "figure-disagreements",
    "relative-dates",
    "characterisations",
    "claims-about",
]

# A plausible value for each parameter, by name; used on the empty store.
PLAUSIBLE = {
    "region": "kgr:place/karabakh",
    "conflict": "kgr:event/first-karabakh-war",
    "claimant": "kgr:org/state-commission-az",
    "source": "kgr:source/founding-article",
    "subject": "kgr:event/khojaly-killings-1992",
    "event": "kgr:event/khojaly-killings-1992",
    "measure": "kg:Missing",
    "group": "kgr:group/azerbaijani-civilians",
    "place": "kgr:place/shusha",
    "from": dt.date(1992, 1, 1),
    "to": "1992-12-31",
    "factor": Decimal("1.5"),
}


def rows_of(kg_: KnowledgeGraph, name: str, **params: object) -> list[dict]:
    """Run a stored query from its file: ``kg.query(name)`` re-reads the whole catalog on every call."""
    return kg_.query(QUERY_DIR / f"{name}.rq", **params).rows


def column_set(rows: list[dict], *columns: str) -> set[tuple]:
    return {tuple(row[c] for c in columns) for row in rows}


def column_list(rows: list[dict], *columns: str) -> list[tuple]:
    return sorted((tuple(row[c] for c in columns) for row in rows), key=repr)


# --------------------------------------------------------------------------------------------
# The catalog, and every query on an empty store
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def catalog():
    return KnowledgeGraph.open().queries()


def test_the_catalog_lists_the_queries_each_with_summary_description_and_tags(catalog):
    assert len(catalog) >= 13
    assert set(QUERIES) <= set(catalog)
    for name, stored in catalog.items():
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", name), name
        assert stored.summary and stored.description and stored.tags, name
        assert stored.query.form == "SELECT", name


COST_CLASSES = ("bounded", "answer", "remote")


def test_every_stored_query_states_its_cost_class_in_its_header(catalog):
    for name, stored in catalog.items():
        costs = [line for line in stored.path.read_text(encoding="utf-8").splitlines() if line.startswith("#+ cost:")]
        assert len(costs) == 1, name
        cost_class = costs[0].removeprefix("#+ cost:").split()[0]
        assert cost_class in COST_CLASSES, (name, cost_class)


def test_the_factor_defaults_to_one_and_the_parameters_are_typed(catalog):
    assert catalog["figure-disagreements"].defaults == {"factor": 1.0}
    kinds = {(p.name, p.type, p.required) for p in catalog["events-in-region"].query.parameters}
    assert kinds == {("region", "iri", True), ("from", "date", False), ("to", "date", False)}
    assert {(p.name, p.required) for p in catalog["disputes"].query.parameters} == {
        ("event", False),
        ("measure", False),
    }


@pytest.mark.parametrize("name", QUERIES)
def test_each_query_runs_on_an_empty_store_with_required_and_with_all_parameters(catalog, name):
    empty = KnowledgeGraph.open()
    stored = catalog[name]
    required = {p.name: PLAUSIBLE[p.name] for p in stored.query.parameters if p.required}
    everything = {p.name: PLAUSIBLE[p.name] for p in stored.query.parameters}
    for params in (required, everything):
        result = empty.query(stored.path, **params)
        assert result.form == "SELECT"
        assert result.rows == []
        assert set(stored.query.projection) == set(result.variables)


class _EngineBinding:
    """The embedded store as it was before parameters were written into the pattern: Oxigraph binds them."""

    def __init__(self, store):
        self._store = store

    def query(self, sparql, substitutions=None, *, form=None):
        return self._store.query(sparql, substitutions=dict(substitutions or {}), use_default_graph_as_union=True)


@pytest.mark.parametrize("name", QUERIES)
def test_parameters_in_the_pattern_answer_as_the_engines_own_binding(founding, catalog, name):
    """The embedded store writes parameters into the pattern for speed; the rows must not change."""
    from kgraph.queries.guard import ServiceAllowList
    from kgraph.queries.runner import run_query

    kg_, _ = founding
    stored = catalog[name]
    params = {p.name: VALUES_ON_FOUNDING.get(p.name, PLAUSIBLE[p.name]) for p in stored.query.parameters}
    bound = stored.query.bind(params, stored.defaults)
    allow = ServiceAllowList.from_environment(())
    inlined = run_query(kg_.store, stored.query, bound, allow=allow).rows
    engine = run_query(_EngineBinding(kg_.store._store), stored.query, bound, allow=allow).rows
    assert sorted(map(repr, inlined)) == sorted(map(repr, engine))
    if name in ("disputes", "mass-graves", "timeline", "claims-by-claimant", "source-audit"):
        assert inlined, f"{name} found nothing on the founding data: the comparison would prove nothing"


# Parameter values that find rows on the founding data (PLAUSIBLE is for the empty store).
VALUES_ON_FOUNDING = {"measure": "kg:Killed", "from": dt.date(1988, 1, 1), "to": "2025-12-31"}


# --------------------------------------------------------------------------------------------
# mass-graves
# --------------------------------------------------------------------------------------------

# The article: five people near Shusha and at least seven on the Khojaly road (the Commission);
# 187 bodies in mass graves and some 309 bodies from road and construction works after 2020
# (the publisher). The "two more mass graves" as a whole have no remains figure of their own.
GRAVES = {
    (event("shusha-grave-discovery"), 5, kg("Exact"), COMMISSION),
    (event("khojaly-road-grave-discovery"), 7, kg("AtLeast"), COMMISSION),
    (event("post-2020-mass-grave-discovery"), 187, kg("Exact"), PUBLISHER),
    (event("post-2020-works-remains-discovery"), 309, kg("Some"), PUBLISHER),
    (event("karabakh-grave-discoveries-2025"), None, None, None),
}


def test_mass_graves_with_remains_qualifier_and_claimant(founding):
    kg_, _ = founding
    rows = rows_of(kg_, "mass-graves")
    assert column_set(rows, "event", "value", "qualifier", "claimant") == GRAVES
    assert len(rows) == len(GRAVES)  # one row each: no place lies in two regions here


def test_mass_graves_places_are_followed_up_to_district_and_country(founding):
    kg_, _ = founding
    rows = {row["event"]: row for row in rows_of(kg_, "mass-graves")}
    near_shusha = rows[event("shusha-grave-discovery")]
    assert near_shusha["place"] == place("shusha-roadworks-site")
    assert (near_shusha["settlement"], near_shusha["district"], near_shusha["country"]) == (
        place("shusha"),
        place("shusha-district"),
        place("azerbaijan"),
    )
    assert near_shusha["region"] is None
    khojaly_road = rows[event("khojaly-road-grave-discovery")]
    assert khojaly_road["place"] == place("khojaly-road")
    assert (khojaly_road["settlement"], khojaly_road["district"], khojaly_road["country"]) == (
        place("khojaly"),
        place("khojaly-district"),
        place("azerbaijan"),
    )
    # "seven adjacent regions, including Khojaly" (the publisher)
    assert khojaly_road["region"] == place("seven-adjacent-regions")
    assert rows[event("karabakh-grave-discoveries-2025")]["region"] == place("karabakh")
    assert rows[event("post-2020-mass-grave-discovery")]["place"] is None  # the article names no place


def test_mass_graves_dates_announcement_and_carrier(founding):
    kg_, _ = founding
    rows = {row["event"]: row for row in rows_of(kg_, "mass-graves")}
    for slug in ("shusha-grave-discovery", "khojaly-road-grave-discovery"):
        row = rows[event(slug)]
        # dated by the two graves as a whole: excavated in April 2025 (curators, from AZERTAC)
        assert (row["edtf"], row["earliest"], row["latest"]) == ("2025-04", dt.date(2025, 4, 1), dt.date(2025, 4, 30))
        assert row["datedBy"] == event("karabakh-grave-discoveries-2025")
        assert (row["announcement"], row["announcer"], row["carrier"]) == (STATEMENT, COMMISSION, ARTICLE)
    after_2020 = rows[event("post-2020-mass-grave-discovery")]
    assert (after_2020["earliest"], after_2020["latest"]) == (dt.date(2020, 1, 1), dt.date(2025, 5, 3))
    assert after_2020["announcement"] is None and after_2020["unit"] == kg("BodiesUnit")
    assert rows[event("post-2020-works-remains-discovery")]["edtf"] is None
    assert "at least seven" in rows[event("khojaly-road-grave-discovery")]["quote"]


@pytest.mark.parametrize(
    ("region", "expected"),
    [
        ("shusha-district", {"shusha-grave-discovery"}),
        ("khojaly", {"khojaly-road-grave-discovery"}),
        ("azerbaijan", {"shusha-grave-discovery", "khojaly-road-grave-discovery"}),
        ("karabakh", {"karabakh-grave-discoveries-2025", "post-2020-works-remains-discovery"}),
        ("armenia", set()),
    ],
)
def test_mass_graves_in_a_region(founding, region, expected):
    kg_, _ = founding
    rows = rows_of(kg_, "mass-graves", region=f"kgr:place/{region}")
    assert {row["event"] for row in rows} == {event(slug) for slug in expected}
    assert all(row["__region_iri"] == place(region) for row in rows)


# --------------------------------------------------------------------------------------------
# disputes
# --------------------------------------------------------------------------------------------

# Paragraph 7: "massacred 613 Azerbaijani civilians and seriously injured 487 others",
# "Some 150 of the 1,275 Azerbaijanis that the Armenians captured ... remain missing",
# "eight families were completely wiped out"; all the publisher's own words.
KHOJALY_FIGURES = [
    (kg("Killed"), 613, kg("Exact"), PUBLISHER, "613"),
    (kg("SeriouslyInjured"), 487, kg("Exact"), PUBLISHER, "487"),
    (kg("Captured"), 1275, kg("Exact"), PUBLISHER, "1,275"),
    (kg("Missing"), 150, kg("Some"), PUBLISHER, "150"),
    (kg("FamiliesWipedOut"), 8, kg("Exact"), PUBLISHER, "eight"),
]


def test_disputes_for_the_khojaly_killings(founding):
    kg_, _ = founding
    rows = rows_of(kg_, "disputes", event="kgr:event/khojaly-killings-1992")
    expected = [figure[:4] for figure in KHOJALY_FIGURES]
    assert column_list(rows, "__measure_iri", "value", "qualifier", "claimant") == sorted(expected, key=repr)
    by_measure = {row["__measure_iri"]: row for row in rows}
    for measure, _value, _qualifier, _claimant, printed in KHOJALY_FIGURES:
        row = by_measure[measure]
        assert printed in row["quote"]
        assert (row["carrier"], row["graph"], row["rank"]) == (ARTICLE, ARTICLE_GRAPH, kg("NormalRank"))
        assert row["__event_iri"] == event("khojaly-killings-1992")
        assert row["record"] is None and row["claimedEdtf"] is None
    assert by_measure[kg("Missing")]["qualifierLabel"] == "some"


def test_disputes_for_the_missing_of_the_first_war(founding):
    kg_, _ = founding
    rows = rows_of(kg_, "disputes", event="kgr:event/first-karabakh-war", measure="kg:Missing")
    # "Over 4,000 Azerbaijani citizens" (publisher); "at least 3,980" (official records);
    # "3,209 soldiers and 774 civilians" (publisher)
    assert column_set(rows, "counts", "value", "qualifier", "claimant") == {
        (group("azerbaijani-citizens"), 4000, kg("Over"), PUBLISHER),
        (group("azerbaijani-citizens"), 3980, kg("AtLeast"), AZERBAIJAN_GOV),
        (group("azerbaijani-soldiers"), 3209, kg("Exact"), PUBLISHER),
        (group("azerbaijani-civilians"), 774, kg("Exact"), PUBLISHER),
    }
    assert len(rows) == 4


def test_disputes_of_one_measure_across_events_and_of_everything(founding):
    kg_, _ = founding
    remains = rows_of(kg_, "disputes", measure="kg:RemainsFound")
    assert column_set(remains, "__event_iri", "value") == {
        (event("shusha-grave-discovery"), 5),
        (event("khojaly-road-grave-discovery"), 7),
        (event("post-2020-mass-grave-discovery"), 187),
        (event("post-2020-works-remains-discovery"), 309),
    }
    # the article states twenty numbers (see test_founding_article.FIGURES)
    assert len(rows_of(kg_, "disputes")) == 20


# --------------------------------------------------------------------------------------------
# events-in-region
# --------------------------------------------------------------------------------------------

IN_KARABAKH = {
    "karabakh-grave-discoveries-2025",  # "two more mass graves in the Karabakh region"
    "karabakh-killings-and-burials",  # "The Karabakh region had been the site of mass killings"
    "post-2020-works-remains-discovery",  # "road and construction works in Karabakh"
    "azerbaijani-recapture-2020",  # "settlements in Karabakh"
    "azerbaijani-recapture-2023",  # "It swiftly seized back Karabakh"
    "displacement-2023",  # "Karabakh, whose entire population"
}
IN_AZERBAIJAN = {
    "commission-statement-2025-05-01",  # in Khojaly (curators, AZERTAC)
    "shusha-grave-discovery",  # near Shusha
    "khojaly-road-grave-discovery",  # the Khojaly road
    "khojaly-killings-1992",
    "khojaly-offensive-1992",
    "armenian-control-of-nagorno-karabakh",  # Nagorno-Karabakh, "part of Azerbaijan"
    "withdrawal-2024",  # "several Azerbaijani villages"
    "armenian-control-of-villages",
}


@pytest.mark.parametrize(
    ("region", "window", "expected"),
    [
        ("karabakh", {}, IN_KARABAKH),
        ("karabakh", {"from": "2023-01-01", "to": "2023-12-31"}, {"azerbaijani-recapture-2023", "displacement-2023"}),
        ("karabakh", {"from": "2025-01-01"}, {"karabakh-grave-discoveries-2025"}),
        (
            "karabakh",
            {"to": "2030-12-31"},
            IN_KARABAKH - {"karabakh-killings-and-burials", "post-2020-works-remains-discovery"},
        ),
        ("azerbaijan", {}, IN_AZERBAIJAN),
        (
            "azerbaijan",
            {"from": "1992-01-01", "to": "1992-12-31"},
            {
                "khojaly-killings-1992",
                "khojaly-offensive-1992",
                "armenian-control-of-villages",  # "since the early 1990s": 199X
                "armenian-control-of-nagorno-karabakh",  # part of the war of 1988-1994
            },
        ),
        ("azerbaijan", {"to": "1991-12-31"}, {"armenian-control-of-villages", "armenian-control-of-nagorno-karabakh"}),
        ("shusha", {}, {"shusha-grave-discovery"}),
        ("armenia", {}, set()),
    ],
)
def test_events_in_a_region_and_window(founding, region, window, expected):
    kg_, _ = founding
    rows = rows_of(kg_, "events-in-region", region=f"kgr:place/{region}", **window)
    assert {row["event"] for row in rows} == {event(slug) for slug in expected}
    if "from" in window:
        assert all(row["latest"] >= dt.date.fromisoformat(window["from"]) for row in rows)
    if "to" in window:
        assert all(row["earliest"] <= dt.date.fromisoformat(window["to"]) for row in rows)


def test_events_in_region_dates_come_from_the_whole_when_a_part_has_none(founding):
    kg_, _ = founding
    rows = rows_of(kg_, "events-in-region", region="kgr:place/karabakh", **{"from": "2023-01-01", "to": "2023-12-31"})
    dated = {row["event"]: (row["edtf"], row["datedBy"]) for row in rows}
    # the naive "last September" (2024-09) is corrected to 2023-09 and no longer counts
    assert dated == {
        event("displacement-2023"): ("2023-09", event("displacement-2023")),
        event("azerbaijani-recapture-2023"): ("2023-09", event("offensive-2023")),
    }


def test_events_in_region_follow_near_only_from_sites_and_roads(founding):
    kg_, _ = founding
    rows = rows_of(kg_, "events-in-region", region="kgr:place/azerbaijan")
    places = {row["place"] for row in rows if row["event"] == event("armenian-control-of-nagorno-karabakh")}
    # the seven regions are only "near" Nagorno-Karabakh: that does not put them inside Azerbaijan
    assert places == {place("nagorno-karabakh")}
    assert {row["place"] for row in rows if row["event"] == event("shusha-grave-discovery")} == {
        place("shusha-roadworks-site")
    }


# --------------------------------------------------------------------------------------------
# timeline
# --------------------------------------------------------------------------------------------


def test_timeline_of_the_first_war_in_the_article(founding):
    kg_, _ = founding
    # by name, with a full IRI (the other tests run the files, with kgr: names)
    rows = kg_.query("timeline", conflict="https://w3id.org/kgraph/id/event/first-karabakh-war").rows
    # "killed by Armenians during the First Karabakh War"; "the First Karabakh War ..., during
    # which the Armenian military occupied Nagorno-Karabakh": neither is dated on its own
    assert column_set(rows, "event", "parent", "edtf", "undated") == {
        (event("killings-of-new-grave-victims"), event("first-karabakh-war"), None, True),
        (event("armenian-control-of-nagorno-karabakh"), event("first-karabakh-war"), None, True),
    }


@pytest.mark.parametrize(
    ("conflict", "expected"),
    [
        # "Earlier in 2024, Armenia withdrew ... as part of the peace process": corrected to 24 May 2024
        ("peace-process", [("withdrawal-2024", "2024-05-24", CURATORS)]),
        # "massacred ... in a two-hour offensive", February 1992
        ("khojaly-offensive-1992", [("khojaly-killings-1992", "1992-02", PUBLISHER)]),
    ],
)
def test_timeline_shows_current_dates_with_who_gives_them(founding, conflict, expected):
    kg_, _ = founding
    rows = rows_of(kg_, "timeline", conflict=f"kgr:event/{conflict}")
    assert [(row["event"], row["edtf"], row["dateClaimant"]) for row in rows] == [
        (event(slug), edtf, claimant) for slug, edtf, claimant in expected
    ]


TIMELINE_CARD = """
card: timeline-test
curator: kgraph-curators
curated: 2026-11-25
source:
  id: timeline-test-notes
  kind: dataset
  title: Test-only links for the timeline query
claims:
  - id: khojaly-offensive-in-first-war
    about: khojaly-offensive-1992
    part_of: first-karabakh-war
    by: kgraph-curators
    evidence: test fixture, not a curated finding
  - id: new-grave-killings-when
    about: killings-of-new-grave-victims
    when: "1988/1994"
    by: kgraph-curators
    evidence: test fixture, not a curated finding
"""


def test_timeline_orders_by_date_with_ranges_and_undated_last(tmp_path: Path, data_copy: Path, corpus: Path):
    (data_copy / "sources" / "timeline-test.yaml").write_text(TIMELINE_CARD, encoding="utf-8")
    kg_ = KnowledgeGraph.open(tmp_path / "store")
    kg_.build(data_copy, texts=[corpus])
    rows = rows_of(kg_, "timeline", conflict="kgr:event/first-karabakh-war")
    assert [(row["event"], row["parent"], row["earliest"], row["latest"]) for row in rows] == [
        (
            event("killings-of-new-grave-victims"),
            event("first-karabakh-war"),
            dt.date(1988, 1, 1),
            dt.date(1994, 12, 31),
        ),
        (event("khojaly-killings-1992"), event("khojaly-offensive-1992"), dt.date(1992, 2, 1), dt.date(1992, 2, 29)),
        (event("khojaly-offensive-1992"), event("first-karabakh-war"), dt.date(1992, 2, 1), dt.date(1992, 2, 29)),
        (event("armenian-control-of-nagorno-karabakh"), event("first-karabakh-war"), None, None),
    ]
    assert [row["undated"] for row in rows] == [False, False, False, True]


# --------------------------------------------------------------------------------------------
# missing-persons
# --------------------------------------------------------------------------------------------


def test_missing_persons_totals_and_breakdown_per_claimant(founding):
    kg_, _ = founding
    rows = rows_of(kg_, "missing-persons")
    first_war, khojaly = event("first-karabakh-war"), event("khojaly-killings-1992")
    assert column_list(rows, "__event_iri", "value", "qualifier", "claimant", "breakdown", "wholeValue") == sorted(
        [
            (first_war, 4000, kg("Over"), PUBLISHER, "total", None),
            (first_war, 3980, kg("AtLeast"), AZERBAIJAN_GOV, "whole", None),
            (first_war, 3209, kg("Exact"), PUBLISHER, "part", 3980),
            (first_war, 774, kg("Exact"), PUBLISHER, "part", 3980),
            (khojaly, 150, kg("Some"), PUBLISHER, "total", None),
        ],
        key=repr,
    )
    whole = next(row for row in rows if row["breakdown"] == "whole")
    # 3,209 + 774 = 3,983 against "at least 3,980": the article's own inconsistency, shown
    assert (whole["partsSum"], whole["partCount"], whole["partsMinusWhole"]) == (3983, 2, 3)
    parts = [row for row in rows if row["breakdown"] == "part"]
    assert {row["wholeClaimant"] for row in parts} == {AZERBAIJAN_GOV}
    assert all(row["partsSum"] is None for row in rows if row["breakdown"] != "whole")
    some_150 = next(row for row in rows if row["value"] == 150)
    # "Some 150 of the 1,275 Azerbaijanis that the Armenians captured"
    assert (some_150["subsetOfMeasure"], some_150["subsetOfValue"]) == (kg("Captured"), 1275)


def test_missing_persons_of_one_event(founding):
    kg_, _ = founding
    rows = rows_of(kg_, "missing-persons", event="kgr:event/khojaly-killings-1992")
    assert column_set(rows, "__event_iri", "value", "counts") == {
        (event("khojaly-killings-1992"), 150, group("azerbaijanis"))
    }


# --------------------------------------------------------------------------------------------
# claims-by-claimant and claims-about
# --------------------------------------------------------------------------------------------


def test_everything_the_commission_claims(founding):
    kg_, _ = founding
    rows = rows_of(kg_, "claims-by-claimant", claimant="kgr:org/state-commission-az")
    # Paragraphs 2 and 3, "the Azerbaijani State Commission ... said in a statement"
    assert column_set(rows, "subject", "property", "value", "detail", "stance") == {
        (event("shusha-grave-discovery"), kg("hasFigure"), 5, kg("RemainsFound"), kg("Asserted")),
        (event("shusha-grave-discovery"), kg("place"), place("shusha-roadworks-site"), None, kg("Asserted")),
        (place("shusha-roadworks-site"), kg("near"), place("shusha"), None, kg("Asserted")),
        (event("khojaly-road-grave-discovery"), kg("hasFigure"), 7, kg("RemainsFound"), kg("Asserted")),
        (event("khojaly-road-grave-discovery"), kg("place"), place("khojaly-road"), None, kg("Asserted")),
        (place("khojaly-road"), kg("near"), place("khojaly"), None, kg("Asserted")),
        (event("karabakh-grave-discoveries-2025"), kg("characterisedAs"), "haphazardly buried", None, kg("Asserted")),
        (
            event("killings-of-new-grave-victims"),
            kg("characterisedAs"),
            "traces of torture on the bodies",
            None,
            kg("Asserted"),
        ),
        (
            event("killings-of-new-grave-victims"),
            kg("hasParticipation"),
            group("people-in-graves"),
            kg("Victim"),
            kg("Believed"),
        ),
        (
            event("killings-of-new-grave-victims"),
            kg("hasParticipation"),
            org("armenian-armed-forces"),
            kg("Perpetrator"),
            kg("Believed"),
        ),
    }
    assert len(rows) == 10
    assert {(row["carrier"], row["announcement"], row["rank"]) for row in rows} == {
        (ARTICLE, STATEMENT, kg("NormalRank"))
    }
    assert all(row["_claimant_iri"] == COMMISSION and row["quote"] for row in rows)


def test_everything_the_government_of_azerbaijan_claims(founding):
    kg_, _ = founding
    rows = rows_of(kg_, "claims-by-claimant", claimant="kgr:org/government-of-azerbaijan")
    # "Azerbaijani authorities on Thursday said they unearthed two more mass graves in the Karabakh
    # region"; "Azerbaijan's official records still name at least 3,980 people as missing"
    assert column_set(rows, "subject", "property", "value", "detail") == {
        (event("karabakh-grave-discoveries-2025"), kg("hasParticipation"), AZERBAIJAN_GOV, kg("Finder")),
        (event("karabakh-grave-discoveries-2025"), kg("hasFigure"), 2, kg("GravesFound")),
        (event("karabakh-grave-discoveries-2025"), kg("place"), place("karabakh"), None),
        (event("first-karabakh-war"), kg("hasFigure"), 3980, kg("Missing")),
    }


def test_claims_about_the_2023_departure_keep_the_corrected_date(founding):
    kg_, _ = founding
    rows = rows_of(kg_, "claims-about", subject="kgr:event/displacement-2023")
    assert column_set(rows, "property", "value", "claimant", "rank") == {
        (kg("hasParticipation"), group("karabakh-population"), PUBLISHER, kg("NormalRank")),
        (kg("hasFigure"), 120000, PUBLISHER, kg("NormalRank")),
        (kg("place"), place("karabakh"), PUBLISHER, kg("NormalRank")),
        (kg("when"), "2024-09", PUBLISHER, kg("DeprecatedRank")),  # "last September", read naively
        (kg("when"), "2023-09", CURATORS, kg("NormalRank")),
        (kg("characterisedAs"), "returned to Armenia", PUBLISHER, kg("NormalRank")),
        (kg("characterisedAs"), "after rejecting a reintegration program Baku offered", PUBLISHER, kg("NormalRank")),
    }
    corrected = next(row for row in rows if row["value"] == "2023-09")
    assert corrected["evidence"] and corrected["quote"] is None
    assert corrected["carrier"] == f"{ID}record/founding-article"


# --------------------------------------------------------------------------------------------
# source-audit
# --------------------------------------------------------------------------------------------

NAIVE_RELATIVE_DATES = {
    "offensive-2023-when",
    "displacement-2023-when",
    "withdrawal-2024-when",
    "draft-agreement-when",
    "border-fire-when",
}
CURATOR_CLAIMS = {
    "statement-place",
    "new-graves-when",
    "shusha-grave-part-of-new-graves",
    "khojaly-road-grave-part-of-new-graves",
    "offensive-2023-when-corrected",
    "displacement-2023-when-corrected",
    "withdrawal-2024-when-corrected",
    "draft-agreement-when-corrected",
    "border-fire-when-corrected",
}


def _card_claims(path: Path) -> list[dict]:
    return YAML(typ="safe").load(path.read_text(encoding="utf-8"))["claims"]


def test_source_audit_of_the_article_every_quote_is_at_its_offsets(founding, corpus: Path):
    kg_, _ = founding
    text = (corpus / "founding-article.txt").read_text(encoding="utf-8")
    rows = rows_of(kg_, "source-audit", source="kgr:source/founding-article")
    quoted = {c["id"] for c in _card_claims(DATA / "sources" / "founding-article.yaml") if "quote" in c}
    assert {row["claim"] for row in rows} == {claim(slug) for slug in quoted}
    assert len(rows) == len(quoted)
    for row in rows:
        assert text[row["start"] : row["end"]] == row["quote"], row["claim"]
        assert row["offsetsVerified"] is True
        assert row["record"] is None and row["evidence"] is None
        assert row["claimant"] in {PUBLISHER, COMMISSION, AZERBAIJAN_GOV}
    deprecated = {row["claim"] for row in rows if row["rank"] == kg("DeprecatedRank")}
    assert deprecated == {claim(slug) for slug in NAIVE_RELATIVE_DATES}


def test_source_audit_of_the_curation_record_shows_the_curators_evidence(founding):
    kg_, _ = founding
    rows = rows_of(kg_, "source-audit", source="kgr:record/founding-article")
    assert {row["claim"] for row in rows} == {claim(slug) for slug in CURATOR_CLAIMS}
    assert all(row["claimant"] == CURATORS and row["evidence"] and row["quote"] is None for row in rows)
    assert {row["corrects"] for row in rows if row["corrects"]} == {claim(slug) for slug in NAIVE_RELATIVE_DATES}


def test_source_audit_of_the_gazetteer(founding):
    kg_, _ = founding
    rows = rows_of(kg_, "source-audit", source="kgr:source/kgraph-gazetteer")
    shusha = {row["property"] for row in rows if row["subject"] == place("shusha")}
    assert shusha == {
        kg("locatedIn"),
        kg("hasGeometry"),
        kg("hasName"),
        "http://www.w3.org/2004/02/skos/core#exactMatch",
    }
    assert all(row["evidence"] and row["quote"] is None and row["claimant"] == CURATORS for row in rows)


# --------------------------------------------------------------------------------------------
# participants and affected-groups
# --------------------------------------------------------------------------------------------


def test_participants_of_the_killings_of_the_new_graves_victims(founding):
    kg_, _ = founding
    rows = rows_of(kg_, "participants", event="kgr:event/killings-of-new-grave-victims")
    # "thought to belong to civilians killed by Armenians" (publisher, reported) against
    # "which they believe belong to civilians killed by Armenian forces" (Commission, believed)
    assert column_set(rows, "participant", "role", "claimant", "stance") == {
        (group("people-in-graves"), kg("Victim"), PUBLISHER, kg("Reported")),
        (group("armenians"), kg("Perpetrator"), PUBLISHER, kg("Reported")),
        (group("people-in-graves"), kg("Victim"), COMMISSION, kg("Believed")),
        (org("armenian-armed-forces"), kg("Perpetrator"), COMMISSION, kg("Believed")),
    }
    assert len(rows) == 4


def test_participants_of_the_khojaly_killings_and_the_draft_agreement(founding):
    kg_, _ = founding
    khojaly = rows_of(kg_, "participants", event="kgr:event/khojaly-killings-1992")
    assert column_set(khojaly, "participant", "role", "claimant") == {
        (org("armenian-armed-forces"), kg("Perpetrator"), PUBLISHER),
        (group("azerbaijani-civilians"), kg("Victim"), PUBLISHER),
        (group("azerbaijanis"), kg("Victim"), PUBLISHER),
        (group("armenians"), kg("Perpetrator"), PUBLISHER),
        (group("khojaly-families"), kg("Victim"), PUBLISHER),
    }
    # "Both Baku and Yerevan separately announced an agreement on the draft of a peace deal"
    draft = rows_of(kg_, "participants", event="kgr:event/draft-peace-agreement")
    assert column_set(draft, "participant", "role") == {
        (AZERBAIJAN_GOV, kg("Party")),
        (ARMENIA_GOV, kg("Party")),
        (AZERBAIJAN_GOV, kg("Announcer")),
        (ARMENIA_GOV, kg("Announcer")),
    }


AFFECTED = [
    # figures: (group, event, role, measure, value, claimant)
    ("azerbaijani-civilians", "khojaly-killings-1992", None, "Killed", 613, PUBLISHER),
    ("azerbaijani-civilians", "khojaly-killings-1992", None, "SeriouslyInjured", 487, PUBLISHER),
    ("azerbaijani-civilians", "first-karabakh-war", None, "Missing", 774, PUBLISHER),
    ("azerbaijani-citizens", "first-karabakh-war", None, "Missing", 4000, PUBLISHER),
    ("azerbaijani-citizens", "first-karabakh-war", None, "Missing", 3980, AZERBAIJAN_GOV),
    ("azerbaijani-soldiers", "first-karabakh-war", None, "Missing", 3209, PUBLISHER),
    ("azerbaijanis", "khojaly-killings-1992", None, "Captured", 1275, PUBLISHER),
    ("azerbaijanis", "khojaly-killings-1992", None, "Missing", 150, PUBLISHER),
    ("khojaly-families", "khojaly-killings-1992", None, "FamiliesWipedOut", 8, PUBLISHER),
    ("karabakh-population", "displacement-2023", None, "Displaced", 120000, PUBLISHER),
    ("people-in-graves", "shusha-grave-discovery", None, "RemainsFound", 5, COMMISSION),
    ("people-in-graves", "khojaly-road-grave-discovery", None, "RemainsFound", 7, COMMISSION),
    ("people-in-graves", "post-2020-mass-grave-discovery", None, "RemainsFound", 187, PUBLISHER),
    ("people-in-graves", "post-2020-works-remains-discovery", None, "RemainsFound", 309, PUBLISHER),
    ("people-in-graves", "post-2020-identification", None, "Identified", 170, PUBLISHER),
    # roles
    ("people-in-graves", "killings-of-new-grave-victims", "Victim", None, None, PUBLISHER),
    ("people-in-graves", "killings-of-new-grave-victims", "Victim", None, None, COMMISSION),
    ("azerbaijani-civilians", "khojaly-killings-1992", "Victim", None, None, PUBLISHER),
    ("azerbaijanis", "khojaly-killings-1992", "Victim", None, None, PUBLISHER),
    ("khojaly-families", "khojaly-killings-1992", "Victim", None, None, PUBLISHER),
    ("karabakh-population", "displacement-2023", "DisplacedPopulation", None, None, PUBLISHER),
]


def test_affected_groups_with_roles_and_figures(founding):
    kg_, _ = founding
    rows = rows_of(kg_, "affected-groups")
    expected = [(group(g), event(e), kg(r) if r else None, kg(m) if m else None, v, c) for g, e, r, m, v, c in AFFECTED]
    assert column_list(rows, "__group_iri", "event", "role", "measure", "value", "claimant") == sorted(
        expected, key=repr
    )
    # perpetrators are not "affected"
    assert group("armenians") not in {row["__group_iri"] for row in rows}


def test_affected_groups_of_one_group(founding):
    kg_, _ = founding
    rows = rows_of(kg_, "affected-groups", group="kgr:group/karabakh-population")
    assert column_set(rows, "event", "role", "value", "qualifier") == {
        (event("displacement-2023"), kg("DisplacedPopulation"), None, None),
        (event("displacement-2023"), None, 120000, kg("Nearly")),
    }


# --------------------------------------------------------------------------------------------
# place-names
# --------------------------------------------------------------------------------------------


def test_the_names_of_khojaly_with_who_uses_them(founding):
    kg_, _ = founding
    rows = rows_of(kg_, "place-names", place="kgr:place/khojaly")
    assert column_set(rows, "text", "lang", "user", "kind") == {
        ("Khojaly", "en", PUBLISHER, "common"),
        ("Khojaly", "en", AZERBAIJAN_GOV, "common"),
        ("Xocalı", "az", AZERBAIJAN_GOV, "official"),
        ("Խոջալու", "hy", ARMENIA_GOV, "common"),
        ("Ходжалы", "ru", AZERBAIJAN_GOV, "common"),
        ("Իվանյան", "hy", org("republic-of-artsakh"), "historical"),
        ("Ivanyan", "en", org("republic-of-artsakh"), "historical"),
    }
    assert {(row["claimant"], row["carrier"]) for row in rows} == {(CURATORS, f"{ID}source/kgraph-gazetteer")}


def test_place_names_of_every_place_only_places(founding):
    kg_, _ = founding
    rows = rows_of(kg_, "place-names")
    assert ("Şuşa", "az", AZERBAIJAN_GOV) in column_set(rows, "text", "lang", "user")
    assert ("Շուշի", "hy", ARMENIA_GOV) in column_set(rows, "text", "lang", "user")
    assert ("Stepanakert", "en", ARMENIA_GOV) in column_set(rows, "text", "lang", "user")
    # names of wars and organisations are not place names
    assert not {row["__place_iri"] for row in rows} & {event("first-karabakh-war"), org("republic-of-artsakh")}


# --------------------------------------------------------------------------------------------
# unlinked-entities
# --------------------------------------------------------------------------------------------

ARTICLE_EVENTS = {
    "commission-statement-2025-05-01",
    "karabakh-grave-discoveries-2025",
    "shusha-grave-discovery",
    "khojaly-road-grave-discovery",
    "killings-of-new-grave-victims",
    "first-karabakh-war",
    "second-karabakh-war",
    "post-2020-mass-grave-discovery",
    "post-2020-works-remains-discovery",
    "post-2020-identification",
    "khojaly-offensive-1992",
    "khojaly-killings-1992",
    "karabakh-killings-and-burials",
    "armenian-control-of-nagorno-karabakh",
    "azerbaijani-recapture-2020",
    "negotiations-before-2023",
    "offensive-2023",
    "azerbaijani-recapture-2023",
    "displacement-2023",
    "reintegration-offer",
    "armenian-control-of-villages",
    "withdrawal-2024",
    "peace-process",
    "draft-peace-agreement",
    "border-fire",
}


def test_unlinked_entities(founding):
    kg_, _ = founding
    rows = rows_of(kg_, "unlinked-entities")
    by_kind: dict[str, set[str]] = {}
    for row in rows:
        by_kind.setdefault(row["kind"], set()).add(row["entity"])
    # Karabakh and Nagorno-Karabakh have no verified ID; the card's own places have none yet.
    # Khojaly, Khojaly District and Shusha District have a GeoNames ID, so they are linked.
    assert by_kind[kg("Place")] == {
        place(slug)
        for slug in (
            "karabakh",
            "nagorno-karabakh",
            "shusha-roadworks-site",
            "khojaly-road",
            "seven-adjacent-regions",
            "withdrawal-villages",
        )
    }
    # every organisation except the Republic of Artsakh (Q244165)
    assert by_kind[kg("Organisation")] == {
        org(slug)
        for slug in (
            "kgraph-curators",
            "kgraph-linker",
            "state-commission-az",
            "government-of-azerbaijan",
            "government-of-armenia",
            "armenian-armed-forces",
            "azerbaijani-armed-forces",
            "unverified-publisher",
            "infonewsall",
            "azertac",
            "caliber",
        )
    }
    assert by_kind[kg("Event")] == {event(slug) for slug in ARTICLE_EVENTS}
    assert set(by_kind) == {kg("Place"), kg("Organisation"), kg("Event")}
    assert len(rows) == 6 + 11 + len(ARTICLE_EVENTS)


# --------------------------------------------------------------------------------------------
# figure-disagreements
# --------------------------------------------------------------------------------------------


def test_figure_disagreements_in_the_article(founding):
    kg_, _ = founding
    rows = rows_of(kg_, "figure-disagreements")  # default factor 1.0: any difference
    # "Over 4,000 Azerbaijani citizens became missing" against "at least 3,980 people as missing";
    # the 3,209 soldiers and 774 civilians are parts of the whole, not a disagreement
    assert [
        (row["event"], row["measure"], row["lowValue"], row["lowClaimant"], row["highValue"], row["highClaimant"])
        for row in rows
    ] == [(event("first-karabakh-war"), kg("Missing"), 3980, AZERBAIJAN_GOV, 4000, PUBLISHER)]
    assert rows[0]["ratio"] == round(Decimal(4000) / Decimal(3980), 3)
    assert rows[0]["__factor_decimal"] == Decimal("1.0")
    assert rows_of(kg_, "figure-disagreements", factor="1.01") == []  # 4000 / 3980 = 1.005


# --------------------------------------------------------------------------------------------
# relative-dates and characterisations
# --------------------------------------------------------------------------------------------


def test_relative_dates_with_naive_resolution_and_corrections(founding):
    kg_, _ = founding
    rows = rows_of(kg_, "relative-dates")
    assert column_set(rows, "event", "words", "naiveResolution", "rank", "correctedEdtf") == {
        (event("commission-statement-2025-05-01"), "Thursday", "2025-05-01", kg("NormalRank"), None),
        (event("offensive-2023"), "last September", "2024-09", kg("DeprecatedRank"), "2023-09"),
        (event("displacement-2023"), "last September", "2024-09", kg("DeprecatedRank"), "2023-09"),
        (event("withdrawal-2024"), "Earlier in 2024", "2024", kg("DeprecatedRank"), "2024-05-24"),
        (event("draft-peace-agreement"), "last month", "2025-04", kg("DeprecatedRank"), "2025-03-13"),
        (event("border-fire"), "last month", "2025-04", kg("DeprecatedRank"), "2025-03"),
    }
    assert len(rows) == 6
    for row in rows:
        assert row["anchor"] == dt.date(2025, 5, 3)  # the publication date
        assert row["words"] in row["quote"] and row["claimant"] == PUBLISHER
        assert row["property"] == kg("when")
        if row["correctedEdtf"] is not None:
            assert row["curator"] == CURATORS and row["evidence"]
    withdrawal = next(row for row in rows if row["event"] == event("withdrawal-2024"))
    assert withdrawal["correctedEarliest"] == withdrawal["correctedLatest"] == dt.date(2024, 5, 24)


def test_characterisations_are_attributed_framing_words(founding):
    kg_, _ = founding
    rows = rows_of(kg_, "characterisations")
    assert column_set(rows, "__subject_iri", "words", "claimant", "stance") == {
        (event("armenian-control-of-nagorno-karabakh"), "occupied", PUBLISHER, kg("Asserted")),
        (event("azerbaijani-recapture-2020"), "liberated", PUBLISHER, kg("Asserted")),
        (event("azerbaijani-recapture-2020"), "occupation", PUBLISHER, kg("Asserted")),
        (event("azerbaijani-recapture-2023"), "swiftly seized back", PUBLISHER, kg("Asserted")),
        (event("border-fire"), "mutual border fire", PUBLISHER, kg("Reported")),
        (event("displacement-2023"), "returned to Armenia", PUBLISHER, kg("Asserted")),
        (
            event("displacement-2023"),
            "after rejecting a reintegration program Baku offered",
            PUBLISHER,
            kg("Asserted"),
        ),
        (event("first-karabakh-war"), "Armenian attacks on Azerbaijan", PUBLISHER, kg("Asserted")),
        (event("karabakh-grave-discoveries-2025"), "haphazardly buried", COMMISSION, kg("Asserted")),
        (event("khojaly-killings-1992"), "massacred", PUBLISHER, kg("Asserted")),
        (event("khojaly-killings-1992"), "tragedy", PUBLISHER, kg("Asserted")),
        (event("killings-of-new-grave-victims"), "traces of torture on the bodies", COMMISSION, kg("Asserted")),
        (event("negotiations-before-2023"), "slow-moving", PUBLISHER, kg("Asserted")),
        (
            event("post-2020-mass-grave-discovery"),
            "thought to belong to people who were lost",
            PUBLISHER,
            kg("Reported"),
        ),
        (
            ARMENIA_GOV,
            "refused to disclose any information about the mass graves or the fate of the missing",
            PUBLISHER,
            kg("Asserted"),
        ),
    }
    khojaly = rows_of(kg_, "characterisations", subject="kgr:event/khojaly-killings-1992")
    assert {row["words"] for row in khojaly} == {"massacred", "tragedy"}
    assert all(row["words"] in row["quote"] for row in khojaly)


# --------------------------------------------------------------------------------------------
# Disputes across cards: the founding article plus a dataset of two more displacement figures
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def disputed(tmp_path_factory: pytest.TempPathFactory, corpus: Path) -> KnowledgeGraph:
    """The founding article's KG plus tests/fixtures/cards/dispute-displacement.yaml."""
    root = tmp_path_factory.mktemp("disputed")
    data = root / "data"
    shutil.copytree(DATA, data, ignore=shutil.ignore_patterns("texts"))
    shutil.copy(FIXTURES / "cards" / "dispute-displacement.yaml", data / "sources")
    kg_ = KnowledgeGraph.open(root / "store")
    result = kg_.build(data, texts=[corpus])
    assert result.report.violations == []
    return kg_


# 120,000 "nearly" (the article), 100,617 as of 3 Oct 2023 (Armenian government) and 115,183
# (UNHCR, February 2024), from external_ids.csv row flight_of_nk_armenians_2023.
DISPLACED = {
    (120000, kg("Nearly"), PUBLISHER, ARTICLE, ARTICLE_GRAPH),
    (100617, kg("Exact"), ARMENIA_GOV, f"{ID}source/displacement-figures-reference", f"{ID}graph/dispute-displacement"),
    (
        115183,
        kg("Exact"),
        org("unhcr"),
        f"{ID}source/displacement-figures-reference",
        f"{ID}graph/dispute-displacement",
    ),
}


def test_disputes_across_cards_show_every_claimant_and_graph(disputed):
    rows = rows_of(disputed, "disputes", event="kgr:event/displacement-2023", measure="kg:Displaced")
    assert column_set(rows, "value", "qualifier", "claimant", "carrier", "graph") == DISPLACED
    assert len(rows) == 3
    by_value = {row["value"]: row for row in rows}
    assert "100,617" in by_value[100617]["record"] and by_value[100617]["quote"] is None
    assert "115,183" in by_value[115183]["record"]
    assert "nearly 120,000" in by_value[120000]["quote"] and by_value[120000]["record"] is None
    assert (by_value[100617]["claimedEdtf"], by_value[100617]["claimedEarliest"]) == (
        "2023-10-03",
        dt.date(2023, 10, 3),
    )
    assert by_value[115183]["claimedEdtf"] == "2024-02"
    assert by_value[120000]["claimedEdtf"] is None
    assert {row["counts"] for row in rows} == {group("karabakh-population")}
    # the event's only figures are these three
    assert column_set(rows_of(disputed, "disputes", event="kgr:event/displacement-2023"), "value") == {
        (120000,),
        (100617,),
        (115183,),
    }


def test_figure_disagreements_across_cards_by_factor(disputed):
    # 120000 / 100617 = 1.1926 and 115183 / 100617 = 1.1448 are over 1.1; 120000 / 115183 = 1.0418 is not
    assert Decimal(120000) / Decimal(100617) > Decimal("1.1") > Decimal(120000) / Decimal(115183)
    assert Decimal(115183) / Decimal(100617) > Decimal("1.1")
    rows = rows_of(disputed, "figure-disagreements", factor=Decimal("1.1"))
    assert [
        (row["event"], row["lowValue"], row["lowClaimant"], row["highValue"], row["highClaimant"]) for row in rows
    ] == [
        (event("displacement-2023"), 100617, ARMENIA_GOV, 120000, PUBLISHER),  # ratio 1.19, first
        (event("displacement-2023"), 100617, ARMENIA_GOV, 115183, org("unhcr")),  # ratio 1.14
    ]
    assert rows[0]["ratio"] == round(Decimal(120000) / Decimal(100617), 3)
    pairs = column_set(rows_of(disputed, "figure-disagreements"), "event", "lowValue", "highValue")
    assert pairs == {
        (event("displacement-2023"), 100617, 115183),
        (event("displacement-2023"), 100617, 120000),
        (event("displacement-2023"), 115183, 120000),
        (event("first-karabakh-war"), 3980, 4000),
    }


def test_source_audit_of_the_dataset_card(disputed):
    rows = rows_of(disputed, "source-audit", source="kgr:source/displacement-figures-reference")
    assert column_set(rows, "claim", "claimant") == {
        (claim("displaced-100617", "dispute-displacement"), ARMENIA_GOV),
        (claim("displaced-115183", "dispute-displacement"), org("unhcr")),
    }
    assert all(row["record"] and row["quote"] is None and row["start"] is None for row in rows)


def test_a_parameter_the_pattern_cannot_take_is_bound_by_the_engine(founding):
    """A parameter in a VALUES block's variable list cannot become a term there; the query still answers."""
    kg_, _ = founding
    text = (
        "PREFIX kg: <https://w3id.org/kgraph/ontology#> "
        "SELECT ?_event_iri ?figure WHERE { VALUES (?_event_iri) { (<urn:nothing>) "
        "(<https://w3id.org/kgraph/id/event/khojaly-killings-1992>) } ?_event_iri kg:hasFigure ?figure }"
    )
    rows = kg_.query(text, event="kgr:event/khojaly-killings-1992").rows
    assert rows and {row["_event_iri"] for row in rows} == {f"{ID}event/khojaly-killings-1992"}
