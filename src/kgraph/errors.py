"""One small exception tree: every error a user can cause names where and what was expected."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Location:
    """A place in an input file, 1-based line as editors show it."""

    file: Path | str
    line: int | None = None

    def __str__(self) -> str:
        return f"{self.file}:{self.line}" if self.line else str(self.file)


class KgraphError(Exception):
    """Root of kgraph's errors; ``exit_code`` follows pySHACL (2 = input or runtime error)."""

    exit_code = 2

    def __init__(self, message: str, location: Location | None = None) -> None:
        self.message = message
        self.location = location
        super().__init__(f"{location}: {message}" if location else message)

    def rename_file(self, actual: Path, shown: Path | str) -> None:
        """Name ``shown`` wherever the error names ``actual``: the user's file, not kgraph's staged copy of it."""
        self.message = self.message.replace(str(actual), str(shown))
        if self.location is not None and Path(self.location.file) == actual:
            self.location = Location(shown, self.location.line)
        location = self.location
        self.args = (f"{location}: {self.message}" if location else self.message,)


class CardError(KgraphError):
    """A card or reference file is malformed, refers to an unknown ID or repeats one."""


class QuoteMismatchError(CardError):
    """A quote is not found at its offsets in the available source text."""


class StoreError(KgraphError):
    """The store could not be opened, read or written."""


class ValidationFailed(KgraphError):
    """The data does not conform to the shapes; carries the report for printing."""

    exit_code = 1

    def __init__(self, report: object) -> None:
        self.report = report
        super().__init__("the data does not conform to the shapes (see the report)")

    def rename_file(self, actual: Path, shown: Path | str) -> None:
        findings = getattr(self.report, "findings", None)
        if findings is None:
            return
        for index, finding in enumerate(findings):
            where = finding.location
            if where is not None and Path(where.file) == actual:
                findings[index] = dataclasses.replace(finding, location=Location(shown, where.line))
