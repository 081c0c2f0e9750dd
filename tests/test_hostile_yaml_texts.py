"""Hostile YAML, pinned source texts and impossible dates: each refused with file, line and what was expected.

Every case writes one card into a copy of the built workspace and asserts,
through the harness, exit 2, a message naming the file (and line), no
traceback, and a store and ``data/`` left byte-identical. The card is a
trimmed second reading of the founding article, so each test breaks one thing
of a card that otherwise builds (``test_the_template_card_builds`` proves it).
"""

from __future__ import annotations

import hashlib
import time

import pytest

from kgraph.compile.quotes import TextLibrary
from kgraph.errors import CardError, Location
from kgraph.yamlfile import load_yaml

FOUNDING_SHA256 = "b13b18541966c53d49a1bb13dfff35be4335dfb25613af7dafd92a2c28b2157c"
TEXT_LINE = 11  # the line of ``text:`` in the card below: where errors about the text file itself point
SHA_LINE = 13
WHEN_LINE = 27
# The card compiler checks the pin where it stands; TextLibrary checks it again for callers of the API.
SHA_EXPECTED = "sha-?256.*64 .*hex.*digits"


def card(
    name: str = "zz-hostile",
    *,
    curated: str = "2026-11-25",
    text_file: str = "founding-article.txt",
    sha256: str = FOUNDING_SHA256,
    when: str = "1988/1994",
    extra: str = "",
) -> str:
    """A valid card (the name sorts after founding-article.yaml, so it is compiled second)."""
    lines = [
        f"card: {name}",  # 1
        "curator: kgraph-curators",
        f"curated: {curated}",  # 3
        "source:",
        f"  id: {name}-copy",  # 5
        "  kind: news-article",
        "  title: A hostile reading of the founding article",
        "  published: 2025-05-03",
        "  publisher: unverified-publisher",
        "  language: en",  # 10
        "  text:",  # 11
        f"    file: {text_file}",
        f"    sha256: {sha256}",  # 13
        "events:",
        f"  - id: {name}-grave",  # 15
        "    type: MassGraveDiscovery",
        "    label: Mass grave (hostile reading)",
        "claims:",
        f"  - id: {name}-remains",
        f"    about: {name}-grave",  # 20
        "    figure: {measure: remains-found, value: 5, qualifier: exact, low: 5, best: 5, high: 5}",
        "    by: state-commission-az",
        "    quote: remains of five people",
        "    at: 307",
        f"  - id: {name}-war-dates",  # 25
        f"    about: {name}-grave",
        f"    when: {when}",  # 27
        "    by: unverified-publisher",
        "    quote: Karabakh War between 1988 and 1994",
        "    at: 848",  # 30
    ]
    return "\n".join(lines) + "\n" + extra


def test_the_template_card_builds(workspace):
    """The control: without the one broken thing, the card builds and its quotes are checked."""
    workspace.write("data/sources/zz-hostile.yaml", card())
    outcome = workspace.run("build")
    assert outcome.exit_code == 0, outcome.text


# -- YAML resources ---------------------------------------------------------------------------------------------------


def test_an_alias_bomb_under_an_ignored_key_is_refused_at_once(workspace):
    levels = ["  a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    levels += [f"  a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 10)]
    path = workspace.write("data/sources/zz-hostile.yaml", card(extra="ignored:\n" + "\n".join(levels) + "\n"))
    started = time.perf_counter()
    with pytest.raises(CardError, match="anchors and aliases"):
        load_yaml(path)
    assert time.perf_counter() - started < 0.5, "the bomb was expanded before it was refused"
    workspace.refuses("build", file="zz-hostile.yaml", line=32, expected="anchors and aliases .* are not allowed")


def test_a_single_alias_is_refused_too(workspace):
    text = card().replace("  language: en", "  language: &lang en").replace("  kind: news-article", "  kind: *lang")
    workspace.write("data/sources/zz-hostile.yaml", text)
    workspace.refuses("build", file="zz-hostile.yaml", line=6, expected="anchors and aliases")


@pytest.mark.parametrize("depth", [100_000, 2_000])
def test_deep_nesting_is_refused_before_it_is_built(workspace, depth):
    """100,000 levels crashed the interpreter and 2,000 raised RecursionError inside ruamel's composer."""
    workspace.write("data/sources/zz-hostile.yaml", card(extra="note: " + "[" * depth + "]" * depth + "\n"))
    workspace.refuses("build", file="zz-hostile.yaml", line=31, expected="nested deeper than 64 levels")


def test_deep_block_nesting_is_refused_at_its_line(workspace):
    nested = "".join("  " * level + f"k{level}:\n" for level in range(1, 80))  # k1 is the note's, on line 32
    workspace.write("data/sources/zz-hostile.yaml", card(extra="note:\n" + nested))
    # the top mapping is level 1, k1's line 32 opens level 2, so level 65 (one too many) opens on line 95
    workspace.refuses("build", file="zz-hostile.yaml", line=95, expected="nested deeper than 64 levels")


def test_a_card_over_the_size_limit_is_refused(workspace):
    founding = (workspace.data / "sources" / "founding-article.yaml").stat().st_size
    padding = "x" * (founding + 1000)
    workspace.write("data/sources/zz-hostile.yaml", card(extra=f"note: {padding}\n"))
    workspace.refuses(
        "build",
        file="zz-hostile.yaml",
        expected="more than the [0-9,]+ allowed .*KGRAPH_MAX_CARD_BYTES",
        env={"KGRAPH_MAX_CARD_BYTES": str(founding + 500)},
    )


def test_a_card_that_is_not_utf8_is_refused_at_its_line(workspace):
    text = card().replace("A hostile reading", "Caf\udce9 reading").encode("utf-8", "surrogateescape")
    workspace.write("data/sources/zz-hostile.yaml", text)
    workspace.refuses("build", file="zz-hostile.yaml", line=7, expected="not UTF-8 text")


def test_a_mapping_used_as_a_key_is_refused(workspace):
    workspace.write("data/sources/zz-hostile.yaml", card(extra="? [a, b]\n: c\n"))
    workspace.refuses("build", file="zz-hostile.yaml", line=31, expected="expected a plain key")


# -- pinned source texts ----------------------------------------------------------------------------------------------


def test_a_wrong_sha256_on_a_second_card_citing_the_same_text_is_refused(workspace):
    """The founding card loads the text first; the second card's wrong pin must still be checked."""
    wrong = "0123456789abcdef" * 4
    workspace.write("data/sources/zz-hostile.yaml", card(sha256=wrong))
    workspace.refuses("build", file="zz-hostile.yaml", line=TEXT_LINE, expected=f"expected {wrong}")


def test_a_sha256_yaml_reads_as_the_integer_zero_is_refused(workspace):
    workspace.write("data/sources/zz-hostile.yaml", card(sha256="0" * 64))
    workspace.refuses("build", file="zz-hostile.yaml", line=SHA_LINE, expected=SHA_EXPECTED + ".*quotes")


def test_a_short_sha256_is_refused(workspace):
    workspace.write("data/sources/zz-hostile.yaml", card(sha256="b13b18541966c53d"))
    workspace.refuses("build", file="zz-hostile.yaml", line=SHA_LINE, expected=SHA_EXPECTED)


def test_a_cited_text_that_is_not_utf8_is_refused(workspace):
    raw = b"Remains of five people were found \xff\xfe during roadworks.\n"
    workspace.write("data/texts/latin1.txt", raw)
    pin = hashlib.sha256(raw).hexdigest()
    workspace.write("data/sources/zz-hostile.yaml", card(text_file="latin1.txt", sha256=pin))
    outcome = workspace.refuses("build", file="zz-hostile.yaml", line=TEXT_LINE, expected="not UTF-8 text")
    assert "latin1.txt" in outcome.text


def test_the_text_library_checks_every_pin_it_is_given(tmp_path):
    """The library itself (used beyond the card compiler) re-checks a cached text's pin and refuses bad pins."""
    raw = b"Remains of five people.\n"
    (tmp_path / "t.txt").write_bytes(raw)
    (tmp_path / "bad.txt").write_bytes(b"caf\xe9\n")
    library = TextLibrary([tmp_path])
    where = Location("card.yaml", 11)
    assert library.text_for("t.txt", hashlib.sha256(raw).hexdigest(), where) == raw.decode()
    with pytest.raises(CardError, match=r"has sha256 .* expected 0123"):
        library.text_for("t.txt", "0123456789abcdef" * 4, where)
    for pin in (0, "b13b18541966c53d", "g" * 64, ""):
        with pytest.raises(CardError, match="expected a SHA-256: 64 hexadecimal digits"):
            library.text_for("t.txt", pin, where)
    with pytest.raises(CardError, match=r"bad\.txt is not UTF-8 text"):
        library.text_for("bad.txt", hashlib.sha256(b"caf\xe9\n").hexdigest(), where)
    with pytest.raises(CardError, match="name of a file"):
        library.text_for("../t.txt", None, where)


@pytest.mark.parametrize("name", ["../sources/founding-article.yaml", "/etc/hostname"])
def test_a_text_outside_the_text_folders_is_refused(workspace, name):
    workspace.write("data/sources/zz-hostile.yaml", card(text_file=name))
    workspace.refuses(
        "build", file="zz-hostile.yaml", line=TEXT_LINE + 1, expected="expected the .*file name|name of a file"
    )


# -- dates ------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        ("1992-02-30", "not a valid date"),  # unquoted: the YAML constructor itself fails
        ("0000-01-01", "not a valid date"),
        ('"0000-01-01"', "not a valid date"),
        ("-0500", "outside the years 1-9999"),  # unquoted: YAML reads the integer -500
        ('"-0500"', "outside the years 1-9999"),
        ("Y170000002", "outside the years 1-9999"),
        ("Y-170000002", "outside the years 1-9999"),
        ('"[' + ",".join(["1667"] * 60) + ']"', "at most 100"),  # the EDTF grammar takes seconds on long sets
    ],
)
def test_an_impossible_claim_date_is_refused_at_its_line(workspace, when, expected):
    workspace.write("data/sources/zz-hostile.yaml", card(when=when))
    workspace.refuses("build", file="zz-hostile.yaml", line=WHEN_LINE, expected=expected)


@pytest.mark.parametrize("curated", ["2026-13-45", "0000-01-01"])
def test_an_impossible_curation_date_is_refused_at_its_line(workspace, curated):
    workspace.write("data/sources/zz-hostile.yaml", card(curated=curated))
    workspace.refuses("build", file="zz-hostile.yaml", line=3, expected="not a valid date")
