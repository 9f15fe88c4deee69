"""Cells OCR read two ways ("7≠1"), settled by the form's own sums.

When the recogniser's two readings of a number disagree, the reader keeps
both (:data:`.values.UNSURE`) rather than guess. The form often knows the
answer: the cell is a part or a total of sums that must hold (勾稽关系).
A cell is settled when exactly one of its readings makes every sum it is in
hold, using only sums whose other cells are read for sure; cells settled
that way can settle others in turn. Any other cell stays unreadable
(CELL_UNREADABLE): a guess that fits no sum, or either of two that fit, is
no reading. A settled cell keeps both readings in its provenance's raw
text, and the checks report it (OCR_SETTLED) for a reviewer to confirm.
"""
from __future__ import annotations

from .record import Provenance, Value
from .template import Relation, table_relations
from .text import squeeze
from .values import UNSURE, parse_value

__all__ = ["is_unsure", "settle"]


def is_unsure(raw: str) -> bool:
    """Whether a cell's raw text holds two readings that disagree."""
    return UNSURE in raw


def settle(tables: dict[str, dict[str, Value]], provenance: dict[str, dict[str, Provenance]]
           ) -> dict[str, dict[str, Value]]:
    """The tables with every unsure cell the sums settle set to its reading (tables without one as given)."""
    settled = {}
    for table, values in tables.items():
        unsure = {key: _readings(prov.raw) for key, prov in provenance.get(table, {}).items()
                  if values.get(key) is None and is_unsure(prov.raw)}
        settled[table] = _settled(table, values, unsure) if unsure else values
    return settled


def _readings(raw: str) -> list[int | float]:
    """The distinct numbers among a cell's readings ("7≠1" -> [7, 1]; a zero mark is 0)."""
    numbers = (parse_value(side).value for side in squeeze(raw).split(UNSURE))
    return list(dict.fromkeys(n for n in numbers if n is not None))


def _settled(table: str, values: dict[str, Value], unsure: dict[str, list[int | float]]) -> dict[str, Value]:
    """One table's values with its unsure cells settled, as many rounds as settling one lets another."""
    values = dict(values)
    rules = table_relations(table, frozenset(values))
    while True:
        found = {key: reading for key, readings in unsure.items()
                 if (reading := _fitting(key, readings, values, rules, unsure)) is not None}
        if not found:
            return values
        values.update(found)
        for key in found:
            del unsure[key]


def _fitting(key: str, readings: list[int | float], values: dict[str, Value], rules: tuple[Relation, ...],
             unsure: dict[str, list[int | float]]) -> int | float | None:
    """The one reading of ``key`` that makes every sum it is in hold, among the sums whose other cells are
    sure; None when there is no such sum, or no such reading, or more than one."""
    around = [r for r in rules if (key in r.left or key in r.right)
              and not any(other in unsure for other in (*r.left, *r.right) if other != key)]
    if not around:
        return None
    fitting = [reading for reading in readings if all(r.holds({**values, key: reading}) for r in around)]
    return fitting[0] if len(fitting) == 1 else None
