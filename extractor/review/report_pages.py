"""The page of one report (``reports/<report_id>.html``): its tables as the form prints them, beside the source.

For each standard table: the form's grid (``form``) with every flagged cell
coloured and numbered, the messages of its findings right under it, and beside
it the crop of the PDF page the table was read from, the same cells boxed
(``crops``); below, every value's raw text and location in the file. For
HTML and Word reports the grid is the table as found; a table posted as an
image has the image beside it. The page links the
original file (copied into the site) and its web address, the body's page,
and the report's other copies.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from ..record import CODE_LABELS, SEVERITY_LABELS
from ..template import TABLES, column_label
from .form import Flag, Stored, form_table, number
from .locations import location_text
from .markup import Html, join, page, table_html, tag
from .paths import INDEX, body_page, report_page, up

__all__ = ["Copy", "FindingRow", "ReportPage", "flags_of", "render_report", "table_name"]

_FLAGGED = ("error", "warning")


@dataclass(frozen=True, slots=True)
class FindingRow:
    """A finding on the report, with the report it compares against (findings across reports)."""

    code: str
    severity: str
    table: str | None
    keys: tuple[str, ...]
    message: str
    other_report_id: str | None = None
    other_label: str | None = None


@dataclass(frozen=True, slots=True)
class Copy:
    """Another file of the same body-year: the same report published again."""

    path: str
    url: str | None
    href: str | None


@dataclass(slots=True)
class ReportPage:
    """Everything one report's page shows (links relative to the site folder)."""

    report_id: str
    agency: str | None
    body: str | None
    region: str
    year: int | None
    template: str
    format: str | None
    path: str
    url: str | None
    parent_url: str | None
    file_href: str | None
    values: dict[str, dict[str, Stored]]
    findings: list[FindingRow]
    copies: list[Copy] = field(default_factory=list)
    #: table id -> (page number, crop image) per page the table runs on
    crops: dict[str, list[tuple[int, str]]] = field(default_factory=dict)
    #: reports that have a page of their own (findings across reports link them)
    pages: frozenset[str] = frozenset()


def flags_of(findings: Sequence[FindingRow]) -> tuple[list[tuple[FindingRow, Flag | None]],
                                                      dict[str, dict[str, list[Flag]]]]:
    """Each finding with its number on the page (errors and warnings only: 提示 such as CELL_BLANK name
    whole tables), and the flags on each cell, table -> key -> flags."""
    numbered: list[tuple[FindingRow, Flag | None]] = []
    by_cell: dict[str, dict[str, list[Flag]]] = {}
    for finding in findings:
        flag = None
        if finding.severity in _FLAGGED:
            flag = Flag(sum(f is not None for _, f in numbered) + 1, finding.code, finding.severity, finding.message,
                        finding.keys)
            cells = by_cell.setdefault(finding.table, {}) if finding.table else {}
            for key in finding.keys:
                cells.setdefault(key, []).append(flag)
        numbered.append((finding, flag))
    return numbered, by_cell


def table_name(values: Mapping[str, Stored]) -> str | None:
    """The name in the file of the table a report's values were read from ("page 4 table 3"): the one
    most of them name."""
    names = Counter(v.location.rsplit(" row ", 1)[0] for v in values.values() if v.location and " row " in v.location)
    return names.most_common(1)[0][0] if names else None


def _finding_item(finding: FindingRow, flag: Flag | None, pages: frozenset[str], anchor: bool = False) -> Html:
    """A finding as a list item: its number, severity, Chinese label and code, message, and the report it
    compares against; ``anchor`` gives it the id its cells link to (the list beside its table)."""
    other = Html("")
    if finding.other_report_id:
        label = finding.other_label or finding.other_report_id
        href = PurePosixPath(report_page(finding.other_report_id)).name  # a neighbour in reports/
        other = join([Html("；相关报告："), tag("a", label, href=href) if finding.other_report_id in pages
                      else tag("span", label)])
    return tag("li", join([
        tag("span", f"[{flag.number}]" if flag else "", class_="no"),
        tag("span", SEVERITY_LABELS.get(finding.severity, finding.severity), class_=f"sev {finding.severity}"),
        tag("b", f"{CODE_LABELS.get(finding.code, finding.code)}（{finding.code}）"), Html(" "),
        tag("span", finding.message), other,
    ]), id=f"f{flag.number}" if flag and anchor else None, class_=finding.severity)


def _sources(report: ReportPage) -> Html:
    """Where the report came from: its copy in the site, its web address, the page that linked it."""
    name = PurePosixPath(report.path).name
    items = [tag("li", join([Html("原文件："), tag("a", name, href=up(report.file_href)) if report.file_href
                             else tag("span", f"{name}（文件已不在原处，未复制）")]), title=report.path)]
    if report.url:
        items.append(tag("li", join([Html("网址："), tag("a", report.url, href=report.url)])))
    if report.parent_url:
        items.append(tag("li", join([Html("所在网页："), tag("a", report.parent_url, href=report.parent_url)])))
    for copy in report.copies:
        name = PurePosixPath(copy.path).name
        link = tag("a", name, href=up(copy.href)) if copy.href else tag("span", name)
        items.append(tag("li", join([Html("同一报告的其他文件："), link,
                                     *([Html(" "), tag("a", copy.url, href=copy.url)] if copy.url else [])])))
    return tag("ul", join(items), class_="sources")


def _values_table(table: str, values: Mapping[str, Stored]) -> Html:
    """Every value of the table with its raw text, where it was read and how its label matched."""
    rows = [(column_label(table, key), number(v.value) if v.value is not None else "空白", v.raw or "",
             location_text(v.location), f"{v.label or ''}（{v.score:.0f}）" if v.score is not None else v.label or "",
             v.note or "") for key, v in values.items()]
    return tag("details", join([tag("summary", f"原文与位置（{len(rows)} 个单元格）"),
                                table_html(("单元格", "数值", "原文", "位置", "匹配标签（得分）", "说明"), rows,
                                           id=f"values-{table}")]))


def _table_section(report: ReportPage, table: str, heading: str, numbered: list[tuple[FindingRow, Flag | None]],
                   flags: Mapping[str, list[Flag]]) -> Html:
    """One standard table: the form's grid and its findings' messages, beside its crops; then its values'
    sources."""
    values = report.values.get(table, {})
    if not values:
        missing = tag("p", "报告中未找到此表。", class_="empty")
        return tag("section", join([tag("h2", heading), missing]), id=f"t-{table}")
    listed = [_finding_item(f, flag, report.pages, anchor=True) for f, flag in numbered if f.table == table and flag]
    grid = join([tag("div", form_table(table, report.template, values, flags), class_="scroll"),
                 tag("ol", join(listed), class_="flags") if listed
                 else tag("p", "本表未发现错误或警告。", class_="ok")])
    crops = report.crops.get(table, [])
    source = join(tag("figure", join([
        Html(f'<img src="{up(href)}" alt="原文第 {page_no} 页的表格">'),
        tag("figcaption", f"原文第 {page_no} 页" + ("（框出有问题的单元格）" if listed else ""))]), class_="crop")
        for page_no, href in crops)
    side = tag("div", join([tag("div", grid, class_="grid"), tag("div", source, class_="source")]) if crops
               else tag("div", grid, class_="grid"), class_="side")
    return tag("section", join([tag("h2", heading), side, _values_table(table, values)]), id=f"t-{table}")


def render_report(report: ReportPage) -> str:
    """The report's page (in ``reports/``: links go up one folder)."""
    numbered, by_cell = flags_of(report.findings)
    title = f"{report.agency or '（机关未识别）'} {report.year or '年度不详'}年"
    crumbs = [tag("a", "总览", href=up(INDEX))]
    if report.body:
        crumbs.append(tag("a", "本机关各年度", href=up(body_page(report.body))))
    meta = "　".join(filter(None, (report.region, f"表格版本 {report.template}", f"格式 {report.format or '不详'}")))
    legend = tag("p", join([
        Html("图例："), tag("span", "12", class_="num sample"), tag("span", "0", class_="num sample"),
        tag("span", "空白", class_="num sample blank"), Html("＝未填写（不是 0）"),
        tag("span", "未找到", class_="num sample absent"), tag("span", "错误", class_="num sample flag error"),
        tag("span", "警告", class_="num sample flag warning"),
        Html("（虚线：参与核对的其他单元格）；将鼠标停在单元格上可见原文与位置。")]), class_="legend")
    listed = [_finding_item(f, flag, report.pages) for f, flag in numbered]
    body = tag("main", join([
        tag("nav", join(crumbs)),
        tag("h1", f"{title}政府信息公开工作年度报告"),
        tag("p", meta, class_="sub"), _sources(report), legend,
        tag("section", join([tag("h2", f"本报告的问题（{len(listed)} 条）"),
                             tag("ol", join(listed), class_="findings") if listed else tag("p", "无", class_="ok")]),
            id="report-findings"),
        *(_table_section(report, spec.id, spec.heading, numbered, by_cell.get(spec.id, {})) for spec in TABLES),
    ]))
    return page(f"{title} · xxgk 审阅", body, root="../")
