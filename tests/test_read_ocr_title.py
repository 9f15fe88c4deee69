"""The top of a scan's first page, read with PP-OCR's text detector and recogniser (extractor/readers/detect.py):
the title, and from it the issuing body and the year.

title_page.pdf is page 1 of the real 洪泽 2023 report scanned by ``scripts/scan_reports.py`` (seed 1),
checked against its hand-verified expected file; web_page_title.pdf is page 1 of g0030, a report printed from
a web page (a menu above a large title wrapped as "…年度报" / "告") scanned by
``make_corpus.py --count 50 --formats pdf --scan pdf --seed 7``, its agency and year as its expected file had
them.
"""
import json

from conftest import FIXTURES, SAMPLES, expected_path

from extractor.extract import extract_file

OCR = FIXTURES / "ocr"


def test_scanned_first_page_of_a_real_report_gives_its_agency_and_year() -> None:
    verified = json.loads(expected_path(SAMPLES / "hongze_qzf_2023.pdf").read_text(encoding="utf-8"))
    record = extract_file(OCR / "title_page.pdf")
    assert (record.agency, record.year) == (verified["agency"], verified["year"])


def test_large_title_wrapped_to_one_character_is_read_whole() -> None:
    """The wrapped line holds "告" alone: cut by its rows of ink it fell apart into "生" over "口", so the title
    was no report title and the record had neither agency nor year."""
    record = extract_file(OCR / "web_page_title.pdf")
    assert (record.agency, record.year) == ("武汉市教育局", 2023)
