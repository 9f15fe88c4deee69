"""OCR: what a page image prints, as the ruling lines and cell texts of a PDF page.

Some sites post a scanned report (a PDF whose pages are pictures, without a
text layer) or a table as a picture. A page image is read the way a text
page is (:mod:`.pdf`): its ruling lines give its tables' grids
(:mod:`.layout.ruling`), each cell gets the text printed inside it, and the
lines around the tables are the running text.

- The page is cleaned and levelled first (:mod:`.scan_clean`): paper, fills
  and a red seal go white, the tilt goes; then its ruling lines are found
  (:mod:`.scan_grid`) and erased, so that no border is read as "1" or "|".
- The grid cuts the page into cells; a cell's ink rows cut it into text
  lines, each read by the recogniser alone (:mod:`.recognise`): no text
  detector runs on a table page, and a number never runs into its
  neighbour's.
- A number the recogniser is not sure of is read a second time, from the
  cell's ink made black and white; when the two readings differ the cell
  holds both ("34≠4"), so that the record reports it (CELL_UNREADABLE)
  instead of a guess.
- Only table pages (pages with ruled tables) and the top of the first page
  (title, agency, year) are read: running text elsewhere is not needed for
  the record, and reading it would cost most of the time. That top's lines
  are found by the text detector (:mod:`.detect`): a title is set large,
  and a large character cut by its ink rows falls apart.
- An engine failure loses the table it was reading (the record then reports
  the table missing), never the file.
- Boxes are turned from pixels into points (1/72 in), the unit the layout's
  tolerances are written in.
"""
from __future__ import annotations

import io
import logging
import re
from collections.abc import Iterator, Sequence
from typing import NamedTuple

import cv2
import numpy as np
import pypdfium2 as pdfium
from PIL import Image, ImageSequence, UnidentifiedImageError

from ..document import BBox
from ..errors import ReaderError
from ..text import clean_text
from ..values import UNSURE
from .detect import text_boxes
from .layout.geometry import Char, PageText, Ruling, chars_to_lines
from .layout.ruling import Grid
from .layout.settings import LayoutSettings
from .pdfium_calls import PDFIUM_LOCK
from .recognise import Reading, recognise
from .scan_clean import clean, level
from .scan_grid import page_ruling
from .settings import OcrSettings

__all__ = ["OcrPage", "cell_texts", "open_images", "page_words", "read_page", "render_pages"]

log = logging.getLogger(__name__)

#: Images smaller than this (pixels, either side) hold no text.
_MIN_SIDE = 8
#: Points per inch: layout tolerances are in points.
_POINTS = 72
#: A number as the recogniser reads it: checked by a second reading when the model is unsure.
_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


def render_pages(data: bytes, settings: OcrSettings) -> Iterator[Image.Image]:
    """Each page of a PDF as a colour image, one at a time (a red seal is told from ink by its colour)."""
    with PDFIUM_LOCK:
        pdf = pdfium.PdfDocument(data)
        count = len(pdf)
    try:
        for index in range(count):
            with PDFIUM_LOCK:
                page = pdf[index]
                try:
                    image = page.render(scale=settings.dpi / _POINTS).to_pil().convert("RGB")
                finally:
                    page.close()
            image.info["dpi"] = (settings.dpi, settings.dpi)
            yield image
    finally:
        with PDFIUM_LOCK:
            pdf.close()


def open_images(path: str, data: bytes) -> list[Image.Image]:
    """The frames of an image file (a TIFF or GIF may hold several pages), in colour."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            frames = []
            for frame in ImageSequence.Iterator(image):
                colour = frame.convert("RGB")
                colour.info["dpi"] = image.info.get("dpi") or frame.info.get("dpi")
                frames.append(colour)
            return frames
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise ReaderError(f"broken image: {exc}", path) from exc


class OcrPage(NamedTuple):
    """A page image cleaned and levelled (grey, ``per_point`` pixels a point), its ruling lines (points), and
    the image with the ruling erased, from which text is read."""

    image: np.ndarray
    ruling: Ruling
    text: np.ndarray
    per_point: float


def read_page(image: Image.Image, settings: OcrSettings) -> OcrPage:
    """A page image cleaned, levelled and its ruling lines found; nothing is recognised yet."""
    if min(image.size) < _MIN_SIDE:
        blank = np.full((1, 1), 255, np.uint8)
        return OcrPage(blank, Ruling(), blank, 1.0)
    dpi = _dpi(image, settings.image_width)
    pixels = np.asarray(image.convert("RGB"))
    factor = min(settings.min_dpi / dpi, settings.max_enlarge)
    if factor > 1:
        pixels = cv2.resize(pixels, None, fx=factor, fy=factor, interpolation=cv2.INTER_CUBIC)
        dpi *= factor
    per_point = dpi / _POINTS
    gray = level(clean(pixels, per_point), per_point)
    return OcrPage(gray, *page_ruling(gray, per_point), per_point)


def cell_texts(path: str, page: OcrPage, grids: Sequence[Grid], settings: OcrSettings, layout: LayoutSettings
               ) -> PageText:
    """The text in each cell of ``grids`` and the lines of text outside them (laid out with ``layout``), as
    :func:`.pdf_page.cell_texts` finds them in a text layer."""
    read = [_grid_texts(path, page, grid, settings) for grid in grids]
    outside = page.text.copy()
    for grid in grids:
        x0, top, x1, bottom = _pixels(grid.bbox, page.per_point)
        outside[max(top, 0):bottom + 1, max(x0, 0):x1 + 1] = 255
    return PageText([texts for texts, _ in read], chars_to_lines(_words(path, page, outside, settings), layout),
                    [confidences for _, confidences in read])


def page_words(path: str, page: OcrPage, number: int, settings: OcrSettings) -> list[Char]:
    """The words of a page without ruled tables: of the top of the first page (its title, agency and year),
    its lines found by the text detector, none of later pages (running text the record does not need)."""
    if number > 1:
        return []
    strip = page.text[:round(page.text.shape[0] * settings.title_share)]
    return _detected_words(path, page, strip, settings)


#: The confidence of a cell the recogniser read nothing of (blank, or a mark for zero told by its shape): no
#: guess of the model's is in it.
_SURE = 1.0


def _grid_texts(path: str, page: OcrPage, grid: Grid, settings: OcrSettings
                ) -> tuple[list[str], Sequence[float | None]]:
    """Each cell's text and how sure the recogniser was of it (its least sure line); all empty and None (the
    table lost, not the file) when the engine fails on it."""
    crops: list[np.ndarray] = []
    owners: list[int] = []
    texts: list[list[str]] = [[] for _ in range(len(grid))]
    confidences = [_SURE] * len(grid)
    inset = max(1, round(settings.inset * page.per_point))
    for index, rect in enumerate(grid.rects()):
        x0, top, x1, bottom = _pixels(rect, page.per_point)
        cell = page.text[max(top + inset, 0):bottom - inset, max(x0 + inset, 0):x1 - inset]
        for line in _line_boxes(cell, page.per_point, settings):
            if _is_dash(line, page.per_point):
                texts[index].append("—")
            else:
                crops.append(_crop(cell, line))
                owners.append(index)
    try:
        readings = _checked(path, crops, recognise(path, crops), settings)
    except ReaderError as exc:
        log.warning("%s: a table was not read: %s", path, exc.args[0] if exc.args else exc)
        return [""] * len(grid), [None] * len(grid)
    for owner, crop, reading in zip(owners, crops, readings):
        texts[owner].append(_slash_or_text(reading.text, crop, page.per_point, settings))
        confidences[owner] = min(confidences[owner], reading.confidence)
    return [clean_text("\n".join(lines)) for lines in texts], confidences


#: A mark no taller than this (points) and at least ``_DASH_RATIO`` times as wide is a dash ("—", "-"): a
#: cell's mark for zero, which the recogniser, trained on lines of text, reads as nothing or "_".
_DASH_HEIGHT = 2.5
_DASH_RATIO = 1.5
#: What the recogniser makes of a lone stroke: a "1", or a "/" (a cell's mark for zero) it may read as "1".
_STROKES = frozenset("1/lI|丨")
#: A lone stroke whose ink runs to the right by at least this much for each pixel up (the slope of the line
#: fitted through it) leans: a "/" (about 0.3); a "1" stands upright or leans back with its flag (about
#: -0.05). Only strokes read as one of ``_STROKES`` are measured: a "2" or "7" leans too.
_SLASH_LEAN = 0.18


def _is_dash(line: _Box, per_point: float) -> bool:
    """Whether a text line is a flat mark ("—", "-"): a cell's mark for zero."""
    top, bottom, left, right = line
    height = bottom - top
    return height <= _DASH_HEIGHT * per_point and right - left >= _DASH_RATIO * height


def _slash_or_text(text: str, crop: np.ndarray, per_point: float, settings: OcrSettings) -> str:
    """A reading as a "/" when it is a lone stroke that leans like one, else as read: the recogniser, trained
    on lines of text, reads a "/" standing alone in a cell as "1", a zero read as one; or, read twice, as "1"
    once and as a letter the other time ("t≠1", "F≠1")."""
    if _STROKES.isdisjoint(text.split(UNSURE)):
        return text
    ink = _ink(crop, per_point, settings)
    count, _ = cv2.connectedComponents(ink, connectivity=8)
    return "/" if count == 2 and _slope(ink) > _SLASH_LEAN else text


def _slope(ink: np.ndarray) -> float:
    """How far right a mark's ink runs for each pixel up: the slope of the least-squares line through its
    pixels (a whole-stroke measure, which a blurred or noisy end does not tip)."""
    ys, xs = np.nonzero(ink)
    spread = ys.var()
    return float(-((ys - ys.mean()) * (xs - xs.mean())).mean() / spread) if spread else 0.0


def _checked(path: str, crops: list[np.ndarray], readings: list[Reading], settings: OcrSettings
             ) -> list[Reading]:
    """Each reading, stripped; a doubtful one (:func:`_doubtful`) read again from the crop in black and white,
    and both readings kept when they differ (the first reading's confidence with them)."""
    unsure = [i for i, r in enumerate(readings) if _doubtful(r, settings.sure)]
    again = recognise(path, [_binary(crops[i]) for i in unsure])
    checked = [Reading(r.text.strip(), r.confidence) for r in readings]
    for i, second in zip(unsure, again):
        first = checked[i].text
        if _as_digits(second.text) != _as_digits(first):
            checked[i] = checked[i]._replace(text=f"{first}{UNSURE}{second.text.strip()}")
        elif _NUMBER.match(_as_digits(first)):
            checked[i] = checked[i]._replace(text=_as_digits(first))
    return checked


def _doubtful(reading: Reading, sure: float) -> bool:
    """Whether a reading is checked by a second one: a number the model is unsure of, a number only once its
    look-alikes are read as digits ("7730:28"), or a short run of letters and signs where a table cell holds
    a number ("t" for a "/" under a seal, "H1" for "１１")."""
    text = reading.text.strip()
    if _NUMBER.match(text):
        return reading.confidence < sure
    return bool(text) and (len(text) <= _SHORT and not _CJK.search(text) or bool(_NUMBER.match(_as_digits(text))))


#: A reading this short without a Chinese character is a misread number or mark, not a label.
_SHORT = 3
_CJK = re.compile(r"[\u3400-\u9fff]")
#: Letters the recogniser gives for digits, and the spaces it puts between wide (full-width) ones: readings
#: "O" and "0", "1 1" and "11", or "bZ" and "b2" (62 in a light serif face), agree, on the number; a decimal
#: point blurred into the speck above it is read as a colon.
_LOOKALIKES = str.maketrans({"O": "0", "o": "0", "l": "1", "I": "1", "|": "1", "Z": "2", "z": "2", "S": "5",
                             "s": "5", "b": "6", "B": "8", "g": "9", "q": "9", ":": ".", " ": None})
#: What the recogniser makes of a speck of noise beside a number: a point or a comma at its end ("O." for 0).
_SPECKS = ".,·'`"


def _as_digits(text: str) -> str:
    """A reading with its look-alike letters as the digits they stand for, no spaces, and no specks read as
    points or commas at its ends."""
    return text.strip().translate(_LOOKALIKES).strip(_SPECKS)


def _words(path: str, page: OcrPage, region: np.ndarray, settings: OcrSettings) -> list[Char]:
    """The words of a region of the page (its top rows, or the page with the tables painted out), each a run
    of ink along a text line set apart by a wide gap, recognised alone; in points."""
    boxes = [word for line in _line_boxes(region, page.per_point, settings)
             for word in _word_boxes(region, line, page.per_point, settings)]
    try:
        readings = recognise(path, [_crop(region, box) for box in boxes])
    except ReaderError as exc:
        log.warning("%s: the text around a table was not read: %s", path, exc.args[0] if exc.args else exc)
        return []
    return _chars(boxes, readings, page.per_point)


def _detected_words(path: str, page: OcrPage, region: np.ndarray, settings: OcrSettings) -> list[Char]:
    """The lines of a region as the text detector finds them (:mod:`.detect`), each cut to its ink and
    recognised whole; in points. Nothing (with a warning) when the engine fails."""
    try:
        found = text_boxes(path, region, page.per_point)
        boxes = [box for box in (_inked(region, box, page.per_point, settings) for box in found) if box]
        readings = recognise(path, [_crop(region, box) for box in boxes])
    except ReaderError as exc:
        log.warning("%s: the top of the first page was not read: %s", path, exc.args[0] if exc.args else exc)
        return []
    return _chars(boxes, readings, page.per_point)


#: Runs of inked rows in a detected box less than this share of its height apart are one line: the parts of a
#: large character ("告": "生" over "口"), where the strokes of the next line, which the box's padding may
#: reach, are set further off.
_PARTS = 0.15


def _inked(region: np.ndarray, box: _Box, per_point: float, settings: OcrSettings) -> _Box | None:
    """A detected box cut to the line of ink inside it (None when it holds none): the detector pads its boxes,
    by more round a lone character than round a long line, and a line's size (its height) tells the title."""
    top, bottom, left, right = box
    ink = _ink(region[top:bottom, left:right], per_point, settings)
    bands = _bridged(_runs(ink.any(axis=1)), _PARTS * (bottom - top))
    if not bands:
        return None
    start, end = max(bands, key=lambda band: int(ink[band[0]:band[1]].sum()))
    columns = np.flatnonzero(ink[start:end].any(axis=0))
    return top + start, top + end, left + int(columns[0]), left + int(columns[-1]) + 1


def _chars(boxes: list[_Box], readings: list[Reading], per_point: float) -> list[Char]:
    """Readings of text boxes (pixels) as words in points, each as wide as its first character (what the
    layout's columns are measured by), those read as nothing left out."""
    scale = 1 / per_point
    words = []
    for (top, bottom, left, right), reading in zip(boxes, readings):
        text = clean_text(reading.text)
        if text:
            width = (right - left) / len(text)
            words.append(Char(text, left * scale, top * scale, (left + width) * scale, bottom * scale, bottom * scale))
    return words


#: A text line's box in pixels: top, bottom (exclusive), left, right (exclusive).
_Box = tuple[int, int, int, int]


def _ink(region: np.ndarray, per_point: float, settings: OcrSettings, level: float | None = None) -> np.ndarray:
    """The ink of a region (0/1) below ``level`` (by default :func:`_ink_level`'s), specks and remnants of
    ruling left out.

    A light print's ink has its gaps of a pixel or two closed first: a thin
    light glyph comes out of the threshold in pieces, each as small as a
    speck ("1288" read as 288); a dark print's is left as it is (closed, the
    dots a red seal leaves beside a number would join into a mark). A speck
    is smaller both ways than ``settings.speck``, unless it is a
    minus sign (:func:`_minus_signs`); a remnant of a ruling line (a piece
    the ruling finder missed: a light line the scanner broke up) is a thin
    mark touching the region's edge. Left in, a remnant would read as "1" or
    as a dash, a zero that was never printed.
    """
    level = _ink_level(region, settings.ink) if level is None else level
    ink = (region < level).astype(np.uint8)
    if level > settings.ink:
        ink = cv2.morphologyEx(ink, cv2.MORPH_CLOSE, _BRIDGE)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    left, top, width, height = (stats[:, i] for i in range(4))
    speck = settings.speck * per_point
    small = (width < speck) & (height < speck)
    small[_minus_signs(stats, small)] = False
    thin = np.minimum(width, height) <= settings.remnant * per_point
    edge = (left == 0) | (top == 0) | (left + width == region.shape[1]) | (top + height == region.shape[0])
    dropped = np.flatnonzero(small | (thin & edge))
    dropped = dropped[dropped > 0]
    if dropped.size:
        ink[np.isin(labels, dropped)] = 0
    return ink


#: Closes gaps this wide (pixels) in the ink: the pieces of one thin glyph are one mark.
_BRIDGE = np.ones((3, 3), np.uint8)
#: A region whose darkest pixel is lighter than this (0–255) holds no print: at most what cleaning left of a
#: red seal or a fill, which a level raised to it would make ink (the seal's star read as a dash: 0).
_PRINTED = 160


def _ink_level(region: np.ndarray, ink: int) -> float:
    """The pixel value below which a region's pixels are ink: ``ink``, or halfway between its paper and its
    darkest pixel when that is lighter and printed. A light, thin print (a report set in a light serif face,
    scanned) has digits no darker than 110: at a fixed level only the strokes' cores count, and a "2" keeps
    its foot alone, a dash."""
    if region.size == 0:
        return ink
    darkest = float(region.min())
    return ink if darkest > _PRINTED else max(ink, (float(np.median(region)) + darkest) / 2)


def _minus_signs(stats: np.ndarray, small: np.ndarray) -> list[int]:
    """The small marks (of ``stats``, connected components) that are minus signs: flat (``_DASH_RATIO``),
    just left of a larger mark (within its height) and level with its middle third. At 200 dpi the "-" of
    "-5" is as small as a speck; dropped, "-5" reads as 5."""
    left, top, width, height = (stats[:, i] for i in range(4))
    marks, flat = np.flatnonzero(~small), np.flatnonzero(small & (width >= _DASH_RATIO * height))
    signs = []
    for index in flat[flat > 0]:
        middle = top[index] + height[index] / 2
        end = left[index] + width[index]
        if any(0 <= left[m] - end <= height[m] and top[m] + height[m] / 3 <= middle <= top[m] + 2 * height[m] / 3
               for m in marks[marks > 0]):
            signs.append(int(index))
    return signs


def _line_boxes(region: np.ndarray, per_point: float, settings: OcrSettings) -> list[_Box]:
    """The text lines of a region: runs of rows holding ink, a character's parts ("二", "三") kept together,
    each cut to its ink left and right, faint ink beside it included (:func:`_widened`)."""
    if region.size == 0:
        return []
    level = _ink_level(region, settings.ink)
    ink = _ink(region, per_point, settings, level)
    bands = _joined(_runs(ink.any(axis=1)), per_point)
    if not bands:
        return []
    faint = _ink(region, per_point, settings, (float(np.median(region)) + level) / 2)
    boxes = []
    for top, bottom in bands:
        columns = np.flatnonzero(ink[top:bottom].any(axis=0))
        left, right = _widened(np.flatnonzero(faint[top:bottom].any(axis=0)), int(columns[0]), int(columns[-1]) + 1,
                               bottom - top)
        boxes.append((top, bottom, left, right))
    return boxes


def _widened(faint: np.ndarray, left: int, right: int, height: int) -> tuple[int, int]:
    """A text line's ends moved out over the faint ink beside them (``faint``, its columns), each piece at
    most half the line's height from the last: a glyph printed lighter than the rest of its line, a scan's
    thin "1" of "1288" or the lone stroke of "一", is below the ink level but part of the line; cut off, it is
    never read ("288", "、本年新收…")."""
    gap = height // 2
    for column in faint[faint < left][::-1]:
        if left - column > gap:
            break
        left = int(column)
    for column in faint[faint >= right]:
        if column - right >= gap:
            break
        right = int(column) + 1
    return left, right


def _runs(flags: np.ndarray) -> list[tuple[int, int]]:
    """The runs of True in a 1-d array, as (start, end exclusive)."""
    edges = np.diff(np.concatenate(([0], flags.astype(np.int8), [0])))
    return list(zip(np.flatnonzero(edges == 1).tolist(), np.flatnonzero(edges == -1).tolist()))


#: A line of text is at most this tall (points): bands that together stay under it are parts of one line.
_LINE = 13.0
#: Lines set this close (points) are one: no report sets its text lines closer.
_LEADING = 1.0


def _joined(bands: list[tuple[int, int]], per_point: float) -> list[tuple[int, int]]:
    """Runs of inked rows joined into text lines: a run and the next are one line when they are nearly
    touching, or together no taller than a line (the strokes of "二" or "三", a "—" beside digits)."""
    out: list[tuple[int, int]] = []
    for top, bottom in bands:
        if out and (top - out[-1][1] < _LEADING * per_point or bottom - out[-1][0] <= _LINE * per_point):
            out[-1] = (out[-1][0], bottom)
        else:
            out.append((top, bottom))
    return out


#: Words of a line further apart than this (in the line's heights) are read apart.
_WORD_GAP = 1.5


def _word_boxes(region: np.ndarray, line: _Box, per_point: float, settings: OcrSettings) -> list[_Box]:
    """A text line cut at its wide gaps: a page number beside the text, the columns of a table drawn without
    lines."""
    top, bottom, left, right = line
    ink = _ink(region[top:bottom, left:right], per_point, settings)
    words = _bridged(_runs(ink.any(axis=0)), _WORD_GAP * (bottom - top))
    return [(top, bottom, left + start, left + end) for start, end in words]


def _bridged(runs: list[tuple[int, int]], gap: float) -> list[tuple[int, int]]:
    """Runs (start, end exclusive) joined across gaps no wider than ``gap``."""
    out: list[tuple[int, int]] = []
    for start, end in runs:
        if out and start - out[-1][1] <= gap:
            out[-1] = (out[-1][0], end)
        else:
            out.append((start, end))
    return out


def _crop(region: np.ndarray, box: _Box) -> np.ndarray:
    """A text line's pixels with a margin round it, as the recogniser was trained on: the region's own pixels
    left and right (a stroke lighter than the ink level, the slant of a thin "4", stays whole), white above
    and below (where the next line's strokes may begin)."""
    top, bottom, left, right = box
    margin = max(2, round((bottom - top) * 0.25))
    start, end = max(left - margin, 0), min(right + margin, region.shape[1])
    line = region[top:bottom, start:end]
    return cv2.copyMakeBorder(line, margin, margin, margin - (left - start), margin - (end - right),
                              cv2.BORDER_CONSTANT, value=255)


def _binary(crop: np.ndarray) -> np.ndarray:
    """A line image in black and white (Otsu's threshold): a second view of the same ink."""
    _, binary = cv2.threshold(crop, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
    return binary


def _pixels(box: BBox, per_point: float) -> tuple[int, int, int, int]:
    return tuple(round(v * per_point) for v in box)  # type: ignore[return-value]


def _dpi(image: Image.Image, width: float) -> float:
    """The resolution an image states; for one that states none (or 1 dpi), the resolution at which it prints
    ``width`` inches wide."""
    stated = image.info.get("dpi")
    resolution = float(stated[0]) if stated else 0.0
    return resolution if resolution >= _POINTS else image.width / width
