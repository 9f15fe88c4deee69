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

import charset_normalizer
from bs4 import BeautifulSoup, Tag

from ..limits import LIMITS

__all__ = [
    "Link", "Listing", "PageMeta", "ATTACHMENT_SUFFIXES",
    "decode_html", "parse_listing", "report_year", "page_meta", "attachments", "is_attachment_url",
    "normalize_date",
]

#: Files a report is published as, beside or instead of the page itself.
ATTACHMENT_SUFFIXES = (".pdf", ".docx", ".doc", ".wps", ".xls", ".xlsx", ".et", ".ofd", ".zip", ".rar")
_IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".bmp")
_NEXT_TEXTS = frozenset({"下一页", "下页", "后一页", "后页", "下一頁", "next", ">", "›", "»"})
_PAGE_FILE = re.compile(r"^index(_\d+)?\.s?html?$", re.IGNORECASE)
_PAGE_PARAMS = frozenset({"pagenum", "pageno", "page", "pageindex", "currentpage"})
_TRS_PAGER = re.compile(r"""createPageHTML\(\s*(?:['"][^'"]*['"]\s*,\s*)?['"]?(\d+)['"]?\s*,\s*['"]?\d+['"]?\s*,"""
                        r"""\s*['"](\w+)['"]\s*,\s*['"](\w+)['"]""")
_TRS_COUNT = re.compile(r"\bcountPage\s*=\s*(\d+)")
_HANWEB_RECORD = re.compile(r"<record>\s*<!\[CDATA\[(.*?)\]\]>\s*</record>", re.DOTALL | re.IGNORECASE)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w-]+)""", re.IGNORECASE)
_REPORT_WORDS = re.compile(r"年度报告|年报")
_CN_DIGITS = str.maketrans("〇零○Ｏ一二三四五六七八九", "0000123456789")
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_DATE = re.compile(r"((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")
_PUBLISHED = re.compile(r"发布(?:日期|时间)\s*[:：]\s*([^<\n]{8,20})")
#: Charsets whose labels understate what pages really use: decode as the superset.
_SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "big5": "big5hkscs"}


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


def decode_html(data: bytes, charset: str = "") -> str:
    """Page text from bytes: the server's charset, else the page's meta, else a guess.

    GB2312/GBK labels are read as GB18030, which every such page really is a
    subset of; undecodable bytes become U+FFFD instead of failing the crawl.
    """
    declared = charset or _meta_charset(data)
    if not declared:
        best = charset_normalizer.from_bytes(data[:65536]).best()
        declared = best.encoding if best else "utf-8"
    encoding = _SUPERSETS.get(declared.lower(), declared)
    try:
        return data.decode(encoding, errors="replace")
    except LookupError:
        return data.decode("utf-8", errors="replace")


def _meta_charset(data: bytes) -> str:
    match = _META_CHARSET.search(data[:4096])
    return match.group(1).decode("ascii") if match else ""


def parse_listing(text: str, base_url: str) -> Listing:
    """Entries and next pages of a listing page at ``base_url``."""
    soup = BeautifulSoup(text, "lxml")
    links = _links(soup, base_url)
    for fragment in _HANWEB_RECORD.findall(text):
        links.extend(_links(BeautifulSoup(fragment, "lxml"), base_url))
    pages = [link.url for link in links if _is_page_link(link, base_url)]
    pages.extend(_trs_pages(text, base_url))
    page_set = set(pages)
    entries = [link for link in links if link.url not in page_set and link.text]
    return Listing(tuple(_unique(entries)), tuple(dict.fromkeys(pages)))


def _links(soup: BeautifulSoup, base_url: str) -> list[Link]:
    out = []
    for anchor in soup.find_all("a", href=True):
        url = _absolute(anchor["href"], base_url)
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


def _anchor_text(anchor: Tag) -> str:
    """The fuller of a link's words and its title attribute (listings cut long titles with …)."""
    words = " ".join(anchor.get_text(" ", strip=True).split()).rstrip(".…")
    title = " ".join(str(anchor.get("title") or "").split())
    return title if title and len(title) >= len(words) else words


def _nearby_date(anchor: Tag) -> str:
    """A date printed in the same list item or table row as the link."""
    holder = anchor.find_parent(["li", "tr", "dd", "p"])
    return normalize_date(holder.get_text(" ", strip=True)) if holder else ""


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
    soup = BeautifulSoup(text, "lxml")
    title = _meta(soup, "ArticleTitle")
    date = normalize_date(_meta(soup, "PubDate"))
    if not date:
        printed = _PUBLISHED.search(soup.get_text("\n"))
        date = normalize_date(printed.group(1)) if printed else ""
    return PageMeta(title, date, _meta(soup, "ContentSource"))


def _meta(soup: BeautifulSoup, name: str) -> str:
    tag = soup.find("meta", attrs={"name": re.compile(f"^{name}$", re.IGNORECASE)})
    return " ".join(str(tag.get("content") or "").split()) if tag else ""


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
    soup = BeautifulSoup(text, "lxml")
    files = [url for url in (_absolute(a["href"], page_url) for a in soup.find_all("a", href=True))
             if url and is_attachment_url(url)]
    images = [url for url in (_absolute(img["src"], page_url) for img in soup.find_all("img", src=True))
              if url and _is_content_image(url, page_url)]
    return list(dict.fromkeys(files + images))


def _is_content_image(url: str, page_url: str) -> bool:
    path = urlsplit(url).path
    if not path.lower().endswith(_IMAGE_SUFFIXES):
        return False
    return dirname(path) == dirname(urlsplit(page_url).path) or "/picture/" in path
