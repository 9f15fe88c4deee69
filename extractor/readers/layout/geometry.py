"""The shapes the layout engine works in: characters with their boxes, lines of text, ruling lines.

A PDF's text layer (:mod:`..pdf_page`) and OCR of a scan (:mod:`..ocr`) both
give characters (or words) with boxes and the ruling lines a page draws, in
display coordinates (top-left origin, points); everything in this package
turns those into table grids and running text the same way for both.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import NamedTuple, Protocol

from ...document import BBox
from ...text import clean_text
from .settings import LayoutSettings

__all__ = ["Char", "CellRegion", "PageText", "Ruling", "Segment", "TextLine", "chars_to_lines", "lines_text"]


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


class TextLine(NamedTuple):
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


class CellRegion(Protocol):
    """A table's grid as :func:`cell_texts` fills it: its box, its cells (counted), the cell a point is in."""

    @property
    def bbox(self) -> BBox: ...

    def __len__(self) -> int: ...

    def cell_at(self, x: float, y: float) -> int | None: ...


class PageText(NamedTuple):
    """A table page's text: each table's cell texts (in the order of its cells), the running text's lines,
    and, when OCR read them, how sure the recogniser was of each cell's text (None from a text layer)."""

    cells: list[list[str]]
    lines: list[TextLine]
    confidences: list[Sequence[float | None]] | None = None


def lines_text(chars: list[Char], settings: LayoutSettings) -> str:
    """The text of characters laid out in lines (:func:`chars_to_lines`), a line break between lines, tidied."""
    return clean_text("\n".join(line.text for line in chars_to_lines(chars, settings)))


def chars_to_lines(chars: list[Char], settings: LayoutSettings) -> list[TextLine]:
    """Characters grouped into lines by their baselines, each line read left to right.

    Glyph boxes differ in height ("、" is small and low) but characters of a
    line share a baseline; a vertical label has one character per baseline.
    No spaces are put back: glyph gaps mislead ("1 .属于" from a narrow "."),
    Chinese needs none, and a number never spans two cells. A baseline
    ``settings.same_line`` character heights from a line's is still that line's.
    """
    same_line = settings.same_line
    lines: list[list[Char]] = []
    tallest: list[float] = []
    for ch in sorted(chars, key=lambda c: (c.baseline, c.x0)):
        height = ch.bottom - ch.top
        if lines and abs(ch.baseline - lines[-1][0].baseline) <= same_line * max(tallest[-1], height, 1.0):
            lines[-1].append(ch)
            tallest[-1] = max(tallest[-1], height)
            continue
        lines.append([ch])
        tallest.append(height)
    return [TextLine("".join(c.text for c in sorted(line, key=lambda c: c.x0)), min(c.top for c in line), size)
            for line, size in zip(lines, tallest)]
