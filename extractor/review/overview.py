"""The overview page (``index.html``): what a 政务公开办 reviewer or a researcher reads first.

From one dataset it shows:

- coverage: reports per year, per province and per format, the bodies missing
  a year, and a body × year grid (已发布 / 未发布 / 未能下载 / 解析失败, each
  published cell linking to its report's page); crawled pages that only link
  their attachments (status ``page``) are not reports and are only mentioned;
- every report, searchable by body name and filtered by region, year and
  finding code (``assets/search.js`` over an index embedded in the page; without
  scripts the list reads in full);
- extraction quality: the files that failed and why, the reports where a
  standard table was not found;
- findings: counts per code and severity per year, every report failing the
  form's arithmetic (勾稽关系) and every finding across reports, each with its
  message and links to the report's page and its original file;
- headline figures per year: requests received, the share answered 不予公开,
  administrative reviews and lawsuits.

:func:`render` is pure, data to HTML; ``site`` reads the data and writes the pages.
"""
from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

import pandas as pd

from ..coverage import STATUS_LABELS
from ..dataset import COLUMN_LABELS
from ..record import CODE_LABELS, SEVERITY_LABELS
from ..template import APPEAL_GROUPS, REQUEST_ROWS, all_keys, column_label, relations, row_label
from .charts import Series, column_chart
from .markup import Html, join, page, table_html, tag
from .paths import body_page, report_page

__all__ = ["APPEAL_TOTALS", "ARITHMETIC_CODES", "DENIED", "NEW_RECEIVED", "RESULTS_TOTAL", "TABLE_MISSING", "ReportData",
           "SiteLinks", "YearFigures", "coverage_grid", "cross_findings", "headline", "render", "report_list",
           "year_label"]

NEW_RECEIVED = "new_received.total"
RESULTS_TOTAL = "results_total.total"
#: The 总计 column of the eight 不予公开 rows: their sum is what a body refused.
DENIED = tuple(k for k in all_keys("requests") if k.startswith("denied.") and k.endswith(".total"))
#: The 总计 of each appeal group (行政复议, and the two kinds of 行政诉讼).
APPEAL_TOTALS = tuple(f"{group.key}.total" for group in APPEAL_GROUPS)
#: The codes of the form's own arithmetic (勾稽关系), as the template's relations name them.
ARITHMETIC_CODES = tuple(dict.fromkeys(
    r.code for r in relations(frozenset((*all_keys("requests"), *all_keys("appeals"))))))
TABLE_MISSING = "TABLE_MISSING"

_BASIS = {"listed": "机关名单", "inferred": "按首个年度推断", "crawled": "已采集网站"}
_OK, _FAILED = "解析成功", "解析失败"
_UNKNOWN_YEAR = "年度不详"
_UNKNOWN = "（不详）"
_COLORS = {"ok": "#2f6f9f", "failed": "#c8553d", "error": "#c8553d", "warning": "#e0a526", "requests": "#2f6f9f"}


@dataclass(frozen=True, slots=True)
class SiteLinks:
    """Where a source file's copy and its report's page are in the site (by source path), when they are."""

    files: Mapping[str, str]
    pages: Mapping[str, str]


@dataclass(frozen=True, slots=True)
class ReportData:
    """Everything the overview shows, read from the dataset once, so that rendering needs no database."""

    source: str
    counts: dict[str, int]
    statuses: dict[str, int]
    by_year: pd.DataFrame
    by_province: pd.DataFrame
    by_format: pd.DataFrame
    missing: pd.DataFrame
    failed: pd.DataFrame
    tables_missing: pd.DataFrame
    finding_counts: pd.DataFrame
    arithmetic: pd.DataFrame
    sums: pd.DataFrame
    #: The primary reports (report_id, body, name, names, agency, province, region, year, format, codes).
    reports: pd.DataFrame
    #: Every expected body-year (the ``coverage`` table) with its body's name.
    coverage: pd.DataFrame
    #: The findings across reports, each with its report's and the other report's body, agency and year.
    cross: pd.DataFrame
    links: SiteLinks


def year_label(year: Any) -> str:
    """A year as a label; pandas gives years as numbers or its NA, hence ``Any``."""
    return _UNKNOWN_YEAR if year is None or pd.isna(year) else str(int(year))


def _name(value: object) -> str:
    return value if isinstance(value, str) else _UNKNOWN


def _code(code: str) -> str:
    """A finding code as a reviewer reads it: its Chinese label, the code after it for searching."""
    return f"{CODE_LABELS.get(code, code)}（{code}）"


# --- Links ------------------------------------------------------------------------

def _source_links(links: SiteLinks, path: str, url: object) -> Html:
    """Where a report came from: its copy in the site (named as the file was), and its web address when
    it was crawled."""
    name = PurePosixPath(path).name
    local = tag("a", name, href=links.files[path], title=path) if path in links.files else tag("span", name, title=path)
    if isinstance(url, str) and url.startswith(("http://", "https://")):
        return join([local, tag("div", tag("a", url, href=url))])
    return local


def _report_link(links: SiteLinks, path: str, label: str) -> Html:
    return tag("a", label, href=links.pages[path]) if path in links.pages else tag("span", label)


# --- Sections ---------------------------------------------------------------------

def _section(id: str, title: str, *parts: str) -> Html:
    return tag("section", join([tag("h2", title), *parts]), id=id)


def _pair(*columns: tuple[str, str]) -> Html:
    """Blocks side by side, each under its heading: short tables need not span the page."""
    return tag("div", join(tag("div", join([tag("h3", title), content])) for title, content in columns),
               class_="pair")


def _card(id: str, label: str, value: object, tone: str = "") -> Html:
    return tag("div", join([tag("span", value, class_="n"), tag("span", label, class_="l")]),
               id=id, class_=f"card {tone}".strip())


def _pages_note(pages: int) -> str:
    """Why the files on disk outnumber the reports: pages that only link the attachments holding the report."""
    return f"；另有 {pages:,} 个网页仅链接附件，以附件为报告，不计入" if pages else ""


def overview(data: ReportData) -> Html:
    """The numbers a reviewer reads first."""
    errors = int(data.finding_counts.loc[data.finding_counts["severity"] == "error", "n"].sum())
    ok, failed = data.statuses["ok"], data.statuses["failed"]
    return tag("div", join([
        _card("n-reports", "报告文件", ok + failed),
        _card("n-ok", _OK, ok),
        _card("n-failed", _FAILED, failed, "bad" if failed else ""),
        _card("n-values", "提取数值", data.counts["report_values"]),
        _card("n-errors", "错误问题", errors, "bad" if errors else ""),
        _card("n-missing", "缺失报告", data.counts["missing_reports"], "warn" if data.counts["missing_reports"] else ""),
    ]), class_="cards")


def _counts_table(frame: pd.DataFrame, by: str, id: str, name: Callable[[object], str]) -> Html:
    headers = (COLUMN_LABELS[by], _OK, _FAILED, "合计")
    rows = [(name(row[by]), row["ok"], row["failed"], row["ok"] + row["failed"]) for _, row in frame.iterrows()]
    return table_html(headers, rows, id=id, numeric=(1, 2, 3))


def coverage(data: ReportData) -> Html:
    """Reports per year (chart and table), per province and per format, the bodies missing years, and the
    body × year grid."""
    years = [year_label(y) for y in data.by_year["year"]]
    chart = column_chart(years, [Series(_OK, list(data.by_year["ok"]), _COLORS["ok"]),
                                 Series(_FAILED, list(data.by_year["failed"]), _COLORS["failed"])],
                         title="各年度报告文件数")
    province = _counts_table(data.by_province, "province", "by-province", _name)
    fmt = _counts_table(data.by_format, "format", "by-format", _name)
    return _section("coverage", "一、覆盖情况",
                    _pair(("各年度报告文件数", chart),
                          ("按年度", _counts_table(data.by_year, "year", "by-year", year_label))),
                    _pair(("按省份", province), ("按文件格式", fmt)),
                    tag("h3", "各机关各年度报送情况"), coverage_grid(data.coverage, data.reports),
                    tag("h3", "缺少年度报告的机关"), _missing_table(data.missing))


def coverage_grid(rows: pd.DataFrame, reports: pd.DataFrame) -> Html:
    """One row per body, one column per year, each expected body-year coloured by what became of it; a
    published one links to its report's page, the others say why on hover."""
    years = sorted({int(y) for y in rows["year"]})
    pages = {rid: report_page(rid) for rid in reports["report_id"]}
    legend = join(tag("span", label, class_=f"cov {status}") for status, label in STATUS_LABELS.items())
    body = []
    for body_id, group in rows.groupby("body", sort=True):
        by_year = {int(r.year): r for r in group.itertuples()}
        first = group.iloc[0]
        cells = [tag("th", tag("a", _name(first["name"]), href=body_page(body_id)), scope="row", class_="name",
                     title=f"{first['agency']}（{first['region']}）")]
        for year in years:
            row = by_year.get(year)
            if row is None:
                cells.append(tag("td", "", class_="cov none"))
                continue
            label = STATUS_LABELS.get(row.status, row.status)
            content = (tag("a", label, href=pages[row.report_id]) if row.status == "present" and row.report_id in pages
                       else label)
            cells.append(tag("td", content, class_=f"cov {row.status}",
                             title=f"{first['name']} {year}年：{label}" + (f"（{row.detail}）" if
                                                                          isinstance(row.detail, str) else "")))
        body.append(tag("tr", join(cells), data_names=f"{first['name']} {first['agency']} {body_id}"))
    if not body:
        return tag("p", "无", id="coverage-grid", class_="empty")
    head = tag("tr", join([tag("th", "机关"), *(tag("th", str(y), class_="num") for y in years)]))
    return join([tag("p", join([Html("图例："), legend]), class_="legend"),
                 tag("div", tag("table", join([tag("thead", head), tag("tbody", join(body))]), id="coverage-grid"),
                     class_="scroll tall")])


def _missing_table(missing: pd.DataFrame) -> Html:
    """One row per body with the years it has no report for: a reviewer chases bodies, not body-years."""
    rows = [(group["agency"].iloc[0], group["region"].iloc[0],
             "、".join(str(int(y)) for y in sorted(group["year"])),
             "、".join(_BASIS.get(b, b) for b in dict.fromkeys(group["basis"])))
            for _, group in missing.groupby("body", sort=True)]
    headers = (COLUMN_LABELS["agency"], COLUMN_LABELS["region"], "缺失年度", COLUMN_LABELS["basis"])
    return table_html(headers, rows, id="missing")


def report_list(data: ReportData) -> Html:
    """Every primary report, one row each, with the search form the script shows and the index it reads
    (body names as printed, region, year, codes); without the script the list simply reads in full."""
    reports = data.reports
    rows, index = [], []
    for i, r in enumerate(reports.itertuples()):
        codes = list(r.codes)
        rows.append(tag("tr", join([
            tag("td", tag("a", _name(r.agency), href=report_page(r.report_id))),
            tag("td", tag("a", _name(r.name), href=body_page(r.body)) if isinstance(r.body, str) else _UNKNOWN),
            tag("td", r.region or _UNKNOWN), tag("td", year_label(r.year), class_="num"), tag("td", _name(r.format)),
            tag("td", join(tag("span", c, class_=f"code {s}", title=CODE_LABELS.get(c, c)) for c, s in codes)),
        ]), id=f"r{i}"))
        index.append({"row": f"r{i}", "names": " ".join(filter(None, (_text_or(r.agency), _text_or(r.name),
                                                                       *r.names))),
                      "province": _text_or(r.province), "year": year_label(r.year), "codes": [c for c, _ in codes]})
    head = tag("tr", join(tag("th", h, class_="num" if h == COLUMN_LABELS["year"] else None)
                          for h in (COLUMN_LABELS["agency"], "机关", COLUMN_LABELS["region"], COLUMN_LABELS["year"],
                                    COLUMN_LABELS["format"], "错误与警告")))
    table = (tag("table", join([tag("thead", head), tag("tbody", join(rows))]), id="reports") if rows
             else tag("p", "无", id="reports", class_="empty"))
    payload = json.dumps(index, ensure_ascii=False).replace("</", "<\\/")
    return _section("list", "二、报告一览", _search_form(data), tag("p", f"共 {len(rows):,} 份报告", id="shown"),
                    tag("div", table, class_="scroll tall"),
                    Html(f'<script type="application/json" id="search-index">{payload}</script>'))


def _text_or(value: object) -> str:
    return value if isinstance(value, str) else ""


def _search_form(data: ReportData) -> Html:
    """Search and filters, hidden until the script shows them (they do nothing without it)."""
    provinces = sorted({p for p in data.reports["province"] if isinstance(p, str)})
    years = sorted({year_label(y) for y in data.reports["year"]})
    codes = sorted({c for codes in data.reports["codes"] for c, _ in codes})

    def select(id: str, label: str, options: list[tuple[str, str]]) -> Html:
        choices = join([tag("option", "全部", value=""),
                        *(tag("option", text, value=value) for value, text in options)])
        return tag("label", join([Html(label), tag("select", choices, id=id)]))

    return tag("form", join([
        tag("label", join([Html("机关名称"),
                           Html('<input type="search" id="q" placeholder="输入机关名称，如 洪泽">')])),
        select("province", "省份", [(p, p) for p in provinces]),
        select("year", "年度", [(y, y) for y in years]),
        select("code", "问题", [(c, _code(c)) for c in codes]),
    ]), id="search", hidden="hidden")


def quality(data: ReportData) -> Html:
    """The files that failed, and the parsed reports in which a standard table was not found."""
    failed = table_html((COLUMN_LABELS["path"], COLUMN_LABELS["error"]),
                        [(_source_links(data.links, r.path, r.url), r.error) for r in data.failed.itertuples()],
                        id="failed")
    return _section("quality", "三、提取质量",
                    tag("h3", "解析失败的文件"), failed,
                    tag("h3", "未找到标准表格的报告"), _findings_table(data, data.tables_missing, "tables-missing"))


def _findings_table(data: ReportData, findings: pd.DataFrame, id: str) -> Html:
    """One row per report, its codes and each message on a line: a reviewer opens reports, not findings."""
    headers = (COLUMN_LABELS["agency"], COLUMN_LABELS["year"], COLUMN_LABELS["code"], COLUMN_LABELS["message"],
               f"{COLUMN_LABELS['path']} / {COLUMN_LABELS['url']}")
    rows = [(_report_link(data.links, first.path, _name(first.agency)), year_label(first.year),
             join(tag("div", _code(code)) for code in dict.fromkeys(group["code"])),
             join(tag("div", message) for message in group["message"]),
             _source_links(data.links, first.path, first.url))
            for first, group in ((next(group.itertuples()), group)
                                 for _, group in findings.groupby("path", sort=False))]
    return table_html(headers, rows, id=id)


def cross_findings(data: ReportData) -> Html:
    """Every finding that compares reports (a carry-over that breaks, a copied report…), with the body,
    both years and the message, each report linked."""
    def report(rid: object, label: str) -> Html:
        return tag("a", label, href=report_page(str(rid))) if rid in pages else tag("span", label)

    pages = set(data.reports["report_id"])
    rows = [(tag("span", _code(r.code), class_=r.severity), report(r.report_id, _name(r.agency)),
             report(r.report_id, year_label(r.year)),
             report(r.other_id, f"{_name(r.other_agency)} {year_label(r.other_year)}") if isinstance(r.other_id, str)
             else "—", r.message)
            for r in data.cross.itertuples()]
    return table_html((COLUMN_LABELS["code"], COLUMN_LABELS["agency"], COLUMN_LABELS["year"], "相关报告",
                       COLUMN_LABELS["message"]), rows, id="cross-findings")


def findings(data: ReportData) -> Html:
    """Counts per code and severity per year, errors and warnings per year, the reports failing 勾稽 and
    the findings across reports."""
    counts = data.finding_counts
    years = sorted(dict.fromkeys(year_label(y) for y in counts["year"]), key=lambda y: (y == _UNKNOWN_YEAR, y))
    pivot: dict[tuple[str, str], dict[str, int]] = {}
    for r in counts.itertuples():
        pivot.setdefault((r.code, r.severity), {})[year_label(r.year)] = int(r.n)
    rows = [(tag("span", _code(code), class_=severity), SEVERITY_LABELS.get(severity, severity),
             *(by_year.get(y) for y in years), sum(by_year.values()))
            for (code, severity), by_year in sorted(pivot.items(), key=lambda item: (item[0][1] != "error", item[0]))]
    table = table_html((COLUMN_LABELS["code"], COLUMN_LABELS["severity"], *years, "合计"), rows,
                       id="finding-counts", numeric=range(2, len(years) + 3))
    chart = column_chart(years, [Series(SEVERITY_LABELS[s], [sum(pivot.get((code, s), {}).get(y, 0)
                                                                 for code, _ in pivot) for y in years], _COLORS[s])
                                 for s in ("error", "warning")], title="各年度错误与警告数")
    return _section("findings", "四、检查发现的问题", chart, table,
                    tag("h3", f"未通过勾稽关系检查的报告（{data.arithmetic['path'].nunique()} 份）"),
                    _findings_table(data, data.arithmetic, "arithmetic"),
                    tag("h3", f"跨报告检查发现的问题（{len(data.cross)} 条）"), cross_findings(data))


def _denied_label() -> str:
    """The 不予公开 group heading as the template prints it: the group row before the first denied row."""
    first = next(i for i, row in enumerate(REQUEST_ROWS) if row.key.startswith("denied."))
    return REQUEST_ROWS[first - 1].text


@dataclass(frozen=True, slots=True)
class YearFigures:
    """One year's headline figures, summed over the bodies that printed them."""

    year: str
    bodies: int
    received: float | None
    denied_share: float | None
    appeals: tuple[float | None, ...]


def headline(sums: pd.DataFrame) -> list[YearFigures]:
    """Per year: bodies counted, requests received, share 不予公开 of all results, each appeal group's total."""
    out = []
    for year, group in sums.groupby("year", sort=True):
        total = dict(zip(group["key"], group["total"]))
        denied = sum(total.get(k, 0) for k in DENIED)
        results = total.get(RESULTS_TOTAL)
        out.append(YearFigures(year_label(year), int(dict(zip(group["key"], group["bodies"])).get(NEW_RECEIVED, 0)),
                               total.get(NEW_RECEIVED), denied / results if results else None,
                               tuple(total.get(k) for k in APPEAL_TOTALS)))
    return out


def figures(data: ReportData) -> Html:
    """The headline figures per year, and a chart of requests received."""
    years = headline(data.sums)
    rows = [(y.year, y.bodies, y.received, None if y.denied_share is None else Html(f"{y.denied_share:.1%}"),
             *y.appeals) for y in years]
    headers = (COLUMN_LABELS["year"], "机关数", column_label("requests", NEW_RECEIVED),
               f"{_denied_label()} 占 {row_label('requests', 'results_total')}",
               *(column_label("appeals", k) for k in APPEAL_TOTALS))
    chart = column_chart([y.year for y in years],
                         [Series(column_label("requests", NEW_RECEIVED), [y.received or 0 for y in years],
                                 _COLORS["requests"])],
                         title=column_label("requests", NEW_RECEIVED))
    note = tag("p", "同一机关同一年度的多份文件（如网页及其附件）只计一次；空白单元格不计。", class_="note")
    return _section("figures", "五、主要数据", chart,
                    table_html(headers, rows, id="headline", numeric=range(1, len(headers))), note)


def render(data: ReportData) -> str:
    """The overview page (at the site's top: its links go down into ``reports/``, ``bodies/``, ``files/``)."""
    body = tag("main", join([
        tag("h1", "政府信息公开工作年度报告 · 数据集审阅报告"),
        tag("p", f"数据集 {data.source}：{data.statuses['ok'] + data.statuses['failed']:,} 份报告文件，"
                 f"{data.counts['findings']:,} 条问题记录{_pages_note(data.statuses['page'])}", class_="sub"),
        tag("nav", join(tag("a", title, href=f"#{id}") for id, title in (
            ("coverage", "覆盖情况"), ("list", "报告一览"), ("quality", "提取质量"), ("findings", "问题"),
            ("figures", "主要数据")))),
        overview(data), coverage(data), report_list(data), quality(data), findings(data), figures(data),
    ]))
    return page(f"xxgk 数据集审阅报告 · {data.source}", body, root="", scripts=("search.js",))
