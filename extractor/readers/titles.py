"""A report's title from its first lines, shared by every reader: what metadata reads the issuing body
and the year from when a file carries no title of its own."""
from __future__ import annotations

from collections.abc import Sequence

from ..document import Paragraph

__all__ = ["guess_title", "report_title"]

_TITLE_MAX = 60
_TITLE_PART_MAX = 30
_TITLE_LOOKAHEAD = 3
_SENTENCE_ENDS = ("。", "；", "，", "：", ";", ",", ":")
_REPORT_WORDS = ("报告", "年报")


def _is_heading_like(text: str, limit: int) -> bool:
    return 0 < len(text) <= limit and not text.endswith(_SENTENCE_ENDS)


def report_title(paragraphs: Sequence[Paragraph]) -> str | None:
    """The title a report opens with, if it opens with one.

    That is the first short line among the first few that names the report
    ("…年度报告", "…年报"), with the short lines above it when the issuing
    body is set on a line of its own ("连云港市赣榆区科学技术局" /
    "2024年度政府信息公开工作年度报告").
    """
    lines = [p.text for p in paragraphs[:_TITLE_LOOKAHEAD]]
    for i, line in enumerate(lines):
        if any(word in line for word in _REPORT_WORDS) and _is_heading_like(line, _TITLE_MAX):
            above = lines[:i]
            if all(_is_heading_like(a, _TITLE_PART_MAX) for a in above):
                return "".join([*above, line])
            return line
    return None


def guess_title(paragraphs: Sequence[Paragraph]) -> str | None:
    """The report's title from its first lines: the report title, else the first heading-like line."""
    lines = [p.text for p in paragraphs[:_TITLE_LOOKAHEAD]]
    return report_title(paragraphs) or next((line for line in lines if _is_heading_like(line, _TITLE_MAX)), None)
