"""UCDP GED import: the 60-row sample as claims, checked against the CSV itself, and bad rows refused or reported.

Every expected value is computed here from the CSV with the csv module, never
copied from the importer's output. The command is run through click's
CliRunner, or through ``python -m kgraph`` once the CLI registers it.
"""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
from collections import Counter, defaultdict
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import BNode, Dataset, Graph, URIRef
from rdflib.namespace import DCTERMS, GEO, PROV, RDF, RDFS, SDO, XSD

from conftest import DATA, FIXTURES, PROJECT, run_kgraph
from kgraph import KnowledgeGraph
from kgraph.cli import import_ucdp_command
from kgraph.errors import CardError
from kgraph.namespaces import KG
from kgraph.ucdp import convert_ged, import_ged

SAMPLE = PROJECT.parent / "shared" / "data" / "ucdp-ged" / "ged231-sample-60.csv"
ID = "https://w3id.org/kgraph/id/"
GRAPH = f"{ID}graph/import/ucdp-ged-23-1"
PREFIXES = f"PREFIX kg: <{KG}>\nPREFIX kgr: <{ID}>\nPREFIX rdfs: <{RDFS}>\nPREFIX prov: <{PROV}>\nPREFIX geo: <{GEO}>\n"
AZERBAIJAN_CONFLICT = "Azerbaijan: Artsakh (Nagorno-Karabakh)"
PARTS = ("deaths_a", "deaths_b", "deaths_civilians", "deaths_unknown")
SOURCE_COLUMNS = ("source_article", "source_office", "source_date", "source_headline", "source_original")


def require_sample() -> Path:
    if SAMPLE.is_file():
        return SAMPLE
    if os.environ.get("CI"):
        pytest.fail(f"the UCDP GED sample is missing: {SAMPLE}")
    pytest.skip(f"needs the UCDP GED sample at {SAMPLE}")


def sample_rows() -> list[dict[str, str]]:
    with require_sample().open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def country_iri(country_id: str) -> str:
    return {"373": f"{ID}place/azerbaijan", "371": f"{ID}place/armenia"}.get(
        country_id, f"{ID}place/ucdp-country-{country_id}"
    )


def rows_of(kg: KnowledgeGraph, sparql: str) -> list[dict]:
    return kg.query(PREFIXES + sparql).rows


def copy_data(target: Path) -> Path:
    shutil.copytree(DATA, target, ignore=shutil.ignore_patterns("texts"))
    return target


def invoke(*args: str):
    """The command as click runs it; exit codes come from kgraph's error handling."""
    return CliRunner().invoke(import_ucdp_command, list(args), catch_exceptions=False)


# ------------------------------------------------------------------------------------------------ the sample


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory, corpus: Path):
    """The 60 sample rows imported into a copy of data/ and a fresh store (one build, shared by the module)."""
    sample = require_sample()
    root = tmp_path_factory.mktemp("ucdp")
    data = copy_data(root / "data")
    store = root / "store"
    report, build, counts = import_ged(
        sample, release="23.1", strict=True, data_dir=data, store_path=store, texts=(corpus,), progress=False
    )
    kg = KnowledgeGraph.open(store, read_only=True)
    yield {"data": data, "store": store, "report": report, "build": build, "counts": counts, "kg": kg}
    kg.close()


def test_sample_gives_60_events_of_the_right_types(imported):
    rows = sample_rows()
    report = imported["report"]
    assert (report.rows_read, report.events_written, report.rows_skipped) == (len(rows), len(rows), 0)
    found = {
        row["event"]: row["type"]
        for row in rows_of(
            imported["kg"],
            """SELECT ?event ?type WHERE { ?event a ?type .
                   FILTER (STRSTARTS(STR(?event), "https://w3id.org/kgraph/id/event/ucdp-ged-"))
                   FILTER (?type IN (kg:ArmedClash, kg:OneSidedViolence)) }""",
        )
    }
    expected = {
        f"{ID}event/ucdp-ged-{row['id']}": str(KG.OneSidedViolence if row["type_of_violence"] == "3" else KG.ArmedClash)
        for row in rows
    }
    assert found == expected


def test_death_sums_per_country_equal_the_csv(imported):
    expected: dict[str, Counter] = defaultdict(Counter)
    for row in sample_rows():
        for column in ("best", "low", "high"):
            expected[country_iri(row["country_id"])][column] += int(row[column])
    found = rows_of(
        imported["kg"],
        """SELECT ?country (SUM(COALESCE(?b, 0)) AS ?best) (SUM(COALESCE(?l, 0)) AS ?low)
                  (SUM(COALESCE(?h, 0)) AS ?high) WHERE {
               ?event kg:hasFigure ?figure ; kg:place ?site .
               FILTER (STRSTARTS(STR(?event), "https://w3id.org/kgraph/id/event/ucdp-ged-"))
               ?figure kg:measure kg:Killed .
               FILTER NOT EXISTS { ?figure kg:partOfFigure ?whole }
               OPTIONAL { ?figure kg:best ?b } OPTIONAL { ?figure kg:low ?l } OPTIONAL { ?figure kg:high ?h }
               ?site kg:locatedIn+ ?country . ?country a kg:Country .
           } GROUP BY ?country""",
    )
    assert {row["country"]: Counter(best=row["best"], low=row["low"], high=row["high"]) for row in found} == dict(
        expected
    )
    assert len(found) == len({row["country_id"] for row in sample_rows()})


def test_the_three_azerbaijan_rows(imported):
    kg = imported["kg"]
    rows = [row for row in sample_rows() if row["country_id"] == "373"]
    assert len(rows) == 3
    for row in rows:
        event = f"{ID}event/ucdp-ged-{row['id']}"
        [found] = rows_of(
            kg,
            f"""SELECT ?site ?wkt ?edtf ?earliest ?latest ?conflict WHERE {{
                    <{event}> kg:place ?site ; kg:when ?span ; kg:partOf ?c .
                    ?site kg:hasGeometry/geo:asWKT ?wkt .
                    ?span kg:edtf ?edtf ; kg:earliest ?earliest ; kg:latest ?latest .
                    ?c rdfs:label ?conflict .
                }}""",
        )
        lon, lat = map(float, re.fullmatch(r"POINT \((\S+) (\S+)\)", row["geom_wkt"]).groups())
        found_lon, found_lat = map(float, re.fullmatch(r"POINT\((\S+) (\S+)\)", found["wkt"]).groups())
        assert (found_lon, found_lat) == (lon, lat) == (float(row["longitude"]), float(row["latitude"]))
        assert str(found["earliest"]) == row["date_start"] and str(found["latest"]) == row["date_end"]
        same_day = row["date_start"] == row["date_end"]
        assert found["edtf"] == (row["date_start"] if same_day else f"{row['date_start']}/{row['date_end']}")
        assert found["conflict"] == row["conflict_name"] == AZERBAIJAN_CONFLICT
        assert kg.query(PREFIXES + f"ASK {{ <{found['site']}> kg:locatedIn+ <{ID}place/azerbaijan> }}").boolean
        # The containment is UCDP's claim, not an unbacked triple.
        assert kg.query(
            PREFIXES
            + f"""ASK {{ ?claim kg:subject <{found["site"]}> ; kg:predicate kg:locatedIn ;
                                 prov:wasAttributedTo <{ID}org/ucdp> ; kg:recordId "{row["id"]}" }}"""
        ).boolean


def test_every_claim_is_attributed_carried_and_recorded(imported):
    kg = imported["kg"]
    claims = rows_of(
        kg,
        f"""SELECT ?claim ?by ?carrier ?record WHERE {{ GRAPH <{GRAPH}> {{ ?claim a kg:Claim }}
                OPTIONAL {{ ?claim prov:wasAttributedTo ?by }} OPTIONAL {{ ?claim kg:carriedBy ?carrier }}
                OPTIONAL {{ ?claim kg:recordId ?record }} }}""",
    )
    ids = {row["id"] for row in sample_rows()}
    assert len(claims) >= 8 * len(ids)
    assert {row["by"] for row in claims} == {f"{ID}org/ucdp"}
    assert {row["carrier"] for row in claims} == {f"{ID}source/ucdp-ged-23-1"}
    assert {row["record"] for row in claims} <= ids and None not in {row["record"] for row in claims}


def test_build_has_no_violations_and_no_ucdp_warnings(imported):
    report = imported["build"].report
    assert report.violations == []
    assert [f for f in report.warnings if "ucdp" in f.focus] == []
    # The breakdown figures really are there for the shapes to check.
    parts = sum(1 for row in sample_rows() for column in PARTS if int(row[column]))
    found = rows_of(imported["kg"], f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{GRAPH}> {{ ?p kg:partOfFigure ?w }} }}")
    assert found[0]["n"] == parts > 60


def test_bound_notes_name_the_lines_where_the_rows_start(imported):
    """Rows with high below best are kept and reported; the lines count the newlines inside quoted fields."""
    text = require_sample().read_text(encoding="utf-8")
    out_of_order = [row for row in sample_rows() if not int(row["low"]) <= int(row["best"]) <= int(row["high"])]
    assert out_of_order  # the sample has them: UCDP's estimates disagree
    expected = []
    for row in out_of_order:
        start = text.index(f"\n{row['id']},{row['relid']},") + 1
        expected.append(text[:start].count("\n") + 1)
    assert [line for line, _note in imported["report"].notes] == expected


def test_stats_grow_by_what_the_csv_holds(imported, founding):
    rows = sample_rows()
    before = founding[0].stats()
    after = imported["counts"]

    def civilians_side(row):
        return row["type_of_violence"] == "3" and row["side_b"] == "Civilians"

    adm1 = {(r["country_id"], r["adm_1"]) for r in rows if r["adm_1"]}
    adm2 = {(r["country_id"], r["adm_1"], r["adm_2"]) for r in rows if r["adm_2"]}
    countries = {r["country_id"] for r in rows} - {"371", "373"}
    actors = {r["side_a_new_id"] for r in rows} | {r["side_b_new_id"] for r in rows if not civilians_side(r)}
    groups = {("a", r["side_a_new_id"]) for r in rows if int(r["deaths_a"])}
    groups |= {("a", r["side_b_new_id"]) for r in rows if int(r["deaths_b"]) and not civilians_side(r)}
    groups |= {"civilians" for r in rows if civilians_side(r) or int(r["deaths_civilians"])}
    groups |= {"unknown" for r in rows if int(r["deaths_unknown"])}
    parts = sum(1 for r in rows for column in PARTS if int(r[column]))
    bounds = sum((int(r["low"]) > int(r["best"])) + (int(r["high"]) < int(r["best"])) for r in rows)
    expected = {
        "events": len(rows) + len({r["conflict_new_id"] for r in rows}),
        "places": len(rows) + len(adm1) + len(adm2) + len(countries),
        "people groups": len(groups),
        "organisations": 1 + len(actors),
        "sources": 1 + sum(1 for r in rows if any(r[c].strip() for c in SOURCE_COLUMNS)),
        "figures": len(rows) + parts + bounds,
        # part of, two sides, place, point, site's container, when, deaths; plus each ADM unit's container once
        "claims": 8 * len(rows) + parts + bounds + len(adm1) + len(adm2),
        "source graphs": 1,
    }
    assert {name: after[name] - before[name] for name in expected} == expected


def test_import_uses_only_declared_terms(imported):
    ontology = Graph().parse(PROJECT / "ontology" / "kgraph.ttl", format="turtle")
    declared = {s for s in ontology.subjects(RDF.type, None) if str(s).startswith(str(KG))}
    dataset = Dataset()
    dataset.parse(imported["data"] / "imports" / "ucdp-ged-23-1.nq", format="nquads")
    used: set[URIRef] = set()
    for s, p, o, _g in dataset.quads():
        used.add(p)
        if p == RDF.type:
            used.add(o)
        if getattr(o, "datatype", None):
            used.add(o.datatype)
        used |= {node for node in (s, o) if isinstance(node, URIRef) and str(node).startswith(str(KG))}
    known = (RDF, RDFS, DCTERMS, PROV, GEO, SDO, XSD)
    undeclared = [
        term
        for term in used
        if (term not in declared if str(term).startswith(str(KG)) else not any(term in ns for ns in known))
    ]
    assert undeclared == []
    assert {str(g.identifier) for g in dataset.graphs() if len(g)} == {GRAPH}
    assert not any(isinstance(node, BNode) for quad in dataset.quads() for node in quad[:3])


# ------------------------------------------------------------------------------------------------ bad rows


def write_csv(path: Path, rows: list[list[str]]) -> list[int]:
    """Write ``rows`` (header first) and return the physical line on which each data row starts."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    starts = []
    for index, row in enumerate(rows):
        if index:
            starts.append(buffer.getvalue().count("\n") + 1)
        writer.writerow(row)
    path.write_text(buffer.getvalue(), encoding="utf-8", newline="")
    return starts


def small_csv(path: Path, corrupt: tuple[str, str] | None = None, *, extra_field: bool = False, duplicate=False):
    """Header, a good row whose headline spans three lines, the bad row (4th data row), and two good rows.

    Returns (line of the bad row, the good rows' ids, the bad row's id).
    """
    with require_sample().open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        sample = [next(reader) for _ in range(8)]
    column = header.index
    rows = [list(row) for row in sample[3:8]]  # India, Ukraine, Angola, Libya, Syria: not Azerbaijan
    rows[0][column("source_headline")] = "first line\nsecond line\nthird line"
    bad = rows[3]
    if corrupt:
        bad[column(corrupt[0])] = corrupt[1]
    if extra_field:
        bad.append("surplus")
    if duplicate:
        bad[column("id")] = rows[0][column("id")]
    starts = write_csv(path, [header, *rows])
    assert starts[1] == starts[0] + 3  # the multi-line headline
    good = [row[column("id")] for index, row in enumerate(rows) if index != 3]
    return starts[3], good, bad[column("id")]


CORRUPTIONS = [
    (("id", "15x"), {}, "expected an integer id"),
    (("id", ""), {}, "row id (none)"),
    (("date_start", "2012-02-30"), {}, "date_start as a date"),
    (("date_end", "2000-01-01"), {}, "date_end on or after date_start"),
    (("deaths_civilians", "two"), {}, "whole number of deaths"),
    (("best", "-1"), {}, "whole number of deaths"),
    (("latitude", "91.5"), {}, "latitude as a number from -90 to 90"),
    (("longitude", "east"), {}, "longitude as a number"),
    (("type_of_violence", "4"), {}, "type_of_violence to be one of 1, 2, 3"),
    (None, {"extra_field": True}, "expected 49 fields as in the header, got 50"),
    (None, {"duplicate": True}, "expected a unique id"),
]


@pytest.mark.parametrize(
    ("corrupt", "options", "expected"), CORRUPTIONS, ids=[c[2].split(" as")[0] for c in CORRUPTIONS]
)
def test_a_malformed_row_fails_with_file_and_first_line(tmp_path: Path, corrupt, options, expected):
    bad_csv = tmp_path / "bad.csv"
    line, good, _bad_id = small_csv(bad_csv, corrupt, **options)
    out = tmp_path / "imports" / "ucdp-ged-23-1.nq"
    with pytest.raises(CardError) as caught:
        convert_ged(bad_csv, out, release="23.1", progress=False)
    assert caught.value.location.line == line
    assert str(caught.value).startswith(f"{bad_csv}:{line}: row id ")
    assert expected in caught.value.message
    assert not out.exists() and list(out.parent.iterdir()) == []  # no half-written file left behind

    report = convert_ged(bad_csv, out, release="23.1", strict=False, progress=False)
    assert (report.rows_read, report.events_written) == (len(good) + 1, len(good))
    assert [line for line, _reason in report.skipped] == [line]
    assert expected in report.skipped[0][1]


def test_header_without_required_columns(tmp_path: Path):
    bad_csv = tmp_path / "no-deaths.csv"
    with require_sample().open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))[:3]
    drop = [rows[0].index("best"), rows[0].index("latitude")]
    write_csv(bad_csv, [[v for i, v in enumerate(row) if i not in drop] for row in rows])
    with pytest.raises(CardError) as caught:
        convert_ged(bad_csv, tmp_path / "out.nq", release="23.1", progress=False)
    assert caught.value.location.line == 1
    assert "required GED columns: latitude, best" in caught.value.message


def _snapshot(data: Path, store: Path) -> tuple[dict[str, bytes], bytes]:
    files = {p.name: p.read_bytes() for p in sorted((data / "imports").iterdir())}
    kg = KnowledgeGraph.open(store, read_only=True)
    dump = kg.store.dump_nquads()
    kg.close()
    return files, dump


@pytest.fixture
def previous_import(data_copy: Path, tmp_path: Path, corpus: Path):
    """A store built from data/ with the three Azerbaijan rows already imported, as a user would have it."""
    first = tmp_path / "azerbaijan.csv"
    with require_sample().open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    write_csv(first, [rows[0], *[row for row in rows[1:] if row[rows[0].index("country_id")] == "373"]])
    store = tmp_path / "store"
    result = invoke(str(first), "--data", str(data_copy), "--store", str(store), "--texts", str(corpus))
    assert result.exit_code == 0, result.output
    assert "Read 3 rows" in result.output and "0 violations" in result.output
    return data_copy, store, corpus


def test_strict_import_of_a_bad_row_exits_2_and_changes_nothing(previous_import, tmp_path: Path):
    data, store, corpus = previous_import
    before = _snapshot(data, store)
    bad_csv = tmp_path / "bad.csv"
    line, _good, bad_id = small_csv(bad_csv, ("deaths_a", "n/a"))
    result = invoke(str(bad_csv), "--data", str(data), "--store", str(store), "--texts", str(corpus))
    output = " ".join(result.output.split())
    assert result.exit_code == 2, output
    assert f"{bad_csv}:{line}: row id {bad_id}: expected a whole number of deaths" in output
    assert _snapshot(data, store) == before


def test_skip_bad_imports_the_good_rows_and_reports_the_bad_line(previous_import, tmp_path: Path):
    data, store, corpus = previous_import
    bad_csv = tmp_path / "bad.csv"
    line, good, bad_id = small_csv(bad_csv, ("date_start", "someday"))
    result = invoke(str(bad_csv), "--skip-bad", "--data", str(data), "--store", str(store), "--texts", str(corpus))
    output = " ".join(result.output.split())
    assert result.exit_code == 0, output
    assert f"skipped {bad_csv}:{line}: row id {bad_id}: expected date_start as a date" in output
    assert f"{len(good)} events written, 1 rows skipped" in output
    kg = KnowledgeGraph.open(store, read_only=True)
    events = {
        row["e"]
        for row in rows_of(kg, 'SELECT ?e WHERE { ?e a ?t FILTER STRSTARTS(STR(?e), "' + ID + 'event/ucdp-ged-") }')
    }
    kg.close()
    # The same release replaces the earlier import: the Azerbaijan rows are gone, the good rows are in.
    assert events == {f"{ID}event/ucdp-ged-{event_id}" for event_id in good}


def test_a_build_that_fails_puts_the_previous_import_back(previous_import, tmp_path: Path):
    data, store, corpus = previous_import
    before = _snapshot(data, store)
    shutil.copy(FIXTURES / "cards" / "bad-best-above-high.yaml", data / "sources")
    good_csv = tmp_path / "good.csv"
    small_csv(good_csv)
    result = invoke(str(good_csv), "--data", str(data), "--store", str(store), "--texts", str(corpus))
    assert result.exit_code == 1, result.output
    assert "Violation" in result.output
    assert _snapshot(data, store) == before  # no temporary or backup file left either


def test_through_the_kgraph_command(tmp_path: Path, data_copy: Path, corpus: Path):
    bad_csv = tmp_path / "bad.csv"
    line, _good, _bad = small_csv(bad_csv, ("latitude", "north"))
    store = tmp_path / "store"
    args = ["import-ucdp", str(bad_csv), "--data", str(data_copy), "--store", str(store), "--texts", str(corpus)]
    strict = run_kgraph(*args)
    assert strict.returncode == 2 and f"{bad_csv}:{line}" in " ".join(strict.stderr.split())
    assert run_kgraph(*args, "--skip-bad").returncode == 0
