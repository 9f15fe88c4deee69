"""Tables printed without ruling lines, read from the page's lines of text.

Some producers draw no lines at all (or only some). Such a page still prints
each row of the form as one line — its label, then its numbers — so rows are
rebuilt from lines, guided by the labels the form prints:

- a line ending in numbers is a row: the text before them is its label;
- a label wrapped over lines comes with its numbers between the fragments
  ("（二）部分公开（区分处理的，只计这一情" / "447 7 0 0 0 0 454" /
  "形，不计其他情形）"): a fragment that does not start a label of its own
  finishes the label before it, one that does starts the next row's label;
- characters printed one per line down the side ("三、" "本" "年" …) are a
  vertical group label and are left out of the rows;
- running text (sentences, section headings) ends a table.

Blank cells cannot be told apart here (a blank has no position in a line of
text), so a row with blanks comes out short; ruled tables never go this way.
"""
from __future__ import annotations

import re

from ..template import APPEAL_GROUPS, APPEAL_RESULTS
from ..values import looks_like_value
from .pdf_labels import column_labels, form_labels, headings, is_numbered, label_key

__all__ = ["Flow", "join_rows", "lines_to_flow"]

#: A section heading of the report ("五、存在的主要问题及改进情况").
_SECTION = re.compile(r"^[一二三四五六七八九十]+、")
#: Characters of a vertical label sit alone (or two, "三、") on their lines.
_VERTICAL_FRAGMENT = 2
#: A label line longer than this, or one holding a full stop, is running text.
_MAX_LABEL = 60
#: A run of lines is a table when it holds this many rows with numbers...
_MIN_VALUE_ROWS = 2
#: ...or the one row of the appeals table.
_APPEAL_VALUES = len(APPEAL_GROUPS) * len(APPEAL_RESULTS)

Flow = list[str | list[list[str]]]


def lines_to_flow(lines: list[str]) -> Flow:
    """A page's lines as running text (str) and tables (rows of cell texts), in order."""
    flow: Flow = []
    run: list[str] = []
    for line in (line.strip() for line in lines):
        if not line:
            continue
        if _is_running_text(line):
            flow.extend(_run_to_flow(run))
            run = []
            flow.append(line)
        else:
            run.append(line)
    flow.extend(_run_to_flow(run))
    return flow


def _is_running_text(line: str) -> bool:
    """A sentence or a section heading, which a table never holds (a heading never ends in numbers)."""
    key = label_key(line)
    if "。" in line or len(key) > _MAX_LABEL or any(key.startswith(h) for h in headings()):
        return True
    return (len(key) > _VERTICAL_FRAGMENT and bool(_SECTION.match(key)) and not _split(line)[2]
            and not any(key.startswith(label) or label.startswith(key) for label in form_labels()))


def _split(line: str) -> tuple[list[str], list[str], list[str]]:
    """A line's leading fragment, its label and the numbers that end it, the texts as words.

    A label of its own starts at a numbered item, so "法提供 2.没有现成信息…"
    is the end of a label from the page before ("法提供") and a new label.
    """
    tokens = line.split()
    count = 0
    while count < len(tokens) and looks_like_value(tokens[-1 - count]):
        count += 1
    words = [label_key(t) for t in tokens[: len(tokens) - count]]
    start = next((i for i, word in enumerate(words) if i and is_numbered(word)), 0)
    return words[:start], words[start:], tokens[len(tokens) - count:]


def _starts_label(text: str) -> bool:
    """Whether a fragment begins a label of its own rather than finishing one.

    Two characters ("申请", "其他") begin too many labels to tell: such a
    fragment starts a label only if it is one.
    """
    if is_numbered(text) or text in form_labels():
        return True
    return len(text) > _VERTICAL_FRAGMENT and any(
        label.startswith(text) or (len(label) > _VERTICAL_FRAGMENT and text.startswith(label)) for label in form_labels())


def _run_to_flow(run: list[str]) -> Flow:
    """A run of label-ish lines: one table if it holds enough rows with numbers, else running text.

    Lines without numbers wait (as lists of words) until a line with numbers
    says whether they end in the start of its label or are rows of their own
    (headers, group labels).
    """
    rows: list[list[str]] = []
    pending: list[list[str]] = []
    for line in run:
        fragment, words, values = _split(line)
        if fragment:
            pending.append(fragment)
        label = "".join(words)
        if not values:
            if rows and not pending and len(rows[-1]) > 1 and len(label) > _VERTICAL_FRAGMENT \
                    and not _starts_label(label):
                rows[-1][0] += label
            elif words:
                pending.append(words)
            continue
        start = next((i for i in range(len(pending) - 1, -1, -1) if _starts_label("".join(pending[i]))),
                     len(pending))
        if (label and _starts_label(label)) or (
                not label and all(w in column_labels() for part in pending[start:] for w in part)):
            start = len(pending)
        rows.extend(_label_rows(pending[:start]))
        label = "".join(w for part in pending[start:] for w in part) + label
        rows.append([label, *values] if label else values)
        pending = []
    rows.extend(_label_rows(pending))
    return [rows] if _is_table(rows) else list(run)


def _label_rows(parts: list[list[str]]) -> list[list[str]]:
    """Lines of labels between rows of numbers as one row of whole labels.

    Header cells wrap ("本年废" / "止件数", "自然" / "人") and group labels run
    down the side a character or two a line ("三、" "本年" "度办" …): pieces
    are joined while they still spell the start of a label the form prints;
    what is left of one or two characters is layout debris.
    """
    words: list[str] = []
    for word in (w for part in parts for w in part):
        if words and words[-1] not in form_labels() and _is_label_start(words[-1] + word):
            words[-1] += word
        else:
            words.append(word)
    kept = [w for w in words if len(w) > _VERTICAL_FRAGMENT or w in form_labels()]
    return [kept] if kept else []


def _is_label_start(text: str) -> bool:
    return any(label.startswith(text) for label in form_labels())


def _is_table(rows: list[list[str]]) -> bool:
    """Rows make a table when several hold numbers, or one is a row of the form (the appeals row has no label)."""
    with_values = [row for row in rows if len(row) > 1 or (row and looks_like_value(row[0]))]
    return (len(with_values) >= _MIN_VALUE_ROWS
            or any(len(row) >= _APPEAL_VALUES for row in with_values)
            or any(_starts_label(row[0]) and not is_numbered(row[0]) for row in with_values))


def join_rows(upper: list[list[str]], lower: list[list[str]]) -> list[list[str]]:
    """The rows of a table read from lines, continued on the next page.

    A label cut by the page break ends the upper rows alone and its rest
    starts the lower rows with the numbers ("一、本年新收政府信息" /
    "公开申请数量 13 15 …"): the two are one row.
    """
    if upper and lower and len(upper[-1]) == 1 and len(lower[0]) > 1 and lower[0][0] \
            and not _starts_label(lower[0][0]):
        return [*upper[:-1], [upper[-1][0] + lower[0][0], *lower[0][1:]], *lower[1:]]
    return upper + lower
