"""How a generated report prints its numbers and labels: the controlled drift.

Each drift is one way real reports stray from the clean form (``spec/template.md``);
a report carries a set of them. Printing a value returns both the text that
goes into the cell and the value an extractor must read back from it: a blank
cell is null, a dash or "无" is 0.
"""
from __future__ import annotations

import random
import re

from extractor.record import Value

__all__ = ["DRIFTS", "ZERO_MARKS", "print_value", "is_printed_value", "print_label", "print_header"]

#: Every drift a generated report can carry, with what it does.
DRIFTS: dict[str, str] = {
    "typo": "a character dropped from some row labels (2.其他法律行政止公开)",
    "spaces": "spaces inside labels (无正当理由大量反复 申请)",
    "blank_zero": "zeros printed as blank cells (read back as null)",
    "dash_zero": "zeros printed as —, -, / or 无 (read back as 0)",
    "fullwidth": "full-width digits (１２)",
    "heji": "合计 printed for 总计",
    "wrap": "header and long row labels wrapped over lines",
    "split": "the requests table printed as two tables, the header repeated (over a page break in DOCX/PDF)",
    "other_one_row": "（六）其他处理 as one row in a 2021-format report (key `other`)",
    "template_2019": "the 2019 form (2019 and 2020 reports)",
}

ZERO_MARKS = ("—", "-", "/", "无")
_FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
_NUMBERING = re.compile(r"^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\d+[.、])")


def print_value(value: Value, drifts: frozenset[str], rng: random.Random) -> tuple[str, Value]:
    """The cell text for a value, and the value an extractor must read from that text."""
    if value == 0 and "blank_zero" in drifts and rng.random() < 0.7:
        return "", None
    if value == 0 and "dash_zero" in drifts and rng.random() < 0.7:
        return rng.choice(ZERO_MARKS), 0
    text = f"{value:.2f}" if isinstance(value, float) else str(value)
    if "fullwidth" in drifts and rng.random() < 0.5:
        text = text.translate(_FULLWIDTH)
    return text, value


def is_printed_value(text: str) -> bool:
    """Whether a cell text is one :func:`print_value` writes (renderers keep such cells on one line)."""
    return text in ZERO_MARKS or re.fullmatch(r"-?[0-9０-９]+(?:\.[0-9０-９]+)?", text) is not None


def print_label(text: str, drifts: frozenset[str], rng: random.Random) -> str:
    """A row label as a report prints it: typos, stray spaces, 合计, a line break in a long label."""
    prefix = m.group(0) if (m := _NUMBERING.match(text)) else ""
    body = text[len(prefix):]
    if "typo" in drifts and len(body) >= 6 and rng.random() < 0.25:
        cut = rng.randrange(1, len(body) - 1)
        body = body[:cut] + body[cut + 1:]
    if "spaces" in drifts and len(body) >= 3 and rng.random() < 0.25:
        at = rng.randrange(1, len(body) - 1)
        body = body[:at] + rng.choice((" ", "\u3000", "  ")) + body[at:]
    if "wrap" in drifts and len(body) >= 12 and rng.random() < 0.6:
        at = rng.randrange(4, len(body) - 4)
        body = body[:at] + "\n" + body[at:]
    return print_header(prefix + body, drifts - {"wrap"}, rng)


def print_header(text: str, drifts: frozenset[str], rng: random.Random) -> str:
    """A column header as a report prints it: 合计, or wrapped mid-word (商业企/业)."""
    if "heji" in drifts:
        text = text.replace("总计", "合计")
    if "wrap" in drifts and 4 <= len(text) <= 12 and "\n" not in text and rng.random() < 0.6:
        at = rng.randrange(2, len(text) - 1)
        text = text[:at] + "\n" + text[at:]
    return text
