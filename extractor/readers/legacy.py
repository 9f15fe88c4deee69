"""Legacy Word (.doc) and WPS (.wps) reader: LibreOffice converts, the DOCX reader reads.

Binary Word and WPS files have no maintained pure-Python parser that keeps
table structure, so LibreOffice (headless) converts each file to .docx in a
private temporary directory. Every conversion gets its own user profile
(``-env:UserInstallation``): two conversions sharing the default profile at
once fail silently, and batches run many at once. A missing LibreOffice is a
ReaderError that says what to install, not a crash.
"""
from __future__ import annotations

import logging
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from ..document import Document
from ..errors import ReaderError
from . import docx
from .settings import ReadSettings

__all__ = ["SOFFICE_NAMES", "convert_to_docx", "read"]

log = logging.getLogger(__name__)

#: Names the LibreOffice binary goes by (Debian installs ``soffice`` and ``libreoffice``).
SOFFICE_NAMES = ("soffice", "libreoffice")
#: Seconds a conversion may take; a converter that hangs on a broken file must not hang a batch.
TIMEOUT = 120
_MISSING = "LibreOffice (soffice) is needed to read .doc/.wps files; install libreoffice-writer"


def read(path: str, data: bytes, *, charset: str | None = None, settings: ReadSettings | None = None) -> Document:
    """Read a .doc or .wps file by way of a .docx conversion (``charset`` and ``settings`` are unused)."""
    converted = convert_to_docx(path, data)
    document = docx.read(path, converted)
    document.format = Path(path).suffix.lower().lstrip(".") or "doc"
    return document


def _soffice(path: str) -> str:
    for name in SOFFICE_NAMES:
        found = shutil.which(name)
        if found:
            return found
    raise ReaderError(_MISSING, path)


def convert_to_docx(path: str, data: bytes, timeout: float = TIMEOUT) -> bytes:
    """The bytes of a .docx that LibreOffice makes from a .doc/.wps file's bytes."""
    soffice = _soffice(path)
    suffix = Path(path).suffix.lower() if Path(path).suffix.lower() in (".doc", ".wps") else ".doc"
    with tempfile.TemporaryDirectory(prefix="xxgk-lo-") as tmp:
        work = Path(tmp)
        source = work / f"report{suffix}"
        source.write_bytes(data)
        command = [
            soffice, f"-env:UserInstallation={(work / 'profile').as_uri()}",
            "--headless", "--norestore", "--convert-to", "docx:MS Word 2007 XML",
            "--outdir", str(work / "out"), str(source),
        ]
        said = _run(command, timeout, path)
        output = work / "out" / "report.docx"
        if not output.exists():
            detail = f": {said[-1][:200]}" if said else ""
            raise ReaderError(f"LibreOffice could not convert the file{detail}", path)
        log.debug("%s: converted to .docx by LibreOffice", path)
        return output.read_bytes()


def _run(command: list[str], timeout: float, path: str) -> list[str]:
    """Run LibreOffice in its own process group (killed whole on timeout, or when this process dies); the
    lines it printed."""
    try:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    except OSError as exc:
        raise ReaderError(f"LibreOffice could not be started: {exc}", path) from exc
    watchdog = _watchdog(process.pid)
    try:
        output, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        raise ReaderError(f"LibreOffice took more than {timeout:g} s to convert the file", path) from exc
    finally:
        if watchdog:
            watchdog.kill()
            watchdog.wait()
    return output.decode("utf-8", "replace").strip().splitlines()


def _watchdog(group: int) -> subprocess.Popen[bytes] | None:
    """A process that kills LibreOffice's group if this process dies first (a file given up at its deadline,
    a build killed): LibreOffice's launcher hands the work to ``soffice.bin``, which nothing else would stop.
    None where there is no POSIX shell (Windows), where only the time limit above holds."""
    if os.name != "posix":
        return None
    script = 'while kill -0 "$0" 2>/dev/null; do sleep 1; done; kill -KILL "-$1" 2>/dev/null'
    return subprocess.Popen(["sh", "-c", script, str(os.getpid()), str(group)], start_new_session=True)
