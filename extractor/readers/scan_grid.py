"""The ruling lines of a cleaned page image, as a PDF page's drawing gives them.

Morphology keeps what is long and thin: an opening with a kernel as long as
a short ruling line keeps the lines across the page and drops the text (a
character, even "一" or a dash, is shorter); the same down the page. Each
connected piece that is left is one ruling segment, measured by its box,
so a line scanned two or three pixels thick is one line, not three. A piece
thicker on average than any line (a block of dark fill the cleaning left)
is no line.

The segments go, in points, to the same grid code as a PDF's drawn lines
(:func:`.layout.ruling.ruled_grids`).
"""
from __future__ import annotations

import cv2
import numpy as np

from .layout.geometry import Ruling, Segment

__all__ = ["page_ruling"]

#: Pixel value (0–255, cleaned page) below which a pixel belongs to a ruling line whatever is beside it
#: (where a line down crosses a line across).
_LINE_INK = 200
#: A pixel darker by this much (0–255) than the pixels ``_REACH`` points to either side of it, on average
#: over ``_ALONG`` points along the line (which evens out the scanner's noise), may be part of a ruling line,
#: however light it is printed.
_CONTRAST = 10
_REACH = 1.2
_ALONG = 1.2
#: A line at least this long (points: a column or two of a table, longer than a run of labels' strokes)
#: need only be ``_COVERED`` ridge, gaps of up to ``_GAP`` pixels in it closed.
_MOSTLY = 60.0
_COVERED = 0.85
_GAP = 7
#: A ruling line is at least this long (points) across the page: longer than any character or "——"...
_ACROSS = 28.0
#: ...or down it: a line down two rows of a table, shorter than the strokes of a large title.
_DOWN = 20.0
#: A ruling line is thinner than this (points), on average along it (a line left a trace askew is thin, its
#: box not); a thicker piece is a block of fill or a seal's bar.
_THICK = 4.0
#: A stretch of a found line's row between two lines across it is a piece of the line when this share of it
#: is ridge within ``_WOBBLE`` points of the row.
_STRETCH_COVERED = 0.6
_WOBBLE = 0.8


def page_ruling(gray: np.ndarray, per_point: float) -> tuple[Ruling, np.ndarray]:
    """The horizontal and vertical ruling lines of a cleaned page (H×W uint8), in points; and the page with
    its tables' lines (and a pixel round them) painted white, from which the text is read."""
    (across, across_ridges), (down, down_ridges) = _lines(gray, per_point)
    scale = 1 / per_point
    horizontal = _segments(across, scale, per_point)
    vertical = _segments(down.T, scale, per_point)
    ruling = Ruling(_completed(horizontal, vertical, across_ridges, per_point),
                    _completed(vertical, horizontal, down_ridges.T, per_point))
    text = gray.copy()
    text[cv2.dilate(_tables(across | down, round(_MOSTLY * per_point)), np.ones((3, 3), np.uint8)) > 0] = 255
    return ruling, text


def _tables(lines: np.ndarray, size: int) -> np.ndarray:
    """The lines that hang together into something at least ``size`` pixels both ways: a table's ruling, not
    the long stroke of a title's character, which stays in the text."""
    count, labels, stats, _ = cv2.connectedComponentsWithStats(lines, connectivity=8)
    big = np.flatnonzero((stats[:, cv2.CC_STAT_WIDTH] >= size) & (stats[:, cv2.CC_STAT_HEIGHT] >= size))
    return np.isin(labels, big[big > 0]).astype(np.uint8)


def _lines(gray: np.ndarray, per_point: float) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """The ink of long thin runs across the page and down it (0/1 masks), each with its ridge pixels.

    A pixel of a line across is darker than the pixels a little above and
    below it (a ridge), however light the line is printed; the edge of a
    fill is dark on one side only and is no ridge. Where a line down crosses
    it, the line across is dark on both sides: so each direction's ridges
    count the other direction's dark pixels too, and a line is not cut at
    every crossing. Gaps are not bridged in short lines: a character's
    stroke, the row line under it and the stroke of the character below
    would make a "line" down a column of labels, a pixel or two of white
    apart each (and the strokes of characters side by side one across). A
    long line need only be mostly there (:func:`_mostly`): a light line the
    scanner's noise has broken is still a line (ridges only: a line of bold
    text is mostly dark too).
    """
    down, ridges = _along_rows(np.ascontiguousarray(gray.T), per_point, _DOWN)
    return _along_rows(gray, per_point, _ACROSS), (np.ascontiguousarray(down.T), np.ascontiguousarray(ridges.T))


def _along_rows(gray: np.ndarray, per_point: float, length: float) -> tuple[np.ndarray, np.ndarray]:
    """The pixels of the lines along the rows of ``gray`` (0/1): lines across, or down in the transposed page;
    and the ridge pixels they were found from."""
    reach = max(2, round(_REACH * per_point))
    along = max(3, round(_ALONG * per_point))
    signed = gray.astype(np.float32)
    beside = np.minimum(np.roll(signed, reach, axis=0), np.roll(signed, -reach, axis=0))
    ridges = (cv2.blur(beside - signed, (along, 1)) > _CONTRAST).astype(np.uint8)
    inked = ridges | (gray < _LINE_INK).astype(np.uint8)
    strict = cv2.morphologyEx(inked, cv2.MORPH_OPEN,
                              cv2.getStructuringElement(cv2.MORPH_RECT, (round(length * per_point), 1)))
    return strict | _mostly(ridges, round(_MOSTLY * per_point)), ridges


def _mostly(ridges: np.ndarray, length: int) -> np.ndarray:
    """The ridge pixels (short gaps closed) of the runs along the rows ``length`` long that are at least
    ``_COVERED`` ridge."""
    covered = cv2.blur(ridges.astype(np.float32), (length, 1)) >= _COVERED
    spans = cv2.dilate(covered.astype(np.uint8), cv2.getStructuringElement(cv2.MORPH_RECT, (length, 1)))
    closed = cv2.morphologyEx(ridges, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (_GAP, 1)))
    return spans & closed


def _segments(mask: np.ndarray, scale: float, per_point: float) -> list[Segment]:
    """Each connected run of a mask of lines along its rows as a segment (row, start, end) in points: a
    horizontal line's (y, x0, x1), or in the transposed mask a vertical line's (x, y0, y1)."""
    count, _, stats, _ = cv2.connectedComponentsWithStats(np.ascontiguousarray(mask), connectivity=8)
    segments = []
    for left, top, width, height, area in stats[1:count].tolist():
        if area / width <= _THICK * per_point:
            segments.append(((top + height / 2) * scale, left * scale, (left + width) * scale))
    return segments


def _completed(lines: list[Segment], crossing: list[Segment], ridges: np.ndarray, per_point: float
               ) -> list[Segment]:
    """``lines`` (one direction's segments, points) with the stretches the scan broke up put back.

    A light line printed on noisy paper comes out of the scanner in pieces,
    or missing for a cell's width: the grid would merge the cells it
    divides. Where a line was found, the other direction's lines cut its row
    into stretches (one a cell wide each); a stretch its ridge pixels mostly
    cover (``_STRETCH_COVERED``, within ``_WOBBLE`` points of the row, which
    a trace of tilt leaves) is a piece of the line. A row of text never
    covers a stretch that much; the border a merged cell does not have is
    not there at all.
    """
    wobble = max(1, round(_WOBBLE * per_point))
    added = []
    for row, pieces in _rows(lines):
        stops = sorted({s[0] for s in crossing if s[1] - _WOBBLE <= row <= s[2] + _WOBBLE})
        band = ridges[max(round(row * per_point) - wobble, 0):round(row * per_point) + wobble + 1]
        for start, end in zip(stops, stops[1:]):
            x0, x1 = round(start * per_point) + wobble, round(end * per_point) - wobble
            if (x1 > x0 and band.size and _touches(pieces, start, end)
                    and band[:, x0:x1].any(axis=0).mean() >= _STRETCH_COVERED):
                added.append((row, start, end))
    return lines + added


def _rows(lines: list[Segment]) -> list[tuple[float, list[Segment]]]:
    """The distinct positions of ``lines`` (points), those within ``_WOBBLE`` of each other taken as one, each
    with its pieces."""
    rows: list[tuple[float, list[Segment]]] = []
    for line in sorted(lines):
        if rows and line[0] - rows[-1][0] <= _WOBBLE:
            rows[-1][1].append(line)
        else:
            rows.append((line[0], [line]))
    return rows


def _touches(pieces: list[Segment], start: float, end: float) -> bool:
    """Whether a found piece of a row reaches into the stretch from ``start`` to ``end`` or touches it: a
    stretch far from any (a "1" under a column line of another table) is not that line's."""
    return any(piece[1] <= end + _WOBBLE and piece[2] >= start - _WOBBLE for piece in pieces)
