"""PDF versions of generated reports, printed by LibreOffice from their DOCX or HTML, or by a browser.

One ``soffice`` call converts a whole batch (starting LibreOffice costs far
more than converting a report), and every call gets its own profile directory:
two conversions sharing the default profile fail silently.

Headless Chromium is a second producer (``print_with_browser``): it prints a
report's web page as a browser would, in the CMS style the report is given,
so tables come out as the page's markup draws them — some without any ruling
line — with text set and wrapped by Skia, not LibreOffice.
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

__all__ = ["BROWSER_STYLES", "ConversionError", "SofficeMissing", "print_with_browser", "write_pdfs"]

#: The CMS styles a browser prints, in turn (see render_html).
BROWSER_STYLES = ("trs", "hanweb", "fragment")
#: Options that keep headless Chromium off the network and quiet on a machine without one.
_CHROMIUM = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--no-pdf-header-footer")

#: LibreOffice options for each source format: HTML is opened in Writer, not
#: Writer/Web, whose PDF export starts with a blank page.
_OPTIONS = {"docx": ("--convert-to", "pdf:writer_pdf_Export"),
            "html": ("--infilter=HTML (StarWriter)", "--convert-to", "pdf:writer_pdf_Export")}


class ConversionError(RuntimeError):
    """LibreOffice could not print a batch of reports."""


class SofficeMissing(ConversionError):
    """LibreOffice is not installed (Debian: libreoffice-writer, fonts-noto-cjk)."""


def print_with_browser(reports: Sequence[Report], out: Path) -> list[Path]:
    """Print each report's web page (in its ``style``, one of ``BROWSER_STYLES``) to ``out/NAME.pdf`` with
    headless Chromium (Debian: chromium, fonts-noto-cjk)."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        raise ConversionError("chromium not found: install chromium and fonts-noto-cjk")
    written = []
    with tempfile.TemporaryDirectory(prefix="gencorpus-") as tmp:
        for report in reports:
            page = Path(tmp) / f"{report.name}.html"
            page.write_bytes(render_html(report))
            target = out / report.filename
            try:
                subprocess.run([chromium, *_CHROMIUM, f"--user-data-dir={Path(tmp) / 'profile'}",
                                f"--print-to-pdf={target}", page.as_uri()], check=True, capture_output=True, timeout=120)
            except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
                raise ConversionError(f"chromium failed on {report.name}: {exc}") from exc
            if not target.exists():
                raise ConversionError(f"chromium did not print {report.name}")
            written.append(target)
    return written


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
