"""The dataset: one DuckDB file holding every parsed report, long and wide.

This is the only module that imports duckdb. Everything else hands it plain
Python objects (records, findings) and gets plain Python objects or pandas
frames back, so the storage can change without touching the build, the checks
or the exports.

Tables (the names are public: researchers query them):

- ``reports``: one row per source file, parsed or failed (``status`` is
  ``ok``, ``failed`` with the reason in ``error``, or ``page``: a web page
  that holds none of the standard tables and links attachments the crawl
  fetched). An attachment names its page in ``parent_url``.
- ``report_values``: one row per value, long form, with its provenance.
- ``findings``: what is wrong with a report; ``origin`` is ``report`` for the
  checks of one report and ``dataset`` for the checks across reports.
- ``report_texts``: the running text of each parsed report (for searching,
  and for telling copied reports apart).
- ``missing_reports``: bodies with no report for a year (coverage).
- ``reports_wide`` (a view): one row per report, one column per
  ``table.key``, for analysis.

Each file is written in one transaction, so a build killed at any moment
leaves every file either fully in the dataset or not at all.

**Pages are not reports.** Many sites publish a report as a page holding its
title and a link to the PDF or DOCX that is the report. Counted as a report,
such a page would add a report with three TABLE_MISSING errors to every body
and year. So a page whose attachment is in the dataset and which holds no
standard table is stored with status ``page``: no values, findings or text,
and left out of the wide view, the exports, the review and the checks across
reports. Its attachments keep its URL (``parent_url``) and publish date. The
rule is settled whenever the page or one of its attachments is written, so
it holds in whatever order a build writes them. A page that does hold the
tables stays a report; its attachment is then a copy of the same report.
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Self

import duckdb
import pandas as pd

from .errors import DatasetError
from .record import Finding, Record
from .template import TABLE_IDS, all_keys, unit_of

__all__ = [
    "COLUMN_LABELS",
    "EXPORT_TABLES",
    "REPORT_COLUMNS",
    "CrossFinding",
    "Dataset",
    "Entry",
    "KnownFile",
    "Missing",
    "StoredReport",
    "report_id_of",
    "value_columns",
    "wide_column",
]


#: Report metadata columns of the wide table, with the Chinese header exports show.
#: (Value columns take theirs from ``template.column_label``.)
REPORT_COLUMNS: dict[str, str] = {
    "report_id": "报告编号",
    "body": "机关（匹配）",
    "agency": "发布机关",
    "province": "省",
    "city": "市",
    "county": "县（区）",
    "adcode": "行政区划代码",
    "year": "年度",
    "template": "表格版本",
    "format": "文件格式",
    "status": "解析状态",
    "error": "解析错误",
    "path": "文件",
    "url": "网址",
    "parent_url": "所在网页",
    "publish_date": "发布日期",
    "sha256": "文件校验值",
}

#: The Chinese header of every other column a table or export holds.
COLUMN_LABELS: dict[str, str] = {
    **REPORT_COLUMNS,
    "table_id": "表",
    "key": "键",
    "value": "数值",
    "raw": "原文",
    "label": "匹配标签",
    "score": "匹配得分",
    "location": "位置",
    "note": "说明",
    "origin": "检查范围",
    "code": "问题代码",
    "severity": "严重程度",
    "keys": "单元格",
    "message": "问题说明",
    "other_report_id": "相关报告编号",
    "region": "地区",
    "basis": "依据",
}

_SCHEMA = """
CREATE TABLE IF NOT EXISTS reports (
    report_id VARCHAR NOT NULL,
    path VARCHAR NOT NULL,
    sha256 VARCHAR NOT NULL,
    extractor_version VARCHAR NOT NULL,
    status VARCHAR NOT NULL,
    error VARCHAR,
    format VARCHAR,
    url VARCHAR,
    publish_date VARCHAR,
    agency VARCHAR,
    province VARCHAR,
    city VARCHAR,
    county VARCHAR,
    adcode VARCHAR,
    year INTEGER,
    template VARCHAR,
    body VARCHAR,
    parent_url VARCHAR
);
ALTER TABLE reports ADD COLUMN IF NOT EXISTS parent_url VARCHAR;
CREATE TABLE IF NOT EXISTS report_values (
    report_id VARCHAR NOT NULL,
    table_id VARCHAR NOT NULL,
    key VARCHAR NOT NULL,
    value DOUBLE,
    raw VARCHAR,
    label VARCHAR,
    score DOUBLE,
    location VARCHAR,
    note VARCHAR
);
CREATE TABLE IF NOT EXISTS findings (
    report_id VARCHAR NOT NULL,
    origin VARCHAR NOT NULL,
    code VARCHAR NOT NULL,
    severity VARCHAR NOT NULL,
    table_id VARCHAR,
    keys VARCHAR[],
    message VARCHAR,
    other_report_id VARCHAR
);
CREATE TABLE IF NOT EXISTS report_texts (
    report_id VARCHAR NOT NULL,
    text VARCHAR NOT NULL
);
CREATE TABLE IF NOT EXISTS missing_reports (
    body VARCHAR NOT NULL,
    agency VARCHAR,
    region VARCHAR,
    year INTEGER NOT NULL,
    basis VARCHAR NOT NULL
);
"""

#: Exported table -> the table or view it comes from.
EXPORT_TABLES: dict[str, str] = {
    "reports": "reports_wide",
    "values": "report_values",
    "findings": "findings",
    "missing_reports": "missing_reports",
}

_REPORT_COLUMNS = ("report_id", "path", "sha256", "extractor_version", "status", "error", "format", "url",
                   "publish_date", "agency", "province", "city", "county", "adcode", "year", "template",
                   "parent_url")
_VALUE_COLUMNS = ("report_id", "table_id", "key", "value", "raw", "label", "score", "location", "note")
_FINDING_COLUMNS = ("report_id", "origin", "code", "severity", "table_id", "keys", "message", "other_report_id")
_MISSING_COLUMNS = ("body", "agency", "region", "year", "basis")


@dataclass(frozen=True, slots=True)
class Entry:
    """One source file's outcome, ready to be written: a record, or the reason it failed."""

    path: str
    sha256: str
    extractor_version: str
    record: Record | None = None
    error: str | None = None
    url: str | None = None
    publish_date: str | None = None
    text: str | None = None
    parent_url: str | None = None


@dataclass(frozen=True, slots=True)
class KnownFile:
    """What the dataset already holds for a path: enough to decide whether to parse it again."""

    sha256: str
    extractor_version: str
    status: str


@dataclass(frozen=True, slots=True)
class StoredReport:
    """A parsed report as the dataset holds it: what the checks across reports compare."""

    report_id: str
    agency: str | None
    region: dict[str, str | None]
    year: int | None
    template: str | None
    tables: dict[str, dict[str, float | None]]
    text: str | None = None
    url: str | None = None
    parent_url: str | None = None


@dataclass(frozen=True, slots=True)
class CrossFinding:
    """A finding that compares reports: it sits on one report and names the other."""

    report_id: str
    finding: Finding
    other_report_id: str | None


@dataclass(frozen=True, slots=True)
class Missing:
    """A body with no report for a year, and why one was expected (``listed`` or ``inferred``)."""

    body: str
    agency: str | None
    region: str | None
    year: int
    basis: str


def report_id_of(path: str) -> str:
    """A short stable id for a source path, the same in every build of the same files."""
    return hashlib.sha256(path.encode("utf-8")).hexdigest()[:16]


def value_columns() -> tuple[tuple[str, str], ...]:
    """Every (table, key) any template can hold, in the form's order: the wide table's value columns."""
    return tuple((table, key) for table in TABLE_IDS for key in all_keys(table))


def wide_column(table: str, key: str) -> str:
    """The wide table's column for a key: ``table.key`` (``requests.granted.total``)."""
    return f"{table}.{key}"


def _wide_view_sql() -> str:
    """The wide view: the long values pivoted on a fixed list of columns, so that every key has its
    column whatever the data holds; counts are integers, money is decimal."""
    columns = [(wide_column(t, k), "DOUBLE" if unit_of(t, k) else "BIGINT") for t, k in value_columns()]
    names = ", ".join(f"'{name}'" for name, _ in columns)
    casts = ", ".join(f'CAST(p."{name}" AS {cast}) AS "{name}"' for name, cast in columns)
    meta = ", ".join(f"r.{name}" for name in REPORT_COLUMNS)
    return (f"CREATE OR REPLACE VIEW reports_wide AS SELECT {meta}, {casts} FROM reports r LEFT JOIN "
            "(PIVOT (SELECT report_id, table_id || '.' || key AS col, value FROM report_values) "
            f"ON col IN ({names}) USING max(value) GROUP BY report_id) p USING (report_id) "
            "WHERE r.status <> 'page' ORDER BY r.path")


def _value_rows(report_id: str, record: Record) -> list[tuple[Any, ...]]:
    rows = []
    for table, values in record.tables.items():
        provenance = record.provenance.get(table, {})
        for key, value in values.items():
            p = provenance.get(key)
            rows.append((report_id, table, key, None if value is None else float(value),
                         p.raw if p else None, p.label if p else None, p.score if p else None,
                         p.where if p else None, p.note if p else None))
    return rows


def _as_stored(table: str, key: str, value: float | None) -> float | int | None:
    """A value as the record had it: counts are integers, only money is decimal."""
    return value if value is None or unit_of(table, key) else int(value)


def _finding_row(report_id: str, origin: str, finding: Finding, other: str | None = None) -> tuple[Any, ...]:
    return (report_id, origin, finding.code, finding.severity, finding.table, list(finding.keys),
            finding.message, other)


class Dataset:
    """An open dataset file. Use as a context manager; every write is its own transaction."""

    def __init__(self, path: str | Path, *, read_only: bool = False) -> None:
        self.path = str(path)
        try:
            self._con = duckdb.connect(self.path, read_only=read_only)
            if not read_only:
                self._con.execute(_SCHEMA)
                self._con.execute(_wide_view_sql())
        except duckdb.Error as exc:
            raise DatasetError(f"cannot open dataset: {exc}", self.path) from exc

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._con.close()

    # --- writes -------------------------------------------------------------

    def known_files(self) -> dict[str, KnownFile]:
        """Every path already in the dataset, with the hash and extractor version it was parsed with."""
        rows = self._con.execute("SELECT path, sha256, extractor_version, status FROM reports").fetchall()
        return {path: KnownFile(sha, version, status) for path, sha, version, status in rows}

    def write_entry(self, entry: Entry) -> None:
        """Replace everything the dataset holds for this file, then settle which pages are only
        pages (this file, or the page it is an attachment of), in one transaction."""
        report_id = report_id_of(entry.path)
        record = entry.record
        region = record.region if record else {}
        report = (report_id, entry.path, entry.sha256, entry.extractor_version,
                  "ok" if record else "failed", entry.error,
                  record.source.get("format") if record else None, entry.url, entry.publish_date,
                  record.agency if record else None,
                  region.get("province"), region.get("city"), region.get("county"), region.get("adcode"),
                  record.year if record else None, record.template if record else None, entry.parent_url)
        with self._transaction():
            for table in ("findings", "report_values", "report_texts", "reports"):
                self._con.execute(f"DELETE FROM {table} WHERE report_id = ?", [report_id])
            self._con.execute(f"INSERT INTO reports ({', '.join(_REPORT_COLUMNS)}) "
                              f"VALUES ({', '.join('?' * len(report))})", list(report))
            if record:
                self._insert("report_values", _VALUE_COLUMNS, _value_rows(report_id, record))
                self._insert("findings", _FINDING_COLUMNS,
                             [_finding_row(report_id, "report", f) for f in record.findings])
            if entry.text:
                self._con.execute("INSERT INTO report_texts VALUES (?, ?)", [report_id, entry.text])
            self._settle_pages([url for url in (entry.url, entry.parent_url) if url])

    def _settle_pages(self, urls: list[str]) -> None:
        """Turn the parsed pages at these URLs that hold no standard table and have an attachment in
        the dataset into ``page`` rows, dropping what was parsed from them as if they were reports.

        The few rows at these URLs are found first and only they are looked up
        in ``report_values``: one query over all values would cost every write
        a scan of the whole dataset.
        """
        linked = [report_id for (report_id,) in self._con.execute(
            "SELECT report_id FROM reports WHERE status = 'ok' AND list_contains(?, url) "
            "AND url IN (SELECT parent_url FROM reports)", [urls]).fetchall()]
        pages = [report_id for report_id in linked if not self._con.execute(
            "SELECT 1 FROM report_values WHERE report_id = ? LIMIT 1", [report_id]).fetchall()]
        if not pages:
            return
        for table in ("findings", "report_texts"):
            self._con.execute(f"DELETE FROM {table} WHERE list_contains(?, report_id)", [pages])
        self._con.execute("UPDATE reports SET status = 'page' WHERE list_contains(?, report_id)", [pages])

    def write_crosscheck(self, bodies: dict[str, str], findings: Iterable[CrossFinding],
                         missing: Iterable[Missing]) -> None:
        """Replace the results of the checks across reports: body of each report, findings, coverage."""
        with self._transaction():
            self._con.execute("DELETE FROM findings WHERE origin = 'dataset'")
            self._con.execute("DELETE FROM missing_reports")
            self._con.execute("UPDATE reports SET body = NULL")
            if bodies:
                with self._rows(("report_id", "body"), list(bodies.items())) as rows:
                    self._con.execute(f"UPDATE reports SET body = b.body FROM {rows} b "
                                      "WHERE reports.report_id = b.report_id")
            self._insert("findings", _FINDING_COLUMNS,
                         [_finding_row(f.report_id, "dataset", f.finding, f.other_report_id) for f in findings])
            self._insert("missing_reports", _MISSING_COLUMNS,
                         [(m.body, m.agency, m.region, m.year, m.basis) for m in missing])

    def _insert(self, table: str, columns: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
        if rows:
            with self._rows(columns, rows) as source:
                self._con.execute(f"INSERT INTO {table} ({', '.join(columns)}) SELECT * FROM {source}")

    @contextmanager
    def _rows(self, columns: tuple[str, ...], rows: list[tuple[Any, ...]]) -> Iterator[str]:
        """Python rows as a relation SQL can read, by name, for the length of a block."""
        self._con.register("_rows", pd.DataFrame(rows, columns=list(columns)))
        try:
            yield "_rows"
        finally:
            self._con.unregister("_rows")

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        """BEGIN … COMMIT, rolled back on any error; duckdb errors become DatasetError."""
        self._con.execute("BEGIN TRANSACTION")
        try:
            yield
            self._con.execute("COMMIT")
        except duckdb.Error as exc:
            self._rollback()
            raise DatasetError(f"cannot write dataset: {exc}", self.path) from exc
        except BaseException:
            self._rollback()
            raise

    def _rollback(self) -> None:
        """Undo the open transaction, if one is still open: a COMMIT that failed (a full disk) ended it."""
        try:
            self._con.execute("ROLLBACK")
        except duckdb.TransactionException:
            pass

    # --- reads --------------------------------------------------------------

    def parsed_reports(self) -> list[StoredReport]:
        """The parsed reports with their values, as the checks across reports need them."""
        values: dict[str, dict[str, dict[str, float | None]]] = {}
        for report_id, table, key, value in self._con.execute(
                "SELECT report_id, table_id, key, value FROM report_values").fetchall():
            values.setdefault(report_id, {}).setdefault(table, {})[key] = _as_stored(table, key, value)
        rows = self._con.execute(
            "SELECT report_id, agency, province, city, county, adcode, year, template, text, url, parent_url "
            "FROM reports LEFT JOIN report_texts USING (report_id) WHERE status = 'ok' ORDER BY path").fetchall()
        return [StoredReport(report_id, agency, {"province": province, "city": city, "county": county,
                                                 "adcode": adcode}, year, template, values.get(report_id, {}), text,
                             url, parent_url)
                for report_id, agency, province, city, county, adcode, year, template, text, url, parent_url in rows]

    def frame(self, sql: str, params: list[Any] | None = None) -> pd.DataFrame:
        """The result of a query as a pandas frame (what exports and documented queries use)."""
        try:
            return self._con.execute(sql, params or []).df()
        except duckdb.Error as exc:
            raise DatasetError(f"query failed: {exc}", self.path) from exc

    def table(self, name: str) -> pd.DataFrame:
        """A whole table or view, in a stable order."""
        order = {"reports_wide": "path", "reports": "path", "report_values": "report_id, table_id, key",
                 "findings": "report_id, origin, code, table_id, keys, other_report_id",
                 "missing_reports": "body, year", "report_texts": "report_id"}[name]
        return self.frame(f"SELECT * FROM {name} ORDER BY {order}")

    def export_tables(self) -> dict[str, pd.DataFrame]:
        """What every export holds: the wide table, the long values, findings and gaps."""
        return {name: self.table(source) for name, source in EXPORT_TABLES.items()}

    def counts(self) -> dict[str, int]:
        """How many rows each table holds, for summaries."""
        return {name: self._con.execute(f"SELECT count(*) FROM {name}").fetchall()[0][0]
                for name in ("reports", "report_values", "report_texts", "findings", "missing_reports")}

    def status_counts(self) -> dict[str, int]:
        """How many files are parsed reports (``ok``), failures (``failed``) and only pages (``page``)."""
        counted = dict(self._con.execute("SELECT status, count(*) FROM reports GROUP BY status").fetchall())
        return {status: counted.get(status, 0) for status in ("ok", "failed", "page")}

    # --- summaries for the review report -----------------------------------------

    def report_counts(self, by: str) -> pd.DataFrame:
        """Files parsed (``ok``) and failed (``failed``) per year, province or format; pages are not
        reports and are not counted.

        A failed file has no parsed format, so its suffix stands in: a reviewer
        sees at a glance that the failures are, say, PNG table images.
        """
        column = {"year": "year", "province": "province",
                  "format": r"coalesce(format, lower(regexp_extract(path, '\.([^./]+)$', 1)))"}[by]
        return self.frame(f"SELECT {column} AS {by}, count(*) FILTER (WHERE status = 'ok') AS ok, "
                          f"count(*) FILTER (WHERE status = 'failed') AS failed FROM reports "
                          f"GROUP BY ALL ORDER BY {by} NULLS LAST")

    def failed_files(self) -> pd.DataFrame:
        """The files that could not be parsed: where they are, where they came from, why."""
        return self.frame("SELECT path, url, error FROM reports WHERE status = 'failed' ORDER BY path")

    def finding_counts(self) -> pd.DataFrame:
        """How many findings of each code and severity sit on the reports of each year."""
        return self.frame("SELECT f.code, f.severity, r.year, count(*) AS n FROM findings f JOIN reports r "
                          "USING (report_id) GROUP BY ALL ORDER BY f.code, r.year NULLS LAST")

    def findings_of(self, codes: Iterable[str]) -> pd.DataFrame:
        """Every finding with one of these codes, with the report it sits on (agency, year, file, URL)."""
        return self.frame("SELECT r.agency, r.year, r.path, r.url, f.code, f.severity, f.message "
                          "FROM findings f JOIN reports r USING (report_id) WHERE list_contains(?, f.code) "
                          "ORDER BY r.agency NULLS LAST, r.year, r.path, f.code, f.message", [list(codes)])

    def yearly_sums(self, table: str, keys: Iterable[str]) -> pd.DataFrame:
        """Each year's sum of each key over the parsed reports (columns year, key, total, bodies).

        A body's copies of one year's report count once (its largest value):
        a crawl often keeps both the page and its PDF attachment, and adding
        both would double the body's numbers.
        """
        return self.frame(
            "SELECT year, key, sum(value) AS total, count(*) AS bodies FROM ("
            " SELECT coalesce(r.body, r.report_id) AS body, r.year, v.key, max(v.value) AS value"
            " FROM report_values v JOIN reports r USING (report_id)"
            " WHERE v.table_id = ? AND list_contains(?, v.key) AND r.year IS NOT NULL AND v.value IS NOT NULL"
            " GROUP BY ALL) GROUP BY ALL ORDER BY year, key", [table, list(keys)])
