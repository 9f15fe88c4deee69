"""xxgk: government information-disclosure annual reports into a comparable dataset.

The library in one import::

    from extractor import extract_file
    record = extract_file("report.pdf")      # a Record; record.to_dict() is the JSON form

A reader's tolerances are one settings object, passed per call::

    from extractor import LayoutSettings, ReadSettings
    record = extract_file("report.pdf", read_settings=ReadSettings(layout=LayoutSettings(column_slack=0.5)))

Everything it raises on purpose is an :class:`XxgkError` naming the file.
"""
__version__ = "0.2.0"

from .document import Document
from .errors import CrawlError, DatasetError, MissingExtra, ReaderError, UnsupportedFormat, XxgkError
from .extract import extract_document, extract_file, extract_files, read_and_extract
from .readers import read_document
from .readers.settings import LayoutSettings, OcrSettings, ReadSettings
from .record import Finding, Provenance, Record

__all__ = [
    "__version__",
    "Document",
    "Record",
    "Finding",
    "Provenance",
    "extract_file",
    "extract_files",
    "extract_document",
    "read_and_extract",
    "read_document",
    "ReadSettings",
    "LayoutSettings",
    "OcrSettings",
    "XxgkError",
    "ReaderError",
    "UnsupportedFormat",
    "DatasetError",
    "MissingExtra",
    "CrawlError",
]
