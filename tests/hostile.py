"""The harness for hostile-input tests: a private workspace, the CLI run in it, and proof that nothing changed.

Every bad-input test states three things: the exit code, a message that names
the file (and line) and what was expected, and a store and ``data/`` that are
byte-identical before and after. ``Workspace.refuses`` checks all three, plus
that no traceback and no "internal error" reached the user.

The CLI runs in-process through click's runner (an exception that escapes
kgraph's own handling fails the test with its traceback), so a corpus of a
hundred cases stays fast; the fault-injection tests start real processes.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from click.testing import CliRunner

PROJECT = Path(__file__).resolve().parent.parent
DATA = PROJECT / "data"


@dataclass
class Outcome:
    exit_code: int
    stdout: str
    stderr: str
    exception: BaseException | None

    @property
    def text(self) -> str:
        """Both streams with whitespace folded, as the user reads them."""
        return " ".join((self.stdout + "\n" + self.stderr).split())


def tree_digest(root: Path) -> dict[str, str]:
    """Path → SHA-256 of every file under ``root`` (empty when it does not exist)."""
    if not root.exists():
        return {}
    if root.is_file():
        return {root.name: hashlib.sha256(root.read_bytes()).hexdigest()}
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "<dir>"
        for path in sorted(root.rglob("*"))
    }


class Workspace:
    """A folder with its own ``data/`` and built ``.kgraph/``, where a test may do damage."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.data = root / "data"
        self.store = root / ".kgraph"

    @classmethod
    def copy_of(cls, template: Path, target: Path) -> Workspace:
        shutil.copytree(template, target, symlinks=True)
        return cls(target)

    def write(self, relative: str, text: str | bytes) -> Path:
        """A file under the workspace (e.g. ``data/sources/bad.yaml``); returns its path."""
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
        return path

    def store_dump(self) -> bytes:
        """The store's quads, sorted; empty when nothing is built."""
        from kgraph.stores.embedded import EmbeddedStore

        if not (self.store / "CURRENT").exists():
            return b""
        store = EmbeddedStore(self.store, read_only=True)
        try:
            return store.dump_nquads()
        finally:
            store.close()

    def comparable_store(self) -> tuple[bytes, int]:
        """The store's data graphs as sorted N-Quads, and the size of the ontology graph.

        Rebuilt stores cannot be compared byte for byte: Oxigraph relabels blank
        nodes on every load, and the ontology (the only graph with blank nodes,
        which no import or card may change) has some.
        """
        ontology = b"<https://w3id.org/kgraph/id/graph/ontology> .\n"
        lines = self.store_dump().splitlines(keepends=True)
        data = b"".join(line for line in lines if not line.endswith(ontology))
        return data, len(lines) - data.count(b"\n")

    def store_name(self) -> str:
        """The folder name under ``.kgraph/stores/`` that the pointer names."""
        return (self.store / "CURRENT").read_text(encoding="utf-8").strip().rsplit("/", 1)[-1]

    def state(self) -> tuple[bytes, dict[str, str], str]:
        """What must not change: the store's content, every file of data/, and the store pointer."""
        pointer = self.store / "CURRENT"
        return (
            self.store_dump(),
            tree_digest(self.data),
            pointer.read_text(encoding="utf-8") if pointer.is_file() else "",
        )

    def run(self, *args: str, stdin: str | None = None, env: dict[str, str] | None = None) -> Outcome:
        """The ``kgraph`` command with ``args``, run in this workspace as its current folder."""
        from kgraph.cli import main

        runner = CliRunner()
        previous = Path.cwd()
        os.chdir(self.root)
        try:
            result = runner.invoke(main, list(args), input=stdin, env=env, catch_exceptions=True)
        finally:
            os.chdir(previous)
        exception = result.exception if not isinstance(result.exception, SystemExit) else None
        return Outcome(result.exit_code, result.stdout, result.stderr, exception)

    def refuses(
        self,
        *args: str,
        file: str,
        expected: str,
        line: int | None = None,
        exit_code: int = 2,
        stdin: str | None = None,
        env: dict[str, str] | None = None,
    ) -> Outcome:
        """Run ``args`` and assert a clean refusal that changed nothing; returns the outcome for more checks.

        ``file`` is the file name the message must name (with ``:line`` when
        ``line`` is given); ``expected`` is a regular expression for what the
        message says was expected.
        """
        before = self.state()
        outcome = self.run(*args, stdin=stdin, env=env)
        assert outcome.exception is None, f"an exception escaped: {outcome.exception!r}\n{outcome.text}"
        assert "Traceback" not in outcome.text, outcome.text
        assert "internal error" not in outcome.text, outcome.text
        assert outcome.exit_code == exit_code, f"exit {outcome.exit_code}, expected {exit_code}: {outcome.text}"
        named = f"{file}:{line}" if line is not None else file
        assert named in outcome.text, f"the message does not name {named!r}: {outcome.text}"
        assert re.search(expected, outcome.text, flags=re.IGNORECASE), f"no {expected!r} in: {outcome.text}"
        after = self.state()
        assert after[2] == before[2], "the store pointer changed"
        assert after[1] == before[1], f"data/ changed: {_diff(before[1], after[1])}"
        assert after[0] == before[0], "the store's content changed"
        return outcome


def _diff(before: dict[str, str], after: dict[str, str]) -> list[str]:
    return sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
