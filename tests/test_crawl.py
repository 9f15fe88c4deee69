"""``xxgk crawl`` end to end, against a mock government site served on 127.0.0.1.

The site (``fixtures/site``) publishes corpus reports the way TRS and Hanweb
sites do; its request log shows exactly what the crawler asked for.
"""
from __future__ import annotations

import csv
import hashlib
import importlib.util
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from extractor.crawl import COLUMNS, CrawlSettings, CrawlSummary, Seed, crawl

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / "fixtures" / "samples"
YEARS = tuple(range(2019, 2026))


def _load_site_module() -> Any:
    spec = importlib.util.spec_from_file_location("xxgk_mock_site", REPO / "fixtures" / "site" / "server.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


mock_site = _load_site_module()

#: Every report page and attachment the mock site publishes for 2019-2025 and allows.
REPORTS = {
    "/pingtan/zfxxgknb/202503/t20250310_97791.htm",
    "/pingtan/zfxxgknb/202302/t20230220_80629.htm",
    "/pingtan/zfxxgknb/202103/t20210305_80595.html",
    "/art/2025/1/20/art_1234_1.html",
    "/module/download/downfile.jsp?classid=0&filename=huaian_szf_2024.pdf",
    "/art/2025/1/20/huaian_szf_2024_form.docx",
    "/picture/0/2501201000.png",
    "/module/download/downfile.jsp?classid=0&filename=official_template_2021.docx",
    "/hongze/xxgk/nb/202402/t20240201_1.html",
    "/hongze/xxgk/nb/202402/P020240201_hongze.pdf",
    "/hongze/xxgk/nb/202303/t20230301_2.html",
    "/shanghai/nb/2020/0131/art_2019.html",
}


@pytest.fixture
def site() -> Iterator[Any]:
    with mock_site.MockSite() as running:
        yield running


@dataclass
class Crawled:
    """One full crawl of a fresh site, shared by the tests that only read its results."""

    site: Any
    out: Path
    summary: CrawlSummary
    rows: dict[str, dict[str, str]]


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Crawled]:
    out = tmp_path_factory.mktemp("crawl")
    with mock_site.MockSite() as running:
        summary = run(running, out, warc=True)
        yield Crawled(running, out, summary, manifest(out))


def seeds(root: str) -> list[Seed]:
    return [
        Seed("平潭综合实验区", "福建省平潭综合实验区", f"{root}/pingtan/zfxxgknb/index.html"),
        Seed("淮安市人民政府", "江苏省淮安市", f"{root}/col/col1234/index.html"),
        Seed("洪泽区人民政府", "江苏省淮安市洪泽区", f"{root}/hongze/xxgk/nb/list.html"),
        Seed("上海市人民政府办公厅", "上海市", f"{root}/shanghai/nb/index.html"),
    ]


def run(site: Any, out: Path, **changes: Any) -> CrawlSummary:
    options = {"delay": 0.01, "timeout": 0.3, "backoff": 0.01, "allow_private": True, "years": YEARS} | changes
    return crawl(seeds(site.root), out, CrawlSettings(**options))


def manifest(out: Path) -> dict[str, dict[str, str]]:
    """Manifest rows keyed by URL, on-site URLs shortened to their path (with query)."""
    with open(out / "manifest.csv", newline="", encoding="utf-8-sig") as handle:
        return {_local(row["url"]): row for row in csv.DictReader(handle)}


def _local(url: str) -> str:
    """``http://127.0.0.1:PORT/a?b`` → ``/a?b``; other URLs unchanged."""
    scheme_host, _, rest = url.partition("://")[2].partition("/")
    return "/" + rest if scheme_host.startswith("127.0.0.1") else url


def with_outcome(rows: dict[str, dict[str, str]], outcome: str) -> set[str]:
    return {path for path, row in rows.items() if row["outcome"] == outcome}


def test_manifest_starts_with_the_hand_off_columns(crawled: Crawled) -> None:
    with open(crawled.out / "manifest.csv", newline="", encoding="utf-8-sig") as handle:
        header = next(csv.reader(handle))
    assert header[:14] == ["body", "region", "url", "final_url", "title", "publish_date", "fetched_at",
                           "http_status", "sha256", "path", "outcome", "reason", "content_type", "charset"]
    assert tuple(header) == COLUMNS


def test_manifest_starts_with_a_byte_order_mark_for_excel(crawled: Crawled) -> None:
    assert (crawled.out / "manifest.csv").read_bytes()[:3] == b"\xef\xbb\xbf"


def test_resumed_crawl_keeps_one_byte_order_mark_at_the_start(site: Any, tmp_path: Path) -> None:
    run(site, tmp_path, limit=2)
    run(site, tmp_path)
    data = (tmp_path / "manifest.csv").read_bytes()
    assert (data[:3], data.count(b"\xef\xbb\xbf")) == (b"\xef\xbb\xbf", 1)


def test_every_report_page_and_attachment_is_fetched(crawled: Crawled) -> None:
    assert with_outcome(crawled.rows, "fetched") == REPORTS


def test_stored_files_are_the_served_bytes(crawled: Crawled) -> None:
    row = crawled.rows["/hongze/xxgk/nb/202402/P020240201_hongze.pdf"]
    original = (CORPUS / "hongze_qzf_2023.pdf").read_bytes()
    assert row["sha256"] == hashlib.sha256(original).hexdigest()
    assert (crawled.out / row["path"]).read_bytes() == original


@pytest.mark.parametrize("path", [
    "/hongze/xxgk/nb/private/2021nb.html",
    "/pingtan/zfxxgknb/201603/t20160301_1.htm",
    "/shanghai/nb/2015/0130/art_2014.html",
    "/pingtan/zfxxgknb/202402/t20240201_90001.htm",
    "/shanghai/nb/guide.html",
    "/images/logo.png",
])
def test_disallowed_out_of_range_and_non_report_links_are_never_requested(crawled: Crawled, path: str) -> None:
    assert path not in crawled.site.paths()


def test_robots_disallowed_entry_is_recorded_with_its_reason(crawled: Crawled) -> None:
    row = crawled.rows["/hongze/xxgk/nb/private/2021nb.html"]
    assert (row["outcome"], row["reason"]) == ("disallowed-by-robots",
                                               "robots.txt disallows /hongze/xxgk/nb/private/2021nb.html")


def test_off_site_entries_and_attachments_are_recorded_not_fetched(crawled: Crawled) -> None:
    assert with_outcome(crawled.rows, "off-site") == {
        "http://www.huaian.gov.cn/hongze/2020nb.html",
        "http://www.jiangsu.gov.cn/uploadfiles/huaian_2024_nb.pdf",
    }


def test_challenge_page_is_recorded_as_blocked_and_asked_once(crawled: Crawled) -> None:
    row = crawled.rows["/shanghai/nb/2021/0201/art_2020.html"]
    assert (row["outcome"], row["http_status"]) == ("blocked", "521")
    assert crawled.site.paths().count("/shanghai/nb/2021/0201/art_2020.html") == 1


def test_dead_link_is_an_error_with_its_status(crawled: Crawled) -> None:
    row = crawled.rows["/hongze/xxgk/nb/202003/t20200120_404.html"]
    assert (row["outcome"], row["reason"]) == ("error", "HTTP 404")
    assert {failure.outcome for failure in crawled.summary.failures} == {"error", "blocked"}


def test_slow_page_is_retried_after_a_timeout(crawled: Crawled) -> None:
    assert crawled.site.paths().count("/hongze/xxgk/nb/202303/t20230301_2.html") == 2
    assert crawled.rows["/hongze/xxgk/nb/202303/t20230301_2.html"]["outcome"] == "fetched"


def test_slow_page_without_retries_is_an_error(site: Any, tmp_path: Path) -> None:
    run(site, tmp_path, retries=0)
    row = manifest(tmp_path)["/hongze/xxgk/nb/202303/t20230301_2.html"]
    assert (row["outcome"], row["reason"]) == ("error", "timed out (ReadTimeout) after 1 attempt")


def test_redirected_entry_keeps_its_url_and_records_where_it_ended(crawled: Crawled) -> None:
    row = crawled.rows["/pingtan/zfxxgknb/202103/t20210305_80595.html"]
    assert _local(row["final_url"]) == "/pingtan/zfxxgknb/202103/t20210305_80595.htm"


def test_page_metadata_comes_from_meta_tags(crawled: Crawled) -> None:
    row = crawled.rows["/pingtan/zfxxgknb/202503/t20250310_97791.htm"]
    assert (row["title"], row["publish_date"], row["source"]) == (
        "平潭综合实验区2024年度政府信息公开工作年度报告", "2025-03-10", "平潭综合实验区管委会办公室")


def test_gbk_page_with_header_charset_is_read_and_the_charset_recorded(crawled: Crawled) -> None:
    row = crawled.rows["/hongze/xxgk/nb/202402/t20240201_1.html"]
    assert (row["title"], row["charset"], row["source"]) == (
        "洪泽区人民政府2023年政府信息公开工作年度报告", "GBK", "洪泽区人民政府办公室")


def test_gbk_page_with_meta_charset_only_is_read_and_its_printed_date_used(crawled: Crawled) -> None:
    row = crawled.rows["/shanghai/nb/2020/0131/art_2019.html"]
    assert (row["title"], row["publish_date"], row["charset"]) == (
        "2019年上海市人民政府办公厅政府信息公开工作年度报告", "2020-01-31", "")


def test_attachments_carry_their_page(crawled: Crawled) -> None:
    row = crawled.rows["/art/2025/1/20/huaian_szf_2024_form.docx"]
    assert (row["kind"], _local(row["parent_url"]), row["title"], row["publish_date"]) == (
        "attachment", "/art/2025/1/20/art_1234_1.html", "淮安市人民政府2024年政府信息公开工作年度报告", "2025-01-20")


def test_files_over_max_bytes_are_too_large_and_not_stored(site: Any, tmp_path: Path) -> None:
    run(site, tmp_path, max_bytes=200_000)
    rows = manifest(tmp_path)
    assert with_outcome(rows, "too-large") == {
        "/pingtan/zfxxgknb/202302/t20230220_80629.htm",
        "/pingtan/zfxxgknb/202103/t20210305_80595.html",
        "/module/download/downfile.jsp?classid=0&filename=huaian_szf_2024.pdf",
        "/hongze/xxgk/nb/202402/P020240201_hongze.pdf",
    }
    assert rows["/hongze/xxgk/nb/202402/P020240201_hongze.pdf"]["path"] == ""


def test_interrupted_crawl_resumes_without_fetching_anything_twice(site: Any, tmp_path: Path) -> None:
    first = run(site, tmp_path, limit=5)
    asked_first = set(site.paths())
    site.requests.clear()
    second = run(site, tmp_path)
    asked_again = set(site.paths()) & REPORTS & asked_first
    assert (first.stopped, first.outcomes["fetched"], second.resumed) == (True, 5, 5)
    assert asked_again == set()
    assert with_outcome(manifest(tmp_path), "fetched") == REPORTS


def test_resumed_crawl_finds_attachments_of_a_page_fetched_before_the_stop(site: Any, tmp_path: Path) -> None:
    run(site, tmp_path, limit=4)
    assert "/art/2025/1/20/art_1234_1.html" in manifest(tmp_path)
    assert "/art/2025/1/20/huaian_szf_2024_form.docx" not in manifest(tmp_path)
    run(site, tmp_path)
    assert manifest(tmp_path)["/art/2025/1/20/huaian_szf_2024_form.docx"]["outcome"] == "fetched"


def test_rerun_asks_listings_conditionally(site: Any, tmp_path: Path) -> None:
    run(site, tmp_path)
    site.requests.clear()
    run(site, tmp_path)
    headers = dict(site.requests)["/pingtan/zfxxgknb/index.html"]
    assert headers.get("If-None-Match", "").startswith('"')


def test_refresh_revalidates_finished_documents_as_not_modified(site: Any, tmp_path: Path) -> None:
    run(site, tmp_path)
    run(site, tmp_path, refresh=True)
    assert with_outcome(manifest(tmp_path), "not-modified") == REPORTS


def test_loopback_is_refused_unless_allowed(site: Any, tmp_path: Path) -> None:
    summary = run(site, tmp_path, allow_private=False)
    assert site.paths() == []
    assert {row.outcome for row in summary.failures} == {"error"}
    assert "non-public address" in summary.failures[0].reason


def test_requests_name_the_tool(crawled: Crawled) -> None:
    agents = {headers.get("User-Agent", "") for _, headers in crawled.site.requests}
    assert len(agents) == 1 and agents.pop().startswith("xxgk/")


def test_warc_archive_holds_every_fetched_document(crawled: Crawled) -> None:
    from warcio.archiveiterator import ArchiveIterator

    with open(crawled.out / "crawl.warc.gz", "rb") as handle:
        archived = {_local(record.rec_headers.get_header("WARC-Target-URI"))
                    for record in ArchiveIterator(handle) if record.rec_type == "response"}
    fetched = {_local(row["final_url"]) for row in crawled.rows.values() if row["outcome"] == "fetched"}
    assert fetched <= archived
