"""Where a page region's lines of text are, with PP-OCR's text detector (rapidocr on onnxruntime).

The top of a scan's first page (title, issuing body, year) is not a table:
a title set large and wrapped over two lines, a web page's menu beside it,
a date line under it. Cut into lines by its rows of ink, a large character
falls apart ("告" as "生" over "口") and a line breaks at every wide gap;
the detector, trained on whole pages, finds each line of text as one box.
Table cells are not read this way (:mod:`.ocr`): their grid already
separates them, and a cell's ink rows are its lines.

The model file ships inside the ``rapidocr`` wheel; nothing is downloaded.
One detector per process, made on first use, with one onnxruntime thread
(as :mod:`.recognise`).
"""
from __future__ import annotations

import logging
from functools import cache

import cv2
import numpy as np

from ..errors import ReaderError

__all__ = ["text_boxes"]

#: The detector sees a region at this many pixels a point (115 dpi), or as it is when coarser (a coarse image
#: is already enlarged to be read): body text is about 17 pixels tall, which it finds as well as at the scan's
#: own resolution, in a third of the time.
_PER_POINT = 1.6


@cache
def _detector():
    """The text detector, made once per process. The region is scaled here, so the engine's own resizing is
    turned off (its side limit is larger than any page)."""
    from rapidocr import RapidOCR

    logging.getLogger("RapidOCR").setLevel(logging.ERROR)
    return RapidOCR(params={
        "Global.log_level": "error",
        "Global.use_cls": False,
        "EngineConfig.onnxruntime.intra_op_num_threads": 1,
        "EngineConfig.onnxruntime.inter_op_num_threads": 1,
        "Det.limit_type": "max",
        "Det.limit_side_len": 1 << 16,
    })._load_det_model()


def text_boxes(path: str, region: np.ndarray, per_point: float) -> list[tuple[int, int, int, int]]:
    """The lines of text in a grey region (H×W uint8, ``per_point`` pixels a point), top to bottom, each as the
    upright box round the detector's (top, bottom, left, right exclusive; pixels of ``region``); a ReaderError
    naming the file when the engine fails."""
    scale = min(_PER_POINT / per_point, 1.0)
    seen = cv2.resize(region, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) if scale < 1 else region
    try:
        found = _detector()(np.dstack([seen] * 3))
    except Exception as exc:  # noqa: BLE001 - whatever the engine raises, the file says why it was not read
        raise ReaderError(f"OCR engine failed: {type(exc).__name__}: {exc}", path) from exc
    if found.boxes is None:
        return []
    height, width = region.shape
    boxes = []
    for quad in found.boxes / scale:
        left, top = np.floor(quad.min(axis=0)).astype(int)
        right, bottom = np.ceil(quad.max(axis=0)).astype(int)
        boxes.append((max(int(top), 0), min(int(bottom), height), max(int(left), 0), min(int(right), width)))
    return boxes
