"""The hand-off: ``xxgk crawl`` a site, then ``xxgk build`` its folder, as a user runs them.

The mock site of ``test_crawl`` serves pages, PDFs, DOCX files and a table
image; the dataset must hold every fetched report with the URL and publish
date the crawl recorded, and the image (blank: OCR finds no text) must end as
one failed entry saying so, while everything else lands. Two of its detail pages
hold only a title and links to the files that are the report: they are
pages, not reports, in the dataset and in the review built from it.
"""
from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import lxml.html
import pytest
from click.testing import CliRunner, Result
from conftest import SAMPLES
from test_crawl import REPORTS, manifest, mock_site, seeds

from extractor.cli import main
from extractor.dataset import Dataset
from extractor.review import write_site

IMAGE = "/picture/0/2501201000.png"
IMAGE_REASON = "an image without text: OCR found nothing to read"
#: Detail pages holding only a title and links to their attachments.
PAGES = {"/hongze/xxgk/nb/202402/t20240201_1.html", "/art/2025/1/20/art_1234_1.html"}
#: A page holding its report's title and nothing else (正文从略), linking nothing: a report without tables.
EMPTY_REPORT = "/hongze/xxgk/nb/202303/t20230301_2.html"


@dataclass
class HandOff:
    """One crawl of the mock site and one build of its folder."""

    rows: dict[str, dict[str, str]]
    reports: dict[str, dict[str, object]]
    build: Result
    db: Path


@pytest.fixture(scope="module")
def handoff(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HandOff]:
    """The timeout is below the site's slow page (1 s), so that the crawl retries it as a real client would
    instead of keeping the late reply (``too late``) the site sends to a client that gave up."""
    folder = tmp_path_factory.mktemp("handoff")
    out, db, seeds_csv = folder / "crawl", folder / "x.duckdb", folder / "seeds.csv"
    runner = CliRunner()
    with mock_site.MockSite() as site:
        with seeds_csv.open("w", newline="", encoding="utf-8") as handle:
            csv.writer(handle).writerows([("body", "region", "url"),
                                          *((s.body, s.region, s.url) for s in seeds(site.root))])
        runner.invoke(main, ["crawl", str(seeds_csv), "--out", str(out), "--allow-private", "--delay", "0.01",
                             "--timeout", "0.5", "--years", "2019-2025"])
    built = runner.invoke(main, ["build", str(out), "--db", str(db), "--jobs", "2"])
    with Dataset(db, read_only=True) as dataset:
        frame = dataset.frame("SELECT url, publish_date, path, status, error, agency, year, parent_url FROM reports")
    reports = {_local(row["url"]): row for row in frame.to_dict("records")}
    yield HandOff(manifest(out), reports, built, db)


def _local(url: str) -> str:
    """``http://127.0.0.1:PORT/a?b`` → ``/a?b``, as ``test_crawl.manifest`` keys its rows."""
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def test_every_fetched_document_is_in_the_dataset_with_its_url_and_publish_date(handoff: HandOff) -> None:
    fetched = {path: row["publish_date"] for path, row in handoff.rows.items() if row["outcome"] == "fetched"}
    assert set(fetched) == REPORTS
    assert {path: report["publish_date"] for path, report in handoff.reports.items()} == fetched


def test_image_without_text_is_one_failed_entry_saying_so(handoff: HandOff) -> None:
    failed = {path: report["error"] for path, report in handoff.reports.items() if report["status"] == "failed"}
    assert failed == {IMAGE: IMAGE_REASON}


def test_build_names_the_image_on_stderr_and_exits_1(handoff: HandOff) -> None:
    image = handoff.reports[IMAGE]["path"]
    assert handoff.build.exit_code == 1
    assert f"xxgk: {image}: {IMAGE_REASON}\n" in handoff.build.stderr


def test_crawled_pdf_is_parsed_into_its_bodys_record(handoff: HandOff) -> None:
    report = handoff.reports["/hongze/xxgk/nb/202402/P020240201_hongze.pdf"]
    expected = json.loads((SAMPLES / "hongze_qzf_2023.expected.json").read_text(encoding="utf-8"))
    assert (report["status"], report["agency"], report["year"]) == ("ok", expected["agency"], expected["year"])


def test_pages_only_linking_their_attachments_are_not_reports(handoff: HandOff) -> None:
    assert {path for path, report in handoff.reports.items() if report["status"] == "page"} == PAGES


def test_attachments_carry_their_pages_url_and_publish_date(handoff: HandOff) -> None:
    linked = {path: (report["parent_url"], report["publish_date"]) for path, report in handoff.reports.items()
              if isinstance(report["parent_url"], str)}
    assert linked == {path: (row["parent_url"], handoff.reports[_local(row["parent_url"])]["publish_date"])
                      for path, row in handoff.rows.items()
                      if row["outcome"] == "fetched" and row["parent_url"]}


@pytest.fixture(scope="module")
def review(handoff: HandOff) -> lxml.html.HtmlElement:
    return lxml.html.parse(str(write_site(handoff.db, handoff.db.parent / "site"))).getroot()


def test_counts_in_xxgk_report_exclude_pages(handoff: HandOff, review: lxml.html.HtmlElement) -> None:
    cards = {card.get("id"): card.find_class("n")[0].text_content() for card in review.find_class("card")}
    assert cards["n-reports"] == str(len(handoff.reports) - len(PAGES))


def test_tables_not_found_lists_no_page(handoff: HandOff, review: lxml.html.HtmlElement) -> None:
    listed = {a.get("href") for a in review.get_element_by_id("tables-missing").xpath(".//a[starts-with(@href, 'http')]")}
    assert {_local(url) for url in listed} == {EMPTY_REPORT}


def _not_fetched(handoff: HandOff) -> dict[tuple[str, int], str]:
    with Dataset(handoff.db, read_only=True) as dataset:
        rows = dataset.frame("SELECT body, year, detail FROM coverage WHERE status = 'not_fetched'")
    return {(body, year): detail for body, year, detail in rows.itertuples(index=False)}


def test_blocked_report_is_could_not_be_fetched_in_coverage_not_unpublished(handoff: HandOff) -> None:
    detail = _not_fetched(handoff)[("上海市人民政府办公厅|310000", 2020)]
    assert detail.startswith("blocked") and "521" in detail


@pytest.mark.parametrize("year, outcome", [(2019, "error"), (2021, "disallowed-by-robots")])
def test_missing_page_and_robots_refusal_are_could_not_be_fetched(handoff: HandOff, year: int, outcome: str) -> None:
    assert _not_fetched(handoff)[("洪泽区人民政府|320813", year)].startswith(outcome)
