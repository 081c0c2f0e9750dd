"""Reading a GED CSV as a stream of checked rows and converting it to one N-Quads file, all or nothing.

The CSV side of the import: line numbers that survive quoted newlines and
blank lines, duplicate ids, strict or skipping handling of bad rows, the
progress bar, and the temporary file that replaces the output only once the
whole file converted. What a row means is :mod:`.rows`; its quads, :mod:`.writer`.
"""

from __future__ import annotations

import csv
import os
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from ..compile.imports import import_graph_iri
from ..errors import CardError, Location
from .rows import REQUIRED_COLUMNS, GedRow, RowError, bounds_out_of_order, parse_row
from .writer import GedWriter

PROGRESS_EVERY = 2000  # rows between progress-bar updates
NOTES_SHOWN = 20  # the summary lists every skipped row, but only this many notes (all are in the data)


@dataclass
class ConversionReport:
    """What one conversion did: rows read, events written, and every row skipped with its line and reason."""

    csv_path: Path
    out_path: Path
    release: str
    rows_read: int = 0
    events_written: int = 0
    quads_written: int = 0
    skipped: list[tuple[int, str]] = field(default_factory=list)
    notes: list[tuple[int, str]] = field(default_factory=list)

    @property
    def rows_skipped(self) -> int:
        return len(self.skipped)


class _SeenIds:
    """GED ids met so far, as a bitmap (ids are below a million today; larger ones fall back to a set)."""

    LIMIT = 1 << 26  # a bitmap of at most 8 MB

    def __init__(self) -> None:
        self.bits = bytearray()
        self.other: set[int] = set()

    def add(self, number: int) -> bool:
        """False if ``number`` was seen before."""
        if not 0 <= number < self.LIMIT:
            if number in self.other:
                return False
            self.other.add(number)
            return True
        index, bit = divmod(number, 8)
        if index >= len(self.bits):
            self.bits.extend(bytes(max(index + 1 - len(self.bits), len(self.bits))))
        if self.bits[index] >> bit & 1:
            return False
        self.bits[index] |= 1 << bit
        return True


def _read_header(reader: Iterator[list[str]], csv_path: Path) -> list[str]:
    header = next(reader, None)
    if not header:
        raise CardError("expected a header row with the GED column names; the file is empty", Location(csv_path, 1))
    header = [name.strip() for name in header]
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    if missing:
        raise CardError(f"the header lacks required GED columns: {', '.join(missing)}", Location(csv_path, 1))
    return header


def _physical_rows(
    reader: Iterator[list[str]], line_num: Callable[[], int], csv_path: Path
) -> Iterator[tuple[int, list[str]]]:
    """(first line, fields) of each row; a quoted field may span lines, so the start is tracked."""
    ended = line_num()
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            return
        except (csv.Error, UnicodeDecodeError) as error:
            raise CardError(f"cannot read the CSV: {error}", Location(csv_path, ended + 1)) from error
        start, ended = ended + 1, line_num()
        if fields:  # a blank line is no row
            yield start, fields


def _checked_rows(csv_path: Path, handle: TextIO, report: ConversionReport, strict: bool) -> Iterator[GedRow]:
    reader = csv.reader(handle)
    header = _read_header(reader, csv_path)
    seen = _SeenIds()
    for start, fields in _physical_rows(reader, lambda: reader.line_num, csv_path):
        report.rows_read += 1
        values = dict(zip(header, fields, strict=False))
        try:
            if len(fields) != len(header):
                raise RowError(f"expected {len(header)} fields as in the header, got {len(fields)}")
            row = parse_row(values)
            if not seen.add(row.id):
                raise RowError("expected a unique id, but an earlier row has the same id")
            disagreement = bounds_out_of_order(row)
            if disagreement:
                report.notes.append(
                    (start, f"row id {row.id}: {disagreement}; the bound is kept as a figure of its own")
                )
        except RowError as problem:
            message = f"row id {values.get('id', '').strip() or '(none)'}: {problem}"
            if strict:
                raise CardError(message, Location(csv_path, start)) from None
            report.skipped.append((start, message))
            continue
        yield row


def _progress_bar():
    from rich.console import Console
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn, TransferSpeedColumn

    return Progress(
        TextColumn("[bold]converting[/]"),
        BarColumn(),
        TextColumn("{task.fields[rows]:,} rows ({task.fields[rate]:,.0f} rows/s)"),
        DownloadColumn(),
        TransferSpeedColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=True,
    )


def _convert(csv_path: Path, writer: GedWriter, report: ConversionReport, strict: bool, progress: bool) -> None:
    size = csv_path.stat().st_size
    with csv_path.open(encoding="utf-8-sig", newline="") as handle:
        rows = _checked_rows(csv_path, handle, report, strict)
        if not progress:
            for row in rows:
                writer.write(row)
                report.events_written += 1
            return
        started = time.monotonic()
        with _progress_bar() as bar:
            task = bar.add_task("convert", total=size, rows=0, rate=0.0)
            for row in rows:
                writer.write(row)
                report.events_written += 1
                if report.events_written % PROGRESS_EVERY == 0:
                    done = report.events_written
                    rate = done / max(time.monotonic() - started, 1e-6)
                    bar.update(task, completed=handle.buffer.tell(), rows=done, rate=rate)
            bar.update(task, completed=size, rows=report.events_written)


def convert_ged(
    csv_path: Path, out_path: Path, *, release: str, strict: bool = True, progress: bool = True
) -> ConversionReport:
    """Convert a GED CSV to N-Quads at ``out_path``, row by row; returns a ConversionReport.

    The quads go to a temporary file beside ``out_path`` that replaces it only
    when the whole file converted; on any error ``out_path`` is as it was. The
    graph is the one the build gives ``out_path`` (``kgr:graph/import/<stem>``).
    Raises CardError (file and line) for a malformed row when ``strict``;
    otherwise skips it and lists it in ``report.skipped``.
    """
    csv_path, out_path = Path(csv_path), Path(out_path)
    report = ConversionReport(csv_path, out_path, release)
    if not csv_path.is_file():
        raise CardError("no such CSV file", Location(csv_path))
    out_path.parent.mkdir(parents=True, exist_ok=True)
    partial = out_path.with_name(f".{out_path.name}.{uuid.uuid4().hex[:8]}.partial")
    try:
        with partial.open("w", encoding="utf-8", newline="\n") as sink:
            writer = GedWriter(sink, graph=import_graph_iri(out_path).value, release=release, file_name=out_path.name)
            _convert(csv_path, writer, report, strict, progress)
            sink.flush()
            os.fsync(sink.fileno())
            report.quads_written = writer.quads
        os.replace(partial, out_path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return report
