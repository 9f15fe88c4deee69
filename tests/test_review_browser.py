"""The review site in a real browser: headless Chromium (Debian's ``chromium`` and ``chromium-driver``,
installed by ``.ci/run``) opens the site from disk as a reviewer would.

The site is built from the bundled samples and a generated 洪泽 2024 report
whose 上年结转 does not match 洪泽 2023's 结转下年度 (CARRY_MISMATCH). Screenshots of the overview and of
洪泽 2023's page are saved as artefacts in the test's temporary folder, or in
the folder ``XXGK_SCREENSHOTS`` names (``XXGK_SCREENSHOTS=docs`` makes the two
the README shows).
"""
from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urlsplit

import lxml.html
import pytest
from conftest import FIXTURES, SAMPLES, sample_reports
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement

from extractor.build import BuildSettings, build
from extractor.extract import extract_file
from extractor.review import write_site

HONGZE = SAMPLES / "hongze_qzf_2023.pdf"
HONGZE_2024 = FIXTURES / "dataset" / "hongze_2024_generated.html"
WIDTH = 1400


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The review site of the bundled samples and 洪泽 2024, as ``xxgk report`` writes it."""
    folder = tmp_path_factory.mktemp("review")
    build([*sample_reports(), HONGZE_2024], folder / "samples.duckdb", settings=BuildSettings(jobs=2, timeout=120))
    return write_site(folder / "samples.duckdb", folder / "site").parent


@pytest.fixture(scope="module")
def browser() -> Iterator[WebDriver]:
    """Debian's Chromium through its own chromedriver: nothing is downloaded at run time."""
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     f"--window-size={WIDTH},1000"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver") or "/usr/bin/chromedriver"),
                              options=options)
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = Path(os.environ.get("XXGK_SCREENSHOTS") or tmp_path_factory.mktemp("screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def open_page(browser: WebDriver, path: Path) -> WebDriver:
    browser.get_log("browser")  # what earlier pages logged
    browser.get(path.as_uri())
    return browser


def screenshot(browser: WebDriver, path: Path, height: int = 1400) -> None:
    browser.set_window_size(WIDTH, height)
    browser.save_screenshot(str(path))
    browser.set_window_size(WIDTH, 1000)


def report_page(site: Path, report: Path) -> Path:
    """The page of the report read from ``report`` (the overview's report list links it under its agency)."""
    index = lxml.html.parse(str(site / "index.html")).getroot()
    agency = extract_file(report).agency
    href = index.xpath(f'//table[@id="reports"]//a[normalize-space()="{agency}"]/@href')[0]
    return site / href


def box(element: WebElement) -> dict[str, float]:
    return element.parent.execute_script("return arguments[0].getBoundingClientRect().toJSON()", element)


def test_overview_charts_render_with_their_columns(site: Path, browser: WebDriver, shots: Path) -> None:
    open_page(browser, site / "index.html")
    charts = browser.find_elements(By.CSS_SELECTOR, "svg.chart")
    drawn = [(box(chart)["width"] > 300, len(chart.find_elements(By.CSS_SELECTOR, "rect")) > 0) for chart in charts]
    screenshot(browser, shots / "review-overview.png")
    assert drawn == [(True, True)] * 3


def test_hongze_appeals_total_is_flagged_with_its_message_beside_the_source_crop(
        site: Path, browser: WebDriver, shots: Path) -> None:
    open_page(browser, report_page(site, HONGZE))
    section = browser.find_element(By.ID, "t-appeals")
    cell = section.find_element(By.CSS_SELECTOR, 'td[data-key="review.total"]')
    crop = section.find_element(By.CSS_SELECTOR, ".source img")
    message = next(f.message for f in extract_file(HONGZE).findings
                   if f.code == "APPEAL_SUM" and "行政复议" in f.message)
    flags = [item.text for item in section.find_elements(By.CSS_SELECTOR, "ol.flags li")]
    browser.execute_script("arguments[0].scrollIntoView()", section)
    screenshot(browser, shots / "review-report.png", 900)
    shown = browser.execute_script("return arguments[0].firstChild.textContent", cell)
    assert (shown, set(cell.get_attribute("class").split()) >= {"flag", "lead", "error"}) == ("0", True)
    assert any(message in text for text in flags)
    assert browser.execute_script("return arguments[0].complete && arguments[0].naturalWidth", crop) > 0
    assert box(crop)["left"] > box(cell)["right"] and box(crop)["top"] < box(cell)["bottom"]


def test_each_value_shows_its_raw_text_and_where_it_was_read(site: Path) -> None:
    page = lxml.html.parse(str(report_page(site, HONGZE))).getroot()
    rows = [[td.text_content() for td in tr.xpath("./td")] for tr in page.get_element_by_id("values-appeals").xpath(
        "./tbody/tr")]
    assert next(row for row in rows if row[0] == "行政复议 / 总计")[1:4] == ["0", "0", "第4页 表3 第4行 第5列"]


def test_blank_cell_looks_different_from_zero(site: Path, browser: WebDriver) -> None:
    open_page(browser, report_page(site, SAMPLES / "shanghai_szfbgt_2019.html"))
    blank = browser.find_element(By.CSS_SELECTOR, "table.form td.blank")
    zero = next(td for td in browser.find_elements(By.CSS_SELECTOR, "table.form td.num") if td.text == "0")
    style = "const s = getComputedStyle(arguments[0]); return [s.backgroundImage, s.backgroundColor, s.color];"
    assert browser.execute_script(style, blank) != browser.execute_script(style, zero)


def test_search_by_name_leaves_the_bodys_reports(site: Path, browser: WebDriver) -> None:
    open_page(browser, site / "index.html")
    browser.find_element(By.ID, "q").send_keys("洪泽")
    shown = [row.find_elements(By.TAG_NAME, "td")[1].text
             for row in browser.find_elements(By.CSS_SELECTOR, "#reports tbody tr") if row.is_displayed()]
    assert shown == ["洪泽区人民政府", "洪泽区人民政府"]


def test_year_filter_leaves_that_years_reports(site: Path, browser: WebDriver) -> None:
    open_page(browser, site / "index.html")
    browser.find_element(By.CSS_SELECTOR, '#year option[value="2024"]').click()
    years = {row.find_elements(By.TAG_NAME, "td")[3].text
             for row in browser.find_elements(By.CSS_SELECTOR, "#reports tbody tr") if row.is_displayed()}
    assert years == {"2024"}


def test_without_scripts_the_list_shows_every_report_and_no_dead_controls(site: Path, browser: WebDriver) -> None:
    browser.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": True})
    try:
        open_page(browser, site / "index.html")
        rows = browser.find_elements(By.CSS_SELECTOR, "#reports tbody tr")
        shown = (browser.find_element(By.ID, "search").is_displayed(), all(row.is_displayed() for row in rows))
    finally:
        browser.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": False})
    assert shown == (False, True)


def body_page(site: Path, name: str) -> lxml.html.HtmlElement:
    index = lxml.html.parse(str(site / "index.html")).getroot()
    return lxml.html.parse(str(site / index.xpath(f'//table[@id="coverage-grid"]//a[.="{name}"]/@href')[0])).getroot()


def test_body_page_marks_the_carry_over_that_breaks(site: Path) -> None:
    page = body_page(site, "洪泽区人民政府")
    cell = page.xpath('//td[@data-key="requests.carried_over.total"][@data-year="2024"]')[0]
    assert ("flag" in cell.get("class").split(), cell.text_content()) == (True, "5")
    assert "2023年报告四、结转下年度继续办理 / 总计为0" in cell.get("title")


def test_body_page_trend_marks_the_year_of_the_break(site: Path) -> None:
    chart = body_page(site, "洪泽区人民政府").get_element_by_id("trend-received")
    assert ["上年结转" in mark.xpath("./title")[0].text_content() for mark in chart.find_class("mark")] == [True]


def test_overview_lists_the_carry_over_break_with_body_and_both_years(site: Path) -> None:
    index = lxml.html.parse(str(site / "index.html")).getroot()
    rows = [[td.text_content() for td in tr.xpath("./td")]
            for tr in index.get_element_by_id("cross-findings").xpath("./tbody/tr")]
    carry = [row for row in rows if "CARRY_MISMATCH" in row[0]]
    assert {(row[2], row[3].split()[-1]) for row in carry} == {("2024", "2023")}


def pages(site: Path) -> list[Path]:
    """The site's own pages (``files/`` holds the original reports, some of them HTML, as they were)."""
    return [site / "index.html", *sorted((site / "reports").glob("*.html")), *sorted((site / "bodies").glob("*.html"))]


def test_no_page_logs_a_console_error(site: Path, browser: WebDriver) -> None:
    errors = {}
    for page in pages(site):
        open_page(browser, page)
        logged = [entry["message"] for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]
        if logged:
            errors[page.name] = logged
    assert errors == {}


def broken_links(site: Path) -> list[tuple[str, str]]:
    """Every href and src of every page that is neither a web address nor a file in the site."""
    broken = []
    for page in pages(site):
        tree = lxml.html.parse(str(page)).getroot()
        ids = set(tree.xpath("//@id"))
        for link in tree.xpath("//@href | //@src"):
            parts = urlsplit(link)
            if parts.scheme in ("http", "https"):
                continue
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            inside = target.is_relative_to(site.resolve()) and target.exists()
            if parts.scheme or not inside or (not parts.path and parts.fragment not in ids):
                broken.append((str(page.relative_to(site)), link))
    return broken


def test_every_link_of_every_page_is_a_file_of_the_site(site: Path) -> None:
    assert broken_links(site) == []


def test_no_page_repeats_an_id(site: Path) -> None:
    repeated = {}
    for page in pages(site):
        ids = lxml.html.parse(str(page)).getroot().xpath("//@id")
        if len(ids) != len(set(ids)):
            repeated[page.name] = sorted({i for i in ids if ids.count(i) > 1})
    assert repeated == {}


def test_site_copied_elsewhere_opens_its_report_and_crop(site: Path, browser: WebDriver,
                                                         tmp_path: Path) -> None:
    copy = shutil.copytree(site, tmp_path / "mailed")
    assert broken_links(copy) == []
    open_page(browser, copy / "index.html")
    browser.find_element(By.ID, "reports").find_element(By.LINK_TEXT, extract_file(HONGZE).agency).click()
    crop = browser.find_element(By.CSS_SELECTOR, "#t-appeals .source img")
    assert browser.current_url.startswith(copy.as_uri())
    assert browser.execute_script("return arguments[0].complete && arguments[0].naturalWidth", crop) > 0
