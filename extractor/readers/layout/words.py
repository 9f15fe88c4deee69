"""Tables printed without ruling lines, rebuilt from lines of words, guided by the labels the form prints.

Some producers draw no lines at all (or only some). Such a page still prints
each row of the form on one baseline — its label, then its numbers — so rows
are rebuilt from lines. The lines come either from the page's text (pdfium's
lines) or, better, from its words' positions (:func:`words_to_flow`): words
on one baseline make a line, whatever order the producer wrote them in
(LibreOffice writes each cell's text on its own).

- a line ending in numbers is a row: the text before them is its label;
- a label wrapped over lines comes with its numbers between the fragments
  ("（二）部分公开（区分处理的，只计这一情" / "447 7 0 0 0 0 454" /
  "形，不计其他情形）"): a fragment that does not start a label of its own
  finishes the label before it, one that does starts the next row's label;
- characters printed one per line down the side ("三、" "本" "年" …) are a
  vertical group label and are left out of the rows;
- running text (sentences, section headings) ends a table.

With word positions, the numbers of a table are placed in columns: a
column is where numbers of the table print one above another (their extents
overlap), so a blank cell (a zero left out) stays an empty cell in its
column instead of shifting the numbers after it left. From text lines alone
a blank has no position, and a row with blanks comes out short.
"""
from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache

from ...template import (
    ACTIVE,
    APPEAL_GROUPS,
    APPEAL_RESULTS,
    REQUEST_COLUMNS,
    REQUEST_ROWS,
)
from ...values import looks_like_value
from .labels import column_labels, form_labels, headings, is_numbered, label_key
from .geometry import Char
from .settings import LayoutSettings

__all__ = ["Flow", "join_rows", "word_end", "words_to_flow"]

#: A section heading of the report ("五、存在的主要问题及改进情况").
_SECTION = re.compile(r"^[一二三四五六七八九十]+、")
#: Characters of a vertical label sit alone (or two, "三、") on their lines.
_VERTICAL_FRAGMENT = 2
#: How many numbers the appeals table's one row holds: a run of lines with such a row is a table.
_APPEAL_VALUES = len(APPEAL_GROUPS) * len(APPEAL_RESULTS)

Flow = list[str | list[list[str]]]
#: A line of words, left to right.
Line = list[Char]
#: Where something prints across the page: x0, right.
Span = tuple[float, float]


@dataclass(slots=True)
class _Row:
    """A row being rebuilt: its label cells, its numbers (as placed words) and where its label starts."""

    cells: list[str]
    values: list[Char] = field(default_factory=list)
    x0: float = math.nan
    #: Where each label cell prints (x0, right), for header rows read from word positions.
    spans: list[Span] = field(default_factory=list)
    #: A row of the form printed with every cell blank.
    blank: bool = False

    def __len__(self) -> int:
        return len(self.cells) + len(self.values)


def words_to_flow(words: list[Char], is_furniture: Callable[[str], object], settings: LayoutSettings) -> Flow:
    """A page's words (:func:`.layout.page_words`) as running text and tables.

    Words on one line make a line, so a row comes together however its
    cells were written, and blank cells keep their columns. The first and
    last lines are left out when they ``is_furniture`` (page numbers): a page
    number under a table would be read as a row of it. Only those: a row of
    a table may look like a page number ("0 0"). How far apart words may
    print and still be one line, one word or one column is ``settings``'.
    """
    lines = _words_to_lines(words, settings)
    while lines and is_furniture(_text(lines[-1])):
        lines.pop()
    while lines and is_furniture(_text(lines[0])):
        lines.pop(0)
    return _lines_to_flow(lines, settings)


def _words_to_lines(words: list[Char], settings: LayoutSettings) -> list[Line]:
    """Words grouped into the lines of a table's rows, top to bottom.

    Words on one baseline make a line. A label prints a little off the
    baseline of its numbers (cells centre their text vertically; digits are
    shorter than CJK), and a label wrapped over lines straddles them: each
    line of labels joins the line of numbers it overlaps most, if any. Lines
    of numbers are never joined to each other, so a label printed down the
    side of several rows cannot bridge them. Within a line, pieces printed
    one above the other come top to bottom ("（二）部分公开（区分处理的，只计这一情" /
    "形，不计其他情形）").
    """
    if not words:
        return []
    heights = sorted(w.bottom - w.top for w in words)
    typical = heights[len(heights) // 2]
    lines = _join_centred_wraps(_baseline_lines(words, settings.same_baseline * typical), typical, settings)
    rows = [line for line in lines if _is_numbers(line)]
    joined: dict[int, Line] = {id(row): list(row) for row in rows}
    out: list[Line] = []
    for line in lines:
        if id(line) in joined:
            out.append(joined[id(line)])
            continue
        host = max(rows, key=lambda row: _overlap(line, row, typical), default=None)
        if host is not None and _overlap(line, host, typical) >= settings.label_overlap * typical:
            joined[id(host)].extend(line)
        else:
            out.append(list(line))
    return [_join_touching([w for stack in _stacks(sorted(line, key=lambda w: w.top)) for w in stack], typical,
                           settings) for line in out]


def _join_centred_wraps(lines: list[Line], typical: float, settings: LayoutSettings) -> list[Line]:
    """Numbers wrapped in narrow cells and centred on their row put back together on the row's line.

    A wrapped number prints its pieces one above the other in its column
    ("１" / "１" / "２" for 112), the row's other cells on the line through
    its middle: lines of nothing but such pieces right above the row, and
    lines right under it whose pieces start where those above start
    (``settings.column_slack``). Each such column's pieces, the row's own piece
    among them, make one number of the row. Lines are taken from within
    ``settings.wrap_reach`` typical heights of the row, and only when every column
    has pieces on both sides of it.
    """
    consumed: set[int] = set()
    joined: dict[int, Line] = {}
    for r, row in enumerate(lines):
        if r in consumed or _is_wrap_piece(row, settings):
            continue
        above = _wrap_run(lines, r, -1, consumed, typical, settings)
        below = _wrap_run(lines, r, 1, consumed, typical, settings)
        stacked = _stacked_row(row, [lines[k] for k in above], [lines[k] for k in below],
                               settings) if above else None
        if stacked is not None:
            joined[r], used = stacked
            consumed.update(above, below[:used])
    return [joined.get(k, line) for k, line in enumerate(lines) if k not in consumed]


def _is_wrap_piece(line: Line, settings: LayoutSettings) -> bool:
    """A line of at most ``settings.max_wrapped`` numbers alone: pieces of numbers wrapped in their cells."""
    return len(line) <= settings.max_wrapped and all(looks_like_value(w.text) for w in line)


def _wrap_run(lines: list[Line], row: int, step: int, consumed: set[int], typical: float,
              settings: LayoutSettings) -> list[int]:
    """The lines of wrapped pieces next to a row, going up (``step`` -1) or down (1), nearest first."""
    run: list[int] = []
    k = row + step
    while 0 <= k < len(lines) and k not in consumed and _is_wrap_piece(lines[k], settings) \
            and abs(lines[k][0].baseline - lines[row][0].baseline) <= settings.wrap_reach * typical:
        run.append(k)
        k += step
    return run


def _stacked_row(row: Line, above: list[Line], below: list[Line], settings: LayoutSettings
                 ) -> tuple[Line, int] | None:
    """``row`` with the numbers its wrapped pieces make, and how many of the ``below`` lines it took; None when
    the pieces are not each column's top and bottom."""
    slack = settings.column_slack
    columns: list[list[Char]] = [[w] for line in reversed(above) for w in line]
    used = 0
    for line in below:
        homes = [next((c for c in columns if abs(c[0].x0 - w.x0) <= slack), None) for w in line]
        if any(home is None for home in homes):
            break
        for word, home in zip(line, homes):
            home.append(word)
        used += 1
    if any(len(column) < 2 for column in columns):
        return None
    middles = [[w for w in row if looks_like_value(w.text) and abs(w.x0 - column[0].x0) <= slack]
               for column in columns]
    taken = {id(w) for middle in middles for w in middle}
    numbers = [_stacked_number(sorted(column + middle, key=lambda w: w.baseline), row[0].baseline)
               for column, middle in zip(columns, middles)]
    return [w for w in row if id(w) not in taken] + numbers, used


def _stacked_number(pieces: Line, baseline: float) -> Char:
    """One number from its pieces printed one above the other, as wide as the widest piece (:func:`word_end`)."""
    text = "".join(w.text for w in pieces)
    right = max(word_end(w) for w in pieces)
    first = pieces[0]
    return first._replace(text=text, x1=first.x0 + (right - first.x0) / len(text), bottom=pieces[-1].bottom,
                          baseline=baseline)


def _is_numbers(line: Line) -> bool:
    """A line of numbers, perhaps beside a character of a label printed down the side ("本 30 1 0 …")."""
    return any(looks_like_value(w.text) for w in line) and all(
        looks_like_value(w.text) or len(w.text) <= _VERTICAL_FRAGMENT for w in line)


def _baseline_lines(words: list[Char], tolerance: float) -> list[Line]:
    """Words whose baselines lie within ``tolerance`` of the next one's, as lines, top to bottom."""
    lines: list[Line] = []
    for word in sorted(words, key=lambda w: (w.baseline, w.x0)):
        if lines and word.baseline - lines[-1][-1].baseline <= tolerance:
            lines[-1].append(word)
        else:
            lines.append([word])
    return lines


def _overlap(labels: Line, numbers: Line, typical: float) -> float:
    """How far a line of labels (a typical height above its baseline: "一" is flat) overlaps a line of numbers."""
    top, bottom = min(w.baseline for w in labels) - typical, max(w.baseline for w in labels)
    return min(bottom, max(w.bottom for w in numbers)) - max(top, min(w.top for w in numbers))


def _height(line: Line) -> float:
    return max(w.bottom - w.top for w in line)


def word_end(word: Char) -> float:
    """Where a word ends: the layout boxes a word by its first character, the others are about as wide."""
    return word.x0 + (word.x1 - word.x0) * len(word.text)


def _join_touching(line: Line, typical: float, settings: LayoutSettings) -> Line:
    """Words of a line closer than a fraction of a character joined (a word's pieces stacked above it too).

    Numbers join across a wider gap than labels: full-width digits are set
    wide, while the labels of narrow header cells nearly touch.
    """
    joined: Line = []
    for word in line:
        if joined and word.x0 - word_end(joined[-1]) <= _join_gap(joined[-1], word, typical, settings):
            last = joined[-1]
            width = (word_end(word) - last.x0) / len(last.text + word.text)
            joined[-1] = last._replace(text=last.text + word.text, x1=last.x0 + width)
        else:
            joined.append(word)
    return joined


def _join_gap(left: Char, right: Char, typical: float, settings: LayoutSettings) -> float:
    """How far apart (pt) two pieces of a line may print and still be one word.

    Full-width digits are set an em apart, about twice their glyphs' width,
    which is all a piece tells of its width.
    """
    if not looks_like_value(left.text + right.text):
        return settings.same_word * typical
    if _is_wide(left.text[-1]) and _is_wide(right.text[0]):
        return settings.same_wide_number * (right.x1 - right.x0)
    return settings.same_number * typical


def _is_wide(char: str) -> bool:
    return "０" <= char <= "９"


def _text(line: Line) -> str:
    return " ".join(word.text for word in line)


def _lines_to_flow(lines: list[Line], settings: LayoutSettings) -> Flow:
    """Lines as running text and runs of table lines, each run read as a table (or text, if it is none)."""
    flow: Flow = []
    run: list[Line] = []
    for line in lines:
        if not line:
            continue
        text = _text(line)
        if _is_running_text(text, line, settings):
            flow.extend(_run_to_flow(run, settings))
            run = []
            flow.append(text)
        else:
            run.append(line)
    flow.extend(_run_to_flow(run, settings))
    return flow


def _is_running_text(text: str, line: Line, settings: LayoutSettings) -> bool:
    """A sentence or a section heading, which a table never holds (a heading never ends in numbers)."""
    key = label_key(text)
    if "。" in text or len(key) > settings.max_label or any(key.startswith(h) for h in headings()):
        return True
    return (len(key) > _VERTICAL_FRAGMENT and bool(_SECTION.match(key)) and not _split(line)[2]
            and not any(key.startswith(label) or label.startswith(key) for label in form_labels()))


def _split(line: Line) -> tuple[Line, Line, Line]:
    """A line's leading fragment, its label (their words' texts as keys) and the numbers that end it.

    A label of its own starts at a numbered item, so "法提供 2.没有现成信息…"
    is the end of a label from the page before ("法提供") and a new label, and
    in "（三）不 4.保护第三方合法权益" the group label printed beside the row
    is a fragment (the row's own label is the last numbered item).
    """
    count = 0
    while count < len(line) and looks_like_value(line[-1 - count].text):
        count += 1
    labels = [w._replace(text=label_key(w.text)) for w in line[: len(line) - count]]
    start = next((i for i in range(len(labels) - 1, 0, -1) if is_numbered(labels[i].text)), 0)
    return labels[:start], labels[start:], line[len(line) - count:]


def _key(words: Line) -> str:
    return "".join(w.text for w in words)


def _starts_label(text: str) -> bool:
    """Whether a fragment begins a label of its own rather than finishing one.

    Two characters ("申请", "其他") begin too many labels to tell: such a
    fragment starts a label only if it is one.
    """
    if is_numbered(text) or text in form_labels():
        return True
    return len(text) > _VERTICAL_FRAGMENT and any(
        label.startswith(text) or (len(label) > _VERTICAL_FRAGMENT and text.startswith(label)) for label in form_labels())


def _run_to_flow(run: list[Line], settings: LayoutSettings) -> Flow:
    """A run of label-ish lines: one table if it holds enough rows with numbers, else running text.

    Lines without numbers wait until a line with numbers says whether they
    end in the start of its label or are rows of their own (headers, group
    labels; words printed over the numbers rather than left of them). A label
    beside the numbers but left of the label that waits for them is a group
    label down the side ("3.要求提供公开出版" / "（五） 7 3 1 11" / "物"). A
    line without numbers right under a row finishes that row's wrapped
    label, except for words printed left of where the label starts (a group
    label running down the side); one that is a whole row label is a row
    whose cells are all blank.
    """
    rows: list[_Row] = []
    pending: list[Line] = []
    for line in run:
        fragment, label, values = _split(line)
        if not values and not fragment and _is_blank_row(label):
            rows.extend(_label_rows(pending))
            rows.append(_Row([_key(label)], x0=label[0].x0, blank=True))
            pending = []
            continue
        if not values:
            continued = _continuation(label, rows[-1], settings) if rows and rows[-1].cells and rows[-1].values \
                and not fragment and not pending else []
            if continued:
                rows[-1].cells[0] += _key(continued)
            pending.extend(part for part in (fragment, [w for w in label if w not in continued]) if part)
            continue
        if not label and not fragment and not pending and rows and _wrapped_digits(values, rows[-1].values, settings):
            rows[-1].values = [_finish_number(upper, values, settings) for upper in rows[-1].values]
            continue
        if fragment:
            pending.append(fragment)
        if label and pending and _starts_row(_key(pending[-1])) and _beside(label, pending[-1][0].x0, settings):
            pending.insert(len(pending) - 1, label)
            label = []
        start = next((i for i in range(len(pending) - 1, -1, -1) if _starts_label(_key(pending[i]))), len(pending))
        if (label and _starts_label(_key(label))) or (
                not label and all(w.text in column_labels() for part in pending[start:] for w in part)) \
                or any(_over(w, values[0], settings) for part in pending[start:] for w in part):
            start = len(pending)
        rows.extend(_label_rows(pending[:start]))
        text = "".join(_key(part) for part in pending[start:]) + _key(label)
        x0 = (pending[start:] or [label])[0][0].x0 if text else math.nan
        rows.append(_Row([text] if text else [], values, x0))
        pending = []
    rows.extend(_label_rows(pending))
    return [_place(_join_side_labels(rows), settings)] if _is_table(rows, settings) else [_text(line) for line in run]


def _join_side_labels(rows: list[_Row]) -> list[_Row]:
    """Pieces of a group label printed down the side of its rows, joined into the first piece's row.

    "（三）不" prints beside the row "4.保护第三方合法权益" and "予公开" under
    it: each is left alone as a row of its own, with the row between. Rows
    with numbers between the pieces keep the label open.
    """
    joined: list[_Row] = []
    start: _Row | None = None
    for row in rows:
        piece = _side_piece(row)
        if piece and start is not None and _is_label_start(start.cells[0] + piece):
            start.cells[0] += piece
            continue
        if piece:
            start = None if piece in form_labels() else row
        joined.append(row)
    return joined


def _side_piece(row: _Row) -> str:
    """The text of a row that is one piece of a label alone (no numbers, not a blank row), else ""."""
    return row.cells[0] if len(row.cells) == 1 and not row.values and not row.blank else ""


def _wrapped_digits(lower: Line, upper: Line, settings: LayoutSettings) -> bool:
    """Whether a line of numbers alone is the end of numbers wrapped in narrow cells of the row above
    ("14" / "8" in the total column): each starts where a number of two digits or more above starts.
    """
    return len(lower) <= settings.max_wrapped and all(
        any(abs(v.x0 - u.x0) <= settings.column_slack and len(u.text) > 1 for u in upper) for v in lower)


def _finish_number(upper: Char, lower: Line, settings: LayoutSettings) -> Char:
    rest = "".join(v.text for v in lower if abs(v.x0 - upper.x0) <= settings.column_slack)
    return upper._replace(text=upper.text + rest)


def _over(word: Char, number: Char, settings: LayoutSettings) -> bool:
    """Whether a word prints over a row's first number rather than beside it (a column's header, not a label)."""
    return word.x0 >= number.x0 - settings.indent * (word.bottom - word.top)


def _beside(label: Line, x0: float, settings: LayoutSettings) -> bool:
    """Whether a label prints left of where a row's label starts (at ``x0``): a group label down the side."""
    return label[0].x0 < x0 - settings.indent * _height(label)


def _starts_row(text: str) -> bool:
    """Whether a text begins the label of a row (numbered, or the start of one; not of a column: "处理决定数量")."""
    return is_numbered(text) or any(label.startswith(text) for label in _row_labels())


def _is_blank_row(label: Line) -> bool:
    """Whether a line of words is the whole label of a row alone: a row whose cells are all blank."""
    return bool(label) and _key(label) in _row_labels()


@cache
def _row_labels() -> frozenset[str]:
    """Labels of rows that hold numbers and never head a group of rows ("（六）其他处理" may) nor a column ("总计")."""
    rows = (*ACTIVE.rows, *(row for row in REQUEST_ROWS if not row.group and not row.replaces))
    return frozenset(label_key(v) for label in rows for v in label.variants) - column_labels()


def _continuation(label: Line, row: _Row, settings: LayoutSettings) -> Line:
    """The words of a line that finish a row's wrapped label: those not left of where the label starts (nor over
    its numbers: a header repeated below).

    Empty when they begin a label of their own or, without positions, are
    too short to tell from a group label's characters ("益" finishes
    "4.保护第三方合法权" when printed under it).
    """
    end = row.values[0].x0 if row.values else math.inf
    words = [w for w in label if not _beside([w], row.x0, settings) and not w.x0 >= end]
    text = _key(words)
    placed = bool(words) and not math.isnan(row.x0)
    return words if (len(text) > _VERTICAL_FRAGMENT or placed) and not _starts_label(text) else []


def _place(rows: list[_Row], settings: LayoutSettings) -> list[list[str]]:
    """Rows of cell texts, each number in the column it prints under.

    Columns are taken per block of rows under one header (the active table
    prints blocks of one and of three columns): from the header's column
    labels when it names more columns than the numbers fill (a table with
    few rows, the appeals table's one row, leaves whole columns blank),
    else from where the numbers print. A row with blanks gets empty cells
    where its numbers are missing.
    """
    placed: list[list[str]] = []
    for block in _blocks(rows):
        values = [v for row in block for v in row.values]
        columns = _columns([(v.x0, word_end(v)) for v in values], settings)
        heads = _columns(_head_spans(block), settings)
        if len(heads) > len(columns) and all(_fits(row.values, heads) for row in block):
            columns = heads
        placed.extend(row.cells + (_slots(row.values, columns) if row.values or row.blank else []) for row in block)
    return placed


@cache
def _leaf_labels() -> frozenset[str]:
    """Column labels that head a column of numbers of their own (not "行政复议" over five, nor "信息内容")."""
    labels = (*ACTIVE.columns, *REQUEST_COLUMNS, *APPEAL_RESULTS)
    return frozenset(label_key(v) for label in labels for v in label.variants)


def _head_spans(block: list[_Row]) -> list[Span]:
    """Where the header of a block prints the labels of its columns of numbers ("采购总金额（单位：万元）" too)."""
    return [span for row in block if not row.values for cell, span in zip(row.cells, row.spans) if _heads_column(cell)]


def _heads_column(cell: str) -> bool:
    """Whether a header cell is the label of a column of numbers, perhaps with its unit or cut short
    ("采购总金额（单位：万元）", "社会公益" when "组织" printed apart)."""
    head = cell.split("(")[0]
    return head in _leaf_labels() or (len(head) > _VERTICAL_FRAGMENT and any(
        label.startswith(head) for label in _leaf_labels()))


def _fits(values: list[Char], columns: list[Span]) -> bool:
    """Whether a row's numbers fall into distinct columns."""
    return len({_column_of(v, columns) for v in values}) == len(values)


def _column_of(value: Char, columns: list[Span]) -> int:
    """The column a number prints in: the nearest, by left edges, centres or right edges (however aligned)."""
    left, right = value.x0, word_end(value)
    return min(range(len(columns)), key=lambda i: min(
        abs(left - columns[i][0]), abs(right - columns[i][1]), abs(left + right - sum(columns[i])) / 2))


def _blocks(rows: list[_Row]) -> list[list[_Row]]:
    """Rows split before each header row (a row of labels without numbers that names a column)."""
    blocks: list[list[_Row]] = [[]]
    for row in rows:
        if not row.values and any(cell in column_labels() for cell in row.cells) and blocks[-1]:
            blocks.append([])
        blocks[-1].append(row)
    return blocks


def _columns(spans: list[Span], settings: LayoutSettings) -> list[Span]:
    """Overlapping spans (or nearly: within ``settings.column_slack``) merged into columns, left to right
    (numbers of one column overlap however aligned)."""
    columns: list[Span] = []
    for x0, x1 in sorted(spans):
        if columns and x0 <= columns[-1][1] + settings.column_slack:
            columns[-1] = (columns[-1][0], max(columns[-1][1], x1))
        else:
            columns.append((x0, x1))
    return columns


def _slots(values: list[Char], columns: list[Span]) -> list[str]:
    """A row's numbers in the columns they print in, blank columns empty."""
    slots = [""] * len(columns)
    for value in values:
        slots[_column_of(value, columns)] = value.text
    return slots


def _label_rows(parts: list[Line]) -> list[_Row]:
    """Lines of labels between rows of numbers as one row of whole labels.

    Header cells wrap ("本年废" / "止件数", "自然" / "人") and group labels run
    down the side a character or two a line ("三、" "本年" "度办" …): pieces
    are joined while they still spell the start of a label the form prints;
    what is left of one or two characters is layout debris. With positions,
    pieces are joined within a stack (each printed under the one before) and
    the cells come left to right, as the columns they head ("现行有效" prints
    above "信息内容 本年制发件数 …" when its cell wraps and the others do not),
    and a whole row label among them is a row of its own whose cells are all
    blank ("4.保护第三方合法权" / "益" with no numbers beside).
    """
    words = [w for part in parts for w in part]
    cells = [cell for stack in _stacks(words) for cell in _join_pieces(stack)]
    rows: list[_Row] = []
    for text, span in cells:
        if text in _row_labels():
            rows.append(_Row([text], x0=span[0], blank=True))
        elif len(text) > _VERTICAL_FRAGMENT or text in form_labels():
            if not rows or rows[-1].blank:
                rows.append(_Row([]))
            rows[-1].cells.append(text)
            rows[-1].spans.append(span)
    return rows


def _stacks(words: Line) -> list[Line]:
    """Words (top to bottom) in stacks, each word under the one it overlaps, stacks left to right.

    A word on the same baseline is beside, not under (its estimated extent may overlap its neighbour's).
    """
    stacks: list[Line] = []
    for word in words:
        under = [s for s in stacks if s[-1].x0 <= word_end(word) and word.x0 <= word_end(s[-1])
                 and word.baseline - s[-1].baseline > (s[-1].bottom - s[-1].top) / 2]
        if under:
            min(under, key=lambda s: abs(s[-1].x0 - word.x0)).append(word)
        else:
            stacks.append([word])
    return sorted(stacks, key=lambda s: s[0].x0)


def _join_pieces(pieces: Line) -> list[tuple[str, Span]]:
    """Pieces joined while they still spell the start of a label the form prints, with where they print."""
    joined: list[tuple[str, Span]] = []
    for piece in pieces:
        span = (piece.x0, word_end(piece))
        if joined and joined[-1][0] not in form_labels() and _is_label_start(joined[-1][0] + piece.text):
            text, (x0, x1) = joined[-1]
            joined[-1] = (text + piece.text, (min(x0, span[0]), max(x1, span[1])))
        else:
            joined.append((piece.text, span))
    return joined


def _is_label_start(text: str) -> bool:
    return any(label.startswith(text) for label in form_labels())


def _is_table(rows: list[_Row], settings: LayoutSettings) -> bool:
    """Rows make a table when several hold numbers, or one is a row of the form (the appeals row has no label;
    a numbered label counts when it is the form's whole label, "四、结转下年度继续办理", not a heading's start)."""
    with_values = [row for row in rows if len(row) > 1 or row.values]
    return (len(with_values) >= settings.min_value_rows
            or any(len(row) >= _APPEAL_VALUES for row in with_values)
            or any(row.cells and (row.cells[0] in form_labels()
                                  or (_starts_label(row.cells[0]) and not is_numbered(row.cells[0])))
                   for row in with_values))


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
