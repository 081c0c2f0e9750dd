"""Imports cannot forge provenance, and validation cannot be silently off (issue 10, items 1, 2 and 5).

Each refused import is a file a user could be sent: it names the founding
article's real nodes (``kgr:claim/founding-article/…``, its source, its quote
of 613 killed at offset 1497). The rules themselves are in
``kgraph.compile.import_guard``; each test breaks one of them.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rdflib import Literal, URIRef

from conftest import run_kgraph
from kgraph.compile import compile_data
from kgraph.compile.imports import add_imports
from kgraph.compile.quotes import TextLibrary
from kgraph.errors import CardError, QuoteMismatchError
from kgraph.namespaces import KG

PROJECT = Path(__file__).resolve().parent.parent

K = "https://w3id.org/kgraph/ontology#"
R = "https://w3id.org/kgraph/id/"
RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
OA = "http://www.w3.org/ns/oa#"
PROV = "http://www.w3.org/ns/prov#"
XSD_INT = "^^<http://www.w3.org/2001/XMLSchema#integer>"

CLAIM = f"<{R}claim/founding-article/khojaly-killed-99999>"
FIGURE = f"<{R}figure/founding-article/khojaly-killed-99999>"
QUOTE = f"<{R}quote/founding-article/khojaly-killed-99999>"
EVENT = f"<{R}event/khojaly-killings-1992>"
ARTICLE = f"<{R}source/founding-article>"
COMMISSION = f"<{R}org/state-commission-az>"


def forged_nt(claim: str = CLAIM, figure: str = FIGURE, quote: str = QUOTE) -> str:
    """Issue 10 item 1: 99,999 killed, said by the State Commission, "verified" in the founding article."""
    exact, position = f"<{quote[1:-1]}/exact>", f"<{quote[1:-1]}/position>"
    return f"""# forged: a claim of the founding article that the article does not make
{claim} {RDF_TYPE} <{K}Claim> .
{claim} <{K}subject> {EVENT} .
{claim} <{K}predicate> <{K}hasFigure> .
{claim} <{K}object> {figure} .
{claim} <{K}rank> <{K}NormalRank> .
{claim} <{PROV}wasAttributedTo> {COMMISSION} .
{claim} <{K}carriedBy> {ARTICLE} .
{claim} <{K}quote> {quote} .
{EVENT} <{K}hasFigure> {figure} .
{figure} {RDF_TYPE} <{K}Figure> .
{figure} <{K}measure> <{K}Killed> .
{figure} <{K}qualifier> <{K}Exact> .
{figure} <{K}unit> <{K}PersonsUnit> .
{figure} <{K}value> "99999"{XSD_INT} .
{quote} {RDF_TYPE} <{K}Quote> .
{quote} <{OA}hasSource> {ARTICLE} .
{quote} <{OA}hasSelector> {exact} .
{quote} <{OA}hasSelector> {position} .
{quote} <{K}offsetsVerified> "true"^^<http://www.w3.org/2001/XMLSchema#boolean> .
{exact} <{OA}exact> "massacred 99999 Azerbaijani civilians"@en .
{position} <{OA}start> "1497"{XSD_INT} .
{position} <{OA}end> "1534"{XSD_INT} .
"""


# A legitimate import: its own source (the same article, read by someone else), its own claim and quote.
LEGIT_TTL = """@prefix kg: <https://w3id.org/kgraph/ontology#> .
@prefix kgr: <https://w3id.org/kgraph/id/> .
@prefix oa: <http://www.w3.org/ns/oa#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix ex: <https://example.org/reading/> .

ex:article a kg:NewsArticle , kg:TextualSource ;
    dcterms:title "Azerbaijan uncovers mass graves (second reading)"@en ;
    kg:textFile "founding-article.txt" .
ex:claim a kg:Claim ;
    kg:subject kgr:event\\/khojaly-killings-1992 ; kg:predicate kg:hasFigure ; kg:object ex:figure ;
    kg:rank kg:NormalRank ; prov:wasAttributedTo kgr:org\\/unverified-publisher ;
    kg:carriedBy ex:article ; kg:quote ex:quote .
kgr:event\\/khojaly-killings-1992 kg:hasFigure ex:figure .
ex:figure a kg:Figure ; kg:measure kg:Killed ; kg:qualifier kg:Exact ; kg:unit kg:PersonsUnit ; kg:value 613 .
ex:quote a kg:Quote ; oa:hasSource ex:article ; oa:hasSelector ex:exact , ex:position .
ex:exact a oa:TextQuoteSelector ; oa:exact "massacred 613 Azerbaijani civilians"@en .
ex:position a oa:TextPositionSelector ; oa:start START ; oa:end END .
"""


def legit(start: int = 1497, text_file: str = "founding-article.txt") -> str:
    return (
        LEGIT_TTL.replace("START", str(start))
        .replace("END", str(start + len("massacred 613 Azerbaijani civilians")))
        .replace('"founding-article.txt"', f'"{text_file}"')
    )


def offsets_verified(workspace, node: str) -> list[str]:
    dump = workspace.store_dump().decode("utf-8")
    return [line for line in dump.splitlines() if line.startswith(f"<{node}> <{K}offsetsVerified>")]


# ---------------------------------------------------------------- item 1: forged provenance


def test_a_forged_claim_of_the_founding_article_is_refused(workspace):
    workspace.write("forged.nt", forged_nt())
    workspace.refuses(
        "import", "forged.nt", file="forged.nt", line=2, expected="namespace of 'founding-article'.*kgr:claim/forged/"
    )


def test_a_forged_claim_is_refused_in_json_ld_too(workspace):
    import pyoxigraph as ox

    quads = ox.parse(forged_nt(), format=ox.RdfFormat.N_TRIPLES)
    workspace.write("forged.jsonld", ox.serialize(quads, format=ox.RdfFormat.JSON_LD).decode("utf-8"))
    workspace.refuses("import", "forged.jsonld", file="forged.jsonld", expected="kgr:claim/founding-article/")


def test_an_own_claim_carried_by_the_founding_article_is_refused(workspace):
    """The claim's IRI is the import's own, but its carrier is the card's source: still a forgery."""
    text = forged_nt(claim="<https://example.org/claim>", figure="<https://example.org/fig>", quote="<urn:x:q>")
    workspace.write("own-iri.nt", text)
    workspace.refuses(
        "import", "own-iri.nt", file="own-iri.nt", line=8, expected="source/founding-article is evidence of"
    )


def test_an_import_may_not_state_offsets_verified(workspace):
    """Everything its own, but it marks its quote verified itself: kgraph alone records that."""
    text = legit() + "ex:quote kg:offsetsVerified true .\n"
    workspace.write("self-verified.ttl", text)
    workspace.refuses("import", "self-verified.ttl", file="self-verified.ttl", line=20, expected="offsetsVerified")


@pytest.mark.parametrize(
    ("axiom", "expected"),
    [
        ("kg:Settlement rdfs:subClassOf kg:War .", "kg:Settlement is a term of kgraph's ontology"),
        ("ex:Settlement owl:equivalentClass kg:War .", "axiom about kgraph's ontology term kg:War"),
        ("ex:where rdfs:subPropertyOf kg:place .", "axiom about kgraph's ontology term kg:place"),
    ],
    ids=["subclass-of-a-kg-term", "equivalent-to-a-kg-term", "subproperty-of-a-claimed-property"],
)
def test_an_axiom_about_a_kg_term_is_refused(workspace, axiom: str, expected: str):
    text = (
        "@prefix kg: <https://w3id.org/kgraph/ontology#> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
        "@prefix ex: <https://example.org/> .\n"
        "\n"
        f"{axiom}\n"
    )
    workspace.write("axiom.ttl", text)
    workspace.refuses("import", "axiom.ttl", file="axiom.ttl", line=6, expected=expected)


@pytest.mark.parametrize(
    ("statement", "expected"),
    [
        (f"<{R}graph/founding-article> <{K}curator> <https://example.org/me> .", "graph node of another card"),
        (f"<https://example.org/g> {RDF_TYPE} <{K}SourceGraph> .", "source-graph metadata is kgraph's"),
        (f'<{R}graph/import/meta> <{K}fromCard> "sources/founding-article.yaml" .', 'kg:fromCard "imports/meta.nt"'),
        (f'{ARTICLE} <http://purl.org/dc/terms/title> "Retitled"@en .', "source of 'founding-article'"),
        (f"{EVENT} {RDF_TYPE} <{K}War> .", "defined by 'founding-article'.*only claimed properties"),
        (f"<{R}record/founding-article> <{K}curator> <https://example.org/me> .", "namespace of 'founding-article'"),
        (f"<{R}quote/ucdp-ged-23-1/x> <{OA}hasSource> <https://example.org/s> .", "namespace of 'ucdp-ged-23-1'"),
    ],
    ids=[
        "card-graph-node",
        "own-source-graph",
        "wrong-from-card",
        "card-source",
        "card-event-type",
        "card-record",
        "other-import-namespace",
    ],
)
def test_kgraph_metadata_and_other_files_nodes_are_refused(workspace, statement: str, expected: str):
    workspace.write("meta.nt", f"# one statement\n{statement}\n")
    workspace.refuses("import", "meta.nt", file="meta.nt", line=2, expected=expected)


def test_a_quote_whose_end_does_not_match_its_words_is_refused(workspace):
    workspace.write("ends.ttl", legit().replace("oa:end 1532", "oa:end 1600"))
    workspace.refuses("import", "ends.ttl", file="ends.ttl", line=19, expected="ends at 1600; expected 1532")


def test_a_text_file_outside_the_text_folders_is_refused(workspace):
    """A path would let a mismatch message print another file's content."""
    workspace.write("path.ttl", legit(text_file="../../etc/passwd"))
    workspace.refuses("import", "path.ttl", file="path.ttl", line=10, expected="expected a plain file name")


SAME = f'<{R}figure/founding-article/khojaly-killed-613> <{K}value> "613"{XSD_INT} .\n'


def test_restating_a_card_word_for_word_is_accepted(workspace):
    """A kgraph export of a card imports back (tests/test_exports.py): what it restates adds nothing."""
    workspace.write("same.nt", SAME)
    outcome = workspace.run("import", "same.nt")
    assert outcome.exit_code == 0, outcome.text


def test_changing_what_a_card_says_is_refused(workspace):
    workspace.write("changed.nt", SAME.replace('"613"', '"99999"'))
    workspace.refuses("import", "changed.nt", file="changed.nt", line=1, expected="namespace of 'founding-article'")


# ---------------------------------------------------------------- item 2: plain triples without claims


def test_a_plain_claimed_triple_outside_kgraphs_namespace_is_a_violation(workspace):
    workspace.write(
        "bypass.nt",
        f"<https://example.org/ev1> {RDF_TYPE} <{K}Event> .\n"
        f'<https://example.org/ev1> <http://www.w3.org/2000/01/rdf-schema#label> "Event one"@en .\n'
        f"<https://example.org/ev1> <{K}place> <{R}place/baku> .\n",
    )
    before = workspace.state()
    # A process of its own: in this one, the store a failed validation leaves open (its frames outlive the
    # command) would lock the same relative store path for the tests that follow.
    result = run_kgraph("import", "bypass.nt", cwd=workspace.root)
    text = " ".join((result.stdout + result.stderr).split())
    assert "Traceback" not in text, text
    assert result.returncode == 1, text
    assert "1 violations" in text, text
    assert f"plain triple <https://example.org/ev1> <{K}place> <{R}place/baku> is not backed by any" in text, text
    assert workspace.state() == before


# ---------------------------------------------------------------- legitimate imports still import


def test_an_import_with_its_own_source_claim_and_quote_imports(workspace):
    workspace.write("reading.ttl", legit())
    outcome = workspace.run("import", "reading.ttl")
    assert outcome.exit_code == 0, outcome.text
    marks = offsets_verified(workspace, "https://example.org/reading/quote")
    assert len(marks) == 1 and "boolean" in marks[0], marks  # written by kgraph, once
    assert (workspace.data / "imports" / "reading.ttl").is_file()


def test_a_quote_without_its_text_is_kept_unverified(workspace):
    workspace.write("untexted.ttl", legit().replace('    kg:textFile "founding-article.txt" .', "."))
    outcome = workspace.run("import", "untexted.ttl")
    assert outcome.exit_code == 0, outcome.text
    marks = offsets_verified(workspace, "https://example.org/reading/quote")
    assert marks and all('"false"' in m for m in marks), marks


def _compiled(corpus: Path):
    return compile_data(PROJECT / "data", text_folders=[corpus])


def test_an_imports_quote_is_verified_against_its_text(tmp_path: Path, corpus: Path):
    path = tmp_path / "reading.ttl"
    path.write_text(legit(), encoding="utf-8")
    compiled = _compiled(corpus)
    texts = TextLibrary([corpus])
    add_imports(compiled.dataset, [path], texts=texts)
    graph = compiled.dataset.graph(URIRef(f"{R}graph/import/reading"))
    assert set(graph.objects(URIRef("https://example.org/reading/quote"), KG.offsetsVerified)) == {Literal(True)}
    assert texts.report.verified == 1


def test_an_imports_quote_off_its_offsets_is_refused_with_its_line(tmp_path: Path, corpus: Path):
    path = tmp_path / "reading.ttl"
    path.write_text(legit(start=1490), encoding="utf-8")
    with pytest.raises(QuoteMismatchError) as caught:
        add_imports(_compiled(corpus).dataset, [path], texts=TextLibrary([corpus]))
    assert str(caught.value.location) == f"{path}:18"
    assert "the quote occurs at 1497" in caught.value.message


def test_a_refused_import_adds_nothing_to_the_dataset(tmp_path: Path, corpus: Path):
    path = tmp_path / "forged.nt"
    path.write_text(forged_nt(), encoding="utf-8")
    compiled = _compiled(corpus)
    before = len(compiled.dataset)
    with pytest.raises(CardError):
        add_imports(compiled.dataset, [path])
    assert len(compiled.dataset) == before


# ---------------------------------------------------------------- item 5: validation cannot be off


@pytest.fixture
def resources(tmp_path: Path) -> Path:
    """A copy of the ontology, shapes and queries that a test may damage (KGRAPH_RESOURCES)."""
    root = tmp_path / "resources"
    for name in ("ontology", "shapes", "queries"):
        shutil.copytree(PROJECT / name, root / name)
    return root


@pytest.mark.parametrize(
    "shapes",
    ["", "@prefix sh: <http://www.w3.org/ns/shacl#> .\n# every shape removed\n"],
    ids=["empty", "prefixes-only"],
)
def test_a_shapeless_shapes_file_is_refused(workspace, resources: Path, shapes: str):
    (resources / "shapes" / "kgraph-shapes.ttl").write_text(shapes, encoding="utf-8")
    env = {"KGRAPH_RESOURCES": str(resources)}
    workspace.refuses("build", file="kgraph-shapes.ttl", expected="no SHACL shapes", env=env)


def test_a_broken_shapes_file_is_refused_with_its_line(workspace, resources: Path):
    (resources / "shapes" / "kgraph-shapes.ttl").write_text("@prefix sh: <x> .\n\nsh:a sh:b \n", encoding="utf-8")
    env = {"KGRAPH_RESOURCES": str(resources)}
    workspace.refuses("build", file="kgraph-shapes.ttl", expected="expected valid Turtle", env=env)


@pytest.mark.parametrize(
    ("missing", "named"),
    [
        ("shapes/kgraph-shapes.ttl", "shapes/kgraph-shapes.ttl"),
        ("shapes", "resources/shapes"),
        ("ontology/kgraph.ttl", "ontology/kgraph.ttl"),
    ],
    ids=["shapes-file", "shapes-folder", "ontology-file"],
)
def test_a_missing_resource_is_refused_by_name(workspace, resources: Path, missing: str, named: str):
    target = resources / missing
    shutil.rmtree(target) if target.is_dir() else target.unlink()
    env = {"KGRAPH_RESOURCES": str(resources)}
    workspace.refuses("build", file=named, expected="missing|expected the folder", env=env)


@pytest.mark.parametrize("command", ["build", "validate"])
def test_a_broken_ontology_is_refused_with_its_line(workspace, resources: Path, command: str):
    ontology = resources / "ontology" / "kgraph.ttl"
    ontology.write_text(ontology.read_text(encoding="utf-8") + "\nkg:Broken a \n", encoding="utf-8")
    env = {"KGRAPH_RESOURCES": str(resources)}
    workspace.refuses(command, file="kgraph.ttl", expected="expected valid Turtle", env=env)
