"""`xxgk explain`: the locator's steps for one report, and what was not found with its nearest candidate."""
import pytest
from click.testing import CliRunner

from conftest import FIXTURES, SAMPLES, sample_reports
from extractor.cli import main
from extractor.explain import explain
from extractor.extract import extract_document
from extractor.locate import locate
from extractor.readers import read_document
from extractor.trace import Trace

PINGTAN = SAMPLES / "pingtan_2024_gwh.html"
UNRULED = FIXTURES / "pdf" / "unruled" / "number_wrapped_in_its_cell_libreoffice.pdf"


def _run(*args):
    return CliRunner().invoke(main, ["explain", *map(str, args)])


def test_each_table_says_which_reader_made_it_and_which_heading_placed_it():
    result = _run(PINGTAN)
    assert result.exit_code == 0
    assert "  table 2: html, 28 rows -> requests  [heading “三、收到和处理政府信息公开申请情况” 100]" in result.stdout


def test_alignment_pairs_each_printed_row_with_a_form_row_and_its_score():
    assert "    table 2 row 15 col 3  “8.属于行政查询事项” -> denied.inquiry 100" in _run(PINGTAN).stdout


def test_active_header_rows_show_the_columns_they_name():
    assert "  header table 1 row 13 col 1: amount (万元)" in _run(PINGTAN).stdout


def test_values_read_from_merged_cells_are_counted():
    out = _run(FIXTURES / "merged" / "pingtan_2024_other_merged.html", "--table", "requests").stdout
    assert "[requests] 175 cells located, 21 of them read from value cells merged down over several rows" in out


def test_table_option_keeps_one_table():
    out = _run(PINGTAN, "--table", "requests").stdout
    assert "[requests]" in out and "[active]" not in out and "table 1: html" not in out


def test_stream_read_says_where_it_read_from():
    out = _run(FIXTURES / "text" / "official_form_2021_libreoffice.txt", "--table", "requests").stdout
    assert "stream: requests read again from lines 50-310: 261 tokens -> 28 rows" in out


def test_ruled_and_word_built_pdf_tables_are_told_apart():
    assert "page 1 table 1: words," in _run(UNRULED).stdout
    assert "page 3 table 2: ruled," in _run(SAMPLES / "hongze_qzf_2023.pdf").stdout


def test_missing_row_names_its_nearest_candidate_score_and_place():
    out = _run(UNRULED, "--table", "requests").stdout
    assert ("  ROW_MISSING requests: 未找到“二、上年结转政府信息公开申请数量”行（7 个单元格）"
            "（最接近的标签：page 1 table 1 row 10 col 1“2.重复申请”，相似度 33）") in out


def test_missing_table_names_the_nearest_heading():
    record = extract_document(read_document(FIXTURES / "text" / "pingtan_2024_active_tsv.txt"), {"path": "t"})
    [message] = [f.message for f in record.findings if f.code == "TABLE_MISSING" and f.table == "appeals"]
    assert message.endswith("（最接近的标题：paragraph 4“三、收到和处理政府信息公开申请情况”，相似度 50）")


def test_unreadable_file_is_one_line_and_exit_1(tmp_path):
    broken = tmp_path / "broken.docx"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    result = _run(broken)
    assert result.exit_code == 1 and result.stderr.count("\n") == 1 and str(broken) in result.stderr


@pytest.mark.parametrize("report", sample_reports(), ids=lambda p: p.name)
def test_every_real_report_shows_the_trace_of_its_three_tables(report):
    lines = list(explain(report))
    assert [line.split("]")[0] for line in lines if line.startswith("[")] == ["[requests", "[active", "[appeals"]
    assert not [line for line in lines if " 0 cells located" in line]


def test_tracing_changes_nothing_located():
    document = read_document(PINGTAN)
    assert locate(document, trace=Trace()) == locate(document)
