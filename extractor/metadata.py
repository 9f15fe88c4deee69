"""Who published a report, for which year, and where: read from its title and opening text.

Titles come in a few shapes, and a page may carry several of them (the CMS
``ArticleTitle``, the ``<title>`` with the site's name appended, the heading
in the body):

    平潭综合实验区2024年度政府信息公开工作年度报告      body, then year
    2019年上海市人民政府办公厅政府信息公开工作年度报告    year, then body
    连云港市赣榆区科学技术局                             body on its own line,
    2024年度政府信息公开工作年度报告                     then year and title

The year of a report is the year its statistics cover. The body says so
("统计期限自2024年1月1日起至2024年12月31日止"), which outranks the title: a
title can be wrong, and the publication date ("发布日期：2020-01-31") is never
used. ``title_year`` keeps the year the title prints, for YEAR_MISMATCH.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable, Iterator

from .document import Document
from .regions import region_of
from .text import compact

__all__ = ["Metadata", "describe", "has_report_title", "parse_title", "statistics_year", "title_year"]

# Patterns run on NFKC text, where "，；：（）" have become ",;:()".
_YEAR = r"((?:19|20)\d{2})"
_TITLE = re.compile(
    rf"^(?P<before>[^,。;:、《》“”\d]*?){_YEAR}年度?(?P<after>[^,。;:、《》“”\d]*?)"
    r"(?:关于)?政府信息公开(?:工作)?(?:情况)?的?年度?报告"
)
_STATISTICS_YEAR = (
    re.compile(rf"统计(?:期限|时限|期间|时间|区间|范围|周期)?[^。;\d]{{0,12}}{_YEAR}年0?1月0?1日"),
    re.compile(rf"{_YEAR}年0?1月0?1日(?:起)?(?:至|到|—|-|－)(?:\1年)?12月31日"),
)
_REPORT_ON = re.compile(rf"现对(?P<agency>[^,。;:\d]{{2,40}}?){_YEAR}年度?政府信息公开工作")
_SEPARATORS = re.compile(r"[_|｜]| - ")
#: What follows a report's name in the title of a document about reports ("…年度报告的通知").
_ABOUT_REPORTS = re.compile(r"的?(?:通知|公告|通告|函|说明|解读|批复|意见|提纲|模板|格式|编制|报送)")
_CONNECTIVES = ("关于", "的")
#: Meta fields a CMS page names its article in.
_TITLE_META = ("ArticleTitle", "title", "Title", "DC.Title")
#: Meta fields naming the site or the body that wrote the article: hints for the region.
_SOURCE_META = ("SiteName", "ContentSource", "Author")
#: How many opening paragraphs may hold the report's heading.
_HEADING_PARAGRAPHS = 12
#: A body's name is a short run of characters on its own line ...
_MAX_AGENCY = 40
#: ... that is not a page's own heading or breadcrumb ("政府信息公开年报").
_NOT_A_NAME = re.compile(r"公开|报告|年报")


@dataclass(frozen=True)
class Metadata:
    """What a report says about itself: its body, years and region."""

    agency: str | None = None
    year: int | None = None
    title_year: int | None = None
    region: dict[str, str | None] = field(default_factory=lambda: region_of(None).to_dict())


def describe(document: Document) -> Metadata:
    """The publishing body, statistics year, title year and region of a report."""
    agency, title_year = _from_titles(_title_candidates(document))
    body = compact(document.text)
    reported = _REPORT_ON.search(body)
    if agency is None and reported:
        agency = reported["agency"]
    year = statistics_year(body) or (int(reported.group(2)) if reported else None) or title_year
    hints = [document.meta.get(k, "") for k in _SOURCE_META] + [body]
    return Metadata(agency, year, title_year, region_of(agency, hints).to_dict())


def parse_title(text: str) -> tuple[str | None, int | None] | None:
    """The body and year a report title names, or None if ``text`` is not a report title.

    "平潭综合实验区2024年度政府信息公开工作年度报告" -> ("平潭综合实验区", 2024);
    a title without a body ("2024年度政府信息公开工作年度报告") gives (None, 2024).
    """
    match = _TITLE.search(compact(text))
    if match is None:
        return None
    agency = _strip_connectives(match["before"]) or _strip_connectives(match["after"])
    return agency or None, int(match.group(2))


def title_year(title: str | None) -> int | None:
    """The year a report title names, or None (no title, or not a report title)."""
    parsed = parse_title(title) if title else None
    return parsed[1] if parsed else None


def has_report_title(document: Document) -> bool:
    """Whether a document is titled as an annual report anywhere a title may be (meta, <title>, heading):
    what tells a report whose tables could not be read from a file that is no report (a README, a notice
    "关于报送2024年度政府信息公开工作年度报告的通知": a document about reports)."""
    return any(_is_report_title(text) for text, _ in _title_candidates(document))


def _is_report_title(text: str) -> bool:
    """A report title that is not the title of a document about reports (a notice, an explanation)."""
    text = compact(text)
    match = _TITLE.search(text)
    return match is not None and not _ABOUT_REPORTS.match(text[match.end():])


def statistics_year(text: str) -> int | None:
    """The year the statistics cover, from the period the report states ("统计期限自2024年1月1日…")."""
    normalized = compact(text)
    for pattern in _STATISTICS_YEAR:
        match = pattern.search(normalized)
        if match:
            return int(match.group(1))
    return None


def _title_candidates(document: Document) -> Iterator[tuple[str, str | None]]:
    """(title text, the line before it) for each place a title may be, best first."""
    for key in _TITLE_META:
        if document.meta.get(key):
            yield document.meta[key], None
    if document.title:
        for part in _SEPARATORS.split(document.title):
            yield part, None
    lines = [line for p in document.paragraphs[:_HEADING_PARAGRAPHS] for line in p.text.splitlines()]
    lines = [line for line in (compact(x) for x in lines) if line]
    for previous, line in zip([None, *lines], lines):
        yield line, previous


def _from_titles(candidates: Iterable[tuple[str, str | None]]) -> tuple[str | None, int | None]:
    """The first body and the first year the title candidates name.

    A title without a body takes the line above it when that line looks like
    a body's name (the two-line heading of Word and PDF reports).
    """
    agency: str | None = None
    year: int | None = None
    for text, previous in candidates:
        parsed = parse_title(text)
        if parsed is None:
            continue
        found, found_year = parsed
        if found is None and previous and _looks_like_name(previous):
            found = previous
        agency = agency or found
        year = year or found_year
        if agency and year:
            break
    return agency, year


def _looks_like_name(line: str) -> bool:
    return (len(line) <= _MAX_AGENCY and re.fullmatch(r"[\u4e00-\u9fff()]+", line) is not None
            and not _NOT_A_NAME.search(line))


def _strip_connectives(text: str) -> str:
    for word in _CONNECTIVES:
        text = text.removesuffix(word)
    return text
