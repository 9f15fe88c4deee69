"""Scanned versions of generated reports: each page of a report's PDF printed, stamped and scanned.

A county office prints its report, stamps it with its red seal, and scans
it; the scanner adds what the OCR path must survive. Each page is rendered
from the text PDF (pdfium) and given, in the order a real page gets them:

- grey or coloured fills behind the header rows of its ruled tables (found
  from the PDF's own ruling, as the extractor finds them);
- a red seal (ring, star, agency-like text) over a table's numbers;
- grey, unevenly lit paper;
- a skew of 0.5–1.5° either way, a slight blur, sensor noise, dark specks;
- JPEG compression at quality 60.

The pages are wrapped as an image-only PDF (no text layer), or as one JPEG
or PNG per report with its table pages stacked one under another (a table
posted as a picture). Each scan is deterministic in ``(seed, name)``.
"""
from __future__ import annotations

import io
import math
import random
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from extractor.readers.pdf import is_table_page
from extractor.readers.pdf_page import page_ruling
from extractor.readers.layout.ruling import Grid, page_grids
from extractor.readers.layout.settings import LayoutSettings
from extractor.readers.pdfium_calls import close_page, open_page, page_text

__all__ = ["SCAN_FORMATS", "ScanStyle", "scan_name", "scan_pdf"]

#: What a scan is written as: an image-only PDF, or the table pages as one picture.
SCAN_FORMATS = ("pdf", "jpg", "png")
_POINTS = 72
#: Colours (RGB) of header fills: greys, the light blue and yellow of office templates.
_FILLS = ((215, 215, 215), (200, 200, 200), (205, 222, 242), (250, 236, 190), (220, 235, 215))
_RED = (215, 35, 40)
_FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
_JPEG_QUALITY = 60
#: The extractor's own tolerances: the fills go where it finds the ruled tables.
_LAYOUT = LayoutSettings()


@dataclass(frozen=True)
class ScanStyle:
    """The distortions of one scanned report."""

    dpi: int
    skew: float
    blur: float
    noise: float
    specks: int
    paper: int
    fill: tuple[int, int, int]

    @classmethod
    def draw(cls, rng: random.Random) -> "ScanStyle":
        return cls(dpi=rng.choice((150, 200, 200, 240, 300)), skew=rng.choice((-1, 1)) * rng.uniform(0.5, 1.5),
                   blur=rng.uniform(0.4, 0.9), noise=rng.uniform(4, 10), specks=rng.randint(20, 80),
                   paper=rng.randint(225, 245), fill=rng.choice(_FILLS))


def scan_pdf(pdf: bytes, seed: str, fmt: str) -> tuple[bytes, ScanStyle]:
    """A scan of a text PDF as ``fmt`` (one of SCAN_FORMATS), and the distortions it was given."""
    rng = random.Random(seed)
    style = ScanStyle.draw(rng)
    document = pdfium.PdfDocument(pdf)
    pages = []
    try:
        for index in range(len(document)):
            page = open_page(document, index)
            try:
                table_page = is_table_page(page_text(page))
                ruling = page_ruling(page, _LAYOUT)
                grids = page_grids(ruling, _LAYOUT)
            finally:
                close_page(page)
            if fmt == "pdf" or table_page:
                image = document[index].render(scale=style.dpi / _POINTS).to_pil().convert("RGB")
                pages.append(_scanned(image, grids, style, rng))
    finally:
        document.close()
    return _wrap(pages, fmt, style.dpi), style


def _scanned(image: Image.Image, grids: list[Grid], style: ScanStyle, rng: random.Random) -> Image.Image:
    """One page printed with header fills and a seal, then scanned."""
    scale = style.dpi / _POINTS
    pixels = np.asarray(image, dtype=np.float32) / 255
    for grid in grids:
        pixels = _fill_header(pixels, grid, scale, style.fill)
    if grids and rng.random() < 0.8:
        pixels = _stamp(pixels, rng.choice(grids), scale, rng)
    pixels *= _paper(pixels.shape[:2], style.paper, rng)[..., None]
    paper = Image.fromarray(np.clip(pixels * 255, 0, 255).astype(np.uint8))
    tilted = paper.rotate(style.skew, resample=Image.Resampling.BICUBIC, fillcolor=(style.paper,) * 3)
    blurred = np.asarray(tilted.filter(ImageFilter.GaussianBlur(style.blur)), dtype=np.float32)
    noisy = blurred + np.random.default_rng(rng.getrandbits(32)).normal(0, style.noise, blurred.shape[:2])[..., None]
    out = Image.fromarray(np.clip(noisy, 0, 255).astype(np.uint8))
    _specks(out, style.specks, scale, rng)
    return out


def _fill_header(pixels: np.ndarray, grid: Grid, scale: float, fill: tuple[int, int, int]) -> np.ndarray:
    """The table's first row of cells (its header) printed on a fill, as office templates shade them."""
    colour = np.array(fill, dtype=np.float32) / 255
    for (row, _, _, _), (x0, top, x1, bottom) in zip(grid.spans, grid.rects()):
        if row == 0:
            box = (slice(round(top * scale) + 1, round(bottom * scale)), slice(round(x0 * scale) + 1, round(x1 * scale)))
            pixels[box] *= colour
    return pixels


def _stamp(pixels: np.ndarray, grid: Grid, scale: float, rng: random.Random) -> np.ndarray:
    """A red seal (ring, star, a line of text) printed over the lower right of a table, where the numbers are."""
    x0, top, x1, bottom = grid.bbox
    cx = rng.uniform(x0 + 0.5 * (x1 - x0), x1) * scale
    cy = rng.uniform(top + 0.3 * (bottom - top), bottom) * scale
    radius = rng.uniform(0.7, 0.85) * _POINTS * scale
    seal = Image.new("L", (pixels.shape[1], pixels.shape[0]), 0)
    draw = ImageDraw.Draw(seal)
    ring = max(2, round(radius / 14))
    draw.ellipse((cx - radius, cy - radius, cx + radius, cy + radius), outline=255, width=ring)
    star = [(cx + radius * 0.3 * math.cos(math.pi / 2 + k * 4 * math.pi / 5),
             cy - radius * 0.3 * math.sin(math.pi / 2 + k * 4 * math.pi / 5)) for k in range(5)]
    draw.polygon(star, fill=255)
    font = ImageFont.truetype(_FONT, max(8, round(radius / 4.5)))
    draw.text((cx, cy + radius * 0.55), "政务公开专用章", fill=255, font=font, anchor="mm")
    alpha = np.asarray(seal, dtype=np.float32) / 255 * rng.uniform(0.6, 0.85)
    red = np.array(_RED, dtype=np.float32) / 255
    return pixels * (1 - alpha[..., None]) + pixels * red * alpha[..., None]


def _paper(shape: tuple[int, int], brightness: int, rng: random.Random) -> np.ndarray:
    """Grey paper lit unevenly: a gentle gradient around ``brightness`` (0–255), as a factor per pixel."""
    height, width = shape
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    slope = rng.uniform(-0.04, 0.04)
    gradient = 1 + slope * (xs / width - 0.5) + slope * (ys / height - 0.5)
    return brightness / 255 * gradient


def _specks(image: Image.Image, count: int, scale: float, rng: random.Random) -> None:
    """Dust and toner specks: small dark dots anywhere on the page."""
    draw = ImageDraw.Draw(image)
    for _ in range(count):
        x, y = rng.uniform(0, image.width), rng.uniform(0, image.height)
        r = rng.uniform(0.2, 0.6) * scale
        draw.ellipse((x - r, y - r, x + r, y + r), fill=(rng.randint(40, 120),) * 3)


def _wrap(pages: list[Image.Image], fmt: str, dpi: int) -> bytes:
    """The scanned pages as an image-only PDF (each page a JPEG), or stacked into one JPEG or PNG."""
    buffer = io.BytesIO()
    if fmt == "pdf":
        compressed = [Image.open(io.BytesIO(_jpeg(page, dpi))) for page in pages]
        compressed[0].save(buffer, format="PDF", save_all=True, append_images=compressed[1:], resolution=dpi)
        return buffer.getvalue()
    width = max(page.width for page in pages)
    stacked = Image.new("RGB", (width, sum(page.height for page in pages)), (255, 255, 255))
    y = 0
    for page in pages:
        stacked.paste(page, (0, y))
        y += page.height
    if fmt == "jpg":
        return _jpeg(stacked, dpi)
    Image.open(io.BytesIO(_jpeg(stacked, dpi))).save(buffer, format="PNG", dpi=(dpi, dpi))
    return buffer.getvalue()


def _jpeg(image: Image.Image, dpi: int) -> bytes:
    """An image as a JPEG of quality 60 (what a scanner's default setting leaves of it), its resolution stated."""
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=_JPEG_QUALITY, dpi=(dpi, dpi))
    return buffer.getvalue()


def scan_name(path: Path, fmt: str) -> str:
    """The file name of a report's scan: ``NAME_scan.FMT``."""
    return f"{path.stem}_scan.{fmt}"
