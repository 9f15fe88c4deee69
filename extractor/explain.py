"""``xxgk explain``: how the locator read one report, step by step.

The report is extracted as ``xxgk extract`` would, with a :class:`~extractor.trace.Trace`
given to the locator; what it recorded is printed, then the findings that say
what was not found (each naming the nearest candidate, its score and place).
"""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from .extract import read_and_extract
from .trace import Trace, render

__all__ = ["explain"]

#: The findings that say what the locator did not find.
_NOT_FOUND = ("TABLE_MISSING", "ROW_MISSING")


def explain(path: str | Path, table: str | None = None) -> Iterator[str]:
    """The locator's trace for one report file as lines for people; ``table`` keeps one standard table."""
    trace = Trace()
    record, document = read_and_extract(path, trace=trace)
    yield f"{path}: {document.format}, {len(document.paragraphs)} paragraphs, {len(document.tables)} tables"
    yield from render(trace, table)
    missing = [f for f in record.findings if f.code in _NOT_FOUND and table in (None, f.table)]
    if missing:
        yield "not found:"
    yield from (f"  {f.code} {f.table}: {f.message}" for f in missing)
