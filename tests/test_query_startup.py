"""Issue 12: commands import only what they need, stored queries are parsed once, ad-hoc SPARQL is forgiving.

No timings here (they belong to benchmarks/bench_startup.py); these tests pin
the causes of slowness instead: which modules a command imports, and whether a
query text is parsed again.
"""

from __future__ import annotations

import os
import select
import socket
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

from kgraph.namespaces import PREFIXES
from kgraph.queries import QueryError, QueryText, StoredQuery, load_catalog
from kgraph.queries.syntax import neutralised
from kgraph.queries.unknown import UnknownIriWarning

EVENT = "https://w3id.org/kgraph/id/event/"


def modules_after(*argv: str, stdin: str | None = None) -> tuple[set[str], subprocess.CompletedProcess[str]]:
    """The modules imported by the time ``kgraph ARGV`` exits, and how it ran."""
    code = (
        "import atexit, sys\n"
        "atexit.register(lambda: sys.stderr.write('\\nMODULES ' + ' '.join(sorted(sys.modules))))\n"
        f"sys.argv = ['kgraph', *{list(argv)!r}]\n"
        "from kgraph.cli import main\n"
        "main()\n"
    )
    ran = subprocess.run(
        [sys.executable, "-c", code], input=stdin, capture_output=True, text=True, timeout=120, check=False
    )
    listed = ran.stderr.rpartition("MODULES ")[2].split()
    assert listed, ran.stderr
    return set(listed), ran


# -- start-up --------------------------------------------------------------------------------------


def test_help_imports_neither_kgraph_machinery_nor_its_libraries():
    modules, ran = modules_after("--help")
    assert ran.returncode == 0 and "Commands:" in ran.stdout
    heavy = {"rdflib", "pyparsing", "requests", "pyld", "rich", "edtf", "pyoxigraph", "kgraph.api", "SPARQLWrapper"}
    assert modules & heavy == set()


def test_listing_the_queries_parses_none_with_rdflib(founding):
    modules, ran = modules_after("queries")
    assert ran.returncode == 0, ran.stderr
    for name in load_catalog():
        assert name in ran.stdout
    heavy = {"rdflib.plugins.sparql", "pyparsing", "requests", "pyld", "kgraph.build", "kgraph.api"}
    assert modules & heavy == set()


QUERY_PATH_FORBIDDEN = {
    "rdflib",  # 0.13 s: reached through namespaces (PREFIXES), resources and queries.guard
    "pyshacl",
    "requests",  # reached through stores.remote
    "urllib3",
    "edtf",
    "pyld",
    "rich",  # CSV is written by Oxigraph; Rich is for tables and messages
    "kgraph.namespaces",
    "kgraph.validate",
    "kgraph.stores.remote",
    "kgraph.link",
}


@pytest.mark.parametrize(
    ("argv", "stdin"),
    [
        (("query", "disputes", "--format", "csv"), None),
        (("query", "timeline", "--format", "tsv"), None),
        (("query", "-", "--format", "json"), "SELECT ?e ?l WHERE { ?e a kg:Event ; rdfs:label ?l } LIMIT 3"),
        (("query", "disputes", "--format", "csv", "-p", "event=kgr:event/azerbaijani-recapture-2020"), None),
    ],
)
def test_a_query_written_by_oxigraph_imports_no_rdflib_http_client_or_rich(founding, argv, stdin):
    kg, _result = founding
    modules, ran = modules_after(*argv, "--store", str(kg.store.path), stdin=stdin)
    assert ran.returncode == 0, ran.stderr
    assert "https://w3id.org/kgraph/id/" in ran.stdout, ran.stdout  # real rows, not just a header
    assert modules & QUERY_PATH_FORBIDDEN == set()
    assert {"kgraph.queries.runner", "kgraph.stores.embedded"} <= modules  # it did run the query here


def test_a_warning_still_reaches_standard_error_through_rich(founding):
    kg, _result = founding
    argv = ("query", "disputes", "--format", "csv", "-p", "event=kgr:event/nonexistent")
    modules, ran = modules_after(*argv, "--store", str(kg.store.path))
    assert ran.returncode == 0, ran.stderr
    assert "names nothing in the store" in ran.stderr
    assert "rich" in modules and "rdflib" not in modules  # Rich only once there was something to say


def test_the_table_still_uses_rich_and_no_rdflib(founding):
    kg, _result = founding
    modules, ran = modules_after("query", "disputes", "--store", str(kg.store.path))
    assert ran.returncode == 0, ran.stderr
    assert "kgr:event/" in ran.stdout
    assert "rich" in modules and modules & {"rdflib", "requests"} == set()


def test_the_plain_prefix_table_is_the_one_the_rdflib_namespaces_are_built_from():
    from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD

    from kgraph import namespaces, prefixes

    assert namespaces.PREFIXES is prefixes.PREFIXES
    w3c = {"rdf": RDF, "rdfs": RDFS, "owl": OWL, "xsd": XSD, "skos": SKOS, "prov": PROV, "dcterms": DCTERMS}
    for prefix, namespace in w3c.items():
        assert PREFIXES[prefix] == str(namespace), prefix
    ours = {"kg": namespaces.KG, "kgr": namespaces.KGR, "oa": namespaces.OA, "geo": namespaces.GEO}
    for prefix, namespace in ours.items():
        assert PREFIXES[prefix] == str(namespace), prefix
    assert str(namespaces.ONTOLOGY_GRAPH) == PREFIXES["kgr"] + "graph/ontology"


def test_names_moved_out_of_the_import_path_are_still_importable_where_they_were():
    from kgraph.cli_output import err, out
    from kgraph.stores import RemoteStore
    from kgraph.stores.remote import RemoteStore as defined

    assert RemoteStore is defined
    assert out is not err and err.stderr and not out.stderr
    with pytest.raises(ImportError):
        from kgraph.stores import NoSuchStore  # noqa: F401


def test_every_subcommand_help_still_lists_its_choices():
    for command, choice in [("query", "turtle"), ("export", "nquads"), ("link", "geonames")]:
        _modules, ran = modules_after(command, "--help")
        assert ran.returncode == 0, ran.stderr
        assert choice in ran.stdout


def test_a_bad_choice_is_refused_by_click(founding):
    _modules, ran = modules_after("query", "disputes", "--format", "yaml")
    assert ran.returncode == 2
    assert "'yaml' is not one of" in ran.stderr and "Traceback" not in ran.stderr


# -- parsed once -----------------------------------------------------------------------------------


def test_a_stored_query_is_parsed_once_per_content(tmp_path: Path):
    path = tmp_path / "q.rq"
    path.write_text("#+ summary: first\nSELECT ?_x_iri ?y WHERE { ?y ?p ?_x_iri }\n", encoding="utf-8")
    first, again = StoredQuery.load(path), StoredQuery.load(path)
    assert first.query is again.query
    first.defaults["x"] = "changed by a caller"
    assert "x" not in StoredQuery.load(path).defaults  # callers get their own defaults
    path.write_text("#+ summary: second\nASK { ?s ?p ?o }\n", encoding="utf-8")
    edited = StoredQuery.load(path)
    assert edited.query is not first.query
    assert (edited.query.form, edited.summary) == ("ASK", "second")


def test_the_token_reader_agrees_with_rdflib_on_every_stored_query():
    from rdflib.plugins.sparql import prepareQuery

    from kgraph.queries.catalog import algebra_nodes
    from kgraph.queries.params import Parameter

    for name, stored in load_catalog().items():
        algebra = prepareQuery(stored.query.text).algebra
        variables = sorted({str(node) for node in algebra_nodes(algebra) if type(node).__name__ == "Variable"})
        expected = tuple(p for p in (Parameter.from_variable(v) for v in variables) if p is not None)
        assert stored.query.parameters == expected, name
        assert stored.query.projection == tuple(str(v) for v in algebra.get("PV") or []), name


@pytest.mark.parametrize(
    ("text", "projection"),
    [
        ("SELECT ?a (COUNT(?b) AS ?n) WHERE { ?a ?p ?b } GROUP BY ?a", ("a", "n")),
        ("SELECT DISTINCT ?a FROM <http://example.org/g> WHERE { ?a ?p ?b }", ("a",)),
        ("SELECT * WHERE { ?a ?p ?b }", ("a", "p", "b")),
        ("PREFIX ex: <http://example.org/> SELECT (ex:f(?a) AS ?b) { ?a ?p ?c }", ("b",)),
    ],
)
def test_the_projection_is_read_from_the_select_clause(text: str, projection: tuple[str, ...]):
    assert QueryText.parse(text).projection == projection


# -- predeclared prefixes --------------------------------------------------------------------------


def test_ad_hoc_queries_may_use_the_project_prefixes(founding):
    kg, _result = founding
    rows = kg.query("SELECT ?e WHERE { ?e a kg:Event ; rdfs:label ?l }").rows
    assert rows and all(row["e"].startswith(EVENT) for row in rows)
    text = QueryText.parse("ASK { ?s skos:exactMatch ?o ; a kg:Place }").text
    for prefix in ("skos", "kg"):
        assert f"PREFIX {prefix}: <{PREFIXES[prefix]}>" in text
    assert "PREFIX rdfs:" not in text  # only what the query uses
    assert text.count("\n") == 0  # the prologue shares line 1: line numbers stay the user's


def test_a_prefix_the_query_declares_is_its_own(founding):
    kg, _result = founding
    assert kg.query("ASK { ?e a kg:Event }").boolean is True
    assert kg.query("PREFIX kg: <http://example.org/other#> ASK { ?e a kg:Event }").boolean is False


# -- parse errors ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("SELECT ?s WHERE { ?s rdfs:label ?o . FILTER(?o = ) }", "<stdin>:1:38:"),
        ("SELECT ?s WHERE { ?s rdfs:label ?o ; ex:p ?x }", "<stdin>:1:38:"),
        ("SELECT ?s\nWHERE { ?s kg:label ?o\n  ?s ?p }", "<stdin>:3:"),
    ],
)
def test_a_parse_error_is_one_line_at_the_users_line_and_column(founding, text: str, place: str):
    kg, _result = founding
    ran = subprocess.run(
        [sys.executable, "-m", "kgraph", "query", "-", "--store", str(kg.store.path)],
        input=text,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert ran.returncode == 2
    lines = ran.stderr.strip().splitlines()
    assert len(lines) == 1 and place in lines[0] and "not valid SPARQL" in lines[0], ran.stderr
    assert "Traceback" not in ran.stderr and "\\u{" not in ran.stderr and "SelectQuery" not in ran.stderr


def test_an_undeclared_foreign_prefix_is_named():
    with pytest.raises(QueryError, match=r"<query>:1:38: not valid SPARQL: the prefix ex: is not declared"):
        QueryText.parse("SELECT ?s WHERE { ?s rdfs:label ?o ; ex:p ?x }")


# -- the syntax check never calls out --------------------------------------------------------------


def test_the_syntax_check_hides_every_service_from_oxigraph():
    checked = neutralised("ASK { # a SERVICE comment\n SERVICE SILENT <http://example.org/sparql> { ?s ?p ?o } }")
    assert checked is not None and "service" not in checked.lower() and "GRAPH" in checked
    assert neutralised('ASK { ?s ?p "SERVICE" }') is None  # in a string: left to rdflib, never to Oxigraph
    assert neutralised("ASK { ?s ?p <http://example.org/service> }") is None
    assert neutralised("ASK { ?s ?p ?o . \\u0053ERVICE <http://example.org/> { } }") is None


def test_parsing_a_service_query_sends_nothing():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(8)
        url = f"http://127.0.0.1:{sock.getsockname()[1]}/sparql"
        texts = (f"ASK {{ SERVICE <{url}> {{ ?s ?p ?o }} }}", f"SELECT * {{ SERVICE SILENT <{url}> {{ ?s ?p ?o }} }}")
        for text in texts:
            assert QueryText.parse(text).form in ("ASK", "SELECT")
        readable, _, _ = select.select([sock], [], [], 0.3)
        assert not readable, "parsing the query connected to its SERVICE endpoint"


# -- unknown IRIs ----------------------------------------------------------------------------------


def test_an_iri_naming_nothing_warns_and_a_real_one_does_not(founding):
    kg, _result = founding
    with pytest.warns(UnknownIriWarning, match=r"parameter 'event': <.*event/nonexistent> names nothing"):
        assert kg.query("disputes", event="kgr:event/nonexistent").rows == []
    real = kg.query("SELECT ?e WHERE { ?e a kg:Event } LIMIT 1").rows[0]["e"]
    with warnings.catch_warnings():
        warnings.simplefilter("error", UnknownIriWarning)
        kg.query("disputes", event=real)
        kg.query("disputes")  # no IRI given: nothing to look up


def test_the_cli_prints_the_warning_on_standard_error(founding):
    kg, _result = founding
    ran = subprocess.run(
        [sys.executable, "-m", "kgraph", "query", "disputes", "-p", "event=kgr:event/nonexistent", "--format", "csv"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "KGRAPH_STORE": str(kg.store.path)},
    )
    assert ran.returncode == 0, ran.stderr
    assert "warning: parameter 'event'" in ran.stderr and "names nothing in the store" in ran.stderr
    assert "warning" not in ran.stdout and ran.stdout.count("\n") == 1  # the header row only
