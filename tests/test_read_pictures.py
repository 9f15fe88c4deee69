"""Tables pasted as pictures into a Word file or a web page, read with OCR (extractor/readers/pictures.py).

fixtures/pictures/ is made by ``scripts/make_picture_fixtures.py`` from the
real 洪泽 2023 report (fixtures/samples/hongze_qzf_2023.pdf): its running text,
with its 主动公开 table cut out of its two pages as two PNG pictures, its 复议
诉讼 table as a JPEG picture, and (in the Word file) its requests table as a
Word table of text between them. The values are checked against the report's
hand-verified expected file.
"""
import io
import json
import logging
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import docx
import pytest
from conftest import FIXTURES, SAMPLES
from docx.shared import Inches
from PIL import Image

from extractor.document import OCR_META
from extractor.extract import extract_file, read_and_extract
from extractor.limits import Limits
from extractor.readers import pictures, read_document
from extractor.trace import Trace

PICTURES = FIXTURES / "pictures"
WORD = PICTURES / "hongze_2023_pictures.docx"
PAGE = PICTURES / "hongze_2023_pictures.html"
EXPECTED = json.loads((SAMPLES / "hongze_qzf_2023.expected.json").read_text(encoding="utf-8"))["tables"]
#: The rows of 主动公开 the web page's picture shows (the table's part on the report's page 2).
PAGE_ACTIVE_ROWS = ("regulations", "normative_docs", "licensing")
OCR_NOTE = re.compile(r"^ocr, confidence [01]\.\d\d")


@pytest.fixture(scope="module")
def word():
    trace = Trace()
    record, document = read_and_extract(WORD, trace=trace)
    return record, document, trace


@pytest.fixture(scope="module")
def page():
    return extract_file(PAGE)


def _notes(record, table: str) -> list[str]:
    return [p.note or "" for p in record.provenance[table].values()]


def test_table_over_two_pictures_in_a_word_file_gives_its_values(word) -> None:
    record, _, _ = word
    assert record.tables["active"] == EXPECTED["active"]


def test_jpeg_table_picture_in_a_word_file_gives_its_values(word) -> None:
    record, _, _ = word
    assert record.tables["appeals"] == EXPECTED["appeals"]


def test_word_table_of_text_between_pictures_is_read_as_text(word) -> None:
    record, _, _ = word
    assert record.tables["requests"] == EXPECTED["requests"]
    assert not any("ocr" in note for note in _notes(record, "requests"))


def test_values_read_from_pictures_note_ocr_and_confidence(word) -> None:
    record, _, _ = word
    notes = _notes(record, "active") + _notes(record, "appeals")
    assert notes and all(OCR_NOTE.match(note) for note in notes)


def test_picture_tables_stand_in_reading_order_under_the_heading_above_them(word) -> None:
    _, document, _ = word
    order = [(table.name, document.paragraphs[table.paragraph_index - 1].text) for table in document.tables]
    assert order == [("word/media/image1.png table 1", "二、主动公开政府信息情况"),
                     ("word/media/image2.png table 1", "二、主动公开政府信息情况"),
                     ("table 1", "三、收到和处理政府信息公开申请情况"),
                     ("word/media/image3.jpg table 1", "四、政府信息公开行政复议、行政诉讼情况")]


def test_word_file_with_picture_tables_is_marked_read_with_ocr(word) -> None:
    _, document, trace = word
    methods = {step.name: step.method for step in trace.tables}
    assert document.meta[OCR_META] and methods == {"word/media/image1.png table 1": "ocr ruled",
                                                   "word/media/image2.png table 1": "ocr ruled",
                                                   "table 1": "docx",
                                                   "word/media/image3.jpg table 1": "ocr ruled"}


def test_picture_in_a_data_uri_gives_the_rows_it_shows(page) -> None:
    shown = {key: value for key, value in EXPECTED["active"].items() if key.split(".")[0] in PAGE_ACTIVE_ROWS}
    assert {key: page.tables["active"].get(key) for key in shown} == shown
    assert all(OCR_NOTE.match(note) for note in _notes(page, "active"))


def test_picture_in_the_saved_pages_folder_gives_its_table(page) -> None:
    assert page.tables["appeals"] == EXPECTED["appeals"]


#: A page body of two headings (neither holding most of the text, so the body is the page's) round a picture.
BODY = ('<html><body><p>三、收到和处理政府信息公开申请情况</p><p><img src="{src}"></p>'
        "<p>四、政府信息公开行政复议、行政诉讼情况</p></body></html>")


@pytest.mark.parametrize("src", ["../table3.jpeg", "{root}/table3.jpeg", "file://{root}/table3.jpeg",
                                 "http://127.0.0.1:9/table3.jpeg"])
def test_picture_outside_the_pages_folder_is_not_read(tmp_path: Path, src: str,
                                                      caplog: pytest.LogCaptureFixture) -> None:
    """The picture exists where ``src`` points, above the page's folder: a page never reads files there, nor
    fetches one."""
    shutil.copy(PICTURES / "hongze_2023_pictures_files" / "table3.jpeg", tmp_path / "table3.jpeg")
    (tmp_path / "page").mkdir()
    path = tmp_path / "page" / "report.html"
    src = src.format(root=tmp_path)
    path.write_text(BODY.format(src=src), encoding="utf-8")
    with caplog.at_level(logging.DEBUG, logger="extractor.readers.html"):
        document = read_document(path)
    assert (document.tables, OCR_META in document.meta) == ([], False)
    skipped = [r.getMessage().removesuffix(": not read") for r in caplog.records if "not read" in r.getMessage()]
    why = "lies outside the page's folder" if src.startswith("..") else "is not beside the page"
    assert skipped == [f"{path}: picture {src!r} {why}"]


def test_broken_data_uri_is_logged_not_raised(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "report.html"
    path.write_text(BODY.format(src="data:image/png;base64,iVBOR%%%"), encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="extractor.readers.pictures"):
        document = read_document(path)
    assert document.tables == []
    assert [r.getMessage() for r in caplog.records] == [
        f"{path}: picture 1 (data: URI) not read: a data: URI of broken base64: Only base64 data is allowed"]


def _with_picture(source: Path, target: Path, picture: Image.Image) -> None:
    """A real Word report with a picture added at its top."""
    document = docx.Document(str(source))
    data = io.BytesIO()
    picture.save(data, "PNG")
    document.paragraphs[0].insert_paragraph_before().add_run().add_picture(data, width=Inches(1))
    document.save(str(target))


def test_word_file_with_only_a_logo_reads_as_before_without_loading_ocr(tmp_path: Path) -> None:
    """A 120×60 logo is no table: the report reads exactly as without it, and OpenCV and ONNX Runtime are
    never imported (checked in a fresh interpreter)."""
    source = SAMPLES / "huaian_szf_2024_form.docx"
    logo = tmp_path / "with_logo.docx"
    _with_picture(source, logo, Image.new("RGB", (120, 60), "red"))
    script = ("import json, sys; from extractor.extract import extract_file; "
              f"r = extract_file({str(logo)!r}).to_dict(); "
              "print(json.dumps([r['tables'], r['findings'], 'cv2' in sys.modules, "
              "'extractor.readers.ocr' in sys.modules]))")
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    before = extract_file(source).to_dict()
    assert json.loads(run.stdout) == [before["tables"], before["findings"], False, False]


def test_broken_picture_in_a_word_file_is_logged_and_the_rest_read(tmp_path: Path,
                                                                   caplog: pytest.LogCaptureFixture) -> None:
    """A picture whose PNG data is cut short after its header: skipped with a line naming it."""
    source = SAMPLES / "huaian_szf_2024_form.docx"
    pictured = tmp_path / "pictured.docx"
    _with_picture(source, pictured, Image.effect_noise((800, 400), 60).convert("RGB"))
    broken = tmp_path / "broken.docx"
    with zipfile.ZipFile(pictured) as archive, zipfile.ZipFile(broken, "w") as out:
        for item in archive.infolist():
            data = archive.read(item)
            out.writestr(item, data[:200] if item.filename == "word/media/image1.png" else data)
    with caplog.at_level(logging.WARNING, logger="extractor.readers.pictures"):
        record = extract_file(broken)
    assert record.tables == extract_file(source).tables
    assert [r.getMessage().split(": broken image:")[0] for r in caplog.records] == [
        f"{broken}: word/media/image1.png not read"]


def test_pictures_past_the_limit_are_logged_not_read(monkeypatch: pytest.MonkeyPatch,
                                                     caplog: pytest.LogCaptureFixture) -> None:
    """With room for one picture, the saved page's first picture is read and its second left, with a line."""
    monkeypatch.setattr(pictures, "LIMITS", Limits(ocr_pictures=1))
    with caplog.at_level(logging.WARNING, logger="extractor.readers.pictures"):
        document = read_document(PAGE)
    assert [table.name for table in document.tables] == ["picture 1 (data: URI) table 1"]
    assert [r.getMessage() for r in caplog.records] == [
        f"{PAGE}: hongze_2023_pictures_files/table3.jpeg not read: more than 1 pictures to read with OCR"]
