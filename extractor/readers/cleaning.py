"""Text clean-up shared by the readers of markup and plain text.

Reports are typed in Word and pasted into a CMS, so a label reaches us cut
into runs, padded with ``&nbsp;`` and ideographic spaces, or broken over
lines ("社会公益 组织"). Chinese does not separate words with spaces, so a
space beside a Chinese character is layout, never content, and goes; a space
between two digits or two Latin letters may mean something and stays, as one.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from ..document import Paragraph

__all__ = ["clean_text", "guess_title", "report_title"]

_INVISIBLE = re.compile("[\u200b-\u200d\u2060\ufeff\u00ad]")
_SPACE = re.compile(r"[\s\u00a0\u3000]+")
_CJK = (
    "\u2014\u2018\u2019\u201c\u201d\u2026"  # dash, curly quotes, ellipsis as used in Chinese text
    "\u2e80-\u2fff\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef"
)
_SPACE_BY_CJK = re.compile(f"(?<=[{_CJK}]) | (?=[{_CJK}])")
_CACHED_LENGTH = 80
_TITLE_MAX = 60
_TITLE_PART_MAX = 30
_TITLE_LOOKAHEAD = 3
_SENTENCE_ENDS = ("。", "；", "，", "：", ";", ",", ":")
_REPORT_WORDS = ("报告", "年报")


def clean_text(text: str) -> str:
    """Collapse whitespace and drop the spaces that sit beside Chinese characters.

    Cell-sized texts are cached: a batch repeats the same labels and numbers
    in cell after cell, while long paragraphs recur rarely and would only
    fill the cache.
    """
    return _clean_short(text) if len(text) <= _CACHED_LENGTH else _clean(text)


def _clean(text: str) -> str:
    text = _SPACE.sub(" ", _INVISIBLE.sub("", text)).strip()
    return _SPACE_BY_CJK.sub("", text)


_clean_short = lru_cache(maxsize=16384)(_clean)


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
