"""Hostile values in cards and reference files: each class is refused with file, line and what was expected.

Every case starts from the valid fixture card (tests/fixtures/cards/good-second-reading.yaml),
changes one value, and asks the harness for a clean refusal: exit 2, ``file:line``, the
expectation in words, no traceback, and a store and data/ that did not change.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from rdflib import Literal
from rdflib.namespace import XSD

from conftest import FIXTURES
from kgraph.compile.files import compile_data
from kgraph.compile.vocab import COUNT_UNITS, DURATION_UNITS, MEASURE_UNITS, MEASURES, UNITS
from kgraph.namespaces import KG, KGR

GOOD = (FIXTURES / "cards" / "good-second-reading.yaml").read_text(encoding="utf-8")
TEXT_BLOCK = re.search(r"  text:\n(    .*\n)+", GOOD).group(0)  # type: ignore[union-attr]
FIGURE = "figure: {measure: remains-found, value: 5, qualifier: exact, low: 5, best: 5, high: 5}"


def changed(old: str, new: str, base: str = GOOD) -> str:
    """The good card with one piece of it replaced; fails loudly if the fixture no longer holds ``old``."""
    assert base.count(old) == 1, f"the fixture card no longer holds exactly one {old!r}"
    return base.replace(old, new)


def line_with(text: str, needle: str) -> int:
    """1-based line of the first line of ``text`` holding ``needle``: where the error must point."""
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} is not in the card")


def refuse_card(workspace, card: str, needle: str, expected: str) -> None:
    workspace.write("data/sources/hostile.yaml", card)
    workspace.refuses("build", file="hostile.yaml", line=line_with(card, needle), expected=expected)


def test_the_base_card_builds(workspace):
    """Without this, every refusal below could be the base card's own fault."""
    workspace.write("data/sources/hostile.yaml", GOOD)
    outcome = workspace.run("build")
    assert outcome.exit_code == 0, outcome.text


SLUG_EXPECTED = "lower-case letters, digits and hyphens"


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("card: second-reading", 'card: "../../../tmp/x"'),
        ("card: second-reading", "card: import/x"),
        ("card: second-reading", "card: Second-Reading"),
        ("card: second-reading", "card: 7"),
        ("id: second-reading-copy", "id: second reading copy"),
        ("id: second-reading-grave\n", "id: 5\n"),
        ("id: second-reading-grave\n", "id: [a]\n"),
        ("id: grave-near-shusha", 'id: "grave near shusha"'),
        ("id: grave-near-shusha", 'id: "../grave"'),
        ("id: grave-near-shusha", "id: grave-\u0663"),  # an Arabic-Indic digit: isdigit() says yes
        ("id: grave-near-shusha", "id: 12"),
    ],
    ids=["dotdot", "slash", "upper", "integer-card", "space-source", "integer-entity", "list-entity",
         "space-claim", "dotdot-claim", "unicode-digit", "integer-claim"],
)  # fmt: skip
def test_ids_are_slugs_everywhere(workspace, old, new):
    card = changed(old, new)
    refuse_card(workspace, card, new.split("\n")[0], SLUG_EXPECTED)


def test_a_card_may_not_take_a_reserved_graph_name(workspace):
    for reserved in ("ontology", "import"):
        card = changed("card: second-reading", f"card: {reserved}")
        refuse_card(workspace, card, f"card: {reserved}", rf"reserved.*kgr:graph/{reserved}")
    reference = "dataset:\n  id: ontology\n  title: A dataset posing as the ontology\n  maintainer: kgraph-curators\n"
    workspace.write("data/reference/zz-hostile.yaml", reference)
    workspace.refuses("build", file="zz-hostile.yaml", line=2, expected=r"reserved.*kgr:graph/ontology")


@pytest.mark.parametrize(
    ("old", "new", "needle", "expected"),
    [
        ("curator: kgraph-curators", "curator: kgraph-curators\ncurater: someone", "curater",
         r"unknown key 'curater' in a source card; expected one of: card, claims, curated"),
        ("curator: kgraph-curators", "curator: kgraph-curators\n7: seven", "7: seven", r"unknown key 7"),
        ("  kind: news-article", "  kind: news-article\n  titel: A misspelt title", "titel",
         r"unknown key 'titel' in 'source:'; expected one of: id, kind, language, note, published"),
        ("    file: founding-article.txt", "    file: founding-article.txt\n    sha: abc", "sha: abc",
         r"unknown key 'sha' in 'source: text:'; expected one of: file, sha256"),
        (TEXT_BLOCK, "  text: founding-article.txt\n", "text: founding-article.txt", r"expected 'text:' as \{file"),
    ],
    ids=["top-level", "integer-key", "source", "source-text", "text-not-a-mapping"],
)  # fmt: skip
def test_unknown_keys_in_a_card_are_refused(workspace, old, new, needle, expected):
    refuse_card(workspace, changed(old, new), needle, expected)


def test_unknown_keys_in_a_reference_file_are_refused(workspace):
    base = "dataset:\n  id: hostile-reference\n  title: Hostile reference\n  maintainer: kgraph-curators\n"
    cases = [
        (base.replace("  title:", "  versoin: 2\n  title:"), 3, r"unknown key 'versoin' in 'dataset:'.*maintainer"),
        (base + "claims: []\n", 5, r"unknown key 'claims' in a reference file; expected one of: dataset"),
    ]
    for text, line, expected in cases:
        workspace.write("data/reference/zz-hostile.yaml", text)
        workspace.refuses("build", file="zz-hostile.yaml", line=line, expected=expected)


@pytest.mark.parametrize(
    "address",
    [
        "'https://example.org/a page'",
        "'https://example.org/<script>'",
        "'https://example.org/\"quoted\"'",
        '"https://example.org/\\x01control"',
        '"https://example.org/\\ttab"',
        "javascript:alert(1)",
        "file:///etc/passwd",
        "ftp://example.org/file",
        "https:no-host",
        '["https://example.org/"]',
        "42",
    ],
    ids=["space", "angle-brackets", "quotes", "control", "tab", "javascript", "file", "ftp", "no-host", "list", "int"],
)
def test_source_urls_are_http_iris_without_forbidden_characters(workspace, address):
    card = changed("  language: en", f"  url: {address}\n  language: en")
    refuse_card(workspace, card, "  url:", r"expected (the source URL as )?an http:// or https:// URL")


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("published: 2025-05-03", 'published: "2026-13-45"'),
        ("published: 2025-05-03", "published: 2026-13-45"),
        ("published: 2025-05-03", "published: '2025-02-30'"),
        ("published: 2025-05-03", "published: 2025"),
        ("curated: 2026-11-25", "curated: 2026-13-45"),
        ("curated: 2026-11-25", 'curated: "2026-13-45"'),
        ("curated: 2026-11-25", "curated: [2026, 11, 25]"),
        ("curated: 2026-11-25", "curated: {day: 25}"),
    ],
    ids=["published-quoted", "published-unquoted", "published-feb-30", "published-year",
         "curated-unquoted", "curated-quoted", "curated-list", "curated-mapping"],
)  # fmt: skip
def test_published_and_curated_are_real_dates(workspace, old, new):
    card = changed(old, new)
    refuse_card(workspace, card, new, r"expected a (real )?calendar date.*YYYY-MM-DD")


@pytest.mark.parametrize(
    ("figure", "expected"),
    [
        ("value: -5", r"figure value as a number from 0, got -5"),
        ("value: .nan", r"value as a finite number, got nan"),
        ("value: .inf", r"value as a finite number, got inf"),
        ("value: -.inf", r"value as a finite number, got -inf"),
        ("value: 1e309", r"value as a finite number, got inf.*1e308"),
        ("value: 5.5", r"figure value as a whole number of persons, got 5.5"),
        ("value: 5, unit: bodies, low: 4.5", r"figure low as a whole number of bodies, got 4.5"),
        ("value: 5, high: .nan", r"high as a finite number, got nan"),
        ("value: 5, best: -1", r"figure best as a number from 0"),
        ("value: 18446744073709551616", r"value as a number up to 9223372036854775807"),
        ("value: '5'", r"value as a number, got '5'"),
        ("value: true", r"value as a number, got True"),
        ("value: [5]", r"value as a number, got \[5\]"),
    ],
    ids=["negative", "nan", "inf", "minus-inf", "1e309", "half-person", "half-body", "nan-high", "negative-best",
         "2-to-the-64", "string", "bool", "list"],
)  # fmt: skip
def test_counts_are_whole_numbers_from_zero(workspace, figure, expected):
    card = changed(FIGURE, f"figure: {{measure: remains-found, qualifier: exact, {figure}}}")
    refuse_card(workspace, card, "figure:", expected)


@pytest.mark.parametrize(
    ("figure", "expected"),
    [
        ("measure: killed, value: 5.5, unit: hours", r"killed is expected in bodies.*persons.*got unit 'hours'"),
        ("measure: duration, value: 2", r"a figure of duration is expected in days, hours, years, got unit 'persons'"),
        ("measure: duration, value: -1.5, unit: hours", r"figure value as a number from 0"),
        ("measure: duration, value: 1.5, unit: hours, low: 1e-30", r"at most 18 decimal places"),
    ],
    ids=["count-as-hours", "duration-as-persons", "negative-duration", "too-fine"],
)  # fmt: skip
def test_decimals_only_where_the_unit_measures_time(workspace, figure, expected):
    card = changed(FIGURE, f"figure: {{{figure}}}")
    refuse_card(workspace, card, "figure:", expected)


def test_allowed_figures_keep_their_type(workspace):
    """1.5 hours stays a decimal; a whole count typed 1e3 or 5.0 is stored as the integer it is."""
    card = changed(FIGURE, "figure: {measure: duration, value: 1.5, unit: hours}")
    card += (
        "  - id: grave-remains-thousand\n    about: second-reading-grave\n"
        "    figure: {measure: remains-found, value: 1e3, low: 5.0}\n"
        "    by: state-commission-az\n    quote: remains of five people\n    at: 307\n"
    )
    workspace.write("data/sources/hostile.yaml", card)
    graph = compile_data(workspace.data).dataset.graph(KGR["graph/second-reading"])
    duration = KGR["figure/second-reading/grave-remains"]
    thousand = KGR["figure/second-reading/grave-remains-thousand"]
    assert graph.value(duration, KG.value) == Literal(Decimal("1.5"), datatype=XSD.decimal)
    assert graph.value(thousand, KG.value) == Literal(1000, datatype=XSD.integer)
    assert graph.value(thousand, KG.low) == Literal(5, datatype=XSD.integer)


def test_every_unit_is_a_count_or_a_duration():
    """figure_number refuses a unit that is neither, so a new unit must be classified when it is added."""
    assert set(UNITS) == COUNT_UNITS | DURATION_UNITS
    assert not COUNT_UNITS & DURATION_UNITS
    assert set(MEASURE_UNITS) <= set(MEASURES)


CLAIM = "    by: state-commission-az\n    quote: found during roadworks near Shusha\n    at: 334\n"


@pytest.mark.parametrize(
    ("old", "new", "needle", "expected"),
    [
        ("label: Mass grave found near Shusha (second reading)", "label: {text: a grave}", "label:",
         r"expected the label of event 'second-reading-grave' as text"),
        ("label: Mass grave found near Shusha (second reading)", "label: [a, b]", "label:", "as text"),
        ("    type: MassGraveDiscovery", "    type: [MassGraveDiscovery]", "type:", "expected a event type"),
        ("    type: MassGraveDiscovery", "    type: MassGraveDiscovery\n    note: {a: 1}", "note:",
         "expected the note of 'second-reading-grave' as text"),
        ("    type: MassGraveDiscovery", "    type: MassGraveDiscovery\n    names: Shusha grave\n    evidence: x",
         "names:", r"expected 'names:' as a list"),
        ("  kind: news-article", "  kind: [news-article]", "kind:", r"expected a source kind \(news-article"),
        ("  language: en", "  language: e n", "language:", "expected a language tag"),
        ("  language: en", "  language: en\n  publisher_verified: 'no'", "publisher_verified",
         "expected publisher_verified as true or false"),
        ("  language: en", "  language: en\n  title2: x", "title2", "unknown key 'title2'"),
        ("    file: founding-article.txt", "    file: ../../etc/passwd", "file:", r"file name \(no folders\)"),
        ("    sha256: b13b18541966c53d49a1bb13dfff35be4335dfb25613af7dafd92a2c28b2157c",
         "    sha256: " + "0" * 64, "sha256:", "sha256 as 64 lower-case hex digits in quotes, got 0"),
        (CLAIM, CLAIM + "    stance: [asserted]\n", "stance:", r"expected a stance \(asserted"),
        (CLAIM, CLAIM + "    corrects: [war-dates]\n", "corrects:", "the ID of the claim corrected"),
        (CLAIM, CLAIM + "    note: {a: 1}\n", "note: {a", "expected the note as text"),
        (CLAIM, CLAIM + "    confidence: true\n", "confidence:", "expected a confidence from 0 to 1"),
        ("place: shusha", "name: {text: Shusha, lang: en, used_by: 5}", "name:", "used_by as an ID or a list"),
        ("place: shusha", "name: {text: {a: 1}, lang: en}", "name:", "expected the name's text as text"),
        ("place: shusha", "name: {text: Shusha, lang: en, script: latn}", "name:", "unknown key 'script' in a name"),
        ("place: shusha", "participant: {who: state-commission-az, role: {a: 1}}", "participant:",
         r"expected a role \(perpetrator"),
        ("place: shusha", "point: {lat: 39.7, lon: 46.7, srid: 4326}", "point:", "unknown key 'srid' in a point"),
        ("place: shusha", "point: {lat: .nan, lon: 46.7}", "point:", "lat as a finite number"),
        ("place: shusha", "same_event_as: 'kgr:event/../../graph/ontology'", "same_event_as:",
         "an event ID after kgr:event/"),
        ("when: 1988/1994", "when: '-0500'", "when:", r"-0500.*(year|date)|(year|date).*-0500"),
        (FIGURE, "figure: {measure: [killed], value: 5}", "figure:", r"expected a measure \(killed"),
        (FIGURE, "figure: {measure: killed, value: 5, part_of: [war-dates]}", "figure:", "no figure claim"),
    ],    ids=[
        "label-mapping", "label-list", "type-list", "entity-note-mapping", "names-string", "kind-list",
        "language-space", "publisher-verified-string", "source-extra-key", "text-file-path", "sha256-integer",
        "stance-list", "corrects-list", "claim-note-mapping", "confidence-bool", "used-by-int", "name-text-mapping",
        "name-extra-key", "role-mapping", "point-extra-key", "point-nan", "same-event-path", "when-negative-year",
        "measure-list", "part-of-list",
    ],
)  # fmt: skip
def test_values_of_the_wrong_shape_are_refused(workspace, old, new, needle, expected):
    """A list where a word belongs, a mapping as a label, a yes/no as a string: each named, none a traceback."""
    card = changed(old, new)
    refuse_card(workspace, card, needle, expected)


def test_the_shipped_data_passes_every_check(workspace):
    """The rules above are ones the project's own data already keeps: it compiles, card and references alike."""
    compiled = compile_data(workspace.data)
    graphs = {str(graph) for graph in compiled.graph_files}
    assert {
        str(KGR[f"graph/{name}"]) for name in ("founding-article", "kgraph-gazetteer", "kgraph-organisations")
    } <= graphs
