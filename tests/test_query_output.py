"""Query output: one execution, rows written as they arrive, Oxigraph's bytes, slices, columns named as users say.

These run in-process on small stores; ``test_query_cli.py`` compares whole
commands with an Oxigraph server's answer byte for byte.
"""

from __future__ import annotations

import io
import threading

import pyoxigraph as ox
import pytest

from conftest import run_kgraph
from kgraph import KnowledgeGraph
from kgraph.cli_table import write_table
from kgraph.queries import QueryError
from kgraph.queries.columns import column_names, pick_columns
from kgraph.queries.deadline import within
from kgraph.queries.guard import service_calls
from kgraph.queries.stream import Tally, Window, write_answer

XSD = "http://www.w3.org/2001/XMLSchema#"
# Terms whose spelling differs between the result formats: every escape, datatype and kind of node.
TRICKY = [
    ox.NamedNode("http://example.org/a?b=c&d#é"),
    ox.BlankNode("b0"),
    ox.Literal("plain, with a comma"),
    ox.Literal('quote " and backslash \\'),
    ox.Literal("tab\tnewline\ncarriage\rreturn"),
    ox.Literal("control \x01 \x1f \x7f and ünïcødé 🙂"),
    ox.Literal("<tag>&amp;</tag>"),
    ox.Literal("chat", language="fr"),
    ox.Literal("Խոջալու", language="hy"),
    ox.Literal("42", datatype=ox.NamedNode(XSD + "integer")),
    ox.Literal("042", datatype=ox.NamedNode(XSD + "integer")),
    ox.Literal("-1.50", datatype=ox.NamedNode(XSD + "decimal")),
    ox.Literal("1e0", datatype=ox.NamedNode(XSD + "double")),
    ox.Literal("NaN", datatype=ox.NamedNode(XSD + "double")),
    ox.Literal("not a number", datatype=ox.NamedNode(XSD + "integer")),
    ox.Literal("1", datatype=ox.NamedNode(XSD + "boolean")),
    ox.Literal("true", datatype=ox.NamedNode(XSD + "boolean")),
    ox.Literal("1992-02-26", datatype=ox.NamedNode(XSD + "date")),
    ox.Literal("", datatype=ox.NamedNode("http://example.org/custom")),
]
ROWS_QUERY = """
SELECT ?s ?o ?n WHERE { ?s <http://example.org/p> ?o OPTIONAL { ?s <http://example.org/n> ?n } }
ORDER BY STR(?s) STR(?o)
"""


@pytest.fixture(scope="module")
def kg():
    graph = KnowledgeGraph.open()
    store = graph.store._store
    graph_name = ox.NamedNode("http://example.org/g")
    for index, term in enumerate(TRICKY):
        subject = ox.NamedNode(f"http://example.org/s{index:02d}")
        store.add(ox.Quad(subject, ox.NamedNode("http://example.org/p"), term, graph_name))
        if index % 3 == 0:
            store.add(ox.Quad(subject, ox.NamedNode("http://example.org/n"), ox.Literal(str(index)), graph_name))
    store.add(ox.Quad(ox.BlankNode("b0"), ox.NamedNode("http://example.org/p"), TRICKY[0], graph_name))
    return graph


def oxigraph_bytes(kg: KnowledgeGraph, text: str, format: ox.QueryResultsFormat) -> bytes:
    return kg.store._store.query(text, use_default_graph_as_union=True).serialize(format=format)


FORMATS = {
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
}


@pytest.mark.parametrize("fmt", FORMATS)
def test_streamed_rows_are_oxigraphs_bytes_for_every_kind_of_term(kg, fmt):
    out = io.BytesIO()
    tally = kg.stream(ROWS_QUERY, lambda answer: write_answer(answer, out, fmt))
    assert out.getvalue() == oxigraph_bytes(kg, ROWS_QUERY, FORMATS[fmt])
    assert tally.shown == len(TRICKY) + 1 and tally.more == 0


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_held_result_serializes_as_oxigraph_without_running_again(kg, fmt):
    result = kg.query(ROWS_QUERY)
    assert result.serialize(fmt) == oxigraph_bytes(kg, ROWS_QUERY, FORMATS[fmt])


@pytest.mark.parametrize("text", ["ASK { ?s ?p ?o }", "ASK { ?s ?p 12345 }", "SELECT * WHERE {}"])
@pytest.mark.parametrize("fmt", FORMATS)
def test_booleans_and_an_empty_projection_too(kg, text, fmt):
    out = io.BytesIO()
    kg.stream(text, lambda answer: write_answer(answer, out, fmt))
    assert out.getvalue() == oxigraph_bytes(kg, text, FORMATS[fmt]) == kg.query(text).serialize(fmt)


class CountingStore:
    """The embedded store, counting the queries sent to it."""

    def __init__(self, store):
        self.store, self.calls = store, 0

    def query(self, *args, **kwargs):
        self.calls += 1
        return self.store.query(*args, **kwargs)


def test_each_output_runs_the_query_once(kg):
    counting = KnowledgeGraph(CountingStore(kg.store))
    result = counting.query(ROWS_QUERY)
    for fmt in FORMATS:
        result.serialize(fmt)
    assert counting.store.calls == 1
    counting.stream(ROWS_QUERY, lambda answer: write_answer(answer, io.BytesIO(), "json"))
    assert counting.store.calls == 2


def test_rows_reach_the_output_before_the_answer_is_read_to_its_end():
    """Streaming, not collecting: Oxigraph's writer has written rows while most are still unread."""
    kg = KnowledgeGraph.open()
    text = "SELECT ?n WHERE { VALUES ?a { 0 1 2 3 4 5 6 7 8 9 } VALUES ?b { 0 1 2 3 4 5 6 7 8 9 } "
    text += "VALUES ?c { 0 1 2 3 4 5 6 7 8 9 } VALUES ?d { 0 1 2 3 4 5 6 7 8 9 } BIND(?a*1000+?b*100+?c*10+?d AS ?n) }"
    seen: list[int] = []

    class Output(io.BytesIO):
        def write(self, data):
            seen.append(self.tally.shown)
            return super().write(data)

    output = Output()

    def consume(answer):
        tally = Tally()
        output.tally = tally
        rows = answer.rows(Window(), tally)
        from kgraph.queries.relay import write_rows

        write_rows(answer.names, rows, output, ox.QueryResultsFormat.CSV)
        return tally

    tally = kg.stream(text, consume)
    assert tally.shown == 10_000
    assert seen and seen[0] < tally.shown, "the first bytes were written only after every row was read"
    assert output.getvalue().count(b"\r\n") == 10_001


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(("offset", "limit"), [(0, 3), (4, 5), (18, 10), (30, 2)])
def test_offset_and_limit_give_the_bytes_of_the_same_slice_in_sparql(kg, fmt, offset, limit):
    out = io.BytesIO()
    tally = kg.stream(ROWS_QUERY, lambda answer: write_answer(answer, out, fmt, window=Window(offset, limit)))
    sliced = f"{ROWS_QUERY} LIMIT {limit} OFFSET {offset}"
    assert out.getvalue() == oxigraph_bytes(kg, sliced, FORMATS[fmt])
    total = len(TRICKY) + 1
    assert (tally.skipped, tally.shown) == (min(offset, total), max(0, min(limit, total - offset)))
    assert tally.more == max(0, total - offset - limit)
    assert (f"{tally.more:,} more row" in tally.more_line()) == (tally.more > 0)


def test_the_row_cap_refuses_an_endless_answer_but_counts_past_a_limit(kg, monkeypatch):
    monkeypatch.setenv("KGRAPH_QUERY_MAX_ROWS", "5")
    with pytest.raises(QueryError, match="more than 5 rows"):
        kg.stream(ROWS_QUERY, lambda answer: write_answer(answer, io.BytesIO(), "csv"))
    tally = kg.stream(ROWS_QUERY, lambda answer: write_answer(answer, io.BytesIO(), "csv", window=Window(0, 2)))
    assert (tally.shown, tally.more, tally.exact) == (2, 3, False)
    assert "at least 3 more rows" in tally.more_line()


def test_columns_are_named_as_users_say_and_never_collide():
    assert column_names(["__event_iri", "_place_iri", "value", "__n_integer"]) == ["event", "place", "value", "n"]
    assert column_names(["__event_iri", "event"]) == ["__event_iri", "event"]
    assert column_names(["__x_iri", "_x_string"]) == ["__x_iri", "_x_string"]
    variables = ["__event_iri", "value", "__measure_iri"]
    assert pick_columns(["value", "event", "?__measure_iri"], variables, column_names(variables)) == [1, 0, 2]
    with pytest.raises(QueryError, match=r"no column 'nope'; the columns are: event, value, measure"):
        pick_columns(["nope"], variables, column_names(variables))


def test_a_chosen_column_subset_is_written_in_the_order_asked(kg):
    out = io.BytesIO()
    kg.stream(ROWS_QUERY, lambda answer: write_answer(answer, out, "csv", columns=["o", "s"]))
    expected = oxigraph_bytes(kg, ROWS_QUERY.replace("SELECT ?s ?o ?n", "SELECT ?o ?s"), ox.QueryResultsFormat.CSV)
    assert out.getvalue() == expected


def table_of(kg, text, **options):
    lines: list[str] = []
    tally = kg.stream(text, lambda answer: write_table(answer, lines.append, **options))
    return "".join(lines).splitlines(), tally


def test_the_table_cuts_long_cells_drops_empty_columns_and_says_so():
    kg = KnowledgeGraph.open()
    text = (
        'SELECT ?name ?empty ?long WHERE { VALUES (?name ?long) { ("a" "' + "x" * 300 + '") ("b" "short") } '
        "OPTIONAL { ?name <http://example.org/none> ?empty } }"
    )
    lines, tally = table_of(kg, text, width=80)
    assert lines[0].split() == ["name", "long"]
    assert any(line.endswith("…") and len(line) <= 80 for line in lines[2:4])
    assert "empty in the first 2 rows, not shown: empty" in lines
    assert tally.shown == 2 and lines[4] == "2 rows"


def test_the_table_leaves_out_what_does_not_fit_and_names_it():
    kg = KnowledgeGraph.open()
    columns = " ".join(f"?c{i}" for i in range(12))
    binds = " ".join(f'BIND("{"v" * 30}{i}" AS ?c{i})' for i in range(12))
    lines, _tally = table_of(kg, f"SELECT {columns} WHERE {{ {binds} }}", width=100)
    shown = lines[0].split()
    assert shown == [f"c{i}" for i in range(len(shown))] and 0 < len(shown) < 12
    assert all(len(line) <= 100 for line in lines[:3])
    left_out = ", ".join(f"c{i}" for i in range(len(shown), 12))
    assert f"too wide to show: {left_out}; --columns" in lines[-1]
    lines, _tally = table_of(kg, f"SELECT {columns} WHERE {{ {binds} }}", width=100, columns=["c11", "c0"])
    assert lines[0].split() == ["c11", "c0"]


def test_a_parameter_column_shows_unless_the_parameter_has_a_value():
    kg = KnowledgeGraph.open()
    text = "SELECT ?__measure_iri ?value WHERE { ?f kg:measure ?__measure_iri ; kg:value ?value } ORDER BY ?value"
    kg.store._store.update(
        "PREFIX kg: <https://w3id.org/kgraph/ontology#> PREFIX ex: <http://example.org/> "
        "INSERT DATA { GRAPH ex:g { ex:f1 kg:measure kg:Killed ; kg:value 1 . "
        "ex:f2 kg:measure kg:Missing ; kg:value 2 } }"
    )
    lines, _tally = table_of(kg, text, width=120)
    assert lines[0].split() == ["measure", "value"]
    assert "kg:Killed" in lines[2] and "kg:Missing" in lines[3]
    given: list[str] = []
    kg.stream(text, lambda answer: write_table(answer, given.append, width=120), measure="kg:Killed")
    table = "".join(given).splitlines()
    assert table[0].split() == ["value"]
    assert "measure = kg:Killed on every row (the parameter's value)" in table


def test_the_table_footer_counts_the_rows_cut(kg):
    lines, tally = table_of(kg, ROWS_QUERY, width=200, window=Window(2, 3))
    assert tally.more == len(TRICKY) + 1 - 5
    assert "3 rows after the first 2" in lines
    assert f"{tally.more:,} more rows not shown; --offset 5 shows the next ones" in lines


def test_query_workers_are_reused_and_a_stuck_one_is_not_waited_for():
    def workers() -> int:
        return sum(1 for thread in threading.enumerate() if thread.name == "kgraph-query")

    within(5, lambda: None)
    before = workers()
    for _ in range(50):
        assert within(5, lambda: 7) == 7
    assert workers() == before
    release = threading.Event()
    with pytest.raises(QueryError, match=r"ran longer than 0\.05 s"):
        within(0.05, release.wait)
    assert within(5, lambda: 8) == 8  # another worker: the stuck one is busy
    release.set()


def test_service_calls_are_read_once_per_text():
    text = "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"
    assert service_calls(text) is service_calls(text)
    assert [call.target for call in service_calls(text)] == ["http://example.org/sparql"]


# -- the command, on the founding data -------------------------------------------------------------


def test_csv_names_parameter_columns_and_counts_the_rest_on_stderr(founding):
    kg, _result = founding
    store = str(kg.store.path)
    full = run_kgraph("query", "disputes", "--format", "csv", "--store", store)
    assert full.returncode == 0, full.stderr
    header, *rows = full.stdout.splitlines()
    assert header.startswith("event,measure,eventLabel,") and "__" not in header
    cut = run_kgraph("query", "disputes", "--format", "csv", "--limit", "2", "--offset", "1", "--store", store)
    assert cut.returncode == 0, cut.stderr
    assert cut.stdout.splitlines() == [header, *rows[1:3]]
    assert f"{len(rows) - 3} more rows not shown; --offset 3 shows the next ones" in cut.stderr


def test_the_disputes_table_shows_its_measure_and_columns_by_name(founding):
    kg, _result = founding
    store = str(kg.store.path)
    table = run_kgraph("query", "disputes", "--store", store, "--columns", "measure,value,claimant")
    assert table.returncode == 0, table.stderr
    assert table.stdout.splitlines()[0].split() == ["measure", "value", "claimant"]
    assert "kg:Killed" in table.stdout and "kg:Missing" in table.stdout
    default = run_kgraph("query", "disputes", "--store", store)
    assert default.stdout.splitlines()[0].split()[:2] == ["event", "measure"]
    unknown = run_kgraph("query", "disputes", "--store", store, "--columns", "measure,nope")
    assert unknown.returncode == 2 and "Traceback" not in unknown.stderr
    assert "no column 'nope'; the columns are: event, measure," in unknown.stderr
