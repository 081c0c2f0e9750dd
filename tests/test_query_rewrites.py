"""Stored queries rewritten for speed (issue 12) answer exactly as the texts they replaced.

The texts before each rewrite are kept in tests/fixtures/queries-before-12/.
Both versions run on the founding data and on a store of the founding data
plus generated events (benchmarks/bench_build.py's generator), with the
query's defaults and with each parameter given, and must return the same
rows, compared as multisets of whole rows.
"""

from __future__ import annotations

import shutil
import sys
from collections import Counter
from pathlib import Path

import pytest

from conftest import DATA, FIXTURES, PROJECT
from kgraph import KnowledgeGraph
from kgraph.queries.catalog import StoredQuery
from kgraph.resources import resource_dir

sys.path.insert(0, str(PROJECT / "benchmarks"))

from bench_build import write_synthetic_data

BEFORE = FIXTURES / "queries-before-12"
REWRITTEN = sorted(path.stem for path in BEFORE.glob("*.rq"))

# Parameter sets per query, beyond its defaults: each must find rows on the founding data.
PARAMETERS = {
    "mass-graves": [
        {},
        {"region": "kgr:place/karabakh"},
        {"region": "kgr:place/azerbaijan"},
        {"region": "kgr:place/shusha"},
        {"region": "kgr:place/khojaly"},
    ],
    "relative-dates": [{}],
    "claims-about": [
        {},
        {"subject": "kgr:event/first-karabakh-war"},
        {"subject": "kgr:place/khojaly"},
        {"subject": "kgr:place/shusha"},
    ],
    "claims-by-claimant": [
        {},
        {"claimant": "kgr:org/kgraph-curators"},
        {"claimant": "kgr:org/unverified-publisher"},
        {"claimant": "kgr:org/government-of-azerbaijan"},
    ],
    "missing-persons": [
        {},
        {"event": "kgr:event/first-karabakh-war"},
        {"event": "kgr:event/khojaly-killings-1992"},
    ],
    "timeline": [
        {},
        {"conflict": "kgr:event/peace-process"},
        {"conflict": "kgr:event/khojaly-offensive-1992"},
    ],
}


def rows(kg: KnowledgeGraph, stored: StoredQuery, params: dict[str, str]) -> Counter[str]:
    return Counter(map(repr, kg.query(stored.query, **{**stored.defaults, **params}).rows))


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory, corpus: Path) -> KnowledgeGraph:
    """The founding data plus 200 generated events (each with a place, a date, figures and a victim group)."""
    root = tmp_path_factory.mktemp("generated")
    data = root / "data"
    write_synthetic_data(data, 200)
    for card in (DATA / "sources").glob("*.yaml"):
        shutil.copy(card, data / "sources")
    kg = KnowledgeGraph.open(root / "store")
    kg.build(data, texts=[corpus])
    return kg


def test_every_rewritten_query_has_its_text_from_before_and_parameter_sets():
    assert REWRITTEN, f"no query texts in {BEFORE}"
    for name in REWRITTEN:
        assert (resource_dir("queries") / f"{name}.rq").is_file(), name
        assert name in PARAMETERS, name
        before = StoredQuery.load(BEFORE / f"{name}.rq")
        assert before.query.text != StoredQuery.load(resource_dir("queries") / f"{name}.rq").query.text, name


def assert_same_rows_as_before(kg: KnowledgeGraph, name: str, data: str) -> None:
    """Every parameter set of ``name`` gives, on ``kg``, the rows of the text before the rewrite (and some rows)."""
    before = StoredQuery.load(BEFORE / f"{name}.rq")
    after = StoredQuery.load(resource_dir("queries") / f"{name}.rq")
    for params in PARAMETERS[name]:
        expected = rows(kg, before, params)
        assert expected, f"{name} {params} finds nothing on the {data}: the comparison would prove nothing"
        assert rows(kg, after, params) == expected, params


@pytest.mark.parametrize("name", REWRITTEN)
def test_a_rewritten_query_returns_the_rows_of_its_text_before_on_the_founding_data(founding, name):
    assert_same_rows_as_before(founding[0], name, "founding data")


@pytest.mark.parametrize("name", REWRITTEN)
def test_a_rewritten_query_returns_the_rows_of_its_text_before_on_generated_data(generated, name):
    assert_same_rows_as_before(generated, name, "generated data")
