"""What is printed on a PDF page, read with pdfium: words and ruling lines.

pdfplumber reads a page through pdfminer, which costs ~100 ms per page of a
report; pdfium (C) gives the same characters and drawn paths in a few
milliseconds. This module turns one pdfium page (:mod:`.pdfium_calls`) into
the layout engine's geometry (:mod:`.layout`) in pdfplumber's coordinate convention (origin top-left, as the
page is displayed, so rotated pages come out upright).

Every pdfium call costs about a microsecond plus the Python around it, so a
page is read as coarsely as its use allows: the text of the whole page in one
call; running text a line at a time, placed by its first character; text in a
table a word at a time, each word placed by its first character straight into
the cell of the grid it falls in (a word never spans two cells: pdfium breaks
the text at the gap between them). Only a cell that holds several words has
them laid out in lines, which needs their baselines. A border drawn as a path
of its own is read from its bounds.

Faux-bold CJK (every character printed twice, slightly offset, glyph by glyph
or run by run) never reaches a cell: pdfium's text page drops a copy of a
glyph printed within 0.07 em of the same glyph, and a text object repeating
one of the five before it. Character boxes are pdfium's tight glyph boxes: its
"loose" boxes come from font metrics, which some producers set so that a
narrow vertical label's box covers half the table.
"""
from __future__ import annotations

import ctypes
import re
from collections.abc import Sequence
from itertools import islice, pairwise

import pypdfium2.raw as pdfium_c

from ..document import BBox
from . import pdfium_calls as calls
from ..text import clean_text
from .layout.geometry import CellRegion, Char, PageText, Ruling, TextLine, chars_to_lines, lines_text
from .layout.ruling import Grid
from .layout.settings import LayoutSettings
from .layout.tables import Piece, text_pieces
from .pdfium_calls import Page

__all__ = ["cell_texts", "leading_lines", "opens_inside", "page_pieces", "page_ruling", "page_words"]

Matrix = tuple[float, float, float, float, float, float]
_IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
#: Characters whose glyph sits on the baseline.
_DIGITS = frozenset("0123456789")
#: A word (a run of printed characters: pdfium generates the spaces between them) or a line break.
_WORD_OR_BREAK = re.compile(r"[^\x00-\x20\s]+|\n")
#: How many of its first characters size a line of text.
_SIZE_SAMPLE = 8
#: How deeply form XObjects nested in form XObjects are looked into for ruling lines.
_MAX_FORM_DEPTH = 8


#: A word as read: its start and end in the page's text, and its first character's box.
_Word = tuple[int, int, BBox]


def page_ruling(page: Page, settings: LayoutSettings) -> Ruling:
    """The horizontal and vertical segments of every drawn path (forms included), upright as displayed.

    Read first because it is cheap: a page with no ruling has no ruled table,
    and its words need not be read one by one. What counts as a line
    (straight enough, thin enough) is ``settings``'.
    """
    return _ruling(page, _display_transform(page.rotation, page.width, page.height), settings)


def cell_texts(page: Page, text: str, tables: Sequence[CellRegion], settings: LayoutSettings) -> PageText:
    """The text printed in each cell of ``tables``, and the lines of running text around them.

    ``text`` is the page's text (:func:`.pdfium_calls.page_text`). A line
    whose first word prints inside a table is read word by word, each word
    going to the cell its first character's centre falls in; words of such a
    line that fall in no table are laid out as lines of their own. Other
    lines are running text, read whole.

    pdfium puts no space between two cells' texts when they nearly touch (a
    label filling its cell, a number set close beside it: "…相关政府信息0"), so
    a word whose last character prints in another cell is split at the cell
    borders, character by character.
    """
    reader = _Reader(page)
    cells = _Cells(tables)
    lines: list[TextLine] = []
    for words in _line_words(text):
        first = reader.box(words[0][0])
        if not cells.holds(first):
            lines.append(TextLine("".join(text[a:b] for a, b in words), first[1], first[3] - first[1]))
            continue
        for a, b in words:
            box = first or reader.box(a)
            first = None
            home = cells.home(box)
            if b - a > 1 and cells.home(reader.box(b - 1)) is not home:
                cells.place_apart(reader, a, b, box)
            elif home is not None:
                home.append((a, b, box))
    texts = [[reader.cell_text(text, words, settings) for words in table] for table in cells.placed]
    return PageText(texts, lines + chars_to_lines(reader.chars(text, cells.stray), settings))


class _Cells:
    """The cells of a page's tables, filled word by word, and the words printed beside the tables."""

    def __init__(self, tables: Sequence[CellRegion]) -> None:
        self.placed: list[list[list[_Word]]] = [[[] for _ in range(len(table))] for table in tables]
        self.boxes = [(table.bbox, table, cells) for table, cells in zip(tables, self.placed)]
        self.stray: list[_Word] = []

    def holds(self, box: BBox) -> bool:
        """Whether a character's centre is inside one of the tables."""
        return any(_centre_inside(box, region) for region, _, _ in self.boxes)

    def home(self, box: BBox) -> list[_Word] | None:
        """Where a word starting with a character boxed so goes: the words of the cell its centre is in, the
        stray words when it is in no table, None when it is on a table's border between cells."""
        x, y = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
        for (x0, top, x1, bottom), table, cells in self.boxes:
            if x0 <= x <= x1 and top <= y <= bottom:
                index = table.cell_at(x, y)
                return None if index is None else cells[index]
        return self.stray

    def place_apart(self, reader: _Reader, start: int, end: int, first: BBox) -> None:
        """Place a word that spans cells as the runs of its characters that share a cell."""
        runs: list[tuple[int, BBox, list[_Word] | None]] = []
        for i in range(start, end):
            box = first if i == start else reader.box(i)
            home = self.home(box)
            if not runs or runs[-1][2] is not home:
                runs.append((i, box, home))
        for (run_start, box, home), run_end in zip(runs, [run[0] for run in runs[1:]] + [end]):
            if home is not None:
                home.append((run_start, run_end, box))


def page_words(page: Page, text: str) -> list[Char]:
    """Every printed word of a page, each with its first character's box (for tables drawn without lines)."""
    reader = _Reader(page)
    return reader.chars(text, [(a, b, reader.box(a)) for words in _line_words(text) for a, b in words])


def opens_inside(page: Page, text: str, box: BBox) -> bool:
    """Whether the first character a page prints (of its ``text``) prints inside ``box``."""
    first = next((m.start() for m in _WORD_OR_BREAK.finditer(text) if m.group() != "\n"), None)
    if first is None:
        return False
    return _centre_inside(_Reader(page).box(first), box)


def _centre_inside(box: BBox, region: BBox) -> bool:
    """Whether the centre of ``box`` lies in ``region``."""
    x, y = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    return region[0] <= x <= region[2] and region[1] <= y <= region[3]


def leading_lines(page: Page, text: str, count: int) -> list[TextLine]:
    """The first ``count`` lines of a page's text, each placed and sized by its first few characters.

    A line's size is the tallest glyph box among them: glyphs differ in
    height ("一" is flat, digits print smaller than CJK: "2024 年…").
    """
    reader = _Reader(page)
    lines = []
    for words in islice(_line_words(text), count):
        printed = [i for a, b in words for i in range(a, b)]
        boxes = [reader.box(i) for i in printed[:_SIZE_SAMPLE]]
        lines.append(TextLine("".join(text[i] for i in printed), min(b[1] for b in boxes),
                              max(b[3] - b[1] for b in boxes)))
    return lines


def _display_transform(rotation: int, width: float, height: float):
    """A function from PDF user space (origin bottom-left) to the displayed page (origin top-left)."""
    if rotation == 90:
        return lambda x, y: (y, x)
    if rotation == 180:
        return lambda x, y: (width - x, y)
    if rotation == 270:
        return lambda x, y: (height - y, width - x)
    return lambda x, y: (x, height - y)


def _box_transform(rotation: int, width: float, height: float):
    """A function from a box in PDF user space (left, right, bottom, top) to the displayed box (x0, top, x1, bottom).

    :func:`_display_transform` for boxes, with the corners already in order.
    """
    if rotation == 90:
        return lambda left, right, bottom, top: (bottom, left, top, right)
    if rotation == 180:
        return lambda left, right, bottom, top: (width - right, bottom, width - left, top)
    if rotation == 270:
        return lambda left, right, bottom, top: (height - top, width - right, height - bottom, width - left)
    return lambda left, right, bottom, top: (left, height - top, right, height - bottom)


class _Reader:
    """Characters of one text page with their boxes, through reused ctypes buffers."""

    def __init__(self, page: Page) -> None:
        self.textpage = page.textpage
        self.to_display = _display_transform(page.rotation, page.width, page.height)
        self.box_to_display = _box_transform(page.rotation, page.width, page.height)
        self.left, self.right, self.bottom, self.top = (ctypes.c_double() for _ in range(4))
        self.origin_x, self.origin_y = ctypes.c_double(), ctypes.c_double()

    def box(self, index: int) -> BBox:
        """A character's tight glyph box as displayed: x0, top, x1, bottom."""
        left, right, bottom, top = self.left, self.right, self.bottom, self.top
        calls.char_box(self.textpage, index, left, right, bottom, top)
        return self.box_to_display(left.value, right.value, bottom.value, top.value)

    def baseline(self, index: int) -> float:
        calls.char_origin(self.textpage, index, self.origin_x, self.origin_y)
        return self.to_display(self.origin_x.value, self.origin_y.value)[1]

    def chars(self, text: str, words: list[_Word]) -> list[Char]:
        """Words with their baselines: a digit sits on it (its glyph's bottom, no call), any other character
        costs a call for its origin ("一" and quotes print high, "（" hangs low)."""
        return [Char(text[a:b], *box, box[3] if text[a] in _DIGITS else self.baseline(a)) for a, b, box in words]

    def cell_text(self, text: str, words: list[_Word], settings: LayoutSettings) -> str:
        """The text of a cell's words, line by line; most cells hold one word or none, which need no layout."""
        if len(words) < 2:
            return clean_text(text[words[0][0]:words[0][1]]) if words else ""
        return lines_text(self.chars(text, words), settings)


def _line_words(text: str) -> list[list[tuple[int, int]]]:
    """Start and end index of each word of a page's text, line by line (pdfium puts a line break between
    its lines), lines without a printed character left out; one pass of one pattern over the page."""
    lines: list[list[tuple[int, int]]] = []
    words: list[tuple[int, int]] = []
    for match in _WORD_OR_BREAK.finditer(text):
        if match.group() != "\n":
            words.append(match.span())
        elif words:
            lines.append(words)
            words = []
    if words:
        lines.append(words)
    return lines


def _compose(inner: Matrix, outer: Matrix) -> Matrix:
    a, b, c, d, e, f = inner
    A, B, C, D, E, F = outer
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


def _ruling(page: Page, to_display, settings: LayoutSettings) -> Ruling:
    """Every path's axis-aligned segments, forms looked into; text and image objects are skipped at a glance."""
    thin, axis = settings.thin_path, settings.axis_tolerance
    ruling = Ruling()
    path, form = pdfium_c.FPDF_PAGEOBJ_PATH, pdfium_c.FPDF_PAGEOBJ_FORM
    kind_of = calls.object_type
    matrix = pdfium_c.FS_MATRIX()
    bounds = _Bounds()
    containers = [(calls.page_objects(page), _IDENTITY)]
    for _ in range(_MAX_FORM_DEPTH):
        if not containers:
            break
        forms = []
        for objects, parent in containers:
            for obj in objects:
                kind = kind_of(obj)
                if kind != path and kind != form:
                    continue
                if kind == path and _add_thin_path(obj, parent, to_display, bounds, ruling, thin, axis):
                    continue
                calls.object_matrix(obj, matrix)
                own = _compose((matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f), parent)
                if kind == path:
                    for subpath in _subpaths(obj, own):
                        _add_segments([to_display(x, y) for x, y in subpath], ruling, axis)
                else:
                    forms.append((calls.form_objects(obj), own))
        containers = forms
    return ruling


class _Bounds:
    """Buffers for a page object's bounds, made once per page: one call per border, no allocation."""

    __slots__ = ("bottom", "left", "right", "top")

    def __init__(self) -> None:
        self.left, self.bottom, self.right, self.top = (ctypes.c_float() for _ in range(4))


def _add_thin_path(path: int, parent: Matrix, to_display, bounds: _Bounds, ruling: Ruling, thin: float,
                   axis: float) -> bool:
    """Add a path drawn as one line (its bounds at most ``thin`` across) to the ruling from its bounds alone.

    Most producers draw each cell border as a path of its own: one call
    for its bounds instead of four per point. Other paths (rectangles, a
    whole grid in one path, under a skewing form) are left to be read point
    by point; False says so.
    """
    a, b, c, d, e, f = parent
    if b or c:
        return False
    left, bottom, right, top = bounds.left, bounds.bottom, bounds.right, bounds.top
    if not calls.object_bounds(path, left, bottom, right, top):
        return False
    x0, y0 = to_display(a * left.value + e, d * bottom.value + f)
    x1, y1 = to_display(a * right.value + e, d * top.value + f)
    width, height = abs(x1 - x0), abs(y1 - y0)
    if min(width, height) > thin:
        return False
    if width > height:
        _add_segment(x0, (y0 + y1) / 2, x1, (y0 + y1) / 2, ruling, axis)
    else:
        _add_segment((x0 + x1) / 2, y0, (x0 + x1) / 2, y1, ruling, axis)
    return True


def _subpaths(path: int, matrix: Matrix) -> list[list[tuple[float, float]]]:
    """A path's points in page space, one list per subpath (closed ones end at their start)."""
    a, b, c, d, e, f = matrix
    out: list[list[tuple[float, float]]] = []
    for x, y, starts, closes in calls.path_points(path):
        point = (a * x + c * y + e, b * x + d * y + f)
        if starts or not out:
            out.append([point])
        else:
            out[-1].append(point)
        if closes and len(out[-1]) > 1:
            out[-1].append(out[-1][0])
    return out


def _add_segments(points: list[tuple[float, float]], ruling: Ruling, axis: float) -> None:
    """Add the axis-aligned segments of a polyline to the ruling (curves and diagonals skipped)."""
    for (x0, y0), (x1, y1) in pairwise(points):
        _add_segment(x0, y0, x1, y1, ruling, axis)


def _add_segment(x0: float, y0: float, x1: float, y1: float, ruling: Ruling, axis: float) -> None:
    """Add a segment to the ruling if it is horizontal or vertical, give or take ``axis``."""
    if abs(y1 - y0) <= axis and abs(x1 - x0) > axis:
        ruling.horizontal.append(((y0 + y1) / 2, min(x0, x1), max(x0, x1)))
    elif abs(x1 - x0) <= axis and abs(y1 - y0) > axis:
        ruling.vertical.append(((x0 + x1) / 2, min(y0, y1), max(y0, y1)))


def page_pieces(page: Page, text: str, grids: list[Grid], settings: LayoutSettings
                ) -> tuple[list[Piece], list[TextLine]]:
    """The ruled tables of a page (``grids``, drawn by its ruling) and the running text around them.

    ``text`` is the page's text (:func:`.pdfium_calls.page_text`).
    """
    return text_pieces(cell_texts(page, text, grids, settings), grids, page.number)
