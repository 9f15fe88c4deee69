"""Benchmark xxgk against the baseline a user would script, on reports with known answers.

    python scripts/make_corpus.py --count 600 --out /tmp/corpus --seed 2
    python scripts/bench.py /tmp/corpus
    python scripts/bench.py --dataset 1000 --dataset 10000   # the checks across reports (bench_dataset.py)

Both sides run in this one process on the same files, timed in CPU seconds
(``time.process_time``), so "per core" holds on a shared machine. For each
format it prints reports/s of xxgk and of the baseline (``scripts/baseline.py``:
pdfplumber ``extract_tables`` on every page, python-docx ``row.cells``,
BeautifulSoup), their ratio, and each side's cell accuracy against the
``NAME.expected.json`` files; with ``--by-drift``, xxgk's accuracy per drift
(from MANIFEST.tsv) and an example of each failing report.
"""
from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import bench_dataset  # noqa: E402
from baseline import READERS, baseline_tables  # noqa: E402
from gencorpus.score import Score, score_tables  # noqa: E402

from extractor.extract import extract_file  # noqa: E402
from extractor.record import Value  # noqa: E402

#: Targets of issue 3, per core: reports/s for HTML and DOCX, speed-up over the baseline for PDF.
TARGETS = {".html": ("reports/s", 200), ".docx": ("reports/s", 100), ".pdf": ("ratio", 10)}

Tables = dict[str, dict[str, Value]]


@dataclass
class Run:
    """One side on one format: time spent, cells scored, reports whose error codes matched."""

    seconds: float = 0.0
    reports: int = 0
    score: Score = field(default_factory=Score)
    codes_right: int = 0
    failures: dict[str, str] = field(default_factory=dict)

    @property
    def rate(self) -> float:
        return self.reports / self.seconds if self.seconds else 0.0


def _expected(report: Path) -> dict:
    return json.loads(report.with_name(report.stem + ".expected.json").read_text(encoding="utf-8"))


def _xxgk(report: Path) -> tuple[Tables, list[str] | None]:
    record = extract_file(report)
    return record.tables, sorted(record.error_codes)


def _baseline(report: Path) -> tuple[Tables, list[str] | None]:
    return baseline_tables(report), None


Side = Callable[[Path], tuple[Tables, list[str] | None]]


def _attempt(side: Side, report: Path) -> tuple[Tables, list[str] | None, str | None]:
    """What ``side`` returns for a report, or nothing and why it crashed."""
    try:
        return (*side(report), None)
    except Exception as exc:  # noqa: BLE001 - a benchmark records a crash as that report's failure
        return {}, None, f"{type(exc).__name__}: {exc}"


def _timed(side: Side, report: Path, repeat: int) -> tuple[float, tuple[Tables, list[str] | None, str | None]]:
    """The fastest of ``repeat`` calls (CPU seconds) and what the call returned.

    The minimum, as ``timeit`` takes it: on a shared machine every other
    figure measures the neighbours as much as the code. xxgk's per-label
    caches are warm after the first call, as they are in any batch after its
    first few reports.
    """
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        result = _attempt(side, report)
        best = min(best, time.process_time() - start)
    return best, result


def run_side(side: Side, reports: Sequence[Path], repeat: int = 1) -> Run:
    """Time ``side`` over the reports (after one untimed warm-up call) and score what it returns."""
    run = Run()
    _attempt(side, reports[0])
    for report in reports:
        want = _expected(report)
        seconds, (tables, codes, crash) = _timed(side, report, repeat)
        run.seconds += seconds
        run.reports += 1
        score = score_tables(tables, want["tables"])
        run.score.add(score)
        run.codes_right += codes == want["error_codes"]
        if crash:
            run.failures[report.name] = crash
        elif score.mismatches:
            run.failures[report.name] = f"{len(score.mismatches)} cells wrong, e.g. {score.mismatches[0]}"
        elif codes is not None and codes != want["error_codes"]:
            run.failures[report.name] = f"error codes {codes}, want {want['error_codes']}"
    return run


def _target(fmt: str, xxgk: Run, ratio: float) -> str:
    kind, goal = TARGETS[fmt]
    value = xxgk.rate if kind == "reports/s" else ratio
    return f"{kind} ≥ {goal}: {'met' if value >= goal else 'NOT met'}"


def _manifest(corpus: Path) -> dict[str, list[str]]:
    path = corpus / "MANIFEST.tsv"
    if not path.exists():
        return {}
    lines = path.read_text(encoding="utf-8").splitlines()[1:]
    return {f[0]: f[4].split(",") for f in (line.split("\t") for line in lines)}


def print_by_drift(runs: dict[str, Run], reports: dict[str, list[Path]], manifest: dict[str, list[str]]) -> None:
    """xxgk's share of fully right reports per format and drift, then every failing report."""
    print("\nxxgk by drift (reports fully right / reports):")
    for fmt, files in reports.items():
        failed = runs[fmt].failures
        drifts = sorted({d for f in files for d in manifest.get(f.name, ())})
        cells = []
        for drift in drifts:
            having = [f for f in files if drift in manifest.get(f.name, ())]
            cells.append(f"{drift} {sum(f.name not in failed for f in having)}/{len(having)}")
        print(f"  {fmt[1:]}: " + ", ".join(cells))
    for fmt in reports:
        for name, why in sorted(runs[fmt].failures.items()):
            print(f"  FAIL {name} [{','.join(manifest.get(name, []))}]: {why}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path, nargs="?", help="a directory written by make_corpus.py")
    parser.add_argument("--limit", type=int, default=0, help="at most this many reports per format")
    parser.add_argument("--by-drift", action="store_true", help="xxgk accuracy per drift and failing reports")
    parser.add_argument("--repeat", type=int, default=3,
                        help="time each report this many times and keep the fastest (both sides alike)")
    parser.add_argument("--dataset", type=int, action="append", metavar="N",
                        help="instead: time the checks across reports on a synthetic dataset of N reports "
                             "(repeat for a growth curve; see bench_dataset.py)")
    args = parser.parse_args(argv)
    if args.dataset:
        bench_dataset.print_table(bench_dataset.run(args.dataset, Path("/tmp/xxgk-bench"), seed=1))
        return 0
    if args.corpus is None:
        parser.error("give a corpus folder, or --dataset N")
    logging.basicConfig(level=logging.ERROR)
    reports = {fmt: sorted(p for p in args.corpus.glob(f"*{fmt}") if not p.name.endswith(".expected.json"))
               for fmt in READERS}
    reports = {fmt: files[:args.limit or None] for fmt, files in reports.items() if files}
    if not reports:
        parser.error(f"no reports in {args.corpus}")
    print(f"{'format':6} {'n':>5} {'xxgk/s':>8} {'base/s':>8} {'ratio':>7} {'xxgk acc':>9} {'base acc':>9} "
          f"{'codes':>7}  target (per core)")
    runs = {}
    for fmt, files in reports.items():
        xxgk, base = run_side(_xxgk, files, args.repeat), run_side(_baseline, files, args.repeat)
        runs[fmt] = xxgk
        ratio = xxgk.rate / base.rate if base.rate else float("inf")
        print(f"{fmt[1:]:6} {len(files):5d} {xxgk.rate:8.1f} {base.rate:8.1f} {ratio:6.1f}× "
              f"{xxgk.score.accuracy:9.2%} {base.score.accuracy:9.2%} {xxgk.codes_right:3d}/{len(files):<3d}  "
              f"{_target(fmt, xxgk, ratio)}")
    if args.by_drift:
        print_by_drift(runs, reports, _manifest(args.corpus))
    return 0


if __name__ == "__main__":
    sys.exit(main())
