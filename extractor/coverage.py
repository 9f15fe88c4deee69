"""Coverage: for every body-year a report is expected for, what became of it.

A body-year is expected when the body is on the bodies list (``listed``, over
the dataset's years), when a crawl was sent to its site (``crawled``: a seed
with something the crawl could not fetch or a build could not parse), or, for
the other bodies with reports, from their first report's year on
(``inferred``). Each expected body-year is:

- ``present``: its primary report is in the dataset;
- ``failed``: a file of it was found but could not be parsed (the reason in
  ``detail``);
- ``not_fetched``: the crawl met it but could not fetch it — blocked (HTTP
  521/412), 404, robots.txt, too large — (the outcome in ``detail``);
- ``not_published``: nothing was found: as far as xxgk can tell, the body did
  not publish it.

Crawl outcomes and failed files are tied to a body by the seed they came from
and to a year by their title; one without a year in its title stands for
every year its body lacks, since it may be any of them.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from .bodies import BodyIdentity, ListedBody, region_text
from .dataset import CoverageRow, ReportFacts

__all__ = ["STATUS_LABELS", "Expected", "Gap", "coverage_rows", "expected_bodies"]

#: Each coverage status as a reviewer reads it.
STATUS_LABELS: dict[str, str] = {"present": "已发布", "not_published": "未发布", "not_fetched": "未能下载",
                                 "failed": "解析失败"}


@dataclass(frozen=True, slots=True)
class Expected:
    """A body a report is expected from each year in ``years``, and why (``basis``)."""

    body: str
    agency: str | None
    region: str
    basis: str
    years: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Gap:
    """Something found for a body-year (``year`` None: any year) that explains a missing report."""

    body: str
    year: int | None
    status: str
    detail: str


def expected_bodies(listed: Sequence[ListedBody], crawled: Mapping[str, BodyIdentity],
                    present: Mapping[str, Mapping[int, ReportFacts]], agencies: Mapping[str, str | None],
                    years: Sequence[int]) -> list[Expected]:
    """Every body reports are expected from, each once: listed first, then crawled, then inferred."""
    out: dict[str, Expected] = {}
    for body in listed:
        out.setdefault(body.body, Expected(body.body, body.agency, body.region, "listed", tuple(years)))
    for body, identity in crawled.items():
        out.setdefault(body, Expected(body, agencies.get(body) or identity.name, identity.region, "crawled",
                                      tuple(years)))
    last = max(years, default=None)
    for body, by_year in present.items():
        if body in out or last is None:
            continue
        sample = next(iter(by_year.values()))
        out[body] = Expected(body, agencies.get(body), region_text(sample.region), "inferred",
                             tuple(range(min(by_year), last + 1)))
    return list(out.values())


def coverage_rows(expected: Iterable[Expected], present: Mapping[str, Mapping[int, ReportFacts]],
                  gaps: Iterable[Gap]) -> list[CoverageRow]:
    """One row per expected body-year: present, failed, not fetched or not published."""
    found: dict[tuple[str, int | None], list[Gap]] = defaultdict(list)
    for gap in gaps:
        found[gap.body, gap.year].append(gap)
    rows = []
    for body in sorted(expected, key=lambda e: e.body):
        for year in body.years:
            report = present.get(body.body, {}).get(year)
            if report is not None:
                rows.append(CoverageRow(body.body, body.agency, body.region, year, "present", body.basis,
                                        report.report_id))
                continue
            explained = found.get((body.body, year)) or found.get((body.body, None)) or []
            status = min((g.status for g in explained), key=_STATUS_ORDER.index, default="not_published")
            detail = "；".join(g.detail for g in explained if g.status == status) or None
            rows.append(CoverageRow(body.body, body.agency, body.region, year, status, body.basis, None, detail))
    return rows


#: When both happened, a file found but unreadable says more than a fetch that failed.
_STATUS_ORDER = ("failed", "not_fetched")
