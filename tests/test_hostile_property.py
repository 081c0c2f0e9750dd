"""Property-based hostile input: whatever cards, imports and queries a user feeds it, kgraph never shows a traceback.

The corpus tests (one per class of bad input) pin each message; this file
checks only the promise that holds for *every* input: exit 0, 1 or 2, no
exception escaping kgraph's own handling, no "Traceback" or "internal error",
an exit 2 that says ``error:`` and names the input file, and a store and
``data/`` left unchanged by a command that did not succeed.

Examples are derandomised so CI replays the same inputs every run. Hypothesis
and function-scoped fixtures do not mix, so the commands that must not write
(``validate`` of a card kept outside ``data/``, ``query``) share one
workspace per module, and the writing ones (``build``, ``import``) get a
fresh copy of the built template per example.
"""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from hostile import Outcome, Workspace, tree_digest

FIXTURE_CARD = Path(__file__).resolve().parent / "fixtures" / "cards" / "good-second-reading.yaml"
BASE_CARD: dict[str, Any] = YAML(typ="safe").load(FIXTURE_CARD.read_text(encoding="utf-8"))
CARD = "fuzzed-card.yaml"
UPDATE_WORDS = re.compile(r"\b(INSERT|DELETE|LOAD|CLEAR|DROP|CREATE|ADD|MOVE|COPY|WITH)\b", re.IGNORECASE)


# -- YAML text from Python values, with raw tokens for what YAML itself reads oddly --------------------------------


def _words(text: str) -> list[str]:
    return text.split()


class Raw(str):
    """A scalar written as is, unquoted: ``1e309``, ``.nan``, ``1992-02-30``, ``!!binary ...``."""


RAW_SCALARS = [
    token.replace(r"\x20", " ").replace(r"\n", "\n")
    for token in _words(r"""
1e309 -1e309 .nan .NaN .inf -.inf -5 -0 5.5 0x1F 0o17 1_000 99999999999999999999999999 1992-02-30 0000-01-01
2026-13-45 -0500 Y170000002 1988/1994 199X 2023-09~ 2020-23 2025-05-03T10:00:00Z ~ null true no on '' ""
!!binary\x20aGVsbG8= !!set\x20{a,\x20b} !!omap\x20[a:\x201] !!float\x2012 !!int\x20twelve !!str\x201
!!timestamp\x202001-13-14 !<tag:yaml.org,2002:python/object/apply:os.getcwd>\x20[] !custom\x20x *undefined
&anchor\x20x "\ud800" "\x00" "\U0010FFFF" [] {} [1,\x20[2,\x20[3]]] {a:\x20{b:\x20{c:\x20d}}}
"javascript:alert(1)" "http://exa\x20mple.org/<a>\"q" "../../../tmp/x" ontology founding-article shusha
state-commission-az Q158903 '[/]' '[bold\x20red]x[/]' '%s%n{0}' 'line\nnext' '12:30' '#comment' |\n\x20\x20block
""")
]
SLUGS = [
    *_words("second-reading founding-article ontology shusha state-commission-az azerbaijani-civilians a/b -x"),
    *_words("khojaly-killings-1992 second-reading-grave grave-remains"),
    *["Bad Slug", "", "x" * 300],
]

_PRINTABLE_RANGES = ((0x20, 0x7E), (0xA0, 0xD7FF), (0xE000, 0xFFFD), (0x10000, 0x10FFFF))


def _quote(text: str) -> str:
    """A YAML double-quoted scalar holding exactly ``text`` (non-printables escaped, so the YAML stays valid)."""
    parts = ['"']
    for char in text:
        code = ord(char)
        if char in '"\\':
            parts.append("\\" + char)
        elif code != 0xFEFF and any(low <= code <= high for low, high in _PRINTABLE_RANGES):
            parts.append(char)
        else:
            parts.append(f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}")
    return "".join(parts) + '"'


def _scalar(value: Any) -> str:
    if isinstance(value, Raw):
        return str(value)
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if value != value:
            return ".nan"
        return {float("inf"): ".inf", float("-inf"): "-.inf"}.get(value, repr(value))
    if isinstance(value, int | dt.date):
        return value.isoformat() if isinstance(value, dt.date) else str(value)
    if isinstance(value, dict | list):
        return "{}" if isinstance(value, dict) else "[]"
    return _quote(str(value))


def _is_block(value: Any) -> bool:
    return isinstance(value, dict | list) and not isinstance(value, Raw) and len(value) > 0


def _lines(value: Any, indent: int) -> list[str]:
    pad = " " * indent
    lines: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            head = f"{pad}{_scalar(key)}:"
            lines += [head, *_lines(item, indent + 2)] if _is_block(item) else [f"{head} {_scalar(item)}"]
    else:
        for item in value:
            if _is_block(item):
                nested = _lines(item, indent + 2)
                lines += [f"{pad}- {nested[0][indent + 2 :]}", *nested[1:]]
            else:
                lines.append(f"{pad}- {_scalar(item)}")
    return lines


def emit_yaml(card: dict[Any, Any]) -> str:
    return "\n".join(_lines(card, 0)) + "\n"


# -- strategies: cards --------------------------------------------------------------------------------------------

_keys = st.one_of(
    st.sampled_from(["ontology", "card", "id", "note", "extra", "__class__", "source", "url", "figure", "when"]),
    st.text(min_size=1, max_size=12),
    st.integers(-3, 3),
    st.none(),
    st.dates(),
)
_leaves = st.one_of(
    st.sampled_from(RAW_SCALARS).map(Raw),
    st.sampled_from(SLUGS),
    st.integers(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=40),
    st.integers(1_000, 200_000).map(lambda n: "w " * (n // 2)),
    st.dates(),
    st.datetimes(),
    st.booleans(),
    st.none(),
)
hostile_values = st.recursive(
    _leaves,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(_keys, inner, max_size=4)),
    max_leaves=6,
)


def _paths(node: Any, path: tuple = ()) -> Iterator[tuple]:
    """Every key and item position of the card, depth first."""
    yield path
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, child in items:
        yield from _paths(child, (*path, key))


def _parent(card: Any, path: tuple) -> Any:
    for key in path[:-1]:
        card = card[key]
    return card


@st.composite
def mutated_cards(draw: st.DrawFn) -> str:
    """The valid card with one to four values replaced, keys dropped, unknown keys added or items repeated."""
    card = copy.deepcopy(BASE_CARD)
    for _ in range(draw(st.integers(1, 4))):
        path = draw(st.sampled_from(list(_paths(card))))
        operation = draw(st.sampled_from(["replace", "replace", "drop", "add", "repeat"]))
        if not path:
            card[draw(_keys)] = draw(hostile_values)
            continue
        parent, key = _parent(card, path), path[-1]
        if operation == "replace":
            parent[key] = draw(hostile_values)
        elif operation == "drop":
            del parent[key]
        elif operation == "add" and isinstance(parent[key], dict):
            parent[key][draw(_keys)] = draw(hostile_values)
        elif operation == "repeat" and isinstance(parent, list):
            parent.append(copy.deepcopy(parent[key]))
    return emit_yaml(card)


_yaml_alphabet = st.one_of(st.sampled_from(list(":-[]{}#&*!|>'\"%@`,?~ \n\t\\")), st.characters())


def hostile_yaml_text() -> st.SearchStrategy[str]:
    """YAML-ish text: random, the valid card cut or spliced, deep nesting and small alias fans."""
    valid = emit_yaml(BASE_CARD)
    return st.one_of(
        st.text(_yaml_alphabet, max_size=200),
        st.builds(
            lambda cut, noise: valid[:cut] + noise + valid[cut:], st.integers(0, len(valid)), st.text(max_size=20)
        ),
        st.integers(1, 3000).map(lambda depth: "card: x\nnote: " + "[" * depth + "]" * depth + "\n"),
        st.integers(1, 1000).map(lambda depth: "card: x\nnote:\n" + "".join(f"{'  ' * i}-\n" for i in range(depth))),
        st.integers(2, 6).map(
            lambda fan: (
                "a0: &a0 [x]\n"
                + "".join(f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * fan)}]\n" for i in range(1, 4))
                + "card: *a3\n"
            )
        ),
    )


def hostile_bytes() -> st.SearchStrategy[bytes]:
    """Bytes: random, and the valid card with bytes that are not UTF-8 spliced in."""
    valid = emit_yaml(BASE_CARD).encode("utf-8")
    return st.one_of(
        st.binary(max_size=300),
        st.builds(
            lambda cut, noise: valid[:cut] + noise + valid[cut:],
            st.integers(0, len(valid)),
            st.binary(min_size=1, max_size=8),
        ),
        st.sampled_from([b"\xef\xbb\xbf" + valid, b"\xff\xfe" + valid, valid.replace(b"\n", b"\r"), valid + b"\x00"]),
    )


# -- strategies: RDF imports --------------------------------------------------------------------------------------

KG, KGR = "https://w3id.org/kgraph/ontology#", "https://w3id.org/kgraph/id/"
_CLAIMS = ["khojaly-killed-613", "shusha-grave-place", "new-graves-when", "displaced-120000", "invented-claim"]
_KG_TERMS = "place when partOf hasFigure value measure offsetsVerified carriedBy quote stance subject predicate object"
_KG_CLASSES = "War Settlement Claim Figure MassKilling fromCard textSha256"
_IRIS = [
    *(f"{KG}{term}" for term in _words(f"{_KG_TERMS} {_KG_CLASSES}")),
    *(f"{KGR}claim/founding-article/{claim}" for claim in _CLAIMS),
    *(f"{KGR}quote/founding-article/{claim}" for claim in _CLAIMS),
    *(f"{KGR}{path}" for path in _words("source/founding-article org/state-commission-az place/shusha graph/ontology")),
    *(f"{KGR}{path}" for path in _words("event/khojaly-killings-1992 graph/founding-article graph/import/fuzz-import")),
    *_words("https://example.org/ev1 https://example.org/ev2 urn:x javascript:alert(1) file:///etc/passwd"),
    *_words("http://www.w3.org/1999/02/22-rdf-syntax-ns#type http://www.w3.org/2000/01/rdf-schema#subClassOf"),
    *_words("http://www.w3.org/2002/07/owl#sameAs http://www.w3.org/ns/prov#wasAttributedTo"),
    *_words("http://www.w3.org/ns/oa#exact http://www.w3.org/ns/oa#start"),
]
_XSD = "http://www.w3.org/2001/XMLSchema#"
_TYPED = [
    tuple(pair.split("|"))
    for pair in _words("""613|integer -5|integer 5.5|integer abc|integer NaN|double INF|double 1e309|double
    2025-02-30|date 0000-01-01|date maybe|boolean true|boolean 99999999999999999999999|decimal x|nonNegativeInteger""")
]


def _literal(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{escaped}"'


_subjects = st.one_of(st.sampled_from(_IRIS).map(lambda iri: f"<{iri}>"), st.sampled_from(["_:b1", "_:b2"]))
_objects = st.one_of(
    _subjects,
    st.sampled_from(_TYPED).map(lambda pair: f"{_literal(pair[0])}^^<{_XSD}{pair[1]}>"),
    st.text(max_size=30).map(_literal),
    st.tuples(st.text(max_size=10), st.sampled_from(["en", "az", "x-toolong-tag-value-1234", "1"])).map(
        lambda pair: f"{_literal(pair[0])}@{pair[1]}"
    ),
    st.sampled_from(['"x"^^<http://example.org/dt>', "<http://exa mple.org/>", "<>", "<rel>", '"unterminated']),
)
_statement = st.tuples(_subjects, st.sampled_from(_IRIS).map(lambda iri: f"<{iri}>"), _objects).map(
    lambda triple: " ".join(triple) + " ."
)
_rdf_line = st.one_of(_statement, _statement, _statement, st.text(max_size=40), st.just("@prefix kg: <" + KG + "> ."))


@st.composite
def rdf_documents(draw: st.DrawFn) -> tuple[str, bytes]:
    """An import file: a name with an RDF suffix (or not) and lines of triples over kgraph's IRIs, or bytes."""
    suffix = draw(st.sampled_from([".nt", ".nt", ".ttl", ".ttl", ".nq", ".trig", ".jsonld", ".txt"]))
    if draw(st.integers(0, 4)) == 0:
        return f"fuzz-import{suffix}", draw(st.binary(max_size=300))
    lines = draw(st.lists(_rdf_line, min_size=1, max_size=12))
    return f"fuzz-import{suffix}", "\n".join(lines).encode("utf-8", errors="surrogatepass")


# -- strategies: SPARQL -------------------------------------------------------------------------------------------

_PREFIXES = f"PREFIX kg: <{KG}>\nPREFIX kgr: <{KGR}>\nPREFIX xsd: <{_XSD}>\n"


def _choices(*lines: str) -> st.SearchStrategy[str]:
    """Alternatives separated by `` | `` (SPARQL fragments hold spaces, so words will not do)."""
    return st.sampled_from([part.strip() for line in lines for part in line.split(" | ")])


_terms = st.sampled_from(_words("?s ?p ?o ?x kg:place kg:Claim a kgr:x <urn:x> 1e309 _:b kg: <a b>"))
_constant_patterns = _choices(
    "?s a kg:Claim | ?s kg:place ?o",
    "?s kg:carriedBy <https://w3id.org/kgraph/id/source/founding-article>",
    "<https://w3id.org/kgraph/id/place/shusha> ?p ?o | ?s kg:value ?o | ?s a ?o",
)
_filters = _choices(
    'FILTER(?o > 1e309) | FILTER(REGEX(STR(?s), "(a+)+$")) | FILTER(xsd:integer(?o) = 1)',
    'FILTER(?o / 0 = 1) | BIND(STRLEN(?x) AS ?x) | FILTER(LANG(?o) = "[/]")',
    'VALUES ?x { 1 "[bold]" kg:place "613"^^xsd:integer "x"@en } | OPTIONAL { ?o ?q ?r }',
    "MINUS { ?s kg:when ?w }",
)
_groups = _choices(
    "SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } | SERVICE <file:///etc/passwd> { ?s ?p ?o }",
    "SERVICE SILENT <urn:x> { ?s ?p ?o } | GRAPH ?g { ?s ?p ?o } | GRAPH <urn:x> { ?s ?p ?o }",
)
_forms = _choices(
    "SELECT * | SELECT ?s ?o | SELECT DISTINCT ?p | SELECT (COUNT(*) AS ?n) | ASK",
    "CONSTRUCT { ?s ?p ?o } | DESCRIBE ?s | SELECT ?undefined | SELECT (?s AS ?s)",
)
_updates = _choices(
    "INSERT DATA { <urn:a> <urn:b> <urn:c> } | DELETE WHERE { ?s ?p ?o } | CLEAR ALL",
    "DROP GRAPH <urn:x> | LOAD <file:///etc/passwd> | CREATE GRAPH <urn:y>",
)


@st.composite
def structured_queries(draw: st.DrawFn) -> str:
    """A query that parses (mostly), each triple pattern anchored by a constant and always limited: never huge."""
    body = draw(st.lists(st.one_of(_constant_patterns, _filters, _groups), min_size=1, max_size=4))
    limit = f"LIMIT {draw(st.integers(0, 20))}" if draw(st.integers(0, 5)) else "LIMIT 5 OFFSET 99999999999999999999"
    return f"{_PREFIXES}{draw(_forms)} WHERE {{ {' . '.join(body)} }} {limit}\n"


def sparql_texts() -> st.SearchStrategy[str]:
    tokens = st.one_of(_terms, _forms, _filters, st.sampled_from(list("{}().;,*")), st.text(max_size=6))
    return st.one_of(
        structured_queries(),
        structured_queries(),
        st.lists(tokens, max_size=15).map(lambda parts: _PREFIXES + " ".join(parts)),
        _updates,
        st.text(max_size=80),
    )


# -- the properties -----------------------------------------------------------------------------------------------


def fuzz_settings(examples: int) -> settings:
    """Few, reproducible examples: the suite runs on two cores, and a failure must replay the same in CI."""
    return settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


@pytest.fixture(scope="module")
def reader(hostile_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    """One workspace for the commands that must not write, shared by every example of the module."""
    return Workspace.copy_of(hostile_template, tmp_path_factory.mktemp("property-reader") / "ws")


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("property-scratch")


@contextlib.contextmanager
def fresh_workspace(template: Path, scratch: Path) -> Iterator[Workspace]:
    """A private copy of the built template for one example of a writing command, removed afterwards.

    Writing commands get ``--store`` as an absolute path: RocksDB refuses a
    second open of the same path *string* within one process, and every copy
    of the template has the same relative ``.kgraph/stores/store-...``, so a
    store an earlier example left open would fail the next example for a
    reason no user (one command per process) can meet.
    """
    folder = Path(tempfile.mkdtemp(dir=scratch))
    try:
        yield Workspace.copy_of(template, folder / "ws")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def assert_clean(outcome: Outcome, file_name: str | None) -> None:
    """The promise for every input: a documented exit code and, on exit 2, one message naming the input."""
    shown = outcome.stdout + "\n" + outcome.stderr
    assert outcome.exception is None, f"an exception escaped: {outcome.exception!r}\n{shown}"
    assert "Traceback" not in shown, shown
    assert "internal error" not in shown.lower(), shown
    assert outcome.exit_code in {0, 1, 2}, f"exit {outcome.exit_code}: {shown}"
    if outcome.exit_code == 2:
        errors = [line.strip() for line in shown.splitlines() if line.strip().startswith("error:")]
        assert errors, f"exit 2 without an 'error:' message: {shown}"
        if file_name is not None:
            assert any(file_name in line for line in errors), f"the message does not name {file_name}: {shown}"


def assert_unchanged_unless_success(workspace: Workspace, before: tuple, outcome: Outcome) -> None:
    if outcome.exit_code == 0:
        return
    after = workspace.state()
    assert after[2] == before[2], f"exit {outcome.exit_code}, yet the store pointer changed"
    assert after[1] == before[1], f"exit {outcome.exit_code}, yet data/ changed"
    assert after[0] == before[0], f"exit {outcome.exit_code}, yet the store's content changed"


def validate_card(reader: Workspace, content: str | bytes) -> None:
    """``validate`` of a card kept outside data/: it must neither crash nor write anything."""
    reader.write(f"fuzz/{CARD}", content)
    data_before = tree_digest(reader.data)
    outcome = reader.run("validate", f"fuzz/{CARD}", "--data", "data")
    assert_clean(outcome, CARD)
    assert tree_digest(reader.data) == data_before, "validate changed data/"


def test_the_base_card_is_valid(reader: Workspace) -> None:
    """Mutations start from a card that conforms, else every example would meet the same refusal."""
    reader.write(f"fuzz/{CARD}", emit_yaml(BASE_CARD))
    outcome = reader.run("validate", f"fuzz/{CARD}", "--data", "data")
    assert outcome.exit_code == 0, outcome.text


@fuzz_settings(40)
@given(card=mutated_cards())
def test_mutated_cards_never_crash_validate(reader: Workspace, card: str) -> None:
    validate_card(reader, card)


@fuzz_settings(40)
@given(content=st.one_of(hostile_yaml_text(), hostile_bytes()))
def test_random_yaml_and_bytes_never_crash_validate(reader: Workspace, content: str | bytes) -> None:
    validate_card(reader, content)


@fuzz_settings(5)
@given(card=mutated_cards())
def test_mutated_cards_never_crash_build_and_a_refusal_changes_nothing(
    hostile_template: Path, scratch: Path, card: str
) -> None:
    with fresh_workspace(hostile_template, scratch) as workspace:
        workspace.write(f"data/sources/{CARD}", card)
        before = workspace.state()
        outcome = workspace.run("build", "--store", str(workspace.store))
        assert_clean(outcome, CARD)
        assert_unchanged_unless_success(workspace, before, outcome)


@fuzz_settings(10)
@given(document=rdf_documents())
def test_random_rdf_never_crashes_import_and_a_refusal_changes_nothing(
    hostile_template: Path, scratch: Path, document: tuple[str, bytes]
) -> None:
    name, content = document
    with fresh_workspace(hostile_template, scratch) as workspace:
        workspace.write(name, content)
        before = workspace.state()
        outcome = workspace.run("import", name, "--store", str(workspace.store))
        assert_clean(outcome, name)
        assert_unchanged_unless_success(workspace, before, outcome)


def query_options() -> list[str]:
    """``--timeout 5`` once the query command has it, so no generated query can stall the suite."""
    from kgraph.cli import main

    names = {parameter.name for parameter in main.commands["query"].params}
    return ["--timeout", "5"] if "timeout" in names else []


@fuzz_settings(50)
@given(text=sparql_texts())
def test_random_sparql_never_crashes_query(reader: Workspace, text: str) -> None:
    before = reader.state() if UPDATE_WORDS.search(text) else None
    outcome = reader.run("query", "-", *query_options(), stdin=text)
    assert_clean(outcome, None)
    if before is not None:
        assert reader.state() == before, "an ad-hoc query changed the store or data/"
