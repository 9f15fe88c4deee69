"""The fast NFKC gives exactly what unicodedata's NFKC gives."""
import unicodedata

import pytest

from conftest import SAMPLES
from extractor.readers import read_bytes, read_document
from extractor.text import nfkc

CORPUS = SAMPLES
REPORTS = sorted(p for p in CORPUS.iterdir() if p.suffix in {".html", ".txt", ".docx"})


@pytest.mark.parametrize("path", REPORTS, ids=lambda p: p.name)
def test_report_text_normalizes_as_unicodedata_does(path):
    text = read_document(str(path), read_bytes(path)).text
    assert nfkc(text) == unicodedata.normalize("NFKC", text)


@pytest.mark.parametrize("text", [
    "（一）予以公开：１２件，　合计",  # full-width brackets, digits, ideographic space
    "Ａ\u0301",  # a full-width letter the accent after it composes with
    "①收到申请㈠",  # circled numbers, which only the full normalization handles
    "ｶﾞ",  # half-width katakana with its voicing mark
])
def test_edge_cases_normalize_as_unicodedata_does(text):
    assert nfkc(text) == unicodedata.normalize("NFKC", text)
