"""Generate reports with known answers: HTML, DOCX and PDF, each with NAME.expected.json.

    python scripts/make_corpus.py --count 36 --formats html,docx,pdf --out fixtures/generated --seed 1

Numbers are random but satisfy the form's relations (or break one on purpose,
and ``error_codes`` says which); labels come from ``extractor/template.py``;
each report carries controlled drift (see ``gencorpus/printed.py`` DRIFTS).
The same ``--seed`` and ``--count`` give the same files. MANIFEST.tsv lists
each report's format, style, template and drifts, for the benchmark's breakdown.
With ``--scan pdf,jpg`` each PDF report is also printed, stamped and scanned
(``gencorpus/scan.py``) into NAME_scan.pdf (image-only) and NAME_scan.jpg (its
table pages), each with its expected file, for ``bench.py --ocr``:

    python scripts/make_corpus.py --count 50 --formats pdf --scan pdf --out /tmp/scans --seed 7
PDF needs LibreOffice (Debian: libreoffice-writer fonts-noto-cjk); with
``--printer browser`` the PDFs are printed by headless Chromium from the
reports' web pages instead (Debian: chromium), a second producer.
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from pathlib import Path
from typing import Sequence

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from gencorpus.render_docx import render_docx  # noqa: E402
from gencorpus.render_html import render_html  # noqa: E402
from gencorpus.report import FORMATS, Report, plan_report  # noqa: E402
from gencorpus.scan import SCAN_FORMATS, scan_name, scan_pdf  # noqa: E402
from gencorpus.to_pdf import BROWSER_STYLES, ConversionError, print_with_browser, write_pdfs  # noqa: E402

MANIFEST = "MANIFEST.tsv"
PDF_BATCH = 40
_RENDER = {"html": render_html, "docx": render_docx}


def expected_json(report: Report) -> str:
    return json.dumps(report.expected, ensure_ascii=False, indent=1) + "\n"


def manifest_line(report: Report) -> str:
    fields = (report.filename, report.format, report.style, report.template,
              ",".join(sorted(report.drifts)), ",".join(report.expected["error_codes"]))
    return "\t".join(fields) + "\n"


def write_corpus(seed: int, count: int, formats: Sequence[str], out: Path, printer: str = "libreoffice",
                 agency: str | None = None, year: int | None = None, scans: Sequence[str] = ()) -> list[Report]:
    """Write ``count`` reports and their expectations into ``out``; the PDFs in batches (LibreOffice) or one by
    one (``printer`` "browser", each report in the next CMS style); ``agency`` and ``year`` fix those."""
    out.mkdir(parents=True, exist_ok=True)
    reports = [plan_report(seed, i, tuple(formats), agency=agency, year=year) for i in range(count)]
    if printer == "browser":
        reports = [dataclasses.replace(r, style=BROWSER_STYLES[i % len(BROWSER_STYLES)]) if r.format == "pdf" else r
                   for i, r in enumerate(reports)]
    pdfs = [r for r in reports if r.format == "pdf"]
    for report in reports:
        if report.format in _RENDER:
            (out / report.filename).write_bytes(_RENDER[report.format](report))
        (out / f"{report.name}.expected.json").write_text(expected_json(report), encoding="utf-8")
    if printer == "browser":
        print_with_browser(pdfs, out)
    else:
        for start in range(0, len(pdfs), PDF_BATCH):
            write_pdfs(pdfs[start:start + PDF_BATCH], out)
    for report in pdfs:
        write_scans(report, out, scans, seed)
    header = "file\tformat\tstyle\ttemplate\tdrifts\terror_codes\n"
    (out / MANIFEST).write_text(header + "".join(map(manifest_line, reports)), encoding="utf-8")
    return reports


def write_scans(report: Report, out: Path, scans: Sequence[str], seed: int) -> None:
    """A scan of a report's PDF in each of ``scans`` (formats of SCAN_FORMATS), each with the report's expected
    file: a scan reads the same numbers."""
    source = out / report.filename
    for fmt in scans:
        data, _ = scan_pdf(source.read_bytes(), f"{seed}:{report.name}:{fmt}", fmt)
        target = out / scan_name(source, fmt)
        target.write_bytes(data)
        (out / f"{Path(target).stem}.expected.json").write_text(expected_json(report), encoding="utf-8")


def _listed(text: str, allowed: Sequence[str], what: str) -> tuple[str, ...]:
    chosen = tuple(f.strip() for f in text.split(",") if f.strip())
    if set(chosen) - set(allowed) or not chosen:
        raise argparse.ArgumentTypeError(f"{what} must be among {', '.join(allowed)}, got {text!r}")
    return chosen


def _formats(text: str) -> tuple[str, ...]:
    return _listed(text, FORMATS, "formats")


def _scans(text: str) -> tuple[str, ...]:
    return _listed(text, SCAN_FORMATS, "scan formats")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=36, help="number of reports (default 36)")
    parser.add_argument("--formats", type=_formats, default=FORMATS, help="comma-separated: html,docx,pdf")
    parser.add_argument("--out", type=Path, required=True, help="output directory")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--printer", choices=("libreoffice", "browser"), default="libreoffice",
                        help="what prints the PDFs: LibreOffice from DOCX/HTML, or headless Chromium from the web page")
    parser.add_argument("--agency", help="every report's body (default: a random one each)")
    parser.add_argument("--year", type=int,
                        help="every report's year (from the newest template's first year on, that template)")
    parser.add_argument("--scan", type=_scans, default=(),
                        help="also scan each PDF report, as: comma-separated pdf,jpg,png (see gencorpus/scan.py)")
    args = parser.parse_args(argv)
    if args.scan and "pdf" not in args.formats:
        parser.error("--scan scans the PDF reports: --formats must include pdf")
    try:
        reports = write_corpus(args.seed, args.count, args.formats, args.out, args.printer, args.agency, args.year,
                               args.scan)
    except ConversionError as exc:
        parser.exit(1, f"error: {exc}\n")
    print(f"wrote {len(reports)} reports to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
