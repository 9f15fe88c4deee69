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

With ``--ocr`` it reads the scans ``make_corpus.py --scan`` wrote instead
(NAME_scan.pdf/.jpg/.png) and prints, per scan format, cells exact, wrong
with a finding that names them (flagged: the record says the cell is not to
be trusted), wrong silently, the reports whose agency and year are right,
and CPU seconds per page and per report:

    python scripts/make_corpus.py --count 50 --formats pdf --scan pdf --out /tmp/scans --seed 7
    python scripts/bench.py --ocr /tmp/scans
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

import pypdfium2 as pdfium

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import bench_dataset  # noqa: E402
from baseline import READERS, baseline_tables  # noqa: E402
from gencorpus.score import Score, score_tables  # noqa: E402

from extractor.errors import XxgkError  # noqa: E402
from extractor.extract import extract_file  # noqa: E402
from extractor.record import Record, Value  # noqa: E402

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


@dataclass
class OcrRun:
    """xxgk on the scans of one format: cells exact, wrong but named by a finding, wrong silently."""

    reports: int = 0
    pages: int = 0
    seconds: float = 0.0
    exact: int = 0
    flagged: int = 0
    silent: int = 0
    failed: int = 0
    agency: int = 0
    year: int = 0
    examples: list[str] = field(default_factory=list)

    def line(self, fmt: str) -> str:
        cells = self.exact + self.flagged + self.silent
        share = self.exact / cells if cells else 0.0
        return (f"{fmt:5} {self.reports:4d} {self.pages:5d} {cells:6d} {self.exact:6d} {share:8.2%} {self.flagged:7d} "
                f"{self.silent:6d} {self.failed:6d} {self.agency:6d} {self.year:4d} {self.seconds / max(self.pages, 1):6.2f} "
                f"{self.seconds / max(self.reports, 1):7.2f}")


def _flagged(record: Record, table: str, key: str) -> bool:
    """Whether a finding names a cell: its key, or its whole table (no keys)."""
    return any(f.table == table and (not f.keys or key in f.keys) for f in record.findings)


def _cpu() -> float:
    """CPU seconds of this process and of the programs it ran (an OCR engine may run as one)."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def _pages(path: Path) -> int:
    return len(pdfium.PdfDocument(path)) if path.suffix == ".pdf" else 1


def run_ocr(scans: Sequence[Path]) -> OcrRun:
    """Read each scan once (CPU seconds: OCR is too slow to repeat) and score its cells, its agency and its year
    (read from the title at the top of a scan's first page)."""
    run = OcrRun()
    for scan in scans:
        expected = _expected(scan)
        want = expected["tables"]
        start = _cpu()
        try:
            record = extract_file(scan)
        except XxgkError as exc:
            run.failed += sum(map(len, want.values()))
            run.examples.append(f"{scan.name}: {exc}")
            continue
        finally:
            run.seconds += _cpu() - start
            run.reports += 1
            run.pages += _pages(scan)
        run.agency += record.agency == expected["agency"]
        run.year += record.year == expected["year"]
        if (record.agency, record.year) != (expected["agency"], expected["year"]):
            run.examples.append(f"{scan.name}: agency/year {record.agency}/{record.year}, expected "
                                f"{expected['agency']}/{expected['year']}")
        score = score_tables(record.tables, want)
        run.exact += score.right
        for wrong in score.mismatches:
            if _flagged(record, wrong.table, wrong.key):
                run.flagged += 1
            else:
                run.silent += 1
                run.examples.append(f"{scan.name}: {wrong} (no finding)")
    return run


def print_ocr(corpus: Path, limit: int) -> None:
    """The ``--ocr`` table: each scan format's cells exact / flagged / silent and CPU seconds."""
    print(f"{'scan':5} {'n':>4} {'pages':>5} {'cells':>6} {'exact':>6} {'exact%':>8} {'flagged':>7} {'silent':>6} "
          f"{'failed':>6} {'agency':>6} {'year':>4} {'s/page':>6} {'s/report':>7}")
    for fmt in ("pdf", "jpg", "png"):
        scans = sorted(corpus.glob(f"*_scan.{fmt}"))[:limit or None]
        if scans:
            run = run_ocr(scans)
            print(run.line(fmt))
            for example in run.examples[:20]:
                print(f"  {example}")


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
    parser.add_argument("--ocr", action="store_true", help="read the scans of make_corpus.py --scan instead")
    args = parser.parse_args(argv)
    if args.dataset:
        bench_dataset.print_table(bench_dataset.run(args.dataset, Path("/tmp/xxgk-bench"), seed=1))
        return 0
    if args.corpus is None:
        parser.error("give a corpus folder, or --dataset N")
    logging.basicConfig(level=logging.ERROR)
    if args.ocr:
        if not any(args.corpus.glob("*_scan.*")):
            parser.error(f"no scans in {args.corpus} (make_corpus.py --scan writes them)")
        print_ocr(args.corpus, args.limit)
        return 0
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
