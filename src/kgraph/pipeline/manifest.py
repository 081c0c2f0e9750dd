"""What a build put in the store, written beside it: the next build starts from here.

It names the compiler (source, ontology and shapes digest) that made the
store, the digest of every graph's N-Quads, and the findings, split into those
of local checks (kept for nodes a change cannot reach) and of store-wide
checks (always run again). A manifest that cannot be read, or was written by
another compiler, means a full build: never a guess.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import Location
from ..validate import Finding

BUILD_FORMAT = "kgraph-build/1"


@dataclass
class Manifest:
    compiler: str
    graphs: dict[str, str]  # graph IRI -> SHA-256 of its N-Quads
    local: list[Finding] = field(default_factory=list)
    spanning: list[Finding] = field(default_factory=list)
    counts: dict[str, int] | None = None  # what ``kgraph stats`` shows, kept up to date by each build

    def to_bytes(self) -> bytes:
        return json.dumps(
            {
                "format": BUILD_FORMAT,
                "compiler": self.compiler,
                "graphs": self.graphs,
                "local": [_finding_to_json(f) for f in self.local],
                "spanning": [_finding_to_json(f) for f in self.spanning],
                "counts": self.counts,
            },
            sort_keys=True,
        ).encode()

    @classmethod
    def from_bytes(cls, raw: bytes | None) -> Manifest | None:
        if raw is None:
            return None
        try:
            data = json.loads(raw)
            if data.get("format") != BUILD_FORMAT:
                return None
            return cls(
                compiler=str(data["compiler"]),
                graphs={str(k): str(v) for k, v in data["graphs"].items()},
                local=[_finding_from_json(f) for f in data["local"]],
                spanning=[_finding_from_json(f) for f in data["spanning"]],
                counts=_counts(data.get("counts")),
            )
        except (ValueError, KeyError, TypeError, AttributeError):
            return None


def _counts(data: object) -> dict[str, int] | None:
    if not isinstance(data, dict) or not all(isinstance(v, int) and v >= 0 for v in data.values()):
        return None
    return {str(k): v for k, v in data.items()}


def _finding_to_json(finding: Finding) -> dict[str, Any]:
    where = finding.location
    return {
        "severity": finding.severity,
        "focus": finding.focus,
        "message": finding.message,
        "path": finding.path,
        "value": finding.value,
        "shape": finding.shape,
        "location": None if where is None else [str(where.file), where.line],
    }


def _finding_from_json(data: dict[str, Any]) -> Finding:
    where = data["location"]
    return Finding(
        severity=data["severity"],
        focus=data["focus"],
        message=data["message"],
        path=data["path"],
        value=data["value"],
        shape=data["shape"],
        location=None if where is None else Location(Path(where[0]), where[1]),
    )
