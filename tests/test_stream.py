"""The stream locator: a table printed without structure is aligned to the form's rows and columns.

The fixtures are the official 2021 form as text (``scripts/form_as_text.py``):
the blank form as LibreOffice exports it (one cell per line, no TAB), and the
form filled in with consistent numbers, printed as Word's TAB dump, as one cell
per line without TABs, and as one line per row with its cells apart by spaces.
"""
import json
import random
import sys
from pathlib import Path

import pytest

from conftest import FIXTURES, SAMPLES
from extractor.document import Document, Paragraph, table_from_rows
from extractor.extract import extract_file
from extractor.locate import locate
from extractor.readers import read_document
from extractor.stream import Token, line_tokens, lines_are_rows, token_runs

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))

import form_as_text  # noqa: E402

TEXT = FIXTURES / "text"
LAYOUTS = {"tabs": form_as_text.tab_dump, "no_tabs": form_as_text.cell_per_line, "rows": form_as_text.row_per_line}
FILLED = json.loads((TEXT / "official_form_2021_filled.expected.json").read_text(encoding="utf-8"))
REQUESTS = "三、收到和处理政府信息公开申请情况"


def test_blank_form_exported_as_text_without_tabs_extracts_exactly():
    record = extract_file(TEXT / "official_form_2021_libreoffice.txt")
    expected = json.loads((SAMPLES / "official_template_2021.expected.json").read_text(encoding="utf-8"))
    assert (record.template, record.tables, record.error_codes) == ("2021", expected["tables"], set())


@pytest.mark.parametrize("layout", LAYOUTS)
def test_filled_form_as_text_gives_every_value_in_its_cell(layout):
    record = extract_file(TEXT / f"official_form_2021_filled_{layout}.txt")
    assert (record.template, record.tables, sorted(record.error_codes)) == (
        "2021", FILLED["tables"], FILLED["error_codes"])


@pytest.mark.parametrize("layout", LAYOUTS)
def test_committed_text_is_the_generator_output(layout):
    document = read_document(SAMPLES / "official_template_2021.docx")
    values = form_as_text.draw_tables(random.Random(form_as_text.SEED), "2021", True, False)
    text = form_as_text.as_text(document, form_as_text.filled_texts(document, values), LAYOUTS[layout])
    assert text == (TEXT / f"official_form_2021_filled_{layout}.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize("text", ["pingtan_2024_gwh_libreoffice", "shanghai_szfbgt_2019_libreoffice",
                                  "hongze_qzf_2023_pdftotext", "huaian_szf_2024_pdftotext"])
def test_real_report_exported_as_text_gives_the_reports_tables(text):
    """Web pages exported by LibreOffice (a cell per line), PDFs by ``pdftotext -layout`` (a row per line)."""
    record = extract_file(TEXT / f"{text}.txt")
    expected = json.loads((SAMPLES / f"{text.rpartition('_')[0]}.expected.json").read_text(encoding="utf-8"))
    assert (record.template, record.tables, sorted(record.error_codes)) == (
        expected["template"], expected["tables"], sorted(expected["error_codes"]))


def test_value_from_a_stream_says_on_which_line_it_was_printed():
    record = extract_file(TEXT / "official_form_2021_filled_no_tabs.txt")
    assert record.provenance["requests"]["new_received.natural_person"].where == "line 51"


def test_blank_line_is_a_blank_cell_and_a_line_of_words_is_a_row():
    tokens = line_tokens(["规章", "", "\u3000", "公益 \xa0 \xa0", "（一）予以公开 0 1\t2"], 9, rows=False)
    assert [t.text for t in tokens] == ["规章", "", "", "公益", "（一）予以公开", "0", "1", "2"]
    assert (tokens[0].where, tokens[-1].where) == ("line 9", "line 13 cell 4")


def test_empty_line_between_rows_of_words_is_no_cell():
    lines = ["规章 1 2 3", "", "行政规范性文件 4 5 6", "行政许可 7"]
    assert lines_are_rows(lines)
    assert "" not in [t.text for t in line_tokens(lines, 1, rows=lines_are_rows(lines))]


def test_runs_cut_before_each_label_after_values_and_drop_values_before_any_label():
    runs = token_runs(Token(text, "") for text in ["", "0", "三、本年度办理结果", "（一）予以公开", "1", "", "（二）部分公开", "2"])
    assert [([t.text for t in r.labels], [t.text for t in r.values]) for r in runs] == [
        (["三、本年度办理结果", "（一）予以公开"], ["1", ""]), (["（二）部分公开"], ["2"])]


def _requests_document(rows):
    return Document("t.txt", "txt", [Paragraph(REQUESTS)], [table_from_rows(rows, "table 1", 1)])


def test_blanks_of_a_merged_label_column_go_to_the_row_they_open():
    """LibreOffice prints the cell a merged label column covers as an empty line at the start of each row."""
    lines = [REQUESTS, "（一）予以公开", *"1234567", "", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", *"7654321"]
    document = Document("t.txt", "txt", [Paragraph(REQUESTS)], lines=lines)
    cells = locate(document).tables["requests"]
    assert (cells["granted.total"].raw, cells["partially_granted.natural_person"].raw) == ("7", "7")


def test_reader_rows_of_one_cell_each_are_read_as_a_stream():
    column = [["一、本年新收政府信息公开申请数量"], *([v] for v in "3000003"), ["二、上年结转政府信息公开申请数量"],
              *([v] for v in "1000001")]
    cells = locate(_requests_document(column)).tables["requests"]
    assert (cells["new_received.total"].raw, cells["carried_over.natural_person"].raw) == ("3", "1")
    assert cells["new_received.total"].where == "table 1 row 8 col 1"


def test_header_word_wrapped_over_two_lines_still_names_its_column():
    lines = ["二、主动公开政府信息情况", "第二十条第（一）项", "信息内容", "本年新", "制作数量", "本年新", "公开数量",
             "对外公开总数量", "规章", "13", "13", "524"]
    cells = locate(Document("t.txt", "txt", [Paragraph(lines[0])], lines=lines)).tables["active"]
    assert [cells[f"regulations.{c}"].raw for c in ("made", "published", "public_total")] == ["13", "13", "524"]


def test_piece_of_a_wrapped_label_that_reads_as_a_heading_does_not_end_the_table():
    lines = [REQUESTS, "一、本年新收政府信息公开申请数量", *"3000003", "三、本", "年度办", "理结果", "（一）予以公开", *"2000002"]
    cells = locate(Document("t.txt", "txt", [Paragraph(REQUESTS)], lines=lines)).tables["requests"]
    assert cells["granted.total"].raw == "2"


def test_active_row_takes_as_many_values_as_its_header_names_columns():
    lines = ["二、主动公开政府信息情况", "第二十条第（五）项", "信息内容", "本年处理决定数量", "行政许可", "12", "",
             "第二十条第（六）项", "信息内容", "本年处理决定数量", "行政处罚", "5", "行政强制", "0"]
    cells = locate(Document("t.txt", "txt", [Paragraph(lines[0])], lines=lines)).tables["active"]
    assert (cells["licensing.decisions"].raw, cells["penalty.decisions"].raw) == ("12", "5")
