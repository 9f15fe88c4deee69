"""A generated report as a web page, in the styles of the CMSs that publish most reports.

``trs``: a full TRS-like page (navigation, breadcrumbs, footer), cell text in
``<p>``, UTF-8. ``hanweb``: a Hanweb-like page in GBK with ``<span>`` and
``&nbsp;`` padding. ``fragment``: the bare article, as reports embedded in
data files look.
"""
from __future__ import annotations

from html import escape

from .layout import TableLayout
from .printed import is_printed_value
from .report import Report

__all__ = ["ENCODINGS", "render_html"]

#: The encoding each style is written in (Hanweb sites still serve GBK).
ENCODINGS = {"trs": "utf-8", "hanweb": "gbk", "fragment": "utf-8"}


def _cell_html(text: str, style: str) -> str:
    lines = [escape(line) for line in text.split("\n")]
    if style == "trs":
        return "".join(f"<p>{line}</p>" for line in lines)
    if style == "hanweb":
        return "&nbsp;" + "<br/>".join(f'<span style="font-family:宋体;font-size:12pt">{line}</span>' for line in lines)
    return "<br>".join(lines)


def _table_html(layout: TableLayout, style: str) -> str:
    """The table; TRS pages keep numbers on one line (``nowrap``), as their editors do."""
    rows = []
    for row in layout.rows:
        cells = "".join(
            "<td" + (f' rowspan="{rs}"' if rs > 1 else "") + (f' colspan="{cs}"' if cs > 1 else "")
            + (" nowrap" if style == "trs" and is_printed_value(text) else "")
            + f">{_cell_html(text, style)}</td>"
            for text, rs, cs in row
        )
        rows.append(f"<tr>{cells}</tr>")
    attrs = ' border="1" cellspacing="0" cellpadding="0" width="100%"' if style != "fragment" else ""
    return f"<table{attrs}><tbody>{''.join(rows)}</tbody></table>"


def _article(report: Report) -> str:
    style = report.style
    indent = ' style="text-indent:2em"' if style != "fragment" else ""
    parts = [f'<p style="text-align:center"><strong>{escape(report.title)}</strong></p>'] if style == "fragment" else []
    for section in report.sections:
        parts.append(f"<p{indent}><strong>{escape(section.heading)}</strong></p>")
        parts.extend(f"<p{indent}>{escape(p)}</p>" for p in section.paragraphs)
        parts.extend(_table_html(t, style) for t in section.tables)
    return "\n".join(parts)


def _page(report: Report, body: str) -> str:
    charset = ENCODINGS[report.style]
    nav = "".join(f'<li><a href="/{i}/">{name}</a></li>' for i, name in
                  enumerate(("首页", "政务公开", "政务服务", "互动交流", "走进" + report.agency[:3])))
    container = ('<div class="TRS_Editor">{}</div>' if report.style == "trs" else '<div id="zoom">{}</div>').format(body)
    return (
        f'<!DOCTYPE html>\n<html><head><meta http-equiv="Content-Type" content="text/html; charset={charset}">'
        f"<title>{escape(report.title)}</title></head><body>"
        f'<div class="header"><ul class="nav">{nav}</ul></div>'
        '<div class="crumbs">当前位置：首页 &gt; 政务公开 &gt; 政府信息公开年报</div>'
        f'<div class="article"><h1>{escape(report.title)}</h1>'
        f'<div class="info">来源：{escape(report.agency)}　发布日期：{report.year + 1}-01-20</div>'
        f"{container}</div>"
        f'<div class="footer">主办单位：{escape(report.agency)}　网站标识码：3201000001</div>'
        "</body></html>\n"
    )


def render_html(report: Report) -> bytes:
    """The page's bytes, in the encoding its style declares."""
    body = _article(report)
    html = body if report.style == "fragment" else _page(report, body)
    return html.encode(ENCODINGS[report.style])
