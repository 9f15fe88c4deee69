"""The three tables laid out like the official form, as rows of spanning cells.

A layout is rows of ``(text, rowspan, colspan)``, the HTML table model that
:func:`extractor.document.place_cells` also reads, so every renderer (HTML
rowspan/colspan, Word gridSpan/vMerge) writes the same grid. Labels come from
:mod:`extractor.template` through :mod:`gencorpus.printed`, values are the
printed cell texts.
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from functools import partial
from itertools import takewhile
from typing import Callable, Mapping, Sequence

from extractor import template

from .printed import print_header, print_label

__all__ = ["SpanCell", "TableLayout", "active_layout", "requests_layouts", "appeals_layout"]

SpanCell = tuple[str, int, int]

#: The two header texts of the form that are not labels of a value (see the official 2021 form).
CONTENT_HEADER = "信息内容"
BALANCE_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"


@dataclass(frozen=True)
class TableLayout:
    """One printed table: its rows, how many of them are the (repeatable) header, and how
    many grid columns on the left hold row labels (printed wider, as on the form)."""

    table: str
    rows: list[list[SpanCell]]
    header_rows: int
    label_columns: int = 0


Printer = Callable[[str], str]


def _spans(total: int, parts: int) -> list[int]:
    """Split ``total`` grid columns over ``parts`` cells, the last cells wider."""
    base, extra = divmod(total, parts)
    return [base + (1 if i >= parts - extra else 0) for i in range(parts)]


def _column_text(column: template.Label, siblings: Sequence[str]) -> str:
    """The printed header of an active column: the variant that fits its block, with its unit.

    One column key can carry different printed labels (``amount`` is 本年收费金额
    under 行政事业性收费 and 采购总金额 under 政府集中采购); the variant sharing the
    longest prefix with the block's other headers is the one that belongs there.
    """
    def shared(variant: str) -> int:
        return max((len(_common_prefix(variant, s)) for s in siblings), default=0)
    text = max(column.variants, key=shared)
    return text + (f"（单位：{column.unit}）" if column.unit else "")


def _common_prefix(a: str, b: str) -> str:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return a[:n]


def active_layout(tmpl: str, texts: Mapping[str, str], drifts: frozenset[str],
                  rng: random.Random) -> TableLayout:
    """Table 二 as the form prints it: per 第二十条 item a title row, a header row, data rows."""
    blocks = template.ACTIVE.blocks[tmpl]
    width = max(len(b.columns) for b in blocks)
    labels = {label.key: label for label in (*template.ACTIVE.rows, *template.ACTIVE.columns)}
    rows: list[list[SpanCell]] = []
    for block in blocks:
        spans = _spans(width, len(block.columns))
        plain = [labels[c].text for c in block.columns]
        headers = [_column_text(labels[c], [p for p in plain if p != labels[c].text]) for c in block.columns]
        rows.append([(block.item, 1, width + 1)])
        rows.append([(CONTENT_HEADER, 1, 1),
                     *((print_header(h, drifts, rng), 1, s) for h, s in zip(headers, spans))])
        for row in block.rows:
            values = [texts[f"{row}.{c}"] for c in block.columns]
            rows.append([(print_label(labels[row].text, drifts, rng), 1, 1),
                         *((v, 1, s) for v, s in zip(values, spans))])
    return TableLayout("active", rows, 0, 1)


def _request_paths(tmpl: str, split_other: bool) -> list[tuple[str, tuple[str, ...]]]:
    """Each data row of table 三 with the chain of labels above it, outermost first.

    Result rows and （七）总计 sit under 三、本年度办理结果; a row with a dotted key
    (``denied.state_secret``) sits under the group row that precedes it, which
    for the split （六） is the （六）其他处理 row itself.
    """
    data_keys = {r.key for r in template.request_rows(tmpl, split_other)}
    results_heading = next(r.text for r in template.REQUEST_ROWS if r.group)
    paths = []
    group = ""
    for row in template.REQUEST_ROWS:
        if row.group or (row.replaces and split_other):
            group = row.text
            continue
        if row.key not in data_keys:
            continue
        chain = (results_heading,) if row.result or row.key == "results_total" else ()
        chain += (group,) if "." in row.key else ()
        paths.append((row.key, (*chain, row.text)))
    return paths


def _body_rows(paths: Sequence[tuple[str, tuple[str, ...]]], texts: Mapping[str, str],
               label: Printer) -> list[list[SpanCell]]:
    """Data rows with the label chain merged down the side (rowspan) and across (colspan)."""
    depth = max(len(chain) for _, chain in paths)
    columns = [c.key for c in template.REQUEST_COLUMNS]
    rows: list[list[SpanCell]] = []
    for i, (key, chain) in enumerate(paths):
        cells: list[SpanCell] = []
        *groups, leaf = chain
        for level, text in enumerate(groups):
            prefix = chain[:level + 1]
            if i and paths[i - 1][1][:level + 1] == prefix:
                continue  # merged into the group cell of a row above
            run = sum(1 for _ in takewhile(lambda path: path[1][:level + 1] == prefix, paths[i:]))
            cells.append((label(text), run, 1))
        cells.append((label(leaf), 1, depth - len(groups)))
        cells.extend((texts[f"{key}.{c}"], 1, 1) for c in columns)
        rows.append(cells)
    return rows


def _requests_header(depth: int, drifts: frozenset[str], rng: random.Random) -> list[list[SpanCell]]:
    person, *orgs, total = (print_header(c.text, drifts, rng) for c in template.REQUEST_COLUMNS)
    applicants, legal_persons = template.REQUEST_HEADER_LABELS
    return [
        [(BALANCE_NOTE, 3, depth), (applicants, 1, len(template.REQUEST_COLUMNS))],
        [(person, 2, 1), (legal_persons, 1, len(orgs)), (total, 2, 1)],
        [(o, 1, 1) for o in orgs],
    ]


def requests_layouts(tmpl: str, split_other: bool, texts: Mapping[str, str], drifts: frozenset[str],
                     rng: random.Random) -> list[TableLayout]:
    """Table 三 as the form prints it; with the ``split`` drift, as two tables each with the header."""
    paths = _request_paths(tmpl, split_other)
    depth = max(len(chain) for _, chain in paths)
    cut = rng.randrange(6, len(paths) - 4) if "split" in drifts else len(paths)
    label: Printer = partial(print_label, drifts=drifts, rng=rng)
    layouts = []
    for part in (paths[:cut], paths[cut:]):
        if part:
            header = _requests_header(depth, drifts, rng)
            layouts.append(TableLayout("requests", header + _body_rows(part, texts, label), len(header), depth))
    return layouts


def appeals_layout(texts: Mapping[str, str], drifts: frozenset[str], rng: random.Random) -> TableLayout:
    """Table 四: 行政复议 and 行政诉讼 over their groups, five results each, one row of values."""
    review, *litigation = template.APPEAL_GROUPS
    results = [print_header(r.text, drifts, rng) for r in template.APPEAL_RESULTS]
    n = len(results)
    rows = [
        [(review.text, 1, n), (template.APPEAL_HEADER_LABELS[0], 1, n * len(litigation))],
        [*((r, 2, 1) for r in results), *((g.text, 1, n) for g in litigation)],
        [(r, 1, 1) for _ in litigation for r in results],
        [(texts[f"{g.key}.{r.key}"], 1, 1) for g in template.APPEAL_GROUPS for r in template.APPEAL_RESULTS],
    ]
    return TableLayout("appeals", rows, 3)
