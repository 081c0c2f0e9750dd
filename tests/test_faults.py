"""Kill -9 at every step of a build and an import: the store and data/ hold the old state or the new, never half.

Rebuilt stores are compared without the ontology graph's blank node labels
(see Workspace.comparable_store). Each case starts a real process (tests/fault_runner.py) that dies by SIGKILL
just before or just after one step. Then it checks what a reader would see,
lets the next command recover, and checks that data/ and the store agree:
an import the store committed is kept in data/, one it did not is gone.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from hostile import Workspace, tree_digest
from test_exports import GED_TURTLE
from test_ucdp import require_sample

RUNNER = Path(__file__).resolve().parent / "fault_runner.py"
KILLED = -9

IMPORT_STEPS = [
    ("after", "kgraph.transaction:DataTransaction.stage_copy"),
    ("after", "kgraph.build:vet_changes"),
    ("before", "kgraph.transaction:DataTransaction.commit_point"),
    ("after", "kgraph.transaction:DataTransaction.commit_point"),
    ("before", "kgraph.stores.embedded:EmbeddedStore._swap_pointer"),
    ("after", "kgraph.stores.embedded:EmbeddedStore._swap_pointer"),
    ("before", "kgraph.transaction:_roll_forward"),
    ("after", "kgraph.transaction:_roll_forward"),
]
BUILD_STEPS = [
    ("after", "kgraph.compile.cache:CompileCache.put_entry"),  # the cache has the new card, the store not
    ("after", "kgraph.pipeline.changes:GraphChanges.apply"),  # the checkpoint copy changed, not yet validated
    ("after", "kgraph.build:vet_changes"),
    ("before", "kgraph.stores.embedded:EmbeddedStore._swap_pointer"),
    ("before", "kgraph.stores.embedded:EmbeddedStore._remove_stale"),
    ("after", "kgraph.stores.embedded:EmbeddedStore._swap_pointer"),
]


@pytest.fixture(scope="module")
def small_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Reference data only, built: fast enough to kill and rebuild a dozen times."""
    root = tmp_path_factory.mktemp("faults") / "ws"
    shutil.copytree(Path(__file__).resolve().parent.parent / "data" / "reference", root / "data" / "reference")
    (root / "data" / "sources").mkdir()
    assert _kgraph(root, "build").returncode == 0
    (root / "ged-155395.ttl").write_text(GED_TURTLE, encoding="utf-8")
    return root


def _kgraph(root: Path, *args: str, fault: tuple[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    prefix = [str(RUNNER), *fault, "--"] if fault else ["-m", "kgraph"]
    return subprocess.run(
        [sys.executable, *prefix, *args], cwd=root, capture_output=True, text=True, timeout=300, check=False
    )


@pytest.fixture(scope="module")
def import_states(small_template: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[tuple, tuple]:
    """(store, data/ digest) before and after a clean import, measured once in a throw-away copy."""
    clean = Workspace.copy_of(small_template, tmp_path_factory.mktemp("clean") / "ws")
    old = (clean.comparable_store(), tree_digest(clean.data))
    assert _kgraph(clean.root, "import", "ged-155395.ttl").returncode == 0
    return old, (clean.comparable_store(), tree_digest(clean.data))


@pytest.mark.parametrize("step", IMPORT_STEPS, ids=[f"{w}-{t.split(':')[1]}" for w, t in IMPORT_STEPS])
def test_an_import_killed_at_any_step_is_all_or_nothing(small_template: Path, tmp_path: Path, import_states, step):
    old, new = import_states
    assert old != new
    ws = Workspace.copy_of(small_template, tmp_path / "ws")
    killed = _kgraph(ws.root, "import", "ged-155395.ttl", fault=step)
    assert killed.returncode == KILLED, killed.stdout + killed.stderr

    seen = ws.comparable_store()  # what a reader sees right after the crash
    assert seen in (old[0], new[0])
    recovered = _kgraph(ws.root, "build")  # the next write recovers, then rebuilds from data/
    assert recovered.returncode == 0, recovered.stdout + recovered.stderr
    expected = new if seen == new[0] else old
    assert tree_digest(ws.data) == expected[1]
    assert ws.comparable_store() == expected[0]


@pytest.mark.parametrize("step", BUILD_STEPS, ids=[f"{w}-{t.split(':')[1]}" for w, t in BUILD_STEPS])
def test_a_build_killed_at_any_step_leaves_the_old_or_the_new_store(small_template: Path, tmp_path: Path, step):
    ws = Workspace.copy_of(small_template, tmp_path / "ws")
    old = ws.comparable_store()
    register = ws.data / "reference" / "organisations.yaml"  # a change the new build must show
    register.write_text(register.read_text(encoding="utf-8").replace('version: "2026-11-25"', 'version: "v2"'))
    killed = _kgraph(ws.root, "build", fault=step)
    assert killed.returncode == KILLED, killed.stdout + killed.stderr
    seen = ws.comparable_store()
    rebuilt = _kgraph(ws.root, "build")
    assert rebuilt.returncode == 0, rebuilt.stdout + rebuilt.stderr
    new = ws.comparable_store()
    assert new != old
    assert seen in (old, new)
    name = ws.store_name()
    assert sorted(p.name for p in (ws.store / "stores").iterdir()) == [name, f"{name}.manifest.json"]


UCDP_STEPS = [
    ("after", "kgraph.ucdp.convert:parse_row"),  # the first row is converted, the rest are not
    ("after", "kgraph.ucdp.importer:convert_ged"),  # the whole file converted, not yet validated
]


@pytest.mark.parametrize("step", UCDP_STEPS, ids=[t.split(":")[1] for _w, t in UCDP_STEPS])
def test_an_interrupted_ucdp_import_leaves_no_file_that_later_builds_read(small_template: Path, tmp_path: Path, step):
    ged_sample = require_sample()
    ws = Workspace.copy_of(small_template, tmp_path / "ws")
    old = (ws.comparable_store(), tree_digest(ws.data))
    killed = _kgraph(ws.root, "import-ucdp", str(ged_sample), fault=step)
    assert killed.returncode == KILLED, killed.stdout + killed.stderr
    assert not (ws.data / "imports").exists() or not any((ws.data / "imports").iterdir())
    assert ws.comparable_store() == old[0]
    rebuilt = _kgraph(ws.root, "build")  # recovers (drops the staged conversion), then rebuilds
    assert rebuilt.returncode == 0, rebuilt.stdout + rebuilt.stderr
    assert tree_digest(ws.data) == old[1]
    assert ws.comparable_store() == old[0]
