"""Ruling lines to table grids: which drawn lines enclose which cells.

pdfplumber finds cells by testing, for every intersection of two lines, which
rectangle of intersections it closes (``intersections_to_cells``), a few
milliseconds a page in Python. Reports' tables are grids, so this module works
on the grid instead: the distinct x of the vertical lines and y of the
horizontal lines cut a table into slots; two neighbouring slots belong to one
(merged) cell when no line separates them. That gives the true grid — each
cell with its row, column and spans — in one pass over the slots.

Lines are first snapped and joined with pdfplumber's ``merge_edges`` (the same
tolerances as its table finder), then grouped into tables by which lines touch.
"""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field

from pdfplumber.table import merge_edges
from pdfplumber.utils import filter_edges

from ..document import BBox

__all__ = ["Grid", "ruled_grids"]

#: pdfplumber's default tolerances (pt) for snapping and joining ruling lines.
_SNAP, _JOIN, _MIN_EDGE = 3.0, 3.0, 3.0
#: How close (pt) two lines must come to touch, and line positions to be one.
_TOUCH = 3.0

Edge = dict


@dataclass(slots=True)
class Grid:
    """A ruled table: its column and row lines and its cells as (row, col, rowspan, colspan)."""

    xs: list[float]
    ys: list[float]
    spans: list[tuple[int, int, int, int]]
    _owner: dict[tuple[int, int], int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for index, (row, col, rowspan, colspan) in enumerate(self.spans):
            for r in range(row, row + rowspan):
                for c in range(col, col + colspan):
                    self._owner[(r, c)] = index

    @property
    def bbox(self) -> BBox:
        return self.xs[0], self.ys[0], self.xs[-1], self.ys[-1]

    def rect(self, index: int) -> BBox:
        row, col, rowspan, colspan = self.spans[index]
        return self.xs[col], self.ys[row], self.xs[col + colspan], self.ys[row + rowspan]

    def cell_at(self, x: float, y: float) -> int | None:
        """The index of the cell a point falls in, or None outside every cell."""
        col, row = bisect_right(self.xs, x) - 1, bisect_right(self.ys, y) - 1
        return self._owner.get((row, col))


def ruled_grids(edges: list[Edge]) -> list[Grid]:
    """The tables the ruling lines of a page draw, top to bottom (single cells are frames, not tables)."""
    merged = filter_edges(merge_edges(filter_edges(edges, min_length=1), _SNAP, _SNAP, _JOIN, _JOIN),
                          min_length=_MIN_EDGE)
    grids = [_grid(h, v) for h, v in _touching_groups(merged)]
    return sorted((g for g in grids if len(g.spans) > 1), key=lambda g: g.ys[0])


def _touching_groups(edges: list[Edge]) -> list[tuple[list[Edge], list[Edge]]]:
    """Horizontal and vertical lines split into groups of lines that touch (one group per table)."""
    horizontal = [e for e in edges if e["orientation"] == "h"]
    vertical = [e for e in edges if e["orientation"] == "v"]
    parent = list(range(len(horizontal) + len(vertical)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for j, v in enumerate(vertical, start=len(horizontal)):
        for i, h in enumerate(horizontal):
            if (h["x0"] - _TOUCH <= v["x0"] <= h["x1"] + _TOUCH
                    and v["top"] - _TOUCH <= h["top"] <= v["bottom"] + _TOUCH):
                parent[find(i)] = find(j)
    groups: dict[int, tuple[list[Edge], list[Edge]]] = {}
    for i, edge in enumerate(horizontal + vertical):
        group = groups.setdefault(find(i), ([], []))
        group[0 if edge["orientation"] == "h" else 1].append(edge)
    return [(h, v) for h, v in groups.values() if len(h) >= 2 and len(v) >= 2]


def _positions(values: list[float]) -> list[float]:
    out: list[float] = []
    for value in sorted(values):
        if not out or value - out[-1] > _TOUCH:
            out.append(value)
    return out


def _coverage(lines: list[float], edges: list[Edge], at: str, start: str, end: str) -> list[list[tuple[float, float]]]:
    """For each line position, the stretches drawn along it."""
    return [[(e[start], e[end]) for e in edges if abs(e[at] - line) <= _TOUCH] for line in lines]


def _drawn(stretches: list[tuple[float, float]], point: float) -> bool:
    return any(a - _TOUCH <= point <= b + _TOUCH for a, b in stretches)


def _grid(horizontal: list[Edge], vertical: list[Edge]) -> Grid:
    """Slots between the lines, joined where no line separates them, as cells on the true grid."""
    xs = _positions([e["x0"] for e in vertical])
    ys = _positions([e["top"] for e in horizontal])
    v_cover = _coverage(xs, vertical, "x0", "top", "bottom")
    h_cover = _coverage(ys, horizontal, "top", "x0", "x1")
    rows, cols = len(ys) - 1, len(xs) - 1
    mid_y = [(ys[r] + ys[r + 1]) / 2 for r in range(rows)]
    mid_x = [(xs[c] + xs[c + 1]) / 2 for c in range(cols)]
    parent = list(range(rows * cols))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for r in range(rows):
        for c in range(cols):
            if c + 1 < cols and not _drawn(v_cover[c + 1], mid_y[r]):
                parent[find(r * cols + c + 1)] = find(r * cols + c)
            if r + 1 < rows and not _drawn(h_cover[r + 1], mid_x[c]):
                parent[find((r + 1) * cols + c)] = find(r * cols + c)
    slots: dict[int, list[tuple[int, int]]] = {}
    for r in range(rows):
        for c in range(cols):
            slots.setdefault(find(r * cols + c), []).append((r, c))
    spans = []
    for members in slots.values():
        r0, r1 = min(r for r, _ in members), max(r for r, _ in members)
        c0, c1 = min(c for _, c in members), max(c for _, c in members)
        enclosed = (all(_drawn(v_cover[c0], mid_y[r]) and _drawn(v_cover[c1 + 1], mid_y[r]) for r in range(r0, r1 + 1))
                    and all(_drawn(h_cover[r0], mid_x[c]) and _drawn(h_cover[r1 + 1], mid_x[c])
                            for c in range(c0, c1 + 1)))
        if enclosed and len(members) == (r1 - r0 + 1) * (c1 - c0 + 1):
            spans.append((r0, c0, r1 - r0 + 1, c1 - c0 + 1))
    spans.sort()
    return Grid(xs, ys, spans)
