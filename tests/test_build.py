"""``build``: every file lands once, failures are isolated, reruns are incremental and resumable."""
from __future__ import annotations

import csv
import multiprocessing
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from conftest import FIXTURES, ROOT, SAMPLES, sample_reports
from dataset_support import (
    DATASET_FIXTURES,
    expected_record,
    misbehaving,
    parse_expected,
)

from extractor import build as build_module
from extractor.build import (
    BuildSettings,
    Parsed,
    Source,
    build,
    collect_sources,
    parse_isolated,
    sha256_of,
    sources_to_parse,
)
from extractor.cli import main
from extractor.dataset import CrawlInfo, Dataset, KnownFile, report_id_of
from extractor.errors import XxgkError
from extractor.extract import extract_file

FAST = BuildSettings(jobs=2, timeout=60)
HTML_REPORTS = [p for p in sample_reports() if p.suffix == ".html"]
#: A crawled detail page holding only a report's title and a link to the file that is the report.
LINK_PAGE = FIXTURES / "site" / "www" / "hongze" / "xxgk" / "nb" / "202402" / "t20240201_1.html"


def _tables(db: Path) -> dict[str, pd.DataFrame]:
    with Dataset(db, read_only=True) as dataset:
        return {name: dataset.table(name) for name in ("reports", "report_values", "findings", "missing_reports")}


def _status(db: Path) -> dict[str, tuple[str, str | None]]:
    with Dataset(db, read_only=True) as dataset:
        rows = dataset.frame("SELECT path, status, error FROM reports").itertuples(index=False)
        return {Path(path).name: (status, None if pd.isna(error) else error) for path, status, error in rows}


def _copy(paths: list[Path], folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for path in paths:
        shutil.copy(path, folder / path.name)
    return folder


def test_build_writes_every_value_and_finding_the_extractor_gives(tmp_path: Path) -> None:
    db = tmp_path / "x.duckdb"
    build(sample_reports(), db, settings=FAST)
    with Dataset(db, read_only=True) as dataset:
        for report in sample_reports():
            stored = dataset.frame("SELECT count(*) AS n FROM report_values WHERE report_id = ?",
                                   [report_id_of(str(report))])["n"][0]
            findings = dataset.frame("SELECT count(*) AS n FROM findings WHERE report_id = ? AND origin = 'report'",
                                     [report_id_of(str(report))])["n"][0]
            try:
                record = extract_file(report)
            except XxgkError:
                assert (stored, findings) == (0, 0)
                continue
            assert (stored, findings) == (sum(map(len, record.tables.values())), len(record.findings))


def test_build_keeps_each_reports_text(tmp_path: Path) -> None:
    db = tmp_path / "x.duckdb"
    report = SAMPLES / "pingtan_2022_gwh.html"
    build([report], db, settings=FAST)
    with Dataset(db, read_only=True) as dataset:
        [text] = dataset.frame("SELECT text FROM report_texts")["text"]
    assert "平潭综合实验区" in text


def test_build_stores_each_expected_value(tmp_path: Path) -> None:
    db = tmp_path / "x.duckdb"
    build([SAMPLES], db, settings=FAST, parse=parse_expected)
    with Dataset(db, read_only=True) as dataset:
        wide = dataset.table("files_wide").set_index("path")
    for report in sample_reports():
        record = expected_record(Source(str(report)))
        for table, values in record.tables.items():
            for key, value in values.items():
                stored = wide.loc[str(report), f"{table}.{key}"]
                assert (None if pd.isna(stored) else stored) == value, (report.name, key)


def test_second_build_parses_nothing(tmp_path: Path) -> None:
    db = tmp_path / "x.duckdb"
    build(HTML_REPORTS, db, settings=FAST, parse=parse_expected)
    summary = build(HTML_REPORTS, db, settings=FAST, parse=parse_expected)
    assert (summary.skipped, summary.parsed) == (len(HTML_REPORTS), 0)


def test_new_extractor_version_parses_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "x.duckdb"
    build(HTML_REPORTS, db, settings=FAST, parse=parse_expected)
    monkeypatch.setattr(build_module, "EXTRACTOR_VERSION", "999")
    assert build(HTML_REPORTS, db, settings=FAST, parse=parse_expected).parsed == len(HTML_REPORTS)


def test_changed_file_is_parsed_again_and_replaces_its_rows(tmp_path: Path) -> None:
    original = HTML_REPORTS[0]
    folder = _copy([original, original.with_name(original.stem + ".expected.json")], tmp_path / "in")
    db = tmp_path / "x.duckdb"
    build([folder], db, settings=FAST, parse=parse_expected)
    report = folder / original.name
    report.write_bytes(report.read_bytes() + b"<!-- edited -->")
    summary = build([folder], db, settings=FAST, parse=parse_expected)
    values = sum(map(len, expected_record(Source(str(report))).tables.values()))
    assert (summary.parsed, len(_tables(db)["reports"]), len(_tables(db)["report_values"])) == (1, 1, values)


def test_garbage_file_is_one_failed_entry_and_the_rest_lands(tmp_path: Path) -> None:
    db = tmp_path / "x.duckdb"
    summary = build([DATASET_FIXTURES / "garbage.pdf", *HTML_REPORTS[:2]], db, settings=FAST)
    statuses = _status(db)
    assert ([Path(p).name for p, _ in summary.failures], statuses["garbage.pdf"][0]) == (["garbage.pdf"], "failed")


@pytest.mark.parametrize("name, reason", [
    ("hangs", "timed out after 2 s"),
    ("segfaults", f"worker died (exit code -{int(signal.SIGSEGV)})"),
    ("eats_memory", "out of memory (limit 512 MiB)"),
])
def test_misbehaving_file_is_one_failed_entry_and_the_rest_lands(tmp_path: Path, name: str, reason: str) -> None:
    bad = tmp_path / f"{name}.html"
    bad.write_text("<html></html>", encoding="utf-8")
    db = tmp_path / "x.duckdb"
    build([bad, *HTML_REPORTS[:2]], db, settings=BuildSettings(jobs=2, timeout=2, memory_mb=512), parse=misbehaving)
    assert _status(db) == {bad.name: ("failed", reason), **{p.name: ("ok", None) for p in HTML_REPORTS[:2]}}


def test_failed_file_is_retried_only_when_asked(tmp_path: Path) -> None:
    db = tmp_path / "x.duckdb"
    files = [DATASET_FIXTURES / "garbage.pdf"]
    build(files, db, settings=FAST, parse=parse_expected)
    again = build(files, db, settings=FAST, parse=parse_expected).parsed
    retried = build(files, db, settings=BuildSettings(jobs=1, retry_failed=True), parse=parse_expected).parsed
    assert (again, retried) == (0, 1)


_BUILD_SCRIPT = """
import sys
sys.path[:0] = {paths!r}
from extractor.build import BuildSettings, build
from dataset_support import parse_expected_slowly
if __name__ == "__main__":
    build([{source!r}], {db!r}, settings=BuildSettings(jobs=1), parse=parse_expected_slowly,
          on_progress=lambda p: print(p.done, flush=True))
"""


def test_build_killed_midway_resumes_to_the_same_dataset(tmp_path: Path) -> None:
    killed, whole = tmp_path / "killed.duckdb", tmp_path / "whole.duckdb"
    script = tmp_path / "run_build.py"
    script.write_text(_BUILD_SCRIPT.format(paths=[str(ROOT), str(ROOT / "tests")], source=str(SAMPLES),
                                           db=str(killed)), encoding="utf-8")
    process = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True,
                               start_new_session=True)
    assert process.stdout is not None
    third = next((line for line in process.stdout if int(line) >= 3), None)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    assert third is not None, "the build ended before it could be killed"
    assert 0 < _tables(killed)["reports"].shape[0] < len(collect_sources([SAMPLES]))
    build([SAMPLES], killed, settings=FAST, parse=parse_expected)
    build([SAMPLES], whole, settings=FAST, parse=parse_expected)
    for name, frame in _tables(whole).items():
        pd.testing.assert_frame_equal(_tables(killed)[name], frame, obj=name)


def _crawl_folder(tmp_path: Path) -> Path:
    """A crawl's output: three files, one of which the crawl could not fetch."""
    crawl = _copy(HTML_REPORTS[:3], tmp_path / "crawl" / "files").parent
    _write_manifest(crawl, [{"url": f"http://example.gov.cn/{i}", "publish_date": "2023-01-31",
                             "path": f"files/{p.name}", "outcome": outcome, "charset": "gb18030"}
                            for i, (p, outcome) in enumerate(zip(HTML_REPORTS[:3],
                                                                 ("fetched", "not-modified", "error")))])
    return crawl


def _write_manifest(crawl: Path, rows: list[dict[str, str]]) -> None:
    with (crawl / "manifest.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def test_crawl_folder_gives_its_usable_files_with_url_date_and_charset(tmp_path: Path) -> None:
    crawl = _crawl_folder(tmp_path)
    assert collect_sources([crawl]) == [
        Source(str((crawl / "files" / p.name).resolve()), f"http://example.gov.cn/{i}", "2023-01-31", "gb18030",
               crawl=CrawlInfo())
        for i, p in enumerate(HTML_REPORTS[:2])]


def test_crawl_url_and_date_land_in_the_reports_table(tmp_path: Path) -> None:
    db = tmp_path / "x.duckdb"
    build([_crawl_folder(tmp_path)], db, settings=FAST, parse=parse_expected)
    reports = _tables(db)["reports"]
    assert sorted(zip(reports["url"], reports["publish_date"])) == [
        ("http://example.gov.cn/0", "2023-01-31"), ("http://example.gov.cn/1", "2023-01-31")]


def test_page_built_before_its_attachment_becomes_a_page_when_it_lands(tmp_path: Path) -> None:
    crawl = _copy([LINK_PAGE, HTML_REPORTS[0]], tmp_path / "crawl" / "files").parent
    page_url = "http://www.hongze.gov.cn/hongze/xxgk/nb/202402/t20240201_1.html"
    page = {"url": page_url, "path": f"files/{LINK_PAGE.name}", "outcome": "fetched", "parent_url": ""}
    attachment = {"url": "http://www.hongze.gov.cn/nb.html", "path": f"files/{HTML_REPORTS[0].name}",
                  "outcome": "fetched", "parent_url": page_url}
    db = tmp_path / "x.duckdb"
    _write_manifest(crawl, [page])
    build([crawl], db, settings=FAST)
    before = _status(db)[LINK_PAGE.name][0]
    _write_manifest(crawl, [page, attachment])
    parsed = build([crawl], db, settings=FAST).parsed
    assert (before, parsed, _status(db)[LINK_PAGE.name][0]) == ("ok", 1, "page")


def test_cli_build_reports_each_failure_and_exits_non_zero(tmp_path: Path) -> None:
    garbage = DATASET_FIXTURES / "garbage.pdf"
    result = CliRunner().invoke(main, ["build", str(garbage), "--db", str(tmp_path / "x.duckdb"), "-j", "1"])
    failure = _status(tmp_path / "x.duckdb")["garbage.pdf"][1]
    assert (result.exit_code, f"xxgk: {garbage}: {failure}" in result.output.splitlines()) == (1, True)


def test_cli_build_summarizes_what_it_did(tmp_path: Path) -> None:
    db = tmp_path / "x.duckdb"
    CliRunner().invoke(main, ["build", *map(str, HTML_REPORTS[:2]), "--db", str(db)])
    result = CliRunner().invoke(main, ["build", *map(str, HTML_REPORTS[:2]), "--db", str(db)])
    summary = [f"2 file(s): 2 already in the dataset, 0 parsed, 0 failed; 0 finding(s) across reports, "
               f"1 missing report(s) → {db}",
               "in the dataset: 2 report(s) (one per body and year), 0 more copy(ies) of them, 0 failed, "
               "0 page(s) that only link reports, 0 file(s) that are no report"]
    assert (result.exit_code, result.output.splitlines()[-2:]) == (0, summary)


def test_unreadable_file_hashes_to_nothing_and_is_parsed_again(tmp_path: Path) -> None:
    unreadable = str(tmp_path)
    known = {unreadable: KnownFile(sha256_of(unreadable), build_module.EXTRACTOR_VERSION, "failed")}
    assert sources_to_parse([Source(unreadable)], {unreadable: ""}, known) == [Source(unreadable)]


def test_files_in_flight_are_stopped_when_the_build_stops(tmp_path: Path) -> None:
    hangs = tmp_path / "hangs.html"
    hangs.write_text("<html></html>", encoding="utf-8")

    def interrupt(parsed: Parsed) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        parse_isolated([Source(str(hangs)), Source(str(HTML_REPORTS[0]))], misbehaving, FAST, interrupt)
    assert [p.name for p in multiprocessing.active_children() if p.name.startswith("ForkServerProcess")] == []


def test_cluster_build_without_dask_is_one_line_naming_the_extra(tmp_path: Path) -> None:
    """``pip install xxgk`` has no Dask: asking for a cluster says which extra to install."""
    without_dask = "import sys; sys.modules['distributed'] = None; from extractor.cli import main; main()"
    result = subprocess.run([sys.executable, "-c", without_dask, "build", str(HTML_REPORTS[0]), "--db",
                             str(tmp_path / "x.duckdb"), "--scheduler", "tcp://127.0.0.1:1"],
                            capture_output=True, text=True, timeout=120)
    assert (result.returncode, result.stderr.strip().splitlines()) == (
        1, ["xxgk: --scheduler (parsing on a Dask cluster) needs the distributed package: pip install 'xxgk[cluster]'"])
