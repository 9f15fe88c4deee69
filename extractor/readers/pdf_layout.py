"""What is printed on a PDF page, read with pdfium: characters and ruling lines.

pdfplumber reads a page through pdfminer, which costs ~100 ms per page of a
report; pdfium (C) gives the same characters and drawn paths in a few
milliseconds. This module turns one pdfium page into plain geometry in
pdfplumber's coordinate convention (origin top-left, as the page is displayed,
so rotated pages come out upright), which :mod:`.pdf_tables` turns into grids.
Every pdfium call costs about a microsecond plus Python around it, so text
inside the tables is read a word at a time (a word is placed by its first
character), running text a line at a time, and a border drawn as a path of
its own is read from its bounds.

Faux-bold CJK (every character printed twice, slightly offset) is deduplicated
here, so that "规规章章" never reaches a cell. Character boxes are pdfium's
tight glyph boxes: its "loose" boxes come from font metrics, which some
producers set so that a narrow vertical label's box covers half the table.
"""
from __future__ import annotations

import ctypes
import re
from dataclasses import dataclass, field
from itertools import islice, pairwise
from typing import NamedTuple

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from ..document import BBox

__all__ = ["Char", "PageLayout", "Ruling", "Segment", "TextLine", "chars_to_lines", "leading_lines", "page_layout",
           "page_ruling", "page_text"]

Matrix = tuple[float, float, float, float, float, float]
_IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
#: How far apart (pt, about) two copies of one character may be and still be one character.
_DUPLICATE_TOLERANCE = 1.5
#: How far from axis-aligned (pt) a path segment may be and still be a ruling line.
_AXIS_TOLERANCE = 1.0
#: How far (in character heights) a character's baseline may sit from its line's.
_SAME_LINE = 0.3
#: Characters whose glyph sits on the baseline.
_DIGITS = frozenset("0123456789")
#: A word (a run of printed characters: pdfium generates the spaces between them) or a line break.
_WORD_OR_BREAK = re.compile(r"[^\x00-\x20\s]+|\n")
#: A character printed twice in a row: a faux-bold copy, or a number such as "11".
_REPEAT = re.compile(r"(.)\1")
#: How many of its first characters size a line of text.
_SIZE_SAMPLE = 8
#: A path whose bounds are at most this thick (pt; stroke width included) is drawn as one line.
_THIN_PATH = 3.0
#: How deeply form XObjects nested in form XObjects are looked into for ruling lines.
_MAX_FORM_DEPTH = 8


class Char(NamedTuple):
    """One printed character (or word), its box and its baseline (display coordinates, top-left origin).

    A named tuple: a page's worth are made per table page, and a tuple is made several times faster than a
    frozen dataclass.
    """

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    baseline: float


@dataclass(frozen=True, slots=True)
class TextLine:
    """A line of text, how far down its page it sits, and how tall its tallest character is."""

    text: str
    top: float
    size: float


#: A ruling line: its position across (y of a horizontal line, x of a vertical one), its start and end along.
Segment = tuple[float, float, float]


@dataclass(frozen=True, slots=True)
class Ruling:
    """The horizontal and vertical lines drawn on a page."""

    horizontal: list[Segment] = field(default_factory=list)
    vertical: list[Segment] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.horizontal) + len(self.vertical)


@dataclass(frozen=True, slots=True)
class PageLayout:
    """A page's characters and ruling lines, and the lines of text read whole (outside the tables)."""

    number: int
    width: float
    height: float
    chars: list[Char]
    ruling: Ruling
    lines: list[TextLine] = field(default_factory=list)


def page_text(textpage: pdfium.PdfTextPage) -> str:
    """The page's text in reading order, one character per character index: read once, it decides whether
    the page holds a table and is then what :func:`page_layout` and :func:`leading_lines` place."""
    return _text(textpage.raw, pdfium_c.FPDFText_CountChars(textpage.raw))


def page_ruling(page: pdfium.PdfPage) -> Ruling:
    """The horizontal and vertical segments of every drawn path (forms included), upright as displayed.

    Read first because it is cheap: a page with no ruling has no ruled table,
    and its characters need not be read one by one.
    """
    width, height = page.get_size()
    return _ruling(page.raw, _display_transform(page.get_rotation(), width, height))


def page_layout(page: pdfium.PdfPage, textpage: pdfium.PdfTextPage, text: str, number: int,
                ruling: Ruling, regions: list[BBox]) -> PageLayout:
    """Characters and ruling lines of one page, upright as displayed.

    ``text`` is the page's :func:`page_text`. Only the lines of text that start inside one of ``regions`` (the tables'
    boxes) are read word by word; the others, running text, are read whole,
    placed by the boxes of their first characters. pdfium costs a call per
    box, so this is most of the cost saved on a page that holds a table.
    """
    width, height = page.get_size()
    rotation = page.get_rotation()
    display_width, display_height = (height, width) if rotation in (90, 270) else (width, height)
    chars, lines = _Reader.of(page, textpage).read(text, regions)
    return PageLayout(number, display_width, display_height, chars, ruling, lines)


def leading_lines(page: pdfium.PdfPage, textpage: pdfium.PdfTextPage, text: str, count: int) -> list[TextLine]:
    """The first ``count`` lines of a page's text (its :func:`page_text`), each placed and sized by its first
    few characters.

    A line's size is the tallest glyph box among them: glyphs differ in
    height ("一" is flat, digits print smaller than CJK: "2024 年…").
    """
    reader = _Reader.of(page, textpage)
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

    @classmethod
    def of(cls, page: pdfium.PdfPage, textpage: pdfium.PdfTextPage) -> _Reader:
        width, height = page.get_size()
        rotation = page.get_rotation()
        return cls(textpage.raw, _display_transform(rotation, width, height), _box_transform(rotation, width, height))

    def __init__(self, textpage, to_display, box_to_display) -> None:
        self.textpage, self.to_display, self.box_to_display = textpage, to_display, box_to_display
        self.left, self.right, self.bottom, self.top = (ctypes.c_double() for _ in range(4))
        self.origin_x, self.origin_y = ctypes.c_double(), ctypes.c_double()

    def box(self, index: int) -> BBox:
        """A character's tight glyph box as displayed: x0, top, x1, bottom.

        The buffers are passed as they are: ctypes converts them to pointers
        twice as fast as it takes ``byref`` ones.
        """
        left, right, bottom, top = self.left, self.right, self.bottom, self.top
        pdfium_c.FPDFText_GetCharBox(self.textpage, index, left, right, bottom, top)
        return self.box_to_display(left.value, right.value, bottom.value, top.value)

    def baseline(self, index: int) -> float:
        pdfium_c.FPDFText_GetCharOrigin(self.textpage, index, self.origin_x, self.origin_y)
        return self.to_display(self.origin_x.value, self.origin_y.value)[1]

    def read(self, text: str, regions: list[BBox]) -> tuple[list[Char], list[TextLine]]:
        """Printed words inside ``regions`` (whitespace, which pdfium also generates between words, left
        out), duplicates dropped; the lines of text starting outside them, whole.

        A word is one Char with its first character's box (one call instead of
        one per character): that is enough to place it in its cell (a word
        never spans two: pdfium breaks the text at the gap between cells) and
        on its line. A word in which a character repeats is read character by
        character instead: it may hold a faux-bold copy to drop (or be "11").
        """
        chars: list[Char] = []
        lines: list[TextLine] = []
        seen: set[tuple[str, int, int]] = set()
        for words in _line_words(text):
            first = self.box(words[0][0])
            x0, top, x1, bottom = first
            if not _inside((x0 + x1) / 2, (top + bottom) / 2, regions):
                lines.append(TextLine("".join(text[a:b] for a, b in words), top, bottom - top))
                continue
            for a, b in words:
                spelled = text[a:b]
                if _REPEAT.search(spelled) is None:
                    char = self.char(spelled, a, first or self.box(a))
                    if _unseen(char, seen):
                        chars.append(char)
                else:
                    chars.extend(char for char in self.spelled(text, a, b, first) if _unseen(char, seen))
                first = None
        return chars, lines

    def spelled(self, text: str, start: int, end: int, first: BBox | None) -> list[Char]:
        """A word character by character, its first character's box ``first`` when already read."""
        return [self.char(text[i], i, (i == start and first) or self.box(i)) for i in range(start, end)]

    def char(self, text: str, index: int, box: BBox) -> Char:
        """A character (or word) with its baseline: a digit sits on it (its glyph's bottom, no call), any
        other character costs a call for its origin ("一" and quotes print high, "（" hangs low)."""
        return Char(text, *box, box[3] if text[0] in _DIGITS else self.baseline(index))


def _unseen(char: Char, seen: set[tuple[str, int, int]]) -> bool:
    """Whether no copy of a character was seen at (about) its place; if so, it is seen now.

    A copy is the same text on a neighbouring cell of a grid of the duplicate
    tolerance: a faux-bold copy is printed a fraction of a point off.
    """
    text, x, y = char.text, round(char.x0 / _DUPLICATE_TOLERANCE), round(char.top / _DUPLICATE_TOLERANCE)
    if (text, x, y) in seen or (text, x - 1, y) in seen or (text, x + 1, y) in seen \
            or (text, x, y - 1) in seen or (text, x, y + 1) in seen:
        return False
    seen.add((text, x, y))
    return True


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


def _inside(x: float, y: float, regions: list[BBox]) -> bool:
    return any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in regions)


def _text(textpage, count: int) -> str:
    """The first ``count`` characters of a page, one per character index.

    One bulk call when every character is one UTF-16 unit (always, in
    practice: CJK is in the BMP); per character otherwise.
    """
    buffer = (ctypes.c_ushort * (count + 1))()
    written = pdfium_c.FPDFText_GetText(textpage, 0, count, buffer)
    decoded = ctypes.string_at(buffer, 2 * count).decode("utf-16-le", errors="replace")
    if written == count + 1 and len(decoded) == count:
        return decoded
    return "".join(chr(pdfium_c.FPDFText_GetUnicode(textpage, i)) for i in range(count))


def _compose(inner: Matrix, outer: Matrix) -> Matrix:
    a, b, c, d, e, f = inner
    A, B, C, D, E, F = outer
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


def _ruling(raw_page, to_display) -> Ruling:
    """Every path's axis-aligned segments; text and image objects are skipped without being wrapped."""
    ruling = Ruling()
    path, form = pdfium_c.FPDF_PAGEOBJ_PATH, pdfium_c.FPDF_PAGEOBJ_FORM
    kind_of = pdfium_c.FPDFPageObj_GetType
    stack = [(raw_page, pdfium_c.FPDFPage_CountObjects(raw_page), pdfium_c.FPDFPage_GetObject, _IDENTITY)]
    matrix = pdfium_c.FS_MATRIX()
    bounds = _Bounds()
    for _ in range(_MAX_FORM_DEPTH):
        if not stack:
            break
        pending = []
        for container, count, get, parent in stack:
            for i in range(count):
                obj = get(container, i)
                kind = kind_of(obj)
                if kind != path and kind != form:
                    continue
                if kind == path and _add_thin_path(obj, parent, to_display, bounds, ruling):
                    continue
                pdfium_c.FPDFPageObj_GetMatrix(obj, matrix)
                own = _compose((matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f), parent)
                if kind == path:
                    for subpath in _subpaths(obj, own):
                        _add_segments([to_display(x, y) for x, y in subpath], ruling)
                else:
                    pending.append((obj, pdfium_c.FPDFFormObj_CountObjects(obj), pdfium_c.FPDFFormObj_GetObject, own))
        stack = pending
    return ruling


class _Bounds:
    """Buffers for a page object's bounds, made once per page: one call per border, no allocation."""

    __slots__ = ("bottom", "left", "right", "top")

    def __init__(self) -> None:
        self.left, self.bottom, self.right, self.top = (ctypes.c_float() for _ in range(4))


def _add_thin_path(raw_path, parent: Matrix, to_display, bounds: _Bounds, ruling: Ruling) -> bool:
    """Add a path drawn as one line (its bounds thin across) to the ruling from its bounds alone.

    Most producers draw each cell border as a path of its own: one call
    for its bounds instead of four per point. Other paths (rectangles, a
    whole grid in one path, under a skewing form) are left to be read point
    by point; False says so.
    """
    a, b, c, d, e, f = parent
    if b or c:
        return False
    left, bottom, right, top = bounds.left, bounds.bottom, bounds.right, bounds.top
    if not pdfium_c.FPDFPageObj_GetBounds(raw_path, left, bottom, right, top):
        return False
    x0, y0 = to_display(a * left.value + e, d * bottom.value + f)
    x1, y1 = to_display(a * right.value + e, d * top.value + f)
    width, height = abs(x1 - x0), abs(y1 - y0)
    if min(width, height) > _THIN_PATH:
        return False
    if width > height:
        _add_segment(x0, (y0 + y1) / 2, x1, (y0 + y1) / 2, ruling)
    else:
        _add_segment((x0 + x1) / 2, y0, (x0 + x1) / 2, y1, ruling)
    return True


def _subpaths(raw_path, matrix: Matrix) -> list[list[tuple[float, float]]]:
    """A path's points in page space, one list per subpath (closed ones end at their start)."""
    a, b, c, d, e, f = matrix
    x, y = ctypes.c_float(), ctypes.c_float()
    out: list[list[tuple[float, float]]] = []
    for i in range(pdfium_c.FPDFPath_CountSegments(raw_path)):
        segment = pdfium_c.FPDFPath_GetPathSegment(raw_path, i)
        pdfium_c.FPDFPathSegment_GetPoint(segment, x, y)
        point = (a * x.value + c * y.value + e, b * x.value + d * y.value + f)
        if pdfium_c.FPDFPathSegment_GetType(segment) == pdfium_c.FPDF_SEGMENT_MOVETO or not out:
            out.append([point])
        else:
            out[-1].append(point)
        if pdfium_c.FPDFPathSegment_GetClose(segment) and len(out[-1]) > 1:
            out[-1].append(out[-1][0])
    return out


def _add_segments(points: list[tuple[float, float]], ruling: Ruling) -> None:
    """Add the axis-aligned segments of a polyline to the ruling (curves and diagonals skipped)."""
    for (x0, y0), (x1, y1) in pairwise(points):
        _add_segment(x0, y0, x1, y1, ruling)


def _add_segment(x0: float, y0: float, x1: float, y1: float, ruling: Ruling) -> None:
    """Add a segment to the ruling if it is (nearly) horizontal or vertical."""
    if abs(y1 - y0) <= _AXIS_TOLERANCE and abs(x1 - x0) > _AXIS_TOLERANCE:
        ruling.horizontal.append(((y0 + y1) / 2, min(x0, x1), max(x0, x1)))
    elif abs(x1 - x0) <= _AXIS_TOLERANCE and abs(y1 - y0) > _AXIS_TOLERANCE:
        ruling.vertical.append(((x0 + x1) / 2, min(y0, y1), max(y0, y1)))


def chars_to_lines(chars: list[Char]) -> list[TextLine]:
    """Characters grouped into lines by their baselines, each line read left to right.

    Glyph boxes differ in height ("、" is small and low) but characters of a
    line share a baseline; a vertical label has one character per baseline.
    No spaces are put back: glyph gaps mislead ("1 .属于" from a narrow "."),
    Chinese needs none, and a number never spans two cells.
    """
    lines: list[list[Char]] = []
    tallest: list[float] = []
    for ch in sorted(chars, key=lambda c: (c.baseline, c.x0)):
        height = ch.bottom - ch.top
        if lines and abs(ch.baseline - lines[-1][0].baseline) <= _SAME_LINE * max(tallest[-1], height, 1.0):
            lines[-1].append(ch)
            tallest[-1] = max(tallest[-1], height)
            continue
        lines.append([ch])
        tallest.append(height)
    return [TextLine("".join(c.text for c in sorted(line, key=lambda c: c.x0)), min(c.top for c in line), size)
            for line, size in zip(lines, tallest)]
