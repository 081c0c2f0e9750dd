"""An incremental build gives exactly the store and the findings of a full build of the same data.

A scripted series of edits (add a card, edit a figure, rename a file, add a
place and use it, delete a card, break a card) runs against one store built
step by step; after each step a full build of the same data/ into a fresh
store is the reference. A refused step must leave the incremental store as it
was, and every accepted single-card step must really be incremental (one file
compiled, not all).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from conftest import DATA
from kgraph import KnowledgeGraph
from kgraph.errors import CardError, ValidationFailed
from kgraph.pipeline.manifest import Manifest
from kgraph.stats import count_entities, count_in
from kgraph.stores import EmbeddedStore

ONTOLOGY_LINE_END = b"<https://w3id.org/kgraph/id/graph/ontology> .\n"

NEW_CARD = """card: second-reading
curator: kgraph-curators
curated: 2026-11-25
source:
  id: second-reading-copy
  kind: news-article
  title: Azerbaijan uncovers mass graves of civilians in Karabakh region
  published: 2025-05-03
  publisher: unverified-publisher
  language: en
  text:
    file: founding-article.txt
    sha256: b13b18541966c53d49a1bb13dfff35be4335dfb25613af7dafd92a2c28b2157c
events:
  - id: second-reading-grave
    type: MassGraveDiscovery
    label: Mass grave found near Shusha (second reading)
claims:
  - id: grave-near-shusha
    about: second-reading-grave
    place: shusha
    by: state-commission-az
    quote: found during roadworks near Shusha
    at: 334
  - id: grave-remains
    about: second-reading-grave
    figure: {measure: remains-found, value: 5, qualifier: exact}
    by: state-commission-az
    quote: remains of five people
    at: 307
"""


def comparable(store_folder: Path) -> tuple[bytes, Graph]:
    """Data graphs as sorted N-Quads, and the ontology graph (blank nodes get new labels on every load)."""
    store = EmbeddedStore(store_folder, read_only=True)
    try:
        lines = store.dump_nquads().splitlines(keepends=True)
    finally:
        store.close()
    data = b"".join(line for line in lines if not line.endswith(ONTOLOGY_LINE_END))
    ontology = Graph().parse(data=b"".join(line for line in lines if line.endswith(ONTOLOGY_LINE_END)), format="nquads")
    return data, ontology


def recorded_counts(store_folder: Path) -> dict[str, int]:
    """What `kgraph stats` shows: the counts the last build kept in its manifest (which must hold them)."""
    store = EmbeddedStore(store_folder, read_only=True)
    try:
        manifest = Manifest.from_bytes(store.opened_manifest())
        assert manifest is not None and manifest.counts is not None
        assert count_entities(store) == manifest.counts
        return manifest.counts
    finally:
        store.close()


def counted_by_query(store_folder: Path) -> dict[str, int]:
    store = EmbeddedStore(store_folder, read_only=True)
    try:
        return count_in(store.oxigraph)
    finally:
        store.close()


def findings(result) -> list[tuple]:
    return sorted(
        (f.severity, f.focus, f.message, f.path, f.value, f.shape, str(f.location)) for f in result.report.findings
    )


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def workspace(tmp_path: Path, corpus: Path) -> Path:
    root = tmp_path / "ws"
    shutil.copytree(DATA, root / "data", ignore=shutil.ignore_patterns("texts"))
    shutil.copytree(corpus, root / "data" / "texts")
    return root


def _add_card(data: Path) -> None:
    (data / "sources" / "second-reading.yaml").write_text(NEW_CARD, encoding="utf-8")


def _edit_figure(data: Path) -> None:
    edit(data / "sources" / "founding-article.yaml", "value: 3980,", "value: 3983,")


def _rename_card(data: Path) -> None:
    (data / "sources" / "second-reading.yaml").rename(data / "sources" / "second-reading-renamed.yaml")


def _new_place_used(data: Path) -> None:
    gazetteer = data / "reference" / "places.yaml"
    text = gazetteer.read_text(encoding="utf-8")
    assert "\nplaces:\n" in text
    gazetteer.write_text(
        text.replace("\nplaces:\n", "\nplaces:\n  - {id: test-hamlet, type: Settlement, label: Test hamlet}\n", 1),
        encoding="utf-8",
    )
    edit(data / "sources" / "second-reading-renamed.yaml", "place: shusha", "place: test-hamlet")


def _delete_card(data: Path) -> None:
    (data / "sources" / "second-reading-renamed.yaml").unlink()


STEPS: list[tuple[str, Callable[[Path], None], int | None]] = [
    ("add a card", _add_card, 1),
    ("edit a figure", _edit_figure, 1),
    ("rename a card file", _rename_card, 1),
    ("add a place and use it", _new_place_used, 2),
    ("delete a card", _delete_card, 0),
]


@pytest.mark.parametrize("validation", ["what the change reaches", "the whole staged store"])
def test_incremental_builds_equal_full_builds(workspace: Path, tmp_path: Path, monkeypatch, validation: str):
    """Both ways an incremental build validates (small changes; changes too big to probe node by node)."""
    if validation == "the whole staged store":
        monkeypatch.setattr("kgraph.build.WHOLE_STORE_ABOVE", 0)
    data, store = workspace / "data", workspace / ".kgraph"
    with KnowledgeGraph.open(store) as kg:
        first = kg.build(data)
    assert not first.incremental
    for name, step, compiled_files in STEPS:
        step(data)
        with KnowledgeGraph.open(store) as kg:
            result = kg.build(data)
        reference = tmp_path / f"full-{name.replace(' ', '-')}"
        with KnowledgeGraph.open(reference) as kg:
            full = kg.build(data, full=True)
        assert result.incremental, name
        assert result.compiled.compiled_files == compiled_files, name
        incremental_data, incremental_ontology = comparable(store)
        full_data, full_ontology = comparable(reference)
        assert incremental_data == full_data, name
        assert isomorphic(incremental_ontology, full_ontology), name
        assert findings(result) == findings(full), name
        assert result.quads == full.quads, name
        assert recorded_counts(store) == counted_by_query(reference), name
    assert "urn:kgraph:validation#marks" not in incremental_data.decode()
    # The cache keeps what the last build used and nothing else: one entry, map and graph per file.
    cached = {p.name.split(".", 1)[1] for p in (store / "cache" / "compiled").iterdir()}
    graphs = len(list((data / "sources").glob("*.yaml"))) + len(list((data / "reference").glob("*.yaml")))
    assert len(list((store / "cache" / "compiled").glob("*.nq"))) == graphs + 1  # and the ontology
    assert cached == {"json", "lines.json", "nq", "count"}


def test_editing_a_figure_updates_the_store_wide_warning(workspace: Path):
    """The shipped parts-add-up warning goes when the whole is edited to the parts' sum, and comes back."""
    data, store = workspace / "data", workspace / ".kgraph"
    with KnowledgeGraph.open(store) as kg:
        assert [f.shape for f in kg.build(data).report.warnings] == ["https://w3id.org/kgraph/shapes#PartsAddUpShape"]
        _edit_figure(data)
        assert kg.build(data).report.warnings == []
        edit(data / "sources" / "founding-article.yaml", "value: 3983,", "value: 3980,")
        result = kg.build(data)
    assert result.incremental and len(result.report.warnings) == 1


def test_a_refused_incremental_build_leaves_the_store_as_it_was(workspace: Path):
    data, store = workspace / "data", workspace / ".kgraph"
    with KnowledgeGraph.open(store) as kg:
        kg.build(data)
    before = comparable(store)[0], (store / "CURRENT").read_text()
    broken = NEW_CARD.replace("value: 5, qualifier: exact}", "value: 5, qualifier: exact, low: 9, best: 5}")
    (data / "sources" / "second-reading.yaml").write_text(broken, encoding="utf-8")
    with KnowledgeGraph.open(store) as kg, pytest.raises(ValidationFailed) as refused:
        kg.build(data)
    assert any("bounds are out of order" in f.message for f in refused.value.report.violations)
    assert (comparable(store)[0], (store / "CURRENT").read_text()) == before
    assert sorted(p.name for p in (store / "stores").iterdir()) == sorted(
        [before[1].strip().rsplit("/", 1)[-1], before[1].strip().rsplit("/", 1)[-1] + ".manifest.json"]
    )


def test_a_cached_card_is_compiled_again_when_an_entity_it_names_goes(workspace: Path):
    """Only the reference file changes; the unchanged founding card names the organisation it no longer defines."""
    data, store = workspace / "data", workspace / ".kgraph"
    with KnowledgeGraph.open(store) as kg:
        kg.build(data)
        edit(data / "reference" / "organisations.yaml", "id: state-commission-az\n", "id: state-commission-az2\n")
        with pytest.raises(CardError) as refused:
            kg.build(data)
    assert "unknown" in str(refused.value) and "'state-commission-az'" in str(refused.value)
    assert refused.value.location is not None and Path(refused.value.location.file).name == "founding-article.yaml"


CYCLE_CLAIMS = """  - id: war-within-grave
    about: first-karabakh-war
    part_of: second-reading-grave
    by: state-commission-az
    quote: found during roadworks near Shusha
    at: 334
  - id: grave-within-war
    about: second-reading-grave
    part_of: first-karabakh-war
    by: state-commission-az
    quote: found during roadworks near Shusha
    at: 334
"""


def test_a_cycle_made_across_cards_is_found_by_an_incremental_build(workspace: Path, tmp_path: Path):
    """The new card makes the war part of its grave and the grave part of the war: a store-wide check."""
    data, store = workspace / "data", workspace / ".kgraph"
    with KnowledgeGraph.open(store) as kg:
        kg.build(data)
    (data / "sources" / "second-reading.yaml").write_text(NEW_CARD + CYCLE_CLAIMS, encoding="utf-8")
    with KnowledgeGraph.open(store) as kg, pytest.raises(ValidationFailed) as incremental:
        kg.build(data)
    with KnowledgeGraph.open(tmp_path / "full") as kg, pytest.raises(ValidationFailed) as full:
        kg.build(data, full=True)
    cycles = [f for f in incremental.value.report.violations if f.shape and f.shape.endswith("EventCycleShape")]
    assert {f.focus.rsplit("/", 1)[-1] for f in cycles} == {"first-karabakh-war", "second-reading-grave"}
    assert sorted(map(str, incremental.value.report.findings)) == sorted(map(str, full.value.report.findings))


def test_a_new_part_dated_outside_its_whole_warns_in_both_builds(workspace: Path, tmp_path: Path):
    data, store = workspace / "data", workspace / ".kgraph"
    with KnowledgeGraph.open(store) as kg:
        kg.build(data)
    outside = """  - id: grave-within-war
    about: second-reading-grave
    part_of: first-karabakh-war
    by: state-commission-az
    quote: found during roadworks near Shusha
    at: 334
  - id: grave-date
    about: second-reading-grave
    when: 2025-05
    by: state-commission-az
    quote: found during roadworks near Shusha
    at: 334
"""
    (data / "sources" / "second-reading.yaml").write_text(NEW_CARD + outside, encoding="utf-8")
    with KnowledgeGraph.open(store) as kg:
        incremental = kg.build(data)
    with KnowledgeGraph.open(tmp_path / "full") as kg:
        full = kg.build(data, full=True)
    assert incremental.incremental
    assert any(f.shape.endswith("EventDateConsistencyShape") for f in incremental.report.warnings)
    assert findings(incremental) == findings(full)


EXTRA_SHAPES = """@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix kg: <https://w3id.org/kgraph/ontology#> .
@prefix ex: <https://example.org/shapes#> .

ex:LongLabels a sh:NodeShape ;
    sh:targetClass kg:Event ;
    sh:property [ sh:path rdfs:label ; sh:minLength 200 ; sh:message "a label of at least 200 characters" ] .
"""


def test_a_users_shape_beyond_the_sparql_translation_is_still_enforced(workspace: Path, tmp_path: Path, monkeypatch):
    """sh:minLength is not translated: the whole build falls back to pySHACL, which finds every short label."""
    from kgraph.shacl import Unsupported, compile_checks
    from kgraph.validate import shapes_graph

    resources = tmp_path / "resources"
    for name in ("ontology", "shapes", "queries"):
        shutil.copytree(Path(DATA).parent / name, resources / name)
    (resources / "shapes" / "extra.ttl").write_text(EXTRA_SHAPES, encoding="utf-8")
    monkeypatch.setenv("KGRAPH_RESOURCES", str(resources))
    with pytest.raises(Unsupported):
        compile_checks(shapes_graph())
    data, store = workspace / "data", workspace / ".kgraph"
    with KnowledgeGraph.open(store) as kg, pytest.raises(ValidationFailed) as refused:
        kg.build(data)
    short = [f for f in refused.value.report.violations if f.message == "a label of at least 200 characters"]
    assert len(short) == 25  # every event of the founding article
    assert not (store / "CURRENT").exists()


def test_cards_parsed_again_to_bound_memory_give_the_same_store_and_errors(
    workspace: Path, tmp_path: Path, monkeypatch
):
    """Past a budget, pass 1 drops each parsed card and compiling parses it again: nothing may differ."""
    data = workspace / "data"
    _add_card(data)
    with KnowledgeGraph.open(tmp_path / "kept") as kg:
        kept = kg.build(data, full=True)
    monkeypatch.setattr("kgraph.compile.cached.KEEP_PARSED_BYTES", 0)
    with KnowledgeGraph.open(tmp_path / "parsed-again") as kg:
        parsed_again = kg.build(data, full=True)
    assert comparable(tmp_path / "kept")[0] == comparable(tmp_path / "parsed-again")[0]
    assert findings(kept) == findings(parsed_again)
    assert parsed_again.compiled.compiled_files == kept.compiled.compiled_files > 2

    edit(
        data / "sources" / "second-reading.yaml",
        "about: second-reading-grave\n    figure",
        "about: no-such-event\n    figure",
    )
    refusals = []
    for budget in (10**9, 0):
        monkeypatch.setattr("kgraph.compile.cached.KEEP_PARSED_BYTES", budget)
        with KnowledgeGraph.open(tmp_path / f"broken-{budget}") as kg, pytest.raises(CardError) as refused:
            kg.build(data, full=True)
        refusals.append(str(refused.value))
    assert refusals[0] == refusals[1] and "second-reading.yaml:" in refusals[0] and "no-such-event" in refusals[0]


def test_an_id_defined_again_beside_a_cached_card_is_refused_naming_both_places(workspace: Path):
    """A cached card's IDs are registered from the cache without being parsed: duplicates must still be caught."""
    data, store = workspace / "data", workspace / ".kgraph"
    with KnowledgeGraph.open(store) as kg:
        kg.build(data)
    line = next(
        number
        for number, text in enumerate((data / "sources" / "founding-article.yaml").read_text().splitlines(), 1)
        if "id: khojaly-killings-1992" in text
    )
    (data / "sources" / "second-reading.yaml").write_text(
        NEW_CARD.replace("id: second-reading-grave", "id: khojaly-killings-1992", 1), encoding="utf-8"
    )
    with KnowledgeGraph.open(store) as kg, pytest.raises(CardError) as refused:
        kg.build(data)
    message = str(refused.value)
    assert "duplicate ID 'khojaly-killings-1992'" in message
    assert f"founding-article.yaml:{line}" in message and "second-reading.yaml:" in message
