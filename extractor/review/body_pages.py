"""The page of one body (``bodies/<hash>.html``): its years side by side, its trends, its carry-over breaks.

A reviewer who audits a body reads its reports as a series: requests received
and how they were answered year by year (two small SVG charts), every year's
figures in one table with a column per year, and where this year's 上年结转
does not match last year's 结转下年度 (CARRY_MISMATCH) the cell and the chart
are marked with the finding's message.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..coverage import STATUS_LABELS
from ..record import CODE_LABELS
from ..template import REQUEST_ROWS, TABLES, active_blocks, all_keys, column_label, form_request_rows, row_label
from .charts import Series, column_chart, line_chart
from .form import Stored, number
from .markup import Html, join, page, tag, text
from .paths import INDEX, report_page, up
from .report_pages import FindingRow

__all__ = ["BodyPage", "BodyYear", "OUTCOMES", "render_body"]

CARRY = "CARRY_MISMATCH"
_RECEIVED = "new_received.total"


@dataclass(frozen=True, slots=True)
class BodyYear:
    """One expected year of a body: what became of it, and its primary report's values and findings."""

    year: int
    status: str
    detail: str | None
    report_id: str | None
    template: str
    values: Mapping[str, Mapping[str, Stored]]
    findings: Sequence[FindingRow]


@dataclass(frozen=True, slots=True)
class BodyPage:
    body: str
    name: str
    region: str
    names: tuple[str, ...]
    years: list[BodyYear]


def _outcomes() -> tuple[tuple[str, str], ...]:
    """The requests table's outcome groups (row key prefix, label): （一）予以公开 … （六）其他处理, each the
    sum of its rows' 总计 — a group's label is its own row's, or the group heading printed above it."""
    out: dict[str, str] = {}
    for i, row in enumerate(REQUEST_ROWS):
        if row.result:
            prefix = row.key.split(".")[0]
            out.setdefault(prefix, row.brief if row.key == prefix else REQUEST_ROWS[i - 1].brief)
    return tuple(out.items())


OUTCOMES = _outcomes()
_OUTCOME_COLORS = ("#2f6f9f", "#6fa8dc", "#c8553d", "#e0a526", "#8e7cc3", "#93a1ad")


def _outcome(values: Mapping[str, Stored], prefix: str) -> float | None:
    """A group's total: its own row's 总计, or the sum of its rows' (a report prints one or the other)."""
    totals = [v.value for key, v in values.items() if key.endswith(".total") and v.value is not None
              and (key == f"{prefix}.total" or (key.startswith(f"{prefix}.") and key.count(".") == 2))]
    return sum(totals) if totals else None


def _value(year: BodyYear, table: str, key: str) -> float | None:
    stored = year.values.get(table, {}).get(key)
    return None if stored is None else stored.value


def _carry_breaks(years: Sequence[BodyYear]) -> dict[tuple[int, str], list[FindingRow]]:
    """The carry-over findings by (year, ``table.key``) of the cells they name in that year's report."""
    out: dict[tuple[int, str], list[FindingRow]] = {}
    for year in years:
        for finding in year.findings:
            if finding.code == CARRY:
                for key in finding.keys:
                    out.setdefault((year.year, f"{finding.table}.{key}"), []).append(finding)
    return out


def _charts(years: Sequence[BodyYear], breaks: Mapping[tuple[int, str], list[FindingRow]]) -> Html:
    """Requests received per year (a dashed red line where the carry-over breaks) and the outcomes."""
    labels = [str(y.year) for y in years]
    marked = [(i, "；".join(f.message for (at, _), found in breaks.items() if at == year.year for f in found))
              for i, year in enumerate(years) if any(at == year.year for at, _ in breaks)]
    received_title = f"{row_label('requests', 'new_received')}（总计）"
    received = line_chart(labels, [Series(column_label("requests", _RECEIVED),
                                          [_value(y, "requests", _RECEIVED) for y in years], "#2f6f9f")],
                          title=received_title, marked=marked)
    outcomes_title = "办理结果（总计列）"
    outcomes = column_chart(labels, [Series(label, [_outcome(y.values.get("requests", {}), prefix) for y in years],
                                            color) for (prefix, label), color in zip(OUTCOMES, _OUTCOME_COLORS)],
                            title=outcomes_title, width=560, height=240, legend=False)
    legend = join(tag("span", join([Html(f'<i style="background:{color}"></i>'), text(label)]), class_="key")
                  for (_, label), color in zip(OUTCOMES, _OUTCOME_COLORS))
    note = "红色虚线：上年结转与上年报告不符的年度" if marked else ""
    return tag("div", join([
        tag("figure", join([tag("h3", received_title), received, tag("figcaption", note)]), id="trend-received"),
        tag("figure", join([tag("h3", outcomes_title), outcomes, tag("figcaption", legend)]), id="trend-outcomes"),
    ]), class_="pair")


def _rows(years: Sequence[BodyYear]) -> list[tuple[str, str, str]]:
    """(table, key, label) of every figure a year holds, in the form's order: the active table's cells, the
    requests table's 总计 column by row (its group headings with an empty key), the appeals table's cells."""
    keys = {t: {k for y in years for k in y.values.get(t, {})} for t in ("active", "requests", "appeals")}
    template = next((y.template for y in reversed(years) if y.report_id), "2021")
    out = [("active", f"{r}.{c}", column_label("active", f"{r}.{c}"))
           for block, rows in active_blocks(keys["active"], template) for r in rows for c in block.columns
           if f"{r}.{c}" in keys["active"]]
    present = {k.rpartition(".")[0] for k in keys["requests"]}
    out += [("requests", "" if heads else f"{row.key}.total", row.brief) for row, heads in form_request_rows(present)]
    out += [("appeals", k, column_label("appeals", k)) for k in all_keys("appeals") if k in keys["appeals"]]
    return out


def _years_table(years: Sequence[BodyYear], breaks: Mapping[tuple[int, str], list[FindingRow]]) -> Html:
    head = [tag("th", "")]
    for y in years:
        label = STATUS_LABELS.get(y.status, y.status)
        head.append(tag("th", join([tag("a", str(y.year), href=up(report_page(y.report_id))) if y.report_id
                                    else Html(str(y.year)), tag("div", label, class_=f"cov {y.status}")]),
                        class_="num", title=y.detail))
    headings = {t.id: t.heading for t in TABLES}
    body, table_now = [], None
    for table, key, label in _rows(years):
        if table != table_now:
            body.append(tag("tr", tag("th", headings[table], colspan=len(years) + 1, class_="block")))
            table_now = table
        if not key:
            body.append(tag("tr", join([tag("th", label, class_="label group"), tag("td", "", colspan=len(years),
                                                                                   class_="group")])))
            continue
        cells = [tag("th", label, class_="label")]
        for y in years:
            found = breaks.get((y.year, f"{table}.{key}"), [])
            stored = y.values.get(table, {}).get(key)
            text = "" if stored is None else number(stored.value) if stored.value is not None else "空白"
            classes = "num" + (" blank" if stored is not None and stored.value is None else "") + (
                " flag lead error" if found else "")
            cells.append(tag("td", text, class_=classes, data_key=f"{table}.{key}", data_year=y.year,
                             title="\n".join(f"{CODE_LABELS[CARRY]}：{f.message}" for f in found) or None))
        body.append(tag("tr", join(cells)))
    return tag("div", tag("table", join([tag("thead", tag("tr", join(head))), tag("tbody", join(body))]),
                          id="years", class_="form"), class_="scroll")


def render_body(body: BodyPage) -> str:
    """The body's page (in ``bodies/``: links go up one folder)."""
    breaks = _carry_breaks(body.years)
    listed = [tag("li", join([tag("b", f"{y.year}年 "), tag("span", f.message)]), class_="error")
              for y in body.years for f in y.findings if f.code == CARRY]
    main = tag("main", join([
        tag("nav", tag("a", "总览", href=up(INDEX))),
        tag("h1", body.name),
        tag("p", f"地区 {body.region}；报告中出现过的名称：{'、'.join(body.names) or '—'}", class_="sub"),
        tag("section", join([tag("h2", "趋势"), _charts(body.years, breaks)]), id="trends"),
        tag("section", join([tag("h2", f"上年结转与上年报告不符（{len(listed)} 处）"),
                             tag("ol", join(listed), class_="findings") if listed else tag("p", "无", class_="ok")]),
            id="carry"),
        tag("section", join([tag("h2", "各年度数据对照"), _years_table(body.years, breaks)]), id="side-by-side"),
    ]))
    return page(f"{body.name} · xxgk 审阅", main, root="../")
