"""Score an extracted record against its expected file, cell by cell.

Shared by the benchmark and the tests so that "accuracy" means one thing: a
cell is right when its key is present with exactly the expected value (null is
not 0); a key the extractor invents counts as wrong too.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

__all__ = ["ABSENT", "Mismatch", "Score", "score_tables"]


ABSENT = "(absent)"


@dataclass(frozen=True)
class Mismatch:
    """One wrong cell; ``got`` or ``want`` is :data:`ABSENT` for a key only one side has."""

    table: str
    key: str
    got: Any
    want: Any

    def __str__(self) -> str:
        return f"{self.table}.{self.key}: got {self.got!r}, want {self.want!r}"


@dataclass
class Score:
    cells: int = 0
    right: int = 0
    mismatches: list[Mismatch] = field(default_factory=list)

    def add(self, other: "Score") -> None:
        self.cells += other.cells
        self.right += other.right
        self.mismatches.extend(other.mismatches)

    @property
    def accuracy(self) -> float:
        return self.right / self.cells if self.cells else 1.0


def _same(got: Any, want: Any) -> bool:
    if got is None or want is None:
        return got is want
    return type(got) is not bool and abs(float(got) - float(want)) < 1e-9


def score_tables(got: Mapping[str, Mapping[str, Any]], want: Mapping[str, Mapping[str, Any]]) -> Score:
    """Cells right out of every expected cell plus every extra key the extractor reported."""
    score = Score()
    for table in sorted(set(want) | set(got)):
        expected, extracted = want.get(table, {}), got.get(table, {})
        for key in list(expected) + [k for k in extracted if k not in expected]:
            score.cells += 1
            if key in extracted and key in expected and _same(extracted[key], expected[key]):
                score.right += 1
            else:
                score.mismatches.append(Mismatch(table, key, extracted.get(key, ABSENT), expected.get(key, ABSENT)))
    return score
