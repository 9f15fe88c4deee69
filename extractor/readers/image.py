"""Image reader: a table (or a whole report) posted as a picture, read with OCR.

PNG, JPEG, GIF and TIFF files are read page by page (a TIFF or GIF may
hold several) the way a scanned PDF is (:func:`.pdf.read_images`). An image
in which OCR finds no text at all (a logo, a photo, a blank) is not a report
and fails as such, rather than passing as a report without tables.
"""
from __future__ import annotations

import io
import warnings

from PIL import Image, UnidentifiedImageError

from ..document import Document
from ..errors import ReaderError
from ..limits import LIMITS
from .titles import guess_title
from .pdf import read_images
from .settings import ReadSettings

__all__ = ["read"]

#: Pillow refuses to open images above twice this (a decompression bomb) and warns above it; telling it
#: our limit makes its refusals ours (the warning is silenced: the limit is checked right after).
Image.MAX_IMAGE_PIXELS = LIMITS.image_pixels


def read(path: str, data: bytes, *, charset: str | None = None, settings: ReadSettings | None = None) -> Document:
    """Read an image file with OCR and the tolerances of ``settings`` (the defaults when None; ``charset`` is
    unused: an image has no text encoding)."""
    _check_size(path, data)
    from .ocr import open_images  # OpenCV and ONNX Runtime load only when an image is read (see pdf._ocr)

    paragraphs, tables, title = read_images(path, open_images(path, data), settings or ReadSettings())
    if not tables and not any(p.text for p in paragraphs):
        raise ReaderError("an image without text: OCR found nothing to read", path)
    return Document(path, "image", paragraphs, tables, title=title or guess_title(paragraphs))


def _check_size(path: str, data: bytes) -> None:
    """Refuse, from its header and before decoding, an image with more pixels or frames than a report has
    (:data:`~extractor.limits.LIMITS`): a PNG of a few KB can decode to gigabytes."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                frames = getattr(image, "n_frames", 1)
                pixels = image.width * image.height * frames
    except Image.DecompressionBombError:
        pixels, frames = LIMITS.image_pixels + 1, 1
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
        raise ReaderError(f"broken image: {exc}", path) from exc
    if pixels > LIMITS.image_pixels:
        raise ReaderError(f"an image of more than {LIMITS.image_pixels / 1e6:g} million pixels: not a report "
                          "(a decompression bomb?)", path)
    if frames > LIMITS.ocr_pages:
        raise ReaderError(f"an image of {frames} frames, more than the {LIMITS.ocr_pages} pages a report could "
                          "have", path)
