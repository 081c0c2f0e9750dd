"""Checks that each quote stands at its offsets in the source text, when the text is at hand.

The project never ships the texts it quotes (copyright); users keep them in
``data/texts/`` or a folder named by ``KGRAPH_TEXT_PATH``, and cards pin the
exact text by its SHA-256 so that offsets cannot silently drift.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePath

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


@dataclass(frozen=True)
class _FoundText:
    """A text file read once: its path, the SHA-256 of its bytes, and its text (None when not UTF-8)."""

    path: Path
    digest: str
    text: str | None
    bad_byte: int = -1


_SHA256 = re.compile(r"[0-9a-fA-F]{64}")


class TextLibrary:
    """The source texts cards cite, each read and hashed once, each card's pin checked against it.

    The cache holds the file's digest, not a verdict: two cards citing the same
    file each pin a SHA-256, and a wrong pin on the second card must be refused
    just as on the first, or its quotes would be marked verified against a text
    it did not name.
    """

    def __init__(self, folders: Sequence[Path]) -> None:
        self.folders = list(folders)
        self._cache: dict[str, _FoundText | None] = {}
        self.report = QuoteReport()
        # While a file compiles, each text it cites and that text's digest (None: not found).
        self.used: dict[str, str | None] | None = None

    def digest_of(self, file_name: str) -> str | None:
        """The SHA-256 of the text the folders hold under ``file_name`` now, None when none does."""
        if file_name not in self._cache:
            self._cache[file_name] = self._find(file_name)
        found = self._cache[file_name]
        return found.digest if found is not None else None

    def text_for(self, file_name: str, sha256: object, location: Location) -> str | None:
        """The text whose hash matches, or None when no folder holds it.

        ``sha256`` is the card's value as YAML read it, so it may be a number
        (an unquoted ``0000…0000`` is the integer 0) or anything else a card says.
        """
        pin = _pinned_sha256(sha256, location)
        _check_file_name(file_name, location)
        if file_name not in self._cache:
            self._cache[file_name] = self._find(file_name)
        found = self._cache[file_name]
        if self.used is not None:
            self.used[file_name] = found.digest if found is not None else None
        if found is None:
            return None
        if pin is not None and found.digest != pin:
            raise CardError(
                f"source text {found.path} has sha256 {found.digest}, expected {pin}: "
                "the offsets would not refer to this text",
                location,
            )
        if found.text is None:
            raise CardError(
                f"source text {found.path} is not UTF-8 text (byte {found.bad_byte} cannot be decoded): "
                "expected a UTF-8 text file the quotes' offsets count characters in",
                location,
            )
        return found.text

    def _find(self, file_name: str) -> _FoundText | None:
        for folder in self.folders:
            candidate = folder / file_name
            if candidate.is_file():
                raw = candidate.read_bytes()
                digest = hashlib.sha256(raw).hexdigest()
                try:
                    return _FoundText(candidate, digest, raw.decode("utf-8"))
                except UnicodeDecodeError as error:
                    return _FoundText(candidate, digest, None, error.start)
        return None

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


def _pinned_sha256(value: object, location: Location) -> str | None:
    """The card's pinned SHA-256 in lower case, None when the card pins none; refused when not 64 hex digits."""
    if value is None:
        return None
    if isinstance(value, str) and _SHA256.fullmatch(value):
        return value.lower()
    shown = repr(value) if len(repr(value)) <= 80 else repr(value)[:80] + "…"
    hint = "; YAML read it as a number: put it in quotes" if isinstance(value, (int, float)) else ""
    raise CardError(f"expected a SHA-256: 64 hexadecimal digits, got {shown}{hint}", location)


def _check_file_name(file_name: str, location: Location) -> None:
    """A text is named relative to the text folders; an absolute path or ``..`` would read any file on disk."""
    parts = PurePath(file_name).parts
    if not parts or PurePath(file_name).is_absolute() or ".." in parts or "\\" in file_name:
        raise CardError(
            f"expected the name of a file in the text folders (data/texts/, KGRAPH_TEXT_PATH), got {file_name!r}",
            location,
        )
