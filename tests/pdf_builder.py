"""Small PDFs written by hand, for what real producers do that the corpus lacks.

Faux bold is the case in point: a producer without a bold CJK face prints
every character twice, a fraction of a point apart — glyph by glyph inside
one text object, or the whole run again as a second object. The font is the
standard Adobe-GB1 CID font (not embedded: any viewer, pdfium included,
substitutes a CJK font), so a page is a few lines of PDF syntax.
"""
from __future__ import annotations

#: How far (pt) the second copy of a faux-bold character is printed right of the first.
FAUX_BOLD_OFFSET = 0.4

_FONT_SIZE = 12.0
_PAGE = (595, 842)


def _hex(text: str) -> str:
    return "".join(f"<{ord(ch):04X}>" for ch in text)


def text_once(text: str, x: float, y: float) -> str:
    """Content that prints ``text`` from (x, y) (PDF space, bottom-left origin)."""
    return f"BT /F1 {_FONT_SIZE:g} Tf 1 0 0 1 {x:g} {y:g} Tm [{_hex(text)}] TJ ET\n"


def text_glyphs_twice(text: str, x: float, y: float) -> str:
    """``text`` with every glyph printed twice inside one text object, the copy ``FAUX_BOLD_OFFSET`` right."""
    back = 1000 - FAUX_BOLD_OFFSET / _FONT_SIZE * 1000  # after a glyph, back to just right of where it began
    ahead = FAUX_BOLD_OFFSET / _FONT_SIZE * 1000  # after its copy, on to where the next glyph begins
    parts = " ".join(f"<{ord(ch):04X}> {back:.2f} <{ord(ch):04X}> {ahead:.2f}" for ch in text)
    return f"BT /F1 {_FONT_SIZE:g} Tf 1 0 0 1 {x:g} {y:g} Tm [{parts}] TJ ET\n"


def text_run_twice(text: str, x: float, y: float) -> str:
    """``text`` printed whole, then whole again as a second text object ``FAUX_BOLD_OFFSET`` right."""
    return text_once(text, x, y) + text_once(text, x + FAUX_BOLD_OFFSET, y)


def text_then(first: str, second: str, x: float, y: float, gap: float) -> str:
    """``first``, then ``second`` ``gap`` pt after it, in one text object (how producers set a row's cells)."""
    shift = -gap / _FONT_SIZE * 1000
    return f"BT /F1 {_FONT_SIZE:g} Tf 1 0 0 1 {x:g} {y:g} Tm [{_hex(first)} {shift:.2f} {_hex(second)}] TJ ET\n"


def grid_lines(xs: list[float], ys: list[float], columns: tuple[float, float] | None = None) -> str:
    """Content that rules a grid: a vertical line at every x, a horizontal one at every y.

    The vertical lines run from ``ys[0]`` to ``ys[-1]``, or over ``columns``
    (from, to) when given: past the last row line, a row left open.
    """
    start, end = columns or (ys[0], ys[-1])
    lines = [f"{x:g} {start:g} m {x:g} {end:g} l S" for x in xs]
    lines += [f"{xs[0]:g} {y:g} m {xs[-1]:g} {y:g} l S" for y in ys]
    return "0.5 w\n" + "\n".join(lines) + "\n"


def pdf_with_pages(contents: list[str]) -> bytes:
    """A PDF whose pages draw ``contents`` (content streams) with the font as /F1."""
    n = len(contents)
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [" + " ".join(f"{6 + 2 * i} 0 R" for i in range(n)) + f"] /Count {n} >>",
        "<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H /DescendantFonts [4 0 R] >>",
        "<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /DW 1000 /FontDescriptor 5 0 R"
        " /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 4 >> >>",
        "<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [0 -200 1000 900] /ItalicAngle 0"
        " /Ascent 880 /Descent -120 /CapHeight 700 /StemV 80 >>",
    ]
    for i, content in enumerate(contents):
        data = content.encode("ascii")
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {_PAGE[0]} {_PAGE[1]}]"
                       f" /Resources << /Font << /F1 3 0 R >> >> /Contents {7 + 2 * i} 0 R >>")
        objects.append(f"<< /Length {len(data)} >>\nstream\n{content}endstream")
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("ascii")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode("ascii")
    out += "".join(f"{offset:010d} 00000 n \n" for offset in offsets).encode("ascii")
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode("ascii")
    return bytes(out)
