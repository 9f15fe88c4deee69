"""The hand-off: ``xxgk crawl`` a site, then ``xxgk build`` its folder, as a user runs them.

The mock site of ``test_crawl`` serves pages, PDFs, DOCX files and a table
image; the dataset must hold every fetched report with the URL and publish
date the crawl recorded, and the image must end as one failed entry whose
reason says what to do, while everything else lands.
"""
from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from click.testing import CliRunner, Result
from conftest import SAMPLES
from test_crawl import REPORTS, manifest, mock_site, seeds

from extractor.cli import main
from extractor.dataset import Dataset

IMAGE = "/picture/0/2501201000.png"
IMAGE_REASON = "a PNG image: table images need OCR, which xxgk does not do"


@dataclass
class HandOff:
    """One crawl of the mock site and one build of its folder."""

    rows: dict[str, dict[str, str]]
    reports: dict[str, dict[str, object]]
    build: Result


@pytest.fixture(scope="module")
def handoff(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HandOff]:
    folder = tmp_path_factory.mktemp("handoff")
    out, db, seeds_csv = folder / "crawl", folder / "x.duckdb", folder / "seeds.csv"
    runner = CliRunner()
    with mock_site.MockSite() as site:
        with seeds_csv.open("w", newline="", encoding="utf-8") as handle:
            csv.writer(handle).writerows([("body", "region", "url"),
                                          *((s.body, s.region, s.url) for s in seeds(site.root))])
        runner.invoke(main, ["crawl", str(seeds_csv), "--out", str(out), "--allow-private", "--delay", "0.01",
                             "--timeout", "5", "--years", "2019-2025"])
    built = runner.invoke(main, ["build", str(out), "--db", str(db), "--jobs", "2"])
    with Dataset(db, read_only=True) as dataset:
        frame = dataset.frame("SELECT url, publish_date, path, status, error, agency, year FROM reports")
    reports = {_local(row["url"]): row for row in frame.to_dict("records")}
    yield HandOff(manifest(out), reports, built)


def _local(url: str) -> str:
    """``http://127.0.0.1:PORT/a?b`` → ``/a?b``, as ``test_crawl.manifest`` keys its rows."""
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def test_every_fetched_document_is_in_the_dataset_with_its_url_and_publish_date(handoff: HandOff) -> None:
    fetched = {path: row["publish_date"] for path, row in handoff.rows.items() if row["outcome"] == "fetched"}
    assert set(fetched) == REPORTS
    assert {path: report["publish_date"] for path, report in handoff.reports.items()} == fetched


def test_table_image_is_one_failed_entry_saying_it_needs_ocr(handoff: HandOff) -> None:
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
