"""A bounded, seeded fuzz run: mutants of real reports and generated bombs, each a record or one clean line.

Each file goes down the path users' files take (:func:`extractor.extract.extract_files`, one process per
file). The mutants are the same on every run (one seed), few enough to keep the run to seconds; raising
``MUTANTS_PER_FORMAT`` or changing ``SEED`` searches wider.
"""
from __future__ import annotations

import io
import random
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import FIXTURES, SAMPLES
from PIL import Image

from extractor.extract import extract_files
from extractor.isolation import Parsed, PoolSettings
from extractor.limits import LIMITS

SEED = 20261204
MUTANTS_PER_FORMAT = 20
REPORTS = {
    "html": [SAMPLES / "shanghai_szfbgt_2019.html", FIXTURES / "generated" / "g0000_html.html"],
    "docx": [SAMPLES / "official_template_2021.docx", FIXTURES / "generated" / "g0001_docx.docx"],
    "pdf": [FIXTURES / "generated" / "g0002_pdf.pdf", FIXTURES / "generated" / "g0005_pdf.pdf"],
}
_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _mutate(rng: random.Random, data: bytes) -> bytes:
    """The bytes with one kind of damage: bytes overwritten, the end cut off, a run repeated or cut out."""
    out = bytearray(data)
    start = rng.randrange(len(out))
    kind = rng.randrange(4)
    if kind == 0:
        for _ in range(rng.randint(1, 40)):
            out[rng.randrange(len(out))] = rng.randrange(256)
    elif kind == 1:
        del out[start:]
    elif kind == 2:
        out[start:start] = out[start:start + rng.randint(1, 4096)] * rng.randint(1, 8)
    else:
        del out[start:start + rng.randint(1, 4096)]
    return bytes(out)


def _with_document_xml(xml: bytes | Callable[[bytes], bytes]) -> bytes:
    """A real .docx whose word/document.xml is ``xml`` (or what ``xml`` makes of the original), re-zipped
    whole, so that the damage is to the XML and not to the archive."""
    target = io.BytesIO()
    with zipfile.ZipFile(REPORTS["docx"][0]) as source, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            part = source.read(item)
            if item.filename == "word/document.xml":
                part = xml(part) if callable(xml) else xml
            out.writestr(item, part)
    return target.getvalue()


def _mutants(folder: Path) -> list[Path]:
    """The seeded mutants: per format, some with their bytes damaged and (DOCX) some with their XML damaged."""
    rng = random.Random(SEED)
    paths = []
    for fmt, reports in REPORTS.items():
        for number in range(MUTANTS_PER_FORMAT):
            data = rng.choice(reports).read_bytes()
            if fmt == "docx" and number % 2:
                data = _with_document_xml(lambda xml: _mutate(rng, xml))
            else:
                data = _mutate(rng, data)
            path = folder / f"mutant{number:02d}.{fmt}"
            path.write_bytes(data)
            paths.append(path)
    return paths


def _gif(frames: int) -> bytes:
    out = io.BytesIO()
    images = [Image.new("L", (8, 8), number % 256) for number in range(frames)]
    images[0].save(out, "GIF", save_all=True, append_images=images[1:])
    return out.getvalue()


#: Generated hostile files: nesting deeper than parsers go, entity expansion, absurd spans, endless frames.
BOMBS: dict[str, Callable[[], bytes]] = {
    "nested.docx": lambda: _with_document_xml(
        f'<w:document {_W}><w:body><w:p>{"<w:r>" * 50_000}<w:t>x</w:t>{"</w:r>" * 50_000}</w:p></w:body>'
        "</w:document>".encode()),
    "laughs.docx": lambda: _with_document_xml(
        ('<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">'
         '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>'
         f"<w:document {_W}><w:body><w:p><w:r><w:t>&d;</w:t></w:r></w:p></w:body></w:document>").encode()),
    "spans.docx": lambda: _with_document_xml(
        (f'<w:document {_W}><w:body><w:tbl>' + '<w:tr><w:trPr><w:gridBefore w:val="999999999"/></w:trPr><w:tc>'
         '<w:tcPr><w:gridSpan w:val="999999999"/><w:vMerge w:val="restart"/></w:tcPr><w:p><w:r><w:t>1</w:t>'
         '</w:r></w:p></w:tc></w:tr>' * 2000 + "</w:tbl></w:body></w:document>").encode()),
    "nested.html": lambda: f'<html><body>{"<div>" * 100_000}报告{"</div>" * 100_000}</body></html>'.encode(),
    "spans.html": lambda: ("<html><body><p>报告</p><table>"
                           + '<tr><td rowspan="999999" colspan="999999">1</td></tr>' * 2000
                           + "</table></body></html>").encode(),
    "frames.gif": lambda: _gif(LIMITS.ocr_pages + 1),
}


def _is_clean(parsed: Parsed) -> bool:
    """A record, or a reason in one line that is not xxgk's own failure."""
    error = parsed.error
    return parsed.record is not None or (
        error is not None and "\n" not in error and "Traceback" not in error
        and not error.startswith(("internal error", "worker died")))


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Parsed]:
    folder = tmp_path_factory.mktemp("fuzz")
    for name, make in BOMBS.items():
        (folder / name).write_bytes(make())
    paths = _mutants(folder) + [folder / name for name in BOMBS]
    return {Path(p.source.path).name: p for p in extract_files(paths, PoolSettings(jobs=2, timeout=60))}


def test_every_mutant_is_a_record_or_one_clean_line(outcomes: dict[str, Parsed]) -> None:
    mutants = {name: p.error for name, p in outcomes.items() if name.startswith("mutant")}
    assert len(mutants) == 3 * MUTANTS_PER_FORMAT
    assert {name: error for name, error in mutants.items() if not _is_clean(outcomes[name])} == {}


def test_the_mutants_reach_both_outcomes(outcomes: dict[str, Parsed]) -> None:
    records = sum(p.record is not None for name, p in outcomes.items() if name.startswith("mutant"))
    assert 0 < records < 3 * MUTANTS_PER_FORMAT


@pytest.mark.parametrize("name", sorted(BOMBS))
def test_every_bomb_is_a_record_or_one_clean_line(outcomes: dict[str, Parsed], name: str) -> None:
    assert _is_clean(outcomes[name]), outcomes[name].error
