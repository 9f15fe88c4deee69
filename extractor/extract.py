"""From one report file to its record: read, locate, read values, describe, check.

This is the pipeline every front end calls (``xxgk extract``, ``xxgk build``,
the Dask workers). Each step is a module of its own; this one only chains them.
"""
from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable, Iterator, Mapping
from functools import cache, partial
from pathlib import Path

from .checks import check
from .document import Document
from .errors import readable_name
from .isolation import Parse, Parsed, PoolSettings, Source, parse_each
from .locate import Located, LocateSettings, locate
from .metadata import describe, has_report_title
from .readers import read_bytes, read_document
from .readers.settings import ReadSettings
from .record import Provenance, Record, Value
from .settle import settle
from .template import all_keys, unit_of
from .trace import Trace
from .values import parse_value

__all__ = ["extract_file", "read_and_extract", "extract_files", "extract_document", "located_to_tables",
           "parse_source"]

def extract_file(
    path: str | Path,
    *,
    data: bytes | None = None,
    url: str | None = None,
    charset: str | None = None,
    settings: LocateSettings | None = None,
    read_settings: ReadSettings | None = None,
) -> Record:
    """Extract the record of one report file.

    ``data`` are the file's bytes when the caller has them already (a crawl,
    a worker), ``charset`` the encoding an HTTP server declared.
    ``settings`` are the locator's, ``read_settings`` the reader's tolerances
    (layout and OCR); the defaults of each when None.
    Raises :class:`~extractor.errors.ReaderError` for a file that cannot be read.
    """
    return read_and_extract(path, data=data, url=url, charset=charset, settings=settings,
                            read_settings=read_settings)[0]


def read_and_extract(
    path: str | Path,
    *,
    data: bytes | None = None,
    url: str | None = None,
    charset: str | None = None,
    settings: LocateSettings | None = None,
    trace: Trace | None = None,
    read_settings: ReadSettings | None = None,
) -> tuple[Record, Document]:
    """Like :func:`extract_file`, also returning the document read (the dataset keeps its text);
    ``trace`` is filled with the locator's steps (``xxgk explain``)."""
    data = read_bytes(path) if data is None else data
    document = read_document(path, data, charset=charset, settings=read_settings)
    source = {"path": readable_name(str(path)), "sha256": hashlib.sha256(data).hexdigest(), "format": document.format,
              "url": url}
    return extract_document(document, source, settings, trace), document


def extract_document(document: Document, source: dict, settings: LocateSettings | None = None,
                     trace: Trace | None = None) -> Record:
    """Extract the record of a document already read (``trace``: fill it with the locator's steps)."""
    located = locate(document, settings, trace)
    tables, provenance = located_to_tables(located)
    tables = settle(tables, provenance)
    meta = describe(document)
    record = Record(
        source=source,
        agency=meta.agency,
        region=meta.region,
        year=meta.year,
        template=located.template,
        tables=tables,
        provenance=provenance,
    )
    record.findings = check(record, document, meta, located)
    return record


def located_to_tables(
    located: Located,
) -> tuple[dict[str, dict[str, Value]], dict[str, dict[str, Provenance]]]:
    """Read every located cell into a value with its provenance, keys in the form's order; a value OCR read
    notes it, with the recogniser's confidence."""
    tables: dict[str, dict[str, Value]] = {}
    provenance: dict[str, dict[str, Provenance]] = {}
    for table, cells in located.tables.items():
        values: dict[str, Value] = {}
        sources: dict[str, Provenance] = {}
        confidence = located.confidence.get(table, {})
        for key in _form_order(table, located.template, cells):
            raw, label, score, where, printed_unit, note = cells[key]
            parsed = parse_value(raw, unit_of(table, key), printed_unit)
            values[key] = parsed.value
            ocr = _ocr_note(confidence[key]) if key in confidence else None
            note = parsed.note if note is None and ocr is None else "; ".join(filter(None, (ocr, note, parsed.note)))
            sources[key] = _provenance((raw, label, score, where, note))
        tables[table], provenance[table] = values, sources
    return tables, provenance


def _ocr_note(confidence: float) -> str:
    """How a value OCR read says so in its provenance: the method and the recogniser's confidence, cut (not
    rounded) to two places, so that a value named for a confidence below 0.9 never shows "0.90"."""
    return f"ocr, confidence {math.floor(confidence * 100) / 100:.2f}"


#: ``Provenance(raw, label, score, where, note)`` from a tuple of those, without the named
#: tuple's ``__new__``, a Python function: one provenance is made per value of every report.
_provenance = partial(tuple.__new__, Provenance)


def _form_order(table: str, template: str, keys: Mapping[str, object]) -> list[str]:
    """The keys as the form prints them (the report's template first), then any the form lacks.

    Walking the form's keys and keeping those present is cheaper than sorting
    the present keys by their rank: a report holds most of the form's keys.
    """
    ordered = [k for k in all_keys(table, template) if k in keys]
    if len(ordered) < len(keys):
        ordered += [k for k in keys if k not in _form_set(table, template)]
    return ordered


@cache
def _form_set(table: str, template: str) -> frozenset[str]:
    """The keys of the form (cached: the same few tables and templates recur)."""
    return frozenset(all_keys(table, template))


def parse_source(source: Source) -> Parsed:
    """The pipeline as a parser of one source, given what the crawl knew about the file,
    keeping the document's text (for DUPLICATE_REPORT) and saying whether it is a report at all."""
    record, document = read_and_extract(source.path, url=source.url, charset=source.charset)
    kind = "report" if record.tables or has_report_title(document) else "not_a_report"
    return Parsed(source, record, text=document.text, kind=kind)


def extract_files(paths: Iterable[str | Path], settings: PoolSettings | None = None,
                  parse: Parse = parse_source) -> Iterator[Parsed]:
    """Extract many files, each in a process of its own as a build parses it (:mod:`.isolation`):
    a file that fails, hangs or eats memory is one failed outcome, in one line, and the batch goes on.

    One process at a time by default, which keeps the order given and the memory of one file; with
    more, outcomes come in the order files finish.
    """
    return parse_each([Source(str(path)) for path in paths], parse, settings or PoolSettings(jobs=1))
