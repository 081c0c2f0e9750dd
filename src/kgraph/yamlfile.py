"""YAML reading that keeps line numbers, so every error can point at the analyst's line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from .errors import CardError, Location


def load_yaml(path: Path) -> CommentedMap:
    """Parse one YAML file whose top level must be a mapping."""
    yaml = YAML(typ="rt")
    try:
        with path.open(encoding="utf-8") as handle:
            document = yaml.load(handle)
    except MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = error.problem or error.context or "unreadable YAML"
        raise CardError(f"malformed YAML: {problem}", Location(path, line)) from error
    except YAMLError as error:
        raise CardError(f"malformed YAML: {error}", Location(path)) from error
    except UnicodeDecodeError as error:
        raise CardError("the file is not UTF-8 text", Location(path)) from error
    if not isinstance(document, CommentedMap):
        raise CardError("expected a mapping at the top of the file", Location(path, 1))
    return document


def line_of(node: Any, key: str | int | None = None) -> int | None:
    """1-based line of a mapping key or sequence item (of the node itself when key is None)."""
    lc = getattr(node, "lc", None)
    if lc is None:
        return None
    if key is None:
        return lc.line + 1
    try:
        if isinstance(node, CommentedSeq):
            return lc.item(key)[0] + 1
        return lc.key(key)[0] + 1
    except (KeyError, IndexError, TypeError):
        return lc.line + 1
