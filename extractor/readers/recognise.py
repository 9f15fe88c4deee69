"""Text line images to text, with PP-OCR's recogniser (rapidocr on onnxruntime).

The readers cut a scanned page into text lines themselves (a table's grid
gives its cells, a cell's ink rows give its lines), so on table pages only
the recogniser runs: no text detector, which costs more than recognition
and splits numbers the grid already separates. (The top of the first page,
a title among other text, has its lines found by the detector:
:mod:`.detect`.) The model files ship inside the ``rapidocr`` wheel;
nothing is downloaded.

One engine per process, made on first use, with one onnxruntime thread:
the build runs one file per core, and more threads per file only fight.
"""
from __future__ import annotations

import logging
from functools import cache
from typing import NamedTuple

import numpy as np

from ..errors import ReaderError

__all__ = ["Reading", "recognise"]

#: How many line images are recognised in one run of the model (they are sorted by width first, so a batch
#: pads little).
_BATCH = 16
#: The widest image of a run of the model is at most this many times as wide (for its height) as the
#: narrowest: a run pads each image to its widest, and the padding is grey, not paper. A lone "告" padded to a
#: title line's width reads as "生", read among lines as short it reads right; and less time goes on
#: padding.
_SPREAD = 2.0


class Reading(NamedTuple):
    """What a line image says, and how sure the model is of it (0–1)."""

    text: str
    confidence: float


@cache
def _engine():
    """The recogniser, made once per process (loading the model takes a fraction of a second)."""
    from rapidocr import RapidOCR

    logging.getLogger("RapidOCR").setLevel(logging.ERROR)
    return RapidOCR(params={
        "Global.log_level": "error",
        "Global.use_det": False, "Global.use_cls": False,
        "EngineConfig.onnxruntime.intra_op_num_threads": 1,
        "EngineConfig.onnxruntime.inter_op_num_threads": 1,
        "Rec.rec_batch_num": _BATCH,
        "Rec.rec_img_shape": [3, 48, 48],
    })._load_rec_model()


def recognise(path: str, lines: list[np.ndarray]) -> list[Reading]:
    """What each grey line image (H×W uint8) says; a ReaderError naming the file when the engine fails.

    Each run of the model holds images of alike widths only (:func:`_batches`): the model pads every image
    of a run to the widest, and a lone character padded to a long line's width is misread ("告" as "生").
    """
    if not lines:
        return []
    from rapidocr.ch_ppocr_rec import TextRecInput

    readings: dict[int, Reading] = {}
    batches = _batches([line.shape[1] / line.shape[0] for line in lines])
    try:
        for batch in batches:
            found = _engine()(TextRecInput(img=[np.dstack([lines[i]] * 3) for i in batch]))
            for i, text, score in zip(batch, found.txts, found.scores):
                readings[i] = Reading(text, float(score))
    except Exception as exc:  # noqa: BLE001 - whatever the engine raises, the file says why it was not read
        raise ReaderError(f"OCR engine failed: {type(exc).__name__}: {exc}", path) from exc
    return [readings[index] for index in range(len(lines))]


def _batches(ratios: list[float]) -> list[list[int]]:
    """The indexes of line images (by their width-to-height ``ratios``) in runs of the model: narrowest first,
    at most ``_BATCH`` a run, and none holding images of ratios further apart than ``_SPREAD`` times."""
    batches: list[list[int]] = []
    for index in sorted(range(len(ratios)), key=ratios.__getitem__):
        first = batches[-1][0] if batches else None
        if first is None or len(batches[-1]) == _BATCH or ratios[index] > _SPREAD * max(ratios[first], 1.0):
            batches.append([index])
        else:
            batches[-1].append(index)
    return batches
