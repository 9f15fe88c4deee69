"""PDF reader (text layer): running text from every page, tables from the pages that hold them.

Speed is the point of the design. pdfium reads the text of a whole report in
milliseconds; only the pages whose text names labels of the form (or that
open inside a ruled table right after one) get their ruling lines and words
read (:mod:`.pdf_page`) and turned into grids (:mod:`.layout.ruling`,
:mod:`.layout.tables`); pdfminer is never involved. A table that runs over a
page break is stitched back into one table when nothing but page furniture
(page numbers) separates the pieces (:mod:`.layout.stitch`).
A table page without ruled tables (a table drawn without lines) has its rows
rebuilt from the positions of its words (:mod:`.layout.words`). A PDF without
a text layer (a scan) has its pages read with OCR (:mod:`.ocr`) the same way.
Every tolerance of those steps comes from the :class:`~.settings.ReadSettings`
the read is given, passed down to each step.
"""
from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from itertools import takewhile

import pypdfium2 as pdfium
from PIL.Image import Image

from ..document import OCR_META, Document, Paragraph, Table, table_from_rows
from ..errors import ReaderError
from ..limits import LIMITS
from ..template import REQUEST_COLUMNS, REQUEST_HEADER_LABELS
from ..values import looks_like_value
from ..text import clean_text
from .titles import guess_title
from .layout.geometry import Char, TextLine, chars_to_lines
from .layout.labels import form_labels, label_key, unnumbered
from .layout.ruling import page_grids
from .layout.settings import LayoutSettings
from .layout.stitch import stitch
from .layout.tables import Piece
from .layout.words import Flow, words_to_flow
from .pdf_page import leading_lines, opens_inside, page_pieces, page_ruling, page_words
from .pdfium_calls import PDFIUM_LOCK, Page, close_page, open_page, page_text
from .pictures import ocr, ruled_pieces
from .settings import ReadSettings

__all__ = ["is_table_page", "read", "read_images"]

log = logging.getLogger(__name__)

#: Labels shorter than this are common words ("规章", "其他") and say nothing about a page.
_MIN_LABEL = 4
#: How many distinct labels of the form a page must start lines with to be read for tables.
_MIN_HITS = 2
#: Page numbers ("- 4 -", "第4页 共6页"), which are not part of the report's text.
_FURNITURE = re.compile(r"^[-—–－\s]*(第?\s*\d+\s*页?)(\s*/?\s*共?\s*\d+\s*页?)?[-—–－\s]*$")


@dataclass(frozen=True, slots=True)
class _Item:
    """Something found on a page in reading order: a line of text or a table piece."""

    page: int
    text: str | None = None
    piece: Piece | None = None


def read(path: str, data: bytes, *, charset: str | None = None, settings: ReadSettings | None = None) -> Document:
    """Read a PDF's text layer (``charset`` is unused: PDF text is Unicode) with the tolerances of ``settings``
    (the defaults when None)."""
    settings = settings or ReadSettings()
    with PDFIUM_LOCK:
        items, title = _read_pages(path, data, settings.layout)
    paragraphs, tables = _assemble(items, settings.layout)
    meta: dict[str, str] = {}
    if not any(p.text for p in paragraphs) and not tables:
        log.info("%s: no text layer (a scanned PDF?): reading its pages with OCR", path)
        _check_scan(path, data)
        paragraphs, tables, title = read_images(path, ocr().render_pages(data, settings.ocr), settings)
        meta[OCR_META] = "pp-ocr"
    return Document(path, "pdf", paragraphs, tables, title=title or guess_title(paragraphs), meta=meta)


def _read_pages(path: str, data: bytes, layout: LayoutSettings) -> tuple[list[_Item], str | None]:
    """Each page's lines and table pieces, and the title printed on the first page."""
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise ReaderError(f"broken PDF: {exc}", path) from exc
    items: list[_Item] = []
    title = None
    try:
        for index in range(len(pdf)):
            page = open_page(pdf, index)
            try:
                text = page_text(page)
                after_table = bool(items) and items[-1].piece is not None
                items.extend(_page_items(page, text, after_table, layout))
                if index == 0:
                    title = _printed_title(page, text, layout)
            finally:
                close_page(page)
    except pdfium.PdfiumError as exc:
        raise ReaderError(f"broken PDF page: {exc}", path) from exc
    finally:
        pdf.close()
    return items, title


def _check_scan(path: str, data: bytes) -> None:
    """Refuse, before any page is rendered, a scan with more pages or a larger page than a report has
    (:data:`~extractor.limits.LIMITS`): a blank page 5 m on a side renders to gigabytes."""
    with PDFIUM_LOCK:
        pdf = pdfium.PdfDocument(data)
        try:
            count = len(pdf)
            if count > LIMITS.ocr_pages:
                raise ReaderError(f"a scan of {count} pages, more than the {LIMITS.ocr_pages} a report could have "
                                  "to be read with OCR", path)
            largest = max((width * height for width, height in map(pdf.get_page_size, range(count))), default=0)
        finally:
            pdf.close()
    if largest > LIMITS.page_area:
        raise ReaderError(f"a scanned page of {largest / 1e6:.3g} million square points, larger than the "
                          f"{LIMITS.page_area / 1e6:.3g} million a report's page could be (twice A0): not rendered",
                          path)


def read_images(path: str, images: Iterable[Image], settings: ReadSettings
                ) -> tuple[list[Paragraph], list[Table], str | None]:
    """Paragraphs, tables and the printed title of page images (a scan, a table posted as a picture) read
    with OCR.

    OCR gives the ruling lines seen in the image and the text in and around
    them, so each page is read as a text page is: its ruled tables by their
    grids, else its rows rebuilt from the words' positions.
    """
    layout = settings.layout
    items: list[_Item] = []
    title = None
    for number, image in enumerate(images, start=1):
        page, pieces, lines = ruled_pieces(path, image, number, settings)
        words = [] if pieces else ocr().page_words(path, page, number, settings.ocr)
        if number == 1:
            title = _largest_lines(lines or chars_to_lines(words, layout), layout)
        items.extend(_table_items(pieces, lines, lambda: words, number, layout))
    return (*_assemble(items, layout), title)


def _printed_title(page: Page, text: str, layout: LayoutSettings) -> str | None:
    """The first run of lines printed larger than the text of the first page, joined.

    A PDF's title is set in a bigger font and, when long, wraps over two
    lines ("…政府信息公开工作" / "年度报告"); its lines are not paragraphs yet.
    """
    return _largest_lines(leading_lines(page, text, layout.title_lookahead), layout)


def _largest_lines(leading: list[TextLine], layout: LayoutSettings) -> str | None:
    """The first run of lines printed larger than the middle-sized one of ``leading``, joined."""
    lines = [line for line in leading[:layout.title_lookahead] if clean_text(line.text)]
    if not lines:
        return None
    sizes = sorted(line.size for line in lines)
    biggest = sizes[-1]
    if biggest < layout.title_scale * sizes[len(sizes) // 2]:
        return None
    start = next(i for i, line in enumerate(lines) if line.size >= layout.title_same_size * biggest)
    run = list(takewhile(lambda line: line.size >= layout.title_same_size * biggest, lines[start:]))
    return clean_text("".join(line.text for line in run))


@cache
def _page_labels() -> dict[str, tuple[str, ...]]:
    """The labels whose printing at the start of a line marks a table page, item numbers dropped, by first character.

    The requests table's header labels count too: a page may hold nothing
    of that table but its header and one row.
    """
    by_first: dict[str, list[str]] = {}
    for key in {unnumbered(label) for label in (*form_labels(), *REQUEST_HEADER_LABELS)}:
        if len(key) >= _MIN_LABEL:
            by_first.setdefault(key[0], []).append(key)
    return {first: tuple(keys) for first, keys in by_first.items()}


def is_table_page(text: str) -> bool:
    """Whether a page's text starts lines with enough labels of the form to hold (part of) a table.

    Only line starts count (a label, or the start of one wrapped over lines):
    a table row begins with its label, while the narrative that restates the
    figures ("其中结果维持72件") names them mid-line. A line of a row's worth
    of numbers is a table row whatever its label (the appeals row has none),
    and so is a label of the form followed by numbers only ("规章 0 25 2598":
    the one row a page break left at the foot of a page).
    """
    found: set[str] = set()
    for line in text.splitlines():
        tokens = line.split()
        if len(tokens) >= len(REQUEST_COLUMNS) and sum(map(looks_like_value, tokens)) >= len(REQUEST_COLUMNS):
            return True
        key = unnumbered(line)
        if _is_labelled_row(tokens):
            found.add(key)
        found.update(label for label in _page_labels().get(key[:1], ())
                     if key.startswith(label) or (len(key) >= _MIN_LABEL and label.startswith(key)))
        if len(found) >= _MIN_HITS:
            return True
    return False


def _is_labelled_row(tokens: list[str]) -> bool:
    """Whether a line is a label the form prints followed by numbers only."""
    label = list(takewhile(lambda token: not looks_like_value(token), tokens))
    return 0 < len(label) < len(tokens) and all(map(looks_like_value, tokens[len(label):])) \
        and label_key("".join(label)) in form_labels()


def _opens_with_values(text: str) -> bool:
    """Whether a page's first line (page furniture aside) is numbers only: the last row of a table cut above."""
    first = next((line for line in text.splitlines() if line.strip() and not _FURNITURE.match(line)), "")
    return bool(first.split()) and all(map(looks_like_value, first.split()))


def _page_items(page: Page, text: str, after_table: bool, layout: LayoutSettings) -> list[_Item]:
    """A page's lines and table pieces, top to bottom, page furniture left out.

    A page right after a table is read for tables too when it opens with a
    row of numbers, or inside a ruled table: what a page break left of
    table 四 may be a values row too short (blank cells) to be a row by its
    own look, or header cells wrapped a word per line ("结果" / "维持").
    """
    number = page.number
    table_page = is_table_page(text) or (after_table and _opens_with_values(text))
    if not table_page and not after_table:
        return _text_items(text.splitlines(), number)
    grids = page_grids(page_ruling(page, layout), layout)
    if not table_page and not (grids and opens_inside(page, text, grids[0].bbox)):
        return _text_items(text.splitlines(), number)
    pieces, lines = page_pieces(page, text, grids, layout) if grids else ([], [])
    return _table_items(pieces, lines, lambda: page_words(page, text), number, layout)


def _table_items(pieces: list[Piece], lines: list[TextLine], words: Callable[[], list[Char]],
                 number: int, layout: LayoutSettings) -> list[_Item]:
    """A table page's items: its ruled tables' pieces among its lines, else rows rebuilt from its ``words``
    (read only then: a table drawn without lines)."""
    if pieces:
        return _ruled_items(pieces, lines, number)
    log.debug("page %d holds no ruled table: reading its rows from its words", number)
    return _flow_items(words_to_flow(words(), _FURNITURE.match, layout), number)


def _ruled_items(pieces: list[Piece], lines: list[TextLine], number: int) -> list[_Item]:
    """A page's ruled table pieces and lines of running text, top to bottom, page furniture left out."""
    flow: list[tuple[float, _Item]] = [(p.bbox[1], _Item(number, piece=p)) for p in pieces if p.bbox]
    flow += [(line.top, _Item(number, text=clean_text(line.text))) for line in lines]
    flow.sort(key=lambda pair: pair[0])
    return [item for _, item in flow if item.piece is not None or (item.text and not _FURNITURE.match(item.text))]


def _text_items(lines: list[str], number: int) -> list[_Item]:
    return [_Item(number, text=line) for line in (clean_text(raw) for raw in lines)
            if line and not _FURNITURE.match(line)]


def _flow_items(flow: Flow, number: int) -> list[_Item]:
    """Items of a page read as lines: running text as paragraphs, rows as one table piece each."""
    items: list[_Item] = []
    for part in flow:
        if isinstance(part, str):
            items.extend(_text_items([part], number))
        else:
            items.append(_Item(number, piece=Piece(table_from_rows(part, "").cells, number, None)))
    return items


def _assemble(items: list[_Item], layout: LayoutSettings) -> tuple[list[Paragraph], list[Table]]:
    """Paragraphs and tables in reading order, a piece right after a piece on the previous page stitched to it."""
    paragraphs: list[Paragraph] = []
    pieces: list[tuple[Piece, int]] = []
    previous: _Item | None = None
    for item in items:
        if item.piece is None:
            paragraphs.append(Paragraph(item.text or "", item.page))
        elif previous is not None and previous.piece is not None and previous.page == item.page - 1:
            upper, index = pieces[-1]
            pieces[-1] = (stitch(upper, item.piece, layout), index)
        else:
            pieces.append((item.piece, len(paragraphs)))
        previous = item
    tables = [Table(piece.cells, f"page {piece.page} table {n}", index, piece.page)
              for n, (piece, index) in enumerate(pieces, start=1)]
    return paragraphs, tables
