"""Scanned PDFs and table images, read with OpenCV and PP-OCR (extractor/readers/ocr.py).

The fixtures are made from generated report g0002 (seed 3), whose values are
known: its table pages rendered at 150 dpi and made bilevel, without a text
layer (scanned_tables.pdf), and its requests table cut out of page 2 as a PNG
without a stated resolution, as sites post them (requests_table.png).
fixtures/ocr/expected.json holds the cells asserted here. negative_change_page.pdf,
fill_edge_row_page.pdf, light_stroke_page.pdf, faint_top_line_page.pdf and
heading_close_under_table.jpg are pages (the last a part of one) of scans made by
``make_corpus.py --scan`` (each with its expected file beside it);
light_print_page.pdf is page 4 of the real 淮安 2024 report scanned by
``scripts/scan_reports.py`` (seed 4), checked against its hand-verified expected file.
"""
import json
import re
import sys

import numpy as np
import pytest
from conftest import FIXTURES, SAMPLES, expected_path
import pypdfium2 as pdfium

from extractor.checks import LOW_CONFIDENCE
from extractor.errors import ReaderError
from extractor.extract import extract_file
from extractor.readers import ocr, read_document
from extractor.readers.settings import OcrSettings
from extractor.readers.recognise import recognise
from extractor.readers.scan_clean import clean, tilt

sys.path.insert(0, str(FIXTURES.parent / "scripts"))
from gencorpus.scan import scan_pdf  # noqa: E402

OCR = FIXTURES / "ocr"
SCAN = OCR / "scanned_tables.pdf"
IMAGE = OCR / "requests_table.png"
EXPECTED = json.loads((OCR / "expected.json").read_text(encoding="utf-8"))
#: Rows of the requests table that the image shows and OCR reads right ("（一）予以公开" comes out garbled).
IMAGE_ROWS = ("new_received", "carried_over", "partially_granted", "denied.state_secret")

@pytest.fixture(scope="module")
def scan_record():
    return extract_file(SCAN)


@pytest.fixture(scope="module")
def image_record():
    return extract_file(IMAGE)


#: How an OCR'd value's provenance note starts: the method and the recogniser's confidence.
OCR_NOTE = re.compile(r"^ocr, confidence ([01]\.\d\d)")


def _confidence(note: str | None) -> float | None:
    found = OCR_NOTE.match(note or "")
    return float(found.group(1)) if found else None


def _row_cells(expected: dict[str, int], rows: tuple[str, ...]) -> dict[str, int]:
    return {key: value for key, value in expected.items() if key.rsplit(".", 1)[0] in rows}


def test_table_image_is_read_into_the_requests_table(image_record) -> None:
    expected = _row_cells(EXPECTED["requests"], IMAGE_ROWS)
    assert {key: image_record.tables["requests"].get(key) for key in expected} == expected


def test_coarse_web_image_is_enlarged_before_it_is_read(tmp_path) -> None:
    """A table page as a 96 dpi screen image (no resolution stated): enlarged before its grid is found."""
    report = FIXTURES / "generated" / "g0002_pdf.pdf"
    page = pdfium.PdfDocument(report)[2]
    path = tmp_path / "page3.png"
    page.render(scale=96 / 72, grayscale=True).to_pil().save(path)
    expected = json.loads(report.with_name("g0002_pdf.expected.json").read_text(encoding="utf-8"))["tables"]
    rows = _row_cells(expected["requests"], ("new_received", "carried_over", "denied.state_secret"))
    requests = extract_file(path).tables["requests"]
    assert {key: requests.get(key) for key in rows} == rows


def test_scanned_pdf_gives_its_requests_table(scan_record) -> None:
    expected = EXPECTED["requests"]
    assert {key: scan_record.tables["requests"].get(key) for key in expected} == expected


def test_scanned_pdf_gives_its_appeals_table(scan_record) -> None:
    assert scan_record.tables["appeals"] == EXPECTED["appeals"]


def test_scanned_pdf_stays_a_pdf_document(scan_record) -> None:
    assert scan_record.source["format"] == "pdf"


def test_every_scanned_value_notes_ocr_and_its_confidence(scan_record) -> None:
    notes = [p.note for table in scan_record.provenance.values() for p in table.values()]
    assert notes and all(_confidence(note) is not None for note in notes)


def test_text_layer_values_note_no_ocr() -> None:
    """The scanned report's own text-layer PDF: its values were not guessed by a model."""
    record = extract_file(FIXTURES / "generated" / "g0002_pdf.pdf")
    assert not [p.note for table in record.provenance.values() for p in table.values() if "ocr" in (p.note or "")]


def test_values_accepted_with_low_confidence_are_named(image_record) -> None:
    """The coarse web image's zeros read with the recogniser unsure (a second reading agreeing): each value
    whose provenance gives a confidence below the threshold is named by OCR_LOW_CONFIDENCE, no other."""
    doubtful = tuple(key for key, p in image_record.provenance["requests"].items()
                     if (c := _confidence(p.note)) is not None and c < LOW_CONFIDENCE
                     and image_record.tables["requests"][key] is not None)
    found = [f for f in image_record.findings if f.code == "OCR_LOW_CONFIDENCE"]
    assert doubtful and [(f.table, f.keys, f.severity) for f in found] == [("requests", doubtful, "warning")]


def test_stamped_scan_with_header_fills_gives_its_appeals_table() -> None:
    """A report printed with grey header fills and a red seal, scanned skewed, blurred, noisy and JPEG'd."""
    report = FIXTURES / "generated" / "g0002_pdf.pdf"
    scan, _ = scan_pdf(report.read_bytes(), "test", "pdf")
    expected = json.loads(report.with_name("g0002_pdf.expected.json").read_text(encoding="utf-8"))["tables"]
    assert extract_file("scan.pdf", data=scan).tables["appeals"] == expected["appeals"]


def test_engine_failure_loses_the_table_not_the_file(monkeypatch: pytest.MonkeyPatch) -> None:
    """The engine fails on the first table it reads (the active table); the file's other tables are read."""
    calls: list[int] = []

    def first_fails(path: str, lines: list) -> list:
        calls.append(len(lines))
        if len(calls) == 1:
            raise ReaderError("OCR engine failed: out of memory", path)
        return recognise(path, lines)

    monkeypatch.setattr(ocr, "recognise", first_fails)
    record = extract_file(SCAN)
    assert ("TABLE_MISSING", "active") in {(f.code, f.table) for f in record.findings}
    assert record.tables["appeals"] == EXPECTED["appeals"]


def test_tilt_of_a_scanned_page_of_broken_light_rules_is_found_to_a_fiftieth_of_a_degree() -> None:
    """A browser-printed report (light grey rules), scanned: the rules of its page 4 come out broken and too
    light to count as ink, and its text lines alone suggest a wrong tilt (1.9° for 0.7°), which drew each
    column line a dozen pixels askew and lost half its rows."""
    scan, style = scan_pdf((FIXTURES / "generated" / "g0011_pdf.pdf").read_bytes(), "test", "pdf")
    page = list(ocr.render_pages(scan, OcrSettings()))[3]
    per_point = 200 / 72
    assert tilt(clean(np.asarray(page), per_point), per_point) == pytest.approx(-style.skew, abs=0.02)


def test_minus_sign_as_small_as_a_speck_is_kept() -> None:
    """At 200 dpi the "-" of "-5" (行政处罚 本年增/减) is smaller both ways than a speck: dropped with the
    specks, it read as 5, a silent error no sum catches."""
    page = OCR / "negative_change_page.pdf"
    expected = json.loads(page.with_suffix(".expected.json").read_text(encoding="utf-8"))["active"]
    assert extract_file(page).tables["active"] == expected


def test_light_thin_print_is_read_whole() -> None:
    """A real report set in a light serif face: scanned, its digits are no darker than 110, so a fixed ink
    level kept only their cores (a "2" kept its foot alone, read as a dash: 0) and broke a thin "1" into
    specks ("1288" read as 288). Every requests value on the page is the hand-verified one."""
    verified = json.loads(expected_path(SAMPLES / "huaian_szf_2024.pdf").read_text(encoding="utf-8"))
    read = extract_file(OCR / "light_print_page.pdf").tables["requests"]
    assert len(read) > 80 and read == {key: verified["tables"]["requests"][key] for key in read}


def _verified(fixture: str) -> dict:
    return json.loads((OCR / fixture).read_text(encoding="utf-8"))


def test_heading_set_close_under_a_table_is_no_row_of_it() -> None:
    """The strokes of a heading printed just under the appeals table touch its bottom line and ran on from two
    column lines, and the merged 行政复议 header's text ran up from the column line below it: the heading
    became a row of the table and the header was cut in two ("行政" / "[议"), and the table was not found."""
    expected = _verified("heading_close_under_table.expected.json")
    assert extract_file(OCR / "heading_close_under_table.jpg").tables["appeals"] == expected["appeals"]


def test_faint_top_line_of_a_continued_table_is_found() -> None:
    """A table continued on a new page under a grey header fill: its top line is a few levels darker than the
    paper for most of its length, no ridge in the scanner's noise, so the first row (1.本机关不掌握相关政府信息)
    had no top and its values were lost. Averaged along each stretch, the line shows."""
    expected = _verified("faint_top_line_page.expected.json")["requests"]
    read = extract_file(OCR / "faint_top_line_page.pdf").tables["requests"]
    assert {key: read.get(key) for key in expected if key.startswith("unavailable.not_held.")} == \
        {key: value for key, value in expected.items() if key.startswith("unavailable.not_held.")}
    assert read == {key: expected[key] for key in read}


def test_a_speck_read_as_a_point_beside_a_digit_is_dropped() -> None:
    """"O." (a zero and a speck) and "0" are one reading of the number 0."""
    assert ocr._as_digits("O.") == ocr._as_digits("0") == "0"


def test_edge_of_a_fill_divides_the_rows_it_lies_between() -> None:
    """A row under a grey fill: the border under it is no darker than the fill, so once cleaning made the fill
    white the border went too, and 1.信访举报投诉类申请 and 2.重复申请 were read as one row ("1\\n8" as 18)."""
    expected = _verified("fill_edge_row_page.expected.json")["requests"]
    read = extract_file(OCR / "fill_edge_row_page.pdf").tables["requests"]
    petition = {key: value for key, value in expected.items() if key.startswith("not_processed.petition.")}
    assert {key: read.get(key) for key in petition} == petition
    assert read == {key: expected[key] for key in read}


def test_letters_the_recogniser_gives_for_digits_agree_with_the_digits() -> None:
    """62 in a light serif face, read twice, comes out "bZ" and "b2": the same number."""
    assert ocr._as_digits("bZ") == ocr._as_digits("b2") == "62"


def test_number_read_with_a_colon_for_its_point_is_read_again() -> None:
    """A real scan's fee 7730.28 came out "7730:28", a label to the locator: the row was lost."""
    assert ocr._doubtful(ocr.Reading("7730:28", 0.99), sure=0.97)
    assert ocr._as_digits("7730:28") == "7730.28"


def test_glyph_printed_lighter_than_its_line_is_read_with_it() -> None:
    """The lone stroke of 一 in 一、本年新收…, thinned by the scan, is lighter than the ink level: the line was cut
    to its darker ink and read "、本年新收…" (a label no longer the form's, stitched onto the row above it
    across a page break). The same cut lost the thin "1" of 1288 on a real scan."""
    verified = _verified("light_stroke_page.expected.json")
    document = read_document(OCR / "light_stroke_page.pdf")
    assert verified["label"] in {cell.text for table in document.tables for cell in table.cells}
    assert extract_file(OCR / "light_stroke_page.pdf").tables["requests"] == verified["requests"]
