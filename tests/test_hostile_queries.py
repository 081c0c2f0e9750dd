"""Queries that cannot reach out or run away: SERVICE allow-list, time limit, Ctrl-C, and bad query input.

Every "nothing left the machine" test listens on a real loopback socket and
checks afterwards that no connection ever reached it; every endpoint is a
real HTTP server on loopback (``http.server`` or Oxigraph's own server).
"""

from __future__ import annotations

import json
import os
import select
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from conftest import FIXTURES
from kgraph import KnowledgeGraph
from kgraph.link import EndpointError, SparqlEndpoint
from kgraph.queries import QueryError, QueryTimeout
from servers import start_oxigraph

SHUSHA_ITEM = "http://www.wikidata.org/entity/Q158903"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


@pytest.fixture
def listener() -> Iterator[socket.socket]:
    """A loopback TCP port that accepts nothing; a connection attempt would wait in its backlog."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    yield sock
    sock.close()


def nothing_connected(sock: socket.socket) -> bool:
    """True when no connection is waiting to be accepted (a listening socket turns readable when one is)."""
    readable, _, _ = select.select([sock], [], [], 0.3)
    return not readable


def url_of(sock: socket.socket, path: str = "/sparql") -> str:
    return f"http://127.0.0.1:{sock.getsockname()[1]}{path}"


class Recorder(BaseHTTPRequestHandler):
    """Answers every POST with ``server.body`` and remembers the SPARQL it was sent."""

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", 0))
        raw = self.rfile.read(length).decode("utf-8")
        form = urllib.parse.parse_qs(raw)
        self.server.queries.append(form["query"][0] if "query" in form else raw)  # type: ignore[attr-defined]
        body = self.server.body  # type: ignore[attr-defined]
        self.send_response(self.server.status)  # type: ignore[attr-defined]
        self.send_header("Content-Type", self.server.content_type)  # type: ignore[attr-defined]
        if self.server.declare_length:  # type: ignore[attr-defined]
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def http_server() -> Iterator[ThreadingHTTPServer]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    server.queries = []  # type: ignore[attr-defined]
    server.body = b""  # type: ignore[attr-defined]
    server.content_type = "application/sparql-results+json"  # type: ignore[attr-defined]
    server.declare_length = True  # type: ignore[attr-defined]
    server.status = 200  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def server_url(server: ThreadingHTTPServer) -> str:
    return f"http://127.0.0.1:{server.server_address[1]}/sparql"


# -- SERVICE ---------------------------------------------------------------------------------------


def test_service_to_loopback_is_refused_before_any_connection(workspace, listener):
    query = f"SELECT * WHERE {{\n  ?s ?p ?o .\n  SERVICE <{url_of(listener)}> {{ ?s ?p ?x }}\n}}"
    workspace.refuses(
        "query",
        "-",
        "--timeout",
        "5",
        stdin=query,
        file="<stdin>",
        line=3,
        expected=rf"SERVICE <{url_of(listener)}> is not an allowed endpoint.*KGRAPH_SERVICE_ALLOW",
    )
    assert nothing_connected(listener)


@pytest.mark.parametrize(
    "template",
    [
        "select * where {{ ?s ?p ?o . service <{url}> {{ ?s ?p ?x }} }}",
        "SELECT * WHERE {{ ?s ?p ?o . SERVICE SILENT <{url}> {{ ?s ?p ?x }} }}",
        "PREFIX loop: <{base}> SELECT * WHERE {{ ?s ?p ?o . SERVICE loop:sparql {{ ?s ?p ?x }} }}",
        "SELECT * WHERE {{ ?s ?p ?o FILTER EXISTS {{ SERVICE <{url}> {{ ?s ?p ?x }} }} }}",
        "SELECT * WHERE {{ {{ SELECT ?s WHERE {{ SERVICE <{url}> {{ ?s ?p ?x }} }} }} }}",
        # rdflib reads this comment on to the line feed; Oxigraph ends it at the carriage return and runs SERVICE
        "SELECT * WHERE {{ ?s ?p ?o # note\r SERVICE <{url}> {{ ?s ?p ?x }}\n}}",
        "SELECT * WHERE {{ ?s ?p ?o .\\u0053ERVICE <{url}> {{ ?s ?p ?x }} }}",
    ],
    ids=["lowercase", "silent", "prefixed", "exists", "subquery", "cr-comment", "escaped"],
)
def test_every_spelling_of_service_is_refused(workspace, listener, template: str):
    url = url_of(listener)
    query = template.format(url=url, base=url.removesuffix("sparql"))
    workspace.refuses(
        "query", "-", "--timeout", "5", stdin=query, file="<stdin>", expected=r"is not an allowed endpoint"
    )
    assert nothing_connected(listener)


def test_a_service_endpoint_taken_from_the_data_is_refused(workspace, listener):
    query = f"SELECT * WHERE {{ BIND(<{url_of(listener)}> AS ?endpoint) SERVICE ?endpoint {{ ?s ?p ?o }} }}"
    workspace.refuses(
        "query", "-", stdin=query, file="<stdin>", line=1, expected=r"SERVICE \?endpoint is refused.*parameter"
    )
    assert nothing_connected(listener)


@pytest.mark.parametrize(
    "text",
    [
        "SELECT * WHERE {{ ?s ?p ?o .\n  # SERVICE <{url}> {{ ?s ?p ?x }}\n}} LIMIT 1",
        'SELECT * WHERE {{ ?s ?p ?o FILTER (?o != "SERVICE <{url}> {{ ?s ?p ?x }}") }} LIMIT 1',
        "PREFIX service: <{url}> SELECT ?service WHERE {{ ?service ?p service:x }} LIMIT 1",
    ],
    ids=["comment", "string", "names"],
)
def test_service_in_a_comment_a_string_or_a_name_is_not_a_call(workspace, listener, text: str):
    outcome = workspace.run("query", "-", stdin=text.format(url=url_of(listener)))
    assert outcome.exit_code == 0, outcome.text
    assert nothing_connected(listener)


def test_service_to_a_file_is_always_refused(workspace):
    query = "SELECT * WHERE { SERVICE <file:///etc/passwd> { ?s ?p ?o } }"
    workspace.refuses(
        "query",
        "-",
        stdin=query,
        file="<stdin>",
        line=1,
        expected=r"SERVICE <file:///etc/passwd> is refused: a query may only call http\(s\) endpoints",
    )
    workspace.refuses(
        "query",
        "-",
        stdin=query,
        env={"KGRAPH_SERVICE_ALLOW": "https://example.org/sparql file:///etc/passwd"},
        file="KGRAPH_SERVICE_ALLOW",
        expected=r"'file:///etc/passwd' is not an http\(s\) IRI",
    )


def test_a_parameter_naming_an_endpoint_is_checked_against_the_list(workspace, listener):
    workspace.refuses(
        "query",
        "wikidata-labels",
        "-p",
        f"endpoint={url_of(listener)}",
        "-p",
        f"item={SHUSHA_ITEM}",
        file="wikidata-labels.rq",
        expected=rf"SERVICE <{url_of(listener)}> \(parameter 'endpoint'\) is not an allowed endpoint",
    )
    assert nothing_connected(listener)


def test_the_federated_query_asks_only_for_the_given_item(workspace, http_server, monkeypatch):
    """The request that leaves names the item: the endpoint is never asked for all its labels."""
    http_server.body = json.dumps(
        {
            "head": {"vars": ["itemLabel"]},
            "results": {"bindings": [{"itemLabel": {"type": "literal", "value": "Şuşa", "xml:lang": "az"}}]},
        }
    ).encode()
    monkeypatch.setenv("KGRAPH_SERVICE_ALLOW", server_url(http_server))
    kg = KnowledgeGraph.open(workspace.store, read_only=True)
    rows = kg.query("wikidata-labels", endpoint=server_url(http_server), item=SHUSHA_ITEM).rows
    assert [(r["place"].rsplit("/", 1)[-1], r["itemLabel"], r["language"]) for r in rows] == [("shusha", "Şuşa", "az")]
    assert http_server.queries, "the endpoint was not asked"
    for sent in http_server.queries:
        assert f"<{SHUSHA_ITEM}>" in sent and "?_item_iri" not in sent, sent


def test_the_federated_query_gives_the_endpoints_labels(workspace, tmp_path, monkeypatch):
    server = start_oxigraph(tmp_path / "wikidata")
    try:
        server.load_turtle(FIXTURES / "wikidata" / "fixture.ttl")
        monkeypatch.setenv("KGRAPH_SERVICE_ALLOW", f"{server.query_url}, https://example.org/other")
        kg = KnowledgeGraph.open(workspace.store, read_only=True)
        rows = kg.query("wikidata-labels", endpoint=server.query_url, item=SHUSHA_ITEM).rows
        only_az = kg.query("wikidata-labels", endpoint=server.query_url, item=SHUSHA_ITEM, lang="az").rows
    finally:
        server.stop()
    assert {(r["itemLabel"], r["language"]) for r in rows} == {("Shusha", "en"), ("Şuşa", "az"), ("Шуша", "ru")}
    assert {r["place"].rsplit("/", 1)[-1] for r in rows} == {"shusha"}
    assert [(r["itemLabel"], r["language"]) for r in only_az] == [("Şuşa", "az")]


# -- time limit and Ctrl-C -------------------------------------------------------------------------


def _kgraph(workspace, *args: str, **kwargs) -> subprocess.Popen[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("KGRAPH_")}
    return subprocess.Popen(
        [sys.executable, "-m", "kgraph", *args],
        cwd=workspace.root,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=environment,
        **kwargs,
    )


def test_a_runaway_query_stops_at_its_time_limit(workspace):
    started = time.monotonic()
    process = _kgraph(workspace, "query", "-", "--timeout", "1")
    stdout, stderr = process.communicate(RUNAWAY, timeout=60)
    elapsed = time.monotonic() - started
    assert process.returncode == 2, stdout + stderr
    assert "<stdin>: the query ran longer than 1 s and was stopped; raise the limit with --timeout" in stderr
    assert "Traceback" not in stderr and len(stderr.strip().splitlines()) == 1, stderr
    assert elapsed < 10, f"took {elapsed:.1f} s"


def test_a_time_limit_that_is_not_a_number_is_refused(workspace):
    workspace.refuses(
        "query",
        "-",
        stdin="ASK {}",
        env={"KGRAPH_QUERY_TIMEOUT": "soon"},
        file="KGRAPH_QUERY_TIMEOUT",
        expected="must be a number of seconds, got 'soon'",
    )
    outcome = workspace.run("query", "-", "--timeout", "0", stdin="ASK {}")
    assert outcome.exit_code == 2 and "--timeout" in outcome.text and "Traceback" not in outcome.text


def test_answer_runs_every_stored_query_within_a_time_limit(workspace):
    outcome = workspace.run("answer", "--timeout", "30", "--limit", "1")
    assert outcome.exit_code == 0, outcome.text
    assert "needs endpoint, item: kgraph query wikidata-labels --param endpoint=... --param item=..." in outcome.text


def test_ctrl_c_stops_a_query_with_one_line(workspace):
    started = time.monotonic()
    quick = _kgraph(workspace, "query", "-")
    quick.communicate("ASK {}", timeout=120)
    startup = time.monotonic() - started  # imports and opening the store: Ctrl-C must come after them
    process = _kgraph(workspace, "query", "-", "--timeout", "60")
    process.stdin.write(RUNAWAY)  # type: ignore[union-attr]
    process.stdin.close()  # type: ignore[union-attr]
    time.sleep(startup + 1)
    assert process.poll() is None, "the query ended before Ctrl-C"
    interrupted = time.monotonic()
    process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
    elapsed = time.monotonic() - interrupted
    stderr = process.stderr.read()  # type: ignore[union-attr]
    assert process.returncode == 130, stderr
    assert stderr.strip() == "interrupted: the query was stopped", stderr
    assert elapsed < 5, f"took {elapsed:.1f} s after Ctrl-C"


def test_the_api_stops_waiting_at_its_time_limit(workspace):
    """The evaluation goes on in a background thread (it cannot be cancelled); the caller is free at once."""
    kg = KnowledgeGraph.open(workspace.store, read_only=True)
    started = time.monotonic()
    with pytest.raises(QueryTimeout, match=r"ran longer than 0.2 s"):
        kg.query("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f }", timeout=0.2)  # ~5 s of work
    assert time.monotonic() - started < 2
    with pytest.raises(QueryError, match="positive number of seconds"):
        kg.query("ASK {}", timeout=-1)


def test_an_answer_too_large_to_hold_is_refused(workspace):
    workspace.refuses(
        "query",
        "-",
        stdin="SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }",
        env={"KGRAPH_QUERY_MAX_ROWS": "1000"},
        file="<stdin>",
        expected=r"more than 1,000 rows; narrow the query .* KGRAPH_QUERY_MAX_ROWS",
    )


# -- bad query input -------------------------------------------------------------------------------


def test_a_syntax_error_is_one_line_with_line_and_column(workspace):
    outcome = workspace.refuses(
        "query",
        "-",
        stdin="SELECT ?s\nWHERE {\n  ?s ?p ?o\n  FILTER(?o > ) }\n",
        file="<stdin>",
        line=4,
        expected=r"<stdin>:4:3: not valid SPARQL: cannot read the query from 'FILTER' on",
    )
    assert len(outcome.stderr.strip().splitlines()) == 1, outcome.stderr
    assert "SelectQuery" not in outcome.text


def test_an_undeclared_prefix_names_its_place(workspace):
    workspace.refuses(
        "query",
        "-",
        stdin="SELECT * WHERE {\n  ?s ex:p ?o }",
        file="<stdin>",
        line=2,
        expected=r"<stdin>:2:6: not valid SPARQL: the prefix ex: is not declared",
    )


def test_a_missing_query_file_is_named(workspace):
    workspace.refuses("query", "nosuch.rq", file="nosuch.rq", expected=r"no such query file .*a \.rq file")


def test_a_query_file_that_is_not_utf8_is_named(workspace):
    workspace.write("bad.rq", b"# caf\xe9\nSELECT * WHERE { ?s ?p ?o }\n")
    workspace.refuses("query", "bad.rq", file="bad.rq", line=1, expected=r"not UTF-8 text \(byte 5\)")


# -- link endpoints that answer nonsense -----------------------------------------------------------


def test_an_endpoint_answering_html_is_an_error_naming_it(http_server):
    http_server.body = b"<html><body>Welcome to nginx!</body></html>"
    http_server.content_type = "application/sparql-results+json"
    client = SparqlEndpoint(server_url(http_server))
    with pytest.raises(EndpointError, match=rf"{server_url(http_server)} did not answer with a SPARQL JSON result"):
        client.select("SELECT ?x WHERE { ?x ?p ?o }")
    http_server.body = b'{"results": 5}'
    with pytest.raises(EndpointError, match=r"without results\.bindings"):
        client.select("SELECT ?y WHERE { ?y ?p ?o }")


def test_the_link_command_reports_a_bad_endpoint_in_one_line(workspace, http_server):
    http_server.body = b"\x89PNG\r\n\x1a\n not a result"
    outcome = workspace.refuses(
        "link",
        "--endpoint",
        server_url(http_server),
        file=server_url(http_server),
        expected="did not answer with a SPARQL JSON result",
    )
    assert http_server.queries, "the linker sent nothing, so nothing was tested"
    assert len(outcome.stderr.strip().splitlines()) == 1, outcome.stderr


def test_an_endpoint_answer_over_the_size_limit_is_refused(http_server):
    http_server.body = b'{"head": {"vars": []}, "results": {"bindings": [' + b"{}, " * 5000 + b"{}]}}"
    http_server.declare_length = False
    client = SparqlEndpoint(server_url(http_server), max_bytes=10_000)
    with pytest.raises(EndpointError, match=r"sent more than 10,000 bytes; the limit is"):
        client.select("SELECT * WHERE { ?s ?p ?o }")
    http_server.declare_length = True
    with pytest.raises(EndpointError, match=r"announced an answer of 20,0\d\d bytes"):
        client.select("SELECT * WHERE { ?s ?p ?x }")
    assert len(SparqlEndpoint(server_url(http_server)).select("SELECT * WHERE { ?s ?p ?z }")) == 5001


def test_an_error_page_is_cut_short_and_only_http_endpoints_are_asked(http_server):
    http_server.status = 400
    http_server.body = b"<html><h1>Bad query</h1>" + b"x" * 5_000_000 + b"</html>"
    with pytest.raises(EndpointError) as refused:
        SparqlEndpoint(server_url(http_server)).select("SELECT * WHERE { ?s ?p ?o }")
    assert str(refused.value).startswith(f"{server_url(http_server)} answered HTTP 400: Bad query xxx")
    assert len(str(refused.value)) < 400
    with pytest.raises(EndpointError, match=r"file:///etc/passwd is not an http\(s\) URL"):
        SparqlEndpoint("file:///etc/passwd").select("SELECT * WHERE { ?s ?p ?o }")


def test_the_api_checks_service_on_any_store():
    """The check is in the API, before any store sees the query: an in-memory store is guarded too."""
    kg = KnowledgeGraph.open()
    with pytest.raises(QueryError, match="not an allowed endpoint"):
        kg.query("ASK { SERVICE <http://10.0.0.1/sparql> { ?s ?p ?o } }")
