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
from .readers.cleaning import clean_text
from .values import looks_like_value

__all__ = ["Token", "Run", "StreamTable", "line_tokens", "cell_tokens", "token_runs", "stream_table"]

#: What sets a row's cells apart on one line: TABs or spaces (a cell per line has neither).
_CELL_SEPARATOR = re.compile(r"[\t ]+")


class Token(NamedTuple):
    """One printed cell of a stream: its text and where it was printed."""

    text: str
    where: str


class Run(NamedTuple):
    """Labels and the values printed after them, up to the next label."""

    labels: tuple[Token, ...]
    values: tuple[Token, ...]


def line_tokens(lines: Sequence[str], first_line: int) -> list[Token]:
    """The tokens of a text's lines, numbered from ``first_line`` (1-based, as editors count).

    A blank line is a blank cell (one cell per line prints an empty cell as
    an empty line); a line of several words is a row, cut at its TABs and
    spaces (padding after a word, "公益 \xa0 \xa0", is no cell of its own).
    """
    tokens: list[Token] = []
    for number, line in enumerate(lines, first_line):
        pieces = [text for text in map(clean_text, _CELL_SEPARATOR.split(line)) if text]
        if len(pieces) <= 1:
            tokens.append(Token(pieces[0] if pieces else "", f"line {number}"))
        else:
            tokens.extend(Token(piece, f"line {number} cell {n}") for n, piece in enumerate(pieces, 1))
    return tokens


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
