"""Each broken card fails with its own message and exit code, and leaves the store byte-for-byte as it was."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import FIXTURES, run_kgraph
from kgraph import KnowledgeGraph

CARDS = FIXTURES / "cards"

# card file, exit code, words the error must contain, the line it must name
BAD_CARDS = [
    ("bad-missing-claimant.yaml", 1, "needs a claimant", 20),
    ("bad-quote-off.yaml", 2, "quote not at its offsets 300-322", 30),
    ("bad-end-before-start.yaml", 1, "it ends before it starts", 34),
    ("bad-best-above-high.yaml", 1, "bounds are out of order", 28),
    ("bad-unknown-place.yaml", 2, "unknown place 'shushaa'", 22),
    ("bad-malformed.yaml", 2, "malformed YAML", None),
    ("bad-duplicate-id.yaml", 2, "duplicate ID 'shusha'", 16),
]


def _build(data: Path, store: Path, corpus: Path):
    return run_kgraph("build", "--data", str(data), "--store", str(store), "--texts", str(corpus))


def test_the_good_card_builds(data_copy: Path, tmp_path: Path, corpus: Path):
    shutil.copy(CARDS / "good-second-reading.yaml", data_copy / "sources")
    result = _build(data_copy, tmp_path / "store", corpus)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(("card", "exit_code", "expected", "line"), BAD_CARDS, ids=[c[0] for c in BAD_CARDS])
def test_bad_card_fails_and_leaves_the_store_unchanged(
    data_copy: Path, tmp_path: Path, corpus: Path, card, exit_code, expected, line
):
    store = tmp_path / "store"
    first = _build(data_copy, store, corpus)
    assert first.returncode == 0, first.stdout + first.stderr
    before = KnowledgeGraph.open(store)
    dump_before = before.store.dump_nquads()
    before.close()
    assert dump_before

    shutil.copy(CARDS / card, data_copy / "sources" / card)
    result = _build(data_copy, store, corpus)
    output = " ".join((result.stdout + result.stderr).split())
    assert result.returncode == exit_code, output
    assert expected in output
    assert card in output
    if line is not None:
        assert f"{card}:{line}" in output

    after = KnowledgeGraph.open(store)
    assert after.store.dump_nquads() == dump_before
    after.close()


def test_malformed_yaml_names_the_line(tmp_path: Path):
    card = tmp_path / "broken.yaml"
    card.write_text("card: x\nsource: {id: y\n", encoding="utf-8")
    result = run_kgraph("validate", str(card), "--data", str(tmp_path / "nodata"))
    assert result.returncode == 2
    assert "broken.yaml:" in result.stderr and "malformed YAML" in result.stderr
