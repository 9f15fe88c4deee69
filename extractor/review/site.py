"""``xxgk report``: the review site of a dataset, written as plain files into one folder.

The folder opens from disk with no network and travels as a zip: every link
is relative, the original files are copied in (``files/<sha256>.<ext>``), the
style sheet and the one small script sit in ``assets/``, and the charts are
inline SVG. It holds ``index.html`` (the overview), a page per primary report
(``reports/``), a page per body (``bodies/``) and the crops of the PDF pages
(``crops/``). Everything is read from the dataset in a few queries and written
in one pass, so the time grows with the number of reports; only the crops
read their PDFs again.
"""
from __future__ import annotations

import logging
import shutil
from collections.abc import Iterable, Mapping
from importlib.resources import files
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..dataset import Dataset
from ..errors import DatasetError
from .body_pages import BodyPage, BodyYear, render_body
from .crops import Mark, table_crops
from .form import Stored
from .locations import cell_at
from .overview import ARITHMETIC_CODES, APPEAL_TOTALS, DENIED, NEW_RECEIVED, RESULTS_TOTAL, TABLE_MISSING
from .overview import ReportData, SiteLinks, render
from .paths import INDEX, body_page, crops_of, original_file, report_page
from .report_pages import Copy, FindingRow, ReportPage, render_report, table_name

__all__ = ["write_site"]

log = logging.getLogger(__name__)

#: A file that stands for its body-year (the predicate ``reports_wide`` holds, without its pivot).
_PRIMARY = "r.status = 'ok' AND coalesce(r.is_primary, true)"
_ASSETS = ("style.css", "search.js")
#: What a site's pages and crops are, by folder: removed before a site is written again.
_GENERATED = (("reports", "*.html"), ("bodies", "*.html"), ("crops", "*.png"))


def write_site(db: str | Path, out: str | Path) -> Path:
    """Write the review site of the dataset ``db`` into the folder ``out`` (made if missing) and return the
    overview page's path. The pages and crops of an earlier site there are removed first, so that none of a
    report no longer in the dataset stays behind; copies of originals are kept (named by content, they are
    never stale)."""
    out = Path(out)
    try:
        for folder in ("assets", "reports", "bodies", "files", "crops"):
            (out / folder).mkdir(parents=True, exist_ok=True)
        for folder, pattern in _GENERATED:
            for stale in (out / folder).glob(pattern):
                stale.unlink()
        with Dataset(db, read_only=True) as dataset:
            _write_pages(dataset, Path(db).name, out)
    except OSError as exc:
        raise DatasetError(f"cannot write report: {exc.strerror or exc}", out) from exc
    log.info("review site written to %s", out)
    return out / INDEX


def _write_pages(dataset: Dataset, source: str, out: Path) -> None:
    """Every page, in one pass over what a few queries read."""
    reports = _primary_reports(dataset)
    files_frame = dataset.frame("SELECT path, sha256, url, status, copy_of FROM reports "
                                "WHERE status IN ('ok', 'failed') ORDER BY path")
    copied = _copy_originals(files_frame, out)
    values, found = _values(dataset), _findings(dataset)
    for asset in _ASSETS:
        (out / "assets" / asset).write_bytes(files(__package__).joinpath(asset).read_bytes())
    links = SiteLinks(copied, {r.path: report_page(r.report_id) for r in reports.itertuples()})
    (out / INDEX).write_text(render(_overview_data(dataset, source, reports, links)), encoding="utf-8")
    pages, copies = frozenset(reports["report_id"]), _copies(files_frame, copied)
    for r in reports.itertuples():
        page = ReportPage(r.report_id, _str(r.agency), _str(r.body), r.region,
                          _int(r.year), r.template or "unknown", _str(r.format), r.path, _str(r.url),
                          _str(r.parent_url), copied.get(r.path), values.get(r.report_id, {}),
                          found.get(r.report_id, []), copies.get(r.report_id, []), pages=pages)
        if r.format == "pdf" and r.path in copied:
            page.crops = _crops(page, out / copied[r.path], out)
        elif r.format == "image" and r.path in copied:  # a table posted as a picture is its own source
            page.crops = {table: [(1, copied[r.path])] for table in page.values}
        (out / report_page(r.report_id)).write_text(render_report(page), encoding="utf-8")
    for body in _bodies(dataset, reports, values, found):
        (out / body_page(body.body)).write_text(render_body(body), encoding="utf-8")


def _items(value: object) -> tuple:
    """A list column's value as a tuple (DuckDB lists arrive as arrays, or as NA when NULL)."""
    return tuple(value) if isinstance(value, (list, tuple, np.ndarray)) else ()


def _str(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _int(value: Any) -> int | None:
    """A year as pandas gives it (a number, or its NA), hence ``Any``."""
    return None if value is None or pd.isna(value) else int(value)


def _region(province: object, city: object, county: object) -> str:
    """A report's region as people write it: 江苏省 淮安市 洪泽区."""
    return " ".join(part for part in (province, city, county) if isinstance(part, str))


# --- Reads -----------------------------------------------------------------------

def _primary_reports(dataset: Dataset) -> pd.DataFrame:
    """The primary reports with their body's name and printed names, and the codes of their errors and
    warnings ((code, severity) pairs, errors first), for the list, the index and the pages."""
    frame = dataset.frame(
        f"SELECT r.report_id, r.path, r.sha256, r.format, r.url, r.parent_url, r.agency, r.province, r.city, "
        f"r.county, r.year, r.template, r.body, b.name, b.names, c.codes "
        f"FROM reports r LEFT JOIN bodies b USING (body) LEFT JOIN (SELECT report_id, "
        f"list(DISTINCT [code, severity]) AS codes FROM findings WHERE severity IN ('error', 'warning') "
        f"GROUP BY report_id) c USING (report_id) WHERE {_PRIMARY} ORDER BY r.agency NULLS LAST, r.year, r.path")
    frame["names"] = [_items(names) for names in frame["names"]]
    frame["region"] = [_region(*parts) for parts in zip(frame["province"], frame["city"], frame["county"])]
    frame["codes"] = [sorted((tuple(pair) for pair in _items(codes)), key=lambda p: (p[1] != "error", p[0]))
                      for codes in frame["codes"]]
    return frame


def _values(dataset: Dataset) -> dict[str, dict[str, dict[str, Stored]]]:
    """Every value of the primary reports, report -> table -> key, with its provenance."""
    frame = dataset.frame(f"SELECT v.report_id, v.table_id, v.key, v.value, v.raw, v.label, v.score, v.location, "
                          f"v.note FROM report_values v JOIN reports r USING (report_id) WHERE {_PRIMARY} "
                          f"ORDER BY v.report_id, v.table_id, v.rowid")
    out: dict[str, dict[str, dict[str, Stored]]] = {}
    for rid, table, key, value, raw, label, score, location, note in frame.itertuples(index=False):
        out.setdefault(rid, {}).setdefault(table, {})[key] = Stored(
            None if pd.isna(value) else float(value), _str(raw), _str(location), _str(label),
            None if pd.isna(score) else float(score), _str(note))
    return out


def _findings(dataset: Dataset) -> dict[str, list[FindingRow]]:
    """Every finding on the primary reports, errors first, with the agency and year of the report a
    finding across reports compares against."""
    frame = dataset.frame(
        f"SELECT f.report_id, f.code, f.severity, f.table_id, f.keys, f.message, f.other_report_id, o.agency, o.year "
        f"FROM findings f JOIN reports r USING (report_id) LEFT JOIN reports o ON o.report_id = f.other_report_id "
        f"WHERE {_PRIMARY} ORDER BY f.report_id, CASE f.severity WHEN 'error' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END, "
        f"f.table_id NULLS FIRST, f.code, f.message")
    out: dict[str, list[FindingRow]] = {}
    for rid, code, severity, table, keys, message, other, agency, year in frame.itertuples(index=False):
        label = f"{_str(agency) or '（机关未识别）'} {_int(year) or '年度不详'}年" if isinstance(other, str) else None
        out.setdefault(rid, []).append(FindingRow(code, severity, _str(table), _items(keys),
                                                  message or "", _str(other), label))
    return out


def _overview_data(dataset: Dataset, source: str, reports: pd.DataFrame, links: SiteLinks) -> ReportData:
    """What the overview needs from an open dataset."""
    cross = dataset.frame(
        "SELECT f.code, f.severity, f.message, r.report_id, r.agency, r.year, o.report_id AS other_id, "
        "o.agency AS other_agency, o.year AS other_year FROM findings f JOIN reports r USING (report_id) "
        "LEFT JOIN reports o ON o.report_id = f.other_report_id WHERE f.origin = 'dataset' AND r.status = 'ok' "
        "ORDER BY r.body NULLS LAST, r.year, f.code, f.message")
    return ReportData(
        source=source,
        counts=dataset.counts(),
        statuses=dataset.status_counts(),
        by_year=dataset.report_counts("year"),
        by_province=dataset.report_counts("province"),
        by_format=dataset.report_counts("format"),
        missing=dataset.table("missing_reports"),
        failed=dataset.failed_files(),
        tables_missing=dataset.findings_of([TABLE_MISSING]),
        finding_counts=dataset.finding_counts(),
        arithmetic=dataset.findings_of(ARITHMETIC_CODES),
        sums=pd.concat([dataset.yearly_sums("requests", (NEW_RECEIVED, RESULTS_TOTAL, *DENIED)),
                        dataset.yearly_sums("appeals", APPEAL_TOTALS)], ignore_index=True),
        reports=reports,
        coverage=dataset.frame("SELECT c.*, coalesce(b.name, c.agency) AS name FROM coverage c "
                               "LEFT JOIN bodies b USING (body) ORDER BY c.body, c.year"),
        cross=cross,
        links=links,
    )


def _bodies(dataset: Dataset, reports: pd.DataFrame, values: Mapping[str, Mapping[str, Mapping[str, Stored]]],
            found: Mapping[str, list[FindingRow]]) -> Iterable[BodyPage]:
    """Each body with its expected years, oldest first, and each year's primary report."""
    templates = dict(zip(reports["report_id"], reports["template"]))
    years: dict[str, list[BodyYear]] = {}
    for c in dataset.table("coverage").itertuples():  # ordered by body, year
        years.setdefault(c.body, []).append(BodyYear(
            int(c.year), c.status, _str(c.detail), _str(c.report_id), templates.get(c.report_id) or "unknown",
            values.get(c.report_id, {}), found.get(c.report_id, [])))
    for body in dataset.table("bodies").itertuples():
        yield BodyPage(body.body, body.name or body.body, body.region or "", _items(body.names),
                       years.get(body.body, []))


# --- Files -----------------------------------------------------------------------

def _copy_originals(frame: pd.DataFrame, out: Path) -> dict[str, str]:
    """Copy every report file still on disk into ``files/`` (once per content) -> source path to its link."""
    copied = {}
    for path, sha256 in zip(frame["path"], frame["sha256"]):
        target = original_file(sha256, path)
        if not (out / target).exists():
            try:
                shutil.copyfile(path, out / target)
            except OSError as exc:
                log.warning("%s: not copied into the review site: %s", path, exc.strerror or exc)
                continue
        copied[path] = target
    return copied


def _copies(frame: pd.DataFrame, copied: Mapping[str, str]) -> dict[str, list[Copy]]:
    """The other files of each primary report's body-year."""
    out: dict[str, list[Copy]] = {}
    for r in frame[frame["copy_of"].notna()].itertuples():
        out.setdefault(r.copy_of, []).append(Copy(r.path, _str(r.url), copied.get(r.path)))
    return out


def _crops(page: ReportPage, pdf: Path, out: Path) -> dict[str, list[tuple[int, str]]]:
    """The crops of each table of a PDF report, the cells its errors and warnings name boxed."""
    names = {table: name for table, values in page.values.items() if (name := table_name(values))}
    boxes: dict[str, dict[tuple[int, int], Mark]] = {name: {} for name in names.values()}
    for finding in page.findings:
        if finding.severity not in ("error", "warning") or finding.table not in names:
            continue
        for i, key in enumerate(finding.keys):
            stored = page.values[finding.table].get(key)
            cell = cell_at(stored.location if stored else None)
            if cell and cell[0] == names[finding.table]:
                current = boxes[cell[0]].get(cell[1:], Mark("warning", False))
                boxes[cell[0]][cell[1:]] = Mark("error" if "error" in (current.severity, finding.severity)
                                                else "warning", current.lead or i == 0)
    written = table_crops(pdf, boxes, out / crops_of(page.report_id))
    return {table: [(crop.page, crop.path.relative_to(out).as_posix()) for crop in written.get(name, [])]
            for table, name in names.items()}
