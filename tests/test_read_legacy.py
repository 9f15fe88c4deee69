"""The legacy .doc/.wps reader: LibreOffice conversion, then the DOCX reader."""
import shutil

import pytest
from conftest import FIXTURES
from reader_grids import find_row, table_under

from extractor.errors import ReaderError
from extractor.readers import legacy, read_document

DOC = FIXTURES / "legacy" / "huaian_szf_2024_form.doc"
needs_soffice = pytest.mark.skipif(
    not any(shutil.which(name) for name in legacy.SOFFICE_NAMES), reason="LibreOffice is not installed")


@needs_soffice
def test_doc_is_read_through_its_docx_conversion():
    document = read_document(DOC)
    assert document.format == "doc"
    table = table_under(document, "三、收到和处理政府信息公开申请情况")
    assert find_row(table, "（一）予以公开") == ["1288", "21", "0", "0", "50", "3", "1362"]


@needs_soffice
def test_file_libreoffice_cannot_convert_raises_reader_error_naming_it():
    with pytest.raises(ReaderError, match="junk.doc"):
        legacy.read("junk.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)


def test_missing_libreoffice_is_named_with_what_to_install(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(ReaderError) as caught:
        legacy.read("report.wps", DOC.read_bytes())
    assert str(caught.value) == ("report.wps: LibreOffice (soffice) is needed to read .doc/.wps files; "
                                 "install libreoffice-writer")


@needs_soffice
def test_conversion_over_its_time_limit_is_stopped_with_a_clear_error():
    with pytest.raises(ReaderError, match="slow.doc: LibreOffice took more than 0.01 s"):
        legacy.convert_to_docx("slow.doc", DOC.read_bytes(), timeout=0.01)
