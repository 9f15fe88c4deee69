"""Reader for plain-text reports: text dumps of Word files, and Markdown.

Two table layouts are understood.

*Tab dumps* (what copying a Word report into a text file gives): running
text as lines; a table as one cell per line, each cell line starting with a
TAB, its rows separated by a blank line, the table ended by two blank lines or
by a line of running text. Word writes the first paragraph of a cell after
the TAB and further paragraphs as bare lines, so a bare line that follows a
row holding one empty cell, inside a table, is that cell's text
("第二十条第（一）项"). A line with TABs *between* its words is a whole row,
cells split at the TABs (Word's "save as plain text").

*Markdown pipe tables* (``| a | b |``), whose ``|---|`` separator row is
skipped; the ``#`` of a Markdown heading is dropped from its paragraph.

A dump says nothing about merged cells. Word leaves out the cells a colspan
covers and keeps those a rowspan covers, and in these forms colspans sit in
the label columns on the left, so a short row's first cell is taken to span
the missing columns: values then line up under their column on the right.

A table printed one cell per line *without* TABs (Word or a web page copied
as text) has nothing a reader could cut into rows: its lines stay running
text, and the document keeps every line, blank ones too, for the locator to
align to the form (:mod:`extractor.stream`).
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

from ..document import Document, Paragraph, Table, place_cells, table_from_rows
from ..errors import ReaderError
from ..text import clean_text
from .titles import guess_title
from .encoding import decode_text
from .settings import ReadSettings

__all__ = ["read", "lines_to_content"]

log = logging.getLogger(__name__)

_TAB = "\t"
_TSV_ROW = re.compile(r"[^\t]\t+[^\t]")
_PIPE_ROW = re.compile(r"^\s*\|.*\|")
_PIPE_SEPARATOR = re.compile(r"^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$")
_UNESCAPED_PIPE = re.compile(r"(?<!\\)\|")
_MARKDOWN_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+")
_TABLE_END_BLANKS = 2
_SECTION_HEADING = re.compile(r"^[一二三四五六七八九十]+、")


def read(path: str, data: bytes, *, charset: str | None = None, settings: ReadSettings | None = None) -> Document:
    """Read a text report (tab dump or Markdown) into a Document (``settings`` is unused: text has no layout
    to tolerate)."""
    lines = decode_text(path, data, charset).splitlines()
    paragraphs, tables = lines_to_content(lines)
    if not paragraphs and not tables:
        raise ReaderError("the file holds no text", path)
    log.debug("%s: %d paragraphs, %d tables", path, len(paragraphs), len(tables))
    return Document(path, "txt", paragraphs, tables, guess_title(paragraphs), lines=lines)


@dataclass
class _Content:
    """Paragraphs and tables as they are read, and the tab table being read."""

    paragraphs: list[Paragraph] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    row: list[str] = field(default_factory=list)
    pipe_rows: list[list[str]] = field(default_factory=list)
    blanks: int = 0

    def paragraph(self, line: str) -> None:
        self.end_tab_table()
        self.end_pipe_table()
        text = clean_text(_MARKDOWN_HEADING.sub("", line))
        if text:
            self.paragraphs.append(Paragraph(text))

    def cell(self, line: str) -> None:
        self.end_pipe_table()
        self.row.append(clean_text(line))
        self.blanks = 0

    def tsv_row(self, line: str) -> None:
        self.end_pipe_table()
        self.end_row()
        self.rows.append([clean_text(cell) for cell in line.split(_TAB)])
        self.blanks = 0

    def blank(self) -> None:
        self.end_row()
        self.end_pipe_table()
        self.blanks += 1
        if self.blanks >= _TABLE_END_BLANKS:
            self.end_tab_table()

    def bare_line_in_table(self, line: str) -> bool:
        """Keep a bare line in the open table when it is a cell's text, not running text.

        It is when it fills a row holding one empty cell (a tab dump's
        multi-paragraph cell) or sits right between two rows with no blank
        line (a merged full-width row of a TAB-separated dump) without being a
        numbered section heading.
        """
        self.end_row()
        text = clean_text(line)
        if not self.rows or self.blanks >= _TABLE_END_BLANKS:
            return False
        if self.rows[-1] == [""]:
            self.rows[-1] = [text]
        elif self.blanks == 0 and not _SECTION_HEADING.match(text):
            self.rows.append([text])
        else:
            return False
        self.blanks = 0
        return True

    def pipe_row(self, line: str) -> None:
        self.end_tab_table()
        if not _PIPE_SEPARATOR.match(line):
            inner = line.strip().removeprefix("|").removesuffix("|")
            self.pipe_rows.append([clean_text(c.replace("\\|", "|")) for c in _UNESCAPED_PIPE.split(inner)])

    def end_row(self) -> None:
        if self.row:
            self.rows.append(self.row)
            self.row = []

    def end_tab_table(self) -> None:
        """Close the tab table being read; stray TAB-only lines make no table."""
        self.end_row()
        if any(any(row) for row in self.rows):
            self.tables.append(Table(place_cells(tab_rows_to_grid(self.rows)), self._next_name(), len(self.paragraphs)))
        self.rows = []

    def end_pipe_table(self) -> None:
        if self.pipe_rows:
            self.tables.append(table_from_rows(self.pipe_rows, self._next_name(), len(self.paragraphs)))
            self.pipe_rows = []

    def _next_name(self) -> str:
        return f"table {len(self.tables) + 1}"


def tab_rows_to_grid(rows: list[list[str]]) -> list[list[tuple[str, int, int]]]:
    """Rows of cell text as ``(text, rowspan, colspan)``, a short row's first cell spanning the gap."""
    width = max(len(row) for row in rows)
    return [[(text, 1, width - len(row) + 1 if i == 0 else 1) for i, text in enumerate(row)] for row in rows]


def lines_to_content(lines: list[str]) -> tuple[list[Paragraph], list[Table]]:
    """Paragraphs and tables from the lines of a text report, in reading order."""
    content = _Content()
    for line in lines:
        if _PIPE_ROW.match(line):
            content.pipe_row(line)
        elif _TSV_ROW.search(line):
            content.tsv_row(line)
        elif line.startswith(_TAB):
            content.cell(line)
        elif not line.strip():
            content.blank()
        elif not content.bare_line_in_table(line):
            content.paragraph(line)
    content.end_tab_table()
    content.end_pipe_table()
    return content.paragraphs, content.tables
