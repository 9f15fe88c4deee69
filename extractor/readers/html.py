"""Reader for web pages: a report as published on a government site.

Most reports are pages of a CMS (TRS, Hanweb and the like): the report sits in
one container among menus, breadcrumbs, related links and a footer. The
container is found without knowing the CMS, by where the running text is:
links weigh nothing, and we step from ``<body>`` into whichever child holds
nearly all of the remaining text, stopping where the text spreads over several
children. A fragment (the report's markup alone) passes through unchanged.

Inside the container the page is read in document order: block elements make
paragraphs, data tables make :class:`~extractor.document.Table` grids with
their rowspans and colspans laid out by :func:`~extractor.document.place_cells`.
A table that holds another table is page layout, not data: its cells are read
as running text and the inner table becomes a table of its own.

A picture in the body (``<img>``) is read where it stands for the ruled
tables it shows, with OCR (:mod:`.pictures`): a table posted as a picture.
Its bytes come from a ``data:`` URI, or from a file beside a page saved on
disk (its ``_files`` folder), never from the network and never from outside
the page's folder.
"""
from __future__ import annotations

import base64
import binascii
import logging
import re
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from urllib.parse import unquote, unquote_to_bytes, urlsplit

from lxml import etree

from ..document import OCR_META, Document, Paragraph, Table, place_cells
from ..errors import ReaderError
from ..limits import LIMITS
from ..text import clean_text
from .titles import guess_title, report_title
from .encoding import decode_html
from .pictures import Picture, with_picture_tables
from .settings import ReadSettings

__all__ = ["page_meta", "parse_html", "read"]

log = logging.getLogger(__name__)

#: elements whose content is never report text
_SKIPPED = frozenset({
    "script", "style", "noscript", "template", "head", "title", "iframe", "frame", "object", "embed",
    "select", "option", "button", "input", "textarea", "nav", "svg", "map", "audio", "video", "canvas",
})
#: elements that end the paragraph before them and start a new one
_BLOCKS = frozenset({
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd", "blockquote",
    "section", "article", "header", "footer", "main", "aside", "center", "pre", "address", "form",
    "fieldset", "figure", "figcaption", "details", "summary", "hr", "br",
    "table", "caption", "thead", "tbody", "tfoot", "tr", "td", "th",
})
#: a child holding this share of its parent's text is where the report continues
_BODY_SHARE = 0.8
_MAX_COLSPAN = 1000
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_TITLE_SEPARATORS = re.compile(r"\s*(?:[_|｜]|\s[-—]\s|--)\s*")
_DIGITS = re.compile(r"\d+")
#: CSS pixels per inch: an ``<img width>`` is in them.
_CSS_PIXELS = 96

#: marks a block boundary in the flow of text runs
BREAK = None
FlowItem = str | None | etree._Element
#: A picture of the body and where it stands: after how many paragraphs and tables.
Anchored = tuple[etree._Element, int, int]
_PARSER = etree.HTMLParser(remove_comments=True, remove_pis=True, no_network=True)
#: matched against the lower-cased style: a case-insensitive pattern cannot skip ahead to "display"
_DISPLAY_NONE = re.compile(r"display\s*:\s*none")
#: the elements that may be hidden, found in C (most elements carry neither attribute)
_MAY_HIDE = etree.XPath("descendant-or-self::*[@hidden or @style]")
#: the links of a subtree whose text is not already inside another counted link
_OUTER_LINKS = etree.XPath("descendant-or-self::a[@href][not(ancestor::a[@href])]")


def read(path: str, data: bytes, *, charset: str | None = None, settings: ReadSettings | None = None) -> Document:
    """Read a web page (full CMS page or fragment) into a Document, the tables its pictures show read with OCR
    and the tolerances of ``settings`` (the defaults when None).

    CMSs print the title above the article container, outside the body we
    keep; when the body does not open with a title of its own, the page's
    title becomes its first paragraph, so that the issuing body and the year
    are read from the same place for every format.
    """
    root = parse_html(path, decode_html(path, data, charset))
    meta = page_meta(root)
    page_title = clean_text(meta.get("ArticleTitle", "")) or _title_element_text(root)
    _prune(root)
    paragraphs, tables, images = flow_to_content(path, _flow(find_body(root)))
    if images:
        pictures = _pictures(path, images)
        tables, read_any = with_picture_tables(path, tables, pictures, settings or ReadSettings())
        if read_any:
            meta[OCR_META] = "pp-ocr"
    if page_title and report_title(paragraphs) is None:
        paragraphs.insert(0, Paragraph(page_title))
        for table in tables:
            table.paragraph_index += 1
    if not paragraphs and not tables:
        raise ReaderError("the page holds no text", path)
    log.debug("%s: %d paragraphs, %d tables", path, len(paragraphs), len(tables))
    return Document(path, "html", paragraphs, tables, page_title or guess_title(paragraphs), meta)


def parse_html(path: str, text: str) -> etree._Element:
    """The page as an lxml tree; a fragment gets the ``<html><body>`` it lacks (the crawler reads
    listings and detail pages with it too)."""
    try:
        root = etree.fromstring(_XML_DECLARATION.sub("", text, count=1), _PARSER)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as exc:
        raise ReaderError(f"not a readable HTML page: {exc}", path) from exc
    if root is None:
        raise ReaderError("the page holds no markup and no text", path)
    return root


def _prune(root: etree._Element) -> None:
    """Take out what is never report text (scripts, forms, menus, hidden blocks), keeping tails."""
    etree.strip_elements(root, *_SKIPPED, with_tail=False)
    for element in [e for e in _MAY_HIDE(root) if _is_hidden(e)]:
        _drop(element)


def _is_hidden(element: etree._Element) -> bool:
    """Hidden by attribute or inline style; "none" is tested first, most styles lack it (cheap)."""
    if element.get("hidden") is not None:
        return True
    style = element.get("style")
    if style is None:
        return False
    style = style.lower()
    return "none" in style and _DISPLAY_NONE.search(style) is not None


def _drop(element: etree._Element) -> None:
    """Remove an element but keep the text that follows it."""
    parent = element.getparent()
    if parent is None:
        return
    previous = element.getprevious()
    if element.tail:
        if previous is not None:
            previous.tail = (previous.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
    parent.remove(element)


def page_meta(root: etree._Element) -> dict[str, str]:
    """``<meta name=… content=…>`` pairs (ArticleTitle, PubDate, SiteName…), first one wins."""
    meta: dict[str, str] = {}
    for element in root.iter("meta"):
        name, content = element.get("name"), element.get("content")
        if name and content and content.strip():
            meta.setdefault(name.strip(), content.strip())
    return meta


def _title_element_text(root: etree._Element) -> str | None:
    """The page's ``<title>`` without the site and column names CMSs append."""
    element = root.find(".//title")
    if element is None:
        return None
    parts = [clean_text(p) for p in _TITLE_SEPARATORS.split("".join(element.itertext()))]
    return next((p for p in parts if p), None)


def _is_data_table(table: etree._Element) -> bool:
    """A table of data, as opposed to one that lays out a page or frames a box."""
    if table.find(".//table") is not None:
        return False
    cells = table.iter("td", "th")
    return next(cells, None) is not None and next(cells, None) is not None


def subtree_text(element: etree._Element) -> str:
    """An element's text without its tail, serialized in C (far cheaper than ``itertext``)."""
    return etree.tostring(element, method="text", encoding=str, with_tail=False)


def _visible_chars(text: str | None) -> int:
    """Characters that show: whitespace is layout. Additive over concatenation, which find_body relies on."""
    return len("".join(text.split())) if text else 0


def text_weight(element: etree._Element) -> int:
    """How many visible characters an element holds outside links (its tail not counted).

    Menus, breadcrumbs and related-link lists are made of links, so counting
    only text outside ``<a href>`` leaves the report's container as the heavy
    part of the page.
    """
    links = sum(_visible_chars(subtree_text(link)) for link in _OUTER_LINKS(element))
    return _visible_chars(subtree_text(element)) - links


def _heavy_child(node: etree._Element, weight: int) -> tuple[etree._Element, int] | None:
    """The child holding at least ``_BODY_SHARE`` of the node's weight, with its weight, if one does.

    At most one child can, so the children are weighed one by one until one
    does or the rest cannot; the last is not weighed but given what remains
    (weights add up), which spares re-reading the big container at every level.
    """
    elements = [c for c in node if isinstance(c.tag, str)]
    data_tables = [c for c in elements if c.tag == "table" and _is_data_table(c)]
    candidates = [c for c in elements if c not in data_tables]
    rest = weight - _visible_chars(node.text) - sum(_visible_chars(c.tail) for c in node)
    rest -= sum(text_weight(t) for t in data_tables)
    need = _BODY_SHARE * weight
    for i, child in enumerate(candidates):
        if rest < need:
            return None
        child_weight = rest if i == len(candidates) - 1 else text_weight(child)
        if child_weight >= need:
            return child, child_weight
        rest -= child_weight
    return None


def find_body(root: etree._Element) -> etree._Element:
    """The element that holds the report: step down while one child holds nearly all text.

    A data table is never stepped into: the report's headings lie outside it.
    """
    body = root.find("body")
    node = body if body is not None else root
    weight = text_weight(node)
    while weight and (heavy := _heavy_child(node, weight)):
        node, weight = heavy
    return node


def _flow(container: etree._Element) -> Iterator[FlowItem]:
    """The container's text runs in reading order, BREAK at block edges, data tables and pictures whole.

    Runs are yielded raw ("2" and "1" from two spans stay two runs with
    nothing between them), so that joining them restores what was cut.
    """
    walker = etree.iterwalk(container, events=("start", "end"))
    for event, element in walker:
        tag = element.tag
        if event == "start":
            if tag == "table" and _is_data_table(element):
                walker.skip_subtree()
                for caption in element.iterchildren("caption"):
                    yield BREAK
                    yield from _flow(caption)
                yield BREAK
                yield element
                continue
            if tag in _BLOCKS:
                yield BREAK
            elif tag == "img":
                yield element
            if element.text:
                yield element.text
        else:
            if tag in _BLOCKS:
                yield BREAK
            if element is not container and element.tail:
                yield element.tail


def flow_to_content(path: str, flow: Iterator[FlowItem]) -> tuple[list[Paragraph], list[Table], list[Anchored]]:
    """Paragraphs and tables from a flow, each table knowing how many paragraphs precede it, and the
    pictures with how many paragraphs and tables precede each.

    A table without any text (a spacer, a frame for an image) is no table.
    A table whose merged cells would cover more grid positions than
    :data:`~extractor.limits.LIMITS` allows is refused before they are laid out.
    A picture inside a paragraph stands after it: the paragraph's text stays whole.
    """
    paragraphs: list[Paragraph] = []
    tables: list[Table] = []
    runs: list[str] = []
    images: list[etree._Element] = []
    anchored: list[Anchored] = []

    def end_paragraph() -> None:
        text = clean_text("".join(runs))
        runs.clear()
        if text:
            paragraphs.append(Paragraph(text))
        anchored.extend((image, len(paragraphs), len(tables)) for image in images)
        images.clear()

    for item in flow:
        if isinstance(item, str):
            runs.append(item)
            continue
        if item is not BREAK and item.tag == "img":
            images.append(item)
            continue
        end_paragraph()
        rows = table_rows(item) if item is not BREAK else []
        if any(text for row in rows for text, _, _ in row):
            _check_grid(path, rows)
            tables.append(Table(place_cells(rows), f"table {len(tables) + 1}", len(paragraphs)))
    end_paragraph()
    return paragraphs, tables, anchored


def _pictures(path: str, anchored: list[Anchored]) -> list[Picture]:
    """The pictures whose bytes the page holds (``data:`` URIs) or has beside it on disk, where they stand."""
    folder = Path(path).parent if Path(path).is_file() else None
    pictures = []
    for element, paragraph_index, tables_before in anchored:
        src = (element.get("src") or "").strip()
        if src[:5].lower() == "data:":
            name, load = f"picture {len(pictures) + 1} (data: URI)", partial(_data_uri, path, src)
        else:
            name, load = src, _beside(path, folder, src)
        if load is not None:
            pictures.append(Picture(name, load, paragraph_index, tables_before, _shown_width(element)))
    return pictures


def _data_uri(path: str, src: str) -> bytes:
    """A ``data:`` URI's bytes, or ReaderError for one that is broken."""
    header, comma, payload = src.partition(",")
    if not comma:
        raise ReaderError("a data: URI without data", path)
    if not header.lower().endswith(";base64"):
        return unquote_to_bytes(payload)
    try:
        return base64.b64decode("".join(payload.split()), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ReaderError(f"a data: URI of broken base64: {exc}", path) from exc


def _beside(path: str, folder: Path | None, src: str) -> partial[bytes] | None:
    """The loader of a picture stored in the folder of a page saved on disk (``report_files/image001.png``);
    None (logged) for one elsewhere: on the network, by an absolute path, above the page's folder, or not
    saved with the page (a crawled page's pictures are files of their own)."""
    parts = urlsplit(src)
    relative = unquote(parts.path)
    if folder is None or not relative or parts.scheme or parts.netloc or relative.startswith(("/", "\\")):
        log.debug("%s: picture %r is not beside the page: not read", path, src)
        return None
    try:
        target = (folder / relative).resolve()
        if ".." in Path(relative).parts or not target.is_relative_to(folder.resolve()):
            log.info("%s: picture %r lies outside the page's folder: not read", path, src)
            return None
        saved = target.is_file()
    except (OSError, ValueError):  # a name too long, a NUL byte: no file of the page
        saved = False
    if not saved:
        log.debug("%s: picture %r is not saved beside the page: not read", path, src)
        return None
    return partial(_file_bytes, path, target)


def _file_bytes(path: str, target: Path) -> bytes:
    """A saved picture's bytes, or ReaderError saying why not."""
    try:
        return target.read_bytes()
    except OSError as exc:
        raise ReaderError(f"cannot open picture {target.name}: {exc.strerror or exc}", path) from exc


def _shown_width(element: etree._Element) -> float | None:
    """How many inches wide the page shows a picture (its ``width`` attribute in CSS pixels), when it says."""
    match = _DIGITS.match((element.get("width") or "").strip())
    return int(match.group()) / _CSS_PIXELS if match and int(match.group()) else None


def _check_grid(path: str, rows: list[list[tuple[str, int, int]]]) -> None:
    """Refuse a table whose rowspans and colspans multiply to more grid positions than a report's table
    could hold: laying them out would take gigabytes."""
    covered = sum(rowspan * colspan for row in rows for _, rowspan, colspan in row)
    if covered > LIMITS.grid_cells:
        raise ReaderError(f"a table whose merged cells cover {covered} grid positions, more than the "
                          f"{LIMITS.grid_cells} a report's table could: not laid out", path)


def _span(value: str, limit: int) -> int:
    """A rowspan/colspan attribute as the browser reads it: leading digits, at least 1, capped."""
    match = _DIGITS.match(value.strip())
    return min(max(int(match.group()), 1), limit) if match else 1


def cell_text(cell: etree._Element) -> str:
    """A cell's text, its runs joined as they stand.

    A cell holds one label or one value, which Word and the CMS cut into
    spans and paragraphs mid-word ("商业" / "企业", "2" / "1"), so nothing is
    put between the pieces; :func:`clean_text` then tidies the spacing.
    A cell without child elements is its own text (cheaper than serializing it).
    """
    return clean_text(subtree_text(cell) if len(cell) else cell.text or "")


def _cell(cell: etree._Element, rows_left: int) -> tuple[str, int, int]:
    """A cell as ``(text, rowspan, colspan)``; most cells carry no span and skip reading one."""
    rowspan, colspan = cell.get("rowspan"), cell.get("colspan")
    return (
        cell_text(cell),
        1 if rowspan is None else _span(rowspan, rows_left),
        1 if colspan is None else _span(colspan, _MAX_COLSPAN),
    )


def table_rows(table: etree._Element) -> list[list[tuple[str, int, int]]]:
    """A data table's rows as ``(text, rowspan, colspan)``; rowspans stop at the table's end."""
    trs = list(table.iter("tr"))
    return [[_cell(cell, len(trs) - r) for cell in tr.iterchildren("td", "th")] for r, tr in enumerate(trs)]
