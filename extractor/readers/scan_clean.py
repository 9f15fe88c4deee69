"""A scanned page cleaned for reading: dark ink on white, whatever the paper, fills and stamps, and level.

A scan is grey paper, unevenly lit, with grey or coloured fills behind
header cells, a red seal over the numbers, sensor noise and specks, and a
slight tilt. Each of these breaks something downstream: fills are "ink" to
a fixed threshold (every pixel row of a fill becomes a ruling line), the
seal covers digits, the tilt bends a table's rows across each other.

- The brightest of R, G and B per pixel, plus half how far apart the three
  are: black print is dark in all three and grey, a red seal or a coloured
  fill is bright in one and coloured, so they go white while the text under
  them stays black (only half: JPEG smears a seal's colour over the black
  lines under it).
- A small median filter takes the sensor noise out.
- The background (paper and fills: anything broader than a stroke) is found
  by a grey closing and divided out, so paper and fills become white; a
  fill's straight edges, its cell's border, are drawn in as lines.
- The page is turned level by the angle of its ruling lines (a line fitted through each long rule); a page
  without ruling is levelled by its text lines: the angle at which the rows
  of ink are sharpest (projection profile).
"""
from __future__ import annotations

import math

import cv2
import numpy as np

__all__ = ["clean", "level"]

#: The background is what is left when dark marks narrower than this (points) are closed over: wider than
#: a stroke of bold title text, narrower than a header cell's fill.
_BACKGROUND = 8.0
#: A fill's edge: the background steps by this much (0–255) across it, straight for this long (points: a
#: narrow cell's side); it is drawn in as a line this dark.
_STEP = 16
_EDGE_LENGTH = 20.0
_EDGE_INK = 150
#: How much of a pixel's colour (its brightest channel less its darkest) is added to its brightest channel.
_COLOUR = 0.5
#: Pixel value (0–255, after cleaning) below which a pixel is ink when finding the page's tilt.
_INK = 160
#: Pixel value (0–255, cleaned page) below which a pixel may be part of a rule when finding the tilt: a web
#: page's light grey border counts (the paper is near 250; an opening keeps only long runs of it).
_RULE_INK = 220
#: A piece of ruling line for finding the tilt is at least this long (points)...
_RULE_PIECE = 14.0
#: ...and a rule measured for it at least this long (points): a table's row line, not a dash.
_RULE_LONG = 120.0
#: Tilts larger than this (degrees) are not corrected: a page that is that crooked is turned, not skewed.
_MAX_TILT = 5.0
#: Tilts smaller than this (degrees) are left alone: turning costs a resampling for nothing.
_MIN_TILT = 0.05
#: Projection-profile fallback: the tilts tried (degrees), and how much the page is shrunk for it.
_TRIED = np.arange(-2.0, 2.01, 0.1)
_SHRINK = 4


def clean(rgb: np.ndarray, per_point: float) -> np.ndarray:
    """A page image (H×W×3 or H×W, uint8) as grey ink on white paper (H×W uint8)."""
    if rgb.ndim == 3:
        brightest, darkest = rgb.max(axis=2), rgb.min(axis=2)
        bright = cv2.addWeighted(brightest, 1 + _COLOUR, darkest, -_COLOUR, 0)
    else:
        bright = rgb
    smooth = cv2.medianBlur(np.ascontiguousarray(bright), 3)
    size = max(3, round(_BACKGROUND * per_point) | 1)
    background = cv2.morphologyEx(smooth, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (size, size)))
    flat = cv2.divide(smooth, np.maximum(background, 1), scale=255)
    flat[_fill_edges(background, per_point) > 0] = _EDGE_INK
    return flat


def _fill_edges(background: np.ndarray, per_point: float) -> np.ndarray:
    """Where a fill's edge runs straight across or down the page (0/1): a cell's border, drawn or not.

    A header fill's edge is its cell's border, and the border printed there
    is often no darker than the fill: once the fill goes white the border
    goes with it, and the rows either side merge. The background (paper and
    fills) steps by ``_STEP`` or more at a fill's edge; a step that runs on
    straight for ``_EDGE_LENGTH`` points is an edge.
    """
    length = max(3, round(_EDGE_LENGTH * per_point))
    level = background.astype(np.int16)
    steps_down, steps_across = np.zeros(background.shape, np.uint8), np.zeros(background.shape, np.uint8)
    steps_down[1:-1] = np.abs(level[2:] - level[:-2]) >= _STEP
    steps_across[:, 1:-1] = np.abs(level[:, 2:] - level[:, :-2]) >= _STEP
    across = cv2.morphologyEx(steps_down, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (length, 1)))
    down = cv2.morphologyEx(steps_across, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, length)))
    return across | down


def level(gray: np.ndarray, per_point: float) -> np.ndarray:
    """The cleaned page turned level (white brought in at the corners)."""
    angle = tilt(gray, per_point)
    if abs(angle) < _MIN_TILT:
        return gray
    height, width = gray.shape
    turn = cv2.getRotationMatrix2D((width / 2, height / 2), angle, 1.0)
    return cv2.warpAffine(gray, turn, (width, height), flags=cv2.INTER_CUBIC, borderValue=255)


def tilt(gray: np.ndarray, per_point: float) -> float:
    """How far (degrees, counter-clockwise as cv2 turns) a page must be turned to be level.

    Each long rule across the page is a connected run of ink left by an
    opening with a short horizontal kernel, its gaps (a light line the
    scanner broke up) closed by the same kernel; a straight line fitted through
    its pixels gives its angle to a hundredth of a degree (a Hough
    transform's angle is only as fine as its bins: half a degree left a
    0.3° tilt that draws a table's column line a dozen pixels askew). The
    median rule decides; a page without rules falls back to its text lines.
    """
    piece = max(3, round(_RULE_PIECE * per_point))
    along = cv2.getStructuringElement(cv2.MORPH_RECT, (piece, 1))
    rules = cv2.morphologyEx(cv2.morphologyEx((gray < _RULE_INK).astype(np.uint8), cv2.MORPH_OPEN, along),
                             cv2.MORPH_CLOSE, along)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(rules, connectivity=8)
    long = np.flatnonzero(stats[:, cv2.CC_STAT_WIDTH] >= round(_RULE_LONG * per_point))
    angles = [a for a in (_angle(labels, stats[i], i) for i in long[long > 0]) if abs(a) <= _MAX_TILT]
    if angles:
        return float(np.median(angles))
    return _profile_tilt((gray < _INK).astype(np.uint8))


def _angle(labels: np.ndarray, box: np.ndarray, label: int) -> float:
    """The angle (degrees, as cv2 turns) of the line fitted through one connected rule's pixels."""
    left, top, width, height = (int(v) for v in box[:4])
    ys, xs = np.nonzero(labels[top:top + height, left:left + width] == label)
    slope = float(np.polyfit(xs, ys, 1)[0])
    return math.degrees(math.atan(slope))


def _profile_tilt(ink: np.ndarray) -> float:
    """The tilt at which the rows of ink are sharpest (text lines turned level give the most uneven row sums):
    the best of ``_TRIED``, then of tenth steps round it."""
    small = cv2.resize(ink * 255, (ink.shape[1] // _SHRINK, ink.shape[0] // _SHRINK), interpolation=cv2.INTER_AREA)
    if small.size == 0:
        return 0.0
    coarse = _sharpest(small, _TRIED)
    step = float(_TRIED[1] - _TRIED[0])
    return _sharpest(small, coarse + np.linspace(-step, step, 11))


def _sharpest(small: np.ndarray, angles: np.ndarray) -> float:
    """Which of ``angles`` (degrees) gives a shrunk page's rows of ink the most uneven sums."""
    height, width = small.shape
    best, best_score = 0.0, -1.0
    for angle in angles:
        turn = cv2.getRotationMatrix2D((width / 2, height / 2), float(angle), 1.0)
        rows = cv2.warpAffine(small, turn, (width, height), flags=cv2.INTER_NEAREST).sum(axis=1, dtype=np.float64)
        score = float(np.var(rows))
        if score > best_score:
            best, best_score = float(angle), score
    return best
