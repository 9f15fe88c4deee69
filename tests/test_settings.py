"""Reader settings: the layout engine's and OCR's tolerances, validated when made and passed down per read.

A tolerance given to ``extract_file(path, read_settings=...)`` must reach the
step that uses it, on real files: a tighter column slack splits a number
wrapped in its cell, a tighter touch tolerance breaks a real report's grid,
an image left coarse loses its table. The defaults read today's records.
"""
import dataclasses
import json

import pytest
from conftest import FIXTURES, SAMPLES, expected_path

from extractor import LayoutSettings, OcrSettings, ReadSettings, extract_file
from extractor.errors import ReaderError

#: g0014's requests table printed without ruling: the total "１４８" wraps in its narrow cell ("１４" / "８").
NUMBER_WRAPPED = FIXTURES / "pdf" / "unruled" / "number_wrapped_in_its_cell_libreoffice.pdf"
HUAIAN = SAMPLES / "huaian_szf_2024.pdf"
#: A requests table posted as a picture stating no resolution (~150 dpi as it prints).
TABLE_IMAGE = FIXTURES / "ocr" / "requests_table.png"


@pytest.mark.parametrize(("kind", "field", "value"), [
    (LayoutSettings, "column_slack", 0.0),
    (LayoutSettings, "touch_tolerance", -3.0),
    (LayoutSettings, "same_baseline", float("nan")),
    (LayoutSettings, "min_edges", 2.5),
    (OcrSettings, "dpi", 0),
    (OcrSettings, "speck", -1.0),
])
def test_a_tolerance_that_is_not_positive_is_refused_naming_it(kind, field, value):
    with pytest.raises(ValueError, match=rf"^{kind.__name__}\.{field} must be a positive"):
        kind(**{field: value})


@pytest.mark.parametrize(("kind", "field", "value"), [
    (LayoutSettings, "title_same_size", 1.2),
    (OcrSettings, "sure", 1.5),
    (OcrSettings, "ink", 256),
])
def test_a_share_or_pixel_value_out_of_range_is_refused_naming_it(kind, field, value):
    with pytest.raises(ValueError, match=rf"^{kind.__name__}\.{field} must be at most"):
        kind(**{field: value})


def test_read_settings_refuse_what_is_not_a_settings_object():
    with pytest.raises(ValueError, match=r"^ReadSettings\.layout must be a LayoutSettings"):
        ReadSettings(layout={"column_slack": 0.5})


def test_settings_cannot_be_changed_once_made():
    """No read can change another's tolerances: a new object is made with the change instead."""
    with pytest.raises(dataclasses.FrozenInstanceError):
        ReadSettings().layout.column_slack = 0.5  # type: ignore[misc]


def test_default_settings_read_a_real_report_as_verified():
    expected = json.loads(expected_path(HUAIAN).read_text(encoding="utf-8"))
    assert extract_file(HUAIAN, read_settings=ReadSettings()).tables == expected["tables"]


def test_column_slack_decides_whether_a_wrapped_number_is_joined():
    """The wrapped "８" starts within a point of "１４" above it: a tenth of a point is too tight to join them."""
    tight = ReadSettings(layout=LayoutSettings(column_slack=0.1))
    totals = [extract_file(NUMBER_WRAPPED, read_settings=s).tables["requests"]["results_total.total"]
              for s in (ReadSettings(), tight)]
    assert totals == [148, 14]


def test_touch_tolerance_reaches_the_ruling_of_a_real_report():
    """淮安's tables draw their outer border under a point from the row lines next to it: one line by default,
    two within 0.3 pt, with a sliver of a row between that costs rows of the form."""
    record = extract_file(HUAIAN, read_settings=ReadSettings(layout=LayoutSettings(touch_tolerance=0.3)))
    assert "ROW_MISSING" in record.error_codes


def test_ocr_settings_reach_the_image_reader():
    """When every mark smaller than 50 points is a speck, the table image's characters are all specks: it
    is refused as an image without text."""
    with pytest.raises(ReaderError, match="without text"):
        extract_file(TABLE_IMAGE, read_settings=ReadSettings(ocr=OcrSettings(speck=50)))
