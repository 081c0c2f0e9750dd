"""The command line as a user meets it: a clone without the source texts, exit codes, counts."""

from __future__ import annotations

from pathlib import Path

from ruamel.yaml import YAML

from conftest import DATA, FIXTURES, run_kgraph
from kgraph import KnowledgeGraph


def _yaml_counts() -> dict[str, int]:
    """Counts read straight from the YAML files, independently of the compiler."""
    yaml = YAML(typ="safe")
    counts = {"events": 0, "places": 0, "people groups": 0, "organisations": 0, "claims": 0, "figures": 0}
    for path in sorted(DATA.rglob("*.yaml")):
        document = yaml.load(path.read_text(encoding="utf-8"))
        counts["events"] += len(document.get("events") or [])
        counts["places"] += len(document.get("places") or [])
        counts["people groups"] += len(document.get("groups") or [])
        counts["organisations"] += len(document.get("organisations") or [])
        claims = document.get("claims") or []
        counts["claims"] += len(claims)
        counts["figures"] += sum(1 for claim in claims if "figure" in claim)
    return counts


def test_build_without_source_texts_reports_unverified_offsets(data_copy: Path, tmp_path: Path, monkeypatch):
    monkeypatch.delenv("KGRAPH_TEXT_PATH", raising=False)
    store = tmp_path / "store"
    result = run_kgraph("build", "--data", str(data_copy), "--store", str(store))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 verified" in result.stdout
    assert "offsets unverified for source 'founding-article'" in result.stdout
    kg = KnowledgeGraph.open(store)
    verified = kg.store.query("PREFIX kg: <https://w3id.org/kgraph/ontology#> ASK { ?q kg:offsetsVerified true }")
    unverified = kg.store.query("PREFIX kg: <https://w3id.org/kgraph/ontology#> ASK { ?q kg:offsetsVerified false }")
    assert not bool(verified) and bool(unverified)


def test_stats_count_what_the_cards_define(founding):
    kg, _result = founding
    stats = kg.stats()
    expected = _yaml_counts()
    assert stats["events"] == expected["events"]
    assert stats["places"] == expected["places"]
    assert stats["people groups"] == expected["people groups"]
    assert stats["organisations"] == expected["organisations"]
    assert stats["figures"] == expected["figures"]
    # Reference entries' facts (names, coordinates, IDs) are claims too, so there are more claims than card claims.
    assert stats["claims"] > expected["claims"]
    assert stats["source graphs"] == len(list(DATA.rglob("*.yaml")))


def test_stats_command_prints_the_counts(founding):
    kg, _result = founding
    result = run_kgraph("stats", "--store", str(kg.store.path))
    assert result.returncode == 0, result.stderr
    assert f"events {kg.stats()['events']}" in " ".join(result.stdout.replace("│", " ").split())


def test_validate_exit_codes(corpus: Path):
    assert run_kgraph("validate", "--data", str(DATA), "--texts", str(corpus)).returncode == 0
    cards = FIXTURES / "cards"
    bad = run_kgraph("validate", str(cards / "bad-best-above-high.yaml"), "--data", str(DATA), "--texts", str(corpus))
    assert bad.returncode == 1 and "Violation" in bad.stdout
    broken = run_kgraph("validate", str(cards / "bad-malformed.yaml"), "--data", str(DATA))
    assert broken.returncode == 2 and "malformed YAML" in broken.stderr
