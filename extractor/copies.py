"""One report per body and year: copies grouped, one primary, disagreements named.

Sites publish one report several times: a page and its PDF, a PDF and a DOCX,
a re-post. Counted as they come, a body's year would count twice in every sum.
So all the files of one body-year are copies of its one report, and one of
them is **primary**, the file ``reports_wide``, the exports and the review show;
the others keep ``copy_of`` naming it. The primary is, in this order:

1. read from a text layer rather than by OCR (OCR can misread a digit);
2. one of the copies that agree with the most others (same numbers);
3. the most complete (most filled cells), then the one with fewest errors;
4. the first by path (so that every build picks the same).

When two copies disagree on a value both print, the primary carries a
COPY_CONFLICT finding naming the cells, its value and the copy's.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import PurePath

from .dataset import Assignment, CrossFinding, ReportFacts
from .record import Finding
from .template import column_label

__all__ = ["Values", "choose_primaries", "copy_conflicts"]

#: How the checks ask for values: report ids -> report -> table -> key -> value.
Values = Callable[[Iterable[str]], Mapping[str, Mapping[str, Mapping[str, float | int | None]]]]
#: Cells a COPY_CONFLICT message spells out before "等N处".
_SHOWN = 3


def _rank(report: ReportFacts, agreeing: Counter[str | None]) -> tuple[object, ...]:
    return (report.ocr, -agreeing[report.numbers_hash], -report.filled, report.errors, report.path)


def choose_primaries(groups: Mapping[object, Sequence[ReportFacts]], bodies: Mapping[str, str]
                     ) -> tuple[list[Assignment], dict[object, ReportFacts]]:
    """Each group's primary and every file's assignment (body, primary or copy of which)."""
    assignments: list[Assignment] = []
    primaries: dict[object, ReportFacts] = {}
    for group_key, reports in groups.items():
        agreeing = Counter(r.numbers_hash for r in reports)
        primary = min(reports, key=lambda r: _rank(r, agreeing))
        primaries[group_key] = primary
        for report in reports:
            is_primary = report is primary
            assignments.append(Assignment(report.report_id, bodies.get(report.report_id), is_primary,
                                          None if is_primary else primary.report_id))
    return assignments, primaries


def copy_conflicts(groups: Mapping[object, Sequence[ReportFacts]], primaries: Mapping[object, ReportFacts],
                   values: Values) -> list[CrossFinding]:
    """COPY_CONFLICT on a primary, one per copy and table whose printed values differ from its own.

    Only groups whose copies' numbers differ are read from the dataset.
    """
    disputed = {key: [r for r in reports if r.numbers_hash != primaries[key].numbers_hash]
                for key, reports in groups.items() if len(reports) > 1}
    disputed = {key: copies for key, copies in disputed.items() if copies}
    held = values([r.report_id for key, copies in disputed.items() for r in (primaries[key], *copies)])
    out = []
    for key, copies in disputed.items():
        primary = primaries[key]
        for copy in copies:
            out += _conflicts(primary, copy, held.get(primary.report_id, {}), held.get(copy.report_id, {}))
    return out


def _conflicts(primary: ReportFacts, copy: ReportFacts, mine: Mapping[str, Mapping[str, float | int | None]],
               theirs: Mapping[str, Mapping[str, float | int | None]]) -> list[CrossFinding]:
    out = []
    for table, cells in mine.items():
        other = theirs.get(table, {})
        keys = tuple(k for k, v in cells.items() if v is not None and other.get(k) is not None and other[k] != v)
        if not keys:
            continue
        shown = "；".join(f"{column_label(table, k)}：本文件{cells[k]}，该文件{other[k]}" for k in keys[:_SHOWN])
        more = f"等{len(keys)}处" if len(keys) > _SHOWN else ""
        message = f"同一机关同一年度的另一文件（{PurePath(copy.path).name}）数值不同：{shown}{more}"
        out.append(CrossFinding(primary.report_id, Finding("COPY_CONFLICT", table, keys, message), copy.report_id))
    return out
