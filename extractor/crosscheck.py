"""Checks across reports: what no single report can show, near-linear in the number of reports.

- Bodies (``bodies``): which body each report belongs to.
- Copies (``copies``): one primary report per body and year; COPY_CONFLICT
  when copies disagree.
- CARRY_MISMATCH: a body's 二、上年结转 this year differs from the 四、结转下年度
  it printed last year, column by column.
- IN_FORCE_DRIFT: 现行有效件数 does not follow last year's + 本年制发 − 本年废止.
- DUPLICATE_REPORT: another body published exactly the same numbers and
  near-identical text — the copy-paste reports the system is known for. Text
  is compared without the agencies' names, digits and punctuation (what a
  copier changes); when a text is unknown the numbers alone decide. A report
  with few non-zero numbers is never called a copy: many small bodies truly
  report all zeros.
- Coverage (``coverage``): every expected body-year, present or why not.

**How it scales.** Nothing here compares every report with every other. The
checks start from each report's metadata and fingerprints (see
``similarity``), computed once when the report was written; a body's series
and a body-year's copies are dictionaries away; DUPLICATE_REPORT looks only
inside groups of reports with the same numbers, and inside a group only at
texts sharing a band of their MinHash signatures. Values are read from the
dataset only for the few cells a check compares. Each duplicate is named to
one other report of its group (with how many more there are), so the findings
grow with the reports, not with their pairs.

**How files are matched to bodies.** See ``bodies``. The files of one crawled
page (the page, when it holds the tables, and the PDF or DOCX it links) are
one body's copies of one report: they all belong to the page's body (or, when
the page is not a report, the first attachment's) whatever names they print.
A file whose agency is not found belongs to the body of the crawl seed it came
from, when it came from one.
"""
from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from .bodies import BodyIdentity, BodyMatcher, canonical_name, region_text, resolve_listed, region_key
from .copies import choose_primaries, copy_conflicts
from .coverage import Gap, coverage_rows, expected_bodies
from .dataset import BodyRow, CrossFinding, CrossResult, Dataset, ReportFacts
from .errors import DatasetError
from .metadata import title_year
from .record import Finding
from .similarity import bands, signature_similarity
from .template import CARRY_OVER, IN_FORCE, column_label, table_spec

__all__ = [
    "CrossSettings",
    "carry_mismatches",
    "crosscheck",
    "duplicate_reports",
    "in_force_drifts",
    "read_csv_rows",
    "remember_options",
    "report_bodies",
]

#: The cells the year-to-year checks compare.
_CARRY_KEYS = tuple((CARRY_OVER.table, f"{row}.{c.key}") for row in (CARRY_OVER.row, CARRY_OVER.previous_row)
                    for c in table_spec(CARRY_OVER.table).columns)
_DRIFT_KEYS = tuple((IN_FORCE.table, f"{row}.{column}") for row in IN_FORCE.rows
                    for column in (IN_FORCE.stock, IN_FORCE.added, IN_FORCE.removed))

Tables = Mapping[str, Mapping[str, float | int | None]]
#: How the duplicate check reads texts' signatures: report ids -> report -> signature (None: no text).
Signatures = Callable[[Iterable[str]], Mapping[str, bytes | None]]
#: Year pairs whose cells are read from the dataset at once: bounds the memory of the year-to-year checks.
_PAIRS_AT_ONCE = 20_000


@dataclass(frozen=True, slots=True)
class CrossSettings:
    """What a build was told about coverage and bodies, and the copy thresholds.

    ``mapping_csv``, ``bodies_csv`` and ``years``, when given, replace what
    the dataset remembers from earlier builds; when not given, the remembered
    ones hold. ``forget`` drops the remembered ones first.
    """

    mapping_csv: str | None = None
    bodies_csv: str | None = None
    years: tuple[int, ...] = ()
    forget: bool = False
    duplicate_min_nonzero: int = 8
    duplicate_min_similarity: float = 0.8


def read_csv_rows(path: str, required: set[str]) -> list[dict[str, str]]:
    """A CSV's rows (UTF-8, with or without BOM), or a DatasetError naming the file and the columns it lacks."""
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            rows = list(csv.DictReader(handle))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise DatasetError(f"cannot read CSV: {exc}", path) from exc
    columns = set(rows[0]) if rows else required
    if not required <= columns:
        raise DatasetError(f"CSV lacks column(s) {', '.join(sorted(required - columns))}", path)
    return rows


def remember_options(dataset: Dataset, settings: CrossSettings) -> None:
    """Store what this build was told (bodies list, mapping, years) for this and later builds."""
    if settings.forget:
        for name in ("bodies", "mapping"):
            dataset.set_option_rows(name, [])
        dataset.set_option("years", None)
    if settings.mapping_csv:
        dataset.set_option_rows("mapping", read_csv_rows(settings.mapping_csv, {"agency", "body"}))
    if settings.bodies_csv:
        dataset.set_option_rows("bodies", read_csv_rows(settings.bodies_csv, {"agency"}))
    if settings.years:
        dataset.set_option("years", ",".join(map(str, settings.years)))


# --- Bodies -----------------------------------------------------------------------

def _page_of(report: ReportFacts) -> str:
    """What the files of one crawled page share: the page's URL (a file from no crawl is alone)."""
    return report.parent_url or report.url or report.report_id


def seed_identity(report: ReportFacts, matcher: BodyMatcher) -> BodyIdentity | None:
    """The body of the crawl seed a file came from, if it came from one."""
    crawl = report.crawl
    return matcher.identify(crawl.body, region_key(crawl.body, crawl.region or "")) if crawl.body else None


def report_bodies(reports: Sequence[ReportFacts], matcher: BodyMatcher) -> dict[str, BodyIdentity]:
    """The body of each report: the one of its crawled page's files that names one, the page first;
    the crawl seed's for a page none of whose files names its agency."""
    shared: dict[str, BodyIdentity] = {}
    for report in sorted(reports, key=lambda r: r.parent_url is not None):
        identity = matcher.identify(report.agency, region_text(report.region))
        if identity is not None:
            shared.setdefault(_page_of(report), identity)
    for report in reports:
        if _page_of(report) not in shared and (identity := seed_identity(report, matcher)) is not None:
            shared[_page_of(report)] = identity
    return {r.report_id: identity for r in reports if (identity := shared.get(_page_of(r))) is not None}


def _body_rows(reports: Sequence[ReportFacts], identities: Mapping[str, BodyIdentity],
               extra: Iterable[tuple[BodyIdentity, str | None, bool]]) -> list[BodyRow]:
    """The ``bodies`` table: each body with the names its reports printed; bodies expected without reports."""
    names: dict[str, set[str]] = defaultdict(set)
    counts: dict[str, int] = defaultdict(int)
    first: dict[str, BodyIdentity] = {}
    for report in reports:
        identity = identities.get(report.report_id)
        if identity is None:
            continue
        first.setdefault(identity.body, identity)
        counts[identity.body] += 1
        if report.agency:
            names[identity.body].add(report.agency)
    listed: set[str] = set()
    for identity, agency, is_listed in extra:
        first.setdefault(identity.body, identity)
        if agency:
            names[identity.body].add(agency)
        if is_listed:
            listed.add(identity.body)
    return [BodyRow(body, identity.name, identity.region, tuple(sorted(names[body])), identity.matched_by,
                    body in listed, counts[body]) for body, identity in sorted(first.items())]


# --- Year to year -------------------------------------------------------------------

def _consecutive(series: Mapping[str, Mapping[int, ReportFacts]]) -> list[tuple[ReportFacts, ReportFacts]]:
    """(last year's report, this year's report) for every body and every pair of consecutive years."""
    return [(by_year[year - 1], report) for by_year in series.values()
            for year, report in by_year.items() if year - 1 in by_year]


def carry_mismatches(pairs: Iterable[tuple[ReportFacts, ReportFacts]], values: Mapping[str, Tables]
                     ) -> list[CrossFinding]:
    """CARRY_MISMATCH, one per column whose carry-over does not match last year's carry-forward."""
    out = []
    for previous, report in pairs:
        now = values.get(report.report_id, {}).get(CARRY_OVER.table, {})
        before = values.get(previous.report_id, {}).get(CARRY_OVER.table, {})
        for column in table_spec(CARRY_OVER.table).columns:
            key, prev_key = f"{CARRY_OVER.row}.{column.key}", f"{CARRY_OVER.previous_row}.{column.key}"
            if now.get(key) is None or before.get(prev_key) is None or now[key] == before[prev_key]:
                continue
            message = (f"{column_label(CARRY_OVER.table, key)}为{now[key]}，但{previous.year}年报告"
                       f"{column_label(CARRY_OVER.table, prev_key)}为{before[prev_key]}")
            out.append(CrossFinding(report.report_id, Finding(CARRY_OVER.code, CARRY_OVER.table, (key,), message),
                                    previous.report_id))
    return out


def in_force_drifts(pairs: Iterable[tuple[ReportFacts, ReportFacts]], values: Mapping[str, Tables]
                    ) -> list[CrossFinding]:
    """IN_FORCE_DRIFT: 现行有效 ≠ last year's 现行有效 + 本年制发 − 本年废止 (2021 form)."""
    out = []
    for previous, report in pairs:
        now = values.get(report.report_id, {}).get(IN_FORCE.table, {})
        before = values.get(previous.report_id, {}).get(IN_FORCE.table, {})
        for row in IN_FORCE.rows:
            keys = (f"{row}.{IN_FORCE.stock}", f"{row}.{IN_FORCE.added}", f"{row}.{IN_FORCE.removed}")
            last, in_force, issued, repealed = before.get(keys[0]), *(now.get(k) for k in keys)
            if last is None or in_force is None or issued is None or repealed is None:
                continue
            if in_force == last + issued - repealed:
                continue
            label = [column_label(IN_FORCE.table, key) for key in keys]
            message = (f"{label[0]}为{in_force}，按{previous.year}年的{last} + {label[1]}{issued}"
                       f" − {label[2]}{repealed} 应为{last + issued - repealed}")
            out.append(CrossFinding(report.report_id, Finding(IN_FORCE.code, IN_FORCE.table, keys, message),
                                    previous.report_id))
    return out


# --- Copies between bodies ----------------------------------------------------------

class _Clusters:
    """Union-find over the reports of one group: which are one text."""

    def __init__(self, size: int) -> None:
        self.parent = list(range(size))

    def find(self, item: int) -> int:
        while self.parent[item] != item:
            self.parent[item] = self.parent[self.parent[item]]
            item = self.parent[item]
        return item

    def union(self, a: int, b: int) -> None:
        self.parent[self.find(a)] = self.find(b)


def _text_clusters(group: Sequence[ReportFacts], signatures: Mapping[str, bytes | None],
                   min_similarity: float) -> list[list[int]]:
    """The reports of a same-numbers group clustered by text: texts sharing a signature band and alike
    enough are one cluster; reports without a text join the first cluster (their numbers alone decide)."""
    clusters = _Clusters(len(group))
    first_in_band: dict[bytes, int] = {}
    for i, report in enumerate(group):
        signature = signatures.get(report.report_id)
        if signature is None:
            clusters.union(i, 0)
            continue
        for band in bands(signature):
            j = first_in_band.setdefault(band, i)
            if j != i and clusters.find(i) != clusters.find(j) and signature_similarity(
                    signature, signatures.get(group[j].report_id) or b"") >= min_similarity:
                clusters.union(i, j)
    members: dict[int, list[int]] = defaultdict(list)
    for i in range(len(group)):
        members[clusters.find(i)].append(i)
    return list(members.values())


def duplicate_reports(reports: Iterable[ReportFacts], bodies: Mapping[str, str], signatures: Signatures,
                      min_nonzero: int, min_similarity: float) -> list[CrossFinding]:
    """DUPLICATE_REPORT on each report whose numbers and text another body's report shares; it names
    the first such report of its cluster and counts the others. Only the texts of reports that share
    their numbers with another body's are read."""
    groups: dict[str, list[ReportFacts]] = defaultdict(list)
    for report in reports:
        if report.numbers_hash and bodies.get(report.report_id) and report.nonzero >= min_nonzero:
            groups[report.numbers_hash].append(report)
    shared = [group for group in groups.values() if len({bodies[r.report_id] for r in group}) > 1]
    texts = signatures(r.report_id for group in shared for r in group)
    out = []
    for group in shared:
        for cluster in _text_clusters(group, texts, min_similarity):
            out += _cluster_findings([group[i] for i in cluster], bodies, texts)
    return out


def _cluster_findings(members: Sequence[ReportFacts], bodies: Mapping[str, str],
                      signatures: Mapping[str, bytes | None]) -> list[CrossFinding]:
    """One finding per member that another body's member shares: it names the cluster's first such."""
    per_body: dict[str, int] = defaultdict(int)
    for report in members:
        per_body[bodies[report.report_id]] += 1
    first = members[0]
    first_other = next((r for r in members if bodies[r.report_id] != bodies[first.report_id]), None)
    out = []
    for report in members:
        other = first if bodies[report.report_id] != bodies[first.report_id] else first_other
        if other is None:
            continue
        mine, theirs = signatures.get(report.report_id), signatures.get(other.report_id)
        similarity = signature_similarity(mine, theirs) if mine and theirs else None
        text = "正文未能比对" if similarity is None else f"正文相似度{similarity:.0%}"
        others = len(members) - per_body[bodies[report.report_id]]
        more = f"；另有{others - 1}份其他机关的报告相同" if others > 1 else ""
        message = (f"与{other.agency}（{region_text(other.region) or '地区不详'}）{other.year}年报告的"
                   f"{report.filled}个数值完全相同，{text}{more}")
        out.append(CrossFinding(report.report_id, Finding("DUPLICATE_REPORT", None, (), message), other.report_id))
    return out


# --- Everything -----------------------------------------------------------------------

def _year_to_year(dataset: Dataset, pairs: Sequence[tuple[ReportFacts, ReportFacts]]) -> list[CrossFinding]:
    """CARRY_MISMATCH and IN_FORCE_DRIFT over every pair of consecutive years, a slice of pairs at a time."""
    out = []
    for start in range(0, len(pairs), _PAIRS_AT_ONCE):
        chunk = pairs[start:start + _PAIRS_AT_ONCE]
        values = dataset.values_of({r.report_id for pair in chunk for r in pair}, _CARRY_KEYS + _DRIFT_KEYS)
        out += carry_mismatches(chunk, values) + in_force_drifts(chunk, values)
    return out


def _years(dataset: Dataset, present: Iterable[int]) -> tuple[int, ...]:
    stored = dataset.option("years")
    if stored:
        return tuple(int(y) for y in stored.split(","))
    seen = sorted(set(present))
    return tuple(range(seen[0], seen[-1] + 1)) if seen else ()


def _gaps(failed: Iterable[ReportFacts], dataset: Dataset, matcher: BodyMatcher
          ) -> tuple[list[Gap], dict[str, BodyIdentity]]:
    """What explains a missing body-year: files that failed to parse and URLs the crawl could not fetch,
    tied to their seed's body; and those bodies."""
    gaps, crawled = [], {}
    for report in failed:
        identity = seed_identity(report, matcher)
        if identity is not None:
            crawled[identity.body] = identity
            gaps.append(Gap(identity.body, title_year(report.crawl.title), "failed", f"{report.error}（{report.path}）"))
    for body, region, url, year, kind, outcome, reason in dataset.crawl_failures():
        identity = matcher.identify(body, region_key(body or "", region or ""))
        if identity is not None:
            crawled[identity.body] = identity
            gaps.append(Gap(identity.body, year, "not_fetched", f"{outcome}（{kind}）{reason.strip()} {url}".strip()))
    return gaps, crawled


def crosscheck(dataset: Dataset, settings: CrossSettings | None = None) -> CrossResult:
    """Every check across reports over the dataset, with the options it remembers."""
    settings = settings or CrossSettings()
    facts = dataset.report_facts()
    matcher = BodyMatcher.from_rows(dataset.option_rows("mapping"))
    reports = [f for f in facts if f.status == "ok"]
    identities = report_bodies(reports, matcher)
    bodies = {report_id: identity.body for report_id, identity in identities.items()}
    groups: dict[object, list[ReportFacts]] = defaultdict(list)
    for report in reports:
        body = bodies.get(report.report_id)
        groups[(body, report.year) if body and report.year is not None else report.report_id].append(report)
    assignments, primaries = choose_primaries(groups, bodies)
    series: dict[str, dict[int, ReportFacts]] = defaultdict(dict)
    for key, primary in primaries.items():
        if isinstance(key, tuple):
            series[key[0]][key[1]] = primary
    findings = (copy_conflicts(groups, primaries, dataset.values_of) + _year_to_year(dataset, _consecutive(series))
                + duplicate_reports(primaries.values(), bodies, dataset.signatures_of, settings.duplicate_min_nonzero,
                                    settings.duplicate_min_similarity))
    listed = resolve_listed(dataset.option_rows("bodies"), matcher, identities)
    gaps, crawled = _gaps([f for f in facts if f.status == "failed"], dataset, matcher)
    latest = {body: by_year[max(by_year)].agency for body, by_year in series.items()}
    years = _years(dataset, (year for by_year in series.values() for year in by_year))
    expected = expected_bodies(listed, crawled, series, latest, years)
    extra = [(BodyIdentity(b.body, canonical_name(b.agency, b.region), b.region, b.matched_by), b.agency, True)
             for b in listed] + [(identity, None, False) for identity in crawled.values()]
    return CrossResult(assignments, _body_rows(reports, identities, extra), findings,
                       coverage_rows(expected, series, gaps))
