"""PDF versions of generated reports, printed by LibreOffice from their DOCX or HTML.

One ``soffice`` call converts a whole batch (starting LibreOffice costs far
more than converting a report), and every call gets its own profile directory:
two conversions sharing the default profile fail silently.
"""
from __future__ import annotations

import dataclasses
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Sequence

from .render_docx import render_docx
from .render_html import render_html
from .report import Report

__all__ = ["ConversionError", "SofficeMissing", "write_pdfs"]

#: LibreOffice options for each source format: HTML is opened in Writer, not
#: Writer/Web, whose PDF export starts with a blank page.
_OPTIONS = {"docx": ("--convert-to", "pdf:writer_pdf_Export"),
            "html": ("--infilter=HTML (StarWriter)", "--convert-to", "pdf:writer_pdf_Export")}


class ConversionError(RuntimeError):
    """LibreOffice could not print a batch of reports."""


class SofficeMissing(ConversionError):
    """LibreOffice is not installed (Debian: libreoffice-writer, fonts-noto-cjk)."""


def _source(report: Report) -> tuple[str, bytes]:
    if report.style == "html":
        return "html", render_html(dataclasses.replace(report, style="trs"))
    return "docx", render_docx(report)


def _convert(sources: Sequence[Path], options: Sequence[str], outdir: Path, work: Path) -> None:
    soffice = shutil.which("soffice")
    if soffice is None:
        raise SofficeMissing("soffice not found: install libreoffice-writer and fonts-noto-cjk")
    profile = Path(tempfile.mkdtemp(prefix="lo-", dir=work))
    try:
        subprocess.run(
            [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", *options,
             "--outdir", str(outdir), *map(str, sources)],
            check=True, capture_output=True, timeout=60 + 10 * len(sources),
        )
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
        raise ConversionError(f"soffice failed on {len(sources)} files: {exc}") from exc


def write_pdfs(reports: Sequence[Report], out: Path) -> list[Path]:
    """Print each report to ``out/NAME.pdf``; raises if LibreOffice produced no file for one."""
    with tempfile.TemporaryDirectory(prefix="gencorpus-") as tmp:
        work = Path(tmp)
        by_kind: dict[str, list[Path]] = {}
        for report in reports:
            kind, data = _source(report)
            source = work / f"{report.name}.{kind}"
            source.write_bytes(data)
            by_kind.setdefault(kind, []).append(source)
        for kind, sources in by_kind.items():
            _convert(sources, _OPTIONS[kind], work, work)
        written = []
        for report in reports:
            pdf = work / f"{report.name}.pdf"
            if not pdf.exists():
                raise ConversionError(f"LibreOffice did not print {report.name}")
            written.append(Path(shutil.move(pdf, out / report.filename)))
    return written
