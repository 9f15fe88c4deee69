"""The layout engine's tolerances: one frozen dataclass, validated on creation, handed down to every step.

Geometry is read with slack everywhere (a border a fraction of a point off
its neighbour, a label a little above its numbers' baseline), and each
slack is a tolerance a reader may need to tune for an odd producer. They
live here, not as module constants, so that a caller can change one for a
single read (``ReadSettings(layout=LayoutSettings(column_slack=0.5))``)
without touching anything shared, in the spirit of pdfplumber's
``TableSettings``. Lengths are in points (1/72 in; OCR turns pixels into
points first); some are in character heights, as each says.
"""
from __future__ import annotations

from dataclasses import dataclass, fields

__all__ = ["LayoutSettings", "validate"]


def validate(settings: object, at_most: tuple[tuple[str, float], ...] = ()) -> None:
    """Raise ValueError naming the first field of a settings dataclass that is not positive (or, typed int,
    not an integer), or that exceeds its bound in ``at_most`` (a share, a pixel value): a zero or negative
    tolerance would silently switch a step off or turn it inside out."""
    name = type(settings).__name__
    for f in fields(settings):  # type: ignore[arg-type]
        value = getattr(settings, f.name)
        whole = f.type == "int"
        if isinstance(value, bool) or not isinstance(value, int if whole else (int, float)) or not value > 0:
            kind = "a positive integer" if whole else "a positive number"
            raise ValueError(f"{name}.{f.name} must be {kind}, not {value!r}")
    for field_name, most in at_most:
        if getattr(settings, field_name) > most:
            raise ValueError(f"{name}.{field_name} must be at most {most:g}, not {getattr(settings, field_name)!r}")


@dataclass(frozen=True, slots=True)
class LayoutSettings:
    """How far apart things may print and still be one: ruling lines, lines of text, columns, titles."""

    # Ruling lines, as a page draws them (points).

    #: How far from axis-aligned a path segment may be and still be a ruling line.
    axis_tolerance: float = 1.0
    #: A path whose bounds are at most this thick (stroke width included) is drawn as one line.
    thin_path: float = 3.0
    #: A ruled table has at least the four sides of one cell: a page drawing fewer lines has none.
    min_edges: int = 4
    #: pdfplumber's default tolerances: line positions this close are one line...
    snap_tolerance: float = 3.0
    #: ...gaps along a line this short are joined...
    join_tolerance: float = 3.0
    #: ...and lines shorter than this are dropped.
    edge_min_length: float = 3.0
    #: How close two lines must come to touch (one table), or two positions to be one column or row line.
    touch_tolerance: float = 3.0

    # Lines of text and titles.

    #: How far (in character heights) a character's baseline may sit from its line's.
    same_line: float = 0.3
    #: How many lines from the top of the first page may hold the title.
    title_lookahead: int = 15
    #: A title is printed this much larger than the first page's middle-sized line...
    title_scale: float = 1.15
    #: ...and its lines are printed at nearly the same size (this share of the largest).
    title_same_size: float = 0.9

    # A table continued over a page break.

    #: Cell edges this close (points) on two pages are the same column line: a page break does not move the
    #: ruling, but producers round positions differently per page.
    stitch_tolerance: float = 6.0

    # Tables printed without ruling, rebuilt from where their words print (:mod:`.words`).

    #: Baselines closer than this (in typical word heights) are one line's.
    same_baseline: float = 0.2
    #: A line of labels belongs with a line of numbers it overlaps by this much (in typical word heights).
    label_overlap: float = 0.3
    #: Pieces of one label print closer than this (in typical word heights); cells are further apart.
    same_word: float = 0.3
    #: Digits of one number print closer than this (in typical word heights).
    same_number: float = 0.8
    #: Full-width digits of one number print closer than this (in glyph widths: they are set an em apart).
    same_wide_number: float = 1.6
    #: A label fragment starting this far (in character heights) left of a row's label is not its continuation
    #: but a group label printed down the side.
    indent: float = 1.5
    #: At most this many numbers of a row wrap in their cells (the totals).
    max_wrapped: int = 2
    #: Pieces of a number wrapped in its cell and centred on its row print within this many typical heights of
    #: the row.
    wrap_reach: float = 2.5
    #: Extents of numbers closer than this (points) are one column.
    column_slack: float = 1.0
    #: A label line longer than this (characters), or one holding a full stop, is running text.
    max_label: int = 60
    #: A run of lines is a table when it holds this many rows with numbers (or one row of the form).
    min_value_rows: int = 2

    def __post_init__(self) -> None:
        validate(self, at_most=(("title_same_size", 1),))
