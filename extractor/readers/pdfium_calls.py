"""pdfium's C functions as the PDF reader calls them: on plain addresses, declared once.

The reader calls pdfium a few thousand times a report (every object of a
table page, to find its ruling lines; every word in a table, to place it).
pypdfium2's bindings type every handle with a pointer class of its own and
make a new pointer object for each handle a call returns, and its page
wrappers register finalizers: a third of the cost of a call that does
little. So the functions the reader needs are declared here again, from the
addresses pypdfium2 has loaded, taking and returning handles as ints.
pypdfium2 still opens the document: it owns the file's bytes and its errors.

The calls made per object or per character hold the GIL (``PYFUNCTYPE``:
cheaper); loading and closing a page, which take milliseconds, release it
like pypdfium2's own calls. pdfium itself is not thread-safe, whatever the
document: every use of it in a process holds :data:`PDFIUM_LOCK` (a Dask
worker parses several files at once in threads).
"""
from __future__ import annotations

import ctypes
import threading
from typing import NamedTuple

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

__all__ = ["PDFIUM_LOCK", "Page", "open_page", "close_page", "char_box", "char_origin", "page_objects", "object_type",
           "object_bounds", "object_matrix", "form_objects", "path_points", "page_text"]

#: Held by whatever calls pdfium, so that two threads never do at once.
PDFIUM_LOCK = threading.RLock()

_handle, _int, _float, _double = ctypes.c_void_p, ctypes.c_int, ctypes.c_float, ctypes.c_double
_floats, _doubles = ctypes.POINTER(_float), ctypes.POINTER(_double)


def _declare(function, restype, *argtypes, hold_gil: bool = True):
    """One of pypdfium2's bound functions, declared again on ints: same address, leaner types."""
    prototype = ctypes.PYFUNCTYPE if hold_gil else ctypes.CFUNCTYPE
    return prototype(restype, *argtypes)(ctypes.cast(function, _handle).value)


_load_page = _declare(pdfium_c.FPDF_LoadPage, _handle, _handle, _int, hold_gil=False)
_close_page = _declare(pdfium_c.FPDF_ClosePage, None, _handle, hold_gil=False)
_load_textpage = _declare(pdfium_c.FPDFText_LoadPage, _handle, _handle, hold_gil=False)
_close_textpage = _declare(pdfium_c.FPDFText_ClosePage, None, _handle, hold_gil=False)
_page_width = _declare(pdfium_c.FPDF_GetPageWidthF, _float, _handle)
_page_height = _declare(pdfium_c.FPDF_GetPageHeightF, _float, _handle)
_page_rotation = _declare(pdfium_c.FPDFPage_GetRotation, _int, _handle)
_count_chars = _declare(pdfium_c.FPDFText_CountChars, _int, _handle)
_get_text = _declare(pdfium_c.FPDFText_GetText, _int, _handle, _int, _int, ctypes.POINTER(ctypes.c_ushort))
_get_unicode = _declare(pdfium_c.FPDFText_GetUnicode, ctypes.c_uint, _handle, _int)
char_box = _declare(pdfium_c.FPDFText_GetCharBox, _int, _handle, _int, _doubles, _doubles, _doubles, _doubles)
char_origin = _declare(pdfium_c.FPDFText_GetCharOrigin, _int, _handle, _int, _doubles, _doubles)
_count_objects = _declare(pdfium_c.FPDFPage_CountObjects, _int, _handle)
_get_object = _declare(pdfium_c.FPDFPage_GetObject, _handle, _handle, _int)
object_type = _declare(pdfium_c.FPDFPageObj_GetType, _int, _handle)
object_bounds = _declare(pdfium_c.FPDFPageObj_GetBounds, _int, _handle, _floats, _floats, _floats, _floats)
object_matrix = _declare(pdfium_c.FPDFPageObj_GetMatrix, _int, _handle, ctypes.POINTER(pdfium_c.FS_MATRIX))
_count_form_objects = _declare(pdfium_c.FPDFFormObj_CountObjects, _int, _handle)
_get_form_object = _declare(pdfium_c.FPDFFormObj_GetObject, _handle, _handle, ctypes.c_ulong)
_count_segments = _declare(pdfium_c.FPDFPath_CountSegments, _int, _handle)
_get_segment = _declare(pdfium_c.FPDFPath_GetPathSegment, _handle, _handle, _int)
_segment_point = _declare(pdfium_c.FPDFPathSegment_GetPoint, _int, _handle, _floats, _floats)
_segment_type = _declare(pdfium_c.FPDFPathSegment_GetType, _int, _handle)
_segment_closes = _declare(pdfium_c.FPDFPathSegment_GetClose, _int, _handle)


class Page(NamedTuple):
    """A loaded page: its handle, its text page's handle, its number (1-based), size and rotation."""

    handle: int
    textpage: int
    number: int
    width: float
    height: float
    rotation: int


def open_page(document: pdfium.PdfDocument, index: int) -> Page:
    """Load a page and its text; :func:`close_page` must follow. Raises ``pdfium.PdfiumError`` when it cannot."""
    handle = _load_page(ctypes.cast(document.raw, _handle).value, index)
    if not handle:
        raise pdfium.PdfiumError(f"failed to load page {index + 1}")
    textpage = _load_textpage(handle)
    if not textpage:
        _close_page(handle)
        raise pdfium.PdfiumError(f"failed to read the text of page {index + 1}")
    return Page(handle, textpage, index + 1, _page_width(handle), _page_height(handle), _page_rotation(handle) * 90)


def close_page(page: Page) -> None:
    _close_textpage(page.textpage)
    _close_page(page.handle)


def page_text(page: Page) -> str:
    """The page's text, one character per character index.

    One bulk call when every character is one UTF-16 unit (always, in
    practice: CJK is in the BMP); per character otherwise.
    """
    count = _count_chars(page.textpage)
    buffer = (ctypes.c_ushort * (count + 1))()
    written = _get_text(page.textpage, 0, count, buffer)
    decoded = ctypes.string_at(buffer, 2 * count).decode("utf-16-le", errors="replace")
    if written == count + 1 and len(decoded) == count:
        return decoded
    return "".join(chr(_get_unicode(page.textpage, i)) for i in range(count))


def page_objects(page: Page) -> list[int]:
    """The page's top-level objects (text, paths, images, forms), in drawing order."""
    get = _get_object
    return [get(page.handle, i) for i in range(_count_objects(page.handle))]


def form_objects(form: int) -> list[int]:
    """The objects inside a form XObject."""
    get = _get_form_object
    return [get(form, i) for i in range(_count_form_objects(form))]


def path_points(path: int) -> list[tuple[float, float, bool, bool]]:
    """A path's points in its own space: x, y, whether the point starts a subpath, whether it closes one."""
    x, y = _float(), _float()
    points = []
    for i in range(_count_segments(path)):
        segment = _get_segment(path, i)
        _segment_point(segment, x, y)
        points.append((x.value, y.value, _segment_type(segment) == pdfium_c.FPDF_SEGMENT_MOVETO,
                       bool(_segment_closes(segment))))
    return points
