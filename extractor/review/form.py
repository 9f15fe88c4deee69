"""One report's table laid out as the official form prints it, each cell telling its own story.

The rows, columns and labels come from ``template``: the active table in its
第二十条 blocks, the requests table with its group rows （三）…（六） under the
applicant columns, the appeals table as one row of fifteen under 行政复议 and
行政诉讼. Every row and column the report's template has is shown, so that a
cell the report left blank (hatched, "空白") reads differently from a 0 and from
a cell that was not found at all (dotted, "未找到"). A cell a finding names is
coloured by its severity and numbered after the finding, whose message the
page lists beside the table; hovering any cell gives its raw text and where in
the file it was read.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..template import (ACTIVE_HEADER_LABELS, APPEAL_GROUPS, APPEAL_HEADER_LABELS, APPEAL_RESULTS,
                        REQUEST_COLUMNS, REQUEST_HEADER_LABELS, TEMPLATES, active_blocks, column_heading,
                        column_label, form_request_rows, row_label, table_keys, unit_of)
from .locations import location_text
from .markup import Html, join, tag

__all__ = ["Flag", "Stored", "form_table", "number"]


@dataclass(frozen=True, slots=True)
class Stored:
    """A value as the dataset holds it, with its provenance."""

    value: float | None
    raw: str | None
    location: str | None
    label: str | None
    score: float | None
    note: str | None


@dataclass(frozen=True, slots=True)
class Flag:
    """A finding as a report page shows it: numbered on the page, so a cell can point to its message."""

    number: int
    code: str
    severity: str
    message: str
    #: the cells it names, the one it is about first (a total, the year's 上年结转): that one is marked
    #: strongest, the others as taking part in the check
    keys: tuple[str, ...] = ()


def number(value: float | None) -> str:
    """A value as the form prints it: whole numbers without a decimal point, amounts as they are."""
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _cell(table: str, key: str, values: Mapping[str, Stored], flags: Mapping[str, Sequence[Flag]],
          colspan: int | None = None) -> Html:
    """One value cell: its number, blank or not found; flagged cells coloured by their worst finding."""
    stored = values.get(key)
    marks = flags.get(key, ())
    classes = ["num"]
    if stored is None:
        classes.append("absent")
        content, tip = Html("未找到"), "报告中未找到此单元格"
    elif stored.value is None:
        classes.append("blank")
        content, tip = Html("空白"), f"空白（未填写，不是 0）；位置：{location_text(stored.location)}"
    else:
        content = Html(number(stored.value))
        tip = f"原文：{stored.raw or ''}；位置：{location_text(stored.location)}"
        if stored.note:
            tip += f"；说明：{stored.note}"
    if marks:
        leads = [m for m in marks if m.keys[:1] == (key,)]
        classes += ["flag", "error" if any(m.severity == "error" for m in marks) else "warning"]
        classes += ["lead"] if leads else []
        content = join([content, *(tag("a", tag("sup", m.number), href=f"#f{m.number}", class_="ref") for m in leads)])
        tip += "".join(f"\n[{m.number}] {m.message}" for m in marks)
    return tag("td", content, class_=" ".join(classes), title=f"{column_label(table, key)}\n{tip}", data_key=key,
               colspan=colspan)


def _template(template: str) -> str:
    return template if template in TEMPLATES else TEMPLATES[-1]


def form_table(table: str, template: str, values: Mapping[str, Stored], flags: Mapping[str, Sequence[Flag]]) -> Html:
    """The table of one report as the form lays it out (``values`` are this table's, by key)."""
    keys = set(table_keys(table, _template(template))) | set(values)
    if table == "active":
        return _active(keys, template, values, flags)
    if table == "requests":
        return _requests(keys, values, flags)
    return _appeals(values, flags)


def _active(keys: set[str], template: str, values: Mapping[str, Stored], flags: Mapping[str, Sequence[Flag]]) -> Html:
    """One block per 第二十条 item: its title row, its column headings, its rows; a block of fewer columns
    than the widest stretches its last one, as the form does."""
    blocks = active_blocks(keys, _template(template))
    width = max(len(block.columns) for block, _ in blocks)
    parts = []
    for block, rows in blocks:
        last = len(block.columns) - 1
        span = width - last if last < width - 1 else None
        parts.append(tag("tr", tag("th", block.item, colspan=width + 1, class_="block")))
        parts.append(tag("tr", join([tag("th", ACTIVE_HEADER_LABELS[0]), *(
            tag("th", _heading(rows[0], c), colspan=span if i == last else None)
            for i, c in enumerate(block.columns))])))
        parts += [tag("tr", join([tag("th", row_label("active", row), class_="label"), *(
            _cell("active", f"{row}.{c}", values, flags, span if i == last else None)
            for i, c in enumerate(block.columns))])) for row in rows]
    return tag("table", join(parts), class_="form active")


def _heading(row: str, column: str) -> str:
    """An active-table column heading, with its unit where it has one (本年收费金额（万元）)."""
    unit = unit_of("active", f"{row}.{column}")
    return column_heading("active", column, row) + (f"（{unit}）" if unit else "")


def _requests(keys: set[str], values: Mapping[str, Stored], flags: Mapping[str, Sequence[Flag]]) -> Html:
    """The applicant columns under 申请人情况 / 法人或其他组织, the rows with their group headings; a report
    that prints （六）其他处理 as one row is shown so, not with three empty sub-rows."""
    present = {key.rpartition(".")[0] for key in keys}
    if any(key.startswith("other.") and key.count(".") == 1 for key in values):
        present -= {row for row in present if row.startswith("other.")}
    people, *organisations, total = REQUEST_COLUMNS
    head = join([
        tag("tr", join([tag("th", "", rowspan=3, class_="corner"),
                        tag("th", REQUEST_HEADER_LABELS[0], colspan=len(REQUEST_COLUMNS))])),
        tag("tr", join([tag("th", people.text, rowspan=2),
                        tag("th", REQUEST_HEADER_LABELS[1], colspan=len(organisations)),
                        tag("th", total.text, rowspan=2)])),
        tag("tr", join(tag("th", c.text) for c in organisations)),
    ])
    rows = []
    for row, heads in form_request_rows(present):
        label = tag("th", row.text, class_="label group" if heads else "label")
        cells = ([tag("td", "", colspan=len(REQUEST_COLUMNS), class_="group")] if heads else
                 [_cell("requests", f"{row.key}.{c.key}", values, flags) for c in REQUEST_COLUMNS])
        rows.append(tag("tr", join([label, *cells])))
    return tag("table", join([tag("thead", head), tag("tbody", join(rows))]), class_="form requests")


def _appeals(values: Mapping[str, Stored], flags: Mapping[str, Sequence[Flag]]) -> Html:
    """One row of fifteen: 行政复议's five results, then 行政诉讼's two groups of five."""
    review, *suits = APPEAL_GROUPS
    n = len(APPEAL_RESULTS)
    head = join([
        tag("tr", join([tag("th", review.text, colspan=n, rowspan=2),
                        tag("th", APPEAL_HEADER_LABELS[0], colspan=n * len(suits))])),
        tag("tr", join(tag("th", group.text, colspan=n) for group in suits)),
        tag("tr", join(tag("th", result.text) for _ in APPEAL_GROUPS for result in APPEAL_RESULTS)),
    ])
    cells = join(_cell("appeals", f"{group.key}.{result.key}", values, flags)
                 for group in APPEAL_GROUPS for result in APPEAL_RESULTS)
    return tag("table", join([tag("thead", head), tag("tbody", tag("tr", cells))]), class_="form appeals")
