"""YAML reading that keeps line numbers, so every error can point at the analyst's line.

ruamel.yaml's round-trip loader keeps lines but is slow (3.6 s for a card of
20,000 lines); composing with its C parser and building the values here
takes a sixth of that and keeps the line of every key and item.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .errors import CardError, Location


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
    yaml = YAML(typ="safe")
    try:
        with path.open(encoding="utf-8") as handle:
            root = yaml.compose(handle)
        document = _build(root, yaml, path) if root is not None else None
    except MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = error.problem or error.context or "unreadable YAML"
        raise CardError(f"malformed YAML: {problem}", Location(path, line)) from error
    except YAMLError as error:
        raise CardError(f"malformed YAML: {error}", Location(path)) from error
    except UnicodeDecodeError as error:
        raise CardError("the file is not UTF-8 text", Location(path)) from error
    if not isinstance(document, YamlMap):
        raise CardError("expected a mapping at the top of the file", Location(path, 1))
    return document


def _build(node: Node, yaml: YAML, path: Path) -> Any:
    line = node.start_mark.line + 1
    if isinstance(node, MappingNode):
        mapping = YamlMap()
        mapping.line, mapping.key_lines = line, {}
        for key_node, value_node in node.value:
            key = _build(key_node, yaml, path)
            if key in mapping:
                first = mapping.key_lines[key]
                raise CardError(
                    f"duplicate key {key!r} (first at line {first})", Location(path, key_node.start_mark.line + 1)
                )
            mapping[key] = _build(value_node, yaml, path)
            mapping.key_lines[key] = key_node.start_mark.line + 1
        return mapping
    if isinstance(node, SequenceNode):
        sequence = YamlList(_build(item, yaml, path) for item in node.value)
        sequence.line, sequence.item_lines = line, [item.start_mark.line + 1 for item in node.value]
        return sequence
    if isinstance(node, ScalarNode):
        return yaml.constructor.construct_object(node, deep=True)
    raise CardError(f"unsupported YAML node {node.tag}", Location(path, line))


def line_of(node: Any, key: str | int | None = None) -> int | None:
    """1-based line of a mapping key or sequence item (of the node itself when key is None)."""
    if key is None:
        return getattr(node, "line", None)
    if isinstance(node, YamlMap):
        return node.key_lines.get(key, node.line)
    if isinstance(node, YamlList):
        return node.item_lines[key] if isinstance(key, int) and 0 <= key < len(node.item_lines) else node.line
    return getattr(node, "line", None)
