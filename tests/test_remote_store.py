"""Loading into a real SPARQL server: incremental, all or nothing, resumable; and each engine's quirks.

Every test starts its own server (Oxigraph in under a second, Virtuoso in about
three), so no test sees another's data.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
import requests

from conftest import DATA, run_kgraph
from kgraph import KnowledgeGraph, StoreError
from kgraph.stores import RemoteSettings, RemoteStore
from kgraph.stores.config import Credentials
from kgraph.stores.loader import LOADING, STAGING
from servers import start_oxigraph, start_virtuoso

FOUNDING_GRAPH = "https://w3id.org/kgraph/id/graph/founding-article"


class Interrupted(Exception):
    """Stands in for a lost connection or a Ctrl-C in the middle of a load."""


def remote(server: object, engine: str, **settings: object) -> KnowledgeGraph:
    url = server.url if engine == "oxigraph" else server.sparql_url  # type: ignore[attr-defined]
    return KnowledgeGraph.open(RemoteSettings(url=url, profile=engine, **settings))  # type: ignore[arg-type]


def reference_only(data_copy: Path) -> Path:
    """data/ without the founding article's card: a smaller, different build."""
    (data_copy / "sources" / "founding-article.yaml").unlink()
    return data_copy


def start(engine: str, folder: Path):
    return start_oxigraph(folder, union_default_graph=False) if engine == "oxigraph" else start_virtuoso(folder)


@pytest.mark.parametrize("engine", ["oxigraph", "virtuoso"])
def test_rebuild_sends_only_what_changed(engine: str, tmp_path: Path, data_copy: Path, corpus: Path):
    server = start(engine, tmp_path / "server")
    try:
        kg = remote(server, engine)
        kg.build(data_copy, texts=[corpus])
        first = kg.store.last_load  # type: ignore[attr-defined]
        assert FOUNDING_GRAPH in first.graphs_sent and first.triples_sent > 4000

        kg.build(data_copy, texts=[corpus])
        again = kg.store.last_load  # type: ignore[attr-defined]
        assert again.graphs_sent == [] and again.triples_sent == 0
        assert FOUNDING_GRAPH in again.graphs_unchanged

        card = data_copy / "sources" / "founding-article.yaml"
        kept = card.read_bytes()
        card.unlink()
        kg.build(data_copy, texts=[corpus])
        assert kg.store.last_load.graphs_dropped == [FOUNDING_GRAPH]  # type: ignore[attr-defined]
        assert FOUNDING_GRAPH not in kg.store.named_graphs()
        assert kg.stats()["claims"] < 207 and kg.stats()["figures"] == 0

        card.write_bytes(kept)
        kg.build(data_copy, texts=[corpus])
        assert kg.store.last_load.graphs_sent == [FOUNDING_GRAPH]  # type: ignore[attr-defined]
        assert kg.stats()["figures"] == 20
    finally:
        server.stop()


@pytest.mark.parametrize("engine", ["oxigraph", "virtuoso"])
def test_interrupted_load_changes_nothing_and_a_rerun_resumes(
    engine: str, tmp_path: Path, data_copy: Path, corpus: Path
):
    server = start(engine, tmp_path / "server")
    full_data = tmp_path / "full"
    shutil.copytree(data_copy, full_data)
    try:
        kg = remote(server, engine, chunk_triples=250)
        kg.build(reference_only(data_copy), texts=[corpus])
        before_stats, before_dump = kg.stats(), kg.store.dump_nquads()

        pieces = []

        def interrupt_after_three(done: int, total: int) -> None:
            pieces.append(done)
            if len(pieces) == 3:
                raise Interrupted

        with pytest.raises(Interrupted):
            kg.build(full_data, texts=[corpus], progress=interrupt_after_three)
        assert kg.stats() == before_stats, "queries must still see the previous build"
        assert kg.store.dump_nquads() == before_dump
        on_server = all_graphs(kg.store)
        assert FOUNDING_GRAPH in on_server, "the half-loaded new graph stays on the server for the re-run"
        assert FOUNDING_GRAPH not in kg.store.named_graphs(), "but outside what queries see"

        kg.build(full_data, texts=[corpus])
        report = kg.store.last_load  # type: ignore[attr-defined]
        assert report.triples_resumed >= 2 * 250, "the re-run sent the staged pieces again"
        assert report.triples_resumed + report.triples_sent == triples_in(full_data, corpus, report.graphs_sent)
        leftovers = [g for g in all_graphs(kg.store) if g.startswith((STAGING, LOADING))]
        assert leftovers == [], "staging and loading graphs are gone after the swap"

        clean = KnowledgeGraph.open(tmp_path / "embedded")
        clean.build(full_data, texts=[corpus])
        assert kg.stats() == clean.stats()
        # Virtuoso rounds WKT coordinates (see test_remote_parity); everything else must be the same.
        skip = "geosparql#asWKT>" if engine == "virtuoso" else None
        assert same_quads(kg.store.dump_nquads(), clean.store.dump_nquads(), skip)
    finally:
        server.stop()


def test_a_rerun_after_the_data_changed_does_not_resume_stale_pieces(tmp_path: Path, data_copy: Path, corpus: Path):
    """Pieces of an abandoned version of a new graph must not be kept when its content is different now."""
    server = start("oxigraph", tmp_path / "server")
    try:
        kg = remote(server, "oxigraph", chunk_triples=250)

        def interrupt(done: int, total: int) -> None:
            if done >= 750:
                raise Interrupted

        with pytest.raises(Interrupted):
            kg.build(data_copy, texts=[corpus], progress=interrupt)
        card = data_copy / "sources" / "founding-article.yaml"
        text = card.read_text(encoding="utf-8")
        assert "curated: 2026-11-25\n" in text
        card.write_text(text.replace("curated: 2026-11-25\n", "curated: 2026-11-24\n", 1), encoding="utf-8")
        kg.build(data_copy, texts=[corpus])
        assert kg.store.last_load.triples_resumed == 0  # type: ignore[attr-defined]
        clean = KnowledgeGraph.open(None)
        clean.build(data_copy, texts=[corpus])
        assert same_quads(kg.store.dump_nquads(), clean.store.dump_nquads())
        assert "2026-11-24" in kg.store.dump_nquads().decode()
    finally:
        server.stop()


def triples_in(data: Path, corpus: Path, graphs: list[str]) -> int:
    """How many triples these graphs hold when ``data`` is built into the embedded store."""
    embedded = KnowledgeGraph.open(None)
    embedded.build(data, texts=[corpus])
    return sum(len(embedded.store.quads(graph)) for graph in graphs)


def all_graphs(store: object) -> list[str]:
    """Every graph on the server, past kgraph's dataset: the engine's own view."""
    assert isinstance(store, RemoteStore)
    rows = store._query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", [], "SELECT")
    return [row["g"].value for row in rows]


def same_quads(first: bytes, second: bytes, skip: str | None = None) -> bool:
    """Equal once blank node labels (only the ontology's OWL lists have them) are set aside."""

    def labelled(data: bytes) -> list[str]:
        return sorted(
            line for line in data.decode().splitlines() if "_:" not in line and (not skip or skip not in line)
        )

    def blank_count(data: bytes) -> int:
        return sum(1 for line in data.decode().splitlines() if "_:" in line)

    return labelled(first) == labelled(second) and blank_count(first) == blank_count(second)


# -- Virtuoso's quirks --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def locked_down_virtuoso(tmp_path_factory: pytest.TempPathFactory):
    """Virtuoso as packaged: no anonymous updates, and answers capped at a small ResultSetMaxRows."""
    server = start_virtuoso(tmp_path_factory.mktemp("virtuoso-locked"), max_rows=100, grant_update=False)
    yield server
    server.stop()


def test_virtuoso_refuses_anonymous_updates_with_a_hint_and_nothing_changes(locked_down_virtuoso, corpus: Path):
    kg = remote(locked_down_virtuoso, "virtuoso")
    with pytest.raises(StoreError, match='GRANT SPARQL_UPDATE TO "SPARQL"'):
        kg.build(DATA, texts=[corpus])
    assert kg.store.named_graphs() == []


def test_virtuoso_takes_digest_credentials_from_the_environment(
    locked_down_virtuoso, corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """dba (password dba, as packaged) may update through /sparql-auth, which asks for Digest."""
    url = f"virtuoso+{locked_down_virtuoso.sparql_url}"
    monkeypatch.setenv("KGRAPH_STORE_USER", "dba")
    monkeypatch.setenv("KGRAPH_STORE_PASSWORD", "wrong")
    with pytest.raises(StoreError, match="HTTP 401"):
        KnowledgeGraph.open(url).build(DATA, texts=[corpus])
    monkeypatch.setenv("KGRAPH_STORE_PASSWORD", "dba")
    kg = KnowledgeGraph.open(url)
    assert kg.store.client.endpoints.update.endswith("/sparql-auth")  # type: ignore[attr-defined]
    kg.build(DATA, texts=[corpus])
    assert kg.stats()["figures"] == 20


def test_virtuoso_result_cap_is_an_error_not_a_short_answer(locked_down_virtuoso, corpus: Path):
    credentials = Credentials("", user="dba", password="dba")
    kg = remote(locked_down_virtuoso, "virtuoso", credentials=credentials)
    kg.build(DATA, texts=[corpus])
    with pytest.raises(StoreError, match="ResultSetMaxRows"):
        kg.query("PREFIX kg: <https://w3id.org/kgraph/ontology#> SELECT ?c WHERE { ?c a kg:Claim }")
    with pytest.raises(StoreError, match="ResultSetMaxRows"):
        kg.export("nquads")  # a Graph Store GET is cut silently; the triple count gives it away


def test_virtuoso_system_graphs_stay_out_of_kgraphs_dataset(virtuoso_server, corpus: Path, tmp_path: Path):
    kg = remote(virtuoso_server, "virtuoso")
    kg.build(DATA, texts=[corpus])
    everything = all_graphs(kg.store)
    assert "http://www.openlinksw.com/schemas/virtrdf#" in everything, "Virtuoso's own graphs exist"
    seen = kg.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert sorted(row["g"] for row in seen.rows) == kg.store.named_graphs()
    types = kg.query("SELECT (COUNT(*) AS ?n) WHERE { ?s a <http://www.openlinksw.com/schemas/virtrdf#QuadMap> }")
    assert types.rows == [{"n": 0}]


def test_virtuoso_graph_store_ignores_trig_so_kgraph_sends_n_triples_per_graph(virtuoso_server):
    trig = b"<urn:kgraph-test:g> { <urn:kgraph-test:s> <urn:kgraph-test:p> <urn:kgraph-test:o> . }"
    answer = requests.post(
        f"{virtuoso_server.url}/sparql-graph-crud", data=trig, headers={"Content-Type": "application/trig"}, timeout=30
    )
    assert answer.status_code >= 400 or "<html" in answer.text.lower()
    refused_default = requests.post(
        f"{virtuoso_server.url}/sparql-graph-crud?default",
        data=b"<urn:kgraph-test:s> <urn:kgraph-test:p> <urn:kgraph-test:o> .",
        headers={"Content-Type": "application/n-triples"},
        timeout=30,
    )
    assert refused_default.status_code >= 400
    kg = remote(virtuoso_server, "virtuoso")
    assert "urn:kgraph-test:g" not in all_graphs(kg.store)


def test_remote_answers_come_as_json_whatever_the_engine_prefers(virtuoso_server):
    store = RemoteStore(RemoteSettings(url=virtuoso_server.sparql_url, profile="virtuoso"))
    response = store.client.query("SELECT (1 AS ?one) WHERE {}", [], [], accept="application/sparql-results+json")
    assert response.headers["Content-Type"].startswith("application/sparql-results+json")
    assert store.query("SELECT (1 AS ?one) WHERE {}") is not None


def test_engine_is_recognised_from_the_server_header(virtuoso_server, oxigraph_server):
    assert RemoteStore(RemoteSettings(url=virtuoso_server.sparql_url, profile=None)).profile == "virtuoso"
    assert RemoteStore(RemoteSettings(url=f"{oxigraph_server.url}/query", profile=None)).profile == "oxigraph"


# -- Oxigraph server's quirks ---------------------------------------------------------------------------------


def test_oxigraph_server_default_graph_is_empty_but_kgraph_names_its_dataset(tmp_path: Path, corpus: Path):
    server = start_oxigraph(tmp_path / "server", union_default_graph=False)
    try:
        kg = remote(server, "oxigraph")
        kg.build(DATA, texts=[corpus])
        count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
        raw = server.select(count, "text/csv").decode().split()
        assert raw[-1] == "0", "without --union-default-graph the server's default graph is empty"
        assert kg.query(count).rows[0]["n"] > 4000
    finally:
        server.stop()


def test_a_served_embedded_store_is_locked_for_writing_but_readable(tmp_path: Path, corpus: Path):
    folder = tmp_path / ".kgraph"
    builder = KnowledgeGraph.open(folder)
    builder.build(DATA, texts=[corpus])
    builder.close()
    current = folder / (folder / "CURRENT").read_text().strip()
    server = start_oxigraph(current)
    try:
        with pytest.raises(StoreError, match="in use by another process"):
            KnowledgeGraph.open(folder)
        assert KnowledgeGraph.open(folder, read_only=True).stats()["figures"] == 20
    finally:
        server.stop()


# -- the commands -------------------------------------------------------------------------------------------


def test_commands_take_the_store_from_option_or_environment(
    tmp_path: Path, corpus: Path, monkeypatch: pytest.MonkeyPatch
):
    server = start_oxigraph(tmp_path / "server", union_default_graph=False)
    url = f"oxigraph+{server.url}"
    try:
        built = run_kgraph("build", "--store", url, "--texts", str(corpus), cwd=DATA.parent)
        assert built.returncode == 0, built.stderr
        assert "Sent 4 changed graphs" in built.stdout
        embedded = tmp_path / "embedded"
        assert run_kgraph("build", "--store", str(embedded), "--texts", str(corpus), cwd=DATA.parent).returncode == 0

        with monkeypatch.context() as environment:
            environment.setenv("KGRAPH_STORE", url)
            over_http = run_kgraph("query", "timeline", "--format", "csv", cwd=DATA.parent)
        local = run_kgraph("query", "timeline", "--format", "csv", "--store", str(embedded), cwd=DATA.parent)
        assert over_http.returncode == 0 and over_http.stdout == local.stdout and "first-karabakh-war" in local.stdout

        exported = run_kgraph("export", "--format", "nquads", "--store", url, cwd=DATA.parent)
        assert exported.returncode == 0
        quads = list(ox.parse(exported.stdout.encode(), format=ox.RdfFormat.N_QUADS))
        assert len(quads) == len(KnowledgeGraph.open(embedded, read_only=True).store.quads())

        unreachable = run_kgraph("query", "timeline", "--store", "oxigraph+http://127.0.0.1:9", cwd=DATA.parent)
        assert unreachable.returncode == 2 and "cannot reach the store" in unreachable.stderr
    finally:
        server.stop()
