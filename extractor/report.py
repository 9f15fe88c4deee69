"""The review report: one HTML file that a 政务公开办 reviewer or a researcher opens.

The file must travel as an e-mail attachment and open on an office machine
with no network and scripts blocked, so it is self-contained: styles inline,
charts drawn here as inline SVG, no JavaScript. It shows, from one dataset:

- coverage: reports per year, per province and per format, and the bodies
  missing a year (``missing_reports``); crawled pages that only link their
  attachments (status ``page``) are not reports and are only mentioned;
- extraction quality: the files that failed and why, the reports where a
  standard table was not found;
- findings: counts per code and severity per year, and every report failing
  the form's arithmetic (勾稽关系) with its message and a link to its source;
- headline figures per year: requests received, the share answered 不予公开,
  administrative reviews and lawsuits.

:func:`read_report_data` asks the dataset (whose small query methods hold the
SQL); :func:`render` is pure, data to HTML string; :func:`write_report` joins
them for the command line. Labels of the form come from ``template`` and
``dataset.COLUMN_LABELS``; only the report's own headings are written here.
"""
from __future__ import annotations

import logging
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

import pandas as pd

from .dataset import COLUMN_LABELS, Dataset
from .errors import DatasetError
from .template import APPEAL_GROUPS, REQUEST_ROWS, all_keys, column_label, relations, row_label

__all__ = ["ARITHMETIC_CODES", "DENIED", "ReportData", "Series", "YearFigures", "column_chart", "headline",
           "read_report_data", "render", "table_html", "write_report"]

log = logging.getLogger(__name__)

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

_SEVERITY = {"error": "错误", "warning": "警告", "info": "提示"}
_BASIS = {"listed": "机关名单", "inferred": "按首个年度推断"}
_OK, _FAILED = "解析成功", "解析失败"
_UNKNOWN_YEAR = "年度不详"
_UNKNOWN = "（不详）"
_COLORS = {"ok": "#2f6f9f", "failed": "#c8553d", "error": "#c8553d", "warning": "#e0a526", "requests": "#2f6f9f"}


@dataclass(frozen=True, slots=True)
class ReportData:
    """Everything the report shows, read from the dataset once, so that rendering needs no database."""

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


@dataclass(frozen=True, slots=True)
class Series:
    """One coloured series of a column chart: a value per category."""

    name: str
    values: Sequence[float]
    color: str


class Html(str):
    """Text that is already markup: inserted as it is, never escaped again."""


# --- Reading and writing --------------------------------------------------------------

def read_report_data(dataset: Dataset, source: str = "") -> ReportData:
    """What the report needs from an open dataset."""
    return ReportData(
        source=source or dataset.path,
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
    )


def write_report(db: str | Path, out: str | Path) -> Path:
    """Render the review report of the dataset ``db`` into the HTML file ``out``."""
    out = Path(out)
    with Dataset(db, read_only=True) as dataset:
        page = render(read_report_data(dataset, Path(db).name))
    try:
        out.write_text(page, encoding="utf-8")
    except OSError as exc:
        raise DatasetError(f"cannot write report: {exc.strerror or exc}", out) from exc
    log.info("report written to %s", out)
    return out


# --- Markup ------------------------------------------------------------------------

def _text(value: object) -> Html:
    """A cell's text, escaped; blanks (None, NaN) as a dash."""
    if isinstance(value, Html):
        return value
    if value is None or pd.isna(value):
        return Html("—")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        return Html(f"{value:,}")
    return Html(escape(str(value)))


def _tag(name: str, content: object = "", **attrs: object) -> Html:
    """``<name attrs>content</name>``, content escaped unless it is :class:`Html`; in attribute names a
    trailing ``_`` is dropped (``class_``) and other underscores become hyphens (``text_anchor``)."""
    rendered = "".join(f' {key.rstrip("_").replace("_", "-")}="{escape(str(value))}"'
                       for key, value in attrs.items() if value is not None)
    return Html(f"<{name}{rendered}>{_text(content)}</{name}>")


def _join(parts: Iterable[str]) -> Html:
    return Html("".join(parts))


def table_html(headers: Sequence[str], rows: Iterable[Sequence[object]], *, id: str,
               numeric: Iterable[int] = ()) -> Html:
    """A table with a header row; the ``numeric`` columns are right-aligned. No rows: one line saying so."""
    right = set(numeric)
    body = [_tag("tr", _join(_tag("td", cell, class_="num" if i in right else None) for i, cell in enumerate(row)))
            for row in rows]
    if not body:
        return _tag("p", "无", id=id, class_="empty")
    head = _tag("tr", _join(_tag("th", h, class_="num" if i in right else None) for i, h in enumerate(headers)))
    return _tag("table", _join([_tag("thead", head), _tag("tbody", _join(body))]), id=id)


def _source_link(path: str, url: object) -> Html:
    """A link to where a report came from: its web address when crawled, else its file (named, full path on hover)."""
    if isinstance(url, str) and url.startswith(("http://", "https://")):
        return _tag("a", url, href=url, title=path)
    return _tag("a", Path(path).name, href=Path(path).as_uri(), title=path)


# --- Charts (inline SVG) -------------------------------------------------------------

def _nice_max(value: float) -> float:
    """The smallest 1, 2 or 5 × 10ⁿ at or above ``value``: a round top for an axis."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    return next(step * power for step in (1, 2, 5, 10) if step * power >= value)


def _ticks(top: float) -> int:
    """How many steps cut a round axis top into round whole numbers (50 → 5 of 10, 20 → 4 of 5, 2 → 2 of 1)."""
    return next(n for n in (5, 4, 2, 1) if (top / n).is_integer() and _nice_max(top / n) == top / n)


def column_chart(categories: Sequence[str], series: Sequence[Series], *, title: str,
                 width: int = 640, height: int = 240) -> Html:
    """Stacked columns, one per category, with a labelled axis, a legend and a tooltip per column part."""
    left, top, bottom = 48, 36, 28
    plot_h, plot_w = height - top - bottom, width - left - 8
    top_value = _nice_max(max((sum(values) for values in zip(*(s.values for s in series))), default=0))
    slot = plot_w / max(len(categories), 1)
    bar_w = min(48.0, slot * 0.6)
    parts = [_tag("title", title)]
    steps = _ticks(top_value)
    for i in range(steps + 1):
        tick = top_value * i / steps
        y = top + plot_h - plot_h * i / steps
        parts.append(Html(f'<line x1="{left}" x2="{width - 8}" y1="{y:.1f}" y2="{y:.1f}" class="grid"/>'))
        parts.append(_tag("text", f"{tick:,.0f}", x=left - 6, y=f"{y + 4:.1f}", class_="axis", text_anchor="end"))
    for c, category in enumerate(categories):
        x = left + slot * c + (slot - bar_w) / 2
        base = float(top + plot_h)
        for s in series:
            value = s.values[c]
            h = plot_h * value / top_value
            base -= h
            if value:
                parts.append(_tag("rect", _tag("title", f"{category} {s.name}：{value:,.0f}"), x=f"{x:.1f}",
                                  y=f"{base:.1f}", width=f"{bar_w:.1f}", height=f"{h:.1f}", fill=s.color))
        total = sum(s.values[c] for s in series)
        parts.append(_tag("text", f"{total:,.0f}", x=f"{x + bar_w / 2:.1f}", y=f"{base - 4:.1f}", class_="value",
                          text_anchor="middle"))
        parts.append(_tag("text", category, x=f"{x + bar_w / 2:.1f}", y=height - 8, class_="axis",
                          text_anchor="middle"))
    if len(series) > 1:
        for i, s in enumerate(series):
            x = width - 8 - 96 * (len(series) - i)
            parts.append(Html(f'<rect x="{x}" y="6" width="12" height="12" fill="{s.color}"/>'))
            parts.append(_tag("text", s.name, x=x + 18, y=16, class_="axis"))
    return _tag("svg", _join(parts), xmlns="http://www.w3.org/2000/svg", width=width, height=height,
                viewBox=f"0 0 {width} {height}", role="img", aria_label=title, class_="chart")


def _year_label(year: Any) -> str:
    """A year as a label; pandas gives years as numbers or its NA, hence ``Any``."""
    return _UNKNOWN_YEAR if year is None or pd.isna(year) else str(int(year))


# --- Sections ---------------------------------------------------------------------

def _section(id: str, title: str, *parts: str) -> Html:
    return _tag("section", _join([_tag("h2", title), *parts]), id=id)


def _pair(*columns: tuple[str, str]) -> Html:
    """Blocks side by side, each under its heading: short tables need not span the page."""
    return _tag("div", _join(_tag("div", _join([_tag("h3", title), content])) for title, content in columns),
                class_="pair")


def _card(id: str, label: str, value: object, tone: str = "") -> Html:
    return _tag("div", _join([_tag("span", value, class_="n"), _tag("span", label, class_="l")]),
                id=id, class_=f"card {tone}".strip())


def _pages_note(pages: int) -> str:
    """Why the files on disk outnumber the reports: pages that only link the attachments holding the report."""
    return f"；另有 {pages:,} 个网页仅链接附件，以附件为报告，不计入" if pages else ""


def overview(data: ReportData) -> Html:
    """The numbers a reviewer reads first."""
    errors = int(data.finding_counts.loc[data.finding_counts["severity"] == "error", "n"].sum())
    ok, failed = data.statuses["ok"], data.statuses["failed"]
    return _tag("div", _join([
        _card("n-reports", "报告文件", ok + failed),
        _card("n-ok", _OK, ok),
        _card("n-failed", _FAILED, failed, "bad" if failed else ""),
        _card("n-values", "提取数值", data.counts["report_values"]),
        _card("n-errors", "错误问题", errors, "bad" if errors else ""),
        _card("n-missing", "缺失报告", data.counts["missing_reports"], "warn" if data.counts["missing_reports"] else ""),
    ]), class_="cards")


def _name(value: object) -> str:
    return value if isinstance(value, str) else _UNKNOWN


def _counts_table(frame: pd.DataFrame, by: str, id: str, name: Callable[[object], str]) -> Html:
    headers = (COLUMN_LABELS[by], _OK, _FAILED, "合计")
    rows = [(name(row[by]), row["ok"], row["failed"], row["ok"] + row["failed"]) for _, row in frame.iterrows()]
    return table_html(headers, rows, id=id, numeric=(1, 2, 3))


def coverage(data: ReportData) -> Html:
    """Reports per year (chart and table), per province and per format, and the bodies missing years."""
    years = [_year_label(y) for y in data.by_year["year"]]
    chart = column_chart(years, [Series(_OK, list(data.by_year["ok"]), _COLORS["ok"]),
                                 Series(_FAILED, list(data.by_year["failed"]), _COLORS["failed"])],
                         title="各年度报告文件数")
    province = _counts_table(data.by_province, "province", "by-province", _name)
    fmt = _counts_table(data.by_format, "format", "by-format", _name)
    return _section("coverage", "一、覆盖情况",
                    _pair(("各年度报告文件数", chart),
                          ("按年度", _counts_table(data.by_year, "year", "by-year", _year_label))),
                    _pair(("按省份", province), ("按文件格式", fmt)),
                    _tag("h3", "缺少年度报告的机关"), _missing_table(data.missing))


def _missing_table(missing: pd.DataFrame) -> Html:
    """One row per body with the years it has no report for: a reviewer chases bodies, not body-years."""
    rows = [(group["agency"].iloc[0], group["region"].iloc[0],
             "、".join(str(int(y)) for y in sorted(group["year"])),
             "、".join(_BASIS.get(b, b) for b in dict.fromkeys(group["basis"])))
            for _, group in missing.groupby("body", sort=True)]
    headers = (COLUMN_LABELS["agency"], COLUMN_LABELS["region"], "缺失年度", COLUMN_LABELS["basis"])
    return table_html(headers, rows, id="missing")


def quality(data: ReportData) -> Html:
    """The files that failed, and the parsed reports in which a standard table was not found."""
    failed = table_html((COLUMN_LABELS["path"], COLUMN_LABELS["error"]),
                        [(_source_link(r.path, r.url), r.error) for r in data.failed.itertuples()], id="failed")
    return _section("quality", "二、提取质量",
                    _tag("h3", "解析失败的文件"), failed,
                    _tag("h3", "未找到标准表格的报告"), _findings_table(data.tables_missing, "tables-missing"))


def _findings_table(findings: pd.DataFrame, id: str) -> Html:
    """One row per report, its codes and each message on a line: a reviewer opens reports, not findings."""
    headers = (COLUMN_LABELS["agency"], COLUMN_LABELS["year"], COLUMN_LABELS["code"], COLUMN_LABELS["message"],
               f"{COLUMN_LABELS['path']} / {COLUMN_LABELS['url']}")
    rows = [(first.agency, _year_label(first.year), " ".join(dict.fromkeys(group["code"])),
             _join(_tag("div", message) for message in group["message"]), _source_link(first.path, first.url))
            for first, group in ((next(group.itertuples()), group)
                                 for _, group in findings.groupby("path", sort=False))]
    return table_html(headers, rows, id=id)


def findings(data: ReportData) -> Html:
    """Counts per code and severity per year, errors and warnings per year, and the reports failing 勾稽."""
    counts = data.finding_counts
    years = sorted(dict.fromkeys(_year_label(y) for y in counts["year"]), key=lambda y: (y == _UNKNOWN_YEAR, y))
    pivot: dict[tuple[str, str], dict[str, int]] = {}
    for r in counts.itertuples():
        pivot.setdefault((r.code, r.severity), {})[_year_label(r.year)] = int(r.n)
    rows = [(_tag("span", code, class_=severity), _SEVERITY.get(severity, severity),
             *(by_year.get(y) for y in years), sum(by_year.values()))
            for (code, severity), by_year in sorted(pivot.items(), key=lambda item: (item[0][1] != "error", item[0]))]
    table = table_html((COLUMN_LABELS["code"], COLUMN_LABELS["severity"], *years, "合计"), rows,
                       id="finding-counts", numeric=range(2, len(years) + 3))
    chart = column_chart(years, [Series(_SEVERITY[s], [sum(pivot.get((code, s), {}).get(y, 0) for code, _ in pivot)
                                                       for y in years], _COLORS[s]) for s in ("error", "warning")],
                         title="各年度错误与警告数")
    return _section("findings", "三、检查发现的问题", chart, table,
                    _tag("h3", f"未通过勾稽关系检查的报告（{data.arithmetic['path'].nunique()} 份）"),
                    _findings_table(data.arithmetic, "arithmetic"))


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
        out.append(YearFigures(_year_label(year), int(dict(zip(group["key"], group["bodies"])).get(NEW_RECEIVED, 0)),
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
    note = _tag("p", "同一机关同一年度的多份文件（如网页及其附件）只计一次；空白单元格不计。", class_="note")
    return _section("figures", "四、主要数据", chart,
                    table_html(headers, rows, id="headline", numeric=range(1, len(headers))), note)


_STYLE = """
body{font-family:"Noto Sans CJK SC","Source Han Sans SC","PingFang SC","Microsoft YaHei",sans-serif;
 margin:0;background:#f4f5f7;color:#1d2433;font-size:14px;line-height:1.5}
main{max-width:1180px;margin:0 auto;padding:24px 32px 48px}
h1{font-size:24px;margin:0 0 4px}
h2{font-size:19px;border-bottom:2px solid #2f6f9f;padding-bottom:4px;margin:32px 0 12px}
h3{font-size:15px;margin:20px 0 8px;color:#2f3b52}
.sub{color:#5b6478;margin:0 0 16px}
section,.cards{background:#fff;border-radius:6px;padding:4px 20px 16px;box-shadow:0 1px 2px rgba(0,0,0,.08)}
section{margin-top:20px}
.cards{display:flex;gap:12px;padding:16px 20px;flex-wrap:wrap}
.card{flex:1;min-width:120px;border-left:4px solid #2f6f9f;padding:6px 12px;background:#f8fafc}
.card.bad{border-color:#c8553d}.card.warn{border-color:#e0a526}
.card .n{display:block;font-size:26px;font-weight:600}.card .l{color:#5b6478}
table{border-collapse:collapse;width:100%;margin:4px 0 8px;font-size:13px}
th,td{border-bottom:1px solid #e3e6ec;padding:5px 8px;text-align:left;vertical-align:top}
th{background:#eef1f6;font-weight:600}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td a{color:#2f6f9f;word-break:break-all}
.pair{display:flex;gap:32px;align-items:flex-start}.pair>div{flex:1;min-width:0}
#arithmetic td:nth-child(-n+3),#tables-missing td:nth-child(-n+3){white-space:nowrap}
#arithmetic td:last-child,#tables-missing td:last-child,#failed td:first-child{width:24%}
.chart{display:block;max-width:100%;height:auto;margin:8px 0}
td div+div{margin-top:4px}
.chart .grid{stroke:#e3e6ec}.chart .axis{font-size:11px;fill:#5b6478}.chart .value{font-size:11px;fill:#1d2433}
span.error{color:#c8553d;font-weight:600}span.warning{color:#a8770a;font-weight:600}span.info{color:#5b6478}
.empty,.note{color:#5b6478}
"""


def render(data: ReportData) -> str:
    """The whole report as one HTML document (UTF-8, no external assets, no scripts)."""
    head = _join([Html('<meta charset="utf-8">'), _tag("title", f"xxgk 数据集审阅报告 · {data.source}"),
                  _tag("style", Html(_STYLE))])
    body = _tag("main", _join([
        _tag("h1", "政府信息公开工作年度报告 · 数据集审阅报告"),
        _tag("p", f"数据集 {data.source}：{data.statuses['ok'] + data.statuses['failed']:,} 份报告文件，"
                  f"{data.counts['findings']:,} 条问题记录{_pages_note(data.statuses['page'])}", class_="sub"),
        overview(data), coverage(data), quality(data), findings(data), figures(data),
    ]))
    return f'<!DOCTYPE html>\n<html lang="zh-CN">{_tag("head", head)}{_tag("body", body)}</html>\n'
