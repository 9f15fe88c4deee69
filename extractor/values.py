"""Turning a cell's printed text into a value.

Reports print numbers every way a typist can: full-width digits, thousands
separators, "—" or "无" for nothing, units inside the cell ("251000元",
"0万元"). A blank cell is *not* zero: it stays None, because "left unfilled"
and "none happened" are different facts for an auditor.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .template import MONEY_UNIT
from .text import squeeze

__all__ = ["UNSURE", "CellValue", "parse_value", "looks_like_value", "unit_in"]

#: Printed instead of a zero (besides runs of dashes and slashes).
ZERO_WORDS = frozenset({"无", "无。", "\\"})
#: Put between two readings of a number that differ (OCR), so that the cell is reported unreadable ("34≠4").
UNSURE = "≠"
_DASHES = frozenset("—-－–―─/／")
_NUMBER = re.compile(r"^([+-]?)(\d+(?:\.\d+)?)(万元|元|件|个|项|条|万)?$")
_TO_WAN = {"元": 1e-4, "万元": 1.0, "万": 1.0}
@dataclass(frozen=True, slots=True)
class CellValue:
    """A cell read: its value (None when blank or unreadable) and what reading it involved."""

    value: int | float | None
    note: str | None = None
    unreadable: bool = False


def _is_zero_mark(text: str) -> bool:
    return text in ZERO_WORDS or set(text) <= _DASHES


def _number(text: str) -> re.Match[str] | None:
    return _NUMBER.match(text.replace(",", "").replace("，", ""))


def unit_in(label: str) -> str | None:
    """The money unit a header prints ("本年收费金额（单位：万元）" -> 万元, "（元）" -> 元)."""
    text = squeeze(label)
    if "万元" in text:
        return "万元"
    if re.search(r"[(:：]元\)?|单位元|\(元", text):
        return "元"
    return None


@lru_cache(maxsize=65536)
def parse_value(raw: str, unit: str | None = None, printed_unit: str | None = None) -> CellValue:
    """Read one cell (cached: a batch reads "0" a million times).

    ``unit`` is the unit the record stores the column in (万元 for money),
    ``printed_unit`` the one its header states; a unit inside the cell wins
    over both, since typists write "251000元" under a 万元 header.
    """
    text = squeeze(raw)
    if not text:
        return CellValue(None)
    if _is_zero_mark(text):
        return CellValue(0, note=f"{raw.strip()!r} read as 0")
    match = _number(text)
    if not match:
        return CellValue(None, note=f"not a number: {raw.strip()!r}", unreadable=True)
    sign, digits, cell_unit = match.groups()
    number = float(sign + digits)
    if unit == MONEY_UNIT:
        source_unit = cell_unit if cell_unit in _TO_WAN else (printed_unit or MONEY_UNIT)
        factor = _TO_WAN[source_unit]
        note = f"{raw.strip()!r} converted from {source_unit} to {MONEY_UNIT}" if factor != 1.0 else None
        return CellValue(round(number * factor, 10), note)
    if "." not in digits:
        return CellValue(int(number))
    return CellValue(int(number) if number.is_integer() else number)


@lru_cache(maxsize=65536)
def looks_like_value(raw: str) -> bool:
    """Whether a cell could be a value cell: a number, a zero mark, blank, or a cell OCR read two ways, one a
    number ("34≠4", "t≠/": a value cell whose value is unreadable, which the record reports rather than lose
    its row)."""
    text = squeeze(raw)
    return not text or _is_value(text) or (UNSURE in text and any(map(_is_value, text.split(UNSURE))))


def _is_value(text: str) -> bool:
    return _is_zero_mark(text) or _number(text) is not None
