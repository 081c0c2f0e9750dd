"""Shared fixtures: the project's own data/, and the founding article's text from ../shared when present.

The text is never copied into the project; tests that check offsets against
it need ``../shared/corpus``. In CI a missing text is a failure, not a skip.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kgraph import KnowledgeGraph

PROJECT = Path(__file__).resolve().parent.parent
DATA = PROJECT / "data"
CORPUS = PROJECT.parent / "shared" / "corpus"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def require_corpus() -> Path:
    if (CORPUS / "founding-article.txt").is_file():
        return CORPUS
    if os.environ.get("CI"):
        pytest.fail(f"the founding article's text is missing from {CORPUS}")
    pytest.skip(f"needs the founding article's text in {CORPUS}")


@pytest.fixture(scope="session")
def corpus() -> Path:
    return require_corpus()


@pytest.fixture(scope="session")
def founding(tmp_path_factory: pytest.TempPathFactory, corpus: Path):
    """The founding article's KG built once, in an on-disk store, with quotes checked."""
    store = tmp_path_factory.mktemp("founding") / ".kgraph"
    kg = KnowledgeGraph.open(store)
    result = kg.build(DATA, texts=[corpus])
    return kg, result


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A private copy of data/ that a test may add broken cards to."""
    target = tmp_path / "data"
    shutil.copytree(DATA, target, ignore=shutil.ignore_patterns("texts"))
    return target


def store_of_trig(text: str) -> KnowledgeGraph:
    """An in-memory KnowledgeGraph holding ``text`` (TriG), for tests of hand-written corner cases."""
    import pyoxigraph as ox

    kg = KnowledgeGraph.open()
    kg.store.replace_all(ox.serialize(ox.parse(text.encode(), format=ox.RdfFormat.TRIG), format=ox.RdfFormat.N_QUADS))
    return kg


def run_kgraph(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run the installed console script, as a user would, to see real exit codes."""
    command = [sys.executable, "-m", "kgraph", *args]
    return subprocess.run(command, capture_output=True, text=True, cwd=cwd, check=False, timeout=300)


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory: pytest.TempPathFactory):
    """One Oxigraph server for the session, started *without* --union-default-graph: kgraph must not need it."""
    from servers import start_oxigraph

    server = start_oxigraph(tmp_path_factory.mktemp("oxigraph-server"), union_default_graph=False)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def virtuoso_server(tmp_path_factory: pytest.TempPathFactory):
    """One Virtuoso for the session, its database in a temporary folder, anonymous updates granted."""
    from servers import start_virtuoso

    server = start_virtuoso(tmp_path_factory.mktemp("virtuoso-server"))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def hostile_template(tmp_path_factory: pytest.TempPathFactory, corpus: Path) -> Path:
    """A folder with a copy of data/ (the founding text in data/texts) and its built store, made once."""
    root = tmp_path_factory.mktemp("hostile-template") / "ws"
    shutil.copytree(DATA, root / "data", ignore=shutil.ignore_patterns("texts"))
    (root / "data" / "texts").mkdir()
    shutil.copy(corpus / "founding-article.txt", root / "data" / "texts")
    kg = KnowledgeGraph.open(root / ".kgraph")
    kg.build(root / "data")
    kg.close()
    return root


@pytest.fixture
def workspace(hostile_template: Path, tmp_path: Path):
    """A private copy of the built template, for a test that feeds kgraph hostile input."""
    from hostile import Workspace

    return Workspace.copy_of(hostile_template, tmp_path / "ws")
