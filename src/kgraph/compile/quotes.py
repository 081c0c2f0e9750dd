"""Checks that each quote stands at its offsets in the source text, when the text is at hand.

The project never ships the texts it quotes (copyright); users keep them in
``data/texts/`` or a folder named by ``KGRAPH_TEXT_PATH``, and cards pin the
exact text by its SHA-256 so that offsets cannot silently drift.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import CardError, Location, QuoteMismatchError


def text_search_path(data_dir: Path, extra: Iterable[Path] = ()) -> list[Path]:
    """Folders searched for source texts, most specific first."""
    folders = [Path(p) for p in extra]
    env = os.environ.get("KGRAPH_TEXT_PATH", "")
    folders += [Path(p) for p in env.split(os.pathsep) if p]
    folders.append(data_dir / "texts")
    return folders


@dataclass
class QuoteReport:
    """What the build could and could not check, for the summary and the store."""

    verified: int = 0
    unverified: int = 0
    missing_texts: dict[str, str] = field(default_factory=dict)  # source id -> text file name


class TextLibrary:
    def __init__(self, folders: Sequence[Path]) -> None:
        self.folders = list(folders)
        self._cache: dict[str, str | None] = {}
        self.report = QuoteReport()

    def text_for(self, file_name: str, sha256: str | None, location: Location) -> str | None:
        """The text whose hash matches, or None when no folder holds it."""
        if file_name in self._cache:
            return self._cache[file_name]
        text: str | None = None
        for folder in self.folders:
            candidate = folder / file_name
            if candidate.is_file():
                raw = candidate.read_bytes()
                digest = hashlib.sha256(raw).hexdigest()
                if sha256 and digest != sha256:
                    raise CardError(
                        f"source text {candidate} has sha256 {digest}, expected {sha256}: "
                        "the offsets would not refer to this text",
                        location,
                    )
                text = raw.decode("utf-8")
                break
        self._cache[file_name] = text
        return text

    def check(
        self, text: str | None, quote: str, start: int, location: Location, source_id: str, file_name: str
    ) -> bool:
        """True when verified; raises when the text is there and the quote is not at ``start``."""
        if text is None:
            self.report.unverified += 1
            self.report.missing_texts[source_id] = file_name
            return False
        found = text[start : start + len(quote)]
        if found != quote:
            elsewhere = text.find(quote)
            hint = f"; the quote occurs at {elsewhere}" if elsewhere >= 0 else "; the quote does not occur in the text"
            raise QuoteMismatchError(
                f"quote not at its offsets {start}-{start + len(quote)} in {file_name}: "
                f"expected {quote!r}, the text there reads {found!r}{hint}",
                location,
            )
        self.report.verified += 1
        return True
