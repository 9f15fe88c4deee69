"""OCR: what a page image prints, read with Tesseract, as the words and ruling lines of a PDF page.

Some sites post a scanned report (a PDF whose pages are pictures, without a
text layer) or a table as a picture. A page image gives what a PDF page's
text layer gives (:mod:`.pdf_page`): words with their boxes, and the ruling
lines, found as long straight runs of ink. The PDF reader then reads it as
any page: a ruled table by its grid (:mod:`.layout.ruling`), each word going to
the cell it prints in (:func:`cell_texts`), else rows rebuilt from the
words' positions (:func:`.layout.words.words_to_flow`).

- The ``tesseract`` binary runs as a subprocess (TSV output), with a
  timeout per page: no Python binding to install, and a missing binary or
  missing Chinese data is one clear :class:`~extractor.errors.ReaderError`.
  It runs on one thread: its OpenMP threads make a page slower, not faster,
  on a machine that reads several files at once.
- Ruling lines are erased before OCR: Tesseract reads a cell border as
  "|", "l" or "一" and glues it to the number beside it ("|4"), or gives up
  on the whole row.
- A lone digit in a cell is Tesseract's weak point ("I", "il", "下" for 1,
  "34" for 4): every number of a ruled table, and every cell of a column
  (or row) of numbers that does not read as a number, is read again alone,
  as digits. Two readings of a number that differ, and a cell that still
  does not read as a number, stay unreadable ("34≠4"), so that the record
  reports them (CELL_UNREADABLE) instead of a guess.
- Boxes are turned from pixels into points (1/72 in), the unit the layout's
  tolerances are written in.
- Tesseract splits Chinese into one word per character or two; the layout
  joins words that touch, and :func:`extractor.text.clean_text` drops spaces
  beside Chinese characters.
"""
from __future__ import annotations

import csv
import io
import logging
import math
import os
import re
import statistics
import subprocess
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import pypdfium2 as pdfium
from PIL import Image, ImageSequence, UnidentifiedImageError

from ..document import BBox
from ..errors import ReaderError
from ..values import looks_like_value
from .layout.geometry import CellRegion, Char, PageText, Ruling, Segment, chars_to_lines, lines_text
from .layout.ruling import Grid
from .layout.words import word_end
from .pdfium_calls import PDFIUM_LOCK

__all__ = ["OcrPage", "OcrSettings", "SETTINGS", "cell_texts", "open_images", "read_page", "render_pages"]

log = logging.getLogger(__name__)

#: What OCR needs installed, named in the error when it is not.
_INSTALL = "needs OCR: install tesseract-ocr and tesseract-ocr-chi-sim"
#: What Tesseract says when the data of a language is not installed.
_NO_LANGUAGE = "Failed loading language"
#: Images smaller than this (pixels, either side) hold no text Tesseract could read, and it refuses them.
_MIN_SIDE = 8
#: Points per inch: layout tolerances are in points.
_POINTS = 72
#: Pixel value below which a pixel may be part of a ruling line (0 black, 255 white): light grey counts,
#: as a scanned or resampled line fades at its edges.
_RULE_INK = 224
#: How many pixels around a ruling line are erased with it.
_RULE_MARGIN = 1
#: TSV level of a word (1 page, 2 block, 3 paragraph, 4 line, 5 word).
_WORD_LEVEL = "5"
#: A word whose bottom is this far (in its line's typical heights) from its line's sits on its own baseline.
_OFF_BASELINE = 0.5
#: A column holds numbers when at least this share of its filled cells read as numbers.
_NUMERIC_SHARE = 0.5
#: A cell with more characters than this is not a misread number.
_MAX_NUMBER = 8
#: A Chinese character: a label holds several, a misread digit at most one.
_HAN = re.compile("[\u3400-\u9fff]")
#: What Tesseract reads a dash printed for zero ("—") as, in a cell of numbers (never a number there).
_DASH_MISREADS = frozenset("一=")
#: How cells that should hold numbers are read again (languages, characters), until read: digits, signs and the
#: marks printed for zero only; first with the Latin model (the Chinese one reads a lone "1" as "i"), then
#: with the Chinese one, which knows "无".
_REREADS = (("eng", "0123456789.-/"), ("chi_sim+eng", "0123456789.-/无"))
#: A number as Tesseract reads it in a page: checked against the same cell read alone, as digits.
_DIGITS = re.compile(r"^-?\d+(\.\d+)?$")
#: Put between two readings of a number that differ, so that the cell is reported unreadable ("34≠4").
_DISAGREE = "≠"
#: Characters Tesseract reads from the remains of a cell border, never printed in a report's numbers.
_BORDER_DEBRIS = "|丨｜_"


@dataclass(frozen=True, slots=True)
class OcrSettings:
    """How pages are read: which binary and languages, how finely pages are rendered, how long a page may take.

    ``psm`` 6 (one uniform block of text) keeps a table row on one line:
    the automatic layout (3) cuts a table into columns and reads them apart.
    """

    binary: str = "tesseract"
    languages: str = "chi_sim"
    psm: int = 6
    #: Resolution scanned PDF pages are rendered at (Tesseract reads 10 pt text best at about 300 dpi).
    dpi: int = 300
    #: How wide (inches) an image that states no resolution is taken to print: a page's text, or a table
    #: across it. Web images state none and are coarse (96 dpi screens).
    image_width: float = 7.0
    #: Images coarser than this are enlarged to it before OCR: Tesseract misreads Chinese set in fewer than
    #: about 20 pixels (a 96 dpi table image reads half its cells; enlarged twice, all it can).
    min_dpi: int = 200
    #: Enlarging stops at this factor.
    max_enlarge: int = 4
    #: Seconds one run of Tesseract (a page, or the cells of a table read again) may take before the file is
    #: given up.
    timeout: float = 120.0
    #: A ruling line is a run of ink at least this long (points) across the page: longer than any
    #: character's stroke or a dash ("——")...
    rule_length: float = 28.0
    #: ...or down it: a line down two rows of a table, but shorter than the strokes of a large title.
    rule_height: float = 20.0
    #: A cell's number read again as digits is kept when Tesseract is at least this sure of it (0–100).
    min_confidence: float = 60.0
    #: A mark in a cell smaller than this (points) both ways is a speck, not a digit or a dash.
    min_digit_height: float = 2.5


#: The settings in use; tests point ``binary`` elsewhere to see a missing Tesseract.
SETTINGS = OcrSettings()


def render_pages(data: bytes, settings: OcrSettings | None = None) -> Iterator[Image.Image]:
    """Each page of a PDF as a grayscale image, one at a time (a 300 dpi page is ~9 MB)."""
    settings = settings or SETTINGS
    with PDFIUM_LOCK:
        pdf = pdfium.PdfDocument(data)
        count = len(pdf)
    try:
        for index in range(count):
            with PDFIUM_LOCK:
                page = pdf[index]
                try:
                    image = page.render(scale=settings.dpi / _POINTS, grayscale=True).to_pil().convert("L")
                finally:
                    page.close()
            image.info["dpi"] = (settings.dpi, settings.dpi)
            yield image
    finally:
        with PDFIUM_LOCK:
            pdf.close()


def open_images(path: str, data: bytes) -> list[Image.Image]:
    """The frames of an image file (a TIFF or GIF may hold several pages), grayscale."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            frames = []
            for frame in ImageSequence.Iterator(image):
                gray = frame.convert("L")
                gray.info["dpi"] = image.info.get("dpi") or frame.info.get("dpi")
                frames.append(gray)
            return frames
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise ReaderError(f"broken image: {exc}", path) from exc


class OcrPage(NamedTuple):
    """What a page image shows, in points: the words Tesseract reads and the ruling lines drawn; and the image
    with the lines erased, in ``per_point`` pixels a point, for reading cells again."""

    words: list[Char]
    ruling: Ruling
    image: Image.Image
    per_point: float


def read_page(path: str, image: Image.Image, settings: OcrSettings | None = None) -> OcrPage:
    """The words and ruling lines of a page image; the lines are erased before Tesseract reads the words."""
    settings = settings or SETTINGS
    if min(image.size) < _MIN_SIDE:
        return OcrPage([], Ruling(), image, 1.0)
    dpi = _dpi(image, settings.image_width)
    factor = min(math.ceil(settings.min_dpi / dpi), settings.max_enlarge)
    if factor > 1:
        image = image.resize((image.width * factor, image.height * factor), Image.Resampling.LANCZOS)
        dpi *= factor
    per_point = dpi / _POINTS
    pixels = np.asarray(image.convert("L"))
    ink = pixels < _RULE_INK
    across = _long_runs(ink, round(settings.rule_length * per_point))
    down = _long_runs(ink.T, round(settings.rule_height * per_point))
    cleaned = pixels.copy()
    cleaned[_widen(across | down.T, _RULE_MARGIN)] = 255
    page = Image.fromarray(cleaned)
    words = _tsv_to_words(_tesseract(path, page, settings.languages, settings), 1 / per_point)
    ruling = Ruling(_segments(across, 1 / per_point), _segments(down, 1 / per_point))
    log.debug("%s: OCR read %d words, %d ruling lines on a page", path, len(words), len(ruling))
    return OcrPage(words, ruling, page, per_point)


def cell_texts(path: str, page: OcrPage, grids: Sequence[Grid], settings: OcrSettings | None = None) -> PageText:
    """The text in each cell of ``grids`` and the lines of the words outside them, as
    :func:`.pdf_page.cell_texts` finds them in a text layer.

    A number Tesseract misreads as letters ("I", "il", "下" for 1, "OO" for
    0) is read again in its cell alone, as digits (:func:`_reread_numbers`).
    """
    settings = settings or SETTINGS
    found = _place_words(page.words, grids)
    return PageText([_reread_numbers(path, page, grid, texts, settings) for grid, texts in zip(grids, found.cells)],
                    found.lines)


def _place_words(words: list[Char], grids: Sequence[CellRegion]) -> PageText:
    """Each word in the cell its centre falls in; the words outside every cell as lines."""
    cells: list[list[list[Char]]] = [[[] for _ in range(len(grid))] for grid in grids]
    stray: list[Char] = []
    for word in words:
        x, y = (word.x0 + word_end(word)) / 2, (word.top + word.bottom) / 2
        home = next(((t, i) for t, grid in enumerate(grids) if (i := grid.cell_at(x, y)) is not None), None)
        if home is None:
            stray.append(word)
        else:
            cells[home[0]][home[1]].append(word)
    return PageText([[lines_text(chars) for chars in table] for table in cells], chars_to_lines(stray))


def _reread_numbers(path: str, page: OcrPage, grid: Grid, texts: list[str], settings: OcrSettings) -> list[str]:
    """A grid's cell texts, its numbers checked and the cells that should hold numbers but do not read again.

    The marks in the cells that should hold numbers (:func:`_should_be_numbers`)
    and in the cells read as numbers are cut out, stacked in one image and
    read in one run of Tesseract with only digits, signs and zero marks
    allowed. A reading counts only when it is a number Tesseract is sure of;
    a mark smaller than a digit (a speck in a blank cell) is not read at all.
    A number read differently the second time becomes both readings
    ("34≠4"), which the record reports as unreadable; else a cell keeps its
    text, reported as unreadable if it is not a number. A dash read as "一"
    or "=" is a dash.
    """
    suspects = _should_be_numbers(grid, texts)
    checked = [i for i, text in enumerate(texts) if _DIGITS.match(text)]
    crops = {i: crop for i in suspects + checked if (crop := _ink(page, grid.rects()[i], settings)) is not None}
    out = list(texts)
    for languages, characters in _REREADS:
        readings = _read_digits(path, list(crops.values()), languages, characters, settings)
        for i, reading in zip(list(crops), readings):
            if reading is None or not looks_like_value(reading.text) or reading.confidence < settings.min_confidence:
                continue
            differs = _DIGITS.match(texts[i]) and reading.text != texts[i]
            out[i] = f"{texts[i]}{_DISAGREE}{reading.text}" if differs else reading.text
        crops = {i: crop for i, crop in crops.items() if out[i] == texts[i] and not _DIGITS.match(texts[i])}
    for i in suspects:
        if out[i] and set(out[i]) <= _DASH_MISREADS:
            out[i] = "—"
    return out


def _should_be_numbers(grid: Grid, texts: list[str]) -> list[int]:
    """The cells of a grid that should hold a number (or a mark printed for zero: "—", "/", "无") but do not.

    That is a cell whose text is short with at most one Chinese character
    (labels hold more; "下" may be a misread 1), in a column that holds no
    long label, where most filled cells of its column or of its row hold
    numbers (the appeals table's one row of numbers has a header cell above
    each). Blank cells count too: Tesseract drops a lone "/" or "-".
    """
    numbers: dict[tuple[str, int], list[bool]] = {}
    long_columns = set()
    for (row, col, _, colspan), text in zip(grid.spans, texts):
        if len(text) > _MAX_NUMBER:
            long_columns.add(col)
        if colspan == 1 and text:
            is_number = looks_like_value(text)
            numbers.setdefault(("col", col), []).append(is_number)
            numbers.setdefault(("row", row), []).append(is_number)
    numeric = {key for key, flags in numbers.items() if sum(flags) >= _NUMERIC_SHARE * len(flags)}
    return [i for i, ((row, col, _, colspan), text) in enumerate(zip(grid.spans, texts))
            if colspan == 1 and len(text) <= _MAX_NUMBER and not (text and looks_like_value(text))
            and len(_HAN.findall(text)) <= 1 and col not in long_columns
            and (("col", col) in numeric or ("row", row) in numeric)]


def _ink(page: OcrPage, rect: BBox, settings: OcrSettings) -> Image.Image | None:
    """The printed mark inside a cell (its ruling left out), cropped to the mark; None for a speck, smaller
    every way than a digit (a dash is as wide as one)."""
    x0, top, x1, bottom = (round(v * page.per_point) for v in rect)
    inset = _RULE_MARGIN + 2
    cell = page.image.crop((x0 + inset, top + inset, x1 - inset, bottom - inset))
    box = Image.eval(cell, lambda v: 255 if v < _RULE_INK else 0).getbbox()
    if box is None or max(box[2] - box[0], box[3] - box[1]) < settings.min_digit_height * page.per_point:
        return None
    return cell.crop(box)


class _Reading(NamedTuple):
    """What a cell read again says, and how sure Tesseract is of its least sure word (0–100)."""

    text: str
    confidence: float


def _read_digits(path: str, crops: list[Image.Image], languages: str, characters: str,
                 settings: OcrSettings) -> list[_Reading | None]:
    """What each crop reads as (only ``characters``): the crops stacked one under another, well apart, read in
    one run."""
    if not crops:
        return []
    gap = max(crop.height for crop in crops)
    width = max(crop.width for crop in crops) + 2 * gap
    strip = Image.new("L", (width, sum(crop.height for crop in crops) + gap * (len(crops) + 1)), 255)
    tops = []
    y = gap
    for crop in crops:
        strip.paste(crop, (gap, y))
        tops.append(y)
        y += crop.height + gap
    found: list[list[_Word]] = [[] for _ in crops]
    allowed = ("-c", f"tessedit_char_whitelist={characters}")
    for word in _tsv_words(_tesseract(path, strip, languages, settings, allowed)):
        if word.text:
            found[max(bisect_right(tops, word.top + word.height / 2) - 1, 0)].append(word)
    return [_Reading("".join(w.text for w in sorted(words, key=lambda w: w.left)),
                     min(w.confidence for w in words)) if words else None for words in found]


def _segments(runs: np.ndarray, scale: float) -> list[Segment]:
    """Each run of True along a row of ``runs`` as a segment (row, start, end), in points (times ``scale``)."""
    edges = np.diff(np.pad(runs.astype(np.int8), ((0, 0), (1, 1))), axis=1)
    rows, starts = np.nonzero(edges == 1)
    _, ends = np.nonzero(edges == -1)
    return [((row + 0.5) * scale, start * scale, end * scale)
            for row, start, end in zip(rows.tolist(), starts.tolist(), ends.tolist())]


def _dpi(image: Image.Image, width: float) -> float:
    """The resolution an image states; for one that states none (or 1 dpi), the resolution at which it prints
    ``width`` inches wide."""
    stated = image.info.get("dpi")
    resolution = float(stated[0]) if stated else 0.0
    return resolution if resolution >= _POINTS else image.width / width


def _widen(mask: np.ndarray, margin: int) -> np.ndarray:
    """A mask grown by ``margin`` pixels each way: the grey fringe a scanned or resampled line leaves."""
    grown = mask.copy()
    for shift in range(1, margin + 1):
        grown[shift:] |= mask[:-shift]
        grown[:-shift] |= mask[shift:]
        grown[:, shift:] |= mask[:, :-shift]
        grown[:, :-shift] |= mask[:, shift:]
    return grown


def _long_runs(ink: np.ndarray, length: int) -> np.ndarray:
    """Which pixels lie in a run of at least ``length`` ink pixels along their row.

    A window of ``length`` pixels is all ink when the running count of ink
    grows by ``length`` across it; a pixel is in a long run when any window
    covering it is all ink.
    """
    rows, width = ink.shape
    if width < length:
        return np.zeros_like(ink)
    count = np.zeros((rows, width + 1), np.int32)
    np.cumsum(ink, axis=1, out=count[:, 1:])
    full = (count[:, length:] - count[:, :-length]) == length
    starts = np.zeros((rows, width + 1), np.int32)
    np.cumsum(full, axis=1, out=starts[:, 1:full.shape[1] + 1])
    starts[:, full.shape[1] + 1:] = starts[:, full.shape[1]:full.shape[1] + 1]
    columns = np.arange(width)
    return starts[:, columns + 1] > starts[:, np.clip(columns - length + 1, 0, None)]


def _tesseract(path: str, image: Image.Image, languages: str, settings: OcrSettings,
               options: tuple[str, ...] = ()) -> str:
    """Tesseract's TSV for one image; a ReaderError naming the file when it cannot run."""
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    command = [settings.binary, "stdin", "stdout", "-l", languages, "--psm", str(settings.psm), *options, "tsv"]
    try:
        done = subprocess.run(command, input=buffer.getvalue(), capture_output=True, timeout=settings.timeout,
                              check=False, env={**os.environ, "OMP_THREAD_LIMIT": "1"})
    except FileNotFoundError as exc:
        raise ReaderError(f"{_INSTALL} ({settings.binary!r} not found)", path) from exc
    except subprocess.TimeoutExpired as exc:
        raise ReaderError(f"OCR of a page took longer than {settings.timeout:g} s", path) from exc
    if done.returncode != 0:
        reason = done.stderr.decode("utf-8", "replace")
        if _NO_LANGUAGE in reason:
            raise ReaderError(f"{_INSTALL} (tesseract has no {languages!r} data)", path)
        lines = reason.strip().splitlines()
        raise ReaderError(f"OCR failed: {lines[0] if lines else f'tesseract exit status {done.returncode}'}", path)
    return done.stdout.decode("utf-8", "replace")


@dataclass(frozen=True, slots=True)
class _Word:
    """One word of Tesseract's TSV: the line it is on, its text, its box (pixels) and confidence."""

    line: tuple[str, str, str]
    text: str
    left: int
    top: int
    width: int
    height: int
    confidence: float


def _tsv_to_words(tsv: str, scale: float) -> list[Char]:
    """Tesseract's words as layout words (points: pixels times ``scale``).

    A layout word is boxed by its first character (its width is one
    character's), as pdfium words are. Its baseline is its line's, unless it
    sits well off it: Tesseract boxes glyphs tightly, and "一" or "-" end far
    above the baseline the characters beside them stand on.
    """
    words = [w for w in _tsv_words(tsv) if w.text]
    by_line: dict[tuple[str, str, str], list[_Word]] = {}
    for word in words:
        by_line.setdefault(word.line, []).append(word)
    chars = []
    for line in by_line.values():
        bottom = statistics.median(w.top + w.height for w in line)
        height = statistics.median(w.height for w in line)
        for w in line:
            own = w.top + w.height
            baseline = bottom if abs(own - bottom) <= _OFF_BASELINE * height else own
            width = w.width / len(w.text)
            chars.append(Char(w.text, w.left * scale, w.top * scale, (w.left + width) * scale, own * scale,
                              baseline * scale))
    return chars


def _tsv_words(tsv: str) -> Iterator[_Word]:
    """The words of Tesseract's TSV (its header names the columns), border debris stripped from their ends."""
    for row in csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE):
        if row["level"] != _WORD_LEVEL:
            continue
        text = (row["text"] or "").strip().strip(_BORDER_DEBRIS)
        yield _Word((row["block_num"], row["par_num"], row["line_num"]), text, int(row["left"]), int(row["top"]),
                    int(row["width"]), int(row["height"]), float(row["conf"]))
