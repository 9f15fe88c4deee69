"""Pictures: the ruled tables an image shows, read with OCR, whichever file the image came in.

A scanned PDF's pages (:mod:`.pdf`), an image file (:mod:`.image`) and a table
pasted as a picture into a Word file (:mod:`.docx`) or a web page
(:mod:`.html`) go through one step, :func:`ruled_pieces`: the image cleaned
and levelled, its ruling lines made into grids, the text of each cell
recognised (:mod:`.ocr`).

A document's own pictures are read where they are anchored
(:func:`with_picture_tables`): the tables each shows are put among the
document's tables in reading order, after the paragraphs before the picture,
so that the locator finds the heading above it as it does for a table of
text. Only their ruled tables are read (the document has its own text, title
included). What cannot be a table's picture is left before any OCR runs:
drawings (EMF, WMF, SVG), pictures too small to hold a table (a logo, a seal,
a signature), broken ones and, past :data:`~extractor.limits.LIMITS`, the
rest of a document's pictures; each with a line in the log. OCR (OpenCV,
ONNX Runtime) is imported only when a picture is read (:func:`ocr`).
"""
from __future__ import annotations

import io
import logging
import warnings
from collections.abc import Callable, Sequence
from types import ModuleType
from typing import TYPE_CHECKING, NamedTuple

from PIL import Image, UnidentifiedImageError

from ..document import Table
from ..errors import ReaderError
from ..limits import LIMITS
from .layout.geometry import TextLine
from .layout.ruling import page_grids
from .layout.tables import Piece, text_pieces
from .settings import ReadSettings

if TYPE_CHECKING:
    from .ocr import OcrPage

__all__ = ["Picture", "check_size", "ocr", "ruled_pieces", "with_picture_tables"]

log = logging.getLogger(__name__)

#: Pillow refuses to open images above twice this (a decompression bomb) and warns above it; telling it
#: our limit makes its refusals ours (the warning is silenced: the limit is checked right after).
Image.MAX_IMAGE_PIXELS = LIMITS.image_pixels

#: Leading bytes of the bitmap formats a table is pasted as (PNG, JPEG, GIF, TIFF, BMP); Word's drawings
#: (EMF, WMF) and SVG hold no pixels to read.
BITMAPS = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF8", b"II*\x00", b"MM\x00*", b"BM")
#: A picture whose longer side has fewer pixels than this is a logo, a seal, an icon or a signature: a
#: table across a page is wider even at a screen's 96 dpi (6 inches, 576 pixels).
MIN_TABLE_SIDE = 300


class Picture(NamedTuple):
    """A picture a document shows, where it is anchored: after ``paragraph_index`` of its paragraphs and
    ``tables_before`` of its own tables.

    ``load`` gives the picture's bytes or raises ReaderError saying why not;
    ``width`` is how many inches wide the document shows it, when it says
    (a Word picture's extent), which gives the picture's resolution.
    """

    name: str
    load: Callable[[], bytes]
    paragraph_index: int
    tables_before: int
    width: float | None = None


def ocr() -> ModuleType:
    """The OCR module, imported when an image is read: OpenCV and ONNX Runtime reserve hundreds of MB of
    address space, which every file's process would otherwise carry (and count against ``--memory-mb``)."""
    from . import ocr as module

    return module


def check_size(path: str, data: bytes) -> tuple[int, int]:
    """An image's width and height in pixels, read from its header; an image with more pixels or frames than
    a report has (:data:`~extractor.limits.LIMITS`) is refused before it is decoded: a PNG of a few KB can
    decode to gigabytes."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                frames = getattr(image, "n_frames", 1)
                size = image.size
                pixels = image.width * image.height * frames
    except Image.DecompressionBombError:
        size, pixels, frames = (0, 0), LIMITS.image_pixels + 1, 1
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
        raise ReaderError(f"broken image: {exc}", path) from exc
    if pixels > LIMITS.image_pixels:
        raise ReaderError(f"an image of more than {LIMITS.image_pixels / 1e6:g} million pixels: not a report "
                          "(a decompression bomb?)", path)
    if frames > LIMITS.ocr_pages:
        raise ReaderError(f"an image of {frames} frames, more than the {LIMITS.ocr_pages} pages a report could "
                          "have", path)
    return size


def ruled_pieces(path: str, image: Image.Image, number: int, settings: ReadSettings
                 ) -> tuple[OcrPage, list[Piece], list[TextLine]]:
    """The page image ``number`` read with OCR: cleaned and levelled, its ruled tables with the text of each
    cell, and the lines of text around them (none when it holds no ruled table: then nothing is recognised)."""
    module = ocr()
    page = module.read_page(image, settings.ocr)
    grids = page_grids(page.ruling, settings.layout)
    if not grids:
        return page, [], []
    found = module.cell_texts(path, page, grids, settings.ocr, settings.layout)
    return (page, *text_pieces(found, grids, number))


def with_picture_tables(path: str, tables: list[Table], pictures: Sequence[Picture], settings: ReadSettings
                        ) -> tuple[list[Table], bool]:
    """A document's tables with the ruled tables its pictures show put in among them where each picture is
    anchored, and whether any picture's table was read (with OCR)."""
    placed = list(tables)
    read = False
    for picture, found in reversed(list(zip(pictures, _pictures_tables(path, pictures, settings)))):
        placed[picture.tables_before:picture.tables_before] = found
        read = read or bool(found)
    return placed, read


def _pictures_tables(path: str, pictures: Sequence[Picture], settings: ReadSettings) -> list[list[Table]]:
    """The ruled tables each picture shows, read with OCR, at most ``LIMITS.ocr_pictures`` pictures."""
    found: list[list[Table]] = []
    budget = LIMITS.ocr_pictures
    for picture in pictures:
        image = _table_image(path, picture)
        if image is not None and budget == 0:
            log.warning("%s: %s not read: more than %d pictures to read with OCR", path, picture.name,
                        LIMITS.ocr_pictures)
            image = None
        if image is None:
            found.append([])
            continue
        budget -= 1
        _, pieces, _ = ruled_pieces(path, image, 1, settings)
        log.info("%s: %s shows %d ruled tables, read with OCR", path, picture.name, len(pieces))
        found.append([Table(piece.cells, f"{picture.name} table {n}", picture.paragraph_index)
                      for n, piece in enumerate(pieces, start=1)])
    return found


def _table_image(path: str, picture: Picture) -> Image.Image | None:
    """A picture decoded in colour, at the resolution the document shows it at; None (logged) for one that is
    broken, too large, a drawing, or too small to hold a table."""
    try:
        data = picture.load()
        if not data.startswith(BITMAPS):
            log.debug("%s: %s is not a bitmap (a drawing?): not read", path, picture.name)
            return None
        width, height = check_size(path, data)
        if max(width, height) < MIN_TABLE_SIDE:
            log.debug("%s: %s is %d×%d pixels, too small to hold a table: not read", path, picture.name,
                      width, height)
            return None
        image = _decoded(path, data)
    except ReaderError as exc:
        log.warning("%s: %s not read: %s", path, picture.name, exc.args[0] if exc.args else exc)
        return None
    if picture.width:
        image.info["dpi"] = (width / picture.width, width / picture.width)
    return image


def _decoded(path: str, data: bytes) -> Image.Image:
    """An image's first frame in colour, with the resolution it states; a truncated image raises ReaderError."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            colour = image.convert("RGB")
            colour.info["dpi"] = image.info.get("dpi")
            return colour
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
        raise ReaderError(f"broken image: {exc}", path) from exc
