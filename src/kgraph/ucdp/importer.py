"""``kgraph import-ucdp``'s one transaction: convert into staging, rebuild, and swap store and data/ together.

Separate from the conversion because it is the only part that needs the
store and the API: :func:`~.convert.convert_ged` stays usable (and measurable,
see ``benchmarks/bench_ucdp.py``) on its own.
"""

from __future__ import annotations

from pathlib import Path

from ..api import KnowledgeGraph
from ..build import BuildResult
from ..stores import RemoteSettings
from ..transaction import DataTransaction
from .convert import ConversionReport, convert_ged
from .rows import ged_import_path


def import_ged(
    csv_path: Path,
    *,
    release: str,
    strict: bool,
    data_dir: Path,
    store_path: Path | RemoteSettings,
    texts: tuple[Path, ...] = (),
    progress: bool = True,
) -> tuple[ConversionReport, BuildResult, dict[str, int]]:
    """Convert into ``data/imports/`` and rebuild the store; data/ and the store change together or not at all.

    Returns (ConversionReport, BuildResult, store counts).
    """
    target = ged_import_path(data_dir, release)
    kg = KnowledgeGraph.open(store_path)
    try:
        kg.data_dir, kg.texts = Path(data_dir), [Path(t) for t in texts]
        kg.recover()
        # Converted into staging: an interrupted conversion never leaves a file that later builds read.
        transaction = DataTransaction(kg.data_dir)
        staged = transaction.staged_path(target)
        try:
            report = convert_ged(csv_path, staged, release=release, strict=strict, progress=progress)
        except BaseException:
            transaction.abort()
            raise
        result = kg.commit_import(transaction, staged, shown_as=f"{csv_path} (as converted)")
        counts = kg.stats()
    finally:
        kg.close()
    return report, result, counts
