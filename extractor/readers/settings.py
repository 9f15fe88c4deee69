"""How files are read: the layout engine's tolerances and OCR's, one object handed down from the entry point.

:func:`~extractor.readers.read_document` (and ``extract_file(path,
read_settings=...)``) takes a :class:`ReadSettings`, default-constructed when
none is given, and passes it to the reader; every step that uses a tolerance
gets it as a parameter. Nothing here is a module-level setting a caller could
swap for everyone: each read says what it uses.

This module imports nothing heavy, so the settings can be made without
loading OpenCV or ONNX Runtime (which only a scan or an image needs).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .layout.settings import LayoutSettings, validate

__all__ = ["LayoutSettings", "OcrSettings", "ReadSettings"]


@dataclass(frozen=True, slots=True)
class OcrSettings:
    """How pages are read: how finely scanned PDF pages are rendered, how small images are enlarged, and the
    thresholds of the cutting into lines."""

    #: Resolution scanned PDF pages are rendered at: a scan's own resolution is 150–300 dpi.
    dpi: int = 200
    #: How wide (inches) an image that states no resolution is taken to print: a page's text, or a table
    #: across it. Web images state none and are coarse (96 dpi screens).
    image_width: float = 7.0
    #: Images coarser than this are enlarged to it first: the ruling and ink thresholds need a few pixels
    #: per stroke.
    min_dpi: int = 200
    #: Enlarging stops at this factor.
    max_enlarge: float = 4.0
    #: Pixel value (0–255, cleaned page) below which a pixel is ink when cutting text into lines; a region
    #: printed lighter is cut at halfway to its darkest pixel instead (see ``ocr._ink_level``).
    ink: int = 150
    #: A mark smaller than this (points) both ways is a speck, not a character or a dash.
    speck: float = 2.0
    #: Cells are cut this far (points) inside their ruling, past a scanned line's blur.
    inset: float = 1.4
    #: A mark at most this thick (points) touching a cell's edge is what is left of its ruling.
    remnant: float = 1.0
    #: How much of the first page's height is read when it holds no table: the title, agency and year.
    title_share: float = 0.4
    #: A number read with less confidence than this (0–1) is read a second time.
    sure: float = 0.97

    def __post_init__(self) -> None:
        validate(self, at_most=(("ink", 255), ("title_share", 1), ("sure", 1)))


@dataclass(frozen=True, slots=True)
class ReadSettings:
    """Everything a reader may be told: the layout engine's tolerances (PDF text layers and OCR'd pages alike)
    and OCR's own. HTML, Word and text readers have no tolerances and ignore it."""

    layout: LayoutSettings = field(default_factory=LayoutSettings)
    ocr: OcrSettings = field(default_factory=OcrSettings)

    def __post_init__(self) -> None:
        for name, kind in (("layout", LayoutSettings), ("ocr", OcrSettings)):
            if not isinstance(getattr(self, name), kind):
                raise ValueError(f"ReadSettings.{name} must be a {kind.__name__}, not {getattr(self, name)!r}")
