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
from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

__all__ = ["Char", "TextLine", "PageLayout", "page_edges", "page_layout", "page_text", "chars_to_lines"]

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


@dataclass(frozen=True, slots=True)
class PageLayout:
    """A page's characters and ruling-line edges (pdfplumber edge dicts)."""

    number: int
    width: float
    height: float
    chars: list[Char]
    edges: list[dict[str, float | str]]


def page_text(textpage: pdfium.PdfTextPage) -> str:
    """The page's text in reading order, cheaply (to decide whether it holds a table)."""
    return textpage.get_text_range()


def page_edges(page: pdfium.PdfPage) -> list[dict[str, float | str]]:
    """Horizontal and vertical segments of every drawn path (forms included), upright as displayed.

    Read first because it is cheap: a page with no ruling has no ruled table,
    and its characters need not be read one by one.
    """
    width, height = page.get_size()
    return _edges(page.raw, _display_transform(page.get_rotation(), width, height))


def page_layout(page: pdfium.PdfPage, textpage: pdfium.PdfTextPage, number: int,
                edges: list[dict[str, float | str]], limit: int | None = None) -> PageLayout:
    """Characters (the first ``limit`` of them, if given) and ruling lines of one page, upright as displayed."""
    width, height = page.get_size()
    rotation = page.get_rotation()
    to_display = _display_transform(rotation, width, height)
    display_width, display_height = (height, width) if rotation in (90, 270) else (width, height)
    return PageLayout(number, display_width, display_height, _chars(textpage.raw, to_display, limit), edges)


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
    count = pdfium_c.FPDFText_CountChars(textpage)
    for i in range(count if limit is None else min(count, limit)):
        code = pdfium_c.FPDFText_GetUnicode(textpage, i)
        if code <= 32 or chr(code).isspace():
            continue
        pdfium_c.FPDFText_GetCharBox(textpage, i, left, right, bottom, top)
        pdfium_c.FPDFText_GetCharOrigin(textpage, i, origin_x, origin_y)
        (ax, ay), (bx, by) = to_display(left.value, bottom.value), to_display(right.value, top.value)
        char = Char(chr(code), min(ax, bx), min(ay, by), max(ax, bx), max(ay, by),
                    to_display(origin_x.value, origin_y.value)[1])
        text, x, y = char.text, round(char.x0 / _DUPLICATE_TOLERANCE), round(char.top / _DUPLICATE_TOLERANCE)
        if (text, x, y) in seen or (text, x - 1, y) in seen or (text, x + 1, y) in seen \
                or (text, x, y - 1) in seen or (text, x, y + 1) in seen:
            continue
        seen.add((text, x, y))
        chars.append(char)
    return chars


def _compose(inner: Matrix, outer: Matrix) -> Matrix:
    a, b, c, d, e, f = inner
    A, B, C, D, E, F = outer
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


def _edges(raw_page, to_display) -> list[dict[str, float | str]]:
    """Every path's axis-aligned segments; text and image objects are skipped without being wrapped."""
    edges: list[dict[str, float | str]] = []
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
                        edges.extend(_segment_edges([to_display(x, y) for x, y in subpath]))
                else:
                    pending.append((pdfium_c.FPDFFormObj_CountObjects(obj),
                                    lambda k, form=obj: pdfium_c.FPDFFormObj_GetObject(form, k), own))
        stack = pending
    return edges


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


def _segment_edges(points: list[tuple[float, float]]) -> list[dict[str, float | str]]:
    """The axis-aligned segments of a polyline as pdfplumber edges (curves and diagonals skipped)."""
    edges: list[dict[str, float | str]] = []
    for (x0, y0), (x1, y1) in zip(points, points[1:]):
        if abs(y1 - y0) <= _AXIS_TOLERANCE and abs(x1 - x0) > _AXIS_TOLERANCE:
            left, right = sorted((x0, x1))
            top = (y0 + y1) / 2
            edges.append({"x0": left, "x1": right, "top": top, "bottom": top, "width": right - left,
                          "height": 0.0, "orientation": "h", "object_type": "line"})
        elif abs(x1 - x0) <= _AXIS_TOLERANCE and abs(y1 - y0) > _AXIS_TOLERANCE:
            top, bottom = sorted((y0, y1))
            left = (x0 + x1) / 2
            edges.append({"x0": left, "x1": left, "top": top, "bottom": bottom, "width": 0.0,
                          "height": bottom - top, "orientation": "v", "object_type": "line"})
    return edges


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
