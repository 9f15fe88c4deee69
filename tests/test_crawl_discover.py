"""Reading CMS pages: which links are report entries, which are further pages, what a page says."""
from __future__ import annotations

from pathlib import Path

import pytest

from conftest import SAMPLES
from extractor.crawl.discover import attachments, page_meta, page_text, parse_listing, report_year


SITE = Path(__file__).resolve().parents[1] / "fixtures" / "site" / "www"
CORPUS = SAMPLES
HOST = "http://www.example.gov.cn"


def listing(relative: str) -> str:
    return (SITE / relative).read_text(encoding="utf-8")


@pytest.mark.parametrize(("title", "year"), [
    ("平潭综合实验区2024年度政府信息公开工作年度报告", 2024),
    ("2019年上海市人民政府办公厅政府信息公开工作年度报告", 2019),
    ("淮安市二〇二三年政府信息公开工作年报", 2023),
    ("洪泽区 2022 年政府信息公开年报", 2022),
    ("平潭综合实验区2024年政务公开工作要点", None),
    ("政府信息公开工作年度报告", None),
])
def test_report_year_reads_the_year_of_report_titles_only(title: str, year: int | None) -> None:
    assert report_year(title) == year


def test_trs_pager_script_announces_the_numbered_pages() -> None:
    page = parse_listing(listing("pingtan/zfxxgknb/index.html"), f"{HOST}/nb/index.html")
    assert page.pages == (f"{HOST}/nb/index_1.html",)


@pytest.mark.parametrize("script", [
    'createPageHTML(3, 0, "index", "shtml");',
    "createPageHTML('page_div',3, 0,'index','shtml',42);",
    "var currentPage = 0;//所在页从0开始\nvar countPage = 3//共多少页",
])
def test_trs_pager_variants_announce_the_same_pages(script: str) -> None:
    page = parse_listing(f"<html><body><script>{script}</script></body></html>", f"{HOST}/nb/index.shtml")
    assert page.pages == (f"{HOST}/nb/index_1.shtml", f"{HOST}/nb/index_2.shtml")


def test_listing_titles_cut_with_an_ellipsis_are_taken_whole_from_the_title_attribute() -> None:
    page = parse_listing(listing("pingtan/zfxxgknb/index.html"), f"{HOST}/nb/index.html")
    assert page.entries[1].text == "平潭综合实验区2024年度政府信息公开工作年度报告"


def test_listing_entries_carry_the_date_printed_beside_them() -> None:
    page = parse_listing(listing("pingtan/zfxxgknb/index.html"), f"{HOST}/nb/index.html")
    assert {entry.url: entry.date for entry in page.entries}[f"{HOST}/nb/202503/t20250310_97791.htm"] == "2025-03-10"


def test_hanweb_datastore_records_and_page_number_links_are_found() -> None:
    page = parse_listing(listing("col/col1234/index.html"), f"{HOST}/col/col1234/index.html")
    assert f"{HOST}/art/2025/1/20/art_1234_1.html" in {entry.url for entry in page.entries}
    assert page.pages == (f"{HOST}/col/col1234/index.html?uid=4410&pageNum=2",)


def test_next_page_link_is_followed_by_its_words() -> None:
    page = parse_listing(listing("hongze/xxgk/nb/list.html"), f"{HOST}/nb/list.html")
    assert page.pages == (f"{HOST}/nb/list_2.html",)


def test_attachments_are_files_and_content_images_but_not_page_chrome() -> None:
    found = attachments(listing("art/2025/1/20/art_1234_1.html"), f"{HOST}/art/2025/1/20/art_1234_1.html")
    assert found == [
        f"{HOST}/module/download/downfile.jsp?classid=0&filename=huaian_szf_2024.pdf",
        f"{HOST}/art/2025/1/20/huaian_szf_2024_form.docx",
        "http://www.jiangsu.gov.cn/uploadfiles/huaian_2024_nb.pdf",
        f"{HOST}/picture/0/2501201000.png",
    ]


def test_a_real_trs_page_has_no_attachments_among_its_navigation() -> None:
    text = (CORPUS / "pingtan_2022_gwh.html").read_text(encoding="utf-8")
    assert attachments(text, "https://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/202302/t20230220_80629.htm") == []


def test_page_meta_reads_the_standard_tags_of_a_real_page() -> None:
    meta = page_meta((CORPUS / "pingtan_2020_gwh.html").read_text(encoding="utf-8"))
    assert (meta.title, meta.publish_date) == ("平潭综合实验区2020年度政府信息公开工作年度报告", "2021-03-05")


def test_page_meta_falls_back_to_the_printed_publish_date() -> None:
    meta = page_meta((CORPUS / "shanghai_szfbgt_2019.html").read_text(encoding="utf-8"))
    assert (meta.title, meta.publish_date) == ("", "2020-01-31")


@pytest.mark.parametrize("header", ["GBK", ""])
def test_gbk_bytes_decode_from_the_header_or_the_meta_charset(header: str) -> None:
    text = '<html><head><meta charset="gb2312"></head><body>洪泽区政府信息公开年报 镕</body></html>'
    assert "洪泽区政府信息公开年报 镕" in page_text("http://www.hongze.gov.cn/nb.html", text.encode("gbk"), header)
