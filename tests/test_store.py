"""The embedded store is replaced all or nothing, and reopens with what was last loaded."""

from __future__ import annotations

from pathlib import Path

import pytest

from kgraph.errors import StoreError
from kgraph.stores import EmbeddedStore

ONE = (
    b'<https://w3id.org/kgraph/id/a> <https://w3id.org/kgraph/ontology#p> "1" <https://w3id.org/kgraph/id/graph/g> .\n'
)
TWO = (
    b'<https://w3id.org/kgraph/id/b> <https://w3id.org/kgraph/ontology#p> "2" <https://w3id.org/kgraph/id/graph/h> .\n'
)


def test_replace_all_swaps_content_and_survives_reopening(tmp_path: Path):
    store = EmbeddedStore(tmp_path / "kg")
    store.replace_all(ONE)
    assert store.dump_nquads() == ONE
    store.replace_all(TWO)
    assert store.dump_nquads() == TWO
    store.close()
    reopened = EmbeddedStore(tmp_path / "kg")
    assert reopened.dump_nquads() == TWO
    assert reopened.named_graphs() == ["https://w3id.org/kgraph/id/graph/h"]
    assert len(list((tmp_path / "kg" / "stores").iterdir())) == 1  # the old store was removed


def test_a_failed_load_leaves_the_previous_content(tmp_path: Path):
    store = EmbeddedStore(tmp_path / "kg")
    store.replace_all(ONE)
    with pytest.raises(StoreError):
        store.replace_all(ONE + b"<broken> <quad\n")
    assert store.dump_nquads() == ONE
    store.close()
    assert EmbeddedStore(tmp_path / "kg").dump_nquads() == ONE


def test_in_memory_store_starts_empty():
    assert EmbeddedStore(None).dump_nquads() == b""
