"""The form's labels as the PDF reader compares them with what a page prints.

A PDF gives text without structure, so the PDF reader leans on the labels of
:mod:`extractor.template` to decide which pages hold tables, where a label cut
by a line or page break continues, and which lines are headers. Labels are
compared as keys: NFKC, without whitespace (:func:`extractor.text.squeeze`).
"""
from __future__ import annotations

import re
from functools import cache

from rapidfuzz import fuzz, process

from ...template import (
    ACTIVE,
    ACTIVE_HEADER_LABELS,
    APPEAL_GROUPS,
    APPEAL_RESULTS,
    REQUEST_COLUMNS,
    REQUEST_HEADER_LABELS,
    REQUEST_ROWS,
    TABLES,
)
from ...text import squeeze as label_key

__all__ = ["block_items", "column_labels", "form_labels", "header_labels", "headings", "is_form_label", "is_numbered",
           "label_key", "unnumbered"]

#: A numbered item starts a label of its own: "一、", "（四）", "2.", "3、" (as keys: "(四)").
_NUMBERED = re.compile(r"^\(?[一二三四五六七八九十\d]+[)、.．]")


def is_numbered(key: str) -> bool:
    """Whether a key starts with an item number ("(四)无法提供", "2.重复申请")."""
    return bool(_NUMBERED.match(key))


def unnumbered(text: str) -> str:
    """The key of a text without the item number it starts with."""
    return _NUMBERED.sub("", label_key(text))


@cache
def block_items() -> frozenset[str]:
    """The 第二十条 block headers of the active table, which span its whole width."""
    return frozenset(label_key(b.item) for blocks in ACTIVE.blocks.values() for b in blocks)


@cache
def form_labels() -> frozenset[str]:
    """Every row and column label the form prints, with its variants and the block headers."""
    labels = (*ACTIVE.rows, *ACTIVE.columns, *REQUEST_ROWS, *REQUEST_COLUMNS, *APPEAL_GROUPS, *APPEAL_RESULTS)
    return frozenset(label_key(v) for label in labels for v in label.variants) | block_items()


#: A key this similar (rapidfuzz ratio, 0–100) to a label the form prints is that label, misread: OCR loses a
#: light "一" ("、本年新收政府信息公开申请数量"), where the rest of a label cut by a page break ("法提供") is
#: far from any whole label.
_MISREAD = 90


def is_form_label(key: str) -> bool:
    """Whether a key is a label the form prints (:func:`form_labels`), or one a character or two from it."""
    return key in form_labels() or process.extractOne(key, _form_label_list(), scorer=fuzz.ratio,
                                                      score_cutoff=_MISREAD) is not None


@cache
def _form_label_list() -> tuple[str, ...]:
    return tuple(sorted(form_labels()))


@cache
def column_labels() -> frozenset[str]:
    """Column headers: text over a row of numbers that is not the row's label."""
    labels = (*ACTIVE.columns, *REQUEST_COLUMNS, *APPEAL_GROUPS, *APPEAL_RESULTS)
    return frozenset(label_key(v) for label in labels for v in label.variants)


@cache
def header_labels() -> frozenset[str]:
    """Every header the form prints: the column labels and the headers over no column of their own ("信息内容")."""
    return column_labels() | frozenset(label_key(h) for h in (*ACTIVE_HEADER_LABELS, *REQUEST_HEADER_LABELS))


@cache
def headings() -> tuple[str, ...]:
    """The section headings the three tables sit under."""
    return tuple(label_key(h) for table in TABLES for h in table.headings)
