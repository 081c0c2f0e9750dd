"""The store folder and data/ as hostile input: a forged pointer, corrupt files, a file where a folder goes.

Also what the command prints: text from a card reaches the terminal as
written, never as Rich markup or terminal control sequences, and cut short
when it is huge.
"""

from __future__ import annotations

import os
from pathlib import Path

from conftest import FIXTURES
from hostile import tree_digest

GOOD = (FIXTURES / "cards" / "good-second-reading.yaml").read_text(encoding="utf-8")


def with_key(key: str) -> str:
    """The valid fixture card with one unknown top-level key, whose name the refusal quotes."""
    return GOOD.rstrip("\n") + f"\n{key}: 1\n"


def test_a_pointer_leading_out_of_the_store_is_set_aside_and_nothing_is_written_there(workspace):
    reference_before = tree_digest(workspace.data / "reference")
    (workspace.store / "CURRENT").write_text("../data/reference\n", encoding="utf-8")
    outcome = workspace.run("build")
    assert outcome.exception is None and outcome.exit_code == 0, outcome.text
    assert "set aside" in outcome.text and "expected stores/store-" in outcome.text
    assert tree_digest(workspace.data / "reference") == reference_before
    assert workspace.store_name().startswith("store-")
    aside = sorted(workspace.store.glob("corrupt-*"))
    assert len(aside) == 1 and (aside[0] / "CURRENT").read_text(encoding="utf-8").strip() == "../data/reference"


def test_a_reader_refuses_a_forged_pointer_without_moving_anything(workspace):
    (workspace.store / "CURRENT").write_text("/etc\n", encoding="utf-8")
    before = tree_digest(workspace.store)
    outcome = workspace.run("stats")
    assert outcome.exit_code == 2 and outcome.exception is None, outcome.text
    assert ".kgraph/CURRENT names '/etc'" in outcome.text and "sets it aside" in outcome.text
    assert "Traceback" not in outcome.text
    assert tree_digest(workspace.store) == before


def test_corrupt_store_files_are_set_aside_and_the_store_rebuilt(workspace):
    live = workspace.store / "stores" / workspace.store_name()
    for path in live.iterdir():
        if path.is_file() and (path.suffix in {".sst", ".log"} or path.name.startswith(("MANIFEST", "CURRENT"))):
            path.write_bytes(b"\x00garbage" * 64)
    outcome = workspace.run("build")
    assert outcome.exception is None and outcome.exit_code == 0, outcome.text
    assert "set aside" in outcome.text
    assert len(list(workspace.store.glob("corrupt-*"))) == 1
    stats = workspace.run("stats")
    assert stats.exit_code == 0 and "claims" in stats.text, stats.text


def test_an_imports_folder_that_is_a_file_refuses_the_import_and_changes_nothing(workspace, tmp_path: Path):
    (workspace.data / "imports").write_text("not a folder\n", encoding="utf-8")
    extra = tmp_path / "extra.nt"
    extra.write_text('<https://example.org/a> <http://www.w3.org/2000/01/rdf-schema#label> "a" .\n', encoding="utf-8")
    workspace.refuses("import", str(extra), file="imports", expected="expected a folder")


def test_an_import_error_names_the_users_file_not_kgraphs_staged_copy(workspace, tmp_path: Path):
    broken = tmp_path / "broken.ttl"
    broken.write_text("@prefix ex: <https://example.org/> .\nex:a ex:b ex:c ;\nex:d .\n", encoding="utf-8")
    outcome = workspace.refuses("import", str(broken), file="broken.ttl", expected="expected|syntax|parse")
    assert ".kgraph-staging" not in outcome.text


def test_a_failed_import_releases_the_store_for_the_next_command(workspace, tmp_path: Path):
    broken = tmp_path / "broken.nt"
    broken.write_text("<https://example.org/a> <https://example.org/b> .\n", encoding="utf-8")
    first = workspace.run("import", str(broken))
    second = workspace.run("import", str(broken))
    assert first.exit_code == second.exit_code == 2, second.text
    assert "in use by another process" not in second.text
    assert first.text == second.text


def test_markup_and_control_characters_from_a_card_are_printed_as_written(workspace):
    key = '"[/x] [link=https://example.org]x\\e[31mred\\u0007"'
    workspace.write("data/sources/markup.yaml", with_key(key))
    outcome = workspace.refuses("validate", file="markup.yaml", expected="unknown key")
    assert "[/x] [link=https://example.org]" in outcome.stderr
    assert "\x1b" not in outcome.stderr and "\x07" not in outcome.stderr
    assert "\\x1b[31mred\\x07" in outcome.stderr


def test_a_huge_value_is_cut_short_in_the_message(workspace):
    card = GOOD.replace("curated: 2026-11-25", "curated: " + "9" * 100_000, 1)
    assert card != GOOD
    workspace.write("data/sources/huge.yaml", card)
    outcome = workspace.refuses("validate", file="huge.yaml", line=5, expected="cannot read")
    assert len(outcome.stderr) < 10_000 and "…" in outcome.stderr


def test_every_printed_message_is_bounded_and_free_of_control_characters():
    from kgraph.cli_output import MESSAGE_LIMIT, visible

    shown = visible("\x1b[2J" + "x" * (MESSAGE_LIMIT * 3) + "\x00")
    assert shown.startswith("\\x1b[2J") and "\x1b" not in shown and "\x00" not in shown
    assert len(shown) < MESSAGE_LIMIT + 50 and shown.endswith("more characters)")
    assert visible("tab\tand\nline") == "tab\tand\nline"


def test_building_without_a_data_folder_is_refused(workspace):
    os.rename(workspace.data, workspace.root / "elsewhere")
    outcome = workspace.run("build")
    assert outcome.exit_code == 2 and "no data folder" in outcome.text, outcome.text
    assert "Traceback" not in outcome.text
