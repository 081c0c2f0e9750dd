"""`kgraph link` against a real local SPARQL server holding a Wikidata-shaped fixture (no network)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib.plugins.sparql import prepareQuery
from ruamel.yaml import YAML

from conftest import FIXTURES, run_kgraph
from kgraph import KnowledgeGraph
from kgraph.link.linker import candidate_query
from servers import start_oxigraph

FIXTURE = FIXTURES / "wikidata" / "fixture.ttl"


@pytest.fixture
def wikidata(tmp_path: Path):
    server = start_oxigraph(tmp_path / "wikidata-server")
    try:
        server.load_turtle(FIXTURE)
        yield server
    finally:
        server.stop()


@pytest.fixture
def unlinked_data(data_copy: Path) -> Path:
    """data/ with the verified IDs of Baku and Armenia removed, so the linker has something to find."""
    places = data_copy / "reference" / "places.yaml"
    text = places.read_text(encoding="utf-8")
    for qid in ("Q9248", "Q399"):
        text, count = re.subn(rf"^\s*wikidata: {qid}\n", "", text, flags=re.MULTILINE)
        assert count == 1
    places.write_text(text, encoding="utf-8")
    return data_copy


def _load(path: Path) -> dict:
    return YAML(typ="safe").load(path.read_text(encoding="utf-8"))


def _link(data: Path, store: Path, *args: str):
    return run_kgraph("link", "--data", str(data), "--store", str(store), *args)


def test_links_the_right_items_refuses_decoys_and_leaves_the_unverifiable(wikidata, unlinked_data, tmp_path):
    store = tmp_path / "store"
    assert run_kgraph("build", "--data", str(unlinked_data), "--store", str(store)).returncode == 0
    result = _link(unlinked_data, store, "--endpoint", wikidata.query_url)
    assert result.returncode == 0, result.stdout + result.stderr

    card = _load(unlinked_data / "sources" / "links-wikidata.yaml")
    links = {c["about"]: c["wikidata"] for c in card["claims"]}
    assert links == {"baku": "Q9248", "armenia": "Q399"}  # not khojaly (decoys), not the commission (a name only)
    assert all(c["by"] == "kgraph-linker" and 0.8 <= c["confidence"] <= 1 for c in card["claims"])

    review = {(c["entity"], c["candidate"]) for c in _load(unlinked_data / "review" / "wikidata.yaml")["candidates"]}
    assert ("khojaly", "Q990000001") in review  # 6.7 km away: another village called Xocalı
    assert ("state-commission-az", "Q990000003") in review  # same name, no second signal
    assert ("khojaly-killings-1992", "Q990000004") in review  # an event: proposed by its name, never linked
    assert not any(entity in ("karabakh", "nagorno-karabakh") for entity, _ in review)

    kg = KnowledgeGraph.open(store, read_only=True)
    rows = kg.query(
        "PREFIX kg: <https://w3id.org/kgraph/ontology#> PREFIX prov: <http://www.w3.org/ns/prov#> "
        "SELECT ?claimant ?confidence WHERE { ?c kg:subject <https://w3id.org/kgraph/id/place/baku> ; "
        "kg:object <http://www.wikidata.org/entity/Q9248> ; prov:wasAttributedTo ?claimant ; "
        "kg:confidence ?confidence }"
    ).rows
    assert rows and rows[0]["claimant"] == "https://w3id.org/kgraph/id/org/kgraph-linker"


def test_a_second_run_sends_nothing(wikidata, unlinked_data, tmp_path):
    store = tmp_path / "store"
    assert run_kgraph("build", "--data", str(unlinked_data), "--store", str(store)).returncode == 0
    first = _link(unlinked_data, store, "--endpoint", wikidata.query_url)
    assert first.returncode == 0, first.stderr
    wikidata.stop()  # the endpoint is gone: only the cache can answer now
    second = _link(unlinked_data, store, "--endpoint", wikidata.query_url)
    assert second.returncode == 0, second.stdout + second.stderr
    assert "0 requests sent" in second.stdout
    assert {c["about"] for c in _load(unlinked_data / "sources" / "links-wikidata.yaml")["claims"]} == {
        "baku",
        "armenia",
    }


def test_a_curator_accepts_a_reviewed_candidate(wikidata, unlinked_data, tmp_path):
    store = tmp_path / "store"
    assert run_kgraph("build", "--data", str(unlinked_data), "--store", str(store)).returncode == 0
    assert _link(unlinked_data, store, "--endpoint", wikidata.query_url).returncode == 0
    review = _link(unlinked_data, store, "--review")
    assert review.returncode == 0 and "Q990000003" in review.stdout
    accepted = _link(unlinked_data, store, "--accept", "state-commission-az", "Q990000003")
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr
    kg = KnowledgeGraph.open(store, read_only=True)
    rows = kg.query(
        "PREFIX kg: <https://w3id.org/kgraph/ontology#> PREFIX prov: <http://www.w3.org/ns/prov#> "
        "SELECT ?claimant ?evidence WHERE { ?c kg:object <http://www.wikidata.org/entity/Q990000003> ; "
        "prov:wasAttributedTo ?claimant ; kg:evidenceNote ?evidence }"
    ).rows
    assert rows and rows[0]["claimant"] == "https://w3id.org/kgraph/id/org/kgraph-curators"
    # the linker's own links survive a curator's decision, and a new linker run keeps the curator's
    assert _link(unlinked_data, store, "--endpoint", wikidata.query_url).returncode == 0
    claims = _load(unlinked_data / "sources" / "links-wikidata.yaml")["claims"]
    assert {(c["about"], c["by"]) for c in claims} >= {
        ("state-commission-az", "kgraph-curators"),
        ("baku", "kgraph-linker"),
    }
    refused = _link(unlinked_data, store, "--accept", "baku", "Q1")
    assert refused.returncode == 2 and "not on the review list" in refused.stderr


def test_names_reach_the_endpoint_as_escaped_literals():
    """A hostile name is matched as a literal, like any other name, and changes nothing."""
    import pyoxigraph as ox

    hostile = 'x" } ; DROP ALL ; #'
    store = ox.Store()
    item = ox.NamedNode("http://www.wikidata.org/entity/Q990000009")
    label = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    store.add(ox.Quad(item, label, ox.Literal(hostile, language="en")))
    query = candidate_query([(hostile, "en"), ("Şuşa", "az")])
    assert prepareQuery(query).algebra.name == "SelectQuery"
    rows = list(store.query(query))
    assert [row["item"] for row in rows] == [item]
    assert len(store) == 1


SHUSHA_ITEM = "http://www.wikidata.org/entity/Q158903"


def test_the_federated_query_asks_the_endpoint_for_the_linked_items_labels(founding, wikidata, monkeypatch):
    kg, _result = founding
    monkeypatch.setenv("KGRAPH_SERVICE_ALLOW", wikidata.query_url)  # a loopback endpoint must be allowed first
    rows = kg.query("wikidata-labels", endpoint=wikidata.query_url, item=SHUSHA_ITEM).rows
    shusha = {(r["itemLabel"], r["language"]) for r in rows if r["place"].endswith("/place/shusha")}
    assert shusha == {("Shusha", "en"), ("Şuşa", "az"), ("Шуша", "ru")}
    only_az = kg.query("wikidata-labels", endpoint=wikidata.query_url, item=SHUSHA_ITEM, lang="az").rows
    assert only_az and {r["language"] for r in only_az} == {"az"}
    assert not any(r["place"].endswith("/place/khojaly") for r in rows)  # Khojaly has no verified link


def test_the_federated_query_is_refused_for_an_endpoint_not_allowed(founding, wikidata, monkeypatch):
    from kgraph.queries.errors import QueryError

    kg, _result = founding
    monkeypatch.delenv("KGRAPH_SERVICE_ALLOW", raising=False)
    with pytest.raises(QueryError, match="allow"):
        kg.query("wikidata-labels", endpoint=wikidata.query_url, item=SHUSHA_ITEM)


def test_the_client_backs_off_on_429_and_503_and_names_itself():
    """A real HTTP server on loopback that refuses twice, then answers; the client must retry, not fail."""
    import json as jsonlib
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from kgraph.link import SparqlEndpoint

    seen: list[tuple[int, str]] = []
    refusals = [429, 503]

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            status = refusals.pop(0) if refusals else 200
            seen.append((status, self.headers.get("User-Agent", "")))
            body = jsonlib.dumps(
                {"head": {"vars": ["x"]}, "results": {"bindings": [{"x": {"type": "literal", "value": "ok"}}]}}
            )
            self.send_response(status)
            self.send_header("Content-Type", "application/sparql-results+json")
            if status != 200:
                self.send_header("Retry-After", "0")
            self.end_headers()
            self.wfile.write(body.encode() if status == 200 else b"slow down")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        client = SparqlEndpoint(f"http://127.0.0.1:{server.server_address[1]}/sparql", backoff=0.01)
        assert client.select("SELECT ?x WHERE {}") == [{"x": {"type": "literal", "value": "ok"}}]
    finally:
        server.shutdown()
    assert [status for status, _ in seen] == [429, 503, 200]
    assert all(agent.startswith("kgraph/") for _, agent in seen)


def test_geonames_links_khojaly_to_the_right_xocali_of_three(tmp_path, data_copy):
    server = start_oxigraph(tmp_path / "geonames-server")
    try:
        server.load_turtle(FIXTURES / "wikidata" / "geonames.ttl")
        places = data_copy / "reference" / "places.yaml"
        text, count = re.subn(r"^\s*geonames: 147774\n", "", places.read_text(encoding="utf-8"), flags=re.MULTILINE)
        assert count == 1
        places.write_text(text, encoding="utf-8")
        store = tmp_path / "store"
        assert run_kgraph("build", "--data", str(data_copy), "--store", str(store)).returncode == 0
        result = _link(data_copy, store, "--target", "geonames", "--endpoint", server.query_url)
        assert result.returncode == 0, result.stdout + result.stderr
    finally:
        server.stop()
    card = _load(data_copy / "sources" / "links-geonames.yaml")
    assert {c["about"]: c["geonames"] for c in card["claims"]} == {"khojaly": 147774}
    review = {(c["entity"], c["candidate"]) for c in _load(data_copy / "review" / "geonames.yaml")["candidates"]}
    assert {("khojaly", 147776), ("khojaly", 147775)} <= review
    kg = KnowledgeGraph.open(store, read_only=True)
    assert kg.query(
        "ASK { <https://w3id.org/kgraph/id/place/khojaly> <http://www.w3.org/2004/02/skos/core#exactMatch> "
        "<https://sws.geonames.org/147774/> }"
    ).boolean
