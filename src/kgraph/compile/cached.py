"""Compile data/ file by file, reusing each file's graph while nothing it depends on has changed.

The full compiler builds one rdflib dataset of everything; this one keeps
each file's graph as N-Quads in a :class:`CompileCache`, so a build after a
one-card edit parses and compiles that card alone (memory is bounded by the
largest file, not the data). Pass 1 still covers every file, from the cache
where the bytes are unchanged, so duplicate and unknown IDs are caught exactly
as before, with the same messages.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import URIRef

from ..errors import CardError, Location
from .cache import CompileCache, compiler_digest, file_key
from .files import DataCompiler, FileOutput, card_files, import_files
from .import_guard import CompiledFacts
from .imports import check_imports, import_graph_iri
from .quotes import QuoteReport, TextLibrary, text_search_path


@dataclass
class CompiledGraphs:
    """Every graph of a build as N-Quads (by digest in the cache), and what findings and summaries need."""

    cache: CompileCache
    graphs: dict[str, str] = field(default_factory=dict)  # graph IRI -> SHA-256 of its N-Quads
    locations: dict[URIRef, Location] = field(default_factory=dict)
    # Files whose node-to-line maps are still on disk: read only when a finding needs a line.
    unread_locations: list[tuple[str, Path]] = field(default_factory=list)
    keys: set[str] = field(default_factory=set)  # the cache entries this build used
    graph_files: dict[URIRef, Path] = field(default_factory=dict)
    quotes: QuoteReport = field(default_factory=QuoteReport)
    compiled_files: int = 0  # compiled this time, not taken from the cache

    def location_of(self, node: URIRef) -> Location | None:
        if self.unread_locations:
            self._read_locations()
        return self.locations.get(node)

    def _read_locations(self) -> None:
        """In file order, as a full compile fills them: a later file's line for a node wins."""
        merged: dict[URIRef, Location] = {}
        for key, path in self.unread_locations:
            for node, line in (self.cache.locations(key) or {}).items():
                merged[URIRef(node)] = Location(path, line)
        self.unread_locations = []
        for node, where in self.locations.items():
            merged.setdefault(node, where)
        self.locations = merged

    def nquads(self, graph: str) -> bytes:
        return self.cache.graph(self.graphs[graph])


# YAML kept parsed between pass 1 and compiling, counted in bytes of file text. A parsed card takes
# about 20 times its text in memory (1.3 GB for the 67 MB of a 100,000-event dataset), so beyond this
# budget a file is parsed again when it is compiled: about 4% more build time at 100,000 events, in
# exchange for memory bounded by the budget rather than the dataset.
KEEP_PARSED_BYTES = 16 * 1024 * 1024


def compile_cached(
    data_dir: Path,
    cache: CompileCache,
    *,
    text_folders: Iterable[Path] = (),
    extra_cards: Iterable[Path] = (),
    extra_imports: Iterable[Path] = (),
) -> CompiledGraphs:
    """Like ``compile_data``, with the same files, order, checks and errors; raises CardError."""
    texts = TextLibrary(text_search_path(data_dir, text_folders))
    compiler = DataCompiler(data_dir, texts)
    reference, cards = card_files(data_dir)
    known = {p.resolve() for p in cards}
    extra = [Path(p) for p in extra_cards]
    files = [(p, False) for p in reference] + [
        (p, True) for p in cards + [p for p in extra if p.resolve() not in known]
    ]
    entries = {}
    kept_bytes = 0
    compiler_version = compiler_digest()
    for path, is_card in files:
        if is_card and not path.is_file():
            raise CardError("no such card file", Location(path))
        content = _read(path)
        key = file_key(compiler_version, path, content)
        entry = cache.entry(key)
        reusable = entry is not None and entry.get("is_card") == is_card
        if reusable and cache.has_graph(entry["nquads"]) and cache.has_locations(key):  # type: ignore[index]
            compiler.register_known(
                path, is_card=is_card, graph_id=entry["graph_id"], graph_id_line=entry["graph_id_line"],
                defined=entry["defined"],
            )  # fmt: skip
            entries[path] = (key, entry)
        else:
            kept_bytes += len(content)
            compiler.register(path, is_card=is_card, keep=kept_bytes <= KEEP_PARSED_BYTES)
            entries[path] = (key, None)
    result = CompiledGraphs(cache)
    for path, is_card in files:
        key, entry = entries[path]
        if entry is None or not _still_valid(entry, compiler, texts):
            if entry is not None:
                compiler.parse_again(path)
            entry = _compile_one(compiler, cache, key, path, is_card)
            result.compiled_files += 1
        _take(result, key, entry, path)
    _add_imports(result, data_dir, extra_imports, texts)
    return result


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise CardError(f"cannot read the file: {error.strerror or error}", Location(path)) from error


def _still_valid(entry: dict, compiler: DataCompiler, texts: TextLibrary) -> bool:
    """Every entity the file referred to is still of the same kind, every text it cited still the same."""
    kind_of = compiler.registry.kind_of
    return all(kind_of(slug) == kind for slug, kind in entry["uses"]) and all(
        texts.digest_of(name) == digest for name, digest in entry["texts"].items()
    )


def _compile_one(compiler: DataCompiler, cache: CompileCache, key: str, path: Path, is_card: bool) -> dict:
    output: FileOutput = compiler.compile_file(path, is_card=is_card)
    graph_id, graph_id_line, defined = compiler.registered(path)
    entry = {
        "is_card": is_card,
        "graph_id": graph_id,
        "graph_id_line": graph_id_line,
        "defined": defined,
        "graph": output.graph,
        "nquads": cache.put_graph(output.nquads),
        "uses": output.uses,
        "texts": output.texts,
        "quotes": [output.quotes.verified, output.quotes.unverified, output.quotes.missing_texts],
    }
    cache.put_locations(key, output.locations)
    cache.put_entry(key, entry)
    return entry


def _take(result: CompiledGraphs, key: str, entry: dict, path: Path) -> None:
    result.keys.add(key)
    graph = entry["graph"]
    result.graphs[graph] = entry["nquads"]
    result.graph_files[URIRef(graph)] = path
    result.unread_locations.append((key, path))
    verified, unverified, missing = entry["quotes"]
    result.quotes.verified += verified
    result.quotes.unverified += unverified
    result.quotes.missing_texts.update(missing)


def _add_imports(result: CompiledGraphs, data_dir: Path, extra_imports: Iterable[Path], texts: TextLibrary) -> None:
    """Imports are checked against every card's statements, so any change to cards or imports checks them again."""
    extra = list(extra_imports)
    replaced = {import_graph_iri(path).value for path in extra}
    paths = [p for p in import_files(data_dir) if import_graph_iri(p).value not in replaced] + extra
    if not paths:
        return
    digest = hashlib.sha256(compiler_digest().encode())
    for graph, graph_digest in sorted(result.graphs.items()):
        digest.update(f"{graph} {graph_digest}\n".encode())
    for path in paths:
        digest.update(str(path).encode() + b"\0" + hashlib.sha256(_read(path)).digest())
    key = "imports-" + digest.hexdigest()
    result.keys.add(key)
    entry = result.cache.entry(key)
    if entry is None or not all(result.cache.has_graph(d) for d in entry["graphs"].values()):
        known = CompiledFacts.of_nquads(b"".join(result.nquads(graph) for graph in result.graphs))
        checked = check_imports(known, paths, texts)
        entry = {
            "graphs": {graph: result.cache.put_graph(nquads) for graph, (_path, nquads, _nodes) in checked.items()},
            "files": {graph: str(path) for graph, (path, _nquads, _nodes) in checked.items()},
            "nodes": {graph: nodes for graph, (_path, _nquads, nodes) in checked.items()},
        }
        result.cache.put_entry(key, entry)
    for graph, graph_digest in entry["graphs"].items():
        path = Path(entry["files"][graph])
        result.graphs[graph] = graph_digest
        result.graph_files[URIRef(graph)] = path
        for node in entry["nodes"][graph]:
            result.locations.setdefault(URIRef(node), Location(path))


__all__ = ["CompiledGraphs", "compile_cached"]
