"""A table printed without structure, read as a stream of tokens.

Text copied out of Word or a web page may print a table with one cell per line
and nothing to say where a row ends, or one row per line with its cells set
apart by spaces; a reader may also give rows that cannot be trusted. What
stays is the order: labels, numbers and blanks come as the form prints them.
So the stream is cut into *runs* — the labels, then the values after them —
and the locator, which knows how many values each row of the form holds, makes
one row of each run (surplus blanks are the empty cells a merged label column
leaves at the start of the next row, and are dropped there).

Each token keeps where it was printed ("line 68", "table 2 row 5 col 3"), so
that a value read from a stream has the same provenance as any other.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from .document import Cell, Table
from .text import clean_text
from .values import looks_like_value

__all__ = ["Token", "Run", "StreamTable", "line_tokens", "lines_are_rows", "cell_tokens", "token_runs", "stream_table"]

#: What sets a row's cells apart on one line: TABs or spaces (a cell per line has neither).
_CELL_SEPARATOR = re.compile(r"[\t ]+")
#: A text printing this many lines of a label and numbers prints its tables a row per line.
_ROW_LINES = 3


class Token(NamedTuple):
    """One printed cell of a stream: its text and where it was printed."""

    text: str
    where: str


class Run(NamedTuple):
    """Labels and the values printed after them, up to the next label."""

    labels: tuple[Token, ...]
    values: tuple[Token, ...]


def line_tokens(lines: Sequence[str], first_line: int, rows: bool) -> list[Token]:
    """The tokens of a text's lines, numbered from ``first_line`` (1-based, as editors count).

    A line of several words is a row, cut at its TABs and spaces (padding
    after a word, "公益 \xa0 \xa0", is no cell of its own). Where lines are
    cells, one per line, an empty line is an empty cell; where they are
    ``rows`` (:func:`lines_are_rows`), an empty line only sets rows apart.
    """
    tokens: list[Token] = []
    for number, words in enumerate(map(_words, lines), first_line):
        if len(words) > 1:
            tokens.extend(Token(word, f"line {number} cell {n}") for n, word in enumerate(words, 1))
        elif words or not rows:
            tokens.append(Token(words[0] if words else "", f"line {number}"))
    return tokens


def lines_are_rows(lines: Sequence[str]) -> bool:
    """Whether a text prints its tables a row per line: several of its lines hold a label and numbers."""
    return sum(1 for words in map(_words, lines) if len(words) > 1 and any(map(looks_like_value, words))) >= _ROW_LINES


def _words(line: str) -> list[str]:
    return [text for text in map(clean_text, _CELL_SEPARATOR.split(line)) if text]


def cell_tokens(tables_cells: Iterable[tuple[Table, Sequence[Cell]]]) -> list[Token]:
    """The tokens of table rows, cell by cell in reading order, each where its table says it is."""
    return [Token(cell.text, table.where(cell)) for table, cells in tables_cells for cell in cells]


def token_runs(tokens: Iterable[Token]) -> list[Run]:
    """The stream cut before every label that follows a value; values before the first label are dropped."""
    runs: list[Run] = []
    labels: list[Token] = []
    values: list[Token] = []
    for token in tokens:
        if looks_like_value(token.text):
            if labels:
                values.append(token)
            continue
        if values:
            runs.append(Run(tuple(labels), tuple(values)))
            labels, values = [], []
        labels.append(token)
    if labels:
        runs.append(Run(tuple(labels), tuple(values)))
    return runs


@dataclass(slots=True)
class StreamTable(Table):
    """Rows made from a stream: each cell is where its token was printed."""

    places: dict[tuple[int, int], str] = field(default_factory=dict)

    def where(self, cell: Cell) -> str:
        return self.places[cell.row, cell.col]


def stream_table(rows: Sequence[Sequence[Token]], name: str) -> StreamTable:
    """A table of the rows the locator made from a stream."""
    cells = [Cell(token.text, r, c) for r, row in enumerate(rows) for c, token in enumerate(row)]
    places = {(r, c): token.where for r, row in enumerate(rows) for c, token in enumerate(row)}
    return StreamTable(cells, name, places=places)
