"""Hostile input and hostile conditions: one clear line each, never a traceback, no process left behind."""
from __future__ import annotations

import json
import logging
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import FIXTURES, ROOT, SAMPLES
from dataset_support import misbehaving

from extractor.cli import main
from extractor.dataset import Dataset
from extractor.extract import extract_files
from extractor.isolation import PoolSettings

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
    assert "Traceback" in caplog.text and 'raise RuntimeError(f"cannot handle {object()}")' in caplog.text


def test_extract_gives_up_a_file_at_its_timeout_and_goes_on(tmp_path: Path) -> None:
    hangs = tmp_path / "hangs.html"
    hangs.write_text("<html></html>", encoding="utf-8")
    parsed = list(extract_files([hangs, REPORT], PoolSettings(jobs=1, timeout=1), misbehaving))
    assert [p.error for p in parsed] == ["timed out after 1 s", None]


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
def test_a_build_stopped_by_a_signal_says_so_and_resumes(tmp_path: Path, signum: int) -> None:
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
