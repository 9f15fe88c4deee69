"""Parsers the dataset tests hand to ``build``: the hand-verified record, and files that misbehave.

They live in a module of their own (not in a test file) because the build
pickles its parser by reference into fork-server children and Dask workers,
which import it from here. The fork server of Python 3.11 preloads the parser's
module before it applies the parent's ``sys.path``, so this folder is put on
``PYTHONPATH`` too: without it every child imports this module (and pandas,
DuckDB) again, a second per file.
"""
from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import time
from pathlib import Path

from conftest import FIXTURES, expected_path

from extractor.build import Parsed, Source
from extractor.errors import ReaderError
from extractor.readers.legacy import _run as legacy_run
from extractor.record import Finding, Record

DATASET_FIXTURES = FIXTURES / "dataset"
os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, (str(Path(__file__).parent), os.environ.get("PYTHONPATH"))))


def expected_record(source: Source) -> Record:
    """The hand-verified record beside a report, as the extractor should produce it."""
    path = Path(source.path)
    if not expected_path(path).exists():
        raise ReaderError("no expected record beside this file", path)
    data = json.loads(expected_path(path).read_text(encoding="utf-8"))
    return Record(
        source={"path": source.path, "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
                "format": path.suffix.lstrip("."), "url": source.url},
        agency=data["agency"], year=data["year"], template=data["template"], tables=data["tables"],
        findings=[Finding(code, None, (), "expected") for code in data["error_codes"]],
    )


def parse_expected(source: Source) -> Parsed:
    """A parser that answers with the expected record (and no text)."""
    return Parsed(source, expected_record(source))


def parse_expected_slowly(source: Source) -> Parsed:
    """The expected record, a little later: slow enough to kill a build in the middle."""
    time.sleep(0.3)
    return parse_expected(source)


def misbehaving(source: Source) -> Parsed:
    """A parser that hangs (alone, with a program it started, or converting with LibreOffice's runner), crashes, eats memory or has a bug (an
    exception naming an object, whose address differs between runs) on files named so, and is correct
    otherwise."""
    stem = Path(source.path).stem
    if stem == "raises":
        raise RuntimeError(f"cannot handle {object()}")
    if stem.startswith("converts"):
        legacy_run(["sleep", stem.removeprefix("converts")], 600, source.path)
    if stem == "starts_a_program":
        program = subprocess.Popen(["sleep", "600"])
        Path(source.path).with_suffix(".pid").write_text(str(program.pid), encoding="utf-8")
        time.sleep(600)
    if stem == "hangs":
        time.sleep(600)
    if stem == "segfaults":
        os.kill(os.getpid(), signal.SIGSEGV)
    if stem == "eats_memory":
        return bytearray(1 << 34)  # type: ignore[return-value]
    return parse_expected(source)
