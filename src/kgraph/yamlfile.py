"""YAML reading that keeps line numbers, so every error can point at the analyst's line.

ruamel.yaml's round-trip loader keeps lines but is slow (3.6 s for a card of
20,000 lines); reading the C parser's events and building the values here
takes a sixth of that and keeps the line of every key and item.

Building from events, one at a time with an explicit stack, is also what keeps
hostile files harmless. ruamel's composer recurses once per level of nesting,
so a note nested 2,000 deep ended in a RecursionError and 100,000 deep crashed
the interpreter; here depth is counted as the events arrive and a file is
refused at its first level past ``MAX_DEPTH``, before anything deep is built.
The limits themselves live in :mod:`kgraph.limits`.

Anchors and aliases (``&x`` / ``*x``) are refused outright rather than bounded.
A bounded alias count would still let nine aliases of nine aliases stand for
387 million values (the "billion laughs" that ran to 19.7 GB), and nothing in a
card needs them: a card is evidence a reviewer reads line by line, and a value
written once and repeated by reference elsewhere has no line of its own to
point an error at. kgraph's own writer (``kgraph link``) never emits them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import (
    AliasEvent,
    CollectionStartEvent,
    DocumentStartEvent,
    Event,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
)
from ruamel.yaml.nodes import ScalarNode

from .errors import CardError, Location
from .limits import MAX_DEPTH, max_card_bytes

_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_STR = "tag:yaml.org,2002:str"


class YamlMap(dict):
    """A mapping that knows the 1-based line of itself and of each of its keys."""

    line: int = 1
    key_lines: dict[Any, int]


class YamlList(list):
    """A sequence that knows the 1-based line of itself and of each item."""

    line: int = 1
    item_lines: list[int]


def load_yaml(path: Path) -> YamlMap:
    """Parse one YAML file whose top level must be a mapping."""
    text = _read_text(path)
    yaml = YAML(typ="safe")
    try:
        document = _Builder(yaml, text, path).build()
    except MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = error.problem or error.context or "unreadable YAML"
        raise CardError(f"malformed YAML: {problem}", Location(path, line)) from error
    except YAMLError as error:
        raise CardError(f"malformed YAML: {error}", Location(path)) from error
    if not isinstance(document, YamlMap):
        raise CardError("expected a mapping at the top of the file", Location(path, 1))
    return document


def _read_text(path: Path) -> str:
    """The file's text, refused before reading when it is larger than the limit."""
    limit = max_card_bytes()
    size = path.stat().st_size
    if size > limit:
        raise CardError(
            f"the file is {size:,} bytes, more than the {limit:,} allowed for a kgraph YAML file "
            "(split it, or raise KGRAPH_MAX_CARD_BYTES)",
            Location(path),
        )
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        bad = raw[error.start : error.start + 1].hex()
        raise CardError(f"the file is not UTF-8 text (byte 0x{bad} cannot be decoded)", Location(path, line)) from error


class _Builder:
    """Turns parser events into YamlMap/YamlList/scalars without recursion."""

    def __init__(self, yaml: YAML, text: str, path: Path) -> None:
        self.path = path
        self.constructor, self.parser = yaml.get_constructor_parser(text)
        # With the C parser one loader object parses, resolves and constructs; the pure one splits the roles.
        self.resolver = self.parser if hasattr(self.parser, "resolve") else yaml.resolver
        self.stack: list[YamlMap | YamlList] = []
        self.pending_keys: list[Any] = []  # per open mapping: the key awaiting its value, or _NO_KEY
        self.root: Any = None
        self.documents = 0
        self.tags: dict[tuple[str, Any], str] = {}  # resolving a plain scalar's tag is the slow step; words repeat

    def build(self) -> Any:
        try:
            while self.parser.check_event():
                self._take(self.parser.get_event())
        finally:
            self.parser.dispose()
        return self.root

    def _take(self, event: Event) -> None:
        if isinstance(event, AliasEvent) or getattr(event, "anchor", None) is not None:
            raise CardError(
                "YAML anchors and aliases (&name, *name) are not allowed: write the value out where it applies",
                self._where(event),
            )
        if isinstance(event, ScalarEvent):
            self._place(self._scalar(event), self._line(event))
        elif isinstance(event, CollectionStartEvent):
            self._open(event)
        elif isinstance(event, (MappingEndEvent, SequenceEndEvent)):
            self.pending_keys.pop()
            finished = self.stack.pop()
            self._place(finished, finished.line)
        elif isinstance(event, DocumentStartEvent):
            self.documents += 1
            if self.documents > 1:
                raise CardError("expected a single YAML document, found a second one", self._where(event))

    def _open(self, event: CollectionStartEvent) -> None:
        if len(self.stack) >= MAX_DEPTH:
            raise CardError(
                f"nested deeper than {MAX_DEPTH} levels: expected a card's usual few levels of mappings and lists",
                self._where(event),
            )
        collection: YamlMap | YamlList
        if isinstance(event, MappingStartEvent):
            collection = YamlMap()
            collection.key_lines = {}
        else:
            collection = YamlList()
            collection.item_lines = []
        collection.line = self._line(event)
        self.stack.append(collection)
        self.pending_keys.append(_NO_KEY)

    def _place(self, value: Any, line: int) -> None:
        """Put a finished value into the open collection (or make it the document)."""
        if not self.stack:
            self.root = value
            return
        parent = self.stack[-1]
        if isinstance(parent, YamlList):
            parent.append(value)
            parent.item_lines.append(line)
            return
        key = self.pending_keys[-1]
        if key is _NO_KEY:
            if isinstance(value, (YamlMap, YamlList)):
                raise CardError(
                    "expected a plain key (a word or a number), not a mapping or a list", Location(self.path, line)
                )
            if value in parent.key_lines:
                first = parent.key_lines[value]
                raise CardError(f"duplicate key {value!r} (first at line {first})", Location(self.path, line))
            parent.key_lines[value] = line
            self.pending_keys[-1] = value
        else:
            parent[key] = value
            self.pending_keys[-1] = _NO_KEY

    def _scalar(self, event: ScalarEvent) -> Any:
        tag = event.tag
        if tag is None or tag == "!":
            key = (event.value, event.implicit)
            tag = self.tags.get(key)
            if tag is None:
                tag = self.tags[key] = str(self.resolver.resolve(ScalarNode, event.value, event.implicit))
        if tag == _STR:
            return event.value  # what the safe constructor returns for a string, without building a node
        node = ScalarNode(tag, event.value, event.start_mark, event.end_mark, style=event.style)
        try:
            return self.constructor.construct_object(node, deep=True)
        except (ValueError, OverflowError) as error:
            if tag == _TIMESTAMP:
                message = f"not a valid date: {_shown(event.value)} ({error}); expected a calendar date YYYY-MM-DD"
            else:
                message = f"cannot read {_shown(event.value)} as {tag.rsplit(':', 1)[-1]}: {error}"
            raise CardError(message, self._where(event)) from error

    def _line(self, event: Event) -> int:
        return event.start_mark.line + 1

    def _where(self, event: Event) -> Location:
        return Location(self.path, self._line(event))


_NO_KEY = object()


def _shown(value: str, limit: int = 60) -> str:
    """A scalar as a message quotes it: a 5,000-digit number should not fill the terminal."""
    return repr(value if len(value) <= limit else value[:limit] + "…")


def line_of(node: Any, key: str | int | None = None) -> int | None:
    """1-based line of a mapping key or sequence item (of the node itself when key is None)."""
    if key is None:
        return getattr(node, "line", None)
    if isinstance(node, YamlMap):
        return node.key_lines.get(key, node.line)
    if isinstance(node, YamlList):
        return node.item_lines[key] if isinstance(key, int) and 0 <= key < len(node.item_lines) else node.line
    return getattr(node, "line", None)
