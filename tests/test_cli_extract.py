"""`xxgk extract`: records on stdout, one clear line per bad file on stderr."""
import csv
import io
import json
import subprocess
import sys

from click.testing import CliRunner
from rich.cells import cell_len

from conftest import SAMPLES
from extractor.cli import main
from extractor.template import TABLES

SEED = str(SAMPLES / "ganyu-kjj-2024.txt")


def _run(*args):
    return CliRunner().invoke(main, list(args))


def test_jsonl_is_one_record_per_file():
    result = _run("extract", SEED, str(SAMPLES / "shanghai_szfbgt_2019.html"))
    lines = result.stdout.splitlines()
    assert result.exit_code == 0 and len(lines) == 2
    record = json.loads(lines[0])
    assert record["schema"] == "xxgk.record/1" and record["agency"] == "连云港市赣榆区科学技术局"
    assert record["provenance"]["requests"]["new_received.total"]["raw"] == "0"


def test_csv_is_one_row_per_report_one_column_per_key():
    result = _run("extract", "--format", "csv", SEED)
    rows = list(csv.DictReader(io.StringIO(result.stdout_bytes.decode("utf-8-sig"))))
    assert len(rows) == 1
    assert rows[0]["requests.new_received.total"] == "0" and rows[0]["year"] == "2024"


def test_csv_starts_with_a_byte_order_mark_like_the_exports():
    result = _run("extract", "--format", "csv", SEED)
    assert result.stdout_bytes[:3] == b"\xef\xbb\xbf" and result.stdout_bytes.count(b"\xef\xbb\xbf") == 1


def test_missing_file_is_one_line_and_the_batch_goes_on():
    result = _run("extract", "no-such-report.html", SEED)
    assert result.exit_code == 1
    assert len(result.stdout.splitlines()) == 1
    assert "xxgk: no-such-report.html: cannot open file: No such file or directory" in result.stderr
    assert "Traceback" not in result.stderr


def test_garbage_file_names_the_file_without_traceback(tmp_path):
    bad = tmp_path / "broken.pdf"
    bad.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 8)
    result = _run("extract", str(bad))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"xxgk: {bad}: ") and "Traceback" not in result.stderr


def test_unsupported_file_type_is_named(tmp_path):
    odd = tmp_path / "report.xyz"
    odd.write_bytes(b"\x00\x01binary")
    result = _run("extract", str(odd))
    assert f"xxgk: {odd}: unsupported file type '.xyz'" in result.stderr


def test_table_view_shows_the_form_as_grids():
    result = _run("extract", "--format", "table", str(SAMPLES / "pingtan_2020_gwh.html"))
    assert "平潭综合实验区" in result.stdout
    assert "采购总金额" in result.stdout and "7380.28959" in result.stdout
    assert "结果维持" in result.stdout and "自然人" in result.stdout


def _table_view(sample):
    """The table view of a sample as an 80-column terminal shows it."""
    return CliRunner().invoke(main, ["extract", "--format", "table", str(SAMPLES / sample)],
                              env={"COLUMNS": "80"}).stdout


def test_table_view_titles_each_table_with_the_form_heading():
    view = _table_view("huaian_szf_2024_form.docx")
    assert [line for line in view.splitlines() if line in {t.heading for t in TABLES}] == [t.heading for t in TABLES]
    assert "第二十条第（一）项" in view and "requests" not in view


def test_table_view_shows_the_group_rows_of_the_form_over_their_rows():
    lines = [line.split()[0] for line in _table_view("huaian_szf_2024_form.docx").splitlines() if line.strip()]
    for group, first in [("（三）不予公开", "1.属于国家秘密"), ("（四）无法提供", "1.本机关不掌握"),
                         ("（五）不予处理", "1.信访举报投诉类申请"), ("（六）其他处理", "1.逾期不补正")]:
        assert lines[lines.index(group) + 1] == first


def test_table_view_fits_80_columns_with_each_label_on_one_line():
    lines = _table_view("pingtan_2020_gwh.html").splitlines()
    rows = {line.split()[0]: line.split()[1:] for line in lines if line.strip()}
    assert max(cell_len(line) for line in lines) <= 80
    assert (rows["4.保护第三方合法权益"], rows["其他对外管理服务事项"]) == (["0"] * 7, ["10", "7", "105"])


def test_python_dash_m_is_the_same_command():
    done = subprocess.run([sys.executable, "-m", "extractor", "--help"], capture_output=True, text=True, check=True)
    assert "extract" in done.stdout


def test_every_command_has_help():
    for name, command in main.commands.items():
        assert command.help, f"xxgk {name} has no help text"
