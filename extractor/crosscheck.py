"""Checks across reports: what no single report can show.

- CARRY_MISMATCH: a body's 二、上年结转 this year differs from the 四、结转下年度
  it printed last year, column by column.
- IN_FORCE_DRIFT: 现行有效件数 does not follow last year's + 本年制发 − 本年废止.
- DUPLICATE_REPORT: another body published exactly the same numbers and
  near-identical text — the copy-paste reports the system is known for. Text
  is compared without the two agencies' names, digits and punctuation (what a
  copier changes), as the overlap of five-character runs; when either text is
  unknown the numbers alone decide. A report with few non-zero numbers is
  never called a copy: many small bodies truly report all zeros.
- Coverage: which bodies have no report for a year, against a list of bodies
  (``listed``) or, without one, every year from a body's first report to the
  latest year in the dataset (``inferred``).

**How reports are matched to bodies.** A body is its agency name, normalized
(Unicode NFKC, no spaces or punctuation), plus its region (the adcode, or the
province/city/county names when there is no adcode). Names change and parsers
miss regions, so a mapping CSV (columns ``agency``, ``body`` and optionally
``region``) can say which body a printed name belongs to; the mapping wins.
The files of one crawled page (the page, when it holds the tables, and the
PDF or DOCX it links) are one body's copies of one report: they all belong to
the page's body (or, when the page is not a report, the first attachment's)
whatever names they print, so that they are one body-year and never a
DUPLICATE_REPORT of each other. (Pages without the tables are not reports and
never reach these checks.)
"""
from __future__ import annotations

import csv
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import combinations

from .dataset import CrossFinding, Missing, StoredReport
from .errors import DatasetError
from .record import Finding
from .template import REQUEST_COLUMNS, column_label

__all__ = [
    "BodyMatcher",
    "CrossResult",
    "CrossSettings",
    "carry_mismatches",
    "crosscheck",
    "duplicate_reports",
    "in_force_drifts",
    "missing_reports",
    "normalize_agency",
    "read_bodies",
    "read_mapping",
    "region_text",
    "report_bodies",
    "text_similarity",
]

_PUNCTUATION = re.compile(r"[\s\W_]+", re.UNICODE)
_NOT_WORDS = re.compile(r"[\W\d_]+", re.UNICODE)
_SHINGLE = 5
_DRIFT_ROWS = ("regulations", "normative_docs")


@dataclass(frozen=True, slots=True)
class CrossSettings:
    """Inputs of the checks across reports: body mapping, list of bodies, years, copy threshold."""

    mapping_csv: str | None = None
    bodies_csv: str | None = None
    years: tuple[int, ...] = ()
    duplicate_min_nonzero: int = 8
    duplicate_min_similarity: float = 0.8


@dataclass(frozen=True, slots=True)
class BodyMatcher:
    """Which body a report belongs to: the mapping first, normalized name + region otherwise."""

    mapping: dict[tuple[str, str], str] = field(default_factory=dict)

    def body(self, agency: str | None, region: str) -> str | None:
        if not agency:
            return None
        name = normalize_agency(agency)
        mapped = self.mapping.get((name, region)) or self.mapping.get((name, ""))
        return mapped or (f"{name}|{region}" if region else name)


@dataclass(slots=True)
class CrossResult:
    """Everything the checks across reports found: the body of each report, findings, gaps."""

    bodies: dict[str, str] = field(default_factory=dict)
    findings: list[CrossFinding] = field(default_factory=list)
    missing: list[Missing] = field(default_factory=list)


def normalize_agency(name: str) -> str:
    """An agency name as matching compares it: full-width folded, spaces and punctuation gone."""
    return _PUNCTUATION.sub("", unicodedata.normalize("NFKC", name))


def region_text(region: dict[str, str | None]) -> str:
    """A region as matching compares it: the adcode, or the joined names when there is none."""
    if region.get("adcode"):
        return str(region["adcode"])
    return "/".join(name for part in ("province", "city", "county") if (name := region.get(part)))


def _read_csv(path: str, required: set[str]) -> list[dict[str, str]]:
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            rows = list(csv.DictReader(handle))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise DatasetError(f"cannot read CSV: {exc}", path) from exc
    columns = set(rows[0]) if rows else required
    if not required <= columns:
        raise DatasetError(f"CSV lacks column(s) {', '.join(sorted(required - columns))}", path)
    return rows


def read_mapping(path: str) -> BodyMatcher:
    """A mapping CSV (``agency``, ``body``, optional ``region``) as a matcher."""
    mapping = {(normalize_agency(row["agency"]), (row.get("region") or "").strip()): row["body"].strip()
               for row in _read_csv(path, {"agency", "body"}) if row["agency"].strip()}
    return BodyMatcher(mapping)


def read_bodies(path: str, matcher: BodyMatcher) -> dict[str, tuple[str, str]]:
    """A list of bodies (CSV with ``agency`` and optional ``region``) as body -> (agency, region)."""
    bodies = {}
    for row in _read_csv(path, {"agency"}):
        region = (row.get("region") or "").strip()
        body = matcher.body(row["agency"].strip(), region)
        if body:
            bodies[body] = (row["agency"].strip(), region)
    return bodies


# --- The checks -----------------------------------------------------------------

def _page_of(report: StoredReport) -> str:
    """What the files of one crawled page share: the page's URL (a file from no crawl is alone)."""
    return report.parent_url or report.url or report.report_id


def report_bodies(reports: Sequence[StoredReport], matcher: BodyMatcher) -> dict[str, str]:
    """The body of each report: the one of its crawled page's files that names one, the page first."""
    shared: dict[str, str] = {}
    for report in sorted(reports, key=lambda r: r.parent_url is not None):
        if (body := matcher.body(report.agency, region_text(report.region))) is not None:
            shared.setdefault(_page_of(report), body)
    return {r.report_id: body for r in reports if (body := shared.get(_page_of(r))) is not None}


def _by_body_year(reports: Iterable[StoredReport], bodies: dict[str, str]) -> dict[str, dict[int, list[StoredReport]]]:
    out: dict[str, dict[int, list[StoredReport]]] = defaultdict(lambda: defaultdict(list))
    for report in reports:
        body = bodies.get(report.report_id)
        if body and report.year is not None:
            out[body][report.year].append(report)
    return out


def _consecutive(grouped: dict[str, dict[int, list[StoredReport]]]) -> Iterable[tuple[StoredReport, StoredReport]]:
    """(last year's report, this year's report) for every body and every pair of consecutive years."""
    for years in grouped.values():
        for year, reports in years.items():
            for previous in years.get(year - 1, ()):
                for report in reports:
                    yield previous, report


def carry_mismatches(pairs: Iterable[tuple[StoredReport, StoredReport]]) -> list[CrossFinding]:
    """CARRY_MISMATCH, one per column whose carry-over does not match last year's carry-forward."""
    out = []
    for previous, report in pairs:
        now, before = report.tables.get("requests", {}), previous.tables.get("requests", {})
        for column in REQUEST_COLUMNS:
            key, prev_key = f"carried_over.{column.key}", f"carried_forward.{column.key}"
            if now.get(key) is None or before.get(prev_key) is None or now[key] == before[prev_key]:
                continue
            message = (f"{column_label('requests', key)}为{now[key]}，但{previous.year}年报告"
                       f"{column_label('requests', prev_key)}为{before[prev_key]}")
            out.append(CrossFinding(report.report_id, Finding("CARRY_MISMATCH", "requests", (key,), message),
                                    previous.report_id))
    return out


def in_force_drifts(pairs: Iterable[tuple[StoredReport, StoredReport]]) -> list[CrossFinding]:
    """IN_FORCE_DRIFT: 现行有效 ≠ last year's 现行有效 + 本年制发 − 本年废止 (2021 form)."""
    out = []
    for previous, report in pairs:
        now, before = report.tables.get("active", {}), previous.tables.get("active", {})
        for row in _DRIFT_ROWS:
            keys = (f"{row}.in_force", f"{row}.issued", f"{row}.repealed")
            last, in_force, issued, repealed = before.get(keys[0]), *(now.get(k) for k in keys)
            if last is None or in_force is None or issued is None or repealed is None:
                continue
            if in_force == last + issued - repealed:
                continue
            message = (f"{column_label('active', keys[0])}为{in_force}，按{previous.year}年的{last}"
                       f" + {column_label('active', keys[1])}{issued}"
                       f" − {column_label('active', keys[2])}{repealed} 应为{last + issued - repealed}")
            out.append(CrossFinding(report.report_id, Finding("IN_FORCE_DRIFT", "active", keys, message),
                                    previous.report_id))
    return out


def _numbers(report: StoredReport) -> tuple[tuple[str, str, float], ...]:
    return tuple(sorted((table, key, value) for table, values in report.tables.items()
                        for key, value in values.items() if value is not None))


def _shingles(text: str, names: Iterable[str | None]) -> set[str]:
    for name in names:
        if name:
            text = text.replace(name, "")
    words = _NOT_WORDS.sub("", unicodedata.normalize("NFKC", text))
    return {words[i:i + _SHINGLE] for i in range(max(1, len(words) - _SHINGLE + 1))}


def text_similarity(a: StoredReport, b: StoredReport) -> float | None:
    """How much of two reports' text is the same once their agency names are taken out (0–1);
    None when a text is unknown."""
    if not a.text or not b.text:
        return None
    first, second = _shingles(a.text, (a.agency, b.agency)), _shingles(b.text, (a.agency, b.agency))
    return len(first & second) / len(first | second)


def duplicate_reports(reports: Iterable[StoredReport], bodies: dict[str, str],
                      min_nonzero: int, min_similarity: float) -> list[CrossFinding]:
    """DUPLICATE_REPORT on each of two reports of different bodies with the same numbers and text."""
    groups: dict[tuple[tuple[str, str, float], ...], list[StoredReport]] = defaultdict(list)
    for report in reports:
        numbers = _numbers(report)
        if bodies.get(report.report_id) and sum(1 for *_, v in numbers if v) >= min_nonzero:
            groups[numbers].append(report)
    out = []
    for numbers, group in groups.items():
        for a, b in combinations(group, 2):
            similarity = text_similarity(a, b)
            if bodies[a.report_id] == bodies[b.report_id] or (similarity is not None
                                                               and similarity < min_similarity):
                continue
            text = "正文未能比对" if similarity is None else f"正文相似度{similarity:.0%}"
            for this, other in ((a, b), (b, a)):
                message = (f"与{other.agency}（{region_text(other.region) or '地区不详'}）{other.year}年报告的"
                           f"{len(numbers)}个数值完全相同，{text}")
                out.append(CrossFinding(this.report_id, Finding("DUPLICATE_REPORT", None, (), message),
                                        other.report_id))
    return out


def missing_reports(grouped: dict[str, dict[int, list[StoredReport]]], listed: dict[str, tuple[str, str]],
                    years: Sequence[int]) -> list[Missing]:
    """Bodies without a report for a year: listed bodies over ``years``, others from their first year on."""
    if not years:
        return []
    out = []
    for body, (agency, region) in sorted(listed.items()):
        out += [Missing(body, agency, region, y, "listed") for y in years if y not in grouped.get(body, {})]
    last = max(years)
    for body, by_year in sorted(grouped.items()):
        if body in listed:
            continue
        sample = next(iter(by_year.values()))[0]
        out += [Missing(body, sample.agency, region_text(sample.region), y, "inferred")
                for y in range(min(by_year), last + 1) if y not in by_year]
    return out


def crosscheck(reports: Sequence[StoredReport], settings: CrossSettings | None = None) -> CrossResult:
    """Every check across reports over the parsed reports of a dataset."""
    settings = settings or CrossSettings()
    matcher = read_mapping(settings.mapping_csv) if settings.mapping_csv else BodyMatcher()
    bodies = report_bodies(reports, matcher)
    grouped = _by_body_year(reports, bodies)
    pairs = list(_consecutive(grouped))
    listed = read_bodies(settings.bodies_csv, matcher) if settings.bodies_csv else {}
    seen_years = [r.year for r in reports if r.year is not None]
    years = settings.years or (tuple(range(min(seen_years), max(seen_years) + 1)) if seen_years else ())
    findings = (carry_mismatches(pairs) + in_force_drifts(pairs)
                + duplicate_reports(reports, bodies, settings.duplicate_min_nonzero,
                                    settings.duplicate_min_similarity))
    return CrossResult(bodies, findings, missing_reports(grouped, listed, years))
