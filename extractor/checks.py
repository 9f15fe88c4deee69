"""Within-report checks: what one report's own numbers and text say is wrong with it.

Every finding code of ``spec/record.md`` that needs only the report itself is
computed here (the dataset adds the ones that compare years and bodies). The
arithmetic comes from :func:`extractor.template.relations`, the labels in the
messages from the template: nothing here restates the form.

A check never guesses. A blank cell reads as 0 in a sum, but a sum whose total
or whose every part was left blank is TOTAL_BLANK (the form was not filled in),
not a sum error; and the narrative is compared with the tables only where its
sentence is unmistakably about the table's figure.
"""
from __future__ import annotations

import re
from collections.abc import KeysView
from dataclasses import dataclass
from functools import cache
from operator import attrgetter
from typing import TYPE_CHECKING, Callable, Iterator

from .document import Document
from .metadata import Metadata
from .record import Finding, Record, Value
from .template import (
    REQUEST_COLUMNS,
    REQUEST_ROWS,
    TABLE_IDS,
    TABLES,
    TEMPLATES,
    Relation,
    cell_sum,
    column_label,
    due_template,
    expected_keys,
    first_year,
    row_label,
    table_relations,
)
from .settle import is_unsure
from .text import compact

if TYPE_CHECKING:
    from .locate import Located
    from .trace import Nearest

__all__ = ["check", "FIRST_2021_YEAR", "LOW_CONFIDENCE", "NarrativeClaim", "NARRATIVE_CLAIMS"]

#: The first report year that must use the 2021 form (国办公开办函〔2021〕30号).
FIRST_2021_YEAR = first_year("2021")
#: How many cells a message naming many (CELL_BLANK, OCR_LOW_CONFIDENCE) names before "等".
_NAMED_CELLS = 5
#: A sum of at most this many cells is shown in full, in the order of its description.
_TERMS_IN_ORDER = 4
#: A value OCR read with less confidence than this (0–1) is named by OCR_LOW_CONFIDENCE. Such a value was
#: still accepted (a second reading agreed), but a reviewer should look at the scan.
LOW_CONFIDENCE = 0.9


def check(record: Record, document: Document, metadata: Metadata, located: Located | None = None
          ) -> list[Finding]:
    """Every within-report finding, table by table, then the report as a whole.

    ``located``, the locator's result, lets a missing table or row name the
    printed text that came nearest to it.
    """
    return [
        *_missing_tables(record, located),
        *_missing_rows(record, located),
        *_blank_cells(record),
        *_merged_cells(record),
        *_unreadable_cells(record),
        *_settled_cells(record),
        *_low_confidence(record, located),
        *_arithmetic(record),
        *_template_outdated(record, metadata),
        *_year_mismatch(metadata),
        *_narrative(record, document, metadata),
    ]


# --- Completeness -----------------------------------------------------------------

def _missing_tables(record: Record, located: Located | None) -> Iterator[Finding]:
    for spec in TABLES:
        if spec.id not in record.tables:
            nearest = located.missing.get(spec.id) if located else None
            yield Finding("TABLE_MISSING", spec.id, (), f"未找到表格“{spec.heading}”{_nearest(nearest, '标题')}")


def _nearest(nearest: Nearest | None, what: str) -> str:
    """"（最接近的标题：paragraph 5“…”，相似度 62）": what came closest to what was not found."""
    if nearest is None:
        return ""
    return f"（最接近的{what}：{nearest.where}“{nearest.text}”，相似度 {nearest.score:.0f}）"


#: Requests rows that one row of the form may stand for (（六）其他处理).
_ONE_ROW_VARIANTS = tuple(row for row in REQUEST_ROWS if row.replaces)


def _split_other(present: KeysView[str]) -> bool | None:
    """Whether （六）其他处理 is printed as its sub-rows (True), one row (False), or neither."""
    for row in _ONE_ROW_VARIANTS:
        if not _request_row_keys(row.replaces).isdisjoint(present):
            return True
        if not _request_row_keys((row.key,)).isdisjoint(present):
            return False
    return None


@cache
def _request_row_keys(rows: tuple[str, ...]) -> frozenset[str]:
    """The keys of the requests table's cells in these rows (cached: asked for every report)."""
    return frozenset(f"{row}.{c.key}" for row in rows for c in REQUEST_COLUMNS)


def _missing_rows(record: Record, located: Located | None) -> Iterator[Finding]:
    if record.template not in TEMPLATES:
        return
    for table in TABLE_IDS:
        if table not in record.tables:
            continue
        present = record.tables[table].keys()
        missing: dict[str, list[str]] = {}
        for key in [k for k in expected_keys(table, record.template, _split_other(present)) if k not in present]:
            missing.setdefault(key.rpartition(".")[0], []).append(key)
        for row, keys in missing.items():
            nearest = _nearest(located.nearest_row(table, row), "标签") if located else ""
            message = f"未找到“{row_label(table, row)}”行（{len(keys)} 个单元格）{nearest}"
            yield Finding("ROW_MISSING", table, tuple(keys), message)


def _is_blank_raw(raw: str) -> bool:
    return not raw.strip()


def _blank_cells(record: Record) -> Iterator[Finding]:
    """One finding per table, naming its blank cells: a user reads one line, not forty."""
    for table, values in record.tables.items():
        provenance = record.provenance.get(table, {})
        blank = [k for k, v in values.items()
                 if v is None and (k not in provenance or _is_blank_raw(provenance[k].raw))]
        if blank:
            named = _first_named([column_label(table, k) for k in blank[:_NAMED_CELLS]], len(blank))
            yield Finding("CELL_BLANK", table, tuple(blank), f"空白单元格（按未填写处理）：{named}")


def _first_named(first: list[str], count: int) -> str:
    """The first cells of ``count`` named, "等 N 个" after them when there are more: a user reads one line."""
    return "、".join(first) + (f"等 {count} 个" if count > len(first) else "")


def _merged_cells(record: Record) -> Iterator[Finding]:
    """A value cell merged down over several rows is read for each: when it is not 0, the report
    may have meant it for the rows together, so the cells that share it are named (CELL_MERGED)."""
    for table, provenance in record.provenance.items():
        if len(set(map(_WHERE, provenance.values()))) == len(provenance):
            continue
        sharing: dict[str, list[str]] = {}
        for key, prov in provenance.items():
            sharing.setdefault(prov.where, []).append(key)
        for where, keys in sharing.items():
            value = record.tables[table].get(keys[0])
            if len(keys) > 1 and value:
                named = "、".join(column_label(table, k) for k in keys)
                yield Finding("CELL_MERGED", table, tuple(keys),
                              f"合并单元格（{where}）的值 {_fmt(value)} 按所跨各行分别计入：{named}")


#: A provenance's place, read in C: most reports read every value from a cell of its own.
_WHERE = attrgetter("where")


def _unreadable_cells(record: Record) -> Iterator[Finding]:
    for table, values in record.tables.items():
        for key, prov in record.provenance.get(table, {}).items():
            if values.get(key) is None and not _is_blank_raw(prov.raw):
                yield Finding("CELL_UNREADABLE", table, (key,),
                              f"“{column_label(table, key)}”单元格内容“{prov.raw.strip()}”不是数字（{prov.where}）")


def _settled_cells(record: Record) -> Iterator[Finding]:
    """OCR_SETTLED: a cell OCR read two ways whose one reading the sums it is in settled (:mod:`.settle`)."""
    for table, values in record.tables.items():
        for key, prov in record.provenance.get(table, {}).items():
            if values.get(key) is not None and is_unsure(prov.raw):
                yield Finding("OCR_SETTLED", table, (key,),
                              f"“{column_label(table, key)}”识别为“{prov.raw.strip()}”，取 {_fmt(values[key])}："
                              f"所在的勾稽关系只在此值下成立（{prov.where}），请对照原件核对")


def _low_confidence(record: Record, located: Located | None) -> Iterator[Finding]:
    """One finding per table naming the values OCR read and accepted with low confidence, with how sure the
    recogniser was of each; a cell not read as a number is CELL_UNREADABLE already."""
    for table, confidence in (located.confidence if located else {}).items():
        values = record.tables.get(table, {})
        low = [k for k, v in values.items() if v is not None and confidence.get(k, LOW_CONFIDENCE) < LOW_CONFIDENCE]
        if low:
            least = sorted(low, key=confidence.__getitem__)[:_NAMED_CELLS]
            named = _first_named([f"{column_label(table, k)}（{_fmt(values[k])}，置信度 {confidence[k]:.2f}）"
                                  for k in least], len(low))
            yield Finding("OCR_LOW_CONFIDENCE", table, tuple(low),
                          f"以下数值识别置信度低于 {LOW_CONFIDENCE}，请对照原件核对：{named}")


# --- Arithmetic (勾稽关系) -----------------------------------------------------------

def _arithmetic(record: Record) -> Iterator[Finding]:
    for table in TABLE_IDS:
        values = record.tables.get(table)
        if not values:
            continue
        for relation in table_relations(table, frozenset(values)):
            finding = _relation_finding(relation, values)
            if finding:
                yield finding


def _relation_finding(relation: Relation, values: dict[str, Value]) -> Finding | None:
    """What a relation says is wrong, if anything (a function, not a generator: ~40 run per report)."""
    if relation.is_total:
        blank = _total_blank(values.get(relation.left[0]), [values.get(k) for k in relation.right])
        if blank:
            return Finding("TOTAL_BLANK", relation.table, _cells(relation), f"{relation.description}；{blank}，无法核对")
    return None if relation.holds(values) else _unequal(relation, values)


def _cells(relation: Relation) -> tuple[str, ...]:
    return (*relation.left, *relation.right)


def _unequal(relation: Relation, values: dict[str, Value]) -> Finding:
    """The finding of a relation whose sides differ, with both sides' numbers."""
    keys = _cells(relation)
    label = _label_within(relation.table, keys)
    left, right = _terms(values, relation.left, label), _terms(values, relation.right, label)
    return Finding(relation.code, relation.table, keys, f"{relation.description}；实际 {left}，{right}，不相等")


def _total_blank(total: Value, parts: list[Value]) -> str | None:
    """Why a total cannot be checked because the form was left unfilled, or None if it can."""
    if total is None and any(p not in (None, 0) for p in parts):
        return f"总计空白，而各项之和为 {_fmt(sum(p or 0 for p in parts))}"
    if total not in (None, 0) and all(p is None for p in parts):
        return f"总计为 {_fmt(total)}，而各项均空白"
    return None


def _label_within(table: str, keys: tuple[str, ...]) -> Callable[[str], str]:
    """How to name a cell in a message: by its row alone when all the cells share one column."""
    if len({k.rpartition(".")[2] for k in keys}) == 1:
        return lambda key: row_label(table, key.rpartition(".")[0])
    return lambda key: column_label(table, key)


def _terms(values: dict[str, Value], keys: tuple[str, ...], label: Callable[[str], str]) -> str:
    """One side of a relation with its numbers, blank read as 0.

    A short side ("3 + 1 = 4") lines up with the relation's description; a
    long one (the twenty result rows) names only its non-zero cells.
    """
    if len(keys) == 1:
        return _labelled(values, keys, label)
    if len(keys) > _TERMS_IN_ORDER:
        return _labelled(values, tuple(k for k in keys if values.get(k)), label) or "0"
    return f"{' + '.join(_fmt(values.get(k) or 0) for k in keys)} = {_fmt(cell_sum(values, keys))}"


def _labelled(values: dict[str, Value], keys: tuple[str, ...], label: Callable[[str], str]) -> str:
    """"（一）予以公开 6 + … = 26": cells with their labels, and their sum if several."""
    terms = " + ".join(f"{label(k)} {_fmt(values.get(k) or 0)}" for k in keys)
    return terms if len(keys) <= 1 else f"{terms} = {_fmt(cell_sum(values, keys))}"


def _fmt(number: int | float) -> str:
    return f"{number:g}" if isinstance(number, float) else str(number)


# --- The report as a whole ------------------------------------------------------------

def _template_outdated(record: Record, metadata: Metadata) -> Iterator[Finding]:
    due = due_template(record.template, metadata.year)
    if due is not None:
        yield Finding("TEMPLATE_OUTDATED", None, (), f"{metadata.year} 年度报告仍使用 {record.template} 年版表格"
                                                     f"（{first_year(due)} 年起应使用 {due} 年版）")


def _year_mismatch(metadata: Metadata) -> Iterator[Finding]:
    if metadata.title_year is not None and metadata.year is not None and metadata.title_year != metadata.year:
        yield Finding("YEAR_MISMATCH", None, (),
                      f"标题年份 {metadata.title_year} 与统计年度 {metadata.year} 不一致")


# --- Narrative against tables -------------------------------------------------------

@dataclass(frozen=True)
class NarrativeClaim:
    """A figure the narrative states and the table cells it may stand for.

    ``pattern`` captures the number; it is only trusted in a clause that
    contains ``context``. ``readings`` are the sums of cells the figure may
    mean (a report may count carried-over applications among those received):
    the narrative contradicts the table only when it matches none of them.
    """

    table: str
    pattern: re.Pattern[str]
    context: str
    readings: tuple[tuple[str, ...], ...]


_COUNT = r"(?:共|共计|合计|总计)?(\d+)(?:件|起)"
NARRATIVE_CLAIMS: tuple[NarrativeClaim, ...] = (
    NarrativeClaim(
        "requests",
        re.compile(r"(?:收到|受理|新收|接收|接到)了?(?:各类)?(?:(?:政府)?信息公开申请|依申请公开(?:申请)?|申请)" + _COUNT),
        "申请",
        (("new_received.total",), ("new_received.total", "carried_over.total")),
    ),
    NarrativeClaim(
        "appeals",
        re.compile(r"行政复议(?:案件|申请)?" + _COUNT),
        "信息公开",
        (("review.total",),),
    ),
    NarrativeClaim(
        "appeals",
        re.compile(r"行政诉讼(?:案件)?" + _COUNT),
        "信息公开",
        (("litigation_direct.total", "litigation_after_review.total"), ("litigation_direct.total",)),
    ),
)
#: The marks that end a clause in NFKC text.
_CLAUSE_ENDS = ",。;!?"
#: Any claim's context: most clauses hold none, and one search in C passes them by ...
_ANY_CONTEXT = re.compile("|".join(re.escape(c) for c in dict.fromkeys(claim.context for claim in NARRATIVE_CLAIMS)))
#: ... and of the rest, most state no figure a claim reads.
_ANY_FIGURE = re.compile("|".join(f"(?:{claim.pattern.pattern})" for claim in NARRATIVE_CLAIMS))
#: A clause joining review and litigation counts them together: its figure is neither.
_JOINED = re.compile(r"行政复议(?:和|及|与|、|或|或者)(?:提起)?行政诉讼|行政诉讼(?:和|及|与|、|或|或者)行政复议")
#: Words that move a clause away from this report's year and scope.
_OTHER_SCOPE = re.compile(r"上年|去年|同比|较|其中")
_YEAR = re.compile(r"(?:19|20)\d{2}(?=年)")


def _narrative(record: Record, document: Document, metadata: Metadata) -> Iterator[Finding]:
    for clause in filter(_ANY_FIGURE.search, filter(_ANY_CONTEXT.search, _clauses(document.text))):
        claims = [claim for claim in NARRATIVE_CLAIMS if claim.context in clause]
        if not claims or _JOINED.search(clause) or not _same_year(clause, metadata.year):
            continue
        for claim in claims:
            yield from _claim_findings(claim, clause, record.tables.get(claim.table, {}))


def _clauses(text: str) -> list[str]:
    """The text cut at clause punctuation (NFKC makes "，；" ",;"), whitespace removed (before cutting: one pass).

    Every mark becomes the first and ``str.split`` cuts there: plain string
    scans, several times cheaper than splitting on a regular expression.
    """
    text = compact(text)
    for mark in _CLAUSE_ENDS[1:]:
        text = text.replace(mark, _CLAUSE_ENDS[0])
    return text.split(_CLAUSE_ENDS[0])


def _same_year(clause: str, year: int | None) -> bool:
    return all(year is not None and int(y) == year for y in _YEAR.findall(clause))


def _claim_findings(claim: NarrativeClaim, clause: str, values: dict[str, Value]) -> Iterator[Finding]:
    """The findings of one claim in a clause that holds the claim's context."""
    for match in claim.pattern.finditer(clause):
        if _OTHER_SCOPE.search(clause[: match.start()]):
            continue
        stated = int(match.group(1))
        readings = [r for r in claim.readings if all(values.get(k) is not None for k in r)]
        if not readings or any(cell_sum(values, r) == stated for r in readings):
            continue
        keys = tuple(dict.fromkeys(k for r in readings for k in r))
        message = _narrative_message(claim.table, match[0], stated, readings, values)
        yield Finding("NARRATIVE_MISMATCH", claim.table, keys, message)


def _narrative_message(table: str, quoted: str, stated: int, readings: list[tuple[str, ...]],
                       values: dict[str, Value]) -> str:
    tabled = "，或".join(_labelled(values, r, lambda key: column_label(table, key)) for r in readings)
    return f"正文称“{quoted}”（{stated}），而表中为 {tabled}，不相等"

