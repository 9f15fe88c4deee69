"""Scan real text-layer PDF reports as make_corpus.py --scan scans generated ones, for bench.py --ocr.

    python scripts/scan_reports.py ../shared/corpus/real --seeds 5 --out /tmp/real_scans
    python scripts/bench.py --ocr /tmp/real_scans

A corpus made from our own template cannot show an error in the template,
and the scans of generated reports share its fonts and layouts: each PDF
of FOLDER that has its hand-verified NAME.expected.json beside it is
printed with header fills and a red seal and scanned (gencorpus/scan.py:
150–300 dpi, skew, blur, noise, specks, JPEG) once per seed, into
NAME-sK_scan.pdf with the same expected file: a scan reads the same numbers.
"""
from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path
from typing import Sequence

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from gencorpus.scan import scan_pdf  # noqa: E402


def reports_in(folder: Path) -> list[Path]:
    """The PDFs of a folder that have an expected file beside them."""
    return sorted(p for p in folder.glob("*.pdf") if p.with_suffix(".expected.json").exists())


def write_scans(report: Path, seeds: int, out: Path) -> list[Path]:
    """``seeds`` scans of one report, each with the report's expected file."""
    written = []
    for seed in range(1, seeds + 1):
        data, _ = scan_pdf(report.read_bytes(), f"real:{report.name}:{seed}", "pdf")
        target = out / f"{report.stem}-s{seed}_scan.pdf"
        target.write_bytes(data)
        shutil.copyfile(report.with_suffix(".expected.json"), out / f"{target.stem}.expected.json")
        written.append(target)
    return written


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="PDF reports, each with NAME.expected.json")
    parser.add_argument("--seeds", type=int, default=5, help="scans of each report, each distorted differently")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    reports = reports_in(args.folder)
    if not reports:
        parser.error(f"no PDF with an expected file in {args.folder}")
    args.out.mkdir(parents=True, exist_ok=True)
    count = sum(len(write_scans(report, args.seeds, args.out)) for report in reports)
    print(f"wrote {count} scans of {len(reports)} reports to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
