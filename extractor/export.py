"""Exports of the dataset for the tools people actually open.

Every export holds the same tables (``reports``: one row per report and one
column per key; ``values``: the long form with provenance; ``findings``;
``missing_reports``) and a codebook (column, Chinese label, table, key, unit),
in one of these forms:

- ``csv``: UTF-8 with a byte-order mark, so that Excel on a Chinese Windows
  reads the characters right instead of guessing GBK.
- ``xlsx``: one sheet per standard table with Chinese headers, the cells a
  finding names filled red (error) or yellow (warning), a findings sheet and
  the codebook — what a 政务公开办 reviewer opens.
- ``dta``: Stata 118 (Unicode) with Chinese variable labels; keys become valid
  Stata names (at most 32 characters), and the codebook says which is which.
- ``parquet`` and ``jsonl`` for everything else.

Labels come from ``template.column_label`` and ``dataset.COLUMN_LABELS``; this
module only lays them out.
"""
from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Callable
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from .dataset import COLUMN_LABELS, Dataset, value_columns, wide_column, write_parquet
from .errors import DatasetError
from .template import TABLE_IDS, TABLES, column_label, unit_of

__all__ = ["FORMATS", "codebook", "describe", "export", "stata_name"]

log = logging.getLogger(__name__)

#: Columns of each standard table's sheet besides its values: who and when.
_SHEET_META = ("report_id", "agency", "province", "city", "county", "adcode", "year", "template", "path")
_FILLS = {"error": PatternFill("solid", fgColor="FFC7CE"), "warning": PatternFill("solid", fgColor="FFEB9C")}
_STATA_NAME = re.compile(r"[^A-Za-z0-9_]")
#: The workbook's other sheets, after one per standard table.
_SHEET_TITLES = {"findings": "问题清单", "coverage": "报送情况", "missing_reports": "缺失报告", "bodies": "机关",
                 "files": "文件", "codebook": "代码表", "reports": "报告"}


def describe(column: str) -> tuple[str, str | None, str | None, str | None]:
    """(Chinese label, form table, key, unit) of an exported column; the last three only for values."""
    table, _, key = column.partition(".")
    if key and table in TABLE_IDS:
        return column_label(table, key), table, key, unit_of(table, key)
    return COLUMN_LABELS.get(column, column), None, None, None


def codebook(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """One row per exported column: its dataset table, Chinese label, and for values the form's table, key, unit."""
    return pd.DataFrame([{"dataset_table": name, "column": column, **dict(zip(("label", "table", "key", "unit"),
                                                                            describe(column)))}
                         for name, frame in tables.items() for column in frame.columns])


def stata_name(column: str) -> str:
    """A valid Stata variable name for a column: ``requests.granted.total`` → ``requests_granted_total``.

    Names longer than Stata's 32 characters keep their start and end with a
    short hash of the whole between, so that they stay unique and readable.
    """
    name = _STATA_NAME.sub("_", column)
    if len(name) <= 32:
        return name
    digest = hashlib.sha1(column.encode("utf-8")).hexdigest()[:4]
    return f"{name[:14]}_{digest}_{name[-12:]}"


def _flat(frame: pd.DataFrame) -> pd.DataFrame:
    """Lists (the cells a finding names, the names a body printed) as space-separated text, for formats
    without lists."""
    lists = [c for c in ("keys", "names") if c in frame.columns]
    return frame.assign(**{c: frame[c].map(lambda items: " ".join(items) if items is not None else "")
                           for c in lists})


# --- Writers: each takes the tables and the codebook and returns the files it wrote ----------

Writer = Callable[[dict[str, pd.DataFrame], Path], list[Path]]


def _one_file_per_table(suffix: str, write: Callable[[pd.DataFrame, Path], object]) -> Writer:
    """A writer that writes each table to ``<name>.<suffix>`` with ``write(frame, path)``."""
    def writer(tables: dict[str, pd.DataFrame], out: Path) -> list[Path]:
        paths = [out / f"{name}.{suffix}" for name in tables]
        for frame, path in zip(tables.values(), paths):
            write(frame, path)
        return paths
    return writer


_write_csv = _one_file_per_table("csv", lambda f, p: _flat(f).to_csv(p, index=False, encoding="utf-8-sig"))
_write_parquet = _one_file_per_table("parquet", write_parquet)
_write_jsonl = _one_file_per_table("jsonl", lambda f, p: f.to_json(p, orient="records", lines=True, force_ascii=False))


def _write_dta(tables: dict[str, pd.DataFrame], out: Path) -> list[Path]:
    paths = []
    for name, frame in tables.items():
        frame = _stata_ready(_flat(frame))
        names = {column: stata_name(column) for column in frame.columns}
        if len(set(names.values())) != len(names):
            raise DatasetError(f"two columns of {name} map to the same Stata name", out)
        labels = {names[c]: describe(c)[0][:80] for c in frame.columns}
        path = out / f"{name}.dta"
        frame.rename(columns=names).to_stata(path, write_index=False, version=118, variable_labels=labels)
        paths.append(path)
    return paths


def _stata_ready(frame: pd.DataFrame) -> pd.DataFrame:
    """Types Stata can hold: text without missing values, numbers as float where they may be missing."""
    out = {}
    for column in frame.columns:
        series = frame[column]
        if pd.api.types.is_numeric_dtype(series):
            out[column] = series.astype("float64") if series.isna().any() else series
        else:
            out[column] = series.astype("object").where(series.notna(), "").astype(str)
    return pd.DataFrame(out)


def _write_xlsx(tables: dict[str, pd.DataFrame], out: Path) -> list[Path]:
    path = out / "xxgk.xlsx"
    book = Workbook()
    book.remove(book.active)
    reports, flags = tables["reports"], _flagged(tables["findings"])
    for spec in TABLES:
        columns = [c for t, k in value_columns() if t == spec.id
                   for c in [wide_column(t, k)] if reports[c].notna().any()]
        _sheet(book, spec.title, reports[[*_SHEET_META, *columns]], flags)
    for name, title in _SHEET_TITLES.items():
        frame = reports[[c for c in reports.columns if "." not in c]] if name == "reports" else tables[name]
        _sheet(book, title, _flat(frame), {})
    try:
        book.save(path)
    except OSError as exc:
        raise DatasetError(f"cannot write workbook: {exc}", path) from exc
    return [path]


def _flagged(findings: pd.DataFrame) -> dict[tuple[str, str], str]:
    """(report, wide column) -> the worst severity of a finding naming that cell (info is not flagged)."""
    flags: dict[tuple[str, str], str] = {}
    for row in findings.itertuples():
        if row.severity not in _FILLS or row.keys is None or pd.isna(row.table_id):
            continue
        for key in row.keys:
            cell = (row.report_id, wide_column(row.table_id, key))
            if flags.get(cell) != "error":
                flags[cell] = row.severity
    return flags


def _sheet(book: Workbook, title: str, frame: pd.DataFrame, flags: dict[tuple[str, str], str]) -> None:
    """One sheet: Chinese headers, one row per frame row, the flagged (report, column) cells filled."""
    sheet = book.create_sheet(title)
    sheet.append([describe(c)[0] for c in frame.columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    columns = list(frame.columns)
    for r, row in enumerate(frame.itertuples(index=False), start=2):
        sheet.append([None if pd.isna(v) else v for v in row])
        if flags:
            report = row[columns.index("report_id")]
            for i, column in enumerate(columns, start=1):
                if severity := flags.get((report, column)):
                    sheet.cell(r, i).fill = _FILLS[severity]
    sheet.freeze_panes = "B2"
    for i, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = 14 if "." in column else 18


FORMATS: dict[str, Writer] = {
    "csv": _write_csv,
    "parquet": _write_parquet,
    "xlsx": _write_xlsx,
    "jsonl": _write_jsonl,
    "dta": _write_dta,
}


def export(db: str | Path, fmt: str, out: str | Path) -> list[Path]:
    """Write the dataset at ``db`` into folder ``out`` as ``fmt``, codebook included; the files written."""
    if fmt not in FORMATS:
        raise DatasetError(f"unknown export format {fmt!r} (one of {', '.join(FORMATS)})", out)
    if not Path(db).is_file():
        raise DatasetError("no such dataset", db)
    with Dataset(db, read_only=True) as dataset:
        tables = dataset.export_tables()
    tables["codebook"] = codebook(tables)
    if fmt == "dta":
        tables["codebook"] = tables["codebook"].assign(stata_name=tables["codebook"]["column"].map(stata_name))
    out = Path(out)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DatasetError(f"cannot create folder: {exc.strerror or exc}", out) from exc
    log.info("exporting %s to %s", ", ".join(tables), out)
    return FORMATS[fmt](tables, out)
