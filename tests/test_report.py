"""``xxgk report``: the overview page of the review site shows the numbers the dataset holds.

The dataset is built once from the bundled real reports, a few generated ones
and one broken file; the expected numbers come from the hand-verified
``*.expected.json`` beside each report, not from the dataset itself.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path

import lxml.html
import pytest
from click.testing import CliRunner
from conftest import FIXTURES, expected_path, sample_reports

from extractor.build import BuildSettings, build
from extractor.cli import main
from extractor.dataset import COLUMN_LABELS
from extractor.extract import extract_file
from extractor.record import CODE_LABELS
from extractor.review import write_site
from extractor.review.charts import Series, column_chart
from extractor.review.locations import location_text
from extractor.review.overview import DENIED
from extractor.template import column_label, row_label

GENERATED = [FIXTURES / "generated" / name for name in ("g0003_html.html", "g0004_docx.docx", "g0008_pdf.pdf",
                                                        "g0009_html.html")]
REPORTS = [*sample_reports(), *GENERATED]
HONGZE = FIXTURES / "samples" / "hongze_qzf_2023.pdf"
NEW_RECEIVED = column_label("requests", "new_received.total")
#: A finding code as the review shows it: its Chinese label, the code after it.
APPEAL_SUM = f"{CODE_LABELS['APPEAL_SUM']}（APPEAL_SUM）"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A dataset of real and generated reports plus one empty PDF that cannot be parsed."""
    folder = tmp_path_factory.mktemp("report")
    broken = folder / "broken.pdf"
    broken.write_bytes(b"")
    db = folder / "x.duckdb"
    build([*REPORTS, broken], db, settings=BuildSettings(jobs=2, timeout=120))
    yield db


@pytest.fixture(scope="module")
def page(built: Path) -> lxml.html.HtmlElement:
    return lxml.html.parse(str(write_site(built, built.parent / "site"))).getroot()


def rows(page: lxml.html.HtmlElement, table_id: str) -> list[dict[str, str]]:
    """A table of the report as one dict per row, keyed by its header texts."""
    table = page.get_element_by_id(table_id)
    headers = [th.text_content() for th in table.xpath("./thead/tr/th")]
    return [dict(zip(headers, (td.text_content() for td in tr.xpath("./td")))) for tr in table.xpath("./tbody/tr")]


def copy_of(report: Path) -> str:
    """Where the site keeps its copy of a report file: named by content, so that links survive zipping."""
    return f"files/{hashlib.sha256(report.read_bytes()).hexdigest()}{report.suffix}"


def expected(report: Path) -> dict:
    return json.loads(expected_path(report).read_text(encoding="utf-8"))


def expected_sum(year: int, keys: tuple[str, ...]) -> int:
    """The sum of the keys' requests over the year's reports, one report per agency."""
    by_agency = {data["agency"]: data["tables"]["requests"] for data in map(expected, REPORTS) if data["year"] == year}
    return sum(table.get(key) or 0 for table in by_agency.values() for key in keys)


def test_overview_counts_every_file_and_the_failed_one(page: lxml.html.HtmlElement) -> None:
    cards = {card.get("id"): card.find_class("n")[0].text_content() for card in page.find_class("card")}
    assert (cards["n-reports"], cards["n-failed"]) == (str(len(REPORTS) + 1), "1")


def test_files_per_year_match_the_years_of_the_reports(page: lxml.html.HtmlElement) -> None:
    shown = {row[COLUMN_LABELS["year"]]: row["解析成功"] for row in rows(page, "by-year")}
    years = [str(expected(report)["year"] or "年度不详") for report in REPORTS]
    assert shown == {year: str(years.count(year)) for year in years}


def test_failed_file_is_listed_with_its_reason(page: lxml.html.HtmlElement) -> None:
    assert [(row[COLUMN_LABELS["path"]], row[COLUMN_LABELS["error"]]) for row in rows(page, "failed")] == [
        ("broken.pdf", "empty file")]


def test_failed_file_counts_under_its_suffix(page: lxml.html.HtmlElement) -> None:
    pdf = next(row for row in rows(page, "by-format") if row[COLUMN_LABELS["format"]] == "pdf")
    assert pdf["解析失败"] == "1"


def test_appeal_sum_of_hongze_is_listed_with_its_message_and_source(page: lxml.html.HtmlElement) -> None:
    row = page.get_element_by_id("arithmetic").xpath(f'./tbody/tr[.//a/@href="{copy_of(HONGZE)}"]')[0]
    codes = row.xpath("./td[3]")[0].text_content()
    listed = {div.text_content() for div in row.xpath("./td[4]/div")}
    assert (codes, listed) == (APPEAL_SUM, {f.message for f in extract_file(HONGZE).findings
                                            if f.code == "APPEAL_SUM"})


def test_findings_are_counted_per_code_and_year(page: lxml.html.HtmlElement) -> None:
    appeal = next(row for row in rows(page, "finding-counts") if row[COLUMN_LABELS["code"]] == APPEAL_SUM)
    count = str(sum(f.code == "APPEAL_SUM" for f in extract_file(HONGZE).findings))
    assert (appeal["2023"], appeal["合计"]) == (count, count)


def test_body_missing_a_year_is_shown_with_the_years(page: lxml.html.HtmlElement) -> None:
    missing = {row[COLUMN_LABELS["agency"]]: row["缺失年度"] for row in rows(page, "missing")}
    assert missing["平潭综合实验区"] == "2021、2023"


def test_requests_received_per_year_sum_the_reports_of_the_year(page: lxml.html.HtmlElement) -> None:
    headline = {row[COLUMN_LABELS["year"]]: row for row in rows(page, "headline")}
    assert headline["2023"][NEW_RECEIVED] == f"{expected_sum(2023, ('new_received.total',)):,}"


def test_two_files_of_one_bodys_year_count_once(page: lxml.html.HtmlElement) -> None:
    headline = {row[COLUMN_LABELS["year"]]: row for row in rows(page, "headline")}
    agencies = {expected(report)["agency"] for report in REPORTS if expected(report)["year"] == 2024}
    assert (headline["2024"]["机关数"], headline["2024"][NEW_RECEIVED]) == (
        str(len(agencies)), f"{expected_sum(2024, ('new_received.total',)):,}")


def test_share_denied_is_denied_over_all_results(page: lxml.html.HtmlElement) -> None:
    row = next(row for row in rows(page, "headline") if row[COLUMN_LABELS["year"]] == "2023")
    shown = next(value for header, value in row.items() if header.endswith(row_label("requests", "results_total")))
    share = expected_sum(2023, DENIED) / expected_sum(2023, ("results_total.total",))
    assert shown == f"{share:.1%}"


def test_overview_needs_nothing_from_the_network(page: lxml.html.HtmlElement) -> None:
    assets = page.xpath("//script/@src | //link/@href | //*[@src]/@src | //iframe | //object")
    assert [a for a in assets if "://" in a or a.startswith("/")] == []
    assert len(page.xpath("//svg")) == 3


def test_overview_lists_one_report_per_body_year_without_its_script(page: lxml.html.HtmlElement) -> None:
    rows = page.get_element_by_id("reports").xpath("./tbody/tr")
    body_years = {(data["agency"], data["year"]) for data in map(expected, REPORTS)}
    assert (len(rows), [r for r in rows if r.get("hidden") is not None]) == (len(body_years), [])


def test_report_command_writes_the_site_and_prints_its_overview(built: Path, tmp_path: Path) -> None:
    out = tmp_path / "review"
    result = CliRunner().invoke(main, ["report", "--db", str(built), "--out", str(out)])
    assert (result.exit_code, result.output.strip()) == (0, str(out / "index.html"))
    assert lxml.html.parse(str(out / "index.html")).getroot().get_element_by_id("headline") is not None


def test_site_written_again_keeps_no_page_of_a_report_gone(built: Path, tmp_path: Path) -> None:
    out = tmp_path / "review"
    write_site(built, out)
    gone = out / "reports" / "0000000000000000.html"
    gone.write_text("a report an earlier dataset held", encoding="utf-8")
    write_site(built, out)
    assert (gone.exists(), (out / "index.html").exists()) == (False, True)


def test_report_command_names_the_folder_it_cannot_write(built: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "a file"
    blocker.write_text("")
    out = blocker / "review"
    result = CliRunner().invoke(main, ["report", "--db", str(built), "--out", str(out)])
    assert (result.exit_code, result.output) == (1, f"xxgk: {out}: cannot write report: Not a directory\n")


def test_value_location_reads_in_chinese() -> None:
    assert location_text("page 4 table 3 row 4 col 5") == "第4页 表3 第4行 第5列"


def test_chart_axis_rises_in_round_steps_to_a_round_top() -> None:
    svg = lxml.html.fromstring(column_chart(["2023", "2024"], [Series("n", [30, 49], "#000")], title="t"))
    assert [text.text_content() for text in svg.find_class("axis")][:6] == ["0", "10", "20", "30", "40", "50"]
