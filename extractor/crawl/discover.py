"""Reading government CMS pages: listing entries, pagination, page metadata, attachments.

Pure functions from page text to links, written for the two CMS families most
Chinese government sites run on:

* TRS WCM: a column is ``…/zfxxgknb/index.html`` with pages ``index_1.html``,
  ``index_2.html``… (often only announced by a ``createPageHTML(total, current,
  "index", "html")`` script); details are ``./202503/t20250310_97791.html``.
* Hanweb (大汉): a column is ``/col/colN/index.html`` whose entries sit in a
  ``<script type="text/xml">`` datastore as CDATA records, and details are
  ``/art/2024/3/1/art_N_M.html``; pages are ``index.html?uid=…&pageNum=2``.

Plain "下一页" links are followed too. Report entries are chosen by title
(年度报告 or 年报 plus a year); details are described by the standard meta
tags of the national government-website specification (ArticleTitle,
PubDate, ContentSource).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath
from posixpath import dirname
from urllib.parse import parse_qsl, urljoin, urlsplit, urlunsplit

from lxml import etree

from ..errors import ReaderError
from ..limits import LIMITS
from ..readers import DOCUMENT_FORMATS, html, suffixes_of
from ..readers.encoding import decode_html

__all__ = [
    "Link", "Listing", "PageMeta", "ATTACHMENT_SUFFIXES",
    "page_text", "parse_listing", "report_year", "page_meta", "attachments", "is_attachment_url",
    "normalize_date",
]

#: Files a report is published as, beside or instead of the page itself: those a reader exists for.
ATTACHMENT_SUFFIXES = suffixes_of(DOCUMENT_FORMATS)
_IMAGE_SUFFIXES = suffixes_of({"image"})
_NEXT_TEXTS = frozenset({"下一页", "下页", "后一页", "后页", "下一頁", "next", ">", "›", "»"})
_PAGE_FILE = re.compile(r"^index(_\d+)?\.s?html?$", re.IGNORECASE)
_PAGE_PARAMS = frozenset({"pagenum", "pageno", "page", "pageindex", "currentpage"})
_TRS_PAGER = re.compile(r"""createPageHTML\(\s*(?:['"][^'"]*['"]\s*,\s*)?['"]?(\d+)['"]?\s*,\s*['"]?\d+['"]?\s*,"""
                        r"""\s*['"](\w+)['"]\s*,\s*['"](\w+)['"]""")
_TRS_COUNT = re.compile(r"\bcountPage\s*=\s*(\d+)")
_HANWEB_RECORD = re.compile(r"<record>\s*<!\[CDATA\[(.*?)\]\]>\s*</record>", re.DOTALL | re.IGNORECASE)
_REPORT_WORDS = re.compile(r"年度报告|年报")
_CN_DIGITS = str.maketrans("〇零○Ｏ一二三四五六七八九", "0000123456789")
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_DATE = re.compile(r"((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")
_PUBLISHED = re.compile(r"发布(?:日期|时间)\s*[:：]\s*([^<\n]{8,20})")
#: The block elements a listing prints an entry in, with its date beside the link.
_ENTRY_HOLDERS = ("li", "tr", "dd", "p")


@dataclass(frozen=True, slots=True)
class Link:
    """A link as a listing shows it: absolute URL, its words, and a date printed beside it."""

    url: str
    text: str
    date: str = ""


@dataclass(frozen=True, slots=True)
class Listing:
    """What one listing page offers: entries to consider and further pages to walk."""

    entries: tuple[Link, ...]
    pages: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PageMeta:
    """A detail page's own description of itself (empty strings when it says nothing)."""

    title: str
    publish_date: str
    source: str


def page_text(url: str, data: bytes, charset: str = "") -> str:
    """A crawled page's text, decoded exactly as the HTML reader decodes it (BOM, the server's charset,
    ``<meta>``, detection; GB2312/GBK as GB18030); '' for bytes that are no text at all."""
    try:
        return decode_html(url, data, charset or None)
    except ReaderError:
        return ""


def _tree(text: str) -> etree._Element | None:
    """Markup as the HTML reader parses it, or None when there is none to read."""
    try:
        return html.parse_html("page", text) if text.strip() else None
    except ReaderError:
        return None


def parse_listing(text: str, base_url: str) -> Listing:
    """Entries and next pages of a listing page at ``base_url``."""
    links = _links(_tree(text), base_url)
    for fragment in _HANWEB_RECORD.findall(text):
        links.extend(_links(_tree(fragment), base_url))
    pages = [link.url for link in links if _is_page_link(link, base_url)]
    pages.extend(_trs_pages(text, base_url))
    page_set = set(pages)
    entries = [link for link in links if link.url not in page_set and link.text]
    return Listing(tuple(_unique(entries)), tuple(dict.fromkeys(pages)))


def _links(root: etree._Element | None, base_url: str) -> list[Link]:
    out = []
    for anchor in _anchors(root):
        url = _absolute(anchor.get("href", ""), base_url)
        if url:
            out.append(Link(url, _anchor_text(anchor), _nearby_date(anchor)))
    return out


def _absolute(href: str, base_url: str) -> str:
    """An http(s) URL without its fragment, or '' for javascript:, mailto: and the like."""
    url = urljoin(base_url, href.strip())
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return ""
    return urlunsplit(parts._replace(fragment=""))


def _anchors(root: etree._Element | None) -> list[etree._Element]:
    return [] if root is None else [a for a in root.iter("a") if a.get("href")]


def _words(element: etree._Element) -> str:
    return " ".join(" ".join(element.itertext()).split())


def _anchor_text(anchor: etree._Element) -> str:
    """The fuller of a link's words and its title attribute (listings cut long titles with …)."""
    words = _words(anchor).rstrip(".…")
    title = " ".join((anchor.get("title") or "").split())
    return title if title and len(title) >= len(words) else words


def _nearby_date(anchor: etree._Element) -> str:
    """A date printed in the same list item or table row as the link."""
    holder = next(anchor.iterancestors(*_ENTRY_HOLDERS), None)
    return normalize_date(_words(holder)) if holder is not None else ""


def normalize_date(text: str) -> str:
    """The first date in ``text`` as YYYY-MM-DD ('' when there is none)."""
    match = _DATE.search(text)
    if not match:
        return ""
    year, month, day = (int(group) for group in match.groups())
    return f"{year:04d}-{month:02d}-{day:02d}"


def _is_page_link(link: Link, base_url: str) -> bool:
    """A link to another page of the same listing, by its words or by its address."""
    parts = urlsplit(link.url)
    if dirname(parts.path) != dirname(urlsplit(base_url).path) or link.url == base_url:
        return False
    if link.text.strip().lower() in _NEXT_TEXTS:
        return True
    name = parts.path.rsplit("/", 1)[-1]
    if not _PAGE_FILE.match(name):
        return False
    params = {key.lower() for key, _ in parse_qsl(parts.query)}
    return "_" in name or bool(params & _PAGE_PARAMS)


def _trs_pages(text: str, base_url: str) -> list[str]:
    """The pages a TRS template announces only in script.

    Either ``createPageHTML(total, current, "index", "html")`` (newer
    templates put a target element's id first) or ``var countPage = total``
    with links written by ``document.write``. The total a script states is
    capped (``listing_pages`` of :mod:`extractor.limits`) before any URL is
    built: a pager announcing 200 million pages would take gigabytes.
    """
    call = _TRS_PAGER.search(text)
    count = _TRS_COUNT.search(text)
    if call:
        total, stem, suffix = int(call.group(1)), call.group(2), call.group(3)
    elif count:
        total, stem = int(count.group(1)), "index"
        suffix = PurePosixPath(urlsplit(base_url).path).suffix.lstrip(".") or "html"
    else:
        return []
    names = [f"{stem}.{suffix}"] + [f"{stem}_{number}.{suffix}"
                                    for number in range(1, min(total, LIMITS.listing_pages))]
    return [urljoin(base_url, name) for name in names if urljoin(base_url, name) != base_url]


def _unique(links: list[Link]) -> list[Link]:
    """One link per URL, keeping the most informative words and date seen for it."""
    best: dict[str, Link] = {}
    for link in links:
        known = best.get(link.url)
        if known is None or len(link.text) > len(known.text):
            best[link.url] = Link(link.url, link.text, link.date or (known.date if known else ""))
    return list(best.values())


def report_year(title: str) -> int | None:
    """The year an annual report's title is about, or None when it is not one.

    ``平潭综合实验区2024年度政府信息公开工作年度报告`` → 2024; years written
    in Chinese numerals (二〇二三年) count too.
    """
    if not _REPORT_WORDS.search(title):
        return None
    match = _YEAR.search(title.translate(_CN_DIGITS))
    return int(match.group(1)) if match else None


def page_meta(text: str) -> PageMeta:
    """Title, publish date (YYYY-MM-DD) and source from a detail page's meta tags.

    Pages without the PubDate tag often print "发布日期：2020-01-31" instead.
    """
    root = _tree(text)
    if root is None:
        return PageMeta("", "", "")
    tags = {name.lower(): " ".join(value.split()) for name, value in html.page_meta(root).items()}
    date = normalize_date(tags.get("pubdate", ""))
    if not date:
        printed = _PUBLISHED.search("\n".join(root.itertext()))
        date = normalize_date(printed.group(1)) if printed else ""
    return PageMeta(tags.get("articletitle", ""), date, tags.get("contentsource", ""))


def is_attachment_url(url: str) -> bool:
    """Whether a URL names a report file, in its path or in a download script's parameters."""
    parts = urlsplit(url)
    names = [parts.path] + [value for _, value in parse_qsl(parts.query)]
    return any(name.lower().endswith(ATTACHMENT_SUFFIXES) for name in names)


def attachments(text: str, page_url: str) -> list[str]:
    """Files and table images a detail page publishes, in page order.

    Images count only when they sit beside the page (TRS stores an article's
    pictures as ``./W0…png`` next to it) or in Hanweb's ``/picture/`` store;
    logos and banners under ``/images/`` are page chrome, not report content.
    """
    root = _tree(text)
    files = [url for url in (_absolute(a.get("href", ""), page_url) for a in _anchors(root))
             if url and is_attachment_url(url)]
    sources = [] if root is None else [img.get("src", "") for img in root.iter("img") if img.get("src")]
    images = [url for url in (_absolute(src, page_url) for src in sources) if url and _is_content_image(url, page_url)]
    return list(dict.fromkeys(files + images))


def _is_content_image(url: str, page_url: str) -> bool:
    path = urlsplit(url).path
    if not path.lower().endswith(_IMAGE_SUFFIXES):
        return False
    return dirname(path) == dirname(urlsplit(page_url).path) or "/picture/" in path
