"""How fast and in how much memory ``convert_ged`` turns a GED CSV into N-Quads (the build is not timed).

A synthetic CSV of N rows is made by repeating the 60 sample rows of
``shared/data/ucdp-ged/ged231-sample-60.csv`` with new ids. Each measurement
runs in a fresh process, so its peak resident memory (``getrusage``) is its
own, and is set against a baseline measured in the same run: ``csv.DictReader``
reading the very same file without converting, the floor any converter pays.

    python benchmarks/bench_ucdp.py                 # 300,000 rows
    python benchmarks/bench_ucdp.py 30000 300000    # other sizes

Everything is written to a temporary folder and deleted afterwards (the
N-Quads of 300,000 rows take about 11 GB of disk for a moment).
"""

from __future__ import annotations

import csv
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

PROJECT = Path(__file__).resolve().parent.parent
SAMPLE = PROJECT.parent / "shared" / "data" / "ucdp-ged" / "ged231-sample-60.csv"
DEFAULT_SIZES = (300_000,)


def write_synthetic_csv(target: Path, rows: int) -> None:
    """``rows`` rows cycling through the sample, each with a new id (and relid) so that no id repeats."""
    with SAMPLE.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        sample = list(reader)
    id_column, relid_column = header.index("id"), header.index("relid")
    with target.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(header)
        for number in range(rows):
            row = list(sample[number % len(sample)])
            row[id_column] = str(number + 1)
            row[relid_column] = f"{row[relid_column]}-s{number + 1}"
            writer.writerow(row)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def measure_baseline(csv_path: Path) -> dict[str, float]:
    """Child process: read every row with csv.DictReader and do nothing with it."""
    start_rss = peak_rss_mb()
    started = time.perf_counter()
    rows = 0
    with csv_path.open(encoding="utf-8", newline="") as handle:
        for _row in csv.DictReader(handle):
            rows += 1
    seconds = time.perf_counter() - started
    return {"rows": rows, "seconds": seconds, "peak_rss_mb": peak_rss_mb(), "start_rss_mb": start_rss}


def measure_convert(csv_path: Path, out_path: Path) -> dict[str, float]:
    """Child process: convert_ged alone, no build."""
    from kgraph.ucdp import convert_ged

    start_rss = peak_rss_mb()
    started = time.perf_counter()
    report = convert_ged(csv_path, out_path, release="23.1", progress=False)
    seconds = time.perf_counter() - started
    result = {
        "rows": report.events_written,
        "seconds": seconds,
        "peak_rss_mb": peak_rss_mb(),
        "start_rss_mb": start_rss,
        "quads": report.quads_written,
        "out_mb": out_path.stat().st_size / 2**20,
    }
    out_path.unlink()
    return result


def run_child(*args: str) -> dict[str, float]:
    child = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True, check=True)
    return json.loads(child.stdout.strip().splitlines()[-1])


def main(sizes: list[int]) -> None:
    console = Console() if Console().is_terminal else Console(width=160)
    table = Table(title="convert_ged (baseline: csv.DictReader reading the same file, no conversion)")
    for column in (
        "rows",
        "CSV MB",
        "what",
        "seconds",
        "rows/s",
        "peak RSS MB",
        "RSS growth MB",
        "quads",
        "N-Quads MB",
    ):
        table.add_column(column, justify="right" if column != "what" else "left")
    for rows in sizes:
        with tempfile.TemporaryDirectory() as folder:
            csv_path = Path(folder) / "ged-synthetic.csv"
            write_synthetic_csv(csv_path, rows)
            csv_mb = csv_path.stat().st_size / 2**20
            console.print(f"{rows:,} rows ({csv_mb:,.0f} MB): baseline…")
            baseline = run_child("--baseline", str(csv_path))
            console.print(f"{rows:,} rows: convert_ged…")
            converted = run_child("--convert", str(csv_path), str(Path(folder) / "ucdp-ged-23-1.nq"))
        for name, result in (("csv.DictReader", baseline), ("convert_ged", converted)):
            table.add_row(
                f"{int(result['rows']):,}",
                f"{csv_mb:,.0f}",
                name,
                f"{result['seconds']:.1f}",
                f"{result['rows'] / result['seconds']:,.0f}",
                f"{result['peak_rss_mb']:.0f}",
                f"{result['peak_rss_mb'] - result['start_rss_mb']:.0f}",
                f"{int(result['quads']):,}" if "quads" in result else "",
                f"{result['out_mb']:,.0f}" if "out_mb" in result else "",
            )
        slowdown = converted["seconds"] / baseline["seconds"]
        console.print(f"{rows:,} rows: convert_ged takes {slowdown:.1f} times as long as reading alone.")
    console.print(table)


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "--baseline":
        print(json.dumps(measure_baseline(Path(sys.argv[2]))))
    elif len(sys.argv) >= 4 and sys.argv[1] == "--convert":
        print(json.dumps(measure_convert(Path(sys.argv[2]), Path(sys.argv[3]))))
    else:
        main([int(arg) for arg in sys.argv[1:]] or list(DEFAULT_SIZES))
