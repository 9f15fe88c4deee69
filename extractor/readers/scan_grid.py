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
#: A stretch is a faint line (:func:`_faint`) when in this share of its pieces this long (points) the row
#: is this much darker (0–255, on average along the piece) than the rows beside it, and within this factor
#: of the pieces' median darkening.
_FAINT_SHARE = 0.8
_FAINT_PIECE = 4.0
_FAINT = 4.0
_EVEN = 3.0
#: Pieces of a line this close (points) are one line, and a line meets a line across within it (the layout's
#: touch tolerance: a line that ends this close past one across it is drawn to it).
_JOIN = 3.0
#: A line that runs on past the last line across it by less than this (points: a line of text) may be a
#: stub, text touching the line...
_STUB = 13.0
#: ...unless at least this share of the lines that reach that line across run on past it too.
_COMPANY = 0.5


def page_ruling(gray: np.ndarray, per_point: float) -> tuple[Ruling, np.ndarray]:
    """The horizontal and vertical ruling lines of a cleaned page (H×W uint8), in points; and the page with
    its tables' lines (and a pixel round them) painted white, from which the text is read."""
    (across, across_ridges), (down, down_ridges) = _lines(gray, per_point)
    scale = 1 / per_point
    horizontal, vertical = _without_stubs(_segments(across, scale, per_point), _segments(down.T, scale, per_point))
    ruling = Ruling(_completed(horizontal, vertical, across_ridges, gray, per_point),
                    _completed(vertical, horizontal, down_ridges.T, gray.T, per_point))
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


def _without_stubs(horizontal: list[Segment], vertical: list[Segment]) -> tuple[list[Segment], list[Segment]]:
    """The segments both ways with their stubs cut off (:func:`_trimmed`), again until none is left: a stub is
    judged against lines across that are no stubs themselves (a heading's stroke that crossed a stub)."""
    while True:
        trimmed = _trimmed(horizontal, vertical, _ACROSS), _trimmed(vertical, horizontal, _DOWN)
        if trimmed == (horizontal, vertical):
            return trimmed
        horizontal, vertical = trimmed


def _trimmed(lines: list[Segment], crossing: list[Segment], shortest: float) -> list[Segment]:
    """``lines`` (one direction's segments, points, sorted) without the stubs text left on their ends.

    A character set close to a table touches its lines: the strokes of a
    heading just under the table run on from the column lines' ends, a
    merged cell's text from the top of the column lines below it. The grid
    would read a stub as a line drawn beside a row (a heading becomes a row,
    a merged cell is cut in two). A line's run past the last line across it
    is a stub when it is shorter than a line of text (``_STUB``) and alone:
    where a table is cut by a page break, its column lines run on to the cut
    together (``_COMPANY``). What is left of a piece that was cut must still
    be as long as a line (``shortest``): a bold heading's strokes that made a
    "line" past a column line are no line once cut back to it.
    """
    rows = _rows(crossing)
    runs = [run for _, pieces in _rows(lines) for run in _runs_of(pieces)]
    ends = [_ends(run, rows) for run in runs]
    together = _together([end for pair in ends for end in pair if end is not None])
    kept = []
    for run, (first, last) in zip(runs, ends):
        start = first[1] if first and first[2] and not together[first[:2]] else -np.inf
        end = last[1] if last and last[2] and not together[last[:2]] else np.inf
        for position, piece_start, piece_end in run:
            cut = (max(piece_start, start), min(piece_end, end))
            if cut == (piece_start, piece_end) or cut[1] - cut[0] >= shortest:
                kept.append((position, *cut))
    return sorted(kept)


def _runs_of(pieces: list[Segment]) -> list[list[Segment]]:
    """The pieces of one line position chained into runs: pieces less than ``_JOIN`` apart are one line."""
    runs: list[list[Segment]] = []
    for piece in sorted(pieces, key=lambda s: s[1]):
        if runs and piece[1] <= max(p[2] for p in runs[-1]) + _JOIN:
            runs[-1].append(piece)
        else:
            runs.append([piece])
    return runs


#: One end of a run: which end ("start" or "end"), the position of the line across nearest that end, and
#: whether the run goes on past it by a stub (more than ``_JOIN``, less than ``_STUB``).
_End = tuple[str, float, bool]


def _ends(run: list[Segment], rows: list[tuple[float, list[Segment]]]) -> tuple[_End | None, _End | None]:
    """A run's first and last crossing by a line of the other direction (``rows``, from :func:`_rows`), and
    whether it runs on past each; None for both when nothing crosses it."""
    position = sum(piece[0] for piece in run) / len(run)
    start, end = min(piece[1] for piece in run), max(piece[2] for piece in run)
    across = [row for row, pieces in rows if start - _JOIN <= row <= end + _JOIN
              and any(piece[1] - _JOIN <= position <= piece[2] + _JOIN for piece in pieces)]
    if not across:
        return None, None
    return (("start", across[0], _JOIN < across[0] - start < _STUB),
            ("end", across[-1], _JOIN < end - across[-1] < _STUB))


def _together(ends: list[_End]) -> dict[tuple[str, float], bool]:
    """For each line across at which runs start (or end), whether they run on past it together: two or more,
    and at least ``_COMPANY`` of them, by a stub."""
    votes: dict[tuple[str, float], list[bool]] = {}
    for side, row, stub in ends:
        votes.setdefault((side, row), []).append(stub)
    return {key: sum(stubs) >= max(2.0, _COMPANY * len(stubs)) for key, stubs in votes.items()}


def _completed(lines: list[Segment], crossing: list[Segment], ridges: np.ndarray, gray: np.ndarray,
               per_point: float) -> list[Segment]:
    """``lines`` (one direction's segments, points) with the stretches the scan broke up put back.

    A light line printed on noisy paper comes out of the scanner in pieces,
    or missing for a cell's width or more: the grid would merge the cells it
    divides. Where a line was found, the other direction's lines (those that
    reach it within ``_JOIN``) cut its row into stretches (one a cell wide
    each); a stretch next to a piece of the line (found, or put back) is a
    piece of it too when its ridge pixels mostly cover it
    (``_STRETCH_COVERED``, within ``_WOBBLE`` points of the row, which a
    trace of tilt leaves), or when a faint line runs all along it
    (:func:`_faint`, ``gray`` the page turned as ``ridges`` is). A row of
    text does neither; the border a merged cell does not have is not there
    at all. Only stretches next to the line are measured.
    """
    wobble = max(1, round(_WOBBLE * per_point))
    added = []
    for row, pieces in _rows(lines):
        stops = sorted({s[0] for s in crossing if s[1] - _JOIN <= row <= s[2] + _JOIN})
        y = round(row * per_point)
        band = ridges[max(y - wobble, 0):y + wobble + 1]

        def lined(start: float, end: float) -> bool:
            x0, x1 = round(start * per_point) + wobble, round(end * per_point) - wobble
            return x1 > x0 and band.size > 0 and (band[:, x0:x1].any(axis=0).mean() >= _STRETCH_COVERED
                                                  or _faint(gray, y, x0, x1, per_point))

        found = list(pieces)
        pending = list(zip(stops, stops[1:]))
        while joining := [stretch for stretch in pending if _touches(found, *stretch)]:
            pending = [stretch for stretch in pending if stretch not in joining]
            found += [(row, *stretch) for stretch in joining if lined(*stretch)]
        added += found[len(pieces):]
    return lines + added


def _faint(gray: np.ndarray, row: int, x0: int, x1: int, per_point: float) -> bool:
    """Whether a stretch of a pixel row (``x0``–``x1`` along row ``row`` of ``gray``) holds a line too faint
    for the ridge mask.

    The stretch is cut into pieces ``_FAINT_PIECE`` points long, and each
    piece's pixel rows averaged along it: the noise evens out, and a line
    printed a few levels darker than the paper shows as a dip at one row
    (within ``_WOBBLE`` of ``row``) against the rows ``_REACH`` above and
    below. It is a line when most pieces (``_FAINT_SHARE``) dip by at least
    ``_FAINT``, and evenly (within ``_EVEN`` times of their median either
    way): a line is printed alike all along, while the strokes of a row of
    text dip deep here, not at all there, and rise between characters.
    """
    reach, wobble = max(2, round(_REACH * per_point)), max(1, round(_WOBBLE * per_point))
    piece = max(2, round(_FAINT_PIECE * per_point))
    count = (x1 - x0) // piece
    top = row - wobble - reach
    if count < 1 or top < 0 or row + wobble + reach >= gray.shape[0]:
        return False
    band = gray[top:row + wobble + reach + 1, x0:x0 + count * piece].astype(np.float32)
    profiles = band.reshape(band.shape[0], count, piece).mean(axis=2)
    beside = np.minimum(profiles[:2 * wobble + 1], profiles[2 * reach:2 * reach + 2 * wobble + 1])
    dips = (beside - profiles[reach:reach + 2 * wobble + 1]).max(axis=0)
    middle = float(np.median(dips))
    even = (dips >= _FAINT) & (dips >= middle / _EVEN) & (dips <= middle * _EVEN)
    return float(even.mean()) >= _FAINT_SHARE


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
