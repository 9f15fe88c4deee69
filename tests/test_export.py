"""Exports open in the tools people use, with Chinese labels, a codebook and flagged cells."""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import duckdb
import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner
from conftest import SAMPLES

from extractor.build import BuildSettings, build
from extractor.cli import main
from extractor.dataset import value_columns, wide_column
from extractor.export import FORMATS, export, stata_name
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


def test_workbook_has_a_sheet_per_table_findings_and_codebook(exported: dict[str, Path]) -> None:
    book = openpyxl.load_workbook(exported["xlsx"] / "xxgk.xlsx")
    assert book.sheetnames == [t.title for t in TABLES] + ["问题清单", "报送情况", "缺失报告", "机关", "文件", "代码表",
                                                           "报告"]


def test_workbook_headers_are_the_form_labels(exported: dict[str, Path]) -> None:
    sheet = openpyxl.load_workbook(exported["xlsx"] / "xxgk.xlsx")[TABLES[1].title]
    headers = [c.value for c in sheet[1]]
    assert column_label("requests", "granted.total") in headers


def test_workbook_fills_the_cells_a_finding_names(exported: dict[str, Path], db: Path) -> None:
    sheet = openpyxl.load_workbook(exported["xlsx"] / "xxgk.xlsx")[TABLES[1].title]
    headers = [c.value for c in sheet[1]]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[headers.index("文件")].value == str(INCONSISTENT))
    total = row[headers.index(column_label("requests", "results_total.total"))]
    assert total.fill.fgColor.rgb.endswith("FFC7CE")


def _libreoffice_calc() -> bool:
    """Whether LibreOffice can open a spreadsheet (Calc is a package of its own: libreoffice-calc-nogui)."""
    soffice = shutil.which("soffice")
    return soffice is not None and (Path(soffice).resolve().parent / "libsclo.so").exists()


@pytest.mark.skipif(not _libreoffice_calc(), reason="LibreOffice Calc is not installed")
def test_workbook_opens_in_libreoffice(exported: dict[str, Path], tmp_path: Path) -> None:
    subprocess.run(["soffice", "--headless", "--norestore", f"-env:UserInstallation=file://{tmp_path}/profile",
                    "--convert-to", 'csv:Text - txt - csv (StarCalc):44,34,76', "--outdir", str(tmp_path),
                    str(exported["xlsx"] / "xxgk.xlsx")], check=True, capture_output=True, timeout=120)
    first_sheet = (tmp_path / "xxgk.csv").read_text(encoding="utf-8")
    assert first_sheet.startswith("报告编号,")


def test_cli_export_prints_the_files_it_wrote(db: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["export", "--db", str(db), "--format", "csv", "--out", str(tmp_path)])
    assert (result.exit_code, result.output.split()) == (0, [str(tmp_path / f"{name}.csv") for name in
                                                            ("reports", "values", "findings", "coverage",
                                                             "missing_reports", "bodies", "files", "codebook")])


def test_cli_export_of_a_missing_dataset_is_one_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["export", "--db", str(tmp_path / "none.duckdb"), "--format", "csv",
                                       "--out", str(tmp_path)])
    assert result.exit_code == 2 and "does not exist" in result.output
