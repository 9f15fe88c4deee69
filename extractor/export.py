"""Exports of the dataset for the tools people actually open.

Every export holds the same tables (``reports``: one row per report and one
column per key; ``values``: the long form with provenance; ``findings``;
``missing_reports``) and a codebook (column, Chinese label, table, key, unit),
in one of these forms:

- ``csv``: UTF-8 with a byte-order mark, so that Excel on a Chinese Windows
  reads the characters right instead of guessing GBK.
- ``xlsx``: what a 政务公开办 reviewer opens and prints. A 说明 sheet first
  (colours, severities, blank versus 0, where the codebook is); one sheet per
  standard table with Chinese headers, one row per report, the cells a finding
  names filled red (错误) or yellow (警告) and carrying a comment with the
  findings' messages; 问题清单 with agency, year, region, the finding in
  Chinese and the cells it names; the missing reports, the codebook and the
  reports' metadata. Every sheet has a frozen header, an autofilter, widths
  that fit its names and prints landscape, fitted to the width of a few
  pages, the header row repeated on each.
- ``dta``: Stata 118 (Unicode) with Chinese variable labels (see
  :func:`stata_name` for the names); the codebook says which is which.
- ``parquet`` and ``jsonl`` for everything else.

Labels come from ``template.column_label``, ``dataset.COLUMN_LABELS`` and
``record.CODE_LABELS``; this module only lays them out.
"""
from __future__ import annotations

import hashlib
import logging
import math
import re
import unicodedata
from collections.abc import Callable, Iterable
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.worksheet import Worksheet

from . import __version__
from .dataset import COLUMN_LABELS, Dataset, value_columns, wide_column, write_parquet
from .coverage import STATUS_LABELS
from .errors import DatasetError
from .record import CODE_LABELS, SEVERITY, SEVERITY_LABELS
from .template import TABLE_IDS, TABLES, column_label, unit_of

__all__ = ["FORMATS", "STATA_PARTS", "STATA_TABLES", "codebook", "column_meaning", "export", "stata_name"]

log = logging.getLogger(__name__)

_STATA_NAME = re.compile(r"[^A-Za-z0-9_]")
#: Stata's limit on a variable name.
_STATA_MAX = 32
#: Each standard table's code, the start of its variables' Stata names.
STATA_TABLES: dict[str, str] = {spec.id: spec.code for spec in TABLES}
#: The parts of keys a Stata name abbreviates (others stay whole), so that every name of the
#: form fits 32 characters without a hash: rows of the requests and appeals tables, then columns.
STATA_PARTS: dict[str, str] = {
    "new_received": "new", "carried_over": "carried", "partially_granted": "partial", "results_total": "results",
    "carried_forward": "forward", "denied": "deny", "state_secret": "secret", "law_prohibited": "law",
    "security_stability": "security", "third_party": "thirdparty", "internal_affairs": "internal",
    "process_info": "process", "enforcement_files": "enforce", "unavailable": "unavail", "not_held": "notheld",
    "needs_creation": "create", "not_processed": "noproc", "publication": "publish", "no_correction": "nocorrect",
    "unpaid_fee": "unpaid", "litigation_direct": "suit_direct", "litigation_after_review": "suit_reviewed",
    "natural_person": "person", "commercial": "firm", "social_org": "social", "legal_service": "legal",
    "other_org": "otherorg",
}

def column_meaning(column: str) -> tuple[str, str | None, str | None, str | None]:
    """(Chinese label, form table, key, unit) of an exported column; the last three only for values."""
    table, _, key = column.partition(".")
    if key and table in TABLE_IDS:
        return column_label(table, key), table, key, unit_of(table, key)
    return COLUMN_LABELS.get(column, column), None, None, None


def codebook(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """One row per exported column: its dataset table, Chinese label, and for values the form's table, key, unit."""
    return pd.DataFrame([{"dataset_table": name, "column": column, **dict(zip(("label", "table", "key", "unit"),
                                                                            column_meaning(column)))}
                         for name, frame in tables.items() for column in frame.columns])


def stata_name(column: str) -> str:
    """A readable Stata variable name for an exported column (at most 32 ASCII characters, unique).

    A value's name is its table's code (:data:`STATA_TABLES`), then the parts of
    its key joined by ``_``, each shortened by :data:`STATA_PARTS` where it has
    a short form: ``requests.granted.natural_person`` → ``req_granted_person``,
    ``requests.not_processed.reissue.legal_service`` → ``req_noproc_reissue_legal``,
    ``appeals.review.upheld`` → ``app_review_upheld``. Other columns keep their
    name (``agency``). A name still longer than 32 characters (a key no
    template has yet) keeps its start and end with a short hash of the whole
    between, so that it stays unique.
    """
    table, _, key = column.partition(".")
    if key and table in STATA_TABLES:
        name = "_".join((STATA_TABLES[table], *(STATA_PARTS.get(part, part) for part in key.split("."))))
    else:
        name = column
    name = _STATA_NAME.sub("_", name)
    if len(name) <= _STATA_MAX:
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
        labels = {names[c]: column_meaning(c)[0][:80] for c in frame.columns}
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


# --- The workbook ---------------------------------------------------------------------------

#: Fills of the severities a sheet flags (提示 is not flagged: a blank cell is no fault of the cell).
_FILLS = {"error": PatternFill("solid", fgColor="FFC7CE"), "warning": PatternFill("solid", fgColor="FFEB9C")}
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
#: Who and when first (each printed page repeats the first two), the file's identity after the values.
_LEAD = ("agency", "year", "province", "city", "county")
_TRAIL = ("body", "template", "report_id", "adcode", "path")
#: The sheets after one per standard table.
_SHEET_TITLES = {"findings": "问题清单", "missing_reports": "缺失报告", "codebook": "代码表", "reports": "报告"}
_LEGEND_TITLE = "说明"
#: The legend's rows that show a severity's fill.
_SWATCHES = {"error": "红色单元格", "warning": "黄色单元格"}
#: Headers of the columns only the workbook has, and of the codebook's (whose ``label`` is no matched label).
_HEADERS = {"severity_label": "严重程度", "code_label": "问题类型", "table_title": "表格", "cells": "单元格",
            "other": "相关报告", "dataset_table": "数据表", "column": "列名", "label": "中文名称",
            "table": "表格", "unit": "单位", "item": "项目", "text": "说明"}
#: Column widths (in characters): a value's column, which its header wraps over; the widest column.
_VALUE_WIDTH, _MAX_WIDTH = 8, 50
#: How many characters of columns one printed page holds: an A4 landscape page at about 55% scale,
#: small enough for a few pages per sheet, large enough to read.
_PAGE_WIDTH = 280
#: Columns of prose, which wrap in their cells; other text is cut at the column's edge on screen.
_PROSE = frozenset({"agency", "message", "cells", "other", "text", "error", "label"})
_TOP_WRAPPED = Alignment(wrap_text=True, vertical="top")
#: Points per line of wrapped text (the Chinese font's lines are taller than Latin ones).
_LINE_HEIGHT = 17
#: Where a finding comes from: the checks of one report, or those that compare reports.
_ORIGINS = {"report": "本报告", "dataset": "跨报告"}
#: The columns of 问题清单 a printed page holds (the rest are for filtering and looking up).
_FINDINGS_PRINTED = ("agency", "year", "region", "severity_label", "code_label", "cells", "message")
#: Cells a 问题清单 row names before it says how many more.
_CELLS_LISTED = 5


def _write_xlsx(tables: dict[str, pd.DataFrame], out: Path) -> list[Path]:
    path = out / "xxgk.xlsx"
    book = Workbook()
    book.remove(book.active)
    reports, findings = tables["reports"], tables["findings"]
    _legend(book)
    notes = _cell_notes(findings)
    for spec in TABLES:
        columns = [c for t, k in value_columns() if t == spec.id
                   for c in [wide_column(t, k)] if reports[c].notna().any()]
        frame = _ordered(reports, columns)
        lead_and_values = [c for c in frame.columns if c not in _TRAIL]
        _flag(_sheet(book, spec.title, frame, frozen=2, printed=len(lead_and_values)), frame, notes)
    _sheet(book, _SHEET_TITLES["findings"], _finding_list(findings, reports), frozen=1,
           printed=len(_FINDINGS_PRINTED))
    missing = tables["missing_reports"]
    gaps = missing.assign(status=missing["status"].map(STATUS_LABELS)).rename(columns={"status": "coverage_status"})
    _sheet(book, _SHEET_TITLES["missing_reports"], gaps, frozen=1)
    _sheet(book, _SHEET_TITLES["codebook"], tables["codebook"], frozen=0)
    _sheet(book, _SHEET_TITLES["reports"], _ordered(reports, []), frozen=2)
    try:
        book.save(path)
    except OSError as exc:
        raise DatasetError(f"cannot write workbook: {exc}", path) from exc
    return [path]


def _ordered(reports: pd.DataFrame, values: list[str]) -> pd.DataFrame:
    """The wide table with ``values`` between who and when (first) and the file's identity (last)."""
    meta = [c for c in reports.columns if "." not in c]
    lead = [c for c in _LEAD if c in meta]
    trail = [c for c in meta if c not in lead] if not values else [c for c in _TRAIL if c in meta]
    return reports[[*lead, *values, *trail]]


def _cell_notes(findings: pd.DataFrame) -> dict[tuple[str, str], list[tuple[str, str, str]]]:
    """(report, wide column) -> (severity, code, message) of each finding a sheet flags on that cell."""
    notes: dict[tuple[str, str], list[tuple[str, str, str]]] = {}
    for row in findings.itertuples():
        if row.severity not in _FILLS or row.keys is None or pd.isna(row.table_id):
            continue
        for key in row.keys:
            notes.setdefault((row.report_id, wide_column(row.table_id, key)), []).append(
                (row.severity, row.code, row.message))
    return notes


def _flag(sheet: Worksheet, frame: pd.DataFrame, notes: dict[tuple[str, str], list[tuple[str, str, str]]]) -> None:
    """Fill each cell a finding names with its worst severity's colour and give it a comment that says why."""
    columns = {column: i for i, column in enumerate(frame.columns, start=1)}
    for r, report in enumerate(frame["report_id"], start=2):
        for column, i in columns.items():
            if found := notes.get((report, column)):
                worst = "error" if any(severity == "error" for severity, _, _ in found) else "warning"
                sheet.cell(r, i).fill = _FILLS[worst]
                sheet.cell(r, i).comment = _comment([f"【{SEVERITY_LABELS[severity]}·{CODE_LABELS.get(code, code)}】"
                                                     f"{message}" for severity, code, message in found])


def _comment(lines: list[str]) -> Comment:
    """A comment sized to show its whole text (about 30 Chinese characters a line)."""
    height = sum(math.ceil(_display(line) / 60) for line in lines)
    return Comment("\n".join(lines), "xxgk", width=330, height=min(20 + 16 * height, 400))


def _finding_list(findings: pd.DataFrame, reports: pd.DataFrame) -> pd.DataFrame:
    """问题清单: each finding with the report's agency, year and region, the finding in Chinese, the cells
    it names by their labels, and the other report a check across reports compared."""
    meta = reports.set_index("report_id")[["agency", "year", "province", "city", "county", "path"]]
    meta = meta.assign(region=meta[["province", "city", "county"]].apply(lambda r: " ".join(r.dropna()), axis=1),
                       who=meta["agency"].fillna("（机关未识别）") + " " + meta["year"].astype("Int64").astype("string").fillna("?")
                       + "年")
    titles = {spec.id: spec.title for spec in TABLES}
    listed = findings.join(meta, on="report_id").assign(
        severity_label=findings["severity"].map(lambda s: SEVERITY_LABELS.get(s, s)),
        code_label=findings["code"].map(lambda c: CODE_LABELS.get(c, c)),
        table_title=findings["table_id"].map(titles),
        cells=[_cells(t, k) for t, k in zip(findings["table_id"], findings["keys"])],
        other=findings["other_report_id"].map(meta["who"]),
        origin=findings["origin"].map(lambda o: _ORIGINS.get(o, o)))
    order = listed["severity"].map({s: i for i, s in enumerate(SEVERITY_LABELS)})
    listed = listed.assign(order=order).sort_values(["agency", "year", "order", "code"], na_position="last",
                                                     kind="stable")
    return listed[[*_FINDINGS_PRINTED, "table_title", "other", "origin", "code", "report_id", "path"]]


def _cells(table: str | None, keys: Iterable[str] | None) -> str | None:
    """The cells a finding names, by the form's labels ("（七）总计 / 自然人"), the first few of many."""
    keys = list(keys) if keys is not None else []
    if not isinstance(table, str) or table not in TABLE_IDS or not keys:
        return None
    named = "；".join(column_label(table, key) for key in keys[:_CELLS_LISTED])
    return named + (f" 等 {len(keys)} 格" if len(keys) > _CELLS_LISTED else "")


def _legend(book: Workbook) -> None:
    """The 说明 sheet: what the colours, comments, severities, blanks and sheets mean, and each finding code."""
    rows = [
        ("本文件", f"政府信息公开工作年度报告数据，由 xxgk {__version__} 导出。每张表格工作表一行一份报告。"),
        ("列名", "表格工作表的列名是年度报告表格的栏目“行 / 列”；每列的中文名称、所属表格、键和单位见“代码表”。"),
        (_SWATCHES["error"], "错误：该格违反表格的勾稽关系（如总计不等于各项之和），或与上年报告不衔接。"),
        (_SWATCHES["warning"], "警告：需要人工核对，如总计空白无法核对、现行有效件数与上年不衔接。"),
        ("批注", "有颜色的单元格带批注，写明涉及该格的每个问题；全部问题（含不涉及单元格的）见“问题清单”。"),
        ("空白单元格", "报告没有填写该格，或该报告所用的表格没有这一栏。空白不等于 0，不要当作 0 汇总。"),
        ("0", "报告中明确填写了 0。"),
        *((f"严重程度：{label}", text) for label, text in (
            ("错误", "表格数字之间不一致或缺少表格、行，数字需要更正或核实。"),
            ("警告", "可能有问题，需要人工核对。"),
            ("提示", "仅供参考（如某格空白），不标颜色。"))),
        *((f"工作表：{spec.title}", f"年度报告表格“{spec.heading}”，一行一份报告。") for spec in TABLES),
        (f"工作表：{_SHEET_TITLES['findings']}", "每个问题一行：机关、年度、地区、问题类型、严重程度、涉及的单元格和说明。"),
        (f"工作表：{_SHEET_TITLES['missing_reports']}", "应当发布而没有找到的年度报告：机关、年度、依据（名单/采集/推断），"
         "以及原因：未发布、未能下载（详情为网站的答复，如被拦截、404）或解析失败（详情为原因）。"),
        (f"工作表：{_SHEET_TITLES['codebook']}", "每一列的中文名称、所属表格、键和单位：列的含义以此为准。"),
        (f"工作表：{_SHEET_TITLES['reports']}", "每份报告的来源：文件、网址、发布日期、解析状态。"),
        *((f"问题代码：{code}", f"{CODE_LABELS.get(code, code)}（{SEVERITY_LABELS[severity]}）")
          for code, severity in SEVERITY.items()),
    ]
    sheet = _sheet(book, _LEGEND_TITLE, pd.DataFrame(rows, columns=["item", "text"]), frozen=1)
    items = {row[0].value: row[0] for row in sheet.iter_rows(min_row=2)}
    for severity, name in _SWATCHES.items():
        items[name].fill = _FILLS[severity]


def _sheet(book: Workbook, title: str, frame: pd.DataFrame, *, frozen: int, printed: int | None = None) -> Worksheet:
    """A sheet of ``frame`` for reading and printing: Chinese headers, a frozen header row and ``frozen``
    columns, an autofilter, widths that fit (long text wraps), landscape pages of the first ``printed``
    columns (all by default) fitted to a few pages' width."""
    sheet = book.create_sheet(title)
    headers = [_HEADERS.get(c) or column_meaning(c)[0] for c in frame.columns]
    sheet.append(headers)
    for row in frame.itertuples(index=False):
        sheet.append([_value(v) for v in row])
    widths = [_width(frame[c], h) for c, h in zip(frame.columns, headers)]
    for i, (cell, width) in enumerate(zip(sheet[1], widths), start=1):
        cell.font, cell.fill = Font(bold=True), _HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        sheet.column_dimensions[get_column_letter(i)].width = width
    _wrap(sheet, frame, widths)
    sheet.freeze_panes = sheet.cell(2, frozen + 1)
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{max(sheet.max_row, 2)}"
    _print_setup(sheet, widths[:printed], frozen)
    return sheet


def _wrap(sheet: Worksheet, frame: pd.DataFrame, widths: list[float]) -> None:
    """Wrap the headers and the prose columns' text wider than its column, and make each such row tall
    enough for its longest cell (a spreadsheet does not grow a row for wrapped text on its own when the
    file is opened); a wrapped row's cells all align at the top."""
    wrapped = [i for i, c in enumerate(frame.columns) if c in _PROSE]
    for r, row in enumerate(sheet.iter_rows(), start=1):
        lines = max((math.ceil(_display(str(row[i].value)) / (widths[i] - 1))
                     for i in (range(len(row)) if r == 1 else wrapped) if row[i].value is not None), default=1)
        if lines > 1:
            sheet.row_dimensions[r].height = _LINE_HEIGHT * min(lines, 8)
            if r > 1:
                for cell in row:
                    cell.alignment = _TOP_WRAPPED


def _value(value: object) -> object:
    """A cell's value: missing stays empty, never 0."""
    return None if pd.isna(value) else value


def _width(column: pd.Series, header: str) -> float:
    """A column's width: a value's column is narrow (its header wraps), text fits its longest entry."""
    if "." in str(column.name):
        return max(_VALUE_WIDTH, int(column.dropna().astype(str).str.len().max()) + 2)
    longest = max((_display(str(v)) for v in column.dropna().head(1000)), default=0)
    return min(max(longest, min(_display(header), 12)) + 2, _MAX_WIDTH)


def _display(text: str) -> int:
    """How many character widths a text takes: a Chinese character takes two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _print_setup(sheet: Worksheet, widths: list[float], frozen: int) -> None:
    """Landscape A4 fitted to as many pages wide as keep the print legible, the header row (and the
    frozen columns) repeated on each page, the sheet name and page number in the footer."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = max(1, math.ceil(sum(widths) / _PAGE_WIDTH))
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_area = f"A1:{get_column_letter(len(widths))}{sheet.max_row}"
    sheet.print_title_rows = "1:1"
    if frozen:
        sheet.print_title_cols = f"A:{get_column_letter(frozen)}"
    sheet.page_margins = PageMargins(left=0.4, right=0.4, top=0.5, bottom=0.7, footer=0.3)
    sheet.print_options.gridLines = True
    sheet.oddFooter.center.text = "&A　第 &P 页，共 &N 页"


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
