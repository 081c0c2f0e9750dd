"""Compiles source cards and reference files into one RDF dataset, a named graph per file.

Two passes: the first registers every ID in every file (so references may
point anywhere in data/ and duplicates are caught with both places named),
the second compiles. Nothing touches the store: a failure here leaves it as it
was.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS

from ..errors import CardError, Location
from ..model import OntologyIndex, load_ontology
from ..namespaces import KG, KGR, graph_iri
from ..yamlfile import YamlMap, line_of, load_yaml
from .carriers import Carrier, add_text, check_card_keys, check_reference_keys, describe_dataset, describe_source
from .claims import CardContext, ClaimCompiler
from .imports import IMPORT_FORMATS, add_imports, import_graph_iri
from .quotes import QuoteReport, TextLibrary, text_search_path
from .registry import AGENTS, SECTION_KINDS, Registry
from .sink import TripleSink
from .values import date_literal, graph_id, slug, text

# Keys of an entity entry that state facts; each becomes a curatorial claim with the entry's evidence.
ENTITY_FACT_KEYS = ("located_in", "near", "point", "wikidata", "geonames")
ENTITY_KEYS = frozenset({"id", "type", "label", "note", "names", "evidence", *ENTITY_FACT_KEYS})
DEFAULT_TYPES = {"group": "PeopleGroup", "person": "Person"}


@dataclass
class CompiledData:
    """The compiled dataset plus what is needed to point a finding back at a card line."""

    dataset: Dataset
    locations: dict[URIRef, Location]
    graph_files: dict[URIRef, Path]
    quotes: QuoteReport

    def location_of(self, node: URIRef) -> Location | None:
        return self.locations.get(node)


@dataclass(frozen=True)
class FileOutput:
    """One file's compiled graph and every input besides the file that went into it."""

    graph: str
    nquads: bytes
    locations: dict[str, int | None]  # node IRI -> line in the file
    uses: list[tuple[str, str]]  # (slug, kind) of each entity it resolved
    texts: dict[str, str | None]  # text file cited -> its SHA-256, None when not found
    quotes: QuoteReport


@dataclass
class _ParsedFile:
    path: Path
    document: Mapping[str, Any] | None  # None once compiled, or when pass 1 chose not to keep it
    is_card: bool
    graph_id: str = ""
    graph_id_line: int | None = None
    entities: list[tuple[str, Mapping[str, Any]]] = field(default_factory=list)
    defined: list[tuple[str, str, int | None]] = field(default_factory=list)  # (slug, kind, line), in order


class DataCompiler:
    def __init__(self, data_dir: Path, texts: TextLibrary, ontology: OntologyIndex | None = None) -> None:
        self.data_dir = data_dir
        self.texts = texts
        self.ontology = ontology or load_ontology()
        self.registry = Registry()
        self.claims = ClaimCompiler(self.registry, texts)
        self.dataset = Dataset()
        self.locations: dict[URIRef, Location] = {}
        self.graph_files: dict[URIRef, Path] = {}
        self._files: list[_ParsedFile] = []
        self._by_path: dict[Path, _ParsedFile] = {}
        self._graph_ids: dict[str, Location] = {}

    # -- pass 1 -----------------------------------------------------------------------------

    def register(self, path: Path, *, is_card: bool, keep: bool = True) -> None:
        """Pass 1: the file's IDs into the registry. ``keep=False`` drops the parsed document afterwards
        (``compile_file`` parses it again), so pass 1 over a large dataset does not hold every card at once."""
        document = load_yaml(path)
        parsed = _ParsedFile(path, document, is_card)
        if is_card:
            source = check_card_keys(path, document)
            parsed.graph_id_line = line_of(document, "card")
            parsed.graph_id = self._register_graph_id(document.get("card"), Location(path, parsed.graph_id_line))
            self._define(parsed, source.get("id"), "source", line_of(source, "id"))
        else:
            dataset = check_reference_keys(path, document)
            parsed.graph_id_line = line_of(dataset, "id")
            parsed.graph_id = self._register_graph_id(dataset.get("id"), Location(path, parsed.graph_id_line))
            self._define(parsed, dataset.get("id"), "source", line_of(dataset, "id"))
        for section, kind in SECTION_KINDS.items():
            entries = document.get(section) or []
            if not isinstance(entries, list):
                raise CardError(f"expected '{section}:' to be a list", Location(path, line_of(document, section)))
            for index, entry in enumerate(entries):
                where = Location(path, line_of(entries, index))
                if not isinstance(entry, Mapping):
                    raise CardError(f"expected each of '{section}' to be a mapping with an id", where)
                self._define(parsed, entry.get("id"), kind, line_of(entry, "id"))
                parsed.entities.append((kind, entry))
        if not keep:
            parsed.document, parsed.entities = None, []
        self._files.append(parsed)
        self._by_path[path] = parsed

    def register_known(
        self, path: Path, *, is_card: bool, graph_id: str, graph_id_line: int | None, defined: list
    ) -> None:
        """Pass 1 from what a cached compile of the same bytes recorded: the file is parsed only if compiled."""
        parsed = _ParsedFile(path, None, is_card)
        parsed.graph_id_line = graph_id_line
        parsed.graph_id = self._register_graph_id(graph_id, Location(path, graph_id_line))
        where = parsed.path
        for slug_text, kind, line in defined:
            self.registry.define_known(slug_text, kind, Location(where, line))
        parsed.defined = [(slug_text, kind, line) for slug_text, kind, line in defined]
        self._files.append(parsed)
        self._by_path[path] = parsed

    def parse_again(self, path: Path) -> None:
        """A file registered from the cache whose output must be compiled anew (an entity it uses changed)."""
        parsed = self._by_path[path]
        fresh = DataCompiler(self.data_dir, self.texts, self.ontology)
        fresh.register(path, is_card=parsed.is_card)
        parsed.document, parsed.entities = fresh._files[0].document, fresh._files[0].entities

    def _define(self, parsed: _ParsedFile, value: object, kind: str, line: int | None) -> None:
        entity = self.registry.define(value, kind, Location(parsed.path, line))
        parsed.defined.append((entity.slug, kind, line))

    def _register_graph_id(self, value: object, where: Location) -> str:
        checked = graph_id(value, where)
        if checked in self._graph_ids:
            raise CardError(f"duplicate card ID {checked!r}: already used at {self._graph_ids[checked]}", where)
        self._graph_ids[checked] = where
        return checked

    # -- pass 2 -----------------------------------------------------------------------------

    def compile(self) -> CompiledData:
        for parsed in self._files:
            graph_node = graph_iri(parsed.graph_id)
            graph = self.dataset.graph(graph_node)
            self.graph_files[graph_node] = parsed.path
            ctx = self._context(parsed, graph)
            self._describe_graph(parsed, graph, ctx)
            self._compile_entities(parsed, ctx)
            if parsed.is_card:
                self._compile_claims(parsed, ctx)
        return CompiledData(self.dataset, self.locations, self.graph_files, self.texts.report)

    def compile_file(self, path: Path, *, is_card: bool) -> FileOutput:
        """One registered file compiled on its own: its graph as N-Quads and what the result depends on.

        Every file must be registered first (pass 1), so references resolve.
        """
        parsed = self._by_path[path]
        if parsed.is_card != is_card:
            raise ValueError(f"{path} was registered as {'a card' if parsed.is_card else 'a reference file'}")
        if parsed.document is None:
            self.parse_again(path)
        graph_node = graph_iri(parsed.graph_id)
        graph = TripleSink(graph_node)
        own_locations: dict[URIRef, Location] = {}
        shared, self.locations = self.locations, own_locations
        before = (self.texts.report.verified, self.texts.report.unverified, dict(self.texts.report.missing_texts))
        self.registry.used, self.texts.used = set(), {}
        try:
            ctx = self._context(parsed, graph)
            self._describe_graph(parsed, graph, ctx)
            self._compile_entities(parsed, ctx)
            if parsed.is_card:
                self._compile_claims(parsed, ctx)
            uses, texts = self.registry.used, self.texts.used
        finally:
            self.locations = shared
            self.registry.used, self.texts.used = None, None
            parsed.document, parsed.entities = None, []  # compiled once; holding it would keep every card in memory
        self.graph_files[graph_node] = parsed.path
        report = self.texts.report
        quotes = QuoteReport(
            report.verified - before[0],
            report.unverified - before[1],
            {k: v for k, v in report.missing_texts.items() if before[2].get(k) != v},
        )
        return FileOutput(
            graph=str(graph_node),
            nquads=graph.nquads(),
            locations={str(node): where.line for node, where in own_locations.items()},
            uses=sorted(uses),
            texts=texts,
            quotes=quotes,
        )

    def registered(self, path: Path) -> tuple[str, int | None, list[tuple[str, str, int | None]]]:
        """What pass 1 took from ``path``: its card or dataset ID, that ID's line, and the IDs it defines."""
        parsed = self._by_path[path]
        return parsed.graph_id, parsed.graph_id_line, parsed.defined

    def _context(self, parsed: _ParsedFile, graph: Graph) -> CardContext:
        doc, path = parsed.document, parsed.path
        if parsed.is_card:
            carrier = describe_source(graph, doc["source"], path, self.registry, self.texts)
            self.locations[carrier.iri] = Location(path, line_of(doc["source"], "id"))
        else:
            carrier = describe_dataset(graph, doc["dataset"], path, self.registry)
            self.locations[carrier.iri] = Location(path, line_of(doc["dataset"], "id"))
        return _card_context(parsed, graph, carrier, self.locations)

    def _describe_graph(self, parsed: _ParsedFile, graph: Graph, ctx: CardContext) -> None:
        """The graph describes itself, so an export of one graph still says where it came from."""
        doc, path = parsed.document, parsed.path
        node = graph_iri(parsed.graph_id)
        graph.add((node, RDF.type, KG.SourceGraph))
        graph.add((node, KG.describesSource, ctx.carrier))
        graph.add((node, KG.fromCard, Literal(_relative(path, self.data_dir))))
        curator_key = "curator" if parsed.is_card else None
        curator_value = doc.get("curator") if parsed.is_card else doc["dataset"].get("maintainer")
        where = Location(path, line_of(doc, curator_key) if curator_key else line_of(doc["dataset"], "maintainer"))
        if curator_value is None:
            raise CardError(
                "expected a curator (card) or maintainer (dataset): the agent responsible for the file", where
            )
        curator = self.registry.resolve(curator_value, AGENTS, where)
        graph.add((node, KG.curator, curator.iri))
        ctx.curator = str(curator_value)
        if parsed.is_card and "curated" in doc:
            graph.add((node, KG.curatedOn, date_literal(doc["curated"], Location(path, line_of(doc, "curated")))))
        record = ctx.curation_record
        if record == ctx.carrier:  # a dataset carries its maintainer's claims itself
            return
        graph.add((record, RDF.type, KG.CurationRecord))
        graph.add((record, RDFS.label, Literal(f"curation record {_relative(path, self.data_dir)}", lang="en")))
        graph.add((record, KG.curator, curator.iri))

    def _compile_entities(self, parsed: _ParsedFile, ctx: CardContext) -> None:
        for kind, entry in parsed.entities:
            entity = self.registry.resolve(entry["id"], (kind,), Location(parsed.path, line_of(entry, "id")))
            where = Location(parsed.path, line_of(entry, "id"))
            unknown = set(entry) - ENTITY_KEYS
            if unknown:
                key = sorted(unknown)[0]
                raise CardError(
                    f"unknown key {key!r} for {kind} {entity.slug!r}; "
                    f"expected one of: {', '.join(sorted(ENTITY_KEYS))}",
                    Location(parsed.path, line_of(entry, key)),
                )
            type_name = entry.get("type", DEFAULT_TYPES.get(kind))
            cls = self.ontology.class_for(type_name, kind) if isinstance(type_name, str) and type_name else None
            if cls is None:
                raise CardError(
                    f"expected a {kind} type from the ontology "
                    f"({', '.join(self.ontology.classes_of(kind))}), got {type_name!r}",
                    Location(parsed.path, line_of(entry, "type" if "type" in entry else "id")),
                )
            if entry.get("label") is None or entry.get("label") == "":
                raise CardError(f"{kind} {entity.slug!r} needs a label (its neutral English name)", where)
            label = text(
                entry["label"], f"the label of {kind} {entity.slug!r}", Location(parsed.path, line_of(entry, "label"))
            )
            g = ctx.graph
            g.add((entity.iri, RDF.type, cls))
            g.add((entity.iri, RDFS.label, Literal(label, lang="en")))
            note_at = Location(parsed.path, line_of(entry, "note"))
            add_text(g, entity.iri, RDFS.comment, entry.get("note"), "en", f"the note of {entity.slug!r}", note_at)
            self.locations[entity.iri] = where
            for claim in self._entity_fact_claims(entity.slug, entry, parsed, ctx):
                ctx.claim_lines[claim["id"]] = Location(parsed.path, line_of(claim, "id"))
                self.claims.compile(ctx, claim)

    def _entity_fact_claims(
        self, slug: str, entry: Mapping[str, Any], parsed: _ParsedFile, ctx: CardContext
    ) -> Iterable[Mapping[str, Any]]:
        """An entry's structured facts as curatorial claims, keeping the entry's line numbers."""
        facts: list[tuple[str, str, Any, int | None]] = [
            (key, f"{slug}-{key.replace('_', '-')}", entry[key], line_of(entry, key))
            for key in ENTITY_FACT_KEYS
            if key in entry
        ]
        names = entry.get("names") or []
        if not isinstance(names, list):
            raise CardError(
                "expected 'names:' as a list of {text: ..., lang: ..}", Location(parsed.path, line_of(entry, "names"))
            )
        for index, name in enumerate(names):
            facts.append(("name", f"{slug}-name-{index + 1}", name, line_of(names, index)))
        if facts and not entry.get("evidence"):
            raise CardError(
                f"{slug!r} states facts ({', '.join(f[0] for f in facts)}) "
                "and needs 'evidence:' saying where they come from",
                Location(parsed.path, line_of(entry, "id")),
            )
        for key, claim_id, value, line in facts:
            yield _LocatedDict(
                {"id": claim_id, "about": slug, key: value, "by": ctx.curator, "evidence": entry["evidence"]}, line
            )

    def _compile_claims(self, parsed: _ParsedFile, ctx: CardContext) -> None:
        claims = parsed.document.get("claims") or []
        if not isinstance(claims, list):
            raise CardError(
                "expected 'claims:' to be a list", Location(parsed.path, line_of(parsed.document, "claims"))
            )
        for index, claim in enumerate(claims):
            where = Location(parsed.path, line_of(claims, index))
            if not isinstance(claim, Mapping) or "id" not in claim:
                raise CardError("expected each claim to be a mapping with an 'id'", where)
            claim_id = slug(claim["id"], "a claim ID", Location(parsed.path, line_of(claim, "id")))
            if claim_id in ctx.claim_lines:
                raise CardError(
                    f"duplicate claim ID {claim_id!r}: already used at {ctx.claim_lines[claim_id]}",
                    Location(parsed.path, line_of(claim, "id")),
                )
            ctx.claim_lines[claim_id] = Location(parsed.path, line_of(claim, "id"))
            if "figure" in claim:
                ctx.figure_claims.add(claim_id)
            if "corrects" in claim:
                ctx.deprecated.add(
                    slug(claim["corrects"], "the ID of the claim corrected", _at(parsed, claim, "corrects"))
                )
        for claim in claims:
            self.claims.compile(ctx, claim)


class _LocatedDict(YamlMap):
    """A synthesised claim that still answers line numbers like the YAML it came from."""

    def __init__(self, values: Mapping[str, Any], line: int | None) -> None:
        super().__init__(values)
        self.line = line or 1
        self.key_lines = dict.fromkeys(values, self.line)


def _card_context(
    parsed: _ParsedFile, graph: Graph, carrier: Carrier, locations: dict[URIRef, Location]
) -> CardContext:
    return CardContext(
        card_id=parsed.graph_id,
        file=parsed.path,
        graph=graph,
        carrier=carrier.iri,
        curation_record=carrier.iri if not parsed.is_card else KGR[f"record/{parsed.graph_id}"],
        locations=locations,
        language=carrier.language,
        source_id=carrier.source_id,
        text=carrier.text,
        text_file=carrier.text_file,
    )


def _at(parsed: _ParsedFile, mapping: Mapping[str, Any], key: str) -> Location:
    return Location(parsed.path, line_of(mapping, key))


def _relative(path: Path, data_dir: Path) -> str:
    try:
        return str(path.resolve().relative_to(data_dir.resolve().parent))
    except ValueError:
        return str(path)


def card_files(data_dir: Path) -> tuple[list[Path], list[Path]]:
    """Reference files and source cards under ``data_dir``, in a stable order."""
    reference = sorted((data_dir / "reference").glob("*.yaml"))
    cards = sorted((data_dir / "sources").rglob("*.yaml"))
    return reference, cards


def import_files(data_dir: Path) -> list[Path]:
    """RDF files that ``kgraph import`` accepted earlier, rebuilt with everything else."""
    return sorted(p for p in (data_dir / "imports").glob("*") if p.suffix.lower() in IMPORT_FORMATS)


def compile_data(
    data_dir: Path,
    *,
    text_folders: Iterable[Path] = (),
    extra_cards: Iterable[Path] = (),
    only_extra: bool = False,
    extra_imports: Iterable[Path] = (),
) -> CompiledData:
    """Compile data/ (or its reference data plus ``extra_cards``) into a dataset; raises CardError."""
    texts = TextLibrary(text_search_path(data_dir, text_folders))
    compiler = DataCompiler(data_dir, texts)
    reference, cards = card_files(data_dir)
    extra = [Path(p) for p in extra_cards]
    if only_extra:
        cards = []
    known = {p.resolve() for p in cards}
    for path in reference:
        compiler.register(path, is_card=False)
    for path in cards + [p for p in extra if p.resolve() not in known]:
        if not path.is_file():
            raise CardError("no such card file", Location(path))
        compiler.register(path, is_card=True)
    compiled = compiler.compile()
    imports = [] if only_extra else import_files(data_dir)
    # A new import of a file with the same name replaces the earlier one.
    replaced = {import_graph_iri(path).value for path in extra_imports}
    imports = [path for path in imports if import_graph_iri(path).value not in replaced] + list(extra_imports)
    for graph, path in add_imports(compiled.dataset, imports, texts=texts, locations=compiled.locations).items():
        compiled.graph_files[URIRef(graph)] = path
    return compiled
