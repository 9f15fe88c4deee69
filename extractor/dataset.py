"""The dataset: one DuckDB file holding every parsed report, long and wide.

This is the only module that imports duckdb. Everything else hands it plain
Python objects (records, findings) and gets plain Python objects or pandas
frames back, so the storage can change without touching the build, the checks
or the exports.

Tables (the names are public: researchers query them):

- ``reports``: one row per source file (``status`` is ``ok``, ``failed``
  with the reason in ``error``, ``page`` — a web page that holds none of the
  standard tables and links attachments the crawl fetched — or
  ``not_a_report`` — no standard table and no report title: a README, a
  notice). An attachment names its page in ``parent_url``. ``body`` is the
  body the report belongs to; ``is_primary`` marks the one file that stands
  for its body-year, the others name it in ``copy_of``.
- ``report_values``: one row per value, long form, with its provenance.
- ``findings``: what is wrong with a report; ``origin`` is ``report`` for the
  checks of one report and ``dataset`` for the checks across reports.
- ``report_texts``: the running text of each parsed report (for searching,
  and for telling copied reports apart).
- ``bodies``: every body, the names it printed and how its files were matched.
- ``coverage``: every expected body-year and what became of it: ``present``,
  ``not_published``, ``not_fetched`` (the crawl's outcome in ``detail``) or
  ``failed`` (a file that could not be parsed).
- ``crawl_failures``: what the crawls read by a build could not fetch.
- ``expected_bodies``, ``body_mapping``, ``options``: what a build was told
  (``--bodies``, ``--mapping``, ``--years``), kept for the builds after it.
- Views: ``reports_wide``, one row per body-year (its primary file), one
  column per ``table.key``, for analysis; ``files_wide``, the same for every
  file, copies included; ``missing_reports``, coverage's gaps.

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
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Self

import duckdb
import pandas as pd

from .errors import DatasetError
from .isolation import CrawlInfo
from .record import Finding, Record
from .similarity import numbers_fingerprint, text_signature
from .template import TABLE_IDS, all_keys, unit_of

__all__ = [
    "COLUMN_LABELS",
    "EXPORT_TABLES",
    "NOT_REPORTS",
    "REPORT_COLUMNS",
    "Assignment",
    "BodyRow",
    "CoverageRow",
    "CrawlInfo",
    "CrossFinding",
    "CrossResult",
    "Dataset",
    "Entry",
    "KnownFile",
    "ReportFacts",
    "report_id_of",
    "value_columns",
    "wide_column",
    "write_parquet",
]


#: Report metadata columns of the wide table, with the Chinese header exports show.
#: (Value columns take theirs from ``template.column_label``.)
REPORT_COLUMNS: dict[str, str] = {
    "report_id": "报告编号",
    "body": "机关（匹配）",
    "is_primary": "主文件",
    "copy_of": "副本所属文件编号",
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
    "detail": "详情",
    "coverage_status": "报送情况",
    "name": "规范名称",
    "names": "出现过的名称",
    "matched_by": "匹配方式",
    "listed": "名单内",
    "reports": "报告数",
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
ALTER TABLE reports ADD COLUMN IF NOT EXISTS is_primary BOOLEAN;
ALTER TABLE reports ADD COLUMN IF NOT EXISTS copy_of VARCHAR;
ALTER TABLE reports ADD COLUMN IF NOT EXISTS crawl_body VARCHAR;
ALTER TABLE reports ADD COLUMN IF NOT EXISTS crawl_region VARCHAR;
ALTER TABLE reports ADD COLUMN IF NOT EXISTS crawl_title VARCHAR;
ALTER TABLE reports ADD COLUMN IF NOT EXISTS numbers_hash VARCHAR;
ALTER TABLE reports ADD COLUMN IF NOT EXISTS filled_values INTEGER;
ALTER TABLE reports ADD COLUMN IF NOT EXISTS nonzero_values INTEGER;
ALTER TABLE reports ADD COLUMN IF NOT EXISTS error_findings INTEGER;
ALTER TABLE reports ADD COLUMN IF NOT EXISTS ocr BOOLEAN;
ALTER TABLE reports ADD COLUMN IF NOT EXISTS text_signature BLOB;
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
CREATE TABLE IF NOT EXISTS bodies (
    body VARCHAR NOT NULL,
    name VARCHAR,
    region VARCHAR,
    names VARCHAR[],
    matched_by VARCHAR,
    listed BOOLEAN,
    reports INTEGER
);
CREATE TABLE IF NOT EXISTS coverage (
    body VARCHAR NOT NULL,
    agency VARCHAR,
    region VARCHAR,
    year INTEGER NOT NULL,
    status VARCHAR NOT NULL,
    basis VARCHAR NOT NULL,
    report_id VARCHAR,
    detail VARCHAR
);
CREATE TABLE IF NOT EXISTS crawl_failures (
    manifest VARCHAR NOT NULL,
    body VARCHAR,
    region VARCHAR,
    url VARCHAR,
    title VARCHAR,
    year INTEGER,
    kind VARCHAR,
    outcome VARCHAR,
    http_status VARCHAR,
    reason VARCHAR
);
CREATE TABLE IF NOT EXISTS expected_bodies (
    agency VARCHAR NOT NULL,
    region VARCHAR
);
CREATE TABLE IF NOT EXISTS body_mapping (
    agency VARCHAR NOT NULL,
    body VARCHAR NOT NULL,
    region VARCHAR
);
CREATE TABLE IF NOT EXISTS options (
    name VARCHAR PRIMARY KEY,
    value VARCHAR
);
"""

#: Exported table -> the query that gives it: the primary report of each body-year with its values and
#: findings (copies would count a body-year twice), coverage, bodies, and every file without its values.
EXPORT_TABLES: dict[str, str] = {
    "reports": "SELECT * FROM reports_wide ORDER BY path",
    "values": "SELECT v.* FROM report_values v SEMI JOIN reports_wide r USING (report_id) "
              "ORDER BY report_id, table_id, key",
    "findings": "SELECT f.* FROM findings f SEMI JOIN reports_wide r USING (report_id) "
                "ORDER BY report_id, origin, code, table_id, keys, other_report_id",
    "coverage": "SELECT * FROM coverage ORDER BY body, year",
    "missing_reports": "SELECT * FROM missing_reports ORDER BY body, year",
    "bodies": "SELECT * FROM bodies ORDER BY body",
    "files": "SELECT report_id, path, status, error, format, url, parent_url, publish_date, agency, year, body, "
             "is_primary, copy_of, sha256 FROM reports ORDER BY path",
}

_REPORT_COLUMNS = ("report_id", "path", "sha256", "extractor_version", "status", "error", "format", "url",
                   "publish_date", "agency", "province", "city", "county", "adcode", "year", "template",
                   "parent_url", "crawl_body", "crawl_region", "crawl_title", "numbers_hash", "filled_values",
                   "nonzero_values", "error_findings", "ocr", "text_signature")
_VALUE_COLUMNS = ("report_id", "table_id", "key", "value", "raw", "label", "score", "location", "note")
_FINDING_COLUMNS = ("report_id", "origin", "code", "severity", "table_id", "keys", "message", "other_report_id")
_BODY_COLUMNS = ("body", "name", "region", "names", "matched_by", "listed", "reports")
_COVERAGE_COLUMNS = ("body", "agency", "region", "year", "status", "basis", "report_id", "detail")
_CRAWL_FAILURE_COLUMNS = ("manifest", "body", "region", "url", "title", "year", "kind", "outcome", "http_status",
                          "reason")
#: Statuses of a file that is no report: left out of coverage, statistics and the checks across reports.
NOT_REPORTS = ("page", "not_a_report")
#: Options a build remembers: the lists are whole tables, the years one value.
_OPTION_TABLES = {"bodies": ("expected_bodies", ("agency", "region")),
                  "mapping": ("body_mapping", ("agency", "body", "region"))}
_CHANGES = "changes"
_CHECKED = "checked_changes"


@dataclass(frozen=True, slots=True)
class Entry:
    """One source file's outcome, ready to be written: a record, or the reason it failed.

    ``kind`` is ``report``, or ``not_a_report`` for a file read fine that holds
    no standard table and no report title (a README, a notice). ``crawl`` is
    what a crawl knew of the file: its seed body, region and listing title.
    """

    path: str
    sha256: str
    extractor_version: str
    record: Record | None = None
    error: str | None = None
    url: str | None = None
    publish_date: str | None = None
    text: str | None = None
    parent_url: str | None = None
    kind: str = "report"
    crawl: CrawlInfo | None = None


@dataclass(frozen=True, slots=True)
class KnownFile:
    """What the dataset already holds for a path: enough to decide whether to parse it again."""

    sha256: str
    extractor_version: str
    status: str


@dataclass(frozen=True, slots=True)
class ReportFacts:
    """A report or failed file as the checks across reports see it: who, when, where it came from and its
    numbers' fingerprint, without its values or text signature (which stay in the database until a check
    asks for a few)."""

    report_id: str
    path: str
    status: str
    error: str | None
    format: str | None
    agency: str | None
    region: dict[str, str | None]
    year: int | None
    url: str | None
    parent_url: str | None
    crawl: CrawlInfo
    numbers_hash: str | None
    filled: int
    nonzero: int
    errors: int
    ocr: bool


@dataclass(frozen=True, slots=True)
class CrossFinding:
    """A finding that compares reports: it sits on one report and names the other."""

    report_id: str
    finding: Finding
    other_report_id: str | None


@dataclass(frozen=True, slots=True)
class Assignment:
    """Which body a report belongs to and whether it is its body-year's primary copy (else, of which)."""

    report_id: str
    body: str | None
    is_primary: bool
    copy_of: str | None = None


@dataclass(frozen=True, slots=True)
class BodyRow:
    """One body as the ``bodies`` table shows it: the names it printed and how it was matched."""

    body: str
    name: str
    region: str
    names: tuple[str, ...]
    matched_by: str
    listed: bool
    reports: int


@dataclass(frozen=True, slots=True)
class CoverageRow:
    """One expected body-year: ``present``, ``not_published``, ``not_fetched`` or ``failed``, and why
    it was expected (``basis``: listed, crawled, inferred)."""

    body: str
    agency: str | None
    region: str | None
    year: int
    status: str
    basis: str
    report_id: str | None = None
    detail: str | None = None


@dataclass(frozen=True, slots=True)
class CrossResult:
    """Everything the checks across reports decided: bodies, primaries and copies, findings, coverage."""

    assignments: list[Assignment]
    bodies: list[BodyRow]
    findings: list[CrossFinding]
    coverage: list[CoverageRow]


def write_parquet(frame: pd.DataFrame, path: Path) -> None:
    """Write a frame as a Parquet file with DuckDB's own writer (no pyarrow needed)."""
    con = duckdb.connect()
    try:
        con.register("frame", frame)
        con.execute(f"COPY frame TO '{str(path).replace(chr(39), chr(39) * 2)}' (FORMAT PARQUET)")
    except duckdb.Error as exc:
        raise DatasetError(f"cannot write Parquet: {exc}", path) from exc
    finally:
        con.close()


def report_id_of(path: str) -> str:
    """A short stable id for a source path, the same in every build of the same files."""
    return hashlib.sha256(path.encode("utf-8")).hexdigest()[:16]


def value_columns() -> tuple[tuple[str, str], ...]:
    """Every (table, key) any template can hold, in the form's order: the wide table's value columns."""
    return tuple((table, key) for table in TABLE_IDS for key in all_keys(table))


def wide_column(table: str, key: str) -> str:
    """The wide table's column for a key: ``table.key`` (``requests.granted.total``)."""
    return f"{table}.{key}"


def _wide_view_sql(name: str, where: str) -> str:
    """A wide view: the long values pivoted on a fixed list of columns, so that every key has its
    column whatever the data holds; counts are integers, money is decimal."""
    columns = [(wide_column(t, k), "DOUBLE" if unit_of(t, k) else "BIGINT") for t, k in value_columns()]
    names = ", ".join(f"'{name}'" for name, _ in columns)
    casts = ", ".join(f'CAST(p."{name}" AS {cast}) AS "{name}"' for name, cast in columns)
    meta = ", ".join(f"r.{name}" for name in REPORT_COLUMNS)
    return (f"CREATE OR REPLACE VIEW {name} AS SELECT {meta}, {casts} FROM reports r LEFT JOIN "
            "(PIVOT (SELECT report_id, table_id || '.' || key AS col, value FROM report_values) "
            f"ON col IN ({names}) USING max(value) GROUP BY report_id) p USING (report_id) "
            f"WHERE {where} ORDER BY r.path")


#: The views, each made anew when a dataset is opened for writing (their columns follow the template).
_VIEWS = (
    _wide_view_sql("reports_wide", "r.status = 'ok' AND coalesce(r.is_primary, true)"),
    _wide_view_sql("files_wide", "true"),
    "CREATE OR REPLACE VIEW missing_reports AS SELECT body, agency, region, year, basis, status, detail "
    "FROM coverage WHERE status <> 'present' ORDER BY body, year",
)


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


def _is_ocr(record: Record) -> bool:
    """Whether a report's numbers were read by OCR (an image, or cells whose provenance says so)."""
    return record.source.get("format") == "image" or any(
        "ocr" in (p.where + (p.note or "")).lower() for cells in record.provenance.values() for p in cells.values())


def _report_row(report_id: str, entry: Entry) -> tuple[Any, ...]:
    """The ``reports`` row of a file: what it is, where it came from, and its fingerprints."""
    record = entry.record if entry.kind == "report" else None
    region = entry.record.region if entry.record else {}
    status = "failed" if entry.record is None else "ok" if record else entry.kind
    crawl = entry.crawl or CrawlInfo()
    numbers = numbers_fingerprint(record.tables) if record else None
    errors = sum(1 for f in record.findings if f.severity == "error") if record else None
    signature = text_signature(entry.text, [entry.record.agency]) if record else None
    meta = entry.record
    return (report_id, entry.path, entry.sha256, entry.extractor_version, status, entry.error,
            meta.source.get("format") if meta else None, entry.url, entry.publish_date,
            meta.agency if meta else None, region.get("province"), region.get("city"), region.get("county"),
            region.get("adcode"), meta.year if meta else None, meta.template if meta else None, entry.parent_url,
            crawl.body, crawl.region, crawl.title, numbers.digest if numbers else None,
            numbers.filled if numbers else None, numbers.nonzero if numbers else None, errors,
            _is_ocr(record) if record else None, signature)


class Dataset:
    """An open dataset file. Use as a context manager; every write is its own transaction."""

    def __init__(self, path: str | Path, *, read_only: bool = False) -> None:
        self.path = str(path)
        try:
            self._con = duckdb.connect(self.path, read_only=read_only)
            if not read_only:
                self._migrate()
                self._con.execute(_SCHEMA)
                for view in _VIEWS:
                    self._con.execute(view)
        except duckdb.Error as exc:
            raise DatasetError(f"cannot open dataset: {exc}", self.path) from exc

    def _migrate(self) -> None:
        """Datasets of earlier versions kept coverage in a table ``missing_reports``, now a view."""
        kind = self._con.execute("SELECT table_type FROM information_schema.tables "
                                 "WHERE table_name = 'missing_reports'").fetchall()
        if kind and kind[0][0] == "BASE TABLE":
            self._con.execute("DROP TABLE missing_reports")

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
        self.write_entries([entry])

    def write_entries(self, entries: Sequence[Entry]) -> None:
        """Write several files in one transaction (a bulk load; a build writes one file at a time)."""
        ids = [report_id_of(entry.path) for entry in entries]
        reports = [e.record if e.kind == "report" else None for e in entries]
        with self._transaction():
            for table in ("findings", "report_values", "report_texts", "reports"):
                self._con.execute(f"DELETE FROM {table} WHERE list_contains(?, report_id)", [ids])
            self._insert("reports", _REPORT_COLUMNS, [_report_row(i, e) for i, e in zip(ids, entries)])
            self._insert("report_values", _VALUE_COLUMNS,
                         [row for i, r in zip(ids, reports) if r for row in _value_rows(i, r)])
            self._insert("findings", _FINDING_COLUMNS,
                         [_finding_row(i, "report", f) for i, r in zip(ids, reports) if r for f in r.findings])
            self._insert("report_texts", ("report_id", "text"),
                         [(i, e.text) for i, e, r in zip(ids, entries, reports) if r and e.text])
            self._settle_pages([url for e in entries for url in (e.url, e.parent_url) if url])
            self._bump_changes()

    def _settle_pages(self, urls: list[str]) -> None:
        """Turn the parsed pages at these URLs that hold no standard table and have an attachment in
        the dataset into ``page`` rows, dropping what was parsed from them as if they were reports.

        The few rows at these URLs are found first and only they are looked up
        in ``report_values``: one query over all values would cost every write
        a scan of the whole dataset.
        """
        if not urls:
            return
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

    def _bump_changes(self) -> None:
        self._con.execute("INSERT INTO options VALUES (?, '1') ON CONFLICT (name) DO UPDATE "
                          "SET value = CAST(CAST(options.value AS BIGINT) + 1 AS VARCHAR)", [_CHANGES])

    def write_crosscheck(self, result: CrossResult) -> None:
        """Replace the results of the checks across reports: bodies, primaries, findings, coverage.

        Remembers the state it was computed on, so that a build that changes
        nothing does not compute it again (:meth:`crosscheck_is_current`).
        """
        with self._transaction():
            self._con.execute("DELETE FROM findings WHERE origin = 'dataset'")
            for table in ("coverage", "bodies"):
                self._con.execute(f"DELETE FROM {table}")
            self._con.execute("UPDATE reports SET body = NULL, is_primary = NULL, copy_of = NULL")
            if result.assignments:
                with self._rows(("report_id", "body", "is_primary", "copy_of"),
                                [(a.report_id, a.body, a.is_primary, a.copy_of) for a in result.assignments]) as rows:
                    self._con.execute(f"UPDATE reports SET body = a.body, is_primary = a.is_primary, "
                                      f"copy_of = a.copy_of FROM {rows} a WHERE reports.report_id = a.report_id")
            self._insert("bodies", _BODY_COLUMNS,
                         [(b.body, b.name, b.region, list(b.names), b.matched_by, b.listed, b.reports)
                          for b in result.bodies])
            self._insert("findings", _FINDING_COLUMNS,
                         [_finding_row(f.report_id, "dataset", f.finding, f.other_report_id) for f in result.findings])
            self._insert("coverage", _COVERAGE_COLUMNS,
                         [(c.body, c.agency, c.region, c.year, c.status, c.basis, c.report_id, c.detail)
                          for c in result.coverage])
            self._con.execute("INSERT OR REPLACE INTO options VALUES (?, ?)", [_CHECKED, self._changes()])

    def composition(self) -> dict[str, int]:
        """What the dataset holds: primary reports (one per body-year), their copies, failed files, pages
        and files that are no report."""
        row = self._con.execute(
            "SELECT count(*) FILTER (WHERE status = 'ok' AND coalesce(is_primary, true)), "
            "count(*) FILTER (WHERE status = 'ok' AND NOT coalesce(is_primary, true)), "
            "count(*) FILTER (WHERE status = 'failed'), count(*) FILTER (WHERE status = 'page'), "
            "count(*) FILTER (WHERE status = 'not_a_report') FROM reports").fetchall()[0]
        return dict(zip(("reports", "copies", "failed", "page", "not_a_report"), row))

    def crosscheck_counts(self) -> tuple[int, int]:
        """How many findings the checks across reports made, and how many expected body-years lack a report."""
        return self._con.execute("SELECT (SELECT count(*) FROM findings WHERE origin = 'dataset'), "
                                 "(SELECT count(*) FROM coverage WHERE status <> 'present')").fetchall()[0]

    def crosscheck_is_current(self) -> bool:
        """Whether the stored results of the checks across reports were computed on what the dataset
        holds now, with the options it holds now."""
        checked = self.option(_CHECKED)
        return checked is not None and checked == self._changes()

    def _changes(self) -> str:
        return self.option(_CHANGES) or "0"

    # --- options a build remembers -----------------------------------------------

    def option(self, name: str) -> str | None:
        """A stored option's value (``years``…), or None."""
        found = self._con.execute("SELECT value FROM options WHERE name = ?", [name]).fetchall()
        return found[0][0] if found else None

    def set_option(self, name: str, value: str | None) -> None:
        """Store (or, with None, forget) an option; the checks across reports then run again."""
        with self._transaction():
            self._con.execute("DELETE FROM options WHERE name = ?", [name])
            if value is not None:
                self._con.execute("INSERT INTO options VALUES (?, ?)", [name, value])
            self._bump_changes()

    def option_rows(self, name: str) -> list[dict[str, str]]:
        """A stored list (``bodies``: agency, region; ``mapping``: agency, body, region) as CSV-like rows."""
        table, columns = _OPTION_TABLES[name]
        rows = self._con.execute(f"SELECT {', '.join(columns)} FROM {table}").fetchall()
        return [{c: v or "" for c, v in zip(columns, row)} for row in rows]

    def set_option_rows(self, name: str, rows: Sequence[Mapping[str, str]]) -> None:
        """Replace a stored list; later builds use it until it is replaced again."""
        table, columns = _OPTION_TABLES[name]
        with self._transaction():
            self._con.execute(f"DELETE FROM {table}")
            self._insert(table, columns, [tuple((row.get(c) or "").strip() for c in columns) for row in rows])
            self._bump_changes()

    def replace_crawl_failures(self, manifest: str, rows: Sequence[tuple[Any, ...]]) -> None:
        """Replace what one crawl folder could not fetch (rows in ``crawl_failures`` column order, without
        the manifest), when they changed."""
        current = self._con.execute(f"SELECT {', '.join(_CRAWL_FAILURE_COLUMNS[1:])} FROM crawl_failures "
                                    "WHERE manifest = ?", [manifest]).fetchall()
        if sorted(map(tuple, current), key=repr) == sorted(map(tuple, rows), key=repr):
            return
        with self._transaction():
            self._con.execute("DELETE FROM crawl_failures WHERE manifest = ?", [manifest])
            self._insert("crawl_failures", _CRAWL_FAILURE_COLUMNS, [(manifest, *row) for row in rows])
            self._bump_changes()

    def _insert(self, table: str, columns: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
        if rows:
            with self._rows(columns, rows) as source:
                self._con.execute(f"INSERT INTO {table} ({', '.join(columns)}) SELECT * FROM {source}")

    @contextmanager
    def _rows(self, columns: tuple[str, ...], rows: list[tuple[Any, ...]], name: str = "_rows") -> Iterator[str]:
        """Python rows as a relation SQL can read, by name, for the length of a block."""
        self._con.register(name, pd.DataFrame(rows, columns=list(columns)))
        try:
            yield name
        finally:
            self._con.unregister(name)

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

    def report_facts(self) -> list[ReportFacts]:
        """Every parsed report and failed file, without values: what the checks across reports start from."""
        rows = self._con.execute(
            "SELECT report_id, path, status, error, format, agency, province, city, county, adcode, year, url, parent_url, "
            "crawl_body, crawl_region, crawl_title, numbers_hash, filled_values, nonzero_values, error_findings, "
            "ocr FROM reports WHERE status IN ('ok', 'failed') ORDER BY path").fetchall()
        return [ReportFacts(rid, path, status, error, fmt, agency,
                            {"province": province, "city": city, "county": county, "adcode": adcode},
                            year, url, parent_url, CrawlInfo(crawl_body, crawl_region, crawl_title), numbers,
                            filled or 0, nonzero or 0, errors or 0, bool(ocr))
                for (rid, path, status, error, fmt, agency, province, city, county, adcode, year, url, parent_url,
                     crawl_body, crawl_region, crawl_title, numbers, filled, nonzero, errors, ocr) in rows]

    def signatures_of(self, report_ids: Iterable[str]) -> dict[str, bytes | None]:
        """The text signatures of a few reports (see ``similarity``); None for a report without text."""
        ids = sorted(set(report_ids))
        if not ids:
            return {}
        with self._rows(("report_id",), [(i,) for i in ids], "_ids"):
            return dict(self._con.execute("SELECT report_id, text_signature FROM reports "
                                          "JOIN _ids USING (report_id)").fetchall())

    def values_of(self, report_ids: Iterable[str], keys: Iterable[tuple[str, str]] | None = None
                  ) -> dict[str, dict[str, dict[str, float | int | None]]]:
        """The values of a few reports (report -> table -> key -> value), only the given (table, key)s
        when named: the checks across reports read what they compare, never the whole dataset."""
        ids = sorted(set(report_ids))
        if not ids:
            return {}
        with self._rows(("report_id",), [(i,) for i in ids], "_ids"):
            if keys is None:
                rows = self._con.execute("SELECT report_id, table_id, key, value FROM report_values "
                                         "JOIN _ids USING (report_id)").fetchall()
            else:
                with self._rows(("table_id", "key"), sorted(set(keys)), "_keys"):
                    rows = self._con.execute("SELECT report_id, table_id, key, value FROM report_values "
                                             "JOIN _keys USING (table_id, key) JOIN _ids USING (report_id)").fetchall()
        out: dict[str, dict[str, dict[str, float | int | None]]] = {}
        for report_id, table, key, value in rows:
            out.setdefault(report_id, {}).setdefault(table, {})[key] = _as_stored(table, key, value)
        return out

    def crawl_failures(self) -> list[tuple[str | None, str | None, str | None, int | None, str, str, str]]:
        """What the crawls could not fetch: (seed body, region, url, title year, kind, outcome, reason)."""
        return self._con.execute("SELECT body, region, url, year, kind, outcome, coalesce(http_status, '') || "
                                 "CASE WHEN reason <> '' THEN ' ' || reason ELSE '' END FROM crawl_failures "
                                 "ORDER BY manifest, url").fetchall()

    def frame(self, sql: str, params: list[Any] | None = None) -> pd.DataFrame:
        """The result of a query as a pandas frame (what exports and documented queries use)."""
        try:
            return self._con.execute(sql, params or []).df()
        except duckdb.Error as exc:
            raise DatasetError(f"query failed: {exc}", self.path) from exc

    def table(self, name: str) -> pd.DataFrame:
        """A whole table or view, in a stable order."""
        order = {"reports_wide": "path", "files_wide": "path", "reports": "path",
                 "report_values": "report_id, table_id, key",
                 "findings": "report_id, origin, code, table_id, keys, other_report_id",
                 "coverage": "body, year", "missing_reports": "body, year", "report_texts": "report_id",
                 "bodies": "body", "crawl_failures": "manifest, url"}[name]
        return self.frame(f"SELECT * FROM {name} ORDER BY {order}")

    def export_tables(self) -> dict[str, pd.DataFrame]:
        """What every export holds (see ``EXPORT_TABLES``)."""
        return {name: self.frame(query) for name, query in EXPORT_TABLES.items()}

    def counts(self) -> dict[str, int]:
        """How many rows each table holds, for summaries."""
        return {name: self._con.execute(f"SELECT count(*) FROM {name}").fetchall()[0][0]
                for name in ("reports", "report_values", "report_texts", "findings", "missing_reports", "coverage",
                             "bodies")}

    def status_counts(self) -> dict[str, int]:
        """How many files are parsed reports (``ok``), failures (``failed``), only pages (``page``) and
        no reports at all (``not_a_report``)."""
        counted = dict(self._con.execute("SELECT status, count(*) FROM reports GROUP BY status").fetchall())
        return {status: counted.get(status, 0) for status in ("ok", "failed", *NOT_REPORTS)}

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
                          f"WHERE status IN ('ok', 'failed') GROUP BY ALL ORDER BY {by} NULLS LAST")

    def failed_files(self) -> pd.DataFrame:
        """The files that could not be parsed: where they are, where they came from, why."""
        return self.frame("SELECT path, url, error FROM reports WHERE status = 'failed' ORDER BY path")

    def finding_counts(self) -> pd.DataFrame:
        """How many findings of each code and severity sit on the reports of each year."""
        return self.frame("SELECT f.code, f.severity, r.year, count(*) AS n FROM findings f JOIN reports_wide r "
                          "USING (report_id) GROUP BY ALL ORDER BY f.code, r.year NULLS LAST")

    def findings_of(self, codes: Iterable[str]) -> pd.DataFrame:
        """Every finding with one of these codes on a primary report, with the report it sits on (agency,
        year, file, URL)."""
        return self.frame("SELECT r.agency, r.year, r.path, r.url, f.code, f.severity, f.message "
                          "FROM findings f JOIN reports_wide r USING (report_id) WHERE list_contains(?, f.code) "
                          "ORDER BY r.agency NULLS LAST, r.year, r.path, f.code, f.message", [list(codes)])

    def yearly_sums(self, table: str, keys: Iterable[str]) -> pd.DataFrame:
        """Each year's sum of each key over the primary reports (columns year, key, total, bodies): a
        body's copies of one year's report count once."""
        return self.frame(
            "SELECT r.year, v.key, sum(v.value) AS total, count(*) AS bodies"
            " FROM report_values v JOIN reports_wide r USING (report_id)"
            " WHERE v.table_id = ? AND list_contains(?, v.key) AND r.year IS NOT NULL AND v.value IS NOT NULL"
            " GROUP BY ALL ORDER BY r.year, v.key", [table, list(keys)])
