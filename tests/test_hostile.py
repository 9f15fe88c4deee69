"""Hostile input and hostile conditions: one clear line each, never a traceback, no process left behind."""
from __future__ import annotations

import http.server
import json
import logging
import os
import resource
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from conftest import FIXTURES, ROOT, SAMPLES
from dataset_support import misbehaving

from extractor.crawl.discover import parse_listing
from extractor.crawl.fetch import Fetcher
from extractor.crawl.outcome import Outcome
from extractor.crawl.settings import CrawlSettings
from extractor.dataset import Dataset
from extractor.errors import ReaderError
from extractor.extract import extract_files
from extractor.isolation import PoolSettings
from extractor.limits import LIMITS, Limits
from extractor.readers import read_document

REPORT = SAMPLES / "ganyu-kjj-2024.txt"
SCAN = FIXTURES / "ocr" / "scanned_tables.pdf"
ONE = PoolSettings(jobs=1, timeout=60)


def _extract(*args: str) -> subprocess.CompletedProcess[bytes]:
    """``xxgk extract`` run as users run it: its own process, bytes out."""
    return subprocess.run([sys.executable, "-m", "extractor", "extract", *args], capture_output=True, timeout=120)


def _alive(pid: int) -> bool:
    """Whether a process still runs (a zombie waiting for its parent to reap it does not)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


def _descendants(pid: int) -> set[int]:
    """Every process below ``pid``, read from /proc."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def _wait_for(condition, seconds: float = 60) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


# --- One path for a file: one line, stable, tracebacks to the log -----------------------------------------


def test_internal_error_is_one_stable_line_without_traceback(tmp_path: Path) -> None:
    bug = tmp_path / "raises.html"
    bug.write_text("<html></html>", encoding="utf-8")
    runs = [[p.error for p in extract_files([bug], ONE, misbehaving)] for _ in range(2)]
    assert runs[0] == runs[1] == ["internal error: RuntimeError: cannot handle <object object>"]


def test_internal_errors_traceback_goes_to_the_log_not_the_terminal(tmp_path: Path,
                                                                    caplog: pytest.LogCaptureFixture) -> None:
    bug = tmp_path / "raises.html"
    bug.write_text("<html></html>", encoding="utf-8")
    script = ("import sys; sys.path[:0] = [sys.argv[1]]\n"
              "from dataset_support import misbehaving\nfrom extractor.extract import extract_files\n"
              "for parsed in extract_files(sys.argv[2:], parse=misbehaving): print(parsed.error)\n")
    done = subprocess.run([sys.executable, "-c", script, str(ROOT / "tests"), str(bug)], capture_output=True,
                          text=True, timeout=120)
    with caplog.at_level(logging.INFO, "extractor.isolation"):
        list(extract_files([bug], ONE, misbehaving))
    assert done.stdout.splitlines() == ["internal error: RuntimeError: cannot handle <object object>"]
    assert "Traceback" not in done.stderr
    [logged] = [record for record in caplog.records if record.name == "extractor.isolation"]
    assert logged.getMessage() == f"{bug}: internal error: RuntimeError: cannot handle <object object>"
    assert logged.detail.startswith("Traceback") and 'raise RuntimeError(f"cannot handle {object()}")' in logged.detail


def test_extract_gives_up_a_file_at_its_timeout_and_goes_on(tmp_path: Path) -> None:
    hangs = tmp_path / "hangs.html"
    hangs.write_text("<html></html>", encoding="utf-8")
    parsed = list(extract_files([hangs, REPORT], PoolSettings(jobs=1, timeout=1), misbehaving))
    assert [p.error for p in parsed] == ["timed out after 1 s", None]


def test_a_file_given_up_takes_the_programs_it_started_with_it(tmp_path: Path) -> None:
    starts = tmp_path / "starts_a_program.html"
    starts.write_text("<html></html>", encoding="utf-8")
    parsed = list(extract_files([starts], PoolSettings(jobs=1, timeout=2), misbehaving))
    program = int(starts.with_suffix(".pid").read_text(encoding="utf-8"))
    assert [p.error for p in parsed] == ["timed out after 2 s"]
    assert _wait_for(lambda: not _alive(program), 5), "the program outlived its file's deadline"


def _running(command_line: str) -> list[int]:
    """The processes whose command line is exactly this."""
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if cmdline.read_bytes().replace(b"\0", b" ").strip() == command_line.encode():
                found.append(int(cmdline.parent.name))
        except OSError:
            continue
    return [pid for pid in found if _alive(pid)]


def test_a_file_given_up_mid_conversion_takes_libreoffice_with_it(tmp_path: Path) -> None:
    seconds = f"{600 + time.time() % 1:.6f}"  # a command line no other process has
    converts = tmp_path / f"converts{seconds}.html"
    converts.write_text("<html></html>", encoding="utf-8")
    try:
        parsed = list(extract_files([converts], PoolSettings(jobs=1, timeout=2), misbehaving))
        assert [p.error for p in parsed] == ["timed out after 2 s"]
        assert _wait_for(lambda: not _running(f"sleep {seconds}"), 5), "the conversion outlived its file"
    finally:
        for pid in _running(f"sleep {seconds}"):
            os.kill(pid, signal.SIGKILL)


def test_extract_caps_the_memory_of_a_file(tmp_path: Path) -> None:
    eats = tmp_path / "eats_memory.html"
    eats.write_text("<html></html>", encoding="utf-8")
    parsed = list(extract_files([eats], PoolSettings(jobs=1, memory_mb=512), misbehaving))
    assert [p.error for p in parsed] == ["out of memory (limit 512 MiB)"]


def test_extract_timeout_is_an_option(tmp_path: Path) -> None:
    done = _extract("--timeout", "0.5", str(SCAN))
    assert done.returncode == 1
    assert done.stderr.decode().splitlines()[0] == f"xxgk: {SCAN}: timed out after 0.5 s"


# --- Names ----------------------------------------------------------------------------------------------


def test_control_characters_in_a_name_stay_on_one_escaped_line(tmp_path: Path) -> None:
    odd = tmp_path / "bad\nname\x1b[31m.xyz"
    odd.write_bytes(b"\x00\x01binary")
    done = _extract(str(odd))
    assert done.stderr.decode().splitlines()[0] == (f"xxgk: {tmp_path}/bad\\nname\\x1b[31m.xyz: "
                                                   "unsupported file type '.xyz'")


def test_a_name_that_is_not_utf8_is_written_escaped_in_valid_json(tmp_path: Path) -> None:
    report = Path(os.fsdecode(bytes(tmp_path) + b"/\xff\xfe.txt"))
    shutil.copy(REPORT, report)
    done = _extract(str(report))
    record = json.loads(done.stdout.decode("utf-8"))
    assert record["source"]["path"] == f"{tmp_path}/\\xff\\xfe.txt" and record["agency"] == "连云港市赣榆区科学技术局"


def test_a_build_over_a_name_that_is_not_utf8_never_prints_a_traceback(tmp_path: Path) -> None:
    folder = tmp_path / "reports"
    folder.mkdir()
    shutil.copy(REPORT, Path(os.fsdecode(bytes(folder) + b"/\xff\xfe.txt")))
    done = _build(tmp_path / "x.duckdb", folder)
    assert "Traceback" not in done.stderr and all(line.startswith("xxgk: ") or "file(s)" in line
                                                  for line in done.stderr.splitlines())


def test_extract_writes_utf8_under_the_c_locale() -> None:
    env = {**os.environ, "LC_ALL": "C", "LANG": "C", "PYTHONUTF8": "0", "PYTHONIOENCODING": ""}
    done = subprocess.run([sys.executable, "-m", "extractor", "extract", str(REPORT)], capture_output=True,
                          env=env, timeout=120)
    assert done.returncode == 0 and b"Traceback" not in done.stderr
    assert json.loads(done.stdout.decode("utf-8"))["agency"] == "连云港市赣榆区科学技术局"


# --- Signals --------------------------------------------------------------------------------------------

_HANGING_BUILD = """
import sys
sys.path[:0] = {paths!r}
from extractor.build import BuildSettings, build
from dataset_support import misbehaving
if __name__ == "__main__":
    build([{source!r}], {db!r}, settings=BuildSettings(jobs=2, timeout=600), parse=misbehaving)
"""


def test_a_build_killed_with_sigkill_leaves_no_process_running(tmp_path: Path) -> None:
    folder = tmp_path / "reports"
    folder.mkdir()
    for name in ("hangs.html", "a/hangs.html"):
        (folder / name).parent.mkdir(exist_ok=True)
        (folder / name).write_text("<html></html>", encoding="utf-8")
    script = tmp_path / "run_build.py"
    script.write_text(_HANGING_BUILD.format(paths=[str(ROOT), str(ROOT / "tests")], source=str(folder),
                                            db=str(tmp_path / "x.duckdb")), encoding="utf-8")
    build = subprocess.Popen([sys.executable, str(script)])
    try:
        # the fork server and its two workers, each working on a file that hangs
        assert _wait_for(lambda: len(_descendants(build.pid)) >= 3), "the workers never started"
        time.sleep(0.5)
        left = _descendants(build.pid)
        build.kill()
        build.wait()
        assert _wait_for(lambda: not any(_alive(pid) for pid in left), 10), "processes outlived the build"
    finally:
        for pid in _descendants(build.pid) | {build.pid}:
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_build_stopped_by_a_signal_says_so_and_keeps_what_it_wrote(tmp_path: Path, signum: int) -> None:
    folder = tmp_path / "reports"
    folder.mkdir()
    for number in range(6):
        shutil.copy(SCAN, folder / f"scan{number}.pdf")
    db = tmp_path / "x.duckdb"
    build = subprocess.Popen([sys.executable, "-m", "extractor", "build", "-j", "1", "--db", str(db), str(folder)],
                             stderr=subprocess.PIPE, text=True)
    assert _wait_for(lambda: len(_descendants(build.pid)) >= 2), "the build never started a worker"
    time.sleep(1)
    left = _descendants(build.pid)
    build.send_signal(signum)
    _, stderr = build.communicate(timeout=60)
    assert build.returncode == 128 + signum
    assert stderr.splitlines() == [f"xxgk: stopped by {signal.Signals(signum).name}; what was done is kept: "
                                   "run the same command again to go on"]
    assert _wait_for(lambda: not any(_alive(pid) for pid in left), 10), "processes outlived the build"
    with Dataset(db, read_only=True) as dataset:
        assert len(dataset.known_files()) < 6


# --- Limits, checked before the cost is paid ------------------------------------------------------------

DOCX = SAMPLES / "official_template_2021.docx"


def _docx_with(tmp_path: Path, write: Callable[[zipfile.ZipFile], None], name: str = "bomb.docx") -> Path:
    """A copy of a real .docx with word/document.xml written by ``write`` (and the other parts as they were)."""
    out = tmp_path / name
    with zipfile.ZipFile(DOCX) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            if item.filename != "word/document.xml":
                target.writestr(item, source.read(item))
        write(target)
    return out


def _patch_document_xml(path: Path, local: int, central: int, value: int) -> None:
    """Overwrite a two-byte field of word/document.xml's local and central headers (flags, method)."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        offset = archive.getinfo("word/document.xml").header_offset
    struct.pack_into("<H", data, offset + local, value)
    entry = data.rindex(b"PK\x01\x02", 0, data.index(b"word/document.xml", data.index(b"PK\x01\x02")))
    struct.pack_into("<H", data, entry + central, value)
    path.write_bytes(bytes(data))


def _read_error(path: Path) -> str:
    with pytest.raises(ReaderError) as caught:
        read_document(path)
    return caught.value.message


def test_a_docx_zip_bomb_is_refused_before_it_is_inflated(tmp_path: Path) -> None:
    def bomb(archive: zipfile.ZipFile) -> None:
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            for _ in range(LIMITS.docx_bytes // (1 << 20) + 1):
                member.write(b" " * (1 << 20))
    assert _read_error(_docx_with(tmp_path, bomb)) == ("word/document.xml inflates to more than 256 MiB: "
                                                       "not a report (a zip bomb?)")


def test_a_docx_of_too_many_members_is_refused(tmp_path: Path) -> None:
    def many(archive: zipfile.ZipFile) -> None:
        archive.writestr("word/document.xml", "<w:document/>")
        for number in range(LIMITS.docx_members):
            archive.writestr(f"word/media/{number}", b"")
    assert _read_error(_docx_with(tmp_path, many)) == "a .docx archive of more than 10000 members: not a report"


@pytest.mark.parametrize("local, central, value, message", [
    (6, 8, 0x1, "an encrypted .docx (word/document.xml needs a password)"),
    (8, 10, 9, "a .docx compressed in a way Word does not write: That compression method is not supported"),
])
def test_a_docx_member_word_cannot_have_written_is_one_clean_line(tmp_path: Path, local: int, central: int,
                                                                  value: int, message: str) -> None:
    odd = tmp_path / "odd.docx"
    shutil.copy(DOCX, odd)
    _patch_document_xml(odd, local, central, value)
    assert _read_error(odd) == message


def test_a_corrupt_docx_member_is_a_broken_archive(tmp_path: Path) -> None:
    corrupt = tmp_path / "corrupt.docx"
    data = bytearray(DOCX.read_bytes())
    with zipfile.ZipFile(DOCX) as archive:
        part = archive.getinfo("word/document.xml")
    start = part.header_offset + 30 + len(part.filename) + len(part.extra)
    data[start:start + 64] = bytes(64)
    corrupt.write_bytes(bytes(data))
    assert _read_error(corrupt).startswith("broken .docx archive: ")


def _png(width: int, height: int) -> bytes:
    """A PNG that declares ``width`` × ``height`` one-bit pixels and holds almost none of them."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00" * 16)) + chunk(b"IEND", b""))


@pytest.mark.parametrize("width", [20_000, 60_000])
def test_an_image_bomb_is_refused_from_its_header(tmp_path: Path, width: int) -> None:
    bomb = tmp_path / "bomb.png"
    bomb.write_bytes(_png(width, width))
    assert _read_error(bomb) == "an image of more than 200 million pixels: not a report (a decompression bomb?)"


def _blank_pdf(path: Path, pages: int, size: float) -> Path:
    pdf = pdfium.PdfDocument.new()
    for _ in range(pages):
        pdf.new_page(size, size)
    pdf.save(str(path))
    pdf.close()
    return path


def test_a_giant_scanned_page_is_refused_before_it_is_rendered(tmp_path: Path) -> None:
    assert _read_error(_blank_pdf(tmp_path / "giant.pdf", 1, 14_400)) == (
        "a scanned page of 207 million square points, larger than the 16.1 million a report's page could be "
        "(twice A0): not rendered")


def test_a_scan_of_too_many_pages_is_refused_before_any_is_rendered(tmp_path: Path) -> None:
    assert _read_error(_blank_pdf(tmp_path / "long.pdf", LIMITS.ocr_pages + 1, 100)) == (
        "a scan of 501 pages, more than the 500 a report could have to be read with OCR")


def test_an_html_table_whose_spans_multiply_is_refused_before_it_is_laid_out(tmp_path: Path) -> None:
    rows = "".join('<tr><td rowspan="1000" colspan="1000">x</td></tr>' for _ in range(1000))
    page = tmp_path / "spans.html"
    page.write_text(f"<html><body><p>报告</p><table>{rows}</table></body></html>", encoding="utf-8")
    assert _read_error(page) == ("a table whose merged cells cover 500500000 grid positions, more than the "
                                 "500000 a report's table could: not laid out")


def test_a_pager_announcing_millions_of_pages_builds_only_the_limit() -> None:
    script = '<script>createPageHTML(200000000, 0, "index", "html");</script>'
    started = time.monotonic()
    pages = parse_listing(script, "http://www.example.gov.cn/nb/index.html").pages
    assert (len(pages), pages[-1]) == (LIMITS.listing_pages - 1, "http://www.example.gov.cn/nb/index_999.html")
    assert time.monotonic() - started < 1


class _Trickle(http.server.BaseHTTPRequestHandler):
    """A server that sends a body one byte every 0.1 s, each byte well within any read timeout."""

    def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
        self.send_response(200)
        self.send_header("Content-Type", "application/pdf")
        self.end_headers()
        for _ in range(100):
            self.wfile.write(b"x")
            self.wfile.flush()
            time.sleep(0.1)

    def log_message(self, *args: object) -> None:
        pass


def test_a_response_trickled_in_is_cut_at_its_total_time() -> None:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Trickle)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    fetcher = Fetcher(CrawlSettings(delay=0, retries=0, timeout=5, allow_private=True), limits=Limits(response_seconds=1))
    try:
        started = time.monotonic()
        response = fetcher.get(f"http://127.0.0.1:{server.server_port}/report.pdf", lambda url: None)
    finally:
        fetcher.close()
        server.shutdown()
    assert (response.outcome, response.reason) == (Outcome.ERROR, "the response took more than 1 s to arrive "
                                                                  "(a trickle)")
    assert time.monotonic() - started < 3


# --- The dataset: full disk, lock ------------------------------------------------------------------------


def _build(db: Path, *sources: Path, file_size: int | None = None) -> subprocess.CompletedProcess[str]:
    """``xxgk build`` in its own process; with ``file_size``, no file it writes may grow past that (a full
    disk, as the process sees it)."""
    def full_disk() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (file_size, file_size))
    return subprocess.run([sys.executable, "-m", "extractor", "build", "-j", "1", "--db", str(db), *map(str, sources)],
                          capture_output=True, text=True, timeout=300, preexec_fn=full_disk if file_size else None)


def test_a_full_disk_during_a_build_is_one_line_and_the_dataset_stays_intact(tmp_path: Path) -> None:
    db = tmp_path / "x.duckdb"
    _build(db, REPORT)
    done = _build(db, SAMPLES, file_size=200_000)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stderr.splitlines() == [f"xxgk: {db}: cannot write dataset: TransactionContext Error: Failed to "
                                        f'commit: Could not write file "{db}.wal": File too large']
    with Dataset(db, read_only=True) as dataset:
        assert str(REPORT) in dataset.known_files()


def test_a_read_only_dataset_is_one_line_and_stays_as_it_was() -> None:
    folder = Path(tempfile.mkdtemp())  # not under pytest's folder, which only its owner may enter
    db = folder / "x.duckdb"
    try:
        _build(db, REPORT)
        before = db.read_bytes()
        db.chmod(0o444)
        folder.chmod(0o555)
        # root may write anything: the build runs as nobody then
        as_user = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] if os.geteuid() == 0 else []
        done = subprocess.run([*as_user, sys.executable, "-m", "extractor", "build", "--db", str(db), str(SAMPLES)],
                              capture_output=True, text=True, timeout=300)
        assert done.returncode == 1 and done.stderr.splitlines() == [
            f'xxgk: {db}: cannot open dataset: IO Error: Cannot open file "{db}": Permission denied']
        assert db.read_bytes() == before
    finally:
        folder.chmod(0o755)
        shutil.rmtree(folder)


def test_a_dataset_another_process_holds_is_one_line(tmp_path: Path) -> None:
    db = tmp_path / "x.duckdb"
    _build(db, REPORT)
    holder = subprocess.Popen([sys.executable, "-c", f"import duckdb, time; held = duckdb.connect({str(db)!r}); "
                               "print(flush=True); time.sleep(60)"], stdout=subprocess.PIPE)
    try:
        assert holder.stdout is not None and holder.stdout.readline()
        done = _build(db, REPORT)
    finally:
        holder.kill()
        holder.wait()
    assert done.returncode == 1 and len(done.stderr.splitlines()) == 1
    assert done.stderr.startswith(f"xxgk: {db}: cannot open dataset: IO Error: Could not set lock on file")
