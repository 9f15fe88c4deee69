"""What is printed on a PDF page, read with pdfium: characters and ruling lines.

pdfplumber reads a page through pdfminer, which costs ~100 ms per page of a
report; pdfium (C) gives the same characters and drawn paths in a few
milliseconds. This module turns one pdfium page into plain geometry in
pdfplumber's coordinate convention (origin top-left, as the page is displayed,
so rotated pages come out upright), which :mod:`.pdf_tables` turns into grids.

Faux-bold CJK (every character printed twice, slightly offset) is deduplicated
here, so that "规规章章" never reaches a cell. Character boxes are pdfium's
tight glyph boxes: its "loose" boxes come from font metrics, which some
producers set so that a narrow vertical label's box covers half the table.
"""
from __future__ import annotations

import ctypes
from dataclasses import dataclass, field
from itertools import pairwise

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

__all__ = ["Char", "PageLayout", "Ruling", "Segment", "TextLine", "chars_to_lines", "page_layout", "page_ruling", "page_text"]

Matrix = tuple[float, float, float, float, float, float]
_IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
#: How far apart (pt, about) two copies of one character may be and still be one character.
_DUPLICATE_TOLERANCE = 1.5
#: How far from axis-aligned (pt) a path segment may be and still be a ruling line.
_AXIS_TOLERANCE = 1.0
#: How far (in character heights) a character's baseline may sit from its line's.
_SAME_LINE = 0.3
#: How deeply form XObjects nested in form XObjects are looked into for ruling lines.
_MAX_FORM_DEPTH = 8


@dataclass(frozen=True, slots=True)
class Char:
    """One printed character, its box and its baseline (display coordinates, top-left origin)."""

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
    """A page's characters and ruling lines."""

    number: int
    width: float
    height: float
    chars: list[Char]
    ruling: Ruling


def page_text(textpage: pdfium.PdfTextPage) -> str:
    """The page's text in reading order, cheaply (to decide whether it holds a table)."""
    return textpage.get_text_range()


def page_ruling(page: pdfium.PdfPage) -> Ruling:
    """The horizontal and vertical segments of every drawn path (forms included), upright as displayed.

    Read first because it is cheap: a page with no ruling has no ruled table,
    and its characters need not be read one by one.
    """
    width, height = page.get_size()
    return _ruling(page.raw, _display_transform(page.get_rotation(), width, height))


def page_layout(page: pdfium.PdfPage, textpage: pdfium.PdfTextPage, number: int,
                ruling: Ruling, limit: int | None = None) -> PageLayout:
    """Characters (the first ``limit`` of them, if given) and ruling lines of one page, upright as displayed."""
    width, height = page.get_size()
    rotation = page.get_rotation()
    to_display = _display_transform(rotation, width, height)
    display_width, display_height = (height, width) if rotation in (90, 270) else (width, height)
    return PageLayout(number, display_width, display_height, _chars(textpage.raw, to_display, limit), ruling)


def _display_transform(rotation: int, width: float, height: float):
    """A function from PDF user space (origin bottom-left) to the displayed page (origin top-left)."""
    if rotation == 90:
        return lambda x, y: (y, x)
    if rotation == 180:
        return lambda x, y: (width - x, y)
    if rotation == 270:
        return lambda x, y: (height - y, width - x)
    return lambda x, y: (x, height - y)


def _chars(textpage, to_display, limit: int | None) -> list[Char]:
    """Printed characters (whitespace, which pdfium also generates between words, left out), duplicates dropped."""
    chars: list[Char] = []
    seen: set[tuple[str, int, int]] = set()
    left, right, bottom, top = (ctypes.c_double() for _ in range(4))
    origin_x, origin_y = ctypes.c_double(), ctypes.c_double()
    unicode_of, box_of, origin_of = (pdfium_c.FPDFText_GetUnicode, pdfium_c.FPDFText_GetCharBox,
                                     pdfium_c.FPDFText_GetCharOrigin)
    count = pdfium_c.FPDFText_CountChars(textpage)
    for i in range(count if limit is None else min(count, limit)):
        code = unicode_of(textpage, i)
        if code <= 32 or chr(code).isspace():
            continue
        box_of(textpage, i, left, right, bottom, top)
        (ax, ay), (bx, by) = to_display(left.value, bottom.value), to_display(right.value, top.value)
        text, x0, y0 = chr(code), min(ax, bx), min(ay, by)
        x, y = round(x0 / _DUPLICATE_TOLERANCE), round(y0 / _DUPLICATE_TOLERANCE)
        if (text, x, y) in seen or (text, x - 1, y) in seen or (text, x + 1, y) in seen \
                or (text, x, y - 1) in seen or (text, x, y + 1) in seen:
            continue
        seen.add((text, x, y))
        origin_of(textpage, i, origin_x, origin_y)
        chars.append(Char(text, x0, y0, max(ax, bx), max(ay, by), to_display(origin_x.value, origin_y.value)[1]))
    return chars


def _compose(inner: Matrix, outer: Matrix) -> Matrix:
    a, b, c, d, e, f = inner
    A, B, C, D, E, F = outer
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


def _ruling(raw_page, to_display) -> Ruling:
    """Every path's axis-aligned segments; text and image objects are skipped without being wrapped."""
    ruling = Ruling()
    stack = [(pdfium_c.FPDFPage_CountObjects(raw_page), lambda i: pdfium_c.FPDFPage_GetObject(raw_page, i),
              _IDENTITY)]
    matrix = pdfium_c.FS_MATRIX()
    for _ in range(_MAX_FORM_DEPTH):
        if not stack:
            break
        pending = []
        for count, get, parent in stack:
            for i in range(count):
                obj = get(i)
                kind = pdfium_c.FPDFPageObj_GetType(obj)
                if kind not in (pdfium_c.FPDF_PAGEOBJ_PATH, pdfium_c.FPDF_PAGEOBJ_FORM):
                    continue
                pdfium_c.FPDFPageObj_GetMatrix(obj, matrix)
                own = _compose((matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f), parent)
                if kind == pdfium_c.FPDF_PAGEOBJ_PATH:
                    for subpath in _subpaths(obj, own):
                        _add_segments([to_display(x, y) for x, y in subpath], ruling)
                else:
                    pending.append((pdfium_c.FPDFFormObj_CountObjects(obj),
                                    lambda k, form=obj: pdfium_c.FPDFFormObj_GetObject(form, k), own))
        stack = pending
    return ruling


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
