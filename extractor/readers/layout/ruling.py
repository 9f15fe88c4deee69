"""Ruling lines to table grids: which drawn lines enclose which cells.

pdfplumber finds cells by testing, for every intersection of two lines, which
rectangle of intersections it closes (``intersections_to_cells``), a few
milliseconds a page in Python. Reports' tables are grids, so this module works
on the grid instead: the distinct x of the vertical lines and y of the
horizontal lines cut a table into slots; two neighbouring slots belong to one
(merged) cell when no line separates them. That gives the true grid — each
cell with its row, column and spans — in one pass over the slots.

Lines are first snapped and joined as pdfplumber's table finder does (and
with its tolerances, :class:`.settings.LayoutSettings`): positions within
3 pt are one line, pieces of a line with gaps under 3 pt are one piece. Lines
are then grouped into tables by which lines touch.
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field

from ...document import BBox
from .geometry import Ruling, Segment
from .settings import LayoutSettings

__all__ = ["Grid", "page_grids", "ruled_grids"]


@dataclass(slots=True)
class Grid:
    """A ruled table: its column and row lines and its cells as (row, col, rowspan, colspan)."""

    xs: list[float]
    ys: list[float]
    spans: list[tuple[int, int, int, int]]
    _owner: list[int | None] = field(default_factory=list)

    def __post_init__(self) -> None:
        cols = len(self.xs) - 1
        self._owner = [None] * (cols * (len(self.ys) - 1))
        for index, (row, col, rowspan, colspan) in enumerate(self.spans):
            for r in range(row, row + rowspan):
                self._owner[r * cols + col:r * cols + col + colspan] = [index] * colspan

    @property
    def bbox(self) -> BBox:
        return self.xs[0], self.ys[0], self.xs[-1], self.ys[-1]

    def __len__(self) -> int:
        """How many cells the grid has."""
        return len(self.spans)

    def rects(self) -> list[BBox]:
        """Each cell's box, in the order of ``spans``."""
        xs, ys = self.xs, self.ys
        return [(xs[col], ys[row], xs[col + colspan], ys[row + rowspan]) for row, col, rowspan, colspan in self.spans]

    def cell_at(self, x: float, y: float) -> int | None:
        """The index of the cell a point falls in, or None outside every cell."""
        cols = len(self.xs) - 1
        col, row = bisect_right(self.xs, x) - 1, bisect_right(self.ys, y) - 1
        if 0 <= col < cols and 0 <= row < len(self.ys) - 1:
            return self._owner[row * cols + col]
        return None


def page_grids(ruling: Ruling, settings: LayoutSettings) -> list[Grid]:
    """The ruled tables a page's lines draw; none from fewer lines than one cell's sides (a page of text
    with a rule under its heading is not laid out)."""
    return ruled_grids(ruling, settings) if len(ruling) >= settings.min_edges else []


def ruled_grids(ruling: Ruling, settings: LayoutSettings) -> list[Grid]:
    """The tables the ruling lines of a page draw, top to bottom (single cells are frames, not tables)."""
    horizontal, vertical = _merged(ruling.horizontal, settings), _merged(ruling.vertical, settings)
    touch = settings.touch_tolerance
    grids = [_grid(_closed(h, v, touch), v, touch) for h, v in _touching_groups(horizontal, vertical, touch)]
    return sorted((g for g in grids if len(g.spans) > 1), key=lambda g: g.ys[0])


def _closed(horizontal: list[Segment], vertical: list[Segment], touch: float) -> list[Segment]:
    """A table's horizontal lines, with a line across its top or bottom where its column lines run on past the
    first or last drawn one.

    A browser that breaks a row over two pages draws no border where it cuts
    the row: the row's column lines run to the page's margin, open. Closing
    the row there keeps its text inside the table, and the stitching joins
    its two halves. A line runs on when it reaches past by more than ``touch``.
    """
    top, bottom = min(s[1] for s in vertical), max(s[2] for s in vertical)
    left, right = min(s[0] for s in vertical), max(s[0] for s in vertical)
    first, last = min(s[0] for s in horizontal), max(s[0] for s in horizontal)
    closing = [(y, left, right) for y, beyond in ((top, first - top), (bottom, bottom - last)) if beyond > touch]
    return sorted(horizontal + closing) if closing else horizontal


def _merged(segments: list[Segment], settings: LayoutSettings) -> list[Segment]:
    """Segments snapped to shared positions and joined where they (nearly) meet, short ones dropped."""
    snap, join, min_length = settings.snap_tolerance, settings.join_tolerance, settings.edge_min_length
    snapped: list[Segment] = []
    cluster: list[Segment] = []
    for segment in sorted(segments):
        if cluster and segment[0] - cluster[-1][0] > snap:
            snapped.extend(_snap(cluster))
            cluster = []
        cluster.append(segment)
    snapped.extend(_snap(cluster))
    joined: list[Segment] = []
    for position, start, end in sorted(snapped):
        if joined and joined[-1][0] == position and start <= joined[-1][2] + join:
            joined[-1] = (position, joined[-1][1], max(joined[-1][2], end))
        else:
            joined.append((position, start, end))
    return [s for s in joined if s[2] - s[1] >= min_length]


def _snap(cluster: list[Segment]) -> list[Segment]:
    if not cluster:
        return []
    position = sum(s[0] for s in cluster) / len(cluster)
    return [(position, start, end) for _, start, end in cluster]


def _touching_groups(horizontal: list[Segment], vertical: list[Segment], touch: float
                     ) -> list[tuple[list[Segment], list[Segment]]]:
    """Horizontal and vertical lines split into groups of lines that touch (come within ``touch``: one group
    per table).

    ``horizontal`` comes sorted by height (from :func:`_merged`), so the lines
    a vertical line may touch are found by bisection.
    """
    parent = list(range(len(horizontal) + len(vertical)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    heights = [y for y, _, _ in horizontal]
    for j, (x, top, bottom) in enumerate(vertical, start=len(horizontal)):
        root = find(j)
        for i in range(bisect_left(heights, top - touch), bisect_right(heights, bottom + touch)):
            _, left, right = horizontal[i]
            if left - touch <= x <= right + touch:
                parent[find(i)] = root
    groups: dict[int, tuple[list[Segment], list[Segment]]] = {}
    for i, segment in enumerate(horizontal + vertical):
        groups.setdefault(find(i), ([], []))[0 if i < len(horizontal) else 1].append(segment)
    return [(h, v) for h, v in groups.values() if len(h) >= 2 and len(v) >= 2]


def _positions(values: list[float], touch: float) -> list[float]:
    """Distinct positions: values within ``touch`` of the one before are the same line."""
    out: list[float] = []
    for value in sorted(values):
        if not out or value - out[-1] > touch:
            out.append(value)
    return out


def _coverage(lines: list[float], segments: list[Segment], touch: float) -> list[list[tuple[float, float]]]:
    """For each line position, the stretches drawn along it (``segments`` sorted by position, within ``touch``
    of it)."""
    positions = [position for position, _, _ in segments]
    return [[(start, end) for _, start, end in
             segments[bisect_left(positions, line - touch):bisect_right(positions, line + touch)]]
            for line in lines]


def _drawn(stretches: list[tuple[float, float]], points: list[float], touch: float) -> list[bool]:
    """For each of the ``points``, whether a stretch (give or take ``touch``) covers it.

    The stretches are joined where they overlap, then each point is looked up
    by bisection among their ends.
    """
    starts: list[float] = []
    ends: list[float] = []
    for start, end in sorted(stretches):
        if ends and start - touch <= ends[-1]:
            ends[-1] = max(ends[-1], end + touch)
        else:
            starts.append(start - touch)
            ends.append(end + touch)
    count = len(ends)
    return [(k := bisect_left(ends, point)) < count and starts[k] <= point for point in points]


def _grid(horizontal: list[Segment], vertical: list[Segment], touch: float) -> Grid:
    """Slots between the lines, joined where no line separates them, as cells on the true grid.

    Cells are read as rectangles straight off the lines where the grid is
    that simple (it nearly always is); otherwise slots are joined one by one.
    """
    xs = _positions([s[0] for s in vertical], touch)
    ys = _positions([s[0] for s in horizontal], touch)
    rows, cols = len(ys) - 1, len(xs) - 1
    mid_y = [(ys[r] + ys[r + 1]) / 2 for r in range(rows)]
    mid_x = [(xs[c] + xs[c + 1]) / 2 for c in range(cols)]
    # v_drawn[c][r]: the column line c is drawn beside row r; h_drawn[r][c]: the row line r above column c.
    v_drawn = [_drawn(stretches, mid_y, touch) for stretches in _coverage(xs, vertical, touch)]
    h_drawn = [_drawn(stretches, mid_x, touch) for stretches in _coverage(ys, horizontal, touch)]
    spans = _rectangles(v_drawn, h_drawn, rows, cols)
    if spans is None:
        spans = _components(v_drawn, h_drawn, rows, cols)
    spans.sort()
    return Grid(xs, ys, spans)


Drawn = list[list[bool]]


def _rectangles(v_drawn: Drawn, h_drawn: Drawn, rows: int, cols: int) -> list[tuple[int, int, int, int]] | None:
    """The cells, when every run of joined slots is a rectangle drawn all round; None when not.

    Each cell is found from its top-left slot: it runs right and down to the
    first drawn lines, and is a cell if no line is drawn inside it and its
    sides are drawn all along (a lone slot open only to the grid's edge is
    no cell). Any other shape is left to :func:`_components` (None).
    """
    taken = [[False] * cols for _ in range(rows)]
    spans = []
    for r in range(rows):
        for c in range(cols):
            if taken[r][c]:
                continue
            c1, r1 = c, r
            while c1 + 1 < cols and not v_drawn[c1 + 1][r]:
                c1 += 1
            while r1 + 1 < rows and not h_drawn[r1 + 1][c]:
                r1 += 1
            if r1 == r and c1 == c:
                if v_drawn[c][r] and v_drawn[c + 1][r] and h_drawn[r][c] and h_drawn[r + 1][c]:
                    spans.append((r, c, 1, 1))
                elif not _open_beside(v_drawn, h_drawn, r, c, rows, cols):
                    return None
                continue
            if any(any(v_drawn[k][r:r1 + 1]) for k in range(c + 1, c1 + 1)) \
                    or any(any(h_drawn[k][c:c1 + 1]) for k in range(r + 1, r1 + 1)) \
                    or any(any(taken[k][c:c1 + 1]) for k in range(r, r1 + 1)) \
                    or not (all(v_drawn[c][r:r1 + 1]) and all(v_drawn[c1 + 1][r:r1 + 1])
                            and all(h_drawn[r][c:c1 + 1]) and all(h_drawn[r1 + 1][c:c1 + 1])):
                return None
            spans.append((r, c, r1 - r + 1, c1 - c + 1))
            for k in range(r, r1 + 1):
                taken[k][c:c1 + 1] = [True] * (c1 - c + 1)
    return spans


def _open_beside(v_drawn: Drawn, h_drawn: Drawn, r: int, c: int, rows: int, cols: int) -> bool:
    """Whether a lone slot's undrawn sides are all on the grid's edge (joined to nothing: no cell, no merge)."""
    return (v_drawn[c][r] or c == 0) and (v_drawn[c + 1][r] or c + 1 == cols) \
        and (h_drawn[r][c] or r == 0) and (h_drawn[r + 1][c] or r + 1 == rows)


def _components(v_drawn: Drawn, h_drawn: Drawn, rows: int, cols: int) -> list[tuple[int, int, int, int]]:
    """The cells of any grid: slots joined where no line separates them, kept where they make a rectangle
    drawn all round."""
    parent = list(range(rows * cols))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for r in range(rows):
        for c in range(cols):
            if c + 1 < cols and not v_drawn[c + 1][r]:
                parent[find(r * cols + c + 1)] = find(r * cols + c)
            if r + 1 < rows and not h_drawn[r + 1][c]:
                parent[find((r + 1) * cols + c)] = find(r * cols + c)
    slots: dict[int, list[tuple[int, int]]] = {}  # each cell's slots, in reading order
    for r in range(rows):
        for c in range(cols):
            slots.setdefault(find(r * cols + c), []).append((r, c))
    spans = []
    for members in slots.values():
        (r0, _), (r1, _) = members[0], members[-1]
        c0, c1 = min(c for _, c in members), max(c for _, c in members)
        if len(members) == (r1 - r0 + 1) * (c1 - c0 + 1) \
                and all(v_drawn[c0][r0:r1 + 1]) and all(v_drawn[c1 + 1][r0:r1 + 1]) \
                and all(h_drawn[r0][c0:c1 + 1]) and all(h_drawn[r1 + 1][c0:c1 + 1]):
            spans.append((r0, c0, r1 - r0 + 1, c1 - c0 + 1))
    return spans
