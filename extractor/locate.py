"""Finding the three standard tables in a Document and mapping their cells to keys.

The locator knows nothing of file formats: it sees rows of cell text. It works
in pure steps:

1. ``document_to_rows``: every table row, tagged with the standard table it
   belongs to — from the section heading the table sits under, a heading
   printed inside the table, or, failing both, the labels the table holds.
2. ``split_row``: a row's label cells and its trailing value cells.
3. Per table, labels are matched only against that table's own labels
   (rapidfuzz on normalized text), so that "其他" or "总计" never capture a
   longer label of another table:
   - requests: rows are aligned to the form's rows *in order* (a weighted
     sequence alignment), which absorbs typos, repeated header rows, a table
     split in two, and group-header rows;
   - active: header rows set the columns of the 第二十条 block they open,
     data rows take their values in that order;
   - appeals: the row of fifteen values (or three group rows of five).

A value cell merged down over several rows stands in each row it spans. A
table whose rows locate nothing (a text printing one cell per line, rows a
reader could not trust) is located again on the stream of its tokens
(:mod:`.stream`), cut into rows by the form's widths.

Every located cell keeps its provenance: raw text, matched label, score, where.
Given a :class:`~extractor.trace.Trace`, every step is recorded for ``xxgk explain``.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache, partial
from itertools import compress, repeat
from operator import attrgetter, gt
from typing import NamedTuple

from rapidfuzz import fuzz

from .document import OCR_META, Cell, Document, Table
from .stream import Run, StreamTable, Token, cell_tokens, line_tokens, lines_are_rows, stream_table, token_runs
from .template import (
    ACTIVE,
    APPEAL_GROUPS,
    APPEAL_RESULTS,
    REQUEST_COLUMNS,
    REQUEST_ROWS,
    ROW_MARKERS,
    TABLES,
    TEMPLATE_MARKERS,
    Label,
    RequestRow,
    TableSpec,
    elect,
    table_keys,
)
from .trace import ActiveRowStep, CandidateStep, HeaderStep, Nearest, PairStep, StreamStep, TableStep, Trace
from .text import bare_label, core_label, is_numbered, normalize_label
from .values import looks_like_value, unit_in

__all__ = ["LocateSettings", "CellMatch", "Located", "Row", "locate", "merged_values", "rows_with_merged_values", "stream_rows", "nearest_row", "heading_score", "reader_method",
           "template_votes"]

N_REQUEST_VALUES = len(REQUEST_COLUMNS)
#: The keys of each form row's cells, by column: a requests table fills ~200 of them per report.
_REQUEST_CELL_KEYS = tuple(tuple(f"{r.key}.{c.key}" for c in REQUEST_COLUMNS) for r in REQUEST_ROWS)
N_APPEAL_VALUES = len(APPEAL_GROUPS) * len(APPEAL_RESULTS)


@dataclass(frozen=True)
class LocateSettings:
    """How sure a fuzzy match must be (rapidfuzz ratio, 0–100)."""

    row_score: float = 72.0
    column_score: float = 80.0
    heading_score: float = 85.0
    group_discount: float = 0.97
    #: without a heading, a table is the standard table whose labels it holds this many of …
    content_votes: int = 3
    #: … each matched at least this well
    content_score: float = 90.0

    def __post_init__(self) -> None:
        for name in ("row_score", "column_score", "heading_score", "content_score"):
            if not 0 <= getattr(self, name) <= 100:
                raise ValueError(f"LocateSettings.{name} must be within 0..100")


class CellMatch(NamedTuple):
    """One located value cell: the key it fills and why we believe so (one per value: a named tuple).

    ``note`` says what reading it involved beyond its label: a value cell
    merged down over several rows is read for each row it spans (:func:`locate` notes it).
    """

    raw: str
    label: str
    score: float
    where: str
    printed_unit: str | None = None
    note: str | None = None


#: ``CellMatch(raw, label, score, where, printed_unit, note)`` from a tuple of all six, without the
#: named tuple's ``__new__``, a Python function: a requests table alone fills ~200 cells.
_cell_match = partial(tuple.__new__, CellMatch)


@dataclass(slots=True)
class Located:
    """The standard tables found in a document: table id -> key -> cell.

    ``rows`` are the rows each table was located on, kept to name the nearest
    candidate of a form row not found; ``missing`` the nearest heading of each
    table not found; ``confidence`` how sure OCR was of each value cell it
    read (table id -> key -> 0–1; empty for a document not read with OCR).
    """

    template: str
    tables: dict[str, dict[str, CellMatch]] = field(default_factory=dict)
    rows: dict[str, list[Row]] = field(default_factory=dict, repr=False, compare=False)
    missing: dict[str, Nearest | None] = field(default_factory=dict)
    confidence: dict[str, dict[str, float]] = field(default_factory=dict)

    def nearest_row(self, table: str, row_key: str) -> Nearest | None:
        """The printed label that came closest to a form row not found."""
        return nearest_row(self.rows.get(table, []), table, row_key)


@dataclass(frozen=True, slots=True)
class Row:
    """A table row as the locator sees it."""

    table: Table
    cells: tuple[Cell, ...]


def _similarity(a: str, b: str) -> float:
    return fuzz.ratio(a, b) if a and b else 0.0


@lru_cache(maxsize=262144)
def best_score(text: str, variants: tuple[str, ...]) -> float:
    """How well a printed label matches any variant of a form label (0–100).

    Cached: the same few hundred labels recur in every report of a batch.
    """
    core, bare = core_label(text), bare_label(text)
    return max((max(_similarity(core, core_label(v)), _similarity(bare, bare_label(v))) for v in variants),
               default=0.0)


# --- rows and sections ----------------------------------------------------------------

def section_of(text: str, settings: LocateSettings) -> str | None:
    """The standard table a heading introduces, if the text is such a heading."""
    return _section_named(text, settings.heading_score)


@lru_cache(maxsize=65536)
def _section_named(text: str, heading_score: float) -> str | None:
    """:func:`section_of`, cached on the one setting it reads (hashing the settings costs a Python call)."""
    norm = normalize_label(text)
    if not 4 <= len(norm) <= 60:
        return None
    core = core_label(text)
    for spec in TABLES:
        if _heading_similarity(core, spec) >= heading_score:
            return spec.id
    return None


def _heading_similarity(core: str, spec: TableSpec) -> float:
    """How well a heading's core label matches a standard table's headings (0–100)."""
    return max(_similarity(core, core_label(h)) for h in spec.headings)


_SECTION_NUMBER = re.compile(r"^([一二三四五六七八九十]+)[、.．]")
_NUMERALS = "一二三四五六七八九"


def is_heading(text: str) -> bool:
    """Whether a paragraph is a numbered section heading (一、…六、)."""
    return bool(_SECTION_NUMBER.match(normalize_label(text)))


def heading_number(text: str) -> int | None:
    """The number of a numbered heading ("三、…" -> 3, "十一、" -> 11), None for any other text."""
    match = _SECTION_NUMBER.match(normalize_label(text))
    if not match:
        return None
    tens, _, units = match.group(1).rpartition("十")
    if "十" not in match.group(1):
        return _NUMERALS.index(units) + 1 if len(units) == 1 else None
    return 10 * (_NUMERALS.index(tens) + 1 if tens else 1) + (_NUMERALS.index(units) + 1 if units else 0)


def split_row(cells: tuple[Cell, ...], n_values: int) -> tuple[list[Cell], list[Cell]] | None:
    """Split a row into label cells and its last ``n_values`` cells, if those read as values."""
    if len(cells) < n_values:
        return None
    values = list(cells[len(cells) - n_values:])
    if not all(looks_like_value(c.text) for c in values):
        return None
    labels = [c for c in cells[: len(cells) - n_values] if normalize_label(c.text)]
    return labels, values


def _section_after(paragraphs: list[str], settings: LocateSettings) -> tuple[str | None, str | None]:
    """The section a table sits under, from the paragraphs since the previous table, and the heading that says
    so: the last numbered heading decides; (None, None) when there is none ("续表", a page footer)."""
    for text in reversed(paragraphs):
        section = section_of(text, settings)
        if section:
            return section, text
        if is_heading(text):
            return None, text
    return None, None


def _table_section(heading_section: str | None, heading: str | None, carried: str | None,
                   rows: list[tuple[Cell, ...]], settings: LocateSettings) -> str | None:
    """The section a table belongs to: its heading's; else the table whose labels it prints; else, with no
    heading since the table before, that table's section (it continues it).

    The labels come before the continuation: a heading OCR garbled
    ("、收到相处理…") is no heading, and the requests table under it
    would otherwise continue the active one.
    """
    if heading_section:
        return heading_section
    content = _content_section(rows, settings)
    return content or (carried if heading is None else None)


#: The labels that tell a table by its content: its data rows (requests), rows (active), groups and results.
_CONTENT_LABELS: dict[str, tuple[Label, ...]] = {
    "requests": tuple(r for r in REQUEST_ROWS if not r.group),
    "active": ACTIVE.rows,
    "appeals": (*APPEAL_RESULTS, *APPEAL_GROUPS),
}
#: Every row label a table prints, group headers too ("三、本年度办理结果" is a requests row, not a section).
_ROW_LABELS: dict[str, tuple[Label, ...]] = {**_CONTENT_LABELS, "requests": REQUEST_ROWS}


def _content_section(rows: list[tuple[Cell, ...]], settings: LocateSettings) -> str | None:
    """The standard table whose labels a table's cells match best (when no heading says)."""
    votes = _content_votes(rows, settings)
    best = max(votes, key=lambda k: votes[k])
    return best if votes[best] >= settings.content_votes else None


def _content_votes(rows: list[tuple[Cell, ...]], settings: LocateSettings) -> dict[str, int]:
    """How many of each standard table's labels a table's cells print."""
    texts = {c.text for row in rows for c in row if normalize_label(c.text) and not looks_like_value(c.text)}
    return {table: sum(1 for t in texts if any(best_score(t, label.variants) >= settings.content_score
                                               for label in table_labels))
            for table, table_labels in _CONTENT_LABELS.items()}


def merged_values(table: Table) -> list[Cell]:
    """The value cells (numbers, zero marks, blanks) merged down over several rows (picked out in C)."""
    cells = table.cells
    return [c for c in compress(cells, map(gt, map(_ROWSPAN, cells), repeat(1))) if looks_like_value(c.text)]


def rows_with_merged_values(table: Table, merged: list[Cell]) -> list[tuple[Cell, ...]]:
    """A table's rows, each of its ``merged`` value cells in each row it spans.

    A report may print one 0 for three rows ((六)'s sub-rows, each value cell
    ``rowspan="3"``): the rows below print only their labels, yet the value
    is theirs too. Only where a label stands left of it: a blank corner cell
    merged over the header rows is no value of theirs.
    """
    rows = table.rows()
    for cell in merged:
        for r in range(cell.row + 1, min(cell.row + cell.rowspan, len(rows))):
            if any(c.col < cell.col and not looks_like_value(c.text) for c in rows[r]):
                rows[r] = sorted((*rows[r], cell), key=_COLUMN)
    return [tuple(r) for r in rows]


_COLUMN = attrgetter("col")
#: A cell's rowspan, read in C: the cells merged down are picked out of a table's hundreds in C.
_ROWSPAN = attrgetter("rowspan")


def document_to_rows(doc: Document, settings: LocateSettings, trace: Trace | None = None
                     ) -> tuple[dict[str, list[Row]], dict[str, int]]:
    """Every table row of the document, grouped by the standard table it belongs to; and the places of the
    value cells merged down over several rows, with how many rows each spans."""
    out: dict[str, list[Row]] = {spec.id: [] for spec in TABLES}
    spans: dict[str, int] = {}
    texts = [p.text for p in doc.paragraphs]
    previous_index = 0
    carried: str | None = None
    for table in doc.tables:
        merged = merged_values(table)
        rows = rows_with_merged_values(table, merged)
        spans.update((table.where(cell), cell.rowspan) for cell in merged)
        heading_section, heading = _section_after(texts[previous_index: table.paragraph_index], settings)
        section = _table_section(heading_section, heading, carried, rows, settings)
        first = section
        for cells in rows:
            labelled = [c for c in cells if normalize_label(c.text)]
            if len(labelled) == 1:
                inline = section_of(labelled[0].text, settings)
                if inline:
                    section = inline
                    continue
            if section and cells:
                out[section].append(Row(table, cells))
        if trace is not None:
            reason = _section_reason(heading_section, heading, first, rows, settings)
            moved = f"; a heading inside moves its later rows to {section}" if section != first else ""
            trace.tables.append(TableStep(table.name, reader_method(doc, table), len(rows), first, reason + moved))
        carried = section
        previous_index = table.paragraph_index
    return out, spans


def _section_reason(heading_section: str | None, heading: str | None, section: str | None,
                    rows: list[tuple[Cell, ...]], settings: LocateSettings) -> str:
    """Why a table went to its section, for the trace."""
    if heading_section and heading:
        return f"heading “{heading}” {heading_score(heading, heading_section):.0f}"
    if section and heading is None and _content_section(rows, settings) is None:
        return "no heading since the table before: continues its section"
    votes = ", ".join(f"{t} {n}" for t, n in _content_votes(rows, settings).items())
    why = f"under “{heading}”, not a standard section" if heading else "no heading"
    return f"{why}; labels it prints: {votes} (needs {settings.content_votes})"


def heading_score(text: str, table: str) -> float:
    """How well a text matches the headings of a standard table (0–100)."""
    return _heading_similarity(core_label(text), next(s for s in TABLES if s.id == table))


def reader_method(doc: Document, table: Table) -> str:
    """How a reader found a table: html, docx, txt…; in a PDF or image, by its ruling lines (ruled) or
    its words' positions (words), after OCR for a scan; a picture's table in a web page or Word file (cells
    with boxes, which markup has not) by OCR of its ruling."""
    if isinstance(table, StreamTable):
        return "stream"
    if doc.format not in ("pdf", "image"):
        return "ocr ruled" if doc.meta.get(OCR_META) and any(cell.bbox for cell in table.cells) else doc.format
    how = "ruled" if any(cell.bbox for cell in table.cells) else "words"
    return f"ocr {how}" if doc.format == "image" or doc.meta.get(OCR_META) else how


# --- template -------------------------------------------------------------------------

@lru_cache(maxsize=65536)
def _column_scores(text: str) -> dict[str, float]:
    """How well a printed text matches each column of the active table, by column key (cached)."""
    return {c.key: best_score(text, c.variants) for c in ACTIVE.columns}


@lru_cache(maxsize=65536)
def _active_label(text: str) -> tuple[Label, float] | None:
    """The active table's row a printed label matches best, with its score; None for a value or blank (cached)."""
    if not normalize_label(text) or looks_like_value(text):
        return None
    return max(((r, best_score(text, r.variants)) for r in ACTIVE.rows), key=lambda rs: rs[1])


@lru_cache(maxsize=65536)
def _templates_marked(text: str, column_score: float) -> tuple[str, ...]:
    """The templates one of whose marker columns a printed text names (cached: the same headers recur)."""
    scores = _column_scores(text)
    return tuple(template for template, markers in TEMPLATE_MARKERS.items()
                 if any(scores[m] >= column_score for m in markers))


def detect_template(active_rows: list[Row], request_keys: set[str], settings: LocateSettings) -> str:
    """The template whose markers the report prints most: the active table's column labels vote,
    the requests rows held break a tie (:func:`extractor.template.elect`)."""
    held = {key.rpartition(".")[0] for key in request_keys}
    row_votes = {template: len(held.intersection(rows)) for template, rows in ROW_MARKERS.items()}
    return elect((template_votes(active_rows, settings), row_votes))


def template_votes(active_rows: list[Row], settings: LocateSettings) -> dict[str, int]:
    """How many of the active table's printed texts name a marker column of each template."""
    votes = dict.fromkeys(TEMPLATE_MARKERS, 0)
    for row in active_rows:
        for cell in row.cells:
            for template in _templates_marked(cell.text, settings.column_score):
                votes[template] += 1
    return votes


# --- requests -------------------------------------------------------------------------

def _row_label_texts(labels: list[Cell]) -> tuple[str, ...]:
    """The texts a row's label is judged by: its last cell, and its last two cells joined."""
    texts = [labels[-1].text]
    if len(labels) > 1:
        texts.append(labels[-2].text + labels[-1].text)
    return tuple(texts)


@lru_cache(maxsize=65536)
def _request_label_scores(texts: tuple[str, ...]) -> tuple[float, ...]:
    """How well a row's label texts match each row of the form (cached across reports)."""
    return tuple(max(best_score(t, spec.variants) for t in texts) for spec in REQUEST_ROWS)


@lru_cache(maxsize=65536)
def _request_scores(texts: tuple[str, ...], has_values: bool, group_discount: float) -> tuple[float, ...]:
    """A printed row's score against each form row: data rows need values, group rows are discounted (cached)."""
    return tuple(
        score * group_discount if spec.group else (score if has_values else 0.0)
        for spec, score in zip(REQUEST_ROWS, _request_label_scores(texts))
    )


def align(scores: Sequence[Sequence[float]], threshold: float) -> list[tuple[int, int]]:
    """Order-preserving assignment of rows to form rows maximizing the total score.

    ``scores[i][j]`` is how well printed row i matches form row j; pairs under
    ``threshold`` never match. Reports print the form's rows in the form's
    order, so this resolves what a per-row best match cannot: a short "3.其他"
    is (六)3 because of where it stands.
    """
    n = len(scores)
    m = len(scores[0]) if scores else 0
    best = [[0.0] * (m + 1)]
    for row in scores:
        best.append(_next_totals(best[-1], row, threshold))
    pairs: list[tuple[int, int]] = []
    i, j = n, m
    while i and j:
        s = scores[i - 1][j - 1]
        if s >= threshold and best[i][j] == best[i - 1][j - 1] + s:
            pairs.append((i - 1, j - 1))
            i, j = i - 1, j - 1
        elif best[i][j] == best[i - 1][j]:
            i -= 1
        else:
            j -= 1
    return pairs[::-1]


def _next_totals(above: list[float], row: Sequence[float], threshold: float) -> list[float]:
    """One more row of :func:`align`'s table of best totals, from the row above.

    ``best[i][j] = max(best[i-1][j], best[i][j-1], best[i-1][j-1] + s)``, computed
    sparsely: totals never fall along a row, and a printed row matches only one
    or two form rows, so the row above is copied and only a match's total is
    carried rightwards, as far as it beats what is there.
    """
    here = above.copy()
    m = len(here) - 1
    for match, total in [(j, above[j - 1] + s) for j, s in enumerate(row, 1) if s >= threshold]:
        j = match
        while j <= m and here[j] < total:
            here[j] = total
            j += 1
    return here


def locate_requests(rows: list[Row], settings: LocateSettings, trace: Trace | None = None) -> dict[str, CellMatch]:
    """Map the requests table's rows to keys: row by alignment, columns in the form's order."""
    candidates: list[tuple[Row, list[Cell], list[Cell] | None]] = []
    for row in rows:
        split = split_row(row.cells, N_REQUEST_VALUES)
        if split and split[0]:
            candidates.append((row, split[0], split[1]))
        elif not split:
            labels = [c for c in row.cells if normalize_label(c.text)]
            if labels and not any(looks_like_value(c.text) for c in labels):
                candidates.append((row, labels, None))
    scores = [_request_scores(_row_label_texts(labels), values is not None, settings.group_discount)
              for _, labels, values in candidates]
    out: dict[str, CellMatch] = {}
    matched: dict[str, list[Cell]] = {}
    pairs = align(scores, settings.row_score)
    filled = _gaps_filled(pairs, candidates)
    if trace is not None:
        _trace_requests(trace, candidates, scores, filled, set(pairs))
    for i, j in filled:
        spec = REQUEST_ROWS[j]
        row, labels, values = candidates[i]
        if spec.group or values is None:
            continue
        matched[spec.key] = values
        score, where = scores[i][j], row.table.where
        for key, cell in zip(_REQUEST_CELL_KEYS[j], values):
            out[key] = _cell_match((cell.text, spec.text, score, where(cell), None, None))
    return _drop_unused_variant(out, matched, trace)


def _trace_requests(trace: Trace, candidates: list[tuple[Row, list[Cell], list[Cell] | None]],
                    scores: list[tuple[float, ...]], pairs: list[tuple[int, int]], aligned: set[tuple[int, int]]
                    ) -> None:
    """The candidate rows with the three form rows each scores best against, and the pairs chosen."""
    for (row, labels, values), row_scores in zip(candidates, scores):
        best = sorted(range(len(REQUEST_ROWS)), key=lambda j: -row_scores[j])[:3]
        trace.candidates.append(CandidateStep(row.table.where(labels[-1]), " / ".join(c.text for c in labels),
                                              values is not None,
                                              tuple((_row_name(REQUEST_ROWS[j]), row_scores[j]) for j in best)))
    for i, j in pairs:
        row, labels, _ = candidates[i]
        trace.alignment.append(PairStep(row.table.where(labels[-1]), labels[-1].text, _row_name(REQUEST_ROWS[j]),
                                        scores[i][j], (i, j) not in aligned))


def _row_name(row: RequestRow) -> str:
    """A form row as the trace names it: its key, or its label for a group header."""
    return row.key or row.text


def _gaps_filled(pairs: list[tuple[int, int]], candidates: list[tuple[Row, list[Cell], list[Cell] | None]]
                 ) -> list[tuple[int, int]]:
    """``pairs`` and, between two matched rows one row apart in both the report and the form, that row too.

    A row of values left between two rows the alignment matched, where the
    form prints exactly one (not a group header) between them, is that row
    however its label reads: OCR garbles a label past recognition ("lta" for
    "5.属于三类内部事务信息") while its numbers still stand where the row does.
    Its score stays the label's own, low, for the record to show.
    """
    filled = list(pairs[:1])
    for (i, j), following in zip(pairs, pairs[1:]):
        if following == (i + 2, j + 2) and candidates[i + 1][2] is not None and not REQUEST_ROWS[j + 1].group:
            filled.append((i + 1, j + 1))
        filled.append(following)
    return filled


def _drop_unused_variant(out: dict[str, CellMatch], matched: dict[str, list[Cell]], trace: Trace | None = None
                         ) -> dict[str, CellMatch]:
    """Keep one way of printing （六）.

    Where both the one-row （六）其他处理 and its sub-rows matched, a blank
    one-row （六） is only the sub-rows' group header; a filled one wins.
    """
    one_row = next(r for r in REQUEST_ROWS if r.replaces)
    if one_row.key not in matched or not any(k in matched for k in one_row.replaces):
        return out
    filled = any(normalize_label(c.text) for c in matched[one_row.key])
    drop = set(one_row.replaces) if filled else {one_row.key}
    if trace is not None:
        trace.dropped.extend(sorted(drop & set(matched)))
    return {k: v for k, v in out.items() if k.rpartition(".")[0] not in drop}


# --- appeals --------------------------------------------------------------------------

def locate_appeals(rows: list[Row], settings: LocateSettings, trace: Trace | None = None) -> dict[str, CellMatch]:
    """The fifteen numbers: one row of fifteen values, else a row of five per group."""
    keys = [(g, r) for g in APPEAL_GROUPS for r in APPEAL_RESULTS]
    wide = [(row, split) for row in rows if (split := split_row(row.cells, N_APPEAL_VALUES))]
    if wide:
        row, (_, values) = max(wide, key=lambda rs: sum(1 for c in rs[1][1] if normalize_label(c.text)))
        if trace is not None:
            trace.appeals.append(f"one row of fifteen values: {row.table.where(values[0])} "
                                 f"(the fullest of {len(wide)} such rows)")
        return {f"{g.key}.{r.key}": CellMatch(cell.text, f"{g.text} / {r.text}", 100.0, row.table.where(cell))
                for (g, r), cell in zip(keys, values)}
    out: dict[str, CellMatch] = {}
    for row in rows:
        split = split_row(row.cells, len(APPEAL_RESULTS))
        if not split or not split[0]:
            continue
        text = split[0][-1].text
        group, score = max(((g, best_score(text, g.variants)) for g in APPEAL_GROUPS), key=lambda gs: gs[1])
        if trace is not None:
            trace.appeals.append(f"row {row.table.where(split[0][-1])} “{text}”: {group.key} {score:.0f}")
        if score >= settings.row_score and not any(k.startswith(group.key + ".") for k in out):
            for result, cell in zip(APPEAL_RESULTS, split[1]):
                out[f"{group.key}.{result.key}"] = CellMatch(
                    cell.text, f"{group.text} / {result.text}", score, row.table.where(cell))
    return out


# --- active ----------------------------------------------------------------------------

def _header_columns(row: Row, settings: LocateSettings) -> list[tuple[str, str | None]]:
    """The active-table columns a header row names, in order, with the unit each prints."""
    found = (_header_column(cell.text, settings.column_score) for cell in row.cells)
    return [column for column in found if column]


@lru_cache(maxsize=65536)
def _header_column(text: str, column_score: float) -> tuple[str, str | None] | None:
    """The active-table column a printed text names, with the unit it prints, if any (cached per text)."""
    if not normalize_label(text):
        return None
    scores = _column_scores(text)
    key = max(scores, key=scores.__getitem__)
    return (key, unit_in(text)) if scores[key] >= column_score else None


def _active_row(row: Row, settings: LocateSettings) -> tuple[str, str, float, int] | None:
    """(row key, label, score, index of the label cell) if the row names an active-table row."""
    for index, cell in enumerate(row.cells):
        named = _active_label(cell.text)
        if named and named[1] >= settings.row_score:
            spec, score = named
            return spec.key, spec.text, score, index
    return None


@cache
def _block_columns(template: str) -> dict[str, tuple[str, ...]]:
    """The columns the form gives each active-table row in a template (cached: two templates)."""
    return {r: b.columns for b in ACTIVE.blocks.get(template, ()) for r in b.rows}


@cache
def _active_keys(template: str) -> frozenset[str] | None:
    """The active-table keys of a template, or None (any key) for an unknown template (cached)."""
    return frozenset(table_keys("active", template)) if template in ACTIVE.blocks else None


def locate_active(rows: list[Row], template: str, settings: LocateSettings, trace: Trace | None = None
                  ) -> dict[str, CellMatch]:
    """Header rows set the columns of their 第二十条 block; data rows fill them in order.

    A header that names only some of its block's columns (one misread:
    "采购总金额〈单位;万元)") says nothing of where the others are: a row
    printing all the form's columns then takes the form's order.
    """
    allowed = _active_keys(template)
    default_columns = _block_columns(template)
    columns: list[tuple[str, str | None]] = []
    out: dict[str, CellMatch] = {}
    for row in rows:
        header = _header_columns(row, settings)
        if header:
            columns = header
            if trace is not None:
                trace.headers.append(HeaderStep(row.table.where(row.cells[0]),
                                                tuple(col + (f" ({unit})" if unit else "") for col, unit in header)))
            continue
        named = _active_row(row, settings)
        if not named:
            continue
        key, label, score, index = named
        cells = row.cells[index + 1:]
        form = [(c, None) for c in default_columns.get(key, ())]
        partial = len(columns) < len(form) <= len(cells)
        use = columns if columns and not partial else form
        values = cells[len(cells) - len(use):] if len(cells) >= len(use) else cells
        taken = all(looks_like_value(c.text) for c in values)
        if trace is not None:
            trace.active_rows.append(ActiveRowStep(row.table.where(row.cells[index]), key, score,
                                                   tuple(col for col, _ in use), taken))
        if not taken:
            continue
        for (col, unit), cell in zip(use, values):
            full = f"{key}.{col}"
            if (allowed is None or full in allowed) and full not in out:
                out[full] = CellMatch(cell.text, label, score, row.table.where(cell), unit)
    return out


# --- the stream locator ----------------------------------------------------------------------

def stream_rows(doc: Document, table: str, rows: list[Row], settings: LocateSettings, trace: Trace | None = None
                ) -> list[Row]:
    """A table's rows made anew from the stream of its tokens, by the form's row widths.

    The tokens are those of the rows a reader gave for the table, if any (rows
    that located nothing cannot be trusted), else those of the text's lines
    under the table's heading.
    """
    if rows:
        tokens = cell_tokens((row.table, row.cells) for row in rows)
        name = f"{rows[0].table.name} as a stream"
    else:
        span = _line_span(doc.lines, table, settings)
        if span is None:
            return []
        tokens = line_tokens(doc.lines[span[0]:span[1]], span[0] + 1, lines_are_rows(doc.lines))
        name = f"lines {span[0] + 1}-{span[1]}"
    made = _STREAM_ROWS[table](token_runs(tokens), settings)
    streamed = stream_table(made, name)
    if trace is not None:
        trace.streams.append(StreamStep(table, name, len(tokens), len(made)))
    return [Row(streamed, tuple(cells)) for cells in streamed.rows()]


def _line_span(lines: list[str], table: str, settings: LocateSettings) -> tuple[int, int] | None:
    """The lines after a table's section heading, up to the next section: another standard one, or a
    numbered heading after the table's own that none of its rows prints (0-based, end excluded).

    Rows of the requests table are numbered too ("四、结转下年度继续办理"),
    and a label wrapped over lines leaves pieces that read as headings ("三、本").
    """
    start = next((i + 1 for i, line in enumerate(lines) if section_of(line.strip(), settings) == table), None)
    if start is None:
        return None
    own = heading_number(lines[start - 1]) or 0
    for end in range(start, len(lines)):
        first = next(iter(lines[end].split()), "")
        number = heading_number(first)
        if section_of(lines[end].strip(), settings) or (
                number is not None and number > own and not _names_row(first, table, settings)):
            return start, end
    return start, len(lines)


def _names_row(text: str, table: str, settings: LocateSettings) -> bool:
    """Whether a text is one of a table's row labels."""
    return any(best_score(text, label.variants) >= settings.row_score for label in _ROW_LABELS[table])


def _request_stream_rows(runs: list[Run], settings: LocateSettings) -> list[list[Token]]:
    """Each run a row: its labels, pieces of a wrapped label joined, and the first seven values after them."""
    return [[*_wrapped_labels_joined(run.labels), *run.values[:N_REQUEST_VALUES]] for run in runs]


def _wrapped_labels_joined(labels: tuple[Token, ...]) -> list[Token]:
    """Labels whose pieces a text wrapped over lines put back together: a numbered piece ("（二）…",
    "1.…", "三、本") opens a label, the pieces after it continue it ("年度办", "理结果")."""
    out: list[Token] = []
    for token in labels:
        if out and not is_numbered(token.text):
            out[-1] = Token(out[-1].text + token.text, out[-1].where)
        else:
            out.append(token)
    return out


def _appeal_stream_rows(runs: list[Run], settings: LocateSettings) -> list[list[Token]]:
    """Each run a row: five values after a group's label, else the fifteen of the whole table."""
    return [[*run.labels, *run.values[:len(APPEAL_RESULTS) if _names_group(run.labels[-1].text, settings)
                                       else N_APPEAL_VALUES]] for run in runs]


def _names_group(text: str, settings: LocateSettings) -> bool:
    return any(best_score(text, group.variants) >= settings.row_score for group in APPEAL_GROUPS)


def _active_stream_rows(runs: list[Run], settings: LocateSettings) -> list[list[Token]]:
    """A run's column headers a header row, its labels after them a data row of as many values as the
    last header names columns (before any header, the most any block of the form gives the row)."""
    out: list[list[Token]] = []
    columns = 0
    for run in runs:
        header, named, end = _header_tokens(run.labels, settings)
        if named:
            out.append(header)
            columns = named
        labels = run.labels[end:]
        if labels:
            out.append([*labels, *run.values[:columns or _widest_block(labels[-1].text, settings)]])
    return out


def _header_tokens(labels: tuple[Token, ...], settings: LocateSettings) -> tuple[list[Token], int, int]:
    """The header part of a run's labels, up to the last that names a column (a header word wrapped
    over two lines, "本年新" / "制作数量", joined), how many columns it names, and where the labels
    after it start."""
    header: list[Token] = []
    named = end = kept = i = 0
    while i < len(labels):
        token, step = labels[i], 1
        if not _header_column(token.text, settings.column_score) and i + 1 < len(labels):
            joined = Token(token.text + labels[i + 1].text, token.where)
            if _header_column(joined.text, settings.column_score):
                token, step = joined, 2
        header.append(token)
        i += step
        if _header_column(token.text, settings.column_score):
            named, end, kept = named + 1, i, len(header)
    return header[:kept], named, end


def _widest_block(label: str, settings: LocateSettings) -> int:
    """The most columns any template's block gives the active row a label names (0 for no row)."""
    named = _active_label(label)
    if not named or named[1] < settings.row_score:
        return 0
    return max(len(b.columns) for blocks in ACTIVE.blocks.values() for b in blocks if named[0].key in b.rows)


_STREAM_ROWS = {"requests": _request_stream_rows, "appeals": _appeal_stream_rows, "active": _active_stream_rows}


# --- the whole document --------------------------------------------------------------------

def locate(doc: Document, settings: LocateSettings | None = None, trace: Trace | None = None) -> Located:
    """Find the standard tables of a document and every value cell in them.

    A table whose rows locate nothing is located again on the stream of its
    tokens (:func:`stream_rows`). ``trace``, when given, is filled with every
    step (``xxgk explain``); without it nothing is recorded.
    """
    settings = settings or LocateSettings()
    sections, spans = document_to_rows(doc, settings, trace)
    requests = locate_requests(sections["requests"], settings, trace)
    if not requests and (streamed := stream_rows(doc, "requests", sections["requests"], settings, trace)):
        requests, sections["requests"] = locate_requests(streamed, settings, trace), streamed
    template = detect_template(sections["active"], set(requests), settings)
    active = locate_active(sections["active"], template, settings, trace)
    if not active and (streamed := stream_rows(doc, "active", sections["active"], settings, trace)):
        template = detect_template(streamed, set(requests), settings)
        active, sections["active"] = locate_active(streamed, template, settings, trace), streamed
    appeals = locate_appeals(sections["appeals"], settings, trace)
    if not appeals and (streamed := stream_rows(doc, "appeals", sections["appeals"], settings, trace)):
        appeals, sections["appeals"] = locate_appeals(streamed, settings, trace), streamed
    found = {t: cells for t, cells in {"active": active, "requests": requests, "appeals": appeals}.items() if cells}
    if spans:
        found = {t: _merge_noted(cells, spans) for t, cells in found.items()}
    missing = {spec.id: _nearest_heading(doc, spec.id) for spec in TABLES if spec.id not in found}
    if trace is not None:
        trace.template, trace.template_votes = template, template_votes(sections["active"], settings)
        trace.located = {t: len(cells) for t, cells in found.items()}
        trace.merged = {t: sum(1 for m in cells.values() if m.where in spans) for t, cells in found.items()}
    return Located(template, found, sections, missing, _ocr_confidence(doc, found))


def _ocr_confidence(doc: Document, found: dict[str, dict[str, CellMatch]]) -> dict[str, dict[str, float]]:
    """How sure OCR was of each located value cell, for the cells OCR read (none in most documents)."""
    read = {table.where(cell): cell.confidence for table in doc.tables for cell in table.cells
            if cell.confidence is not None}
    if not read:
        return {}
    return {t: {key: read[match.where] for key, match in cells.items() if match.where in read}
            for t, cells in found.items()}


def _merge_noted(cells: dict[str, CellMatch], spans: dict[str, int]) -> dict[str, CellMatch]:
    """The cells, each read from a value cell merged down over several rows noting how many."""
    return {key: match._replace(note=f"merged over {spans[match.where]} rows") if match.where in spans else match
            for key, match in cells.items()}


def _nearest_heading(doc: Document, table: str) -> Nearest | None:
    """The paragraph (or text line) that reads most like a table's section heading."""
    texts = [(p.text, f"paragraph {i}") for i, p in enumerate(doc.paragraphs, 1)]
    texts += [(line.strip(), f"line {i}") for i, line in enumerate(doc.lines, 1)]
    scored = [Nearest(text, heading_score(text, table), where) for text, where in texts if normalize_label(text)]
    return max(scored, key=lambda n: n.score, default=None)


#: Each table's form rows by key, as a missing row is named (the appeals' rows are its groups).
_FORM_ROWS: dict[str, dict[str, Label]] = {spec.id: {r.key: r for r in spec.rows if not r.group} for spec in TABLES}


def nearest_row(rows: list[Row], table: str, row_key: str) -> Nearest | None:
    """The printed label among a table's rows that reads most like a form row, with its score and place."""
    variants = _FORM_ROWS[table][row_key].variants
    labels = [(cell, row) for row in rows for cell in row.cells
              if normalize_label(cell.text) and not looks_like_value(cell.text)]
    scored = [Nearest(cell.text, best_score(cell.text, variants), row.table.where(cell)) for cell, row in labels]
    return max(scored, key=lambda n: n.score, default=None)
