"""``xxgk crawl`` as a user runs it: exit code, summary on stdout, failures on stderr."""
from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from extractor.cli import main
from test_crawl import mock_site


def test_crawl_command_prints_outcome_counts_and_fails_on_blocked_and_dead_pages(tmp_path: Path) -> None:
    with mock_site.MockSite() as site:
        seeds = tmp_path / "seeds.csv"
        seeds.write_text(f"body,region,url\n上海市人民政府办公厅,上海市,{site.root}/shanghai/nb/index.html\n",
                         encoding="utf-8")
        result = CliRunner().invoke(main, ["crawl", str(seeds), "--out", str(tmp_path / "out"), "--delay", "0.01",
                                           "--years", "2019-2025", "--allow-private"])
    assert (result.exit_code, result.stdout) == (1, "blocked\t1\nfetched\t1\n")
    assert f"xxgk: {site.root}/shanghai/nb/2021/0201/art_2020.html: blocked" in result.stderr


def test_crawl_command_reports_a_bad_seeds_file_in_one_line(tmp_path: Path) -> None:
    seeds = tmp_path / "seeds.csv"
    seeds.write_text("body,region\n上海市人民政府办公厅,上海市\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["crawl", str(seeds), "--out", str(tmp_path / "out")])
    message = " ".join(result.stderr.split())
    assert (result.exit_code, message) == (
        1, f"xxgk: {seeds}: seeds need a header and rows with columns body, region, url (missing: url)")
