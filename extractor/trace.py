"""What the locator saw and decided, step by step, for ``xxgk explain``.

:func:`extractor.locate.locate` fills a :class:`Trace` only when given one
(every record step is behind ``if trace is not None``), so extracting costs
nothing more. Each step keeps plain values: which section each table of the
document went to and why, the requests rows the alignment weighed and the
form rows they scored best against, the pairs it chose and the gaps it filled,
the active table's header rows and the columns each data row took, how the
appeals were read, and the streams read where rows gave nothing.
:func:`render` prints it for people.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import NamedTuple

__all__ = ["Trace", "TableStep", "CandidateStep", "PairStep", "HeaderStep", "ActiveRowStep", "StreamStep",
           "Nearest", "render"]


class Nearest(NamedTuple):
    """The printed text that came closest to a form label or heading not found: what, how close, where."""

    text: str
    score: float
    where: str


class TableStep(NamedTuple):
    """A table of the document: who read it, how many rows, which section it went to and why."""

    name: str
    method: str
    rows: int
    section: str | None
    reason: str


class CandidateStep(NamedTuple):
    """A requests row weighed by the alignment, with the form rows its label scores best against."""

    where: str
    label: str
    has_values: bool
    best: tuple[tuple[str, float], ...]


class PairStep(NamedTuple):
    """A printed row the alignment gave a form row (``filled``: placed between two matched neighbours)."""

    where: str
    label: str
    form_row: str
    score: float
    filled: bool


class HeaderStep(NamedTuple):
    """A header row of the active table and the columns (with units) it names."""

    where: str
    columns: tuple[str, ...]


class ActiveRowStep(NamedTuple):
    """A data row of the active table: the form row its label names and the columns its values took."""

    where: str
    key: str
    score: float
    columns: tuple[str, ...]
    taken: bool


class StreamStep(NamedTuple):
    """A table read again as a stream of tokens, because its rows located nothing."""

    table: str
    source: str
    tokens: int
    rows: int


@dataclass
class Trace:
    """Everything :func:`extractor.locate.locate` decided for one document."""

    tables: list[TableStep] = field(default_factory=list)
    template: str = "unknown"
    template_votes: dict[str, int] = field(default_factory=dict)
    candidates: list[CandidateStep] = field(default_factory=list)
    alignment: list[PairStep] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    headers: list[HeaderStep] = field(default_factory=list)
    active_rows: list[ActiveRowStep] = field(default_factory=list)
    appeals: list[str] = field(default_factory=list)
    streams: list[StreamStep] = field(default_factory=list)
    located: dict[str, int] = field(default_factory=dict)
    merged: dict[str, int] = field(default_factory=dict)


def render(trace: Trace, table: str | None = None) -> Iterator[str]:
    """The trace as lines for people; ``table`` keeps the steps of one standard table."""
    yield "document tables:"
    for step in trace.tables:
        if table is None or step.section == table:
            yield (f"  {step.name}: {step.method}, {step.rows} rows -> {step.section or '(none)'}"
                   f"  [{step.reason}]")
    votes = ", ".join(f"{t} {n}" for t, n in trace.template_votes.items())
    yield f"template: {trace.template}" + (f"  (active-table column votes: {votes})" if votes else "")
    for stream in trace.streams:
        if table is None or stream.table == table:
            yield f"stream: {stream.table} read again from {stream.source}: {stream.tokens} tokens -> {stream.rows} rows"
    sections = {"requests": _requests, "active": _active, "appeals": _appeals}
    for name, lines in sections.items():
        if table is None or name == table:
            merged = trace.merged.get(name)
            yield (f"[{name}] {trace.located.get(name, 0)} cells located"
                   + (f", {merged} of them read from value cells merged down over several rows" if merged else ""))
            yield from (f"  {line}" for line in lines(trace))


def _requests(trace: Trace) -> Iterator[str]:
    if trace.candidates:
        yield "candidate rows (form rows they score best against):"
    for c in trace.candidates:
        best = " | ".join(f"{row} {score:.0f}" for row, score in c.best)
        yield f"  {c.where}  “{c.label}”{'' if c.has_values else ' (no values)'}  -> {best}"
    if trace.alignment:
        yield "alignment (printed row -> form row, score):"
    for p in trace.alignment:
        yield f"  {p.where}  “{p.label}” -> {p.form_row} {p.score:.0f}{'  (gap filled)' if p.filled else ''}"
    for row in trace.dropped:
        yield f"dropped: {row} (the other way of printing （六） was kept)"


def _active(trace: Trace) -> Iterator[str]:
    for step in sorted([*trace.headers, *trace.active_rows], key=lambda s: _place(s.where)):
        if isinstance(step, HeaderStep):
            yield f"header {step.where}: {', '.join(step.columns)}"
        else:
            taken = ", ".join(step.columns) if step.taken else "not taken: its cells are not all values"
            yield f"row {step.where}: {step.key} {step.score:.0f} -> {taken}"


def _appeals(trace: Trace) -> Iterator[str]:
    yield from trace.appeals


def _place(where: str) -> tuple[int, ...]:
    """A place's numbers ("table 1 row 12 col 3" -> (1, 12, 3)), to list steps in printed order."""
    return tuple(int(part) for part in where.split() if part.isdigit())
