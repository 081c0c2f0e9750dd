"""`kgraph query` and `kgraph queries`: formats that match Oxigraph's server byte for byte, safe parameters."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import run_kgraph
from kgraph import KnowledgeGraph
from kgraph.queries import ParameterError, QueryText, load_catalog
from servers import start_oxigraph

FIGURES = """
PREFIX kg: <https://w3id.org/kgraph/ontology#>
SELECT ?figure ?measure ?value ?qualifier ?quote WHERE {
    ?claim kg:object ?figure .
    ?figure a kg:Figure ; kg:measure ?measure ; kg:value ?value ; kg:qualifier ?qualifier .
    OPTIONAL { ?claim kg:quote/<http://www.w3.org/ns/oa#hasSelector>/<http://www.w3.org/ns/oa#exact> ?quote }
} ORDER BY ?figure ?quote
"""
ACCEPT = {"csv": "text/csv", "tsv": "text/tab-separated-values", "json": "application/sparql-results+json"}


@pytest.fixture(scope="module")
def server(founding, tmp_path_factory):
    kg, _result = founding
    oxigraph = start_oxigraph(tmp_path_factory.mktemp("oxigraph-server"))
    try:
        oxigraph.load_nquads(kg.store.dump_nquads())
        yield oxigraph
    finally:
        oxigraph.stop()


@pytest.mark.parametrize("fmt", ["csv", "tsv", "json"])
def test_result_formats_match_the_oxigraph_server_byte_for_byte(founding, server, tmp_path: Path, fmt: str):
    kg, _result = founding
    query_file = tmp_path / "figures.rq"
    query_file.write_text(FIGURES, encoding="utf-8")
    ours = subprocess.run(
        [sys.executable, "-m", "kgraph", "query", str(query_file), "--format", fmt, "--store", str(kg.store.path)],
        capture_output=True,
        check=False,
        timeout=120,
    )
    assert ours.returncode == 0, ours.stderr
    theirs = server.select(FIGURES, ACCEPT[fmt])
    assert ours.stdout == theirs  # bytes, line ends included (CSV and TSV end lines with CRLF)
    assert b"3209" in ours.stdout


def test_query_from_standard_input_with_a_typed_parameter(founding):
    kg, _result = founding
    query = (
        "PREFIX kg: <https://w3id.org/kgraph/ontology#> "
        "SELECT ?_measure_iri ?value WHERE { ?f kg:measure ?_measure_iri ; kg:value ?value } ORDER BY ?value"
    )
    result = _run_stdin(query, "--store", str(kg.store.path), "-p", "measure=kg:Missing", "--format", "json")
    assert result.returncode == 0, result.stderr
    values = [int(b["value"]["value"]) for b in json.loads(result.stdout)["results"]["bindings"]]
    assert values == [150, 774, 3209, 3980, 4000]


HOSTILE = 'x" } ; DROP ALL ; #'


def test_a_hostile_value_is_data_the_store_is_untouched(founding):
    kg, _result = founding
    before = kg.store.dump_nquads()
    query = "SELECT ?_label_string ?s WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?_label_string }"
    result = _run_stdin(query, "--store", str(kg.store.path), "-p", f"label={HOSTILE}", "--format", "json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["results"]["bindings"] == []
    assert kg.store.dump_nquads() == before
    assert kg.query(query, label=HOSTILE).rows == []


def test_a_hostile_iri_is_refused_not_spliced(founding):
    kg, _result = founding
    query = "SELECT ?_place_iri ?e WHERE { ?e <https://w3id.org/kgraph/ontology#place> ?_place_iri }"
    result = _run_stdin(query, "--store", str(kg.store.path), "-p", f"place={HOSTILE}")
    assert result.returncode == 2
    assert "parameter 'place' expects an IRI" in result.stderr


def test_unknown_and_mistyped_parameters_are_errors(founding):
    kg, _result = founding
    query = "SELECT ?_n_integer ?s WHERE { ?s ?p ?_n_integer }"
    unknown = _run_stdin(query, "--store", str(kg.store.path), "-p", "m=1")
    assert unknown.returncode == 2 and "unknown parameter 'm'" in unknown.stderr
    mistyped = _run_stdin(query, "--store", str(kg.store.path), "-p", "n=seven")
    assert mistyped.returncode == 2 and "expects an integer" in mistyped.stderr
    with pytest.raises(ParameterError, match="missing parameter 'n'"):
        kg.query(query)


@pytest.mark.parametrize(
    ("text", "form"),
    [
        ("# SELECT in a comment\nASK { ?s ?p ?o }", "ASK"),
        ('SELECT ("CONSTRUCT" AS ?word) WHERE {}', "SELECT"),
        ("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 1", "CONSTRUCT"),
        ("DESCRIBE <https://w3id.org/kgraph/id/place/shusha>", "DESCRIBE"),
    ],
)
def test_the_query_form_comes_from_parsing(text: str, form: str):
    assert QueryText.parse(text).form == form


def test_a_construct_query_prints_turtle(founding):
    kg, _result = founding
    query = (
        "CONSTRUCT { ?p <http://www.w3.org/2000/01/rdf-schema#label> ?l } WHERE "
        "{ ?p a <https://w3id.org/kgraph/ontology#Country> ; <http://www.w3.org/2000/01/rdf-schema#label> ?l }"
    )
    result = _run_stdin(query, "--store", str(kg.store.path))
    assert result.returncode == 0, result.stderr
    assert '"Azerbaijan"@en' in result.stdout and '"Armenia"@en' in result.stdout


def test_queries_lists_every_stored_query(founding):
    result = run_kgraph("queries")
    assert result.returncode == 0, result.stderr
    for name in load_catalog():
        assert name in result.stdout


def test_the_api_returns_typed_rows(founding):
    kg, _result = founding
    rows = kg.query(
        "PREFIX kg: <https://w3id.org/kgraph/ontology#> "
        "SELECT ?value ?earliest WHERE { ?f kg:value ?value . FILTER(?value = 613) "
        "OPTIONAL { ?c kg:object ?f ; kg:subject/kg:when/kg:earliest ?earliest } }"
    ).rows
    assert rows and isinstance(rows[0]["value"], int)
    assert str(rows[0]["earliest"]) == "1992-02-01"


def test_a_read_only_handle_and_a_writer_coexist(founding):
    kg, _result = founding
    reader = KnowledgeGraph.open(kg.store.path, read_only=True)
    assert reader.stats()["figures"] == kg.stats()["figures"]


def _run_stdin(query: str, *args: str):
    return subprocess.run(
        [sys.executable, "-m", "kgraph", "query", "-", *args],
        input=query,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
