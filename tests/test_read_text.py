"""The text reader: the tab dump of a Word report, Markdown pipe tables, encodings."""
import pytest

from conftest import FIXTURES, SAMPLES
from extractor.errors import ReaderError
from extractor.readers import read_document, text
from reader_grids import cell_with, find_row, table_under

SEED = SAMPLES / "ganyu-kjj-2024.txt"
MARKDOWN = FIXTURES / "text" / "pingtan_2024_appeals.md"
ACTIVE = "二、主动公开政府信息情况"
REQUESTS = "三、收到和处理政府信息公开申请情况"
APPEALS = "四、政府信息公开行政复议、行政诉讼情况"


def read_file(path):
    return text.read(str(path), path.read_bytes())


def test_seed_tables_come_right_after_their_headings():
    document = read_file(SEED)
    assert [document.paragraphs[t.paragraph_index - 1].text for t in document.tables] == [ACTIVE, REQUESTS, APPEALS]


def test_seed_request_rows_carry_seven_values_after_their_label():
    requests = table_under(read_file(SEED), REQUESTS)
    assert find_row(requests, "一、本年新收政府信息公开申请数量") == ["0"] * 7
    assert find_row(requests, "7.属于行政执法案") == ["0"] * 7


def test_seed_values_line_up_in_the_same_columns():
    requests = table_under(read_file(SEED), REQUESTS)
    value_columns = {tuple(c.col for c in row[-7:]) for row in requests.rows()[3:]}
    assert value_columns == {tuple(range(3, 10))}


def test_seed_appeals_row_holds_fifteen_values():
    appeals = table_under(read_file(SEED), APPEALS)
    assert [c.text for c in appeals.rows()[-1]] == ["0"] * 15


def test_bare_line_after_an_empty_cell_is_that_cells_text():
    document = read_file(SEED)
    active = table_under(document, ACTIVE)
    assert [c.text for c in active.rows()[0]] == ["第二十条第（一）项"]
    assert "第二十条第（一）项" not in [p.text for p in document.paragraphs]


def test_short_row_first_cell_spans_the_missing_columns():
    licensing = cell_with(table_under(read_file(SEED), ACTIVE), "行政许可")
    assert (licensing.col, licensing.colspan) == (0, 3)


def test_title_joins_the_body_line_and_the_report_line():
    assert read_file(SEED).title == "连云港市赣榆区科学技术局2024年度政府信息公开工作年度报告"


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030", "gbk"])
def test_seed_reads_the_same_in_every_encoding(encoding):
    reference = read_file(SEED)
    data = SEED.read_text(encoding="utf-8").encode(encoding)
    document = text.read("seed.txt", data)
    assert document.paragraphs == reference.paragraphs and document.tables == reference.tables


def test_markdown_pipe_table_parses_into_a_grid_without_its_separator_row():
    table = read_file(MARKDOWN).tables[0]
    assert (table.n_rows, table.n_cols) == (4, 15)
    assert [c.text for c in table.rows()[3]] == [
        "2", "1", "3", "1", "7", "0", "0", "0", "0", "0", "13", "2", "4", "0", "19"]


def test_markdown_headings_lose_their_hashes_and_precede_the_table():
    document = read_file(MARKDOWN)
    assert document.paragraphs[document.tables[0].paragraph_index - 1].text == APPEALS
    assert document.title == "平潭综合实验区2024年度政府信息公开工作年度报告"


def test_markdown_file_is_dispatched_to_the_text_reader():
    assert read_document(MARKDOWN).format == "txt"


def test_file_of_blank_lines_raises_reader_error():
    with pytest.raises(ReaderError, match="no text"):
        text.read("blank.txt", b"\n \n\t\n")


def test_binary_file_raises_reader_error():
    with pytest.raises(ReaderError, match="binary data"):
        text.read("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))


def test_tab_separated_rows_and_their_merged_rows_make_one_table():
    document = read_file(FIXTURES / "text" / "pingtan_2024_active_tsv.txt")
    (active,) = document.tables
    assert document.paragraphs[active.paragraph_index - 1].text == "第二十条第（一）项"
    assert [c.text for c in active.rows()[3]] == ["第二十条第（五）项"]
    assert find_row(active, "行政事业性收费") == ["18651.06"]


def test_document_keeps_every_line_blank_ones_too():
    document = read_file(SEED)
    assert document.lines == SEED.read_text(encoding="utf-8").splitlines() and "" in document.lines
