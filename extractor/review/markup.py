"""HTML written by hand: escaped text, tags, tables — small enough that the site needs no template engine.

Every page of the review site is built from these few functions, so escaping
happens in one place: text is escaped unless it is already :class:`Html`.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape

import pandas as pd

__all__ = ["Html", "join", "page", "table_html", "tag", "text"]


class Html(str):
    """Text that is already markup: inserted as it is, never escaped again."""


def text(value: object) -> Html:
    """A cell's text, escaped; blanks (None, NaN) as a dash."""
    if isinstance(value, Html):
        return value
    if isinstance(value, str):
        return Html(escape(value))
    if value is None or (not isinstance(value, (list, tuple)) and pd.isna(value)):
        return Html("—")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        return Html(f"{value:,}")
    return Html(escape(str(value)))


def tag(name: str, content: object = "", **attrs: object) -> Html:
    """``<name attrs>content</name>``, content escaped unless it is :class:`Html`; in attribute names a
    trailing ``_`` is dropped (``class_``) and other underscores become hyphens (``text_anchor``)."""
    rendered = "".join(f' {key.rstrip("_").replace("_", "-")}="{escape(str(value))}"'
                       for key, value in attrs.items() if value is not None)
    return Html(f"<{name}{rendered}>{text(content)}</{name}>")


def join(parts: Iterable[str]) -> Html:
    return Html("".join(parts))


def table_html(headers: Sequence[str], rows: Iterable[Sequence[object]], *, id: str,
               numeric: Iterable[int] = ()) -> Html:
    """A table with a header row; the ``numeric`` columns are right-aligned. No rows: one line saying so."""
    right = set(numeric)
    body = [tag("tr", join(tag("td", cell, class_="num" if i in right else None) for i, cell in enumerate(row)))
            for row in rows]
    if not body:
        return tag("p", "无", id=id, class_="empty")
    head = tag("tr", join(tag("th", h, class_="num" if i in right else None) for i, h in enumerate(headers)))
    return tag("table", join([tag("thead", head), tag("tbody", join(body))]), id=id)


def page(title: str, body: str, *, root: str, scripts: Sequence[str] = ()) -> str:
    """A whole HTML document of the site: UTF-8, the site's style sheet and scripts reached through
    ``root`` (the relative way back to the site folder: ``""`` or ``"../"``), nothing from the network."""
    head = join([Html('<meta charset="utf-8">'),
                 Html('<meta name="viewport" content="width=device-width, initial-scale=1">'),
                 tag("title", title), Html(f'<link rel="stylesheet" href="{root}assets/style.css">')])
    tail = join(Html(f'<script src="{root}assets/{name}"></script>') for name in scripts)
    return f'<!DOCTYPE html>\n<html lang="zh-CN">{tag("head", head)}{tag("body", join([body, tail]))}</html>\n'
