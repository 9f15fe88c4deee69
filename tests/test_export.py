"""Exports open in the tools people use, with Chinese labels, a codebook and flagged cells."""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

from collections import Counter

import duckdb
import openpyxl
import pandas as pd
import pypdfium2 as pdfium
import pytest
from click.testing import CliRunner
from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from conftest import SAMPLES

from extractor.build import BuildSettings, build
from extractor.cli import main
from extractor.dataset import value_columns, wide_column
from extractor.export import FORMATS, STATA_PARTS, STATA_TABLES, export, stata_name
from extractor.record import CODE_LABELS, SEVERITY, SEVERITY_LABELS
from extractor.template import TABLES, column_label

GRANTED = "requests.granted.total"
#: The real reports whose own tables fail the form's arithmetic, and the cells that say so.
INCONSISTENT = SAMPLES / "pingtan_2020_gwh.html"


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("db") / "x.duckdb"
    html = sorted(SAMPLES.glob("*.html"))
    build(html, path, settings=BuildSettings(jobs=2))
    return path


@pytest.fixture(scope="module")
def exported(db: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("out")
    return {fmt: export(db, fmt, out / fmt)[0].parent for fmt in FORMATS}


@pytest.fixture(scope="module")
def book(exported: dict[str, Path]) -> Workbook:
    return openpyxl.load_workbook(exported["xlsx"] / "xxgk.xlsx")


def _reports(db: Path) -> pd.DataFrame:
    return duckdb.connect(str(db), read_only=True).execute("SELECT * FROM reports_wide ORDER BY path").df()


def test_csv_starts_with_a_byte_order_mark(exported: dict[str, Path]) -> None:
    assert (exported["csv"] / "reports.csv").read_bytes()[:3] == b"\xef\xbb\xbf"


@pytest.mark.parametrize("fmt, read", [
    ("csv", lambda p: pd.read_csv(p / "reports.csv", encoding="utf-8-sig")),
    ("parquet", lambda p: duckdb.connect().execute(f"SELECT * FROM '{p / 'reports.parquet'}'").df()),
    ("jsonl", lambda p: pd.read_json(p / "reports.jsonl", lines=True)),
    ("dta", lambda p: pd.read_stata(p / "reports.dta")),
])
def test_wide_table_reads_back_with_its_values(exported: dict[str, Path], db: Path, fmt: str, read) -> None:
    frame = read(exported[fmt])
    granted = stata_name(GRANTED) if fmt == "dta" else GRANTED
    assert list(frame[granted].fillna(-1)) == list(_reports(db)[GRANTED].fillna(-1))


def test_parquet_opens_in_duckdb(exported: dict[str, Path], db: Path) -> None:
    parquet = exported["parquet"] / "values.parquet"
    count = duckdb.connect().execute(f"SELECT count(*) FROM '{parquet}'").fetchone()[0]
    primary = "SELECT count(*) FROM report_values SEMI JOIN reports_wide USING (report_id)"
    assert count == duckdb.connect(str(db), read_only=True).execute(primary).fetchone()[0]


@pytest.mark.parametrize("fmt, read", [
    ("csv", lambda p: pd.read_csv(p / "codebook.csv", encoding="utf-8-sig")),
    ("parquet", lambda p: duckdb.connect().execute(f"SELECT * FROM '{p / 'codebook.parquet'}'").df()),
    ("jsonl", lambda p: pd.read_json(p / "codebook.jsonl", lines=True)),
    ("dta", lambda p: pd.read_stata(p / "codebook.dta")),
])
def test_every_export_has_a_codebook_with_chinese_labels(exported: dict[str, Path], fmt: str, read) -> None:
    codebook = read(exported[fmt]).set_index("column")
    assert (codebook.loc[GRANTED, "label"], codebook.loc["requests.granted.total", "key"]) == (
        column_label("requests", "granted.total"), "granted.total")


def test_stata_variables_carry_chinese_labels(exported: dict[str, Path]) -> None:
    with pd.io.stata.StataReader(exported["dta"] / "reports.dta") as reader:
        labels = reader.variable_labels()
    assert labels[stata_name(GRANTED)] == column_label("requests", "granted.total")


def test_stata_names_are_valid_and_unique() -> None:
    names = [stata_name(wide_column(t, k)) for t, k in value_columns()]
    valid = [n for n in names if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]{0,31}", n)]
    assert (len(valid), len(set(names))) == (len(names), len(names))


@pytest.mark.parametrize("column, name", [
    ("requests.granted.total", "req_granted_total"),
    ("requests.denied.third_party.natural_person", "req_deny_thirdparty_person"),
    ("requests.not_processed.reissue.legal_service", "req_noproc_reissue_legal"),
    ("active.normative_docs.in_force", "act_normative_docs_in_force"),
    ("appeals.litigation_after_review.corrected", "app_suit_reviewed_corrected"),
    ("agency", "agency"),
])
def test_stata_names_read_as_table_row_and_column(column: str, name: str) -> None:
    assert stata_name(column) == name


def test_no_stata_name_of_the_form_needs_a_hash() -> None:
    """Every value's name is its table's code and its key's parts, shortened by the documented list."""
    def scheme(table: str, key: str) -> str:
        return "_".join((STATA_TABLES[table], *(STATA_PARTS.get(part, part) for part in key.split("."))))
    assert [stata_name(wide_column(t, k)) for t, k in value_columns()] == [scheme(t, k) for t, k in value_columns()]


def test_workbook_has_a_legend_a_sheet_per_table_findings_and_codebook(book: Workbook) -> None:
    assert book.sheetnames == ["说明", *(t.title for t in TABLES), "问题清单", "缺失报告", "代码表", "报告"]


def test_workbook_headers_are_the_form_labels(book: Workbook) -> None:
    headers = [c.value for c in book[TABLES[1].title][1]]
    assert column_label("requests", "granted.total") in headers


def _inconsistent_total(book: Workbook) -> Cell:
    """The （七）总计 / 总计 cell of the report whose results do not add up."""
    sheet = book[TABLES[1].title]
    headers = [c.value for c in sheet[1]]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[headers.index("文件")].value == str(INCONSISTENT))
    return row[headers.index(column_label("requests", "results_total.total"))]


def test_workbook_fills_the_cells_a_finding_names(book: Workbook) -> None:
    assert _inconsistent_total(book).fill.fgColor.rgb.endswith("FFC7CE")


def test_flagged_cell_carries_a_comment_with_its_finding_in_chinese(book: Workbook, db: Path) -> None:
    message = duckdb.connect(str(db), read_only=True).execute(
        "SELECT message FROM findings JOIN reports USING (report_id) WHERE path = ? AND code = 'REQ_RESULTS_SUM' "
        "AND list_contains(keys, 'results_total.total')", [str(INCONSISTENT)]).fetchone()[0]
    assert f"【错误·{CODE_LABELS['REQ_RESULTS_SUM']}】{message}" in _inconsistent_total(book).comment.text


def test_every_filled_cell_and_only_those_has_a_comment(book: Workbook) -> None:
    for spec in TABLES:
        cells = [c for row in book[spec.title].iter_rows(min_row=2) for c in row]
        assert {c.coordinate for c in cells if c.fill.fill_type} == {c.coordinate for c in cells if c.comment}


def test_findings_sheet_names_agency_year_region_and_the_finding_in_chinese(book: Workbook) -> None:
    rows = _records(book["问题清单"])
    row = next(r for r in rows if r["文件"] == str(INCONSISTENT) and r["问题代码"] == "REQ_RESULTS_SUM")
    assert (row["发布机关"], row["年度"], row["地区"], row["严重程度"], row["问题类型"]) == (
        "平潭综合实验区", 2020, "福建省 福州市 平潭县", "错误", CODE_LABELS["REQ_RESULTS_SUM"])
    assert row["单元格"].startswith("（七）总计 / ")


def test_every_finding_code_has_a_chinese_label_and_every_severity_a_chinese_name() -> None:
    assert (set(CODE_LABELS), set(SEVERITY_LABELS)) == (set(SEVERITY), set(SEVERITY.values()))


def test_legend_explains_colours_blank_and_zero_and_points_to_the_codebook(book: Workbook) -> None:
    legend = {row[0].value: (row[0].fill.fgColor.rgb, row[1].value) for row in book["说明"].iter_rows(min_row=2)}
    assert legend["红色单元格"][0].endswith("FFC7CE") and legend["黄色单元格"][0].endswith("FFEB9C")
    assert "空白不等于 0" in legend["空白单元格"][1] and "0" in legend
    assert "“代码表”" in legend["列名"][1]
    assert {f"问题代码：{code}" for code in SEVERITY} <= set(legend)


def test_every_sheet_has_a_frozen_header_and_an_autofilter_over_all_its_rows(book: Workbook) -> None:
    for sheet in book:
        assert sheet.freeze_panes[-1] == "2", sheet.title
        assert sheet.auto_filter.ref == f"A1:{get_column_letter(sheet.max_column)}{sheet.max_row}", sheet.title


def test_every_sheet_prints_landscape_fitted_to_width_with_the_header_repeated(book: Workbook) -> None:
    for sheet in book:
        setup = sheet.page_setup
        assert (setup.orientation, sheet.sheet_properties.pageSetUpPr.fitToPage, setup.fitToHeight,
                sheet.print_title_rows) == ("landscape", True, 0, "$1:$1"), sheet.title


def test_agency_names_fit_their_column(book: Workbook) -> None:
    sheet = book[TABLES[0].title]
    names = [c.value for c in sheet["A"][1:] if c.value]
    assert sheet.column_dimensions["A"].width >= max(2 * len(name) for name in names)


def _records(sheet: Worksheet) -> list[dict[str, object]]:
    rows = sheet.iter_rows(values_only=True)
    headers = next(rows)
    return [dict(zip(headers, row)) for row in rows]


def _libreoffice_calc() -> bool:
    """Whether LibreOffice can open a spreadsheet (Calc is a package of its own: libreoffice-calc-nogui)."""
    soffice = shutil.which("soffice")
    return soffice is not None and (Path(soffice).resolve().parent / "libsclo.so").exists()


@pytest.mark.skipif(not _libreoffice_calc(), reason="LibreOffice Calc is not installed")
def test_workbook_prints_in_libreoffice_to_a_few_landscape_pages_per_sheet(exported: dict[str, Path], book: Workbook,
                                                                          tmp_path: Path) -> None:
    subprocess.run(["soffice", "--headless", "--norestore", f"-env:UserInstallation=file://{tmp_path}/profile",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(exported["xlsx"] / "xxgk.xlsx")],
                   check=True, capture_output=True, timeout=180)
    pdf = pdfium.PdfDocument(tmp_path / "xxgk.pdf")
    texts = [page.get_textpage().get_text_range() for page in pdf]
    sheets = Counter(re.search(r"(\S+)\s+第 \d+ 页，共", text).group(1) for text in texts)
    assert all(width > height for width, height in (page.get_size() for page in pdf))
    assert set(sheets) == set(book.sheetnames) and max(sheets.values()) <= 6, sheets
    names = {c.value for c in book[TABLES[0].title]["A"][1:] if c.value}
    assert all(any(name in text for text in texts) for name in names)


def test_cli_export_prints_the_files_it_wrote(db: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["export", "--db", str(db), "--format", "csv", "--out", str(tmp_path)])
    assert (result.exit_code, result.output.split()) == (0, [str(tmp_path / f"{name}.csv") for name in
                                                            ("reports", "values", "findings", "coverage",
                                                             "missing_reports", "bodies", "files", "codebook")])


def test_cli_export_of_a_missing_dataset_is_one_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["export", "--db", str(tmp_path / "none.duckdb"), "--format", "csv",
                                       "--out", str(tmp_path)])
    assert result.exit_code == 2 and "does not exist" in result.output
